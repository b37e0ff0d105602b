/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L
#include "sim/clock/vclock.h"

#include <time.h>

#define VCLOCK_MAX_DEADLINES 32

static enum vclock_mode g_mode;
static uint64_t g_local_counter;
static volatile uint64_t *g_counter = &g_local_counter;
static uint64_t g_real_start_us;
struct vclock_list {
	uint64_t at[VCLOCK_MAX_DEADLINES];
	unsigned n;
};
static struct vclock_list g_deadlines, g_wakes;
static uint64_t g_last_due; /* the latest model deadline that has come */
static enum vclock_timing g_timing;
static uint64_t g_alarm_at;
static void (*g_alarm_fn)(void);
/* Real mode, stall cap (vclock_set_stall_cap_us): time lost to stalls,
 * the last reading, the sleeps asked for since then. */
static uint64_t g_stall_cap_us, g_stalled_us, g_last_real_us, g_slept_us;

static uint64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void vclock_init(enum vclock_mode mode)
{
	g_mode = mode;
	g_real_start_us = mono_us();
	g_last_real_us = g_real_start_us;
	g_stalled_us = g_slept_us = 0;
	g_deadlines.n = g_wakes.n = 0;
	g_last_due = 0;
}

void vclock_set_stall_cap_us(uint64_t cap_us)
{
	g_stall_cap_us = cap_us;
	g_last_real_us = mono_us();
	g_slept_us = 0;
}

/* Real mode: a gap between two readings longer than the sleeps asked for
 * in it plus the cap is a stall (the process did not run); the clock
 * moves by the cap only, as if the MCU had been frozen meanwhile. */
static uint64_t real_now_us(void)
{
	uint64_t real = mono_us();
	if (g_stall_cap_us) {
		uint64_t gap = real - g_last_real_us, allowed = g_stall_cap_us + g_slept_us;
		if (gap > allowed)
			g_stalled_us += gap - allowed;
		g_last_real_us = real;
		g_slept_us = 0;
	}
	return real - g_real_start_us - g_stalled_us;
}

enum vclock_mode vclock_mode(void)
{
	return g_mode;
}

void vclock_attach_shared(volatile uint64_t *counter)
{
	g_counter = counter ? counter : &g_local_counter;
}

uint64_t vclock_now_us(void)
{
	if (g_mode == VCLOCK_REAL)
		return real_now_us();
	return __atomic_load_n(g_counter, __ATOMIC_SEQ_CST);
}

void vclock_advance_us(uint64_t us)
{
	if (g_mode == VCLOCK_REAL) {
		struct timespec ts = {(time_t)(us / 1000000u), (long)(us % 1000000u) * 1000};
		nanosleep(&ts, NULL);
		g_slept_us += us;
		return;
	}
	uint64_t now = __atomic_load_n(g_counter, __ATOMIC_SEQ_CST);
	if (g_alarm_fn && now + us >= g_alarm_at) {
		/* stop exactly at the alarm, fire it once, then go on */
		void (*fn)(void) = g_alarm_fn;
		uint64_t step = g_alarm_at > now ? g_alarm_at - now : 0;
		g_alarm_fn = NULL;
		__atomic_add_fetch(g_counter, step, __ATOMIC_SEQ_CST);
		fn();
		us -= step;
	}
	__atomic_add_fetch(g_counter, us, __ATOMIC_SEQ_CST);
}

void vclock_set_alarm(uint64_t at_us, void (*fn)(void))
{
	g_alarm_at = at_us;
	g_alarm_fn = fn;
}

/* Only the first n entries are in use: the lists are scanned at every
 * NAK and every step of time passing, usually holding one or two entries,
 * so scanning all VCLOCK_MAX_DEADLINES slots each time was what the fuzz
 * targets spent most of their time on (docs/fuzzing.md, "Speed"). */
static void forget_past(struct vclock_list *l, uint64_t now)
{
	unsigned k = 0;
	for (unsigned i = 0; i < l->n; i++) {
		if (l->at[i] > now)
			l->at[k++] = l->at[i];
		else if (l == &g_deadlines && l->at[i] > g_last_due)
			g_last_due = l->at[i];
	}
	l->n = k;
}

static void note(struct vclock_list *l, uint64_t at_us)
{
	forget_past(l, vclock_now_us());
	unsigned latest = 0;
	for (unsigned i = 0; i < l->n; i++) {
		if (l->at[i] == at_us)
			return;
		if (l->at[i] > l->at[latest])
			latest = i;
	}
	if (l->n < VCLOCK_MAX_DEADLINES)
		l->at[l->n++] = at_us;
	else
		l->at[latest] = at_us; /* full: replace the latest one */
}

/* Earliest entry still in the future (forgetting past ones), 0 if none. */
static uint64_t earliest(struct vclock_list *l, uint64_t now)
{
	uint64_t best = 0;
	forget_past(l, now);
	for (unsigned i = 0; i < l->n; i++)
		if (!best || l->at[i] < best)
			best = l->at[i];
	return best;
}

void vclock_note_deadline(uint64_t at_us)
{
	note(&g_deadlines, at_us);
}

void vclock_note_wake(uint64_t at_us)
{
	note(&g_wakes, at_us);
}

uint64_t vclock_last_due_us(void)
{
	forget_past(&g_deadlines, vclock_now_us());
	return g_last_due;
}

uint64_t vclock_next_deadline_us(void)
{
	/* a firmware timer stops the clock only while a model works: when
	 * none does, the firmware itself is busy and time must not jump */
	if (!g_deadlines.n)
		return 0; /* (the common case, asked at every pass: answered at once) */
	uint64_t now = vclock_now_us(), model = earliest(&g_deadlines, now);
	if (!model)
		return 0;
	uint64_t wake = earliest(&g_wakes, now);
	return wake && wake < model ? wake : model;
}

void vclock_set_timing(enum vclock_timing t)
{
	g_timing = t;
}

enum vclock_timing vclock_timing(void)
{
	return g_timing;
}

uint64_t vclock_chip_us(uint64_t typ_us, uint64_t max_us)
{
	return g_timing == VCLOCK_TIMING_MAX && max_us > typ_us ? max_us : typ_us;
}
