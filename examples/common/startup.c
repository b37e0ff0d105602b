/* SPDX-License-Identifier: MIT */
/* Minimal Cortex-M7 start-up for the example applications. */
#include <stdint.h>

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;
int main(void);

void Reset_Handler(void);
void Default_Handler(void);

void Default_Handler(void)
{
	for (;;) {
	}
}

void Reset_Handler(void)
{
	uint32_t *src = &_sidata;
	/* cppcheck-suppress comparePointers ; linker symbols bound one region */
	for (uint32_t *dst = &_sdata; dst < &_edata;)
		*dst++ = *src++;
	/* cppcheck-suppress comparePointers */
	for (uint32_t *dst = &_sbss; dst < &_ebss;)
		*dst++ = 0;
	(void)main();
	for (;;) {
	}
}

/* SP, reset, and the 14 system exceptions; the bootloader checks the first
 * two words before it starts the application. */
__attribute__((section(".isr_vector"), used)) void (*const vectors[16])(void) = {
    (void (*)(void))(uintptr_t)&_estack,
    Reset_Handler,
    Default_Handler,
    Default_Handler,
    Default_Handler,
    Default_Handler,
    Default_Handler,
    0,
    0,
    0,
    0,
    Default_Handler,
    Default_Handler,
    0,
    Default_Handler,
    Default_Handler,
};
