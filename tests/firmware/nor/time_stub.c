/* SPDX-License-Identifier: MIT */
/* port_millis() on the model clock (the rest of the host port is not
 * needed by these tests). */
#include "sim/clock/vclock.h"
#include "hal/port.h"

/* Set by a test: after time_stub_jump_skip more calls, port_millis() first
 * moves the clock by time_stub_jump_us, as an interrupt or another process
 * holding the CPU would. */
uint64_t time_stub_jump_us;
unsigned time_stub_jump_skip;

uint32_t port_millis(void)
{
	if (time_stub_jump_us && time_stub_jump_skip) {
		time_stub_jump_skip--;
	} else if (time_stub_jump_us) {
		vclock_advance_us(time_stub_jump_us);
		time_stub_jump_us = 0;
	}
	return (uint32_t)(vclock_now_us() / 1000u);
}
