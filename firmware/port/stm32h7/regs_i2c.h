/* SPDX-License-Identifier: MIT */
/* I2C (RM0399 I2C chapter; the I2C v2 of the STM32H7), I2C1 only. */
#ifndef QDFU_PORT_STM32H7_REGS_I2C_H
#define QDFU_PORT_STM32H7_REGS_I2C_H

#include <stddef.h>
#include <stdint.h>

#define I2C1_BASE 0x40005400u

struct i2c_regs {
	volatile uint32_t CR1;      /* 0x00 */
	volatile uint32_t CR2;      /* 0x04 */
	volatile uint32_t OAR1;     /* 0x08 */
	volatile uint32_t OAR2;     /* 0x0C */
	volatile uint32_t TIMINGR;  /* 0x10 */
	volatile uint32_t TIMEOUTR; /* 0x14 */
	volatile uint32_t ISR;      /* 0x18 */
	volatile uint32_t ICR;      /* 0x1C */
	volatile uint32_t PECR;     /* 0x20 */
	volatile uint32_t RXDR;     /* 0x24 */
	volatile uint32_t TXDR;     /* 0x28 */
};
_Static_assert(offsetof(struct i2c_regs, TIMINGR) == 0x10, "I2C_TIMINGR");
_Static_assert(offsetof(struct i2c_regs, ISR) == 0x18, "I2C_ISR");
_Static_assert(offsetof(struct i2c_regs, TXDR) == 0x28, "I2C_TXDR");

#define I2C_CR1_PE             (1u << 0)
#define I2C_CR2_SADD_Pos       0
#define I2C_CR2_START          (1u << 13)
#define I2C_CR2_STOP           (1u << 14)
#define I2C_CR2_NBYTES_Pos     16
#define I2C_CR2_AUTOEND        (1u << 25)
#define I2C_TIMINGR_PRESC_Pos  28
#define I2C_TIMINGR_SCLDEL_Pos 20
#define I2C_TIMINGR_SDADEL_Pos 16
#define I2C_TIMINGR_SCLH_Pos   8
#define I2C_ISR_TXIS           (1u << 1)
#define I2C_ISR_NACKF          (1u << 4)
#define I2C_ISR_STOPF          (1u << 5)
#define I2C_ISR_BERR           (1u << 8)
#define I2C_ISR_ARLO           (1u << 9)
#define I2C_ISR_BUSY           (1u << 15)
#define I2C_ICR_ALL            ((1u << 3) | (1u << 4) | (1u << 5) | (1u << 8) | (1u << 9))
#define RCC_APB1LENR_I2C1EN    (1u << 21)

#endif
