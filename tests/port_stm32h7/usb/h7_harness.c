/* SPDX-License-Identifier: MIT */
#include "h7_harness.h"

#include <string.h>

#include "sim/clock/vclock.h"
#include "port/stm32h7/h7.h"
#include "sim/h7/crc_model.h"
#include "sim/h7/h7_board_usb.h"
#include "sim/h7/i2c_model.h"
#include "sim/h7/mmio_bus.h"
#include "sim/h7/pf1550_model.h"
#include "port/stm32h7/h7_sys.h"
#include "hal/port.h"

struct h7h h7h;
bool h7h_app_started;
bool h7h_pmic_absent;
uint32_t h7h_app_vtor;

/* Time base of the port, in virtual time (timebase.c is target-only). */
void h7_delay_us(uint32_t us)
{
	vclock_advance_us(us);
}

void h7_timebase_init(uint32_t cpu_hz)
{
	(void)cpu_hz;
}

uint32_t port_millis(void)
{
	return (uint32_t)(vclock_now_us() / 1000u);
}

/* Part 2's boot_h7.c is not part of these tests. */
void port_start_app(uint32_t vtor)
{
	h7h_app_started = true;
	h7h_app_vtor = vtor;
}

/* ram_app_h7.c (linker symbols) neither: no RAM for RAM applications. */
uint8_t *port_app_ram(uint32_t dst, uint32_t src, uint32_t len)
{
	(void)dst;
	(void)src;
	(void)len;
	return NULL;
}

uintptr_t h7h_usb_base(const struct board *b)
{
	return h7_board_usb_base(b);
}

enum dwc2m_phy h7h_usb_phy(const struct board *b)
{
	return h7_board_usb_phy(b);
}

/* The CRC unit's clock as port_init() left it in RCC_AHB4ENR (CRCEN). */
static bool crc_clock(void)
{
	return (h7_sys_model_rcc(0x0E0u) & (1u << 19)) != 0;
}

uint32_t port_crc32_update(uint32_t crc, const void *data, uint32_t len)
{
	return h7_crc32_update(crc, data, len);
}

int h7h_setup(const struct board *b, void (*task)(void))
{
	return h7h_setup_ex(b, task, NULL);
}

int h7h_setup_ex(const struct board *b, void (*task)(void), const struct h7_sys_config *c)
{
	struct h7_sys_config cfg = {.wired = b->hw.supply, .family = b->family};
	for (unsigned i = 0; i < 12; i++)
		cfg.uid[i] = (uint8_t)(0x30 + i);
	if (c)
		cfg = *c;
	memset(&h7h, 0, sizeof(h7h));
	h7h_app_started = false;
	vclock_init(VCLOCK_VIRTUAL);
	vclock_advance_us(1000);
	mmio_reset();
	if (h7_sys_model_init(&cfg))
		return -1;
	crc_model_reset();
	if (crc_model_attach(crc_clock))
		return -1;
	h7h.b = b;
	h7h.task = task;
	h7h.m = dwc2m_create(h7h_usb_base(b), h7h_usb_phy(b));
	if (!h7h.m)
		return -1;
	if (b->hw.pmic == BOARD_PMIC_PF1550) {
		/* Portenta: the ULPI PHY is powered by the PF1550 on I2C1 */
		if (i2c_model_init())
			return -1;
		pf1550_model_init(!h7h_pmic_absent);
		dwc2m_set_phy_power(h7h.m, pf1550_model_phy_rails_ok);
	}
	vhost_init(&h7h.host, h7h.m, h7h_service, NULL);
	return 0;
}

void h7h_teardown(void)
{
	dwc2m_destroy(h7h.m);
	h7h.m = NULL;
	mmio_reset();
}

static void run_irq(void)
{
	unsigned n = 0;
	while (dwc2m_irq_pending(h7h.m) && n < 64) {
		h7_usb_irq();
		n++;
		h7h.irq_runs++;
	}
	if (dwc2m_irq_pending(h7h.m))
		h7h.irq_stuck++;
}

void h7h_service(void *ctx)
{
	(void)ctx;
	run_irq();
	if (h7h.task)
		h7h.task();
	run_irq();
}
