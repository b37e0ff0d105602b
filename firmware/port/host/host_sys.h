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
/* usb_host.c: speed presented; back to the power-on state (detached). */
void host_usb_configure(bool high_speed);

#endif
