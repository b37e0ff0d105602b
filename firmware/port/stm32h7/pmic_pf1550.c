/* SPDX-License-Identifier: MIT */
/*
 * Arduino Portenta H7: the NXP PF1550 PMIC (7-bit address 0x08 on I2C1)
 * powers, among others, the USB3320 ULPI PHY (1.8 V from LDO2, 3.x V from
 * SW1/SW2). Arduino's bootloader configures it; once qdfu replaces that
 * bootloader nobody else does (issue 11 item 2; facts "Traps found by
 * review" 2). The register writes below are those of Arduino's own open
 * bootloader, arduino/mcuboot-arduino-stm32h7 (app/power/power.cpp,
 * portenta_power_init(), same list in app/target_init.cpp), in the same
 * order with the same delays. The comments are Arduino's; register names
 * from the PF1550 data sheet were not checked.
 * Where sources disagree: the shared facts name "SW1 3.1 V", Arduino's
 * comment says "SW1 to 3.0V (SW1_VOLT)" for 0x35 = 0x0F; we write what
 * Arduino writes.
 * STANDBY (PJ0) is driven low first (run mode), per the facts; Arduino's
 * bootloader does not touch PJ0 (its default is taken to be run mode).
 */
#include "common/err.h"
#include "h7.h"
#include "h7_sys.h"

#define PF1550_ADDR 0x08u

static const struct pf1550_write {
	uint8_t reg, val;
	uint8_t delay_ms_after;
} pf1550_init[] = {
    {0x4F, 0x00, 0},     /* LDO2 to 1.8 V */
    {0x50, 0x0F, 0},     /* LDO2 enable (run, standby, ...) */
    {0x4C, 0x05, 0},     /* LDO1 to 1.0 V */
    {0x4D, 0x03, 0},     /* LDO1 enable */
    {0x52, 0x09, 0},     /* LDO3 to 1.2 V */
    {0x53, 0x0F, 10},    /* LDO3 enable; then 10 ms */
    {0x9C, 0x80, 0},     /* (charger register, as Arduino) */
    {0x9E, 0x20, 10},    /* charger LED off; then 10 ms */
    {0x42, 0x02, 10},    /* SW3 current limit 2 A; then 10 ms */
    {0x94, 20u << 3, 0}, /* VBUS input current limit 1.5 A */
    {0x3B, 0x0F, 0},     /* SW2 to 3.3 V */
    {0x35, 0x0F, 0},     /* SW1 to 3.0 V */
};

static bool pmic_ok;

bool h7_pmic_ok(void)
{
	return pmic_ok;
}

int h7_pmic_init(const struct board *b)
{
	pmic_ok = false;
	if (b->hw.pmic != BOARD_PMIC_PF1550)
		return QDFU_OK;
	h7_gpio_output(&b->hw.pmic_standby, false); /* run mode */
	int rc = h7_i2c1_init(&b->hw.pmic_scl, &b->hw.pmic_sda, h7_pclk1_hz());
	for (unsigned i = 0; rc == QDFU_OK && i < sizeof(pf1550_init) / sizeof(pf1550_init[0]);
	     i++) {
		const uint8_t frame[2] = {pf1550_init[i].reg, pf1550_init[i].val};
		rc = h7_i2c1_write(PF1550_ADDR, frame, sizeof(frame));
		if (rc == QDFU_OK && pf1550_init[i].delay_ms_after)
			h7_delay_us(1000u * pf1550_init[i].delay_ms_after);
	}
	pmic_ok = rc == QDFU_OK;
	return rc;
}
