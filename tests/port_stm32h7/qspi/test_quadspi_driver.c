/* SPDX-License-Identifier: MIT */
/*
 * The real QUADSPI driver (firmware/port/stm32h7/quadspi.c, built with
 * QDFU_HOST_MMIO) under the real NOR driver, against the QUADSPI register
 * model wired to NOR chip models: single and dual-flash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bus_harness.h"
#include "read_crc_check.h"

#include "common/err.h"
#include "sim/clock/vclock.h"
#include "sim/h7/mmio_bus.h"
#include "sim/h7/quadspi_model.h"
#include "sim/h7/scs_model.h"
#include "nor/nor.h"
#include "sim/nor/nor_model.h"
#include "hal/port.h"
#include "port/stm32h7/h7.h"
#include "port/stm32h7/h7_sys.h"
#include "port/stm32h7/mmio.h"

static bool usb_connected = true;
void port_usb_connect(bool on)
{
	usb_connected = on;
}

static struct nor_chip *chips[2];

static void setup_bus(const char *part, bool dual)
{
	bus_harness_reset();
	bus_harness_crc();
	usb_connected = true;
	chips[0] = nor_chip_create(part);
	chips[1] = dual ? nor_chip_create(part) : NULL;
	assert_non_null(chips[0]);
	assert_int_equal(quadspi_model_init(chips[0], chips[1]), 0);
}

/* No QUADSPI rule broken (the model's message says which one was). */
static void assert_model_clean(void)
{
	assert_string_equal(quadspi_model_last_fault(), "");
	assert_int_equal(quadspi_model_faults(), 0);
}

static int teardown(void **state)
{
	(void)state;
	nor_chip_destroy(chips[0]);
	if (chips[1])
		nor_chip_destroy(chips[1]);
	chips[0] = chips[1] = NULL;
	mmio_reset();
	return 0;
}

static int run(int rc)
{
	if (rc)
		return rc;
	for (int i = 0; i < 1000000 && (rc = nor_poll()) == QDFU_E_BUSY; i++)
		port_wait_hint();
	return rc;
}

static void roundtrip(const char *part, bool dual)
{
	setup_bus(part, dual);
	assert_int_equal(nor_probe(dual, 50000000u), QDFU_OK);
	const struct nor_info *info = nor_get_info();
	assert_non_null(info);
	static uint8_t data[9000], back[9000];
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 13 + 5);
	uint32_t at = 0x20000u; /* erase-aligned for every part here */
	struct nor_time t;
	assert_int_equal(run(nor_erase_start(at, 0x10000u, &t)), QDFU_OK);
	assert_int_equal(run(nor_program_start(at + 100u, data, sizeof(data), &t)), QDFU_OK);
	assert_int_equal(nor_read(at + 100u, back, sizeof(back)), QDFU_OK);
	assert_memory_equal(back, data, sizeof(data));
	/* on the chips themselves */
	if (!dual) {
		assert_memory_equal(nor_chip_array(chips[0]) + at + 100u, data, sizeof(data));
	} else {
		const uint8_t *c0 = nor_chip_array(chips[0]), *c1 = nor_chip_array(chips[1]);
		for (unsigned i = 0; i < sizeof(data); i++) {
			uint32_t a = at + 100u + i;
			assert_int_equal((a % 2u ? c1 : c0)[a / 2u], data[i]);
		}
	}
	/* the CRC fed from the FIFO as it drains: the same as the table */
	read_crc_check(at + 100u, data, sizeof(data));
	assert_model_clean();
}

static void test_single_w25q64(void **state)
{
	(void)state;
	roundtrip("W25Q64JV", false);
}

static void test_single_mx25l51245g_above_16mib(void **state)
{
	(void)state;
	roundtrip("MX25L51245G", false);
	static uint8_t d[300], b[300];
	memset(d, 0xA7, sizeof(d));
	struct nor_time t;
	uint32_t hi = 0x2000000u; /* 32 MiB: 4-byte addressing */
	assert_int_equal(run(nor_erase_start(hi, 0x10000u, &t)), QDFU_OK);
	assert_int_equal(run(nor_program_start(hi, d, sizeof(d), &t)), QDFU_OK);
	assert_int_equal(nor_read(hi, b, sizeof(b)), QDFU_OK);
	assert_memory_equal(b, d, sizeof(d));
	assert_memory_equal(nor_chip_array(chips[0]) + hi, d, sizeof(d));
}

static void test_dual_mt25ql512(void **state)
{
	(void)state;
	roundtrip("MT25QL512ABB", true);
}

static void test_dual_poll_waits_for_both_chips(void **state)
{
	(void)state;
	setup_bus("MT25QL512ABB", true);
	assert_int_equal(nor_probe(true, 50000000u), QDFU_OK);
	nor_chip_inject(chips[1], NOR_FAULT_STUCK_BUSY); /* chip 1 never finishes */
	struct nor_time t;
	int rc = run(nor_erase_start(0, 0x20000u, &t));
	/* AND polling: chip 0 being ready is not enough */
	assert_int_not_equal(rc, QDFU_OK);
	/* the driver gave up and reset both chips; hang chip 1 again */
	nor_chip_inject(chips[1], NOR_FAULT_STUCK_BUSY);
	struct port_qspi_cmd wren = {.instruction = 0x06, .instruction_lines = 1};
	struct port_qspi_cmd erase = {.instruction = 0x21,
	                              .instruction_lines = 1,
	                              .address_lines = 1,
	                              .address_bytes = 4,
	                              .address = 0};
	assert_int_equal(port_qspi_write(&wren, NULL), QDFU_OK);
	assert_int_equal(port_qspi_write(&erase, NULL), QDFU_OK);
	/* the hardware auto-poll itself: read status (0x05) of both chips,
	 * WIP (bit 0) must be clear in BOTH bytes */
	struct port_qspi_cmd rdsr = {
	    .instruction = 0x05, .instruction_lines = 1, .data_lines = 1, .data_len = 2};
	uint32_t last = 0;
	assert_int_equal(port_qspi_poll(&rdsr, 0x01, 0x00, 200, &last), QDFU_E_TIMEOUT);
	assert_int_equal(last & 0x0101u, 0x0100u); /* chip 0 ready, chip 1 busy */
	assert_int_equal(port_qspi_poll(&rdsr, 0x01, 0x00, 0, &last), QDFU_E_BUSY);
	assert_model_clean();
}

/* An abort with nothing in progress must leave CCR alone: a CCR write
 * without an address phase starts a command, so rewriting it (to clear
 * FMODE, as ST's HAL does after a real abort) sends the last instruction
 * again: WREN, or a chip erase (facts, "Traps found by review" 7). */
static void test_abort_when_idle_sends_nothing(void **state)
{
	(void)state;
	setup_bus("W25Q64JV", false);
	assert_int_equal(nor_probe(false, 50000000u), QDFU_OK);
	struct port_qspi_cmd wren = {.instruction = 0x06, .instruction_lines = 1};
	assert_int_equal(port_qspi_write(&wren, NULL), QDFU_OK);
	unsigned before = quadspi_model_commands();
	assert_int_equal(port_qspi_abort(), QDFU_OK);
	assert_int_equal(quadspi_model_commands(), before);
	assert_model_clean();
}

/* Alternate bytes (e.g. the continuous-read mode byte of a memory-mapped
 * quad read) must be in ABR when the command starts: ST's HAL writes ABR
 * before CCR (stm32h7xx_hal_qspi.c QSPI_Config). */
static void test_alternate_bytes_written_before_the_command_starts(void **state)
{
	(void)state;
	setup_bus("W25Q64JV", false);
	assert_int_equal(nor_probe(false, 50000000u), QDFU_OK);
	struct port_qspi_cmd rd = {.instruction = 0xEB,
	                           .instruction_lines = 1,
	                           .address_lines = 4,
	                           .address_bytes = 3,
	                           .alt_lines = 4,
	                           .alt_bytes = 1,
	                           .alt = 0xA5,
	                           .dummy_cycles = 4,
	                           .data_lines = 4};
	assert_int_equal(port_qspi_memmap(&rd), QDFU_OK);
	assert_true(quadspi_model_memmapped());
	assert_int_equal(quadspi_model_last_alt(), 0xA5);
	assert_model_clean();
}

/* Status polling right after memory-mapped mode: PSMKR/PSMAR/PIR/CR are
 * ignored while BUSY, so the driver must abort before configuring the
 * poll (ST's HAL_QSPI_AutoPolling waits for BUSY = 0 first). */
static void test_poll_after_memory_mapped_mode(void **state)
{
	(void)state;
	setup_bus("W25Q64JV", false);
	assert_int_equal(nor_probe(false, 50000000u), QDFU_OK);
	struct port_qspi_cmd rd = {.instruction = 0x0B,
	                           .instruction_lines = 1,
	                           .address_lines = 1,
	                           .address_bytes = 3,
	                           .dummy_cycles = 8,
	                           .data_lines = 1};
	assert_int_equal(port_qspi_memmap(&rd), QDFU_OK);
	struct port_qspi_cmd rdsr = {
	    .instruction = 0x05, .instruction_lines = 1, .data_lines = 1, .data_len = 1};
	uint32_t last = 0xFF;
	assert_int_equal(port_qspi_poll(&rdsr, 0x01, 0x00, 100, &last), QDFU_OK);
	assert_int_equal(last & 0x01, 0);
	assert_false(quadspi_model_memmapped());
	assert_model_clean();
}

/* What the bootloader leaves running when it decides to start the
 * application: SysTick with its interrupt, the USB interrupt enabled and
 * pending (a bus event arrived during the quiesce). */
static void bootloader_running(void)
{
	volatile uint32_t *syst_csr = (volatile uint32_t *)MMIO_BASE(0xE000E010u);
	volatile uint32_t *nvic = (volatile uint32_t *)MMIO_BASE(0xE000E100u);
	mmio_write(syst_csr, 7u);                                /* ENABLE | TICKINT | CLKSOURCE */
	unsigned irq = 101u;                                     /* OTG_FS */
	mmio_write(&nvic[irq / 32u], 1u << (irq % 32u));         /* ISER */
	mmio_write(&nvic[0x40u + irq / 32u], 1u << (irq % 32u)); /* ISPR */
}

/* The state a reset leaves (ARMv7-M B1.5.5 "Reset behavior"; ST's
 * DFU_Standalone example jumps with PRIMASK = 0): what the application's
 * start-up code and ST's HAL rely on. */
static void assert_reset_like_branch(uint32_t vtor)
{
	const struct scs_branch *b = scs_model_branch();
	assert_true(b->taken);
	assert_string_equal(scs_model_branch_problems(), "");
	assert_false(b->primask);
	assert_false(b->faultmask);
	assert_int_equal(b->basepri, 0);
	assert_int_equal(b->icsr, 0); /* no SysTick / PendSV pending */
	for (unsigned i = 0; i < SCS_NVIC_WORDS; i++) {
		assert_int_equal(b->iser[i], 0);
		assert_int_equal(b->ispr[i], 0);
	}
	assert_int_equal(b->syst_csr & 1u, 0); /* SysTick off */
	assert_int_equal(b->vtor, vtor);
	assert_int_equal(b->ccr & (3u << 16), 0); /* caches off (never enabled) */
	assert_int_equal(scs_model_stats()->errors, 0);
}

/* Starting an application that executes from QSPI: what is left how
 * (shared facts, "Jumping to the application"). */
static void test_start_xip_application(void **state)
{
	(void)state;
	setup_bus("MT25QL512ABB", true);
	assert_int_equal(nor_probe(true, 50000000u), QDFU_OK);
	bootloader_running();
	port_start_app(0x90040000u);
	assert_false(usb_connected); /* detached first */
	assert_reset_like_branch(0x90040000u);
	assert_true(quadspi_model_memmapped()); /* execute in place */
	const struct scs_branch *b = scs_model_branch();
	assert_int_equal(b->mpu_ctrl & 1u, 1u); /* MPU on */
	uint32_t rbar, rasr;
	/* region 0: the 256 MiB window, no access, execute-never */
	scs_model_mpu_region(0, &rbar, &rasr);
	assert_int_equal(rbar & ~0x1Fu, 0x90000000u);
	assert_int_equal((rasr >> 1) & 31u, 27u); /* 2^28 */
	assert_true(rasr & (1u << 28));
	assert_int_equal((rasr >> 24) & 7u, 0u);
	/* region 1: the flash itself, executable, read-only, cacheable */
	scs_model_mpu_region(1, &rbar, &rasr);
	assert_false(rasr & (1u << 28));
	assert_int_equal((rasr >> 24) & 7u, 6u);
	assert_true(rasr & (1u << 17));
	assert_true(((rasr >> 1) & 31u) + 1u >= 27u); /* covers 128 MiB */
	assert_true(scs_model_mpu_executable(0x90040000u));
	assert_false(scs_model_mpu_readable(0x98000000u)); /* beyond the flash */
	assert_model_clean();
}

/* Issue 19 item 5: the hand-over before an XIP start. The application's
 * first fetch through the window (its vector table) returns the bytes
 * written, in the mode chosen, taking the bus cycles of that mode; then
 * the application takes the QUADSPI back (as libDaisy's or ST's BSP
 * initialisation does: MPU guard, abort, indirect commands) and the
 * chip answers a normal command: it was not left in continuous read. */
struct xip_case {
	const char *part;
	bool dual;
	enum nor_xip_mode mode;
	uint8_t op;
	uint32_t cycles; /* of a 32-byte mapped read */
	uint8_t id0;
};

static void xip_start(const struct xip_case *x)
{
	setup_bus(x->part, x->dual);
	assert_int_equal(nor_probe(x->dual, 50000000u), QDFU_OK);
	uint8_t vt[32];
	for (unsigned i = 0; i < sizeof(vt); i++)
		vt[i] = (uint8_t)(0x31u * i + 7u);
	struct nor_time t;
	assert_int_equal(run(nor_erase_start(0x40000u, 0x20000u, &t)), QDFU_OK);
	assert_int_equal(run(nor_program_start(0x40000u, vt, sizeof(vt), &t)), QDFU_OK);
	struct port_qspi_cmd used;
	assert_int_equal(nor_xip_handover(x->mode, 0x40000u, &used), QDFU_OK);
	assert_int_equal(used.instruction, x->op);
	bootloader_running();
	port_start_app(0x90040000u);
	assert_true(quadspi_model_memmapped());
	assert_true(scs_model_mpu_readable(0x90040000u));
	uint8_t got[32];
	assert_int_equal(quadspi_model_mem_read(0x40000u, got, sizeof(got)), x->cycles);
	assert_memory_equal(got, vt, sizeof(vt));
	/* the application reconfigures the QUADSPI and reads the ID */
	h7_mpu_guard_qspi();
	uint8_t id[4] = {0};
	struct port_qspi_cmd rdid = {.instruction = 0x9F,
	                             .instruction_lines = 1,
	                             .data_lines = 1,
	                             .data_len = x->dual ? 4u : 2u};
	assert_int_equal(port_qspi_read(&rdid, id), QDFU_OK);
	assert_int_equal(id[0], x->id0);
	assert_int_equal(id[x->dual ? 2 : 1], nor_get_info()->id[1]);
	assert_model_clean();
}

static void test_xip_handover_quad_io(void **state)
{
	(void)state;
	/* instruction 8 + address 6 + mode 2 + dummy 4 + data 64 clocks */
	static const struct xip_case w25 = {"W25Q64JV", false, NOR_XIP_FASTEST, 0xEB, 84, 0xEF};
	xip_start(&w25);
	teardown(NULL);
	/* Daisy Seed's chip: the same clocks (6 = 2 mode + 4 wait) */
	static const struct xip_case is25 = {"IS25LP064A", false, NOR_XIP_FASTEST, 0xEB, 84, 0x9D};
	xip_start(&is25);
	teardown(NULL);
	static const struct xip_case mx = {"MX25L12833F", false, NOR_XIP_FASTEST, 0xEB, 84, 0xC2};
	xip_start(&mx);
	teardown(NULL);
	/* DISCO: two chips, 4-byte 0xEC, 16 bytes each: 8 + 8 + 2 + 8 + 32 */
	static const struct xip_case mt = {"MT25QL512ABB", true, NOR_XIP_FASTEST, 0xEC, 58, 0x20};
	xip_start(&mt);
}

static void test_xip_handover_single(void **state)
{
	(void)state;
	/* 8 + 24 + 8 dummy + 256 */
	static const struct xip_case w25 = {"W25Q64JV", false, NOR_XIP_SINGLE, 0x0B, 296, 0xEF};
	xip_start(&w25);
}

static void test_start_internal_application(void **state)
{
	(void)state;
	setup_bus("W25Q64JV", false);
	assert_int_equal(nor_probe(false, 50000000u), QDFU_OK);
	bootloader_running();
	port_start_app(0x08020000u);
	assert_reset_like_branch(0x08020000u);
	assert_int_equal(scs_model_branch()->mpu_ctrl, 0); /* MPU off, as after reset */
	assert_false(quadspi_model_memmapped());           /* QSPI untouched */
	assert_false(usb_connected);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_single_w25q64, teardown),
	    cmocka_unit_test_teardown(test_single_mx25l51245g_above_16mib, teardown),
	    cmocka_unit_test_teardown(test_dual_mt25ql512, teardown),
	    cmocka_unit_test_teardown(test_dual_poll_waits_for_both_chips, teardown),
	    cmocka_unit_test_teardown(test_abort_when_idle_sends_nothing, teardown),
	    cmocka_unit_test_teardown(test_alternate_bytes_written_before_the_command_starts,
	                              teardown),
	    cmocka_unit_test_teardown(test_poll_after_memory_mapped_mode, teardown),
	    cmocka_unit_test_teardown(test_start_xip_application, teardown),
	    cmocka_unit_test_teardown(test_start_internal_application, teardown),
	    cmocka_unit_test_teardown(test_xip_handover_quad_io, teardown),
	    cmocka_unit_test_teardown(test_xip_handover_single, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
