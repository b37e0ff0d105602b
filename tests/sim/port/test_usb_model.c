/* SPDX-License-Identifier: MIT */
/*
 * The host port's device-controller model (sim/port/usb_model.c)
 * on its own (transactions against port_usb_* calls) and driven by the
 * host engine (sim/vusb/vusb_ctrl.c) with a small EP0 "core" in this file
 * that answers like the real one (data stage, ZLP rule, status stage).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sim/port/simport_sys.h"
#include "sim/port/simport.h"
#include "hal/port.h"
#include "sim/vusb/vusb_ctrl.h"

/* ------------------------------------------------ recorded events */

#define MAX_EV 64
static struct port_usb_event g_ev[MAX_EV];
static unsigned g_nev, g_evpos;

void usbd_event_post(const struct port_usb_event *ev)
{
	assert_true(g_nev < MAX_EV);
	g_ev[g_nev++] = *ev;
}

static int reset_port(void **state)
{
	(void)state;
	g_nev = g_evpos = 0;
	struct simport_config cfg = {.high_speed = false};
	simport_usb_configure(&cfg);
	port_usb_init(NULL);
	port_usb_connect(true);
	return 0;
}

static const uint8_t k_setup[8] = {0x80, 6, 0, 1, 0, 0, 64, 0};

/* ------------------------------------------- transaction level tests */

static void in_naks_until_armed(void **state)
{
	(void)state;
	uint8_t buf[64], data[5] = {1, 2, 3, 4, 5};
	unsigned n = 99;
	simport_setup_packet(k_setup);
	assert_int_equal(g_nev, 1);
	assert_int_equal(g_ev[0].type, PORT_USB_EV_SETUP);
	assert_memory_equal(g_ev[0].setup, k_setup, 8);
	assert_int_equal(simport_in(0x80, buf, 64, &n), SIMPORT_NAK);
	assert_int_equal(n, 0);
	assert_int_equal(simport_out(0x00, NULL, 0), SIMPORT_NAK);
	assert_int_equal(port_usb_ep0_xfer(0x80, data, sizeof(data)), 0);
	assert_int_equal(simport_in(0x80, buf, 64, &n), SIMPORT_ACK);
	assert_int_equal(n, 5);
	assert_memory_equal(buf, data, 5);
	assert_int_equal(g_nev, 2);
	assert_int_equal(g_ev[1].type, PORT_USB_EV_XFER_DONE);
	assert_int_equal(g_ev[1].ep, 0x80);
	assert_int_equal(g_ev[1].len, 5);
	/* finished: nothing armed any more */
	assert_int_equal(simport_in(0x80, buf, 64, &n), SIMPORT_NAK);
}

static void stall_holds_until_next_setup(void **state)
{
	(void)state;
	uint8_t buf[64], data[4] = {0};
	unsigned n;
	simport_setup_packet(k_setup);
	port_usb_ep0_stall();
	assert_int_equal(simport_in(0x80, buf, 64, &n), SIMPORT_STALL);
	assert_int_equal(simport_out(0x00, buf, 8), SIMPORT_STALL);
	/* arming does not lift a stall */
	port_usb_ep0_xfer(0x80, data, sizeof(data));
	assert_int_equal(simport_in(0x80, buf, 64, &n), SIMPORT_STALL);
	/* a SETUP does, and it is accepted while stalled */
	unsigned before = g_nev;
	simport_setup_packet(k_setup);
	assert_int_equal(g_nev, before + 1);
	assert_int_equal(simport_in(0x80, buf, 64, &n), SIMPORT_NAK);
}

static void setup_cancels_armed_transfer(void **state)
{
	(void)state;
	uint8_t buf[64], data[8] = {0};
	unsigned n;
	port_usb_ep0_xfer(0x80, data, sizeof(data));
	port_usb_ep0_xfer(0x00, buf, sizeof(buf));
	simport_setup_packet(k_setup);
	assert_int_equal(simport_in(0x80, buf, 64, &n), SIMPORT_NAK);
	assert_int_equal(simport_out(0x00, data, 8), SIMPORT_NAK);
}

static void in_is_split_into_packets(void **state)
{
	(void)state;
	uint8_t data[150], got[64];
	unsigned n, total = 0;
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 3u);
	port_usb_ep0_xfer(0x80, data, sizeof(data));
	const unsigned expect[3] = {64, 64, 22};
	for (unsigned p = 0; p < 3; p++) {
		assert_int_equal(simport_in(0x80, got, 64, &n), SIMPORT_ACK);
		assert_int_equal(n, expect[p]);
		assert_memory_equal(got, data + total, n);
		total += n;
		/* XFER_DONE only after the last packet */
		assert_int_equal(g_nev, p == 2 ? 1u : 0u);
	}
	assert_int_equal(g_ev[0].len, 150);
}

static void in_multiple_of_mps_ends_without_zlp(void **state)
{
	(void)state;
	uint8_t data[128] = {0}, got[64];
	unsigned n;
	port_usb_ep0_xfer(0x80, data, sizeof(data));
	assert_int_equal(simport_in(0x80, got, 64, &n), SIMPORT_ACK);
	assert_int_equal(simport_in(0x80, got, 64, &n), SIMPORT_ACK);
	assert_int_equal(g_nev, 1);
	assert_int_equal(g_ev[0].len, 128);
	/* the core arms the ZLP itself: until then, NAK */
	assert_int_equal(simport_in(0x80, got, 64, &n), SIMPORT_NAK);
	port_usb_ep0_xfer(0x80, NULL, 0);
	assert_int_equal(simport_in(0x80, got, 64, &n), SIMPORT_ACK);
	assert_int_equal(n, 0);
	assert_int_equal(g_nev, 2);
}

static void out_ends_on_length_or_short_packet(void **state)
{
	(void)state;
	uint8_t buf[100], pkt[64];
	memset(pkt, 0xA5, sizeof(pkt));
	port_usb_ep0_xfer(0x00, buf, sizeof(buf));
	assert_int_equal(simport_out(0x00, pkt, 64), SIMPORT_ACK);
	assert_int_equal(g_nev, 0);
	assert_int_equal(simport_out(0x00, pkt, 36), SIMPORT_ACK);
	assert_int_equal(g_nev, 1);
	assert_int_equal(g_ev[0].ep, 0x00);
	assert_int_equal(g_ev[0].len, 100);
	/* a short packet ends the transfer early */
	port_usb_ep0_xfer(0x00, buf, sizeof(buf));
	assert_int_equal(simport_out(0x00, pkt, 10), SIMPORT_ACK);
	assert_int_equal(g_nev, 2);
	assert_int_equal(g_ev[1].len, 10);
}

static void address_applies_after_status_stage(void **state)
{
	(void)state;
	uint8_t got[64];
	unsigned n;
	const uint8_t set_addr[8] = {0x00, 5, 7, 0, 0, 0, 0, 0};
	simport_setup_packet(set_addr);
	port_usb_set_address(7);
	assert_int_equal(simport_address(), 0);
	port_usb_ep0_xfer(0x80, NULL, 0); /* status stage */
	assert_int_equal(simport_address(), 0);
	assert_int_equal(simport_in(0x80, got, 64, &n), SIMPORT_ACK);
	assert_int_equal(simport_address(), 7);
	simport_bus_reset();
	assert_int_equal(simport_address(), 0);
	assert_int_equal(g_ev[g_nev - 1].type, PORT_USB_EV_RESET);
}

static void disconnected_device_is_silent(void **state)
{
	(void)state;
	uint8_t got[64];
	unsigned n;
	port_usb_connect(false);
	assert_false(simport_connected());
	simport_bus_reset();
	assert_int_equal(simport_setup_packet(k_setup), SIMPORT_NORESP);
	assert_int_equal(g_nev, 0);
	port_usb_ep0_xfer(0x80, got, 4);
	assert_int_equal(simport_in(0x80, got, 64, &n), SIMPORT_NORESP);
	assert_int_equal(simport_out(0x00, got, 4), SIMPORT_NORESP);
}

/* ------------------------------------ engine + port + a tiny EP0 core */

static struct {
	uint8_t answer[300];
	uint16_t answer_len;
	uint8_t rx[300];
	uint16_t wlength;
	bool zlp_pending, in_data, completed;
	bool stall_request;
	unsigned task_runs;
} core;

static void core_task(void)
{
	core.task_runs++;
	while (g_evpos < g_nev) {
		struct port_usb_event ev = g_ev[g_evpos++];
		if (ev.type == PORT_USB_EV_SETUP) {
			core.wlength = (uint16_t)(ev.setup[6] | (ev.setup[7] << 8));
			core.completed = false;
			if (core.stall_request) {
				port_usb_ep0_stall();
			} else if (ev.setup[0] & 0x80) {
				uint16_t len =
				    core.answer_len < core.wlength ? core.answer_len : core.wlength;
				core.zlp_pending = len && len < core.wlength && len % 64 == 0;
				core.in_data = true;
				port_usb_ep0_xfer(0x80, core.answer, len);
			} else if (core.wlength) {
				core.in_data = false;
				port_usb_ep0_xfer(0x00, core.rx, core.wlength);
			} else {
				core.in_data = false;
				port_usb_ep0_xfer(0x80, NULL, 0);
			}
		} else if (ev.type == PORT_USB_EV_XFER_DONE) {
			if (ev.ep == 0x80 && core.in_data) {
				if (core.zlp_pending) {
					core.zlp_pending = false;
					port_usb_ep0_xfer(0x80, NULL, 0);
				} else {
					core.in_data = false;
					port_usb_ep0_xfer(0x00, NULL, 0);
				}
			} else if (ev.ep == 0x00 && ev.len && !core.in_data) {
				port_usb_ep0_xfer(0x80, NULL, 0);
			} else {
				core.completed = true;
			}
		}
	}
}

static int p_setup(void *ctx, const uint8_t pkt[8])
{
	(void)ctx;
	return simport_setup_packet(pkt);
}

static int p_out(void *ctx, const uint8_t *d, unsigned n)
{
	(void)ctx;
	return simport_out(0x00, d, n);
}

static int p_in(void *ctx, uint8_t *d, unsigned max, unsigned *n)
{
	(void)ctx;
	return simport_in(0x80, d, max, n);
}

static void p_nak(void *ctx, uint32_t streak)
{
	(void)ctx;
	(void)streak;
	core_task();
}

static const struct vusb_dev_ops port_ops = {
    .setup = p_setup, .out = p_out, .in = p_in, .nak = p_nak};

static int run_in(uint16_t answer_len, uint16_t wlength, uint8_t *buf, struct vusb_ctrl *x)
{
	memset(&core, 0, sizeof(core));
	core.answer_len = answer_len;
	for (unsigned i = 0; i < answer_len; i++)
		core.answer[i] = (uint8_t)(i ^ 0x5A);
	uint8_t s[8] = {0x80, 6, 0, 2, 0, 0, (uint8_t)wlength, (uint8_t)(wlength >> 8)};
	vusb_ctrl_start(x, s, buf, port_usb_ep0_mps());
	assert_true(vusb_ctrl_run(x, &port_ops, NULL, 1000));
	core_task(); /* the main loop sees the status stage */
	return x->result;
}

static void engine_zlp_when_answer_is_multiple_of_mps(void **state)
{
	(void)state;
	uint8_t buf[300];
	struct vusb_ctrl x;
	assert_int_equal(run_in(128, 255, buf, &x), 128);
	assert_int_equal(x.packets, 3); /* 64 + 64 + zero-length */
	assert_memory_equal(buf, core.answer, 128);
	assert_true(core.completed);
}

static void engine_no_zlp_when_answer_fills_wlength(void **state)
{
	(void)state;
	uint8_t buf[300];
	struct vusb_ctrl x;
	assert_int_equal(run_in(200, 128, buf, &x), 128);
	assert_int_equal(x.packets, 2);
	assert_true(core.completed);
}

static void engine_short_answer(void **state)
{
	(void)state;
	uint8_t buf[300];
	struct vusb_ctrl x;
	assert_int_equal(run_in(18, 64, buf, &x), 18);
	assert_int_equal(x.packets, 1);
	assert_memory_equal(buf, core.answer, 18);
	assert_true(x.naks >= 1); /* NAKed until the core ran */
	assert_true(core.completed);
}

static void engine_out_with_status_stage(void **state)
{
	(void)state;
	memset(&core, 0, sizeof(core));
	uint8_t data[130], s[8] = {0x21, 1, 0, 0, 0, 0, 130, 0};
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i + 1);
	struct vusb_ctrl x;
	vusb_ctrl_start(&x, s, data, 64);
	assert_true(vusb_ctrl_run(&x, &port_ops, NULL, 1000));
	core_task();
	assert_int_equal(x.result, 130);
	assert_memory_equal(core.rx, data, 130);
	assert_true(core.completed);
}

static void engine_stall_is_epipe_then_recovers(void **state)
{
	(void)state;
	uint8_t buf[64];
	struct vusb_ctrl x;
	memset(&core, 0, sizeof(core));
	core.stall_request = true;
	uint8_t s[8] = {0x80, 6, 0, 6, 0, 0, 10, 0};
	vusb_ctrl_start(&x, s, buf, 64);
	assert_true(vusb_ctrl_run(&x, &port_ops, NULL, 1000));
	assert_int_equal(x.result, -EPIPE);
	/* next request works again (SETUP clears the stall) */
	assert_int_equal(run_in(10, 10, buf, &x), 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(in_naks_until_armed, reset_port),
	    cmocka_unit_test_setup(stall_holds_until_next_setup, reset_port),
	    cmocka_unit_test_setup(setup_cancels_armed_transfer, reset_port),
	    cmocka_unit_test_setup(in_is_split_into_packets, reset_port),
	    cmocka_unit_test_setup(in_multiple_of_mps_ends_without_zlp, reset_port),
	    cmocka_unit_test_setup(out_ends_on_length_or_short_packet, reset_port),
	    cmocka_unit_test_setup(address_applies_after_status_stage, reset_port),
	    cmocka_unit_test_setup(disconnected_device_is_silent, reset_port),
	    cmocka_unit_test_setup(engine_zlp_when_answer_is_multiple_of_mps, reset_port),
	    cmocka_unit_test_setup(engine_no_zlp_when_answer_fills_wlength, reset_port),
	    cmocka_unit_test_setup(engine_short_answer, reset_port),
	    cmocka_unit_test_setup(engine_out_with_status_stage, reset_port),
	    cmocka_unit_test_setup(engine_stall_is_epipe_then_recovers, reset_port),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
