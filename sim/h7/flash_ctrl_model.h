/* SPDX-License-Identifier: MIT */
/*
 * Register model of the STM32H7 FLASH controller and its array (H74x/H75x: 2 MiB)
 * (RM0399 4.3, shared facts "FLASH"): KEYRx unlock sequence, CRx.PG with an
 * eight-word write buffer per flash word, SER/SNB/START sector erase,
 * BSY/QW/EOP and the error flags in SRx cleared through CCRx, write-once
 * flash words (a second program breaks the word's ECC: reads of it set
 * DBECCERR), erase and program times on the simulator clock.
 */
#ifndef QDFU_SIM_H7_FLASH_CTRL_MODEL_H
#define QDFU_SIM_H7_FLASH_CTRL_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "boards/board.h"

int flash_ctrl_model_init(void); /* registers 0x52002000 and 0x08000000 */
/* Another line: H7A3/B0/B3 have 8 KiB sectors, 16-byte flash words and
 * their own CR layout (FW 4, START 5, SNB[12:6]), H72x/H73x the H74x
 * layout with one bank. A driver written for the other line fails: an H74x
 * erase sets PSIZE bit 5 = START with SNB read at bit 6 (another sector
 * goes), an H7Ax erase never starts on an H74x and its 16-byte words stay
 * in the write buffer. */
int flash_ctrl_model_init_line(enum board_family family, unsigned banks, unsigned per_bank);
void flash_ctrl_model_free(void);
uint8_t *flash_ctrl_model_array(void);
/* SRx as the hardware would show it now (bank 0 or 1). */
uint32_t flash_ctrl_model_sr(unsigned bank);
unsigned flash_ctrl_model_programs(void);
/* Option status (OPTSR_CUR), e.g. BCM4 (bit 22). */
void flash_ctrl_model_set_optsr(uint32_t v);
/* OPTSR2_CUR (H72x/H73x), e.g. TCM_AXI_SHARED[1:0]; reads 0 on other lines. */
void flash_ctrl_model_set_optsr2(uint32_t v);

#endif
