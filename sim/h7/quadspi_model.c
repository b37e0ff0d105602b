/* SPDX-License-Identifier: MIT */
#include "sim/h7/quadspi_model.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sim/h7/mmio_bus.h"
#include "sim/h7/scs_model.h"
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
	char last_fault[160];
	uint32_t last_status;
	uint32_t abr_latched; /* ABR as the command's trigger found it */
	unsigned commands;    /* commands started */
	uint64_t bus_cycles;  /* memory-mapped reads: clock cycles on the bus */
} qspi_regs;

static void fault(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(qspi_regs.last_fault, sizeof(qspi_regs.last_fault), fmt, ap);
	va_end(ap);
	qspi_regs.faults++;
}

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
	c->alt = qspi_regs.abr_latched;
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
		fault("dual-flash transfer of an odd byte count");
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

/* Speculative reads (facts "Traps found by review" 6; ST's DFU_Standalone
 * example starts with a no-access background MPU region): with the
 * peripheral in indirect mode the Cortex-M7 may still read ahead into
 * 0x90000000-0x9FFFFFFF (Normal memory in the default map), which disturbs
 * or locks the peripheral. Every 1 MiB of the window must be no-access in
 * the MPU while a command runs. */
static void check_window_guarded(void)
{
	for (uint32_t a = 0x90000000u; a >= 0x90000000u && a <= 0x9FF00000u; a += 0x100000u) {
		if (scs_model_mpu_readable(a) || scs_model_mpu_executable(a)) {
			fault("indirect command with 0x%08x open to speculative reads (no MPU "
			      "no-access region over the QSPI window)",
			      a);
			return;
		}
	}
}

/* The command starts at the last of CCR / AR that it needs (RM0399), with
 * ABR as it is at that moment. */
static void start(void)
{
	uint32_t n = data_len();
	qspi_regs.commands++;
	qspi_regs.abr_latched = qspi_regs.abr;
	check_window_guarded();
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
			fault("indirect read longer than the model's FIFO");
			n = FIFO_MAX;
		}
		run(NULL, qspi_regs.fifo, n);
		qspi_regs.fifo_len = n;
		qspi_regs.sr |= SR_TCF | (n ? SR_FTF : 0u);
		qspi_regs.active = false;
		break;
	case 2: /* auto-poll */
		if (qspi_regs.cr & CR_PMM)
			fault("auto-poll in OR mode: one ready chip would do");
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
				fault("read of an empty FIFO");
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

/* CCR: most of the QUADSPI's command set-up (RM0399 QUADSPI registers). */
static void write_ccr(uint32_t v)
{
	if (qspi_regs.active) {
		fault("CCR written while BUSY (ignored by the hardware)");
		return;
	}
	qspi_regs.ccr = v;
	if (fmode() == 3u) {
		/* memory-mapped: the core may prefetch at once and BUSY stays
		 * set until an abort; ABR is taken now */
		qspi_regs.abr_latched = qspi_regs.abr;
		qspi_regs.active = true;
		qspi_regs.sr |= SR_BUSY;
		return;
	}
	/* no address phase: the CCR write itself starts the command, whatever
	 * the write meant (an abort path that only clears FMODE sends the
	 * previous instruction again: facts trap 7) */
	if (!needs_address())
		start();
}

static void write_cr(uint32_t v)
{
	if (v & CR_ABORT) {
		qspi_regs.active = qspi_regs.writing = qspi_regs.polling = false;
		qspi_regs.sr &= ~(SR_BUSY | SR_FTF);
		qspi_regs.sr |= SR_TCF;
		qspi_regs.fifo_len = qspi_regs.fifo_pos = 0;
		v &= ~CR_ABORT;
	} else if (qspi_regs.active && ((v ^ qspi_regs.cr) & ~(CR_EN | CR_ABORT))) {
		fault("CR written while BUSY (ignored by the hardware)");
		return;
	}
	qspi_regs.cr = v;
}

static void write_dr(uint32_t v, unsigned width)
{
	if (!qspi_regs.writing) {
		fault("DR written outside an indirect write");
		return;
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
}

/* DLR, AR, PSMKR, PSMAR, PIR: writable only while BUSY = 0 and ignored
 * otherwise (RM0399); a poll configured in memory-mapped mode would poll
 * with a stale mask and match (facts trap 7). */
static uint32_t *idle_only_reg(uint32_t off)
{
	switch (off) {
	case 0x10:
		return &qspi_regs.dlr;
	case 0x18:
		return &qspi_regs.ar;
	case 0x24:
		return &qspi_regs.psmkr;
	case 0x28:
		return &qspi_regs.psmar;
	case 0x2C:
		return &qspi_regs.pir;
	default:
		return NULL;
	}
}

static void reg_write(void *ctx, uint32_t off, uint32_t v, unsigned width)
{
	(void)ctx;
	uint32_t *idle_reg = idle_only_reg(off);
	if (idle_reg) {
		if (qspi_regs.active) {
			fault("register 0x%02x written while BUSY (ignored by the hardware)", off);
			return;
		}
		*idle_reg = v;
		if (off == 0x18 && fmode() != 3u)
			start(); /* AR: the last write the command needs */
		return;
	}
	switch (off) {
	case 0x00:
		write_cr(v);
		break;
	case 0x04:
		qspi_regs.dcr = v;
		break;
	case 0x0C:
		qspi_regs.sr &= ~(v & 0x1Bu);
		break;
	case 0x14:
		write_ccr(v);
		break;
	case 0x1C:
		qspi_regs.abr = v;
		break;
	case 0x20:
		write_dr(v, width);
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

const char *quadspi_model_last_fault(void)
{
	return qspi_regs.last_fault;
}

unsigned quadspi_model_commands(void)
{
	return qspi_regs.commands;
}

uint32_t quadspi_model_last_alt(void)
{
	return qspi_regs.abr_latched;
}

bool quadspi_model_memmapped(void)
{
	return fmode() == 3u;
}

static uint32_t phase_cycles(uint32_t bytes, unsigned nlines)
{
	return nlines ? bytes * 8u / nlines : 0u;
}

/* A read through the memory-mapped window (RM0399 "Memory-mapped mode"):
 * each access the core or a DMA makes sends the whole CCR command with
 * the address, as the hardware does without SIOO. */
uint32_t quadspi_model_mem_read(uint32_t off, void *buf, uint32_t len)
{
	memset(buf, 0, len);
	if (fmode() != 3u || !(qspi_regs.cr & CR_EN)) {
		fault("read of 0x%08x with the QUADSPI not in memory-mapped mode (bus error)",
		      0x90000000u + off);
		return 0;
	}
	if (!scs_model_mpu_readable(0x90000000u + off)) {
		fault("read of 0x%08x that the MPU forbids (MemManage fault)", 0x90000000u + off);
		return 0;
	}
	uint32_t fsize = (qspi_regs.dcr >> 16) & 31u;
	if ((uint64_t)off + len > (1ull << (fsize + 1u))) {
		fault("read of 0x%08x beyond FSIZE", 0x90000000u + off);
		return 0;
	}
	if (len > FIFO_MAX || (dual() && (off % 2u || len % 2u))) {
		fault("memory-mapped read the model cannot split");
		return 0;
	}
	uint32_t ar = qspi_regs.ar;
	qspi_regs.ar = off;
	run(NULL, buf, len);
	qspi_regs.ar = ar;
	struct port_qspi_cmd c;
	decode(&c, dual() ? len / 2u : len);
	uint32_t cycles = phase_cycles(1, c.instruction_lines) +
	                  phase_cycles(c.address_bytes, c.address_lines) +
	                  phase_cycles(c.alt_bytes, c.alt_lines) + c.dummy_cycles +
	                  phase_cycles(c.data_len, c.data_lines);
	qspi_regs.bus_cycles += cycles;
	return cycles;
}

uint64_t quadspi_model_bus_cycles(void)
{
	return qspi_regs.bus_cycles;
}
