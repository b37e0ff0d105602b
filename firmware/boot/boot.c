/* SPDX-License-Identifier: MIT */
#include "boot/boot.h"

#include "boot/journal.h"
#include "common/compiler.h"
#include "mem/mem.h"
#include "hal/port.h"
#include "qdfu_proto.h"

/* H74x/H75x RAM (RM0399 2.3.2): DTCM, AXI SRAM, SRAM1-3, SRAM4 */
static const struct {
	uint32_t base, size;
} ram[] = {
    {0x20000000u, 128u * 1024u},
    {0x24000000u, 512u * 1024u},
    {0x30000000u, 288u * 1024u},
    {0x38000000u, 64u * 1024u},
};

#define VTOR_ALIGN 1024u

static uint32_t learned;

static bool sp_ok(uint32_t sp)
{
	/* the initial SP may equal the end of a RAM block */
	for (unsigned i = 0; i < QDFU_ARRAY_SIZE(ram); i++)
		if (sp > ram[i].base && sp - ram[i].base <= ram[i].size && (sp & 3u) == 0)
			return true;
	return false;
}

bool boot_vector_table_plausible(uint32_t vtor, const uint8_t first8[8])
{
	uint32_t sp = qdfu_get_le32(first8), reset = qdfu_get_le32(first8 + 4);
	if (vtor % VTOR_ALIGN)
		return false;
	if (!sp_ok(sp) || (reset & 1u) == 0)
		return false;
	/* the reset handler must be in flash that is mapped (internal or
	 * QSPI), and not in the bootloader's own sector */
	struct mem_region *r = mem_find(reset & ~1u);
	if (!r)
		return false;
	uint8_t attr = 0;
	if (!mem_region_page(r, reset & ~1u, NULL, NULL, &attr) || !(attr & MEM_ATTR_WRITE))
		return false;
	return true;
}

bool boot_vector_table_valid(uint32_t vtor)
{
	uint8_t v[8];
	uint32_t got = 0;
	if (mem_read(vtor, v, sizeof(v), &got) || got != sizeof(v))
		return false;
	return boot_vector_table_plausible(vtor, v);
}

void boot_learn_vtor(uint32_t addr, const uint8_t *data, uint32_t len)
{
	if (len < 8 || addr % VTOR_ALIGN)
		return;
	if (!boot_vector_table_plausible(addr, data))
		return;
	if (!learned || addr < learned)
		learned = addr;
}

void boot_learn_reset(void)
{
	learned = 0;
}

uint32_t boot_learned_vtor(void)
{
	return learned;
}

void boot_decide(const struct board *b, bool force_dfu, struct boot_decision *out)
{
	uint32_t req = port_noinit_get();
	port_noinit_set(0);
	out->start_app = false;
	out->vtor = 0;
	out->why = QDFU_PROTO_WHY_NO_APP;

	if (req == PORT_NOINIT_ENTER_DFU) {
		out->reason = "the application asked for the bootloader";
		out->why = QDFU_PROTO_WHY_REQUESTED;
		return;
	}
	if (req != PORT_NOINIT_BOOT_APP && force_dfu) {
		out->reason = "DFU requested (button held)";
		out->why = QDFU_PROTO_WHY_BUTTON;
		return;
	}
	uint32_t vtor = b->default_app_base;
	if (journal_available()) {
		switch (journal_state()) {
		case JOURNAL_NONE:
			out->reason = "no application has been flashed through the bootloader";
			return;
		case JOURNAL_OPEN:
			out->reason = "the last update was interrupted";
			out->why = QDFU_PROTO_WHY_INTERRUPTED;
			return;
		case JOURNAL_EMPTY:
			out->reason = "the application was erased";
			return;
		case JOURNAL_COMMITTED:
			vtor = journal_vtor();
			break;
		}
	}
	if (!boot_vector_table_valid(vtor)) {
		out->vtor = vtor;
		out->reason = "no valid vector table at the application address";
		return;
	}
	out->start_app = true;
	out->vtor = vtor;
	out->reason = "committed application";
}
