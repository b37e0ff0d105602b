/* SPDX-License-Identifier: MIT */
/* The whole bootloader on the mocked port, and DfuSe helpers for tests. */
#ifndef QDFU_TESTS_FIXTURE_H
#define QDFU_TESTS_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "bootloader/bootloader.h"
#include "dfu/dfu.h"
#include "mock_port.h"
#include "ram_qspi.h"

#define FX_IFLASH_APP 0x08020000u

/* cmocka setup/teardown: boot stm32h745i-disco in DFU and enumerate. */
int fx_setup(void **state);
int fx_teardown(void **state);
/* Boot (again) with the memories kept, like a reset. Returns
 * bootloader_init's result (true = stays in DFU). */
bool fx_reboot(bool force_dfu);
/* The board the next fx_reboot() boots (a variant of the fixture's). */
const struct board *fx_get_board(void);
void fx_use_board(const struct board *b);
/* Start again, memories erased, on an H7A3/B3-like copy of the board (8 KiB
 * sectors, 128 a bank, 16-byte flash words), booted in DFU. */
void fx_restart_h7ab(void);
void fx_enumerate(void);

/* DFU requests (interface 0). Return the control transfer's result. */
int fx_getstatus(uint8_t st[6]);
int fx_getstate(void); /* the state, or a negative error */
int fx_dnload(uint16_t block, const uint8_t *data, uint16_t len);
int fx_upload(uint16_t block, uint8_t *buf, uint16_t len);
int fx_abort(void);
int fx_clrstatus(void);
int fx_set_alt(uint8_t alt);

/* A DfuSe command followed by the two GETSTATUS dfu-util sends. Returns
 * the bStatus of the second one (0 = OK), or a negative transfer error;
 * *poll1 gets GETSTATUS #1's bwPollTimeout and *state1 its bState. */
int fx_command(const uint8_t *cmd, uint16_t len, uint32_t *poll1, uint8_t *state1);
int fx_set_address(uint32_t addr);
int fx_erase_page(uint32_t addr);
/* dfu-util style write: SET_ADDRESS then DNLOAD(2) then GETSTATUS x2. */
int fx_write_block(uint32_t addr, const uint8_t *data, uint16_t len);
/* Erase every page touched, write in DFU_TRANSFER_SIZE chunks, ABORT. */
int fx_download(uint32_t addr, const uint8_t *data, uint32_t len);
/* dfu-util's :leave: DNLOAD(2, empty), GETSTATUS (dfuMANIFEST), then the
 * device's detach and reset; 0 when it happened. The journal commits here,
 * never at ABORT. */
int fx_leave(void);
/* fx_download then fx_leave: a complete update by a generic client. */
int fx_download_leave(uint32_t addr, const uint8_t *data, uint32_t len);
/* Read len bytes at addr (SET_ADDRESS, ABORT, UPLOAD 2...). */
int fx_read(uint32_t addr, uint8_t *buf, uint32_t len);
/* A minimal valid vector table for an application at vtor. */
void fx_vector_table(uint8_t *buf, uint32_t vtor);
/* n pseudo-random bytes from seed (the same seed, the same bytes). */
void fx_fill(uint8_t *p, uint32_t n, uint32_t seed);
/* Put len bytes of img (erased flash when NULL) into the internal flash
 * model at addr, as a probe would. */
void fx_iflash_put(uint32_t addr, const uint8_t *img, uint32_t len);

#endif
