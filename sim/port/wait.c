/* SPDX-License-Identifier: MIT */
#include "sim/clock/vclock.h"
#include "hal/port.h"

void port_wait_hint(void)
{
	/* virtual time: jump to the next model event (or 1 ms); real time:
	 * let the models' clock run for a moment */
	if (vclock_mode() == VCLOCK_VIRTUAL) {
		uint64_t next = vclock_next_deadline_us(), now = vclock_now_us();
		vclock_advance_us(next > now ? next - now : 1000u);
	} else {
		vclock_advance_us(50);
	}
}
