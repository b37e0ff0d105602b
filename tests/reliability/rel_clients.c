/* SPDX-License-Identifier: MIT */
#include "rel_clients.h"

#include <stdbool.h>
#include <string.h>

#include "qh_memmap.h"
#include "qh_ops.h"

static const char *const names[REL_CLIENT_COUNT] = {
    [REL_QDFU] = "qdfu flash",
    [REL_DFU_UTIL_LEAVE] = "dfu-util x2, :leave",
    [REL_DFU_UTIL_NOLEAVE] = "dfu-util x2, no leave",
    [REL_DFU_UTIL_DFUSE] = "dfu-util .dfu :leave",
    [REL_PYDFU] = "pydfu",
    [REL_FWUPD] = "fwupd",
};

const char *rel_client_name(enum rel_client c)
{
	return c < REL_CLIENT_COUNT ? names[c] : "?";
}

static int enter_alt(struct qh_dev *d, uint8_t alt)
{
	int rc = qh_dfu_make_idle(d, NULL);
	if (rc == 0 && d->cur_alt != alt)
		rc = qh_dev_select_alt(d, alt, NULL);
	return rc;
}

/* Erase the plan's pages in region ri, then write its chunks there, block
 * by block with GETSTATUS polling (what every DfuSe client does). */
static int download_region(struct qh_dev *d, const struct qh_plan *p, unsigned ri)
{
	uint16_t xfer = qh_dev_xfer_size(&d->info);
	for (size_t i = 0; i < p->npage; i++) {
		if (p->page[i].region != ri)
			continue;
		int rc = qh_dfuse_erase_page(d, p->page[i].addr, NULL);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < p->nchunk; i++) {
		const struct qh_chunk *c = &p->chunk[i];
		if (c->region != ri)
			continue;
		int rc = qh_dfuse_set_address(d, c->addr, NULL);
		for (uint32_t pos = 0, blk = 2; rc == 0 && pos < c->len; pos += xfer, blk++) {
			uint32_t n = c->len - pos < xfer ? c->len - pos : xfer;
			struct qh_dfu_status st;
			rc = qh_dfu_dnload(d, (uint16_t)blk, c->data + pos, (uint16_t)n, NULL);
			if (rc == 0)
				rc = qh_dfu_wait(d, d->op_timeout_ms, "write", &st, NULL);
		}
		if (rc)
			return rc;
	}
	return 0;
}

static bool region_used(const struct qh_plan *p, unsigned ri)
{
	for (size_t i = 0; i < p->nchunk; i++)
		if (p->chunk[i].region == ri)
			return true;
	return false;
}

/* dfu-util: one process per memory, QSPI first (the order the README
 * gives), :leave on the last one only. */
static int dfu_util_runs(struct qh_dev *d, const struct qh_memmap *m, const struct qh_plan *p,
                         bool leave)
{
	int last = -1, rc = 0;
	for (int ri = (int)m->n - 1; ri >= 0; ri--)
		if (region_used(p, (unsigned)ri))
			last = ri;
	for (int ri = (int)m->n - 1; rc == 0 && ri >= 0; ri--) {
		if (!region_used(p, (unsigned)ri))
			continue;
		rc = enter_alt(d, m->r[ri].alt);
		if (rc == 0)
			rc = download_region(d, p, (unsigned)ri);
		if (rc == 0 && leave && ri == last)
			rc = qh_dfuse_leave(d, p->chunk[0].addr, NULL);
	}
	return rc;
}

/* dfu-util -D file.dfu -s :leave: one process, every element in file
 * order, alt switched in dfuDNLOAD-IDLE. */
static int dfu_util_dfuse(struct qh_dev *d, const struct qh_memmap *m, const struct qh_plan *p)
{
	int rc = 0;
	for (unsigned ri = 0; rc == 0 && ri < m->n; ri++) {
		if (!region_used(p, ri))
			continue;
		if (d->cur_alt != m->r[ri].alt)
			rc = qh_dev_select_alt(d, m->r[ri].alt, NULL);
		if (rc == 0)
			rc = download_region(d, p, ri);
	}
	return rc ? rc : qh_dfuse_leave(d, p->chunk[0].addr, NULL);
}

/* pydfu: alt 0 only (writes routed by address), no ABORT, leave with the
 * pointer at 0x08000000. fwupd: ABORT, read back, then attach (a leave). */
static int pydfu_fwupd(struct qh_dev *d, const struct qh_memmap *m, const struct qh_plan *p,
                       bool fwupd)
{
	int rc = enter_alt(d, 0);
	for (unsigned ri = 0; rc == 0 && ri < m->n; ri++)
		if (region_used(p, ri))
			rc = download_region(d, p, ri);
	if (rc == 0 && fwupd)
		rc = qh_op_verify(d, m, p, 0, NULL);
	return rc ? rc : qh_dfuse_leave(d, 0x08000000u, NULL);
}

int rel_client_run(enum rel_client c, struct rel_board *rb, const struct qh_image *img)
{
	struct qh_memmap m;
	struct qh_plan p;
	struct qh_dev *d = &rb->dev;
	int rc = qh_dev_memmap(&d->info, &m, NULL);
	if (rc == 0)
		rc = qh_plan_build(&m, img, &p, NULL);
	if (rc)
		return rc;
	switch (c) {
	case REL_QDFU:
		rc = qh_op_program(d, &m, &p, NULL);
		if (rc == 0)
			rc = qh_op_verify(d, &m, &p, -1, NULL);
		if (rc == 0)
			rc = qh_op_leave(d, &m, p.chunk[0].addr, NULL);
		break;
	case REL_DFU_UTIL_LEAVE:
	case REL_DFU_UTIL_NOLEAVE:
		rc = dfu_util_runs(d, &m, &p, c == REL_DFU_UTIL_LEAVE);
		break;
	case REL_DFU_UTIL_DFUSE:
		rc = dfu_util_dfuse(d, &m, &p);
		break;
	case REL_PYDFU:
	case REL_FWUPD:
		rc = pydfu_fwupd(d, &m, &p, c == REL_FWUPD);
		break;
	default:
		rc = -1;
		break;
	}
	qh_plan_free(&p);
	return rc;
}

const char *rel_after_cut(struct rel_board *rb, const uint8_t *boot_sector, uint32_t boot_len,
                          enum rel_client c, const struct qh_image *img)
{
	rel_board_boot(rb, false);
	if (memcmp(boot_sector, rel_board_iflash(), boot_len) != 0)
		return "the bootloader sector changed";
	if (!rb->in_dfu)
		return "started an image";
	if (!rb->decision.reason || !*rb->decision.reason)
		return "stays in DFU without saying why";
	rel_board_boot(rb, true);
	if (rel_client_run(c, rb, img) != 0)
		return "the update after the cut failed";
	rel_board_boot(rb, false);
	if (rb->in_dfu || !rel_board_holds(img))
		return "the update after the cut does not start";
	return NULL;
}
