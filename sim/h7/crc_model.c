/* SPDX-License-Identifier: MIT */
#include "sim/h7/crc_model.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sim/h7/mmio_bus.h"

#define CRC_BASE 0x58024C00u

#define CR_RESET        (1u << 0)
#define CR_POLYSIZE_Msk (3u << 3)
#define CR_REV_IN_Pos   5
#define CR_REV_OUT      (1u << 7)
#define CR_WRITABLE     0xF8u /* POLYSIZE, REV_IN, REV_OUT */

static struct {
	bool (*clock_on)(void);
	uint32_t state, idr, cr, init, pol;
	unsigned faults;
	char last_fault[120];
	uint64_t cycles;
} crc_m;

static void fault(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(crc_m.last_fault, sizeof(crc_m.last_fault), fmt, ap);
	va_end(ap);
	crc_m.faults++;
}

static bool clocked(void)
{
	return !crc_m.clock_on || crc_m.clock_on();
}

/* Reverse the bits of each `unit`-bit group of v (unit 8, 16 or 32). */
static uint32_t reverse_units(uint32_t v, unsigned unit)
{
	uint32_t out = 0;
	for (unsigned base = 0; base < 32u; base += unit)
		for (unsigned i = 0; i < unit; i++)
			if (v & (1u << (base + i)))
				out |= 1u << (base + unit - 1u - i);
	return out;
}

static void feed(uint32_t v, unsigned width)
{
	unsigned bits = width * 8u;
	uint32_t rev = (crc_m.cr >> CR_REV_IN_Pos) & 3u;
	if (rev) {
		unsigned unit = 8u << (rev - 1u); /* 01 byte, 10 half-word, 11 word */
		if (unit > bits)
			fault("CRC_DR: %u-bit write with REV_IN reversing by %u bits", bits, unit);
		v = reverse_units(v, unit); /* a narrower write keeps its low bits: wrong */
	}
	if (crc_m.cr & CR_POLYSIZE_Msk)
		fault("CRC_CR.POLYSIZE 0x%x: only 32-bit polynomials are modelled",
		      (crc_m.cr & CR_POLYSIZE_Msk) >> 3);
	for (unsigned i = bits; i-- > 0;) {
		uint32_t in = (v >> i) & 1u;
		uint32_t top = crc_m.state >> 31;
		crc_m.state <<= 1;
		if (top ^ in)
			crc_m.state ^= crc_m.pol;
	}
	/* 4 cycles a word, 2 a half-word, 1 a byte */
	crc_m.cycles += width * CRC_MODEL_CYCLES_PER_WORD / 4u;
}

static uint32_t rd(void *ctx, uint32_t off, unsigned w)
{
	(void)ctx;
	(void)w;
	if (!clocked())
		return 0;
	switch (off) {
	case 0x00:
		return (crc_m.cr & CR_REV_OUT) ? reverse_units(crc_m.state, 32u) : crc_m.state;
	case 0x04:
		return crc_m.idr;
	case 0x08:
		return crc_m.cr; /* RESET reads 0 */
	case 0x10:
		return crc_m.init;
	case 0x14:
		return crc_m.pol;
	default:
		fault("read of reserved CRC offset 0x%02x", off);
		return 0;
	}
}

static void wr(void *ctx, uint32_t off, uint32_t v, unsigned w)
{
	(void)ctx;
	if (!clocked())
		return; /* no clock: the write is lost */
	if (off != 0x00 && w != 4u) {
		fault("%u-byte write to CRC offset 0x%02x (32-bit register)", w, off);
		return;
	}
	switch (off) {
	case 0x00:
		feed(w == 4u ? v : v & ((1u << (w * 8u)) - 1u), w);
		break;
	case 0x04:
		crc_m.idr = v;
		break;
	case 0x08:
		crc_m.cr = v & CR_WRITABLE;
		if (v & CR_RESET)
			crc_m.state = crc_m.init;
		break;
	case 0x10:
		crc_m.init = v;
		crc_m.state = v; /* DR is initialised by a write to INIT */
		break;
	case 0x14:
		if (!(v & 1u))
			fault("CRC_POL 0x%08x: even polynomials are not supported", v);
		crc_m.pol = v;
		break;
	default:
		fault("write to reserved CRC offset 0x%02x", off);
		break;
	}
}

static const struct mmio_model_ops ops = {rd, wr};

void crc_model_reset(void)
{
	bool (*c)(void) = crc_m.clock_on;
	memset(&crc_m, 0, sizeof(crc_m));
	crc_m.clock_on = c;
	crc_m.state = crc_m.init = 0xFFFFFFFFu;
	crc_m.pol = 0x04C11DB7u;
}

int crc_model_attach(bool (*clock_on)(void))
{
	if (crc_m.pol == 0)
		crc_model_reset(); /* first use */
	crc_m.clock_on = clock_on;
	return mmio_register(CRC_BASE, 0x400, &ops, NULL);
}

unsigned crc_model_faults(void)
{
	return crc_m.faults;
}

const char *crc_model_last_fault(void)
{
	return crc_m.last_fault;
}

uint64_t crc_model_cycles(void)
{
	return crc_m.cycles;
}
