/* SPDX-License-Identifier: MIT */
/*
 * The flasher's main() (zero install, docs/zero-install.md): the same
 * bootloader core, linked to run from AXI SRAM (stm32h7_flasher.ld), loaded
 * and started by ST's ROM DFU bootloader. Its identity record follows the
 * boot vector table and reset handler so that qdfu checks it loads the right image and the
 * simulator can recognise it (include/qdfu_flasher.h).
 */
#include "bootloader/bootloader.h"
#include "common/compiler.h"
#include "h7_flasher.h"
#include "hal/port.h"
#include "qdfu_flasher.h"

#if !defined(QDFU_BOARD_SYMBOL) || !defined(QDFU_BOARD_NAME)
#error "QDFU_BOARD_SYMBOL and QDFU_BOARD_NAME must name the board"
#endif
#ifndef QDFU_BOARD_IFLASH_BYTES
#define QDFU_BOARD_IFLASH_BYTES 0u /* not stated */
#endif

/* The MCU line (CMake, from the board file's .family): where the flasher
 * runs and which ROM it runs under; the line's linker script
 * (stm32h7_flasher*.ld) puts the image at the same address. */
/* FLASHER_ROM_RAM_END: the end of the RAM the ROM uses from 0x24000000
 * (AN2606 Tables 133, 135, 137; the larger H74x transcription); AXI_END:
 * the end of AXI SRAM (H72x/H73x: with 128 KiB of ITCM, the smaller split). */
#if defined(QDFU_FLASHER_H72X)
#define FLASHER_LOAD        QDFU_FLASHER_LOAD_H72X
#define FLASHER_SIZE        QDFU_FLASHER_SIZE_H72X
#define FLASHER_FAMILY      "STM32H72x/H73x"
#define FLASHER_ROM_RAM_END 0x24004000u
#define FLASHER_AXI_END     0x24040000u
#elif defined(QDFU_FLASHER_H7AB)
#define FLASHER_LOAD        QDFU_FLASHER_LOAD_H7AB
#define FLASHER_SIZE        QDFU_FLASHER_SIZE_H7AB
#define FLASHER_FAMILY      "STM32H7A3/B3/B0"
#define FLASHER_ROM_RAM_END 0x24004000u
#define FLASHER_AXI_END     0x24100000u
#else
#define FLASHER_LOAD        QDFU_FLASHER_LOAD_H74X
#define FLASHER_SIZE        QDFU_FLASHER_SIZE_H74X
#define FLASHER_FAMILY      "STM32H74x/H75x"
#define FLASHER_ROM_RAM_END 0x24034000u
#define FLASHER_AXI_END     0x24080000u
#endif
QDFU_STATIC_ASSERT(FLASHER_LOAD >= FLASHER_ROM_RAM_END, "the flasher overlaps the ROM's own RAM");
QDFU_STATIC_ASSERT(FLASHER_LOAD + FLASHER_SIZE <= FLASHER_AXI_END,
                   "the flasher ends past AXI SRAM");
QDFU_STATIC_ASSERT(sizeof(FLASHER_FAMILY) <= 16, "family fits struct qdfu_flasher_id");

extern const struct board QDFU_BOARD_SYMBOL;

__attribute__((section(".flasher_id"), used)) const struct qdfu_flasher_id qdfu_flasher_id = {
    .magic = QDFU_FLASHER_MAGIC,
    .version = QDFU_FLASHER_VERSION,
    .load_addr = FLASHER_LOAD,
    .max_size = FLASHER_SIZE,
    .iflash_bytes = QDFU_BOARD_IFLASH_BYTES,
    .board = QDFU_BOARD_NAME,
    .family = FLASHER_FAMILY,
};

int main(void)
{
	const struct board *b = bootloader_flasher_board(&QDFU_BOARD_SYMBOL);

	h7_quiesce_after_rom();
	(void)port_init(b);
	(void)bootloader_init(b, BOOTLOADER_ENTER_FLASHER);
	for (;;)
		bootloader_task();
}
