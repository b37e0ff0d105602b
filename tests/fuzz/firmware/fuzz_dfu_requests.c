/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the whole bootloader (USB core, DFU/DfuSe class, memory
 * engine with deferred erase, boot journal and decision) on the mocked port
 * at event level, driven by SEQUENCES of host operations (fuzz_ops.h):
 * requests in every DFU state, flash operations completing while time
 * passes, bus resets, power cuts with the memories kept.
 *
 * Fast: one process for every input, virtual time (no sleep anywhere), and
 * an in-process reset between inputs: the memories go back to a
 * checkpoint (copying only the range the last input changed:
 * h7_iflash_rollback, ram_qspi_rollback), the firmware boots again from
 * bootloader_init().
 *
 * Invariants after every operation, beyond "no sanitizer report":
 *  - the DFU state machine keeps dfu.c's table (fuzz_ops.h fz_check_*);
 *  - the bootloader's sector is byte-identical to the snapshot (its ends
 *    after every operation, all of it after every input);
 *  - no erase or program outside the memories, or of the bootloader's
 *    sector, ever reached a model (the port and the QSPI model count them).
 *
 * Configuration byte: bit 0 an old image in place (application sectors
 * and QSPI hold data) instead of erased memories; bit 1 deferred erase on
 * QSPI (4 KiB erase unit, firmware/mem/defer.c); bit 2 operations take
 * their datasheet maximum time.
 *
 * Built with -fsanitize=fuzzer (scripts/fuzz.sh) it is a libFuzzer target;
 * otherwise main() replays and mutates stored inputs (replay_files.h).
 */
#define _DEFAULT_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootloader/bootloader.h"
#include "dfu/dfu.h"
#include "hal/port.h"
#include "mock_port.h"
#include "ram_qspi.h"
#include "sim/h7/h7_iflash.h"
#include "sim/port/simport_internal.h"
#include "usb/usbd.h"

#include "fuzz_ops.h"

#define BOARD_NAME "stm32h745i-disco"
#define IFLASH     0x08000000u
#define QSPI_OLD   (192u * 1024u) /* the old image's QSPI data: the snapshots differ there only */

struct fz_stats fz_stats;

static const struct board *g_board;
static struct h7_iflash *g_flash[2];      /* internal flash: erased / old image */
static uint8_t g_qsnap[2][RAM_QSPI_SIZE]; /* QSPI the same */
static uint8_t g_boot_sector[128u * 1024u];
static unsigned g_boots;

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_dfu_requests: %s\n", what);
	abort();
}

/* ------------------------------------------------------------- the board */

static void enumerate(void)
{
	uint8_t d[18];
	mock_bus_reset();
	(void)mock_control(0x00, 5, 3, 0, 0, NULL);
	(void)mock_control(0x80, 6, 0x0100, 0, 18, d);
	(void)mock_control(0x00, 9, 1, 0, 0, NULL);
}

/* The MCU starts: with the button held (DFU), or taking the real boot
 * decision; an application it starts runs until the next power-on, which
 * comes with the button held (the device must come back to DFU). */
static void boot(bool auto_boot)
{
	g_boots++;
	fz_stats.boots++;
	mock_reboot();
	mock_set_button(!auto_boot);
	if (!bootloader_init(g_board, auto_boot ? BOOTLOADER_ENTER_AUTO : BOOTLOADER_ENTER_DFU)) {
		mock_reboot();
		port_noinit_set(0);
		mock_set_button(true);
		if (!bootloader_init(g_board, BOOTLOADER_ENTER_DFU))
			fail("the bootloader did not stay in DFU with the button held");
	}
	enumerate();
}

/* A reset or an application start the firmware asked for. */
static void follow_lifecycle(void)
{
	if (mock.reset_requested || mock.app_started)
		boot(mock.app_started);
}

/* One internal flash model per starting image (erased / an old image),
 * each with its checkpoint; QSPI snapshots the same. */
static void make_images(void)
{
	struct h7_iflash *first = simport_iflash_model();
	uint32_t size = h7_iflash_size(first);
	uint8_t *img = malloc(size);
	if (!img)
		fail("out of memory");
	for (unsigned k = 0; k < 2; k++) {
		memset(img, 0xFF, size);
		for (uint32_t i = 0; i < g_board->bootloader_size; i++)
			img[i] = (uint8_t)(i ^ (i >> 8) ^ 0xA5); /* "bootloader code" */
		memset(g_qsnap[k], 0xFF, RAM_QSPI_SIZE);
		if (k == 1) {
			/* an old image: data in the first application sectors and
			 * in QSPI */
			for (uint32_t i = 0; i < 3u * 128u * 1024u; i++)
				img[g_board->bootloader_size + i] = (uint8_t)(i * 7u + 3u);
			for (uint32_t i = 0; i < QSPI_OLD; i++)
				g_qsnap[1][i] = (uint8_t)(i * 5u + 1u);
		}
		g_flash[k] = k ? h7_iflash_create(g_board->iflash_base, g_board->iflash_sector_size,
		                                  g_board->iflash_banks * g_board->iflash_sectors,
		                                  board_iflash_word(g_board->family))
		               : first;
		if (!g_flash[k])
			fail("out of memory");
		h7_iflash_set_contents(g_flash[k], img);
		if (h7_iflash_checkpoint(g_flash[k]) != 0)
			fail("out of memory");
		if (k == 0)
			memcpy(g_boot_sector, img, g_board->bootloader_size);
	}
	free(img);
}

/* The memories as the configuration wants them: the image's model back
 * to its checkpoint, QSPI likewise; both copy only the granules the last
 * input changed. Switching images: QSPI back to the snapshot it held, then
 * the part where the two snapshots differ. */
static void restore_memories(unsigned image)
{
	static int loaded = -1;
	if (loaded < 0) {
		ram_qspi_reset();
		memcpy(ram_qspi.mem, g_qsnap[image], RAM_QSPI_SIZE);
	} else if ((int)image != loaded) {
		ram_qspi_rollback(g_qsnap[loaded]);
		memcpy(ram_qspi.mem, g_qsnap[image], QSPI_OLD);
	}
	if ((int)image != loaded) {
		(void)simport_iflash_swap(g_flash[image]);
		loaded = (int)image;
	}
	h7_iflash_rollback(g_flash[image]);
	ram_qspi_rollback(g_qsnap[image]);
}

static void start_input(uint8_t config)
{
	if (!g_board) {
		g_board = board_find(BOARD_NAME);
		mock_setup(g_board);
		mock_set_task(bootloader_task);
		if (!simport_iflash_model() || g_board->bootloader_size > sizeof(g_boot_sector))
			fail("no internal flash model");
		make_images();
	}
	mock_restart();
	mock_set_timeout_ms(10000); /* a host gives up after seconds, not forever */
	restore_memories(config & 1u);
	ram_qspi_erase_unit = (config & 2u) ? RAM_QSPI_UNIT : 0u;
	ram_qspi.worst_case = (config & 4u) != 0;
	port_noinit_set(0);
	g_boots = 0;
	boot(false);
}

/* --------------------------------------------------------- fuzz_ops host */

static int h_control(const uint8_t s[8], uint8_t *data, unsigned mod)
{
	(void)mod; /* transactions are the DWC2 target's business */
	int r = mock_control(s[0], s[1], (uint16_t)(s[2] | s[3] << 8), (uint16_t)(s[4] | s[5] << 8),
	                     (uint16_t)(s[6] | s[7] << 8), data);
	follow_lifecycle();
	if (r == MOCK_ETIMEDOUT) {
		enumerate(); /* what a host does after a control timeout */
		return FZ_TIMEOUT;
	}
	return r == MOCK_EPIPE ? FZ_STALL : r;
}

static void h_pass_ms(uint32_t ms)
{
	mock_advance_ms(ms);
	follow_lifecycle();
}

static void h_power_cut(bool auto_boot)
{
	(void)h7_iflash_power_cut(simport_iflash_model()); /* what was running is torn */
	ram_qspi_power_cut();
	port_noinit_set(0);
	boot(auto_boot);
}

static unsigned h_boots(void)
{
	return g_boots;
}

/* The bootloader sector: its ends after every operation (cheap), all of
 * it at the end of each input (an overwrite there never undoes itself). */
static void check_boot_sector(uint32_t sample)
{
	const uint8_t *mem = h7_iflash_array(simport_iflash_model());
	uint32_t n = g_board->bootloader_size, k = sample < n ? sample : n;
	if (memcmp(g_boot_sector, mem, k) != 0 ||
	    memcmp(g_boot_sector + n - k, mem + n - k, k) != 0)
		fail("the bootloader sector was modified");
}

static void h_check(void)
{
	check_boot_sector(256u);
	if (simport_iflash_refused())
		fail("an erase/program of the bootloader sector or outside the internal flash "
		     "reached "
		     "the port");
	if (ram_qspi.refused)
		fail("an erase/program outside QSPI, or while it was busy, reached the model");
}

static const struct fz_host host = {h_control, enumerate, h_pass_ms, h_power_cut, h_boots, h_check};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	start_input(size ? data[0] : 0u);
	fz_run(&host, data, size);
	check_boot_sector(g_board->bootloader_size);
	return 0;
}

FZ_ENTRY_POINTS("fuzz_dfu_requests")
