/* SPDX-License-Identifier: MIT */
#include "sim/h7/i2c_model.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sim/h7/h7_sys_model.h"
#include "sim/h7/mmio_bus.h"

#define I2C1_BASE   0x40005400u
#define CR1_PE      (1u << 0)
#define CR2_START   (1u << 13)
#define CR2_AUTOEND (1u << 25)
#define ISR_TXE     (1u << 0)
#define ISR_TXIS    (1u << 1)
#define ISR_NACKF   (1u << 4)
#define ISR_STOPF   (1u << 5)
#define ISR_TC      (1u << 6)
#define ISR_BUSY    (1u << 15)
#define FRAME_MAX   256u

static struct {
	struct i2c_slave slave;
	bool attached;
	uint32_t cr1, cr2, timingr, isr;
	uint8_t frame[FRAME_MAX];
	unsigned len, want;
	bool to_slave; /* the addressed slave acknowledged */
	unsigned errors, frames;
	char last_error[160];
} m;

static void fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m.last_error, sizeof(m.last_error), fmt, ap);
	va_end(ap);
	m.errors++;
}

/* PB6 SCL / PB7 SDA in AF4, open drain (I2C1 on the Portenta H7). */
static bool pins_ok(void)
{
	for (unsigned pin = 6; pin <= 7; pin++)
		if (h7_sys_model_pin_mode(1, pin) != 2 || h7_sys_model_pin_af(1, pin) != 4 ||
		    !h7_sys_model_open_drain(1, pin))
			return false;
	return true;
}

static void stop(void)
{
	m.isr &= ~(ISR_BUSY | ISR_TXIS);
	if (m.cr2 & CR2_AUTOEND)
		m.isr |= ISR_STOPF;
	else
		m.isr |= ISR_TC;
}

static void start(void)
{
	if (m.isr & ISR_BUSY) {
		fail("I2C START while the bus is BUSY");
		return;
	}
	if (!(m.cr1 & CR1_PE) || !(h7_sys_model_rcc(0xE8) & (1u << 21)))
		return; /* no clock or not enabled: nothing on the bus */
	m.len = 0;
	m.want = (m.cr2 >> 16) & 0xFFu;
	uint8_t addr = (uint8_t)((m.cr2 >> 1) & 0x7Fu);
	m.to_slave = m.attached && addr == m.slave.addr7 && pins_ok() && !(m.cr2 & (1u << 10));
	m.isr |= ISR_BUSY;
	if (!m.to_slave) {
		m.isr |= ISR_NACKF;
		stop();
		return;
	}
	m.isr |= ISR_TXIS | ISR_TXE;
}

static void txdr(uint32_t v)
{
	if (!(m.isr & ISR_TXIS)) {
		fail("I2C_TXDR written without TXIS");
		return;
	}
	if (m.len < FRAME_MAX)
		m.frame[m.len++] = (uint8_t)v;
	if (m.len >= m.want) {
		m.slave.write(m.slave.ctx, m.frame, m.len);
		m.frames++;
		stop();
	}
}

static uint32_t reg_read(void *ctx, uint32_t off, unsigned w)
{
	(void)ctx;
	(void)w;
	switch (off) {
	case 0x00:
		return m.cr1;
	case 0x04:
		return m.cr2;
	case 0x10:
		return m.timingr;
	case 0x18:
		return m.isr;
	default:
		return 0;
	}
}

static void reg_write(void *ctx, uint32_t off, uint32_t v, unsigned w)
{
	(void)ctx;
	(void)w;
	switch (off) {
	case 0x00:
		m.cr1 = v;
		if (!(v & CR1_PE))
			m.isr &= ~(ISR_BUSY | ISR_TXIS | ISR_NACKF | ISR_STOPF | ISR_TC);
		break;
	case 0x04:
		m.cr2 = v & ~CR2_START;
		if (v & CR2_START)
			start();
		break;
	case 0x10:
		if (m.cr1 & CR1_PE) {
			fail("I2C_TIMINGR written while PE = 1 (ignored)");
			break;
		}
		m.timingr = v;
		break;
	case 0x1C:
		m.isr &= ~(v & ((1u << 3) | ISR_NACKF | ISR_STOPF | (1u << 8) | (1u << 9)));
		break;
	case 0x28:
		txdr(v);
		break;
	default:
		break;
	}
}

static const struct mmio_model_ops ops = {reg_read, reg_write};

int i2c_model_init(void)
{
	memset(&m, 0, sizeof(m));
	return mmio_register(I2C1_BASE, 0x400, &ops, NULL);
}

void i2c_model_attach(const struct i2c_slave *s)
{
	m.slave = *s;
	m.attached = true;
}

unsigned i2c_model_errors(void)
{
	return m.errors;
}

const char *i2c_model_last_error(void)
{
	return m.last_error;
}

unsigned i2c_model_frames(void)
{
	return m.frames;
}
