/* SPDX-License-Identifier: MIT */
/* EP0 control pipeline and standard requests (usb/usbd.c) on the mocked port. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "common/compiler.h"
#include "fixture.h"
#include "hal/port.h"
#include "usb/usbd.h"

/* ---- a tiny descriptor set and class, to reach the pipeline's edges */

static const uint8_t t_device[18] = {18,   1,    0x01, 0x02, 0, 0, 0, 64, 0x34,
                                     0x12, 0x78, 0x56, 0,    1, 1, 2, 3,  1};
static const uint8_t t_config[18] = {9, 2, 18, 0, 1, 1, 0, 0x80, 50, 9, 4, 0, 0, 0, 0xFE, 1, 2, 0};
/* a string of 31 characters has a 64-byte descriptor: one full packet */
static const char s31[] = "0123456789012345678901234567890";
static const struct usbd_descriptors t_desc = {
    .device = t_device,
    .config = t_config,
    .strings = {NULL, "M", s31, "SERIAL"},
    .num_strings = 4,
};

static uint8_t t_buf[512];
static unsigned t_done, t_out_len;
static bool t_defer;

static enum usbd_reply t_setup(const struct usb_setup *s, struct usbd_ctrl *c)
{
	switch (s->bRequest) {
	case 1: /* IN, answer of wValue bytes */
		for (unsigned i = 0; i < sizeof(t_buf); i++)
			t_buf[i] = (uint8_t)i;
		c->buf = t_buf;
		c->len = s->wValue;
		return USBD_REPLY_IN;
	case 2: /* OUT into t_buf */
		c->buf = t_buf;
		c->len = sizeof(t_buf);
		return USBD_REPLY_OUT;
	case 3:
		t_defer = true;
		return USBD_REPLY_DEFER;
	default:
		return USBD_REPLY_STALL;
	}
}

static bool t_data_out(const struct usb_setup *s, const uint8_t *data, uint16_t len)
{
	(void)s;
	(void)data;
	t_out_len = len;
	return true;
}

static void t_done_cb(const struct usb_setup *s)
{
	(void)s;
	t_done++;
}

static bool t_set_alt(uint8_t alt)
{
	return alt == 0;
}

static const struct usbd_class t_class = {
    .setup = t_setup, .data_out = t_data_out, .done = t_done_cb, .set_alt = t_set_alt};

static int setup_core(void **state)
{
	(void)state;
	mock_setup(board_find("stm32h745i-disco"));
	usbd_init(&t_desc, &t_class);
	mock_set_task(usbd_task);
	t_done = 0;
	t_defer = false;
	mock_bus_reset();
	return 0;
}

static int teardown_core(void **state)
{
	(void)state;
	mock_teardown();
	return 0;
}

static void configure(void)
{
	assert_int_equal(mock_control(0x00, 5, 3, 0, 0, NULL), 0);
	assert_int_equal(mock_control(0x00, 9, 1, 0, 0, NULL), 0);
}

static void test_device_descriptor_truncated_to_wlength(void **state)
{
	(void)state;
	uint8_t buf[64];
	assert_int_equal(mock_control(0x80, 6, 0x0100, 0, 8, buf), 8);
	assert_memory_equal(buf, t_device, 8);
	assert_int_equal(mock_control(0x80, 6, 0x0100, 0, 64, buf), 18);
	assert_memory_equal(buf, t_device, 18);
}

static void test_zlp_when_short_answer_ends_on_packet_boundary(void **state)
{
	(void)state;
	uint8_t buf[255];
	unsigned zlp = mock.zlp_in;
	/* 64-byte string asked with wLength 255: data, then a ZLP */
	assert_int_equal(mock_control(0x80, 6, 0x0302, 0x0409, 255, buf), 64);
	assert_int_equal(buf[0], 64);
	assert_int_equal(mock.zlp_in - zlp, 1 + 0 /* data ZLP, status is OUT */);
	/* same string asked with exactly 64: no ZLP */
	zlp = mock.zlp_in;
	assert_int_equal(mock_control(0x80, 6, 0x0302, 0x0409, 64, buf), 64);
	assert_int_equal(mock.zlp_in - zlp, 0);
	/* a 4-byte answer to wLength 255: short packet, no ZLP */
	zlp = mock.zlp_in;
	assert_int_equal(mock_control(0x80, 6, 0x0300, 0, 255, buf), 4);
	assert_int_equal(mock.zlp_in - zlp, 0);
}

static void test_string_descriptors_langid_and_utf16(void **state)
{
	(void)state;
	uint8_t buf[255];
	assert_int_equal(mock_control(0x80, 6, 0x0300, 0, 255, buf), 4);
	assert_int_equal(buf[2] | buf[3] << 8, 0x0409);
	assert_int_equal(mock_control(0x80, 6, 0x0303, 0x0409, 255, buf), 2 + 12);
	assert_int_equal(buf[1], 3);
	assert_int_equal(buf[2], 'S');
	assert_int_equal(buf[3], 0);
	assert_int_equal(mock_control(0x80, 6, 0x0309, 0x0409, 255, buf), MOCK_EPIPE);
}

static void test_multi_packet_in_and_out_data_stages(void **state)
{
	(void)state;
	configure();
	uint8_t buf[512];
	assert_int_equal(mock_control(0xC1, 1, 300, 0, 300, buf), 300);
	for (unsigned i = 0; i < 300; i++)
		assert_int_equal(buf[i], (uint8_t)i);
	memset(buf, 0x5A, sizeof(buf));
	unsigned done = t_done;
	assert_int_equal(mock_control(0x41, 2, 0, 0, 200, buf), 200);
	assert_int_equal(t_out_len, 200);
	assert_int_equal(t_done, done + 1); /* told after the status stage */
}

static void test_stall_clears_at_next_setup(void **state)
{
	(void)state;
	uint8_t buf[64];
	assert_int_equal(mock_control(0x80, 6, 0x0600, 0, 10, buf),
	                 MOCK_EPIPE); /* FS: no qualifier */
	assert_int_equal(mock_control(0x80, 6, 0x0100, 0, 18, buf), 18);
	assert_int_equal(mock_control(0x80, 0x7F, 0, 0, 1, buf), MOCK_EPIPE); /* unknown request */
	assert_int_equal(mock_control(0x80, 8, 0, 0, 1, buf), 1); /* GET_CONFIGURATION */
}

/* USB 2.0 9.6.2: a high-speed capable device running at full speed (ULPI
 * behind a full-speed hub) describes its high-speed self; only a
 * full-speed-only device answers with a request error. */
static void test_qualifier_by_capability_not_current_speed(void **state)
{
	(void)state;
	uint8_t dev[18], q[10], cfg[255], other[255];
	assert_int_equal(mock_control(0x80, 6, 0x0100, 0, 18, dev), 18);
	mock.hs_capable = true;
	assert_int_equal(mock_control(0x80, 6, 0x0600, 0, 10, q), 10);
	assert_int_equal(q[0], 10);
	assert_int_equal(q[1], 6);
	assert_memory_equal(&q[2], &dev[2], 6); /* bcdUSB, class, sub, proto, mps0 */
	assert_int_equal(q[8], dev[17]);
	assert_int_equal(q[9], 0);
	int n = mock_control(0x80, 6, 0x0200, 0, sizeof(cfg), cfg);
	assert_true(n > 9);
	assert_int_equal(mock_control(0x80, 6, 0x0700, 0, sizeof(other), other), n);
	assert_int_equal(other[1], 7);
	assert_memory_equal(&other[2], &cfg[2], (size_t)n - 2);
	mock.hs_capable = false;
	assert_int_equal(mock_control(0x80, 6, 0x0600, 0, 10, q), MOCK_EPIPE);
	assert_int_equal(mock_control(0x80, 6, 0x0700, 0, 9, q), MOCK_EPIPE);
}

static void test_set_address_reaches_port_before_status(void **state)
{
	(void)state;
	unsigned calls = mock.set_address_calls;
	unsigned zlp = mock.zlp_in;
	assert_int_equal(mock_control(0x00, 5, 42, 0, 0, NULL), 0);
	assert_int_equal(mock.set_address_calls, calls + 1);
	assert_int_equal(mock.last_address, 42);
	assert_int_equal(mock.zlp_in, zlp + 1); /* status stage sent after it */
	assert_int_equal(mock_control(0x00, 5, 200, 0, 0, NULL), MOCK_EPIPE); /* > 127 */
}

static void test_configuration_interface_and_status(void **state)
{
	(void)state;
	uint8_t b[2];
	/* class requests are refused until configured */
	assert_int_equal(mock_control(0xC1, 1, 4, 0, 4, t_buf), MOCK_EPIPE);
	configure();
	assert_int_equal(mock_control(0x80, 8, 0, 0, 1, b), 1);
	assert_int_equal(b[0], 1);
	assert_int_equal(mock_control(0x80, 0, 0, 0, 2, b), 2);
	assert_int_equal(mock_control(0x81, 10, 0, 0, 1, b), 1); /* GET_INTERFACE */
	assert_int_equal(b[0], 0);
	assert_int_equal(mock_control(0x01, 11, 0, 0, 0, NULL), 0);
	assert_int_equal(mock_control(0x01, 11, 5, 0, 0, NULL), MOCK_EPIPE); /* no alt 5 */
	assert_int_equal(mock_control(0x00, 9, 2, 0, 0, NULL), MOCK_EPIPE);  /* no config 2 */
	assert_int_equal(mock_control(0x02, 1, 0, 0x00, 0, NULL), 0); /* CLEAR_FEATURE halt ep0 */
	assert_int_equal(mock_control(0x82, 0, 0, 0x81, 2, b), MOCK_EPIPE); /* no ep 1 */
	/* SET_CONFIGURATION(1) again keeps working (pydfu does it) */
	assert_int_equal(mock_control(0x00, 9, 1, 0, 0, NULL), 0);
	assert_int_equal(mock_control(0xC1, 1, 4, 0, 4, t_buf), 4);
}

static void test_deferred_answer_naks_until_ready(void **state)
{
	(void)state;
	configure();
	/* nothing ever answers: the host sees NAKs only, then gives up */
	uint8_t b[8];
	assert_int_equal(mock_control(0xC1, 3, 0, 0, 4, b), MOCK_ETIMEDOUT);
	assert_true(t_defer);
	/* a new SETUP replaces the abandoned deferred transfer */
	assert_int_equal(mock_control(0xC1, 1, 4, 0, 4, b), 4);
	usbd_ctrl_reply_in(b, 4); /* too late: must be ignored */
	assert_int_equal(mock_control(0x80, 8, 0, 0, 1, b), 1);
}

static void test_event_queue_overflow_is_counted(void **state)
{
	(void)state;
	struct port_usb_event ev = {PORT_USB_EV_SUSPEND, 0, 0, {0}};
	uint32_t before = usbd_events_dropped();
	for (int i = 0; i < 40; i++)
		usbd_event_post(&ev);
	assert_true(usbd_events_dropped() - before >= 40 - 16);
	usbd_task(); /* drains what fit */
	uint8_t b[18];
	assert_int_equal(mock_control(0x80, 6, 0x0100, 0, 18, b), 18);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_device_descriptor_truncated_to_wlength, setup_core,
	                                    teardown_core),
	    cmocka_unit_test_setup_teardown(test_zlp_when_short_answer_ends_on_packet_boundary,
	                                    setup_core, teardown_core),
	    cmocka_unit_test_setup_teardown(test_string_descriptors_langid_and_utf16, setup_core,
	                                    teardown_core),
	    cmocka_unit_test_setup_teardown(test_multi_packet_in_and_out_data_stages, setup_core,
	                                    teardown_core),
	    cmocka_unit_test_setup_teardown(test_stall_clears_at_next_setup, setup_core,
	                                    teardown_core),
	    cmocka_unit_test_setup_teardown(test_qualifier_by_capability_not_current_speed,
	                                    setup_core, teardown_core),
	    cmocka_unit_test_setup_teardown(test_set_address_reaches_port_before_status, setup_core,
	                                    teardown_core),
	    cmocka_unit_test_setup_teardown(test_configuration_interface_and_status, setup_core,
	                                    teardown_core),
	    cmocka_unit_test_setup_teardown(test_deferred_answer_naks_until_ready, setup_core,
	                                    teardown_core),
	    cmocka_unit_test_setup_teardown(test_event_queue_overflow_is_counted, setup_core,
	                                    teardown_core),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
