/* SPDX-License-Identifier: MIT */
/*
 * port.h system services on the host: time from the simulator clock
 * (sim/clock/vclock: real or virtual), the UID and the button from the run
 * configuration, and reset / application start recorded for the simulator
 * instead of happening (the simulator reboots the firmware or logs the jump).
 */
#include <string.h>

#include "common/err.h"
#include "sim/clock/vclock.h"
#include "sim/port/simport_sys.h"
#include "sim/port/simport.h"
#include "sim/port/simport_internal.h"
#include "hal/port.h"
#include "qdfu_app.h"

static struct {
	uint8_t uid[12];
	bool button;
	bool led;
	bool reset_requested;
	bool app_started;
	uint32_t app_vtor;
	struct qdfu_handoff handoff; /* what the firmware left for the application */
	bool fetched;                /* the application's first 8 bytes were read */
	uint8_t first[8];            /* ... through the QSPI window (initial SP, reset) */
} g_sys;

#define QSPI_WINDOW_BASE 0x90000000u
#define QSPI_WINDOW_SIZE 0x10000000u

/* Survives port_reset() like the target's no-init RAM; lost only when the
 * process (the "power") goes away. */
static uint32_t g_noinit;

void simport_system_configure(const struct simport_config *cfg)
{
	memcpy(g_sys.uid, cfg->uid, sizeof(g_sys.uid));
	g_sys.button = cfg->button;
	g_sys.led = false;
	g_sys.reset_requested = false;
	g_sys.app_started = false;
	g_sys.app_vtor = 0;
	memset(&g_sys.handoff, 0, sizeof(g_sys.handoff));
	simport_ram_power_on((uint32_t)cfg->uid[0] | (uint32_t)cfg->uid[1] << 8 | 0x5EED0000u);
}

int port_init(const struct board *b)
{
	simport_iflash_power(true); /* power (back) on */
	simport_qspi_power(true);
	/* A new boot: the previous run's jump is history. */
	g_sys.app_started = false;
	g_sys.fetched = false;
	g_sys.reset_requested = false;
	return simport_usb_power_on(b);
}

uint32_t port_millis(void)
{
	return (uint32_t)(vclock_now_us() / 1000u);
}

void port_uid(uint8_t uid[12])
{
	memcpy(uid, g_sys.uid, sizeof(g_sys.uid));
}

uint32_t port_noinit_get(void)
{
	return g_noinit;
}

void port_noinit_set(uint32_t v)
{
	g_noinit = v;
}

/* The PC has no RESET pin nor applications that write the RTC backup
 * registers: the board ecosystems' requests never come. The target's code
 * for them runs on the register models (tests/port_stm32h7/usb/
 * test_h7_system.c); the core's handling on the mock port. */
enum port_entry port_board_entry_requested(const struct board *b)
{
	(void)b;
	return PORT_ENTRY_NONE;
}

void simport_set_button(bool held)
{
	g_sys.button = held;
}

/* The PC port never faults into a reset; a fault can be injected for
 * tests of the bootloader's reporting (simport_set_fault). */
static struct port_fault g_fault;

void simport_set_fault(const struct port_fault *f)
{
	g_fault = *f;
}

bool port_take_fault(struct port_fault *f)
{
	if (!g_fault.exception)
		return false;
	*f = g_fault;
	memset(&g_fault, 0, sizeof(g_fault));
	return true;
}

bool port_button_pressed(void)
{
	return g_sys.button;
}

void port_led(bool on)
{
	g_sys.led = on;
}

void port_reset(void)
{
	g_sys.reset_requested = true;
	/* The pull-up goes with the MCU. */
	port_usb_connect(false);
}

/* An application in QSPI: the core's first fetch (its initial SP and
 * reset vector) goes through the memory-mapped window as it is now. */
void port_start_app(uint32_t vtor)
{
	g_sys.app_started = true;
	g_sys.app_vtor = vtor;
	g_sys.fetched = false;
	if (vtor - QSPI_WINDOW_BASE < QSPI_WINDOW_SIZE)
		g_sys.fetched = simport_qspi_mem_read(vtor - QSPI_WINDOW_BASE, g_sys.first,
		                                      sizeof(g_sys.first)) == QDFU_OK;
	port_usb_connect(false);
	(void)simport_ram_check_start(vtor);
}

void port_app_handoff(const struct qdfu_handoff *h)
{
	g_sys.handoff = *h;
}

const struct qdfu_handoff *simport_app_handoff(void)
{
	return &g_sys.handoff;
}

bool simport_app_first_fetch(uint8_t out[8])
{
	if (g_sys.fetched)
		memcpy(out, g_sys.first, sizeof(g_sys.first));
	return g_sys.fetched;
}

bool simport_take_reset_request(void)
{
	bool r = g_sys.reset_requested;
	g_sys.reset_requested = false;
	return r;
}

bool simport_app_started(uint32_t *vtor)
{
	if (g_sys.app_started && vtor)
		*vtor = g_sys.app_vtor;
	return g_sys.app_started;
}
