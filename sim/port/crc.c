/* SPDX-License-Identifier: MIT */
/*
 * port_crc32_update on the host: the STM32H7 port's own CRC driver
 * (firmware/port/stm32h7/crc.c, compiled with QDFU_HOST_MMIO) against the
 * CRC unit's register model (sim/h7/crc_model.c). The AHB clock cycles the
 * unit spends (4 per word written) are charged to virtual time at the
 * boards' 200 MHz AHB clock. The simulator's port stands in for
 * port_init()'s clock enable, so the model's clock is always on here; the
 * driver test (tests/port_stm32h7/crc) checks the enable itself.
 *
 * Fed from a draining QSPI read (port_qspi_read_crc, qspi.c), the unit works
 * while the bus brings the next bytes: of its time only what exceeds the bus
 * time of the same bytes (the credit qspi.c leaves) is charged, so a chunk
 * costs max(bus, unit), not their sum.
 */
#include <stdio.h>

#include "hal/port.h"
#include "port/stm32h7/h7.h"
#include "sim/clock/vclock.h"
#include "sim/h7/crc_model.h"
#include "sim/port/simport_internal.h"

#define AHB_HZ    CRC_MODEL_AHB_HZ
#define PS_PER_US 1000000u

static uint64_t seen_cycles, owed_ps;
static unsigned seen_faults;

void simport_crc_setup(void)
{
	crc_model_reset(); /* its cycle count starts again: so does ours */
	seen_cycles = owed_ps = 0;
	seen_faults = 0;
	(void)crc_model_attach(NULL);
}

uint32_t port_crc32_update(uint32_t crc, const void *data, uint32_t len)
{
	/* registered once, and again after the DWC2 build's mmio_reset() */
	(void)crc_model_attach(NULL);
	uint32_t r = h7_crc32_update(crc, data, len);
	if (crc_model_faults() != seen_faults) {
		seen_faults = crc_model_faults();
		fprintf(stderr, "crc_model: %s\n", crc_model_last_fault());
	}
	uint64_t cycles = crc_model_cycles() - seen_cycles;
	seen_cycles = crc_model_cycles();
	uint64_t ps = cycles * (1000000000000ull / AHB_HZ);
	uint64_t hidden = simport_qspi_take_crc_credit_ps();
	ps = ps > hidden ? ps - hidden : 0u;
	if (vclock_mode() != VCLOCK_VIRTUAL)
		return r;
	owed_ps += ps;
	uint64_t us = owed_ps / PS_PER_US;
	if (us) {
		owed_ps -= us * PS_PER_US;
		vclock_advance_us(us);
	}
	return r;
}
