/* SPDX-License-Identifier: MIT */
#include "sim/clock/vclock.h"
#include "hal/port.h"

/* A poll of a loop that waits for no model (between two bus commands of a
 * chip step, or on a timer of its own): the time one pass of such a loop
 * takes, not a millisecond (a journal record's three bus commands cost
 * 3 ms that way, for a 150 us page program). */
#define IDLE_POLL_US 10u

void port_wait_hint(void)
{
	/* virtual time: jump to the next model event (or one poll's time);
	 * real time: let the models' clock run for a moment */
	if (vclock_mode() == VCLOCK_VIRTUAL) {
		uint64_t next = vclock_next_deadline_us(), now = vclock_now_us();
		vclock_advance_us(next > now ? next - now : IDLE_POLL_US);
	} else {
		vclock_advance_us(50);
	}
}

void port_wake_hint(uint32_t at_ms)
{
	/* a deadline like a model's: virtual time stops there */
	uint64_t now_ms = vclock_now_us() / 1000u;
	int32_t ahead = (int32_t)(at_ms - (uint32_t)now_ms);
	if (ahead > 0)
		vclock_note_wake((now_ms + (uint64_t)ahead) * 1000u);
}
