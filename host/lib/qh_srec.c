/* SPDX-License-Identifier: MIT */
/*
 * Motorola S-record (srec(5)): "S" type, byte count (address + data +
 * checksum), address of 2/3/4 bytes, data, checksum = ones' complement of
 * the low byte of the sum of count, address and data.
 */
#include "qh_formats.h"

#include <stdio.h>
#include <string.h>

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

struct srec_state {
	const char *name;
	unsigned line;
	unsigned data_records;
	int seen_end;
	struct qh_image *img;
	struct qh_error *e;
};

static int bad(struct srec_state *s, const char *what)
{
	return qh_fail(s->e, QH_E_FORMAT, "%s:%u: %s", s->name, s->line, what);
}

/* Address width in bytes per record type; 0 = reserved (S4). */
static const uint8_t addr_bytes[10] = {2, 2, 3, 4, 0, 2, 3, 4, 3, 2};

static int do_record(struct srec_state *s, unsigned type, const uint8_t *rec, unsigned n)
{
	unsigned aw = addr_bytes[type];
	uint32_t addr = 0;
	const uint8_t *d;
	unsigned dlen;

	if (aw == 0)
		return bad(s, "S4 is a reserved record type");
	if (n < 1 + aw + 1)
		return bad(s, "record too short for its address field");
	for (unsigned i = 0; i < aw; i++)
		addr = addr << 8 | rec[1 + i];
	d = rec + 1 + aw;
	dlen = n - 2 - aw;
	if (s->seen_end)
		return bad(s, "record after the termination record (S7/S8/S9)");
	switch (type) {
	case 0:
		return QH_OK; /* header text: informational only */
	case 1:
	case 2:
	case 3: {
		char origin[300];
		snprintf(origin, sizeof(origin), "%s:%u", s->name, s->line);
		s->data_records++;
		return qh_image_add(s->img, addr, d, dlen, origin, s->e);
	}
	case 5:
	case 6:
		if (dlen != 0)
			return bad(s, "count record (S5/S6) with data");
		if (addr != (s->data_records & (type == 5 ? 0xFFFFu : 0xFFFFFFu))) {
			char msg[128];
			snprintf(msg, sizeof(msg),
			         "count record says %u data records, the file has %u",
			         (unsigned)addr, s->data_records);
			return bad(s, msg);
		}
		return QH_OK;
	default: /* 7, 8, 9 */
		if (dlen != 0)
			return bad(s, "termination record (S7/S8/S9) with data");
		s->seen_end = 1;
		s->img->has_entry = 1;
		s->img->entry = addr;
		return QH_OK;
	}
}

static int do_line(struct srec_state *s, const uint8_t *p, size_t len)
{
	uint8_t rec[256];
	unsigned type, count;
	uint8_t sum = 0;

	while (len && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r'))
		len--;
	if (len == 0)
		return QH_OK;
	if (p[0] != 'S' && p[0] != 's')
		return bad(s, "line does not start with 'S' (not an S-record)");
	if (len < 4 || p[1] < '0' || p[1] > '9')
		return bad(s, "missing or invalid record type (S0-S9)");
	type = (unsigned)(p[1] - '0');
	if (hexval(p[2]) < 0 || hexval(p[3]) < 0)
		return bad(s, "invalid hex digit in the byte count");
	count = (unsigned)(hexval(p[2]) << 4 | hexval(p[3]));
	if (len - 4 != 2u * count)
		return bad(s, "record length does not match its byte count (truncated line?)");
	rec[0] = (uint8_t)count;
	for (unsigned i = 0; i < count; i++) {
		int hi = hexval(p[4 + 2 * i]), lo = hexval(p[5 + 2 * i]);
		if (hi < 0 || lo < 0)
			return bad(s, "invalid hex digit");
		rec[1 + i] = (uint8_t)(hi << 4 | lo);
	}
	for (unsigned i = 0; i < count; i++)
		sum = (uint8_t)(sum + rec[i]);
	sum = (uint8_t)(0xFFu - sum); /* ones' complement */
	if (sum != rec[count]) {
		char msg[96];
		snprintf(msg, sizeof(msg), "checksum error (record says %02X, data gives %02X)",
		         rec[count], sum);
		return bad(s, msg);
	}
	return do_record(s, type, rec, count + 1);
}

int qh_parse_srec(const uint8_t *buf, size_t len, const char *name, struct qh_image *img,
                  struct qh_error *e)
{
	struct srec_state s = {.name = name ? name : "srec", .img = img, .e = e};
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
	if (!s.seen_end)
		return qh_fail(e, QH_E_FORMAT,
		               "%s: no termination record (S7, S8 or S9); the file is truncated",
		               s.name);
	return QH_OK;
}
