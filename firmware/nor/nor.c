/* SPDX-License-Identifier: MIT */
/*
 * SPI-NOR driver core: probe and the asynchronous operation engine.
 * All commands are 1-1-1 except array reads (1-1-4 0x6B/0x6C when the
 * quad enable is in place). Above 16 MiB the dedicated 4-byte opcodes are
 * used; the stateful 0xB7 mode only when the chip has none.
 */
#include "nor/nor.h"

#include <string.h>

#include "common/compiler.h"
#include "common/err.h"
#include "hal/port.h"
#include "nor/nor_cmds.h"
#include "nor/nor_octal.h"

#define MIB16           (16u * 1024u * 1024u)
#define RESET_WAIT_MS   10u
#define DEAF_WAIT_MS    1u   /* >= every tRES1 / tRST in the datasheets (tens of us) */
#define ID_TRIES        10u  /* a reset during an erase can take ms to recover */
#define SR_WRITE_MAX_MS 100u /* status register write, generous (unverified) */
#define OP_MARGIN_MS    20u
#define MAX_PAGE        256u
#define READ_CHUNK      4096u
#define READ_DUMMY      8u /* 0x0B / 0x6B and their 4-byte forms */
#define SFDP_DUMMY      8u /* JESD216: 0x5A has 8 dummy clocks */
#define SFDP_SPACE      0x10000u
#define ID_BYTES        3u
#define PROBE_SIZE_LOG2 28u /* the whole 256 MiB window until the size is known */

enum job_kind { K_NONE = 0, K_ERASE, K_PROGRAM, K_CHIP };
enum job_state { S_NEXT = 0, S_WEL, S_CMD, S_WAIT, S_CHECK, S_CLEAR, S_COUNT };

/* The probed chip(s): valid once up. */
static struct {
	bool up;
	struct nor_info info;
} nor_dev;

/* The running erase / program job (one at a time), advanced by nor_poll(). */
static struct {
	enum job_kind kind;
	enum job_state st;
	uint32_t addr, end; /* total address space */
	const uint8_t *data;
	uint32_t data_addr;
	uint32_t step_len;
	int step_type; /* erase type index for the current step */
	uint32_t deadline;
	int err;
	uint8_t bounce[2u * MAX_PAGE + 2u];
} nor_job;

/* ------------------------------------------------------------ commands */

static uint8_t nb(void) /* bytes per status read: one per chip */
{
	return nor_dev.info.chips;
}

/* 1 where data moves in 2-byte units: dual flash (one byte per chip) and
 * octal DTR (a word per clock); addresses and lengths kept even. */
static uint32_t word_mask(void)
{
	return nor_dev.info.dual || nor_octal_dtr() ? 1u : 0u;
}

static struct port_qspi_cmd cmd1(uint8_t opcode)
{
	struct port_qspi_cmd c;
	memset(&c, 0, sizeof(c));
	c.instruction = opcode;
	c.instruction_lines = 1;
	return c;
}

static int simple_lines(uint8_t opcode, uint8_t lines)
{
	struct port_qspi_cmd c = cmd1(opcode);
	c.instruction_lines = lines;
	return nor_bus_write(&c, NULL);
}

static int simple(uint8_t opcode)
{
	return simple_lines(opcode, 1);
}

/* Read a register: one byte per chip, interleaved in dual mode. */
static int read_reg(uint8_t opcode, uint8_t *v)
{
	struct port_qspi_cmd c = cmd1(opcode);
	c.data_lines = 1;
	c.data_len = nb();
	return nor_bus_read(&c, v);
}

/* Every chip's byte of a register read has all of bits set. */
static bool all_chips_have(const uint8_t *v, uint8_t bits)
{
	return (v[0] & bits) == bits && (v[nb() - 1u] & bits) == bits;
}

static struct port_qspi_cmd status_cmd(void)
{
	struct port_qspi_cmd c = cmd1(NOR_OP_RDSR);
	c.data_lines = 1;
	c.data_len = nb();
	return c;
}

static int wait_ready(uint32_t timeout_ms)
{
	struct port_qspi_cmd c = status_cmd();
	return nor_bus_poll(&c, NOR_SR1_WIP, 0x00, timeout_ms, NULL);
}

/* Address phase for an array command at a total address. */
static void set_addr(struct port_qspi_cmd *c, uint32_t addr)
{
	c->address_lines = 1;
	c->address_bytes = nor_dev.info.addr_mode == NOR_ADDR_3 ? 3 : 4;
	c->address = addr;
}

/* ------------------------------------------------------------ probe */

/* Wait at least ms whole milliseconds (its own deadline). */
void nor_wait_ms(uint32_t ms)
{
	/* +1: the current tick of port_millis() may be almost over */
	uint32_t end = port_millis() + ms + 1u;
	while (!qdfu_time_reached(port_millis(), end))
		port_wait_hint();
}

/* Back to a known state, whatever a CPU-only reset left the chip in (deep
 * power-down, QPI, 4-byte mode, continuous read). After 0xAB (tRES1) and
 * after a soft reset (tRST) a chip hears no command and does not drive the
 * data line, so polling SR.WIP would read the undriven line: these windows
 * are waited out with fixed delays instead (tRES1 3 us and tRST 30 us on
 * W25Q64JV, the other datasheets' figures are in sim/nor/nor_parts.c; Linux
 * drivers/mtd/spi-nor/core.c spi_nor_soft_reset() sleeps 200-400 us). */
struct reset_step {
	uint8_t op, lines;
	bool wait; /* DEAF_WAIT_MS afterwards */
};
static const struct reset_step reset_steps[] = {
    /* leave deep power-down, in SPI or in QPI */
    {NOR_OP_RES, 1, false},
    {NOR_OP_RES, 4, true},
    /* leave QPI: Micron / Macronix / ISSI 0xF5, Winbond / GigaDevice 0xFF */
    {NOR_OP_RSTQIO, 4, false},
    {NOR_OP_QPI_EX_WB, 4, false},
    /* soft reset on 4 lines, then on 1 line */
    {NOR_OP_RSTEN, 4, false},
    {NOR_OP_RST, 4, true},
    {NOR_OP_RSTEN, 1, false},
    {NOR_OP_RST, 1, true},
    /* continuous-read mode off (0xFF, the Winbond "continuous read mode
     * reset"), back to 3-byte addressing. Micron's XIP mode is left by a
     * read whose XIP confirmation bit is 1, after a controller reset by
     * clocks with DQ0 high (N25Q datasheet "Leaving XIP After a Controller
     * and Memory Reset", as quoted in ese-jenkins mx25lemu/docs/forth_src/
     * n25q.fs; the MT25Q rescue sequence not checked): only this 0xFF (8
     * clocks, DQ0 high: the 3-byte quad case) is sent, unverified on
     * silicon (docs/nor.md). */
    {NOR_OP_CRMR, 1, false},
    {NOR_OP_WREN, 1, false},
    {NOR_OP_EX4B, 1, false},
    {NOR_OP_WRDI, 1, false},
};

static void reset_chips(uint32_t clock_hz)
{
	if (nor_octal_bus())
		nor_octal_reset_blind(clock_hz); /* OPI STR / DTR too (octal.c) */
	for (unsigned i = 0; i < QDFU_ARRAY_SIZE(reset_steps); i++) {
		(void)simple_lines(reset_steps[i].op, reset_steps[i].lines);
		if (reset_steps[i].wait)
			nor_wait_ms(DEAF_WAIT_MS);
	}
	/* a chip reset in the middle of an erase may still be busy */
	(void)wait_ready(RESET_WAIT_MS);
}

static int sfdp_read(void *ctx, uint32_t addr, uint8_t *buf, uint32_t len)
{
	QDFU_UNUSED(ctx);
	uint8_t tmp[64];
	if (addr + len > SFDP_SPACE)
		return QDFU_E_PARAM;
	while (len) {
		uint32_t chunk = qdfu_min_u32(len, (uint32_t)sizeof(tmp) / 2u);
		struct port_qspi_cmd c = cmd1(NOR_OP_RDSFDP);
		c.address_lines = 1;
		c.address_bytes = 3;
		c.address = addr * nb(); /* the port halves it in dual mode */
		c.dummy_cycles = SFDP_DUMMY;
		c.data_lines = 1;
		c.data_len = chunk * nb();
		int rc = nor_bus_read(&c, tmp);
		if (rc)
			return rc;
		for (uint32_t i = 0; i < chunk; i++)
			buf[i] = tmp[i * nb()]; /* chip 0's bytes (both are equal) */
		buf += chunk;
		addr += chunk;
		len -= chunk;
	}
	return QDFU_OK;
}

/* A sector map's configuration detection command: one register byte per
 * chip; in dual-flash mode both chips must be in the same configuration. */
static int sfdp_reg(void *ctx, uint8_t op, uint8_t addr_bytes, uint32_t addr, uint8_t dummy,
                    uint8_t *val)
{
	QDFU_UNUSED(ctx);
	uint8_t v[2];
	struct port_qspi_cmd c = cmd1(op);
	if (addr_bytes) {
		c.address_lines = 1;
		c.address_bytes = addr_bytes;
		c.address = addr * nb(); /* the port halves it in dual mode */
	}
	c.dummy_cycles = dummy;
	c.data_lines = 1;
	c.data_len = nb();
	int rc = port_qspi_read(&c, v);
	if (rc || v[0] != v[nb() - 1u])
		return rc ? rc : QDFU_E_UNSUPPORTED;
	*val = v[0];
	return QDFU_OK;
}

/* How each JESD216 quad enable requirement (BFPT DW15 QER, shared facts)
 * sets QE: the register holding it (read opcode, bit), the write opcode,
 * whether the write carries that register alone or SR1 then SR2, and
 * whether the method defines reading that register: QER 1 and 4 do not
 * define 0x35 (Linux sfdp.c marks them SNOR_F_NO_READ_CR), so there it is
 * read only where the vendor layer knows the chip has it (p->rdsr2). */
enum qe_write { QE_BY_OPCODE = 0, QE_WRITE_ALONE, QE_WRITE_SR1_SR2 };
struct qe_method {
	uint8_t rd_op, bit, wr_op;
	uint8_t keep_clear; /* bits of the read value not written back */
	enum qe_write how;
	bool rd_defined;
};
static const struct qe_method qe_methods[] = {
    [0] = {0, 0, 0, 0, QE_BY_OPCODE, true}, /* no QE bit: quad by opcode alone */
    [1] = {NOR_OP_RDSR2, NOR_SR2_QE, NOR_OP_WRSR, 0, QE_WRITE_SR1_SR2, false},
    [2] = {NOR_OP_RDSR, NOR_SR1_QE, NOR_OP_WRSR, NOR_SR1_STATUS, QE_WRITE_ALONE, true},
    [3] = {NOR_OP_RDSR2_QER3, NOR_SR2_QE_QER3, NOR_OP_WRSR2_QER3, 0, QE_WRITE_ALONE, true},
    [4] = {NOR_OP_RDSR2, NOR_SR2_QE, NOR_OP_WRSR, 0, QE_WRITE_SR1_SR2, false},
    [5] = {NOR_OP_RDSR2, NOR_SR2_QE, NOR_OP_WRSR, 0, QE_WRITE_SR1_SR2, true},
    [6] = {NOR_OP_RDSR2, NOR_SR2_QE, NOR_OP_WRSR2, 0, QE_WRITE_ALONE, true},
};

static int read_raw(uint32_t addr, uint8_t *buf, uint32_t len);

/* Where QE cannot be read back: a 1-1-4 read of the first bytes agrees
 * with a 1-1-1 fast read. (An all-0x00 or, on a board whose IO2/IO3 float
 * high, an erased start would hide a failure.) */
static bool quad_reads_agree(void)
{
	uint8_t one[16], four[16];
	bool quad = nor_dev.info.quad;
	nor_dev.info.quad = false;
	int rc = read_raw(0, one, sizeof(one));
	nor_dev.info.quad = true;
	rc = rc ? rc : read_raw(0, four, sizeof(four));
	nor_dev.info.quad = quad;
	return rc == QDFU_OK && memcmp(one, four, sizeof(one)) == 0;
}

/* Read the register holding QE, or assume it clear where the method does
 * not define reading it. */
static int read_qe_reg(const struct qe_method *m, bool readable, uint8_t *reg)
{
	if (readable)
		return read_reg(m->rd_op, reg);
	memset(reg, 0, 2);
	return QDFU_OK;
}
QDFU_STATIC_ASSERT(QDFU_ARRAY_SIZE(qe_methods) == 7, "JESD216 defines QER 0..6");

/* Write the status register(s) per QER so the QE bit is set; verify. */
static int quad_enable(void)
{
	uint8_t qer = nor_dev.info.p.qer, c = nb();
	if (qer >= QDFU_ARRAY_SIZE(qe_methods))
		return QDFU_E_UNSUPPORTED;
	const struct qe_method *m = &qe_methods[qer];
	if (m->how == QE_BY_OPCODE)
		return QDFU_OK;
	bool readable = m->rd_defined || nor_dev.info.p.rdsr2;
	uint8_t reg[2], w[4];
	int rc;
	if ((rc = read_qe_reg(m, readable, reg)))
		return rc;
	if (readable && all_chips_have(reg, m->bit))
		return QDFU_OK;
	struct port_qspi_cmd wr = cmd1(m->wr_op);
	wr.data_lines = 1;
	wr.data_len = c;
	if (m->how == QE_WRITE_SR1_SR2) {
		uint8_t sr1[2];
		if ((rc = read_reg(NOR_OP_RDSR, sr1)))
			return rc;
		for (unsigned i = 0; i < c; i++) {
			w[i] = (uint8_t)(sr1[i] & ~NOR_SR1_STATUS);
			w[c + i] = (uint8_t)(reg[i] | m->bit);
		}
		wr.data_len = 2u * c;
	} else {
		for (unsigned i = 0; i < c; i++)
			w[i] = (uint8_t)((reg[i] & ~m->keep_clear) | m->bit);
	}
	if ((rc = simple(NOR_OP_WREN)) || (rc = nor_bus_write(&wr, w)) ||
	    (rc = wait_ready(SR_WRITE_MAX_MS)))
		return rc;
	if (!readable)
		return quad_reads_agree() ? QDFU_OK : QDFU_E_UNSUPPORTED;
	if ((rc = read_reg(m->rd_op, reg)))
		return rc;
	return all_chips_have(reg, m->bit) ? QDFU_OK : QDFU_E_UNSUPPORTED;
}

/* Block protection left set by the factory or another tool makes Winbond
 * and ISSI parts ignore program and erase without a word (Micron and
 * Macronix flag it). Clear the BP bits at probe: volatile where the chip
 * has a volatile status write (0x50 then 0x01: Winbond, GigaDevice, Adesto
 * datasheets; the protection is back after a power cycle, and cleared again
 * at the next probe), else non-volatile (WREN then 0x01), as Linux does
 * with spi_nor_try_unlock_all() (drivers/mtd/spi-nor/core.c, swp.c). One
 * status byte is written: SR2 is left alone except on QER 1 parts, whose
 * quad enable is set again afterwards. */
static int unprotect(void)
{
	const struct nor_params *p = &nor_dev.info.p;
	uint8_t sr1[2], w[2], c = nb();
	int rc = read_reg(NOR_OP_RDSR, sr1);
	if (rc || !((sr1[0] | sr1[c - 1u]) & p->bp_mask))
		return rc;
	nor_dev.info.protect_found = true;
	for (unsigned i = 0; i < c; i++)
		w[i] = (uint8_t)(sr1[i] & ~(p->bp_mask | NOR_SR1_STATUS));
	struct port_qspi_cmd wr = cmd1(NOR_OP_WRSR);
	wr.data_lines = 1;
	wr.data_len = c;
	if ((rc = simple(p->vsr_50 ? NOR_OP_VSR_WREN : NOR_OP_WREN)) ||
	    (rc = nor_bus_write(&wr, w)) || (rc = wait_ready(SR_WRITE_MAX_MS)) ||
	    (rc = read_reg(NOR_OP_RDSR, sr1)))
		return rc;
	nor_dev.info.protect_cleared = !((sr1[0] | sr1[c - 1u]) & p->bp_mask);
	return QDFU_OK;
}

static uint8_t log2u(uint32_t v)
{
	uint8_t l = 0;
	while ((1u << l) < v && l < 31)
		l++;
	return l;
}

/* JEDEC ID of chip 0; in dual mode both chips must be the same part. */
static int read_id(void)
{
	uint8_t id[2u * ID_BYTES];
	struct port_qspi_cmd c = cmd1(NOR_OP_RDID);
	c.data_lines = 1;
	c.data_len = ID_BYTES * nb();
	int rc = nor_bus_read(&c, id);
	if (rc)
		return rc;
	for (unsigned i = 0; i < ID_BYTES; i++) {
		nor_dev.info.id[i] = id[i * nb()];
		if (nor_dev.info.dual && id[i * 2u] != id[i * 2u + 1u])
			return QDFU_E_NO_DEVICE;
	}
	/* all zeros or all ones: nothing drives the line */
	if ((nor_dev.info.id[0] == 0x00 || nor_dev.info.id[0] == 0xFF) &&
	    nor_dev.info.id[1] == nor_dev.info.id[0])
		return QDFU_E_NO_DEVICE;
	return QDFU_OK;
}

/* Parameters in layers: defaults, JEDEC-ID table, SFDP, vendor fixups. */
static int load_params(void)
{
	struct nor_params *p = &nor_dev.info.p;
	nor_params_defaults(p);
	bool known = nor_ids_apply(nor_dev.info.id, p);
	int rc = nor_sfdp_parse_detect(sfdp_read, sfdp_reg, NULL, p);
	if (rc && !known)
		return rc == QDFU_E_UNSUPPORTED ? QDFU_E_UNSUPPORTED : rc;
	nor_vendor_fixup(nor_dev.info.id, p);
	if (p->size == 0 || p->nerase == 0)
		return QDFU_E_UNSUPPORTED;
	if (p->page > MAX_PAGE || p->page == 0)
		p->page = MAX_PAGE;
	return QDFU_OK;
}

/* With dedicated 4-byte opcodes only the erase types that have one remain. */
static void keep_4byte_erase_types(struct nor_params *p)
{
	unsigned w = 0;
	for (unsigned k = 0; k < p->nerase; k++)
		if (p->erase[k].op4)
			p->erase[w++] = p->erase[k];
	for (unsigned k = w; k < NOR_MAX_ERASE_TYPES; k++)
		memset(&p->erase[k], 0, sizeof(p->erase[k]));
	p->nerase = (uint8_t)w;
}

/* 3-byte up to 16 MiB; above, dedicated 4-byte opcodes, else 0xB7 mode. */
static int set_addressing(void)
{
	struct nor_params *p = &nor_dev.info.p;
	if (p->size <= MIB16) {
		nor_dev.info.addr_mode = NOR_ADDR_3;
	} else if (p->op4_read && p->op4_pp && p->op4_erase) {
		nor_dev.info.addr_mode = NOR_ADDR_4_OPS;
		keep_4byte_erase_types(p);
	} else {
		nor_dev.info.addr_mode = NOR_ADDR_4_MODE;
		if (p->b7_wren)
			(void)simple(NOR_OP_WREN);
		return simple(NOR_OP_EN4B);
	}
	return QDFU_OK;
}

/* Sizes the rest of the firmware sees: totals of both chips. */
static void fill_geometry(void)
{
	const struct nor_params *p = &nor_dev.info.p;
	nor_dev.info.size = p->size * nb();
	nor_dev.info.page = p->page * nb();
	nor_dev.info.nerase = p->nerase;
	for (unsigned i = 0; i < p->nerase; i++)
		nor_dev.info.erase_size[i] = p->erase[i].size * nb();
}

int nor_probe(bool dual, uint32_t clock_hz)
{
	memset(&nor_dev, 0, sizeof(nor_dev));
	memset(&nor_job, 0, sizeof(nor_job));
	struct port_qspi_config cfg = {dual, PROBE_SIZE_LOG2, clock_hz};
	int rc = port_qspi_init(&cfg);
	if (rc)
		return rc == QDFU_E_PARAM ? QDFU_E_NO_DEVICE : rc;
	nor_dev.info.dual = dual;
	nor_dev.info.chips = dual ? 2 : 1;
	reset_chips(clock_hz);
	if (nor_octal_bus())
		rc = nor_octal_find(read_id); /* the chip may boot in OPI */
	else
		for (unsigned t = 1; (rc = read_id()) == QDFU_E_NO_DEVICE && t < ID_TRIES; t++)
			nor_wait_ms(DEAF_WAIT_MS);
	if (rc || (rc = load_params()) || (rc = set_addressing()))
		return rc;
	(void)unprotect(); /* a failure shows in protect_cleared */
	/* quad reads where the chip has the opcode (0x6C above 16 MiB: the
	 * 4BAIT says) and the QE bit could be set; 1-1-1 otherwise */
	const struct nor_params *p = &nor_dev.info.p;
	bool quad_op = nor_dev.info.addr_mode != NOR_ADDR_4_OPS || p->op4_quad_read;
	nor_dev.info.quad = p->quad_read && quad_op && quad_enable() == QDFU_OK;
	/* quad page programs need the same QE bit; 0x34 above 16 MiB */
	nor_dev.info.quad_pp = nor_dev.info.quad && p->quad_pp &&
	                       (nor_dev.info.addr_mode != NOR_ADDR_4_OPS || p->op4_quad_pp);
	(void)simple(NOR_OP_WRDI);
	if ((rc = nor_octal_enter())) /* the board's protocol (octal.c) */
		return rc;
	fill_geometry();
	cfg.size_log2 = log2u(nor_dev.info.size);
	if ((rc = port_qspi_init(&cfg)))
		return rc;
	nor_dev.up = true;
	return QDFU_OK;
}

const struct nor_info *nor_get_info(void)
{
	return nor_dev.up ? &nor_dev.info : NULL;
}

/* ------------------------------------------------------------ read */

static uint8_t read_opcode(void)
{
	bool four = nor_dev.info.addr_mode == NOR_ADDR_4_OPS;
	if (nor_dev.info.quad)
		return four ? NOR_OP_READ_1_1_4_4B : NOR_OP_READ_1_1_4;
	return four ? NOR_OP_FAST_READ_4B : NOR_OP_FAST_READ;
}

/* The array read the probe set up: 1-1-4 when the QE bit is set (quad),
 * else 1-1-1 fast read; 8 dummy clocks either way. */
static struct port_qspi_cmd read_cmd(uint32_t addr, uint32_t len)
{
	struct port_qspi_cmd c = cmd1(read_opcode());
	set_addr(&c, addr);
	c.dummy_cycles = READ_DUMMY;
	c.data_lines = nor_dev.info.quad ? 4 : 1;
	c.data_len = len;
	return c;
}

static int read_raw(uint32_t addr, uint8_t *buf, uint32_t len)
{
	struct port_qspi_cmd c = read_cmd(addr, len);
	return nor_bus_read(&c, buf);
}

int nor_xip_read_cmd(struct port_qspi_cmd *c)
{
	if (!nor_dev.up)
		return QDFU_E_NO_DEVICE;
	*c = read_cmd(0, 0);
	return nor_octal_frame(c); /* the protocol the chip is in now */
}

int nor_memmap_cmd(const struct port_qspi_cmd *c)
{
	if (!nor_dev.up)
		return QDFU_E_NO_DEVICE;
	if (nor_job.kind != K_NONE)
		return QDFU_E_BUSY;
	return port_qspi_memmap(c);
}

int nor_memmap(void)
{
	struct port_qspi_cmd c;
	int rc = nor_xip_read_cmd(&c);
	return rc ? rc : nor_memmap_cmd(&c);
}

int nor_set_proto(enum nor_proto p)
{
	if (!nor_dev.up)
		return QDFU_E_NO_DEVICE;
	if (nor_job.kind != K_NONE)
		return QDFU_E_BUSY;
	return nor_octal_switch(p);
}

/* nor_read and nor_read_crc: out (if not NULL) gets the bytes, *crc (if
 * crc is not NULL) is continued with them. Where data moves in 2-byte units
 * an odd head or a last single byte is read as a 2-byte word; the body goes
 * in chunks, through the CRC unit as it drains when crc is asked for. */
static int read_any(uint32_t addr, uint8_t *out, uint32_t len, uint32_t *crc)
{
	if (!nor_dev.up)
		return QDFU_E_NO_DEVICE;
	if (addr > nor_dev.info.size || len > nor_dev.info.size - addr)
		return QDFU_E_ADDRESS;
	if (nor_job.kind != K_NONE)
		return QDFU_E_BUSY;
	uint32_t a = word_mask(); /* alignment mask */
	while (len) {
		int rc;
		uint32_t m;
		if ((addr & a) || len < 2u * a + 1u - a) {
			/* dual: an odd start or a last single byte via 2 bytes */
			uint8_t two[2];
			if (!a)
				break;
			if ((rc = read_raw(addr & ~a, two, 2)))
				return rc;
			uint32_t k = addr & a;
			m = QDFU_MIN(2u - k, len);
			if (out)
				memcpy(out, two + k, m);
			if (crc)
				*crc = port_crc32_update(*crc, two + k, m);
		} else {
			m = QDFU_MIN(len & ~a, READ_CHUNK);
			struct port_qspi_cmd c = read_cmd(addr, m);
			rc = crc ? nor_bus_read_crc(&c, crc) : nor_bus_read(&c, out);
			if (rc)
				return rc;
		}
		if (out)
			out += m;
		addr += m;
		len -= m;
	}
	return QDFU_OK;
}

int nor_read(uint32_t addr, void *buf, uint32_t len)
{
	return read_any(addr, buf, len, NULL);
}

int nor_read_crc(uint32_t addr, uint32_t len, uint32_t *crc)
{
	return read_any(addr, NULL, len, crc);
}

/* ------------------------------------------------------------ planner */

int nor_erase_plan_step(const uint32_t *sizes, unsigned cnt, uint32_t addr, uint32_t len)
{
	for (int i = (int)cnt - 1; i >= 0; i--) {
		uint32_t s = sizes[i];
		if (s && (addr & (s - 1u)) == 0 && s <= len)
			return i;
	}
	return -1;
}

/* ------------------------------------------------------------ operations */

static int begin(enum job_kind k, uint32_t addr, uint32_t end)
{
	if (!nor_dev.up)
		return QDFU_E_NO_DEVICE;
	if (nor_job.kind != K_NONE)
		return QDFU_E_BUSY;
	nor_job.kind = k;
	nor_job.st = S_NEXT;
	nor_job.addr = addr;
	nor_job.end = end;
	nor_job.err = QDFU_OK;
	return QDFU_OK;
}

int nor_erase_time(uint32_t addr, uint32_t len, struct nor_time *t)
{
	if (!nor_dev.up)
		return QDFU_E_NO_DEVICE;
	uint32_t small = nor_dev.info.erase_size[0];
	if (len == 0 || addr % small || len % small || addr > nor_dev.info.size ||
	    len > nor_dev.info.size - addr)
		return QDFU_E_PARAM;
	/* estimate with the same plan the operation will follow */
	uint64_t typ = 0, max = 0;
	for (uint32_t a = addr, left = len; left;) {
		int i = nor_erase_plan_step(nor_dev.info.erase_size, nor_dev.info.nerase, a, left);
		if (i < 0)
			return QDFU_E_PARAM;
		typ += nor_dev.info.p.erase[i].typ_ms;
		max += nor_dev.info.p.erase[i].max_ms;
		a += nor_dev.info.erase_size[i];
		left -= nor_dev.info.erase_size[i];
	}
	t->typ_ms = (uint32_t)QDFU_MIN(typ, 0xFFFFFFFFu);
	t->max_ms = (uint32_t)QDFU_MIN(max, 0xFFFFFFFFu);
	return QDFU_OK;
}

int nor_erase_start(uint32_t addr, uint32_t len, struct nor_time *t)
{
	struct nor_time est;
	int rc = nor_erase_time(addr, len, &est);
	if (rc == QDFU_OK)
		rc = begin(K_ERASE, addr, addr + len);
	if (rc)
		return rc;
	if (t)
		*t = est;
	return QDFU_OK;
}

int nor_program_start(uint32_t addr, const uint8_t *data, uint32_t len, struct nor_time *t)
{
	if (!nor_dev.up)
		return QDFU_E_NO_DEVICE;
	if (len == 0 || !data || addr > nor_dev.info.size || len > nor_dev.info.size - addr)
		return QDFU_E_PARAM;
	int rc = begin(K_PROGRAM, addr, addr + len);
	if (rc)
		return rc;
	nor_job.data = data;
	nor_job.data_addr = addr;
	uint32_t page = nor_dev.info.page;
	uint32_t pages = (addr % page + len + page - 1u) / page;
	if (t) {
		t->typ_ms = (pages * nor_dev.info.p.pp_typ_us + 999u) / 1000u;
		t->max_ms = (pages * nor_dev.info.p.pp_max_us + 999u) / 1000u;
	}
	return QDFU_OK;
}

int nor_mass_erase_start(struct nor_time *t)
{
	int rc = begin(K_CHIP, 0, nor_dev.info.size);
	if (rc)
		return rc;
	if (t) {
		t->typ_ms = nor_dev.info.p.chip_typ_ms;
		t->max_ms = nor_dev.info.p.chip_max_ms;
	}
	return QDFU_OK;
}

static int end_job(int rc)
{
	nor_job.kind = K_NONE;
	nor_job.st = S_NEXT;
	return rc;
}

/* After a timeout: abort what the chips are doing (soft reset: the block
 * of the aborted operation is left undefined, and reported as failed),
 * wait out tRST and any busy period, and restore the addressing mode. */
static void recover_chips(void)
{
	(void)simple(NOR_OP_RSTEN);
	(void)simple(NOR_OP_RST);
	nor_wait_ms(DEAF_WAIT_MS);
	nor_octal_after_reset(); /* an octal chip is back in its default protocol */
	(void)wait_ready(RESET_WAIT_MS);
	(void)nor_octal_enter();
	if (nor_dev.info.addr_mode == NOR_ADDR_4_MODE) {
		if (nor_dev.info.p.b7_wren)
			(void)simple(NOR_OP_WREN);
		(void)simple(NOR_OP_EN4B);
	}
}

static int fail_code(void)
{
	return nor_job.kind == K_PROGRAM ? QDFU_E_PROGRAM : QDFU_E_ERASE;
}

/* The bus commands of one step; each sets the step's length and its
 * maximum time in ms. */
static int issue_chip_erase(uint32_t *max_ms)
{
	struct port_qspi_cmd c = cmd1(NOR_OP_CHIP_ERASE);
	nor_job.step_len = nor_job.end - nor_job.addr;
	if (nor_bus_write(&c, NULL))
		return QDFU_E_ERASE;
	*max_ms = nor_dev.info.p.chip_max_ms;
	return QDFU_OK;
}

static int issue_erase(uint32_t *max_ms)
{
	const struct nor_erase *e = &nor_dev.info.p.erase[nor_job.step_type];
	struct port_qspi_cmd c = cmd1(nor_dev.info.addr_mode == NOR_ADDR_4_OPS ? e->op4 : e->op);
	set_addr(&c, nor_job.addr);
	if (nor_bus_write(&c, NULL))
		return QDFU_E_ERASE;
	*max_ms = e->max_ms;
	return QDFU_OK;
}

/* One page: [addr, page end) clipped to the data, padded to an even span
 * in dual mode (0xFF leaves bits alone). */
static int issue_program(uint32_t *max_ms)
{
	uint32_t a = word_mask();
	uint32_t pend = (nor_job.addr / nor_dev.info.page + 1u) * nor_dev.info.page;
	uint32_t stop = QDFU_MIN(pend, nor_job.end);
	uint32_t from = nor_job.addr & ~a, to = (stop + a) & ~a;
	memset(nor_job.bounce, 0xFF, to - from);
	memcpy(nor_job.bounce + (nor_job.addr - from),
	       nor_job.data + (nor_job.addr - nor_job.data_addr), stop - nor_job.addr);
	nor_job.step_len = stop - nor_job.addr;
	bool four = nor_dev.info.addr_mode == NOR_ADDR_4_OPS, quad = nor_dev.info.quad_pp;
	struct port_qspi_cmd c = cmd1(quad ? (four ? NOR_OP_PP_1_1_4_4B : NOR_OP_PP_1_1_4)
	                                   : (four ? NOR_OP_PP_4B : NOR_OP_PP));
	set_addr(&c, from);
	c.data_lines = quad ? 4 : 1; /* 1-1-4: a quarter of the data clocks */
	c.data_len = to - from;
	if (nor_bus_write(&c, nor_job.bounce))
		return QDFU_E_PROGRAM;
	*max_ms = (nor_dev.info.p.pp_max_us + 999u) / 1000u;
	return QDFU_OK;
}

/* A step is done: the next one, or the end of the nor_job. */
static int step_done(void)
{
	nor_job.addr += nor_job.step_len;
	nor_job.st = S_NEXT;
	if (nor_job.addr >= nor_job.end)
		return end_job(QDFU_OK);
	return QDFU_E_BUSY;
}

/* ---- one handler per job state (nor_poll) ---- */

static int job_next(void)
{
	if (nor_job.addr >= nor_job.end)
		return end_job(QDFU_OK);
	if (nor_job.kind == K_ERASE) {
		nor_job.step_type =
		    nor_erase_plan_step(nor_dev.info.erase_size, nor_dev.info.nerase, nor_job.addr,
		                        nor_job.end - nor_job.addr);
		if (nor_job.step_type < 0)
			return end_job(QDFU_E_PARAM);
		nor_job.step_len = nor_dev.info.erase_size[nor_job.step_type];
	}
	if (simple(NOR_OP_WREN))
		return end_job(fail_code());
	nor_job.st = S_WEL;
	return QDFU_E_BUSY;
}

/* The write enable took: WEL set and WIP clear on every chip. A chip still
 * busy (or not listening) ignores WREN and the command, and the end of its
 * old operation would be taken for the end of this one. */
static int job_wel(void)
{
	uint8_t v[2];
	int rc = read_reg(NOR_OP_RDSR, v);
	if (rc)
		return end_job(rc);
	if (!all_chips_have(v, NOR_SR1_WEL) || ((v[0] | v[nb() - 1u]) & NOR_SR1_WIP)) {
		recover_chips();
		return end_job(QDFU_E_NO_DEVICE);
	}
	nor_job.st = S_CMD;
	return QDFU_E_BUSY;
}

static int job_cmd(void)
{
	uint32_t max_ms = 0;
	int rc;
	if (nor_job.kind == K_CHIP)
		rc = issue_chip_erase(&max_ms);
	else if (nor_job.kind == K_ERASE)
		rc = issue_erase(&max_ms);
	else
		rc = issue_program(&max_ms);
	if (rc)
		return end_job(rc);
	nor_job.deadline = port_millis() + max_ms + OP_MARGIN_MS;
	nor_job.st = S_WAIT;
	return QDFU_E_BUSY;
}

static int job_wait(void)
{
	/* the clock before the status: time passing between the two (an
	 * interrupt; in qdfu-sim another device moving the shared clock) must
	 * not turn a busy seen in time into a timeout */
	uint32_t now = port_millis();
	struct port_qspi_cmd c = status_cmd();
	int rc = nor_bus_poll(&c, NOR_SR1_WIP, 0x00, 0, NULL);
	if (rc == QDFU_E_BUSY) {
		if (qdfu_time_reached(now, nor_job.deadline)) {
			recover_chips(); /* never leave a chip busy behind a failure */
			return end_job(QDFU_E_TIMEOUT);
		}
		return QDFU_E_BUSY;
	}
	if (rc)
		return end_job(rc);
	if (nor_dev.info.p.fsr || nor_dev.info.p.scur) {
		nor_job.st = S_CHECK;
		return QDFU_E_BUSY;
	}
	return step_done();
}

/* Micron flag status / Macronix security register error bits. */
static int job_check(void)
{
	bool fsr = nor_dev.info.p.fsr;
	uint8_t v[2];
	int rc = read_reg(fsr ? NOR_OP_RDFSR : NOR_OP_RDSCUR, v);
	if (rc)
		return end_job(rc);
	uint8_t bits = (uint8_t)(v[0] | v[nb() - 1u]);
	if (!(bits & (fsr ? NOR_FSR_ERRORS : NOR_SCUR_ERRORS)))
		return step_done();
	nor_job.err = fail_code();
	if (!fsr)
		return end_job(nor_job.err);
	nor_job.st = S_CLEAR;
	return QDFU_E_BUSY;
}

static int job_clear(void)
{
	(void)simple(NOR_OP_CLFSR);
	(void)simple(NOR_OP_WRDI);
	return end_job(nor_job.err);
}

static int (*const job_states[])(void) = {
    [S_NEXT] = job_next, [S_WEL] = job_wel,     [S_CMD] = job_cmd,
    [S_WAIT] = job_wait, [S_CHECK] = job_check, [S_CLEAR] = job_clear,
};
QDFU_STATIC_ASSERT(QDFU_ARRAY_SIZE(job_states) == S_COUNT, "one handler per job state");

int nor_poll(void)
{
	if (nor_job.kind == K_NONE)
		return QDFU_OK;
	return job_states[nor_job.st]();
}
