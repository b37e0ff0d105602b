/* SPDX-License-Identifier: MIT */
/*
 * A minimal I2C1 master, write-only, polled, every wait bounded (RM0399 I2C
 * "master transmitter"): for the PMIC of the Portenta H7 (pmic_pf1550.c).
 * Kernel clock PCLK1 (RCC_D2CCIP2R.I2C123SEL reset value); 100 kHz timing
 * scaled from the RM's example for an 8 MHz kernel clock (PRESC 1, SCLL
 * 0x13, SCLH 0xF, SDADEL 0x2, SCLDEL 0x4: tPRESC 250 ns, SCL low 5 us,
 * high 4 us).
 */
#include "common/err.h"
#include "h7.h"
#include "h7_sys.h"
#include "mmio.h"
#include "regs_i2c.h"
#include "regs_rcc.h"

#define I2C_TIMEOUT_US 2000u /* a 3-byte frame at 100 kHz takes ~300 us */

static struct i2c_regs *i2c1(void)
{
	return (struct i2c_regs *)MMIO_BASE(I2C1_BASE);
}

/* tPRESC = 250 ns whatever PCLK1 is: (PRESC + 1) = PCLK1 / 4 MHz. */
static uint32_t timingr(uint32_t pclk1_hz)
{
	uint32_t presc = pclk1_hz / 4000000u;
	presc = presc ? presc - 1u : 0u;
	if (presc > 15u)
		presc = 15u;
	return presc << I2C_TIMINGR_PRESC_Pos | 4u << I2C_TIMINGR_SCLDEL_Pos |
	       2u << I2C_TIMINGR_SDADEL_Pos | 0xFu << I2C_TIMINGR_SCLH_Pos | 0x13u;
}

int h7_i2c1_init(const struct board_pin *scl, const struct board_pin *sda, uint32_t pclk1_hz)
{
	struct rcc_regs *rcc = (struct rcc_regs *)MMIO_BASE(RCC_BASE);
	mmio_set(&rcc->APB1LENR, RCC_APB1LENR_I2C1EN);
	(void)mmio_read(&rcc->APB1LENR);
	h7_gpio_af_open_drain(scl);
	h7_gpio_af_open_drain(sda);
	struct i2c_regs *r = i2c1();
	mmio_clear(&r->CR1, I2C_CR1_PE); /* TIMINGR is written with PE = 0 */
	mmio_write(&r->TIMINGR, timingr(pclk1_hz));
	mmio_set(&r->CR1, I2C_CR1_PE);
	return QDFU_OK;
}

/* Wait for one of the bits in want, or an error flag. */
static int wait_isr(uint32_t want)
{
	struct i2c_regs *r = i2c1();
	for (uint32_t waited = 0;; waited += 10u) {
		uint32_t isr = mmio_read(&r->ISR);
		if (isr & (I2C_ISR_NACKF | I2C_ISR_BERR | I2C_ISR_ARLO))
			return QDFU_E_NO_DEVICE;
		if (isr & want)
			return QDFU_OK;
		if (waited >= I2C_TIMEOUT_US)
			return QDFU_E_TIMEOUT;
		h7_delay_us(10u);
	}
}

int h7_i2c1_write(uint8_t addr7, const uint8_t *data, unsigned n)
{
	struct i2c_regs *r = i2c1();
	if (n == 0 || n > 255u)
		return QDFU_E_PARAM;
	if (h7_wait_reg(&r->ISR, I2C_ISR_BUSY, 0, I2C_TIMEOUT_US))
		return QDFU_E_TIMEOUT;
	mmio_write(&r->ICR, I2C_ICR_ALL);
	mmio_write(&r->CR2, (uint32_t)addr7 << 1 | n << I2C_CR2_NBYTES_Pos | I2C_CR2_AUTOEND |
	                        I2C_CR2_START);
	int rc = QDFU_OK;
	for (unsigned i = 0; i < n && rc == QDFU_OK; i++) {
		rc = wait_isr(I2C_ISR_TXIS);
		if (rc == QDFU_OK)
			mmio_write(&r->TXDR, data[i]);
	}
	/* AUTOEND sends STOP after the last byte, and after a NACK too */
	int stop = wait_isr(I2C_ISR_STOPF);
	if (rc == QDFU_OK && stop == QDFU_E_TIMEOUT)
		rc = stop;
	mmio_write(&r->ICR, I2C_ICR_ALL);
	return rc;
}
