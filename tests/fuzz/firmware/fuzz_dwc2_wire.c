/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: an adversarial USB host on the wire of the STM32H7 DWC2
 * driver, with the whole bootloader above it (the DWC2 build of the host
 * port: sim/port/dwc2/usb_dwc2_bridge.c on sim/h7's register
 * models). The host keeps to packet sizes a host controller can send, but
 * otherwise does what it likes: control transfers abandoned after any
 * number of transactions (a SETUP then arrives in the middle of a data or
 * status stage), bus resets at any moment, long or short NAK budgets, time
 * passing with nobody talking. Full speed (GIGA R1, internal PHY) or high
 * speed (Portenta H7, ULPI), chosen by the input's first byte.
 *
 * Invariants, beyond "no crash, no sanitizer report":
 *  - the firmware never breaks a rule of the register models
 *    (simport_faults() stays 0), whatever the host did;
 *  - the bootloader's own sector never changes;
 *  - the device always recovers: after a bus reset, its device and
 *    configuration descriptors read back whole and identical to those at
 *    boot, within a bounded number of NAKs (no stale FIFO bytes, no
 *    half-armed endpoint left behind).
 *
 * Input: one board byte, then records of an op byte and 8 setup bytes,
 * followed for OUT requests by min(wLength, what is left) data bytes.
 * Built with -fsanitize=fuzzer it is a libFuzzer target (scripts/fuzz.sh);
 * otherwise main() replays files or a seeded random run (a ctest).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootloader/bootloader.h"
#include "sim/h7/h7_iflash.h"
#include "sim/clock/vclock.h"
#include "dfu/dfu.h"
#include "sim/port/simport_internal.h"
#include "sim/port/simport.h"
#include "hal/port.h"
#include "sim/vusb/vusb_ctrl.h"

#define MAX_RECORDS    48u
#define LIVENESS_NAKS  200000u
#define BOOT_MARK_SIZE 256u

static const struct board *g_board;
static uint8_t boot_sector_before[BOOT_MARK_SIZE];
/* transactions the host still makes in this transfer (abandon at 0) */
static unsigned g_left;
static unsigned g_reboots;
/* what the transfers ended with (replay statistics) */
static unsigned g_done, g_stalled, g_abandoned, g_noresp;

static void fail(const char *what)
{
	const char *last = NULL;
	unsigned n = simport_faults(&last);
	fprintf(stderr, "fuzz_dwc2_wire: %s (rules broken: %u, last: %s)\n", what, n,
	        last ? last : "-");
	abort();
}

/* ------------------------------------------------ the host's side */

static int spend(void)
{
	if (g_left == 0)
		return 0;
	g_left--;
	return 1;
}

static int w_setup(void *ctx, const uint8_t pkt[8])
{
	(void)ctx;
	return spend() ? simport_setup_packet(pkt) : VUSB_NORESP;
}

static int w_out(void *ctx, const uint8_t *data, unsigned len)
{
	(void)ctx;
	return spend() ? simport_out(0x00, data, len) : VUSB_NAK;
}

static int w_in(void *ctx, uint8_t *data, unsigned maxlen, unsigned *len)
{
	(void)ctx;
	*len = 0;
	return spend() ? simport_in(0x80, data, maxlen, len) : VUSB_NAK;
}

/* What the simulator's worker does between NAKs: the main loop runs, and
 * once it has caught up, time jumps to the next model deadline. */
static void w_nak(void *ctx, uint32_t streak)
{
	(void)ctx;
	vclock_advance_us(20);
	if (streak > 2) {
		uint64_t now = vclock_now_us(), next = vclock_next_deadline_us();
		if (next > now)
			vclock_advance_us(next - now);
	}
	bootloader_task();
}

static const struct vusb_dev_ops wire = {w_setup, w_out, w_in, w_nak};

/* ------------------------------------------------ the device's side */

static void boot(bool power_on)
{
	if (power_on) {
		uint8_t *mem = h7_iflash_array(simport_iflash_model());
		for (unsigned i = 0; i < BOOT_MARK_SIZE; i++)
			mem[i] = (uint8_t)(i ^ 0x5A); /* "bootloader code" */
		memcpy(boot_sector_before, mem, sizeof(boot_sector_before));
	}
	port_init(g_board);
	if (!bootloader_init(g_board, BOOTLOADER_ENTER_DFU)) {
		/* a leave asked for the application: power-cycle with the
		 * button held instead, the device must come back to DFU */
		port_noinit_set(0);
		port_init(g_board);
		if (!bootloader_init(g_board, BOOTLOADER_ENTER_DFU))
			fail("the bootloader did not stay in DFU with the button held");
	}
	simport_bus_reset();
	bootloader_task();
}

/* A reset or an application start the firmware asked for: boot again. */
static void follow_lifecycle(void)
{
	uint32_t vtor;
	if (simport_take_reset_request() || simport_app_started(&vtor)) {
		g_reboots++;
		boot(false);
	}
}

static int transfer(const uint8_t setup[8], uint8_t *data, unsigned transactions,
                    uint32_t nak_budget)
{
	struct vusb_ctrl x;
	g_left = transactions;
	vusb_ctrl_start(&x, setup, data, port_usb_ep0_mps());
	if (!vusb_ctrl_run(&x, &wire, NULL, nak_budget)) {
		g_abandoned++;
		return VUSB_NAK; /* abandoned (the URB was discarded) */
	}
	if (x.result >= 0)
		g_done++;
	else if (x.result == -EPIPE)
		g_stalled++;
	else
		g_noresp++;
	return x.result;
}

static void check_invariants(void)
{
	if (simport_faults(NULL))
		fail("the firmware broke a hardware rule");
	if (memcmp(boot_sector_before, h7_iflash_array(simport_iflash_model()),
	           sizeof(boot_sector_before)) != 0)
		fail("the bootloader sector was modified over USB");
}

/* The device and configuration descriptors, read whole. */
static int read_descriptors(uint8_t *out, unsigned cap)
{
	static const uint8_t get_dev[8] = {0x80, 6, 0x00, 0x01, 0, 0, 18, 0};
	static const uint8_t get_cfg[8] = {0x80, 6, 0x00, 0x02, 0, 0, 0xFF, 0};
	if (cap < 18 + 255)
		return -1;
	int r = transfer(get_dev, out, ~0u, LIVENESS_NAKS);
	if (r != 18 || out[0] != 18 || out[1] != 1)
		return -1;
	int c = transfer(get_cfg, out + 18, ~0u, LIVENESS_NAKS);
	if (c < 9 || out[19] != 2)
		return -1;
	return 18 + c;
}

static uint8_t g_desc[18 + 255];
static int g_desc_len;

static void check_alive(void)
{
	uint8_t d[18 + 255];
	follow_lifecycle();
	simport_bus_reset();
	int n = read_descriptors(d, sizeof(d));
	if (n < 0)
		fail("no descriptors after a bus reset");
	if (n != g_desc_len || memcmp(d, g_desc, (size_t)n) != 0)
		fail("the descriptors read after the session differ from those at boot");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[4096];
	if (size < 1)
		return 0;
	g_board = board_find((data[0] & 1) ? "portenta-h7" : "giga-r1");
	struct simport_config cfg = {.board = g_board, .button = true, .high_speed = true};
	for (unsigned i = 0; i < 12; i++)
		cfg.uid[i] = (uint8_t)(0x60 + i);
	vclock_init(VCLOCK_VIRTUAL);
	if (simport_setup(&cfg) != 0)
		fail("board setup failed");
	boot(true);
	g_desc_len = read_descriptors(g_desc, sizeof(g_desc));
	if (g_desc_len < 0)
		fail("no descriptors after boot");

	size_t pos = 1;
	for (unsigned n = 0; n < MAX_RECORDS && pos + 9 <= size; n++) {
		uint8_t op = data[pos];
		const uint8_t *s = data + pos + 1;
		pos += 9;
		uint16_t wlength = (uint16_t)(s[6] | s[7] << 8);
		if (wlength > sizeof(buf))
			wlength = sizeof(buf);
		memset(buf, 0, sizeof(buf));
		uint8_t setup[8];
		memcpy(setup, s, 8);
		setup[6] = (uint8_t)wlength;
		setup[7] = (uint8_t)(wlength >> 8);
		if (!(setup[0] & 0x80)) {
			size_t take = wlength < size - pos ? wlength : size - pos;
			memcpy(buf, data + pos, take);
			pos += take;
		}
		unsigned arg = op >> 2;
		switch (op & 3u) {
		case 0: /* a whole transfer, however long the device NAKs */
			(void)transfer(setup, buf, ~0u, 1000u + arg * 1000u);
			break;
		case 1: /* abandoned after `arg` transactions (0: not even SETUP) */
			(void)transfer(setup, buf, arg, 1u + arg);
			break;
		case 2: /* bus reset, then a whole transfer */
			simport_bus_reset();
			(void)transfer(setup, buf, ~0u, 100000u);
			break;
		default: /* nobody talks for a while */
			for (unsigned k = 0; k <= arg; k++) {
				vclock_advance_us(1000);
				bootloader_task();
			}
			break;
		}
		follow_lifecycle();
		check_invariants();
	}
	check_alive();
	check_invariants();
	simport_teardown();
	return 0;
}

#ifndef QDFU_LIBFUZZER
#include "replay_files.h"

/* Replay: files given on the command line, or a seeded random run that
 * favours requests the bootloader knows. */
static uint32_t rng = 20261202;
static uint32_t rnd(void)
{
	return replay_xorshift32(&rng);
}

static size_t make_input(uint8_t *in, size_t cap)
{
	/* bmRequestType, bRequest, wValue of common requests */
	static const uint16_t reqs[][3] = {
	    {0x80, 6, 0x0100}, {0x80, 6, 0x0200},  {0x80, 6, 0x0300}, {0x80, 6, 0x0302},
	    {0x80, 6, 0x0600}, {0x80, 6, 0x0700},  {0x80, 6, 0x0F00}, {0x00, 5, 0x0007},
	    {0x00, 9, 0x0001}, {0x01, 11, 0x0001}, {0x80, 0, 0x0000}, {0x21, 1, 0x0000},
	    {0x21, 1, 0x0002}, {0xA1, 2, 0x0002},  {0xA1, 3, 0x0000}, {0x21, 4, 0x0000},
	    {0xA1, 5, 0x0000}, {0x21, 6, 0x0000},  {0xC1, 1, 0x0000}, {0x80, 0x7F, 0x0000},
	};
	size_t len = 0;
	in[len++] = (uint8_t)rnd();
	unsigned records = 8 + rnd() % 32;
	for (unsigned r = 0; r < records && len + 9 + 64 < cap; r++) {
		const uint16_t *q = reqs[rnd() % (sizeof(reqs) / sizeof(reqs[0]))];
		unsigned kind = rnd() % 8;
		uint8_t op = kind < 4 ? 0 : kind < 6 ? 1 : kind == 6 ? 2 : 3;
		op |= (uint8_t)((rnd() % 8) << 2);
		uint16_t wl = q[0] & 0x80 ? (uint16_t)(rnd() % 2 ? 255 : 18 + rnd() % 300)
		                          : (uint16_t)(q[1] == 1 && q[2] == 2 ? rnd() % 130 : 5);
		if (q[1] == 5 || q[1] == 9 || q[1] == 11 || q[1] == 4 || q[1] == 6)
			wl = 0;
		if (q[0] == 0x21 && q[1] == 1 && q[2] == 0 && rnd() % 4 == 0)
			wl = 0; /* DfuSe leave */
		uint8_t s[8] = {
		    (uint8_t)q[0], q[1] & 0xFF,       (uint8_t)q[2], (uint8_t)(q[2] >> 8), 0, 0,
		    (uint8_t)wl,   (uint8_t)(wl >> 8)};
		in[len++] = op;
		memcpy(in + len, s, 8);
		len += 8;
		if (!(s[0] & 0x80)) {
			/* DfuSe commands: set address / erase in the application area,
			 * the bootloader sector or QSPI */
			static const uint32_t addrs[] = {0x08000000u, 0x08020000u, 0x08040020u,
			                                 0x90000000u, 0x90010000u};
			uint8_t cmd[5] = {(uint8_t)(rnd() % 3 ? 0x21 : 0x41)};
			uint32_t a = addrs[rnd() % 5];
			memcpy(cmd + 1, &a, 4);
			for (unsigned k = 0; k < wl && len < cap; k++)
				in[len++] = k < 5 && wl == 5 ? cmd[k] : (uint8_t)rnd();
		}
	}
	if (rnd() % 3 == 0 && len + 8 * 9 + 5 < cap) {
		/* a DfuSe leave as dfu-util sends it, after a bus reset and
		 * SET_CONFIGURATION (back to dfuIDLE whatever the noise left):
		 * set the address, poll, zero-length DNLOAD, poll (the device
		 * then resets) */
		static const uint8_t script[][8] = {
		    {0x00, 9, 1, 0, 0, 0, 0, 0}, {0x21, 1, 0, 0, 0, 0, 5, 0},
		    {0xA1, 3, 0, 0, 0, 0, 6, 0}, {0xA1, 3, 0, 0, 0, 0, 6, 0},
		    {0x21, 1, 2, 0, 0, 0, 0, 0}, {0xA1, 3, 0, 0, 0, 0, 6, 0}};
		static const uint8_t set_addr[5] = {0x21, 0x00, 0x00, 0x02, 0x08};
		for (unsigned k = 0; k < sizeof(script) / sizeof(script[0]); k++) {
			in[len++] = k == 0 ? 2 : 0; /* op 2: bus reset first */
			memcpy(in + len, script[k], 8);
			len += 8;
			if (k == 1) {
				memcpy(in + len, set_addr, 5);
				len += 5;
			}
		}
		in[len++] = 3 | (20u << 2); /* then time passes: the leave happens */
		memset(in + len, 0, 8);
		len += 8;
	}
	return len;
}

int main(int argc, char **argv)
{
	static uint8_t in[16384];
	if (argc > 1)
		return replay_files(argc, argv, in, sizeof(in));
	const unsigned runs = 60;
	for (unsigned iter = 0; iter < runs; iter++)
		LLVMFuzzerTestOneInput(in, make_input(in, sizeof(in)));
	printf(
	    "fuzz_dwc2_wire: %u random host sessions: %u transfers done, %u stalled, %u abandoned, "
	    "%u without answer, %u device reboots; invariants held\n",
	    runs, g_done, g_stalled, g_abandoned, g_noresp, g_reboots);
	return 0;
}
#endif
