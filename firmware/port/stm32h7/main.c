/* SPDX-License-Identifier: MIT */
/*
 * The bootloader's main() on the target. The board is chosen at build time:
 * each image is compiled with QDFU_BOARD_SYMBOL naming its `board_<id>`.
 */
#include "bootloader/bootloader.h"
#include "hal/port.h"

#ifndef QDFU_BOARD_SYMBOL
#error "QDFU_BOARD_SYMBOL must name the board (e.g. board_stm32h745i_disco)"
#endif

extern const struct board QDFU_BOARD_SYMBOL;

int main(void)
{
	const struct board *b = &QDFU_BOARD_SYMBOL;

	/* Errors here leave a slower but working system (see port_init). */
	(void)port_init(b);
	(void)bootloader_init(b, BOOTLOADER_ENTER_AUTO);
	for (;;)
		bootloader_task();
}
