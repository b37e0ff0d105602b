/* SPDX-License-Identifier: MIT */
/*
 * The flasher's main() (zero install, docs/zero-install.md): the same
 * bootloader core, linked to run from AXI SRAM (stm32h7_flasher.ld), loaded
 * and started by ST's ROM DFU bootloader. Its identity record follows the
 * boot vector table and reset handler so that qdfu checks it loads the right image and the
 * simulator can recognise it (include/qdfu_flasher.h).
 */
#include "bootloader/bootloader.h"
#include "h7_flasher.h"
#include "hal/port.h"
#include "qdfu_flasher.h"

#if !defined(QDFU_BOARD_SYMBOL) || !defined(QDFU_BOARD_NAME)
#error "QDFU_BOARD_SYMBOL and QDFU_BOARD_NAME must name the board"
#endif
#ifndef QDFU_BOARD_IFLASH_BYTES
#define QDFU_BOARD_IFLASH_BYTES 0u /* not stated */
#endif

extern const struct board QDFU_BOARD_SYMBOL;

__attribute__((section(".flasher_id"), used)) const struct qdfu_flasher_id qdfu_flasher_id = {
    .magic = QDFU_FLASHER_MAGIC,
    .version = QDFU_FLASHER_VERSION,
    .load_addr = QDFU_FLASHER_LOAD_H74X,
    .max_size = QDFU_FLASHER_SIZE_H74X,
    .iflash_bytes = QDFU_BOARD_IFLASH_BYTES,
    .board = QDFU_BOARD_NAME,
    .family = "STM32H74x/H75x",
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
