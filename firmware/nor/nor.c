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

#define MIB16           (16u * 1024u * 1024u)
#define RESET_WAIT_MS   10u
#define SR_WRITE_MAX_MS 100u /* status register write, generous (unverified) */
#define OP_MARGIN_MS    20u
#define MAX_PAGE        256u
#define READ_CHUNK      4096u

QDFU_STATIC_ASSERT(NOR_MAX_ERASE_TYPES == 4, "BFPT defines four erase types");

enum op_kind { K_NONE = 0, K_ERASE, K_PROGRAM, K_CHIP };
enum op_state { S_NEXT = 0, S_CMD, S_WAIT, S_CHECK, S_CLEAR };

static struct {
	bool up;
	struct nor_info info;
	/* running operation */
	enum op_kind kind;
	enum op_state st;
	uint32_t addr, end; /* total address space */
	const uint8_t *data;
	uint32_t data_addr;
	uint32_t step_len;
	int step_type; /* erase type index for the current step */
	uint32_t deadline;
	int err;
	uint8_t bounce[2u * MAX_PAGE + 2u];
} nor_dev;

/* ------------------------------------------------------------ commands */

static uint8_t nb(void) /* bytes per status read: one per chip */
{
	return nor_dev.info.chips;
}

static struct port_qspi_cmd cmd1(uint8_t op)
{
	struct port_qspi_cmd c;
	memset(&c, 0, sizeof(c));
	c.instruction = op;
	c.instruction_lines = 1;
	return c;
}

static int simple(uint8_t op)
{
	struct port_qspi_cmd c = cmd1(op);
	return port_qspi_write(&c, NULL);
}

static int simple_lines(uint8_t op, uint8_t lines)
{
	struct port_qspi_cmd c = cmd1(op);
	c.instruction_lines = lines;
	return port_qspi_write(&c, NULL);
}

/* Read a register: one byte per chip, interleaved in dual mode. */
static int read_reg(uint8_t op, uint8_t *v)
{
	struct port_qspi_cmd c = cmd1(op);
	c.data_lines = 1;
	c.data_len = nb();
	return port_qspi_read(&c, v);
}

static struct port_qspi_cmd status_cmd(void)
{
	struct port_qspi_cmd c = cmd1(0x05);
	c.data_lines = 1;
	c.data_len = nb();
	return c;
}

static int wait_ready(uint32_t timeout_ms)
{
	struct port_qspi_cmd c = status_cmd();
	return port_qspi_poll(&c, 0x01, 0x00, timeout_ms, NULL);
}

/* Address phase for an array command at a total address. */
static void set_addr(struct port_qspi_cmd *c, uint32_t addr)
{
	c->address_lines = 1;
	c->address_bytes = nor_dev.info.addr_mode == NOR_ADDR_3 ? 3 : 4;
	c->address = addr;
}

/* ------------------------------------------------------------ probe */

static void reset_chips(void)
{
	/* leave deep power-down, QPI (Micron/Macronix/ISSI 0xF5, Winbond
	 * 0xFF on 4 lines), then soft reset on 4 and 1 lines */
	(void)simple(0xAB);
	(void)simple_lines(0xF5, 4);
	(void)simple_lines(0xFF, 4);
	(void)simple_lines(0x66, 4);
	(void)simple_lines(0x99, 4);
	(void)simple(0x66);
	(void)simple(0x99);
	(void)wait_ready(RESET_WAIT_MS);
	/* continuous-read mode off, back to 3-byte addressing */
	(void)simple(0xFF);
	(void)simple(0x06);
	(void)simple(0xE9);
	(void)simple(0x04);
}

static int sfdp_read(void *ctx, uint32_t addr, uint8_t *buf, uint32_t len)
{
	QDFU_UNUSED(ctx);
	uint8_t tmp[64];
	if (addr + len > 0x10000u)
		return QDFU_E_PARAM;
	while (len) {
		uint32_t chunk = qdfu_min_u32(len, (uint32_t)sizeof(tmp) / 2u);
		struct port_qspi_cmd c = cmd1(0x5A);
		c.address_lines = 1;
		c.address_bytes = 3;
		c.address = addr * nb(); /* the port halves it in dual mode */
		c.dummy_cycles = 8;
		c.data_lines = 1;
		c.data_len = chunk * nb();
		int rc = port_qspi_read(&c, tmp);
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

/* Write status registers per QER so the QE bit is set; verify. */
static int quad_enable(void)
{
	uint8_t qer = nor_dev.info.p.qer, c = nb();
	uint8_t sr1[2], sr2[2], w[4];
	struct port_qspi_cmd wr;
	int rc;
	switch (qer) {
	case 0:
		return QDFU_OK;
	case 2:
		if ((rc = read_reg(0x05, sr1)))
			return rc;
		if ((sr1[0] & 0x40u) && (sr1[c - 1u] & 0x40u))
			return QDFU_OK;
		for (unsigned i = 0; i < c; i++)
			w[i] = (uint8_t)((sr1[i] & 0xFCu) | 0x40u);
		wr = cmd1(0x01);
		wr.data_lines = 1;
		wr.data_len = c;
		break;
	case 1:
	case 4:
	case 5:
	case 6:
		if ((rc = read_reg(0x05, sr1)) || (rc = read_reg(0x35, sr2)))
			return rc;
		if ((sr2[0] & 0x02u) && (sr2[c - 1u] & 0x02u))
			return QDFU_OK;
		if (qer == 6) {
			for (unsigned i = 0; i < c; i++)
				w[i] = (uint8_t)(sr2[i] | 0x02u);
			wr = cmd1(0x31);
			wr.data_len = c;
		} else {
			for (unsigned i = 0; i < c; i++) {
				w[i] = (uint8_t)(sr1[i] & 0xFCu);
				w[c + i] = (uint8_t)(sr2[i] | 0x02u);
			}
			wr = cmd1(0x01);
			wr.data_len = 2u * c;
		}
		wr.data_lines = 1;
		break;
	case 3:
		if ((rc = read_reg(0x3F, sr2)))
			return rc;
		for (unsigned i = 0; i < c; i++)
			w[i] = (uint8_t)(sr2[i] | 0x80u);
		wr = cmd1(0x3E);
		wr.data_lines = 1;
		wr.data_len = c;
		break;
	default:
		return QDFU_E_UNSUPPORTED;
	}
	if ((rc = simple(0x06)) || (rc = port_qspi_write(&wr, w)) ||
	    (rc = wait_ready(SR_WRITE_MAX_MS)))
		return rc;
	/* verify */
	if (qer == 2) {
		if ((rc = read_reg(0x05, sr1)))
			return rc;
		return (sr1[0] & 0x40u) && (sr1[c - 1u] & 0x40u) ? QDFU_OK : QDFU_E_UNSUPPORTED;
	}
	if ((rc = read_reg(qer == 3 ? 0x3F : 0x35, sr2)))
		return rc;
	uint8_t bit = qer == 3 ? 0x80u : 0x02u;
	return (sr2[0] & bit) && (sr2[c - 1u] & bit) ? QDFU_OK : QDFU_E_UNSUPPORTED;
}

static uint8_t log2u(uint32_t v)
{
	uint8_t l = 0;
	while ((1u << l) < v && l < 31)
		l++;
	return l;
}

int nor_probe(bool dual, uint32_t clock_hz)
{
	memset(&nor_dev, 0, sizeof(nor_dev));
	struct port_qspi_config cfg = {dual, 28, clock_hz};
	int rc = port_qspi_init(&cfg);
	if (rc)
		return rc == QDFU_E_PARAM ? QDFU_E_NO_DEVICE : rc;
	nor_dev.info.dual = dual;
	nor_dev.info.chips = dual ? 2 : 1;
	reset_chips();

	uint8_t id[6];
	struct port_qspi_cmd c = cmd1(0x9F);
	c.data_lines = 1;
	c.data_len = 3u * nb();
	if ((rc = port_qspi_read(&c, id)))
		return rc;
	for (unsigned i = 0; i < 3; i++) {
		nor_dev.info.id[i] = id[i * nb()];
		if (dual && id[i * 2u] != id[i * 2u + 1u])
			return QDFU_E_NO_DEVICE; /* the two chips must be the same part */
	}
	if ((nor_dev.info.id[0] == 0x00 || nor_dev.info.id[0] == 0xFF) &&
	    nor_dev.info.id[1] == nor_dev.info.id[0])
		return QDFU_E_NO_DEVICE;

	struct nor_params *p = &nor_dev.info.p;
	nor_params_defaults(p);
	bool known = nor_ids_apply(nor_dev.info.id, p);
	rc = nor_sfdp_parse(sfdp_read, NULL, p);
	if (rc && !known)
		return rc == QDFU_E_UNSUPPORTED ? QDFU_E_UNSUPPORTED : rc;
	nor_vendor_fixup(nor_dev.info.id, p);
	if (p->size == 0 || p->nerase == 0)
		return QDFU_E_UNSUPPORTED;
	if (p->page > MAX_PAGE || p->page == 0)
		p->page = MAX_PAGE;

	/* addressing */
	if (p->size <= MIB16) {
		nor_dev.info.addr_mode = NOR_ADDR_3;
	} else if (p->op4_read && p->op4_pp && p->op4_erase) {
		nor_dev.info.addr_mode = NOR_ADDR_4_OPS;
	} else {
		nor_dev.info.addr_mode = NOR_ADDR_4_MODE;
		if (p->b7_wren)
			(void)simple(0x06);
		if ((rc = simple(0xB7)))
			return rc;
	}
	/* quad reads where the QE bit could be set; 1-1-1 otherwise */
	nor_dev.info.quad = p->quad_read && quad_enable() == QDFU_OK;
	(void)simple(0x04);

	nor_dev.info.size = p->size * nb();
	nor_dev.info.page = p->page * nb();
	nor_dev.info.nerase = p->nerase;
	for (unsigned i = 0; i < p->nerase; i++)
		nor_dev.info.erase_size[i] = p->erase[i].size * nb();
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

static int read_raw(uint32_t addr, uint8_t *buf, uint32_t len)
{
	struct port_qspi_cmd c = cmd1(nor_dev.info.quad ? 0x6B : 0x0B);
	if (nor_dev.info.addr_mode == NOR_ADDR_4_OPS)
		c.instruction = nor_dev.info.quad ? 0x6C : 0x0C;
	set_addr(&c, addr);
	c.dummy_cycles = 8;
	c.data_lines = nor_dev.info.quad ? 4 : 1;
	c.data_len = len;
	return port_qspi_read(&c, buf);
}

int nor_read(uint32_t addr, void *buf, uint32_t len)
{
	uint8_t *out = buf;
	if (!nor_dev.up)
		return QDFU_E_NO_DEVICE;
	if (addr > nor_dev.info.size || len > nor_dev.info.size - addr)
		return QDFU_E_ADDRESS;
	if (nor_dev.kind != K_NONE)
		return QDFU_E_BUSY;
	uint32_t a = nor_dev.info.dual ? 1u : 0u; /* alignment mask */
	while (len) {
		int rc;
		if ((addr & a) || len < 2u * a + 1u - a) {
			/* dual: an odd start or a last single byte via 2 bytes */
			uint8_t two[2];
			if (!a)
				break;
			if ((rc = read_raw(addr & ~a, two, 2)))
				return rc;
			uint32_t k = addr & a, m = QDFU_MIN(2u - k, len);
			memcpy(out, two + k, m);
			out += m;
			addr += m;
			len -= m;
			continue;
		}
		uint32_t chunk = QDFU_MIN(len & ~a, READ_CHUNK);
		if ((rc = read_raw(addr, out, chunk)))
			return rc;
		out += chunk;
		addr += chunk;
		len -= chunk;
	}
	return QDFU_OK;
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

static int begin(enum op_kind k, uint32_t addr, uint32_t end)
{
	if (!nor_dev.up)
		return QDFU_E_NO_DEVICE;
	if (nor_dev.kind != K_NONE)
		return QDFU_E_BUSY;
	nor_dev.kind = k;
	nor_dev.st = S_NEXT;
	nor_dev.addr = addr;
	nor_dev.end = end;
	nor_dev.err = QDFU_OK;
	return QDFU_OK;
}

int nor_erase_start(uint32_t addr, uint32_t len, struct nor_time *t)
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
	int rc = begin(K_ERASE, addr, addr + len);
	if (rc)
		return rc;
	if (t) {
		t->typ_ms = (uint32_t)QDFU_MIN(typ, 0xFFFFFFFFu);
		t->max_ms = (uint32_t)QDFU_MIN(max, 0xFFFFFFFFu);
	}
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
	nor_dev.data = data;
	nor_dev.data_addr = addr;
	uint32_t pages =
	    (addr % nor_dev.info.page + len + nor_dev.info.page - 1u) / nor_dev.info.page;
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

static int end_op(int rc)
{
	nor_dev.kind = K_NONE;
	nor_dev.st = S_NEXT;
	return rc;
}

/* Issue the erase / program command of the current step. */
static int issue_step(void)
{
	struct port_qspi_cmd c;
	uint32_t max_ms;
	if (nor_dev.kind == K_CHIP) {
		c = cmd1(0xC7);
		nor_dev.step_len = nor_dev.end - nor_dev.addr;
		max_ms = nor_dev.info.p.chip_max_ms;
		if (port_qspi_write(&c, NULL))
			return QDFU_E_ERASE;
	} else if (nor_dev.kind == K_ERASE) {
		const struct nor_erase *e = &nor_dev.info.p.erase[nor_dev.step_type];
		c = cmd1(nor_dev.info.addr_mode == NOR_ADDR_4_OPS ? e->op4 : e->op);
		set_addr(&c, nor_dev.addr);
		max_ms = e->max_ms;
		if (port_qspi_write(&c, NULL))
			return QDFU_E_ERASE;
	} else {
		/* one page: [addr, page end) clipped to the data, padded to an
		 * even span in dual mode (0xFF leaves bits alone) */
		uint32_t a = nor_dev.info.dual ? 1u : 0u;
		uint32_t pend = (nor_dev.addr / nor_dev.info.page + 1u) * nor_dev.info.page;
		uint32_t stop = QDFU_MIN(pend, nor_dev.end);
		uint32_t from = nor_dev.addr & ~a, to = (stop + a) & ~a;
		memset(nor_dev.bounce, 0xFF, to - from);
		memcpy(nor_dev.bounce + (nor_dev.addr - from),
		       nor_dev.data + (nor_dev.addr - nor_dev.data_addr), stop - nor_dev.addr);
		nor_dev.step_len = stop - nor_dev.addr;
		c = cmd1(nor_dev.info.addr_mode == NOR_ADDR_4_OPS ? 0x12 : 0x02);
		set_addr(&c, from);
		c.data_lines = 1;
		c.data_len = to - from;
		max_ms = (nor_dev.info.p.pp_max_us + 999u) / 1000u;
		if (port_qspi_write(&c, nor_dev.bounce))
			return QDFU_E_PROGRAM;
	}
	nor_dev.deadline = port_millis() + max_ms + OP_MARGIN_MS;
	return QDFU_OK;
}

static int fail_code(void)
{
	return nor_dev.kind == K_PROGRAM ? QDFU_E_PROGRAM : QDFU_E_ERASE;
}

int nor_poll(void)
{
	int rc;
	if (nor_dev.kind == K_NONE)
		return QDFU_OK;
	switch (nor_dev.st) {
	case S_NEXT:
		if (nor_dev.addr >= nor_dev.end)
			return end_op(QDFU_OK);
		if (nor_dev.kind == K_ERASE) {
			nor_dev.step_type =
			    nor_erase_plan_step(nor_dev.info.erase_size, nor_dev.info.nerase,
			                        nor_dev.addr, nor_dev.end - nor_dev.addr);
			if (nor_dev.step_type < 0)
				return end_op(QDFU_E_PARAM);
			nor_dev.step_len = nor_dev.info.erase_size[nor_dev.step_type];
		}
		if (simple(0x06))
			return end_op(fail_code());
		nor_dev.st = S_CMD;
		return QDFU_E_BUSY;
	case S_CMD:
		if ((rc = issue_step()))
			return end_op(rc);
		nor_dev.st = S_WAIT;
		return QDFU_E_BUSY;
	case S_WAIT: {
		struct port_qspi_cmd c = status_cmd();
		rc = port_qspi_poll(&c, 0x01, 0x00, 0, NULL);
		if (rc == QDFU_E_BUSY) {
			if (qdfu_time_reached(port_millis(), nor_dev.deadline))
				return end_op(QDFU_E_TIMEOUT);
			return QDFU_E_BUSY;
		}
		if (rc)
			return end_op(rc);
		if (nor_dev.info.p.fsr || nor_dev.info.p.scur) {
			nor_dev.st = S_CHECK;
			return QDFU_E_BUSY;
		}
		break;
	}
	case S_CHECK: {
		uint8_t v[2];
		if ((rc = read_reg(nor_dev.info.p.fsr ? 0x70 : 0x2B, v)))
			return end_op(rc);
		uint8_t bits = (uint8_t)(v[0] | v[nb() - 1u]);
		/* Micron FSR: 5 erase, 4 program, 1 protection; Macronix
		 * SCUR: 6 erase, 5 program */
		uint8_t mask = nor_dev.info.p.fsr ? 0x32u : 0x60u;
		if (bits & mask) {
			nor_dev.err = fail_code();
			if (nor_dev.info.p.fsr) {
				nor_dev.st = S_CLEAR;
				return QDFU_E_BUSY;
			}
			return end_op(nor_dev.err);
		}
		break;
	}
	case S_CLEAR:
		(void)simple(0x50); /* clear flag status */
		(void)simple(0x04);
		return end_op(nor_dev.err);
	}
	/* step done */
	nor_dev.addr += nor_dev.step_len;
	nor_dev.st = S_NEXT;
	if (nor_dev.addr >= nor_dev.end)
		return end_op(QDFU_OK);
	return QDFU_E_BUSY;
}
