/* SPDX-License-Identifier: MIT */
/*
 * The bootloader: memories, boot decision, USB + DFU, and the hooks that
 * tie DFU sessions to the commit journal.
 */
#include "bootloader/bootloader.h"

#include <string.h>

#include "boot/boot.h"
#include "boot/image.h"
#include "boot/journal.h"
#include "common/err.h"
#include "dfu/dfu.h"
#include "dfu/dfu_desc.h"
#include "mem/mem.h"
#include "mem/region_iflash.h"
#include "mem/region_qspi.h"
#include "hal/port.h"
#include "qdfu_app.h"
#include "qdfu_proto.h"
#include "usb/usbd.h"

#define LEAVE_DETACH_DELAY_MS 0u
/* main-loop passes that bring a NOR erase from "started" to the chip */
#define PRE_ERASE_ISSUE_POLLS 4u

static struct {
	const struct board *b;
	struct mem_region iflash, qspi;
	bool have_qspi;
	char layouts[2][DFU_DESC_LAYOUT_LEN];
	const char *layout_ptrs[2];
	struct boot_decision decision;
	bool leaving;
	uint32_t leave_at;
	bool flasher;
	/* the board's grace window (PORT_ENTRY_GRACE): DFU until grace_until,
	 * then the application at grace_vtor unless a DFU request came */
	bool grace;
	uint32_t grace_until, grace_vtor, grace_requests;
	/* at DFU entry, for hook_journal_clean: the newest journal record is
	 * VERIFIED for the descriptor in place; nothing would start (no
	 * descriptor, no valid vector table at the default address) */
	bool verified_in_place, nothing_to_start;
} bl;

/* bootloader_flasher_board's copy and its product string. */
static struct board flasher_b;
static char flasher_product[64];

/* Does the newest journal record vouch for descriptor d (VERIFIED for it)?
 * Then boot.c starts its image without the range CRCs. */
static bool journal_vouches(const struct image_desc *d)
{
	return journal_state() == JOURNAL_VERIFIED && journal_tag() == d->crc;
}

/* A descriptor read for a moment (image_would_start, bootloader_init):
 * static, not on the stack. */
static struct image_desc scratch_desc;

/* Would the descriptor in place start its image now (boot.c's test: intact,
 * every range matching, or VERIFIED for it as the newest record)? */
static bool image_would_start(void)
{
	uint32_t bad;
	if (image_read(&scratch_desc) != IMAGE_OK)
		return false;
	return journal_vouches(&scratch_desc) || image_verify(&scratch_desc, &bad) == IMAGE_OK;
}

/* INFO's JOURNAL_CLEAN (dfu.c adds: no session open in this visit): a
 * leave with nothing written ends as one after a session that writes no
 * vector table would (the host's re-commit write is waste). So for the
 * newest record COMMITTED (a write in this visit would have appended OPEN
 * first), or VERIFIED for the descriptor in place, as at DFU entry: both
 * start the same application. For NONE (nothing flashed through us) and
 * EMPTY only when nothing would start either way (such a session commits
 * the default address). Never for OPEN (an update was cut: only a session
 * commits it), nor a VERIFIED record whose descriptor changed since. */
static bool hook_journal_clean(void)
{
	if (!journal_available())
		return false;
	switch (journal_state()) {
	case JOURNAL_COMMITTED:
		return true;
	case JOURNAL_VERIFIED:
		return bl.verified_in_place;
	case JOURNAL_NONE:
	case JOURNAL_EMPTY:
		return bl.nothing_to_start;
	case JOURNAL_OPEN:
		break;
	}
	return false;
}

static int hook_session_open(void)
{
	boot_learn_reset();
	if (!journal_available())
		return QDFU_OK; /* no external flash: nothing to journal in */
	/* An update starts: the image in place may start again only if the
	 * update writes nothing of its own. With deferred erase the host's
	 * erases keep the old bytes (and descriptor) until a write needs them,
	 * so the descriptor of an image that would still start goes now. One
	 * that would not (an earlier update's, incomplete) stays: it starts
	 * only once every range holds what it describes. OPEN first, so a cut
	 * during that erase leaves "interrupted". */
	bool invalidate = image_would_start();
	int rc = journal_state() == JOURNAL_OPEN ? QDFU_OK
	                                         : journal_append(JOURNAL_OPEN, journal_vtor());
	return rc == QDFU_OK && invalidate ? image_erase_unit() : rc;
}

static void hook_session_close(void)
{
	if (!journal_available())
		return;
	uint32_t vtor = boot_learned_vtor();
	if (!vtor)
		vtor = journal_vtor() ? journal_vtor() : bl.b->default_app_base;
	(void)journal_append(JOURNAL_COMMITTED, vtor);
}

static void hook_leave(void)
{
	/* the GETSTATUS that reported dfuMANIFEST has completed its status
	 * stage: the host has its answer, detach now */
	bl.leaving = true;
	bl.leave_at = port_millis() + LEAVE_DETACH_DELAY_MS;
}

static void hook_mass_erased(void)
{
	/* a chip erase of the external flash also wiped the journal */
	if (journal_available())
		(void)journal_restore();
}

/* Let the operation the engine still runs finish (an ABORT or CLRSTATUS
 * ends a request, not the flash work it started), within its datasheet
 * maximum: nothing else may touch the memories meanwhile. */
static void wait_engine_idle(void)
{
	struct mem_time t = mem_settle();
	uint32_t deadline = port_millis() + t.max_ms + 1000u;
	while (mem_poll() == QDFU_E_BUSY && !qdfu_time_reached(port_millis(), deadline))
		port_wait_hint();
}

static void hook_unprotect(void)
{
	/* No read protection is implemented; honour the DfuSe meaning
	 * (everything erased, then reset) for the application area. An
	 * operation still running (a write cut by CLRSTATUS) ends first:
	 * otherwise the mass erase was refused as busy (the application area
	 * kept its contents) and the journal's EMPTY record went to a busy
	 * chip (found by fuzz_dfu_requests: regress_unprotect_while_busy). */
	struct mem_time t;
	wait_engine_idle();
	if (mem_start_mass_erase(&bl.iflash, &t) == QDFU_OK) {
		uint32_t deadline = port_millis() + t.max_ms + 1000u;
		while (mem_poll() == QDFU_E_BUSY && !qdfu_time_reached(port_millis(), deadline))
			port_wait_hint();
	}
	if (journal_available())
		(void)journal_append(JOURNAL_EMPTY, 0);
	port_usb_connect(false);
	port_reset();
}

static const struct dfu_hooks hooks = {
    .session_open = hook_session_open,
    .session_close = hook_session_close,
    .leave = hook_leave,
    .mass_erased = hook_mass_erased,
    .unprotect = hook_unprotect,
    .journal_clean = hook_journal_clean,
};

/* The image descriptor's unit: the small erase unit just below the
 * journal, when it is one hosts may write (every supported chip: the
 * largest erase type is 16 smallest ones). */
static void setup_descriptor(const struct mem_region *q)
{
	uint32_t jbase, junit, pb, ps;
	uint8_t attr = 0;
	if (region_qspi_journal(q, &jbase, &junit) && jbase - q->base >= junit &&
	    mem_region_page(q, jbase - junit, &pb, &ps, &attr) && ps == junit &&
	    (attr & MEM_ATTR_WRITE) && (attr & MEM_ATTR_ERASE))
		image_init(pb, ps);
	else
		image_init(0, 0);
}

static void setup_memories(const struct board *b)
{
	mem_init();
	region_iflash_init(&bl.iflash, b, 0);
	mem_add_region(&bl.iflash);
	bl.have_qspi = region_qspi_init(&bl.qspi, b, 1) == QDFU_OK;
	uint32_t jbase, junit;
	if (bl.have_qspi) {
		mem_add_region(&bl.qspi);
		if (region_qspi_journal(&bl.qspi, &jbase, &junit))
			journal_init(&bl.qspi, jbase, junit);
		else
			journal_init(NULL, 0, 0);
		setup_descriptor(&bl.qspi);
	} else {
		journal_init(NULL, 0, 0);
		image_init(0, 0);
	}
	mem_set_write_hook(boot_learn_vtor);
}

const struct board *bootloader_flasher_board(const struct board *b)
{
	static const char prefix[] = "qdfu flasher ";
	flasher_b = *b;
	flasher_b.bootloader_size = 0; /* nothing of ours in internal flash */
	flasher_b.default_app_base = b->iflash_base;
	size_t n = strlen(b->title);
	if (n > sizeof(flasher_product) - sizeof(prefix))
		n = sizeof(flasher_product) - sizeof(prefix);
	memcpy(flasher_product, prefix, sizeof(prefix) - 1u);
	memcpy(flasher_product + sizeof(prefix) - 1u, b->title, n);
	flasher_product[sizeof(prefix) - 1u + n] = '\0';
	flasher_b.usb_product = flasher_product;
	return &flasher_b;
}

/* The application reads the external flash: its image descriptor, intact
 * and matching, lists a range there. */
static bool image_reads_qspi(void)
{
	static struct image_desc d;
	if (!image_available() || image_read(&d) != IMAGE_OK)
		return false;
	for (uint32_t i = 0; i < d.nranges; i++)
		if (d.r[i].addr - bl.qspi.base < bl.qspi.size)
			return true;
	return false;
}

/* Before any start (docs/decisions/xip-handover.md): the external flash
 * memory-mapped as the board chose (b->xip) when the application runs
 * from it, or reads it and the board does not say OFF; then the record
 * the application can read (include/qdfu_app.h), unless a RAM application
 * was just copied over the record's bytes (only the flasher allows that:
 * the resident bootloader's RAM check refuses its NOINIT region). An
 * application in QSPI gets at least the 1-1-1 fast read whatever the
 * board says. */
static void hand_over(const struct boot_decision *d)
{
	/* the journal's pre-erase (or an aborted operation) may still run:
	 * memory-mapped mode and the application need a quiet chip */
	wait_engine_idle();
	struct qdfu_handoff h;
	memset(&h, 0, sizeof(h));
	h.magic = QDFU_HANDOFF_MAGIC;
	h.version = QDFU_HANDOFF_VERSION;
	h.size = (uint8_t)sizeof(h);
	if (bl.have_qspi) {
		region_qspi_describe(&bl.qspi, &h);
		bool runs = d->vtor - bl.qspi.base < bl.qspi.size;
		if (runs || (bl.b->xip != BOARD_XIP_OFF && image_reads_qspi()))
			(void)region_qspi_handover(&bl.qspi, bl.b->xip != BOARD_XIP_FASTEST,
			                           runs ? d->vtor : bl.qspi.base, &h);
	}
	h.check = qdfu_handoff_check(&h);
	bool over = d->ram_len && d->vtor < QDFU_HANDOFF_ADDR + sizeof(h) &&
	            QDFU_HANDOFF_ADDR < d->vtor + d->ram_len;
	if (!over)
		port_app_handoff(&h);
}

/* The flasher's leave: with BOOT0 still high a reset would only return to
 * ST's ROM, so start what was written, if its vector table is valid;
 * otherwise come back as the flasher (the host sees it re-enumerate). */
static void flasher_start_app(void)
{
	uint32_t vtor = boot_learned_vtor();
	if (!vtor)
		vtor = journal_vtor() ? journal_vtor() : bl.b->default_app_base;
	struct boot_decision d = {.vtor = vtor, .reason = "no valid vector table to start"};
	/* a RAM application is copied first: refused when it would land on
	 * the flasher's own RAM (port_app_ram) */
	if (boot_vector_table_valid(vtor) && boot_prepare_ram(&d, 0)) {
		hand_over(&d);
		port_start_app(d.vtor);
		return;
	}
	(void)bootloader_init(bl.b, BOOTLOADER_ENTER_FLASHER);
	bl.decision.reason = d.reason; /* and it stays the flasher */
}

/* Stay in DFU or start the application, and why (bl.decision). */
static void decide(const struct board *b, enum bootloader_enter how, struct port_fault *fault)
{
	if (how == BOOTLOADER_ENTER_FLASHER) {
		/* started from RAM by ST's ROM: always serve the host */
		bl.decision.start_app = false;
		bl.decision.reason = "flasher started from RAM";
		return;
	}
	/* A fault in the previous run (the fault handlers record it and reset
	 * instead of looping): stay in DFU and say why, so a damaged word on
	 * the boot path cannot hang every boot (issue 11 item 3). */
	bool faulted = port_take_fault(fault);
	/* the board ecosystem's own request (Arduino's double tap, b->entry);
	 * not a grace window after our own reset into the application */
	enum port_entry entry = port_board_entry_requested(b);
	bool asked = entry == PORT_ENTRY_DFU;
	bool grace = entry == PORT_ENTRY_GRACE && port_noinit_get() != PORT_NOINIT_BOOT_APP;
	bool force = how == BOOTLOADER_ENTER_DFU || port_button_pressed() || faulted || asked;
	boot_decide(b, force, &bl.decision);
	if (grace && bl.decision.start_app) {
		bl.decision.start_app = false;
		bl.grace = true;
		bl.grace_vtor = bl.decision.vtor;
		bl.grace_until = port_millis() + PORT_ENTRY_GRACE_MS;
		bl.decision.reason =
		    "the board's grace window (Daisy: RESET or ResetToBootloader): "
		    "the application starts unless a host speaks DFU";
		bl.decision.why = QDFU_PROTO_WHY_REQUESTED;
	} else if (faulted && !bl.decision.start_app) {
		bl.decision.reason = "the bootloader reset after a fault";
		bl.decision.why = QDFU_PROTO_WHY_FAULT;
	} else if (asked && bl.decision.why == QDFU_PROTO_WHY_BUTTON) {
		bl.decision.reason =
		    "the board's own bootloader request (double tap, 1200 bps touch)";
		bl.decision.why = QDFU_PROTO_WHY_REQUESTED;
	}
}

bool bootloader_init(const struct board *b, enum bootloader_enter how)
{
	memset(&bl, 0, sizeof(bl));
	bl.b = b;
	bl.flasher = how == BOOTLOADER_ENTER_FLASHER;
	setup_memories(b);

	struct port_fault fault = {0};
	decide(b, how, &fault);
	if (bl.decision.start_app) {
		hand_over(&bl.decision);
		port_start_app(bl.decision.vtor);
		return false;
	}

	uint8_t nalts = 0;
	for (unsigned i = 0; i < mem_region_count() && i < 2; i++) {
		struct mem_region *r = mem_region_at(i);
		int n = i == 0 && b->alt0_lists_qspi && bl.have_qspi
		            ? mem_region_layout2(&bl.qspi, r, bl.layouts[i], sizeof(bl.layouts[i]))
		            : -1;
		if (n < 0 && mem_region_layout(r, bl.layouts[i], sizeof(bl.layouts[i])) < 0)
			continue;
		bl.layout_ptrs[nalts++] = bl.layouts[i];
	}
	uint8_t uid[12];
	port_uid(uid);
	usbd_init(dfu_desc_build(b, uid, bl.layout_ptrs, nalts), &dfu_class);
	dfu_init(&hooks, nalts);
	region_iflash_stage_init(&bl.iflash); /* as dfu_init does the block queue */
	dfu_set_image_desc(image_available() ? image_desc_addr() : 0);
	dfu_set_why(bl.decision.why, fault.exception);
	dfu_set_info_flags(bl.have_qspi ? region_qspi_info_flags(&bl.qspi) : 0);
	if (journal_available()) { /* the engine is idle until the pre-erase below */
		enum image_verdict v = image_read(&scratch_desc);
		bl.verified_in_place = v == IMAGE_OK && journal_vouches(&scratch_desc);
		bl.nothing_to_start =
		    v == IMAGE_NONE && !boot_vector_table_valid(b->default_app_base);
	}
	bl.grace_requests = dfu_request_count();
	/* The first journal record's erase, while the USB core starts and the
	 * host enumerates (docs/decisions/journal-pre-erase.md). Its command
	 * goes to the chip now, not at the first main-loop pass: the engine's
	 * first polls are bus commands of microseconds (NOR: write enable, its
	 * check, the erase), and port_usb_init waits before that pass (DWC2:
	 * the forced device mode, >= 25 ms, and the ULPI PHY reset). */
	if (journal_pre_erase())
		for (unsigned i = 0; i < PRE_ERASE_ISSUE_POLLS && mem_busy(); i++)
			(void)mem_poll();
	port_usb_init(b);
	port_usb_connect(true);
	port_led(true);
	return true;
}

const struct boot_decision *bootloader_decision(void)
{
	return &bl.decision;
}

/* The grace window: a DFU request ends it (the host stays in charge);
 * otherwise the application starts when it closes. */
static bool grace_over(void)
{
	if (!bl.grace)
		return false;
	if (dfu_request_count() != bl.grace_requests) {
		bl.grace = false;
		return false;
	}
	if (!qdfu_time_reached(port_millis(), bl.grace_until))
		return false;
	bl.grace = false;
	port_usb_connect(false);
	bl.decision.reason = "grace window over: starting the application";
	hand_over(&bl.decision); /* its vtor is grace_vtor */
	port_start_app(bl.grace_vtor);
	return true;
}

void bootloader_task(void)
{
	usbd_task();
	dfu_task();
	if (grace_over())
		return;
	if (bl.leaving && qdfu_time_reached(port_millis(), bl.leave_at)) {
		/* detach, then reset into the committed application: the next
		 * boot validates it again and never starts garbage */
		bl.leaving = false;
		port_usb_connect(false);
		wait_engine_idle(); /* never reset a chip in the middle of an erase */
		if (bl.flasher) {
			flasher_start_app();
			return;
		}
		port_noinit_set(PORT_NOINIT_BOOT_APP);
		port_reset();
	}
}
