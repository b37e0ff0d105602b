/* SPDX-License-Identifier: MIT */
/*
 * Intel HEX ("Hexadecimal Object File Format Specification", Intel rev. A,
 * 1988): ":LLAAAATT<data>CC" with CC the two's complement of the byte sum.
 */
#include "qh_formats.h"

#include <stdio.h>
#include <string.h>

#define MAX_RECORD 255

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decode n hex digit pairs from p into out; false on a non-hex digit. */
static int decode_hex(const uint8_t *p, size_t n, uint8_t *out)
{
	for (size_t i = 0; i < n; i++) {
		int hi = hexval(p[2 * i]), lo = hexval(p[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return 0;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 1;
}

struct ihex_state {
	const char *name;
	unsigned line;
	uint32_t base; /* from type 02 (segment << 4) or 04 (upper << 16) */
	int segmented; /* type 02 in effect: offsets wrap at 64 KiB */
	int seen_eof;
	struct qh_image *img;
	struct qh_error *e;
};

static int bad(struct ihex_state *s, const char *what)
{
	return qh_fail(s->e, QH_E_FORMAT, "%s:%u: %s", s->name, s->line, what);
}

static int add_data(struct ihex_state *s, uint16_t off, const uint8_t *d, unsigned n)
{
	char origin[300];

	snprintf(origin, sizeof(origin), "%s:%u", s->name, s->line);
	if (s->segmented && (uint32_t)off + n > 0x10000u) {
		/* I16HEX: the offset wraps inside the 64 KiB segment. */
		unsigned first = 0x10000u - off;
		int rc = qh_image_add(s->img, s->base + off, d, first, origin, s->e);
		if (rc)
			return rc;
		return qh_image_add(s->img, s->base, d + first, n - first, origin, s->e);
	}
	return qh_image_add(s->img, s->base + off, d, n, origin, s->e);
}

static int do_record(struct ihex_state *s, const uint8_t *rec, unsigned n)
{
	unsigned count = rec[0];
	uint16_t off = (uint16_t)(rec[1] << 8 | rec[2]);
	uint8_t type = rec[3];
	const uint8_t *d = rec + 4;

	if (s->seen_eof)
		return bad(s, "record after the end-of-file record");
	if (n != count + 5u)
		return bad(s, "record length does not match its byte count (truncated line?)");
	switch (type) {
	case 0x00:
		return add_data(s, off, d, count);
	case 0x01:
		if (count != 0)
			return bad(s, "end-of-file record (type 01) with data");
		s->seen_eof = 1;
		return QH_OK;
	case 0x02:
		if (count != 2)
			return bad(s, "extended segment address record (type 02) must have 2 "
			              "data bytes");
		s->base = (uint32_t)(d[0] << 8 | d[1]) << 4;
		s->segmented = 1;
		return QH_OK;
	case 0x04:
		if (count != 2)
			return bad(s, "extended linear address record (type 04) must have 2 "
			              "data bytes");
		s->base = (uint32_t)(d[0] << 8 | d[1]) << 16;
		s->segmented = 0;
		return QH_OK;
	case 0x03:
	case 0x05:
		if (count != 4)
			return bad(s, "start address record (type 03/05) must have 4 data bytes");
		s->img->has_entry = 1;
		if (type == 0x05)
			s->img->entry = (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 |
			                (uint32_t)d[2] << 8 | d[3];
		else
			s->img->entry =
			    ((uint32_t)(d[0] << 8 | d[1]) << 4) + (uint32_t)(d[2] << 8 | d[3]);
		return QH_OK;
	default: {
		char msg[64];
		snprintf(msg, sizeof(msg), "unknown record type %02X (valid: 00-05)", type);
		return bad(s, msg);
	}
	}
}

static int do_line(struct ihex_state *s, const uint8_t *p, size_t len)
{
	uint8_t rec[MAX_RECORD + 5];
	size_t hexlen;
	uint8_t sum = 0;

	while (len && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r'))
		len--;
	if (len == 0)
		return QH_OK;
	if (p[0] != ':')
		return bad(s, "line does not start with ':' (not an Intel HEX record)");
	hexlen = len - 1;
	if (hexlen < 10)
		return bad(s, "record too short (truncated line?)");
	if (hexlen % 2)
		return bad(s, "odd number of hex digits (truncated line?)");
	if (hexlen / 2 > sizeof(rec))
		return bad(s, "record longer than 255 data bytes");
	if (!decode_hex(p + 1, hexlen / 2, rec))
		return bad(s, "invalid hex digit");
	if (hexlen / 2 != rec[0] + 5u)
		return bad(s, "record length does not match its byte count (truncated line?)");
	for (size_t i = 0; i < hexlen / 2; i++)
		sum = (uint8_t)(sum + rec[i]);
	if (sum != 0) {
		char msg[96];
		uint8_t cc = rec[hexlen / 2 - 1];
		snprintf(msg, sizeof(msg), "checksum error (record says %02X, data gives %02X)", cc,
		         (uint8_t)(cc - sum));
		return bad(s, msg);
	}
	return do_record(s, rec, (unsigned)(hexlen / 2));
}

int qh_parse_ihex(const uint8_t *buf, size_t len, const char *name, struct qh_image *img,
                  struct qh_error *e)
{
	struct ihex_state s = {.name = name ? name : "hex", .img = img, .e = e};
	size_t pos = 0;

	while (pos < len) {
		size_t end = pos;
		int rc;
		while (end < len && buf[end] != '\n')
			end++;
		s.line++;
		rc = do_line(&s, buf + pos, end - pos);
		if (rc)
			return rc;
		pos = end + 1;
	}
	if (!s.seen_eof)
		return qh_fail(e, QH_E_FORMAT,
		               "%s: no end-of-file record (:00000001FF); the file is truncated",
		               s.name);
	return QH_OK;
}
