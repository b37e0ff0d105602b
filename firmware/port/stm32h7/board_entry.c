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
 *
 * BOARD_ENTRY_DAISY (Daisy Seed): libDaisy keeps a BootInfo {status, data,
 * version} (three words) in backup SRAM, the only object of its
 * .backup_sram section at 0x38800000 (electro-smith/libDaisy
 * src/sys/system.h struct BootInfo; core/STM32H750IB_sram.lds and _qspi.lds
 * BACKUP_SRAM). System::ResetToBootloader() (src/sys/system.cpp) writes
 * status and resets (SYSRESETREQ):
 * - DAISY_INFINITE_TIMEOUT: INF_TIMEOUT 0xB0074EFA -> stay in DFU (qdfu's
 *   DFU mode has no timeout);
 * - DAISY_SKIP_TIMEOUT: SKIP_TIMEOUT 0x5AFEB007 -> start the application at
 *   once (JUMP 0xDEADBEEF likewise);
 * - DAISY: INVALID 0 -> the Daisy bootloader's ordinary boot, i.e. its grace
 *   window (doc/md/_a7_Getting-Started-Daisy-Bootloader.md "Detailed
 *   Behavior"); qdfu gives it after a software reset with INVALID and after a
 *   press of RESET (the Daisy user's "reset, then flash"), not at power-on.
 * The status is cleared once taken. version: libDaisy applications skip
 * their clock, SDRAM and LED set-up when it reads LT_v6_0 (0)
 * (src/daisy_seed.cpp DaisySeed::Init, System::GetBootloaderVersion), which
 * is what an uninitialised backup SRAM may read; qdfu configures none of
 * that for them, so it writes v6_1 (3: "v6.1 or greater") and leaves the
 * backup SRAM clocked, as a Daisy bootloader v6 would leave it.
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

/* libDaisy src/sys/system.h struct BootInfo, at 0x38800000 (backup SRAM,
 * RM0433 memory map) */
#define BKPSRAM_BASE       0x38800000u
#define DAISY_STATUS       0u /* word index */
#define DAISY_VERSION      2u
#define DAISY_INVALID      0x00000000u
#define DAISY_JUMP         0xDEADBEEFu
#define DAISY_SKIP_TIMEOUT 0x5AFEB007u
#define DAISY_INF_TIMEOUT  0xB0074EFAu
#define DAISY_VERSION_V6_1 3u /* enum Version: LT_v6_0, NONE, v6_0, v6_1 */

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

/* PWR_CR1.DBP: writes to the backup domain (RTC backup registers, backup
 * SRAM) are ignored while it is 0 (RM0399 "Backup domain access"). */
static bool backup_domain_writable(void)
{
	struct pwr_regs *pwr = (struct pwr_regs *)MMIO_BASE(PWR_BASE);
	mmio_set(&pwr->CR1, PWR_CR1_DBP);
	return h7_wait_reg(&pwr->CR1, PWR_CR1_DBP, PWR_CR1_DBP, DBP_SETTLE_TIMEOUT) == 0;
}

static enum port_entry arduino_entry(struct rcc_regs *rcc)
{
	struct rtc_regs *rtc = (struct rtc_regs *)MMIO_BASE(RTC_BASE);
	mmio_set(&rcc->APB4ENR, RCC_APB4ENR_RTCAPBEN);
	if (!backup_domain_writable())
		return PORT_ENTRY_NONE; /* backup domain locked: nothing to take or clear */
	bool pin = take_pin_reset(rcc);
	uint32_t was = mmio_read(&rtc->BKP0R);
	if (was == ARDUINO_MAGIC) {
		bkp0r_write(rtc, 0);
		return PORT_ENTRY_DFU;
	}
	if (pin) {
		bkp0r_write(rtc, ARDUINO_MAGIC); /* a second press now lands above */
		h7_delay_us(DOUBLE_TAP_US);
		bkp0r_write(rtc, was); /* another value (OTA's 0x07AA) is not ours */
	}
	return PORT_ENTRY_NONE;
}

static enum port_entry daisy_entry(struct rcc_regs *rcc)
{
	volatile uint32_t *info = (volatile uint32_t *)MMIO_BASE(BKPSRAM_BASE);
	mmio_set(&rcc->AHB4ENR, RCC_AHB4ENR_BKPRAMEN);
	(void)mmio_read(&rcc->AHB4ENR); /* the clock is on before the first access */
	if (!backup_domain_writable())
		return PORT_ENTRY_NONE;
	uint32_t rsr = mmio_read(&rcc->RSR);
	mmio_set(&rcc->RSR, RCC_RSR_RMVF);
	mmio_clear(&rcc->RSR, RCC_RSR_RMVF);
	uint32_t status = mmio_read(&info[DAISY_STATUS]);
	mmio_write(&info[DAISY_STATUS], DAISY_INVALID); /* taken once */
	mmio_write(&info[DAISY_VERSION], DAISY_VERSION_V6_1);
	if (status == DAISY_INF_TIMEOUT)
		return PORT_ENTRY_DFU;
	if (status == DAISY_SKIP_TIMEOUT || status == DAISY_JUMP)
		return PORT_ENTRY_NONE;
	bool powered = (rsr & (RCC_RSR_PORRSTF | RCC_RSR_BORRSTF)) != 0;
	bool pin_only = (rsr & RCC_RSR_PINRSTF) && !(rsr & RCC_RSR_NOT_PIN_M);
	bool software = (rsr & RCC_RSR_SFTRSTF) != 0;
	if (!powered && ((software && status == DAISY_INVALID) || pin_only))
		return PORT_ENTRY_GRACE;
	return PORT_ENTRY_NONE;
}

enum port_entry port_board_entry_requested(const struct board *b)
{
	struct rcc_regs *rcc = (struct rcc_regs *)MMIO_BASE(RCC_BASE);
	if (b->entry == BOARD_ENTRY_ARDUINO)
		return arduino_entry(rcc);
	if (b->entry == BOARD_ENTRY_DAISY)
		return daisy_entry(rcc);
	return PORT_ENTRY_NONE;
}
