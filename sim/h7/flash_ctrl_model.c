/* SPDX-License-Identifier: MIT */
#include "sim/h7/flash_ctrl_model.h"

#include <stdlib.h>
#include <string.h>

#include "sim/clock/vclock.h"
#include "sim/h7/h7_iflash.h" /* the per-line timing */
#include "sim/h7/mmio_bus.h"
#include "sim/h7/scs_model.h"

#define CTRL_BASE  0x52002000u
#define ARRAY_BASE 0x08000000u
#define WORD_MAX   32u

/* SR / CR bits (RM0399) */
#define SR_BSY      (1u << 0)
#define SR_WBNE     (1u << 1)
#define SR_QW       (1u << 2)
#define SR_EOP      (1u << 16)
#define SR_WRPERR   (1u << 17)
#define SR_PGSERR   (1u << 18)
#define SR_STRBERR  (1u << 19)
#define SR_INCERR   (1u << 21)
#define SR_DBECCERR (1u << 26)
#define CR_LOCK     (1u << 0)
#define CR_PG       (1u << 1)
#define CR_SER      (1u << 2)
#define CR_FW       (1u << 6)
#define CR_START    (1u << 7)
/* H7A3/B0/B3 (CMSIS stm32h7b3xx.h): no PSIZE, FW 4, START 5, SNB[12:6] */
#define CR_AB_FW    (1u << 4)
#define CR_AB_START (1u << 5)

struct bank {
	uint32_t cr, sr;
	unsigned key_step; /* 0: none, 1: KEY1 seen */
	bool key_fault;    /* wrong key: locked until reset */
	uint64_t busy_until;
	uint32_t ecc_fa;   /* FLASH_ECC_FAx: failing flash word of a double error */
	uint32_t buf_word; /* address of the word being buffered */
	uint8_t buf[WORD_MAX];
	uint8_t buf_mask[WORD_MAX];
	unsigned buf_count;
};

static struct {
	struct bank b[2];
	uint32_t word, sector, bank_size, banks; /* the line's geometry */
	bool ab;                                 /* H7A3/B0/B3 CR layout */
	enum board_family line;
	uint8_t *mem;
	uint8_t *programmed, *ecc_bad; /* per flash word */
	unsigned programs;
	uint32_t optsr;
	uint32_t optsr2; /* OPTSR2_CUR (H72x/H73x: TCM_AXI_SHARED) */
} m;

void flash_ctrl_model_set_optsr2(uint32_t v)
{
	m.optsr2 = v;
}

void flash_ctrl_model_set_optsr(uint32_t v)
{
	m.optsr = v;
}

static bool busy(const struct bank *k)
{
	return vclock_now_us() < k->busy_until;
}

static uint32_t sr_now(struct bank *k)
{
	uint32_t sr = k->sr & ~(SR_BSY | SR_QW | SR_WBNE); /* WBNE: from the buffer */
	if (busy(k))
		sr |= SR_BSY | SR_QW;
	else if (k->sr & (SR_BSY | SR_QW))
		sr |= SR_EOP; /* finished since the last look */
	if (k->buf_count)
		sr |= SR_WBNE;
	k->sr = sr;
	return sr;
}

uint32_t flash_ctrl_model_sr(unsigned bank)
{
	return sr_now(&m.b[bank & 1u]);
}

unsigned flash_ctrl_model_programs(void)
{
	return m.programs;
}

uint8_t *flash_ctrl_model_array(void)
{
	return m.mem;
}

static void set_busy(struct bank *k, uint32_t us)
{
	k->busy_until = vclock_now_us() + us;
	vclock_note_deadline(k->busy_until);
	k->sr |= SR_BSY | SR_QW;
}

static uint32_t ctrl_read(void *ctx, uint32_t off, unsigned width)
{
	(void)ctx;
	(void)width;
	struct bank *k = &m.b[off >= 0x100u];
	switch (off & 0xFFu) {
	case 0x0C:
		return k->cr;
	case 0x1C:
		return m.optsr;
	case 0x70: /* OPTSR2_CUR: only the H72x/H73x have it */
		return m.line == BOARD_FAMILY_H72X ? m.optsr2 : 0u;
	case 0x10:
		return sr_now(k);
	case 0x60:
		return k->ecc_fa;
	default:
		return 0;
	}
}

static void commit_word(struct bank *k);

static void erase_sector(unsigned bi, struct bank *k, unsigned snb)
{
	if (bi >= m.banks || (snb + 1u) * m.sector > m.bank_size) {
		k->sr |= SR_PGSERR; /* no such sector */
		return;
	}
	uint32_t off0 = bi * m.bank_size + snb * m.sector;
	memset(m.mem + off0, 0xFF, m.sector);
	memset(m.programmed + off0 / m.word, 0, m.sector / m.word);
	memset(m.ecc_bad + off0 / m.word, 0, m.sector / m.word);
	struct h7_iflash_timing t = h7_iflash_line_timing(m.word);
	set_busy(k, (uint32_t)vclock_chip_us(t.erase_us, t.erase_max_us));
}

static void cr_write(unsigned bi, struct bank *k, uint32_t v)
{
	if (k->cr & CR_LOCK) {
		k->sr |= SR_WRPERR; /* writes to a locked CR are ignored */
		return;
	}
	if (k->buf_count && (k->cr & CR_PG) && !(v & CR_PG)) {
		/* PG cleared with a partial flash word buffered: the buffer is
		 * dropped and the word stays erased (facts, "Traps found by
		 * review" 9; not verified on silicon) */
		k->buf_count = 0;
		memset(k->buf_mask, 0, WORD_MAX);
	}
	uint32_t fw = m.ab ? CR_AB_FW : CR_FW, start = m.ab ? CR_AB_START : CR_START;
	if ((v & fw) && k->buf_count) {
		commit_word(k); /* force-write: missing bytes stay 0xFF */
		v &= ~fw;
	}
	if ((v & start) && (v & CR_SER)) {
		/* busy, or a partial word still waiting in the buffer (WBNE):
		 * nothing else starts until it is gone */
		if (busy(k) || k->buf_count) {
			k->sr |= SR_PGSERR;
			return;
		}
		erase_sector(bi, k, m.ab ? (v >> 6) & 0x7Fu : (v >> 8) & 7u);
		v &= ~start; /* START reads back as 0 */
	}
	k->cr = v;
}

static void ctrl_write(void *ctx, uint32_t off, uint32_t v, unsigned width)
{
	(void)ctx;
	(void)width;
	unsigned bi = off >= 0x100u;
	struct bank *k = &m.b[bi];
	switch (off & 0xFFu) {
	case 0x04: /* KEYRx */
		if (k->key_fault || !(k->cr & CR_LOCK))
			break;
		if (k->key_step == 0 && v == 0x45670123u) {
			k->key_step = 1;
		} else if (k->key_step == 1 && v == 0xCDEF89ABu) {
			k->cr &= ~CR_LOCK;
			k->key_step = 0;
		} else {
			k->key_fault = true; /* wrong sequence: locked until reset */
		}
		break;
	case 0x0C: /* CRx */
		cr_write(bi, k, v);
		break;
	case 0x14: /* CCRx: write 1 to clear */
		k->sr &= ~(v & ~(SR_BSY | SR_QW | SR_WBNE));
		if (v & SR_DBECCERR)
			k->ecc_fa = 0;
		break;
	default:
		break;
	}
}

/* A double ECC error (a word programmed twice, or cut by a power loss):
 * SR.DBECCERR, the failing flash word in ECC_FA (only the first one until
 * the flag is cleared), and a bus error to the reading master (RM0399 /
 * RM0433 embedded flash, ECC; facts "Traps found by review" 3; the
 * register name and field from the stm32-rs SVD: FAIL_ECC_ADDR[14:0] in
 * flash words). The CPU model decides whether the load faults. */
static uint32_t array_read(void *ctx, uint32_t off, unsigned width)
{
	(void)ctx;
	uint32_t v = 0;
	for (unsigned i = 0; i < width; i++)
		v |= (uint32_t)m.mem[off + i] << (8u * i);
	if (m.ecc_bad[off / m.word]) {
		struct bank *k = &m.b[off >= m.bank_size];
		if (!(k->sr & SR_DBECCERR))
			k->ecc_fa = (off % m.bank_size) / m.word;
		k->sr |= SR_DBECCERR;
		scs_model_bus_error(ARRAY_BASE + off);
		v = 0xDEADBEEFu; /* what an ignored faulting load returns: unknown */
	}
	return v;
}

static void commit_word(struct bank *k)
{
	uint32_t w = k->buf_word / m.word;
	if (m.programmed[w])
		m.ecc_bad[w] = 1; /* programmed twice: ECC no longer matches */
	for (unsigned i = 0; i < m.word; i++)
		m.mem[k->buf_word + i] &= k->buf_mask[i] ? k->buf[i] : 0xFFu;
	m.programmed[w] = 1;
	m.programs++;
	k->buf_count = 0;
	memset(k->buf_mask, 0, WORD_MAX);
	struct h7_iflash_timing t = h7_iflash_line_timing(m.word);
	set_busy(k, (uint32_t)vclock_chip_us(t.program_us, t.program_max_us));
}

static void array_write(void *ctx, uint32_t off, uint32_t v, unsigned width)
{
	(void)ctx;
	struct bank *k = &m.b[off >= m.bank_size];
	if (!(k->cr & CR_PG) || (k->cr & CR_LOCK) || busy(k)) {
		k->sr |= SR_PGSERR; /* a write without PG (or while busy) */
		return;
	}
	uint32_t word = off & ~(m.word - 1u);
	if (k->buf_count && word != k->buf_word) {
		k->sr |= SR_INCERR; /* another word before the buffer completed */
		return;
	}
	k->buf_word = word;
	for (unsigned i = 0; i < width; i++) {
		unsigned b = (off + i) % m.word;
		if (k->buf_mask[b]) {
			k->sr |= SR_STRBERR; /* same location written twice */
			return;
		}
		k->buf_mask[b] = 1;
		k->buf[b] = (uint8_t)(v >> (8u * i));
	}
	k->buf_count += width;
	if (k->buf_count >= m.word)
		commit_word(k);
}

static const struct mmio_model_ops ctrl_ops = {ctrl_read, ctrl_write};
static const struct mmio_model_ops array_ops = {array_read, array_write};

int flash_ctrl_model_init_line(enum board_family family, unsigned banks, unsigned per_bank)
{
	memset(&m, 0, sizeof(m));
	m.line = family;
	m.ab = family == BOARD_FAMILY_H7AB;
	m.word = board_iflash_word(family);
	m.sector = m.ab ? 8192u : 131072u;
	m.banks = banks < 1u ? 1u : banks > 2u ? 2u : banks;
	m.bank_size = per_bank * m.sector;
	uint32_t size = m.banks * m.bank_size;
	m.mem = malloc(size);
	m.programmed = calloc(size / m.word, 1);
	m.ecc_bad = calloc(size / m.word, 1);
	if (!m.mem || !m.programmed || !m.ecc_bad)
		return -1;
	memset(m.mem, 0xFF, size);
	/* reset: locked (and PSIZE x64 where there is a PSIZE) */
	m.b[0].cr = m.b[1].cr = CR_LOCK | (m.ab ? 0u : 3u << 4);
	if (mmio_register(CTRL_BASE, 0x200, &ctrl_ops, NULL) ||
	    mmio_register(ARRAY_BASE, size, &array_ops, NULL))
		return -1;
	return 0;
}

int flash_ctrl_model_init(void)
{
	return flash_ctrl_model_init_line(BOARD_FAMILY_H74X, 2, 8);
}

void flash_ctrl_model_free(void)
{
	free(m.mem);
	free(m.programmed);
	free(m.ecc_bad);
	memset(&m, 0, sizeof(m));
}
