/* SPDX-License-Identifier: MIT */
#include "boot/boot.h"

#include "boot/image.h"
#include "boot/journal.h"
#include "boot/ram_app.h"
#include "common/compiler.h"
#include "mem/mem.h"
#include "hal/port.h"
#include "qdfu_h7_ram.h"
#include "qdfu_proto.h"

#define VTOR_ALIGN QDFU_H7_VTOR_ALIGN

static uint32_t learned;

static bool sp_ok(uint32_t sp)
{
	return qdfu_h7_sp_ok(sp);
}

bool boot_vector_table_plausible(uint32_t vtor, const uint8_t first8[8])
{
	uint32_t sp = qdfu_get_le32(first8), reset = qdfu_get_le32(first8 + 4);
	if (vtor % VTOR_ALIGN)
		return false;
	if (!sp_ok(sp) || (reset & 1u) == 0)
		return false;
	/* a RAM application stored in flash (boot/ram_app.h): checked
	 * against its RAM block when it is planned */
	uint32_t base, size;
	if (mem_find(vtor) && qdfu_h7_ram_block(reset & ~1u, &base, &size))
		return true;
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

/* The descriptor path: start the image it describes when it is intact and
 * every range matches. A newest journal record VERIFIED for this very
 * descriptor (nothing was erased or written through the bootloader since:
 * every update appends OPEN first) skips the range CRCs. */
static enum image_verdict decide_by_image(struct boot_decision *out, uint32_t *len)
{
	static struct image_desc desc;
	/* read unprotect wiped the application (DfuSe 0x92: everything erased);
	 * a descriptor of ranges the wipe did not reach does not revive it */
	if (journal_available() && journal_state() == JOURNAL_EMPTY)
		return IMAGE_NONE;
	enum image_verdict v = image_read(&desc);
	if (v != IMAGE_OK)
		return v;
	bool cached =
	    journal_available() && journal_state() == JOURNAL_VERIFIED && journal_tag() == desc.crc;
	if (!cached) {
		uint32_t bad;
		v = image_verify(&desc, &bad);
		if (v != IMAGE_OK)
			return v;
		if (journal_available())
			(void)journal_append_tag(JOURNAL_VERIFIED, desc.vtor, desc.crc);
	}
	out->vtor = desc.vtor;
	out->reason = cached ? "verified image (cached)" : "verified image";
	for (uint32_t i = 0; i < desc.nranges; i++)
		if (desc.vtor - desc.r[i].addr < desc.r[i].len)
			*len = desc.r[i].addr + desc.r[i].len - desc.vtor;
	return IMAGE_OK;
}

/* No usable descriptor: what the journal says (images written by generic
 * clients, committed at manifestation). Returns true when it names an
 * application to start (out->vtor). */
static bool decide_by_journal(const struct board *b, enum image_verdict img,
                              struct boot_decision *out)
{
	out->vtor = b->default_app_base;
	out->reason = "committed application";
	if (!journal_available())
		return true;
	switch (journal_state()) {
	case JOURNAL_NONE:
		out->reason = img == IMAGE_NONE
		                  ? "no application has been flashed through the bootloader"
		                  : image_verdict_text(img);
		return false;
	case JOURNAL_OPEN:
		out->reason = "the last update was interrupted";
		out->why = QDFU_PROTO_WHY_INTERRUPTED;
		return false;
	case JOURNAL_EMPTY:
		out->reason = "the application was erased";
		return false;
	case JOURNAL_VERIFIED:
		/* verified once, changed since without going through an update */
		out->reason = image_verdict_text(img == IMAGE_NONE ? IMAGE_DAMAGED : img);
		return false;
	case JOURNAL_COMMITTED:
		out->vtor = journal_vtor();
		return true;
	}
	return false;
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
	uint32_t len = 0;
	enum image_verdict img = decide_by_image(out, &len);
	if (img != IMAGE_OK && !decide_by_journal(b, img, out))
		return;
	if (!boot_vector_table_valid(out->vtor)) {
		out->reason = "no valid vector table at the application address";
		return;
	}
	out->start_app = boot_prepare_ram(out, len);
}

bool boot_prepare_ram(struct boot_decision *out, uint32_t image_len)
{
	struct ram_app p;
	const char *why = NULL;
	out->ram_src = 0;
	out->ram_len = 0;
	switch (ram_app_plan(out->vtor, image_len, &p, &why)) {
	case RAM_APP_NONE:
		return true;
	case RAM_APP_REFUSED:
		out->reason = why;
		return false;
	case RAM_APP_READY:
		break;
	}
	if (ram_app_load(&p, &why) != 0) {
		out->reason = why;
		return false;
	}
	out->ram_src = p.src;
	out->ram_len = p.len;
	out->vtor = p.dst;
	return true;
}
