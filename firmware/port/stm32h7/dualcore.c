/* SPDX-License-Identifier: MIT */
/*
 * The Cortex-M4 of the dual-core parts (H745/H747; board->dual_core), issue
 * 11 item 5. The DISCO boards ship with BCM4 = 1: the M4 boots from bank 2
 * beside us. ST's dual-core start-up (STM32CubeH7, STM32H747I-DISCO
 * DFU_Standalone CM7/Src/main.c and the CM4 side of the same project):
 *  - the M4 starts, arms a notification on hardware semaphore 0 and parks in
 *    D2 stop; the M7 waits for that (RCC_CR.D2CKRDY = 0, with a timeout)
 *    before it touches power or clocks;
 *  - once clocks are set, the M7 takes and releases HSEM 0: the release
 *    wakes the M4.
 * We do the first half and then hold HSEM 0 (taken by the M7, process 0)
 * for as long as we run: the parked M4 fetches nothing from bank 2, so the
 * bank may be erased and programmed (port_iflash_bank_writable). We never
 * release it: the application's own start-up (ST's template) waits for the
 * M4 to be parked and then takes (HAL_HSEM_FastTake succeeds, the semaphore
 * is already the M7's) and releases HSEM 0 itself. Releasing it before the
 * branch would wake the M4 early and make that template's wait for
 * D2CKRDY = 0 time out. After a DFU session we reset, and the M4 boots
 * again from the new bank 2.
 * The bootloader never executes SEV, which would also wake a parked M4.
 */
#include "common/err.h"
#include "h7.h"
#include "h7_sys.h"
#include "mmio.h"
#include "regs_flash.h"
#include "regs_rcc.h"

#define HSEM_BASE           0x58026400u
#define HSEM_RLR(n)         (HSEM_BASE + 0x80u + 4u * (n))
#define HSEM_LOCK           (1u << 31)
#define HSEM_COREID_CM7     (3u << 8) /* HSEM_CPU1_COREID (CMSIS stm32h7 headers) */
#define RCC_AHB4ENR_HSEMEN  (1u << 25)
#define RCC_CR_D2CKRDY      (1u << 15)
#define CM4_PARK_TIMEOUT_US 50000u /* ST's example: 0xFFFF polls */

static bool held;

bool h7_cm4_held(void)
{
	return held;
}

/* May the M4 be running: the BCM4 option bit, or BOOT_C2 set by software. */
static bool cm4_may_run(void)
{
	struct flash_bank_regs *f = (struct flash_bank_regs *)MMIO_BASE(FLASH_BASE);
	uint32_t gcr = mmio_read((volatile uint32_t *)MMIO_BASE(RCC_BASE + RCC_GCR_OFFSET));
	return (mmio_read(&f->OPTSR_CUR) & FLASH_OPTSR_BCM4) || (gcr & RCC_GCR_BOOT_C2);
}

int h7_dualcore_park(const struct board *b)
{
	held = false;
	if (!b->dual_core || !cm4_may_run())
		return QDFU_OK;
	struct rcc_regs *rcc = (struct rcc_regs *)MMIO_BASE(RCC_BASE);
	/* an M4 that never parks runs something else from bank 2: leave it, and
	 * bank 2 stays read-only */
	if (h7_wait_reg(&rcc->CR, RCC_CR_D2CKRDY, 0, CM4_PARK_TIMEOUT_US))
		return QDFU_E_BUSY;
	mmio_set(&rcc->AHB4ENR, RCC_AHB4ENR_HSEMEN);
	(void)mmio_read(&rcc->AHB4ENR);
	/* 1-step take: reading RLR locks a free semaphore for the reader */
	uint32_t rlr = mmio_read((volatile uint32_t *)MMIO_BASE(HSEM_RLR(0)));
	held = rlr == (HSEM_LOCK | HSEM_COREID_CM7);
	return held ? QDFU_OK : QDFU_E_BUSY;
}
