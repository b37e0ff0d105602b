/* SPDX-License-Identifier: MIT */
/*
 * port_iflash_* on the internal flash model. Mirrors what the STM32H7
 * driver guarantees: the bootloader's own sector is never erased or
 * programmed, operations are started then polled, reads of a word with a
 * broken ECC report QDFU_E_ECC.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>

#include "common/err.h"
#include "sim/clock/vclock.h"
#include "sim/h7/h7_iflash.h"
#include "sim/port/simport_internal.h"
#include "hal/port.h"

static struct {
	const struct board *b;
	struct h7_iflash *f;
	int pending[2];   /* result of each bank's running operation */
	unsigned last;    /* bank of the operation started last */
	bool off;         /* no supply (power cut) */
	unsigned refused; /* operations the port had to refuse (see below) */
} s;

/* Requests for the bootloader's sector or outside the array: the layers
 * above must never send them (fuzz targets check it stays 0). */
unsigned simport_iflash_refused(void)
{
	return s.refused;
}

static char *state_path(const char *dir, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/internal.bin", dir);
	return buf;
}

int simport_iflash_setup(const struct board *b, const char *state_dir)
{
	char path[4096];
	simport_iflash_teardown();
	s.b = b;
	s.f = h7_iflash_create(b->iflash_base, b->iflash_sector_size,
	                       b->iflash_banks * b->iflash_sectors, board_iflash_word(b->family));
	if (!s.f || s.off)
		return QDFU_E_NO_DEVICE;
	h7_iflash_set_banks(s.f, b->iflash_sectors);
	if (state_dir && h7_iflash_load(s.f, state_path(state_dir, path, sizeof(path))) != 0)
		return QDFU_E_CORRUPT;
	return QDFU_OK;
}

int simport_iflash_save(const char *state_dir)
{
	char path[4096];
	if (!s.f || !state_dir)
		return QDFU_OK;
	return h7_iflash_save(s.f, state_path(state_dir, path, sizeof(path))) ? QDFU_E_PARAM
	                                                                      : QDFU_OK;
}

void simport_iflash_teardown(void)
{
	h7_iflash_destroy(s.f);
	s.f = NULL;
	s.pending[0] = s.pending[1] = QDFU_OK;
}

void simport_iflash_power(bool on)
{
	s.off = !on;
}

struct h7_iflash *simport_iflash_model(void)
{
	return s.f;
}

struct h7_iflash *simport_iflash_swap(struct h7_iflash *f)
{
	struct h7_iflash *old = s.f;
	s.f = f;
	if (f && s.b)
		h7_iflash_set_banks(f, s.b->iflash_sectors); /* as simport_iflash_setup */
	s.pending[0] = s.pending[1] = QDFU_OK;
	return old;
}

static bool protected_addr(uint32_t addr)
{
	return addr - s.b->iflash_base < s.b->bootloader_size;
}

int port_iflash_erase_start(uint32_t sector)
{
	if (!s.f || s.off)
		return QDFU_E_NO_DEVICE;
	if (sector * s.b->iflash_sector_size < s.b->bootloader_size) {
		s.refused++;
		return QDFU_E_PROTECTED;
	}
	unsigned bank = h7_iflash_bank_of(s.f, sector * s.b->iflash_sector_size);
	if (h7_iflash_bank_busy(s.f, bank))
		return QDFU_E_BUSY;
	s.pending[bank] = h7_iflash_erase(s.f, sector) ? QDFU_E_ERASE : QDFU_OK;
	s.refused += s.pending[bank] != QDFU_OK;
	s.last = bank;
	return QDFU_OK;
}

int port_iflash_program_start(uint32_t addr, const uint8_t word[PORT_IFLASH_WORD])
{
	if (!s.f || s.off)
		return QDFU_E_NO_DEVICE;
	if (protected_addr(addr) || addr % board_iflash_word(s.b->family)) {
		s.refused++;
		return protected_addr(addr) ? QDFU_E_PROTECTED : QDFU_E_PARAM;
	}
	unsigned bank = h7_iflash_bank_of(s.f, addr - s.b->iflash_base);
	if (h7_iflash_bank_busy(s.f, bank))
		return QDFU_E_BUSY;
	s.pending[bank] = h7_iflash_program(s.f, addr, word) ? QDFU_E_PROGRAM : QDFU_OK;
	s.refused += s.pending[bank] != QDFU_OK;
	s.last = bank;
	return QDFU_OK;
}

/* As the bootloader image (firmware/port/stm32h7/main.c): 128 KiB. The
 * flasher board has no bootloader sector, and region_iflash.c then takes
 * none, as the flasher image has none. */
static uint8_t stage[128u * 1024u];

uint8_t *port_iflash_stage(uint32_t *size)
{
	*size = sizeof(stage);
	return stage;
}

int port_iflash_poll_bank(unsigned bank)
{
	if (!s.f || s.off)
		return QDFU_E_NO_DEVICE;
	bank = bank ? 1u : 0u;
	if (h7_iflash_bank_busy(s.f, bank))
		return QDFU_E_BUSY;
	return s.pending[bank];
}

int port_iflash_poll(void)
{
	return port_iflash_poll_bank(s.last);
}

bool simport_iflash_bank1_busy(void)
{
	return s.f && h7_iflash_bank_busy(s.f, 0);
}

bool simport_iflash_m4_running;

bool port_iflash_bank_writable(unsigned bank)
{
	/* the simulated Cortex-M4 runs only when a test says so */
	return !(bank == 1 && simport_iflash_m4_running);
}

static unsigned stalled_reads;

unsigned simport_iflash_stalled_reads(void)
{
	return stalled_reads;
}

int port_iflash_read(uint32_t addr, void *buf, uint32_t len)
{
	if (!s.f || s.off)
		return QDFU_E_NO_DEVICE;
	/* a busy bank holds the read (and the CPU, and the USB it serves)
	 * until its operation ends: charged, counted and said */
	uint64_t stall = h7_iflash_read_stall_us(s.f, addr, len);
	if (stall) {
		stalled_reads++;
		fprintf(stderr,
		        "h7_iflash: read at 0x%08x of a bank still erasing or programming: the CPU "
		        "stalls %llu us\n",
		        (unsigned)addr, (unsigned long long)stall);
		vclock_advance_us(stall);
	}
	return h7_iflash_read(s.f, addr, buf, len) ? QDFU_E_ECC : QDFU_OK;
}
