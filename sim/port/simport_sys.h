/* SPDX-License-Identifier: MIT */
/*
 * Private glue between the files of sim/port written for the simulator
 * bridge: hostport.c hands the run configuration to the USB controller
 * model (usb_model.c) and the system services (system.c).
 */
#ifndef QDFU_PORT_HOST_HOST_SYS_H
#define QDFU_PORT_HOST_HOST_SYS_H

#include <stdbool.h>

#include "sim/port/simport.h"

/* system.c: UID, button; clears reset / application-start records. */
void simport_system_configure(const struct simport_config *cfg);
/* A fault "recorded by the previous run": port_take_fault returns it once
 * (the PC port itself never faults into a reset). */
struct port_fault;
void simport_set_fault(const struct port_fault *f);
/* The USB side (usb_model.c, or dwc2/usb_dwc2_bridge.c): the run
 * configuration (host port speed, board, UID), at power-on. */
void simport_usb_configure(const struct simport_config *cfg);
/* An MCU reset or power-on (port_init): USB hardware back to its reset
 * state; the DWC2 bridge also brings up what the target's port_init does
 * before the USB driver runs (supply, clocks) on the register models. */
int simport_usb_power_on(const struct board *b);
/* DWC2 build: model firmware that runs from bank 1 (stalled while bank 1
 * is erased or programmed), and how often the CPU was found stalled. */
void simport_dwc2_code_in_flash(bool in_flash);
unsigned simport_dwc2_stalls(void);
/* Free what simport_usb_configure / simport_usb_power_on created. */
void simport_usb_teardown(void);

#endif
