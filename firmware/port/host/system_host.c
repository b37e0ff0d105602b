/* SPDX-License-Identifier: MIT */
/*
 * port.h system services on the host: time from the simulator clock
 * (sim/common/vclock: real or virtual), the UID and the button from the run
 * configuration, and reset / application start recorded for the simulator
 * instead of happening (the simulator reboots the firmware or logs the jump).
 */
#include <string.h>

#include "common/err.h"
#include "common/vclock.h"
#include "host_sys.h"
#include "hostport.h"
#include "port/port.h"

static struct {
	uint8_t uid[12];
	bool button;
	bool led;
	bool reset_requested;
	bool app_started;
	uint32_t app_vtor;
} g_sys;

/* Survives port_reset() like the target's no-init RAM; lost only when the
 * process (the "power") goes away. */
static uint32_t g_noinit;

void host_system_configure(const struct hostport_config *cfg)
{
	memcpy(g_sys.uid, cfg->uid, sizeof(g_sys.uid));
	g_sys.button = cfg->button;
	g_sys.led = false;
	g_sys.reset_requested = false;
	g_sys.app_started = false;
	g_sys.app_vtor = 0;
}

int port_init(const struct board *b)
{
	(void)b;
	/* A new boot: the previous run's jump is history. */
	g_sys.app_started = false;
	g_sys.reset_requested = false;
	return QDFU_OK;
}

/* In virtual time the clock moves only when the bridge or a client moves
 * it. Firmware that busy-waits on the clock (a bounded wait inside one
 * request) would then spin forever: after SPIN_READS reads that saw no
 * change, time passes as it would on the target, up to the next model
 * deadline (or by 1 ms). Deterministic: it depends only on how often the
 * firmware reads the clock. */
#define SPIN_READS 20000u

uint32_t port_millis(void)
{
	static uint64_t last_us;
	static uint32_t same;
	uint64_t now = vclock_now_us();
	if (vclock_mode() == VCLOCK_VIRTUAL) {
		if (now != last_us) {
			last_us = now;
			same = 0;
		} else if (++same >= SPIN_READS) {
			uint64_t next = vclock_next_deadline_us();
			vclock_advance_us(next > now ? next - now : 1000u);
			now = last_us = vclock_now_us();
			same = 0;
		}
	}
	return (uint32_t)(now / 1000u);
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

void port_start_app(uint32_t vtor)
{
	g_sys.app_started = true;
	g_sys.app_vtor = vtor;
	port_usb_connect(false);
}

bool hostport_take_reset_request(void)
{
	bool r = g_sys.reset_requested;
	g_sys.reset_requested = false;
	return r;
}

bool hostport_app_started(uint32_t *vtor)
{
	if (g_sys.app_started && vtor)
		*vtor = g_sys.app_vtor;
	return g_sys.app_started;
}
