/* SPDX-License-Identifier: MIT */
/*
 * The memories ST's ROM DFU bootloader reaches, for the ROM model: internal
 * flash (through port_iflash_* on the flash model: sector erase, 32-byte
 * flash words, each once per erase), AXI SRAM and DTCM (model arrays),
 * system memory (bootloader ID, UID, flash size) and the option bytes
 * (read only here). Flash work is asynchronous, like the ROM's: start, then
 * poll from the main loop.
 */
#ifndef QDFU_SIM_ROM_MEM_H
#define QDFU_SIM_ROM_MEM_H

#include <stdbool.h>
#include <stdint.h>

#include "boards/board.h"
#include "sim/rom/rom_family.h"

enum rom_mem_result {
	ROM_MEM_OK = 0,
	ROM_MEM_BUSY = 1,
	ROM_MEM_BAD_ADDRESS = -1, /* nothing there: errTARGET */
	ROM_MEM_CRASH = -2,       /* the ROM's own RAM overwritten */
	ROM_MEM_FLASH_ERROR = -3, /* not erased, or the flash refused */
};

/* System memory (128 KiB from 0x1FF00000 on every line): the model
 * answers the family's bootloader ID, UID and FLASH_SIZE addresses
 * (struct rom_family; on H7A3/B3/B0 the last two are at 0x08FFF800 and
 * 0x08FFF80C, outside system memory, and answered there too). */
#define ROM_SYS_BASE     0x1FF00000u
#define ROM_SYS_SIZE     0x00020000u
#define ROM_OPTION_BYTES 0x5200201Cu

int rom_mem_init(const struct rom_family *f, const struct board *b, uint8_t version,
                 const uint8_t uid[12]);
void rom_mem_free(void);

int rom_mem_read(uint32_t addr, uint8_t *buf, uint32_t len);
/* RAM: copied at once. */
int rom_mem_write_ram(uint32_t addr, const uint8_t *data, uint32_t len);
bool rom_mem_in_flash(uint32_t addr, uint32_t len);
bool rom_mem_in_ram(uint32_t addr, uint32_t len);
/* The RAM bytes at [addr, addr + len), or NULL outside the RAM. */
const uint8_t *rom_mem_ram(uint32_t addr, uint32_t len);

/* Flash: start programming len bytes (padded with 0xFF to whole words) or
 * erasing the sector holding addr / every sector (mass); then poll. */
int rom_mem_flash_program(uint32_t addr, const uint8_t *data, uint32_t len);
int rom_mem_flash_erase(uint32_t addr, bool mass);
int rom_mem_flash_poll(void);

#endif
