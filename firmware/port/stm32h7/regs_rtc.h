/* SPDX-License-Identifier: MIT */
/*
 * RTC, STM32H74x/H75x (RM0399/RM0433 names): only the backup registers are
 * used (the RTC itself is never started). Base and offset as in ST's CMSIS
 * stm32h747xx.h (RTC_BASE = D3_APB1PERIPH_BASE + 0x4000, BKP0R at 0x50).
 */
#ifndef QDFU_PORT_STM32H7_REGS_RTC_H
#define QDFU_PORT_STM32H7_REGS_RTC_H

#include <stddef.h>
#include <stdint.h>

#define RTC_BASE 0x58004000u

struct rtc_regs {
	volatile uint32_t reserved[0x50 / 4]; /* TR ... ALRBSSR, OR: not used */
	volatile uint32_t BKP0R;              /* 0x50 */
};
_Static_assert(offsetof(struct rtc_regs, BKP0R) == 0x50, "RTC_BKP0R");

#endif
