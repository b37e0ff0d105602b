/* SPDX-License-Identifier: MIT */
/*
 * Behavioural model of the STM32H7 internal flash as the port sees it:
 * sectors, flash words (32 bytes on H74x/H75x and H72x/H73x, 16 bytes on
 * H7A3/B0/B3, whose sectors are 8 KiB) with ECC that may be programmed ONCE per
 * erase (a second program corrupts the word's ECC: later reads of it fail),
 * erase and program times (typical, in the simulator's clock).
 */
#ifndef QDFU_SIM_H7_IFLASH_H
#define QDFU_SIM_H7_IFLASH_H

#include <stdbool.h>
#include <stdint.h>

struct h7_iflash;

/* Dual-bank parts (H743/H745/H747/H753/H755/H757, H7A3/B3) have one
 * controller per bank: each bank runs its own erase or program while the
 * other works (RM0399 4.3; ST's HAL starts a sector erase in both banks
 * back to back for FLASH_BANK_BOTH and then waits for each). */
#define H7_IFLASH_BANKS 2u

/* word: the flash word in bytes, 16 or 32 (NULL otherwise). */
struct h7_iflash *h7_iflash_create(uint32_t base, uint32_t sector_size, uint32_t sectors,
                                   uint32_t word);
void h7_iflash_destroy(struct h7_iflash *f);
/* Load maps the state file (created erased if missing, sim/state/
 * state_file.h): from then on the file follows every erase and program, and
 * PATH.ecc every change of the broken-ECC list; save to the same path only
 * makes it durable. -1 if it cannot be mapped. */
int h7_iflash_load(struct h7_iflash *f, const char *path);
int h7_iflash_save(const struct h7_iflash *f, const char *path);

/* Split the array into two banks of per_bank sectors each (bank 2 from
 * sector per_bank on); created as one bank. */
void h7_iflash_set_banks(struct h7_iflash *f, uint32_t per_bank);
/* The bank (0 or 1) holding the byte at offset off of the array. */
unsigned h7_iflash_bank_of(const struct h7_iflash *f, uint32_t off);

/* Operations: return 0, or -1 if the operation's bank is busy or the
 * argument is bad. A bank's operation runs while the other bank's does:
 * an erase in each at once, or a program in one while the other erases
 * (read-while-write across banks; program-while-erase across banks follows
 * from the two controllers and is UNVERIFIED in the RM text). */
int h7_iflash_erase(struct h7_iflash *f, uint32_t sector);
/* One flash word (the model's size) at a word-aligned address. */
int h7_iflash_program(struct h7_iflash *f, uint32_t addr, const uint8_t *word);
bool h7_iflash_busy(struct h7_iflash *f); /* either bank */
bool h7_iflash_bank_busy(const struct h7_iflash *f, unsigned bank);
/* A read of a bank that erases or programs is held on the bus until the
 * operation ends (RM0433 4.3.7: the AXI read waits; read-while-write works
 * only across banks): the microseconds such a read of [addr, addr + len)
 * would stall the CPU now, 0 if every bank it touches is idle. */
uint64_t h7_iflash_read_stall_us(const struct h7_iflash *f, uint32_t addr, uint32_t len);
/* 0 ok, -1 a word in the range has a broken ECC (double programming). */
int h7_iflash_read(const struct h7_iflash *f, uint32_t addr, uint8_t *buf, uint32_t len);

uint8_t *h7_iflash_array(struct h7_iflash *f);
/* Replace the contents (as after a load: words holding data count as
 * programmed, every ECC intact, nothing running). */
void h7_iflash_set_contents(struct h7_iflash *f, const uint8_t *data);

/* Fuzz targets, per input: remember everything (checkpoint; -1 out of
 * memory), then undo every change since (rollback: ECC and programmed
 * flags too, nothing running). Cheap: only the 4 KiB granules operations
 * touched are copied back. */
int h7_iflash_checkpoint(struct h7_iflash *f);
void h7_iflash_rollback(struct h7_iflash *f);

/* Power lost now: an erase or program still running (in either bank) is torn the way the
 * silicon leaves it (RM0433 4.3.9, 4.3.10): a flash word half-programmed,
 * with an ECC that no longer matches (reads of it then fail), or a sector
 * partly erased, its unfinished words reading back with ECC errors.
 * Returns true if something was torn. */
bool h7_iflash_power_cut(struct h7_iflash *f);
uint32_t h7_iflash_size(const struct h7_iflash *f);
/* Counters for tests and benchmarks. */
uint32_t h7_iflash_erase_count(const struct h7_iflash *f);
uint32_t h7_iflash_program_count(const struct h7_iflash *f);

/* Timing (microseconds), per line.
 * H74x/H75x, H72x/H73x (32-byte words, 128 KiB sectors): sector erase
 * ~1.1 s typ, 2.2 s max at x32 (shared facts stm32h7.md); flash word ~16 us
 * typ. The facts give no datasheet maximum for a flash word, so the maximum
 * mode charges the driver's own budget (600 us), the slowest the firmware
 * must tolerate.
 * H7A3/B0/B3 (16-byte words, 8 KiB sectors): sector erase max 3 ms as
 * Zephyr's stm32h7a3.dtsi gives it (max-erase-time, second-hand, not checked
 * against DS13195/DS13139/DS13196); typ 2 ms is an ASSUMPTION (the
 * datasheet table was not found; ST's other 8 KiB-sector flashes, H5 and U5,
 * are in the same range). Flash word: no figure found, the H74x one is
 * charged (UNVERIFIED). See docs/performance.md, "Round 3". */
#define H7_IFLASH_ERASE_US          1100000u
#define H7_IFLASH_ERASE_MAX_US      2200000u
#define H7_IFLASH_PROGRAM_US        16u
#define H7_IFLASH_PROGRAM_MAX_US    600u
#define H7_IFLASH_AB_ERASE_US       2000u
#define H7_IFLASH_AB_ERASE_MAX_US   3000u
#define H7_IFLASH_AB_PROGRAM_US     16u
#define H7_IFLASH_AB_PROGRAM_MAX_US 600u

/* The charges of the line whose flash word is `word` bytes (16: H7A3/B0/B3,
 * the only line with 16-byte words and 8 KiB sectors). */
struct h7_iflash_timing {
	uint32_t erase_us, erase_max_us, program_us, program_max_us;
};
static inline struct h7_iflash_timing h7_iflash_line_timing(uint32_t word)
{
	if (word == 16u)
		return (struct h7_iflash_timing){H7_IFLASH_AB_ERASE_US, H7_IFLASH_AB_ERASE_MAX_US,
		                                 H7_IFLASH_AB_PROGRAM_US,
		                                 H7_IFLASH_AB_PROGRAM_MAX_US};
	return (struct h7_iflash_timing){H7_IFLASH_ERASE_US, H7_IFLASH_ERASE_MAX_US,
	                                 H7_IFLASH_PROGRAM_US, H7_IFLASH_PROGRAM_MAX_US};
}

#endif
