/* SPDX-License-Identifier: MIT */
#include "qh_ops.h"

#include <stdlib.h>
#include <string.h>

#include "qh_crc32.h"
#include "qh_desc.h"

/* wBlockNum is 16 bits: set the address again well before it wraps. */
#define MAX_BLOCKS_PER_ADDRESS 0x4000u

int qh_dev_memmap(const struct qh_dev_info *info, struct qh_memmap *m, struct qh_error *e)
{
	memset(m, 0, sizeof(*m));
	for (unsigned i = 0; i < info->nalts; i++) {
		const struct qh_alt *a = &info->alts[i];
		int rc;
		if (!a->layout_ok)
			continue;
		rc = qh_memmap_add(m, a->alt, &a->layout, a->excluded, e);
		if (rc)
			return rc;
	}
	return QH_OK;
}

uint16_t qh_dev_xfer_size(const struct qh_dev_info *info)
{
	uint16_t n = info->transfer_size;

	if (n == 0)
		n = 1024;
	/* Linux usbfs limits control transfers to 4096 bytes (dfu-util does too). */
	if (n > 4096)
		n = 4096;
	return n;
}

int qh_dev_has_crc(const struct qh_dev_info *info)
{
	return info->has_qdfu_info && (info->qdfu.caps & QDFU_PROTO_CAP_CRC32);
}

int qh_dev_has_crc_table(const struct qh_dev_info *info)
{
	return qh_dev_has_crc(info) && (info->qdfu.caps & QDFU_PROTO_CAP_CRC_TABLE);
}

static void progress(struct qh_dev *d, const char *phase, uint64_t done, uint64_t total)
{
	if (d->progress)
		d->progress(d->progress_ud, phase, done, total);
}

/* Ready for DfuSe commands and data: dfuDNLOAD-IDLE as the last command
 * left it, or dfuIDLE. No ABORT in between: it ends the download sequence,
 * and qdfu's firmware then carries out at once the page erases it deferred
 * until each page's data arrives (docs/decisions/deferred-erase.md). */
static int ready_for_download(struct qh_dev *d, struct qh_error *e)
{
	struct qh_dfu_status st = {0};
	int rc = qh_dfu_getstatus(d, &st, e);
	if (rc)
		return rc;
	if (st.state == QH_DFU_DNLOAD_IDLE && st.status == 0)
		return QH_OK;
	if (st.state == QH_DFU_ERROR) { /* e.g. a block that failed in the background */
		(void)qh_dfu_clrstatus(d, NULL);
		return qh_fail(e, QH_E_DFU, "the device reported %s",
		               qh_dfu_status_name(st.status));
	}
	return qh_dfu_make_idle(d, e);
}

/* Switch to the alt presenting region ri (from dfuIDLE), or stay. */
static int enter_region(struct qh_dev *d, const struct qh_memmap *m, unsigned ri,
                        struct qh_error *e)
{
	if (d->cur_alt == m->r[ri].alt)
		return ready_for_download(d, e);
	int rc = qh_dfu_make_idle(d, e);
	if (rc)
		return rc;
	rc = qh_dev_select_alt(d, m->r[ri].alt, e);
	if (rc)
		return rc;
	return qh_dfu_make_idle(d, e);
}

/* Page states decided before erasing (device CRC available). */
enum page_action { PAGE_ERASE_WRITE, PAGE_WRITE_ONLY, PAGE_SKIP };

static int erase_pages(struct qh_dev *d, const struct qh_memmap *m, const struct qh_plan *p,
                       const uint8_t *action, struct qh_error *e)
{
	uint64_t done = 0, total = 0;
	int cur = -1;

	for (size_t i = 0; i < p->npage; i++)
		if (!action || action[i] == PAGE_ERASE_WRITE)
			total += p->page[i].size;
	for (size_t i = 0; i < p->npage; i++) {
		int rc;
		if (action && action[i] != PAGE_ERASE_WRITE)
			continue;
		if ((int)p->page[i].region != cur) {
			rc = enter_region(d, m, p->page[i].region, e);
			if (rc)
				return rc;
			cur = (int)p->page[i].region;
		}
		progress(d, "erase", done, total);
		rc = qh_dfuse_erase_page(d, p->page[i].addr, e);
		if (rc)
			return rc;
		done += p->page[i].size;
		d->pages_erased++;
	}
	if (total)
		progress(d, "erase", done, total);
	return QH_OK;
}

/* CRC-32 of page pg as it will be after flashing: the image's bytes where
 * it covers the page, erased (0xFF) elsewhere. */
static int expected_page_crc(const struct qh_plan *p, const struct qh_page *pg, uint32_t *crc,
                             struct qh_error *e)
{
	uint8_t *buf = malloc(pg->size);

	if (!buf)
		return qh_fail(e, QH_E_NOMEM, "out of memory");
	memset(buf, 0xFF, pg->size);
	for (size_t i = 0; i < p->nchunk; i++) {
		const struct qh_chunk *c = &p->chunk[i];
		uint64_t lo = c->addr > pg->addr ? c->addr : pg->addr;
		uint64_t ce = (uint64_t)c->addr + c->len, pe = (uint64_t)pg->addr + pg->size;
		uint64_t hi = ce < pe ? ce : pe;
		if (lo < hi)
			memcpy(buf + (lo - pg->addr), c->data + (lo - c->addr), (size_t)(hi - lo));
	}
	*crc = qh_crc32(buf, pg->size);
	free(buf);
	return QH_OK;
}

static uint32_t erased_crc(uint32_t size)
{
	uint8_t ff[256];
	uint32_t crc = 0xFFFFFFFFu;

	memset(ff, 0xFF, sizeof(ff));
	for (uint32_t done = 0; done < size; done += sizeof(ff)) {
		uint32_t n = size - done < sizeof(ff) ? size - done : (uint32_t)sizeof(ff);
		crc = qh_crc32_update(crc, ff, n);
	}
	return crc ^ 0xFFFFFFFFu;
}

/* Page i of the plan holds `have` (its device CRC): skip it, write it
 * without an erase, or erase and write it. */
static int decide_page(struct qh_dev *d, const struct qh_plan *p, size_t i, uint32_t have,
                       uint8_t *action, struct qh_error *e)
{
	uint32_t want = 0;
	int rc = expected_page_crc(p, &p->page[i], &want, e);

	if (rc)
		return rc;
	if (have == want) {
		action[i] = PAGE_SKIP;
		p->page[i].proven = 1;
		d->pages_unchanged++;
	} else if (have == erased_crc(p->page[i].size)) {
		action[i] = PAGE_WRITE_ONLY;
		d->pages_already_erased++;
	} else {
		action[i] = PAGE_ERASE_WRITE;
	}
	return QH_OK;
}

/* One page by its own CRC request. */
static int classify_page(struct qh_dev *d, const struct qh_plan *p, size_t i, uint8_t *action,
                         struct qh_error *e)
{
	uint32_t have = 0;
	int rc = qh_qdfu_crc(d, p->page[i].addr, p->page[i].size, &have, e);

	if (rc == QH_E_DFU) {
		/* unreadable (a flash word torn by a power cut reads back
		 * with an ECC error): erasing it is the cure */
		qh_error_clear(e);
		action[i] = PAGE_ERASE_WRITE;
		return QH_OK;
	}
	return rc ? rc : decide_page(d, p, i, have, action, e);
}

/* Pages from i that one CRC table can cover: contiguous, one size, one
 * region, at most the table's entries. */
static size_t table_run(const struct qh_plan *p, size_t i)
{
	size_t n = 1;

	while (i + n < p->npage && n < QDFU_PROTO_CRC_TABLE_MAX &&
	       p->page[i + n].region == p->page[i].region &&
	       p->page[i + n].size == p->page[i].size &&
	       (uint64_t)p->page[i + n - 1].addr + p->page[i].size == p->page[i + n].addr)
		n++;
	return n;
}

/* Pages i..i+n-1 by one CRC_TABLE request. A page the device cannot read
 * ends the table: it is asked alone (its own request tells an unreadable
 * page from a range the table may not span), then the table goes on after
 * it. Returns QH_E_PIPE if the device refuses the table. */
static int classify_run(struct qh_dev *d, const struct qh_plan *p, size_t *pi, size_t n,
                        uint8_t *action, struct qh_error *e)
{
	uint32_t crcs[QDFU_PROTO_CRC_TABLE_MAX];
	size_t i = *pi;

	for (; n; *pi = i) {
		uint16_t done = 0;
		int rc = qh_qdfu_crc_table(d, p->page[i].addr, p->page[i].size, (uint16_t)n, crcs,
		                           &done, e);
		if (rc && rc != QH_E_DFU)
			return rc;
		for (uint16_t k = 0; k < done; k++, i++, n--) {
			int r = decide_page(d, p, i, crcs[k], action, e);
			if (r)
				return r;
		}
		if (rc == QH_E_DFU) {
			qh_error_clear(e);
			rc = classify_page(d, p, i, action, e);
			if (rc)
				return rc;
			i++;
			n--;
		}
	}
	return QH_OK;
}

/* Ask the device what each page holds (qdfu CRC requests: one table per
 * run of pages where the device has CRC_TABLE, else one per page) and
 * decide per page: already right -> skip; already erased -> write only;
 * else erase + write. */
static int classify_pages(struct qh_dev *d, const struct qh_plan *p, uint8_t *action,
                          struct qh_error *e)
{
	int table = qh_dev_has_crc_table(&d->info);
	size_t i = 0;

	while (i < p->npage) {
		int rc;
		if (table) {
			rc = classify_run(d, p, &i, table_run(p, i), action, e);
			if (rc == QH_E_PIPE) { /* refused although advertised */
				qh_error_clear(e);
				table = 0;
				continue;
			}
		} else {
			rc = classify_page(d, p, i++, action, e);
		}
		if (rc)
			return rc;
	}
	return QH_OK;
}

/* Index of the plan page holding addr, or -1 (pages are ascending). */
static long find_page(const struct qh_plan *p, uint32_t addr)
{
	size_t lo = 0, hi = p->npage;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if ((uint64_t)p->page[mid].addr + p->page[mid].size <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < p->npage && p->page[lo].addr <= addr)
		return (long)lo;
	return -1;
}

#define NO_POINTER 0xFFFFFFFFu

/* DfuSe address rule (AN3156 6.3.2): block n >= 2 lands at
 * pointer + (n - 2) * wTransferSize, so one SET_ADDRESS serves a run.
 * With ptr (the device's pointer, NO_POINTER if unknown), a chunk the
 * pointer already reaches by block number needs no SET_ADDRESS of its own. */
static int write_chunk_at(struct qh_dev *d, const struct qh_chunk *c, uint64_t *done,
                          uint64_t total, uint32_t *ptr, struct qh_error *e)
{
	uint16_t xfer = qh_dev_xfer_size(&d->info);
	uint32_t pos = 0;

	while (pos < c->len) {
		uint32_t a = c->addr + pos;
		uint32_t block = 2;
		if (ptr && *ptr != NO_POINTER && a >= *ptr && (a - *ptr) % xfer == 0 &&
		    (a - *ptr) / xfer < MAX_BLOCKS_PER_ADDRESS / 2u) {
			block = 2u + (a - *ptr) / xfer;
		} else {
			int rc = qh_dfuse_set_address(d, a, e);
			if (rc)
				return rc;
			if (ptr)
				*ptr = a;
		}
		while (pos < c->len && block < 2 + MAX_BLOCKS_PER_ADDRESS) {
			uint32_t n = c->len - pos < xfer ? c->len - pos : xfer;
			struct qh_dfu_status st;
			int rc = qh_dfu_dnload(d, (uint16_t)block, c->data + pos, (uint16_t)n, e);
			if (rc == 0)
				rc = qh_dfu_wait(d, d->op_timeout_ms, "write", &st, e);
			if (rc)
				return qh_fail(e, rc, "writing 0x%08X failed",
				               (unsigned)(c->addr + pos));
			pos += n;
			block++;
			*done += n;
			progress(d, "write", *done, total);
		}
	}
	return QH_OK;
}

static int write_chunk(struct qh_dev *d, const struct qh_chunk *c, uint64_t *done, uint64_t total,
                       struct qh_error *e)
{
	return write_chunk_at(d, c, done, total, NULL, e);
}

/* The piece of chunk c from *pos on whose pages are all proven (already
 * right on the device), or all not; *proven says which. */
static struct qh_chunk next_piece(const struct qh_plan *p, const struct qh_chunk *c, uint32_t *pos,
                                  int *proven)
{
	struct qh_chunk piece = *c;

	piece.addr = c->addr + *pos;
	piece.data = c->data + *pos;
	piece.len = 0;
	*proven = 0;
	while (*pos < c->len) {
		long pg = find_page(p, c->addr + *pos);
		int s = pg >= 0 && p->page[pg].proven;
		uint32_t step = c->len - *pos;
		if (pg >= 0 &&
		    (uint64_t)p->page[pg].addr + p->page[pg].size - (c->addr + *pos) < step)
			step = p->page[pg].addr + p->page[pg].size - (c->addr + *pos);
		if (piece.len && s != *proven)
			break;
		*proven = s;
		piece.len += step;
		*pos += step;
	}
	return piece;
}

/* Every page c touches was proven right: nothing of c goes to the device
 * (and its region need not be entered). */
static int chunk_proven(const struct qh_plan *p, const struct qh_chunk *c)
{
	uint32_t pos = 0;
	int proven = 1;

	while (proven && pos < c->len)
		(void)next_piece(p, c, &pos, &proven);
	return proven;
}

/* Write c without the parts that lie in pages proven right. */
static int write_chunk_filtered_at(struct qh_dev *d, const struct qh_plan *p,
                                   const struct qh_chunk *c, uint64_t *done, uint64_t total,
                                   uint32_t *ptr, struct qh_error *e)
{
	uint32_t pos = 0;

	while (pos < c->len) {
		int skip;
		struct qh_chunk piece = next_piece(p, c, &pos, &skip);
		if (!skip) {
			int rc = write_chunk_at(d, &piece, done, total, ptr, e);
			if (rc)
				return rc;
			d->bytes_written += piece.len;
		}
	}
	return QH_OK;
}

static int write_chunk_filtered(struct qh_dev *d, const struct qh_plan *p, const struct qh_chunk *c,
                                uint64_t *done, uint64_t total, struct qh_error *e)
{
	return write_chunk_filtered_at(d, p, c, done, total, NULL, e);
}

/*
 * Both banks of an STM32H7's internal flash at once. Parts with 2 MiB at
 * 0x08000000 (H743/H745/H747/H753/H755/H757, H7A3/B3) have two banks of
 * 1 MiB, each with its own controller; qdfu's firmware starts the erase of
 * a pending page in the bank its engine is not working in as soon as that
 * page's first (differing) block is queued (mem_look_ahead). So the pages
 * of the two banks go out in turns (bank 1's first page, bank 2's first
 * page, bank 1's second, ...), all under one SET_ADDRESS where the block
 * number reaches them: a SET_ADDRESS waits for the blocks before it, which
 * would empty the queue (docs/decisions/parallel-banks.md).
 */
#define H7_IFLASH_BASE 0x08000000u
#define H7_IFLASH_BANK 0x00100000u

static int in_dual_bank(const struct qh_memmap *m, uint32_t addr)
{
	uint32_t pb, ps;
	uint8_t attr;
	return addr >= H7_IFLASH_BASE && addr - H7_IFLASH_BASE < 2u * H7_IFLASH_BANK &&
	       qh_memmap_find(m, H7_IFLASH_BASE + 2u * H7_IFLASH_BANK - 1u, &pb, &ps, &attr) >= 0 &&
	       qh_memmap_find(m, H7_IFLASH_BASE + 2u * H7_IFLASH_BANK, &pb, &ps, &attr) < 0;
}

/* Split c at its pages into out (bank 0 pieces first, then bank 1's, each
 * in address order); returns how many, *n0 of them in bank 0. */
static size_t bank_pieces(const struct qh_memmap *m, const struct qh_chunk *c, size_t nc,
                          struct qh_chunk *out, size_t *n0)
{
	size_t n = 0;
	*n0 = 0;
	for (unsigned bank = 0; bank < 2; bank++) {
		for (size_t i = 0; i < nc; i++) {
			for (uint32_t pos = 0; pos < c[i].len;) {
				uint32_t a = c[i].addr + pos, pb = a, ps = c[i].len - pos;
				uint8_t attr;
				(void)qh_memmap_find(m, a, &pb, &ps, &attr);
				uint32_t step =
				    pb + ps - a < c[i].len - pos ? pb + ps - a : c[i].len - pos;
				if ((a - H7_IFLASH_BASE) / H7_IFLASH_BANK == bank) {
					out[n] = c[i];
					out[n].addr = a;
					out[n].data = c[i].data + pos;
					out[n].len = step;
					n++;
				}
				pos += step;
			}
		}
		if (bank == 0)
			*n0 = n;
	}
	return n;
}

static int both_banks(const struct qh_chunk *c, size_t nc)
{
	const uint32_t mid = H7_IFLASH_BASE + H7_IFLASH_BANK;
	int lo = 0, hi = 0;
	for (size_t i = 0; i < nc; i++) {
		lo |= c[i].addr < mid;
		hi |= c[i].addr + c[i].len > mid;
	}
	return lo && hi;
}

/* Write chunks first..first + nc - 1 (all in dual-bank internal flash):
 * pages of the two banks in turns when both have some, else in order. */
static int write_banks(struct qh_dev *d, const struct qh_memmap *m, const struct qh_plan *p,
                       const struct qh_chunk *c, size_t nc, uint64_t *done, uint64_t total,
                       struct qh_error *e)
{
	size_t cap = 0, n0;
	for (size_t i = 0; i < nc; i++)
		cap += c[i].len / 1024u + 2u; /* pages are at least 1 KiB */
	struct qh_chunk *pc = calloc(cap, sizeof(*pc));
	if (!pc)
		return qh_fail(e, QH_E_NOMEM, "out of memory");
	size_t n = bank_pieces(m, c, nc, pc, &n0);
	uint32_t ptr = NO_POINTER;
	int rc = QH_OK;
	for (size_t i = 0, j = n0; rc == 0 && (i < n0 || j < n);) {
		if (i < n0)
			rc = write_chunk_filtered_at(d, p, &pc[i++], done, total, &ptr, e);
		if (rc == 0 && j < n)
			rc = write_chunk_filtered_at(d, p, &pc[j++], done, total, &ptr, e);
	}
	free(pc);
	return rc;
}

static uint64_t bytes_to_write(const struct qh_plan *p, const uint8_t *action)
{
	uint64_t n = p->bytes;

	for (size_t i = 0; action && i < p->npage; i++)
		if (action[i] == PAGE_SKIP)
			n -= p->page[i].covered;
	return n;
}

int qh_dev_has_image_desc(const struct qh_dev_info *info)
{
	return qh_dev_has_crc(info) && (info->qdfu.caps & QDFU_PROTO_CAP_IMAGE_DESC) &&
	       info->qdfu.desc_addr;
}

/* The image descriptor qdfu writes last (docs/decisions/image-descriptor.md). */
struct desc_job {
	int active;   /* the device boots by descriptor, the image has one */
	int in_place; /* the descriptor unit already holds exactly it */
	unsigned region;
	uint32_t addr, unit;
	struct qh_desc desc;
};

/* Does the descriptor unit hold exactly j's descriptor, 0xFF after it? Two
 * device CRCs: the body, then the trailing CRC field and the rest of the
 * unit. (One CRC over a whole descriptor would not do: a message followed
 * by its own CRC-32 always has the same CRC-32, whatever the message.) */
static int desc_in_place(struct qh_dev *d, const struct desc_job *j, struct qh_error *e)
{
	uint8_t ff[256];
	uint32_t body = (uint32_t)j->desc.len - 4u, have = 0;
	int rc = qh_qdfu_crc(d, j->addr, body, &have, e);

	memset(ff, 0xFF, sizeof(ff));
	if (rc == 0 && have == qh_crc32(j->desc.bytes, body)) {
		uint32_t want = qh_crc32_update(0xFFFFFFFFu, j->desc.bytes + body, 4);
		for (uint32_t done = (uint32_t)j->desc.len; done < j->unit;) {
			uint32_t n =
			    j->unit - done < sizeof(ff) ? j->unit - done : (uint32_t)sizeof(ff);
			want = qh_crc32_update(want, ff, n);
			done += n;
		}
		rc = qh_qdfu_crc(d, j->addr + body, j->unit - body, &have, e);
		if (rc == 0)
			return have == (want ^ 0xFFFFFFFFu);
	}
	if (rc == QH_E_DFU) { /* unreadable: torn, so not in place */
		qh_error_clear(e);
		rc = 0;
	}
	return rc < 0 ? rc : 0;
}

static int desc_plan(struct qh_dev *d, const struct qh_memmap *m, const struct qh_plan *p,
                     struct desc_job *j, struct qh_error *e)
{
	uint32_t vtor;
	uint8_t attr = 0;
	int ri, rc;

	memset(j, 0, sizeof(*j));
	if (!qh_dev_has_image_desc(&d->info))
		return QH_OK;
	ri = qh_memmap_find(m, d->info.qdfu.desc_addr, &j->addr, &j->unit, &attr);
	if (ri < 0 || (attr & (QH_ATTR_WRITE | QH_ATTR_ERASE)) != (QH_ATTR_WRITE | QH_ATTR_ERASE) ||
	    j->unit < QDFU_IMG_MAX_SIZE)
		return QH_OK; /* not where the layout lets us write: no descriptor */
	if (qh_plan_touches(p, j->addr, j->unit)) {
		qh_fail(e, QH_E_MAP,
		        "the image writes 0x%08X-0x%08X, the unit where the bootloader keeps the "
		        "image descriptor",
		        (unsigned)j->addr, (unsigned)(j->addr + j->unit - 1u));
		qh_hint(e,
		        "link the image so that it leaves the last %u KiB of the external "
		        "flash free",
		        (unsigned)(3u * j->unit / 1024u));
		return QH_E_MAP;
	}
	vtor = qh_desc_find_vtor(p, qh_dev_xfer_size(&d->info));
	if (!vtor)
		return QH_OK; /* data only: the journal decides (committed at leave) */
	rc = qh_desc_build(p, vtor, &j->desc, e);
	if (rc)
		return rc;
	j->active = 1;
	j->region = (unsigned)ri;
	rc = desc_in_place(d, j, e);
	j->in_place = rc > 0;
	return rc < 0 ? rc : QH_OK;
}

/* Before anything else is erased: the old image stops being bootable. */
static int desc_invalidate(struct qh_dev *d, const struct qh_memmap *m, const struct desc_job *j,
                           struct qh_error *e)
{
	int rc = enter_region(d, m, j->region, e);
	return rc ? rc : qh_dfuse_erase_page(d, j->addr, e);
}

/* After every range: the descriptor, checked by the device's CRC. */
static int desc_write(struct qh_dev *d, const struct qh_memmap *m, const struct desc_job *j,
                      struct qh_error *e)
{
	struct qh_chunk c = {j->region, j->addr, (uint32_t)j->desc.len, j->desc.bytes};
	uint64_t done = 0;
	int rc = enter_region(d, m, j->region, e);

	if (rc == 0)
		rc = write_chunk(d, &c, &done, c.len, e);
	if (rc == 0)
		rc = qh_dfu_make_idle(d, e);
	if (rc == 0)
		rc = desc_in_place(d, j, e);
	if (rc == 0)
		rc = qh_fail(e, QH_E_VERIFY, "the image descriptor at 0x%08X did not verify",
		             (unsigned)c.addr);
	return rc < 0 ? rc : QH_OK;
}

/* Nothing to write and no descriptor: a session must open on the device
 * for its leave to commit the image (the journal's rule: an update cut
 * before its leave stays open), so write the first block again; it holds
 * those bytes already, the device programs nothing. */
static int touch_first_block(struct qh_dev *d, const struct qh_memmap *m, const struct qh_plan *p,
                             struct qh_error *e)
{
	struct qh_chunk c = p->chunk[0];
	uint64_t done = 0;
	uint16_t xfer = qh_dev_xfer_size(&d->info);
	int rc = enter_region(d, m, c.region, e);

	if (c.len > xfer)
		c.len = xfer;
	return rc ? rc : write_chunk(d, &c, &done, c.len, e);
}

/* Nothing was written: is the touch needed? Not when the device says, as
 * of now (INFO asked again: this run, or another, may have opened an update
 * on it since), that a leave starts what its journal names with no update
 * open (JOURNAL_CLEAN), and the image holds no vector table that a
 * session's commit would name instead. Devices before the flag, or any
 * doubt: yes (docs/protocol.md). */
static int touch_needed(struct qh_dev *d, const struct qh_plan *p)
{
	struct qh_qdfu_info now;

	if (qh_desc_find_vtor(p, qh_dev_xfer_size(&d->info)))
		return 1;
	if (qh_qdfu_info(d, &now, NULL) != QH_OK)
		return 1;
	return !(now.flags & QDFU_PROTO_FLAG_JOURNAL_CLEAN);
}

int qh_op_program(struct qh_dev *d, const struct qh_memmap *m, const struct qh_plan *p,
                  struct qh_error *e)
{
	struct desc_job job;
	uint64_t done = 0, total;
	uint8_t *action = NULL;
	int rc = QH_OK, cur = -1;

	d->pages_unchanged = d->pages_already_erased = d->pages_erased = 0;
	d->bytes_written = 0;
	for (size_t i = 0; i < p->npage; i++)
		p->page[i].proven = 0;
	d->proven_plan = NULL;
	d->image_desc = d->desc_written = d->recommit_only = 0;
	rc = qh_dfu_make_idle(d, e);
	if (rc == 0)
		rc = desc_plan(d, m, p, &job, e);
	if (rc)
		return rc;
	if (d->skip_unchanged && qh_dev_has_crc(&d->info) && p->npage) {
		action = calloc(p->npage, 1);
		if (!action)
			return qh_fail(e, QH_E_NOMEM, "out of memory");
		progress(d, "check", 0, p->npage);
		/* idle since the make_idle above unless the descriptor was read */
		if (job.active)
			rc = qh_dfu_make_idle(d, e);
		if (rc == 0)
			rc = classify_pages(d, p, action, e);
		progress(d, "check", p->npage, p->npage);
	}
	if (rc == 0 && job.active && !job.in_place)
		rc = desc_invalidate(d, m, &job, e);
	if (rc == 0)
		rc = erase_pages(d, m, p, action, e);
	total = bytes_to_write(p, action);
	if (rc == 0 && total)
		progress(d, "write", 0, total);
	for (size_t i = 0; rc == 0 && i < p->nchunk; i++) {
		if (chunk_proven(p, &p->chunk[i]))
			continue;
		if ((int)p->chunk[i].region != cur) {
			rc = enter_region(d, m, p->chunk[i].region, e);
			cur = (int)p->chunk[i].region;
		}
		/* a run of chunks in dual-bank internal flash, in both banks */
		size_t nb = 0;
		while (rc == 0 && qh_dev_has_crc(&d->info) && i + nb < p->nchunk &&
		       (int)p->chunk[i + nb].region == cur &&
		       in_dual_bank(m, p->chunk[i + nb].addr))
			nb++;
		if (rc == 0 && nb && both_banks(&p->chunk[i], nb)) {
			rc = write_banks(d, m, p, &p->chunk[i], nb, &done, total, e);
			i += nb - 1u;
		} else if (rc == 0) {
			rc = write_chunk_filtered(d, p, &p->chunk[i], &done, total, e);
		}
	}
	int all_equal = rc == 0 && action && d->pages_unchanged == p->npage;
	free(action);
	if (rc == 0 && job.active && !job.in_place)
		rc = desc_write(d, m, &job, e);
	if (rc)
		return rc;
	d->image_desc = job.active;
	d->desc_written = job.active && !job.in_place;
	d->recommit_only = !d->pages_erased && !d->bytes_written && !d->desc_written;
	if (all_equal && !d->desc_written)
		d->proven_plan = p;
	if (d->recommit_only && !job.active && qh_dev_has_crc(&d->info) && p->nchunk &&
	    touch_needed(d, p))
		rc = touch_first_block(d, m, p, e);
	return rc ? rc : qh_dfu_make_idle(d, e);
}

/* UPLOAD len bytes at addr into out (AN3156 6.4: SET_ADDRESS, ABORT to
 * dfuIDLE, then UPLOAD wBlockNum 2.. with the same address rule). */
static int upload_range(struct qh_dev *d, uint32_t addr, uint32_t len, uint8_t *out, uint64_t *done,
                        uint64_t total, const char *phase, struct qh_error *e)
{
	uint16_t xfer = qh_dev_xfer_size(&d->info);
	uint32_t pos = 0;

	while (pos < len) {
		uint16_t block = 2;
		int rc = qh_dfuse_set_address(d, addr + pos, e);
		if (rc == 0)
			rc = qh_dfu_abort(d, e);
		if (rc)
			return rc;
		while (pos < len && block < 2 + MAX_BLOCKS_PER_ADDRESS) {
			uint32_t want = len - pos < xfer ? len - pos : xfer;
			int got = qh_dfu_upload(d, block, out + pos,
			                        xfer > want ? (uint16_t)want : xfer, e);
			if (got < 0)
				return qh_fail(e, got, "reading 0x%08X failed",
				               (unsigned)(addr + pos));
			if ((uint32_t)got != want)
				return qh_fail(e, QH_E_DFU,
				               "reading 0x%08X: the device returned %d of %u bytes",
				               (unsigned)(addr + pos), got, (unsigned)want);
			pos += want;
			block++;
			*done += want;
			progress(d, phase, *done, total);
		}
		rc = qh_dfu_abort(d, e);
		if (rc)
			return rc;
	}
	return QH_OK;
}

static int check_readable(const struct qh_memmap *m, uint32_t addr, uint32_t len,
                          struct qh_error *e)
{
	uint64_t a = addr, end = (uint64_t)addr + len;

	while (a < end) {
		uint32_t pb, ps;
		uint8_t attr;
		int ri = qh_memmap_find(m, (uint32_t)a, &pb, &ps, &attr);
		if (ri < 0)
			return qh_fail(e, QH_E_MAP,
			               "0x%08llX is not in any memory region of the "
			               "device",
			               (unsigned long long)a);
		if (!(attr & QH_ATTR_READ))
			return qh_fail(e, QH_E_MAP, "0x%08llX ('%s', alt %u) is not readable",
			               (unsigned long long)a, m->r[ri].name, m->r[ri].alt);
		a = (uint64_t)pb + ps;
	}
	return QH_OK;
}

/* Device CRC of every written range: the pages qh_op_program proved right
 * by the same CRC (and so did not write) are not read again. */
static int verify_crc(struct qh_dev *d, const struct qh_plan *p, struct qh_error *e)
{
	uint64_t done = 0;

	if (d->proven_plan == p) { /* every page was just proven equal, nothing written */
		progress(d, "verify", p->bytes, p->bytes);
		return QH_OK;
	}
	for (size_t i = 0; i < p->nchunk; i++) {
		const struct qh_chunk *ch = &p->chunk[i];
		for (uint32_t pos = 0; pos < ch->len;) {
			int proven;
			struct qh_chunk c = next_piece(p, ch, &pos, &proven);
			uint32_t crc, want;
			int rc;
			done += c.len;
			if (proven)
				continue;
			want = qh_crc32(c.data, c.len);
			rc = qh_qdfu_crc(d, c.addr, c.len, &crc, e);
			if (rc)
				return rc;
			if (crc != want)
				return qh_fail(e, QH_E_VERIFY,
				               "verify failed: 0x%08X-0x%08X (%u bytes) has CRC-32 "
				               "0x%08X on the device, the image has 0x%08X",
				               (unsigned)c.addr, (unsigned)(c.addr + c.len - 1),
				               (unsigned)c.len, (unsigned)crc, (unsigned)want);
			progress(d, "verify", done, p->bytes);
		}
	}
	progress(d, "verify", p->bytes, p->bytes);
	return QH_OK;
}

static int verify_readback(struct qh_dev *d, const struct qh_memmap *m, const struct qh_plan *p,
                           struct qh_error *e)
{
	uint64_t done = 0;

	for (size_t i = 0; i < p->nchunk; i++) {
		const struct qh_chunk *c = &p->chunk[i];
		uint8_t *buf;
		int rc = check_readable(m, c->addr, c->len, e);
		if (rc)
			return rc;
		buf = malloc(c->len);
		if (!buf)
			return qh_fail(e, QH_E_NOMEM, "out of memory");
		rc = enter_region(d, m, c->region, e);
		if (rc == 0)
			rc = upload_range(d, c->addr, c->len, buf, &done, p->bytes, "verify", e);
		for (uint32_t k = 0; rc == 0 && k < c->len; k++) {
			if (buf[k] != c->data[k])
				rc =
				    qh_fail(e, QH_E_VERIFY,
				            "verify failed at 0x%08X: the device holds 0x%02X, the "
				            "image 0x%02X",
				            (unsigned)(c->addr + k), buf[k], c->data[k]);
		}
		free(buf);
		if (rc)
			return rc;
	}
	return QH_OK;
}

int qh_op_verify(struct qh_dev *d, const struct qh_memmap *m, const struct qh_plan *p, int use_crc,
                 struct qh_error *e)
{
	int rc;

	if (use_crc < 0)
		use_crc = qh_dev_has_crc(&d->info);
	if (use_crc && !qh_dev_has_crc(&d->info))
		return qh_fail(e, QH_E_UNSUPPORTED, "the device does not offer a CRC request");
	progress(d, "verify", 0, p->bytes);
	if (use_crc && d->proven_plan == p) /* nothing to ask the device */
		return verify_crc(d, p, e);
	rc = qh_dfu_make_idle(d, e);
	if (rc)
		return rc;
	return use_crc ? verify_crc(d, p, e) : verify_readback(d, m, p, e);
}

int qh_op_read(struct qh_dev *d, const struct qh_memmap *m, uint32_t addr, uint32_t len,
               uint8_t *out, struct qh_error *e)
{
	uint64_t done = 0, a = addr, end = (uint64_t)addr + len;
	int rc = check_readable(m, addr, len, e);

	if (rc)
		return rc;
	if (end > 0x100000000ull)
		return qh_fail(e, QH_E_USAGE, "range runs past 4 GiB");
	progress(d, "read", 0, len);
	/* One region at a time: each may be a different alt. */
	while (a < end) {
		uint32_t pb, ps;
		uint8_t attr;
		int ri = qh_memmap_find(m, (uint32_t)a, &pb, &ps, &attr);
		uint64_t zend = m->r[ri].zone.base + m->r[ri].zone.size;
		uint64_t stop = zend < end ? zend : end;
		rc = enter_region(d, m, (unsigned)ri, e);
		if (rc == 0)
			rc = upload_range(d, (uint32_t)a, (uint32_t)(stop - a), out + (a - addr),
			                  &done, len, "read", e);
		if (rc)
			return rc;
		a = stop;
	}
	return QH_OK;
}

int qh_op_erase(struct qh_dev *d, const struct qh_memmap *m, uint32_t addr, uint32_t len,
                struct qh_error *e)
{
	struct qh_image img;
	struct qh_plan p;
	uint8_t *dummy;
	int rc;

	/* Build the page list through the same checker as flash, with a
	 * placeholder image covering the range. */
	if (len == 0)
		return qh_fail(e, QH_E_USAGE, "erase length is 0");
	dummy = calloc(1, len);
	if (!dummy)
		return qh_fail(e, QH_E_NOMEM, "out of memory");
	qh_image_init(&img);
	rc = qh_image_add(&img, addr, dummy, len, "erase range", e);
	if (rc == 0)
		rc = qh_plan_build(m, &img, &p, e);
	if (rc == 0) {
		struct qh_plan only_pages = p;
		only_pages.nchunk = 0;
		only_pages.bytes = 0;
		rc = erase_pages(d, m, &only_pages, NULL, e);
		if (rc == 0)
			rc = qh_dfu_make_idle(d, e);
		qh_plan_free(&p);
	}
	qh_image_free(&img);
	free(dummy);
	return rc;
}

static int mass_erasable(const struct qh_region *r)
{
	int erasable = 0;

	for (unsigned g = 0; g < r->zone.ngroups; g++)
		erasable |= r->zone.g[g].attr & QH_ATTR_ERASE;
	return !r->excluded && erasable;
}

int qh_op_mass_erase(struct qh_dev *d, const struct qh_memmap *m, struct qh_error *e)
{
	int done_alt[256] = {0};
	uint64_t total = 0, done = 0;

	for (unsigned i = 0; i < m->n; i++)
		if (mass_erasable(&m->r[i]))
			total += m->r[i].zone.size;
	for (unsigned i = 0; i < m->n; i++) {
		const struct qh_region *r = &m->r[i];
		int rc;
		if (!mass_erasable(r) || done_alt[r->alt])
			continue;
		done_alt[r->alt] = 1;
		progress(d, "erase", done, total);
		rc = enter_region(d, m, i, e);
		if (rc == 0)
			rc = qh_dfuse_mass_erase(d, e);
		if (rc)
			return rc;
		/* the alt's other zones went with the same command */
		for (unsigned k = i; k < m->n; k++)
			if (m->r[k].alt == r->alt && mass_erasable(&m->r[k]))
				done += m->r[k].zone.size;
	}
	progress(d, "erase", total, total);
	return qh_dfu_make_idle(d, e);
}

int qh_op_detach(struct qh_dev *d, struct qh_error *e)
{
	uint16_t t = d->info.detach_timeout ? d->info.detach_timeout : 1000;
	int rc = qh_dfu_detach(d, t, e);

	if (rc == 0 && !(d->info.attrs & QH_DFU_ATTR_WILL_DETACH) && d->ops->reset)
		rc = d->ops->reset(d->ctx);
	/* A device that is already gone has done what was asked. */
	return rc == QH_E_NODEV ? QH_OK : rc;
}

int qh_op_leave(struct qh_dev *d, const struct qh_memmap *m, uint32_t addr, struct qh_error *e)
{
	int rc;

	if (m && m->n) {
		int ri = -1;
		uint32_t pb, ps;
		uint8_t attr;
		ri = qh_memmap_find(m, addr, &pb, &ps, &attr);
		if (ri >= 0) {
			rc = enter_region(d, m, (unsigned)ri, e);
			if (rc)
				return rc;
		}
	}
	rc = qh_dfuse_leave(d, addr, e);
	if (rc)
		return rc;
	/* A device that does not detach by itself (bmAttributes bit 3 clear)
	 * needs a USB reset to start the application (DFU 1.1 section 7). */
	if (!(d->info.attrs & QH_DFU_ATTR_WILL_DETACH) && d->ops->reset)
		(void)d->ops->reset(d->ctx);
	return QH_OK;
}
