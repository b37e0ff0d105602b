/* SPDX-License-Identifier: MIT */
/*
 * The classic QUADSPI habits (shared facts octospi.md, "Critical traps")
 * against the OCTOSPI register model: each one must show, as a model fault
 * or as a command that never reached (or reached wrongly) the chip, what
 * test_octospi_driver.c checks the OCTOSPI driver does not do. First the
 * whole QUADSPI driver (firmware/port/stm32h7/quadspi.c, linked here
 * instead of octospi.c), then one register sequence per habit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "common/err.h"
#include "hal/port.h"
#include "nor/nor.h"
#include "ospi_harness.h"
#include "port/stm32h7/h7.h"
#include "port/stm32h7/mmio.h"
#include "port/stm32h7/regs_octospi.h"
#include "sim/h7/octospi_model.h"

static struct octospi_regs *r;

static void assert_fault(const char *words)
{
	assert_true(octospi_model_faults() > 0);
	assert_non_null(strstr(octospi_model_last_fault(), words));
}

/* The OCTOSPI set up as the driver does it (8 MiB W25Q64JV behind it). */
static void ready(bool dtr)
{
	ospi_setup("W25Q64JV", false);
	r = (struct octospi_regs *)MMIO_BASE(OCTOSPI1_BASE);
	h7_mpu_guard_qspi(); /* the window closed to speculative reads */
	mmio_write(&r->DCR1, (dtr ? OCTOSPI_MTYP_MACRONIX << OCTOSPI_DCR1_MTYP_Pos : 0u) |
	                         25u << OCTOSPI_DCR1_DEVSIZE_Pos | OCTOSPI_DCR1_DLYBYP);
	mmio_write(&r->TCR, dtr ? OCTOSPI_TCR_DHQC : 0u);
	mmio_write(&r->CR, OCTOSPI_CR_EN);
}

/* quadspi.c itself on an OCTOSPI part (same base address, other layout):
 * it writes DCR at 0x04 (reserved), FCR at 0x0C (DCR2: the prescaler),
 * CCR at 0x14 (DCR4) and never IR: no command ever reaches the chip. */
static void test_quadspi_driver_sends_nothing(void **state)
{
	(void)state;
	ospi_setup("W25Q64JV", false);
	assert_int_not_equal(nor_probe(false, 50000000u), QDFU_OK);
	assert_int_equal(octospi_model_commands(), 0);
	assert_true(octospi_model_faults() > 0);
}

/* Trap 2: "PRESCALER << 24" in CR (here /50 for a slow probe clock) sets
 * FMODE[29:28] = 11: memory-mapped mode, BUSY, every set-up write ignored. */
static void test_prescaler_in_cr_enters_memory_mapped_mode(void **state)
{
	(void)state;
	ready(false);
	mmio_write(&r->CR, 49u << 24 | 3u << OCTOSPI_CR_FTHRES_Pos | OCTOSPI_CR_EN);
	assert_true(octospi_model_memmapped());
	assert_fault("WCCR.DQSE");
	mmio_write(&r->CCR, 1u); /* the next command's set-up */
	assert_fault("written while BUSY");
}

/* Trap 1: FMODE written into CCR[27:26] (QUADSPI) sets DMODE bit 2 / DDTR:
 * a reserved data mode for 1-line data; the read never happens. */
static void test_fmode_in_ccr_is_a_reserved_data_mode(void **state)
{
	(void)state;
	ready(false);
	uint32_t ccr = 1u | 1u << OCTOSPI_CCR_ADMODE_Pos | 2u << OCTOSPI_CCR_ADSIZE_Pos |
	               1u << OCTOSPI_CCR_DMODE_Pos | 1u << 26; /* QUADSPI FMODE = read */
	mmio_write(&r->DLR, 3);
	mmio_write(&r->CCR, ccr);
	mmio_write(&r->IR, 0x03);
	mmio_write(&r->AR, 0);
	assert_fault("reserved line mode");
	assert_int_equal(octospi_model_commands(), 0);
}

/* QUADSPI's 2-bit line modes: 8 lines becomes 00, no instruction at all
 * (the driver test wants an 8-line instruction). */
static void test_two_bit_line_modes_lose_the_octal_instruction(void **state)
{
	(void)state;
	ready(true);
	uint32_t eight = 8u;
	uint32_t imode = (eight == 4u ? 3u : eight) & 3u; /* QUADSPI mode_of() */
	mmio_write(&r->CCR,
	           imode | OCTOSPI_CCR_IDTR | 1u << OCTOSPI_CCR_ISIZE_Pos | OCTOSPI_CCR_DDTR);
	mmio_write(&r->IR, 0x06F9);
	assert_int_equal(octospi_model_commands(), 1);
	assert_int_not_equal(octospi_model_last_cmd()->instruction_lines, 8);
}

/* QUADSPI: a CCR write without address phase starts the command, the
 * instruction in CCR[7:0]. On OCTOSPI nothing starts before IR/AR. */
static void test_ccr_write_starts_nothing(void **state)
{
	(void)state;
	ready(false);
	mmio_write(&r->CCR, 0x06u | 1u << 8); /* QUADSPI: WREN, IMODE 1 line */
	assert_int_equal(octospi_model_commands(), 0);
}

/* Trap 5: a 1-byte register read in octal DTR. */
static void test_dtr_register_read_of_one_byte(void **state)
{
	(void)state;
	ready(true);
	mmio_modify(&r->CR, OCTOSPI_CR_FMODE_Msk, OCTOSPI_FMODE_READ << OCTOSPI_CR_FMODE_Pos);
	mmio_write(&r->DLR, 0);
	mmio_write(&r->CCR, 0x1Cu | 0x3Cu << 8 | 0x0Cu << 24 | OCTOSPI_CCR_DQSE);
	mmio_write(&r->IR, 0x05FA);
	mmio_write(&r->AR, 0);
	assert_fault("2-byte words");
}

/* Trap 4: an octal DTR read without DQS. */
static void test_octal_dtr_read_without_dqs(void **state)
{
	(void)state;
	ready(true);
	mmio_modify(&r->CR, OCTOSPI_CR_FMODE_Msk, OCTOSPI_FMODE_READ << OCTOSPI_CR_FMODE_Pos);
	mmio_write(&r->DLR, 1);
	mmio_write(&r->CCR, 0x1Cu | 0x3Cu << 8 | 0x0Cu << 24);
	mmio_write(&r->IR, 0x05FA);
	mmio_write(&r->AR, 0);
	assert_fault("without CCR.DQSE");
}

/* Trap 4 in memory-mapped mode: 8DTRD (0xEE11) mapped without DQSE, the
 * write configuration done (WCCR.DQSE, erratum): the controller would
 * sample the reads without the strobe. */
static void test_memory_mapped_octal_dtr_without_dqs(void **state)
{
	(void)state;
	ready(true);
	const uint32_t dtr8 = 0x1Cu | 0x3Cu << 8 | 0x0Cu << 24; /* 8D-8D-8D, 16/32 bit */
	mmio_write(&r->WCCR, dtr8 | OCTOSPI_CCR_DQSE);
	mmio_write(&r->WIR, 0x12ED);
	mmio_write(&r->CCR, dtr8);
	mmio_write(&r->TCR, OCTOSPI_TCR_DHQC | 20u);
	mmio_write(&r->IR, 0xEE11);
	mmio_modify(&r->CR, OCTOSPI_CR_FMODE_Msk, OCTOSPI_FMODE_MEMMAP << OCTOSPI_CR_FMODE_Pos);
	assert_fault("without CCR.DQSE");
}

/* Trap 4: DHQC set, a DTR command without data and without DDTR (as
 * QUADSPI's global DDRM would leave it) does nothing. */
static void test_dhqc_without_ddtr_drops_the_command(void **state)
{
	(void)state;
	ready(true);
	mmio_write(&r->CCR, 0x1Cu); /* 8D instruction, 16-bit, no DDTR */
	mmio_write(&r->IR, 0x06F9);
	assert_int_equal(octospi_model_commands(), 0);
	assert_fault("dropped");
}

/* Memory-mapped mode with only the read command (QUADSPI has no write
 * command): WCCR.DQSE = 0 (erratum). */
static void test_memory_mapped_without_write_command(void **state)
{
	(void)state;
	ready(false);
	mmio_write(&r->CCR, 1u | 1u << OCTOSPI_CCR_ADMODE_Pos | 2u << OCTOSPI_CCR_ADSIZE_Pos |
	                        1u << OCTOSPI_CCR_DMODE_Pos);
	mmio_write(&r->IR, 0x03);
	mmio_modify(&r->CR, OCTOSPI_CR_FMODE_Msk, OCTOSPI_FMODE_MEMMAP << OCTOSPI_CR_FMODE_Pos);
	assert_true(octospi_model_memmapped());
	assert_fault("WCCR.DQSE = 0");
}

/* The IO manager written before RCC_AHB3ENR.IOMNGREN: the write is lost. */
static void test_io_manager_unclocked(void **state)
{
	(void)state;
	ready(false);
	volatile uint32_t *p1cr = (volatile uint32_t *)MMIO_BASE(OCTOSPIM_BASE + 4u);
	mmio_write(p1cr, 0x07050333u);
	bus_rcc[0xD4 / 4] = RCC_AHB3ENR_IOMNGREN;
	assert_int_equal(mmio_read(p1cr), 0x03010111u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_quadspi_driver_sends_nothing, ospi_teardown),
	    cmocka_unit_test_teardown(test_prescaler_in_cr_enters_memory_mapped_mode,
	                              ospi_teardown),
	    cmocka_unit_test_teardown(test_fmode_in_ccr_is_a_reserved_data_mode, ospi_teardown),
	    cmocka_unit_test_teardown(test_two_bit_line_modes_lose_the_octal_instruction,
	                              ospi_teardown),
	    cmocka_unit_test_teardown(test_ccr_write_starts_nothing, ospi_teardown),
	    cmocka_unit_test_teardown(test_dtr_register_read_of_one_byte, ospi_teardown),
	    cmocka_unit_test_teardown(test_memory_mapped_octal_dtr_without_dqs, ospi_teardown),
	    cmocka_unit_test_teardown(test_octal_dtr_read_without_dqs, ospi_teardown),
	    cmocka_unit_test_teardown(test_dhqc_without_ddtr_drops_the_command, ospi_teardown),
	    cmocka_unit_test_teardown(test_memory_mapped_without_write_command, ospi_teardown),
	    cmocka_unit_test_teardown(test_io_manager_unclocked, ospi_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
