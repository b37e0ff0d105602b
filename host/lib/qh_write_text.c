/* SPDX-License-Identifier: MIT */
/* Intel HEX and S-record writers. */
#include "qh_formats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct outbuf {
	char *p;
	size_t len, cap;
	int oom;
};

static void emit(struct outbuf *o, const char *s)
{
	size_t n = strlen(s);

	if (o->oom)
		return;
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 4096;
		char *q;
		while (cap < o->len + n + 1)
			cap *= 2;
		q = realloc(o->p, cap);
		if (!q) {
			o->oom = 1;
			return;
		}
		o->p = q;
		o->cap = cap;
	}
	memcpy(o->p + o->len, s, n + 1);
	o->len += n;
}

/* ":LLAAAATT<data>CC" */
static void ihex_record(struct outbuf *o, uint8_t type, uint16_t addr, const uint8_t *d, unsigned n)
{
	char line[600];
	uint8_t sum = (uint8_t)(n + (addr >> 8) + (addr & 0xFF) + type);
	int pos = snprintf(line, sizeof(line), ":%02X%04X%02X", n, addr, type);

	for (unsigned i = 0; i < n; i++) {
		pos += snprintf(line + pos, sizeof(line) - (size_t)pos, "%02X", d[i]);
		sum = (uint8_t)(sum + d[i]);
	}
	snprintf(line + pos, sizeof(line) - (size_t)pos, "%02X\n", (uint8_t)(0x100 - sum));
	emit(o, line);
}

int qh_write_ihex(const struct qh_image *img, uint8_t **out, size_t *outlen, struct qh_error *e)
{
	struct outbuf o = {0};
	int32_t upper = -1;

	for (size_t i = 0; i < img->n; i++) {
		const struct qh_seg *s = &img->seg[i];
		for (uint32_t pos = 0; pos < s->len;) {
			uint32_t a = s->addr + pos;
			uint32_t n = s->len - pos < 16 ? s->len - pos : 16;
			/* Records do not cross a 64 KiB boundary. */
			if ((a & 0xFFFFu) + n > 0x10000u)
				n = 0x10000u - (a & 0xFFFFu);
			if ((int32_t)(a >> 16) != upper) {
				uint8_t ub[2] = {(uint8_t)(a >> 24), (uint8_t)(a >> 16)};
				upper = (int32_t)(a >> 16);
				ihex_record(&o, 0x04, 0, ub, 2);
			}
			ihex_record(&o, 0x00, (uint16_t)a, s->data + pos, n);
			pos += n;
		}
	}
	if (img->has_entry) {
		uint8_t eb[4] = {(uint8_t)(img->entry >> 24), (uint8_t)(img->entry >> 16),
		                 (uint8_t)(img->entry >> 8), (uint8_t)img->entry};
		ihex_record(&o, 0x05, 0, eb, 4);
	}
	ihex_record(&o, 0x01, 0, NULL, 0);
	if (o.oom) {
		free(o.p);
		return qh_fail(e, QH_E_NOMEM, "out of memory");
	}
	*out = (uint8_t *)o.p;
	*outlen = o.len;
	return QH_OK;
}

/* "S<t><count><addr><data><cs>" with a 4-byte address (S3/S7) or 2 (S0). */
static void srec_record(struct outbuf *o, char type, uint32_t addr, unsigned aw, const uint8_t *d,
                        unsigned n)
{
	char line[600];
	unsigned count = aw + n + 1;
	uint8_t sum = (uint8_t)count;
	int pos = snprintf(line, sizeof(line), "S%c%02X", type, count);

	for (int i = (int)aw - 1; i >= 0; i--) {
		uint8_t b = (uint8_t)(addr >> (8 * i));
		pos += snprintf(line + pos, sizeof(line) - (size_t)pos, "%02X", b);
		sum = (uint8_t)(sum + b);
	}
	for (unsigned i = 0; i < n; i++) {
		pos += snprintf(line + pos, sizeof(line) - (size_t)pos, "%02X", d[i]);
		sum = (uint8_t)(sum + d[i]);
	}
	snprintf(line + pos, sizeof(line) - (size_t)pos, "%02X\n", (uint8_t)(0xFF - sum));
	emit(o, line);
}

int qh_write_srec(const struct qh_image *img, uint8_t **out, size_t *outlen, struct qh_error *e)
{
	struct outbuf o = {0};

	srec_record(&o, '0', 0, 2, (const uint8_t *)"qdfu", 4);
	for (size_t i = 0; i < img->n; i++) {
		const struct qh_seg *s = &img->seg[i];
		for (uint32_t pos = 0; pos < s->len; pos += 16) {
			uint32_t n = s->len - pos < 16 ? s->len - pos : 16;
			srec_record(&o, '3', s->addr + pos, 4, s->data + pos, n);
		}
	}
	srec_record(&o, '7', img->has_entry ? img->entry : 0, 4, NULL, 0);
	if (o.oom) {
		free(o.p);
		return qh_fail(e, QH_E_NOMEM, "out of memory");
	}
	*out = (uint8_t *)o.p;
	*outlen = o.len;
	return QH_OK;
}
