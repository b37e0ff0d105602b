/* SPDX-License-Identifier: MIT */
/*
 * The host port's USB side on the STM32H7 port's real DWC2 driver
 * (firmware/port/stm32h7/usb_dwc2.c, compiled with QDFU_HOST_MMIO) running
 * against the DWC2 register model (sim/h7/dwc2_model.c). It replaces
 * usb_model.c in the `dwc2` build of qdfu-sim (qdfu-sim --usb dwc2): port_usb_*
 * are the target's own functions, and this file is the wire and the
 * interrupt controller.
 *
 *  - Power-on and every MCU reset (port_init -> simport_usb_power_on): the
 *    register models start from their reset values (the supply
 *    configuration stays locked after the first boot, as PWR_CR3 does until
 *    power-off), then what the target's port_init does before USB: supply,
 *    voltage scaling, wait states and PLL1 (power.c, clock.c), all against
 *    the system-block models.
 *  - Each host transaction (simport_setup_packet / _out / _in, the bus
 *    reset) goes to the model; before and after it, the OTG interrupt
 *    handler runs while the model's interrupt line is pending, as the NVIC
 *    would enter it between two tokens.
 *  - The host follows SET_ADDRESS after its status stage (USB 2.0 9.4.6),
 *    like the kernel: the model answers at the old address until then.
 *  - Every rule the driver breaks on a model (dwc2_model.h, h7_sys_model.h)
 *    is counted and reported through simport_faults().
 */
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "sim/clock/vclock.h"
#include "port/stm32h7/h7.h"
#include "sim/h7/dwc2_model.h"
#include "sim/h7/h7_board_usb.h"
#include "sim/h7/h7_sys_model.h"
#include "sim/h7/i2c_model.h"
#include "sim/h7/mmio_bus.h"
#include "sim/h7/pf1550_model.h"
#include "port/stm32h7/h7_sys.h"
#include "sim/port/simport_internal.h"
#include "sim/port/simport_sys.h"
#include "sim/port/simport.h"

/* Interrupt handler entries per service point before the line is taken as
 * stuck (a handler that does not clear what it serves). */
#define IRQ_RUNS_MAX 64u

static struct {
	uint8_t uid[12];
	bool host_high_speed; /* the host port can do high speed */
	struct dwc2_model *m;
	unsigned boots;
	uint8_t addr;        /* the address the host sends tokens to */
	uint8_t new_addr;    /* SET_ADDRESS value, until its status stage */
	bool new_addr_due;   /* a SET_ADDRESS is in progress */
	unsigned faults_old; /* violations on models of earlier boots */
	unsigned irq_stuck;
	char last_fault[200];
	bool code_in_flash; /* the firmware would run from bank 1 */
	unsigned stalls;    /* service points skipped: the CPU was stalled */
} bridge;

/* ------------------------------------------ what the target provides */

/* The target's time base counts SysTick; here the simulator's clock moves
 * (virtual time) or real time passes. */
void h7_delay_us(uint32_t us)
{
	vclock_advance_us(us);
}

void h7_timebase_init(uint32_t cpu_hz)
{
	(void)cpu_hz;
}

/* -------------------------------------------------------- interrupts */

static unsigned model_faults(void)
{
	unsigned n = bridge.irq_stuck;
	if (bridge.m)
		n += dwc2m_errors(bridge.m);
	const struct h7_sys_stats *st = h7_sys_model_stats();
	if (st && bridge.m)
		n += st->errors;
	return n;
}

static void remember_last_fault(void)
{
	if (!bridge.m)
		return;
	const struct h7_sys_stats *st = h7_sys_model_stats();
	if (dwc2m_errors(bridge.m))
		snprintf(bridge.last_fault, sizeof(bridge.last_fault), "DWC2: %s",
		         dwc2m_last_error(bridge.m));
	else if (st && st->errors)
		snprintf(bridge.last_fault, sizeof(bridge.last_fault), "RCC/PWR/CRS/GPIO: %s",
		         st->last_error);
}

/* Issue 11 item 4: on the target, instruction fetches from bank 1 stall
 * while a bank-1 sector is erased or a word programmed (~1-2 s per
 * sector). Firmware that runs from bank 1 takes no interrupt then: the
 * USB core keeps handshaking from its FIFOs, but nobody services it. The
 * bootloader runs from ITCM (H7_CODE_IN_ITCM, checked on the images by
 * h7_itcm_layout); a design that did not would show here. */
static bool cpu_stalled(void)
{
	if (bridge.code_in_flash && simport_iflash_bank1_busy()) {
		bridge.stalls++;
		return true;
	}
	return false;
}

void simport_dwc2_code_in_flash(bool in_flash)
{
	bridge.code_in_flash = in_flash;
}

unsigned simport_dwc2_stalls(void)
{
	return bridge.stalls;
}

static void run_irq(void)
{
	if (!bridge.m || cpu_stalled())
		return;
	unsigned n = 0;
	while (dwc2m_irq_pending(bridge.m) && n < IRQ_RUNS_MAX) {
		h7_usb_irq();
		n++;
	}
	if (dwc2m_irq_pending(bridge.m)) {
		bridge.irq_stuck++;
		snprintf(bridge.last_fault, sizeof(bridge.last_fault),
		         "OTG interrupt still pending after %u handler runs", IRQ_RUNS_MAX);
	}
}

static int handshake(int hs)
{
	switch (hs) {
	case DWC2M_ACK:
		return SIMPORT_ACK;
	case DWC2M_NAK:
		return SIMPORT_NAK;
	case DWC2M_STALL:
		return SIMPORT_STALL;
	default:
		return SIMPORT_NORESP;
	}
}

/* ------------------------------------------------------ simport_sys.h */

void simport_usb_configure(const struct simport_config *cfg)
{
	if (bridge.m)
		dwc2m_destroy(bridge.m);
	memset(&bridge, 0, sizeof(bridge));
	memcpy(bridge.uid, cfg->uid, sizeof(bridge.uid));
	bridge.code_in_flash = !H7_CODE_IN_ITCM;
	bridge.host_high_speed = cfg->high_speed;
}

int simport_usb_power_on(const struct board *b)
{
	if (bridge.m) {
		remember_last_fault();
		bridge.faults_old += dwc2m_errors(bridge.m) + h7_sys_model_stats()->errors;
		dwc2m_destroy(bridge.m);
		bridge.m = NULL;
	}
	h7_usb_forget_state();
	mmio_reset();
	struct h7_sys_config sc = {
	    .wired = b->hw.supply, .family = b->family, .supply_preconfigured = bridge.boots > 0};
	memcpy(sc.uid, bridge.uid, sizeof(sc.uid));
	if (h7_sys_model_init(&sc))
		return QDFU_E_NO_DEVICE;
	bridge.m = dwc2m_create(h7_board_usb_base(b), h7_board_usb_phy(b));
	if (!bridge.m)
		return QDFU_E_NO_DEVICE;
	if (b->hw.pmic == BOARD_PMIC_PF1550) {
		/* Portenta: the ULPI PHY's rails come from the PF1550 on I2C1 */
		if (i2c_model_init())
			return QDFU_E_NO_DEVICE;
		pf1550_model_init(true);
		dwc2m_set_phy_power(bridge.m, pf1550_model_phy_rails_ok);
	}
	bridge.boots++;
	bridge.addr = 0;
	bridge.new_addr_due = false;

	/* The target's port_init before the core starts USB (system.c). */
	int rc = h7_power_init(b);
	int c = h7_clock_init(b);
	int p = h7_pmic_init(b);
	return rc ? rc : c ? c : p;
}

void simport_usb_teardown(void)
{
	if (bridge.m) {
		dwc2m_destroy(bridge.m);
		bridge.m = NULL;
	}
	h7_usb_forget_state();
	mmio_reset();
}

/* ------------------------------------------------------ simport.h */

const char *simport_usb_name(void)
{
	return "dwc2";
}

void simport_bus_reset(void)
{
	run_irq();
	if (!bridge.m || dwc2m_bus_reset(bridge.m, bridge.host_high_speed) != DWC2M_ACK)
		return; /* no pull-up: the hub sees no device to reset */
	bridge.addr = 0;
	bridge.new_addr_due = false;
	run_irq();
}

int simport_setup_packet(const uint8_t pkt[8])
{
	if (!bridge.m)
		return SIMPORT_NORESP;
	run_irq();
	bridge.new_addr_due = pkt[0] == 0x00 && pkt[1] == 5; /* SET_ADDRESS */
	bridge.new_addr = pkt[2] & 0x7Fu;
	int hs = dwc2m_setup(bridge.m, bridge.addr, pkt);
	run_irq();
	return handshake(hs);
}

int simport_out(uint8_t ep, const uint8_t *data, unsigned len)
{
	if (!bridge.m)
		return SIMPORT_NORESP;
	run_irq();
	int hs = dwc2m_out(bridge.m, bridge.addr, ep & 0x7Fu, data, len);
	run_irq();
	return handshake(hs);
}

int simport_in(uint8_t ep, uint8_t *data, unsigned maxlen, unsigned *len)
{
	/* The host controller takes a whole max-size packet and keeps what the
	 * transfer asked for (the engine treats more as babble). */
	uint8_t pkt[64];
	unsigned got = 0;
	*len = 0;
	if (!bridge.m)
		return SIMPORT_NORESP;
	run_irq();
	int hs = dwc2m_in(bridge.m, bridge.addr, ep & 0x7Fu, pkt, sizeof(pkt), &got);
	if (hs == DWC2M_ACK) {
		memcpy(data, pkt, got < maxlen ? got : maxlen);
		*len = got;
		if (got == 0 && bridge.new_addr_due) {
			/* status stage of SET_ADDRESS done: new address */
			bridge.addr = bridge.new_addr;
			bridge.new_addr_due = false;
		}
	}
	run_irq();
	return handshake(hs);
}

bool simport_connected(void)
{
	return bridge.m && dwc2m_connected(bridge.m);
}

uint8_t simport_address(void)
{
	return bridge.addr;
}

bool simport_high_speed(void)
{
	return bridge.m && dwc2m_high_speed(bridge.m);
}

unsigned simport_faults(const char **last)
{
	unsigned n = bridge.faults_old + model_faults();
	if (n)
		remember_last_fault();
	if (last)
		*last = n ? bridge.last_fault : NULL;
	return n;
}
