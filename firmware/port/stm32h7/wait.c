/* SPDX-License-Identifier: MIT */
#include "hal/port.h"

void port_wait_hint(void)
{
	/* Busy-wait loops poll the hardware; nothing to do in between. (WFE
	 * would need every completion to raise an event.) */
}
