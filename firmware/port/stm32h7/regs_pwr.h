/* SPDX-License-Identifier: MIT */
/* PWR (power control), STM32H74x/H75x. */
#ifndef QDFU_PORT_STM32H7_REGS_PWR_H
#define QDFU_PORT_STM32H7_REGS_PWR_H

#include <stddef.h>
#include <stdint.h>

#define PWR_BASE 0x58024800u

struct pwr_regs {
	volatile uint32_t CR1;       /* 0x00 */
	volatile uint32_t CSR1;      /* 0x04 */
	volatile uint32_t CR2;       /* 0x08 */
	volatile uint32_t CR3;       /* 0x0C */
	volatile uint32_t CPUCR;     /* 0x10 */
	volatile uint32_t RESERVED0; /* 0x14 */
	volatile uint32_t D3CR;      /* 0x18 */
	volatile uint32_t RESERVED1; /* 0x1C */
	volatile uint32_t WKUPCR;    /* 0x20 */
	volatile uint32_t WKUPFR;    /* 0x24 */
	volatile uint32_t WKUPEPR;   /* 0x28 */
};

_Static_assert(offsetof(struct pwr_regs, CSR1) == 0x04, "PWR_CSR1");
_Static_assert(offsetof(struct pwr_regs, CR3) == 0x0C, "PWR_CR3");
_Static_assert(offsetof(struct pwr_regs, D3CR) == 0x18, "PWR_D3CR");
_Static_assert(sizeof(struct pwr_regs) == 0x2C, "PWR block size");

/* PWR_CSR1 */
#define PWR_CSR1_ACTVOSRDY (1u << 13)

/*
 * PWR_CR3 supply configuration, write-once after power-on (trap 1 of the
 * facts). Bit 2 is SMPSEN on parts with an SMPS (H745/H747) and SCUEN on the
 * others (H743/H750); both reset to 1, as does LDOEN. SMPSLEVEL[5:4] = 01
 * selects 1.8 V for "SMPS supplies the LDO".
 */
#define PWR_CR3_BYPASS        (1u << 0)
#define PWR_CR3_LDOEN         (1u << 1)
#define PWR_CR3_SMPSEN        (1u << 2)
#define PWR_CR3_SCUEN         (1u << 2)
#define PWR_CR3_SMPSEXTHP     (1u << 3)
#define PWR_CR3_SMPSLEVEL_Msk (3u << 4)
#define PWR_CR3_SMPSLEVEL_1V8 (1u << 4)
#define PWR_CR3_SUPPLY_Msk                                                                         \
	(PWR_CR3_BYPASS | PWR_CR3_LDOEN | PWR_CR3_SMPSEN | PWR_CR3_SMPSEXTHP |                     \
	 PWR_CR3_SMPSLEVEL_Msk)
/* Power-on value of SMPSEN/SCUEN, LDOEN, BYPASS: while they read so, the
 * supply has not been configured yet (the test ST's own HAL makes). */
#define PWR_CR3_CONFIGURED_Msk (PWR_CR3_SMPSEN | PWR_CR3_LDOEN | PWR_CR3_BYPASS)
#define PWR_CR3_SUPPLY_RESET   (PWR_CR3_LDOEN | PWR_CR3_SMPSEN)
#define PWR_CR3_USB33DEN       (1u << 24)
#define PWR_CR3_USBREGEN       (1u << 25)
#define PWR_CR3_USB33RDY       (1u << 26)

/* PWR_D3CR: VOS[15:14] (01 VOS3 reset, 10 VOS2, 11 VOS1), VOSRDY b13 */
#define PWR_D3CR_VOS_Msk (3u << 14)
#define PWR_D3CR_VOS1    (3u << 14)
/* The same field per line (docs/clocks.md; ST's stm32h7xx_hal_pwr.h):
 * H72x/H73x PWR_D3CR 00 = VOS0 (no ODEN); H7A3/B3/B0 PWR_SRDCR (same
 * offset 0x18) reversed: 11 VOS0, 10 VOS1, 01 VOS2, 00 VOS3. */
#define PWR_D3CR_H72X_VOS0 (0u << 14)
#define PWR_SRDCR_VOS0     (3u << 14)
#define PWR_D3CR_VOSRDY    (1u << 13)

/* PWR_CR1.DBP: backup domain (RTC and backup registers) writes allowed */
#define PWR_CR1_DBP (1u << 8)

#endif
