/* SPDX-License-Identifier: MIT */
/*
 * port_crc32_update on the STM32H7's CRC calculation unit (regs_crc.h).
 *
 * The qdfu CRC is zlib's CRC-32: polynomial 0x04C11DB7 processed
 * least-significant bit first (reflected), initial value and final XOR
 * 0xFFFFFFFF. The unit shifts each written value in most-significant bit
 * first, so the driver asks it to reverse the bits of every input byte
 * (REV_IN) and of the result (REV_OUT), and writes each group of four
 * bytes as one word with the first byte in bits 31:24. The register is the
 * bit-reversed running state, so a previous result crc continues as
 * INIT = reverse(~crc), and the answer is ~DR.
 */
#include <stdint.h>

#include "common/compiler.h"
#include "hal/port.h"
#include "port/stm32h7/h7.h"
#include "port/stm32h7/mmio.h"
#include "port/stm32h7/regs_crc.h"
#include "port/stm32h7/regs_rcc.h"

static struct crc_regs *regs(void)
{
	return (struct crc_regs *)MMIO_BASE(CRC_BASE);
}

void h7_crc_clock_enable(void)
{
	struct rcc_regs *rcc = (struct rcc_regs *)MMIO_BASE(RCC_BASE);
	mmio_set(&rcc->AHB4ENR, RCC_AHB4ENR_CRCEN);
	(void)mmio_read(&rcc->AHB4ENR); /* the clock is on before the first access */
}

static uint32_t reverse32(uint32_t v)
{
	v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);
	v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);
	v = ((v >> 4) & 0x0F0F0F0Fu) | ((v & 0x0F0F0F0Fu) << 4);
	v = ((v >> 8) & 0x00FF00FFu) | ((v & 0x00FF00FFu) << 8);
	return (v >> 16) | (v << 16);
}

/* The unit set up for zlib's CRC-32, continuing from crc. */
void h7_crc_begin(uint32_t crc)
{
	struct crc_regs *r = regs();
	mmio_write(&r->POL, CRC_POL_CRC32);
	/* POLYSIZE 00: 32-bit. REV_IN by byte, not by word: the tail goes in
	 * as byte writes, and on the H7 a word reversal of a byte write gives
	 * a wrong CRC (the register model fails it as silicon does). */
	mmio_write(&r->CR, CRC_CR_REV_IN_BYTE | CRC_CR_REV_OUT);
	mmio_write(&r->INIT, reverse32(~crc)); /* loads DR */
}

/* Four bytes as memory (and the QUADSPI / OCTOSPI FIFO) holds them: the
 * first in bits 7:0. The unit takes the first byte in bits 31:24. */
void h7_crc_word(uint32_t le)
{
	mmio_write(&regs()->DR,
	           (le >> 24) | (le >> 8 & 0xFF00u) | (le << 8 & 0xFF0000u) | le << 24);
}

void h7_crc_byte(uint8_t b)
{
	mmio_write8((volatile uint8_t *)&regs()->DR, b);
}

uint32_t h7_crc_end(void)
{
	return ~mmio_read(&regs()->DR);
}

uint32_t h7_crc32_update(uint32_t crc, const void *data, uint32_t len)
{
	const uint8_t *p = data;
	h7_crc_begin(crc);
	for (; len >= 4u; len -= 4u, p += 4u)
		h7_crc_word(qdfu_get_le32(p));
	for (; len; len--)
		h7_crc_byte(*p++);
	return h7_crc_end();
}

#ifndef QDFU_HOST_MMIO
/* On the host, sim/port/crc.c wraps h7_crc32_update to charge the unit's
 * time to the simulator's clock. */
uint32_t port_crc32_update(uint32_t crc, const void *data, uint32_t len)
{
	return h7_crc32_update(crc, data, len);
}
#endif
