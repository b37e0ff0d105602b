/* SPDX-License-Identifier: MIT */
/*
 * The MCU's RAM as far as RAM applications go (boot/ram_app.h,
 * port_app_ram in hal/port.h). The PC port plays the resident bootloader,
 * so ITCM and DTCM are its own (firmware/port/stm32h7/stm32h7_bootloader.ld)
 * and never handed out; AXI SRAM, SRAM1-3 and SRAM4 are modelled as the
 * silicon leaves them: undefined at power-on (filled with noise here, so a
 * start from RAM nobody copied to does not find a tidy image), kept across
 * resets. At the start of an application in RAM the model checks what a
 * real start would need: the start address is where the last copy went,
 * and every byte copied there equals the flash bytes it was copied from.
 */
#include <stdio.h>
#include <string.h>

#include "hal/port.h"
#include "sim/h7/h7_iflash.h"
#include "sim/nor/nor_model.h"
#include "sim/port/simport.h"
#include "sim/port/simport_internal.h"

#define QSPI_WINDOW 0x90000000u

static struct {
	uint32_t base, size;
	uint8_t mem[512u * 1024u];
	uint32_t noise;  /* the generator's state where this memory's noise starts */
	bool handed_out; /* simport_ram gave a view since the last fill */
} ram[] = {
    {0x24000000u, 512u * 1024u, {0}, 0, true}, /* AXI SRAM */
    {0x30000000u, 288u * 1024u, {0}, 0, true}, /* SRAM1..3 */
    {0x38000000u, 64u * 1024u, {0}, 0, true},  /* SRAM4 */
};
#define NRAM (sizeof(ram) / sizeof(ram[0]))

static struct {
	uint32_t src, dst, len;
	bool loaded;
	unsigned faults;
	char last[96];
} g_ram;

/* Fills memory i with noise from generator state x; returns the state
 * after it. */
static uint32_t fill_noise(unsigned i, uint32_t x)
{
	ram[i].noise = x;
	ram[i].handed_out = false;
	for (uint32_t j = 0; j < ram[i].size; j++) {
		x = x * 1103515245u + 12345u;
		ram[i].mem[j] = (uint8_t)(x >> 16);
	}
	return x;
}

/* The same seed as last time gives the same noise: only the memories
 * somebody may have written since (simport_ram views) are filled again.
 * The fuzz targets power-cycle many times per input; refilling 864 KiB
 * each time was most of fuzz_dwc2_wire's time (docs/fuzzing.md). */
void simport_ram_power_on(uint32_t seed)
{
	static uint32_t last_seed;
	static bool filled;
	uint32_t x = seed | 1u;
	bool again = filled && seed == last_seed;
	for (unsigned i = 0; i < NRAM; i++)
		if (!again)
			x = fill_noise(i, x);
		else if (ram[i].handed_out)
			(void)fill_noise(i, ram[i].noise);
	last_seed = seed;
	filled = true;
	memset(&g_ram, 0, sizeof(g_ram));
}

uint8_t *simport_ram(uint32_t addr, uint32_t len)
{
	for (unsigned i = 0; i < NRAM; i++)
		if (addr - ram[i].base < ram[i].size && len <= ram[i].size - (addr - ram[i].base)) {
			ram[i].handed_out = true;
			return ram[i].mem + (addr - ram[i].base);
		}
	return NULL;
}

uint8_t *port_app_ram(uint32_t dst, uint32_t src, uint32_t len)
{
	uint8_t *p = len ? simport_ram(dst, len) : NULL;
	if (p) {
		g_ram.src = src;
		g_ram.dst = dst;
		g_ram.len = len;
		g_ram.loaded = true;
	}
	return p;
}

bool simport_ram_load(uint32_t *src, uint32_t *dst, uint32_t *len)
{
	*src = g_ram.src;
	*dst = g_ram.dst;
	*len = g_ram.len;
	return g_ram.loaded;
}

/* The byte of flash at addr, as the models hold it (QSPI: single chip, or
 * even bytes on chip 0 and odd on chip 1 in dual-flash mode, AN4760). */
static bool flash_byte(uint32_t addr, uint8_t *b)
{
	struct h7_iflash *f = simport_iflash_model();
	if (f && h7_iflash_read(f, addr, b, 1) == 0)
		return true;
	struct nor_chip *c0 = simport_qspi_chip(0), *c1 = simport_qspi_chip(1);
	uint32_t off = addr - QSPI_WINDOW;
	if (!c0 || addr < QSPI_WINDOW)
		return false;
	struct nor_chip *c = c1 ? ((off & 1u) ? c1 : c0) : c0;
	uint32_t o = c1 ? off / 2u : off;
	if (o >= nor_chip_size(c))
		return false;
	*b = nor_chip_array(c)[o];
	return true;
}

static void fault(const char *what, uint32_t a)
{
	g_ram.faults++;
	snprintf(g_ram.last, sizeof(g_ram.last), "%s (0x%08x)", what, (unsigned)a);
}

bool simport_ram_check_start(uint32_t vtor)
{
	if (!simport_ram(vtor, 8))
		return false; /* not a start in RAM */
	if (!g_ram.loaded || vtor != g_ram.dst) {
		fault("application started in RAM that no copy went to", vtor);
		return true;
	}
	const uint8_t *p = simport_ram(g_ram.dst, g_ram.len);
	for (uint32_t i = 0; i < g_ram.len; i++) {
		uint8_t b;
		if (!flash_byte(g_ram.src + i, &b) || b != p[i]) {
			fault("RAM application's copy differs from the flash it came from",
			      g_ram.dst + i);
			break;
		}
	}
	return true;
}

unsigned simport_ram_faults(const char **last)
{
	if (last)
		*last = g_ram.faults ? g_ram.last : NULL;
	return g_ram.faults;
}
