/* SPDX-License-Identifier: MIT */
/* Flash/verify/read/erase/leave against the in-memory DfuSe device. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "fake_dfuse.h"
#include "qdfu_image.h"
#include "qh_crc32.h"
#include "qh_ops.h"

struct ctx {
	struct fake_dfuse f;
	struct qh_dev d;
	struct qh_memmap m;
	struct qh_image img;
	struct qh_plan p;
	struct qh_error e;
	uint8_t a[40000], b[5000];
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	*state = c;
	fake_dfuse_init(&c->f);
	for (size_t i = 0; i < sizeof(c->a); i++)
		c->a[i] = (uint8_t)(i * 7 + (i >> 9));
	for (size_t i = 0; i < sizeof(c->b); i++)
		c->b[i] = (uint8_t)~i;
	qh_image_init(&c->img);
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;
	qh_plan_free(&c->p);
	qh_image_free(&c->img);
	free(c);
	return 0;
}

/* internal 0x08004000 + 40000 bytes (pages 1..3), external 0x90001800 + 5000 (pages 1..2) */
static void plan_two_regions(struct ctx *c)
{
	fake_dfuse_dev(&c->f, &c->d);
	assert_int_equal(qh_dev_memmap(&c->d.info, &c->m, &c->e), 0);
	assert_int_equal(qh_image_add(&c->img, 0x08004000, c->a, sizeof(c->a), "a", &c->e), 0);
	assert_int_equal(qh_image_add(&c->img, 0x90001800, c->b, sizeof(c->b), "b", &c->e), 0);
	assert_int_equal(qh_plan_build(&c->m, &c->img, &c->p, &c->e), 0);
}

/* One memory: the data follows the erase commands with no ABORT between
 * them (an ABORT ends the download sequence, and qdfu's firmware then
 * carries out the erases it deferred at once instead of as each page's
 * data arrives). */
static void test_no_abort_between_erase_and_data(void **state)
{
	struct ctx *c = *state;

	memset(c->f.external, 0x00, sizeof(c->f.external));
	fake_dfuse_dev(&c->f, &c->d);
	assert_int_equal(qh_dev_memmap(&c->d.info, &c->m, &c->e), 0);
	assert_int_equal(qh_image_add(&c->img, 0x90001800, c->b, sizeof(c->b), "b", &c->e), 0);
	assert_int_equal(qh_plan_build(&c->m, &c->img, &c->p, &c->e), 0);
	assert_int_equal(qh_op_program(&c->d, &c->m, &c->p, &c->e), 0);
	assert_int_equal(c->f.erases, 2);
	assert_int_equal(c->f.aborts_before_write, 0);
	assert_memory_equal(fake_dfuse_mem(&c->f, 0x90001800), c->b, sizeof(c->b));
	assert_int_equal(c->f.state, QH_DFU_IDLE);
}

static void test_program_and_readback(void **state)
{
	struct ctx *c = *state;

	/* old contents that must be erased where the image goes, kept elsewhere */
	memset(c->f.internal, 0x00, sizeof(c->f.internal));
	plan_two_regions(c);
	assert_int_equal(qh_op_program(&c->d, &c->m, &c->p, &c->e), 0);
	assert_memory_equal(fake_dfuse_mem(&c->f, 0x08004000), c->a, sizeof(c->a));
	assert_memory_equal(fake_dfuse_mem(&c->f, 0x90001800), c->b, sizeof(c->b));
	/* only touched pages were erased: 3 internal + 2 external */
	assert_int_equal(c->f.erases, 5);
	/* byte after the image in the same page: erased; the page after: untouched */
	assert_int_equal(*fake_dfuse_mem(&c->f, 0x08004000 + sizeof(c->a)), 0xFF);
	assert_int_equal(*fake_dfuse_mem(&c->f, 0x08010000), 0x00);
	assert_int_equal(*fake_dfuse_mem(&c->f, 0x08000000), 0x00);
	/* one DNLOAD per transfer-size block */
	assert_int_equal(c->f.writes, (sizeof(c->a) + FAKE_XFER - 1) / FAKE_XFER +
	                                  (sizeof(c->b) + FAKE_XFER - 1) / FAKE_XFER);
	assert_int_equal(c->f.state, QH_DFU_IDLE);
	assert_int_equal(qh_op_verify(&c->d, &c->m, &c->p, 0, &c->e), 0);
	assert_true(c->f.uploads > 0);
}

static void test_verify_detects_mismatch(void **state)
{
	struct ctx *c = *state;

	c->f.corrupt_after_write = 1;
	c->f.has_crc = 1;
	plan_two_regions(c);
	assert_int_equal(qh_op_program(&c->d, &c->m, &c->p, &c->e), 0);
	assert_int_equal(qh_op_verify(&c->d, &c->m, &c->p, 0, &c->e), QH_E_VERIFY);
	assert_non_null(strstr(c->e.msg, "0x08004000"));
	qh_error_clear(&c->e);
	c->f.crc_busy = 2;
	assert_int_equal(qh_op_verify(&c->d, &c->m, &c->p, 1, &c->e), QH_E_VERIFY);
	assert_non_null(strstr(c->e.msg, "CRC"));
	assert_true(c->f.slept >= 2 * 3);
}

static void test_verify_by_crc(void **state)
{
	struct ctx *c = *state;

	c->f.has_crc = 1;
	c->f.crc_busy = 1;
	plan_two_regions(c);
	assert_int_equal(qh_op_program(&c->d, &c->m, &c->p, &c->e), 0);
	c->f.uploads = 0;
	assert_int_equal(qh_op_verify(&c->d, &c->m, &c->p, -1, &c->e), 0);
	assert_int_equal(c->f.uploads, 0); /* automatic choice: CRC, no read-back */
}

/* qdfu firmware: a 1 ms poll means "accepted" and the next GETSTATUS is
 * held by the device, so the client does not sleep; any other device gets
 * its 1 ms. */
static void test_no_sleep_for_an_accepted_block_on_qdfu(void **state)
{
	struct ctx *c = *state;

	c->f.has_crc = 1; /* answers INFO: qdfu firmware */
	fake_dfuse_dev(&c->f, &c->d);
	c->f.poll_ms = 1;
	assert_int_equal(qh_dfuse_set_address(&c->d, 0x08008000, &c->e), 0);
	assert_int_equal(c->f.slept, 0);
	c->f.has_crc = 0;
	fake_dfuse_dev(&c->f, &c->d);
	assert_int_equal(qh_dfuse_set_address(&c->d, 0x08008000, &c->e), 0);
	assert_int_equal(c->f.slept, 1);
	/* longer polls are slept on either device */
	c->f.has_crc = 1;
	fake_dfuse_dev(&c->f, &c->d);
	c->f.poll_ms = 7;
	c->f.slept = 0;
	assert_int_equal(qh_dfuse_set_address(&c->d, 0x08008000, &c->e), 0);
	assert_int_equal(c->f.slept, 7);
}

static void test_dnbusy_polling(void **state)
{
	struct ctx *c = *state;
	uint64_t t0;

	fake_dfuse_dev(&c->f, &c->d);
	c->f.busy_polls = 5;
	c->f.poll_ms = 7;
	assert_int_equal(qh_dfuse_set_address(&c->d, 0x08008000, &c->e), 0);
	assert_int_equal(c->f.slept, 5 * 7);
	/* a device that asks for 100 s per poll is polled every poll_cap_ms */
	c->f.slept = 0;
	c->f.busy_polls = 2;
	c->f.poll_ms = 100000;
	c->d.poll_cap_ms = 500;
	assert_int_equal(qh_dfuse_set_address(&c->d, 0x08008000, &c->e), 0);
	assert_int_equal(c->f.slept, 2 * 500);
	/* a device that stays busy too long: timeout, not a hang */
	c->f.busy_polls = 1000000;
	c->f.poll_ms = 100;
	c->d.op_timeout_ms = 2000;
	t0 = c->f.now;
	assert_int_equal(qh_dfuse_set_address(&c->d, 0x08008000, &c->e), QH_E_TIMEOUT);
	assert_true(c->f.now - t0 <= 2000);
	assert_true(c->f.now - t0 >= 1800);
}

static void test_device_error_status(void **state)
{
	struct ctx *c = *state;

	fake_dfuse_dev(&c->f, &c->d);
	assert_int_equal(qh_dfuse_set_address(&c->d, 0x30000000, &c->e), QH_E_DFU);
	assert_non_null(strstr(c->e.msg, "errTARGET"));
	assert_non_null(strstr(c->e.msg, "0x30000000"));
	/* CLRSTATUS was sent: the device is usable again */
	assert_int_equal(c->f.state, QH_DFU_IDLE);
	qh_error_clear(&c->e);
	/* erase of the read-only page is refused by the device too */
	assert_int_equal(qh_dfuse_erase_page(&c->d, 0x08000000, &c->e), QH_E_DFU);
}

static void test_make_idle_recovers(void **state)
{
	struct ctx *c = *state;
	static const uint8_t states[] = {QH_DFU_ERROR, QH_DFU_DNLOAD_IDLE, QH_DFU_UPLOAD_IDLE};

	fake_dfuse_dev(&c->f, &c->d);
	for (size_t i = 0; i < sizeof(states); i++) {
		c->f.state = states[i];
		assert_int_equal(qh_dfu_make_idle(&c->d, &c->e), 0);
		assert_int_equal(c->f.state, QH_DFU_IDLE);
	}
	c->f.stall_getstatus = 1;
	assert_int_equal(qh_dfu_make_idle(&c->d, &c->e), QH_E_PIPE);
	assert_non_null(strstr(c->e.msg, "GETSTATUS"));
}

static void test_read_erase_mass_leave(void **state)
{
	struct ctx *c = *state;
	uint8_t out[3000];

	fake_dfuse_dev(&c->f, &c->d);
	assert_int_equal(qh_dev_memmap(&c->d.info, &c->m, &c->e), 0);
	for (size_t i = 0; i < sizeof(c->f.external); i++)
		c->f.external[i] = (uint8_t)(i * 5);
	assert_int_equal(qh_op_read(&c->d, &c->m, 0x90000100, sizeof(out), out, &c->e), 0);
	assert_memory_equal(out, c->f.external + 0x100, sizeof(out));
	/* read outside the map: refused before any transfer */
	assert_int_equal(qh_op_read(&c->d, &c->m, 0x90010000 - 16, 32, out, &c->e), QH_E_MAP);
	qh_error_clear(&c->e);
	/* erase 0x90000F00 + 0x200: pages 0 and 1 */
	assert_int_equal(qh_op_erase(&c->d, &c->m, 0x90000F00, 0x200, &c->e), 0);
	assert_int_equal(c->f.erases, 2);
	assert_int_equal(c->f.external[0], 0xFF);
	assert_int_equal(c->f.external[0x1FFF], 0xFF);
	assert_int_equal(c->f.external[0x2000], (uint8_t)(0x2000 * 5));
	/* erase of the read-only page: refused by the host, nothing erased */
	assert_int_equal(qh_op_erase(&c->d, &c->m, 0x08000000, 16, &c->e), QH_E_MAP);
	assert_int_equal(c->f.erases, 2);
	qh_error_clear(&c->e);
	memset(c->f.internal, 0, sizeof(c->f.internal));
	assert_int_equal(qh_op_mass_erase(&c->d, &c->m, &c->e), 0);
	assert_int_equal(c->f.internal[0], 0x00);
	assert_int_equal(c->f.internal[FAKE_INT_PAGE], 0xFF);
	assert_int_equal(c->f.external[0x2000], 0xFF);
	/* leave: will-detach set, so no USB reset */
	assert_int_equal(qh_op_leave(&c->d, &c->m, 0x08004000, &c->e), 0);
	assert_int_equal(c->f.leaves, 1);
	assert_int_equal(c->f.pointer, 0x08004000);
	assert_int_equal(c->f.resets, 0);
	c->f.state = QH_DFU_IDLE;
	c->d.info.attrs = 0x03;
	assert_int_equal(qh_op_leave(&c->d, &c->m, 0x08004000, &c->e), 0);
	assert_int_equal(c->f.resets, 1);
}

static void test_detach(void **state)
{
	struct ctx *c = *state;

	fake_dfuse_dev(&c->f, &c->d);
	c->d.info.kind = QH_KIND_RUNTIME;
	c->d.info.detach_timeout = 250;
	c->d.info.attrs = QH_DFU_ATTR_CAN_DNLOAD; /* no bitWillDetach: host resets */
	assert_int_equal(qh_op_detach(&c->d, &c->e), 0);
	assert_int_equal(c->f.detaches, 1);
	assert_int_equal(c->f.detach_timeout, 250);
	assert_int_equal(c->f.resets, 1);
	c->d.info.attrs |= QH_DFU_ATTR_WILL_DETACH; /* detaches by itself: no reset */
	assert_int_equal(qh_op_detach(&c->d, &c->e), 0);
	assert_int_equal(c->f.detaches, 2);
	assert_int_equal(c->f.resets, 1);
}

/* A device that says its journal is clean (INFO JOURNAL_CLEAN): the same
 * data-only image again writes no block at all; the flag is asked when it
 * matters (a session opened since clears it), and an image that holds a
 * vector table is still touched (its commit could name another). */
static void test_clean_journal_skips_the_touch(void **state)
{
	struct ctx *c = *state;
	unsigned writes;

	c->f.has_crc = 1;
	plan_two_regions(c);
	assert_int_equal(qh_op_program(&c->d, &c->m, &c->p, &c->e), 0);
	c->f.info_flags = QDFU_PROTO_FLAG_JOURNAL_CLEAN; /* after the open's INFO */
	writes = c->f.writes;
	assert_int_equal(qh_op_program(&c->d, &c->m, &c->p, &c->e), 0);
	assert_int_equal(c->f.writes, writes);
	assert_int_equal(c->f.erases, 0);
	assert_true(c->d.recommit_only);
	c->f.info_flags = 0; /* an update open on the device: the touch commits it */
	assert_int_equal(qh_op_program(&c->d, &c->m, &c->p, &c->e), 0);
	assert_int_equal(c->f.writes, writes + 1);
	/* a vector table at the image's start: touched whatever the flag */
	const uint32_t vt[2] = {0x24080000u, 0x08004201u};
	memcpy(c->a, vt, sizeof(vt)); /* little-endian host */
	qh_plan_free(&c->p);
	qh_image_free(&c->img);
	qh_image_init(&c->img);
	plan_two_regions(c);
	assert_int_equal(qh_op_program(&c->d, &c->m, &c->p, &c->e), 0);
	c->f.info_flags = QDFU_PROTO_FLAG_JOURNAL_CLEAN;
	writes = c->f.writes;
	assert_int_equal(qh_op_program(&c->d, &c->m, &c->p, &c->e), 0);
	assert_int_equal(c->f.writes, writes + 1);
	assert_true(c->d.recommit_only);
}

static void test_skip_unchanged_pages(void **state)
{
	struct ctx *c = *state;
	unsigned writes;

	c->f.has_crc = 1;
	plan_two_regions(c);
	/* fresh device: every page already erased, nothing to erase */
	assert_int_equal(qh_op_program(&c->d, &c->m, &c->p, &c->e), 0);
	assert_int_equal(c->f.erases, 0);
	assert_int_equal(c->d.pages_already_erased, 5);
	assert_int_equal(c->d.bytes_written, sizeof(c->a) + sizeof(c->b));
	assert_memory_equal(fake_dfuse_mem(&c->f, 0x08004000), c->a, sizeof(c->a));
	/* same image again: nothing erased, nothing written but the first block
	 * once more (it holds those bytes: the device programs nothing), so
	 * that the device's journal sees an update its leave may commit */
	writes = c->f.writes;
	assert_int_equal(qh_op_program(&c->d, &c->m, &c->p, &c->e), 0);
	assert_int_equal(c->f.erases, 0);
	assert_int_equal(c->f.writes, writes + 1);
	assert_int_equal(c->d.pages_unchanged, 5);
	assert_int_equal(c->d.bytes_written, 0);
	assert_true(c->d.recommit_only);
	/* ... and its CRC verify has nothing to add: no request */
	unsigned crcs = c->f.crc_requests;
	assert_int_equal(qh_op_verify(&c->d, &c->m, &c->p, 1, &c->e), 0);
	assert_int_equal(c->f.crc_requests, crcs);
	/* one byte changed in the second internal page (0x08008000..): only it */
	c->a[0x8000 - 0x4000 + 100] ^= 0xFF;
	c->img.seg[0].data[0x8000 - 0x4000 + 100] ^= 0xFF; /* the plan points into the image */
	assert_int_equal(qh_op_program(&c->d, &c->m, &c->p, &c->e), 0);
	assert_int_equal(c->f.erases, 1);
	assert_int_equal(c->d.pages_unchanged, 4);
	assert_int_equal(c->d.bytes_written, FAKE_INT_PAGE);
	assert_memory_equal(fake_dfuse_mem(&c->f, 0x08004000), c->a, sizeof(c->a));
	/* foreign data in the uncovered part of a partly covered page: erased */
	*fake_dfuse_mem(&c->f, 0x90001000) = 0x12;
	assert_int_equal(qh_op_program(&c->d, &c->m, &c->p, &c->e), 0);
	assert_int_equal(c->f.erases, 2);
	assert_int_equal(*fake_dfuse_mem(&c->f, 0x90001000), 0xFF);
	assert_int_equal(qh_op_verify(&c->d, &c->m, &c->p, 1, &c->e), 0);
	/* switched off: every page erased and written */
	c->d.skip_unchanged = 0;
	assert_int_equal(qh_op_program(&c->d, &c->m, &c->p, &c->e), 0);
	assert_int_equal(c->f.erases, 2 + 5);
	assert_int_equal(c->d.bytes_written, sizeof(c->a) + sizeof(c->b));
	assert_int_equal(c->d.pages_unchanged, 0);
}

/* A device with CRC_TABLE: the check asks one table per run of pages
 * (here internal 3 x 16 KiB, external 2 x 4 KiB), not one CRC per page. */
static void test_check_asks_one_crc_table_per_run(void **state)
{
	struct ctx *c = *state;

	c->f.has_crc = c->f.has_crc_table = 1;
	plan_two_regions(c);
	assert_int_equal(qh_op_program(&c->d, &c->m, &c->p, &c->e), 0);
	assert_int_equal(c->f.table_requests, 2);
	assert_int_equal(c->f.crc_requests, 0);
	assert_int_equal(c->d.pages_already_erased, 5);
	assert_memory_equal(fake_dfuse_mem(&c->f, 0x08004000), c->a, sizeof(c->a));
	/* unchanged: nothing erased, nothing written but the first block */
	unsigned writes = c->f.writes;
	assert_int_equal(qh_op_program(&c->d, &c->m, &c->p, &c->e), 0);
	assert_int_equal(c->f.table_requests, 4);
	assert_int_equal(c->f.crc_requests, 0);
	assert_int_equal(c->d.pages_unchanged, 5);
	assert_int_equal(c->f.writes, writes + 1);
	assert_int_equal(c->f.erases, 0);
}

/* A page the device cannot read (a flash word torn by a power cut fails
 * its ECC) ends the table there: that page alone is asked, found
 * unreadable and erased; the table goes on after it. */
static void test_crc_table_with_an_unreadable_page(void **state)
{
	struct ctx *c = *state;

	c->f.has_crc = c->f.has_crc_table = 1;
	plan_two_regions(c);
	assert_int_equal(qh_op_program(&c->d, &c->m, &c->p, &c->e), 0);
	c->f.table_requests = c->f.crc_requests = c->f.erases = 0;
	c->f.unreadable = 0x08008000u + 77u; /* the second internal page */
	assert_int_equal(qh_op_program(&c->d, &c->m, &c->p, &c->e), 0);
	assert_int_equal(c->f.erases, 1);
	assert_int_equal(c->d.pages_unchanged, 4);
	assert_int_equal(c->f.table_requests, 3); /* up to it, after it, external */
	assert_int_equal(c->f.crc_requests, 1);   /* the page alone */
	assert_int_equal(c->f.unreadable, 0);
	assert_memory_equal(fake_dfuse_mem(&c->f, 0x08004000), c->a, sizeof(c->a));
	assert_int_equal(qh_op_verify(&c->d, &c->m, &c->p, 1, &c->e), 0);
}

/* A qdfu bootloader before CRC_TABLE (INFO without bit3) gets one CRC per
 * page; one that advertises it but refuses it too (from there on). */
static void test_crc_per_page_without_the_table(void **state)
{
	struct ctx *c = *state;

	c->f.has_crc = 1;
	plan_two_regions(c);
	assert_int_equal(qh_op_program(&c->d, &c->m, &c->p, &c->e), 0);
	assert_int_equal(c->f.table_requests, 0);
	assert_int_equal(c->d.pages_already_erased, 5);
	assert_int_equal(qh_op_program(&c->d, &c->m, &c->p, &c->e), 0);
	assert_int_equal(c->d.pages_unchanged, 5);
	c->f.table_stalls = 1;
	fake_dfuse_dev(&c->f, &c->d);
	c->f.crc_requests = 0;
	assert_int_equal(qh_op_program(&c->d, &c->m, &c->p, &c->e), 0);
	assert_int_equal(c->d.pages_unchanged, 5);
	assert_int_equal(c->f.crc_requests, 5);
	assert_int_equal(c->f.state, QH_DFU_IDLE);
}

/* The verify after a flash reads only what was written: pages the check
 * proved right by the same CRC are not read again. */
static void test_verify_leaves_out_proven_pages(void **state)
{
	struct ctx *c = *state;

	c->f.has_crc = c->f.has_crc_table = 1;
	plan_two_regions(c);
	assert_int_equal(qh_op_program(&c->d, &c->m, &c->p, &c->e), 0);
	c->f.crc_bytes = 0;
	assert_int_equal(qh_op_verify(&c->d, &c->m, &c->p, 1, &c->e), 0);
	assert_int_equal(c->f.crc_bytes, sizeof(c->a) + sizeof(c->b)); /* all written */
	/* one byte changed in the second internal page: only it is verified */
	c->img.seg[0].data[0x8000 - 0x4000 + 100] ^= 0xFF;
	assert_int_equal(qh_op_program(&c->d, &c->m, &c->p, &c->e), 0);
	assert_int_equal(c->d.bytes_written, FAKE_INT_PAGE);
	c->f.crc_bytes = 0;
	assert_int_equal(qh_op_verify(&c->d, &c->m, &c->p, 1, &c->e), 0);
	assert_int_equal(c->f.crc_bytes, FAKE_INT_PAGE);
	/* and a bad write there is still found */
	c->img.seg[0].data[0x8000 - 0x4000 + 100] ^= 0xFF;
	c->f.corrupt_after_write = 1;
	assert_int_equal(qh_op_program(&c->d, &c->m, &c->p, &c->e), 0);
	assert_int_equal(qh_op_verify(&c->d, &c->m, &c->p, 1, &c->e), QH_E_VERIFY);
	assert_non_null(strstr(c->e.msg, "0x08008000"));
	/* a plan verified on its own (qdfu verify) is read whole */
	struct qh_plan fresh;
	c->f.corrupt_after_write = 0;
	qh_error_clear(&c->e);
	assert_int_equal(qh_op_program(&c->d, &c->m, &c->p, &c->e), 0);
	assert_int_equal(qh_plan_build(&c->m, &c->img, &fresh, &c->e), 0);
	c->f.crc_bytes = 0;
	assert_int_equal(qh_op_verify(&c->d, &c->m, &fresh, 1, &c->e), 0);
	qh_plan_free(&fresh);
	assert_int_equal(c->f.crc_bytes, sizeof(c->a) + sizeof(c->b));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A device that boots by image descriptor (unit: the last external page):
 * qdfu writes the descriptor last, a re-run writes nothing and says so, and
 * an image reaching into the unit is refused before anything is erased. */
static void test_image_descriptor_written_last(void **state)
{
	struct ctx *c = *state;
	const uint32_t unit = FAKE_EXT_BASE + (FAKE_EXT_PAGES - 1u) * FAKE_EXT_PAGE;
	/* a vector table at 0x08004000: SP in AXI SRAM, Thumb reset inside */
	const uint8_t vt[8] = {0x00, 0x00, 0x08, 0x24, 0x01, 0x42, 0x00, 0x08};

	c->f.has_crc = 1;
	memcpy(c->a, vt, sizeof(vt));
	plan_two_regions(c);
	c->d.info.qdfu.caps |= QDFU_PROTO_CAP_IMAGE_DESC;
	c->d.info.qdfu.desc_addr = unit;
	*fake_dfuse_mem(&c->f, unit) = 0x00; /* an older descriptor's debris */
	assert_int_equal(qh_op_program(&c->d, &c->m, &c->p, &c->e), 0);
	assert_true(c->d.image_desc && c->d.desc_written && !c->d.recommit_only);
	const uint8_t *dsc = fake_dfuse_mem(&c->f, unit);
	assert_int_equal(get32(dsc), QDFU_IMG_MAGIC);
	assert_int_equal(get32(dsc + QDFU_IMG_OFF_VTOR), 0x08004000u);
	/* two runs of pages: internal 0x08004000 + 3 pages, external 2 pages */
	assert_int_equal(dsc[QDFU_IMG_OFF_NRANGES], 2);
	assert_int_equal(get32(dsc + QDFU_IMG_HDR_SIZE), 0x08004000u);
	assert_int_equal(get32(dsc + QDFU_IMG_HDR_SIZE + 4), 3u * FAKE_INT_PAGE);
	assert_int_equal(get32(dsc + QDFU_IMG_HDR_SIZE + 12), FAKE_EXT_BASE + FAKE_EXT_PAGE);
	uint32_t len = get32(dsc + QDFU_IMG_OFF_TOTAL);
	assert_int_equal(len, QDFU_IMG_HDR_SIZE + 2u * QDFU_IMG_RANGE_SIZE + 4u);
	assert_int_equal(get32(dsc + len - 4u), qh_crc32(dsc, len - 4u));
	assert_int_equal(get32(dsc + QDFU_IMG_HDR_SIZE + 8),
	                 qh_crc32(fake_dfuse_mem(&c->f, 0x08004000), 3u * FAKE_INT_PAGE));
	/* again: the image and its descriptor are in place; nothing is sent */
	unsigned writes = c->f.writes, erases = c->f.erases;
	assert_int_equal(qh_op_program(&c->d, &c->m, &c->p, &c->e), 0);
	assert_int_equal(c->f.writes, writes);
	assert_int_equal(c->f.erases, erases);
	assert_true(c->d.image_desc && !c->d.desc_written && c->d.recommit_only);
	/* another image of the same shape: a new descriptor (a descriptor
	 * followed by its own CRC always has the same CRC-32, so "in place"
	 * must not be judged by one CRC over it) */
	c->img.seg[0].data[100] ^= 0x5A;
	assert_int_equal(qh_op_program(&c->d, &c->m, &c->p, &c->e), 0);
	assert_true(c->d.desc_written);
	assert_int_equal(get32(dsc + QDFU_IMG_HDR_SIZE + 8),
	                 qh_crc32(fake_dfuse_mem(&c->f, 0x08004000), 3u * FAKE_INT_PAGE));
	erases = c->f.erases;
	/* an image reaching into the descriptor unit: refused, nothing erased */
	qh_plan_free(&c->p);
	assert_int_equal(qh_image_add(&c->img, unit + 16u, c->b, 16, "late", &c->e), 0);
	assert_int_equal(qh_plan_build(&c->m, &c->img, &c->p, &c->e), 0);
	assert_int_equal(qh_op_program(&c->d, &c->m, &c->p, &c->e), QH_E_MAP);
	assert_non_null(strstr(c->e.msg, "image descriptor"));
	assert_int_equal(c->f.erases, erases);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_program_and_readback, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_verify_detects_mismatch, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_verify_by_crc, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dnbusy_polling, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_abort_between_erase_and_data, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_sleep_for_an_accepted_block_on_qdfu, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_device_error_status, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_make_idle_recovers, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_read_erase_mass_leave, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_skip_unchanged_pages, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_clean_journal_skips_the_touch, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_image_descriptor_written_last, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_detach, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_check_asks_one_crc_table_per_run, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_crc_table_with_an_unreadable_page, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_crc_per_page_without_the_table, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_verify_leaves_out_proven_pages, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
