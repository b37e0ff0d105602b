/* SPDX-License-Identifier: MIT */
#include "qh_layout.h"

#include <stdio.h>
#include <string.h>

struct cursor {
	const char *s;
	size_t pos;
};

static char peek(const struct cursor *c)
{
	return c->s[c->pos];
}

static void skip_spaces(struct cursor *c)
{
	while (c->s[c->pos] == ' ')
		c->pos++;
}

/* Decimal number, at most 10 digits, no overflow past 32 bits. */
static int read_dec(struct cursor *c, uint32_t *out)
{
	uint64_t v = 0;
	unsigned n = 0;

	while (peek(c) >= '0' && peek(c) <= '9') {
		v = v * 10 + (unsigned)(peek(c) - '0');
		if (v > 0xFFFFFFFFull)
			return -1;
		c->pos++;
		n++;
	}
	if (n == 0)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int read_hex_addr(struct cursor *c, uint32_t *out)
{
	uint64_t v = 0;
	unsigned n = 0;

	if (peek(c) != '0' || (c->s[c->pos + 1] != 'x' && c->s[c->pos + 1] != 'X'))
		return -1;
	c->pos += 2;
	for (;; c->pos++, n++) {
		char ch = peek(c);
		int d;
		if (ch >= '0' && ch <= '9')
			d = ch - '0';
		else if (ch >= 'a' && ch <= 'f')
			d = ch - 'a' + 10;
		else if (ch >= 'A' && ch <= 'F')
			d = ch - 'A' + 10;
		else
			break;
		v = v << 4 | (unsigned)d;
		if (v > 0xFFFFFFFFull)
			return -1;
	}
	if (n == 0)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int bad(struct qh_error *e, const char *s, size_t pos, const char *what)
{
	return qh_fail(e, QH_E_FORMAT, "layout \"%s\": %s at character %zu", s, what, pos + 1);
}

static int read_group(struct cursor *c, struct qh_layout_group *g, struct qh_error *e)
{
	uint32_t mult = 1;
	char u, t;

	skip_spaces(c);
	if (read_dec(c, &g->count) != 0)
		return bad(e, c->s, c->pos, "expected a page count");
	if (peek(c) != '*')
		return bad(e, c->s, c->pos, "expected '*' after the page count");
	c->pos++;
	if (read_dec(c, &g->size) != 0)
		return bad(e, c->s, c->pos, "expected a page size");
	u = peek(c);
	if (u == 'K' || u == 'M' || u == 'B' || u == ' ') {
		mult = u == 'K' ? 1024u : u == 'M' ? 1024u * 1024u : 1u;
		c->pos++;
	}
	t = peek(c);
	if (t < 'a' || t > 'g')
		return bad(e, c->s, c->pos, "expected a memory type letter a-g");
	c->pos++;
	if (g->count == 0 || g->size == 0)
		return bad(e, c->s, c->pos - 1, "page count and size must not be 0");
	if ((uint64_t)g->size * mult > 0xFFFFFFFFull)
		return bad(e, c->s, c->pos - 1, "page size too large");
	g->size *= mult;
	g->type = t;
	g->attr = (uint8_t)(t & 7);
	return QH_OK;
}

static int read_zone(struct cursor *c, struct qh_layout_zone *z, struct qh_error *e)
{
	memset(z, 0, sizeof(*z));
	if (read_hex_addr(c, &z->base) != 0)
		return bad(e, c->s, c->pos, "expected a 0x address");
	if (peek(c) != '/')
		return bad(e, c->s, c->pos, "expected '/' after the address");
	c->pos++;
	for (;;) {
		int rc;
		if (z->ngroups == QH_LAYOUT_MAX_GROUPS)
			return bad(e, c->s, c->pos, "too many page groups");
		rc = read_group(c, &z->g[z->ngroups], e);
		if (rc)
			return rc;
		z->size += (uint64_t)z->g[z->ngroups].count * z->g[z->ngroups].size;
		z->ngroups++;
		if ((uint64_t)z->base + z->size > 0x100000000ull)
			return bad(e, c->s, c->pos, "zone runs past the 4 GiB address space");
		if (peek(c) != ',')
			return QH_OK;
		c->pos++;
	}
}

int qh_layout_parse(const char *s, struct qh_layout *l, struct qh_error *e)
{
	struct cursor c = {.s = s};
	size_t n;
	const char *slash;

	memset(l, 0, sizeof(*l));
	if (s[0] != '@')
		return qh_fail(e, QH_E_FORMAT, "layout \"%s\": does not start with '@'", s);
	slash = strchr(s, '/');
	if (!slash)
		return qh_fail(e, QH_E_FORMAT, "layout \"%s\": no '/' after the name", s);
	n = (size_t)(slash - s - 1);
	while (n && s[n] == ' ')
		n--;
	if (n >= sizeof(l->name))
		n = sizeof(l->name) - 1;
	memcpy(l->name, s + 1, n);
	/* s[1..n] may still end in spaces when n was clipped: trim again. */
	while (n && l->name[n - 1] == ' ')
		l->name[--n] = '\0';
	c.pos = (size_t)(slash - s);
	while (peek(&c) == '/') {
		c.pos++;
		skip_spaces(&c);
		if (peek(&c) == '\0')
			break; /* tolerate a trailing '/' */
		if (l->nzones == QH_LAYOUT_MAX_ZONES)
			return bad(e, s, c.pos, "too many zones");
		int rc = read_zone(&c, &l->z[l->nzones], e);
		if (rc)
			return rc;
		l->nzones++;
		skip_spaces(&c);
	}
	if (peek(&c) != '\0')
		return bad(e, s, c.pos, "unexpected character");
	if (l->nzones == 0)
		return qh_fail(e, QH_E_FORMAT, "layout \"%s\": no memory zone", s);
	return QH_OK;
}

static void add_problem(char *msg, size_t msglen, int *n, const char *what)
{
	size_t used = strlen(msg);

	(*n)++;
	if (used < msglen)
		snprintf(msg + used, msglen - used, "%s\n", what);
}

int qh_layout_lint(const char *s, char *msg, size_t msglen)
{
	struct qh_layout l;
	int n = 0;
	size_t len = strlen(s);

	if (msglen)
		msg[0] = '\0';
	if (qh_layout_parse(s, &l, NULL) != 0) {
		add_problem(msg, msglen, &n, "does not parse");
		return n;
	}
	if (len > 126)
		add_problem(msg, msglen, &n,
		            "longer than 126 characters (dfu-util reads at most 126)");
	if (strstr(s, "/0X"))
		add_problem(msg, msglen, &n, "uppercase 0X (dfu-util needs lowercase 0x)");
	if (strstr(s, ", "))
		add_problem(msg, msglen, &n, "space after a comma (pydfu's regex fails)");
	if (len && s[len - 1] == '/')
		add_problem(msg, msglen, &n, "trailing '/' (fwupd and pydfu fail)");
	for (unsigned z = 0; z < l.nzones; z++) {
		for (unsigned g = 0; g < l.z[z].ngroups; g++) {
			const struct qh_layout_group *gr = &l.z[z].g[g];
			if (gr->count > 999)
				add_problem(msg, msglen, &n, "page count above 999 (fwupd limit)");
			if (gr->size & (gr->size - 1))
				add_problem(msg, msglen, &n,
				            "page size not a power of two (clients mask "
				            "addresses with size-1)");
		}
	}
	/* The written size number (before K/M) is limited to 999 by fwupd. */
	for (const char *p = strchr(s, '*'); p; p = strchr(p + 1, '*')) {
		unsigned long v = 0;
		for (const char *q = p + 1; *q >= '0' && *q <= '9'; q++)
			v = v * 10 + (unsigned long)(*q - '0');
		if (v > 999)
			add_problem(msg, msglen, &n, "page size number above 999 (fwupd limit)");
	}
	return n;
}

const char *qh_attr_str(uint8_t attr)
{
	static const char *const names[8] = {"---", "r--", "-e-", "re-",
	                                     "--w", "r-w", "-ew", "rew"};
	return names[attr & 7];
}

void qh_size_str(uint64_t n, char *buf, size_t len)
{
	if (n >= 1024 * 1024 && n % (1024 * 1024) == 0)
		snprintf(buf, len, "%llu MiB", (unsigned long long)(n >> 20));
	else if (n >= 1024 && n % 1024 == 0)
		snprintf(buf, len, "%llu KiB", (unsigned long long)(n >> 10));
	else
		snprintf(buf, len, "%llu B", (unsigned long long)n);
}
