/* SPDX-License-Identifier: MIT */
#include "sim/h7/h7_iflash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/clock/vclock.h"

#define WORD 32u

struct h7_iflash {
	uint32_t base, sector_size, sectors, size;
	uint8_t *mem;
	uint8_t *programmed; /* per word: programmed since the last erase */
	uint8_t *ecc_bad;    /* per word: programmed twice, ECC broken */
	uint64_t busy_until;
	uint32_t erases, programs;
};

struct h7_iflash *h7_iflash_create(uint32_t base, uint32_t sector_size, uint32_t sectors)
{
	struct h7_iflash *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->base = base;
	f->sector_size = sector_size;
	f->sectors = sectors;
	f->size = sector_size * sectors;
	f->mem = malloc(f->size);
	f->programmed = calloc(f->size / WORD, 1);
	f->ecc_bad = calloc(f->size / WORD, 1);
	if (!f->mem || !f->programmed || !f->ecc_bad) {
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
	free(f->mem);
	free(f->programmed);
	free(f->ecc_bad);
	free(f);
}

int h7_iflash_load(struct h7_iflash *f, const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return 0; /* no state yet: erased */
	size_t n = fread(f->mem, 1, f->size, fp);
	fclose(fp);
	if (n < f->size)
		memset(f->mem + n, 0xFF, f->size - n);
	/* words that hold data count as programmed since their erase */
	for (uint32_t w = 0; w < f->size / WORD; w++) {
		f->programmed[w] = 0;
		for (uint32_t i = 0; i < WORD; i++)
			if (f->mem[w * WORD + i] != 0xFF) {
				f->programmed[w] = 1;
				break;
			}
	}
	return 0;
}

int h7_iflash_save(const struct h7_iflash *f, const char *path)
{
	FILE *fp = fopen(path, "wb");
	if (!fp)
		return -1;
	size_t n = fwrite(f->mem, 1, f->size, fp);
	int rc = fclose(fp);
	return (n == f->size && rc == 0) ? 0 : -1;
}

bool h7_iflash_busy(struct h7_iflash *f)
{
	return vclock_now_us() < f->busy_until;
}

static void set_busy(struct h7_iflash *f, uint32_t us)
{
	f->busy_until = vclock_now_us() + us;
	vclock_note_deadline(f->busy_until);
}

int h7_iflash_erase(struct h7_iflash *f, uint32_t sector)
{
	if (sector >= f->sectors || h7_iflash_busy(f))
		return -1;
	uint32_t off = sector * f->sector_size;
	memset(f->mem + off, 0xFF, f->sector_size);
	memset(f->programmed + off / WORD, 0, f->sector_size / WORD);
	memset(f->ecc_bad + off / WORD, 0, f->sector_size / WORD);
	f->erases++;
	set_busy(f, (uint32_t)vclock_chip_us(H7_IFLASH_ERASE_US, H7_IFLASH_ERASE_MAX_US));
	return 0;
}

int h7_iflash_program(struct h7_iflash *f, uint32_t addr, const uint8_t word[32])
{
	if (addr < f->base || addr - f->base >= f->size || (addr % WORD) || h7_iflash_busy(f))
		return -1;
	uint32_t off = addr - f->base, w = off / WORD;
	if (f->programmed[w])
		f->ecc_bad[w] = 1; /* written twice: ECC no longer matches */
	for (uint32_t i = 0; i < WORD; i++)
		f->mem[off + i] &= word[i];
	f->programmed[w] = 1;
	f->programs++;
	set_busy(f, (uint32_t)vclock_chip_us(H7_IFLASH_PROGRAM_US, H7_IFLASH_PROGRAM_MAX_US));
	return 0;
}

int h7_iflash_read(const struct h7_iflash *f, uint32_t addr, uint8_t *buf, uint32_t len)
{
	if (addr < f->base || addr - f->base > f->size || len > f->size - (addr - f->base))
		return -1;
	uint32_t off = addr - f->base;
	memcpy(buf, f->mem + off, len);
	for (uint32_t w = off / WORD; len && w <= (off + len - 1u) / WORD; w++)
		if (f->ecc_bad[w])
			return -1;
	return 0;
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
