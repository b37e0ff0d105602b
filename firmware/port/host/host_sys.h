/* SPDX-License-Identifier: MIT */
/*
 * Private glue between the files of port/host written for the simulator
 * bridge: hostport.c hands the run configuration to the USB controller
 * model (usb_host.c) and the system services (system_host.c).
 */
#ifndef QDFU_PORT_HOST_HOST_SYS_H
#define QDFU_PORT_HOST_HOST_SYS_H

#include <stdbool.h>

#include "hostport.h"

/* system_host.c: UID, button; clears reset / application-start records. */
void host_system_configure(const struct hostport_config *cfg);
/* The USB side (usb_host.c, or dwc2/usb_dwc2_bridge.c): the run
 * configuration (host port speed, board, UID), at power-on. */
void host_usb_configure(const struct hostport_config *cfg);
/* An MCU reset or power-on (port_init): USB hardware back to its reset
 * state; the DWC2 bridge also brings up what the target's port_init does
 * before the USB driver runs (supply, clocks) on the register models. */
int host_usb_power_on(const struct board *b);
/* Free what host_usb_configure / host_usb_power_on created. */
void host_usb_teardown(void);

#endif
