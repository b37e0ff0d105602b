// SPDX-License-Identifier: MIT
/*
 * Octal front end of the MX25LM51245G model. Sources, as read for the
 * shared facts (octospi.md) - the Macronix datasheet itself was not
 * available, so its section names below are those of ST's driver and are
 * UNVERIFIED against the datasheet:
 *  [MXC]  ST's component driver stm32-mx25lm51245g (mx25lm51245g.c/.h):
 *         command values, the OPI framing of every command (8 lines,
 *         16-bit instruction = opcode then its complement, 32-bit address,
 *         register reads with address 0 and 4 (STR) / 5 (DTR) dummy
 *         cycles, 2 data bytes in DTR, DQS for DTR reads only), CR2
 *         addresses and bits, the dummy-cycle table of CR2 0x300;
 *  [ZEP]  Zephyr flash_stm32_ospi.c / spi_nor.h: SFDP in OPI with 20
 *         dummy cycles; the blind reset in SPI, OPI STR and OPI DTR;
 *  [LNX]  Linux drivers/mtd/spi-nor/macronix.c (octal DTR enable): in
 *         8D-8D-8D the ID comes as 6 bytes A-A-B-B-C-C, and 1-byte register
 *         transfers are not allowed in 8D-8D-8D.
 * Modelled as unkind as those allow: a command in the wrong protocol, a
 * wrong complement, a wrong dummy count, an odd DTR byte count or a DTR
 * read without DQS is ignored (data lines undriven: reads 0x00). UNVERIFIED
 * choices: register and ID bytes duplicated in DTR (from [LNX] for the ID),
 * A0 ignored by DTR array reads, 8READ only in STR and 8DTRD only in DTR,
 * a software reset returning to the non-volatile default protocol.
 */
#include "sim/nor/nor_octal.h"

#include <string.h>

#include "nor/nor_cmds.h"
#include "sim/clock/vclock.h"
#include "sim/nor/nor_chip.h"

#define OP_RDCR2     0x71u /* [MXC] read configuration register 2 */
#define OP_WRCR2     0x72u /* [MXC] write configuration register 2 */
#define OP_8READ     0xECu /* [MXC] OPI STR read (0xEC13) */
#define OP_8DTRD     0xEEu /* [MXC] OPI DTR read (0xEE11) */
#define CR2_MODE     0x00000000u
#define CR2_DQS      0x00000200u
#define CR2_DC       0x00000300u
#define CR2_PP       0x00000500u
#define CR2_NV       0x40000000u
#define CR2_SOPI     0x01u
#define CR2_DOPI     0x02u
#define REG_DUMMY    4u    /* [MXC] DUMMY_CYCLES_REG_OCTAL */
#define REG_DUMMY_D  5u    /* [MXC] DUMMY_CYCLES_REG_OCTAL_DTR */
#define SFDP_DUMMY_O 20u   /* [ZEP] stm32_ospi_read_sfdp in OPI */
#define SPI_DUMMY    8u    /* what the SPI model's 0x0C / 0x5A take */
#define NV_WRITE_US  2000u /* non-volatile CR2 write (UNVERIFIED, as SR writes) */
#define CHUNK        512u

enum addr_kind { A_NONE = 0, A_ZERO, A_REAL };
enum dummy_kind { D_NONE = 0, D_REG, D_READ, D_SFDP };
enum data_kind { N_NONE = 0, N_IN, N_OUT };

/* One OPI command [MXC command table]: its address, dummy and data phases
 * and the SPI opcode that does the same on the SPI model (0 = handled
 * here). reg: a register (bytes duplicated in DTR). */
struct opi_op {
	uint8_t op;
	uint8_t addr, dummy, data;
	bool reg;
	uint8_t spi;
};

static const struct opi_op opi_ops[] = {
    {OP_8READ, A_REAL, D_READ, N_IN, false, NOR_OP_FAST_READ_4B},
    {OP_8DTRD, A_REAL, D_READ, N_IN, false, NOR_OP_FAST_READ_4B},
    {NOR_OP_PP_4B, A_REAL, D_NONE, N_OUT, false, NOR_OP_PP_4B},
    {NOR_OP_BE_4K_4B, A_REAL, D_NONE, N_NONE, false, NOR_OP_BE_4K_4B},
    {NOR_OP_SE_4B, A_REAL, D_NONE, N_NONE, false, NOR_OP_SE_4B},
    {NOR_OP_CHIP_ERASE2, A_NONE, D_NONE, N_NONE, false, NOR_OP_CHIP_ERASE2},
    {NOR_OP_WREN, A_NONE, D_NONE, N_NONE, false, NOR_OP_WREN},
    {NOR_OP_WRDI, A_NONE, D_NONE, N_NONE, false, NOR_OP_WRDI},
    {NOR_OP_RDSR, A_ZERO, D_REG, N_IN, true, NOR_OP_RDSR},
    {NOR_OP_RDCR, A_ZERO, D_REG, N_IN, true, NOR_OP_RDCR},
    {NOR_OP_RDSCUR, A_ZERO, D_REG, N_IN, true, NOR_OP_RDSCUR},
    {NOR_OP_WRSR, A_ZERO, D_NONE, N_OUT, true, NOR_OP_WRSR},
    {NOR_OP_RDID, A_ZERO, D_REG, N_IN, true, NOR_OP_RDID},
    {NOR_OP_RDSFDP, A_REAL, D_SFDP, N_IN, false, NOR_OP_RDSFDP},
    {OP_RDCR2, A_REAL, D_REG, N_IN, true, 0},
    {OP_WRCR2, A_REAL, D_NONE, N_OUT, true, 0},
    {NOR_OP_RSTEN, A_NONE, D_NONE, N_NONE, false, NOR_OP_RSTEN},
    {NOR_OP_RST, A_NONE, D_NONE, N_NONE, false, NOR_OP_RST},
    {NOR_OP_DP, A_NONE, D_NONE, N_NONE, false, NOR_OP_DP},
    {NOR_OP_RES, A_NONE, D_NONE, N_NONE, false, NOR_OP_RES},
};

static const struct opi_op *find_op(uint8_t op)
{
	for (unsigned i = 0; i < sizeof(opi_ops) / sizeof(opi_ops[0]); i++)
		if (opi_ops[i].op == op)
			return &opi_ops[i];
	return NULL;
}

/* CR2 0x300 DC[2:0] -> dummy cycles of 8READ / 8DTRD [MXC]: 000 20, 001
 * 18, ... 111 6 (power-on value 000). */
static unsigned read_dummy(const struct nor_chip *c)
{
	return 20u - 2u * (c->opi.cr2_dc & 7u);
}

/* ------------------------------------------------------------ CR2 */

static uint8_t *cr2_reg(struct nor_chip *c, uint32_t addr)
{
	switch (addr) {
	case CR2_MODE:
		return &c->opi.cr2_mode;
	case CR2_DQS:
		return &c->opi.cr2_dqs;
	case CR2_DC:
		return &c->opi.cr2_dc;
	case CR2_PP:
		return &c->opi.cr2_pp;
	case CR2_NV:
		return &c->opi.cr2_nv;
	default:
		return NULL; /* other CR2 addresses: not modelled */
	}
}

static enum nor_opi_proto proto_of(uint8_t mode)
{
	if (mode & CR2_DOPI)
		return OPI_DTR;
	return (mode & CR2_SOPI) ? OPI_STR : OPI_SPI;
}

/* WRCR2: needs WEL like every write [MXC WriteCfg2Register after WREN];
 * volatile addresses take effect when the command ends (the mode switch:
 * the next command must come in the new protocol), the non-volatile
 * default is a write cycle (WIP). */
static int wrcr2(struct nor_chip *c, uint32_t addr, uint8_t v)
{
	uint8_t *r = cr2_reg(c, addr);
	if (!c->wel)
		return -1;
	c->wel = false;
	if (!r)
		return 0;
	if (addr == CR2_NV) {
		c->opi.cr2_nv_new = v & (CR2_SOPI | CR2_DOPI);
		c->opi.nv_pending = true;
		nor_model_start_busy(c, B_OTHER, NV_WRITE_US, 0, 0);
		return 0;
	}
	*r = v;
	if (addr == CR2_MODE)
		c->opi.proto = proto_of(v);
	return 0;
}

static uint8_t rdcr2(struct nor_chip *c, uint32_t addr)
{
	uint8_t *r = cr2_reg(c, addr);
	return r ? *r : 0xFFu;
}

/* The non-volatile write lands when its busy period ends. */
static void nv_settle(struct nor_chip *c)
{
	if (c->opi.nv_pending && (c->busy == B_NONE || vclock_now_us() >= c->busy_until)) {
		c->opi.cr2_nv = c->opi.cr2_nv_new;
		c->opi.nv_pending = false;
	}
}

void nor_octal_reset(struct nor_chip *c)
{
	nv_settle(c); /* cut before the end: the old default stays */
	c->opi.nv_pending = false;
	c->opi.cr2_mode = c->opi.cr2_nv & (CR2_SOPI | CR2_DOPI);
	c->opi.cr2_dqs = c->opi.cr2_dc = c->opi.cr2_pp = 0;
	c->opi.proto = proto_of(c->opi.cr2_mode);
}

/* ------------------------------------------------------------ SPI */

/* SPI protocol: 1-1-1 only (no dual or quad on this part), 8-bit
 * instructions, single data rate; RDCR2 / WRCR2 with a 4-byte address
 * [MXC ReadCfg2Register / WriteCfg2Register in SPI mode]. */
static int spi_command(struct nor_chip *c, const struct port_qspi_cmd *cmd, const uint8_t *tx,
                       uint8_t *rx)
{
	if (cmd->instruction_bytes > 1 || cmd->dtr || cmd->instruction_lines != 1 ||
	    cmd->address_lines > 1 || cmd->data_lines > 1 || cmd->alt_lines)
		return -1;
	uint8_t op = (uint8_t)cmd->instruction;
	if (op != OP_RDCR2 && op != OP_WRCR2)
		return nor_model_spi_command(c, cmd, tx, rx);
	if (c->dpd || c->busy || cmd->address_lines != 1 || cmd->address_bytes != 4 ||
	    !cmd->data_lines || cmd->dummy_cycles)
		return -1;
	c->rst_en = false;
	if (op == OP_WRCR2)
		return tx ? wrcr2(c, cmd->address, tx[0]) : -1;
	if (!rx)
		return -1;
	memset(rx, rdcr2(c, cmd->address), cmd->data_len);
	return 0;
}

/* ------------------------------------------------------------ OPI */

/* Every phase present is on 8 lines, DTR in DOPI and STR in SOPI. */
static bool phases_ok(const struct nor_chip *c, const struct port_qspi_cmd *cmd)
{
	bool dtr = c->opi.proto == OPI_DTR;
	const uint8_t lines[4] = {cmd->instruction_lines, cmd->address_lines, cmd->alt_lines,
	                          cmd->data_lines};
	for (unsigned i = 0; i < 4; i++) {
		if (!lines[i])
			continue;
		bool f = (cmd->dtr >> i) & 1u;
		if (lines[i] != 8 || f != dtr)
			return false;
	}
	return cmd->instruction_lines == 8 && cmd->instruction_bytes == 2 && !cmd->alt_lines;
}

/* The second instruction byte is the complement of the first [MXC:
 * 0x05FA, 0x06F9, ...]: a wrong one is not a command. */
static bool complement_ok(uint16_t ins)
{
	return (uint8_t)(ins & 0xFFu) == (uint8_t) ~(ins >> 8);
}

static unsigned want_dummy(const struct nor_chip *c, const struct opi_op *o)
{
	bool dtr = c->opi.proto == OPI_DTR;
	switch (o->dummy) {
	case D_REG:
		return dtr ? REG_DUMMY_D : REG_DUMMY;
	case D_READ:
		return read_dummy(c);
	case D_SFDP:
		return SFDP_DUMMY_O;
	default:
		return 0;
	}
}

/* The phases of o as framed on the bus. */
static bool framing_ok(const struct nor_chip *c, const struct opi_op *o,
                       const struct port_qspi_cmd *cmd)
{
	if (o->op == OP_8READ && c->opi.proto != OPI_STR)
		return false;
	if (o->op == OP_8DTRD && c->opi.proto != OPI_DTR)
		return false;
	if ((o->addr == A_NONE) != (cmd->address_lines == 0))
		return false;
	if (cmd->address_lines && cmd->address_bytes != 4)
		return false; /* 32-bit addresses only in OPI [MXC, ZEP] */
	if ((o->data == N_NONE) != (cmd->data_lines == 0) || (cmd->data_lines && !cmd->data_len))
		return false;
	return cmd->dummy_cycles == want_dummy(c, o);
}

/* DTR moves 2-byte words and reads need the strobe [MXC ReadDTR: DQS
 * enabled; LNX: no 1-byte transfers in 8D-8D-8D]. */
static bool dtr_ok(struct nor_chip *c, const struct opi_op *o, const struct port_qspi_cmd *cmd)
{
	if (c->opi.proto != OPI_DTR || o->data == N_NONE)
		return true;
	if (cmd->data_len % 2u || (o->data == N_IN && !cmd->dqs)) {
		c->opi.dtr_errors++;
		return false;
	}
	return true;
}

/* The same command on the SPI model: 1 line, 8-bit opcode. */
static struct port_qspi_cmd to_spi(const struct nor_chip *c, const struct opi_op *o,
                                   const struct port_qspi_cmd *cmd, uint32_t n)
{
	struct port_qspi_cmd s;
	memset(&s, 0, sizeof(s));
	s.instruction = o->spi;
	s.instruction_lines = 1;
	if (o->addr == A_REAL) {
		s.address_lines = 1;
		s.address_bytes = o->spi == NOR_OP_RDSFDP ? 3 : 4;
		s.address = cmd->address;
		if (c->opi.proto == OPI_DTR && o->data == N_IN)
			s.address &= ~1u; /* A0 ignored in DTR (UNVERIFIED) */
	}
	if (o->dummy == D_READ || o->dummy == D_SFDP)
		s.dummy_cycles = SPI_DUMMY;
	s.data_lines = o->data != N_NONE ? 1 : 0;
	s.data_len = n;
	return s;
}

/* Registers in DTR: one byte per word, each byte out twice [LNX for the
 * ID]; writes take the first byte of the word. */
static int run_reg(struct nor_chip *c, const struct opi_op *o, const struct port_qspi_cmd *cmd,
                   const uint8_t *tx, uint8_t *rx)
{
	bool dtr = c->opi.proto == OPI_DTR;
	uint32_t n = dtr ? cmd->data_len / 2u : cmd->data_len;
	uint8_t b[CHUNK];
	if (n > CHUNK)
		return -1;
	int rc;
	if (o->spi == 0 && o->op == OP_WRCR2)
		return tx && !c->dpd && !c->busy ? wrcr2(c, cmd->address, tx[0]) : -1;
	if (o->spi == 0) {
		if (c->dpd || c->busy)
			return -1;
		memset(b, rdcr2(c, cmd->address), n);
		rc = 0;
	} else {
		struct port_qspi_cmd s = to_spi(c, o, cmd, o->data == N_OUT ? 1u : n);
		rc = nor_model_spi_command(c, &s, tx, o->data == N_IN ? b : NULL);
	}
	if (rc || o->data != N_IN)
		return rc;
	for (uint32_t i = 0; i < cmd->data_len; i++)
		rx[i] = b[dtr ? i / 2u : i];
	return 0;
}

static int opi_command(struct nor_chip *c, const struct port_qspi_cmd *cmd, const uint8_t *tx,
                       uint8_t *rx)
{
	if (!phases_ok(c, cmd))
		return -1;
	if (!complement_ok(cmd->instruction)) {
		c->opi.complement_errors++;
		return -1;
	}
	const struct opi_op *o = find_op((uint8_t)(cmd->instruction >> 8));
	if (!o || !framing_ok(c, o, cmd) || !dtr_ok(c, o, cmd))
		return -1;
	if ((o->data == N_IN && !rx) || (o->data == N_OUT && !tx))
		return -1;
	if (o->reg)
		return run_reg(c, o, cmd, tx, rx);
	struct port_qspi_cmd s = to_spi(c, o, cmd, cmd->data_len);
	return nor_model_spi_command(c, &s, tx, rx);
}

int nor_octal_command(struct nor_chip *c, const struct port_qspi_cmd *cmd, const uint8_t *tx,
                      uint8_t *rx)
{
	nv_settle(c);
	if (c->opi.proto == OPI_SPI)
		return spi_command(c, cmd, tx, rx);
	return opi_command(c, cmd, tx, rx);
}

/* ------------------------------------------------------------ inspection */

int nor_chip_opi_proto(const struct nor_chip *c)
{
	return c->p->octal ? (int)c->opi.proto : -1;
}

void nor_chip_set_opi_proto(struct nor_chip *c, int proto)
{
	static const uint8_t mode[3] = {0, CR2_SOPI, CR2_DOPI};
	if (!c->p->octal || proto < 0 || proto > 2)
		return;
	c->opi.cr2_mode = mode[proto];
	c->opi.proto = (enum nor_opi_proto)proto;
}

void nor_chip_set_cr2_nv(struct nor_chip *c, uint8_t v)
{
	if (c->p->octal)
		c->opi.cr2_nv = v & (CR2_SOPI | CR2_DOPI);
}

uint32_t nor_chip_complement_errors(const struct nor_chip *c)
{
	return c->opi.complement_errors;
}

uint32_t nor_chip_dtr_errors(const struct nor_chip *c)
{
	return c->opi.dtr_errors;
}
