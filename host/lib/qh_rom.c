/* SPDX-License-Identifier: MIT */
#include "qh_rom.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qh_formats.h"
#include "qh_ops.h"

struct rom_version {
	uint8_t id;
	int leave_works;
	const char *what;
};

/* ROM families by their alt 0 layout (facts "st-rom-dfu", Layout strings),
 * where each keeps its bootloader ID and FLASH_SIZE (AN2606 Table 3; CMSIS
 * FLASHSIZE_BASE) and the IDs AN2606 lists (Tables 134, 136, 138) and
 * public reports show. "leave works" to RAM is shown publicly for none of
 * them: assumed from AN2606 Table 5 (RAM is a Go target) except where the
 * leave is known broken. */
static const struct rom_version h74x_versions[] = {
    {0x90, 0, "V9.0 (early revision V)"},
    {0x91, 1, "V9.1 (revision V)"},
    {0x92, 1, "V9.2"},
    {0xD2, 1, "0xD2 (revision Y)"},
};
static const struct rom_version h72x_versions[] = {
    {0x91, 1, "V9.1"},
    {0x92, 1, "V9.2"},
    {0x93, 1, "V9.3"},
};
static const struct rom_version h7ab_versions[] = {
    {0x90, 1, "V9.0"},
    {0x91, 1, "V9.1"},
    {0x92, 1, "V9.2"},
};
#define VERSIONS(v) v, sizeof(v) / sizeof(v[0])

static const struct rom_line {
	const char *zones[2]; /* the sector lists after the base address */
	const char *family;
	uint32_t boot_id_addr, flash_size_addr;
	const struct rom_version *versions;
	size_t nversions;
	const char *known; /* for the "unknown version" hint */
} rom_lines[] = {
    {{"16*128Kg", NULL},
     "STM32H74x/H75x",
     QH_ROM_BOOT_ID_ADDR,
     QH_ROM_FLASH_SIZE_ADDR,
     VERSIONS(h74x_versions),
     "0x90 (V9.0, broken leave), 0x91, 0x92, 0xD2"},
    {{"8*128Kg", NULL},
     "STM32H72x/H73x",
     QH_ROM_BOOT_ID_ADDR,
     QH_ROM_FLASH_SIZE_ADDR,
     VERSIONS(h72x_versions),
     "0x91, 0x92, 0x93"},
    /* V9.0 prints 256 x 2 KB (AN2606 Table 138) */
    {{"256*08Kg", "256*02Kg"},
     "STM32H7A3/B3/B0",
     0x1FF13FFEu,
     0x08FFF80Cu,
     VERSIONS(h7ab_versions),
     "0x90, 0x91, 0x92"},
};

static const struct rom_line *line_of(const char *family)
{
	for (size_t i = 0; i < sizeof(rom_lines) / sizeof(rom_lines[0]); i++)
		if (strcmp(family, rom_lines[i].family) == 0)
			return &rom_lines[i];
	return NULL;
}

static const char *layout_tail(const char *name)
{
	/* "@Internal Flash   /0x08000000/16*128Kg": after the second '/' */
	const char *p = strchr(name, '/');
	p = p ? strchr(p + 1, '/') : NULL;
	return p ? p + 1 : "";
}

static int find_family(const struct qh_dev_info *info, struct qh_rom_info *ri)
{
	for (unsigned a = 0; a < info->nalts; a++) {
		const char *tail = layout_tail(info->alts[a].name);
		if (strncmp(info->alts[a].name, "@Internal Flash", 15) != 0)
			continue;
		for (size_t i = 0; i < sizeof(rom_lines) / sizeof(rom_lines[0]); i++)
			for (unsigned z = 0; z < 2; z++)
				if (rom_lines[i].zones[z] &&
				    strcmp(tail, rom_lines[i].zones[z]) == 0) {
					snprintf(ri->family, sizeof(ri->family), "%s",
					         rom_lines[i].family);
					return 0;
				}
	}
	return -1;
}

/* UPLOAD n bytes at addr (DfuSe: SET_ADDRESS, UPLOAD wBlockNum 2). */
static int rom_read(struct qh_dev *d, uint32_t addr, uint8_t *buf, uint16_t n)
{
	int rc = qh_dfu_make_idle(d, NULL);
	if (rc == 0)
		rc = qh_dfuse_set_address(d, addr, NULL);
	/* UPLOAD starts from dfuIDLE (DFU 1.1 A.1): leave dfuDNLOAD-IDLE first */
	if (rc == 0)
		rc = qh_dfu_make_idle(d, NULL);
	if (rc == 0)
		rc = qh_dfu_upload(d, 2, buf, n, NULL);
	(void)qh_dfu_make_idle(d, NULL);
	return rc == n ? 0 : -1;
}

int qh_rom_identify(struct qh_dev *d, struct qh_rom_info *ri, struct qh_error *e)
{
	uint8_t b[2];
	memset(ri, 0, sizeof(*ri));
	if (find_family(&d->info, ri) != 0) {
		qh_fail(e, QH_E_UNSUPPORTED,
		        "%s: an ST ROM bootloader whose internal flash layout qdfu does not know",
		        d->info.path);
		qh_hint(e,
		        "zero install supports the STM32H74x/H75x, H72x/H73x and H7A3/B3/B0 ROMs "
		        "(an H72x/H73x ROM V9.1 prints a wrong layout); use an SWD probe, or "
		        "install qdfu's resident bootloader with STM32CubeProgrammer");
		return QH_E_UNSUPPORTED;
	}
	const struct rom_line *l = line_of(ri->family);
	if (rom_read(d, l->boot_id_addr, b, 1) == 0) {
		ri->have_boot_id = 1;
		ri->boot_id = b[0];
	}
	if (rom_read(d, l->flash_size_addr, b, 2) == 0)
		ri->iflash_bytes = (uint32_t)(b[0] | b[1] << 8) * 1024u;
	return QH_OK;
}

int qh_rom_check_version(const struct qh_rom_info *ri, struct qh_error *e)
{
	const struct rom_line *l = line_of(ri->family);
	if (!ri->have_boot_id)
		return QH_OK; /* unreadable: try, and say what went wrong if it hangs */
	for (size_t i = 0; l && i < l->nversions; i++) {
		const struct rom_version *v = &l->versions[i];
		if (v->id != ri->boot_id)
			continue;
		if (v->leave_works)
			return QH_OK;
		qh_fail(e, QH_E_UNSUPPORTED,
		        "this %s has ST's ROM bootloader %s, which cannot start code from RAM "
		        "(its DFU leave is broken): zero install is impossible on it; nothing "
		        "was changed",
		        ri->family, v->what);
		qh_hint(e, "install qdfu's resident bootloader instead (qdfu install --board NAME, "
		           "then set BOOT0 low and reset), or flash with an SWD probe");
		return QH_E_UNSUPPORTED;
	}
	qh_fail(e, QH_E_UNSUPPORTED,
	        "unknown ST ROM bootloader version 0x%02X on this %s: qdfu does not know whether "
	        "it can start code from RAM; nothing was changed",
	        ri->boot_id, ri->family);
	qh_hint(e,
	        "known versions of this ROM: %s; please report this one; meanwhile use qdfu "
	        "install or an SWD probe",
	        l ? l->known : "none");
	return QH_E_UNSUPPORTED;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int find_record(const uint8_t *data, size_t len, struct qdfu_flasher_id *id)
{
	for (size_t off = 0; off + sizeof(*id) <= len && off < QDFU_FLASHER_SCAN; off += 4) {
		if (memcmp(data + off, QDFU_FLASHER_MAGIC, QDFU_FLASHER_MAGIC_LEN) != 0)
			continue;
		memcpy(id, data + off, sizeof(*id));
		id->version = le32(data + off + offsetof(struct qdfu_flasher_id, version));
		id->load_addr = le32(data + off + offsetof(struct qdfu_flasher_id, load_addr));
		id->max_size = le32(data + off + offsetof(struct qdfu_flasher_id, max_size));
		id->iflash_bytes =
		    le32(data + off + offsetof(struct qdfu_flasher_id, iflash_bytes));
		id->board[sizeof(id->board) - 1] = '\0';
		id->family[sizeof(id->family) - 1] = '\0';
		return 0;
	}
	return -1;
}

/* A vector table at the image's start: SP within the flasher's RAM, the
 * reset handler Thumb and inside the image. */
static int vectors_ok(const struct qh_flasher *f)
{
	uint32_t sp = le32(f->data), pc = le32(f->data + 4);
	uint32_t lo = f->id.load_addr, hi = f->id.load_addr + f->id.max_size;
	return sp > lo && sp <= hi && (pc & 1u) && (pc & ~1u) >= lo && (pc & ~1u) < lo + f->len;
}

int qh_flasher_parse(const uint8_t *data, size_t len, const char *what, struct qh_flasher *f,
                     struct qh_error *e)
{
	memset(f, 0, sizeof(*f));
	if (len < 8 || find_record(data, len, &f->id) != 0)
		return qh_fail(e, QH_E_FORMAT,
		               "%s is not a qdfu flasher image (no identity record in its first "
		               "%u bytes)",
		               what, QDFU_FLASHER_SCAN);
	if (f->id.version != QDFU_FLASHER_VERSION)
		return qh_fail(e, QH_E_FORMAT, "%s: flasher record version %u, this qdfu knows %u",
		               what, (unsigned)f->id.version, QDFU_FLASHER_VERSION);
	if (len > f->id.max_size)
		return qh_fail(e, QH_E_FORMAT, "%s: %zu bytes, more than the %u its RAM holds",
		               what, len, (unsigned)f->id.max_size);
	f->data = malloc(len);
	if (!f->data)
		return qh_fail(e, QH_E_NOMEM, "out of memory");
	memcpy(f->data, data, len);
	f->len = len;
	if (!vectors_ok(f)) {
		qh_flasher_free(f);
		return qh_fail(e, QH_E_FORMAT, "%s: no valid vector table at its start", what);
	}
	return QH_OK;
}

int qh_flasher_load(const char *path, struct qh_flasher *f, struct qh_error *e)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc = qh_read_file(path, &buf, &len, e);
	if (rc)
		return rc;
	rc = qh_flasher_parse(buf, len, path, f, e);
	free(buf);
	return rc;
}

void qh_flasher_free(struct qh_flasher *f)
{
	free(f->data);
	f->data = NULL;
	f->len = 0;
}

int qh_rom_check_flasher(const struct qh_rom_info *ri, const struct qh_flasher *f,
                         const char *board, struct qh_error *e)
{
	if (board && strcmp(board, f->id.board) != 0)
		return qh_fail(e, QH_E_USAGE, "the flasher image is for '%s', not for '%s'",
		               f->id.board, board);
	if (strcmp(ri->family, f->id.family) != 0) {
		qh_fail(
		    e, QH_E_UNSUPPORTED,
		    "the flasher for %s runs on %s, but this ROM is an %s's; nothing was changed",
		    f->id.board, f->id.family, ri->family);
		qh_hint(e, "check --board");
		return QH_E_UNSUPPORTED;
	}
	if (ri->iflash_bytes && f->id.iflash_bytes && ri->iflash_bytes != f->id.iflash_bytes) {
		qh_fail(
		    e, QH_E_UNSUPPORTED,
		    "this MCU has %u KiB of internal flash, but %s's has %u KiB: not that board; "
		    "nothing was changed",
		    (unsigned)(ri->iflash_bytes / 1024u), f->id.board,
		    (unsigned)(f->id.iflash_bytes / 1024u));
		qh_hint(e, "check --board");
		return QH_E_UNSUPPORTED;
	}
	return QH_OK;
}

int qh_rom_start_flasher(struct qh_dev *d, const struct qh_flasher *f, struct qh_error *e)
{
	uint16_t xfer = qh_dev_xfer_size(&d->info);
	struct qh_dfu_status st;
	int rc = qh_dfu_make_idle(d, e);
	if (rc == 0)
		rc = qh_dfuse_set_address(d, f->id.load_addr, e);
	/* AN3156 6.3.3: block n lands at the pointer + (n - 2) * wTransferSize */
	for (size_t off = 0; rc == 0 && off < f->len; off += xfer) {
		size_t n = f->len - off < xfer ? f->len - off : xfer;
		uint16_t block = (uint16_t)(2u + off / xfer);
		rc = qh_dfu_dnload(d, block, f->data + off, (uint16_t)n, e);
		if (rc == 0)
			rc = qh_dfu_wait(d, d->op_timeout_ms, "loading the flasher into RAM", &st,
			                 e);
		if (d->progress)
			d->progress(d->progress_ud, "load", off + n, f->len);
	}
	if (rc)
		return qh_fail(e, rc, "loading the flasher into the ROM's RAM at 0x%08X failed",
		               (unsigned)f->id.load_addr);
	return qh_dfuse_leave(d, f->id.load_addr, e);
}

void qh_flasher_file_name(const char *board, char *out, size_t cap)
{
	snprintf(out, cap, "qdfu-flasher-%s.bin", board);
}

/* Before anything reaches the board: the image must lie in internal flash
 * (as big as the ROM says) or the QSPI window. */
int qh_rom_check_image(const struct qh_rom_info *ri, const struct qh_flasher *f,
                       const struct qh_image *img, struct qh_error *e)
{
	uint32_t iflash = ri->iflash_bytes ? ri->iflash_bytes : f->id.iflash_bytes;
	for (size_t i = 0; img && i < img->n; i++) {
		uint32_t a = img->seg[i].addr;
		uint64_t end = (uint64_t)a + img->seg[i].len - 1u;
		int in_flash = a >= 0x08000000u && (!iflash || end < 0x08000000ull + iflash);
		int in_qspi = a >= QH_QSPI_WINDOW_BASE && end <= QH_QSPI_WINDOW_LAST;
		if (!in_flash && !in_qspi) {
			qh_fail(
			    e, QH_E_MAP,
			    "0x%08X-0x%08X is neither in this board's internal flash (%u KiB) nor "
			    "in the QSPI window: nothing was changed",
			    (unsigned)a, (unsigned)end, (unsigned)(iflash / 1024u));
			qh_hint(e, "check the image's addresses (qdfu info FILE) and --board");
			return QH_E_MAP;
		}
	}
	return QH_OK;
}
