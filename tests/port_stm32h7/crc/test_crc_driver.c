// SPDX-License-Identifier: MIT
/* The CRC unit's driver gives zlib's CRC-32 (the one the host computes:
 * host/lib/qh_crc32) on the register model, for every length and
 * alignment and across calls, and only with its clock on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bus_harness.h"
#include "mem/mem.h"
#include "port/stm32h7/h7.h"
#include "port/stm32h7/mmio.h"
#include "port/stm32h7/regs_crc.h"
#include "sim/h7/crc_model.h"

/* mem.c (for the reference mem_crc32_update) wants the port's CRC:
 * bus_harness.c's, the driver's h7_crc32_update */

static bool crc_clock(void)
{
	return (bus_rcc[0x0E0u / 4u] & RCC_AHB4ENR_CRCEN) != 0;
}

static int setup(void **state)
{
	(void)state;
	bus_harness_reset();
	crc_model_reset();
	assert_int_equal(crc_model_attach(crc_clock), 0);
	return 0;
}

static void check_vector(void **state)
{
	(void)state;
	h7_crc_clock_enable();
	assert_int_equal(h7_crc32_update(0, "123456789", 9), 0xCBF43926u);
	assert_int_equal(h7_crc32_update(0, "", 0), 0);
	assert_int_equal(crc_model_faults(), 0);
}

/* Every length 0..67 at every alignment, and in two pieces split anywhere:
 * the tail bytes (byte writes) as well as the words. */
static void lengths_and_splits(void **state)
{
	(void)state;
	uint8_t buf[72];
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 37u + 11u);
	h7_crc_clock_enable();
	for (unsigned off = 0; off < 4; off++)
		for (unsigned len = 0; len + off <= 67u; len++) {
			uint32_t want = mem_crc32_update(0, buf + off, len);
			assert_int_equal(h7_crc32_update(0, buf + off, len), want);
			for (unsigned cut = 0; cut <= len; cut += 3u) {
				uint32_t c = h7_crc32_update(0, buf + off, cut);
				assert_int_equal(h7_crc32_update(c, buf + off + cut, len - cut),
				                 want);
			}
		}
	assert_int_equal(crc_model_faults(), 0);
}

/* 4096 bytes (one slice of mem.c's CRC) cost 1024 word writes of 4 AHB
 * cycles. */
static void cycles_per_word(void **state)
{
	(void)state;
	static uint8_t slice[4096];
	memset(slice, 0xA5, sizeof(slice));
	h7_crc_clock_enable();
	uint64_t before = crc_model_cycles();
	(void)h7_crc32_update(0, slice, sizeof(slice));
	assert_int_equal(crc_model_cycles() - before, 4096u);
}

/* Without RCC_AHB4ENR.CRCEN the unit reads 0 and ignores writes: the
 * answer is not the CRC (silicon behaves so; port_init enables it). */
static void no_clock_no_crc(void **state)
{
	(void)state;
	assert_int_not_equal(h7_crc32_update(0, "123456789", 9), 0xCBF43926u);
	assert_int_equal(crc_model_cycles(), 0);
}

/* The model feeds a half-word write as 16 bits: with REV_IN by byte and
 * the first byte in bits 15:8 it continues the CRC like two byte writes. */
static void halfword_writes(void **state)
{
	(void)state;
	h7_crc_clock_enable();
	struct crc_regs *r = (struct crc_regs *)MMIO_BASE(CRC_BASE);
	mmio_write(&r->CR, CRC_CR_REV_IN_BYTE | CRC_CR_REV_OUT);
	mmio_write(&r->INIT, 0xFFFFFFFFu);
	mmio_write16((volatile uint16_t *)&r->DR, (uint16_t)('1' << 8 | '2'));
	mmio_write8((volatile uint8_t *)&r->DR, '3');
	assert_int_equal(~mmio_read(&r->DR), mem_crc32_update(0, (const uint8_t *)"123", 3));
	assert_int_equal(crc_model_faults(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(check_vector, setup),
	    cmocka_unit_test_setup(lengths_and_splits, setup),
	    cmocka_unit_test_setup(cycles_per_word, setup),
	    cmocka_unit_test_setup(no_clock_no_crc, setup),
	    cmocka_unit_test_setup(halfword_writes, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
