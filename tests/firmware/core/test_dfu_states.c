/* SPDX-License-Identifier: MIT */
/*
 * Every DFU state x every DFU request (DFU 1.1 appendix A.1 and DfuSe):
 * whether the request is accepted, and the state it leaves behind. The
 * expectations below are written from the specification, not from the
 * implementation's table, with one deliberate exception: CLRSTATUS is
 * answered in dfuIDLE, dfuDNLOAD-SYNC, dfuDNBUSY, dfuDNLOAD-IDLE and
 * dfuUPLOAD-IDLE and leads to dfuIDLE, for the clients written against ST's
 * USB device library (docs/decisions/clrstatus-semantics.md).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"

enum { ACC = 1, STALL_ERR = 2, STALL_STAY = 3 };

struct expect {
	int how;        /* ACC, STALL_ERR (-> dfuERROR/errSTALLEDPKT), STALL_STAY */
	int next_state; /* for ACC; -1 = unchanged */
};

#define S(x) DFU_STATE_##x
/* rows: states; columns: DETACH, DNLOAD, UPLOAD, GETSTATUS, CLRSTATUS, GETSTATE, ABORT */
static const struct expect matrix[DFU_STATE_COUNT][DFU_REQ_COUNT] = {
    [S(APP_IDLE)] = {{ACC, S(APP_DETACH)},
                     {STALL_STAY, -1},
                     {STALL_STAY, -1},
                     {ACC, -1},
                     {STALL_STAY, -1},
                     {ACC, -1},
                     {STALL_STAY, -1}},
    [S(APP_DETACH)] = {{STALL_STAY, -1},
                       {STALL_STAY, -1},
                       {STALL_STAY, -1},
                       {ACC, -1},
                       {STALL_STAY, -1},
                       {ACC, -1},
                       {STALL_STAY, -1}},
    [S(IDLE)] = {{STALL_ERR, 0},
                 {ACC, S(DNLOAD_SYNC)},
                 {ACC, S(UPLOAD_IDLE)},
                 {ACC, -1},
                 {ACC, S(IDLE)},
                 {ACC, -1},
                 {ACC, S(IDLE)}},
    [S(DNLOAD_SYNC)] = {{STALL_ERR, 0},
                        {STALL_ERR, 0},
                        {STALL_ERR, 0},
                        {ACC, S(DNBUSY)},
                        {ACC, S(IDLE)},
                        {ACC, -1},
                        {ACC, S(IDLE)}},
    /* ABORT in dfuDNBUSY: accepted once the operation ends (dfu-util 0.7
     * sends it after two GETSTATUS, docs/decisions/busy-reporting.md) */
    [S(DNBUSY)] = {{STALL_ERR, 0},
                   {STALL_ERR, 0},
                   {STALL_ERR, 0},
                   {ACC, S(DNLOAD_IDLE)},
                   {ACC, S(IDLE)},
                   {ACC, -1},
                   {ACC, S(IDLE)}},
    [S(DNLOAD_IDLE)] = {{STALL_ERR, 0},
                        {ACC, S(DNLOAD_SYNC)},
                        {STALL_ERR, 0},
                        {ACC, -1},
                        {ACC, S(IDLE)},
                        {ACC, -1},
                        {ACC, S(IDLE)}},
    [S(MANIFEST_SYNC)] = {{STALL_ERR, 0},
                          {STALL_ERR, 0},
                          {STALL_ERR, 0},
                          {ACC, S(MANIFEST)},
                          {STALL_ERR, 0},
                          {ACC, -1},
                          {STALL_ERR, 0}},
    [S(MANIFEST)] = {{STALL_ERR, 0},
                     {STALL_ERR, 0},
                     {STALL_ERR, 0},
                     {ACC, S(MANIFEST_WAIT_RESET)},
                     {STALL_ERR, 0},
                     {ACC, -1},
                     {STALL_ERR, 0}},
    [S(MANIFEST_WAIT_RESET)] = {{STALL_STAY, -1},
                                {STALL_STAY, -1},
                                {STALL_STAY, -1},
                                {ACC, -1},
                                {STALL_STAY, -1},
                                {ACC, -1},
                                {STALL_STAY, -1}},
    [S(UPLOAD_IDLE)] = {{STALL_ERR, 0},
                        {STALL_ERR, 0},
                        {ACC, S(UPLOAD_IDLE)},
                        {ACC, -1},
                        {ACC, S(IDLE)},
                        {ACC, -1},
                        {ACC, S(IDLE)}},
    [S(ERROR)] = {{STALL_ERR, 0},
                  {STALL_ERR, 0},
                  {STALL_ERR, 0},
                  {ACC, -1},
                  {ACC, S(IDLE)},
                  {ACC, -1},
                  {STALL_ERR, 0}},
};

static void enter_state(enum dfu_state st)
{
	uint8_t s6[6], cmd[5] = {0x21, 0x00, 0x00, 0x02, 0x08}, buf[64];
	switch (st) {
	case S(APP_IDLE):
	case S(APP_DETACH):
		dfu_force_state(st);
		break;
	case S(IDLE):
		break;
	case S(ERROR):
		/* DETACH is illegal in dfuIDLE (DFU 1.1 A.2.3) */
		assert_int_equal(mock_control(0x21, DFU_REQ_DETACH, 0, 0, 0, NULL), MOCK_EPIPE);
		break;
	case S(UPLOAD_IDLE):
		assert_int_equal(fx_set_address(0x08000000u), 0);
		assert_int_equal(fx_abort(), 0);
		assert_int_equal(fx_upload(2, buf, sizeof(buf)), sizeof(buf));
		break;
	case S(MANIFEST_SYNC):
	case S(MANIFEST):
	case S(MANIFEST_WAIT_RESET):
		assert_int_equal(fx_dnload(0, NULL, 0), 0);
		if (st != S(MANIFEST_SYNC))
			assert_int_equal(fx_getstatus(s6), 6);
		if (st == S(MANIFEST_WAIT_RESET))
			assert_int_equal(fx_getstatus(s6), 6);
		break;
	default: /* the download states, through a SET_ADDRESS command */
		assert_int_equal(fx_dnload(0, cmd, 5), 5);
		if (st == S(DNBUSY) || st == S(DNLOAD_IDLE))
			assert_int_equal(fx_getstatus(s6), 6);
		if (st == S(DNLOAD_IDLE))
			assert_int_equal(fx_getstatus(s6), 6);
		break;
	}
	assert_int_equal(dfu_get_state(), st);
}

static int issue(enum dfu_request r)
{
	uint8_t buf[64], cmd[5] = {0x21, 0x00, 0x00, 0x02, 0x08};
	switch (r) {
	case DFU_REQ_DETACH:
		return mock_control(0x21, DFU_REQ_DETACH, 1000, 0, 0, NULL);
	case DFU_REQ_DNLOAD:
		return fx_dnload(0, cmd, 5);
	case DFU_REQ_UPLOAD:
		return fx_upload(2, buf, sizeof(buf));
	case DFU_REQ_GETSTATUS:
		return fx_getstatus(buf);
	case DFU_REQ_CLRSTATUS:
		return fx_clrstatus();
	case DFU_REQ_GETSTATE:
		return mock_control(0xA1, DFU_REQ_GETSTATE, 0, 0, 1, buf);
	case DFU_REQ_ABORT:
	default:
		return fx_abort();
	}
}

static void check_state(enum dfu_state st)
{
	char what[64];
	for (int r = 0; r < DFU_REQ_COUNT; r++) {
		fx_setup(NULL);
		enter_state(st);
		const struct expect *e = &matrix[st][r];
		int rc = issue((enum dfu_request)r);
		snprintf(what, sizeof(what), "state %d request %d", st, r);
		if (e->how == ACC) {
			if (rc < 0)
				fail_msg("%s: stalled, expected accepted", what);
			int want = e->next_state < 0 ? (int)st : e->next_state;
			if ((int)dfu_get_state() != want)
				fail_msg("%s: state %d, expected %d", what, dfu_get_state(), want);
		} else {
			if (rc != MOCK_EPIPE)
				fail_msg("%s: accepted (%d), expected a stall", what, rc);
			if (e->how == STALL_ERR) {
				if (dfu_get_state() != S(ERROR) ||
				    dfu_get_status() != DFU_STATUS_ERR_STALLEDPKT)
					fail_msg("%s: state %d status %d, expected dfuERROR/"
					         "errSTALLEDPKT",
					         what, dfu_get_state(), dfu_get_status());
			} else if (dfu_get_state() != st) {
				fail_msg("%s: state changed to %d", what, dfu_get_state());
			}
		}
		fx_teardown(NULL);
	}
}

#define STATE_TEST(name, st)                                                                       \
	static void test_state_##name(void **state)                                                \
	{                                                                                          \
		(void)state;                                                                       \
		check_state(st);                                                                   \
	}
STATE_TEST(app_idle, S(APP_IDLE))
STATE_TEST(app_detach, S(APP_DETACH))
STATE_TEST(dfu_idle, S(IDLE))
STATE_TEST(dnload_sync, S(DNLOAD_SYNC))
STATE_TEST(dnbusy, S(DNBUSY))
STATE_TEST(dnload_idle, S(DNLOAD_IDLE))
STATE_TEST(manifest_sync, S(MANIFEST_SYNC))
STATE_TEST(manifest, S(MANIFEST))
STATE_TEST(manifest_wait_reset, S(MANIFEST_WAIT_RESET))
STATE_TEST(upload_idle, S(UPLOAD_IDLE))
STATE_TEST(error, S(ERROR))

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_state_app_idle),
	    cmocka_unit_test(test_state_app_detach),
	    cmocka_unit_test(test_state_dfu_idle),
	    cmocka_unit_test(test_state_dnload_sync),
	    cmocka_unit_test(test_state_dnbusy),
	    cmocka_unit_test(test_state_dnload_idle),
	    cmocka_unit_test(test_state_manifest_sync),
	    cmocka_unit_test(test_state_manifest),
	    cmocka_unit_test(test_state_manifest_wait_reset),
	    cmocka_unit_test(test_state_upload_idle),
	    cmocka_unit_test(test_state_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
