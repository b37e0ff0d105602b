/* SPDX-License-Identifier: MIT */
/*
 * The MPU regions over the QUADSPI / OCTOSPI1 window (0x90000000, 256 MiB). In the
 * Cortex-M7's default memory map that window is Normal, executable memory,
 * so the core may read ahead into it at any time (speculative reads, facts
 * "Critical traps" 3 and "Traps found by review" 6): in indirect mode such
 * a read disturbs the QUADSPI, and beyond the flash it can lock the bus.
 *  - region 0: the whole window, no access, execute-never, set before the
 *    first command (port_qspi_init) and kept while in indirect mode;
 *  - region 1 (higher number wins, ARMv7-M B3.5.3): the flash itself,
 *    Normal, cacheable, read-only, executable, only for execute-in-place
 *    once memory-mapped mode is on (boot_h7.c).
 * ST's DFU_Standalone example (STM32H747I-DISCO) starts the same way with a
 * no-access background region. PRIVDEFENA keeps the default map elsewhere.
 */
#include "h7.h"
#include "h7_sys.h"
#include "mmio.h"
#include "regs_scb.h"

static void region(uint32_t n, uint32_t rbar, uint32_t rasr)
{
	struct mpu_regs *mpu = (struct mpu_regs *)MMIO_BASE(MPU_BASE);
	mmio_write(&mpu->RNR, n);
	mmio_write(&mpu->RBAR, rbar);
	mmio_write(&mpu->RASR, rasr);
}

static void mpu_on(void)
{
	struct mpu_regs *mpu = (struct mpu_regs *)MMIO_BASE(MPU_BASE);
	mmio_write(&mpu->CTRL, MPU_CTRL_ENABLE | MPU_CTRL_PRIVDEFENA);
	h7_dsb();
	h7_isb();
}

void h7_mpu_guard_qspi(void)
{
	struct mpu_regs *mpu = (struct mpu_regs *)MMIO_BASE(MPU_BASE);
	mmio_write(&mpu->CTRL, 0);
	h7_dsb();
	region(H7_MPU_QSPI_WINDOW, QSPI_MEM_BASE,
	       MPU_RASR_XN | /* AP = 0: no access */
	           ((QSPI_WINDOW_LOG2 - 1u) << MPU_RASR_SIZE_Pos) | MPU_RASR_ENABLE);
	region(H7_MPU_QSPI_FLASH, QSPI_MEM_BASE, 0); /* closed */
	mpu_on();
}

void h7_mpu_off(void)
{
	struct mpu_regs *mpu = (struct mpu_regs *)MMIO_BASE(MPU_BASE);
	mmio_write(&mpu->CTRL, 0);
	region(H7_MPU_QSPI_WINDOW, QSPI_MEM_BASE, 0);
	region(H7_MPU_QSPI_FLASH, QSPI_MEM_BASE, 0);
	h7_dsb();
	h7_isb();
}

void h7_mpu_open_qspi_flash(uint32_t size_log2)
{
	struct mpu_regs *mpu = (struct mpu_regs *)MMIO_BASE(MPU_BASE);
	mmio_write(&mpu->CTRL, 0);
	h7_dsb();
	region(H7_MPU_QSPI_WINDOW, QSPI_MEM_BASE,
	       MPU_RASR_XN | ((QSPI_WINDOW_LOG2 - 1u) << MPU_RASR_SIZE_Pos) | MPU_RASR_ENABLE);
	region(H7_MPU_QSPI_FLASH, QSPI_MEM_BASE,
	       (6u << MPU_RASR_AP_Pos) /* RO */ | (1u << MPU_RASR_TEX_Pos) | MPU_RASR_C |
	           MPU_RASR_B | ((size_log2 - 1u) << MPU_RASR_SIZE_Pos) | MPU_RASR_ENABLE);
	mpu_on();
}
