/* SPDX-License-Identifier: MIT */
/*
 * The real application start (firmware/port/stm32h7/boot_h7.c, its inline
 * assembly included) on the Cortex-M7 instruction set under QEMU: the
 * bootloader is left in the worst state the quiesce can meet (interrupts
 * masked, a SysTick tick pending, an NVIC interrupt enabled and pending,
 * BASEPRI raised), then port_start_app() branches to a small "application"
 * whose reset handler records PRIMASK, FAULTMASK, BASEPRI, ICSR, NVIC and
 * SysTick as it finds them. They must be what a reset leaves (ARMv7-M
 * B1.5.5): issue 11 item 1, an application built on ST's HAL never clears
 * PRIMASK itself.
 */
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include "cmocka.h"
#include "hal/port.h"

#define SYST_CSR       ((volatile uint32_t *)0xE000E010u)
#define SYST_RVR       ((volatile uint32_t *)0xE000E014u)
#define SYST_CVR       ((volatile uint32_t *)0xE000E018u)
#define NVIC_ISER0     ((volatile uint32_t *)0xE000E100u)
#define NVIC_ISPR0     ((volatile uint32_t *)0xE000E200u)
#define SCB_ICSR       ((volatile uint32_t *)0xE000ED04u)
#define SCB_VTOR       ((volatile uint32_t *)0xE000ED08u)
#define ICSR_PENDSTSET (1u << 26)
#define ICSR_PENDSVSET (1u << 28)
#define TEST_IRQ       3u

/* ---- what boot_h7.c needs from the rest of the port */
void port_usb_connect(bool on)
{
	(void)on;
}

int port_qspi_memmap(const struct port_qspi_cmd *read_cmd)
{
	(void)read_cmd;
	return -1; /* no QSPI here: internal applications only */
}

bool port_qspi_memmapped(struct port_qspi_window *w)
{
	w->size_log2 = 0;
	w->dual_flash = false;
	return false;
}

/* ---- the "application" */
static uint32_t app_stack[256] __attribute__((aligned(8)));
static uint32_t app_vectors[64] __attribute__((aligned(1024)));
static jmp_buf back;

static volatile struct {
	uint32_t primask, faultmask, basepri, icsr, iser0, ispr0, syst_csr, vtor;
	uint32_t unexpected; /* an exception taken before the reset handler ran */
} seen;

static void app_reset(void)
{
	uint32_t v;
	__asm volatile("mrs %0, primask" : "=r"(v));
	seen.primask = v;
	__asm volatile("mrs %0, faultmask" : "=r"(v));
	seen.faultmask = v;
	__asm volatile("mrs %0, basepri" : "=r"(v));
	seen.basepri = v;
	seen.icsr = *SCB_ICSR;
	seen.iser0 = *NVIC_ISER0;
	seen.ispr0 = *NVIC_ISPR0;
	seen.syst_csr = *SYST_CSR;
	seen.vtor = *SCB_VTOR;
	longjmp(back, 1);
}

static void app_unexpected(void)
{
	uint32_t ipsr;
	__asm volatile("mrs %0, ipsr" : "=r"(ipsr));
	seen.unexpected = ipsr & 0x1FFu;
	longjmp(back, 2);
}

static void test_application_starts_as_after_reset(void **state)
{
	(void)state;
	memset((void *)&seen, 0, sizeof(seen));
	app_vectors[0] = (uint32_t)(uintptr_t)&app_stack[256];
	app_vectors[1] = (uint32_t)(uintptr_t)app_reset;
	for (unsigned i = 2; i < 64; i++)
		app_vectors[i] = (uint32_t)(uintptr_t)app_unexpected;

	/* the bootloader at its worst: masked, a tick pending, an interrupt
	 * enabled and pending, BASEPRI raised */
	__asm volatile("cpsid i" ::: "memory");
	*SYST_RVR = 1000u;
	*SYST_CVR = 0u;
	*SYST_CSR = 7u; /* ENABLE | TICKINT | CLKSOURCE */
	for (unsigned i = 0; i < 1000000u && !(*SCB_ICSR & ICSR_PENDSTSET); i++) {
	}
	assert_true(*SCB_ICSR & ICSR_PENDSTSET);
	*NVIC_ISER0 = 1u << TEST_IRQ;
	*NVIC_ISPR0 = 1u << TEST_IRQ;
	__asm volatile("msr basepri, %0" ::"r"(0x40u) : "memory");

	int how = setjmp(back);
	if (how == 0)
		port_start_app((uint32_t)(uintptr_t)app_vectors);
	assert_int_equal(seen.unexpected, 0); /* nothing ran before the app */
	assert_int_equal(how, 1);
	assert_int_equal(seen.primask, 0);
	assert_int_equal(seen.faultmask, 0);
	assert_int_equal(seen.basepri, 0);
	assert_int_equal(seen.icsr & (ICSR_PENDSTSET | ICSR_PENDSVSET), 0);
	assert_int_equal(seen.iser0, 0);
	assert_int_equal(seen.ispr0, 0);
	assert_int_equal(seen.syst_csr & 1u, 0);
	assert_int_equal(seen.vtor, (uint32_t)(uintptr_t)app_vectors);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_application_starts_as_after_reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
