/* SPDX-License-Identifier: MIT */
/*
 * Link-only stand-ins for port.h in the Cortex-M7 test runner: the core
 * objects pulled in for the functions under test also reference the port.
 * None of these is called by the tests run here; each fails loudly if it is.
 */
#include "common/err.h"
#include "hal/port.h"

void cm7_fault(void);

static int unused(void)
{
	cm7_fault();
	return QDFU_E_UNSUPPORTED;
}

int port_init(const struct board *b)
{
	(void)b;
	return unused();
}
uint32_t port_millis(void)
{
	return 0;
}
void port_uid(uint8_t uid[12])
{
	(void)uid;
	unused();
}
uint32_t port_noinit_get(void)
{
	return 0;
}
void port_noinit_set(uint32_t v)
{
	(void)v;
}
enum port_entry port_board_entry_requested(const struct board *b)
{
	(void)b;
	return PORT_ENTRY_NONE;
}
bool port_button_pressed(void)
{
	return false;
}
void port_led(bool on)
{
	(void)on;
}
void port_wait_hint(void)
{
}
void port_wake_hint(uint32_t at_ms)
{
	(void)at_ms;
}
void port_reset(void)
{
	unused();
}
void port_start_app(uint32_t vtor)
{
	(void)vtor;
	unused();
}
void port_app_handoff(const struct qdfu_handoff *h)
{
	(void)h;
	unused();
}
uint8_t *port_app_ram(uint32_t dst, uint32_t src, uint32_t len)
{
	(void)dst;
	(void)src;
	(void)len;
	unused();
	return NULL;
}
int port_usb_init(const struct board *b)
{
	(void)b;
	return unused();
}
void port_usb_connect(bool on)
{
	(void)on;
}
void port_usb_set_address(uint8_t addr)
{
	(void)addr;
}
int port_usb_ep0_xfer(uint8_t ep, uint8_t *buf, uint16_t len)
{
	(void)ep;
	(void)buf;
	(void)len;
	return unused();
}
void port_usb_ep0_stall(void)
{
}
uint8_t port_usb_ep0_mps(void)
{
	return 64;
}
enum port_usb_speed port_usb_speed(void)
{
	return PORT_USB_SPEED_FULL;
}
bool port_usb_high_speed_capable(void)
{
	return false;
}
int port_iflash_erase_start(uint32_t sector)
{
	(void)sector;
	return unused();
}
int port_iflash_program_start(uint32_t addr, const uint8_t word[PORT_IFLASH_WORD])
{
	(void)addr;
	(void)word;
	return unused();
}
int port_iflash_poll(void)
{
	return unused();
}
int port_iflash_poll_bank(unsigned bank)
{
	(void)bank;
	return unused();
}
int port_iflash_read(uint32_t addr, void *buf, uint32_t len)
{
	(void)addr;
	(void)buf;
	(void)len;
	return unused();
}
uint8_t *port_iflash_stage(uint32_t *size)
{
	*size = 0;
	return NULL;
}
