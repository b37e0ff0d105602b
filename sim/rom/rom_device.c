/* SPDX-License-Identifier: MIT */
#include "sim/rom/rom_device.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "bootloader/bootloader.h"
#include "common/compiler.h"
#include "common/err.h"
#include "hal/port.h"
#include "qdfu_flasher.h"
#include "sim/rom/rom_dfu.h"
#include "sim/rom/rom_mem.h"

enum runs { RUN_ROM, RUN_FLASHER_NEXT, RUN_FLASHER, RUN_NOTHING };

static struct {
	const struct board *b;
	rom_note_fn note;
	enum runs runs;
	uint32_t flasher_at;
} dev;

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
	char line[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (dev.note)
		dev.note(line);
}

int rom_device_boot(const struct board *b, uint8_t version, const uint8_t uid[12],
                    rom_note_fn note_fn)
{
	const struct rom_family *f = rom_family_for(b);
	dev.b = b;
	dev.note = note_fn;
	dev.runs = RUN_NOTHING;
	if (!f)
		return QDFU_E_NO_DEVICE;
	if (!version)
		version = f->default_version;
	int r = rom_dfu_start(f, b, version, uid);
	if (r < 0)
		return r;
	dev.runs = RUN_ROM;
	note("ST ROM DFU bootloader (%s model), bootloader ID 0x%02X", f->name, version);
	return QDFU_OK;
}

/* The identity record of a flasher image at vtor, or NULL. */
static const struct qdfu_flasher_id *find_flasher(uint32_t vtor)
{
	static struct qdfu_flasher_id id;
	for (uint32_t off = 0; off + sizeof(id) <= QDFU_FLASHER_SCAN; off += 4u) {
		const uint8_t *p = rom_mem_ram(vtor + off, sizeof(id));
		if (!p)
			return NULL;
		if (memcmp(p, QDFU_FLASHER_MAGIC, QDFU_FLASHER_MAGIC_LEN) == 0) {
			memcpy(&id, p, sizeof(id));
			id.board[sizeof(id.board) - 1u] = '\0';
			return &id;
		}
	}
	return NULL;
}

/* The ROM jumped into RAM: run what is there, if the simulator can. */
static void jump_to_ram(uint32_t vtor)
{
	const uint8_t *v = rom_mem_ram(vtor, 8);
	uint32_t sp = qdfu_get_le32(v), pc = qdfu_get_le32(v + 4);
	if (!rom_mem_in_ram(sp - 4u, 4) || !(pc & 1u) || !rom_mem_in_ram(pc & ~1u, 2)) {
		note("ROM jumped to 0x%08X: no vector table there (SP 0x%08X, PC 0x%08X): "
		     "hard fault, the board is off the bus",
		     (unsigned)vtor, (unsigned)sp, (unsigned)pc);
		return;
	}
	const struct qdfu_flasher_id *id = find_flasher(vtor);
	if (!id) {
		note("ROM started code at 0x%08X that is not a qdfu flasher: the simulator cannot "
		     "run it; the board is off the bus",
		     (unsigned)vtor);
		return;
	}
	if (!rom_mem_in_ram(id->load_addr, id->max_size)) {
		/* its bss and stack lie past the end of this MCU's RAM (an H74x
		 * flasher on an H72x: AXI SRAM ends at 0x2404FFFF there) */
		note("ROM started the qdfu flasher for '%s', whose RAM 0x%08X-0x%08X is not all in "
		     "this MCU's RAM: bus fault at its first stack push, the board is off the bus",
		     id->board, (unsigned)id->load_addr,
		     (unsigned)(id->load_addr + id->max_size - 1u));
		return;
	}
	if (id->version != QDFU_FLASHER_VERSION || strcmp(id->board, dev.b->name) != 0 ||
	    id->load_addr != vtor) {
		note(
		    "ROM started the qdfu flasher for '%s' (loaded for 0x%08X, at 0x%08X) on a %s: "
		    "it does not come up (wrong board or address)",
		    id->board, (unsigned)id->load_addr, (unsigned)vtor, dev.b->name);
		return;
	}
	note("ROM started the qdfu flasher for %s at 0x%08X: the simulator runs its host build",
	     id->board, (unsigned)vtor);
	dev.flasher_at = vtor;
	dev.runs = RUN_FLASHER_NEXT;
}

/* A vector table in flash: SP in RAM, a Thumb reset handler in flash
 * (erased flash, 0xFFFFFFFF, is neither). */
static bool flash_vectors_ok(uint32_t vtor)
{
	uint8_t v[8];
	if (rom_mem_read(vtor, v, sizeof(v)) != ROM_MEM_OK)
		return false;
	uint32_t sp = qdfu_get_le32(v), pc = qdfu_get_le32(v + 4);
	return rom_mem_in_ram(sp - 4u, 4) && (pc & 1u) && rom_mem_in_flash(pc & ~1u, 2);
}

static void rom_left(void)
{
	uint32_t addr;
	const char *why;
	enum rom_exit e = rom_dfu_exit(&addr, &why);
	if (e == ROM_RUNNING)
		return;
	dev.runs = RUN_NOTHING;
	if (e == ROM_HUNG) {
		note("ROM: %s", why);
		return;
	}
	if (rom_mem_in_ram(addr, 8)) {
		jump_to_ram(addr);
		return;
	}
	if (rom_mem_in_flash(addr, 8) && flash_vectors_ok(addr)) {
		note("ROM jumped to the application at 0x%08X", (unsigned)addr);
		port_start_app(addr);
		return;
	}
	note("ROM jumped to 0x%08X: no vector table there; hard fault, the board is off the bus",
	     (unsigned)addr);
}

void rom_device_task(void)
{
	switch (dev.runs) {
	case RUN_ROM:
		rom_dfu_task();
		rom_left();
		break;
	case RUN_FLASHER_NEXT:
		/* one pass after the ROM let go of the bus, so the host sees the
		 * disconnect before the flasher's own enumeration */
		dev.runs = RUN_FLASHER;
		(void)port_init(dev.b);
		(void)bootloader_init(dev.b, BOOTLOADER_ENTER_FLASHER);
		break;
	case RUN_FLASHER:
		bootloader_task();
		break;
	case RUN_NOTHING:
	default:
		break;
	}
}
