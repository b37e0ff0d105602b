/* SPDX-License-Identifier: MIT */
/*
 * ELF32 loadable segments (System V gABI, "Program Header"): for every
 * PT_LOAD, p_filesz bytes from p_offset go to p_paddr. p_memsz beyond
 * p_filesz is .bss, zeroed by the start-up code, so it is not flashed.
 */
#include "qh_formats.h"

#include <stdio.h>

#define EI_NIDENT   16
#define ELFCLASS32  1
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define ELFDATA2MSB 2
#define PT_LOAD     1
#define EHDR32_SIZE 52
#define PHDR32_SIZE 32

struct elf_reader {
	const uint8_t *buf;
	int big_endian;
};

static uint32_t rd32(const struct elf_reader *r, size_t off)
{
	const uint8_t *p = r->buf + off;

	if (r->big_endian)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint16_t rd16(const struct elf_reader *r, size_t off)
{
	const uint8_t *p = r->buf + off;

	return r->big_endian ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static int check_ident(const uint8_t *buf, size_t len, const char *name, struct qh_error *e)
{
	if (len < EI_NIDENT || buf[0] != 0x7F || buf[1] != 'E' || buf[2] != 'L' || buf[3] != 'F')
		return qh_fail(e, QH_E_FORMAT, "%s: not an ELF file (bad magic)", name);
	if (buf[4] == ELFCLASS64)
		return qh_fail(e, QH_E_FORMAT,
		               "%s: 64-bit ELF; qdfu flashes 32-bit microcontroller images (ELF32)",
		               name);
	if (buf[4] != ELFCLASS32)
		return qh_fail(e, QH_E_FORMAT, "%s: bad ELF class %u", name, buf[4]);
	if (buf[5] != ELFDATA2LSB && buf[5] != ELFDATA2MSB)
		return qh_fail(e, QH_E_FORMAT, "%s: bad ELF data encoding %u", name, buf[5]);
	if (buf[6] != 1)
		return qh_fail(e, QH_E_FORMAT, "%s: bad ELF version %u", name, buf[6]);
	if (len < EHDR32_SIZE)
		return qh_fail(e, QH_E_FORMAT, "%s: truncated ELF header", name);
	return QH_OK;
}

static int load_phdr(const struct elf_reader *r, size_t len, size_t off, unsigned idx,
                     const char *name, struct qh_image *img, unsigned *nload, struct qh_error *e)
{
	uint32_t type = rd32(r, off), offset = rd32(r, off + 4), paddr = rd32(r, off + 12);
	uint32_t filesz = rd32(r, off + 16), memsz = rd32(r, off + 20);
	char origin[300];

	if (type != PT_LOAD || filesz == 0)
		return QH_OK;
	if ((uint64_t)offset + filesz > len)
		return qh_fail(e, QH_E_FORMAT,
		               "%s: program header %u: segment data (offset 0x%X, %u bytes) lies "
		               "beyond the end of the file (truncated?)",
		               name, idx, (unsigned)offset, (unsigned)filesz);
	if (filesz > memsz)
		return qh_fail(e, QH_E_FORMAT,
		               "%s: program header %u: p_filesz %u is larger than p_memsz %u", name,
		               idx, (unsigned)filesz, (unsigned)memsz);
	snprintf(origin, sizeof(origin), "%s: PT_LOAD %u", name, idx);
	(*nload)++;
	return qh_image_add(img, paddr, r->buf + offset, filesz, origin, e);
}

int qh_parse_elf(const uint8_t *buf, size_t len, const char *name, struct qh_image *img,
                 struct qh_error *e)
{
	struct elf_reader r = {.buf = buf};
	uint32_t phoff;
	uint16_t phentsize, phnum;
	unsigned nload = 0;
	int rc;

	name = name ? name : "elf";
	rc = check_ident(buf, len, name, e);
	if (rc)
		return rc;
	r.big_endian = buf[5] == ELFDATA2MSB;
	phoff = rd32(&r, 28);
	phentsize = rd16(&r, 42);
	phnum = rd16(&r, 44);
	if (phnum == 0)
		return qh_fail(e, QH_E_FORMAT,
		               "%s: no program headers (is it a relocatable .o "
		               "file? link it first)",
		               name);
	if (phentsize != PHDR32_SIZE)
		return qh_fail(e, QH_E_FORMAT, "%s: bad program header size %u (expected %u)", name,
		               phentsize, PHDR32_SIZE);
	if ((uint64_t)phoff + (uint64_t)phnum * PHDR32_SIZE > len)
		return qh_fail(e, QH_E_FORMAT,
		               "%s: program header table lies beyond the end of the file", name);
	for (unsigned i = 0; i < phnum; i++) {
		rc = load_phdr(&r, len, phoff + (size_t)i * PHDR32_SIZE, i, name, img, &nload, e);
		if (rc)
			return rc;
	}
	if (nload == 0)
		return qh_fail(e, QH_E_FORMAT, "%s: no loadable (PT_LOAD) segment with data", name);
	img->has_entry = 1;
	img->entry = rd32(&r, 24);
	return QH_OK;
}
