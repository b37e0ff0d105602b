/* SPDX-License-Identifier: MIT */
/*
 * The CRC computed while an indirect read drains (port_qspi_read_crc of
 * quadspi.c and octospi.c; docs/decisions/crc-unit-and-quad-program.md).
 *
 * The CPU takes each 32-bit word out of the controller's DR as the bus
 * fills the FIFO and writes it to CRC_DR in the same loop. The unit needs
 * 4 AHB clock cycles a word; a dual quad-SPI bus at 50 MHz brings a word
 * every 16, so the unit is done before the next word is there and the CRC
 * costs no time of its own: the loop runs at the speed of the slower of
 * the two (an AHB write to CRC_DR stalls while the unit is busy).
 *
 * FTF in read mode: at least the threshold's bytes wait in the FIFO, or the
 * transfer is over and some bytes are left (RM0399 QUADSPI_SR, the OCTOSPI
 * the same). With a threshold of 4 bytes or more, FTF with 4 or more bytes
 * still to come therefore means a whole word can be read; the last 1-3
 * bytes go byte by byte.
 */
#include "common/compiler.h"
#include "common/err.h"
#include "h7.h"
#include "h7_sys.h"
#include "hal/port.h"
#include "mmio.h"

#define WORD_TIMEOUT_US 100000u /* the drivers' wait for one FIFO access */

int h7_fifo_read_crc(volatile uint32_t *sr, uint32_t ftf, volatile uint32_t *dr, uint8_t *out,
                     uint32_t n, uint32_t *crc)
{
	h7_crc_begin(*crc);
	while (n) {
		int rc = h7_wait_reg(sr, ftf, ftf, WORD_TIMEOUT_US);
		if (rc) {
			(void)port_qspi_abort();
			return rc;
		}
		if (n >= 4u) {
			uint32_t w = mmio_read(dr);
			h7_crc_word(w);
			if (out) {
				qdfu_put_le32(out, w);
				out += 4;
			}
			n -= 4u;
		} else {
			uint8_t b = mmio_read8((const volatile uint8_t *)dr);
			h7_crc_byte(b);
			if (out)
				*out++ = b;
			n--;
		}
	}
	*crc = h7_crc_end();
	return QDFU_OK;
}
