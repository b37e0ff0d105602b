/* SPDX-License-Identifier: MIT */
#include "sim/h7/scs_model.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sim/h7/mmio_bus.h"

#define SCS_BASE 0xE000E000u

/* Offsets inside the SCS (ARMv7-M B3.2.2, B3.3, B3.4, B3.5). */
#define OFF_SYST_CSR  0x010u
#define OFF_SYST_RVR  0x014u
#define OFF_SYST_CVR  0x018u
#define OFF_NVIC_ISER 0x100u
#define OFF_NVIC_ICER 0x180u
#define OFF_NVIC_ISPR 0x200u
#define OFF_NVIC_ICPR 0x280u
#define OFF_ICSR      0xD04u
#define OFF_VTOR      0xD08u
#define OFF_AIRCR     0xD0Cu
#define OFF_CCR       0xD14u
#define OFF_SHCSR     0xD24u
#define OFF_CFSR      0xD28u
#define OFF_HFSR      0xD2Cu
#define OFF_MMFAR     0xD34u
#define OFF_BFAR      0xD38u
#define OFF_CCSIDR    0xD80u
#define OFF_MPU_CTRL  0xD94u
#define OFF_MPU_RNR   0xD98u
#define OFF_MPU_RBAR  0xD9Cu
#define OFF_MPU_RASR  0xDA0u

#define SYST_ENABLE         (1u << 0)
#define SYST_TICKINT        (1u << 1)
#define ICSR_PENDSTCLR      (1u << 25)
#define ICSR_PENDSTSET      (1u << 26)
#define ICSR_PENDSVCLR      (1u << 27)
#define ICSR_PENDSVSET      (1u << 28)
#define CCR_BFHFNMIGN       (1u << 8)
#define CFSR_PRECISERR      (1u << 9)
#define CFSR_BFARVALID      (1u << 15)
#define HFSR_FORCED         (1u << 30)
#define SHCSR_BUSFAULTENA   (1u << 17)
#define MPU_CTRL_ENABLE     (1u << 0)
#define MPU_CTRL_PRIVDEFENA (1u << 2)
#define MPU_RBAR_VALID      (1u << 4)
#define MPU_RASR_ENABLE     (1u << 0)
#define MPU_RASR_XN         (1u << 28)
#define MPU_REGIONS         16u

/* Cortex-M7 r1p2 CCR after reset: STKALIGN (b9) and BP (b18) set. */
#define CCR_RESET 0x00040200u

static struct {
	uint32_t reg[0x1000 / 4];
	uint32_t rbar[MPU_REGIONS], rasr[MPU_REGIONS];
	bool primask, faultmask;
	uint32_t basepri;
	bool reset_req;
	scs_fault_handler handler;
	struct scs_branch branch;
	struct scs_stats st;
	char problems[200];
} c;

static void fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c.st.last_error, sizeof(c.st.last_error), fmt, ap);
	va_end(ap);
	c.st.errors++;
}

static uint32_t *r(uint32_t off)
{
	return &c.reg[off / 4u];
}

static bool masked(void)
{
	return c.primask || c.faultmask;
}

/* The unkind tick: with interrupts masked, a running SysTick with TICKINT
 * is taken to have expired already (the race is always lost). */
static void systick_check(void)
{
	if (masked() &&
	    (*r(OFF_SYST_CSR) & (SYST_ENABLE | SYST_TICKINT)) == (SYST_ENABLE | SYST_TICKINT))
		*r(OFF_ICSR) |= ICSR_PENDSTSET;
}

/* ------------------------------------------------------------ the MPU */

static bool region_hit(unsigned i, uint32_t addr)
{
	uint32_t rasr = c.rasr[i];
	if (!(rasr & MPU_RASR_ENABLE))
		return false;
	unsigned log2 = ((rasr >> 1) & 31u) + 1u;
	uint64_t size = 1ull << log2;
	uint64_t base = c.rbar[i] & ~(uint32_t)(size - 1u) & ~31u;
	if (addr < base || addr - base >= size)
		return false;
	if (log2 >= 8u) { /* sub-region disable bits SRD[15:8] */
		unsigned sub = (unsigned)((addr - base) / (size / 8u));
		if ((rasr >> (8u + sub)) & 1u)
			return false;
	}
	return true;
}

/* The highest-numbered matching region wins (ARMv7-M B3.5.3); -1: none. */
static int region_of(uint32_t addr)
{
	for (int i = (int)MPU_REGIONS - 1; i >= 0; i--)
		if (region_hit((unsigned)i, addr))
			return i;
	return -1;
}

/* The default memory map's execute-never areas (ARMv7-M B3.1). */
static bool default_xn(uint32_t addr)
{
	return (addr >= 0x40000000u && addr < 0x60000000u) || addr >= 0xA0000000u;
}

bool scs_model_mpu_readable(uint32_t addr)
{
	uint32_t ctrl = *r(OFF_MPU_CTRL);
	if (!(ctrl & MPU_CTRL_ENABLE))
		return true;
	int i = region_of(addr);
	if (i < 0)
		return (ctrl & MPU_CTRL_PRIVDEFENA) != 0;
	return ((c.rasr[i] >> 24) & 7u) != 0u; /* AP = 0: no access */
}

bool scs_model_mpu_executable(uint32_t addr)
{
	uint32_t ctrl = *r(OFF_MPU_CTRL);
	if (!(ctrl & MPU_CTRL_ENABLE))
		return !default_xn(addr);
	int i = region_of(addr);
	if (i < 0)
		return (ctrl & MPU_CTRL_PRIVDEFENA) && !default_xn(addr);
	return !(c.rasr[i] & MPU_RASR_XN) && ((c.rasr[i] >> 24) & 7u) != 0u;
}

/* ------------------------------------------------------- register I/O */

static uint32_t scs_read(void *ctx, uint32_t off, unsigned w)
{
	(void)ctx;
	(void)w;
	off &= ~3u;
	systick_check();
	switch (off) {
	case OFF_SYST_CVR: { /* counts down one per read, as time passes */
		uint32_t cvr = *r(off);
		*r(off) = cvr ? cvr - 1u : *r(OFF_SYST_RVR) & 0xFFFFFFu;
		return cvr;
	}
	case OFF_MPU_RBAR:
		return c.rbar[*r(OFF_MPU_RNR) % MPU_REGIONS];
	case OFF_MPU_RASR:
		return c.rasr[*r(OFF_MPU_RNR) % MPU_REGIONS];
	case OFF_CCSIDR:
		return 0x000FE019u; /* 16 KiB, 4 ways, 32-byte lines */
	default:
		break;
	}
	if (off >= OFF_NVIC_ICER && off < OFF_NVIC_ICER + 32u)
		return *r(off - 0x80u);
	if (off >= OFF_NVIC_ICPR && off < OFF_NVIC_ICPR + 32u)
		return *r(off - 0x80u);
	return *r(off);
}

static bool nvic_write(uint32_t off, uint32_t v)
{
	if (off >= OFF_NVIC_ISER && off < OFF_NVIC_ISER + 32u) {
		*r(off) |= v;
	} else if (off >= OFF_NVIC_ICER && off < OFF_NVIC_ICER + 32u) {
		*r(off - 0x80u) &= ~v;
	} else if (off >= OFF_NVIC_ISPR && off < OFF_NVIC_ISPR + 32u) {
		*r(off) |= v;
	} else if (off >= OFF_NVIC_ICPR && off < OFF_NVIC_ICPR + 32u) {
		*r(off - 0x80u) &= ~v;
	} else {
		return false;
	}
	return true;
}

static void icsr_write(uint32_t v)
{
	uint32_t *icsr = r(OFF_ICSR);
	if (v & ICSR_PENDSTCLR)
		*icsr &= ~ICSR_PENDSTSET;
	if (v & ICSR_PENDSVCLR)
		*icsr &= ~ICSR_PENDSVSET;
	*icsr |= v & (ICSR_PENDSTSET | ICSR_PENDSVSET);
}

static void mpu_write(uint32_t off, uint32_t v)
{
	if (off == OFF_MPU_RBAR) {
		if (v & MPU_RBAR_VALID)
			*r(OFF_MPU_RNR) = v & 15u;
		c.rbar[*r(OFF_MPU_RNR) % MPU_REGIONS] = v & ~0x1Fu;
	} else {
		c.rasr[*r(OFF_MPU_RNR) % MPU_REGIONS] = v;
	}
}

static void scs_write(void *ctx, uint32_t off, uint32_t v, unsigned w)
{
	(void)ctx;
	(void)w;
	off &= ~3u;
	if (nvic_write(off, v))
		return;
	switch (off) {
	case OFF_ICSR:
		icsr_write(v);
		return;
	case OFF_AIRCR:
		if ((v >> 16) == 0x05FAu && (v & (1u << 2)))
			c.reset_req = true;
		return;
	case OFF_CFSR:
	case OFF_HFSR:
		*r(off) &= ~v; /* write one to clear */
		return;
	case OFF_MPU_RBAR:
	case OFF_MPU_RASR:
		mpu_write(off, v);
		return;
	default:
		*r(off) = v;
		break;
	}
	systick_check();
}

static const struct mmio_model_ops scs_ops = {scs_read, scs_write};

void scs_model_reset(void)
{
	memset(&c, 0, sizeof(c));
	*r(OFF_CCR) = CCR_RESET;
}

int scs_model_init(void)
{
	scs_model_reset();
	return mmio_register(SCS_BASE, 0x1000, &scs_ops, NULL);
}

const struct scs_stats *scs_model_stats(void)
{
	return &c.st;
}

const struct scs_branch *scs_model_branch(void)
{
	return &c.branch;
}

void scs_model_set_fault_handler(scs_fault_handler h)
{
	c.handler = h;
}

bool scs_model_take_reset(void)
{
	bool v = c.reset_req;
	c.reset_req = false;
	return v;
}

uint32_t scs_model_peek(uint32_t off)
{
	return off < 0x1000u ? *r(off & ~3u) : 0u;
}

void scs_model_mpu_region(unsigned i, uint32_t *rbar, uint32_t *rasr)
{
	*rbar = c.rbar[i % MPU_REGIONS];
	*rasr = c.rasr[i % MPU_REGIONS];
}

bool scs_model_primask(void)
{
	return c.primask;
}

bool scs_model_faultmask(void)
{
	return c.faultmask;
}

void scs_model_irq_pend(unsigned irq)
{
	if (irq < 32u * SCS_NVIC_WORDS)
		*r(OFF_NVIC_ISPR + 4u * (irq / 32u)) |= 1u << (irq % 32u);
}

void scs_model_bus_error(uint32_t addr)
{
	c.st.bus_errors++;
	c.st.last_fault_addr = addr;
	if (c.faultmask && (*r(OFF_CCR) & CCR_BFHFNMIGN)) {
		c.st.faults_ignored++; /* the load returns, data unknown */
		return;
	}
	*r(OFF_CFSR) |= CFSR_PRECISERR | CFSR_BFARVALID;
	*r(OFF_BFAR) = addr;
	if (c.faultmask) {
		/* a synchronous fault at priority -1 cannot escalate: lockup */
		c.st.hangs++;
		fail("BusFault at 0x%08x with FAULTMASK set and BFHFNMIGN clear: lockup", addr);
		return;
	}
	if (!c.handler) {
		c.st.hangs++;
		fail("BusFault at 0x%08x: the fault vectors loop forever, the chip hangs", addr);
		return;
	}
	c.st.faults_taken++;
	unsigned exc = 5u;
	if (!(*r(OFF_SHCSR) & SHCSR_BUSFAULTENA)) {
		exc = 3u; /* escalated to HardFault */
		*r(OFF_HFSR) |= HFSR_FORCED;
	}
	c.handler(exc);
}

/* ------------------------------------------- the special registers */

void mmio_cpu_primask(bool set)
{
	c.primask = set;
	systick_check();
}

void mmio_cpu_faultmask(bool set)
{
	c.faultmask = set;
	systick_check();
}

void mmio_cpu_basepri(uint32_t v)
{
	c.basepri = v & 0xFFu;
}

void mmio_cpu_branch(uint32_t sp, uint32_t pc)
{
	systick_check();
	struct scs_branch *b = &c.branch;
	b->taken = true;
	b->sp = sp;
	b->pc = pc;
	b->primask = c.primask;
	b->faultmask = c.faultmask;
	b->basepri = c.basepri;
	b->icsr = *r(OFF_ICSR) & (ICSR_PENDSTSET | ICSR_PENDSVSET);
	for (unsigned i = 0; i < SCS_NVIC_WORDS; i++) {
		b->iser[i] = *r(OFF_NVIC_ISER + 4u * i);
		b->ispr[i] = *r(OFF_NVIC_ISPR + 4u * i);
	}
	b->syst_csr = *r(OFF_SYST_CSR);
	b->vtor = *r(OFF_VTOR);
	b->ccr = *r(OFF_CCR);
	b->mpu_ctrl = *r(OFF_MPU_CTRL);
}

static void add(const char *what)
{
	size_t n = strlen(c.problems);
	snprintf(c.problems + n, sizeof(c.problems) - n, "%s%s", n ? ", " : "", what);
}

const char *scs_model_branch_problems(void)
{
	const struct scs_branch *b = &c.branch;
	c.problems[0] = '\0';
	if (!b->taken)
		return "no branch";
	if (b->primask)
		add("PRIMASK set");
	if (b->faultmask)
		add("FAULTMASK set");
	if (b->basepri)
		add("BASEPRI not 0");
	if (b->icsr & ICSR_PENDSTSET)
		add("SysTick pending");
	if (b->icsr & ICSR_PENDSVSET)
		add("PendSV pending");
	if (b->syst_csr & SYST_ENABLE)
		add("SysTick running");
	for (unsigned i = 0; i < SCS_NVIC_WORDS; i++) {
		if (b->iser[i])
			add("an NVIC interrupt enabled");
		if (b->ispr[i])
			add("an NVIC interrupt pending");
		if (b->iser[i] || b->ispr[i])
			break;
	}
	return c.problems;
}
