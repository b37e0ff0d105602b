// SPDX-License-Identifier: MIT
/*
 * Power lost in the middle of an erase or a program leaves what the silicon
 * leaves: NOR programming only clears bits, some of them; an erase partly
 * done; an H7 flash word half-programmed reads back with an ECC error; a
 * finished operation is never torn.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sim/clock/vclock.h"
#include "sim/h7/h7_iflash.h"
#include "sim/nor/nor_torn.h"

static int setup(void **state)
{
	(void)state;
	vclock_init(VCLOCK_VIRTUAL);
	return 0;
}

static void test_nor_program_cut_clears_only_some_bits(void **state)
{
	(void)state;
	uint8_t mem[256], old[256], want[256];
	struct nor_torn t = {0};
	for (unsigned i = 0; i < 256; i++) {
		old[i] = (uint8_t)(0xF0u | i);
		want[i] = (uint8_t)(i * 37u);
	}
	memcpy(mem, old, sizeof(mem));
	nor_torn_begin(&t, NOR_TORN_PROGRAM, mem, 0, 256, 1000, 2000);
	for (unsigned i = 0; i < 256; i++)
		mem[i] &= want[i]; /* the model applies the program at its start */
	assert_true(nor_torn_cut(&t, mem, 1500));
	unsigned differ_old = 0, differ_new = 0;
	for (unsigned i = 0; i < 256; i++) {
		uint8_t full = old[i] & want[i];
		assert_int_equal(mem[i] & ~old[i], 0); /* no bit set */
		assert_int_equal(full & ~mem[i], 0);   /* nothing beyond the program */
		differ_old += mem[i] != old[i];
		differ_new += mem[i] != full;
	}
	assert_true(differ_old > 0 && differ_new > 0); /* torn in between */
	nor_torn_free(&t);
}

static void test_nor_erase_cut_partly_erased_and_finished_not_torn(void **state)
{
	(void)state;
	static uint8_t mem[4096];
	struct nor_torn t = {0};
	memset(mem, 0x00, sizeof(mem));
	nor_torn_begin(&t, NOR_TORN_ERASE, mem, 0, sizeof(mem), 0, 1000);
	memset(mem, 0xFF, sizeof(mem));
	assert_true(nor_torn_cut(&t, mem, 500));
	unsigned ff = 0, zero = 0;
	for (unsigned i = 0; i < sizeof(mem); i++) {
		ff += mem[i] == 0xFF;
		zero += mem[i] == 0x00;
	}
	assert_true(ff > 100 && zero > 100 && ff + zero < sizeof(mem));
	/* an erase that had ended is left alone */
	memset(mem, 0x00, sizeof(mem));
	nor_torn_begin(&t, NOR_TORN_ERASE, mem, 0, sizeof(mem), 0, 1000);
	memset(mem, 0xFF, sizeof(mem));
	assert_false(nor_torn_cut(&t, mem, 1000));
	for (unsigned i = 0; i < sizeof(mem); i++)
		assert_int_equal(mem[i], 0xFF);
	nor_torn_free(&t);
}

static void test_iflash_word_cut_reads_back_ecc_error(void **state)
{
	(void)state;
	struct h7_iflash *f = h7_iflash_create(0x08000000u, 128u * 1024u, 2, 32u);
	uint8_t word[32], back[32];
	assert_non_null(f);
	memset(word, 0x5A, sizeof(word));
	assert_int_equal(h7_iflash_program(f, 0x08020000u, word), 0);
	vclock_advance_us(H7_IFLASH_PROGRAM_US / 2u);
	assert_true(h7_iflash_power_cut(f));
	assert_int_equal(h7_iflash_read(f, 0x08020000u, back, sizeof(back)), -1);
	/* the next word, untouched, reads fine; an erase cures the torn one */
	assert_int_equal(h7_iflash_read(f, 0x08020020u, back, sizeof(back)), 0);
	assert_int_equal(h7_iflash_erase(f, 1), 0);
	vclock_advance_us(H7_IFLASH_ERASE_US);
	assert_false(h7_iflash_power_cut(f)); /* it had finished */
	assert_int_equal(h7_iflash_read(f, 0x08020000u, back, sizeof(back)), 0);
	h7_iflash_destroy(f);
}

/* The 128 KiB sector at a (filled with `was` before the erase) is torn:
 * words with a broken ECC, words erased, words still old. */
static void assert_sector_torn(struct h7_iflash *f, uint32_t a0, uint8_t was)
{
	unsigned bad = 0, erased = 0, old = 0;
	for (uint32_t a = a0; a < a0 + 0x20000u; a += 32u) {
		uint8_t w[32];
		if (h7_iflash_read(f, a, w, sizeof(w)) != 0) {
			bad++;
			continue;
		}
		erased += w[0] == 0xFF;
		old += w[0] == was;
	}
	assert_true(bad > 0 && erased > 0 && old > 0);
}

static void test_iflash_sector_erase_cut(void **state)
{
	(void)state;
	struct h7_iflash *f = h7_iflash_create(0x08000000u, 128u * 1024u, 2, 32u);
	assert_non_null(f);
	uint8_t *m = h7_iflash_array(f);
	memset(m + 128u * 1024u, 0x22, 128u * 1024u);
	h7_iflash_set_contents(f, m);
	assert_int_equal(h7_iflash_erase(f, 1), 0);
	vclock_advance_us(H7_IFLASH_ERASE_US / 2u);
	assert_true(h7_iflash_power_cut(f));
	assert_sector_torn(f, 0x08020000u, 0x22);
	h7_iflash_destroy(f);
}

/* A flash word takes one program per erase, even an all-0xFF one (facts
 * stm32h7.md, internal flash 5): a second program breaks its ECC and
 * reads of it fail, which the staging buffer's program-back must avoid
 * (blank words stay unprogrammed: core_test_iflash_defer). */
static void test_iflash_word_programmed_twice_reads_ecc_error(void **state)
{
	(void)state;
	struct h7_iflash *f = h7_iflash_create(0x08000000u, 128u * 1024u, 2, 32u);
	uint8_t blank[32], word[32], back[32];
	assert_non_null(f);
	memset(blank, 0xFF, sizeof(blank));
	memset(word, 0x5A, sizeof(word));
	assert_int_equal(h7_iflash_program(f, 0x08020000u, blank), 0);
	vclock_advance_us(H7_IFLASH_PROGRAM_US);
	assert_int_equal(h7_iflash_read(f, 0x08020000u, back, sizeof(back)), 0);
	assert_int_equal(h7_iflash_program(f, 0x08020000u, word), 0);
	vclock_advance_us(H7_IFLASH_PROGRAM_US);
	assert_int_equal(h7_iflash_read(f, 0x08020000u, back, sizeof(back)), -1);
	/* a word never programmed since the erase takes its one program */
	assert_int_equal(h7_iflash_program(f, 0x08020020u, word), 0);
	vclock_advance_us(H7_IFLASH_PROGRAM_US);
	assert_int_equal(h7_iflash_read(f, 0x08020020u, back, sizeof(back)), 0);
	assert_memory_equal(back, word, sizeof(word));
	h7_iflash_destroy(f);
}

/* H745 internal flash (2 banks x 8 sectors of 128 KiB), sectors a and b
 * filled with va and vb. */
static struct h7_iflash *two_banks(uint32_t a, uint8_t va, uint32_t b, uint8_t vb)
{
	struct h7_iflash *f = h7_iflash_create(0x08000000u, 128u * 1024u, 16, 32u);
	assert_non_null(f);
	h7_iflash_set_banks(f, 8);
	uint8_t *m = h7_iflash_array(f);
	memset(m + a * 0x20000u, va, 0x20000u);
	memset(m + b * 0x20000u, vb, 0x20000u);
	h7_iflash_set_contents(f, m);
	return f;
}

/* Two banks (H745: 2 x 8 sectors of 128 KiB), one controller each: an
 * erase in bank 1 and one in bank 2 run together and both are done after one
 * sector time, not two; a second operation on a busy bank is refused while
 * the other bank stays free. Before the model had a controller per bank,
 * the bank-2 erase was refused (one operation for the whole array). */
static void test_iflash_banks_erase_together(void **state)
{
	(void)state;
	struct h7_iflash *f = two_banks(3, 0x11, 11, 0x22); /* sector 3 of each bank */
	uint8_t *m = h7_iflash_array(f);
	uint8_t word[32];
	memset(word, 0x5A, sizeof(word));
	uint64_t t0 = vclock_now_us();
	assert_int_equal(h7_iflash_erase(f, 3), 0);
	assert_int_equal(h7_iflash_erase(f, 11), 0); /* the other bank: starts too */
	assert_true(h7_iflash_bank_busy(f, 0) && h7_iflash_bank_busy(f, 1));
	/* the same bank while it erases: refused, nothing touched */
	assert_int_equal(h7_iflash_erase(f, 4), -1);
	assert_int_equal(h7_iflash_program(f, 0x08160000u, word), -1);
	assert_int_equal(h7_iflash_erase_count(f), 2);
	/* both done after one sector time */
	vclock_advance_us(H7_IFLASH_ERASE_US);
	assert_false(h7_iflash_busy(f));
	assert_true(vclock_now_us() - t0 < 2u * H7_IFLASH_ERASE_US);
	assert_int_equal(m[3u * 0x20000u], 0xFF);
	assert_int_equal(m[11u * 0x20000u], 0xFF);
	/* a program in bank 2 while bank 1 erases (UNVERIFIED on silicon:
	 * follows from the two controllers) */
	assert_int_equal(h7_iflash_erase(f, 5), 0);
	assert_int_equal(h7_iflash_program(f, 0x08160000u, word), 0);
	vclock_advance_us(H7_IFLASH_PROGRAM_US);
	assert_true(h7_iflash_bank_busy(f, 0));
	assert_false(h7_iflash_bank_busy(f, 1));
	assert_int_equal(m[0x160000u], 0x5A);
	h7_iflash_destroy(f);
}

/* Power lost while both banks erase: both sectors are torn. */
static void test_iflash_cut_tears_both_banks(void **state)
{
	(void)state;
	struct h7_iflash *f = two_banks(2, 0x33, 9, 0x44);
	assert_int_equal(h7_iflash_erase(f, 2), 0);
	vclock_advance_us(H7_IFLASH_ERASE_US / 4u);
	assert_int_equal(h7_iflash_erase(f, 9), 0);
	vclock_advance_us(H7_IFLASH_ERASE_US / 2u);
	assert_true(h7_iflash_power_cut(f));
	assert_sector_torn(f, 0x08000000u + 2u * 0x20000u, 0x33);
	assert_sector_torn(f, 0x08000000u + 9u * 0x20000u, 0x44);
	assert_false(h7_iflash_busy(f));
	h7_iflash_destroy(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_nor_program_cut_clears_only_some_bits, setup),
	    cmocka_unit_test_setup(test_nor_erase_cut_partly_erased_and_finished_not_torn, setup),
	    cmocka_unit_test_setup(test_iflash_word_cut_reads_back_ecc_error, setup),
	    cmocka_unit_test_setup(test_iflash_sector_erase_cut, setup),
	    cmocka_unit_test_setup(test_iflash_word_programmed_twice_reads_ecc_error, setup),
	    cmocka_unit_test_setup(test_iflash_banks_erase_together, setup),
	    cmocka_unit_test_setup(test_iflash_cut_tears_both_banks, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
