/* SPDX-License-Identifier: MIT */
/*
 * Behavioural SPI-NOR model: one chip, driven one chip-select cycle at a
 * time (nor_chip_command). Semantics from the shared facts:
 *  - program only clears bits, the page buffer wraps within 256 bytes;
 *  - program / erase / status writes need WEL, which clears when they end;
 *  - while busy only status reads (and Micron flag status, reset) are
 *    honoured, array reads included;
 *  - erase sets an aligned block to 0xFF; block protection (BP bits at each
 *    vendor's SR1 layout) makes program/erase on a protected area a no-op;
 *    SR1/SR2 have non-volatile copies a power cycle restores, and the
 *    Winbond family's 0x50 makes the next status write volatile;
 *  - 0x66 then 0x99 resets (volatile state lost); deep power-down until
 *    0xAB; after the reset (tRST) and the release (tRES1) the chip hears
 *    nothing and leaves the data line undriven for the part's time;
 *    QPI (instruction on 4 lines) per vendor; 4-byte address mode
 *    (0xB7/0xE9) and dedicated 4-byte opcodes on parts above 16 MiB;
 *  - Micron flag status error bits, Macronix security register error bits;
 *  - busy periods in model time (vclock), each registered as a deadline.
 *  - octal parts (MX25LM51245G): commands pass the OPI front end first
 *    (nor_octal.c), which frames them in the protocol CR2 selects;
 * The operation's effect is applied at its start: nothing can observe the
 * array while busy, and a reset / power loss before the end corrupts the
 * target block instead.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nor/nor_cmds.h"
#include "sim/clock/vclock.h"
#include "sim/nor/nor_chip.h"
#include "sim/nor/nor_model.h"
#include "sim/nor/nor_octal.h"
#include "sim/nor/nor_parts.h"
#include "sim/nor/nor_torn.h"
#include "sim/state/state_file.h"

#define PAGE                256u
#define WRSR_US             2000u /* status register write (unverified, ~ms on all parts) */
#define ERASED              0xFFu
#define SLOW_EXTRA_US       100000u /* NOR_FAULT_SLOW: 2 x maximum + 100 ms */
#define FAILED_PROGRAM_KEEP 0xF0u   /* a failed program: only some bits cleared */
/* Bits a status write leaves alone (read-only or lock bits). */
#define SR2_KEEP (NOR_SR2_SRL | NOR_SR2_SUS) /* Winbond SR2 */
#define SR3_KEEP NOR_SR3_ADS                 /* Winbond SR3 */
#define CR_KEEP  NOR_CR_4BYTE                /* Macronix configuration register */

/* ------------------------------------------------------------ helpers */

static bool qe(const struct nor_chip *c)
{
	switch (c->p->qer) {
	case 0:
		return true; /* quad by opcode alone */
	case 2:
		return c->sr1 & NOR_SR1_QE;
	case 3:
		return c->sr2 & NOR_SR2_QE_QER3;
	default:
		return c->sr2 & NOR_SR2_QE;
	}
}

static uint32_t rnd(struct nor_chip *c)
{
	c->rng = c->rng * 1103515245u + 12345u;
	return c->rng >> 8;
}

static void complete(struct nor_chip *c, uint64_t now)
{
	if (c->busy == B_NONE || now < c->busy_until)
		return;
	if (c->fail_pending && c->p->vendor == NOR_V_MICRON) {
		/* WEL stays set */
		c->fsr |= c->busy == B_ERASE ? NOR_FSR_ERASE_FAIL : NOR_FSR_PROGRAM_FAIL;
	} else {
		c->wel = false;
		if (c->fail_pending && c->p->vendor == NOR_V_MACRONIX)
			c->scur |= c->busy == B_ERASE ? NOR_SCUR_E_FAIL : NOR_SCUR_P_FAIL;
	}
	c->fail_pending = false;
	c->busy = B_NONE;
}

/* The datasheet maximum of a program (one page) or an erase of len bytes. */
static uint64_t max_time_us(const struct nor_chip *c, enum busy_kind k, uint32_t len)
{
	if (k == B_PROGRAM)
		return c->p->pp_max_us;
	for (unsigned t = 0; t < 4; t++)
		if (c->p->erase[t].log2 && (1u << c->p->erase[t].log2) == len)
			return (uint64_t)c->p->erase[t].max_ms * 1000u;
	return (uint64_t)c->p->chip_max_ms * 1000u;
}

#define CK_GRAN_LOG2 16u /* rollback granule: 64 KiB */

void nor_model_start_busy(struct nor_chip *c, enum busy_kind k, uint64_t us, uint32_t a,
                          uint32_t len)
{
	/* every change of the array is an operation's target (a torn one
	 * too): what a rollback copies back */
	if (c->dirty && len)
		for (uint32_t g = a >> CK_GRAN_LOG2; g <= (a + len - 1u) >> CK_GRAN_LOG2; g++)
			c->dirty[g / 8u] |= (uint8_t)(1u << (g % 8u));
	c->busy = k;
	c->tgt_addr = a;
	c->tgt_len = len;
	bool array_op = k == B_PROGRAM || k == B_ERASE;
	if (array_op && (c->faults & NOR_FAULT_STUCK_BUSY)) {
		c->faults &= ~(unsigned)NOR_FAULT_STUCK_BUSY;
		c->busy_until = UINT64_MAX;
		return;
	}
	if (array_op && (c->faults & NOR_FAULT_SLOW)) {
		c->faults &= ~(unsigned)NOR_FAULT_SLOW;
		us = 2u * max_time_us(c, k, len) + SLOW_EXTRA_US;
	}
	if (us == 0)
		us = 1;
	c->busy_until = vclock_now_us() + us;
	vclock_note_deadline(c->busy_until);
}

/* Interrupted program/erase: the target is left torn (nor_torn.c), or in
 * an undefined state when no snapshot exists. */
static void corrupt_target(struct nor_chip *c)
{
	if (c->busy != B_PROGRAM && c->busy != B_ERASE)
		return;
	if (c->torn.kind != NOR_TORN_NONE) {
		c->torn.end = c->busy_until; /* the busy period the chip really had */
		nor_torn_cut(&c->torn, c->mem, vclock_now_us());
		return;
	}
	if (vclock_now_us() >= c->busy_until)
		return; /* it had finished */
	for (uint32_t i = 0; i < c->tgt_len; i++) {
		uint32_t r = rnd(c);
		if (r & 1u)
			c->mem[c->tgt_addr + i] = (uint8_t)(r >> 4);
	}
}

static void volatile_reset(struct nor_chip *c)
{
	if (c->p->octal)
		nor_octal_reset(c); /* CR2: back to the non-volatile protocol */
	corrupt_target(c);
	c->busy = B_NONE;
	c->fail_pending = false;
	c->wel = false;
	c->addr4 = false; /* power-up default: 3-byte (no NV config modelled) */
	c->qpi = false;
	c->dpd = false;
	c->rst_en = false;
	c->crm = 0;
	c->fsr &= (uint8_t)~NOR_FSR_ERRORS;
	c->sr3 &= (uint8_t) ~(NOR_SR3_ADS | NOR_CR_4BYTE); /* W25Q256 ADS / Macronix CR 4BYTE */
}

/* Winbond, GigaDevice and Adesto: SR2 read with 0x35 and written with
 * 0x01 + 2 bytes or 0x31; QPI entered with 0x38 and left with 0xFF. */
static bool sr2_family(const struct nor_chip *c)
{
	enum nor_vendor v = c->p->vendor;
	/* S25FS-S: SR1 + CR1 written with 0x01 and CR1 read with 0x35 alike */
	return v == NOR_V_WINBOND || v == NOR_V_GIGADEVICE || v == NOR_V_ADESTO ||
	       v == NOR_V_SPANSION;
}

/* The block-protect value of SR1: BP2..0 in bits 4:2 everywhere; BP3 in
 * bit 6 on Micron, bit 5 on Macronix and ISSI (where TB lives in another,
 * one-time register, default top). */
static uint32_t bp_value(const struct nor_chip *c)
{
	uint32_t bp = (c->sr1 & NOR_SR1_BP_MASK) >> NOR_SR1_BP_SHIFT;
	enum nor_vendor v = c->p->vendor;
	if (v == NOR_V_MICRON && (c->sr1 & NOR_SR1_BP3_MICRON))
		bp |= 8u;
	if ((v == NOR_V_MACRONIX || v == NOR_V_ISSI) && (c->sr1 & NOR_SR1_BP3))
		bp |= 8u;
	return bp;
}

/* Block protection (simplified from the datasheets' tables): a region at
 * the top, at the bottom with TB (Winbond family, Micron). Winbond /
 * GigaDevice / Adesto: BP = n protects size / 2^(7-n), 7 = all (W25Q64JV
 * table; CMP and SEC not modelled); Micron, Macronix, ISSI: BP = n protects
 * 2^(n-1) 64 KiB blocks (MT25Q table; Macronix and ISSI unverified). */
static bool protected_range(const struct nor_chip *c, uint32_t a, uint32_t len)
{
	uint32_t bp = bp_value(c), size = c->p->size, plen;
	if (bp == 0)
		return false;
	bool wb = sr2_family(c);
	if (wb)
		plen = bp == 7 ? size : size >> (7u - bp);
	else
		plen = bp > 16u ? size : (64u * 1024u) << (bp - 1u);
	if (plen > size)
		plen = size;
	bool bottom = (wb || c->p->vendor == NOR_V_MICRON) && (c->sr1 & NOR_SR1_TB);
	uint32_t pstart = bottom ? 0 : size - plen;
	return a < pstart + plen && pstart < a + len;
}

/* Address width a 3/4-byte-mode opcode needs now, or 4 for dedicated ones. */
static bool addr_ok(const struct nor_chip *c, const struct port_qspi_cmd *cmd, bool dedicated4)
{
	unsigned want = dedicated4 ? 4u : (c->addr4 ? 4u : 3u);
	if (dedicated4 && !c->p->addr4)
		return false;
	return cmd->address_lines && cmd->address_bytes == want;
}

static uint32_t amask(const struct nor_chip *c, uint32_t a)
{
	return a & (c->p->size - 1u);
}

static void fill_rx(uint8_t *rx, uint32_t n, const uint8_t *src, uint32_t srclen)
{
	for (uint32_t i = 0; i < n; i++)
		rx[i] = srclen ? src[i % srclen] : 0;
}

/* ------------------------------------------------------------ commands */

static bool instr_only(const struct port_qspi_cmd *cmd)
{
	return !cmd->address_lines && !cmd->data_lines;
}

#define EB_CLOCKS 0xFFu /* rd_op.clocks: the part's own 0xEB mode + dummy count */

struct rd_op {
	uint8_t op;
	bool four;
	uint8_t al, dl; /* address / data lines */
	uint8_t clocks; /* mode + dummy clocks, or EB_CLOCKS */
	bool quad;
};

static const struct rd_op rd_ops[] = {
    {NOR_OP_READ, false, 1, 1, 0, false},
    {NOR_OP_READ_4B, true, 1, 1, 0, false},
    {NOR_OP_FAST_READ, false, 1, 1, 8, false},
    {NOR_OP_FAST_READ_4B, true, 1, 1, 8, false},
    {NOR_OP_READ_1_1_2, false, 1, 2, 8, false},
    {NOR_OP_READ_1_1_2_4B, true, 1, 2, 8, false},
    {NOR_OP_READ_1_2_2, false, 2, 2, 4, false},
    {NOR_OP_READ_1_2_2_4B, true, 2, 2, 4, false},
    {NOR_OP_READ_1_1_4, false, 1, 4, 8, true},
    {NOR_OP_READ_1_1_4_4B, true, 1, 4, 8, true},
    {NOR_OP_READ_1_4_4, false, 4, 4, EB_CLOCKS, true},
    {NOR_OP_READ_1_4_4_4B, true, 4, 4, EB_CLOCKS, true},
};

static const struct rd_op *rd_op_find(uint8_t op)
{
	for (unsigned i = 0; i < sizeof(rd_ops) / sizeof(rd_ops[0]); i++)
		if (rd_ops[i].op == op)
			return &rd_ops[i];
	return NULL;
}

#define VENDOR_BIT(v)   (1u << (v))
#define ALL_VENDORS     0xFFu
#define NOT_MACRONIX    (ALL_VENDORS & ~VENDOR_BIT(NOR_V_MACRONIX))
#define MICRON_MACRONIX (VENDOR_BIT(NOR_V_MICRON) | VENDOR_BIT(NOR_V_MACRONIX))

/* Page programs: address width, lines, and the vendors that have them
 * (Macronix has no 1-1-4 program; only Micron and Macronix have 1-4-4). */
struct pp_op {
	uint8_t op;
	bool four;
	uint8_t al, dl;
	bool quad;
	uint32_t vendors;
};

static const struct pp_op pp_ops[] = {
    {NOR_OP_PP, false, 1, 1, false, ALL_VENDORS},
    {NOR_OP_PP_4B, true, 1, 1, false, ALL_VENDORS},
    {NOR_OP_PP_1_1_4, false, 1, 4, true, NOT_MACRONIX},
    {NOR_OP_PP_1_1_4_4B, true, 1, 4, true, NOT_MACRONIX},
    {NOR_OP_PP_1_4_4, false, 4, 4, true, MICRON_MACRONIX},
    {NOR_OP_PP_1_4_4_4B, true, 4, 4, true, MICRON_MACRONIX},
};

/* Erases: the part's erase type (index into nor_part.erase), -1 = chip. */
struct erase_op {
	uint8_t op;
	int8_t type;
	bool four;
};

static const struct erase_op erase_ops[] = {
    {NOR_OP_BE_4K, 0, false},       {NOR_OP_BE_32K, 1, false},       {NOR_OP_SE, 2, false},
    {NOR_OP_BE_4K_4B, 0, true},     {NOR_OP_BE_32K_4B, 1, true},     {NOR_OP_SE_4B, 2, true},
    {NOR_OP_CHIP_ERASE, -1, false}, {NOR_OP_CHIP_ERASE2, -1, false},
};

static unsigned cmd_clocks(const struct port_qspi_cmd *cmd)
{
	unsigned alt = cmd->alt_lines ? (cmd->alt_bytes * 8u) / cmd->alt_lines : 0;
	return cmd->dummy_cycles + alt;
}

/* The mode byte of a 1-4-4 read (the first alternate byte), or -1 when
 * the mode clocks were sent as dummy clocks (undriven lines). */
static int mode_byte(const struct port_qspi_cmd *cmd)
{
	if (!cmd->alt_lines || !cmd->alt_bytes)
		return -1;
	return (int)((cmd->alt >> (8u * (cmd->alt_bytes - 1u))) & 0xFFu);
}

/* Mode bits that put the chip in continuous read after a 1-4-4 read:
 * W25Q64JV datasheet "Fast Read Quad I/O (EBh)": M5-4 = 10 (GigaDevice and
 * Adesto alike, unverified); IS25LP064A datasheet "AX read mode": M7-4 =
 * 1010; MX25L12833F datasheet "Performance Enhance Mode": P7-4 toggles
 * P3-0 (A5h, 5Ah, F0h, 0Fh). Micron enters XIP only with its volatile
 * configuration XIP bit clear, which the model does not have. */
static bool enters_continuous(const struct nor_chip *c, int m)
{
	if (m < 0)
		return false;
	switch (c->p->vendor) {
	case NOR_V_WINBOND:
	case NOR_V_GIGADEVICE:
	case NOR_V_ADESTO:
		return (m & 0x30) == 0x20;
	case NOR_V_ISSI:
		return (m & 0xF0) == 0xA0;
	case NOR_V_MACRONIX:
		return (m >> 4) == (~m & 0x0F);
	default:
		return false;
	}
}

static int do_read(struct nor_chip *c, const struct rd_op *o, const struct port_qspi_cmd *cmd,
                   uint8_t *rx)
{
	unsigned want = o->clocks == EB_CLOCKS ? c->p->eb_clocks : o->clocks;
	/* in QPI every phase is on 4 lines */
	unsigned al = c->qpi ? 4 : o->al, dl = c->qpi ? 4 : o->dl;
	if (!addr_ok(c, cmd, o->four) || cmd->address_lines != al || cmd->data_lines != dl ||
	    cmd_clocks(cmd) != want || (o->quad && !qe(c)) || !rx)
		return -1;
	uint32_t a = amask(c, cmd->address);
	for (uint32_t i = 0; i < cmd->data_len; i++)
		rx[i] = c->mem[(a + i) & (c->p->size - 1u)];
	if (o->clocks == EB_CLOCKS)
		c->crm = enters_continuous(c, mode_byte(cmd)) ? o->op : 0;
	return 0;
}

/* In continuous read the chip takes no instruction: a 1-4-4 read without
 * one goes on (its mode bits decide whether the chip stays), 0xFF (all
 * ones on IO0, the "continuous read mode reset" of W25Q64JV / IS25LP064A;
 * Macronix: any non-toggling mode byte) leaves it, and any other command
 * is taken for the address of a read: lost, answered with array bytes of
 * a meaningless address, and the chip stays in continuous read. */
static int in_continuous_read(struct nor_chip *c, const struct port_qspi_cmd *cmd, uint8_t *rx)
{
	if (!cmd->instruction_lines) {
		return do_read(c, rd_op_find(c->crm), cmd, rx);
	}
	if (cmd->instruction == NOR_OP_CRMR) {
		c->crm = 0;
		return 0;
	}
	if (rx) {
		uint32_t a = amask(c, (uint32_t)cmd->instruction << 16 | cmd->address);
		for (uint32_t i = 0; i < cmd->data_len; i++)
			rx[i] = c->mem[(a + i) & (c->p->size - 1u)];
	}
	return -1;
}
static int do_program(struct nor_chip *c, const struct port_qspi_cmd *cmd, const uint8_t *tx,
                      bool four, unsigned al, unsigned dl, bool quad)
{
	if (c->qpi)
		al = dl = 4;
	if (!addr_ok(c, cmd, four) || cmd->address_lines != al || cmd->data_lines != dl || !tx ||
	    cmd->data_len == 0 || (quad && !qe(c)))
		return -1;
	if (!c->wel)
		return -1;
	uint32_t a = amask(c, cmd->address), page = a & ~(PAGE - 1u);
	uint8_t buf[PAGE];
	memset(buf, ERASED, sizeof(buf));
	/* the page buffer wraps: later bytes overwrite earlier ones */
	for (uint32_t i = 0; i < cmd->data_len; i++)
		buf[(a + i) % PAGE] &= tx[i];
	if (cmd->data_len > PAGE) {
		memset(buf, ERASED, sizeof(buf));
		for (uint32_t i = 0; i < cmd->data_len; i++)
			buf[(a + i) % PAGE] = tx[i];
	}
	if (protected_range(c, page, PAGE)) {
		c->wel = false; /* ignored; Winbond reports nothing */
		return 0;
	}
	c->st.programs++;
	if (dl == 4u)
		c->st.quad_programs++;
	bool fail = c->faults & NOR_FAULT_PROGRAM;
	c->faults &= ~(unsigned)NOR_FAULT_PROGRAM;
	if (c->p->vendor == NOR_V_MACRONIX)
		c->scur &= (uint8_t)~NOR_SCUR_ERRORS;
	/* the end of the busy period is set when it is torn (corrupt_target) */
	nor_torn_begin(&c->torn, NOR_TORN_PROGRAM, c->mem, page, PAGE, vclock_now_us(), 0);
	if (!fail) {
		for (uint32_t i = 0; i < PAGE; i++)
			c->mem[page + i] &= buf[i];
	} else {
		for (uint32_t i = 0; i < PAGE; i += 7) /* a few bits made it */
			c->mem[page + i] &= buf[i] | FAILED_PROGRAM_KEEP;
	}
	c->fail_pending = fail;
	nor_model_start_busy(
	    c, B_PROGRAM, (uint32_t)vclock_chip_us(c->p->pp_typ_us, c->p->pp_max_us), page, PAGE);
	return 0;
}

/* ---- S25FS-S hybrid sectors (nor_part.hybrid_sectors; nor_parts.c) */
#define FS_CR3_UNIFORM 0x08u /* CR3NV[3]: uniform 256 KiB sectors */
#define FS_CR3_256K    0x02u /* CR3NV[1] */
#define FS_CR1_TBPARM  0x04u /* CR1NV[2]: parameter sectors at the top */
#define FS_PARAM_LEN   (8u * 4096u)
#define FS_RDAR_DUMMY  8u
#define FS_RDAR_VOL    0x800000u /* RDAR: volatile copies from here */

static bool fs_hybrid(const struct nor_chip *c)
{
	return c->p->hybrid_sectors && !(c->cr3 & FS_CR3_UNIFORM);
}

/* What an erase of type at [*a, *a + *len) does on a hybrid-sector part:
 * 4 KiB erases only inside the parameter sectors (ignored elsewhere, and
 * everywhere in the uniform architecture); the 256 KiB sector holding the
 * parameter sectors loses only the rest of it. -1: ignored. */
static int fs_erase_range(const struct nor_chip *c, int type, uint32_t *a, uint32_t *len)
{
	if (!c->p->hybrid_sectors || type < 0)
		return 0;
	bool small = c->p->erase[type].log2 == 12u;
	if (!fs_hybrid(c))
		return small ? -1 : 0;
	uint32_t ps = (c->sr2_nv & FS_CR1_TBPARM) ? c->p->size - FS_PARAM_LEN : 0;
	if (small)
		return *a >= ps && *a < ps + FS_PARAM_LEN ? 0 : -1;
	if (ps >= *a && ps < *a + *len) {
		*a += ps == *a ? FS_PARAM_LEN : 0u;
		*len -= FS_PARAM_LEN;
	}
	return 0;
}

static int do_erase(struct nor_chip *c, const struct port_qspi_cmd *cmd, int type, bool four)
{
	bool chip = type < 0;
	if (!chip && (!addr_ok(c, cmd, four) || cmd->address_lines != (c->qpi ? 4 : 1)))
		return -1;
	if (chip && cmd->address_lines)
		return -1;
	if (!c->wel)
		return -1;
	uint32_t len = chip ? c->p->size : (1u << c->p->erase[type].log2);
	uint32_t a = chip ? 0 : amask(c, cmd->address) & ~(len - 1u);
	if (fs_erase_range(c, type, &a, &len))
		return -1;
	if (protected_range(c, a, len)) {
		c->wel = false;
		return 0;
	}
	if (chip)
		c->st.chip_erases++;
	else
		c->st.erases[type]++;
	bool fail = c->faults & NOR_FAULT_ERASE;
	c->faults &= ~(unsigned)NOR_FAULT_ERASE;
	if (c->p->vendor == NOR_V_MACRONIX)
		c->scur &= (uint8_t)~NOR_SCUR_ERRORS;
	nor_torn_begin(&c->torn, NOR_TORN_ERASE, c->mem, a, len, vclock_now_us(), 0);
	if (!fail)
		memset(c->mem + a, ERASED, len);
	else
		memset(c->mem + a, ERASED, len / 3u); /* partly erased */
	c->fail_pending = fail;
	uint64_t typ = chip ? c->p->chip_typ_ms : c->p->erase[type].typ_ms;
	uint64_t max = chip ? c->p->chip_max_ms : c->p->erase[type].max_ms;
	nor_model_start_busy(c, B_ERASE, vclock_chip_us(typ * 1000u, max * 1000u), a, len);
	return 0;
}

static int do_wrsr(struct nor_chip *c, uint8_t op, const struct port_qspi_cmd *cmd,
                   const uint8_t *tx)
{
	bool volatile_only = !c->wel && c->vsr_armed; /* 0x50 first: no WEL, no busy */
	if ((!c->wel && !volatile_only) || !tx || cmd->data_len == 0 || cmd->address_lines)
		return -1;
	enum nor_vendor v = c->p->vendor;
	bool two_sr = sr2_family(c);
	if (op == NOR_OP_WRSR) {
		c->sr1 = (uint8_t)((c->sr1 & NOR_SR1_STATUS) | (tx[0] & ~NOR_SR1_STATUS));
		if (cmd->data_len >= 2) {
			if (two_sr)
				c->sr2 = (uint8_t)((c->sr2 & SR2_KEEP) | (tx[1] & ~SR2_KEEP));
			else if (v == NOR_V_MACRONIX)
				c->sr3 = (uint8_t)((c->sr3 & CR_KEEP) | (tx[1] & ~CR_KEEP));
		} else if (c->p->qer == 1) {
			c->sr2 = 0; /* QER 1: a 1-byte write clears SR2 */
		}
	} else if (op == NOR_OP_WRSR2 && two_sr) {
		c->sr2 = (uint8_t)((c->sr2 & SR2_KEEP) | (tx[0] & ~SR2_KEEP));
	} else if (op == NOR_OP_WRSR3 && v == NOR_V_WINBOND) {
		c->sr3 = (uint8_t)((c->sr3 & SR3_KEEP) | (tx[0] & ~SR3_KEEP));
	} else {
		return -1;
	}
	if (volatile_only)
		return 0;
	c->sr1_nv = c->sr1;
	c->sr2_nv = c->sr2;
	nor_model_start_busy(c, B_OTHER, WRSR_US, 0, 0);
	return 0;
}

static void reg_read(uint8_t v, const struct port_qspi_cmd *cmd, uint8_t *rx)
{
	fill_rx(rx, cmd->data_len, &v, 1);
}

static uint8_t sr1_now(const struct nor_chip *c)
{
	return (uint8_t)((c->sr1 & ~NOR_SR1_STATUS) | (c->wel ? NOR_SR1_WEL : 0) |
	                 (c->busy ? NOR_SR1_WIP : 0));
}

static uint8_t fsr_now(const struct nor_chip *c)
{
	return (uint8_t)((c->fsr & ~(NOR_FSR_READY | NOR_FSR_ADDR4)) |
	                 (c->busy ? 0 : NOR_FSR_READY) | (c->addr4 ? NOR_FSR_ADDR4 : 0));
}

/* ---- one handler per opcode (dispatch table below) ---- */

typedef int (*op_handler)(struct nor_chip *c, const struct port_qspi_cmd *cmd, const uint8_t *tx,
                          uint8_t *rx);

static int op_read(struct nor_chip *c, const struct port_qspi_cmd *cmd, const uint8_t *tx,
                   uint8_t *rx)
{
	(void)tx;
	const struct rd_op *o = rd_op_find((uint8_t)cmd->instruction);
	return o ? do_read(c, o, cmd, rx) : -1;
}

static int op_program(struct nor_chip *c, const struct port_qspi_cmd *cmd, const uint8_t *tx,
                      uint8_t *rx)
{
	(void)rx;
	for (unsigned i = 0; i < sizeof(pp_ops) / sizeof(pp_ops[0]); i++) {
		const struct pp_op *o = &pp_ops[i];
		if (o->op != cmd->instruction)
			continue;
		if (!(o->vendors & VENDOR_BIT(c->p->vendor)))
			return -1;
		return do_program(c, cmd, tx, o->four, o->al, o->dl, o->quad);
	}
	return -1;
}

static int op_erase(struct nor_chip *c, const struct port_qspi_cmd *cmd, const uint8_t *tx,
                    uint8_t *rx)
{
	(void)tx;
	(void)rx;
	for (unsigned i = 0; i < sizeof(erase_ops) / sizeof(erase_ops[0]); i++)
		if (erase_ops[i].op == cmd->instruction)
			return do_erase(c, cmd, erase_ops[i].type, erase_ops[i].four);
	return -1;
}

static int op_wrsr(struct nor_chip *c, const struct port_qspi_cmd *cmd, const uint8_t *tx,
                   uint8_t *rx)
{
	(void)rx;
	return do_wrsr(c, cmd->instruction, cmd, tx);
}

static int op_rdsr(struct nor_chip *c, const struct port_qspi_cmd *cmd, const uint8_t *tx,
                   uint8_t *rx)
{
	(void)tx;
	if (!rx)
		return -1;
	reg_read(sr1_now(c), cmd, rx);
	return 0;
}

/* 0x35: read SR2 (Winbond family), enter QPI (Micron / Macronix / ISSI). */
static int op_rdsr2_or_eqio(struct nor_chip *c, const struct port_qspi_cmd *cmd, const uint8_t *tx,
                            uint8_t *rx)
{
	(void)tx;
	if (sr2_family(c)) {
		if (!rx)
			return -1;
		reg_read(c->sr2, cmd, rx);
		return 0;
	}
	if (!instr_only(cmd) || c->qpi)
		return -1;
	c->qpi = true;
	return 0;
}

/* 0x15: Winbond SR3 (ADS = current 4-byte mode), Macronix configuration
 * register (4BYTE). */
static int op_rdsr3_or_rdcr(struct nor_chip *c, const struct port_qspi_cmd *cmd, const uint8_t *tx,
                            uint8_t *rx)
{
	(void)tx;
	enum nor_vendor v = c->p->vendor;
	if (!rx || (v != NOR_V_WINBOND && v != NOR_V_MACRONIX))
		return -1;
	uint8_t mode = v == NOR_V_WINBOND ? NOR_SR3_ADS : NOR_CR_4BYTE;
	reg_read((uint8_t)(c->sr3 | (c->addr4 ? mode : 0)), cmd, rx);
	return 0;
}

static int op_rdfsr(struct nor_chip *c, const struct port_qspi_cmd *cmd, const uint8_t *tx,
                    uint8_t *rx)
{
	(void)tx;
	if (c->p->vendor != NOR_V_MICRON || !rx)
		return -1;
	reg_read(fsr_now(c), cmd, rx);
	return 0;
}

/* 0x50: Micron clear flag status (and WEL); Winbond / GigaDevice / Adesto
 * write enable for the volatile status register (the next status write
 * changes only the volatile copy); unknown elsewhere. */
static int op_clfsr(struct nor_chip *c, const struct port_qspi_cmd *cmd, const uint8_t *tx,
                    uint8_t *rx)
{
	(void)cmd;
	(void)tx;
	(void)rx;
	if (c->p->vendor == NOR_V_MICRON) {
		c->fsr &= (uint8_t)~NOR_FSR_ERRORS;
		c->wel = false;
		return 0;
	}
	if (!sr2_family(c))
		return -1;
	c->vsr_we = true;
	return 0;
}

static int op_rdscur(struct nor_chip *c, const struct port_qspi_cmd *cmd, const uint8_t *tx,
                     uint8_t *rx)
{
	(void)tx;
	if (c->p->vendor != NOR_V_MACRONIX || !rx)
		return -1;
	reg_read(c->scur, cmd, rx);
	return 0;
}

/* 0x65 RDAR (S25FS-S): any register by address, 8 latency clocks: SR1,
 * CR1, CR3 at 0, 2, 4 (non-volatile), the volatile copies 0x800000 up. */
static int op_rdar(struct nor_chip *c, const struct port_qspi_cmd *cmd, const uint8_t *tx,
                   uint8_t *rx)
{
	(void)tx;
	if (!c->p->hybrid_sectors || !rx || !addr_ok(c, cmd, false) || cmd->address_lines != 1 ||
	    cmd->dummy_cycles != FS_RDAR_DUMMY || cmd->data_lines != 1)
		return -1;
	bool vol = (cmd->address & FS_RDAR_VOL) != 0;
	switch (cmd->address & ~FS_RDAR_VOL) {
	case 0:
		reg_read(vol ? c->sr1 : c->sr1_nv, cmd, rx);
		return 0;
	case 2:
		reg_read(vol ? c->sr2 : c->sr2_nv, cmd, rx);
		return 0;
	case 4:
		reg_read(c->cr3, cmd, rx);
		return 0;
	default:
		return -1;
	}
}

static int op_rdid(struct nor_chip *c, const struct port_qspi_cmd *cmd, const uint8_t *tx,
                   uint8_t *rx)
{
	(void)tx;
	if (!rx || c->qpi)
		return -1;
	fill_rx(rx, cmd->data_len, c->id, 3);
	return 0;
}

/* SFDP: 3-byte address (4 in 4-byte mode), 8 dummy clocks. */
static int op_rdsfdp(struct nor_chip *c, const struct port_qspi_cmd *cmd, const uint8_t *tx,
                     uint8_t *rx)
{
	(void)tx;
	if (c->sfdp_len == 0)
		return -1; /* a part without SFDP: unknown instruction */
	if (!rx || !cmd->address_lines || cmd->dummy_cycles != 8 ||
	    (cmd->address_bytes != 3 && !(c->addr4 && cmd->address_bytes == 4)))
		return -1;
	for (uint32_t i = 0; i < cmd->data_len; i++) {
		uint32_t a = cmd->address + i;
		rx[i] = a < c->sfdp_len ? c->sfdp[a] : ERASED;
	}
	return 0;
}

static int op_wren(struct nor_chip *c, const struct port_qspi_cmd *cmd, const uint8_t *tx,
                   uint8_t *rx)
{
	(void)cmd;
	(void)tx;
	(void)rx;
	c->wel = true;
	return 0;
}

static int op_wrdi(struct nor_chip *c, const struct port_qspi_cmd *cmd, const uint8_t *tx,
                   uint8_t *rx)
{
	(void)cmd;
	(void)tx;
	(void)rx;
	c->wel = false;
	return 0;
}

/* 0x38: Winbond / GigaDevice enter QPI (QE first); Micron / Macronix
 * 1-4-4 page program. */
static int op_qpi_or_pp144(struct nor_chip *c, const struct port_qspi_cmd *cmd, const uint8_t *tx,
                           uint8_t *rx)
{
	if (!sr2_family(c))
		return op_program(c, cmd, tx, rx);
	if (!instr_only(cmd) || !qe(c))
		return -1;
	c->qpi = true;
	return 0;
}

/* 0xB7 / 0xE9: enter / exit 4-byte address mode (Micron: WEL first). */
static int op_4byte_mode(struct nor_chip *c, const struct port_qspi_cmd *cmd, const uint8_t *tx,
                         uint8_t *rx)
{
	(void)tx;
	(void)rx;
	if (!c->p->addr4 || !instr_only(cmd))
		return -1;
	if (c->p->b7_needs_wren) {
		if (!c->wel)
			return -1;
		c->wel = false;
	}
	c->addr4 = cmd->instruction == NOR_OP_EN4B;
	return 0;
}

/* 0xF5: Micron / Macronix / ISSI leave QPI. */
static int op_rstqio(struct nor_chip *c, const struct port_qspi_cmd *cmd, const uint8_t *tx,
                     uint8_t *rx)
{
	(void)cmd;
	(void)tx;
	(void)rx;
	if (sr2_family(c) || !c->qpi)
		return -1;
	c->qpi = false;
	return 0;
}

/* 0xFF: Winbond family in QPI: leave it; on one line: continuous read
 * mode reset (not modelled). */
static int op_ff(struct nor_chip *c, const struct port_qspi_cmd *cmd, const uint8_t *tx,
                 uint8_t *rx)
{
	(void)cmd;
	(void)tx;
	(void)rx;
	if (sr2_family(c) && c->qpi)
		c->qpi = false;
	return 0;
}

static int op_dp(struct nor_chip *c, const struct port_qspi_cmd *cmd, const uint8_t *tx,
                 uint8_t *rx)
{
	(void)cmd;
	(void)tx;
	(void)rx;
	c->dpd = true;
	return 0;
}

/* 0xAB outside deep power-down: electronic ID. */
static int op_res(struct nor_chip *c, const struct port_qspi_cmd *cmd, const uint8_t *tx,
                  uint8_t *rx)
{
	(void)tx;
	if (rx)
		fill_rx(rx, cmd->data_len, &c->p->id[2], 1);
	return 0;
}

/* Opcodes with two meanings (0x15, 0x35, 0x38, 0x3E, 0x50, 0xFF) appear
 * once; their handler picks by vendor. */
static const op_handler op_handlers[256] = {
    [NOR_OP_READ] = op_read,
    [NOR_OP_READ_4B] = op_read,
    [NOR_OP_FAST_READ] = op_read,
    [NOR_OP_FAST_READ_4B] = op_read,
    [NOR_OP_READ_1_1_2] = op_read,
    [NOR_OP_READ_1_1_2_4B] = op_read,
    [NOR_OP_READ_1_2_2] = op_read,
    [NOR_OP_READ_1_2_2_4B] = op_read,
    [NOR_OP_READ_1_1_4] = op_read,
    [NOR_OP_READ_1_1_4_4B] = op_read,
    [NOR_OP_READ_1_4_4] = op_read,
    [NOR_OP_READ_1_4_4_4B] = op_read,
    [NOR_OP_PP] = op_program,
    [NOR_OP_PP_4B] = op_program,
    [NOR_OP_PP_1_1_4] = op_program,
    [NOR_OP_PP_1_1_4_4B] = op_program,
    [NOR_OP_PP_1_4_4] = op_qpi_or_pp144,
    [NOR_OP_PP_1_4_4_4B] = op_program,
    [NOR_OP_BE_4K] = op_erase,
    [NOR_OP_BE_4K_4B] = op_erase,
    [NOR_OP_BE_32K] = op_erase,
    [NOR_OP_BE_32K_4B] = op_erase,
    [NOR_OP_SE] = op_erase,
    [NOR_OP_SE_4B] = op_erase,
    [NOR_OP_CHIP_ERASE] = op_erase,
    [NOR_OP_CHIP_ERASE2] = op_erase,
    [NOR_OP_WRSR] = op_wrsr,
    [NOR_OP_WRSR2] = op_wrsr,
    [NOR_OP_WRSR3] = op_wrsr,
    [NOR_OP_RDSR] = op_rdsr,
    [NOR_OP_RDSR2] = op_rdsr2_or_eqio,
    [NOR_OP_RDSR3] = op_rdsr3_or_rdcr,
    [NOR_OP_RDFSR] = op_rdfsr,
    [NOR_OP_CLFSR] = op_clfsr,
    [NOR_OP_RDSCUR] = op_rdscur,
    [NOR_OP_RDID] = op_rdid,
    [NOR_MODEL_OP_RDAR] = op_rdar,
    [NOR_OP_RDSFDP] = op_rdsfdp,
    [NOR_OP_WREN] = op_wren,
    [NOR_OP_WRDI] = op_wrdi,
    [NOR_OP_EN4B] = op_4byte_mode,
    [NOR_OP_EX4B] = op_4byte_mode,
    [NOR_OP_RSTQIO] = op_rstqio,
    [NOR_OP_CRMR] = op_ff,
    [NOR_OP_DP] = op_dp,
    [NOR_OP_RES] = op_res,
};

/* The chip hears nothing and leaves the data line undriven until t. */
static void go_deaf(struct nor_chip *c, uint64_t t)
{
	c->deaf_until = t;
	vclock_note_deadline(t);
}

/* Deep power-down: only 0xAB is heard; it releases the chip, which then
 * needs tRES1 before the next command (not a busy period: WIP reads as the
 * undriven line). */
static int in_deep_power_down(struct nor_chip *c, uint8_t op)
{
	if (op != NOR_OP_RES)
		return -1;
	c->dpd = false;
	go_deaf(c, vclock_now_us() + c->p->tres1_us);
	return 0;
}

/* Reset: 0x66 arms, 0x99 right after it resets (even while busy);
 * anything else disarms. Returns 1 if op was not a reset command. */
static int reset_sequence(struct nor_chip *c, uint8_t op)
{
	if (op == NOR_OP_RST && c->rst_en) {
		volatile_reset(c);
		go_deaf(c, vclock_now_us() + c->p->trst_us);
		return 0;
	}
	c->rst_en = op == NOR_OP_RSTEN;
	return c->rst_en ? 0 : 1;
}

/* While busy only status reads are heard (and Micron's flag status). */
static bool heard_while_busy(const struct nor_chip *c, uint8_t op)
{
	return op == NOR_OP_RDSR || (op == NOR_OP_RDFSR && c->p->vendor == NOR_V_MICRON);
}

int nor_model_spi_command(struct nor_chip *c, const struct port_qspi_cmd *cmd, const uint8_t *tx,
                          uint8_t *rx)
{
	uint8_t op = (uint8_t)cmd->instruction;
	if (c->crm && !c->dpd)
		return in_continuous_read(c, cmd, rx);
	/* a SPI chip hears 8-bit instructions at single data rate only */
	if (cmd->instruction_bytes > 1 || cmd->dtr || cmd->instruction_lines != (c->qpi ? 4 : 1))
		return -1;
	if (c->dpd)
		return in_deep_power_down(c, op);
	int rc = reset_sequence(c, op);
	if (rc <= 0)
		return rc;
	if (c->busy && !heard_while_busy(c, op))
		return -1;
	/* 0x50 arms only the status write right after it */
	c->vsr_armed = c->vsr_we && (op == NOR_OP_WRSR || op == NOR_OP_WRSR2 || op == NOR_OP_WRSR3);
	c->vsr_we = false;
	op_handler h = op_handlers[op];
	if (c->ignored_ops[op / 8u] & (1u << (op % 8u)))
		h = NULL;
	return h ? h(c, cmd, tx, rx) : -1;
}

int nor_chip_command(struct nor_chip *c, const struct port_qspi_cmd *cmd, const uint8_t *tx,
                     uint8_t *rx)
{
	uint64_t now = vclock_now_us();
	complete(c, now);
	if (rx)
		memset(rx, 0x00, cmd->data_len); /* hi-Z lines: not 0xFF, not data */
	int rc = now < c->deaf_until ? -1
	                             : (c->p->octal ? nor_octal_command(c, cmd, tx, rx)
	                                            : nor_model_spi_command(c, cmd, tx, rx));
	if (rc)
		c->st.ignored++;
	return rc;
}

/* ------------------------------------------------------------ lifecycle */

struct nor_chip *nor_chip_create(const char *part)
{
	const struct nor_part *p = NULL;
	for (unsigned i = 0; i < nor_parts_count; i++)
		if (part && strcasecmp(part, nor_parts[i].name) == 0)
			p = &nor_parts[i];
	if (!p)
		return NULL;
	struct nor_chip *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->mem = malloc(p->size);
	if (!c->mem) {
		free(c);
		return NULL;
	}
	memset(c->mem, ERASED, p->size);
	c->p = p;
	c->sfdp_len = p->no_sfdp ? 0 : nor_sfdp_build(p, c->sfdp, sizeof(c->sfdp));
	memcpy(c->id, p->id, sizeof(c->id));
	c->rng = 0x1234567u ^ p->id[2];
	if (p->qe_factory)
		c->sr2 |= NOR_SR2_QE;
	c->sr2_nv = c->sr2;
	if (p->hybrid_sectors)
		c->cr3 = FS_CR3_UNIFORM | FS_CR3_256K;
	return c;
}

void nor_chip_destroy(struct nor_chip *c)
{
	if (!c)
		return;
	nor_torn_free(&c->torn);
	if (c->map_path)
		state_file_unmap(c->mem, c->p->size);
	else
		free(c->mem);
	free(c->map_path);
	free(c->ck_mem);
	free(c->ck);
	free(c->dirty);
	free(c);
}

uint32_t nor_chip_size(const struct nor_chip *c)
{
	return c->p->size;
}

uint8_t *nor_chip_array(struct nor_chip *c)
{
	return c->mem;
}

const char *nor_chip_name(const struct nor_chip *c)
{
	return c->p->name;
}

const uint8_t *nor_chip_sfdp(const struct nor_chip *c, uint32_t *len)
{
	*len = c->sfdp_len;
	return c->sfdp;
}

int nor_chip_load(struct nor_chip *c, const char *path)
{
	/* the file becomes the array: every operation lands in it at once
	 * (a shorter file of another chip before is padded erased) */
	uint8_t *m = state_file_map(path, c->p->size, ERASED);
	char *keep = strdup(path);
	if (!m || !keep) {
		state_file_unmap(m, c->p->size);
		free(keep);
		return -1;
	}
	if (c->map_path)
		state_file_unmap(c->mem, c->p->size);
	else
		free(c->mem);
	free(c->map_path);
	c->mem = m;
	c->map_path = keep;
	return 0;
}

int nor_chip_save(const struct nor_chip *c, const char *path)
{
	if (c->map_path && strcmp(path, c->map_path) == 0)
		return state_file_sync(c->mem, c->p->size); /* already there: make it durable */
	return state_file_write(path, c->mem, c->p->size);  /* temp, fsync, rename */
}

static size_t dirty_bytes(const struct nor_chip *c)
{
	return ((c->p->size >> CK_GRAN_LOG2) + 7u) / 8u + 1u;
}

int nor_chip_checkpoint(struct nor_chip *c)
{
	if (!c->ck) {
		c->ck_mem = malloc(c->p->size);
		c->ck = malloc(sizeof(*c->ck));
		c->dirty = calloc(dirty_bytes(c), 1);
		if (!c->ck_mem || !c->ck || !c->dirty)
			return -1;
	}
	memcpy(c->ck_mem, c->mem, c->p->size);
	memset(c->dirty, 0, dirty_bytes(c));
	*c->ck = *c;
	return 0;
}

void nor_chip_rollback(struct nor_chip *c)
{
	if (!c->ck)
		return;
	uint32_t gran = 1u << CK_GRAN_LOG2, n = (c->p->size + gran - 1u) >> CK_GRAN_LOG2;
	for (uint32_t g = 0; g < n; g++) {
		if (!(c->dirty[g / 8u] & (1u << (g % 8u))))
			continue;
		uint32_t off = g << CK_GRAN_LOG2,
		         len = c->p->size - off < gran ? c->p->size - off : gran;
		memcpy(c->mem + off, c->ck_mem + off, len);
	}
	memset(c->dirty, 0, dirty_bytes(c));
	struct nor_torn torn = c->torn; /* its buffer may have grown since */
	*c = *c->ck;
	c->torn = torn;
	c->torn.kind = NOR_TORN_NONE;
}

void nor_chip_power_cycle(struct nor_chip *c)
{
	volatile_reset(c);
	c->scur = 0;
	c->deaf_until = 0;
	c->sr1 = c->sr1_nv;
	c->sr2 = c->sr2_nv;
}

void nor_chip_inject(struct nor_chip *c, unsigned faults)
{
	c->faults |= faults;
}

void nor_chip_set_sfdp(struct nor_chip *c, const uint8_t *img, uint32_t len)
{
	c->sfdp_len = len < sizeof(c->sfdp) ? len : (uint32_t)sizeof(c->sfdp);
	if (c->sfdp_len)
		memcpy(c->sfdp, img, c->sfdp_len);
}

void nor_chip_set_id(struct nor_chip *c, const uint8_t id[3])
{
	memcpy(c->id, id, sizeof(c->id));
}

void nor_chip_ignore_opcode(struct nor_chip *c, uint8_t op)
{
	c->ignored_ops[op / 8u] |= (uint8_t)(1u << (op % 8u));
}

void nor_chip_set_sr1(struct nor_chip *c, uint8_t sr1)
{
	c->sr1 = sr1 & (uint8_t)~NOR_SR1_STATUS;
	c->sr1_nv = c->sr1;
}

/* Every BP bit of the vendor's layout (bp_value above): the whole array
 * protected, as a chip shipped or left locked by another tool. */
void nor_chip_protect_all(struct nor_chip *c)
{
	uint8_t bp = NOR_SR1_BP_MASK;
	if (c->p->vendor == NOR_V_MICRON)
		bp |= NOR_SR1_BP3_MICRON;
	else if (c->p->vendor == NOR_V_MACRONIX || c->p->vendor == NOR_V_ISSI)
		bp |= NOR_SR1_BP3;
	nor_chip_set_sr1(c, (uint8_t)((c->sr1 & ~(NOR_SR1_PROTECT | NOR_SR1_BP3_MICRON)) | bp));
}

void nor_chip_set_sector_config(struct nor_chip *c, bool hybrid, bool top)
{
	if (!c->p->hybrid_sectors)
		return;
	c->cr3 = (uint8_t)(hybrid ? FS_CR3_256K : FS_CR3_UNIFORM | FS_CR3_256K);
	uint8_t tb = top ? FS_CR1_TBPARM : 0u;
	c->sr2 = (uint8_t)((c->sr2 & ~FS_CR1_TBPARM) | tb);
	c->sr2_nv = (uint8_t)((c->sr2_nv & ~FS_CR1_TBPARM) | tb);
}

void nor_chip_get_state(const struct nor_chip *c, struct nor_chip_state *st)
{
	complete((struct nor_chip *)c, vclock_now_us());
	*st = c->st;
	st->busy = c->busy != B_NONE;
	st->wel = c->wel;
	st->addr4 = c->addr4;
	st->qpi = c->qpi;
	st->dpd = c->dpd;
	st->crm = c->crm != 0;
	st->deaf = vclock_now_us() < c->deaf_until;
	st->qe = qe(c);
	st->sr1 = sr1_now(c);
	st->sr2 = c->sr2;
	st->sr3 = c->sr3;
	st->fsr = fsr_now(c);
	st->scur = c->scur;
}
