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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
