/* SPDX-License-Identifier: MIT */
/*
 * port_qspi_* on one or two NOR chip models (sim/nor). Dual-flash mode
 * follows the QUADSPI rules (AN4760): both chips get every command, the
 * address on the wire is address / 2, data bytes alternate (even bytes
 * chip 0, odd bytes chip 1), status bytes come interleaved and the
 * auto-poll match is an AND over both chips.
 *
 * In virtual time every command costs its bus time: the clock cycles of
 * each phase at its line width (instruction, address, alternate bytes,
 * dummy cycles, data; both chips of a pair work in parallel) at the clock
 * the QUADSPI prescaler really gives for the clock the firmware asked for.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "sim/clock/vclock.h"
#include "sim/port/simport_internal.h"
#include "sim/nor/nor_dual.h"
#include "sim/nor/nor_model.h"
#include "sim/nor/nor_octal.h"
#include "hal/port.h"

/* QUADSPI kernel clock of the boards (rcc_hclk3 at 200 MHz), the
 * prescaler divides it by 1..256 (RM0433 QUADSPI_CR.PRESCALER). */
#define QSPI_KERNEL_HZ 200000000u
#define PS_PER_US      1000000u

static struct {
	struct nor_chip *chip[2];
	unsigned n; /* 1 or 2 */
	bool init, memmap;
	bool off; /* no supply (power cut) */
	struct port_qspi_cmd mm_cmd;
	uint32_t clock_hz; /* bus clock the prescaler gives */
	uint64_t owed_ps;  /* bus time not yet added to the clock */
	uint64_t bus_ps;   /* all bus time so far (tests, benchmarks) */
	/* port_qspi_read_crc: bus time of the FIFO chunk the CRC unit is
	 * being fed now (the unit works meanwhile; crc.c takes it) */
	uint64_t crc_credit_ps;
} qspi_bus;

static char *state_path(const char *dir, unsigned i, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/qspi%u.bin", dir, i);
	return buf;
}

int simport_qspi_setup(const struct board *b, const char *const chips[2], const char *state_dir)
{
	char path[4096];
	simport_qspi_teardown();
	if (!b || !b->qspi_chip)
		return QDFU_E_NO_DEVICE;
	qspi_bus.n = b->qspi_dual ? 2u : 1u;
	for (unsigned i = 0; i < qspi_bus.n; i++) {
		const char *name = chips && chips[i] ? chips[i] : NULL;
		if (!name && i == 1 && chips && chips[0])
			name = chips[0]; /* one name on a dual board: the same part twice */
		if (!name)
			name = b->qspi_chip;
		qspi_bus.chip[i] = nor_chip_create(name);
		if (!qspi_bus.chip[i]) {
			fprintf(stderr, "hostport: unknown QSPI chip '%s'\n", name);
			simport_qspi_teardown();
			return QDFU_E_PARAM;
		}
		if (state_dir && nor_chip_load(qspi_bus.chip[i],
		                               state_path(state_dir, i, path, sizeof(path))) != 0) {
			simport_qspi_teardown();
			return QDFU_E_CORRUPT;
		}
	}
	return QDFU_OK;
}

int simport_qspi_save(const char *state_dir)
{
	char path[4096];
	if (!state_dir)
		return QDFU_OK;
	for (unsigned i = 0; i < qspi_bus.n; i++)
		if (qspi_bus.chip[i] &&
		    nor_chip_save(qspi_bus.chip[i], state_path(state_dir, i, path, sizeof(path))) !=
		        0)
			return QDFU_E_PARAM;
	return QDFU_OK;
}

void simport_qspi_teardown(void)
{
	for (unsigned i = 0; i < 2; i++) {
		nor_chip_destroy(qspi_bus.chip[i]);
		qspi_bus.chip[i] = NULL;
	}
	memset(&qspi_bus, 0, sizeof(qspi_bus));
}

void simport_qspi_power(bool on)
{
	qspi_bus.off = !on;
}

struct nor_chip *simport_qspi_chip(unsigned i)
{
	return i < qspi_bus.n ? qspi_bus.chip[i] : NULL;
}

int port_qspi_init(const struct port_qspi_config *cfg)
{
	if (!cfg || !qspi_bus.n)
		return QDFU_E_NO_DEVICE;
	if (cfg->dual_flash != (qspi_bus.n == 2))
		return QDFU_E_PARAM; /* firmware and wiring disagree */
	qspi_bus.init = true;
	qspi_bus.memmap = false;
	/* the highest clock not above the wanted one */
	uint32_t want = cfg->clock_hz ? cfg->clock_hz : QSPI_KERNEL_HZ;
	uint32_t div = (QSPI_KERNEL_HZ + want - 1u) / want;
	div = div < 1u ? 1u : div > 256u ? 256u : div;
	qspi_bus.clock_hz = QSPI_KERNEL_HZ / div;
	return QDFU_OK;
}

uint32_t simport_qspi_clock_hz(void)
{
	return qspi_bus.clock_hz;
}

uint64_t simport_qspi_bus_ns(void)
{
	return qspi_bus.bus_ps / 1000u;
}

static uint64_t phase_cycles(uint32_t bytes, uint8_t lines)
{
	return lines ? (uint64_t)bytes * 8u / lines : 0u;
}

/* A phase clocked on both edges takes half the cycles. */
static uint64_t dtr_half(const struct port_qspi_cmd *c, uint8_t phase, uint64_t cycles)
{
	return (c->dtr & phase) ? (cycles + 1u) / 2u : cycles;
}

/* The bus time of c (data_len: bytes per chip), in picoseconds; with
 * data_only, of its data phase alone. */
static uint64_t bus_ps(const struct port_qspi_cmd *c, uint32_t data_len, bool data_only)
{
	if (!qspi_bus.clock_hz)
		return 0;
	uint64_t cycles = dtr_half(c, PORT_QSPI_DTR_DATA, phase_cycles(data_len, c->data_lines));
	if (!data_only)
		cycles +=
		    dtr_half(c, PORT_QSPI_DTR_INSTRUCTION,
		             phase_cycles(c->instruction_bytes > 1 ? 2 : 1, c->instruction_lines)) +
		    dtr_half(c, PORT_QSPI_DTR_ADDRESS,
		             phase_cycles(c->address_bytes, c->address_lines)) +
		    dtr_half(c, PORT_QSPI_DTR_ALT, phase_cycles(c->alt_bytes, c->alt_lines)) +
		    c->dummy_cycles;
	return cycles * 1000000000000ull / qspi_bus.clock_hz;
}

/* Charge the bus time of c (data_len: bytes per chip) to virtual time. */
static void charge(const struct port_qspi_cmd *c, uint32_t data_len)
{
	uint64_t ps = bus_ps(c, data_len, false);
	qspi_bus.bus_ps += ps;
	if (vclock_mode() != VCLOCK_VIRTUAL)
		return; /* real time: the host's own speed */
	qspi_bus.owed_ps += ps;
	uint64_t us = qspi_bus.owed_ps / PS_PER_US;
	if (us) {
		qspi_bus.owed_ps -= us * PS_PER_US;
		vclock_advance_us(us);
	}
}

/* Eight lines, 16-bit instructions and DTR exist on the OCTOSPI parts,
 * whose boards carry an octal chip (sim/nor/nor_octal.h): the bus is taken
 * to be an OCTOSPI when its chip is one. */
static bool octal_bus(void)
{
	return qspi_bus.chip[0] && nor_chip_opi_proto(qspi_bus.chip[0]) >= 0;
}

static bool lines_ok(uint8_t l)
{
	return l == 0 || l == 1 || l == 2 || l == 4 || (l == 8 && octal_bus());
}

/* What the QUADSPI's CCR can express (RM0399 QUADSPI_CCR), or on an
 * octal bus the OCTOSPI's (8 lines, 16-bit instruction, DTR per phase). */
static bool cmd_valid(const struct port_qspi_cmd *c)
{
	if (!lines_ok(c->instruction_lines) || !lines_ok(c->address_lines) ||
	    !lines_ok(c->data_lines) || !lines_ok(c->alt_lines) || c->dummy_cycles > 31)
		return false;
	if (!octal_bus() && (c->instruction_bytes > 1 || c->dtr || c->dqs))
		return false;
	if (c->address_lines && (c->address_bytes < 1 || c->address_bytes > 4))
		return false;
	return !(c->data_lines && c->data_len == 0);
}

/* Run c on every chip; tx / rx hold both chips' bytes interleaved. */
static int xfer(const struct port_qspi_cmd *c, const uint8_t *tx, uint8_t *rx)
{
	if (!qspi_bus.init)
		return QDFU_E_STATE;
	if (qspi_bus.off)
		return QDFU_E_NO_DEVICE;
	if (!cmd_valid(c))
		return QDFU_E_PARAM;
	qspi_bus.memmap = false; /* indirect access aborts memory-mapped mode */
	/* the command is on the wire before the chip acts on it */
	charge(c, qspi_bus.n == 2 ? c->data_len / 2u : c->data_len);
	if (qspi_bus.n == 1) {
		(void)nor_chip_command(qspi_bus.chip[0], c, tx, rx);
		return QDFU_OK;
	}
	if (c->data_len % 2u || (c->address_lines && c->address % 2u))
		return QDFU_E_PARAM;
	struct port_qspi_cmd one = *c;
	one.address = c->address / 2u;
	one.data_len = c->data_len / 2u;
	uint8_t *buf = one.data_len ? malloc(one.data_len) : NULL;
	if (one.data_len && !buf)
		return QDFU_E_PARAM;
	nor_dual_command(qspi_bus.chip, &one, tx, rx, buf);
	free(buf);
	return QDFU_OK;
}

int port_qspi_read(const struct port_qspi_cmd *c, void *data)
{
	if (c->data_lines && !data)
		return QDFU_E_PARAM;
	return xfer(c, NULL, c->data_lines ? data : NULL);
}

/* The firmware's loop (firmware/port/stm32h7/fifo_crc.c) writes each word
 * it takes from the 32-byte FIFO to the CRC unit while the bus fills the
 * FIFO again: the unit and the bus run at once, and each chunk costs the
 * slower of the two. The bus time is charged as for any read; the unit's
 * time of each chunk is then charged by port_crc32_update (crc.c) less the
 * bus time of the same chunk, which this leaves it as a credit. */
#define FIFO_BYTES 32u

int port_qspi_read_crc(const struct port_qspi_cmd *c, void *data, uint32_t *crc)
{
	if (!c->data_lines || !crc)
		return QDFU_E_PARAM;
	uint8_t *buf = data ? data : malloc(c->data_len ? c->data_len : 1u);
	if (!buf)
		return QDFU_E_PARAM;
	int rc = xfer(c, NULL, buf);
	if (rc == QDFU_OK) {
		uint64_t bus = bus_ps(c, qspi_bus.n == 2 ? c->data_len / 2u : c->data_len, true);
		uint32_t v = *crc;
		for (uint32_t off = 0; off < c->data_len; off += FIFO_BYTES) {
			uint32_t k =
			    c->data_len - off < FIFO_BYTES ? c->data_len - off : FIFO_BYTES;
			qspi_bus.crc_credit_ps = bus * k / c->data_len;
			v = port_crc32_update(v, buf + off, k);
		}
		qspi_bus.crc_credit_ps = 0;
		*crc = v;
	}
	if (!data)
		free(buf);
	return rc;
}

uint64_t simport_qspi_take_crc_credit_ps(void)
{
	uint64_t ps = qspi_bus.crc_credit_ps;
	qspi_bus.crc_credit_ps = 0;
	return ps;
}

int port_qspi_write(const struct port_qspi_cmd *c, const void *data)
{
	if (c->data_lines && !data)
		return QDFU_E_PARAM;
	return xfer(c, c->data_lines ? data : NULL, NULL);
}

int port_qspi_poll(const struct port_qspi_cmd *c, uint32_t mask, uint32_t match,
                   uint32_t timeout_ms, uint32_t *last)
{
	uint32_t n = c->data_len;
	if (n == 0 || n > 4 || !c->data_lines)
		return QDFU_E_PARAM;
	uint32_t start = port_millis();
	for (;;) {
		uint8_t b[4] = {0};
		int rc = port_qspi_read(c, b);
		if (rc)
			return rc;
		/* AND mode: every status byte (each chip's) must match */
		bool ok = true;
		uint32_t v = 0;
		for (uint32_t i = 0; i < n; i++) {
			v |= (uint32_t)b[i] << (8u * i);
			if ((b[i] & mask) != (match & mask))
				ok = false;
		}
		if (last)
			*last = v;
		if (ok)
			return QDFU_OK;
		if (timeout_ms == 0)
			return QDFU_E_BUSY;
		if (port_millis() - start >= timeout_ms)
			return QDFU_E_TIMEOUT;
		port_wait_hint();
	}
}

int port_qspi_memmap(const struct port_qspi_cmd *read_cmd)
{
	if (!qspi_bus.init || !read_cmd)
		return QDFU_E_STATE;
	qspi_bus.mm_cmd = *read_cmd;
	qspi_bus.memmap = true;
	return QDFU_OK;
}

int simport_qspi_mem_read(uint32_t off, void *buf, uint32_t len)
{
	if (!qspi_bus.memmap || qspi_bus.off)
		return QDFU_E_STATE;
	struct port_qspi_cmd c = qspi_bus.mm_cmd;
	c.address = off;
	c.data_len = len;
	int rc = xfer(&c, NULL, buf);
	qspi_bus.memmap = true; /* a memory-mapped access stays memory-mapped */
	return rc;
}

bool simport_qspi_memmap_cmd(struct port_qspi_cmd *c)
{
	if (qspi_bus.memmap && c)
		*c = qspi_bus.mm_cmd;
	return qspi_bus.memmap;
}

int port_qspi_abort(void)
{
	qspi_bus.memmap = false;
	return QDFU_OK;
}

bool port_qspi_memmapped(struct port_qspi_window *w)
{
	uint32_t bytes = 0;
	for (unsigned i = 0; qspi_bus.init && i < qspi_bus.n; i++)
		bytes += nor_chip_size(qspi_bus.chip[i]);
	uint8_t log2 = 0;
	while (bytes > 1u) {
		bytes >>= 1;
		log2++;
	}
	w->size_log2 = log2;
	w->dual_flash = qspi_bus.n == 2u;
	return qspi_bus.memmap;
}
