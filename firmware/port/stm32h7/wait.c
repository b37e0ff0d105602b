/* SPDX-License-Identifier: MIT */
#include "hal/port.h"

void port_wait_hint(void)
{
	/* Busy-wait loops poll the hardware; nothing to do in between. (WFE
	 * would need every completion to raise an event.) */
}

void port_wake_hint(uint32_t at_ms)
{
	/* the main loop spins: it sees the time pass by itself */
	(void)at_ms;
}
