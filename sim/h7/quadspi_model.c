/* SPDX-License-Identifier: MIT */
#include "sim/h7/quadspi_model.h"

#include <string.h>

#include "sim/h7/mmio_bus.h"
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
} q;

static unsigned lines(uint32_t mode)
{
	return mode == 3 ? 4u : mode;
}

static bool dual(void)
{
	return (q.cr & CR_DFM) != 0;
}

static void decode(struct port_qspi_cmd *c, uint32_t data_len)
{
	memset(c, 0, sizeof(*c));
	c->instruction = (uint8_t)q.ccr;
	c->instruction_lines = (uint8_t)lines((q.ccr >> 8) & 3u);
	c->address_lines = (uint8_t)lines((q.ccr >> 10) & 3u);
	c->address_bytes = (uint8_t)(((q.ccr >> 12) & 3u) + 1u);
	c->alt_lines = (uint8_t)lines((q.ccr >> 14) & 3u);
	c->alt_bytes = (uint8_t)(((q.ccr >> 16) & 3u) + 1u);
	c->dummy_cycles = (uint8_t)((q.ccr >> 18) & 31u);
	c->data_lines = (uint8_t)lines((q.ccr >> 24) & 3u);
	c->address = dual() ? q.ar >> 1 : q.ar; /* AN4760: AR/2 on the wire */
	c->alt = q.abr;
	c->data_len = data_len;
}

static uint32_t fmode(void)
{
	return (q.ccr >> 26) & 3u;
}

/* Run the command on the chip(s): tx/rx are the bytes on the QUADSPI
 * side, interleaved per byte in dual-flash mode. */
static void run(const uint8_t *tx, uint8_t *rx, uint32_t n)
{
	struct port_qspi_cmd c;
	if (!dual()) {
		decode(&c, n);
		nor_chip_command(q.chip[0], &c, tx, rx);
		return;
	}
	static uint8_t t[2][FIFO_MAX / 2], r[2][FIFO_MAX / 2];
	uint32_t per = n / 2u;
	if (n % 2u)
		q.faults++; /* dual-flash transfers are always an even byte count */
	for (uint32_t i = 0; tx && i < per; i++) {
		t[0][i] = tx[2u * i];
		t[1][i] = tx[2u * i + 1u];
	}
	decode(&c, per);
	for (unsigned k = 0; k < 2; k++)
		nor_chip_command(q.chip[k], &c, tx ? t[k] : NULL, r[k]);
	for (uint32_t i = 0; rx && i < per; i++) {
		rx[2u * i] = r[0][i];
		rx[2u * i + 1u] = r[1][i];
	}
}

static uint32_t data_len(void)
{
	return ((q.ccr >> 24) & 3u) ? q.dlr + 1u : 0u;
}

static void poll_once(void)
{
	uint8_t st[4] = {0};
	uint32_t n = data_len() > 4u ? 4u : data_len();
	run(NULL, st, n);
	uint32_t v =
	    (uint32_t)st[0] | (uint32_t)st[1] << 8 | (uint32_t)st[2] << 16 | (uint32_t)st[3] << 24;
	q.last_status = v;
	if ((v & q.psmkr) == (q.psmar & q.psmkr)) {
		q.sr |= SR_SMF;
		q.polling = false;
		q.active = false;
		q.sr &= ~SR_BUSY;
	}
}

/* The command starts at the last of CCR / AR that it needs (RM0399). */
static void start(void)
{
	uint32_t n = data_len();
	q.fifo_len = q.fifo_pos = 0;
	q.sr &= ~(SR_TCF | SR_SMF | SR_FTF);
	switch (fmode()) {
	case 0: /* indirect write: wait for the data (or none) */
		if (n == 0) {
			run(NULL, NULL, 0);
			q.sr |= SR_TCF;
			q.active = false;
		} else {
			q.writing = true;
			q.active = true;
			q.sr |= SR_BUSY | SR_FTF;
		}
		break;
	case 1: /* indirect read: all of it lands in the FIFO */
		if (n > FIFO_MAX) {
			q.faults++;
			n = FIFO_MAX;
		}
		run(NULL, q.fifo, n);
		q.fifo_len = n;
		q.sr |= SR_TCF | (n ? SR_FTF : 0u);
		q.active = false;
		break;
	case 2: /* auto-poll */
		if (q.cr & CR_PMM)
			q.faults++; /* OR mode: one ready chip would do (never!) */
		q.polling = true;
		q.active = true;
		q.sr |= SR_BUSY;
		poll_once();
		break;
	default:
		break;
	}
}

static bool needs_address(void)
{
	return ((q.ccr >> 10) & 3u) != 0;
}

static uint32_t reg_read(void *ctx, uint32_t off, unsigned width)
{
	(void)ctx;
	switch (off) {
	case 0x00:
		return q.cr;
	case 0x04:
		return q.dcr;
	case 0x08:
		if (q.polling)
			poll_once(); /* the hardware keeps polling every PIR cycles */
		if (q.fifo_pos < q.fifo_len)
			q.sr |= SR_FTF;
		else if (!q.writing)
			q.sr &= ~SR_FTF;
		return q.sr | ((q.fifo_len - q.fifo_pos) & 0x3Fu) << 8;
	case 0x10:
		return q.dlr;
	case 0x14:
		return q.ccr;
	case 0x18:
		return q.ar;
	case 0x20: {
		if ((q.sr & SR_SMF) || q.polling)
			return q.last_status; /* the last status read by auto-poll */
		uint32_t v = 0;
		for (unsigned i = 0; i < width; i++) {
			if (q.fifo_pos >= q.fifo_len) {
				q.faults++; /* read of an empty FIFO */
				break;
			}
			v |= (uint32_t)q.fifo[q.fifo_pos++] << (8u * i);
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
	bool busy = q.active;
	switch (off) {
	case 0x00:
		if (v & CR_ABORT) {
			q.active = q.writing = q.polling = false;
			q.sr &= ~(SR_BUSY | SR_FTF);
			q.sr |= SR_TCF;
			q.fifo_len = q.fifo_pos = 0;
			v &= ~CR_ABORT;
		} else if (busy && ((v ^ q.cr) & ~(CR_EN | CR_ABORT))) {
			q.faults++; /* most fields are read-only while BUSY */
		}
		q.cr = v;
		break;
	case 0x04:
		q.dcr = v;
		break;
	case 0x0C:
		q.sr &= ~(v & 0x1Bu);
		break;
	case 0x10:
		if (busy)
			q.faults++;
		q.dlr = v;
		break;
	case 0x14: {
		if (busy)
			q.faults++;
		/* clearing FMODE after an abort (what ST's HAL does too) only
		 * resets the mode; it does not start a command */
		bool mode_reset = (v ^ q.ccr) == (q.ccr & (3u << 26)) && ((v >> 26) & 3u) == 0;
		q.ccr = v;
		if (fmode() == 3u || mode_reset)
			break; /* memory-mapped: reads of 0x90000000.. go to the chips */
		if (!needs_address())
			start();
		break;
	}
	case 0x18:
		q.ar = v;
		if (fmode() != 3u)
			start();
		break;
	case 0x1C:
		q.abr = v;
		break;
	case 0x20:
		if (!q.writing) {
			q.faults++; /* data written outside an indirect write */
			break;
		}
		for (unsigned i = 0; i < width && q.fifo_len < FIFO_MAX; i++)
			q.fifo[q.fifo_len++] = (uint8_t)(v >> (8u * i));
		if (q.fifo_len >= data_len()) {
			run(q.fifo, NULL, q.fifo_len);
			q.writing = false;
			q.active = false;
			q.fifo_len = q.fifo_pos = 0;
			q.sr &= ~(SR_BUSY | SR_FTF);
			q.sr |= SR_TCF;
		}
		break;
	case 0x24:
		q.psmkr = v;
		break;
	case 0x28:
		q.psmar = v;
		break;
	case 0x2C:
		q.pir = v;
		break;
	default:
		break;
	}
}

static const struct mmio_model_ops ops = {reg_read, reg_write};

int quadspi_model_init(struct nor_chip *chip0, struct nor_chip *chip1)
{
	memset(&q, 0, sizeof(q));
	q.chip[0] = chip0;
	q.chip[1] = chip1;
	return mmio_register(QSPI_BASE, 0x400, &ops, NULL);
}

unsigned quadspi_model_faults(void)
{
	return q.faults;
}

bool quadspi_model_memmapped(void)
{
	return fmode() == 3u;
}
