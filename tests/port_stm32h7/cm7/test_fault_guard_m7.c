/* SPDX-License-Identifier: MIT */
/*
 * The fault vector of the STM32H7 port (firmware/port/stm32h7/fault.c, its
 * naked assembly included) on the Cortex-M7 under QEMU: a bus error inside
 * a guarded copy (what a double ECC error in the internal flash raises,
 * issue 11 item 3) is taken, the faulting load is stepped over, and the
 * copy goes on; outside a guard the fault would be recorded and reset.
 * QEMU's M7 answers a load from 0xF0000000 with a bus error.
 */
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include "cmocka.h"
#include "h7_sys.h"
#include "hal/port.h"

#define SCB_VTOR ((volatile uint32_t *)0xE000ED08u)
#define BAD_ADDR 0xF0000000u

/* ---- what fault.c needs from the rest of the port */
static unsigned recorded;
void h7_fault_record(const struct port_fault *f)
{
	(void)f;
	recorded++;
}
void port_noinit_set(uint32_t v)
{
	(void)v;
}
void port_reset(void)
{
	fail_msg("unexpected fault: reset requested");
}

void h7_fault_vector(void);
typedef void (*vec_t)(void);
static vec_t vectors[32] __attribute__((aligned(128)));

/* The port reads stack frames only in the H7's DTCM/AXI SRAM; QEMU's
 * stack is at the top of 4 MiB: run the guarded copy on a stack in the
 * first 128 KiB (.bss starts at 0x20000000). */
static uint32_t low_stack[256] __attribute__((aligned(8)));
static uint8_t out[8];
static bool hit;

static void guarded_copy(void)
{
	const volatile uint8_t *src = (const volatile uint8_t *)BAD_ADDR;
	h7_fault_guard_begin();
	for (unsigned i = 0; i < sizeof(out); i++)
		out[i] = h7_read8_guarded(&src[i]);
	hit = h7_fault_guard_end();
}

static void on_low_stack(void (*fn)(void))
{
	__asm volatile("mov r4, sp\n\t"
	               "mov sp, %0\n\t"
	               "blx %1\n\t"
	               "mov sp, r4\n\t" ::"r"(&low_stack[256]),
	               "r"(fn)
	               : "r0", "r1", "r2", "r3", "r4", "r12", "lr", "memory");
}

static void test_guarded_bus_errors_are_stepped_over(void **state)
{
	(void)state;
	const volatile vec_t *old = (const volatile vec_t *)(uintptr_t)*SCB_VTOR;
	for (unsigned i = 0; i < 32; i++)
		vectors[i] = i < 16 ? old[i] : old[2];
	for (unsigned i = 2; i < 7; i++)
		vectors[i] = h7_fault_vector; /* NMI .. UsageFault */
	*SCB_VTOR = (uint32_t)(uintptr_t)vectors;
	__asm volatile("dsb\n\tisb" ::: "memory");

	assert_true((uintptr_t)&low_stack[256] <= 0x20020000u);
	memset(out, 0x5A, sizeof(out));
	on_low_stack(guarded_copy);

	*SCB_VTOR = (uint32_t)(uintptr_t)old;
	__asm volatile("dsb\n\tisb" ::: "memory");
	assert_true(hit);
	assert_int_equal(recorded, 0);
	/* a clean copy afterwards: no stale hit */
	static const uint8_t ok[4] = {1, 2, 3, 4};
	h7_fault_guard_begin();
	memcpy(out, ok, sizeof(ok));
	assert_false(h7_fault_guard_end());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_guarded_bus_errors_are_stepped_over),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
