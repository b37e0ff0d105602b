/* SPDX-License-Identifier: MIT */
/*
 * The real QUADSPI driver (firmware/port/stm32h7/quadspi.c, built with
 * QDFU_HOST_MMIO) under the real NOR driver, against the QUADSPI register
 * model wired to NOR chip models: single and dual-flash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/err.h"
#include "sim/clock/vclock.h"
#include "sim/h7/mmio_bus.h"
#include "sim/h7/quadspi_model.h"
#include "nor/nor.h"
#include "sim/nor/nor_model.h"
#include "hal/port.h"
#include "port/stm32h7/h7.h"
#include "port/stm32h7/h7_sys.h"
#include "port/stm32h7/mmio.h"

/* ---- what the rest of the port would provide */
uint32_t port_millis(void)
{
	return (uint32_t)(vclock_now_us() / 1000u);
}

void port_wait_hint(void)
{
	uint64_t next = vclock_next_deadline_us(), now = vclock_now_us();
	vclock_advance_us(next > now ? next - now : 100u);
}

uint32_t h7_qspi_kernel_hz(void)
{
	return 200000000u;
}

const struct board *h7_board(void)
{
	return NULL;
}

void h7_gpio_af(const struct board_pin *p)
{
	(void)p;
}

int h7_wait_reg(volatile uint32_t *reg, uint32_t mask, uint32_t value, uint32_t timeout_us)
{
	for (uint32_t waited = 0;; waited += 10u) {
		if ((mmio_read(reg) & mask) == value)
			return QDFU_OK;
		if (waited >= timeout_us)
			return QDFU_E_TIMEOUT;
		vclock_advance_us(10u);
	}
}

/* RCC: plain storage (the driver only enables the QUADSPI clock) */
static uint32_t rcc[0x100];
static uint32_t rcc_read(void *ctx, uint32_t off, unsigned w)
{
	(void)ctx;
	(void)w;
	return rcc[off / 4u];
}
static void rcc_write(void *ctx, uint32_t off, uint32_t v, unsigned w)
{
	(void)ctx;
	(void)w;
	rcc[off / 4u] = v;
}
static const struct mmio_model_ops rcc_ops = {rcc_read, rcc_write};

/* System control space: plain registers, with the MPU's per-region
 * RBAR/RASR selected by RNR, and what was written to NVIC ICER/ICPR. */
static uint32_t scs[0x400];
static uint32_t mpu_rbar[16], mpu_rasr[16];
static uint32_t icer_written, icpr_written;
static uint32_t scs_read(void *ctx, uint32_t off, unsigned w)
{
	(void)ctx;
	(void)w;
	if (off == 0xD9C)
		return mpu_rbar[scs[0xD98 / 4] & 15u];
	if (off == 0xDA0)
		return mpu_rasr[scs[0xD98 / 4] & 15u];
	return scs[off / 4u];
}
static void scs_write(void *ctx, uint32_t off, uint32_t v, unsigned w)
{
	(void)ctx;
	(void)w;
	if (off == 0xD9C)
		mpu_rbar[scs[0xD98 / 4] & 15u] = v;
	else if (off == 0xDA0)
		mpu_rasr[scs[0xD98 / 4] & 15u] = v;
	else
		scs[off / 4u] = v;
	if (off >= 0x180 && off < 0x1A0 && v == 0xFFFFFFFFu)
		icer_written++;
	if (off >= 0x280 && off < 0x2A0 && v == 0xFFFFFFFFu)
		icpr_written++;
}
static const struct mmio_model_ops scs_ops = {scs_read, scs_write};

static bool usb_connected = true;
void port_usb_connect(bool on)
{
	usb_connected = on;
}

static struct nor_chip *chips[2];

static void setup_bus(const char *part, bool dual)
{
	vclock_init(VCLOCK_VIRTUAL);
	mmio_reset();
	memset(rcc, 0, sizeof(rcc));
	assert_int_equal(mmio_register(0x58024400u, 0x400, &rcc_ops, NULL), 0);
	memset(scs, 0, sizeof(scs));
	memset(mpu_rbar, 0, sizeof(mpu_rbar));
	memset(mpu_rasr, 0, sizeof(mpu_rasr));
	icer_written = icpr_written = 0;
	usb_connected = true;
	assert_int_equal(mmio_register(0xE000E000u, 0x1000, &scs_ops, NULL), 0);
	chips[0] = nor_chip_create(part);
	chips[1] = dual ? nor_chip_create(part) : NULL;
	assert_non_null(chips[0]);
	assert_int_equal(quadspi_model_init(chips[0], chips[1]), 0);
}

static int teardown(void **state)
{
	(void)state;
	nor_chip_destroy(chips[0]);
	if (chips[1])
		nor_chip_destroy(chips[1]);
	chips[0] = chips[1] = NULL;
	mmio_reset();
	return 0;
}

static int run(int rc)
{
	if (rc)
		return rc;
	for (int i = 0; i < 1000000 && (rc = nor_poll()) == QDFU_E_BUSY; i++)
		port_wait_hint();
	return rc;
}

static void roundtrip(const char *part, bool dual)
{
	setup_bus(part, dual);
	assert_int_equal(nor_probe(dual, 50000000u), QDFU_OK);
	const struct nor_info *info = nor_get_info();
	assert_non_null(info);
	static uint8_t data[9000], back[9000];
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 13 + 5);
	uint32_t at = 0x20000u; /* erase-aligned for every part here */
	struct nor_time t;
	assert_int_equal(run(nor_erase_start(at, 0x10000u, &t)), QDFU_OK);
	assert_int_equal(run(nor_program_start(at + 100u, data, sizeof(data), &t)), QDFU_OK);
	assert_int_equal(nor_read(at + 100u, back, sizeof(back)), QDFU_OK);
	assert_memory_equal(back, data, sizeof(data));
	/* on the chips themselves */
	if (!dual) {
		assert_memory_equal(nor_chip_array(chips[0]) + at + 100u, data, sizeof(data));
	} else {
		const uint8_t *c0 = nor_chip_array(chips[0]), *c1 = nor_chip_array(chips[1]);
		for (unsigned i = 0; i < sizeof(data); i++) {
			uint32_t a = at + 100u + i;
			assert_int_equal((a % 2u ? c1 : c0)[a / 2u], data[i]);
		}
	}
	assert_int_equal(quadspi_model_faults(), 0);
}

static void test_single_w25q64(void **state)
{
	(void)state;
	roundtrip("W25Q64JV", false);
}

static void test_single_mx25l51245g_above_16mib(void **state)
{
	(void)state;
	roundtrip("MX25L51245G", false);
	static uint8_t d[300], b[300];
	memset(d, 0xA7, sizeof(d));
	struct nor_time t;
	uint32_t hi = 0x2000000u; /* 32 MiB: 4-byte addressing */
	assert_int_equal(run(nor_erase_start(hi, 0x10000u, &t)), QDFU_OK);
	assert_int_equal(run(nor_program_start(hi, d, sizeof(d), &t)), QDFU_OK);
	assert_int_equal(nor_read(hi, b, sizeof(b)), QDFU_OK);
	assert_memory_equal(b, d, sizeof(d));
	assert_memory_equal(nor_chip_array(chips[0]) + hi, d, sizeof(d));
}

static void test_dual_mt25ql512(void **state)
{
	(void)state;
	roundtrip("MT25QL512ABB", true);
}

static void test_dual_poll_waits_for_both_chips(void **state)
{
	(void)state;
	setup_bus("MT25QL512ABB", true);
	assert_int_equal(nor_probe(true, 50000000u), QDFU_OK);
	nor_chip_inject(chips[1], NOR_FAULT_STUCK_BUSY); /* chip 1 never finishes */
	struct nor_time t;
	int rc = run(nor_erase_start(0, 0x20000u, &t));
	/* AND polling: chip 0 being ready is not enough */
	assert_int_not_equal(rc, QDFU_OK);
	/* the driver gave up and reset both chips; hang chip 1 again */
	nor_chip_inject(chips[1], NOR_FAULT_STUCK_BUSY);
	struct port_qspi_cmd wren = {.instruction = 0x06, .instruction_lines = 1};
	struct port_qspi_cmd erase = {.instruction = 0x21,
	                              .instruction_lines = 1,
	                              .address_lines = 1,
	                              .address_bytes = 4,
	                              .address = 0};
	assert_int_equal(port_qspi_write(&wren, NULL), QDFU_OK);
	assert_int_equal(port_qspi_write(&erase, NULL), QDFU_OK);
	/* the hardware auto-poll itself: read status (0x05) of both chips,
	 * WIP (bit 0) must be clear in BOTH bytes */
	struct port_qspi_cmd rdsr = {
	    .instruction = 0x05, .instruction_lines = 1, .data_lines = 1, .data_len = 2};
	uint32_t last = 0;
	assert_int_equal(port_qspi_poll(&rdsr, 0x01, 0x00, 200, &last), QDFU_E_TIMEOUT);
	assert_int_equal(last & 0x0101u, 0x0100u); /* chip 0 ready, chip 1 busy */
	assert_int_equal(port_qspi_poll(&rdsr, 0x01, 0x00, 0, &last), QDFU_E_BUSY);
	assert_int_equal(quadspi_model_faults(), 0);
}

/* Starting an application that executes from QSPI: what is left how
 * (shared facts, "Jumping to the application"). */
static void test_start_xip_application(void **state)
{
	(void)state;
	setup_bus("MT25QL512ABB", true);
	assert_int_equal(nor_probe(true, 50000000u), QDFU_OK);
	scs[0x010 / 4] = 7u; /* SysTick running */
	port_start_app(0x90040000u);
	assert_false(usb_connected);                         /* detached first */
	assert_int_equal(scs[0x010 / 4], 0);                 /* SysTick off */
	assert_true(icer_written >= 5 && icpr_written >= 5); /* 150 IRQs: 5 words */
	assert_int_equal(scs[0xD08 / 4], 0x90040000u);       /* VTOR */
	assert_true(quadspi_model_memmapped());              /* execute in place */
	assert_int_equal(scs[0xD94 / 4] & 1u, 1u);           /* MPU on */
	/* region 0: the 256 MiB window, no access, execute-never */
	assert_int_equal(mpu_rbar[0] & ~0x1Fu, 0x90000000u);
	assert_int_equal((mpu_rasr[0] >> 1) & 31u, 27u); /* 2^28 */
	assert_true(mpu_rasr[0] & (1u << 28));
	assert_int_equal((mpu_rasr[0] >> 24) & 7u, 0u);
	/* region 1: the flash itself, executable, read-only, cacheable */
	assert_false(mpu_rasr[1] & (1u << 28));
	assert_int_equal((mpu_rasr[1] >> 24) & 7u, 6u);
	assert_true(mpu_rasr[1] & (1u << 17));
	assert_true(((mpu_rasr[1] >> 1) & 31u) + 1u >= 27u); /* covers 128 MiB */
	assert_int_equal(quadspi_model_faults(), 0);
}

static void test_start_internal_application(void **state)
{
	(void)state;
	setup_bus("W25Q64JV", false);
	assert_int_equal(nor_probe(false, 50000000u), QDFU_OK);
	port_start_app(0x08020000u);
	assert_int_equal(scs[0xD08 / 4], 0x08020000u);
	assert_false(quadspi_model_memmapped());   /* QSPI untouched */
	assert_int_equal(scs[0xD94 / 4] & 1u, 0u); /* no MPU needed */
	assert_false(usb_connected);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_single_w25q64, teardown),
	    cmocka_unit_test_teardown(test_single_mx25l51245g_above_16mib, teardown),
	    cmocka_unit_test_teardown(test_dual_mt25ql512, teardown),
	    cmocka_unit_test_teardown(test_dual_poll_waits_for_both_chips, teardown),
	    cmocka_unit_test_teardown(test_start_xip_application, teardown),
	    cmocka_unit_test_teardown(test_start_internal_application, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
