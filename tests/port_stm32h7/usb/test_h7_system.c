/* SPDX-License-Identifier: MIT */
/*
 * port_init() and the system services of port/stm32h7 on the system-block
 * models, for every board: the supply configuration written once with the
 * board's value (and never when an earlier stage already did), VOS1 and
 * flash wait states before PLL1 is selected, UID, no-init word, button,
 * LED, reset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/err.h"
#include "port/stm32h7/h7.h"
#include "h7_harness.h"
#include "port/stm32h7/h7_sys.h"
#include "hal/port.h"
#include "sim/clock/vclock.h"
#include "sim/h7/h7_sys_model.h"
#include "sim/h7/scs_model.h"

static uint32_t expected_supply(enum board_supply s)
{
	/* PWR_CR3 bits (RM0399): SMPSLEVEL[5:4] SMPSEXTHP 3 SMPSEN 2 LDOEN 1 BYPASS 0 */
	switch (s) {
	case BOARD_SUPPLY_DIRECT_SMPS:
		return 1u << 2;
	case BOARD_SUPPLY_SMPS_1V8_SUPPLIES_LDO:
		return (1u << 4) | (1u << 2) | (1u << 1);
	default:
		return 1u << 1;
	}
}

static int teardown(void **state)
{
	(void)state;
	h7h_teardown();
	return 0;
}

static void test_port_init_every_board(void **state)
{
	(void)state;
	unsigned n = 0;
	for (const struct board *const *bp = board_list; *bp; bp++, n++) {
		const struct board *b = *bp;
		assert_int_equal(h7h_setup(b, NULL), 0);
		assert_int_equal(port_init(b), QDFU_OK);
		const struct h7_sys_stats *st = h7_sys_model_stats();
		if (st->errors)
			fail_msg("%s: %s", b->name, st->last_error);
		assert_int_equal(st->supply_writes, 1);
		assert_int_equal(st->cr3_supply, expected_supply(b->hw.supply));
		assert_false(st->chip_stopped);
		assert_string_equal(h7_sys_model_flash_acr_problem(), "");
		/* the kernel clock bench/sim/constants.c and sim/port/qspi.c charge */
		assert_int_equal(h7_qspi_kernel_hz(), 200000000u);
		if (b->family == BOARD_FAMILY_H74X) {
			assert_true(st->sysclk_pll);
			assert_int_equal(h7_sysclk_hz(), 400000000u);
			assert_int_equal(h7_hclk_hz(), 200000000u);
			/* the RM table at VOS1, 200 MHz AXI: 2 wait states, WRHIGHFREQ 2 */
			assert_int_equal(st->flash_acr, 0x22u);
		} else {
			/* H72x/H7Ax (docs/clocks.md): VOS0, CPU 200 MHz, AXI 100 MHz,
			 * the NOR's kernel clock PLL2R 200 MHz */
			assert_true(st->sysclk_pll);
			assert_int_equal(h7_sys_model_vos(), 0);
			assert_int_equal(h7_sysclk_hz(), 200000000u);
			assert_int_equal(h7_hclk_hz(), 100000000u);
			assert_int_equal(h7_sys_model_cpu_hz(), 200000000u);
			assert_int_equal(h7_sys_model_aclk_hz(), 100000000u);
			assert_int_equal(h7_qspi_kernel_hz(), 200000000u);
			assert_int_equal(h7_sys_model_ospi_kernel_hz(), 200000000u);
			/* VOS0, 100 MHz: H72x 1 WS WRHIGHFREQ 1; H7A3/B3/B0 2 WS, 1 */
			assert_int_equal(st->flash_acr,
			                 b->family == BOARD_FAMILY_H72X ? 0x11u : 0x12u);
		}
		/* LED configured and off. */
		if (b->hw.led.port != 0xFF) {
			assert_int_equal(h7_sys_model_pin_mode(b->hw.led.port, b->hw.led.pin), 1);
			assert_int_equal(h7_sys_model_output(b->hw.led.port, b->hw.led.pin),
			                 !b->hw.led.active_high);
			port_led(true);
			assert_int_equal(h7_sys_model_output(b->hw.led.port, b->hw.led.pin),
			                 b->hw.led.active_high != 0);
		}
		h7h_teardown();
	}
	assert_int_equal(n, 11);
}

/* The deliberately wrong plan: the H74x's (VOS "11", PLL1 VCO 800 MHz,
 * CPU 400 MHz) run on an H7B3. There "11" in PWR_SRDCR is VOS0, and the
 * line tops out at a 560 MHz VCO and a 280 MHz CPU (docs/clocks.md): the
 * model must refuse it (this is what the port did on every line before
 * the per-line plans). */
static void test_h74x_plan_fails_on_an_h7b3(void **state)
{
	(void)state;
	struct board wrong = *board_find("stm32h7b3i-dk");
	wrong.family = BOARD_FAMILY_H74X; /* the firmware believes it is an H74x */
	struct h7_sys_config cfg = {.wired = wrong.hw.supply, .family = BOARD_FAMILY_H7AB};
	assert_int_equal(h7h_setup_ex(&wrong, NULL, &cfg), 0);
	(void)port_init(&wrong);
	const struct h7_sys_stats *st = h7_sys_model_stats();
	assert_true(st->errors >= 2);
	assert_non_null(strstr(st->last_error, "H7Ax/B"));
	print_message("  model: %u errors, last: %s\n", st->errors, st->last_error);
}

static void wr(uint32_t addr, uint32_t v)
{
	mmio_write((volatile uint32_t *)MMIO_BASE(addr), v);
}

static unsigned errors_after(uint32_t addr, uint32_t v)
{
	unsigned before = h7_sys_model_stats()->errors;
	wr(addr, v);
	return h7_sys_model_stats()->errors - before;
}

/* The model's per-line rules one by one, each on a register write a wrong
 * plan would make (docs/clocks.md). */
static void test_model_clock_rules_per_line(void **state)
{
	(void)state;
	const uint32_t acr = 0x52002000u, d3cr = 0x58024818u, rcc = 0x58024400u;
	const struct board *b = board_find("stm32h735g-dk");
	assert_int_equal(h7h_setup(b, NULL), 0);
	/* HSI 64 MHz at VOS3 on an H72x: 1 WS, WRHIGHFREQ 1 (RM0468 row) */
	assert_int_equal(errors_after(acr, 0x00u), 2); /* latency and delay too low */
	assert_int_equal(errors_after(acr, 0x01u), 1); /* WRHIGHFREQ 0 < 1 */
	assert_int_equal(errors_after(acr, 0x11u), 0);
	/* no ODEN on the H72x */
	assert_int_equal(errors_after(0x5800042Cu, 1u), 1);
	/* PLL1 (16 MHz x 25 = 400 MHz VCO, P 4: 100 MHz, AXI 50 MHz: fine even
	 * at VOS3) locked, then VOS0 asked and SYSCLK switched before VOSRDY */
	wr(rcc + 0x28, 4u << 4);
	wr(rcc + 0x30, 24u | 3u << 9);
	wr(rcc + 0x18, 8u); /* HPRE /2 */
	wr(rcc + 0x2C, 3u << 2);
	assert_int_equal(errors_after(rcc + 0x00, 1u | 1u << 24), 0);
	vclock_advance_us(1000);
	wr(d3cr, 0u << 14); /* H72x: 00 = VOS0 */
	assert_int_equal(errors_after(rcc + 0x10, 3u), 1);
	assert_non_null(strstr(h7_sys_model_stats()->last_error, "VOSRDY"));
	h7h_teardown();

	/* H7B3: a VCO of 800 MHz is outside its wide range (128-560 MHz) */
	b = board_find("stm32h7b3i-dk");
	assert_int_equal(h7h_setup(b, NULL), 0);
	wr(rcc + 0x28, 4u << 4);
	wr(rcc + 0x30, 49u | 1u << 9);
	wr(rcc + 0x2C, 3u << 2);
	assert_int_equal(errors_after(rcc + 0x00, 1u | 1u << 24), 1);
	assert_non_null(strstr(h7_sys_model_stats()->last_error, "VCO 800"));
	/* VOS0 on the H7B3 is SRDCR 11 (00 is VOS3, the reset value) */
	wr(d3cr, 3u << 14);
	vclock_advance_us(1000);
	assert_int_equal(h7_sys_model_vos(), 0);
	h7h_teardown();
}

static void test_supply_not_rewritten_after_rom(void **state)
{
	(void)state;
	extern const struct board board_stm32h745i_disco;
	const struct board *b = &board_stm32h745i_disco;
	struct h7_sys_config cfg = {.wired = b->hw.supply, .supply_preconfigured = true};
	assert_int_equal(h7h_setup_ex(b, NULL, &cfg), 0);
	assert_int_equal(port_init(b), QDFU_OK);
	assert_int_equal(h7_sys_model_stats()->supply_writes, 0);
	assert_int_equal(h7_sys_model_stats()->errors, 0);
	assert_true(h7_sys_model_stats()->sysclk_pll);
}

static void test_supply_preconfigured_differently(void **state)
{
	(void)state;
	/* An earlier stage locked another (working) configuration: we do not
	 * fight it, report QDFU_E_STATE, and still run. */
	extern const struct board board_portenta_h7;
	const struct board *b = &board_portenta_h7;
	struct h7_sys_config cfg = {.wired = BOARD_SUPPLY_LDO, .supply_preconfigured = true};
	assert_int_equal(h7h_setup_ex(b, NULL, &cfg), 0);
	assert_int_equal(port_init(b), QDFU_E_STATE);
	assert_int_equal(h7_sys_model_stats()->supply_writes, 0);
	assert_int_equal(h7_sys_model_stats()->errors, 0);
}

/* An earlier stage (ST's ROM bootloader, an application that jumped to the
 * RAM flasher) left PLL3 running: PLLSRC and DIVMx may only change with
 * every PLL off (issue 11 item 6). */
static void test_pll_source_changed_only_with_every_pll_off(void **state)
{
	(void)state;
	extern const struct board board_stm32h745i_disco;
	const struct board *b = &board_stm32h745i_disco;
	struct h7_sys_config cfg = {.wired = b->hw.supply, .pll3_left_on = true};
	assert_int_equal(h7h_setup_ex(b, NULL, &cfg), 0);
	assert_int_equal(port_init(b), QDFU_OK);
	assert_string_equal(h7_sys_model_stats()->last_error, "");
	assert_true(h7_sys_model_stats()->sysclk_pll);
}

/* PLL1 never locks: the bootloader stays on HSI (32 MHz AXI) and the flash
 * wait states and programming delay must match that clock, not the one it
 * prepared for (RM table; issue 11 item 6). */
static void test_flash_wait_states_follow_the_clock_we_got(void **state)
{
	(void)state;
	extern const struct board board_stm32h750b_dk;
	const struct board *b = &board_stm32h750b_dk;
	struct h7_sys_config cfg = {.wired = b->hw.supply, .pll_never_locks = true};
	assert_int_equal(h7h_setup_ex(b, NULL, &cfg), 0);
	assert_int_equal(port_init(b), QDFU_E_TIMEOUT);
	assert_false(h7_sys_model_stats()->sysclk_pll);
	assert_string_equal(h7_sys_model_stats()->last_error, "");
	assert_string_equal(h7_sys_model_flash_acr_problem(), "");
	assert_int_equal(h7_hclk_hz(), 32000000u);
}

/* A DISCO board as shipped (BCM4 = 1): the Cortex-M4 boots beside us and
 * parks in D2 stop after a while. We wait for that before touching power
 * or clocks, then hold HSEM 0, and never release it ourselves (issue 11
 * item 5; ST's dual-core start-up). */
static void test_cm4_parked_before_clocks_and_held(void **state)
{
	(void)state;
	extern const struct board board_stm32h745i_disco;
	const struct board *b = &board_stm32h745i_disco;
	struct h7_sys_config cfg = {.wired = b->hw.supply, .cm4 = {.boots = true, .park_us = 3000}};
	assert_int_equal(h7h_setup_ex(b, NULL, &cfg), 0);
	assert_int_equal(port_init(b), QDFU_OK);
	assert_string_equal(h7_sys_model_stats()->last_error, "");
	assert_int_equal(cm4_model_state(), CM4_PARKED);
	assert_true(cm4_model_hsem0_held_by_cm7());
	assert_true(h7_cm4_held());
	assert_true(h7_sys_model_stats()->sysclk_pll);
}

/* An M4 program that never parks (not ST's template): we do not wait
 * forever, and bank 2 stays read-only (h7_cm4_held() false). */
static void test_cm4_that_never_parks(void **state)
{
	(void)state;
	extern const struct board board_stm32h747i_disco;
	const struct board *b = &board_stm32h747i_disco;
	struct h7_sys_config cfg = {.wired = b->hw.supply, .cm4 = {.boots = true, .park_us = 0}};
	assert_int_equal(h7h_setup_ex(b, NULL, &cfg), 0);
	assert_int_equal(port_init(b), QDFU_OK);
	assert_string_equal(h7_sys_model_stats()->last_error, "");
	assert_int_equal(cm4_model_state(), CM4_STARTING);
	assert_false(h7_cm4_held());
}

static void test_model_catches_wrong_wiring(void **state)
{
	(void)state;
	/* The model stops the chip when the firmware writes a supply the board
	 * is not wired for: here a DIRECT_SMPS image on an LDO board. The
	 * bounded waits turn that into an error instead of a hang. */
	extern const struct board board_stm32h745i_disco;
	const struct board *b = &board_stm32h745i_disco;
	struct h7_sys_config cfg = {.wired = BOARD_SUPPLY_LDO};
	assert_int_equal(h7h_setup_ex(b, NULL, &cfg), 0);
	assert_int_equal(port_init(b), QDFU_E_TIMEOUT);
	assert_true(h7_sys_model_stats()->chip_stopped);
}

static void test_uid_noinit_button_reset(void **state)
{
	(void)state;
	extern const struct board board_stm32h750b_dk;
	const struct board *b = &board_stm32h750b_dk;
	assert_int_equal(h7h_setup(b, NULL), 0);
	assert_int_equal(port_init(b), QDFU_OK);
	uint8_t uid[12];
	port_uid(uid);
	for (unsigned i = 0; i < 12; i++)
		assert_int_equal(uid[i], 0x30 + i);
	port_noinit_set(PORT_NOINIT_ENTER_DFU);
	assert_int_equal(port_noinit_get(), PORT_NOINIT_ENTER_DFU);
	port_noinit_set(0);
	assert_int_equal(port_noinit_get(), 0);
	/* Button PC13 active-high, input with pull-down. */
	assert_int_equal(h7_sys_model_pin_mode(2, 13), 0);
	h7_sys_model_set_input(2, 13, false);
	assert_false(port_button_pressed());
	h7_sys_model_set_input(2, 13, true);
	assert_true(port_button_pressed());
	assert_false(h7_sys_model_take_reset());
	port_reset();
	assert_true(h7_sys_model_take_reset());
}

/* Arduino's own bootloader request on the GIGA R1 (board.entry =
 * BOARD_ENTRY_ARDUINO, firmware/port/stm32h7/board_entry.c): boot with the
 * reset flags and RTC_BKP0R the model is given, take the request. */
#define PINRSTF  (1u << 22)
#define PORRSTF  (1u << 23)
#define SFT1RSTF (1u << 24)
#define RMVF     (1u << 16)

static bool arduino_boot(const struct board *b, uint32_t rsr, uint32_t bkp0r)
{
	struct h7_sys_config cfg = {.wired = b->hw.supply, .rcc_rsr = rsr, .rtc_bkp0r = bkp0r};
	h7h_teardown(); /* the previous boot's models, if any */
	assert_int_equal(h7h_setup_ex(b, NULL, &cfg), 0);
	assert_int_equal(port_init(b), QDFU_OK);
	return port_board_entry_requested(b);
}

static void test_arduino_request_taken_once(void **state)
{
	(void)state;
	extern const struct board board_giga_r1;
	/* a sketch's 1200 bps touch: 0xDF59, then a software reset */
	assert_true(arduino_boot(&board_giga_r1, PINRSTF | SFT1RSTF, 0xDF59));
	assert_int_equal(h7_sys_model_rtc_bkp0r(), 0); /* cleared: taken once */
	assert_false(port_board_entry_requested(&board_giga_r1));
	assert_int_equal(h7_sys_model_rcc(0xD0) & (RMVF | PINRSTF | SFT1RSTF), 0);
	assert_int_equal(h7_sys_model_stats()->errors, 0);
}

static void test_arduino_double_tap(void **state)
{
	(void)state;
	extern const struct board board_giga_r1;
	/* first press of RESET: the request is set for 500 ms, then cleared */
	uint64_t t0 = vclock_now_us();
	assert_false(arduino_boot(&board_giga_r1, PINRSTF, 0));
	assert_int_equal(h7_sys_model_rtc_bkp0r(), 0);
	assert_true(h7_sys_model_bkp0r_held_us() >= 500000u);
	assert_true(vclock_now_us() - t0 >= 500000u);
	/* flags cleared and recording again (RMVF not left set) */
	assert_int_equal(h7_sys_model_rcc(0xD0) & (RMVF | PINRSTF), 0);
	assert_int_equal(h7_sys_model_stats()->errors, 0);
	/* the second press lands inside the window: the magic is still there */
	assert_true(arduino_boot(&board_giga_r1, PINRSTF, 0xDF59));
	assert_int_equal(h7_sys_model_rtc_bkp0r(), 0);
	assert_int_equal(h7_sys_model_stats()->errors, 0);
}

static void test_arduino_no_window_after_power_on(void **state)
{
	(void)state;
	extern const struct board board_giga_r1;
	/* power-on sets PINRSTF too: no window, no wait, nothing written */
	assert_false(arduino_boot(&board_giga_r1, PORRSTF | PINRSTF, 0));
	assert_int_equal(h7_sys_model_bkp0r_held_us(), 0);
	assert_false(arduino_boot(&board_giga_r1, PINRSTF | SFT1RSTF, 0)); /* software reset */
	assert_int_equal(h7_sys_model_bkp0r_held_us(), 0);
	/* a press with another value there (Arduino's OTA request 0x07AA): window, value kept */
	assert_false(arduino_boot(&board_giga_r1, PINRSTF, 0x07AA));
	assert_int_equal(h7_sys_model_rtc_bkp0r(), 0x07AA);
	assert_true(h7_sys_model_bkp0r_held_us() >= 500000u);
	assert_int_equal(h7_sys_model_stats()->errors, 0);
}

static void test_no_entry_board_leaves_rtc_alone(void **state)
{
	(void)state;
	extern const struct board board_stm32h745i_disco;
	/* another firmware's value in BKP0R is not ours to take or clear */
	assert_false(arduino_boot(&board_stm32h745i_disco, PINRSTF, 0xDF59));
	assert_int_equal(h7_sys_model_rtc_bkp0r(), 0xDF59);
	assert_int_equal(h7_sys_model_stats()->errors, 0);
}

/* libDaisy's System::ResetToBootloader() on the Daisy Seed (board.entry =
 * BOARD_ENTRY_DAISY): BootInfo {status, data, version} at 0x38800000 in
 * backup SRAM (electro-smith/libDaisy src/sys/system.h, system.cpp). */
#define DAISY_INF  0xB0074EFAu
#define DAISY_SKIP 0x5AFEB007u

static enum port_entry daisy_boot(uint32_t rsr, uint32_t status, uint32_t version)
{
	extern const struct board board_daisy_seed;
	struct h7_sys_config cfg = {.wired = board_daisy_seed.hw.supply,
	                            .rcc_rsr = rsr,
	                            .bkpsram = {status, 0x1234u, version}};
	h7h_teardown();
	assert_int_equal(h7h_setup_ex(&board_daisy_seed, NULL, &cfg), 0);
	assert_int_equal(port_init(&board_daisy_seed), QDFU_OK);
	return port_board_entry_requested(&board_daisy_seed);
}

static void test_daisy_reset_to_bootloader_modes(void **state)
{
	(void)state;
	/* DAISY_INFINITE_TIMEOUT: stay in DFU; taken once; version v6.1 */
	assert_int_equal(daisy_boot(PINRSTF | SFT1RSTF, DAISY_INF, 0), PORT_ENTRY_DFU);
	assert_int_equal(h7_sys_model_bkpsram(0), 0);
	assert_int_equal(h7_sys_model_bkpsram(4), 0x1234u); /* data: not ours */
	assert_int_equal(h7_sys_model_bkpsram(8), 3u);
	assert_int_equal(h7_sys_model_stats()->errors, 0);
	assert_int_equal(h7_sys_model_rcc(0xE0) & (1u << 28), 1u << 28); /* left clocked */
	/* DAISY_SKIP_TIMEOUT: the application at once */
	assert_int_equal(daisy_boot(PINRSTF | SFT1RSTF, DAISY_SKIP, 3), PORT_ENTRY_NONE);
	assert_int_equal(h7_sys_model_bkpsram(0), 0);
	/* DAISY (status INVALID) and a software reset: the grace window */
	assert_int_equal(daisy_boot(PINRSTF | SFT1RSTF, 0, 3), PORT_ENTRY_GRACE);
	/* a press of RESET: the grace window too; power-on: none */
	assert_int_equal(daisy_boot(PINRSTF, 0x77777777u, 0), PORT_ENTRY_GRACE);
	assert_int_equal(daisy_boot(PORRSTF | PINRSTF, 0x77777777u, 0x77777777u), PORT_ENTRY_NONE);
	assert_int_equal(h7_sys_model_bkpsram(8), 3u); /* whatever power-on left */
	assert_int_equal(h7_sys_model_stats()->errors, 0);
}

static void test_daisy_request_on_other_boards_left_alone(void **state)
{
	(void)state;
	extern const struct board board_weact_h750;
	struct h7_sys_config cfg = {.wired = board_weact_h750.hw.supply,
	                            .rcc_rsr = PINRSTF | SFT1RSTF,
	                            .bkpsram = {DAISY_INF, 0, 0}};
	h7h_teardown();
	assert_int_equal(h7h_setup_ex(&board_weact_h750, NULL, &cfg), 0);
	assert_int_equal(port_init(&board_weact_h750), QDFU_OK);
	assert_int_equal(port_board_entry_requested(&board_weact_h750), PORT_ENTRY_NONE);
	assert_int_equal(h7_sys_model_bkpsram(0), DAISY_INF);
}

/* What the core model calls when a fault is taken: the port's handler
 * body, as the naked vector in startup.c calls it on the target (no stack
 * frame here). */
static void port_fault_vector(unsigned exception)
{
	h7_fault_entry(exception, NULL);
}

/* A bus error the bootloader cannot ignore (a load outside a guarded
 * read): the fault is recorded in the no-init words and the MCU reset,
 * and the record is read once after the reset (issue 11 item 3). */
static void test_fault_recorded_then_reset(void **state)
{
	(void)state;
	extern const struct board board_stm32h745i_disco;
	const struct board *b = &board_stm32h745i_disco;
	assert_int_equal(h7h_setup(b, NULL), 0);
	assert_int_equal(port_init(b), QDFU_OK);
	struct port_fault f;
	assert_false(port_take_fault(&f));     /* nothing recorded at power-on */
	port_noinit_set(PORT_NOINIT_BOOT_APP); /* e.g. right after a DFU leave */
	scs_model_set_fault_handler(port_fault_vector);
	scs_model_bus_error(0x08040020u);
	scs_model_set_fault_handler(NULL);
	assert_int_equal(scs_model_stats()->faults_taken, 1);
	assert_int_equal(scs_model_stats()->hangs, 0);
	assert_true(h7_sys_model_take_reset());
	assert_int_equal(port_noinit_get(), 0); /* not "start the application" */
	assert_true(port_take_fault(&f));
	assert_int_equal(f.exception, 3); /* BusFault escalated to HardFault */
	assert_true(f.cfsr & (1u << 9));  /* PRECISERR */
	assert_int_equal(f.addr, 0x08040020u);
	assert_true(f.hfsr & (1u << 30));  /* FORCED */
	assert_false(port_take_fault(&f)); /* read once */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_port_init_every_board, teardown),
	    cmocka_unit_test_teardown(test_h74x_plan_fails_on_an_h7b3, teardown),
	    cmocka_unit_test_teardown(test_model_clock_rules_per_line, teardown),
	    cmocka_unit_test_teardown(test_supply_not_rewritten_after_rom, teardown),
	    cmocka_unit_test_teardown(test_supply_preconfigured_differently, teardown),
	    cmocka_unit_test_teardown(test_pll_source_changed_only_with_every_pll_off, teardown),
	    cmocka_unit_test_teardown(test_flash_wait_states_follow_the_clock_we_got, teardown),
	    cmocka_unit_test_teardown(test_cm4_parked_before_clocks_and_held, teardown),
	    cmocka_unit_test_teardown(test_cm4_that_never_parks, teardown),
	    cmocka_unit_test_teardown(test_model_catches_wrong_wiring, teardown),
	    cmocka_unit_test_teardown(test_uid_noinit_button_reset, teardown),
	    cmocka_unit_test_teardown(test_arduino_request_taken_once, teardown),
	    cmocka_unit_test_teardown(test_arduino_double_tap, teardown),
	    cmocka_unit_test_teardown(test_arduino_no_window_after_power_on, teardown),
	    cmocka_unit_test_teardown(test_no_entry_board_leaves_rtc_alone, teardown),
	    cmocka_unit_test_teardown(test_fault_recorded_then_reset, teardown),
	    cmocka_unit_test_teardown(test_daisy_reset_to_bootloader_modes, teardown),
	    cmocka_unit_test_teardown(test_daisy_request_on_other_boards_left_alone, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
