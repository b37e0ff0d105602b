/* SPDX-License-Identifier: MIT */
#include "fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "boards/board.h"
#include "common/compiler.h"
#include "sim/h7/h7_iflash.h"
#include "sim/port/simport_internal.h"

static const struct board *fx_board;

void fx_enumerate(void)
{
	uint8_t dev[18];
	mock_bus_reset();
	assert_int_equal(mock_control(0x80, 6, 0x0100, 0, 64, dev), 18);
	assert_int_equal(mock_control(0x00, 5, 7, 0, 0, NULL), 0);
	assert_int_equal(mock_control(0x00, 9, 1, 0, 0, NULL), 0);
}

const struct board *fx_get_board(void)
{
	return fx_board;
}

void fx_use_board(const struct board *b)
{
	fx_board = b;
}

void fx_restart_h7ab(void)
{
	static struct board ab;
	ab = *fx_get_board();
	ab.family = BOARD_FAMILY_H7AB;
	ab.iflash_sector_size = 8u * 1024u;
	ab.iflash_sectors = 128u;
	mock_teardown();
	fx_use_board(&ab);
	mock_setup(&ab);
	mock_set_task(bootloader_task);
	assert_true(fx_reboot(true));
}

bool fx_reboot(bool force_dfu)
{
	mock.app_started = false;
	mock.reset_requested = false;
	bool dfu =
	    bootloader_init(fx_board, force_dfu ? BOOTLOADER_ENTER_DFU : BOOTLOADER_ENTER_AUTO);
	if (dfu)
		fx_enumerate();
	return dfu;
}

int fx_setup(void **state)
{
	(void)state;
	fx_board = board_find("stm32h745i-disco");
	mock_setup(fx_board);
	ram_qspi_reset();
	mock_set_task(bootloader_task);
	assert_true(fx_reboot(true));
	return 0;
}

int fx_teardown(void **state)
{
	(void)state;
	mock_teardown();
	return 0;
}

int fx_getstatus(uint8_t st[6])
{
	return mock_control(0xA1, DFU_REQ_GETSTATUS, 0, 0, 6, st);
}

int fx_getstate(void)
{
	uint8_t s = 0xEE;
	int rc = mock_control(0xA1, DFU_REQ_GETSTATE, 0, 0, 1, &s);
	return rc == 1 ? s : (rc < 0 ? rc : -1);
}

int fx_dnload(uint16_t block, const uint8_t *data, uint16_t len)
{
	return mock_control(0x21, DFU_REQ_DNLOAD, block, 0, len, (uint8_t *)data);
}

int fx_upload(uint16_t block, uint8_t *buf, uint16_t len)
{
	return mock_control(0xA1, DFU_REQ_UPLOAD, block, 0, len, buf);
}

int fx_abort(void)
{
	return mock_control(0x21, DFU_REQ_ABORT, 0, 0, 0, NULL);
}

int fx_clrstatus(void)
{
	return mock_control(0x21, DFU_REQ_CLRSTATUS, 0, 0, 0, NULL);
}

int fx_set_alt(uint8_t alt)
{
	return mock_control(0x01, 11, alt, 0, 0, NULL);
}

int fx_command(const uint8_t *cmd, uint16_t len, uint32_t *poll1, uint8_t *state1)
{
	uint8_t st[6];
	int rc = fx_dnload(0, cmd, len);
	if (rc < 0)
		return rc;
	if ((rc = fx_getstatus(st)) != 6)
		return rc < 0 ? rc : -1;
	if (poll1)
		*poll1 = (uint32_t)st[1] | (uint32_t)st[2] << 8 | (uint32_t)st[3] << 16;
	if (state1)
		*state1 = st[4];
	mock_advance_ms((uint32_t)st[1] | (uint32_t)st[2] << 8 | (uint32_t)st[3] << 16);
	if ((rc = fx_getstatus(st)) != 6)
		return rc < 0 ? rc : -1;
	return st[0];
}

int fx_set_address(uint32_t addr)
{
	uint8_t cmd[5] = {DFUSE_CMD_SET_ADDRESS};
	qdfu_put_le32(&cmd[1], addr);
	return fx_command(cmd, 5, NULL, NULL);
}

int fx_erase_page(uint32_t addr)
{
	uint8_t cmd[5] = {DFUSE_CMD_ERASE};
	qdfu_put_le32(&cmd[1], addr);
	return fx_command(cmd, 5, NULL, NULL);
}

int fx_write_block(uint32_t addr, const uint8_t *data, uint16_t len)
{
	uint8_t st[6];
	int rc = fx_set_address(addr);
	if (rc)
		return rc;
	if ((rc = fx_dnload(2, data, len)) < 0)
		return rc;
	if ((rc = fx_getstatus(st)) != 6)
		return rc < 0 ? rc : -1;
	mock_advance_ms((uint32_t)st[1] | (uint32_t)st[2] << 8 | (uint32_t)st[3] << 16);
	if ((rc = fx_getstatus(st)) != 6)
		return rc < 0 ? rc : -1;
	return st[0];
}

static uint32_t page_size_at(uint32_t addr)
{
	return addr >= RAM_QSPI_BASE ? RAM_QSPI_PAGE : 128u * 1024u;
}

int fx_download(uint32_t addr, const uint8_t *data, uint32_t len)
{
	int rc;
	uint32_t ps = page_size_at(addr);
	for (uint32_t p = addr & ~(ps - 1u); p < addr + len; p += ps)
		if ((rc = fx_erase_page(p)))
			return rc;
	for (uint32_t off = 0; off < len; off += DFU_TRANSFER_SIZE) {
		uint32_t n = QDFU_MIN(DFU_TRANSFER_SIZE, len - off);
		if ((rc = fx_write_block(addr + off, data + off, (uint16_t)n)))
			return rc;
	}
	return fx_abort();
}

int fx_leave(void)
{
	uint8_t st[6];
	int rc = fx_dnload(2, NULL, 0);
	if (rc)
		return rc;
	if (fx_getstatus(st) != 6 || st[4] != DFU_STATE_MANIFEST)
		return -1;
	mock_advance_ms(100);
	return mock.reset_requested ? 0 : -1;
}

int fx_download_leave(uint32_t addr, const uint8_t *data, uint32_t len)
{
	int rc = fx_download(addr, data, len);
	return rc ? rc : fx_leave();
}

int fx_read(uint32_t addr, uint8_t *buf, uint32_t len)
{
	int rc = fx_set_address(addr);
	if (rc)
		return rc;
	if ((rc = fx_abort()) < 0)
		return rc;
	for (uint32_t off = 0, blk = 2; off < len; off += DFU_TRANSFER_SIZE, blk++) {
		uint16_t n = (uint16_t)QDFU_MIN(DFU_TRANSFER_SIZE, len - off);
		rc = fx_upload((uint16_t)blk, buf + off, n);
		if (rc != n)
			return rc < 0 ? rc : -1;
	}
	return fx_abort();
}

void fx_vector_table(uint8_t *buf, uint32_t vtor)
{
	memset(buf, 0, 64);
	qdfu_put_le32(buf, 0x24080000u);         /* SP: top of AXI SRAM */
	qdfu_put_le32(buf + 4, (vtor + 0x201u)); /* Reset_Handler, Thumb */
	for (unsigned i = 8; i < 64; i += 4)
		qdfu_put_le32(buf + i, vtor + 0x301u);
}

void fx_fill(uint8_t *p, uint32_t n, uint32_t seed)
{
	for (uint32_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

void fx_iflash_put(uint32_t addr, const uint8_t *img, uint32_t len)
{
	struct h7_iflash *f = simport_iflash_model();
	uint32_t size = h7_iflash_size(f);
	uint8_t *all = malloc(size);
	assert_non_null(all);
	memcpy(all, h7_iflash_array(f), size);
	if (img)
		memcpy(all + (addr - 0x08000000u), img, len);
	else
		memset(all + (addr - 0x08000000u), 0xFF, len);
	h7_iflash_set_contents(f, all);
	free(all);
}
