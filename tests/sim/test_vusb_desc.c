// SPDX-License-Identifier: MIT
/* What the simulated kernel keeps of a configuration descriptor
 * (sim/vusb/vusb_desc.c): interfaces, alternate settings, endpoints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sim/vusb/vusb_desc.h"

/* qdfu's own: two DFU alternate settings, each with its functional descriptor */
static const uint8_t dfu_cfg[] = {
    9, 2,    45,   0,    1, 1,    0,    0x80, 50, /* configuration 1 */
    9, 4,    0,    0,    0, 0xFE, 1,    2,    4,  /* interface 0 alt 0 */
    9, 0x21, 0x0B, 0xFF, 0, 0,    0x10, 0x1A, 1,  /* functional */
    9, 4,    0,    1,    0, 0xFE, 1,    2,    5,  /* interface 0 alt 1 */
    9, 0x21, 0x0B, 0xFF, 0, 0,    0x10, 0x1A, 1,
};

/* a device with bulk endpoints on interface 1, alt 1 only */
static const uint8_t bulk_cfg[] = {
    9, 2, 48,   0, 2,  3,    0, 0x80, 50, /* configuration 3 */
    9, 4, 0,    0, 0,  0xFF, 0, 0,    0,  /* interface 0 */
    9, 4, 1,    0, 0,  0xFF, 0, 0,    0,  /* interface 1 alt 0 */
    9, 4, 1,    1, 2,  0xFF, 0, 0,    0,  /* interface 1 alt 1 */
    7, 5, 0x81, 2, 64, 0,    0,           /* bulk in */
    7, 5, 0x02, 2, 64, 0,    0,           /* bulk out */
};

static void test_dfu_alts(void **state)
{
	(void)state;
	struct vusb_config c;
	assert_int_equal(vusb_desc_parse(dfu_cfg, sizeof(dfu_cfg), &c), 0);
	assert_int_equal(c.value, 1);
	assert_int_equal(c.niface, 1);
	const struct vusb_iface *i = vusb_desc_iface(&c, 0);
	assert_non_null(i);
	assert_int_equal(i->nalts, 2);
	assert_true(vusb_desc_has_alt(i, 0) && vusb_desc_has_alt(i, 1));
	assert_false(vusb_desc_has_alt(i, 2));
	assert_null(vusb_desc_iface(&c, 1));
	assert_int_equal(c.nep, 0);
	assert_int_equal(vusb_desc_ep_iface(&c, 0x81), -1);
}

static void test_endpoints(void **state)
{
	(void)state;
	struct vusb_config c;
	assert_int_equal(vusb_desc_parse(bulk_cfg, sizeof(bulk_cfg), &c), 0);
	assert_int_equal(c.value, 3);
	assert_int_equal(c.niface, 2);
	assert_int_equal(vusb_desc_iface(&c, 1)->nalts, 2);
	assert_int_equal(vusb_desc_ep_iface(&c, 0x81), 1);
	assert_int_equal(vusb_desc_ep_iface(&c, 0x02), 1);
	assert_int_equal(vusb_desc_ep_iface(&c, 0x01), -1);
}

static void test_malformed(void **state)
{
	(void)state;
	struct vusb_config c;
	uint8_t bad[sizeof(dfu_cfg)];
	memcpy(bad, dfu_cfg, sizeof(bad));
	bad[9] = 0; /* a zero-length descriptor */
	assert_int_equal(vusb_desc_parse(bad, sizeof(bad), &c), -1);
	memcpy(bad, dfu_cfg, sizeof(bad));
	bad[36] = 20; /* runs past the end */
	assert_int_equal(vusb_desc_parse(bad, sizeof(bad), &c), -1);
	assert_int_equal(vusb_desc_parse(dfu_cfg, 8, &c), -1);
	bad[1] = 4; /* not a configuration */
	assert_int_equal(vusb_desc_parse(bad, sizeof(bad), &c), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dfu_alts),
	    cmocka_unit_test(test_endpoints),
	    cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
