/* SPDX-License-Identifier: MIT */
/*
 * Host-side MMIO dispatcher for the STM32H7 register models. Drivers from
 * firmware/port/stm32h7 are compiled for the host with QDFU_HOST_MMIO and
 * access registers through mmio_read()/mmio_write() (see
 * firmware/port/stm32h7/mmio.h). Each model registers the target address
 * range it implements; mmio_base() maps a target base address to the
 * model's backing memory, and reads/writes are routed to the model's
 * callbacks with the register's offset.
 */
#ifndef QDFU_SIM_H7_MMIO_BUS_H
#define QDFU_SIM_H7_MMIO_BUS_H

#include <stddef.h>
#include <stdint.h>

struct mmio_model_ops {
	/* width is 1, 2 or 4 bytes; offset from the block's target base */
	uint32_t (*read)(void *ctx, uint32_t offset, unsigned width);
	void (*write)(void *ctx, uint32_t offset, uint32_t value, unsigned width);
};

/* Register a model for [target_base, target_base + size). Returns 0 or -1
 * (overlap / table full). */
int mmio_register(uintptr_t target_base, size_t size, const struct mmio_model_ops *ops, void *ctx);
/* Remove every registration (between tests). */
void mmio_reset(void);

#endif
