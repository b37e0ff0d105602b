/* SPDX-License-Identifier: MIT */
/*
 * The host port's second face: what the simulator (the virtual USB bridge,
 * qdfu-sim, tests) uses to drive the firmware compiled for the host.
 *
 * USB side: transaction level, like a host controller on the wire. The
 * bridge issues SETUP / OUT / IN transactions on EP0; each returns ACK, NAK
 * or STALL. Between NAKs the bridge calls bootloader_task() (the main loop)
 * and, in virtual time, advances the clock.
 */
#ifndef QDFU_SIM_PORT_SIMPORT_H
#define QDFU_SIM_PORT_SIMPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "boards/board.h"

/* Handshakes. NORESP: no handshake at all (device not connected, wrong
 * address, a SETUP the controller dropped): a host sees a timeout. */
enum { SIMPORT_ACK = 0, SIMPORT_NAK = 1, SIMPORT_STALL = 2, SIMPORT_NORESP = 3 };

struct simport_config {
	const struct board *board;
	/* chip model names for QSPI chip 0 and (dual-flash) chip 1; NULL =
	 * the board's default */
	const char *chips[2];
	/* directory holding internal.bin, qspi0.bin, qspi1.bin; NULL = keep
	 * memories in RAM only */
	const char *state_dir;
	/* 96-bit UID of this simulated MCU (serial number) */
	uint8_t uid[12];
	/* button held at reset (enter DFU) */
	bool button;
	/* The simulated host port supports high speed. With the USB controller
	 * model (usb_model.c) the device then enumerates at high speed; with the
	 * real DWC2 driver (dwc2/usb_dwc2_bridge.c) it does when the board's
	 * PHY can (ULPI), as on a PC. */
	bool high_speed;
	/* the QSPI chips start with every block-protect bit set (as shipped
	 * locked, or left so by another tool): qdfu-sim --nor-protect */
	bool nor_protect;
};

/* Create the models and load state. Call before bootloader_init(). */
int simport_setup(const struct simport_config *cfg);
/* Write the models' contents back to state_dir. */
int simport_save(void);
/* Power is cut now: an erase or program still running in a flash model is
 * left torn as the silicon leaves it (sim/nor/nor_torn.c, sim/h7/h7_iflash.c),
 * volatile chip state and the MCU's no-init RAM are lost, USB detaches.
 * Returns true if an operation was torn; *what (may be NULL) says which. */
bool simport_power_cut(const char **what);
/* The DFU button's state at the next boot. */
void simport_set_button(bool held);
/* Free everything (models, buffers). */
void simport_teardown(void);

/* Which USB device controller this build drives: "model" (usb_model.c, an
 * EP0 controller model behind port_usb_*) or "dwc2" (the STM32H7 port's
 * real DWC2 driver on the DWC2 register model). */
const char *simport_usb_name(void);

/* USB transactions on EP0 (ep 0x00 OUT / 0x80 IN), each answering
 * SIMPORT_ACK / NAK / STALL / NORESP. */
void simport_bus_reset(void);
int simport_setup_packet(const uint8_t pkt[8]);
int simport_out(uint8_t ep, const uint8_t *data, unsigned len);
int simport_in(uint8_t ep, uint8_t *data, unsigned maxlen, unsigned *len);
/* Pull-up state: false after the firmware soft-disconnected (leave). */
bool simport_connected(void);
/* The firmware asked for an MCU reset (port_reset) since the last call. */
bool simport_take_reset_request(void);
/* The firmware started the application: true and its vector table. */
bool simport_app_started(uint32_t *vtor);
/* The hand-over record the firmware left for the application
 * (include/qdfu_app.h; all zero if none), and, for an application in QSPI,
 * its first 8 bytes as the core's first fetch through the memory-mapped
 * window read them (false: the window was not mapped, a bus fault). */
struct qdfu_handoff;
const struct qdfu_handoff *simport_app_handoff(void);
bool simport_app_first_fetch(uint8_t out[8]);
/* The device address most recently applied. */
uint8_t simport_address(void);
/* The speed the last bus reset enumerated at (true = high speed). */
bool simport_high_speed(void);
/* Hardware rules the firmware broke so far (register models count them;
 * 0 with the controller model), and the last one in words. */
unsigned simport_faults(const char **last);

/* RAM applications (sim/port/ram.c): the RAM the firmware copies them to.
 * Power-on contents are noise (seeded); a view of [addr, addr+len) of the
 * modelled RAM, or NULL; the last copy prepared (port_app_ram); the rules a
 * start in RAM broke (copy not matching its flash, start where no copy
 * went), cumulative, and the last in words. */
void simport_ram_power_on(uint32_t seed);
uint8_t *simport_ram(uint32_t addr, uint32_t len);
bool simport_ram_load(uint32_t *src, uint32_t *dst, uint32_t *len);
unsigned simport_ram_faults(const char **last);
/* Called at the application's start: checks it when vtor is in RAM
 * (returns true then). */
bool simport_ram_check_start(uint32_t vtor);

#endif
