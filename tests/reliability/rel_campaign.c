/* SPDX-License-Identifier: MIT */
/*
 * Power-cut campaign (issue 12, docs/reliability.md): for each scenario
 * (board x image x client), cut power at random virtual moments of an
 * update from an old image to a new one, then boot with the real decision
 * and check:
 *   - the bootloader's sector is byte-identical;
 *   - the board stays in DFU (saying why), or starts an image whose every
 *     range equals the new image, or the old one;
 *   - a fresh update (qdfu) then succeeds and boots the new image.
 * Everything runs in this process (tests/reliability/rel_board.c): the real
 * firmware on the real chip models in virtual time, thousands of cuts a
 * minute.
 *
 *   rel_campaign [--cuts N] [--seed S] [--table] [--only SUBSTRING]
 * Exit 0 when every cut passed every check.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/port.h"
#include "mem/mem.h"
#include "qh_image.h"
#include "rel_board.h"
#include "rel_clients.h"
#include "sim/h7/h7_iflash.h"
#include "sim/nor/nor_model.h"
#include "sim/port/simport.h"

#define BOOT_SECTOR 0x20000u
#define APP_INT     0x08020000u
#define APP_QSPI    0x90000000u
#define DATA_QSPI   0x90100000u

/* IMG_PATCH: internal code whose versions agree on the first 12 KiB, so
 * that the sector's unchanged part is kept aside while it is erased
 * (docs/decisions/sector-staging-buffer.md) */
enum img_kind { IMG_INTERNAL, IMG_QSPI, IMG_TWO, IMG_PATCH, IMG_KIND_COUNT };
static const char *const img_names[] = {"internal", "qspi", "two-region", "patch"};

struct scenario {
	const char *board, *chip;
	enum img_kind img;
	enum rel_client client;
};

struct tally {
	unsigned cuts, boot_cuts, dfu, booted_new, booted_old, failed;
};

static struct rel_board rb;
static uint32_t rng_state = 1;

static uint32_t rnd(void)
{
	uint32_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	rng_state = x;
	return x;
}

static void fill(uint8_t *p, uint32_t n, uint32_t seed)
{
	for (uint32_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

static void vector_table(uint8_t *p, uint32_t vtor)
{
	uint32_t v[4] = {0x24080000u, vtor + 0x201u, vtor + 0x301u, vtor + 0x301u};
	for (unsigned i = 0; i < 16; i++)
		p[i] = (uint8_t)(v[i / 4] >> (8 * (i % 4)));
}

/* Version `ver` of an image of the given kind. */
static void make_image(struct qh_image *img, enum img_kind k, uint32_t ver)
{
	static uint8_t code[3][24 * 1024], data[3][20 * 1024];
	uint8_t *c = code[ver % 3], *d = data[ver % 3];
	qh_image_init(img);
	fill(c, sizeof(code[0]), 0x1000u + ver);
	fill(d, sizeof(data[0]), 0x2000u + ver);
	if (k == IMG_PATCH)
		fill(c, 12u * 1024u, 0x1000u);
	if (k == IMG_QSPI) {
		vector_table(c, APP_QSPI);
		qh_image_add(img, APP_QSPI, c, sizeof(code[0]), "code", NULL);
		return;
	}
	vector_table(c, APP_INT);
	qh_image_add(img, APP_INT, c, sizeof(code[0]), "code", NULL);
	if (k == IMG_TWO)
		qh_image_add(img, DATA_QSPI, d, sizeof(data[0]), "data", NULL);
}

static uint8_t boot_sector[BOOT_SECTOR];

static uint8_t *iflash(void)
{
	return rel_board_iflash();
}

static bool boot_sector_intact(void)
{
	return memcmp(iflash(), boot_sector, BOOT_SECTOR) == 0;
}

static const char *fail_why;

/* After a cut: what did the board do, and was it allowed? */
static int judge(const struct qh_image *old_img, const struct qh_image *new_img, bool old_ok,
                 struct tally *t)
{
	/* one boot in eight loses power again within its first 2 ms (while it
	 * may append VERIFIED to the journal); the next boot is judged */
	if (rnd() % 8u == 0) {
		rel_board_arm_cut(&rb, rnd() % 2000u);
		rel_board_boot(&rb, false);
		if (rb.cut_hit)
			t->boot_cuts++;
		rel_board_cut(&rb);
	}
	rel_board_boot(&rb, false);
	if (!boot_sector_intact()) {
		fail_why = "the bootloader sector changed";
		return -1;
	}
	if (rb.in_dfu) {
		if (!rb.decision.reason || !*rb.decision.reason) {
			fail_why = "stays in DFU without a reason";
			return -1;
		}
		t->dfu++;
		return 0;
	}
	if (rel_board_holds(new_img)) {
		t->booted_new++;
		return 0;
	}
	if (old_ok && rel_board_holds(old_img)) {
		t->booted_old++;
		return 0;
	}
	fail_why = "started an image that is neither the old nor the new one";
	return -1;
}

/* A fresh, uninterrupted update with qdfu must then succeed and boot. */
static int recover(const struct qh_image *new_img)
{
	rel_board_boot(&rb, true);
	if (rel_client_run(REL_QDFU, &rb, new_img) != 0) {
		fail_why = "the fresh update after the cut failed";
		return -1;
	}
	rel_board_boot(&rb, false);
	if (rb.in_dfu || !rel_board_holds(new_img)) {
		fail_why = "the fresh update after the cut does not boot";
		return -1;
	}
	return 0;
}

static int install(const struct qh_image *img)
{
	rel_board_boot(&rb, true);
	if (rel_client_run(REL_QDFU, &rb, img) != 0)
		return -1;
	rel_board_boot(&rb, false);
	return rb.in_dfu ? -1 : 0;
}

/* Virtual time an uninterrupted update from a to b takes with this client;
 * rb.trace keeps when each of its requests started (relative to t0). */
static uint64_t duration(const struct scenario *sc, const struct qh_image *a,
                         const struct qh_image *b)
{
	if (install(a) != 0)
		return 0;
	rel_board_boot(&rb, true);
	uint64_t t0 = rel_board_now_us();
	rb.ntrace = 0;
	rb.record = true;
	(void)rel_client_run(sc->client, &rb, b);
	rb.record = false;
	for (size_t i = 0; i < rb.ntrace; i++)
		rb.trace[i] -= t0;
	return rel_board_now_us() - t0 + 1u;
}

/* Half the cuts at a uniformly random moment (most land in erase waits),
 * half in a uniformly chosen request's time slice, so every step of the
 * session is hit: the journal's OPEN at the first erase, each write, the
 * descriptor, the leave and its COMMITTED. */
static uint64_t pick_cut(uint64_t dur)
{
	if (rnd() % 2u || rb.ntrace < 2)
		return rnd() % dur;
	size_t i = rnd() % rb.ntrace;
	uint64_t lo = rb.trace[i], hi = i + 1 < rb.ntrace ? rb.trace[i + 1] : dur;
	return lo + rnd() % (hi > lo ? hi - lo : 1u);
}

static void report(const struct scenario *sc, unsigned i, uint64_t at, uint64_t dur)
{
	fprintf(stderr, "FAIL %s %s %s: cut %u at %" PRIu64 " of %" PRIu64 " us (%s): %s\n",
	        sc->board, img_names[sc->img], rel_client_name(sc->client), i, at, dur,
	        rb.cut_what ? rb.cut_what : "-", fail_why);
}

static int run_scenario(const struct scenario *sc, unsigned cuts, struct tally *t)
{
	struct qh_image a, b;
	int failures = 0;
	if (rel_board_create(&rb, sc->board, sc->chip) != 0) {
		fprintf(stderr, "rel_campaign: cannot build %s\n", sc->board);
		return -1;
	}
	memcpy(boot_sector, iflash(), BOOT_SECTOR);
	make_image(&a, sc->img, 1);
	make_image(&b, sc->img, 2);
	uint64_t dur = duration(sc, &a, &b);
	for (unsigned i = 0; i < cuts && dur; i++) {
		if (install(&a) != 0) {
			fail_why = "installing the old image failed";
			report(sc, i, 0, dur);
			failures++;
			break;
		}
		uint64_t at = pick_cut(dur);
		rel_board_boot(&rb, true);
		rel_board_arm_cut(&rb, at);
		(void)rel_client_run(sc->client, &rb, &b);
		rel_board_cut(&rb);
		t->cuts++;
		if (judge(&a, &b, true, t) != 0 || recover(&b) != 0) {
			t->failed++;
			failures++;
			report(sc, i, at, dur);
		}
	}
	qh_image_free(&a);
	qh_image_free(&b);
	rel_board_destroy(&rb);
	return failures;
}

/* boards with two QSPI chips and with one, QUADSPI and OCTOSPI; small chips keep each
 * cut cheap */
static const struct scenario scenarios[] = {
    {"stm32h745i-disco", "W25Q64JV", IMG_TWO, REL_QDFU},
    {"stm32h745i-disco", "W25Q64JV", IMG_INTERNAL, REL_QDFU},
    {"stm32h745i-disco", "W25Q64JV", IMG_QSPI, REL_QDFU},
    {"stm32h745i-disco", "W25Q64JV", IMG_TWO, REL_DFU_UTIL_LEAVE},
    {"stm32h745i-disco", "W25Q64JV", IMG_TWO, REL_DFU_UTIL_NOLEAVE},
    {"stm32h745i-disco", "W25Q64JV", IMG_TWO, REL_DFU_UTIL_DFUSE},
    {"stm32h745i-disco", "W25Q64JV", IMG_TWO, REL_PYDFU},
    {"stm32h745i-disco", "W25Q64JV", IMG_TWO, REL_FWUPD},
    {"portenta-h7", "W25Q64JV", IMG_TWO, REL_QDFU},
    {"portenta-h7", "W25Q64JV", IMG_INTERNAL, REL_DFU_UTIL_LEAVE},
    {"portenta-h7", "W25Q64JV", IMG_TWO, REL_FWUPD},
    {"weact-h750", NULL, IMG_QSPI, REL_QDFU},
    {"weact-h750", NULL, IMG_QSPI, REL_DFU_UTIL_LEAVE},
    {"weact-h750", NULL, IMG_QSPI, REL_PYDFU},
    /* OCTOSPI boards: 8 KiB sectors and 16-byte words (H7B3), all-bootloader
     * internal flash (H7B0), one bank (H735) */
    {"stm32h7b3i-dk", "W25Q64JV", IMG_TWO, REL_QDFU},
    {"stm32h7b3i-dk", "W25Q64JV", IMG_INTERNAL, REL_DFU_UTIL_LEAVE},
    {"stm32h735g-dk", "W25Q64JV", IMG_TWO, REL_DFU_UTIL_DFUSE},
    /* the board's own MX25LM51245G, run and handed over in octal DTR */
    {"stm32h735g-dk", NULL, IMG_TWO, REL_QDFU},
    {"weact-h7b0", NULL, IMG_QSPI, REL_QDFU},
    {"weact-h723", NULL, IMG_TWO, REL_PYDFU},
    /* a sector kept in part while it is erased */
    {"stm32h745i-disco", "W25Q64JV", IMG_PATCH, REL_DFU_UTIL_LEAVE},
    {"stm32h745i-disco", "W25Q64JV", IMG_PATCH, REL_PYDFU},
    {"stm32h7b3i-dk", "W25Q64JV", IMG_PATCH, REL_DFU_UTIL_DFUSE},
};

#define NSCEN (sizeof(scenarios) / sizeof(scenarios[0]))

int main(int argc, char **argv)
{
	unsigned cuts = 600;
	bool table = false;
	const char *only = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--cuts") == 0 && i + 1 < argc)
			cuts = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			rng_state = (uint32_t)strtoul(argv[++i], NULL, 0) | 1u;
		else if (strcmp(argv[i], "--table") == 0)
			table = true;
		else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
			only = argv[++i];
		else {
			fprintf(stderr, "usage: rel_campaign [--cuts N] [--seed S] [--table] "
			                "[--only TEXT]\n");
			return 2;
		}
	}
	static struct tally t[NSCEN];
	unsigned per = (cuts + NSCEN - 1u) / NSCEN, failures = 0, total = 0, boot_total = 0;
	for (size_t i = 0; i < NSCEN; i++) {
		const struct scenario *sc = &scenarios[i];
		char name[128];
		snprintf(name, sizeof(name), "%s %s %s", sc->board, img_names[sc->img],
		         rel_client_name(sc->client));
		if (only && !strstr(name, only))
			continue;
		int f = run_scenario(sc, per, &t[i]);
		failures += f < 0 ? 1u : (unsigned)f;
		total += t[i].cuts;
		boot_total += t[i].boot_cuts;
	}
	if (table) {
		printf("%-18s %-10s %-22s %6s %6s %6s %6s %6s %6s\n", "board", "image", "client",
		       "cuts", "+boot", "dfu", "new", "old", "FAIL");
		for (size_t i = 0; i < NSCEN; i++)
			if (t[i].cuts)
				printf("%-18s %-10s %-22s %6u %6u %6u %6u %6u %6u\n",
				       scenarios[i].board, img_names[scenarios[i].img],
				       rel_client_name(scenarios[i].client), t[i].cuts,
				       t[i].boot_cuts, t[i].dfu, t[i].booted_new, t[i].booted_old,
				       t[i].failed);
	}
	printf(
	    "rel_campaign: %u power cuts during updates (+%u during the boot after), %u failed\n",
	    total, boot_total, failures);
	return failures ? 1 : 0;
}
