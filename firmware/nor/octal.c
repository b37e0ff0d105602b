// SPDX-License-Identifier: MIT
/*
 * The octal layer of the NOR driver: the MX25LM51245G's three protocols
 * (SPI 1-1-1, OPI STR 8-8-8, OPI DTR 8D-8D-8D) selected through its
 * configuration register 2. nor.c builds every command in SPI form; here it
 * is framed for the protocol the chip is in. Sources (shared facts
 * octospi.md; the Macronix datasheet itself was not read):
 *  [MXC] ST's component driver stm32-mx25lm51245g: OPI opcodes (the opcode
 *        then its complement), 32-bit addresses in OPI, register reads with
 *        address 0 and 4 (STR) / 5 (DTR) dummy cycles and 2 data bytes in
 *        DTR, DQS for DTR reads, WRCR2 with a 4-byte address, CR2 0x300 DC;
 *  [BSP] ST's STM32H735G-DK BSP OSPI_NOR_ResetMemory / EnterDOPIMode: the
 *        blind reset in the three protocols, 100 ms recovery; the switch;
 *  [ZEP] Zephyr flash_stm32_ospi.c: SFDP in OPI with 20 dummy cycles, DC
 *        = 6 cycles named "66 MHz", power-on DC (20 cycles) at 200 MHz;
 *  [LNX] Linux spi-nor macronix.c: the 8D-8D-8D ID comes A-A-B-B-C-C; no
 *        1-byte transfers in 8D-8D-8D (register writes send a second 0);
 *  [DS]  MX25LM51245G datasheet Rev. 1.1 (Macronix, June 2020), features
 *        page only: Single I/O and Octa I/O protocols (no dual / quad), DTR,
 *        clock up to 133 MHz; U-Boot's Macronix octal commit (spi-nor, "add
 *        support for Macronix Octal flash"): 20 dummy cycles for the
 *        maximum frequency.
 */
#include <string.h>

#include "common/compiler.h"
#include "common/err.h"
#include "nor/nor_cmds.h"
#include "nor/nor_octal.h"

#define OP_RDCR2       0x71u /* [MXC] */
#define OP_WRCR2       0x72u /* [MXC] */
#define OP_8READ       0xECu /* [MXC] OPI STR read 0xEC13 */
#define OP_8DTRD       0xEEu /* [MXC] OPI DTR read 0xEE11 */
#define CR2_MODE       0x00000000u
#define CR2_DC         0x00000300u
#define CR2_SOPI       0x01u
#define CR2_DOPI       0x02u
#define REG_DUMMY_STR  4u  /* [MXC] DUMMY_CYCLES_REG_OCTAL */
#define REG_DUMMY_DTR  5u  /* [MXC] DUMMY_CYCLES_REG_OCTAL_DTR */
#define SFDP_DUMMY_OPI 20u /* [ZEP] */
#define DC_POWER_ON    0u  /* 20 dummy cycles: good to 200 MHz [ZEP] */
#define DC_6_CYCLES    7u  /* [MXC, ZEP]: 6 cycles, "66 MHz" [ZEP] (UNVERIFIED) */
#define DC_6_MAX_HZ    66000000u
#define RESET_MS       100u /* [BSP] recovery after a reset during an erase */
#define WRITE_REG_MS   40u  /* [MXC] MX25LM51245G_WRITE_REG_MAX_TIME */
#define DEAF_MS        1u   /* tRST: the chip hears nothing (as nor.c) */
#define BOUNCE         64u

enum kind { K_NONE = 0, K_INSTR, K_REG_RD, K_REG_WR, K_CR2_RD, K_CR2_WR, K_READ, K_ADDR, K_SFDP };

/* The OPI form of each SPI opcode nor.c sends [MXC command table]. */
struct opi_form {
	uint8_t spi, opi;
	uint8_t kind;
};
static const struct opi_form forms[] = {
    {NOR_OP_READ, OP_8READ, K_READ},
    {NOR_OP_READ_4B, OP_8READ, K_READ},
    {NOR_OP_FAST_READ, OP_8READ, K_READ},
    {NOR_OP_FAST_READ_4B, OP_8READ, K_READ},
    {NOR_OP_PP, NOR_OP_PP_4B, K_ADDR},
    {NOR_OP_PP_4B, NOR_OP_PP_4B, K_ADDR},
    {NOR_OP_BE_4K, NOR_OP_BE_4K_4B, K_ADDR},
    {NOR_OP_BE_4K_4B, NOR_OP_BE_4K_4B, K_ADDR},
    {NOR_OP_SE, NOR_OP_SE_4B, K_ADDR},
    {NOR_OP_SE_4B, NOR_OP_SE_4B, K_ADDR},
    {NOR_OP_CHIP_ERASE, NOR_OP_CHIP_ERASE2, K_INSTR},
    {NOR_OP_CHIP_ERASE2, NOR_OP_CHIP_ERASE2, K_INSTR},
    {NOR_OP_WREN, NOR_OP_WREN, K_INSTR},
    {NOR_OP_WRDI, NOR_OP_WRDI, K_INSTR},
    {NOR_OP_RSTEN, NOR_OP_RSTEN, K_INSTR},
    {NOR_OP_RST, NOR_OP_RST, K_INSTR},
    {NOR_OP_RDSR, NOR_OP_RDSR, K_REG_RD},
    {NOR_OP_RDCR, NOR_OP_RDCR, K_REG_RD},
    {NOR_OP_RDSCUR, NOR_OP_RDSCUR, K_REG_RD},
    {NOR_OP_RDID, NOR_OP_RDID, K_REG_RD},
    {NOR_OP_WRSR, NOR_OP_WRSR, K_REG_WR},
    {NOR_OP_RDSFDP, NOR_OP_RDSFDP, K_SFDP},
    {OP_RDCR2, OP_RDCR2, K_CR2_RD},
    {OP_WRCR2, OP_WRCR2, K_CR2_WR},
};

static struct {
	bool bus;                      /* eight lines to an octal chip */
	enum nor_proto run, boot, cur; /* wanted, after reset, now */
	uint8_t read_dummy;            /* 8READ / 8DTRD, from CR2 0x300 */
	uint32_t clock_hz;
} oct;

static const struct opi_form *form_of(uint8_t spi)
{
	for (unsigned i = 0; i < QDFU_ARRAY_SIZE(forms); i++)
		if (forms[i].spi == spi)
			return &forms[i];
	return NULL;
}

static bool opi(void)
{
	return oct.bus && oct.cur != NOR_PROTO_SPI;
}

bool nor_octal_bus(void)
{
	return oct.bus;
}

bool nor_octal_dtr(void)
{
	return oct.bus && oct.cur == NOR_PROTO_OPI_DTR;
}

void nor_set_octal(bool octal, enum nor_proto run)
{
	memset(&oct, 0, sizeof(oct));
	oct.bus = octal;
	oct.run = octal ? run : NOR_PROTO_SPI;
}

enum nor_proto nor_get_proto(void)
{
	return oct.bus ? oct.cur : NOR_PROTO_SPI;
}

/* ------------------------------------------------------------ framing */

static uint8_t dummy_of(uint8_t kind, bool dtr)
{
	switch (kind) {
	case K_REG_RD:
	case K_CR2_RD:
		return dtr ? REG_DUMMY_DTR : REG_DUMMY_STR;
	case K_READ:
		return oct.read_dummy;
	case K_SFDP:
		return SFDP_DUMMY_OPI;
	default:
		return 0;
	}
}

static bool is_read(uint8_t kind)
{
	return kind == K_REG_RD || kind == K_CR2_RD || kind == K_READ || kind == K_SFDP;
}

/* c (SPI form) in the protocol p: 8 lines, 16-bit opcode + complement,
 * 32-bit address (0 for register reads), DTR on every phase and DQS for
 * reads in OPI DTR. Register data lengths are left to the caller. */
static int frame_in(struct port_qspi_cmd *c, enum nor_proto p, uint8_t *kind)
{
	const struct opi_form *f = form_of((uint8_t)c->instruction);
	if (!f)
		return QDFU_E_UNSUPPORTED; /* no OPI form: never sent in OPI */
	bool dtr = p == NOR_PROTO_OPI_DTR;
	*kind = f->kind;
	if (f->kind == K_READ && dtr)
		c->instruction = OP_8DTRD << 8 | (uint8_t)~OP_8DTRD;
	else
		c->instruction = (uint16_t)(f->opi << 8 | (uint8_t)~f->opi);
	c->instruction_bytes = 2;
	c->instruction_lines = 8;
	c->address_lines = f->kind == K_INSTR ? 0 : 8;
	c->address_bytes = 4;
	if (f->kind == K_REG_RD || f->kind == K_REG_WR)
		c->address = 0;
	c->alt_lines = 0;
	c->dummy_cycles = dummy_of(f->kind, dtr);
	c->data_lines = c->data_lines ? 8 : 0;
	c->dtr = dtr ? PORT_QSPI_DTR_ALL : 0;
	c->dqs = dtr && c->data_lines && is_read(f->kind);
	c->mem_type = dtr ? PORT_QSPI_MEM_MACRONIX : PORT_QSPI_MEM_MICRON;
	return QDFU_OK;
}

int nor_octal_frame(struct port_qspi_cmd *c)
{
	uint8_t kind;
	return opi() ? frame_in(c, oct.cur, &kind) : QDFU_OK;
}

/* DTR register read: each byte comes twice (the ID as A-A-B-B-C-C [LNX];
 * status and configuration registers the same: UNVERIFIED); a pair that
 * differs is not this chip talking (zeros returned). */
static int read_reg_dtr(struct port_qspi_cmd *f, uint8_t *out, uint32_t n)
{
	uint8_t w[2u * 4u];
	if (n > 4u)
		return QDFU_E_PARAM;
	f->data_len = 2u * n;
	int rc = port_qspi_read(f, w);
	for (uint32_t i = 0; i < n && rc == QDFU_OK; i++)
		out[i] = w[2u * i] == w[2u * i + 1u] ? w[2u * i] : 0;
	return rc;
}

/* DTR array / SFDP read at an odd address or of an odd length: through a
 * small bounce buffer of whole words (nor.c aligns large reads itself). */
static int read_stream_dtr(struct port_qspi_cmd *f, uint8_t *out, uint32_t addr, uint32_t n)
{
	uint8_t b[BOUNCE];
	uint32_t from = addr & ~1u, to = (addr + n + 1u) & ~1u;
	if (!((addr | n) & 1u))
		return port_qspi_read(f, out);
	if (to - from > sizeof(b))
		return QDFU_E_PARAM;
	f->address = from;
	f->data_len = to - from;
	int rc = port_qspi_read(f, b);
	if (rc == QDFU_OK)
		memcpy(out, b + (addr - from), n);
	return rc;
}

static struct port_qspi_cmd spi_cmd(uint8_t op, uint32_t data_len)
{
	struct port_qspi_cmd c;
	memset(&c, 0, sizeof(c));
	c.instruction = op;
	c.instruction_lines = 1;
	c.data_lines = data_len ? 1 : 0;
	c.data_len = data_len;
	return c;
}

static int read_in(const struct port_qspi_cmd *c, void *data, enum nor_proto p)
{
	struct port_qspi_cmd f = *c;
	uint8_t kind;
	if (!oct.bus || p == NOR_PROTO_SPI)
		return port_qspi_read(c, data);
	int rc = frame_in(&f, p, &kind);
	if (rc)
		return rc;
	if (p != NOR_PROTO_OPI_DTR)
		return port_qspi_read(&f, data);
	if (kind == K_REG_RD || kind == K_CR2_RD)
		return read_reg_dtr(&f, data, c->data_len);
	return read_stream_dtr(&f, data, c->address, c->data_len);
}

static int write_in(const struct port_qspi_cmd *c, const void *data, enum nor_proto p)
{
	struct port_qspi_cmd f = *c;
	uint8_t kind;
	if (!oct.bus || p == NOR_PROTO_SPI)
		return port_qspi_write(c, data);
	int rc = frame_in(&f, p, &kind);
	if (rc || p != NOR_PROTO_OPI_DTR || (kind != K_REG_WR && kind != K_CR2_WR))
		return rc ? rc : port_qspi_write(&f, data);
	/* a register is one byte; DTR moves two: CR2 gets a second 0 [LNX];
	 * WRSR's second byte may be taken for the configuration register
	 * (as WRSR's second byte in SPI): it carries CR's own value */
	if (c->data_len != 1)
		return QDFU_E_UNSUPPORTED;
	uint8_t w[2] = {*(const uint8_t *)data, 0};
	if (kind == K_REG_WR) {
		struct port_qspi_cmd rdcr = spi_cmd(NOR_OP_RDCR, 1);
		if ((rc = read_in(&rdcr, &w[1], p)))
			return rc;
	}
	f.data_len = 2;
	return port_qspi_write(&f, w);
}

int nor_bus_read(const struct port_qspi_cmd *c, void *data)
{
	return read_in(c, data, oct.cur);
}

int nor_bus_read_crc(const struct port_qspi_cmd *c, uint32_t *crc)
{
	struct port_qspi_cmd f = *c;
	uint8_t kind;
	if (!opi())
		return port_qspi_read_crc(c, NULL, crc);
	int rc = frame_in(&f, oct.cur, &kind);
	if (rc)
		return rc;
	/* DTR: whole 2-byte words of the array only (no bounce buffer here:
	 * nor.c reads an odd head or tail through nor_bus_read) */
	if (oct.cur == NOR_PROTO_OPI_DTR && (kind != K_READ || ((c->address | c->data_len) & 1u)))
		return QDFU_E_PARAM;
	return port_qspi_read_crc(&f, NULL, crc);
}

int nor_bus_write(const struct port_qspi_cmd *c, const void *data)
{
	return write_in(c, data, oct.cur);
}

int nor_bus_poll(const struct port_qspi_cmd *c, uint32_t mask, uint32_t match, uint32_t timeout_ms,
                 uint32_t *last)
{
	struct port_qspi_cmd f = *c;
	uint8_t kind;
	if (!opi())
		return port_qspi_poll(c, mask, match, timeout_ms, last);
	int rc = frame_in(&f, oct.cur, &kind);
	if (rc)
		return rc;
	if (oct.cur == NOR_PROTO_OPI_DTR)
		f.data_len = 2u * c->data_len; /* the status byte twice */
	return port_qspi_poll(&f, mask, match, timeout_ms, last);
}

/* ------------------------------------------------------------ commands */

static int instr_in(uint8_t op, enum nor_proto p)
{
	struct port_qspi_cmd c = spi_cmd(op, 0);
	return write_in(&c, NULL, p);
}

/* CR2 at addr: 4-byte address in every protocol [MXC WriteCfg2Register]. */
static int cr2_write(uint32_t addr, uint8_t v)
{
	struct port_qspi_cmd c = spi_cmd(OP_WRCR2, 1);
	c.address_lines = 1;
	c.address_bytes = 4;
	c.address = addr;
	int rc = instr_in(NOR_OP_WREN, oct.cur);
	return rc ? rc : write_in(&c, &v, oct.cur);
}

static int cr2_read(uint32_t addr, uint8_t *v)
{
	struct port_qspi_cmd c = spi_cmd(OP_RDCR2, 1);
	c.address_lines = 1;
	c.address_bytes = 4;
	c.address = addr;
	return read_in(&c, v, oct.cur);
}

static int wait_ready(uint32_t ms)
{
	struct port_qspi_cmd c = spi_cmd(NOR_OP_RDSR, 1);
	return nor_bus_poll(&c, NOR_SR1_WIP, 0, ms, NULL);
}

/* ------------------------------------------------------------ probe */

/* [BSP OSPI_NOR_ResetMemory]: reset-enable + reset in SPI, in OPI STR and
 * in OPI DTR; whichever protocol the chip listens in takes one pair, the
 * others are noise to it. The OCTOSPI must not be memory-mapped (the port
 * aborts before an indirect command). */
void nor_octal_reset_blind(uint32_t clock_hz)
{
	oct.clock_hz = clock_hz;
	for (unsigned p = NOR_PROTO_SPI; p <= NOR_PROTO_OPI_DTR; p++) {
		(void)instr_in(NOR_OP_RSTEN, (enum nor_proto)p);
		(void)instr_in(NOR_OP_RST, (enum nor_proto)p);
		nor_wait_ms(DEAF_MS);
	}
	oct.cur = NOR_PROTO_SPI;
}

/* The dummy cycles CR2 0x300 gives 8READ / 8DTRD: DC 000 20 ... 111 6. */
static void learn_dummy(void)
{
	uint8_t dc = DC_POWER_ON;
	if (oct.cur != NOR_PROTO_SPI && cr2_read(CR2_DC, &dc))
		dc = DC_POWER_ON;
	oct.read_dummy = (uint8_t)(20u - 2u * (dc & 7u));
}

/* After the reset the chip is in its non-volatile default protocol (SPI
 * unless CR2 0x40000000 says OPI): ask for the ID in each protocol until
 * one answers, for up to the reset recovery time. */
int nor_octal_find(int (*read_id)(void))
{
	uint32_t end = port_millis() + RESET_MS;
	int rc;
	for (;;) {
		for (unsigned p = NOR_PROTO_SPI; p <= NOR_PROTO_OPI_DTR; p++) {
			oct.cur = (enum nor_proto)p;
			oct.read_dummy = 20u;
			if ((rc = read_id()) != QDFU_E_NO_DEVICE) {
				oct.boot = oct.cur;
				learn_dummy();
				return rc;
			}
		}
		if (qdfu_time_reached(port_millis(), end))
			break;
		nor_wait_ms(DEAF_MS);
	}
	oct.cur = NOR_PROTO_SPI;
	return QDFU_E_NO_DEVICE;
}

/* The switch [BSP EnterDOPIMode, ZEP]: dummy cycles first (CR2 0x300:
 * 6 cycles at up to 66 MHz, else the 20 of power-on), then the mode (CR2
 * 0x00000000), both in the protocol the chip is in now; then CR2 read back
 * in the new protocol until it says so (the write takes up to 40 ms). */
/* A switch that did not confirm: the chip may be in the old protocol, the
 * new one, or (a chip without CR2 on eight lines) never have listened.
 * Reset it blind in all three and take it back in its power-on protocol,
 * so that the layer never believes a protocol the chip is not in. */
static int switch_failed(int rc)
{
	nor_octal_reset_blind(oct.clock_hz);
	oct.cur = oct.boot;
	oct.read_dummy = 20u; /* DC back to its power-on value */
	(void)wait_ready(WRITE_REG_MS);
	return rc;
}

static int switch_to(enum nor_proto p)
{
	static const uint8_t mode[3] = {0, CR2_SOPI, CR2_DOPI};
	int rc;
	if (p != NOR_PROTO_SPI) {
		uint8_t dc =
		    oct.clock_hz && oct.clock_hz <= DC_6_MAX_HZ ? DC_6_CYCLES : DC_POWER_ON;
		if ((rc = cr2_write(CR2_DC, dc)) || (rc = wait_ready(WRITE_REG_MS)))
			return switch_failed(rc);
		oct.read_dummy = (uint8_t)(20u - 2u * dc);
	}
	if ((rc = cr2_write(CR2_MODE, mode[p])))
		return switch_failed(rc);
	oct.cur = p;
	uint32_t end = port_millis() + WRITE_REG_MS;
	for (;;) {
		uint8_t v = 0xFF;
		if (cr2_read(CR2_MODE, &v) == QDFU_OK && v == mode[p] && wait_ready(0) == QDFU_OK)
			return QDFU_OK;
		if (qdfu_time_reached(port_millis(), end))
			return switch_failed(QDFU_E_TIMEOUT);
		port_wait_hint();
	}
}

int nor_octal_enter(void)
{
	if (!oct.bus || oct.cur == oct.run)
		return QDFU_OK;
	return switch_to(oct.run);
}

int nor_octal_switch(enum nor_proto p)
{
	if (!oct.bus)
		return p == NOR_PROTO_SPI ? QDFU_OK : QDFU_E_UNSUPPORTED;
	if ((unsigned)p > NOR_PROTO_OPI_DTR)
		return QDFU_E_PARAM;
	oct.run = p;
	int rc = nor_octal_enter();
	if (rc)
		oct.run = oct.cur; /* not switched: stay where the chip is */
	return rc;
}

void nor_octal_after_reset(void)
{
	if (!oct.bus)
		return;
	oct.cur = oct.boot;
	oct.read_dummy = 20u; /* DC back to its power-on value */
}

/* ------------------------------------------------------------ XIP */

#define CHECK_BYTES 16u

/* The application gets the chip in protocol p, memory-mapped, if a read
 * in p of the bytes at check_addr (its vector table) agrees with what the
 * probe's protocol read there; else in SPI 1-1-1, the state any
 * application can start from (docs/nor.md "Octal chips"). */
int nor_octal_handover(enum nor_proto p, uint32_t check_addr, struct port_qspi_cmd *used)
{
	uint8_t want[CHECK_BYTES], got[CHECK_BYTES];
	int rc;
	bool ok = nor_read(check_addr, want, sizeof(want)) == QDFU_OK &&
	          nor_set_proto(p) == QDFU_OK &&
	          nor_read(check_addr, got, sizeof(got)) == QDFU_OK &&
	          memcmp(want, got, sizeof(got)) == 0;
	if (!ok && nor_get_proto() != NOR_PROTO_SPI && (rc = nor_set_proto(NOR_PROTO_SPI)))
		return rc;
	if ((rc = nor_xip_read_cmd(used)))
		return rc;
	return port_qspi_memmap(used);
}
