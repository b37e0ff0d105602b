/* SPDX-License-Identifier: MIT */
#include "qh_image.h"

#include <stdlib.h>
#include <string.h>

void qh_image_init(struct qh_image *img)
{
	memset(img, 0, sizeof(*img));
}

void qh_image_free(struct qh_image *img)
{
	for (size_t i = 0; i < img->n; i++)
		free(img->seg[i].data);
	free(img->seg);
	qh_image_init(img);
}

static uint64_t seg_end(const struct qh_seg *s)
{
	return (uint64_t)s->addr + s->len;
}

/* Make sure s can hold need bytes. */
static int seg_reserve(struct qh_seg *s, uint64_t need, struct qh_error *e)
{
	uint64_t cap = s->cap ? s->cap : 256;
	uint8_t *p;

	if (need <= s->cap)
		return QH_OK;
	while (cap < need)
		cap *= 2;
	if (cap > 0x100000000ull)
		cap = 0x100000000ull;
	p = realloc(s->data, (size_t)cap);
	if (!p)
		return qh_fail(e, QH_E_NOMEM, "out of memory for a %llu-byte segment",
		               (unsigned long long)need);
	s->data = p;
	s->cap = (uint32_t)(cap > 0xFFFFFFFFull ? 0xFFFFFFFFull : cap);
	return QH_OK;
}

/* Compare the overlap of [addr, addr+len) with segment s. */
static int check_overlap(const struct qh_seg *s, uint32_t addr, const uint8_t *data, size_t len,
                         const char *origin, struct qh_error *e)
{
	uint64_t lo = addr > s->addr ? addr : s->addr;
	uint64_t hi = (uint64_t)addr + len < seg_end(s) ? (uint64_t)addr + len : seg_end(s);

	for (uint64_t a = lo; a < hi; a++) {
		uint8_t old = s->data[a - s->addr], nw = data[a - addr];
		if (old != nw) {
			return qh_fail(e, QH_E_OVERLAP,
			               "%s: data at 0x%08llX-0x%08llX overlaps earlier data that "
			               "differs (at 0x%08llX: 0x%02X before, 0x%02X now)",
			               origin ? origin : "image", (unsigned long long)lo,
			               (unsigned long long)hi - 1, (unsigned long long)a, old, nw);
		}
	}
	return QH_OK;
}

/* Index of the first segment whose end is >= addr (it may touch addr). */
static size_t first_touching(const struct qh_image *img, uint32_t addr)
{
	size_t lo = 0, hi = img->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (seg_end(&img->seg[mid]) < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int insert_seg(struct qh_image *img, size_t at, struct qh_error *e)
{
	if (img->n == img->cap) {
		size_t cap = img->cap ? img->cap * 2 : 8;
		struct qh_seg *p = realloc(img->seg, cap * sizeof(*p));
		if (!p)
			return qh_fail(e, QH_E_NOMEM, "out of memory");
		img->seg = p;
		img->cap = cap;
	}
	memmove(&img->seg[at + 1], &img->seg[at], (img->n - at) * sizeof(*img->seg));
	memset(&img->seg[at], 0, sizeof(*img->seg));
	img->n++;
	return QH_OK;
}

int qh_image_add(struct qh_image *img, uint32_t addr, const uint8_t *data, size_t len,
                 const char *origin, struct qh_error *e)
{
	uint64_t end = (uint64_t)addr + len;
	size_t first, last;
	uint64_t lo, hi;
	struct qh_seg merged = {0};
	int rc;

	if (len == 0)
		return QH_OK;
	if (end > 0x100000000ull)
		return qh_fail(e, QH_E_FORMAT,
		               "%s: data at 0x%08X (%zu bytes) runs past the 4 GiB address space",
		               origin ? origin : "image", (unsigned)addr, len);

	/* Fast path: appending to the end of the last segment (ordered files). */
	if (img->n && seg_end(&img->seg[img->n - 1]) == addr) {
		struct qh_seg *s = &img->seg[img->n - 1];
		rc = seg_reserve(s, (uint64_t)s->len + len, e);
		if (rc)
			return rc;
		memcpy(s->data + s->len, data, len);
		s->len += (uint32_t)len;
		return QH_OK;
	}

	first = first_touching(img, addr);
	last = first;
	while (last < img->n && img->seg[last].addr <= end)
		last++;
	/* Segments [first, last) overlap or touch the new bytes. */
	for (size_t i = first; i < last; i++) {
		rc = check_overlap(&img->seg[i], addr, data, len, origin, e);
		if (rc)
			return rc;
	}
	if (first == last) {
		rc = insert_seg(img, first, e);
		if (rc)
			return rc;
		rc = seg_reserve(&img->seg[first], len, e);
		if (rc)
			return rc;
		img->seg[first].addr = addr;
		img->seg[first].len = (uint32_t)len;
		memcpy(img->seg[first].data, data, len);
		return QH_OK;
	}
	lo = addr < img->seg[first].addr ? addr : img->seg[first].addr;
	hi = end > seg_end(&img->seg[last - 1]) ? end : seg_end(&img->seg[last - 1]);
	rc = seg_reserve(&merged, hi - lo, e);
	if (rc)
		return rc;
	merged.addr = (uint32_t)lo;
	merged.len = (uint32_t)(hi - lo);
	for (size_t i = first; i < last; i++) {
		memcpy(merged.data + (img->seg[i].addr - lo), img->seg[i].data, img->seg[i].len);
		free(img->seg[i].data);
	}
	memcpy(merged.data + (addr - lo), data, len);
	img->seg[first] = merged;
	memmove(&img->seg[first + 1], &img->seg[last], (img->n - last) * sizeof(*img->seg));
	img->n -= last - first - 1;
	return QH_OK;
}

int qh_image_merge(struct qh_image *dst, const struct qh_image *src, const char *origin,
                   struct qh_error *e)
{
	for (size_t i = 0; i < src->n; i++) {
		int rc = qh_image_add(dst, src->seg[i].addr, src->seg[i].data, src->seg[i].len,
		                      origin, e);
		if (rc)
			return rc;
	}
	if (src->has_entry && !dst->has_entry) {
		dst->has_entry = 1;
		dst->entry = src->entry;
	}
	return QH_OK;
}

uint64_t qh_image_bytes(const struct qh_image *img)
{
	uint64_t n = 0;

	for (size_t i = 0; i < img->n; i++)
		n += img->seg[i].len;
	return n;
}

int qh_image_byte(const struct qh_image *img, uint32_t addr)
{
	size_t i = first_touching(img, addr);

	if (i < img->n && img->seg[i].addr <= addr && addr < seg_end(&img->seg[i]))
		return img->seg[i].data[addr - img->seg[i].addr];
	return -1;
}
