/* SPDX-License-Identifier: MIT */
/*
 * Register models of the STM32H7 system blocks, as far as the port's init
 * paths need them: RCC (ready bits with start-up times, clock switch),
 * PWR (write-once supply configuration, VOS), CRS, FLASH_ACR, GPIO A..K,
 * the Cortex-M system control space and the UID. They check the orders the
 * facts insist on and count violations, so tests can assert none happened:
 *  - PWR_CR3 supply bits written at most once, never with a value the
 *    board is not wired for (the model then "stops the chip");
 *  - per line (H74x, H72x/H73x, H7A3/B3/B0; docs/clocks.md): the VOS
 *    encoding (reversed in PWR_SRDCR on H7A3/B3/B0), CPU clock and HCLK
 *    within what the VOS allows, FLASH_ACR.LATENCY and WRHIGHFREQ never
 *    below the table's row for the AXI clock and VOS, checked at every
 *    clock, VOS or ACR change (h7_sys_model_flash_acr_problem() wants
 *    WRHIGHFREQ exact); PLL reference, VCO and DIVN ranges when a PLL is
 *    switched on; PLL1 selected as system clock only with VOSRDY and above
 *    VOS3; SYSCFG_PWRCR.ODEN only on the H74x;
 *  - RCC_PLLCKSELR changed only while every PLL is off;
 *  - CRS_CFGR written only while the CRS is disabled.
 * Times come from vclock (virtual time in tests).
 */
#ifndef QDFU_SIM_H7_SYS_MODEL_H
#define QDFU_SIM_H7_SYS_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "boards/board.h"
#include "sim/h7/cm4_model.h"

struct h7_sys_config {
	enum board_supply wired; /* how the board is really wired */
	/* The MCU's line: selects the clock, VOS and flash tables. */
	enum board_family family;
	bool supply_preconfigured; /* an earlier stage (ROM) already wrote it */
	bool pll3_left_on;         /* an earlier stage left PLL3 running from HSE */
	bool pll_never_locks;      /* PLL1RDY never comes (a broken PLL, a test) */
	struct cm4_config cm4;     /* dual-core parts: the M4 (cm4_model.h) */
	uint32_t rcc_rsr;          /* RCC_RSR reset flags at start (PINRSTF: bit 22) */
	uint32_t rtc_bkp0r;        /* RTC_BKP0R at start: the backup domain kept it */
	uint32_t bkpsram[3];       /* the first words of backup SRAM at start (kept) */
	uint8_t uid[12];
};

struct h7_sys_stats {
	unsigned errors; /* rule violations (see above) */
	char last_error[160];
	unsigned supply_writes; /* stores that changed the supply bits */
	uint32_t cr3_supply;    /* supply bits now */
	bool chip_stopped;      /* wrong supply written */
	bool sysclk_pll;        /* PLL1 is the system clock */
	uint32_t flash_acr;
	uint32_t crs_cfgr, crs_cr;
	uint32_t usbsel; /* RCC_D2CCIP2R.USBSEL */
	uint32_t ahb1enr;
};

/* RTC (backup registers only): BKP0R now, and how long its last non-zero
 * value stayed before it was overwritten (virtual us). Accesses need
 * RCC_APB4ENR.RTCAPBEN, writes PWR_CR1.DBP: otherwise they are ignored and
 * counted as errors. RCC_RSR: RMVF written 1 clears the flags and keeps
 * them cleared (no reset recorded) until it is written 0 again. */
uint32_t h7_sys_model_rtc_bkp0r(void);
/* Backup SRAM (0x38800000, 4 KiB): the word at offset off now. Accesses
 * need RCC_AHB4ENR.BKPRAMEN, writes PWR_CR1.DBP (else ignored, errors). */
uint32_t h7_sys_model_bkpsram(uint32_t off);
uint64_t h7_sys_model_bkp0r_held_us(void);

/* The clocks the RCC registers give now (docs/clocks.md): the VOS in force
 * (0..3; 3 while a change is not ready), CPU clock, AXI clock (HCLK) and
 * the OCTOSPI/QUADSPI kernel clock (D1CCIPR [5:4]: HCLK, PLL1Q, PLL2R,
 * per_ck); 0 for a PLL output whose PLL is not ready. */
unsigned h7_sys_model_vos(void);
uint32_t h7_sys_model_cpu_hz(void);
uint32_t h7_sys_model_aclk_hz(void);
uint32_t h7_sys_model_ospi_kernel_hz(void);

/* Registers every block with the MMIO bus (call mmio_reset() first). */
int h7_sys_model_init(const struct h7_sys_config *cfg);
const struct h7_sys_stats *h7_sys_model_stats(void);
/* Drive an input pin's level (port 0 = A). */
void h7_sys_model_set_input(unsigned port, unsigned pin, bool high);
/* Output level the firmware drives on a pin (ODR). */
bool h7_sys_model_output(unsigned port, unsigned pin);
/* Mode field of a pin (0 in, 1 out, 2 AF, 3 analog) and its AF number. */
unsigned h7_sys_model_pin_mode(unsigned port, unsigned pin);
unsigned h7_sys_model_pin_af(unsigned port, unsigned pin);
bool h7_sys_model_open_drain(unsigned port, unsigned pin);
/* An RCC register's value (offset from RCC_BASE), for other models. */
uint32_t h7_sys_model_rcc(uint32_t off);
/* SCB_AIRCR got a system reset request since the last call. */
bool h7_sys_model_take_reset(void);
/* "" when FLASH_ACR matches the RM table for the present AXI clock and
 * VOS (LATENCY at least the table's, WRHIGHFREQ equal), else why not. */
const char *h7_sys_model_flash_acr_problem(void);

#endif
