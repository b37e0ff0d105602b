/* SPDX-License-Identifier: MIT */
/*
 * DfuSe file format (ST UM0391): an 11-byte prefix ("DfuSe", version 1,
 * image size, target count), per target a 274-byte header and its
 * elements (address, size, data), then the 16-byte DFU suffix (DFU 1.1
 * appendix B: bcdDevice, idProduct, idVendor, bcdDFU, "UFD", bLength,
 * dwCRC over everything before dwCRC). All little-endian.
 */
#include "qh_formats.h"
#include "qh_crc32.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PREFIX_LEN  11
#define TARGET_LEN  274
#define SUFFIX_LEN  16
#define ELEMENT_HDR 8

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

void qh_dfuse_free(struct qh_dfuse_file *f)
{
	for (unsigned i = 0; i < f->ntargets && i < QH_DFUSE_MAX_TARGETS; i++)
		qh_image_free(&f->t[i].img);
	f->ntargets = 0;
}

static int check_suffix(const uint8_t *buf, size_t len, const char *name, struct qh_dfuse_file *f,
                        struct qh_error *e)
{
	const uint8_t *sfx;
	uint32_t crc, want;

	if (len < PREFIX_LEN + SUFFIX_LEN)
		return qh_fail(e, QH_E_FORMAT, "%s: too short for a DfuSe file (%zu bytes)", name,
		               len);
	sfx = buf + len - SUFFIX_LEN;
	if (sfx[8] != 'U' || sfx[9] != 'F' || sfx[10] != 'D')
		return qh_fail(e, QH_E_FORMAT,
		               "%s: no DFU suffix (\"UFD\" signature missing): truncated or not a "
		               ".dfu file",
		               name);
	if (sfx[11] != SUFFIX_LEN)
		return qh_fail(e, QH_E_FORMAT, "%s: DFU suffix length %u, expected 16", name,
		               sfx[11]);
	want = le32(sfx + 12);
	crc = qh_crc32_dfu_suffix(buf, len - 4);
	if (crc != want)
		return qh_fail(e, QH_E_FORMAT,
		               "%s: DFU suffix CRC mismatch (file says 0x%08X, contents give "
		               "0x%08X): the file is corrupted",
		               name, (unsigned)want, (unsigned)crc);
	if (le16(sfx + 6) != 0x011A)
		return qh_fail(e, QH_E_FORMAT,
		               "%s: bcdDFU 0x%04X in the suffix; a DfuSe file has 0x011A", name,
		               le16(sfx + 6));
	f->bcd_device = le16(sfx);
	f->pid = le16(sfx + 2);
	f->vid = le16(sfx + 4);
	return QH_OK;
}

static int parse_elements(const uint8_t *p, uint32_t tsize, uint32_t nel, const char *name,
                          struct qh_dfuse_target *t, struct qh_error *e)
{
	uint32_t pos = 0;
	char origin[300];

	for (uint32_t i = 0; i < nel; i++) {
		uint32_t addr, size;
		if (tsize - pos < ELEMENT_HDR)
			return qh_fail(
			    e, QH_E_FORMAT,
			    "%s: target %u element %u header runs past the target's size", name,
			    t->alt, (unsigned)i);
		addr = le32(p + pos);
		size = le32(p + pos + 4);
		pos += ELEMENT_HDR;
		if (size > tsize - pos)
			return qh_fail(
			    e, QH_E_FORMAT,
			    "%s: target %u element %u (%u bytes at 0x%08X) runs past the "
			    "target's size",
			    name, t->alt, (unsigned)i, (unsigned)size, (unsigned)addr);
		snprintf(origin, sizeof(origin), "%s: target %u element %u", name, t->alt,
		         (unsigned)i);
		if (qh_image_add(&t->img, addr, p + pos, size, origin, e))
			return e ? e->code : QH_E_FORMAT;
		pos += size;
	}
	if (pos != tsize)
		return qh_fail(e, QH_E_FORMAT,
		               "%s: target %u: elements hold %u bytes but the target size says %u",
		               name, t->alt, (unsigned)pos, (unsigned)tsize);
	return QH_OK;
}

int qh_parse_dfuse(const uint8_t *buf, size_t len, const char *name, struct qh_dfuse_file *f,
                   struct qh_error *e)
{
	size_t body, pos = PREFIX_LEN;
	unsigned ntargets;
	int rc;

	name = name ? name : "dfu";
	memset(f, 0, sizeof(*f));
	rc = check_suffix(buf, len, name, f, e);
	if (rc)
		return rc;
	body = len - SUFFIX_LEN;
	if (memcmp(buf, "DfuSe", 5) != 0)
		return qh_fail(e, QH_E_FORMAT, "%s: no DfuSe prefix (\"DfuSe\" signature missing)",
		               name);
	if (buf[5] != 0x01)
		return qh_fail(e, QH_E_FORMAT, "%s: DfuSe prefix version %u, expected 1", name,
		               buf[5]);
	if (le32(buf + 6) != body)
		return qh_fail(e, QH_E_FORMAT,
		               "%s: DfuSe prefix says the image is %u bytes, the file holds %zu "
		               "(truncated?)",
		               name, (unsigned)le32(buf + 6), body);
	ntargets = buf[10];
	if (ntargets > QH_DFUSE_MAX_TARGETS)
		return qh_fail(e, QH_E_FORMAT, "%s: %u targets (at most %u supported)", name,
		               ntargets, QH_DFUSE_MAX_TARGETS);
	for (unsigned i = 0; i < ntargets; i++) {
		struct qh_dfuse_target *t = &f->t[i];
		const uint8_t *h = buf + pos;
		uint32_t tsize, nel;
		if (body - pos < TARGET_LEN)
			return qh_fail(e, QH_E_FORMAT, "%s: target %u header is truncated", name,
			               i);
		if (memcmp(h, "Target", 6) != 0)
			return qh_fail(e, QH_E_FORMAT,
			               "%s: target %u: \"Target\" signature missing", name, i);
		qh_image_init(&t->img);
		f->ntargets = i + 1;
		t->alt = h[6];
		t->named = le32(h + 7) != 0;
		memcpy(t->name, h + 11, 255);
		t->name[255] = '\0';
		tsize = le32(h + 266);
		nel = le32(h + 270);
		pos += TARGET_LEN;
		if (tsize > body - pos)
			return qh_fail(
			    e, QH_E_FORMAT,
			    "%s: target %u (alt %u) size %u runs past the end of the image", name,
			    i, t->alt, (unsigned)tsize);
		rc = parse_elements(buf + pos, tsize, nel, name, t, e);
		if (rc)
			return rc;
		pos += tsize;
	}
	if (pos != body)
		return qh_fail(e, QH_E_FORMAT, "%s: %zu stray bytes after the last target", name,
		               body - pos);
	return QH_OK;
}

int qh_write_dfuse(const struct qh_dfuse_file *f, uint8_t **out, size_t *outlen, struct qh_error *e)
{
	uint64_t total = PREFIX_LEN + SUFFIX_LEN;
	uint8_t *buf, *p;

	for (unsigned i = 0; i < f->ntargets; i++) {
		total += TARGET_LEN;
		for (size_t k = 0; k < f->t[i].img.n; k++)
			total += ELEMENT_HDR + f->t[i].img.seg[k].len;
	}
	if (total > 0xFFFFFFFFull)
		return qh_fail(e, QH_E_USAGE, "image too large for a DfuSe file");
	buf = calloc(1, (size_t)total);
	if (!buf)
		return qh_fail(e, QH_E_NOMEM, "out of memory");
	memcpy(buf, "DfuSe", 5);
	buf[5] = 0x01;
	put32(buf + 6, (uint32_t)(total - SUFFIX_LEN));
	buf[10] = (uint8_t)f->ntargets;
	p = buf + PREFIX_LEN;
	for (unsigned i = 0; i < f->ntargets; i++) {
		const struct qh_dfuse_target *t = &f->t[i];
		uint32_t tsize = 0;
		memcpy(p, "Target", 6);
		p[6] = t->alt;
		put32(p + 7, t->name[0] ? 1 : 0);
		strncpy((char *)p + 11, t->name, 254);
		for (size_t k = 0; k < t->img.n; k++)
			tsize += ELEMENT_HDR + t->img.seg[k].len;
		put32(p + 266, tsize);
		put32(p + 270, (uint32_t)t->img.n);
		p += TARGET_LEN;
		for (size_t k = 0; k < t->img.n; k++) {
			put32(p, t->img.seg[k].addr);
			put32(p + 4, t->img.seg[k].len);
			memcpy(p + ELEMENT_HDR, t->img.seg[k].data, t->img.seg[k].len);
			p += ELEMENT_HDR + t->img.seg[k].len;
		}
	}
	put16(p, f->bcd_device);
	put16(p + 2, f->pid);
	put16(p + 4, f->vid);
	put16(p + 6, 0x011A);
	p[8] = 'U';
	p[9] = 'F';
	p[10] = 'D';
	p[11] = SUFFIX_LEN;
	put32(p + 12, qh_crc32_dfu_suffix(buf, (size_t)total - 4));
	*out = buf;
	*outlen = (size_t)total;
	return QH_OK;
}
