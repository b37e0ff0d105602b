/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L
#include "sim/h7/h7_iflash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/compiler.h"
#include "sim/clock/vclock.h"
#include "sim/state/state_file.h"
#include "sim/state/xorshift.h"

/* What h7_iflash_rollback copies back: the granules written since the
 * checkpoint, not the span from the lowest to the highest (an erase in
 * each bank made that span the whole 2 MiB on every fuzz input). */
#define GRANULE 4096u

enum h7_op { H7_OP_NONE = 0, H7_OP_ERASE, H7_OP_PROGRAM };

/* One bank's controller: its own running operation (RM0399 4.3: FLASH_CR1
 * and FLASH_CR2, each with its own BSY/QW), so two banks work at once. */
struct h7_bank {
	uint64_t busy_until;
	/* the running operation, to tear it if power goes (h7_iflash_power_cut) */
	enum h7_op op;
	uint32_t op_off;   /* sector or word offset in mem */
	uint64_t op_start; /* us */
	uint8_t *old;      /* contents before it (a sector, or a word) */
	uint8_t *old_prog, *old_ecc;
};

struct h7_iflash {
	uint32_t base, sector_size, sectors, size;
	uint32_t per_bank; /* sectors per bank (h7_iflash_set_banks) */
	uint32_t word;     /* flash word: 32 bytes (H74x, H72x) or 16 (H7A3/B0/B3) */
	uint8_t *mem;
	char *map_path;      /* mem is this state file, mapped (h7_iflash_load) */
	uint8_t *programmed; /* per word: programmed since the last erase */
	uint8_t *ecc_bad;    /* per word: programmed twice, ECC broken */
	struct h7_bank bank[H7_IFLASH_BANKS];
	uint32_t erases, programs;
	uint32_t rng;
	uint8_t *ck_mem, *ck_prog, *ck_ecc; /* the checkpoint (h7_iflash_checkpoint) */
	uint8_t *dirty; /* per GRANULE: changed since the checkpoint / rollback */
};

static void touched(struct h7_iflash *f, uint32_t off, uint32_t len)
{
	if (f->dirty && len)
		memset(f->dirty + off / GRANULE, 1,
		       (off + len - 1u) / GRANULE - off / GRANULE + 1u);
}

struct h7_iflash *h7_iflash_create(uint32_t base, uint32_t sector_size, uint32_t sectors,
                                   uint32_t word)
{
	if (word != 16u && word != 32u)
		return NULL;
	struct h7_iflash *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->word = word;
	f->base = base;
	f->sector_size = sector_size;
	f->sectors = sectors;
	f->per_bank = sectors;
	f->size = sector_size * sectors;
	f->mem = malloc(f->size);
	f->programmed = calloc(f->size / f->word, 1);
	f->ecc_bad = calloc(f->size / f->word, 1);
	bool ok = f->mem && f->programmed && f->ecc_bad;
	for (unsigned i = 0; i < H7_IFLASH_BANKS; i++) {
		struct h7_bank *k = &f->bank[i];
		k->old = malloc(sector_size);
		k->old_prog = malloc(sector_size / f->word);
		k->old_ecc = malloc(sector_size / f->word);
		ok = ok && k->old && k->old_prog && k->old_ecc;
	}
	if (!ok) {
		h7_iflash_destroy(f);
		return NULL;
	}
	memset(f->mem, 0xFF, f->size);
	return f;
}

void h7_iflash_destroy(struct h7_iflash *f)
{
	if (!f)
		return;
	if (f->map_path)
		state_file_unmap(f->mem, f->size);
	else
		free(f->mem);
	free(f->map_path);
	free(f->ck_mem);
	free(f->ck_prog);
	free(f->ck_ecc);
	free(f->dirty);
	free(f->programmed);
	free(f->ecc_bad);
	for (unsigned i = 0; i < H7_IFLASH_BANKS; i++) {
		free(f->bank[i].old);
		free(f->bank[i].old_prog);
		free(f->bank[i].old_ecc);
	}
	free(f);
}

void h7_iflash_set_banks(struct h7_iflash *f, uint32_t per_bank)
{
	f->per_bank = per_bank && per_bank < f->sectors ? per_bank : f->sectors;
}

unsigned h7_iflash_bank_of(const struct h7_iflash *f, uint32_t off)
{
	return off >= f->per_bank * f->sector_size ? 1u : 0u;
}

static void load_ecc(struct h7_iflash *f, const char *path);

/* Words that hold data count as programmed since their erase. */
static void mark_programmed(struct h7_iflash *f)
{
	for (uint32_t w = 0; w < f->size / f->word; w++) {
		f->programmed[w] = 0;
		for (uint32_t i = 0; i < f->word; i++)
			if (f->mem[w * f->word + i] != 0xFF) {
				f->programmed[w] = 1;
				break;
			}
	}
}

int h7_iflash_load(struct h7_iflash *f, const char *path)
{
	/* the file becomes the array: every erase and program lands in it at
	 * once (no state yet: created erased) */
	uint8_t *m = state_file_map(path, f->size, 0xFF);
	char *keep = strdup(path);
	if (!m || !keep) {
		state_file_unmap(m, f->size);
		free(keep);
		return -1;
	}
	if (f->map_path)
		state_file_unmap(f->mem, f->size);
	else
		free(f->mem);
	free(f->map_path);
	f->mem = m;
	f->map_path = keep;
	mark_programmed(f);
	memset(f->ecc_bad, 0, f->size / f->word);
	load_ecc(f, path);
	return 0;
}

/* Words whose ECC a power cut broke, beside the contents: PATH.ecc holds
 * their offsets (u32 little-endian each), so a later run reads them back
 * with the same ECC error the chip would give. */
static void ecc_path(const char *path, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s.ecc", path);
}

static void load_ecc(struct h7_iflash *f, const char *path)
{
	char p[4096];
	uint8_t b[4];
	ecc_path(path, p, sizeof(p));
	FILE *fp = fopen(p, "rb");
	if (!fp)
		return;
	while (fread(b, 1, sizeof(b), fp) == sizeof(b)) {
		uint32_t off = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
		               (uint32_t)b[3] << 24;
		if (off < f->size)
			f->ecc_bad[off / f->word] = 1;
	}
	fclose(fp);
}

static int save_ecc(const struct h7_iflash *f, const char *path)
{
	char p[4096];
	uint32_t n = 0;
	ecc_path(path, p, sizeof(p));
	for (uint32_t w = 0; w < f->size / f->word; w++)
		n += f->ecc_bad[w];
	if (n == 0) {
		(void)remove(p);
		return 0;
	}
	uint8_t *buf = malloc((size_t)n * 4u);
	if (!buf)
		return -1;
	for (uint32_t w = 0, k = 0; w < f->size / f->word; w++) {
		if (!f->ecc_bad[w])
			continue;
		uint32_t off = w * f->word;
		buf[k++] = (uint8_t)off;
		buf[k++] = (uint8_t)(off >> 8);
		buf[k++] = (uint8_t)(off >> 16);
		buf[k++] = (uint8_t)(off >> 24);
	}
	int rc = state_file_write(p, buf, (size_t)n * 4u);
	free(buf);
	return rc;
}

int h7_iflash_save(const struct h7_iflash *f, const char *path)
{
	if (f->map_path && strcmp(path, f->map_path) == 0) {
		if (state_file_sync(f->mem, f->size) != 0) /* already there: make it durable */
			return -1;
	} else if (state_file_write(path, f->mem, f->size) != 0) { /* temp, fsync, rename */
		return -1;
	}
	return save_ecc(f, path);
}

/* The list of broken ECCs changed (a word programmed twice, an erase that
 * healed some): the mapped contents are already in the file, the list
 * follows at once too. Rare, so rewritten whole. */
static void ecc_changed(const struct h7_iflash *f)
{
	if (f->map_path)
		(void)save_ecc(f, f->map_path);
}

static bool any_set(const uint8_t *v, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (v[i])
			return true;
	return false;
}

bool h7_iflash_bank_busy(const struct h7_iflash *f, unsigned bank)
{
	return bank < H7_IFLASH_BANKS && vclock_now_us() < f->bank[bank].busy_until;
}

bool h7_iflash_busy(struct h7_iflash *f)
{
	return h7_iflash_bank_busy(f, 0) || h7_iflash_bank_busy(f, 1);
}

static void set_busy(struct h7_bank *k, uint32_t us)
{
	k->busy_until = vclock_now_us() + us;
	vclock_note_deadline(k->busy_until);
}

/* An operation on a bank that is still busy is refused, as the controller
 * refuses it (the register model: PGSERR); the other bank is free. */
int h7_iflash_erase(struct h7_iflash *f, uint32_t sector)
{
	if (sector >= f->sectors)
		return -1;
	uint32_t off = sector * f->sector_size;
	unsigned bi = h7_iflash_bank_of(f, off);
	struct h7_bank *k = &f->bank[bi];
	if (h7_iflash_bank_busy(f, bi))
		return -1;
	k->op = H7_OP_ERASE;
	k->op_off = off;
	k->op_start = vclock_now_us();
	memcpy(k->old, f->mem + off, f->sector_size);
	memcpy(k->old_prog, f->programmed + off / f->word, f->sector_size / f->word);
	memcpy(k->old_ecc, f->ecc_bad + off / f->word, f->sector_size / f->word);
	touched(f, off, f->sector_size);
	memset(f->mem + off, 0xFF, f->sector_size);
	memset(f->programmed + off / f->word, 0, f->sector_size / f->word);
	memset(f->ecc_bad + off / f->word, 0, f->sector_size / f->word);
	if (any_set(k->old_ecc, f->sector_size / f->word))
		ecc_changed(f);
	f->erases++;
	struct h7_iflash_timing t = h7_iflash_line_timing(f->word);
	set_busy(k, (uint32_t)vclock_chip_us(t.erase_us, t.erase_max_us));
	return 0;
}

int h7_iflash_program(struct h7_iflash *f, uint32_t addr, const uint8_t *word)
{
	if (addr < f->base || addr - f->base >= f->size || (addr % f->word))
		return -1;
	uint32_t off = addr - f->base, w = off / f->word;
	unsigned bi = h7_iflash_bank_of(f, off);
	struct h7_bank *k = &f->bank[bi];
	if (h7_iflash_bank_busy(f, bi))
		return -1;
	k->op = H7_OP_PROGRAM;
	k->op_off = off;
	k->op_start = vclock_now_us();
	memcpy(k->old, f->mem + off, f->word);
	touched(f, off, f->word);
	if (f->programmed[w] && !f->ecc_bad[w]) {
		f->ecc_bad[w] = 1; /* written twice: ECC no longer matches */
		ecc_changed(f);
	}
	for (uint32_t i = 0; i < f->word; i++)
		f->mem[off + i] &= word[i];
	f->programmed[w] = 1;
	f->programs++;
	struct h7_iflash_timing t = h7_iflash_line_timing(f->word);
	set_busy(k, (uint32_t)vclock_chip_us(t.program_us, t.program_max_us));
	return 0;
}

uint64_t h7_iflash_read_stall_us(const struct h7_iflash *f, uint32_t addr, uint32_t len)
{
	if (addr < f->base || len == 0 || addr - f->base >= f->size)
		return 0;
	uint64_t now = vclock_now_us(), until = now;
	uint32_t off = addr - f->base;
	for (unsigned b = h7_iflash_bank_of(f, off);
	     b <= h7_iflash_bank_of(f, QDFU_MIN(off + len, f->size) - 1u); b++)
		if (f->bank[b].busy_until > until)
			until = f->bank[b].busy_until;
	return until - now;
}

int h7_iflash_read(const struct h7_iflash *f, uint32_t addr, uint8_t *buf, uint32_t len)
{
	if (addr < f->base || addr - f->base > f->size || len > f->size - (addr - f->base))
		return -1;
	uint32_t off = addr - f->base;
	memcpy(buf, f->mem + off, len);
	for (uint32_t w = off / f->word; len && w <= (off + len - 1u) / f->word; w++)
		if (f->ecc_bad[w])
			return -1;
	return 0;
}

/* ------------------------------------------------------- power loss */

/* RM0433 4.3.9 / 4.3.10: a flash word is programmed with its ECC in one
 * operation and a sector erase ends with a check; power lost during either
 * leaves words whose ECC does not match their data (a read then raises a
 * double error, DBECCERR). A torn program: some of the bits to clear are
 * cleared, and the word's ECC is broken. A torn erase: words already
 * erased, words still old, and words in between with broken ECC, in the
 * proportion of how far the erase had come. */
/* Nothing runs in either bank. */
static void idle(struct h7_iflash *f)
{
	for (unsigned i = 0; i < H7_IFLASH_BANKS; i++) {
		f->bank[i].op = H7_OP_NONE;
		f->bank[i].busy_until = 0;
	}
}

static uint32_t torn_rnd(struct h7_iflash *f)
{
	return sim_xorshift32(&f->rng, 0x9E3779B9u);
}

static uint32_t torn_done(const struct h7_bank *k, uint64_t now)
{
	uint64_t start = k->op_start, end = k->busy_until;
	if (now <= start || end <= start)
		return 0;
	return (uint32_t)((now - start) * 1024u / (end - start));
}

static void tear_word(struct h7_iflash *f, uint32_t w, const uint8_t *old, uint32_t done)
{
	uint8_t *m = f->mem + w * f->word;
	for (uint32_t i = 0; i < f->word; i++) {
		uint8_t clear = (uint8_t)(old[i] & ~m[i]), made = 0;
		for (unsigned b = 0; b < 8; b++)
			if (((clear >> b) & 1u) && (torn_rnd(f) & 1023u) < done)
				made |= (uint8_t)(1u << b);
		m[i] = (uint8_t)(old[i] & ~made);
	}
	f->ecc_bad[w] = 1;
	f->programmed[w] = 1;
}

static void tear_sector(struct h7_iflash *f, const struct h7_bank *bk, uint32_t done)
{
	uint32_t first = bk->op_off / f->word, n = f->sector_size / f->word;
	for (uint32_t k = 0; k < n; k++) {
		uint32_t r = torn_rnd(f), phase = r & 1023u, w = first + k;
		uint8_t *m = f->mem + w * f->word;
		if (phase + 64u < done)
			continue; /* erased */
		if (phase >= done + 64u) {
			memcpy(m, bk->old + k * f->word, f->word); /* not reached yet */
			f->programmed[w] = bk->old_prog[k];
			f->ecc_bad[w] = bk->old_ecc[k];
			continue;
		}
		for (uint32_t i = 0; i < f->word; i++)
			m[i] = (uint8_t)(torn_rnd(f) >> 8);
		f->programmed[w] = 1;
		f->ecc_bad[w] = 1;
	}
}

/* Both banks: each one's running operation is torn. */
bool h7_iflash_power_cut(struct h7_iflash *f)
{
	uint64_t now = vclock_now_us();
	bool torn = false;
	for (unsigned i = 0; i < H7_IFLASH_BANKS; i++) {
		struct h7_bank *k = &f->bank[i];
		if (k->op != H7_OP_NONE && now < k->busy_until) {
			uint32_t done = torn_done(k, now);
			if (k->op == H7_OP_PROGRAM)
				tear_word(f, k->op_off / f->word, k->old, done);
			else
				tear_sector(f, k, done);
			torn = true;
		}
	}
	idle(f);
	return torn;
}

static uint32_t granules(const struct h7_iflash *f)
{
	return (f->size + GRANULE - 1u) / GRANULE;
}

int h7_iflash_checkpoint(struct h7_iflash *f)
{
	uint32_t words = f->size / f->word;
	if (!f->ck_mem) {
		f->ck_mem = malloc(f->size);
		f->ck_prog = malloc(words);
		f->ck_ecc = malloc(words);
		f->dirty = malloc(granules(f));
		if (!f->ck_mem || !f->ck_prog || !f->ck_ecc || !f->dirty)
			return -1;
	}
	memcpy(f->ck_mem, f->mem, f->size);
	memcpy(f->ck_prog, f->programmed, words);
	memcpy(f->ck_ecc, f->ecc_bad, words);
	memset(f->dirty, 0, granules(f));
	return 0;
}

void h7_iflash_rollback(struct h7_iflash *f)
{
	for (uint32_t g = 0; f->dirty && g < granules(f); g++) {
		if (!f->dirty[g])
			continue;
		uint32_t lo = g * GRANULE, n = f->size - lo < GRANULE ? f->size - lo : GRANULE;
		memcpy(f->mem + lo, f->ck_mem + lo, n);
		memcpy(f->programmed + lo / f->word, f->ck_prog + lo / f->word, n / f->word);
		memcpy(f->ecc_bad + lo / f->word, f->ck_ecc + lo / f->word, n / f->word);
		f->dirty[g] = 0;
	}
	idle(f);
}

void h7_iflash_set_contents(struct h7_iflash *f, const uint8_t *data)
{
	memmove(f->mem, data, f->size);
	touched(f, 0, f->size);
	if (any_set(f->ecc_bad, f->size / f->word)) {
		memset(f->ecc_bad, 0, f->size / f->word);
		ecc_changed(f);
	}
	mark_programmed(f);
	idle(f);
}

uint8_t *h7_iflash_array(struct h7_iflash *f)
{
	return f->mem;
}

uint32_t h7_iflash_size(const struct h7_iflash *f)
{
	return f->size;
}

uint32_t h7_iflash_erase_count(const struct h7_iflash *f)
{
	return f->erases;
}

uint32_t h7_iflash_program_count(const struct h7_iflash *f)
{
	return f->programs;
}
