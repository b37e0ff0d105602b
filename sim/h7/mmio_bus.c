/* SPDX-License-Identifier: MIT */
/*
 * The host-side MMIO dispatcher (see mmio_bus.h and
 * firmware/port/stm32h7/mmio.h). Every registered block gets a window of
 * host address space reserved with PROT_NONE: drivers compute register
 * addresses inside it exactly as on the target, and any access that
 * bypasses mmio_read()/mmio_write() faults at once instead of silently
 * touching memory.
 */
#define _DEFAULT_SOURCE
#ifndef QDFU_HOST_MMIO
#define QDFU_HOST_MMIO 1
#endif
#include "sim/h7/mmio_bus.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "port/stm32h7/mmio.h"

#define MMIO_MAX_BLOCKS 48

struct mmio_block {
	uintptr_t target;
	size_t size;
	const struct mmio_model_ops *ops;
	void *ctx;
	uint8_t *host;
	size_t host_size;
};

static struct mmio_block blocks[MMIO_MAX_BLOCKS];
static unsigned nblocks;

static size_t page_round(size_t n)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	return (n + pg - 1) / pg * pg;
}

int mmio_register(uintptr_t target_base, size_t size, const struct mmio_model_ops *ops, void *ctx)
{
	if (nblocks >= MMIO_MAX_BLOCKS || size == 0 || !ops)
		return -1;
	for (unsigned i = 0; i < nblocks; i++) {
		const struct mmio_block *b = &blocks[i];
		if (target_base < b->target + b->size && b->target < target_base + size)
			return -1;
	}
	size_t hs = page_round(size);
	void *p = mmap(NULL, hs, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	blocks[nblocks++] = (struct mmio_block){target_base, size, ops, ctx, p, hs};
	return 0;
}

void mmio_reset(void)
{
	for (unsigned i = 0; i < nblocks; i++)
		munmap(blocks[i].host, blocks[i].host_size);
	nblocks = 0;
}

static void die(const char *what, uintptr_t a)
{
	fprintf(stderr, "mmio_bus: %s 0x%08lx: no model registered there\n", what,
	        (unsigned long)a);
	abort();
}

uintptr_t mmio_base(uintptr_t target_base)
{
	for (unsigned i = 0; i < nblocks; i++) {
		const struct mmio_block *b = &blocks[i];
		if (target_base >= b->target && target_base - b->target < b->size)
			return (uintptr_t)b->host + (target_base - b->target);
	}
	die("mmio_base of target address", target_base);
	return 0;
}

static const struct mmio_block *find_host(const volatile void *p, uint32_t *off)
{
	uintptr_t a = (uintptr_t)p;
	for (unsigned i = 0; i < nblocks; i++) {
		const struct mmio_block *b = &blocks[i];
		if (a >= (uintptr_t)b->host && a - (uintptr_t)b->host < b->size) {
			*off = (uint32_t)(a - (uintptr_t)b->host);
			return b;
		}
	}
	die("access to host address", a);
	return NULL;
}

uint32_t mmio_read(const volatile uint32_t *reg)
{
	uint32_t off;
	const struct mmio_block *b = find_host(reg, &off);
	return b->ops->read(b->ctx, off, 4);
}

void mmio_write(volatile uint32_t *reg, uint32_t v)
{
	uint32_t off;
	const struct mmio_block *b = find_host(reg, &off);
	b->ops->write(b->ctx, off, v, 4);
}

uint8_t mmio_read8(const volatile uint8_t *reg)
{
	uint32_t off;
	const struct mmio_block *b = find_host(reg, &off);
	return (uint8_t)b->ops->read(b->ctx, off, 1);
}

void mmio_write8(volatile uint8_t *reg, uint8_t v)
{
	uint32_t off;
	const struct mmio_block *b = find_host(reg, &off);
	b->ops->write(b->ctx, off, v, 1);
}

void mmio_write16(volatile uint16_t *reg, uint16_t v)
{
	uint32_t off;
	const struct mmio_block *b = find_host(reg, &off);
	b->ops->write(b->ctx, off, v, 2);
}
