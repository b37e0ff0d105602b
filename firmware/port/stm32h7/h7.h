/* SPDX-License-Identifier: MIT */
/*
 * Internal API shared by the files of port/stm32h7 (not part of port.h).
 * Owners: clocks/power/gpio/usb (part 1), quadspi/flash/boot (part 2).
 */
#ifndef QDFU_PORT_STM32H7_H7_H
#define QDFU_PORT_STM32H7_H7_H

#include <stdbool.h>
#include <stdint.h>

#include "boards/board.h"

/* Where the bootloader's code runs after Reset_Handler (startup.c,
 * stm32h7_bootloader.ld): 1 = ITCM, so nothing stalls while bank 1 is
 * erased or programmed. Checked on every board image by the h7_itcm_layout
 * test; the DWC2 build of the simulator stalls the CPU when it is 0. */
#define H7_CODE_IN_ITCM 1

/* GPIO (gpio.c) */
void h7_gpio_af(const struct board_pin *p);            /* alternate function, very high speed */
void h7_gpio_af_open_drain(const struct board_pin *p); /* I2C */
void h7_gpio_output(const struct board_pin *p, bool active);
void h7_gpio_input(const struct board_pin *p);  /* input, pull towards inactive */
bool h7_gpio_active(const struct board_pin *p); /* honours active_high */

/* Clocks (clock.c): valid after port_init() */
uint32_t h7_hclk_hz(void);        /* AXI/AHB clock */
uint32_t h7_pclk1_hz(void);       /* APB1 (I2C1 kernel clock) */
uint32_t h7_qspi_kernel_hz(void); /* QUADSPI kernel clock */

/* I2C1 master, write-only, bounded waits (i2c.c); the PMIC (pmic_pf1550.c):
 * h7_pmic_init() is 0 on boards without one; h7_pmic_ok() is true once a
 * board's PMIC was brought up (USB through a PHY it powers needs it). */
int h7_i2c1_init(const struct board_pin *scl, const struct board_pin *sda, uint32_t pclk1_hz);
int h7_i2c1_write(uint8_t addr7, const uint8_t *data, unsigned n);
int h7_pmic_init(const struct board *b);
bool h7_pmic_ok(void);

/* Internal flash (iflash.c): whether the AXI SRAM behind the deferred-erase
 * staging buffer (0x24020000-0x2403FFFF) exists on this part as its option
 * bytes configure it (H72x/H73x: TCM_AXI_SHARED at its default). */
bool h7_iflash_stage_fits(void);

/* CRC unit (crc.c): its clock, switched on by port_init(); the CRC of
 * port_crc32_update(); and the same in steps, for a loop that feeds the
 * unit as data arrives: begin (continuing from crc), words (the first byte
 * in bits 7:0, as memory holds them) and bytes, end (the CRC so far). */
void h7_crc_clock_enable(void);
uint32_t h7_crc32_update(uint32_t crc, const void *data, uint32_t len);
void h7_crc_begin(uint32_t crc);
void h7_crc_word(uint32_t le);
void h7_crc_byte(uint8_t b);
uint32_t h7_crc_end(void);

/* The data phase of an indirect read (QUADSPI or OCTOSPI: sr and dr are the
 * controller's SR and DR, ftf its FIFO-threshold flag; the FIFO threshold
 * must be 4 bytes or more) drained word by word into the CRC unit as the
 * bus fills the FIFO, and into out unless it is NULL (fifo_crc.c). *crc is
 * continued on success; on QDFU_E_TIMEOUT the command is aborted
 * (port_qspi_abort of the driver linked). */
int h7_fifo_read_crc(volatile uint32_t *sr, uint32_t ftf, volatile uint32_t *dr, uint8_t *out,
                     uint32_t n, uint32_t *crc);

/* Time base (systick or DWT based, system.c) */
void h7_delay_us(uint32_t us);

/* The external flash's memory-mapped window: QUADSPI (H74x/H75x) and
 * OCTOSPI1 (H72x/H73x, H7A3/B0/B3) both at 0x90000000, 256 MiB (RM0433
 * memory map; CMSIS OCTOSPI1_BASE memory region, shared facts octospi.md). */
#define QSPI_MEM_BASE    0x90000000u
#define QSPI_WINDOW_LOG2 28u

/* MPU over the QUADSPI window (mpu.c): region 0 keeps 0x90000000 no-access
 * and execute-never while QUADSPI is in indirect mode (port_qspi_init);
 * region 1 opens the flash itself (2^size_log2 bytes) for execute-in-place. */
#define H7_MPU_QSPI_WINDOW 0u
#define H7_MPU_QSPI_FLASH  1u
void h7_mpu_guard_qspi(void);
void h7_mpu_open_qspi_flash(uint32_t size_log2);
void h7_mpu_off(void); /* as after reset, for applications in internal flash */

/* Boot-time helpers (boot_h7.c) */
void h7_quiesce_for_app(void); /* interrupts, SysTick, USB off, caches clean */

#endif
