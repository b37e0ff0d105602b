/* SPDX-License-Identifier: MIT */
#include "sim/h7/cm4_model.h"

#include <stdio.h>
#include <string.h>

#include "sim/clock/vclock.h"
#include "sim/h7/mmio_bus.h"

#define HSEM_BASE   0x58026400u
#define HSEM_LOCK   (1u << 31)
#define COREID_CM7  3u
#define COREID_MASK (0xFu << 8)

static struct {
	struct cm4_config cfg;
	void (*fail)(const char *msg);
	enum cm4_state state;
	uint64_t park_at;
	uint32_t r[32]; /* HSEM_Rx: LOCK, COREID, PROCID */
} m;

static void advance(void)
{
	if (m.state == CM4_STARTING && m.cfg.park_us && vclock_now_us() >= m.park_at)
		m.state = CM4_PARKED;
}

enum cm4_state cm4_model_state(void)
{
	advance();
	return m.state;
}

bool cm4_model_d2ckrdy(bool d2_clocked)
{
	advance();
	return d2_clocked || m.state == CM4_STARTING || m.state == CM4_RUNNING;
}

void cm4_model_clock_touched(const char *what)
{
	advance();
	if (m.state == CM4_STARTING && m.cfg.park_us) {
		char msg[120];
		snprintf(msg, sizeof(msg),
		         "%s written before the Cortex-M4 parked in D2 stop (wait for D2CKRDY = 0)",
		         what);
		m.fail(msg);
	}
}

bool cm4_model_hsem0_held_by_cm7(void)
{
	return (m.r[0] & HSEM_LOCK) && ((m.r[0] & COREID_MASK) >> 8) == COREID_CM7;
}

static uint32_t hsem_read(void *ctx, uint32_t off, unsigned w)
{
	(void)ctx;
	(void)w;
	if (off < 0x80u)
		return m.r[off / 4u];
	if (off < 0x100u) { /* RLRx: the 1-step lock, for the reading core (the M7) */
		uint32_t *r = &m.r[(off - 0x80u) / 4u];
		if (!(*r & HSEM_LOCK))
			*r = HSEM_LOCK | COREID_CM7 << 8;
		return *r;
	}
	return 0;
}

static void hsem_write(void *ctx, uint32_t off, uint32_t v, unsigned w)
{
	(void)ctx;
	(void)w;
	if (off >= 0x80u)
		return;
	uint32_t *r = &m.r[off / 4u];
	if (v & HSEM_LOCK) { /* 2-step lock: free, or already ours */
		if (!(*r & HSEM_LOCK) || (*r & ~HSEM_LOCK) == (v & ~HSEM_LOCK))
			*r = v | COREID_CM7 << 8;
		return;
	}
	/* release: core and process must match the owner */
	if ((*r & HSEM_LOCK) && (*r & 0xFFFu) == ((v & 0xFFu) | COREID_CM7 << 8)) {
		*r = 0;
		advance();
		if (off == 0 && m.state == CM4_PARKED) {
			m.state = CM4_RUNNING; /* the notification wakes it */
			m.fail("HSEM 0 released by the bootloader: the Cortex-M4 runs from bank 2 "
			       "again (the application's start-up releases it)");
		}
	}
}

static const struct mmio_model_ops hsem_ops = {hsem_read, hsem_write};

int cm4_model_init(const struct cm4_config *cfg, void (*fail)(const char *msg))
{
	memset(&m, 0, sizeof(m));
	m.cfg = *cfg;
	m.fail = fail;
	m.state = cfg->boots ? CM4_STARTING : CM4_GATED;
	m.park_at = vclock_now_us() + cfg->park_us;
	return mmio_register(HSEM_BASE, 0x400, &hsem_ops, NULL);
}
