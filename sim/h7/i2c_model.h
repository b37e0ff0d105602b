/* SPDX-License-Identifier: MIT */
/*
 * Register model of the STM32H7 I2C1 (I2C v2, RM0399 I2C chapter) as a
 * master transmitter with one slave on the bus. As unkind as the
 * peripheral where the port can go wrong:
 *  - nothing happens without the I2C1 clock (RCC_APB1LENR.I2C1EN) and PE;
 *  - TIMINGR written while PE = 1 is ignored and flagged;
 *  - SCL/SDA must be PB6/PB7 in AF4, open drain, or the slave never sees
 *    the frame (NACK);
 *  - a START while BUSY, TXDR written without TXIS: flagged;
 *  - no slave at the address: NACKF (and STOPF with AUTOEND), as a PMIC
 *    that is not powered or not there answers.
 */
#ifndef QDFU_SIM_H7_I2C_MODEL_H
#define QDFU_SIM_H7_I2C_MODEL_H

#include <stdbool.h>
#include <stdint.h>

struct i2c_slave {
	uint8_t addr7;
	/* a complete write frame: n bytes after the address */
	void (*write)(void *ctx, const uint8_t *data, unsigned n);
	void *ctx;
};

/* Register I2C1 (0x40005400) with the MMIO bus, after the system model. */
int i2c_model_init(void);
void i2c_model_attach(const struct i2c_slave *s);
unsigned i2c_model_errors(void);
const char *i2c_model_last_error(void);
unsigned i2c_model_frames(void); /* frames the slave received */

#endif
