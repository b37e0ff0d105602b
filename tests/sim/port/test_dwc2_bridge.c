/* SPDX-License-Identifier: MIT */
/*
 * The DWC2 build of the host port (sim/port/dwc2/
 * usb_dwc2_bridge.c): the STM32H7 driver on the DWC2 register model behind
 * the transaction API that qdfu-sim's worker drives.
 *  - speed: the host port is high-speed capable; a ULPI board enumerates
 *    at high speed, an internal-PHY board at full speed;
 * *  - no handshake from a device without pull-up;
 *  - the host follows SET_ADDRESS only after its status stage;
 *  - an MCU reset keeps the supply configuration (PWR_CR3 is locked until
 *    power-off) and forgets the driver's state;
 *  - a rule the firmware breaks on a model reaches simport_faults().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/err.h"
#include "sim/clock/vclock.h"
#include "sim/h7/h7_board_usb.h"
#include "sim/h7/h7_sys_model.h"
#include "sim/port/simport_internal.h"
#include "sim/port/simport_sys.h"
#include "sim/port/simport.h"
#include "port/stm32h7/mmio.h"
#include "hal/port.h"
#include "port/stm32h7/regs_usb_dwc2.h"

extern const struct board board_stm32h745i_disco; /* USB2_OTG_FS, internal PHY */
extern const struct board board_stm32h747i_disco; /* USB1_OTG_HS, ULPI */

/* The USB core's event queue is not under test: record what the driver
 * posts. */
static struct port_usb_event g_ev[64];
static unsigned g_nev;

void usbd_event_post(const struct port_usb_event *ev)
{
	if (g_nev < 64)
		g_ev[g_nev++] = *ev;
}

static int bring_up(const struct board *b)
{
	struct simport_config cfg = {.board = b, .high_speed = true};
	for (unsigned i = 0; i < 12; i++)
		cfg.uid[i] = (uint8_t)(0x40 + i);
	g_nev = 0;
	vclock_init(VCLOCK_VIRTUAL);
	simport_usb_configure(&cfg);
	if (simport_usb_power_on(b) != QDFU_OK)
		return -1;
	if (port_usb_init(b) != QDFU_OK)
		return -1;
	port_usb_connect(true);
	return 0;
}

static void assert_no_faults(void)
{
	const char *last = NULL;
	unsigned n = simport_faults(&last);
	if (n)
		fail_msg("%u hardware rule(s) broken, last: %s", n, last ? last : "?");
}

static void speed_follows_the_phy(void **state)
{
	(void)state;
	assert_int_equal(strcmp(simport_usb_name(), "dwc2"), 0);

	assert_int_equal(bring_up(&board_stm32h747i_disco), 0);
	assert_true(simport_connected());
	simport_bus_reset();
	assert_true(simport_high_speed());
	assert_int_equal(port_usb_speed(), PORT_USB_SPEED_HIGH);
	assert_no_faults();

	assert_int_equal(bring_up(&board_stm32h745i_disco), 0);
	simport_bus_reset();
	assert_false(simport_high_speed()); /* internal FS PHY, same host */
	assert_no_faults();
}

static void silent_without_pull_up(void **state)
{
	(void)state;
	const uint8_t get_desc[8] = {0x80, 6, 0x00, 0x01, 0, 0, 64, 0};
	assert_int_equal(bring_up(&board_stm32h745i_disco), 0);
	simport_bus_reset();
	assert_int_equal(simport_address(), 0);
	port_usb_connect(false);
	assert_false(simport_connected());
	assert_int_equal(simport_setup_packet(get_desc), SIMPORT_NORESP);
	port_usb_connect(true);
	simport_bus_reset();
	assert_int_equal(simport_setup_packet(get_desc), SIMPORT_ACK);
	assert_no_faults();
}

/* SET_ADDRESS handled by hand, as the core would: DAD written in the
 * setup stage, then the status ZLP. The host keeps address 0 until that
 * ZLP is through, then uses the new one; the device answers there only. */
static void address_follows_after_status_stage(void **state)
{
	(void)state;
	const uint8_t set_addr[8] = {0x00, 5, 9, 0, 0, 0, 0, 0};
	const uint8_t get_status[8] = {0x80, 0, 0, 0, 0, 0, 2, 0};
	uint8_t buf[64];
	unsigned n = 0;
	assert_int_equal(bring_up(&board_stm32h745i_disco), 0);
	simport_bus_reset();
	assert_int_equal(simport_setup_packet(set_addr), SIMPORT_ACK);
	port_usb_set_address(9);
	assert_int_equal(simport_address(), 0);
	/* status stage not armed yet: NAK, still address 0 */
	assert_int_equal(simport_in(0x80, buf, 64, &n), SIMPORT_NAK);
	assert_int_equal(simport_address(), 0);
	assert_int_equal(port_usb_ep0_xfer(0x80, NULL, 0), QDFU_OK);
	assert_int_equal(simport_in(0x80, buf, 64, &n), SIMPORT_ACK);
	assert_int_equal(n, 0);
	assert_int_equal(simport_address(), 9);
	/* the next request goes to address 9 and is taken */
	assert_int_equal(simport_setup_packet(get_status), SIMPORT_ACK);
	assert_no_faults();
}

static void reset_keeps_supply_and_forgets_driver(void **state)
{
	(void)state;
	const struct board *b = &board_stm32h747i_disco;
	assert_int_equal(bring_up(b), 0);
	const struct h7_sys_stats *st = h7_sys_model_stats();
	assert_int_equal(st->supply_writes, 1); /* first boot configures it */
	/* MCU reset: new models, supply locked as configured */
	assert_int_equal(simport_usb_power_on(b), QDFU_OK);
	st = h7_sys_model_stats();
	assert_int_equal(st->supply_writes, 0);
	assert_false(st->chip_stopped);
	assert_true(st->sysclk_pll);
	/* the boot decides to start the application without USB: the
	 * pull-up call must not touch the fresh core (the driver forgot it) */
	port_usb_connect(false);
	assert_false(simport_connected());
	assert_no_faults();
}

static void broken_rules_are_reported(void **state)
{
	(void)state;
	const struct board *b = &board_stm32h745i_disco;
	assert_int_equal(bring_up(b), 0);
	assert_no_faults();
	/* what `GRSTCTL |= TXFFLSH` right after a flush does: a second
	 * trigger while the first flush runs */
	struct dwc2_regs *r = (struct dwc2_regs *)MMIO_BASE(h7_board_usb_base(b));
	mmio_write(&r->GRSTCTL, GRSTCTL_TXFFLSH | GRSTCTL_TXFNUM_ALL);
	mmio_write(&r->GRSTCTL, GRSTCTL_TXFFLSH | GRSTCTL_TXFNUM_ALL);
	const char *last = NULL;
	unsigned n = simport_faults(&last);
	assert_true(n >= 1);
	assert_non_null(last);
	assert_non_null(strstr(last, "DWC2"));
	/* counted across MCU resets: the new models start clean, the total
	 * stays */
	assert_int_equal(simport_usb_power_on(b), QDFU_OK);
	assert_int_equal(simport_faults(NULL), n);
}

static void erase_to_end(void)
{
	for (int i = 0; i < 100 && port_iflash_poll() == QDFU_E_BUSY; i++)
		vclock_advance_us(100000u);
	assert_false(simport_iflash_bank1_busy());
}

/* Issue 11 item 4: while a bank-1 sector is erased, fetches from bank 1
 * stall. The bootloader runs from ITCM (H7_CODE_IN_ITCM), so a SETUP that
 * arrives during the erase is serviced at once; firmware that ran from
 * bank 1 would leave it in the FIFO until the erase ended, and the model
 * shows that. */
static void bank1_erase_stalls_only_code_in_flash(void **state)
{
	(void)state;
	const uint8_t get_desc[8] = {0x80, 6, 0x00, 0x01, 0, 0, 64, 0};
	const struct board *b = &board_stm32h745i_disco;
	uint8_t buf[64];
	unsigned n = 0;
	assert_int_equal(bring_up(b), 0);
	assert_int_equal(simport_iflash_setup(b, NULL), QDFU_OK);
	simport_bus_reset();

	assert_int_equal(port_iflash_erase_start(2), QDFU_OK); /* bank 1, sector 2 */
	assert_true(simport_iflash_bank1_busy());
	unsigned ev = g_nev;
	assert_int_equal(simport_setup_packet(get_desc), SIMPORT_ACK);
	assert_true(g_nev > ev); /* serviced during the erase */
	assert_int_equal(simport_dwc2_stalls(), 0);
	erase_to_end();

	simport_dwc2_code_in_flash(true); /* a design that runs from bank 1 */
	assert_int_equal(port_iflash_erase_start(3), QDFU_OK);
	ev = g_nev;
	assert_int_equal(simport_setup_packet(get_desc), SIMPORT_ACK); /* the core ACKs */
	assert_int_equal(g_nev, ev);                                   /* nobody serves it */
	assert_true(simport_dwc2_stalls() > 0);
	erase_to_end();
	(void)simport_in(0x80, buf, sizeof(buf), &n);
	assert_true(g_nev > ev); /* served once the erase is over */
	simport_dwc2_code_in_flash(false);
	simport_iflash_teardown();
	assert_no_faults();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(speed_follows_the_phy),
	    cmocka_unit_test(silent_without_pull_up),
	    cmocka_unit_test(address_follows_after_status_stage),
	    cmocka_unit_test(reset_keeps_supply_and_forgets_driver),
	    cmocka_unit_test(broken_rules_are_reported),
	    cmocka_unit_test(bank1_erase_stalls_only_code_in_flash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
