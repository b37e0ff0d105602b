/* SPDX-License-Identifier: MIT */
/*
 * The update sessions the campaign interrupts, as each client sends them
 * (request sequences from docs/dfuse-notes.md and tests/e2e/pyusb_client.py):
 * qdfu (libqdfu itself), dfu-util with and without :leave, in one session
 * or one per memory, pydfu and fwupd.
 */
#ifndef QDFU_TESTS_REL_CLIENTS_H
#define QDFU_TESTS_REL_CLIENTS_H

#include "qh_image.h"
#include "rel_board.h"

enum rel_client {
	REL_QDFU = 0,
	REL_DFU_UTIL_LEAVE,   /* one dfu-util per memory, :leave on the last */
	REL_DFU_UTIL_NOLEAVE, /* one dfu-util per memory, no leave (stays in DFU) */
	REL_DFU_UTIL_DFUSE,   /* one dfu-util with a .dfu file (all memories), :leave */
	REL_PYDFU,
	REL_FWUPD,
	REL_CLIENT_COUNT
};

const char *rel_client_name(enum rel_client c);
/* Run one whole update of img on the board. Returns 0 when the client
 * would report success (the board may have left DFU), negative otherwise
 * (power cut, device error). */
int rel_client_run(enum rel_client c, struct rel_board *rb, const struct qh_image *img);

/* After a cut in the middle of an update by c: boot with the real decision
 * and check the board stays in DFU saying why with its bootloader sector
 * (boot_sector, BOOT_SEC bytes) intact, then that the same update of img,
 * uncut, starts. NULL when all holds, else what went wrong. */
const char *rel_after_cut(struct rel_board *rb, const uint8_t *boot_sector, uint32_t boot_len,
                          enum rel_client c, const struct qh_image *img);

#endif
