/* SPDX-License-Identifier: MIT */
/*
 * The host-side control-transfer engine (sim/vusb/vusb_ctrl.c) against a
 * scripted device: stages, packetisation, short packets and ZLPs, NAK
 * retries and budgets, STALL in each stage.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sim/vusb/vusb_ctrl.h"

/* A scripted device: an IN source, an OUT sink, NAKs to answer before
 * each transaction is accepted, a stage to stall. */
struct fake {
	uint8_t in_data[1024];
	unsigned in_len; /* bytes the device has to send */
	unsigned in_pos;
	bool zlp_armed; /* device queues a trailing ZLP */
	uint8_t out_data[1024];
	unsigned out_pos;
	unsigned nak_each; /* NAKs before every data/status transaction */
	unsigned nak_left;
	bool stall_data, stall_status;
	unsigned noresp_setups; /* SETUPs dropped before one is taken */
	unsigned noresp_status; /* status transactions without handshake */
	bool in_data_stage;
	/* observations */
	unsigned setups, in_tx, out_tx, zlp_in, zlp_out, nak_calls;
	uint32_t last_streak;
};

static bool nak_now(struct fake *f)
{
	if (f->nak_left) {
		f->nak_left--;
		return true;
	}
	f->nak_left = f->nak_each;
	return false;
}

static int f_setup(void *ctx, const uint8_t pkt[8])
{
	struct fake *f = ctx;
	(void)pkt;
	f->setups++;
	if (f->noresp_setups) {
		f->noresp_setups--;
		return VUSB_NORESP;
	}
	f->in_pos = 0;
	f->out_pos = 0;
	f->nak_left = f->nak_each;
	f->in_data_stage = true;
	return VUSB_ACK;
}

static int f_in(void *ctx, uint8_t *data, unsigned maxlen, unsigned *len)
{
	struct fake *f = ctx;
	f->in_tx++;
	*len = 0;
	if (nak_now(f))
		return VUSB_NAK;
	if (maxlen == 0) { /* status stage IN (host asks for a ZLP) */
		if (f->noresp_status) {
			f->noresp_status--;
			return VUSB_NORESP;
		}
		if (f->stall_status)
			return VUSB_STALL;
		f->zlp_in++;
		return VUSB_ACK;
	}
	if (f->stall_data)
		return VUSB_STALL;
	unsigned n = f->in_len - f->in_pos;
	if (n == 0 && !f->zlp_armed)
		return VUSB_NAK; /* nothing armed */
	if (n > 64)
		n = 64;
	if (n > maxlen)
		n = maxlen;
	memcpy(data, f->in_data + f->in_pos, n);
	f->in_pos += n;
	if (n == 0) {
		f->zlp_armed = false;
		f->zlp_in++;
	}
	*len = n;
	return VUSB_ACK;
}

static int f_out(void *ctx, const uint8_t *data, unsigned len)
{
	struct fake *f = ctx;
	f->out_tx++;
	if (nak_now(f))
		return VUSB_NAK;
	if (len == 0) {
		if (f->stall_status)
			return VUSB_STALL;
		f->zlp_out++;
		return VUSB_ACK;
	}
	if (f->stall_data)
		return VUSB_STALL;
	memcpy(f->out_data + f->out_pos, data, len);
	f->out_pos += len;
	return VUSB_ACK;
}

static void f_nak(void *ctx, uint32_t streak)
{
	struct fake *f = ctx;
	f->nak_calls++;
	f->last_streak = streak;
}

static const struct vusb_dev_ops ops = {.setup = f_setup, .in = f_in, .out = f_out, .nak = f_nak};

static void setup_pkt(uint8_t s[8], uint8_t type, uint16_t wlength)
{
	const uint8_t v[8] = {type, 6, 0, 1, 0, 0, (uint8_t)wlength, (uint8_t)(wlength >> 8)};
	memcpy(s, v, 8);
}

static void fill(uint8_t *p, unsigned n, uint8_t seed)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7u);
}

static void in_multi_packet_short_answer(void **state)
{
	(void)state;
	struct fake f = {0};
	f.in_len = 150;
	fill(f.in_data, 150, 3);
	uint8_t s[8], buf[200] = {0};
	setup_pkt(s, 0x80, 200);
	struct vusb_ctrl x;
	vusb_ctrl_start(&x, s, buf, 64);
	assert_true(vusb_ctrl_run(&x, &ops, &f, 100));
	assert_int_equal(x.result, 150);
	assert_memory_equal(buf, f.in_data, 150);
	assert_int_equal(x.packets, 3); /* 64 + 64 + 22 (short: end of data) */
	assert_int_equal(f.setups, 1);
	assert_int_equal(f.in_tx, 3);
	assert_int_equal(f.zlp_out, 1); /* status stage: OUT ZLP */
}

static void in_multiple_of_mps_needs_zlp(void **state)
{
	(void)state;
	struct fake f = {0};
	f.in_len = 128;
	f.zlp_armed = true;
	fill(f.in_data, 128, 9);
	uint8_t s[8], buf[255];
	setup_pkt(s, 0x80, 255);
	struct vusb_ctrl x;
	vusb_ctrl_start(&x, s, buf, 64);
	assert_true(vusb_ctrl_run(&x, &ops, &f, 100));
	assert_int_equal(x.result, 128);
	assert_int_equal(x.packets, 3); /* 64 + 64 + ZLP */
	assert_int_equal(f.zlp_in, 1);
	assert_false(f.zlp_armed);
	assert_int_equal(f.zlp_out, 1);
}

static void in_exact_wlength_has_no_zlp(void **state)
{
	(void)state;
	struct fake f = {0};
	f.in_len = 128;
	fill(f.in_data, 128, 1);
	uint8_t s[8], buf[128];
	setup_pkt(s, 0x80, 128);
	struct vusb_ctrl x;
	vusb_ctrl_start(&x, s, buf, 64);
	assert_true(vusb_ctrl_run(&x, &ops, &f, 100));
	assert_int_equal(x.result, 128);
	assert_int_equal(f.in_tx, 2); /* no third IN token */
	assert_int_equal(f.zlp_out, 1);
}

static void out_multi_packet_then_status_in(void **state)
{
	(void)state;
	struct fake f = {0};
	uint8_t s[8], buf[130];
	fill(buf, sizeof(buf), 77);
	setup_pkt(s, 0x21, sizeof(buf));
	struct vusb_ctrl x;
	vusb_ctrl_start(&x, s, buf, 64);
	assert_true(vusb_ctrl_run(&x, &ops, &f, 100));
	assert_int_equal(x.result, 130);
	assert_int_equal(f.out_pos, 130);
	assert_memory_equal(f.out_data, buf, 130);
	assert_int_equal(f.out_tx, 3);
	assert_int_equal(f.zlp_in, 1);
}

/* One transfer on the fake device, run until the engine finishes it;
 * returns its result. */
static int run_to_end(struct fake *f, uint8_t type, uint16_t wlength, uint8_t *buf)
{
	uint8_t s[8];
	struct vusb_ctrl x;
	setup_pkt(s, type, wlength);
	vusb_ctrl_start(&x, s, buf, 64);
	assert_true(vusb_ctrl_run(&x, &ops, f, 100));
	return x.result;
}

static void no_data_stage_is_status_in(void **state)
{
	(void)state;
	struct fake f = {0};
	assert_int_equal(run_to_end(&f, 0x00, 0, NULL), 0);
	assert_int_equal(f.in_tx, 1);
	assert_int_equal(f.out_tx, 0);
	assert_int_equal(f.zlp_in, 1);
}

static void naks_are_retried_with_streak(void **state)
{
	(void)state;
	struct fake f = {0};
	f.nak_each = 3;
	f.in_len = 10;
	uint8_t s[8], buf[10];
	setup_pkt(s, 0x80, 10);
	struct vusb_ctrl x;
	vusb_ctrl_start(&x, s, buf, 64);
	assert_true(vusb_ctrl_run(&x, &ops, &f, 100));
	assert_int_equal(x.result, 10);
	/* 3 NAKs before the data packet and 3 before the status packet */
	assert_int_equal(x.naks, 6);
	assert_int_equal(f.nak_calls, 6);
	assert_int_equal(f.last_streak, 3);
}

static void nak_budget_suspends_and_resumes(void **state)
{
	(void)state;
	struct fake f = {0};
	f.nak_each = 10;
	f.in_len = 4;
	uint8_t s[8], buf[4];
	setup_pkt(s, 0x80, 4);
	struct vusb_ctrl x;
	vusb_ctrl_start(&x, s, buf, 64);
	assert_false(vusb_ctrl_run(&x, &ops, &f, 4));
	assert_int_equal(x.stage, VUSB_STAGE_DATA);
	assert_int_equal(f.setups, 1);
	unsigned rounds = 0;
	while (!vusb_ctrl_run(&x, &ops, &f, 4))
		rounds++;
	assert_int_equal(f.setups, 1); /* resuming does not resend SETUP */
	assert_int_equal(x.result, 4);
	assert_int_equal(x.naks, 20);
	assert_true(rounds >= 3);
}

static void stall_in_data_stage_is_epipe(void **state)
{
	(void)state;
	struct fake f = {0};
	f.stall_data = true;
	f.in_len = 8;
	uint8_t s[8], buf[8];
	setup_pkt(s, 0x80, 8);
	struct vusb_ctrl x;
	vusb_ctrl_start(&x, s, buf, 64);
	assert_true(vusb_ctrl_run(&x, &ops, &f, 100));
	assert_int_equal(x.result, -EPIPE);
	assert_int_equal(f.zlp_out, 0);
}

static void stall_in_status_stage_is_epipe(void **state)
{
	(void)state;
	struct fake f = {0};
	f.stall_status = true;
	uint8_t s[8], buf[3] = {1, 2, 3};
	setup_pkt(s, 0x21, 3);
	struct vusb_ctrl x;
	vusb_ctrl_start(&x, s, buf, 64);
	assert_true(vusb_ctrl_run(&x, &ops, &f, 100));
	assert_int_equal(x.result, -EPIPE);
	assert_int_equal(f.out_pos, 3); /* the data went through */
}

/* A SETUP the device dropped twice is taken the third time: the host
 * controller retries, the client sees nothing. */
static void dropped_setup_is_retried(void **state)
{
	(void)state;
	struct fake f = {0};
	f.noresp_setups = 2;
	assert_int_equal(run_to_end(&f, 0x21, 0, NULL), 0);
	assert_int_equal(f.setups, 3);
	assert_int_equal(f.zlp_in, 1);
}

/* Three transactions in a row without handshake: -EPROTO, in any stage. */
static void no_response_three_times_is_eproto(void **state)
{
	(void)state;
	struct fake f = {0};
	f.noresp_setups = 3;
	assert_int_equal(run_to_end(&f, 0x21, 0, NULL), -EPROTO);
	assert_int_equal(f.setups, 3);
	assert_int_equal(f.zlp_in, 0);

	struct fake g = {0};
	g.noresp_status = 3;
	assert_int_equal(run_to_end(&g, 0x21, 0, NULL), -EPROTO);

	struct fake h = {0};
	h.noresp_status = 2; /* two misses, then the handshake comes */
	assert_int_equal(run_to_end(&h, 0x21, 0, NULL), 0);
	assert_int_equal(h.zlp_in, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(in_multi_packet_short_answer),
	    cmocka_unit_test(in_multiple_of_mps_needs_zlp),
	    cmocka_unit_test(in_exact_wlength_has_no_zlp),
	    cmocka_unit_test(out_multi_packet_then_status_in),
	    cmocka_unit_test(no_data_stage_is_status_in),
	    cmocka_unit_test(naks_are_retried_with_streak),
	    cmocka_unit_test(nak_budget_suspends_and_resumes),
	    cmocka_unit_test(stall_in_data_stage_is_epipe),
	    cmocka_unit_test(stall_in_status_stage_is_epipe),
	    cmocka_unit_test(dropped_setup_is_retried),
	    cmocka_unit_test(no_response_three_times_is_eproto),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
