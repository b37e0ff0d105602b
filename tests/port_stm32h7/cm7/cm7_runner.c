/* SPDX-License-Identifier: MIT */
/*
 * Bare-metal runner for unit tests on the Cortex-M7 instruction set under
 * `qemu-system-arm -M mps2-an500 -semihosting`: vector table and reset
 * handler (FPU on, .data/.bss), semihosting output and exit status, and the
 * cmocka-shim group runner. The test's main() returns its failure count;
 * QEMU exits 0 only for ADP_Stopped_ApplicationExit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include "cmocka.h"

#define SYS_WRITE0                      0x04
#define SYS_EXIT                        0x18
#define ADP_Stopped_ApplicationExit     0x20026u
#define ADP_Stopped_RunTimeErrorUnknown 0x20023u

int main(void);
void cm7_reset(void);
void cm7_fault(void);
extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[], _estack[];

static int semihost(int op, const void *arg)
{
	register int r0 __asm__("r0") = op;
	register const void *r1 __asm__("r1") = arg;
	__asm volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
	return r0;
}

static void out(const char *s)
{
	semihost(SYS_WRITE0, s);
}

static __attribute__((noreturn)) void cm7_exit(int failures)
{
	semihost(SYS_EXIT, (const void *)(uintptr_t)(failures ? ADP_Stopped_RunTimeErrorUnknown
	                                                      : ADP_Stopped_ApplicationExit));
	for (;;) {
	}
}

typedef void (*vec_t)(void);
__attribute__((section(".vectors"), used)) const vec_t cm7_vectors[16] = {
    (vec_t)(uintptr_t)_estack, cm7_reset, cm7_fault, cm7_fault, cm7_fault, cm7_fault, cm7_fault,
};

void cm7_fault(void)
{
	out("cm7 runner: FAULT (hard/bus/usage)\n");
	cm7_exit(1);
}

void cm7_reset(void)
{
	volatile uint32_t *cpacr = (volatile uint32_t *)0xE000ED88u;
	*cpacr |= 0xFu << 20; /* CP10/CP11: the hard-float ABI needs the FPU */
	__asm volatile("dsb\n\tisb" ::: "memory");
	uint32_t *s = _sidata;
	for (uint32_t *d = _sdata; d < _edata;)
		*d++ = *s++;
	for (uint32_t *d = _sbss; d < _ebss;)
		*d++ = 0;
	int failures = main();
	cm7_exit(failures);
}

static jmp_buf test_jmp;
static char msg[256];

void cm7_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(msg, sizeof(msg), "[  ERROR   ] %s:%d: ", file, line);
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof(msg))
		vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	out(msg);
	out("\n");
	longjmp(test_jmp, 1);
}

void cm7_skip(const char *file, int line)
{
	(void)file;
	(void)line;
	longjmp(test_jmp, 2);
}

int cm7_run_group(const char *name, const struct CMUnitTest *t, size_t n, CMFixtureFunction setup,
                  CMFixtureFunction teardown)
{
	volatile int failed = 0;
	void *gstate = NULL;
	snprintf(msg, sizeof(msg), "[==========] %s on Cortex-M7: %u test(s)\n", name, (unsigned)n);
	out(msg);
	if (setup && setup(&gstate)) {
		out("[  FAILED  ] group setup\n");
		return (int)n;
	}
	for (size_t i = 0; i < n; i++) {
		void *state = t[i].initial_state;
		volatile int ok = 1;
		out("[ RUN      ] ");
		out(t[i].name);
		out("\n");
		int j = setjmp(test_jmp);
		if (j == 0) {
			if (t[i].setup_func && t[i].setup_func(&state))
				cm7_fail(__FILE__, __LINE__, "setup failed");
			t[i].test_func(&state);
		} else if (j == 1) {
			ok = 0;
		}
		if (t[i].teardown_func && t[i].teardown_func(&state))
			ok = 0;
		out(ok ? "[       OK ] " : "[  FAILED  ] ");
		out(t[i].name);
		out("\n");
		failed += !ok;
	}
	if (teardown)
		teardown(&gstate);
	snprintf(msg, sizeof(msg), "[==========] %u passed, %d failed\n", (unsigned)(n - failed),
	         failed);
	out(msg);
	return failed;
}
