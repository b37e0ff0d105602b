/* SPDX-License-Identifier: MIT */
/* port_millis() on the model clock (the rest of the host port is not
 * needed by these tests). */
#include "sim/clock/vclock.h"
#include "hal/port.h"

uint32_t port_millis(void)
{
	return (uint32_t)(vclock_now_us() / 1000u);
}
