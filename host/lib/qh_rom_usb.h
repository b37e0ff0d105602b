/* SPDX-License-Identifier: MIT */
/* Zero install, the USB side: wait for the flasher the ROM started. */
#ifndef QH_ROM_USB_H
#define QH_ROM_USB_H

#include "qh_usb.h"

/* The product string prefix of a running flasher (bootloader_flasher_board). */
#define QH_FLASHER_PRODUCT "qdfu flasher"

/* Wait up to timeout_ms for the flasher to enumerate on the USB port the
 * ROM (rom) was on, as itself (its product string): a new enumeration, so
 * never under the ROM's device address, which a stale device list may
 * still show for a moment. */
int qh_rom_wait_flasher(struct qh_usb *u, const struct qh_dev_info *rom, unsigned timeout_ms,
                        struct qh_dev_info *out, struct qh_error *e);

#endif
