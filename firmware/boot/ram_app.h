/* SPDX-License-Identifier: MIT */
/*
 * RAM applications: an image stored in flash whose reset handler lies in
 * RAM is copied there before it starts (libDaisy's BOOT_SRAM applications,
 * stored at 0x90040000 and linked to AXI SRAM at 0x24000000;
 * docs/decisions/ram-applications.md). The same validity checks as any
 * image come first (boot/boot.c); this only plans and makes the copy.
 */
#ifndef QDFU_BOOT_RAM_APP_H
#define QDFU_BOOT_RAM_APP_H

#include <stdint.h>

struct ram_app {
	uint32_t src; /* where the image is stored: its vector table in flash */
	uint32_t dst; /* where it runs: the start of its reset handler's RAM block */
	uint32_t len; /* bytes copied */
	uint8_t *ram; /* the port's view of dst (port_app_ram) */
};

enum ram_app_plan_result {
	RAM_APP_NONE = 0, /* runs where it is stored (internal flash, QSPI XIP) */
	RAM_APP_READY,    /* a RAM application, *p says what to copy where */
	RAM_APP_REFUSED,  /* a RAM application that cannot be copied: *why */
};

/* The application whose (valid) vector table is at vtor. image_len: the
 * image's bytes from vtor when its descriptor says so, else 0: then the
 * whole RAM block is copied, at most what the flash region holds from vtor
 * (the Daisy bootloader keeps no length either). */
enum ram_app_plan_result ram_app_plan(uint32_t vtor, uint32_t image_len, struct ram_app *p,
                                      const char **why);

/* Make the copy (through mem/): 0, or a negative error with *why. */
int ram_app_load(const struct ram_app *p, const char **why);

#endif
