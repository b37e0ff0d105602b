// SPDX-License-Identifier: MIT
#include "bus_harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "common/err.h"
#include "hal/port.h"
#include "port/stm32h7/h7.h"
#include "port/stm32h7/h7_sys.h"
#include "port/stm32h7/mmio.h"
#include "sim/clock/vclock.h"
#include "sim/h7/crc_model.h"
#include "sim/h7/mmio_bus.h"
#include "sim/h7/scs_model.h"

#define RCC_BASE_ADDR 0x58024400u

uint32_t bus_rcc[0x100];

uint32_t port_millis(void)
{
	return (uint32_t)(vclock_now_us() / 1000u);
}

void port_wait_hint(void)
{
	uint64_t next = vclock_next_deadline_us(), now = vclock_now_us();
	vclock_advance_us(next > now ? next - now : 100u);
}

uint32_t h7_qspi_kernel_hz(void)
{
	return 200000000u;
}

const struct board *h7_board(void)
{
	return NULL;
}

void h7_gpio_af(const struct board_pin *p)
{
	(void)p;
}

int h7_wait_reg(volatile uint32_t *reg, uint32_t mask, uint32_t value, uint32_t timeout_us)
{
	for (uint32_t waited = 0;; waited += 10u) {
		if ((mmio_read(reg) & mask) == value)
			return QDFU_OK;
		if (waited >= timeout_us)
			return QDFU_E_TIMEOUT;
		vclock_advance_us(10u);
	}
}

static uint32_t rcc_read(void *ctx, uint32_t off, unsigned w)
{
	(void)ctx;
	(void)w;
	return bus_rcc[off / 4u];
}

static void rcc_write(void *ctx, uint32_t off, uint32_t v, unsigned w)
{
	(void)ctx;
	(void)w;
	bus_rcc[off / 4u] = v;
}

static const struct mmio_model_ops rcc_ops = {rcc_read, rcc_write};

void bus_harness_reset(void)
{
	vclock_init(VCLOCK_VIRTUAL);
	mmio_reset();
	memset(bus_rcc, 0, sizeof(bus_rcc));
	assert_int_equal(mmio_register(RCC_BASE_ADDR, 0x400, &rcc_ops, NULL), 0);
	assert_int_equal(scs_model_init(), 0);
}

uint32_t port_crc32_update(uint32_t crc, const void *data, uint32_t len)
{
	return h7_crc32_update(crc, data, len);
}

void bus_harness_crc(void)
{
	crc_model_reset();
	assert_int_equal(crc_model_attach(NULL), 0);
}
