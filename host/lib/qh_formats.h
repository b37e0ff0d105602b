/* SPDX-License-Identifier: MIT */
/*
 * File formats: parsers from a memory buffer into a struct qh_image (pure:
 * no I/O, so they are unit-tested and fuzzed directly), the DfuSe writer,
 * and qh_load_file() which reads a file and picks the parser.
 */
#ifndef QH_FORMATS_H
#define QH_FORMATS_H

#include <stddef.h>
#include <stdint.h>

#include "qh_err.h"
#include "qh_image.h"

enum qh_format {
	QH_FMT_AUTO = 0,
	QH_FMT_IHEX,
	QH_FMT_SREC,
	QH_FMT_ELF,
	QH_FMT_DFUSE,
	QH_FMT_BIN,
};

const char *qh_format_name(enum qh_format f);

/* Intel HEX: record types 00-05, checksums, extended segment and linear
 * addresses, records in any order; an end-of-file record is required. */
int qh_parse_ihex(const uint8_t *buf, size_t len, const char *name, struct qh_image *img,
                  struct qh_error *e);
/* Motorola S-record: S0 header, S1/S2/S3 data, S5/S6 counts, S7/S8/S9 end. */
int qh_parse_srec(const uint8_t *buf, size_t len, const char *name, struct qh_image *img,
                  struct qh_error *e);
/* ELF32 (either byte order): the file bytes of every PT_LOAD segment at its
 * physical address (p_paddr, the load address a flasher must use). */
int qh_parse_elf(const uint8_t *buf, size_t len, const char *name, struct qh_image *img,
                 struct qh_error *e);

/* DfuSe (.dfu) file, UM0391: prefix, targets, elements, DFU suffix + CRC. */
#define QH_DFUSE_MAX_TARGETS 32
struct qh_dfuse_target {
	uint8_t alt;
	int named;
	char name[256];
	struct qh_image img;
};
struct qh_dfuse_file {
	uint16_t vid, pid, bcd_device;
	unsigned ntargets;
	struct qh_dfuse_target t[QH_DFUSE_MAX_TARGETS];
};
void qh_dfuse_free(struct qh_dfuse_file *f);
int qh_parse_dfuse(const uint8_t *buf, size_t len, const char *name, struct qh_dfuse_file *f,
                   struct qh_error *e);
/* Serialise f into a malloc'ed buffer (*out, *outlen). */
int qh_write_dfuse(const struct qh_dfuse_file *f, uint8_t **out, size_t *outlen,
                   struct qh_error *e);

/* Text writers (for `qdfu read -o x.hex` and test fixtures): malloc'ed
 * buffers. Intel HEX uses type 04 records and ends with 01; S-records use
 * S3 data with an S0 header and an S7 end record. */
int qh_write_ihex(const struct qh_image *img, uint8_t **out, size_t *outlen, struct qh_error *e);
int qh_write_srec(const struct qh_image *img, uint8_t **out, size_t *outlen, struct qh_error *e);

/* What qh_load_file() found. */
struct qh_file_info {
	enum qh_format format;
	size_t file_size;
	struct qh_dfuse_file *dfuse; /* only for QH_FMT_DFUSE, owned by the caller */
	/* DfuSe files: the device the DFU suffix names (0xFFFF: any) */
	uint16_t dfu_vid, dfu_pid;
};

/* The largest input qdfu reads (bytes): more than any image for the largest
 * supported board (2 MiB internal + 128 MiB external) takes as Intel HEX. */
#define QH_MAX_INPUT (512u * 1024u * 1024u)
/* The limit qh_read_file applies (QH_MAX_INPUT; tests lower it). */
extern size_t qh_input_limit;

/* A DfuSe file names the device it is for in its suffix (DFU 1.1 appendix
 * B, 0xFFFF = any): QH_E_USAGE naming both IDs when it is another one. */
int qh_check_dfu_ids(const struct qh_file_info *fi, const char *path, uint16_t vid, uint16_t pid,
                     struct qh_error *e);

/* Split "FILE@ADDRESS" (raw binary) into path and address. Returns 1 if the
 * spec has an @ADDRESS, 0 if not, negative on a malformed address. */
int qh_split_at_address(const char *spec, char *path, size_t pathlen, uint32_t *addr,
                        struct qh_error *e);
/* Parse a number: 0x hex, or decimal, with an optional K/M suffix. */
int qh_parse_u32(const char *s, uint32_t *out);
/* Parse an address like qh_parse_u32, but refuse one without 0x that looks
 * hexadecimal (hex letters, or eight digits: "90000000"), saying so. ctx
 * (may be NULL) starts the message, e.g. the FILE@ADDRESS argument. */
int qh_parse_address(const char *s, const char *ctx, uint32_t *out, struct qh_error *e);
/* Guess the format from the name's extension, then from the contents. */
enum qh_format qh_detect_format(const char *path, const uint8_t *buf, size_t len);
/* Read spec ("FILE" or "FILE@ADDRESS") and add its segments to img. If
 * fi->dfuse is non-NULL on entry, a .dfu file's targets are also kept there. */
int qh_load_file(const char *spec, enum qh_format fmt, struct qh_image *img,
                 struct qh_file_info *fi, struct qh_error *e);
/* The same from a buffer already in memory (the web page's file, a test):
 * path names the input in messages and picks the format by its extension;
 * has_addr/addr as FILE@ADDRESS. */
int qh_load_buffer(const char *path, int has_addr, uint32_t addr, const uint8_t *buf, size_t len,
                   enum qh_format fmt, struct qh_image *img, struct qh_file_info *fi,
                   struct qh_error *e);
/* Read a whole file into a malloc'ed buffer: regular files and pipes up to
 * QH_MAX_INPUT bytes; devices and directories are refused before reading. */
int qh_read_file(const char *path, uint8_t **buf, size_t *len, struct qh_error *e);
/* Write a buffer to a file (replacing it atomically: temp file + rename). */
int qh_write_file(const char *path, const uint8_t *buf, size_t len, struct qh_error *e);

#endif
