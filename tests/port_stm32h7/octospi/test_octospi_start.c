// SPDX-License-Identifier: MIT
/*
 * The application start (firmware/port/stm32h7/boot_h7.c and mpu.c) on an
 * OCTOSPI part: boot_h7.c asks the bus driver (port_qspi_memmapped()) what
 * the flash behind the window is and whether memory-mapped mode is on. Read
 * with QUADSPI offsets, the OCTOSPI registers say something else (DCR at
 * 0x04 is reserved, CCR at 0x14 is DCR4: shared facts octospi.md trap 1), so
 * the MPU region over the flash would not open and the application would
 * fault on its first instruction fetch.
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
#include "port/stm32h7/mmio.h"
#include "port/stm32h7/regs_octospi.h"
#include "sim/h7/octospi_model.h"
#include "sim/h7/scs_model.h"

void port_usb_connect(bool on)
{
	(void)on;
}

static void assert_model_clean(void)
{
	assert_string_equal(octospi_model_last_fault(), "");
	assert_int_equal(octospi_model_faults(), 0);
}

/* 64 MiB behind OCTOSPI1, indirect mode after the probe: the start puts the
 * bus in memory-mapped mode and opens exactly the flash for execution. */
static void test_xip_start_opens_the_flash(void **state)
{
	(void)state;
	ospi_setup("MX25L51245G", false);
	assert_int_equal(nor_probe(false, 50000000u), QDFU_OK);
	port_start_app(0x90040000u);
	assert_true(scs_model_branch()->taken);
	assert_true(octospi_model_memmapped());
	assert_int_equal(scs_model_branch()->vtor, 0x90040000u);
	uint32_t rbar, rasr;
	scs_model_mpu_region(1, &rbar, &rasr);
	assert_true(rasr & 1u);                   /* enabled */
	assert_int_equal((rasr >> 1) & 31u, 25u); /* 2^26: the 64 MiB chip */
	assert_false(rasr & (1u << 28));          /* executable */
	assert_true(scs_model_mpu_executable(0x90040000u));
	assert_true(scs_model_mpu_executable(0x93FFFFFCu));
	assert_false(scs_model_mpu_readable(0x94000000u)); /* beyond the flash */
	assert_model_clean();
}

/* Memory-mapped mode already on (the NOR layer's own read command): the
 * start keeps it, sends nothing, and still opens the flash. */
static void test_xip_start_keeps_memory_mapped_mode(void **state)
{
	(void)state;
	ospi_setup("W25Q64JV", false);
	assert_int_equal(nor_probe(false, 50000000u), QDFU_OK);
	struct port_qspi_cmd rd = {.instruction = 0x6B,
	                           .instruction_lines = 1,
	                           .address_lines = 1,
	                           .address_bytes = 3,
	                           .dummy_cycles = 8,
	                           .data_lines = 4};
	assert_int_equal(port_qspi_memmap(&rd), QDFU_OK);
	port_start_app(0x90001000u);
	assert_true(octospi_model_memmapped());
	assert_int_equal(octospi_model_reg(0x110), 0x6Bu); /* still the quad read */
	uint32_t rbar, rasr;
	scs_model_mpu_region(1, &rbar, &rasr);
	assert_int_equal((rasr >> 1) & 31u, 22u); /* 2^23: 8 MiB */
	assert_true(scs_model_mpu_executable(0x90001000u));
	assert_false(scs_model_mpu_readable(0x90800000u));
	assert_model_clean();
}

/* The port's answer itself. */
static void test_memmapped_reports_the_bus(void **state)
{
	(void)state;
	ospi_setup("MT25QL512ABB", true);
	struct port_qspi_window w = {.size_log2 = 99};
	assert_false(port_qspi_memmapped(&w));
	assert_int_equal(w.size_log2, 0); /* never set up */
	assert_int_equal(nor_probe(true, 50000000u), QDFU_OK);
	assert_false(port_qspi_memmapped(&w));
	assert_int_equal(w.size_log2, 27u); /* two 64 MiB chips */
	assert_true(w.dual_flash);
	struct port_qspi_cmd rd = {.instruction = 0x0C,
	                           .instruction_lines = 1,
	                           .address_lines = 1,
	                           .address_bytes = 4,
	                           .dummy_cycles = 8,
	                           .data_lines = 1};
	assert_int_equal(port_qspi_memmap(&rd), QDFU_OK);
	assert_true(port_qspi_memmapped(&w));
	assert_int_equal(port_qspi_abort(), QDFU_OK);
	assert_false(port_qspi_memmapped(&w));
	assert_model_clean();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_xip_start_opens_the_flash, ospi_teardown),
	    cmocka_unit_test_teardown(test_xip_start_keeps_memory_mapped_mode, ospi_teardown),
	    cmocka_unit_test_teardown(test_memmapped_reports_the_bus, ospi_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
