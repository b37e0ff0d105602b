/* SPDX-License-Identifier: MIT */
/*
 * The OCTOSPI driver (firmware/port/stm32h7/octospi.c, built with
 * QDFU_HOST_MMIO) under the real NOR driver, against the OCTOSPI register
 * model (sim/h7/octospi_model.c) wired to NOR chip models: the register
 * layout and start triggers that differ from QUADSPI, octal DTR framing
 * with DQS and the DHQC rules, memory-mapped mode, abort, the IO manager.
 * test_octospi_habits.c shows the same checks failing on QUADSPI habits.
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
#include "read_crc_check.h"
#include "port/stm32h7/mmio.h"
#include "port/stm32h7/regs_octospi.h"
#include "sim/h7/octospi_model.h"
#include "sim/nor/nor_model.h"

/* No OCTOSPI rule broken (the model's message says which one was). */
static void assert_model_clean(void)
{
	assert_string_equal(octospi_model_last_fault(), "");
	assert_int_equal(octospi_model_faults(), 0);
}

static uint32_t reg(uint32_t off)
{
	return octospi_model_reg(off);
}

static void roundtrip(const char *part, bool dual)
{
	ospi_setup(part, dual);
	assert_int_equal(nor_probe(dual, 50000000u), QDFU_OK);
	static uint8_t data[9000], back[9000];
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 13 + 5);
	uint32_t at = 0x20000u;
	struct nor_time t;
	assert_int_equal(ospi_run(nor_erase_start(at, 0x10000u, &t)), QDFU_OK);
	assert_int_equal(ospi_run(nor_program_start(at + 100u, data, sizeof(data), &t)), QDFU_OK);
	assert_int_equal(nor_read(at + 100u, back, sizeof(back)), QDFU_OK);
	assert_memory_equal(back, data, sizeof(data));
	if (!dual) {
		assert_memory_equal(nor_chip_array(ospi_chips[0]) + at + 100u, data, sizeof(data));
	} else {
		const uint8_t *c0 = nor_chip_array(ospi_chips[0]);
		const uint8_t *c1 = nor_chip_array(ospi_chips[1]);
		for (unsigned i = 0; i < sizeof(data); i++) {
			uint32_t a = at + 100u + i;
			assert_int_equal((a % 2u ? c1 : c0)[a / 2u], data[i]);
		}
	}
	/* the CRC fed from the FIFO as it drains (dual-quad: even lengths) */
	read_crc_check(at + 100u, data, sizeof(data));
	assert_model_clean();
}

static void test_single_w25q64(void **state)
{
	(void)state;
	roundtrip("W25Q64JV", false);
}

static void test_dual_quad_mt25ql512(void **state)
{
	(void)state;
	roundtrip("MT25QL512ABB", true);
	assert_true(reg(0x000) & OCTOSPI_CR_DQM);
}

/* 64 MiB with 4-byte addresses: DEVSIZE must cover it or the OCTOSPI
 * refuses the address (TEF). */
static void test_mx25l51245g_above_16mib(void **state)
{
	(void)state;
	roundtrip("MX25L51245G", false);
	static uint8_t d[300], b[300];
	memset(d, 0xA7, sizeof(d));
	struct nor_time t;
	uint32_t hi = 0x3000000u;
	assert_int_equal(ospi_run(nor_erase_start(hi, 0x10000u, &t)), QDFU_OK);
	assert_int_equal(ospi_run(nor_program_start(hi, d, sizeof(d), &t)), QDFU_OK);
	assert_int_equal(nor_read(hi, b, sizeof(b)), QDFU_OK);
	assert_memory_equal(b, d, sizeof(d));
	assert_int_equal((reg(0x008) & OCTOSPI_DCR1_DEVSIZE_Msk) >> OCTOSPI_DCR1_DEVSIZE_Pos, 25u);
	assert_model_clean();
}

/* Where the QUADSPI fields went (shared facts octospi.md traps 1, 2): the
 * prescaler in DCR2 and nothing in CR[31:24] (FMODE lives there), the
 * delay block bypassed, the clocks on. */
static void test_init_register_layout(void **state)
{
	(void)state;
	ospi_setup("W25Q64JV", false);
	struct port_qspi_config cfg = {.size_log2 = 23, .clock_hz = 50000000u};
	assert_int_equal(port_qspi_init(&cfg), QDFU_OK);
	assert_int_equal(reg(0x00C) & OCTOSPI_DCR2_PRESCALER_Msk, 3u); /* 200 MHz / 4 */
	assert_int_equal(reg(0x000) & 0xFF000000u, 0);
	assert_true(reg(0x000) & OCTOSPI_CR_EN);
	uint32_t dcr1 = reg(0x008);
	assert_true(dcr1 & OCTOSPI_DCR1_DLYBYP);
	assert_int_equal((dcr1 & OCTOSPI_DCR1_DEVSIZE_Msk) >> OCTOSPI_DCR1_DEVSIZE_Pos, 22u);
	assert_int_equal((dcr1 & OCTOSPI_DCR1_MTYP_Msk) >> OCTOSPI_DCR1_MTYP_Pos, 0u);
	assert_int_equal(reg(0x108), OCTOSPI_TCR_SSHIFT); /* STR: half-cycle sample shift */
	assert_true(bus_rcc[0xD4 / 4] & RCC_AHB3ENR_OSPI1EN);
	assert_true(bus_rcc[0xD4 / 4] & RCC_AHB3ENR_IOMNGREN);
	assert_model_clean();
}

static void dtr_init(void)
{
	ospi_setup("W25Q64JV", false);
	struct port_qspi_config cfg = {.size_log2 = 26, .clock_hz = 100000000u};
	assert_int_equal(port_qspi_init(&cfg), QDFU_OK);
}

/* After a DTR command: Macronix byte order, data held 1/4 cycle, no sample
 * shift (ST's H735G-DK BSP in octal DTR). */
static void assert_dtr_timing(void)
{
	assert_int_equal((reg(0x008) & OCTOSPI_DCR1_MTYP_Msk) >> OCTOSPI_DCR1_MTYP_Pos,
	                 OCTOSPI_MTYP_MACRONIX);
	assert_int_equal(reg(0x108) & (OCTOSPI_TCR_DHQC | OCTOSPI_TCR_SSHIFT), OCTOSPI_TCR_DHQC);
}

/* 8D-8D-8D WREN (MX25LM51245G 0x06F9, no data): 16-bit instruction on 8
 * lines; with DHQC the command also needs CCR.DDTR or it never reaches the
 * chip (HAL OSPI_ConfigCmd; shared facts trap 4). */
static void test_octal_dtr_command_without_data(void **state)
{
	(void)state;
	dtr_init();
	unsigned before = octospi_model_commands();
	struct port_qspi_cmd wren = {.instruction = 0x06F9,
	                             .instruction_lines = 8,
	                             .instruction_bytes = 2,
	                             .dtr = PORT_QSPI_DTR_ALL,
	                             .mem_type = PORT_QSPI_MEM_MACRONIX};
	assert_int_equal(port_qspi_write(&wren, NULL), QDFU_OK);
	assert_dtr_timing();
	assert_int_equal(octospi_model_commands(), before + 1u);
	const struct port_qspi_cmd *c = octospi_model_last_cmd();
	assert_int_equal(c->instruction, 0x06F9);
	assert_int_equal(c->instruction_lines, 8);
	assert_int_equal(c->instruction_bytes, 2);
	assert_int_equal(c->dtr, PORT_QSPI_DTR_INSTRUCTION);
	/* IMODE 100, IDTR, ISIZE 01 and the DHQC-linked DDTR */
	assert_int_equal(reg(0x100), 0x1Cu | OCTOSPI_CCR_DDTR);
	assert_model_clean();
}

/* 8D-8D-8D status read (0x05FA, 4-byte address 0, 5 dummy cycles): two
 * bytes (DTR registers are 2-byte words) with the DQS strobe. */
static const struct port_qspi_cmd rdsr_dtr = {.instruction = 0x05FA,
                                              .instruction_lines = 8,
                                              .instruction_bytes = 2,
                                              .address_lines = 8,
                                              .address_bytes = 4,
                                              .dummy_cycles = 5,
                                              .data_lines = 8,
                                              .data_len = 2,
                                              .dtr = PORT_QSPI_DTR_ALL,
                                              .dqs = true,
                                              .mem_type = PORT_QSPI_MEM_MACRONIX};

static void test_octal_dtr_register_read(void **state)
{
	(void)state;
	dtr_init();
	uint8_t sr[2] = {0xEE, 0xEE};
	assert_int_equal(port_qspi_read(&rdsr_dtr, sr), QDFU_OK);
	/* I: 100|IDTR|16-bit, A: 100|ADDTR|32-bit, D: 100|DDTR, DQSE */
	assert_int_equal(reg(0x100), 0x2C003C1Cu);
	assert_int_equal(reg(0x108) & OCTOSPI_TCR_DCYC_Msk, 5u);
	assert_dtr_timing();
	assert_int_equal(reg(0x110), 0x05FAu);
	assert_int_equal(reg(0x040), 1u); /* DLR = 2 bytes - 1 */
	const struct port_qspi_cmd *c = octospi_model_last_cmd();
	assert_int_equal(c->dtr,
	                 PORT_QSPI_DTR_INSTRUCTION | PORT_QSPI_DTR_ADDRESS | PORT_QSPI_DTR_DATA);
	assert_true(c->dqs);
	assert_model_clean();
}

/* Auto-polling a 2-byte DTR status: the one-byte mask and match on both. */
static void test_octal_dtr_poll(void **state)
{
	(void)state;
	dtr_init();
	uint32_t last = 0xFFFF;
	assert_int_equal(port_qspi_poll(&rdsr_dtr, 0x01, 0x00, 100, &last), QDFU_OK);
	assert_int_equal(reg(0x080), 0x0101u); /* PSMKR */
	assert_int_equal(reg(0x088), 0);       /* PSMAR */
	assert_int_equal(reg(0x000) & OCTOSPI_CR_PMM, 0);
	/* back to a SPI command: Micron order, sample shift, no DHQC */
	struct port_qspi_cmd rdsr = {
	    .instruction = 0x05, .instruction_lines = 1, .data_lines = 1, .data_len = 1};
	assert_int_equal(port_qspi_poll(&rdsr, 0x01, 0x00, 100, &last), QDFU_OK);
	assert_int_equal(reg(0x008) & OCTOSPI_DCR1_MTYP_Msk, 0);
	assert_int_equal(reg(0x108), OCTOSPI_TCR_SSHIFT);
	assert_model_clean();
}

static const struct port_qspi_cmd quad_read = {.instruction = 0xEB,
                                               .instruction_lines = 1,
                                               .address_lines = 4,
                                               .address_bytes = 3,
                                               .alt_lines = 4,
                                               .alt_bytes = 1,
                                               .alt = 0xA5,
                                               .dummy_cycles = 4,
                                               .data_lines = 4};

/* Memory-mapped: FMODE = 11 in CR, the write command with DQSE (erratum),
 * ABR in place; then a poll leaves the mode first (registers are ignored
 * while BUSY). */
static void test_memory_mapped_then_poll(void **state)
{
	(void)state;
	ospi_setup("W25Q64JV", false);
	assert_int_equal(nor_probe(false, 50000000u), QDFU_OK);
	assert_int_equal(port_qspi_memmap(&quad_read), QDFU_OK);
	assert_true(octospi_model_memmapped());
	assert_int_equal((reg(0x000) & OCTOSPI_CR_FMODE_Msk) >> OCTOSPI_CR_FMODE_Pos,
	                 OCTOSPI_FMODE_MEMMAP);
	assert_true(reg(0x180) & OCTOSPI_CCR_DQSE);
	assert_int_equal(reg(0x120), 0xA5u);
	assert_int_equal(octospi_model_last_cmd()->alt_lines, 4);
	struct port_qspi_cmd rdsr = {
	    .instruction = 0x05, .instruction_lines = 1, .data_lines = 1, .data_len = 1};
	uint32_t last = 0xFF;
	assert_int_equal(port_qspi_poll(&rdsr, 0x01, 0x00, 100, &last), QDFU_OK);
	assert_int_equal(last & 1u, 0);
	assert_false(octospi_model_memmapped());
	assert_model_clean();
}

/* Execute in place: the 4-byte fast read (0x0C, 8 dummy cycles) mapped
 * over a 64 MiB chip reads what was programmed, above 16 MiB too (DEVSIZE
 * covers the chip). */
static void test_memory_mapped_reads_the_chip(void **state)
{
	(void)state;
	ospi_setup("MX25L51245G", false);
	assert_int_equal(nor_probe(false, 50000000u), QDFU_OK);
	static uint8_t d[512], b[512];
	for (unsigned i = 0; i < sizeof(d); i++)
		d[i] = (uint8_t)(i ^ 0x5A);
	struct nor_time t;
	uint32_t at = 0x3FF0000u; /* the last 64 KiB */
	assert_int_equal(ospi_run(nor_erase_start(at, 0x10000u, &t)), QDFU_OK);
	assert_int_equal(ospi_run(nor_program_start(at, d, sizeof(d), &t)), QDFU_OK);
	struct port_qspi_cmd rd = {.instruction = 0x0C,
	                           .instruction_lines = 1,
	                           .address_lines = 1,
	                           .address_bytes = 4,
	                           .dummy_cycles = 8,
	                           .data_lines = 1};
	assert_int_equal(port_qspi_memmap(&rd), QDFU_OK);
	assert_int_equal(octospi_model_window_read(at, b, sizeof(b)), 0);
	assert_memory_equal(b, d, sizeof(b));
	assert_model_clean();
}

/* An abort with nothing running sends nothing and leaves FMODE at 00. */
static void test_abort_when_idle_sends_nothing(void **state)
{
	(void)state;
	ospi_setup("W25Q64JV", false);
	assert_int_equal(nor_probe(false, 50000000u), QDFU_OK);
	struct port_qspi_cmd wren = {.instruction = 0x06, .instruction_lines = 1};
	assert_int_equal(port_qspi_write(&wren, NULL), QDFU_OK);
	unsigned before = octospi_model_commands();
	assert_int_equal(port_qspi_abort(), QDFU_OK);
	assert_int_equal(octospi_model_commands(), before);
	assert_int_equal(reg(0x000) & OCTOSPI_CR_FMODE_Msk, 0);
	assert_model_clean();
}

/* An application left port 1 on OCTOSPI2 (OCTOSPI2 running): the driver
 * routes it back with both OCTOSPIs disabled, and re-enables OCTOSPI2. */
static void test_io_manager_rerouted(void **state)
{
	(void)state;
	ospi_setup("W25Q64JV", false);
	volatile uint32_t *p1cr = (volatile uint32_t *)MMIO_BASE(OCTOSPIM_BASE + 4u);
	volatile uint32_t *o2cr = (volatile uint32_t *)MMIO_BASE(OCTOSPI2_BASE);
	bus_rcc[0xD4 / 4] = RCC_AHB3ENR_IOMNGREN;
	mmio_write(p1cr, 0x07050333u); /* port 1 wholly on OCTOSPI2 */
	mmio_write(o2cr, OCTOSPI_CR_EN);
	bus_rcc[0xD4 / 4] = 0; /* and its clock off, as after the app's reset of RCC */
	assert_int_equal(nor_probe(false, 50000000u), QDFU_OK);
	assert_int_equal(mmio_read(p1cr), 0x03010111u);
	assert_true(mmio_read(o2cr) & OCTOSPI_CR_EN);
	assert_model_clean();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_single_w25q64, ospi_teardown),
	    cmocka_unit_test_teardown(test_dual_quad_mt25ql512, ospi_teardown),
	    cmocka_unit_test_teardown(test_mx25l51245g_above_16mib, ospi_teardown),
	    cmocka_unit_test_teardown(test_init_register_layout, ospi_teardown),
	    cmocka_unit_test_teardown(test_octal_dtr_command_without_data, ospi_teardown),
	    cmocka_unit_test_teardown(test_octal_dtr_register_read, ospi_teardown),
	    cmocka_unit_test_teardown(test_octal_dtr_poll, ospi_teardown),
	    cmocka_unit_test_teardown(test_memory_mapped_then_poll, ospi_teardown),
	    cmocka_unit_test_teardown(test_memory_mapped_reads_the_chip, ospi_teardown),
	    cmocka_unit_test_teardown(test_abort_when_idle_sends_nothing, ospi_teardown),
	    cmocka_unit_test_teardown(test_io_manager_rerouted, ospi_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
