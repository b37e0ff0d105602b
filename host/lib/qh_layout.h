/* SPDX-License-Identifier: MIT */
/*
 * DfuSe memory layout strings (ST UM0424 / AN3156), the interface string of
 * each alternate setting: "@Name/0xADDR/NN*SSSu t[,NN*SSSu t...][/0xADDR/...]".
 * u: 'B' or ' ' bytes, 'K' KiB, 'M' MiB; t: 'a'..'g', (t & 7) = readable(1)
 * | erasable(2) | writeable(4).
 */
#ifndef QH_LAYOUT_H
#define QH_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "qh_err.h"

#define QH_ATTR_READ  0x1u
#define QH_ATTR_ERASE 0x2u
#define QH_ATTR_WRITE 0x4u

#define QH_LAYOUT_MAX_ZONES  8
#define QH_LAYOUT_MAX_GROUPS 16
#define QH_LAYOUT_NAME_LEN   128

struct qh_layout_group {
	uint32_t count; /* pages */
	uint32_t size;  /* bytes per page */
	uint8_t attr;   /* QH_ATTR_* */
	char type;      /* the letter as written */
};

struct qh_layout_zone {
	uint32_t base;
	uint64_t size; /* sum of count * size */
	unsigned ngroups;
	struct qh_layout_group g[QH_LAYOUT_MAX_GROUPS];
};

struct qh_layout {
	char name[QH_LAYOUT_NAME_LEN]; /* trailing spaces removed */
	unsigned nzones;
	struct qh_layout_zone z[QH_LAYOUT_MAX_ZONES];
};

/* Parse a layout string. Accepts what real devices send (ST's ROM pads the
 * name with spaces and writes "01*128 e"), rejects what cannot be used:
 * no '@', no zone, a count or size of 0, a zone past 4 GiB. */
int qh_layout_parse(const char *s, struct qh_layout *l, struct qh_error *e);

/* Check s against the strictest client parsers (dfu-util, fwupd, pydfu):
 * <= 126 characters, lowercase "0x", counts and sizes <= 999, no space
 * after a comma, no trailing '/', power-of-two page sizes. Writes one line
 * per problem into msg; returns the number of problems. */
int qh_layout_lint(const char *s, char *msg, size_t msglen);

/* "rew"-style text for an attribute set ("r-w", "---", ...). */
const char *qh_attr_str(uint8_t attr);
/* Human size: "128 KiB", "2 MiB", "297 B". */
void qh_size_str(uint64_t n, char *buf, size_t len);

#endif
