/* SPDX-License-Identifier: MIT */
/*
 * OCTOSPI1 register model (see octospi_model.h for the rules). Sources:
 * bit positions from ST's CMSIS stm32h735xx.h / stm32h7b3xx.h; the start
 * triggers, the DHQC/DDTR link and the OCTOSPIM rule from ST's
 * stm32h7xx_hal_ospi.c (OSPI_ConfigCmd, HAL_OSPI_Receive, HAL_OSPIM_Config);
 * the DQS and 2-byte DTR rules from the shared facts octospi.md (traps 4,
 * 5; ST's MX25LM51245G driver and H735G-DK BSP; embassy PRs #6441, #6398).
 */
#include "sim/h7/octospi_model.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sim/h7/mmio_bus.h"
#include "sim/h7/scs_model.h"
#include "sim/nor/nor_dual.h"
#include "sim/nor/nor_model.h"

#define OSPI1_BASE 0x52005000u
#define DLYB1_BASE 0x52006000u
#define OSPI2_BASE 0x5200A000u
#define OSPIM_BASE 0x5200B400u
#define FIFO_MAX   8192u

#define CR_EN       (1u << 0)
#define CR_ABORT    (1u << 1)
#define CR_DQM      (1u << 6)
#define CR_PMM      (1u << 23)
#define CR_FMODE    (3u << 28)
#define SR_TEF      (1u << 0)
#define SR_TCF      (1u << 1)
#define SR_FTF      (1u << 2)
#define SR_SMF      (1u << 3)
#define SR_BUSY     (1u << 5)
#define DCR1_DLYBYP (1u << 3)
#define CCR_DDTR    (1u << 27)
#define CCR_DQSE    (1u << 29)
#define CCR_SIOO    (1u << 31)
#define TCR_DHQC    (1u << 28)
#define IOMNGREN    (1u << 21)
#define P1CR_ROUTED 0x03010111u /* port 1 wholly on OCTOSPI1 (reset value) */
#define P2CR_RESET  0x07050333u
#define PCR_DQSEN   (1u << 4)

#define MTYP_MX 1u /* DCR1.MTYP = 001 Macronix */

enum fmode { FM_WRITE = 0, FM_READ = 1, FM_POLL = 2, FM_MEMMAP = 3 };
enum block { B_OSPI1, B_DLYB1, B_OSPI2, B_OSPIM };

/* Register file of OCTOSPI1 by offset / 4, and the other blocks' few. */
static struct {
	struct nor_chip *chip[2];
	uint32_t reg[0x100];
	uint32_t dlyb_cr, ospi2_cr, ospim_cr, ospim_pcr[2];
	const volatile uint32_t *ahb3enr;
	uint8_t fifo[FIFO_MAX];
	uint32_t fifo_len, fifo_pos;
	bool active, writing, polling;
	unsigned faults, commands;
	char last_fault[200];
	uint32_t last_status;
	struct port_qspi_cmd last;
} ospi;

#define R(off) ospi.reg[(off) / 4u]
enum {
	CR = 0x000,
	DCR1 = 0x008,
	DCR2 = 0x00C,
	DCR3 = 0x010,
	DCR4 = 0x014,
	SR = 0x020,
	FCR = 0x024,
	DLR = 0x040,
	AR = 0x048,
	DR = 0x050,
	PSMKR = 0x080,
	PSMAR = 0x088,
	PIR = 0x090,
	CCR = 0x100,
	TCR = 0x108,
	IR = 0x110,
	ABR = 0x120,
	LPTR = 0x130,
	WCCR = 0x180,
	WIR = 0x190,
	HLCR = 0x200,
};

static void fault(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ospi.last_fault, sizeof(ospi.last_fault), fmt, ap);
	va_end(ap);
	ospi.faults++;
}

static enum fmode fmode(void)
{
	return (enum fmode)((R(CR) & CR_FMODE) >> 28);
}

/* 3-bit phase mode -> lines: 0 none, 1, 2, 4, 8; 101..111 reserved (-1). */
static int lines_of(uint32_t mode)
{
	static const int lines[8] = {0, 1, 2, 4, 8, -1, -1, -1};
	return lines[mode & 7u];
}

static uint32_t field(uint32_t ccr, unsigned pos)
{
	return (ccr >> pos) & 0xFFu; /* MODE[2:0], DTR, SIZE[1:0] of one phase */
}

static uint32_t data_len(void)
{
	return (R(CCR) >> 24) & 7u ? R(DLR) + 1u : 0u;
}

/* Decode CCR (or WCCR) into the port's descriptor; false on a reserved
 * line mode. */
static bool decode(uint32_t ccr, struct port_qspi_cmd *c)
{
	memset(c, 0, sizeof(*c));
	static const unsigned pos[4] = {0, 8, 16, 24};
	int l[4];
	for (unsigned i = 0; i < 4; i++) {
		l[i] = lines_of(field(ccr, pos[i]));
		if (l[i] < 0)
			return false;
		if (l[i] && (field(ccr, pos[i]) & 8u))
			c->dtr |= (uint8_t)(1u << i); /* PORT_QSPI_DTR_* in phase order */
	}
	c->instruction_lines = (uint8_t)l[0];
	c->instruction_bytes = (uint8_t)(((ccr >> 4) & 3u) + 1u);
	c->instruction = (uint16_t)R(IR);
	c->address_lines = (uint8_t)l[1];
	c->address_bytes = (uint8_t)(((ccr >> 12) & 3u) + 1u);
	c->alt_lines = (uint8_t)l[2];
	c->alt_bytes = (uint8_t)(((ccr >> 20) & 3u) + 1u);
	c->data_lines = (uint8_t)l[3];
	c->dummy_cycles = (uint8_t)(R(TCR) & 31u);
	c->address = R(AR);
	c->alt = R(ABR);
	c->dqs = (ccr & CCR_DQSE) != 0;
	return true;
}

/* DCR1.MTYP orders the two bytes of an octal DTR word: a Macronix octal
 * chip needs MTYP = 001 (ST's H735G-DK BSP and MX25LM51245G driver in DTR;
 * shared facts octospi.md "DTR and DQS"). Which order Micron's setting
 * gives is UNVERIFIED: modelled as each pair swapped, so data written and
 * read with the wrong type is wrong on the chip. */
static void swap_pairs(uint8_t *b, uint32_t n)
{
	for (uint32_t i = 0; i + 1u < n; i += 2u) {
		uint8_t t = b[i];
		b[i] = b[i + 1u];
		b[i + 1u] = t;
	}
}

static void single_command(const struct port_qspi_cmd *w, const uint8_t *tx, uint8_t *rx)
{
	static uint8_t swapped[FIFO_MAX];
	bool swap = w->data_lines == 8 && (w->dtr & PORT_QSPI_DTR_DATA) &&
	            ((R(DCR1) >> 24) & 7u) != MTYP_MX && w->data_len <= FIFO_MAX;
	if (swap && tx) {
		memcpy(swapped, tx, w->data_len);
		swap_pairs(swapped, w->data_len);
		tx = swapped;
	}
	nor_chip_command(ospi.chip[0], w, tx, rx);
	if (swap && rx)
		swap_pairs(rx, w->data_len);
}

static void bus(const struct port_qspi_cmd *c, const uint8_t *tx, uint8_t *rx, uint32_t n)
{
	ospi.commands++;
	ospi.last = *c;
	ospi.last.data_len = n;
	if (rx)
		memset(rx, 0, n);
	/* every framing goes to the chip: a SPI chip ignores octal / DTR
	 * commands, an octal chip (nor_octal.c) checks its own protocol */
	struct port_qspi_cmd w = *c;
	w.data_len = n;
	if (!(R(CR) & CR_DQM)) {
		single_command(&w, tx, rx);
		return;
	}
	/* dual-quad: as QUADSPI dual-flash (address halved, bytes alternate;
	 * the address rule on OCTOSPI: UNVERIFIED, taken from AN4760) */
	static uint8_t scratch[FIFO_MAX / 2];
	if (n % 2u)
		fault("dual-quad transfer of an odd byte count");
	w.address >>= 1;
	w.data_len = n / 2u;
	nor_dual_command(ospi.chip, &w, tx, rx, scratch);
}

static bool port1_routed(void)
{
	return ospi.ospim_pcr[0] == P1CR_ROUTED && !(ospi.ospim_cr & 1u);
}

/* Rules every command (and memory-mapped mode) must keep; false when the
 * silicon would send nothing. */
static bool check_common(const struct port_qspi_cmd *c, uint32_t ccr, bool reading)
{
	if (!(R(CR) & CR_EN)) {
		fault("command with CR.EN = 0: nothing on the bus");
		return false;
	}
	if (!port1_routed()) {
		fault("OCTOSPIM port 1 not routed to OCTOSPI1 (P1CR 0x%08x): nothing on the pins",
		      ospi.ospim_pcr[0]);
		return false;
	}
	if (!(R(DCR1) & DCR1_DLYBYP) && !(ospi.dlyb_cr & 1u))
		fault("delay block in the sampling path (DCR1.DLYBYP = 0) but not enabled/tuned");
	if (c->dqs && !(ospi.ospim_pcr[0] & PCR_DQSEN))
		fault("CCR.DQSE with OCTOSPIM P1CR.DQSEN = 0: no strobe reaches OCTOSPI1");
	if (reading && c->data_lines == 8 && (c->dtr & PORT_QSPI_DTR_DATA) && !c->dqs)
		fault("octal DTR read without CCR.DQSE: data sampled without the strobe");
	if (ccr & CCR_SIOO)
		fault("CCR.SIOO: the device must support instruction-once (garbage on H735, "
		      "embassy PR #6398)");
	return true;
}

static void poll_once(void)
{
	uint8_t st[4] = {0};
	uint32_t n = data_len() > 4u ? 4u : data_len();
	struct port_qspi_cmd c;
	(void)decode(R(CCR), &c);
	bus(&c, NULL, st, n);
	uint32_t v =
	    (uint32_t)st[0] | (uint32_t)st[1] << 8 | (uint32_t)st[2] << 16 | (uint32_t)st[3] << 24;
	ospi.last_status = v;
	if ((v & R(PSMKR)) == (R(PSMAR) & R(PSMKR))) {
		R(SR) |= SR_SMF;
		ospi.polling = ospi.active = false;
		R(SR) &= ~SR_BUSY;
	}
}

/* The DHQC/DDTR link (HAL OSPI_ConfigCmd): with TCR.DHQC, a DTR command
 * without data phase needs CCR.DDTR, or it silently does nothing
 * (shared facts trap 4, embassy PR #6441). */
static bool dhqc_drops(const struct port_qspi_cmd *c)
{
	return (R(TCR) & TCR_DHQC) && (c->dtr & PORT_QSPI_DTR_INSTRUCTION) && !c->data_lines &&
	       !(R(CCR) & CCR_DDTR);
}

static bool address_in_range(const struct port_qspi_cmd *c)
{
	uint32_t bits = ((R(DCR1) >> 16) & 31u) + 1u;
	return !c->address_lines || bits >= 32u || c->address < (1u << bits);
}

static void start_write(uint32_t n, const struct port_qspi_cmd *c)
{
	if (n == 0) {
		bus(c, NULL, NULL, 0);
		R(SR) |= SR_TCF;
		return;
	}
	ospi.writing = ospi.active = true;
	R(SR) |= SR_BUSY | SR_FTF;
}

static void start_read(uint32_t n, const struct port_qspi_cmd *c)
{
	if (n > FIFO_MAX) {
		fault("indirect read longer than the model's FIFO");
		n = FIFO_MAX;
	}
	bus(c, NULL, ospi.fifo, n);
	ospi.fifo_len = n;
	R(SR) |= SR_TCF | (n ? SR_FTF : 0u);
}

/* Speculative reads into 0x90000000 disturb the peripheral in indirect mode
 * (as on QUADSPI: quadspi_model.c): every 1 MiB of the window must be
 * no-access in the MPU while a command runs. */
static void check_guard(void)
{
	for (uint32_t a = 0x90000000u; a >= 0x90000000u && a <= 0x9FF00000u; a += 0x100000u) {
		if (scs_model_mpu_readable(a) || scs_model_mpu_executable(a)) {
			fault("indirect command with 0x%08x open to speculative reads", a);
			return;
		}
	}
}

/* The trigger write (IR or AR) arrived: run the command. */
static void start(void)
{
	struct port_qspi_cmd c;
	uint32_t n = data_len();
	ospi.fifo_len = ospi.fifo_pos = 0;
	R(SR) &= ~(SR_TCF | SR_SMF | SR_FTF | SR_TEF);
	if (!decode(R(CCR), &c)) {
		fault("reserved line mode in CCR 0x%08x (a QUADSPI CCR layout?)", R(CCR));
		R(SR) |= SR_TEF | SR_TCF;
		return;
	}
	bool reading = fmode() == FM_READ || fmode() == FM_POLL;
	if (!check_common(&c, R(CCR), reading))
		return;
	if (n && c.data_lines == 8 && (c.dtr & PORT_QSPI_DTR_DATA) && n % 2u)
		fault("octal DTR data phase of %u bytes: DTR moves 2-byte words (DLR odd)", n);
	if (!address_in_range(&c)) {
		R(SR) |= SR_TEF | SR_TCF; /* RM: TEF for an address beyond DEVSIZE */
		return;
	}
	if (dhqc_drops(&c)) {
		fault("DTR command without data and without CCR.DDTR while TCR.DHQC = 1: dropped");
		R(SR) |= SR_TCF;
		return;
	}
	check_guard();
	if (fmode() == FM_WRITE)
		start_write(n, &c);
	else if (fmode() == FM_READ)
		start_read(n, &c);
	else if (fmode() == FM_POLL) {
		if (R(CR) & CR_PMM)
			fault("auto-poll in OR mode: one ready chip would do");
		ospi.polling = ospi.active = true;
		R(SR) |= SR_BUSY;
		poll_once();
	}
}

/* CR.FMODE = 11: memory-mapped mode with CCR/TCR/IR (reads) and WCCR/WIR
 * (writes). BUSY stays set until an abort. */
static void enter_memmap(void)
{
	struct port_qspi_cmd c;
	if (!decode(R(CCR), &c)) {
		fault("memory-mapped mode with a reserved line mode in CCR 0x%08x", R(CCR));
		return;
	}
	if (!check_common(&c, R(CCR), true))
		return;
	/* ES0393 2.8.17 on the OCTOSPI IP, seen on STM32H735 (embassy PR #6398);
	 * HAL_OSPI_MemoryMapped also refuses without the write configuration */
	if (!(R(WCCR) & CCR_DQSE))
		fault("memory-mapped mode with WCCR.DQSE = 0 (WCCR 0x%08x): a write through the "
		      "window gets a bus error",
		      R(WCCR));
	ospi.last = c;
	ospi.active = true;
	R(SR) |= SR_BUSY;
}

static void abort_all(void)
{
	ospi.active = ospi.writing = ospi.polling = false;
	R(SR) &= ~(SR_BUSY | SR_FTF);
	R(SR) |= SR_TCF;
	ospi.fifo_len = ospi.fifo_pos = 0;
}

static void write_cr(uint32_t v)
{
	if (v & CR_ABORT) {
		abort_all();
		R(CR) = v & ~CR_ABORT;
		return;
	}
	if (ospi.active && ((v ^ R(CR)) & ~CR_EN)) {
		fault("CR written while BUSY (0x%08x -> 0x%08x ignored by the hardware)", R(CR), v);
		return;
	}
	bool to_memmap = ((v & CR_FMODE) >> 28) == FM_MEMMAP && fmode() != FM_MEMMAP;
	R(CR) = v;
	if (to_memmap)
		enter_memmap();
}

static void write_dr(uint32_t v, unsigned width)
{
	if (!ospi.writing) {
		fault("DR written outside an indirect write");
		return;
	}
	for (unsigned i = 0; i < width && ospi.fifo_len < FIFO_MAX; i++)
		ospi.fifo[ospi.fifo_len++] = (uint8_t)(v >> (8u * i));
	if (ospi.fifo_len < data_len())
		return;
	struct port_qspi_cmd c;
	(void)decode(R(CCR), &c);
	bus(&c, ospi.fifo, NULL, ospi.fifo_len);
	ospi.writing = ospi.active = false;
	ospi.fifo_len = ospi.fifo_pos = 0;
	R(SR) &= ~(SR_BUSY | SR_FTF);
	R(SR) |= SR_TCF;
}

static bool writable(uint32_t off)
{
	static const uint16_t offs[] = {DCR1,  DCR2,  DCR3, DCR4,  DLR, AR,    PSMKR, PSMAR,
	                                PIR,   CCR,   TCR,  IR,    ABR, LPTR,  0x140, 0x148,
	                                0x150, 0x160, WCCR, 0x188, WIR, 0x1A0, HLCR};
	for (unsigned i = 0; i < sizeof(offs) / sizeof(offs[0]); i++)
		if (offs[i] == off)
			return true;
	return false;
}

/* IR starts a command without address phase, AR one with (RM0468 "triggering
 * the start of a command"; HAL_OSPI_Receive re-writes AR, or IR when
 * ADMODE = 0). An indirect write with data then waits for DR. Never CCR. */
static void trigger(uint32_t off)
{
	bool has_address = ((R(CCR) >> 8) & 7u) != 0;
	if (fmode() == FM_MEMMAP)
		return;
	if ((off == IR && !has_address) || (off == AR && has_address))
		start();
}

static void ospi1_write(uint32_t off, uint32_t v, unsigned width)
{
	if (off == CR) {
		write_cr(v);
	} else if (off == FCR) {
		R(SR) &= ~(v & 0x1Bu);
	} else if (off == DR) {
		write_dr(v, width);
	} else if (!writable(off)) {
		fault("write 0x%08x to reserved/read-only offset 0x%03x (QUADSPI layout?)", v, off);
	} else if (ospi.active) {
		fault("register 0x%03x written while BUSY (ignored by the hardware)", off);
	} else {
		R(off) = v;
		trigger(off);
	}
}

static uint32_t read_sr(void)
{
	if (ospi.polling)
		poll_once(); /* the hardware keeps polling every PIR cycles */
	if (ospi.fifo_pos < ospi.fifo_len)
		R(SR) |= SR_FTF;
	else if (!ospi.writing)
		R(SR) &= ~SR_FTF;
	return R(SR) | ((ospi.fifo_len - ospi.fifo_pos) & 0x3Fu) << 8;
}

static uint32_t read_dr(unsigned width)
{
	if ((R(SR) & SR_SMF) || ospi.polling)
		return ospi.last_status; /* the last status read by auto-poll */
	uint32_t v = 0;
	for (unsigned i = 0; i < width; i++) {
		if (ospi.fifo_pos >= ospi.fifo_len) {
			fault("read of an empty FIFO");
			break;
		}
		v |= (uint32_t)ospi.fifo[ospi.fifo_pos++] << (8u * i);
	}
	return v;
}

static bool ospim_clocked(void)
{
	return !ospi.ahb3enr || (*ospi.ahb3enr & IOMNGREN);
}

static uint32_t *ospim_reg(uint32_t off)
{
	if (off == 0)
		return &ospi.ospim_cr;
	if (off == 4 || off == 8)
		return &ospi.ospim_pcr[off / 4u - 1u];
	return NULL;
}

/* HAL_OSPIM_Config disables both OCTOSPIs before changing the routing. */
static void ospim_write(uint32_t off, uint32_t v)
{
	uint32_t *reg = ospim_reg(off);
	if (!ospim_clocked() || !reg)
		return; /* unclocked: writes lost */
	if ((R(CR) & CR_EN) || (ospi.ospi2_cr & CR_EN))
		fault("OCTOSPIM 0x%02x written with an OCTOSPI enabled", off);
	*reg = v;
}

static uint32_t reg_read(void *ctx, uint32_t off, unsigned width)
{
	switch ((enum block)(uintptr_t)ctx) {
	case B_DLYB1:
		return off == 0 ? ospi.dlyb_cr : 0;
	case B_OSPI2:
		return off == 0 ? ospi.ospi2_cr : 0;
	case B_OSPIM: {
		uint32_t *reg = ospim_reg(off);
		return ospim_clocked() && reg ? *reg : 0;
	}
	default:
		break;
	}
	if (off == SR)
		return read_sr();
	if (off == DR)
		return read_dr(width);
	return off < 0x400u ? R(off) : 0;
}

static void reg_write(void *ctx, uint32_t off, uint32_t v, unsigned width)
{
	switch ((enum block)(uintptr_t)ctx) {
	case B_DLYB1:
		if (off == 0)
			ospi.dlyb_cr = v;
		break;
	case B_OSPI2:
		if (off == 0)
			ospi.ospi2_cr = v;
		break;
	case B_OSPIM:
		ospim_write(off, v);
		break;
	default:
		ospi1_write(off, v, width);
		break;
	}
}

static const struct mmio_model_ops ops = {reg_read, reg_write};

int octospi_model_init(struct nor_chip *chip0, struct nor_chip *chip1)
{
	memset(&ospi, 0, sizeof(ospi));
	ospi.chip[0] = chip0;
	ospi.chip[1] = chip1;
	ospi.ospim_pcr[0] = P1CR_ROUTED; /* reset values (shared facts, OCTOSPIM) */
	ospi.ospim_pcr[1] = P2CR_RESET;
	if (mmio_register(OSPI1_BASE, 0x400, &ops, (void *)(uintptr_t)B_OSPI1) ||
	    mmio_register(DLYB1_BASE, 0x400, &ops, (void *)(uintptr_t)B_DLYB1) ||
	    mmio_register(OSPI2_BASE, 0x400, &ops, (void *)(uintptr_t)B_OSPI2))
		return -1;
	return mmio_register(OSPIM_BASE, 0x400, &ops, (void *)(uintptr_t)B_OSPIM);
}

void octospi_model_rcc(const volatile uint32_t *ahb3enr)
{
	ospi.ahb3enr = ahb3enr;
}

unsigned octospi_model_faults(void)
{
	return ospi.faults;
}

const char *octospi_model_last_fault(void)
{
	return ospi.last_fault;
}

unsigned octospi_model_commands(void)
{
	return ospi.commands;
}

const struct port_qspi_cmd *octospi_model_last_cmd(void)
{
	return &ospi.last;
}

bool octospi_model_memmapped(void)
{
	return fmode() == FM_MEMMAP && ospi.active;
}

/* A core read of n bytes at window offset addr in memory-mapped mode: one
 * read command as CCR/TCR/IR/ABR describe it, with the address put in by
 * the controller. Beyond DEVSIZE the silicon answers with a bus error. */
int octospi_model_window_read(uint32_t addr, uint8_t *buf, uint32_t n)
{
	if (!octospi_model_memmapped()) {
		fault("read of the OCTOSPI window at 0x%08x outside memory-mapped mode", addr);
		return -1;
	}
	struct port_qspi_cmd c;
	(void)decode(R(CCR), &c);
	c.address = addr;
	if (!address_in_range(&c) || (n && !address_in_range(&(struct port_qspi_cmd){
	                                       .address_lines = 1, .address = addr + n - 1u}))) {
		fault("memory-mapped read at 0x%08x beyond DEVSIZE: bus error", addr);
		return -1;
	}
	if (!(c.data_lines == 8 && (c.dtr & PORT_QSPI_DTR_DATA) && ((addr | n) & 1u))) {
		bus(&c, NULL, buf, n);
		return 0;
	}
	/* Octal DTR moves 2-byte words and the chip ignores A0: the controller
	 * starts at the even address below, drops the byte before addr and
	 * reads a whole last word (docs/nor.md "Octal chips": the even-address
	 * rule binds indirect reads only, memory-mapped reads at any address
	 * work for execute-in-place; the RM text itself: UNVERIFIED). */
	uint8_t w[256];
	while (n) {
		uint32_t skip = addr & 1u;
		uint32_t take = n < sizeof(w) - skip ? n : (uint32_t)sizeof(w) - skip;
		c.address = addr - skip;
		bus(&c, NULL, w, (skip + take + 1u) & ~1u);
		memcpy(buf, w + skip, take);
		addr += take;
		buf += take;
		n -= take;
	}
	return 0;
}

uint32_t octospi_model_reg(uint32_t off)
{
	return off < 0x400u ? R(off) : 0;
}
