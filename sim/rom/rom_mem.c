/* SPDX-License-Identifier: MIT */
#include "sim/rom/rom_mem.h"

#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "hal/port.h"

#define PROG_MAX 4096u /* larger than any transfer size */

static struct {
	const struct rom_family *f;
	const struct board *b;
	uint8_t *axi, *dtcm;
	uint8_t sys_id[2], uid[12], flash_kib[2];
	/* flash job */
	enum { JOB_NONE, JOB_PROGRAM, JOB_ERASE } job;
	uint8_t prog[PROG_MAX + PORT_IFLASH_WORD];
	uint32_t base, addr, end; /* program: first word, next word, end */
	uint32_t sector, last;    /* erase: next sector, last sector */
	bool started;
	int result;
} m;

static uint32_t flash_bytes(void)
{
	return m.b->iflash_banks * m.b->iflash_sectors * m.b->iflash_sector_size;
}

int rom_mem_init(const struct rom_family *f, const struct board *b, uint8_t version,
                 const uint8_t uid[12])
{
	rom_mem_free();
	m.f = f;
	m.b = b;
	m.axi = malloc(f->axi.size);
	m.dtcm = malloc(f->dtcm.size);
	if (!m.axi || !m.dtcm) {
		rom_mem_free();
		return QDFU_E_NO_DEVICE;
	}
	/* power-on RAM holds noise, not zeros */
	for (uint32_t i = 0; i < f->axi.size; i++)
		m.axi[i] = (uint8_t)(i * 37u + 11u);
	for (uint32_t i = 0; i < f->dtcm.size; i++)
		m.dtcm[i] = (uint8_t)(i * 53u + 7u);
	m.sys_id[0] = 0xFFu; /* the ID is the second byte of its half-word */
	m.sys_id[1] = version;
	memcpy(m.uid, uid, sizeof(m.uid));
	uint32_t kib = flash_bytes() / 1024u;
	m.flash_kib[0] = (uint8_t)kib;
	m.flash_kib[1] = (uint8_t)(kib >> 8);
	return QDFU_OK;
}

void rom_mem_free(void)
{
	free(m.axi);
	free(m.dtcm);
	memset(&m, 0, sizeof(m));
}

static bool inside(const struct rom_range *r, uint32_t addr, uint32_t len)
{
	return addr >= r->base && len <= r->size && addr - r->base <= r->size - len;
}

static bool overlaps(const struct rom_range *r, uint32_t addr, uint32_t len)
{
	return len && addr < r->base + r->size && r->base < addr + len;
}

bool rom_mem_in_flash(uint32_t addr, uint32_t len)
{
	struct rom_range fl = {m.b->iflash_base, flash_bytes()};
	return inside(&fl, addr, len);
}

bool rom_mem_in_ram(uint32_t addr, uint32_t len)
{
	return inside(&m.f->axi, addr, len) || inside(&m.f->dtcm, addr, len);
}

const uint8_t *rom_mem_ram(uint32_t addr, uint32_t len)
{
	if (inside(&m.f->axi, addr, len))
		return m.axi + (addr - m.f->axi.base);
	if (inside(&m.f->dtcm, addr, len))
		return m.dtcm + (addr - m.f->dtcm.base);
	return NULL;
}

/* The few system-memory bytes the model knows; the rest reads as zero. */
static void read_sys(uint32_t addr, uint8_t *buf, uint32_t len)
{
	memset(buf, 0, len);
	const struct {
		uint32_t at;
		const uint8_t *p;
		uint32_t n;
	} known[] = {{m.f->boot_id_addr - 1u, m.sys_id, 2},
	             {m.f->uid_addr, m.uid, 12},
	             {m.f->flash_size_addr, m.flash_kib, 2}};
	for (unsigned k = 0; k < 3; k++)
		for (uint32_t i = 0; i < known[k].n; i++)
			if (known[k].at + i >= addr && known[k].at + i - addr < len)
				buf[known[k].at + i - addr] = known[k].p[i];
}

int rom_mem_read(uint32_t addr, uint8_t *buf, uint32_t len)
{
	struct rom_range sys = {ROM_SYS_BASE, ROM_SYS_SIZE}, ob = {ROM_OPTION_BYTES, 128u};
	/* UID .. FLASH_SIZE where they are outside system memory (H7A3/B3/B0) */
	struct rom_range info = {m.f->uid_addr, m.f->flash_size_addr + 2u - m.f->uid_addr};
	const uint8_t *ram = rom_mem_ram(addr, len);
	if (ram) {
		memcpy(buf, ram, len);
		return ROM_MEM_OK;
	}
	if (rom_mem_in_flash(addr, len))
		return port_iflash_read(addr, buf, len) == QDFU_OK ? ROM_MEM_OK
		                                                   : ROM_MEM_FLASH_ERROR;
	if (inside(&sys, addr, len) || inside(&info, addr, len)) {
		read_sys(addr, buf, len);
		return ROM_MEM_OK;
	}
	if (inside(&ob, addr, len)) {
		memset(buf, 0xFF, len); /* not modelled: reads as unprogrammed */
		return ROM_MEM_OK;
	}
	return ROM_MEM_BAD_ADDRESS;
}

int rom_mem_write_ram(uint32_t addr, const uint8_t *data, uint32_t len)
{
	uint8_t *ram = (uint8_t *)(uintptr_t)rom_mem_ram(addr, len);
	if (!ram)
		return ROM_MEM_BAD_ADDRESS;
	memcpy(ram, data, len);
	for (unsigned i = 0; i < 2; i++)
		if (overlaps(&m.f->used[i], addr, len))
			return ROM_MEM_CRASH; /* its stack and variables are gone */
	return ROM_MEM_OK;
}

int rom_mem_flash_program(uint32_t addr, const uint8_t *data, uint32_t len)
{
	uint32_t word = board_iflash_word(m.b->family);
	uint32_t pre = addr % word;
	if (len > PROG_MAX || !rom_mem_in_flash(addr, len))
		return ROM_MEM_BAD_ADDRESS;
	memset(m.prog, 0xFF, sizeof(m.prog));
	memcpy(m.prog + pre, data, len);
	m.base = m.addr = addr - pre;
	m.end = addr + len;
	m.end += (word - m.end % word) % word;
	m.job = JOB_PROGRAM;
	m.started = false;
	m.result = ROM_MEM_BUSY;
	return ROM_MEM_OK;
}

int rom_mem_flash_erase(uint32_t addr, bool mass)
{
	uint32_t n = m.b->iflash_banks * m.b->iflash_sectors;
	if (!mass && !rom_mem_in_flash(addr, 1))
		return ROM_MEM_BAD_ADDRESS;
	m.sector = mass ? 0 : (addr - m.b->iflash_base) / m.b->iflash_sector_size;
	m.last = mass ? n - 1u : m.sector;
	m.job = JOB_ERASE;
	m.started = false;
	m.result = ROM_MEM_BUSY;
	return ROM_MEM_OK;
}

/* One step of the job: start the next word or sector once the last one
 * finished. */
static int step(void)
{
	if (m.started) {
		int r = port_iflash_poll();
		if (r == QDFU_E_BUSY)
			return ROM_MEM_BUSY;
		if (r != QDFU_OK)
			return ROM_MEM_FLASH_ERROR;
		m.started = false;
		if (m.job == JOB_PROGRAM)
			m.addr += board_iflash_word(m.b->family);
		else
			m.sector++;
	}
	bool done = m.job == JOB_PROGRAM ? m.addr >= m.end : m.sector > m.last;
	if (done)
		return ROM_MEM_OK;
	int r = m.job == JOB_PROGRAM ? port_iflash_program_start(m.addr, m.prog + (m.addr - m.base))
	                             : port_iflash_erase_start(m.sector);
	if (r != QDFU_OK)
		return ROM_MEM_FLASH_ERROR;
	m.started = true;
	return ROM_MEM_BUSY;
}

int rom_mem_flash_poll(void)
{
	if (m.job == JOB_NONE || m.result != ROM_MEM_BUSY)
		return m.job == JOB_NONE ? ROM_MEM_OK : m.result;
	m.result = step();
	if (m.result != ROM_MEM_BUSY)
		m.job = m.result == ROM_MEM_OK ? JOB_NONE : m.job;
	return m.result;
}
