/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: an adversarial USB host on the wire of the STM32H7 DWC2
 * driver, with the whole bootloader above it (the DWC2 build of the host
 * port: sim/port/dwc2/usb_dwc2_bridge.c on sim/h7's register models, the
 * QUADSPI register model and the NOR chip models), driven by SEQUENCES of
 * host operations (fuzz_ops.h), shared with fuzz_dfu_requests. Here the
 * top 3 bits of each op byte say how the host carries the transfer: 0-3
 * to its end however long the device NAKs, 4-7 abandoned after 0-3
 * transactions (a SETUP then arrives in the middle of a data or status
 * stage, or the next op is a bus reset). The board (high speed over ULPI
 * or full speed) is the process's: FUZZ_DWC2_BOARD, see start_input().
 *
 * Fast: one process, virtual time, and an in-process reset between inputs
 * (power cycle, then the memories and chips back to a checkpoint:
 * h7_iflash_rollback, nor_chip_rollback copy only what changed).
 *
 * Invariants after every operation, beyond "no sanitizer report":
 *  - the DFU state machine keeps dfu.c's table (fuzz_ops.h);
 *  - the firmware never breaks a rule of the register models
 *    (simport_faults() stays 0);
 *  - no erase/program of the bootloader's sector or outside the internal
 *    flash reaches the port; the sector is byte-identical (sampled after
 *    each operation, whole at the end);
 *  - the device always recovers: after a bus reset, its device and
 *    configuration descriptors read back whole and identical to those at
 *    boot, within a bounded number of NAKs.
 *
 * Built with -fsanitize=fuzzer it is a libFuzzer target (scripts/fuzz.sh);
 * otherwise main() replays and mutates stored inputs (replay_files.h).
 */
#define _DEFAULT_SOURCE
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
#include "sim/nor/nor_model.h"
#include "sim/vusb/vusb_ctrl.h"

#include "fuzz_ops.h"

#define LIVENESS_NAKS 20000u /* with w_nak: about 20 s of the device's time */
#define HOST_NAKS     12000u /* a host's control timeout: seconds */
#define SAMPLE        256u

struct fz_stats fz_stats;

static const struct board *g_board;
static uint8_t g_boot_sector[128u * 1024u];
/* transactions the host still makes in this transfer (abandon at 0) */
static unsigned g_left;
static unsigned g_boots;

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
 * once it has caught up, time jumps to the next model deadline; with no
 * model at work, a long streak moves a frame (1 ms) per NAK, so a host's
 * seconds of patience cost thousands of passes, not hundreds of thousands. */
static void w_nak(void *ctx, uint32_t streak)
{
	(void)ctx;
	vclock_advance_us(20);
	if (streak > 2) {
		uint64_t now = vclock_now_us(), next = vclock_next_deadline_us();
		if (next > now)
			vclock_advance_us(next - now);
		else if (streak > 64)
			vclock_advance_us(1000);
	}
	bootloader_task();
}

static const struct vusb_dev_ops wire = {w_setup, w_out, w_in, w_nak};

/* ------------------------------------------------ the device's side */

static void boot(bool auto_boot)
{
	g_boots++;
	fz_stats.boots++;
	simport_set_button(!auto_boot);
	port_init(g_board);
	if (!bootloader_init(g_board, auto_boot ? BOOTLOADER_ENTER_AUTO : BOOTLOADER_ENTER_DFU)) {
		/* the application started: power-cycle with the button held,
		 * the device must come back to DFU */
		port_noinit_set(0);
		simport_set_button(true);
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
	if (simport_take_reset_request() || simport_app_started(&vtor))
		boot(false);
}

static int transfer(const uint8_t setup[8], uint8_t *data, unsigned transactions,
                    uint32_t nak_budget)
{
	struct vusb_ctrl x;
	g_left = transactions;
	vusb_ctrl_start(&x, setup, data, port_usb_ep0_mps());
	if (!vusb_ctrl_run(&x, &wire, NULL, nak_budget))
		return FZ_ABANDONED; /* (the URB was discarded) */
	if (x.result >= 0)
		return x.result;
	return x.result == -EPIPE ? FZ_STALL : FZ_TIMEOUT;
}

static void check_boot_sector(size_t len)
{
	const uint8_t *mem = h7_iflash_array(simport_iflash_model());
	size_t n = g_board->bootloader_size;
	if (memcmp(g_boot_sector, mem, len < n ? len : n) != 0 ||
	    (len < n && memcmp(g_boot_sector + n - len, mem + n - len, len) != 0))
		fail("the bootloader sector was modified");
}

static void check_invariants(void)
{
	if (simport_faults(NULL))
		fail("the firmware broke a hardware rule");
	if (simport_iflash_refused())
		fail("an erase/program of the bootloader sector or outside the internal flash "
		     "reached "
		     "the port");
	check_boot_sector(SAMPLE);
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

/* --------------------------------------------------------- fuzz_ops host */

static int h_control(const uint8_t s[8], uint8_t *data, unsigned mod)
{
	/* 0-3: to the end; 4-7: abandoned after mod - 4 transactions */
	int r =
	    mod < 4u ? transfer(s, data, ~0u, HOST_NAKS) : transfer(s, data, mod - 4u, mod - 3u);
	/* the status stage's completion reaches the firmware at its next
	 * main-loop pass (the state changes there, style.md 4) */
	bootloader_task();
	follow_lifecycle();
	return r;
}

static void h_enumerate(void)
{
	static const uint8_t set_addr[8] = {0x00, 5, 7, 0, 0, 0, 0, 0};
	static const uint8_t set_cfg[8] = {0x00, 9, 1, 0, 0, 0, 0, 0};
	simport_bus_reset();
	(void)transfer(set_addr, NULL, ~0u, HOST_NAKS);
	(void)transfer(set_cfg, NULL, ~0u, HOST_NAKS);
	follow_lifecycle();
}

/* Nobody talks: the main loop runs, time jumps to the models' deadlines
 * (1 ms steps while the firmware itself waits, 10 ms past 20 ms). */
static void h_pass_ms(uint32_t ms)
{
	uint64_t now = vclock_now_us(), end = now + (uint64_t)ms * 1000u;
	while (now < end) {
		bootloader_task();
		uint64_t next = vclock_next_deadline_us(), idle = now + (ms > 20u ? 10000u : 1000u);
		uint64_t to = next > now && next < idle ? next : idle;
		vclock_advance_us((to < end ? to : end) - now);
		now = vclock_now_us();
		follow_lifecycle();
	}
	bootloader_task();
	follow_lifecycle();
}

static void h_power_cut(bool auto_boot)
{
	(void)simport_power_cut(NULL);
	port_noinit_set(0);
	boot(auto_boot);
}

static unsigned h_boots(void)
{
	return g_boots;
}

static const struct fz_host host = {h_control,   h_enumerate, h_pass_ms,
                                    h_power_cut, h_boots,     check_invariants};

/* The board, set up once per process (models created, contents
 * checkpointed), then per input: power cycle and rollback. Switching
 * boards per input would cost a 16 MiB chip model each time, so the board
 * is the process's: FUZZ_DWC2_BOARD (default portenta-h7, high speed over
 * ULPI; giga-r1 runs at full speed on the internal PHY). */
static void start_input(uint8_t config)
{
	(void)config; /* (no per-input configuration on this target yet) */
	if (!g_board) {
		const char *name = getenv("FUZZ_DWC2_BOARD");
		struct simport_config cfg = {.board = board_find(name ? name : "portenta-h7"),
		                             .button = true,
		                             .high_speed = true};
		for (unsigned i = 0; i < 12; i++)
			cfg.uid[i] = (uint8_t)(0x60 + i);
		g_board = cfg.board;
		vclock_init(VCLOCK_VIRTUAL);
		if (!g_board || simport_setup(&cfg) != 0 ||
		    g_board->bootloader_size > sizeof(g_boot_sector))
			fail("board setup failed (FUZZ_DWC2_BOARD names a board of "
			     "firmware/boards)");
		uint8_t *mem = h7_iflash_array(simport_iflash_model());
		for (uint32_t i = 0; i < g_board->bootloader_size; i++)
			mem[i] = (uint8_t)(i ^ (i >> 8) ^ 0x5A); /* "bootloader code" */
		memcpy(g_boot_sector, mem, g_board->bootloader_size);
		h7_iflash_set_contents(simport_iflash_model(), mem);
		if (h7_iflash_checkpoint(simport_iflash_model()) != 0)
			fail("out of memory");
		for (unsigned i = 0; i < 2; i++)
			if (simport_qspi_chip(i) && nor_chip_checkpoint(simport_qspi_chip(i)) != 0)
				fail("out of memory");
	}
	(void)simport_power_cut(NULL);
	vclock_init(VCLOCK_VIRTUAL);
	h7_iflash_rollback(simport_iflash_model());
	for (unsigned i = 0; i < 2; i++)
		if (simport_qspi_chip(i))
			nor_chip_rollback(simport_qspi_chip(i));
	port_noinit_set(0);
	g_boots = 0;
	boot(false);
	if (g_desc_len <= 0)
		g_desc_len = read_descriptors(g_desc, sizeof(g_desc));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	start_input(size ? data[0] : 0u);
	if (g_desc_len < 0)
		fail("no descriptors after boot");
	fz_run(&host, data, size);
	check_alive();
	check_invariants();
	check_boot_sector(g_board->bootloader_size);
	return 0;
}

FZ_ENTRY_POINTS("fuzz_dwc2_wire")
