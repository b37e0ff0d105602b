/* SPDX-License-Identifier: MIT */
/*
 * Register model of the STM32H74x/H75x FLASH controller and its 2 MiB array
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

int flash_ctrl_model_init(void); /* registers 0x52002000 and 0x08000000 */
void flash_ctrl_model_free(void);
uint8_t *flash_ctrl_model_array(void);
/* SRx as the hardware would show it now (bank 0 or 1). */
uint32_t flash_ctrl_model_sr(unsigned bank);
unsigned flash_ctrl_model_programs(void);
/* Option status (OPTSR_CUR), e.g. BCM4 (bit 22). */
void flash_ctrl_model_set_optsr(uint32_t v);

#endif
