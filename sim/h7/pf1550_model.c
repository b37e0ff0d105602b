/* SPDX-License-Identifier: MIT */
#include "sim/h7/pf1550_model.h"

#include <string.h>

#include "sim/h7/h7_sys_model.h"
#include "sim/h7/i2c_model.h"

static uint8_t regs[256];

static void pf1550_write(void *ctx, const uint8_t *data, unsigned n)
{
	(void)ctx;
	for (unsigned i = 1; i < n; i++)
		regs[(uint8_t)(data[0] + i - 1u)] = data[i];
}

void pf1550_model_init(bool present)
{
	memset(regs, 0, sizeof(regs));
	if (present) {
		struct i2c_slave s = {.addr7 = 0x08, .write = pf1550_write, .ctx = NULL};
		i2c_model_attach(&s);
	}
}

uint8_t pf1550_model_reg(uint8_t reg)
{
	return regs[reg];
}

bool pf1550_model_phy_rails_ok(void)
{
	/* STANDBY (PJ0) an output driven low: run mode */
	bool run = h7_sys_model_pin_mode(9, 0) == 1 && !h7_sys_model_output(9, 0);
	return run && regs[0x4F] == 0x00 && (regs[0x50] & 1u) && regs[0x3B] == 0x0F &&
	       regs[0x35] == 0x0F;
}
