/* SPDX-License-Identifier: MIT */
/*
 * The board ecosystems' own requests for the bootloader (board.entry,
 * port_board_entry_requested() in hal/port.h).
 *
 * BOARD_ENTRY_ARDUINO (Portenta H7, GIGA R1): the value 0xDF59 in
 * RTC_BKP0R asks for the bootloader.
 * - A sketch writes it and resets when the host touches its USB serial port
 *   at 1200 bps (arduino/ArduinoCore-mbed variants/PORTENTA_H7_M7/variant.cpp
 *   and variants/GIGA/variant.cpp, _ontouch1200bps_(): RTC_BKP_DR0 = 0xDF59).
 * - Double tap: after a reset by the RESET pin, Arduino's bootloader writes it
 *   itself and waits 500 ms; a second press in that time finds it at the next
 *   start. It clears it before starting the sketch or DFU
 *   (arduino/mcuboot-arduino-stm32h7 app/main.cpp, main() and start_dfu()).
 * Its sketches' reset-reason flags are read and cleared the same way (mbed's
 * ResetReason::get() clears them after reading).
 */
#include "common/compiler.h"
#include "h7.h"
#include "h7_sys.h"
#include "mmio.h"
#include "hal/port.h"
#include "regs_pwr.h"
#include "regs_rcc.h"
#include "regs_rtc.h"

#include "boards/board.h"

#define ARDUINO_MAGIC      0xDF59u
#define DOUBLE_TAP_US      500000u /* mcuboot-arduino-stm32h7: HAL_Delay(500) */
#define DBP_SETTLE_TIMEOUT 1000u   /* us: DBP reads back set before a write counts */

/* A reset by the RESET pin alone (no internal reset behind PINRSTF). The
 * flags are cleared (RMVF set, then cleared again: while it is set no reset
 * is recorded), so the next reset is told apart again. */
static bool take_pin_reset(struct rcc_regs *rcc)
{
	uint32_t rsr = mmio_read(&rcc->RSR);
	mmio_set(&rcc->RSR, RCC_RSR_RMVF);
	mmio_clear(&rcc->RSR, RCC_RSR_RMVF);
	return (rsr & RCC_RSR_PINRSTF) && !(rsr & RCC_RSR_NOT_PIN_M);
}

static void bkp0r_write(struct rtc_regs *rtc, uint32_t v)
{
	mmio_write(&rtc->BKP0R, v);
}

bool port_board_entry_requested(const struct board *b)
{
	if (b->entry != BOARD_ENTRY_ARDUINO)
		return false;
	struct rcc_regs *rcc = (struct rcc_regs *)MMIO_BASE(RCC_BASE);
	struct pwr_regs *pwr = (struct pwr_regs *)MMIO_BASE(PWR_BASE);
	struct rtc_regs *rtc = (struct rtc_regs *)MMIO_BASE(RTC_BASE);

	mmio_set(&rcc->APB4ENR, RCC_APB4ENR_RTCAPBEN);
	mmio_set(&pwr->CR1, PWR_CR1_DBP);
	if (h7_wait_reg(&pwr->CR1, PWR_CR1_DBP, PWR_CR1_DBP, DBP_SETTLE_TIMEOUT) != 0)
		return false; /* backup domain locked: nothing to take, nothing to clear */
	bool pin = take_pin_reset(rcc);
	uint32_t was = mmio_read(&rtc->BKP0R);
	if (was == ARDUINO_MAGIC) {
		bkp0r_write(rtc, 0);
		return true;
	}
	if (pin) {
		bkp0r_write(rtc, ARDUINO_MAGIC); /* a second press now lands above */
		h7_delay_us(DOUBLE_TAP_US);
		bkp0r_write(rtc, was); /* another value (OTA's 0x07AA) is not ours */
	}
	return false;
}
