/* SPDX-License-Identifier: MIT */
#include "sim/h7/quadspi_model.h"

#include <string.h>

#include "sim/h7/mmio_bus.h"
#include "sim/nor/nor_dual.h"
#include "sim/nor/nor_model.h"

#define QSPI_BASE 0x52005000u
#define FIFO_MAX  8192u

#define CR_EN    (1u << 0)
#define CR_ABORT (1u << 1)
#define CR_DFM   (1u << 6)
#define CR_PMM   (1u << 23)
#define SR_TCF   (1u << 1)
#define SR_FTF   (1u << 2)
#define SR_SMF   (1u << 3)
#define SR_BUSY  (1u << 5)

static struct {
	struct nor_chip *chip[2];
	uint32_t cr, dcr, dlr, ccr, ar, abr, psmkr, psmar, pir, sr;
	uint8_t fifo[FIFO_MAX];
	uint32_t fifo_len, fifo_pos; /* read: bytes available / consumed; write: collected */
	bool active;                 /* a command is set up and not finished */
	bool writing;
	bool polling;
	unsigned faults;
	uint32_t last_status;
} qspi_regs;

static unsigned lines(uint32_t mode)
{
	return mode == 3 ? 4u : mode;
}

static bool dual(void)
{
	return (qspi_regs.cr & CR_DFM) != 0;
}

static void decode(struct port_qspi_cmd *c, uint32_t data_len)
{
	memset(c, 0, sizeof(*c));
	c->instruction = (uint8_t)qspi_regs.ccr;
	c->instruction_lines = (uint8_t)lines((qspi_regs.ccr >> 8) & 3u);
	c->address_lines = (uint8_t)lines((qspi_regs.ccr >> 10) & 3u);
	c->address_bytes = (uint8_t)(((qspi_regs.ccr >> 12) & 3u) + 1u);
	c->alt_lines = (uint8_t)lines((qspi_regs.ccr >> 14) & 3u);
	c->alt_bytes = (uint8_t)(((qspi_regs.ccr >> 16) & 3u) + 1u);
	c->dummy_cycles = (uint8_t)((qspi_regs.ccr >> 18) & 31u);
	c->data_lines = (uint8_t)lines((qspi_regs.ccr >> 24) & 3u);
	c->address = dual() ? qspi_regs.ar >> 1 : qspi_regs.ar; /* AN4760: AR/2 on the wire */
	c->alt = qspi_regs.abr;
	c->data_len = data_len;
}

static uint32_t fmode(void)
{
	return (qspi_regs.ccr >> 26) & 3u;
}

/* Run the command on the chip(s): tx/rx are the bytes on the QUADSPI
 * side, interleaved per byte in dual-flash mode. */
static void run(const uint8_t *tx, uint8_t *rx, uint32_t n)
{
	struct port_qspi_cmd c;
	if (!dual()) {
		decode(&c, n);
		nor_chip_command(qspi_regs.chip[0], &c, tx, rx);
		return;
	}
	static uint8_t scratch[FIFO_MAX / 2];
	if (n % 2u)
		qspi_regs.faults++; /* dual-flash transfers are always an even byte count */
	decode(&c, n / 2u);
	nor_dual_command(qspi_regs.chip, &c, tx, rx, scratch);
}

static uint32_t data_len(void)
{
	return ((qspi_regs.ccr >> 24) & 3u) ? qspi_regs.dlr + 1u : 0u;
}

static void poll_once(void)
{
	uint8_t st[4] = {0};
	uint32_t n = data_len() > 4u ? 4u : data_len();
	run(NULL, st, n);
	uint32_t v =
	    (uint32_t)st[0] | (uint32_t)st[1] << 8 | (uint32_t)st[2] << 16 | (uint32_t)st[3] << 24;
	qspi_regs.last_status = v;
	if ((v & qspi_regs.psmkr) == (qspi_regs.psmar & qspi_regs.psmkr)) {
		qspi_regs.sr |= SR_SMF;
		qspi_regs.polling = false;
		qspi_regs.active = false;
		qspi_regs.sr &= ~SR_BUSY;
	}
}

/* The command starts at the last of CCR / AR that it needs (RM0399). */
static void start(void)
{
	uint32_t n = data_len();
	qspi_regs.fifo_len = qspi_regs.fifo_pos = 0;
	qspi_regs.sr &= ~(SR_TCF | SR_SMF | SR_FTF);
	switch (fmode()) {
	case 0: /* indirect write: wait for the data (or none) */
		if (n == 0) {
			run(NULL, NULL, 0);
			qspi_regs.sr |= SR_TCF;
			qspi_regs.active = false;
		} else {
			qspi_regs.writing = true;
			qspi_regs.active = true;
			qspi_regs.sr |= SR_BUSY | SR_FTF;
		}
		break;
	case 1: /* indirect read: all of it lands in the FIFO */
		if (n > FIFO_MAX) {
			qspi_regs.faults++;
			n = FIFO_MAX;
		}
		run(NULL, qspi_regs.fifo, n);
		qspi_regs.fifo_len = n;
		qspi_regs.sr |= SR_TCF | (n ? SR_FTF : 0u);
		qspi_regs.active = false;
		break;
	case 2: /* auto-poll */
		if (qspi_regs.cr & CR_PMM)
			qspi_regs.faults++; /* OR mode: one ready chip would do (never!) */
		qspi_regs.polling = true;
		qspi_regs.active = true;
		qspi_regs.sr |= SR_BUSY;
		poll_once();
		break;
	default:
		break;
	}
}

static bool needs_address(void)
{
	return ((qspi_regs.ccr >> 10) & 3u) != 0;
}

static uint32_t reg_read(void *ctx, uint32_t off, unsigned width)
{
	(void)ctx;
	switch (off) {
	case 0x00:
		return qspi_regs.cr;
	case 0x04:
		return qspi_regs.dcr;
	case 0x08:
		if (qspi_regs.polling)
			poll_once(); /* the hardware keeps polling every PIR cycles */
		if (qspi_regs.fifo_pos < qspi_regs.fifo_len)
			qspi_regs.sr |= SR_FTF;
		else if (!qspi_regs.writing)
			qspi_regs.sr &= ~SR_FTF;
		return qspi_regs.sr | ((qspi_regs.fifo_len - qspi_regs.fifo_pos) & 0x3Fu) << 8;
	case 0x10:
		return qspi_regs.dlr;
	case 0x14:
		return qspi_regs.ccr;
	case 0x18:
		return qspi_regs.ar;
	case 0x20: {
		if ((qspi_regs.sr & SR_SMF) || qspi_regs.polling)
			return qspi_regs.last_status; /* the last status read by auto-poll */
		uint32_t v = 0;
		for (unsigned i = 0; i < width; i++) {
			if (qspi_regs.fifo_pos >= qspi_regs.fifo_len) {
				qspi_regs.faults++; /* read of an empty FIFO */
				break;
			}
			v |= (uint32_t)qspi_regs.fifo[qspi_regs.fifo_pos++] << (8u * i);
		}
		return v;
	}
	default:
		return 0;
	}
}

static void reg_write(void *ctx, uint32_t off, uint32_t v, unsigned width)
{
	(void)ctx;
	bool busy = qspi_regs.active;
	switch (off) {
	case 0x00:
		if (v & CR_ABORT) {
			qspi_regs.active = qspi_regs.writing = qspi_regs.polling = false;
			qspi_regs.sr &= ~(SR_BUSY | SR_FTF);
			qspi_regs.sr |= SR_TCF;
			qspi_regs.fifo_len = qspi_regs.fifo_pos = 0;
			v &= ~CR_ABORT;
		} else if (busy && ((v ^ qspi_regs.cr) & ~(CR_EN | CR_ABORT))) {
			qspi_regs.faults++; /* most fields are read-only while BUSY */
		}
		qspi_regs.cr = v;
		break;
	case 0x04:
		qspi_regs.dcr = v;
		break;
	case 0x0C:
		qspi_regs.sr &= ~(v & 0x1Bu);
		break;
	case 0x10:
		if (busy)
			qspi_regs.faults++;
		qspi_regs.dlr = v;
		break;
	case 0x14: {
		if (busy)
			qspi_regs.faults++;
		/* clearing FMODE after an abort (what ST's HAL does too) only
		 * resets the mode; it does not start a command */
		bool mode_reset =
		    (v ^ qspi_regs.ccr) == (qspi_regs.ccr & (3u << 26)) && ((v >> 26) & 3u) == 0;
		qspi_regs.ccr = v;
		if (fmode() == 3u || mode_reset)
			break; /* memory-mapped: reads of 0x90000000.. go to the chips */
		if (!needs_address())
			start();
		break;
	}
	case 0x18:
		qspi_regs.ar = v;
		if (fmode() != 3u)
			start();
		break;
	case 0x1C:
		qspi_regs.abr = v;
		break;
	case 0x20:
		if (!qspi_regs.writing) {
			qspi_regs.faults++; /* data written outside an indirect write */
			break;
		}
		for (unsigned i = 0; i < width && qspi_regs.fifo_len < FIFO_MAX; i++)
			qspi_regs.fifo[qspi_regs.fifo_len++] = (uint8_t)(v >> (8u * i));
		if (qspi_regs.fifo_len >= data_len()) {
			run(qspi_regs.fifo, NULL, qspi_regs.fifo_len);
			qspi_regs.writing = false;
			qspi_regs.active = false;
			qspi_regs.fifo_len = qspi_regs.fifo_pos = 0;
			qspi_regs.sr &= ~(SR_BUSY | SR_FTF);
			qspi_regs.sr |= SR_TCF;
		}
		break;
	case 0x24:
		qspi_regs.psmkr = v;
		break;
	case 0x28:
		qspi_regs.psmar = v;
		break;
	case 0x2C:
		qspi_regs.pir = v;
		break;
	default:
		break;
	}
}

static const struct mmio_model_ops ops = {reg_read, reg_write};

int quadspi_model_init(struct nor_chip *chip0, struct nor_chip *chip1)
{
	memset(&qspi_regs, 0, sizeof(qspi_regs));
	qspi_regs.chip[0] = chip0;
	qspi_regs.chip[1] = chip1;
	return mmio_register(QSPI_BASE, 0x400, &ops, NULL);
}

unsigned quadspi_model_faults(void)
{
	return qspi_regs.faults;
}

bool quadspi_model_memmapped(void)
{
	return fmode() == 3u;
}
