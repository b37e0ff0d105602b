/* SPDX-License-Identifier: MIT */
/*
 * The NXP PF1550 PMIC of the Arduino Portenta H7 as the bootloader sees it:
 * an I2C slave at 0x08 (register address, then data, auto-increment) whose
 * outputs feed the USB3320 ULPI PHY. Its power-on defaults on the Portenta
 * are not public; the model takes the unkind view: the PHY's rails are
 * off until configured the way Arduino's bootloader configures them
 * (arduino/mcuboot-arduino-stm32h7 app/power/power.cpp): LDO2 1.8 V
 * (0x4F = 0x00) and enabled (0x50 bit 0), SW2 (0x3B = 0x0F) and SW1
 * (0x35 = 0x0F), with STANDBY (PJ0) driven low.
 */
#ifndef QDFU_SIM_H7_PF1550_MODEL_H
#define QDFU_SIM_H7_PF1550_MODEL_H

#include <stdbool.h>
#include <stdint.h>

/* Attach to the I2C model (call i2c_model_init() first). present = false:
 * nothing answers at 0x08. */
void pf1550_model_init(bool present);
uint8_t pf1550_model_reg(uint8_t reg);
/* The USB PHY's supplies are up (for dwc2m_set_phy_power). */
bool pf1550_model_phy_rails_ok(void);

#endif
