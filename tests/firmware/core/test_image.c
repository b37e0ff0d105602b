/* SPDX-License-Identifier: MIT */
/*
 * Validity belongs to the image (docs/decisions/image-descriptor.md): an
 * image with an intact descriptor whose ranges match boots whatever the
 * session did; anything torn, missing or mixed stays in DFU; images without
 * a descriptor are committed by a manifestation (leave) only, never by an
 * ABORT.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "boot/boot.h"
#include "boot/image.h"
#include "boot/journal.h"
#include "common/compiler.h"
#include "fixture.h"
#include "hal/port.h"
#include "mem/mem.h"
#include "qdfu_proto.h"
#include "sim/h7/h7_iflash.h"
#include "sim/port/simport_internal.h"

#define APP   FX_IFLASH_APP
#define QDATA (RAM_QSPI_BASE + 0x20000u)

static uint8_t code[8192], qdata[6000];
static uint8_t desc[QDFU_IMG_MAX_SIZE];
static uint32_t desc_len;

static void make_images(unsigned seed)
{
	for (unsigned i = 0; i < sizeof(code); i++)
		code[i] = (uint8_t)(i * 13u + seed);
	for (unsigned i = 0; i < sizeof(qdata); i++)
		qdata[i] = (uint8_t)(i * 7u + seed * 3u);
	fx_vector_table(code, APP);
}

/* CRC-32 of [a, a + n) as it will read after an erase of its pages and the
 * write of data at a (0xFF after the data). */
static uint32_t crc_padded(const uint8_t *data, uint32_t len, uint32_t n)
{
	uint8_t ff = 0xFF;
	uint32_t crc = mem_crc32_update(0, data, len);
	for (uint32_t i = len; i < n; i++)
		crc = mem_crc32_update(crc, &ff, 1);
	return crc;
}

/* A descriptor for the two-region image: the internal sector and the QSPI
 * page it occupies, whole. */
static void make_desc(void)
{
	const uint32_t isz = 128u * 1024u, qsz = RAM_QSPI_PAGE;
	memset(desc, 0xFF, sizeof(desc));
	memset(desc, 0, QDFU_IMG_HDR_SIZE);
	uint8_t *r = desc + QDFU_IMG_HDR_SIZE;
	qdfu_put_le32(r, APP);
	qdfu_put_le32(r + 4, isz);
	qdfu_put_le32(r + 8, crc_padded(code, sizeof(code), isz));
	qdfu_put_le32(r + 12, QDATA);
	qdfu_put_le32(r + 16, qsz);
	qdfu_put_le32(r + 20, crc_padded(qdata, sizeof(qdata), qsz));
	desc_len = QDFU_IMG_HDR_SIZE + 2u * QDFU_IMG_RANGE_SIZE + 4u;
	qdfu_put_le32(desc + QDFU_IMG_OFF_MAGIC, QDFU_IMG_MAGIC);
	qdfu_put_le16(desc + QDFU_IMG_OFF_VERSION, QDFU_IMG_VERSION);
	qdfu_put_le16(desc + QDFU_IMG_OFF_HDR_SIZE, QDFU_IMG_HDR_SIZE);
	qdfu_put_le32(desc + QDFU_IMG_OFF_TOTAL, desc_len);
	qdfu_put_le32(desc + QDFU_IMG_OFF_VTOR, APP);
	qdfu_put_le16(desc + QDFU_IMG_OFF_NRANGES, 2);
	desc[QDFU_IMG_OFF_HASH] = QDFU_IMG_HASH_CRC32;
	qdfu_put_le32(desc + desc_len - 4u, mem_crc32_update(0, desc, desc_len - 4u));
}

/* Erase + write without ending the sequence (no ABORT, no leave). */
static void put(uint32_t addr, const uint8_t *data, uint32_t len)
{
	assert_int_equal(fx_erase_page(addr), 0);
	for (uint32_t off = 0; off < len; off += DFU_TRANSFER_SIZE) {
		uint32_t n = QDFU_MIN(DFU_TRANSFER_SIZE, len - off);
		assert_int_equal(fx_write_block(addr + off, data + off, (uint16_t)n), 0);
	}
	/* the last block programs in the background (pipelined reception):
	 * the cuts these tests make come after it, as a person's reset would */
	mock_advance_ms(50);
}

static void put_desc(void)
{
	put(image_desc_addr(), desc, desc_len);
}

static void leave(void)
{
	uint8_t st[6];
	assert_int_equal(fx_dnload(2, NULL, 0), 0);
	assert_int_equal(fx_getstatus(st), 6);
	assert_int_equal(st[4], DFU_STATE_MANIFEST);
	mock_advance_ms(100);
	assert_true(mock.reset_requested);
}

static void test_descriptor_parse_rejects_every_torn_byte(void **state)
{
	(void)state;
	struct image_desc d;
	make_images(1);
	make_desc();
	assert_int_equal(image_desc_parse(desc, desc_len, &d), 0);
	assert_int_equal(d.nranges, 2);
	assert_int_equal(d.vtor, APP);
	for (uint32_t i = 0; i < desc_len; i++) {
		uint8_t torn[QDFU_IMG_MAX_SIZE];
		memcpy(torn, desc, sizeof(torn));
		torn[i] &= 0xEF; /* a program cut short: a bit stays 1 -> here 0 */
		if (torn[i] == desc[i])
			torn[i] ^= 0x01;
		assert_int_not_equal(image_desc_parse(torn, desc_len, &d), 0);
	}
	/* a descriptor cut after its first n bytes (the rest still erased) */
	for (uint32_t n = 0; n < desc_len; n++) {
		uint8_t part[QDFU_IMG_MAX_SIZE];
		memset(part, 0xFF, sizeof(part));
		memcpy(part, desc, n);
		assert_int_not_equal(image_desc_parse(part, sizeof(part), &d), 0);
	}
}

/* Bug 1 of issue 12: qdfu ABORTs between regions; that ABORT committed the
 * internal half of a two-region image, and a cut before the QSPI half
 * booted new code with erased data. */
static void test_abort_between_regions_does_not_commit(void **state)
{
	(void)state;
	make_images(2);
	assert_int_equal(fx_download(APP, code, sizeof(code)), 0); /* ends with ABORT */
	assert_int_not_equal(journal_state(), JOURNAL_COMMITTED);
	/* the host dies before writing the QSPI half */
	assert_true(fx_reboot(false));
	assert_false(mock.app_started);
	assert_non_null(strstr(bootloader_decision()->reason, "interrupted"));
}

static void test_generic_client_commits_at_leave(void **state)
{
	(void)state;
	make_images(3);
	assert_int_equal(fx_download(QDATA, qdata, sizeof(qdata)), 0);
	assert_int_equal(fx_download(APP, code, sizeof(code)), 0);
	leave();
	assert_int_equal(journal_state(), JOURNAL_COMMITTED);
	assert_false(fx_reboot(false));
	assert_int_equal(mock.app_vtor, APP);
}

static void test_descriptor_image_boots_without_commit(void **state)
{
	(void)state;
	make_images(4);
	make_desc();
	put(APP, code, sizeof(code));
	put(QDATA, qdata, sizeof(qdata));
	put_desc();
	/* cut before any ABORT or leave: the image is whole, so it boots */
	assert_false(fx_reboot(false));
	assert_int_equal(mock.app_vtor, APP);
	assert_int_equal(journal_state(), JOURNAL_VERIFIED);
	assert_non_null(strstr(bootloader_decision()->reason, "verified"));
	/* the next boot trusts the record (no write since) */
	assert_false(fx_reboot(false));
	assert_non_null(strstr(bootloader_decision()->reason, "cached"));
}

static void test_descriptor_missing_half_stays_in_dfu(void **state)
{
	(void)state;
	make_images(5);
	make_desc();
	put(APP, code, sizeof(code));
	put_desc(); /* a client writing the descriptor too early */
	assert_true(fx_reboot(false));
	assert_non_null(strstr(bootloader_decision()->reason, "interrupted"));
	/* completing the update (data written now) makes it boot */
	put(QDATA, qdata, sizeof(qdata));
	assert_false(fx_reboot(false));
}

static void test_torn_descriptor_stays_in_dfu(void **state)
{
	(void)state;
	make_images(6);
	make_desc();
	put(APP, code, sizeof(code));
	put(QDATA, qdata, sizeof(qdata));
	assert_int_equal(fx_erase_page(image_desc_addr()), 0);
	assert_int_equal(fx_write_block(image_desc_addr(), desc, (uint16_t)(desc_len - 9u)), 0);
	assert_true(fx_reboot(false));
	assert_false(mock.app_started);
}

static void test_changed_range_is_caught_after_an_update_session(void **state)
{
	(void)state;
	make_images(7);
	make_desc();
	put(APP, code, sizeof(code));
	put(QDATA, qdata, sizeof(qdata));
	put_desc();
	leave();
	assert_false(fx_reboot(false));
	/* a later session erases the data page and dies */
	assert_true(fx_reboot(true));
	assert_int_equal(fx_erase_page(QDATA), 0);
	assert_true(fx_reboot(false));
	assert_false(mock.app_started);
	/* an update started over that image: it starts again only when the
	 * update writes its descriptor anew (bootloader.c hook_session_open;
	 * the data alone may be any image's) */
	put(QDATA, qdata, sizeof(qdata));
	assert_true(fx_reboot(false));
	put_desc();
	assert_false(fx_reboot(false));
}

static void test_rerun_with_nothing_to_write_boots(void **state)
{
	(void)state;
	make_images(8);
	make_desc();
	put(APP, code, sizeof(code));
	put(QDATA, qdata, sizeof(qdata));
	put_desc();
	/* qdfu re-run after a cut just before its leave: every page already
	 * holds the image, nothing is written, only the leave is sent */
	assert_true(fx_reboot(true));
	leave();
	assert_false(fx_reboot(false));
	assert_int_equal(mock.app_vtor, APP);
}

/* DfuSe read unprotect means "everything erased": an image whose ranges
 * are all in QSPI (which the mass erase of internal flash does not touch)
 * must not boot afterwards either. */
static void test_read_unprotect_stops_a_qspi_only_image(void **state)
{
	(void)state;
	uint8_t cmd[1] = {0x92}, st[6];
	make_images(9);
	/* a QSPI-only image: its vector table at QDATA, one range */
	fx_vector_table(qdata, QDATA);
	memset(desc, 0, QDFU_IMG_HDR_SIZE);
	uint8_t *r = desc + QDFU_IMG_HDR_SIZE;
	qdfu_put_le32(r, QDATA);
	qdfu_put_le32(r + 4, RAM_QSPI_PAGE);
	qdfu_put_le32(r + 8, crc_padded(qdata, sizeof(qdata), RAM_QSPI_PAGE));
	desc_len = QDFU_IMG_HDR_SIZE + QDFU_IMG_RANGE_SIZE + 4u;
	qdfu_put_le32(desc + QDFU_IMG_OFF_MAGIC, QDFU_IMG_MAGIC);
	qdfu_put_le16(desc + QDFU_IMG_OFF_VERSION, QDFU_IMG_VERSION);
	qdfu_put_le16(desc + QDFU_IMG_OFF_HDR_SIZE, QDFU_IMG_HDR_SIZE);
	qdfu_put_le32(desc + QDFU_IMG_OFF_TOTAL, desc_len);
	qdfu_put_le32(desc + QDFU_IMG_OFF_VTOR, QDATA);
	qdfu_put_le16(desc + QDFU_IMG_OFF_NRANGES, 1);
	desc[QDFU_IMG_OFF_HASH] = QDFU_IMG_HASH_CRC32;
	qdfu_put_le32(desc + desc_len - 4u, mem_crc32_update(0, desc, desc_len - 4u));
	put(QDATA, qdata, sizeof(qdata));
	put_desc();
	assert_false(fx_reboot(false));
	assert_int_equal(mock.app_vtor, QDATA);
	assert_true(fx_reboot(true));
	assert_int_equal(fx_dnload(0, cmd, 1), 1);
	assert_int_equal(fx_getstatus(st), 6);
	assert_true(mock.reset_requested);
	assert_true(fx_reboot(false));
	assert_non_null(strstr(bootloader_decision()->reason, "erased"));
}

/* INFO's JOURNAL_CLEAN flag, as a host reads it now. */
static bool info_journal_clean(void)
{
	uint8_t b[QDFU_PROTO_INFO_LEN];
	assert_int_equal(mock_control(0xC1, QDFU_PROTO_REQ_INFO, 0, 0, sizeof(b), b), sizeof(b));
	return (qdfu_get_le16(&b[QDFU_PROTO_INFO_FLAGS]) & QDFU_PROTO_FLAG_JOURNAL_CLEAN) != 0u;
}

/* JOURNAL_CLEAN (host/lib/qh_ops.c skips its re-commit write on it): set
 * only while a leave with nothing written would start the committed
 * application, live: an update opened in this visit, or one cut in an
 * earlier one, clears it. */
static void test_info_journal_clean_follows_the_journal(void **state)
{
	(void)state;
	make_images(10);
	assert_int_equal(fx_download(APP, code, sizeof(code)), 0); /* ends with ABORT */
	assert_false(info_journal_clean());                        /* open in this visit */
	leave();
	assert_int_equal(journal_state(), JOURNAL_COMMITTED);
	assert_false(fx_reboot(false)); /* the leave's reset starts it */
	assert_true(fx_reboot(true));
	assert_true(info_journal_clean());
	/* requests that write nothing keep it */
	assert_int_equal(fx_set_address(APP), 0);
	assert_int_equal(fx_abort(), 0);
	assert_true(info_journal_clean());
	/* the first erase of an update opens it: clear from then on, ABORT or not */
	assert_int_equal(fx_erase_page(QDATA), 0);
	assert_false(info_journal_clean());
	assert_int_equal(fx_abort(), 0);
	assert_false(info_journal_clean());
	/* cut before its leave: the journal holds it open in the next visit */
	assert_true(fx_reboot(true));
	assert_int_equal(journal_state(), JOURNAL_OPEN);
	assert_false(info_journal_clean());
	assert_true(fx_reboot(false)); /* and a leave now would not boot */
	/* an update that ends with its leave closes it */
	assert_int_equal(fx_download_leave(APP, code, sizeof(code)), 0);
	assert_false(fx_reboot(false));
	assert_true(fx_reboot(true));
	assert_true(info_journal_clean());
}

/* Nothing ever flashed through the bootloader (no record): clean only
 * while a commit would start nothing either (it names the default
 * address), not once a valid vector table is there (flashed by other
 * means: a debugger). */
static void test_info_journal_clean_before_any_record(void **state)
{
	(void)state;
	assert_int_equal(journal_state(), JOURNAL_NONE);
	assert_true(info_journal_clean());
	uint8_t *mem = h7_iflash_array(simport_iflash_model());
	fx_vector_table(mem + (fx_get_board()->default_app_base - 0x08000000u),
	                fx_get_board()->default_app_base);
	assert_true(fx_reboot(true));
	assert_int_equal(journal_state(), JOURNAL_NONE);
	assert_false(info_journal_clean());
	assert_true(fx_reboot(false)); /* a leave would not start it: no record */
	assert_non_null(strstr(bootloader_decision()->reason, "no application"));
}

/* A VERIFIED record is clean while it vouches for the descriptor in place
 * (boot.c then starts that image), not once the descriptor changed behind
 * the bootloader's back. */
static void test_info_journal_clean_with_a_verified_descriptor(void **state)
{
	(void)state;
	make_images(11);
	make_desc();
	put(APP, code, sizeof(code));
	put(QDATA, qdata, sizeof(qdata));
	put_desc();
	assert_false(fx_reboot(false));
	assert_int_equal(journal_state(), JOURNAL_VERIFIED);
	assert_true(fx_reboot(true));
	assert_true(info_journal_clean());
	/* a descriptor byte changed by other means (a debugger): a leave stays in DFU */
	ram_qspi.mem[image_desc_addr() - RAM_QSPI_BASE + QDFU_IMG_OFF_VTOR] ^= 0x04u;
	assert_true(fx_reboot(true));
	assert_int_equal(journal_state(), JOURNAL_VERIFIED);
	assert_false(info_journal_clean());
	assert_true(fx_reboot(false));
	assert_false(mock.app_started);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_descriptor_parse_rejects_every_torn_byte),
	    T(test_abort_between_regions_does_not_commit),
	    T(test_generic_client_commits_at_leave),
	    T(test_descriptor_image_boots_without_commit),
	    T(test_descriptor_missing_half_stays_in_dfu),
	    T(test_torn_descriptor_stays_in_dfu),
	    T(test_changed_range_is_caught_after_an_update_session),
	    T(test_rerun_with_nothing_to_write_boots),
	    T(test_read_unprotect_stops_a_qspi_only_image),
	    T(test_info_journal_clean_follows_the_journal),
	    T(test_info_journal_clean_before_any_record),
	    T(test_info_journal_clean_with_a_verified_descriptor),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
