/* SPDX-License-Identifier: MIT */
/*
 * Behavioural SPI-NOR model: one chip, driven one chip-select cycle at a
 * time (nor_chip_command). Semantics from the shared facts:
 *  - program only clears bits, the page buffer wraps within 256 bytes;
 *  - program / erase / status writes need WEL, which clears when they end;
 *  - while busy only status reads (and Micron flag status, reset) are
 *    honoured, array reads included;
 *  - erase sets an aligned block to 0xFF; Winbond block protection (BP/TB)
 *    makes program/erase on a protected area a no-op;
 *  - 0x66 then 0x99 resets (volatile state lost); deep power-down until
 *    0xAB; QPI (instruction on 4 lines) per vendor; 4-byte address mode
 *    (0xB7/0xE9) and dedicated 4-byte opcodes on parts above 16 MiB;
 *  - Micron flag status error bits, Macronix security register error bits;
 *  - busy periods in model time (vclock), each registered as a deadline.
 * The operation's effect is applied at its start: nothing can observe the
 * array while busy, and a reset / power loss before the end corrupts the
 * target block instead.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/clock/vclock.h"
#include "sim/nor/nor_model.h"
#include "sim/nor/nor_parts.h"
#include "sim/nor/nor_torn.h"

#define PAGE     256u
#define RESET_US 30u
#define WRSR_US  2000u /* status register write (unverified, ~ms on all parts) */
#define SFDP_MAX 256u
#define RES_US   3u

enum busy_kind { B_NONE = 0, B_PROGRAM, B_ERASE, B_OTHER };

struct nor_chip {
	const struct nor_part *p;
	uint8_t *mem;
	uint8_t sfdp[SFDP_MAX];
	uint32_t sfdp_len;
	/* status */
	uint8_t sr1, sr2, sr3, fsr, scur;
	bool wel, addr4, qpi, dpd, rst_en;
	/* running operation */
	enum busy_kind busy;
	uint64_t busy_until;
	bool fail_pending; /* the running op failed: set error bits at its end */
	uint32_t tgt_addr, tgt_len;
	unsigned faults;
	struct nor_torn torn; /* what a power cut leaves (nor_torn.c) */
	uint32_t rng;
	struct nor_chip_state st;
};

/* ------------------------------------------------------------ helpers */

static bool qe(const struct nor_chip *c)
{
	switch (c->p->qer) {
	case 0:
		return true; /* quad by opcode alone */
	case 2:
		return c->sr1 & 0x40u;
	case 3:
		return c->sr2 & 0x80u;
	default:
		return c->sr2 & 0x02u;
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
		c->fsr |= c->busy == B_ERASE ? 0x20u : 0x10u; /* WEL stays set */
	} else {
		c->wel = false;
		if (c->fail_pending && c->p->vendor == NOR_V_MACRONIX)
			c->scur |= c->busy == B_ERASE ? 0x40u : 0x20u;
	}
	c->fail_pending = false;
	c->busy = B_NONE;
}

static void start_busy(struct nor_chip *c, enum busy_kind k, uint64_t us, uint32_t a, uint32_t len)
{
	c->busy = k;
	c->tgt_addr = a;
	c->tgt_len = len;
	if ((k == B_PROGRAM || k == B_ERASE) && (c->faults & NOR_FAULT_STUCK_BUSY)) {
		c->faults &= ~(unsigned)NOR_FAULT_STUCK_BUSY;
		c->busy_until = UINT64_MAX;
		return;
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
	corrupt_target(c);
	c->busy = B_NONE;
	c->fail_pending = false;
	c->wel = false;
	c->addr4 = false; /* power-up default: 3-byte (no NV config modelled) */
	c->qpi = false;
	c->dpd = false;
	c->rst_en = false;
	c->fsr &= ~0x32u;
	c->sr3 &= ~0x21u; /* W25Q256 ADS / Macronix CR 4BYTE */
}

/* Winbond block protection: BP2..0 (SR1 4:2), TB (SR1 5), CMP/SEC not
 * modelled. BP = n protects the upper (TB: lower) size / 2^(7-n); 7 = all
 * (W25Q64JV table; unverified for other densities). */
static bool protected_range(const struct nor_chip *c, uint32_t a, uint32_t len)
{
	if (c->p->vendor != NOR_V_WINBOND)
		return false;
	uint32_t bp = (c->sr1 >> 2) & 7u;
	if (bp == 0)
		return false;
	uint32_t plen = bp == 7 ? c->p->size : c->p->size >> (7u - bp);
	uint32_t pstart = (c->sr1 & 0x20u) ? 0 : c->p->size - plen;
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

struct rd_op {
	uint8_t op;
	bool four;
	uint8_t al, dl; /* address / data lines */
	uint8_t clocks; /* mode + dummy clocks; 0xFF = vendor's 0xEB count */
	bool quad;
};

static const struct rd_op rd_ops[] = {
    {0x03, false, 1, 1, 0, false}, {0x13, true, 1, 1, 0, false},    {0x0B, false, 1, 1, 8, false},
    {0x0C, true, 1, 1, 8, false},  {0x3B, false, 1, 2, 8, false},   {0x3C, true, 1, 2, 8, false},
    {0xBB, false, 2, 2, 4, false}, {0xBC, true, 2, 2, 4, false},    {0x6B, false, 1, 4, 8, true},
    {0x6C, true, 1, 4, 8, true},   {0xEB, false, 4, 4, 0xFF, true}, {0xEC, true, 4, 4, 0xFF, true},
};

static unsigned cmd_clocks(const struct port_qspi_cmd *cmd)
{
	unsigned alt = cmd->alt_lines ? (cmd->alt_bytes * 8u) / cmd->alt_lines : 0;
	return cmd->dummy_cycles + alt;
}

static int do_read(struct nor_chip *c, const struct rd_op *o, const struct port_qspi_cmd *cmd,
                   uint8_t *rx)
{
	unsigned want = o->clocks == 0xFF ? c->p->eb_clocks : o->clocks;
	/* in QPI every phase is on 4 lines */
	unsigned al = c->qpi ? 4 : o->al, dl = c->qpi ? 4 : o->dl;
	if (!addr_ok(c, cmd, o->four) || cmd->address_lines != al || cmd->data_lines != dl ||
	    cmd_clocks(cmd) != want || (o->quad && !qe(c)) || !rx)
		return -1;
	uint32_t a = amask(c, cmd->address);
	for (uint32_t i = 0; i < cmd->data_len; i++)
		rx[i] = c->mem[(a + i) & (c->p->size - 1u)];
	return 0;
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
	memset(buf, 0xFF, sizeof(buf));
	/* the page buffer wraps: later bytes overwrite earlier ones */
	for (uint32_t i = 0; i < cmd->data_len; i++)
		buf[(a + i) % PAGE] &= tx[i];
	if (cmd->data_len > PAGE) {
		memset(buf, 0xFF, sizeof(buf));
		for (uint32_t i = 0; i < cmd->data_len; i++)
			buf[(a + i) % PAGE] = tx[i];
	}
	if (protected_range(c, page, PAGE)) {
		c->wel = false; /* ignored; Winbond reports nothing */
		return 0;
	}
	c->st.programs++;
	bool fail = c->faults & NOR_FAULT_PROGRAM;
	c->faults &= ~(unsigned)NOR_FAULT_PROGRAM;
	if (c->p->vendor == NOR_V_MACRONIX)
		c->scur &= ~0x60u;
	nor_torn_begin(&c->torn, NOR_TORN_PROGRAM, c->mem, page, PAGE, vclock_now_us(),
	               vclock_now_us() + (c->p->pp_typ_us ? c->p->pp_typ_us : 1u));
	if (!fail) {
		for (uint32_t i = 0; i < PAGE; i++)
			c->mem[page + i] &= buf[i];
	} else {
		for (uint32_t i = 0; i < PAGE; i += 7) /* a few bits made it */
			c->mem[page + i] &= buf[i] | 0xF0u;
	}
	c->fail_pending = fail;
	start_busy(c, B_PROGRAM, c->p->pp_typ_us, page, PAGE);
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
		c->scur &= ~0x60u;
	uint64_t ms = chip ? c->p->chip_typ_ms : c->p->erase[type].typ_ms;
	nor_torn_begin(&c->torn, NOR_TORN_ERASE, c->mem, a, len, vclock_now_us(),
	               vclock_now_us() + (ms ? ms * 1000u : 1u));
	if (!fail)
		memset(c->mem + a, 0xFF, len);
	else
		memset(c->mem + a, 0xFF, len / 3u); /* partly erased */
	c->fail_pending = fail;
	start_busy(c, B_ERASE, ms * 1000u, a, len);
	return 0;
}

static int do_wrsr(struct nor_chip *c, uint8_t op, const struct port_qspi_cmd *cmd,
                   const uint8_t *tx)
{
	if (!c->wel || !tx || cmd->data_len == 0 || cmd->address_lines)
		return -1;
	enum nor_vendor v = c->p->vendor;
	bool two_sr = v == NOR_V_WINBOND || v == NOR_V_GIGADEVICE || v == NOR_V_ADESTO;
	if (op == 0x01) {
		c->sr1 = (uint8_t)((c->sr1 & 0x03u) | (tx[0] & 0xFCu));
		if (cmd->data_len >= 2) {
			if (two_sr)
				c->sr2 = (uint8_t)((c->sr2 & 0x01u) | (tx[1] & 0x7Eu));
			else if (v == NOR_V_MACRONIX)
				c->sr3 = (uint8_t)((c->sr3 & 0x20u) | (tx[1] & 0xDFu));
		} else if (c->p->qer == 1) {
			c->sr2 = 0; /* QER 1: a 1-byte write clears SR2 */
		}
	} else if (op == 0x31 && two_sr) {
		c->sr2 = (uint8_t)((c->sr2 & 0x01u) | (tx[0] & 0x7Eu));
	} else if (op == 0x11 && v == NOR_V_WINBOND) {
		c->sr3 = (uint8_t)((c->sr3 & 0x01u) | (tx[0] & 0xFEu));
	} else {
		return -1;
	}
	start_busy(c, B_OTHER, WRSR_US, 0, 0);
	return 0;
}

static void reg_read(uint8_t v, const struct port_qspi_cmd *cmd, uint8_t *rx)
{
	fill_rx(rx, cmd->data_len, &v, 1);
}

static uint8_t sr1_now(const struct nor_chip *c)
{
	return (uint8_t)((c->sr1 & 0xFCu) | (c->wel ? 0x02u : 0) | (c->busy ? 0x01u : 0));
}

static uint8_t fsr_now(const struct nor_chip *c)
{
	return (uint8_t)((c->fsr & 0x7Eu) | (c->busy ? 0 : 0x80u) | (c->addr4 ? 0x01u : 0));
}

static int dispatch(struct nor_chip *c, const struct port_qspi_cmd *cmd, const uint8_t *tx,
                    uint8_t *rx)
{
	uint8_t op = cmd->instruction;
	enum nor_vendor v = c->p->vendor;
	bool wb = v == NOR_V_WINBOND || v == NOR_V_GIGADEVICE || v == NOR_V_ADESTO;
	bool instr_only = !cmd->address_lines && !cmd->data_lines;

	for (unsigned i = 0; i < sizeof(rd_ops) / sizeof(rd_ops[0]); i++)
		if (rd_ops[i].op == op)
			return do_read(c, &rd_ops[i], cmd, rx);

	switch (op) {
	case 0x05:
		if (!rx)
			return -1;
		reg_read(sr1_now(c), cmd, rx);
		return 0;
	case 0x35:
		if (wb) {
			if (!rx)
				return -1;
			reg_read(c->sr2, cmd, rx);
			return 0;
		}
		if (!instr_only || c->qpi)
			return -1;
		c->qpi = true; /* 0x35 enters QPI (Micron/Macronix/ISSI) */
		return 0;
	case 0x15:
		if (!rx || (v != NOR_V_WINBOND && v != NOR_V_MACRONIX))
			return -1;
		reg_read((uint8_t)(c->sr3 | (c->addr4 ? (v == NOR_V_WINBOND ? 0x01u : 0x20u) : 0)),
		         cmd, rx);
		return 0;
	case 0x70:
		if (v != NOR_V_MICRON || !rx)
			return -1;
		reg_read(fsr_now(c), cmd, rx);
		return 0;
	case 0x50:
		if (v == NOR_V_MICRON) {
			c->fsr &= ~0x32u;
			c->wel = false;
			return 0;
		}
		return 0; /* Winbond: volatile SR write enable (not modelled) */
	case 0x2B:
		if (v != NOR_V_MACRONIX || !rx)
			return -1;
		reg_read(c->scur, cmd, rx);
		return 0;
	case 0x9F:
		if (!rx || c->qpi)
			return -1;
		fill_rx(rx, cmd->data_len, c->p->id, 3);
		return 0;
	case 0x5A: {
		/* SFDP: 3-byte address (4 in 4-byte mode), 8 dummy clocks */
		if (!rx || !cmd->address_lines || cmd->dummy_cycles != 8 ||
		    (cmd->address_bytes != 3 && !(c->addr4 && cmd->address_bytes == 4)))
			return -1;
		for (uint32_t i = 0; i < cmd->data_len; i++) {
			uint32_t a = cmd->address + i;
			rx[i] = a < c->sfdp_len ? c->sfdp[a] : 0xFF;
		}
		return 0;
	}
	case 0x06:
		c->wel = true;
		return 0;
	case 0x04:
		c->wel = false;
		return 0;
	case 0x01:
	case 0x31:
	case 0x11:
		return do_wrsr(c, op, cmd, tx);
	case 0x02:
		return do_program(c, cmd, tx, false, 1, 1, false);
	case 0x12:
		return do_program(c, cmd, tx, true, 1, 1, false);
	case 0x32:
		if (v == NOR_V_MACRONIX)
			return -1;
		return do_program(c, cmd, tx, false, 1, 4, true);
	case 0x34:
		if (v == NOR_V_MACRONIX)
			return -1;
		return do_program(c, cmd, tx, true, 1, 4, true);
	case 0x38:
		if (wb) { /* Winbond/GD: enter QPI, QE first */
			if (!instr_only || !qe(c))
				return -1;
			c->qpi = true;
			return 0;
		}
		if (v != NOR_V_MICRON && v != NOR_V_MACRONIX)
			return -1;
		return do_program(c, cmd, tx, false, 4, 4, true);
	case 0x3E:
		if (v != NOR_V_MICRON && v != NOR_V_MACRONIX)
			return -1;
		return do_program(c, cmd, tx, true, 4, 4, true);
	case 0x20:
	case 0x52:
	case 0xD8:
	case 0x21:
	case 0x5C:
	case 0xDC: {
		static const uint8_t o3[3] = {0x20, 0x52, 0xD8}, o4[3] = {0x21, 0x5C, 0xDC};
		for (int t = 0; t < 3; t++) {
			if (op == o3[t])
				return do_erase(c, cmd, t, false);
			if (op == o4[t])
				return do_erase(c, cmd, t, true);
		}
		return -1;
	}
	case 0xC7:
	case 0x60:
		return do_erase(c, cmd, -1, false);
	case 0xB7:
	case 0xE9:
		if (!c->p->addr4 || !instr_only)
			return -1;
		if (c->p->b7_needs_wren) {
			if (!c->wel)
				return -1;
			c->wel = false;
		}
		c->addr4 = op == 0xB7;
		return 0;
	case 0xF5:
		if (wb || !c->qpi)
			return -1;
		c->qpi = false;
		return 0;
	case 0xFF:
		if (wb && c->qpi) {
			c->qpi = false;
			return 0;
		}
		return 0; /* SPI: exit continuous read mode (not modelled) */
	case 0xB9:
		c->dpd = true;
		return 0;
	case 0xAB:
		start_busy(c, B_OTHER, RES_US, 0, 0);
		if (rx)
			fill_rx(rx, cmd->data_len, &c->p->id[2], 1);
		return 0;
	default:
		return -1;
	}
}

int nor_chip_command(struct nor_chip *c, const struct port_qspi_cmd *cmd, const uint8_t *tx,
                     uint8_t *rx)
{
	uint64_t now = vclock_now_us();
	complete(c, now);
	uint8_t op = cmd->instruction;
	int rc;
	if (rx)
		memset(rx, 0x00, cmd->data_len); /* hi-Z lines: not 0xFF, not data */
	if (cmd->instruction_lines != (c->qpi ? 4 : 1)) {
		rc = -1;
		goto out;
	}
	if (c->dpd) {
		rc = -1;
		if (op == 0xAB) {
			c->dpd = false;
			start_busy(c, B_OTHER, RES_US, 0, 0);
			rc = 0;
		}
		goto out;
	}
	/* reset: 0x66 arms, 0x99 right after it resets; anything else disarms */
	if (op == 0x99 && c->rst_en) {
		volatile_reset(c);
		start_busy(c, B_OTHER, RESET_US, 0, 0);
		rc = 0;
		goto out;
	}
	c->rst_en = op == 0x66;
	if (op == 0x66) {
		rc = 0;
		goto out;
	}
	if (c->busy && op != 0x05 && !(op == 0x70 && c->p->vendor == NOR_V_MICRON)) {
		rc = -1;
		goto out;
	}
	rc = dispatch(c, cmd, tx, rx);
out:
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
	memset(c->mem, 0xFF, p->size);
	c->p = p;
	c->sfdp_len = nor_sfdp_build(p, c->sfdp, sizeof(c->sfdp));
	c->rng = 0x1234567u ^ p->id[2];
	if (p->qe_factory)
		c->sr2 |= 0x02u;
	return c;
}

void nor_chip_destroy(struct nor_chip *c)
{
	if (!c)
		return;
	nor_torn_free(&c->torn);
	free(c->mem);
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
	FILE *f = fopen(path, "rb");
	if (!f) {
		memset(c->mem, 0xFF, c->p->size);
		return 0;
	}
	size_t n = fread(c->mem, 1, c->p->size, f);
	fclose(f);
	if (n < c->p->size) /* shorter file (other chip before): rest erased */
		memset(c->mem + n, 0xFF, c->p->size - n);
	return 0;
}

int nor_chip_save(const struct nor_chip *c, const char *path)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t n = fwrite(c->mem, 1, c->p->size, f);
	int rc = fclose(f);
	return n == c->p->size && rc == 0 ? 0 : -1;
}

void nor_chip_power_cycle(struct nor_chip *c)
{
	volatile_reset(c);
	c->scur = 0;
}

void nor_chip_inject(struct nor_chip *c, unsigned faults)
{
	c->faults |= faults;
}

void nor_chip_set_sr1(struct nor_chip *c, uint8_t sr1)
{
	c->sr1 = sr1 & 0xFCu;
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
	st->qe = qe(c);
	st->sr1 = sr1_now(c);
	st->sr2 = c->sr2;
	st->sr3 = c->sr3;
	st->fsr = fsr_now(c);
	st->scur = c->scur;
}
