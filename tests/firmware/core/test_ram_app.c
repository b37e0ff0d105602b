/* SPDX-License-Identifier: MIT */
/*
 * RAM applications (boot/ram_app.h): an image stored in QSPI whose reset
 * handler is in AXI SRAM (libDaisy's BOOT_SRAM) is copied to RAM and started
 * there after the same checks as any image; one that would be copied over
 * the bootloader's own RAM is refused with the reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "boot/boot.h"
#include "boot/image.h"
#include "common/compiler.h"
#include "fixture.h"
#include "mem/mem.h"
#include "qdfu_image.h"

#define STORED  0x90040000u /* libDaisy's QSPI_ADDRESS */
#define AXI     0x24000000u /* STM32H750IB_sram.lds: ORIGIN(SRAM) */
#define AXI_LEN (512u * 1024u)

static uint8_t app[12288];

/* A BOOT_SRAM image: vector table first, linked at base; the stack at the
 * end of DTCM (libDaisy's _estack = 0x20020000). */
static void make_ram_app(uint32_t base)
{
	for (unsigned i = 0; i < sizeof(app); i++)
		app[i] = (uint8_t)(i * 29u + 3u);
	memset(app, 0, 64);
	qdfu_put_le32(app, 0x20020000u);
	for (unsigned i = 4; i < 64; i += 4)
		qdfu_put_le32(app + i, base + 0x401u);
}

static const uint8_t *stored(uint32_t addr)
{
	return ram_qspi.mem + (addr - RAM_QSPI_BASE);
}

static void test_ram_app_copied_and_started_in_ram(void **state)
{
	(void)state;
	make_ram_app(AXI);
	assert_int_equal(fx_download_leave(STORED, app, sizeof(app)), 0);
	assert_false(fx_reboot(false));
	assert_true(mock.app_started);
	assert_int_equal(mock.app_vtor, AXI); /* started in RAM, not at 0x90040000 */
	const struct boot_decision *d = bootloader_decision();
	assert_int_equal(d->ram_src, STORED);
	assert_int_equal(d->ram_len, AXI_LEN); /* no descriptor: the whole block */
	assert_int_equal(mock_ram_dst, AXI);
	assert_int_equal(mock_ram_len, AXI_LEN);
	assert_memory_equal(mock_axi, app, sizeof(app));
	assert_memory_equal(mock_axi, stored(STORED), AXI_LEN);
}

static void test_ram_app_over_bootloader_ram_refused(void **state)
{
	(void)state;
	make_ram_app(0x20000000u); /* linked to DTCM: the bootloader's data and stack */
	assert_int_equal(fx_download_leave(STORED, app, sizeof(app)), 0);
	assert_true(fx_reboot(false)); /* stays in DFU */
	assert_non_null(
	    strstr(bootloader_decision()->reason, "overwrite the bootloader's own RAM"));
	assert_int_equal(mock_ram_len, 0); /* nothing copied */
	make_ram_app(0x00000000u);         /* ITCM: its code */
	assert_int_equal(fx_download_leave(STORED, app, sizeof(app)), 0);
	assert_true(fx_reboot(false));
	assert_non_null(
	    strstr(bootloader_decision()->reason, "overwrite the bootloader's own RAM"));
}

static void test_ram_app_interrupted_update_never_copied(void **state)
{
	(void)state;
	make_ram_app(AXI);
	assert_int_equal(fx_download(STORED, app, sizeof(app)), 0); /* no leave */
	assert_true(fx_reboot(false));
	assert_int_equal(mock_ram_len, 0);
}

/* With a descriptor the copy is the image's range from its vector table,
 * verified first; a descriptor whose range is larger than the RAM block is
 * refused. */
static void put_desc(uint32_t range_len)
{
	uint8_t desc[QDFU_IMG_HDR_SIZE + QDFU_IMG_RANGE_SIZE + 4u];
	memset(desc, 0, sizeof(desc));
	uint32_t crc = mem_crc32_update(0, stored(STORED), range_len);
	qdfu_put_le32(desc + QDFU_IMG_OFF_MAGIC, QDFU_IMG_MAGIC);
	qdfu_put_le16(desc + QDFU_IMG_OFF_VERSION, QDFU_IMG_VERSION);
	qdfu_put_le16(desc + QDFU_IMG_OFF_HDR_SIZE, QDFU_IMG_HDR_SIZE);
	qdfu_put_le32(desc + QDFU_IMG_OFF_TOTAL, sizeof(desc));
	qdfu_put_le32(desc + QDFU_IMG_OFF_VTOR, STORED);
	qdfu_put_le16(desc + QDFU_IMG_OFF_NRANGES, 1);
	desc[QDFU_IMG_OFF_HASH] = QDFU_IMG_HASH_CRC32;
	qdfu_put_le32(desc + QDFU_IMG_HDR_SIZE, STORED);
	qdfu_put_le32(desc + QDFU_IMG_HDR_SIZE + 4u, range_len);
	qdfu_put_le32(desc + QDFU_IMG_HDR_SIZE + 8u, crc);
	qdfu_put_le32(desc + sizeof(desc) - 4u, mem_crc32_update(0, desc, sizeof(desc) - 4u));
	assert_int_equal(fx_download(image_desc_addr(), desc, sizeof(desc)), 0);
}

static void test_ram_app_descriptor_gives_the_length(void **state)
{
	(void)state;
	make_ram_app(AXI);
	assert_int_equal(fx_download(STORED, app, sizeof(app)), 0);
	put_desc(sizeof(app));
	assert_false(fx_reboot(false));
	assert_int_equal(mock.app_vtor, AXI);
	assert_int_equal(bootloader_decision()->ram_len, sizeof(app));
	assert_int_equal(mock_ram_len, sizeof(app));
	assert_memory_equal(mock_axi, app, sizeof(app));
	assert_int_equal(mock_axi[sizeof(app)], 0xA5); /* nothing beyond the image */

	assert_int_equal(fx_download(STORED, app, sizeof(app)), 0);
	put_desc(AXI_LEN + 4096u);
	assert_true(fx_reboot(false));
	assert_non_null(strstr(bootloader_decision()->reason, "larger than the RAM"));
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_ram_app_copied_and_started_in_ram),
	    T(test_ram_app_over_bootloader_ram_refused),
	    T(test_ram_app_interrupted_update_never_copied),
	    T(test_ram_app_descriptor_gives_the_length),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
