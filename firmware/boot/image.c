/* SPDX-License-Identifier: MIT */
#include "boot/image.h"

#include <string.h>

#include "common/compiler.h"
#include "common/err.h"
#include "hal/port.h"
#include "mem/mem.h"

#define VERIFY_SLICE 256u

static struct {
	uint32_t addr, unit;
	uint8_t buf[QDFU_IMG_MAX_SIZE];
} im;

QDFU_STATIC_ASSERT(QDFU_IMG_MAX_SIZE <= 1024u, "a descriptor fits the smallest erase unit");
QDFU_STATIC_ASSERT(QDFU_IMG_HDR_SIZE % 4u == 0 && QDFU_IMG_RANGE_SIZE % 4u == 0,
                   "descriptor fields stay 32-bit aligned");

void image_init(uint32_t addr, uint32_t unit)
{
	im.addr = addr;
	im.unit = unit;
}

bool image_available(void)
{
	return im.unit != 0;
}

uint32_t image_desc_addr(void)
{
	return im.addr;
}

uint32_t image_desc_unit(void)
{
	return im.unit;
}

static bool header_ok(const uint8_t *b, uint32_t len, uint32_t *total)
{
	if (len < QDFU_IMG_HDR_SIZE + 4u || qdfu_get_le32(b) != QDFU_IMG_MAGIC)
		return false;
	if (qdfu_get_le16(b + QDFU_IMG_OFF_VERSION) != QDFU_IMG_VERSION ||
	    qdfu_get_le16(b + QDFU_IMG_OFF_HDR_SIZE) != QDFU_IMG_HDR_SIZE ||
	    b[QDFU_IMG_OFF_HASH] != QDFU_IMG_HASH_CRC32 ||
	    b[QDFU_IMG_OFF_SIG_ALG] != QDFU_IMG_SIG_NONE)
		return false;
	uint32_t n = qdfu_get_le16(b + QDFU_IMG_OFF_NRANGES);
	uint32_t sig = qdfu_get_le16(b + QDFU_IMG_OFF_SIG_LEN);
	if (n == 0 || n > QDFU_IMG_MAX_RANGES || sig > QDFU_IMG_MAX_SIG)
		return false;
	uint32_t t = QDFU_IMG_HDR_SIZE + n * QDFU_IMG_RANGE_SIZE + sig + 4u;
	if (qdfu_get_le32(b + QDFU_IMG_OFF_TOTAL) != t || t > len)
		return false;
	*total = t;
	return true;
}

int image_desc_parse(const uint8_t *buf, uint32_t len, struct image_desc *d)
{
	uint32_t total;
	if (!header_ok(buf, len, &total))
		return QDFU_E_CORRUPT;
	uint32_t crc = mem_crc32_update(0, buf, total - 4u);
	if (qdfu_get_le32(buf + total - 4u) != crc)
		return QDFU_E_CORRUPT;
	d->crc = crc;
	d->vtor = qdfu_get_le32(buf + QDFU_IMG_OFF_VTOR);
	d->nranges = qdfu_get_le16(buf + QDFU_IMG_OFF_NRANGES);
	for (uint32_t i = 0; i < d->nranges; i++) {
		const uint8_t *p = buf + QDFU_IMG_HDR_SIZE + i * QDFU_IMG_RANGE_SIZE;
		d->r[i].addr = qdfu_get_le32(p);
		d->r[i].len = qdfu_get_le32(p + 4);
		d->r[i].crc = qdfu_get_le32(p + 8);
	}
	return QDFU_OK;
}

/* Every byte of [a, a + n) writable by hosts (so never the bootloader's
 * sector or the journal), in one region, and not the descriptor unit. */
static bool range_ok(uint32_t a, uint32_t n)
{
	struct mem_region *r = mem_find(a);
	if (!r || n == 0 || n > r->size - (a - r->base))
		return false;
	if (a < im.addr + im.unit && im.addr < a + n)
		return false;
	uint32_t pos = a;
	while (pos - a < n) {
		uint32_t pb, ps;
		uint8_t attr;
		if (!mem_region_page(r, pos, &pb, &ps, &attr) || !(attr & MEM_ATTR_WRITE))
			return false;
		pos = pb + ps;
		if (pos == 0) /* wrapped at 4 GiB */
			break;
	}
	return true;
}

static bool layout_ok(const struct image_desc *d)
{
	bool vtor_inside = false;
	for (uint32_t i = 0; i < d->nranges; i++) {
		const struct image_range *r = &d->r[i];
		if (!range_ok(r->addr, r->len))
			return false;
		if (d->vtor >= r->addr && d->vtor - r->addr + 8u <= r->len)
			vtor_inside = true;
	}
	return vtor_inside;
}

enum image_verdict image_read(struct image_desc *d)
{
	uint32_t got = 0;
	if (!image_available())
		return IMAGE_NONE;
	uint32_t n = QDFU_MIN((uint32_t)sizeof(im.buf), im.unit);
	if (mem_read(im.addr, im.buf, n, &got) != QDFU_OK || got != n)
		return IMAGE_DAMAGED;
	if (qdfu_get_le32(im.buf) == 0xFFFFFFFFu)
		return IMAGE_NONE; /* blank unit (or torn in its first word) */
	if (image_desc_parse(im.buf, n, d) != QDFU_OK)
		return IMAGE_DAMAGED;
	return layout_ok(d) ? IMAGE_OK : IMAGE_BAD_LAYOUT;
}

enum image_verdict image_verify(const struct image_desc *d, uint32_t *bad)
{
	for (uint32_t i = 0; i < d->nranges; i++) {
		uint32_t crc = 0, pos = 0;
		*bad = i;
		while (pos < d->r[i].len) {
			uint32_t got = 0, n = QDFU_MIN(VERIFY_SLICE, d->r[i].len - pos);
			if (mem_read(d->r[i].addr + pos, im.buf, n, &got) != QDFU_OK || got != n)
				return IMAGE_UNREADABLE;
			crc = mem_crc32_update(crc, im.buf, n);
			pos += n;
		}
		if (crc != d->r[i].crc)
			return IMAGE_MISMATCH;
	}
	return IMAGE_OK;
}

/* Margin over the chip's own maximum erase time. */
#define ERASE_MARGIN_MS 100u

int image_erase_unit(void)
{
	if (!image_available())
		return QDFU_OK;
	/* erased now, not deferred (mem/defer.c would keep the bytes until a
	 * write needs the unit): through the region directly, as the journal */
	struct mem_region *r = mem_find(im.addr);
	struct mem_time t;
	if (!r || mem_busy())
		return QDFU_E_BUSY;
	int rc = r->ops->erase_start(r, im.addr, im.unit, &t);
	uint32_t deadline = port_millis() + t.max_ms + ERASE_MARGIN_MS;
	while (rc == QDFU_OK && (rc = r->ops->poll(r)) == QDFU_E_BUSY) {
		if (qdfu_time_reached(port_millis(), deadline))
			return QDFU_E_TIMEOUT;
		port_wait_hint();
		rc = QDFU_OK;
	}
	return rc;
}

const char *image_verdict_text(enum image_verdict v)
{
	switch (v) {
	case IMAGE_NONE:
		return "no image descriptor";
	case IMAGE_DAMAGED:
		return "the image descriptor is damaged (an update was cut while writing it)";
	case IMAGE_BAD_LAYOUT:
		return "the image descriptor names memory the application may not use";
	case IMAGE_MISMATCH:
		return "the image does not match its descriptor";
	case IMAGE_UNREADABLE:
		return "the image cannot be read (ECC error)";
	default:
		return "image verified";
	}
}
