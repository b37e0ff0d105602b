/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L
#include "qh_rom_usb.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define POLL_MS 100u

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000u, .tv_nsec = (long)(ms % 1000u) * 1000000L};
	nanosleep(&ts, NULL);
}

/* 1: the flasher is there (*out), -1: the ROM is back, 0: nothing yet. */
static int look(struct qh_usb *u, const struct qh_dev_info *rom, struct qh_dev_info *out)
{
	struct qh_found *list;
	size_t n;
	int seen = 0;
	if (qh_usb_scan(u, NULL, &list, &n, NULL) != 0)
		return 0;
	for (size_t i = 0; i < n && seen != 1; i++) {
		const struct qh_dev_info *c = &list[i].info;
		if (strcmp(c->path, rom->path) != 0)
			continue;
		if (c->bus == rom->bus && c->address == rom->address)
			continue; /* the ROM's entry, not yet dropped from the list */
		if (strncmp(c->product, QH_FLASHER_PRODUCT, strlen(QH_FLASHER_PRODUCT)) == 0) {
			*out = *c;
			seen = 1;
		} else if (c->kind == QH_KIND_ST_ROM) {
			seen = -1;
		}
	}
	free(list);
	return seen;
}

/* Listed is not yet usable: on Linux the node's permissions come from udev
 * a moment after enumeration, and a device that re-enumerated on the same
 * port may still answer for its predecessor (seen under qdfu-sim as ENODEV
 * from the claim). Wait until it opens and its interface can be claimed. */
static int can_open(struct qh_usb *u, const struct qh_dev_info *info)
{
	struct qh_dev d;
	if (qh_usb_open(u, info, &d, NULL) != 0)
		return 0;
	qh_usb_close(&d);
	return 1;
}

int qh_rom_wait_flasher(struct qh_usb *u, const struct qh_dev_info *rom, unsigned timeout_ms,
                        struct qh_dev_info *out, struct qh_error *e)
{
	int rom_back = 0;
	for (unsigned waited = 0; waited <= timeout_ms; waited += POLL_MS) {
		sleep_ms(POLL_MS);
		int r = look(u, rom, out);
		if (r == 1 && can_open(u, out))
			return QH_OK;
		rom_back |= r < 0;
	}
	if (rom_back) {
		qh_fail(e, QH_E_NODEV,
		        "%s: ST's ROM bootloader came back instead of the flasher: it reset rather "
		        "than start it",
		        rom->path);
		qh_hint(e, "the board's internal flash was not touched; retry, and if it happens "
		           "again use qdfu install or an SWD probe");
		return QH_E_NODEV;
	}
	qh_fail(e, QH_E_NODEV,
	        "%s: the flasher was loaded into RAM and started, but did not appear on USB "
	        "within %u ms",
	        rom->path, timeout_ms);
	qh_hint(e, "flash is unchanged. Known cause: ST's ROM bootloader V9.0 (early revision V "
	           "STM32H74x/H75x) cannot start code; reset the board (BOOT0 high) and use qdfu "
	           "install or an SWD probe; otherwise check that --board names this board. On the "
	           "STM32H72x/H73x and H7A3/B3/B0 the ROM's jump into RAM is not verified on "
	           "silicon yet: if it fails there, please report it and use qdfu install");
	return QH_E_NODEV;
}
