/* SPDX-License-Identifier: MIT */
/*
 * The flasher's start from the state ST's ROM DFU bootloader leaves
 * (facts "st-rom-dfu", Leave and RAM): the ROM jumps to our vector table
 * with its own interrupts, SysTick and USB core still set up. Before
 * port_init: interrupts masked while the NVIC is cleared (every enable and
 * pending bit, the OTG lines included), SysTick stopped and its pending
 * exception dropped. port_init then moves SYSCLK back to HSI before the
 * PLL (clock.c), never rewrites the write-once supply (power.c), and the
 * USB driver resets the OTG core (usb_dwc2.c, GRSTCTL.CSRST).
 */
#ifndef QDFU_PORT_STM32H7_H7_FLASHER_H
#define QDFU_PORT_STM32H7_H7_FLASHER_H

void h7_quiesce_after_rom(void);

#endif
