/* SPDX-License-Identifier: MIT */
/* Reading files, picking the parser, "FILE@ADDRESS" for raw binaries. */
#define _POSIX_C_SOURCE 200809L
#include "qh_formats.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

const char *qh_format_name(enum qh_format f)
{
	switch (f) {
	case QH_FMT_IHEX:
		return "Intel HEX";
	case QH_FMT_SREC:
		return "S-record";
	case QH_FMT_ELF:
		return "ELF";
	case QH_FMT_DFUSE:
		return "DfuSe";
	case QH_FMT_BIN:
		return "binary";
	default:
		return "unknown";
	}
}

int qh_parse_u32(const char *s, uint32_t *out)
{
	unsigned long long v = 0;
	int base = 10, digits = 0;

	if (!s || !*s)
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; *s; s++) {
		int d;
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			break;
		v = v * (unsigned)base + (unsigned)d;
		if (v > 0xFFFFFFFFull)
			return -1;
		digits++;
	}
	if (!digits)
		return -1;
	if (*s == 'K' || *s == 'k') {
		v *= 1024;
		s++;
	} else if (*s == 'M' || *s == 'm') {
		v *= 1024 * 1024;
		s++;
	}
	if (*s || v > 0xFFFFFFFFull)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int qh_parse_address(const char *s, const char *ctx, uint32_t *out, struct qh_error *e)
{
	const char *sep = ctx ? ": " : "";
	size_t digits = 0, letters = 0, len = s ? strlen(s) : 0;

	ctx = ctx ? ctx : "";
	for (size_t i = 0; i < len; i++) {
		digits += s[i] >= '0' && s[i] <= '9';
		letters += (s[i] >= 'a' && s[i] <= 'f') || (s[i] >= 'A' && s[i] <= 'F');
	}
	/* Only hex digits, and either a hex letter or the eight digits 32-bit
	 * addresses are written with in hex (90000000, 08020000): as decimal
	 * they are almost never meant. */
	if (len && digits + letters == len && (letters || digits == 8)) {
		qh_fail(e, QH_E_USAGE,
		        "%s%saddress '%s' looks hexadecimal but has no 0x prefix (numbers without "
		        "it are decimal)",
		        ctx, sep, s);
		qh_hint(e, "write 0x%s", s);
		return QH_E_USAGE;
	}
	if (qh_parse_u32(s, out) != 0) {
		qh_fail(e, QH_E_USAGE, "%s%sbad address '%s'", ctx, sep, s ? s : "");
		qh_hint(e, "addresses are 0x hex (0x08020000), or decimal with an optional K/M "
		           "suffix");
		return QH_E_USAGE;
	}
	return QH_OK;
}

int qh_split_at_address(const char *spec, char *path, size_t pathlen, uint32_t *addr,
                        struct qh_error *e)
{
	const char *at = strrchr(spec, '@');
	size_t n;

	if (!at || strchr(at, '/')) {
		snprintf(path, pathlen, "%s", spec);
		return 0;
	}
	if (qh_parse_address(at + 1, spec, addr, e) != 0)
		return QH_E_USAGE;
	n = (size_t)(at - spec);
	if (n + 1 > pathlen)
		return qh_fail(e, QH_E_USAGE, "%s: path too long", spec);
	memcpy(path, spec, n);
	path[n] = '\0';
	return 1;
}

static int has_ext(const char *path, const char *const *exts)
{
	const char *dot = strrchr(path, '.');

	if (!dot)
		return 0;
	for (; *exts; exts++)
		if (strcasecmp(dot + 1, *exts) == 0)
			return 1;
	return 0;
}

enum qh_format qh_detect_format(const char *path, const uint8_t *buf, size_t len)
{
	static const char *const hex[] = {"hex", "ihex", "ihx", "h86", NULL};
	static const char *const srec[] = {"srec", "s19", "s28", "s37", "mot", "sx", "s", NULL};
	static const char *const elf[] = {"elf", "axf", "out", NULL};
	static const char *const dfu[] = {"dfu", NULL};
	static const char *const bin[] = {"bin", "raw", "img", NULL};

	/* Contents first when they are unmistakable. */
	if (len >= 4 && buf[0] == 0x7F && buf[1] == 'E' && buf[2] == 'L' && buf[3] == 'F')
		return QH_FMT_ELF;
	if (len >= 5 && memcmp(buf, "DfuSe", 5) == 0)
		return QH_FMT_DFUSE;
	if (has_ext(path, hex))
		return QH_FMT_IHEX;
	if (has_ext(path, srec))
		return QH_FMT_SREC;
	if (has_ext(path, elf))
		return QH_FMT_ELF;
	if (has_ext(path, dfu))
		return QH_FMT_DFUSE;
	if (has_ext(path, bin))
		return QH_FMT_BIN;
	if (len >= 1 && buf[0] == ':')
		return QH_FMT_IHEX;
	if (len >= 2 && buf[0] == 'S' && buf[1] >= '0' && buf[1] <= '9')
		return QH_FMT_SREC;
	return QH_FMT_AUTO;
}

size_t qh_input_limit = QH_MAX_INPUT;

/* Refuse what is not a firmware file before reading a byte of it. */
static int check_input(FILE *f, const char *path, struct qh_error *e)
{
	struct stat st;

	if (fstat(fileno(f), &st) != 0)
		return qh_fail(e, QH_E_IO, "cannot stat %s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return qh_fail(e, QH_E_USAGE, "%s is a directory, not a firmware file", path);
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
		qh_fail(e, QH_E_USAGE, "%s is a device, not a firmware file", path);
		qh_hint(e, "give the image to flash, e.g. build/app.hex or app.bin@0x08020000");
		return QH_E_USAGE;
	}
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > qh_input_limit) {
		qh_fail(e, QH_E_USAGE,
		        "%s is %llu MiB: larger than any image for any supported board (qdfu "
		        "reads at most %u MiB)",
		        path, (unsigned long long)st.st_size >> 20,
		        (unsigned)(qh_input_limit >> 20));
		qh_hint(e, "check the file name; a raw binary holds one memory's contents");
		return QH_E_USAGE;
	}
	return QH_OK;
}

int qh_read_file(const char *path, uint8_t **buf, size_t *len, struct qh_error *e)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p = NULL;
	size_t n = 0, cap = 0;
	int rc;

	if (!f)
		return qh_fail(e, QH_E_IO, "cannot open %s: %s", path, strerror(errno));
	rc = check_input(f, path, e);
	if (rc) {
		fclose(f);
		return rc;
	}
	for (;;) {
		size_t got;
		uint8_t probe;
		if (n == qh_input_limit && fread(&probe, 1, 1, f) == 0)
			break; /* exactly the limit, then the end */
		if (n == qh_input_limit) {
			/* a pipe that does not end, or a file that grows */
			free(p);
			fclose(f);
			return qh_fail(e, QH_E_USAGE,
			               "%s: more than %u MiB and still going; no image for a "
			               "supported board is that large, so qdfu stops here",
			               path, (unsigned)(qh_input_limit >> 20));
		}
		if (n == cap) {
			uint8_t *q;
			cap = cap ? cap * 2 : 65536;
			if (cap > qh_input_limit)
				cap = qh_input_limit;
			q = realloc(p, cap);
			if (!q) {
				free(p);
				fclose(f);
				return qh_fail(e, QH_E_NOMEM, "out of memory reading %s", path);
			}
			p = q;
		}
		got = fread(p + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		int err = errno;
		free(p);
		fclose(f);
		return qh_fail(e, QH_E_IO, "cannot read %s: %s", path, strerror(err));
	}
	fclose(f);
	*buf = p;
	*len = n;
	return QH_OK;
}

int qh_write_file(const char *path, const uint8_t *buf, size_t len, struct qh_error *e)
{
	char tmp[4096];
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return qh_fail(e, QH_E_IO, "path too long: %s", path);
	f = fopen(tmp, "wb");
	if (!f)
		return qh_fail(e, QH_E_IO, "cannot create %s: %s", tmp, strerror(errno));
	if (fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
		int err = errno;
		remove(tmp);
		return qh_fail(e, QH_E_IO, "cannot write %s: %s", tmp, strerror(err));
	}
	if (rename(tmp, path) != 0) {
		int err = errno;
		remove(tmp);
		return qh_fail(e, QH_E_IO, "cannot rename %s to %s: %s", tmp, path, strerror(err));
	}
	return QH_OK;
}

static int load_dfuse(const uint8_t *buf, size_t len, const char *path, struct qh_image *img,
                      struct qh_file_info *fi, struct qh_error *e)
{
	struct qh_dfuse_file *f = fi->dfuse ? fi->dfuse : malloc(sizeof(*f));
	int rc;

	if (!f)
		return qh_fail(e, QH_E_NOMEM, "out of memory");
	rc = qh_parse_dfuse(buf, len, path, f, e);
	if (rc == 0) {
		fi->dfu_vid = f->vid;
		fi->dfu_pid = f->pid;
	}
	for (unsigned i = 0; rc == 0 && i < f->ntargets; i++)
		rc = qh_image_merge(img, &f->t[i].img, path, e);
	if (rc || !fi->dfuse) {
		qh_dfuse_free(f);
		if (!fi->dfuse)
			free(f);
	}
	return rc;
}

static int parse_buffer(enum qh_format fmt, const uint8_t *buf, size_t len, const char *path,
                        uint32_t addr, struct qh_image *img, struct qh_file_info *fi,
                        struct qh_error *e)
{
	struct qh_image tmp;
	int rc;

	if (fmt == QH_FMT_DFUSE)
		return load_dfuse(buf, len, path, img, fi, e);
	if (fmt == QH_FMT_BIN)
		return qh_image_add(img, addr, buf, len, path, e);
	/* Parse into a private image first: overlaps inside one file are
	 * reported against the file's own line, then the result merges. */
	qh_image_init(&tmp);
	if (fmt == QH_FMT_IHEX)
		rc = qh_parse_ihex(buf, len, path, &tmp, e);
	else if (fmt == QH_FMT_SREC)
		rc = qh_parse_srec(buf, len, path, &tmp, e);
	else
		rc = qh_parse_elf(buf, len, path, &tmp, e);
	if (rc == 0)
		rc = qh_image_merge(img, &tmp, path, e);
	qh_image_free(&tmp);
	return rc;
}

int qh_check_dfu_ids(const struct qh_file_info *fi, const char *path, uint16_t vid, uint16_t pid,
                     struct qh_error *e)
{
	if (fi->format != QH_FMT_DFUSE)
		return QH_OK;
	if ((fi->dfu_vid == 0xFFFF || fi->dfu_vid == vid) &&
	    (fi->dfu_pid == 0xFFFF || fi->dfu_pid == pid))
		return QH_OK;
	qh_fail(e, QH_E_USAGE,
	        "%s is for USB device %04x:%04x (its DFU suffix says so), this device is "
	        "%04x:%04x",
	        path, fi->dfu_vid, fi->dfu_pid, vid, pid);
	qh_hint(e, "check that this is the right file for this board; --force flashes it anyway");
	return QH_E_USAGE;
}

int qh_load_buffer(const char *path, int has_addr, uint32_t addr, const uint8_t *buf, size_t len,
                   enum qh_format fmt, struct qh_image *img, struct qh_file_info *fi,
                   struct qh_error *e)
{
	struct qh_file_info dummy = {0};
	int rc;

	if (!fi)
		fi = &dummy;
	fi->file_size = len;
	if (fmt == QH_FMT_AUTO) {
		fmt = qh_detect_format(path, buf, len);
		/* FILE@ADDRESS makes anything without its own addresses a raw binary. */
		if (has_addr && (fmt == QH_FMT_AUTO || fmt == QH_FMT_BIN))
			fmt = QH_FMT_BIN;
	}
	fi->format = fmt;
	if (fmt == QH_FMT_AUTO)
		rc = qh_fail(
		    e, QH_E_FORMAT,
		    "%s: unknown file format (not Intel HEX, S-record, ELF or DfuSe); for a "
		    "raw binary give its address: %s@0x08020000",
		    path, path);
	else if (fmt == QH_FMT_BIN && !has_addr)
		rc = qh_fail(e, QH_E_USAGE,
		             "%s: a raw binary has no address; write it as %s@ADDRESS, e.g. "
		             "%s@0x08020000",
		             path, path, path);
	else if (fmt != QH_FMT_BIN && has_addr)
		rc = qh_fail(e, QH_E_USAGE,
		             "%s: @ADDRESS only applies to raw binaries; a %s file carries its own "
		             "addresses",
		             path, qh_format_name(fmt));
	else if (len == 0 && fmt == QH_FMT_BIN)
		rc = qh_fail(e, QH_E_FORMAT, "%s: empty file", path);
	else
		rc = parse_buffer(fmt, buf, len, path, addr, img, fi, e);
	return rc;
}

int qh_load_file(const char *spec, enum qh_format fmt, struct qh_image *img,
                 struct qh_file_info *fi, struct qh_error *e)
{
	char path[4096];
	uint32_t addr = 0;
	uint8_t *buf = NULL;
	size_t len = 0;
	int has_addr, rc;

	has_addr = qh_split_at_address(spec, path, sizeof(path), &addr, e);
	if (has_addr < 0)
		return has_addr;
	rc = qh_read_file(path, &buf, &len, e);
	if (rc)
		return rc;
	rc = qh_load_buffer(path, has_addr, addr, buf, len, fmt, img, fi, e);
	free(buf);
	return rc;
}
