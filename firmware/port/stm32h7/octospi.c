/* SPDX-License-Identifier: MIT */
/*
 * OCTOSPI driver: the flash-command bus of port.h on the STM32H72x/H73x and
 * H7A3/H7B0/H7B3 (RM0468 / RM0455 OCTOSPI; sequences as ST's
 * stm32h7xx_hal_ospi.c does them; shared facts octospi.md). OCTOSPI1 on
 * IO-manager port 1; indirect read/write, status auto-polling (AND mode),
 * memory-mapped mode, abort; 1/2/4/8 lines, DTR per phase, DQS, 16-bit
 * instructions. The delay block is bypassed (DCR1.DLYBYP). Every wait is
 * bounded.
 *
 * The same port contract as quadspi.c; a board image links one of the two
 * (this file is not in the QUADSPI images: firmware/port/stm32h7/CMakeLists).
 * Differences from QUADSPI that the code below depends on:
 *  - FMODE is in CR, not CCR; the prescaler in DCR2; dummy cycles in TCR;
 *  - a command starts at the write of IR (no address phase) or AR (address
 *    phase), or with the data in DR for an indirect write: CCR writes never
 *    start anything, so CCR/TCR/IR go first and AR last (HAL OSPI_ConfigCmd);
 *  - with TCR.DHQC set (every DTR command here), a DTR command without
 *    data phase still needs CCR.DDTR (HAL OSPI_ConfigCmd: "The DHQC bit is
 *    linked with DDTR bit").
 */
#include "common/compiler.h"
#include "common/err.h"
#include "h7.h"
#include "h7_sys.h"
#include "mmio.h"
#include "hal/port.h"
#include "regs_octospi.h"
#include "regs_rcc.h"

#define BUSY_TIMEOUT_US 10000u
#define XFER_TIMEOUT_US 100000u
#define FIFO_THRESHOLD  4u /* bytes (CR.FTHRES = threshold - 1) */
#define CS_HIGH_CYCLES  4u /* between commands (DCR1.CSHT = cycles - 1) */
#define POLL_INTERVAL   16u
/* port_qspi_read_crc takes whole words on FTF (fifo_crc.c) */
_Static_assert(FIFO_THRESHOLD >= 4u, "FTF must mean a whole word in the FIFO");

static struct octospi_regs *o(void)
{
	return (struct octospi_regs *)MMIO_BASE(OCTOSPI1_BASE);
}

/* Line count -> 3-bit phase mode: 000 none, 001 1, 010 2, 011 4, 100 8
 * lines (CMSIS OCTOSPI_CCR_IMODE; HAL_OSPI_*_1_LINE .. _8_LINES). */
static uint32_t mode_of(uint8_t lines)
{
	return lines == 8u ? OCTOSPI_MODE_8LINES : lines == 4u ? OCTOSPI_MODE_4LINES : lines;
}

/* One phase of CCR: MODE at pos, its DTR bit at pos + 3, SIZE (bytes - 1)
 * at pos + 4; the same shape for instruction, address, alternate bytes and
 * (without size) data. */
static uint32_t phase(uint8_t lines, uint8_t bytes, bool dtr, unsigned pos)
{
	if (!lines)
		return 0;
	uint32_t size = bytes > 1u ? bytes - 1u : 0u;
	return (mode_of(lines) | (dtr ? 1u : 0u) << 3 | size << 4) << pos;
}

static uint32_t ccr_of(const struct port_qspi_cmd *c)
{
	uint32_t ccr = phase(c->instruction_lines, c->instruction_bytes,
	                     (c->dtr & PORT_QSPI_DTR_INSTRUCTION) != 0, OCTOSPI_CCR_IMODE_Pos);
	if (c->address_lines)
		ccr |= phase(c->address_lines, c->address_bytes,
		             (c->dtr & PORT_QSPI_DTR_ADDRESS) != 0, OCTOSPI_CCR_ADMODE_Pos);
	if (c->alt_lines)
		ccr |= phase(c->alt_lines, c->alt_bytes, (c->dtr & PORT_QSPI_DTR_ALT) != 0,
		             OCTOSPI_CCR_ABMODE_Pos);
	if (c->data_lines)
		ccr |= phase(c->data_lines, 0, (c->dtr & PORT_QSPI_DTR_DATA) != 0,
		             OCTOSPI_CCR_DMODE_Pos);
	else if (c->dtr & PORT_QSPI_DTR_INSTRUCTION)
		ccr |= OCTOSPI_CCR_DDTR; /* DHQC: a DTR command without data needs DDTR */
	if (c->dqs)
		ccr |= OCTOSPI_CCR_DQSE;
	return ccr; /* SIOO stays 0: a second memory-mapped read returned garbage
	             * with it on H735 (embassy PR #6398) */
}

static uint32_t fmode(void)
{
	return (mmio_read(&o()->CR) & OCTOSPI_CR_FMODE_Msk) >> OCTOSPI_CR_FMODE_Pos;
}

/*
 * Abort whatever runs (memory-mapped mode, a poll, a stuck transfer) as
 * HAL_OSPI_Abort: CR.ABORT, wait for TCF (the abort done), clear, wait
 * BUSY = 0. FMODE is then set back to indirect write: unlike QUADSPI's
 * CCR.FMODE, a CR write starts no command, and the next command relies on
 * it (an indirect read / poll sets its own mode).
 */
int port_qspi_abort(void)
{
	struct octospi_regs *r = o();
	if (mmio_read(&r->SR) & OCTOSPI_SR_BUSY) {
		mmio_set(&r->CR, OCTOSPI_CR_ABORT);
		if (h7_wait_reg(&r->SR, OCTOSPI_SR_TCF, OCTOSPI_SR_TCF, BUSY_TIMEOUT_US))
			return QDFU_E_TIMEOUT;
	}
	mmio_write(&r->FCR, OCTOSPI_FCR_ALL);
	if (h7_wait_reg(&r->SR, OCTOSPI_SR_BUSY, 0, BUSY_TIMEOUT_US))
		return QDFU_E_TIMEOUT;
	mmio_modify(&r->CR, OCTOSPI_CR_FMODE_Msk | OCTOSPI_CR_ABORT, 0);
	return QDFU_OK;
}

/* The board's pins: IO0..3 in qspi_io[0..3], IO4..7 in qspi_io[4..7], DQS. */
static void h7_ospi_pins(const struct board *b)
{
	h7_gpio_af(&b->hw.qspi_clk);
	h7_gpio_af(&b->hw.qspi_ncs);
	for (unsigned i = 0; i < 8; i++)
		if (b->hw.qspi_io[i].port != 0xFF)
			h7_gpio_af(&b->hw.qspi_io[i]);
	if (b->hw.qspi_dqs.port != 0xFF)
		h7_gpio_af(&b->hw.qspi_dqs); /* octal DTR reads latch on it */
}

/*
 * IO manager: port 1 wholly on OCTOSPI1, no multiplexing. That is the reset
 * state, but an application may have changed it. PnCR may only change with
 * BOTH OCTOSPIs disabled (HAL_OSPIM_Config clears EN of both first, then
 * re-enables those that were on); the registers answer only with
 * RCC_AHB3ENR.IOMNGREN set (shared facts octospi.md, OCTOSPIM).
 */
static void route_port1(void)
{
	struct octospim_regs *m = (struct octospim_regs *)MMIO_BASE(OCTOSPIM_BASE);
	if (mmio_read(&m->PCR[0]) == OCTOSPIM_P1CR_OCTOSPI1 &&
	    !(mmio_read(&m->CR) & OCTOSPIM_CR_MUXEN))
		return;
	struct octospi_regs *o2 = (struct octospi_regs *)MMIO_BASE(OCTOSPI2_BASE);
	uint32_t en2 = mmio_read(&o2->CR) & OCTOSPI_CR_EN;
	mmio_clear(&o()->CR, OCTOSPI_CR_EN);
	mmio_clear(&o2->CR, OCTOSPI_CR_EN);
	mmio_write(&m->CR, 0);
	/* port 2 back on OCTOSPI2 (its reset routing): it must not take
	 * OCTOSPI1's signals too (an application may have swapped the ports) */
	mmio_write(&m->PCR[1], OCTOSPIM_P2CR_OCTOSPI2);
	mmio_write(&m->PCR[0], OCTOSPIM_P1CR_OCTOSPI1);
	mmio_set(&o2->CR, en2);
}

static uint32_t prescaler(uint32_t want)
{
	uint32_t ker = h7_qspi_kernel_hz(); /* OCTOSPISEL: same field as QSPISEL */
	want = want ? want : 1u;
	uint32_t div = (ker + want - 1u) / want; /* fclk = fker / (PRESCALER + 1) */
	div = div ? div - 1u : 0u;
	return div > 255u ? 255u : div;
}

int port_qspi_init(const struct port_qspi_config *cfg)
{
	if (h7_board())
		h7_ospi_pins(h7_board());
	h7_mpu_guard_qspi(); /* no speculative reads into the window while indirect */
	struct rcc_regs *rcc = (struct rcc_regs *)MMIO_BASE(RCC_BASE);
	mmio_set(&rcc->AHB3ENR, RCC_AHB3ENR_OSPI1EN | RCC_AHB3ENR_IOMNGREN);
	(void)mmio_read(&rcc->AHB3ENR);
	struct octospi_regs *r = o();
	int rc = port_qspi_abort(); /* registers are read-only while BUSY */
	if (rc)
		return rc;
	mmio_clear(&r->CR, OCTOSPI_CR_EN);
	route_port1();
	/* DEVSIZE = address bits - 1 (HAL_OSPI_Init writes DeviceSize - 1) */
	uint32_t bits = cfg->size_log2 ? cfg->size_log2 : 24u;
	bits = bits > 32u ? 32u : bits;
	/* clock mode 0, delay block bypassed (not calibrated: ST's H7B3I-DK BSP
	 * bypasses it too); MTYP per command (timing()) */
	mmio_write(&r->DCR1, (bits - 1u) << OCTOSPI_DCR1_DEVSIZE_Pos |
	                         (CS_HIGH_CYCLES - 1u) << OCTOSPI_DCR1_CSHT_Pos |
	                         OCTOSPI_DCR1_DLYBYP);
	mmio_write(&r->DCR2, prescaler(cfg->clock_hz) << OCTOSPI_DCR2_PRESCALER_Pos);
	mmio_write(&r->DCR3, 0);
	mmio_write(&r->DCR4, 0);
	mmio_write(&r->CR, (FIFO_THRESHOLD - 1u) << OCTOSPI_CR_FTHRES_Pos |
	                       (cfg->dual_flash ? OCTOSPI_CR_DQM : 0u));
	mmio_write(&r->TCR, OCTOSPI_TCR_SSHIFT);
	mmio_set(&r->CR, OCTOSPI_CR_EN);
	return QDFU_OK;
}

/* Leave memory-mapped mode or whatever runs before configuring anything. */
static int idle(void)
{
	if (fmode() == OCTOSPI_FMODE_MEMMAP || (mmio_read(&o()->SR) & OCTOSPI_SR_BUSY))
		return port_qspi_abort();
	return QDFU_OK;
}

/*
 * The command's timing: TCR (dummy cycles; DTR: hold output data 1/4 cycle
 * (DHQC) and no sample shift, as ST's H735G-DK BSP in octal DTR; STR:
 * sample half a cycle late as the QUADSPI driver does) and DCR1.MTYP (the
 * DTR byte order). The HAL sets DHQC and MTYP once in HAL_OSPI_Init and
 * re-initialises when the chip changes mode; here they follow each command,
 * as the chip's mode is a property of the command sequence.
 */
static void timing(const struct port_qspi_cmd *c, uint32_t *tcr, uint32_t *ccr)
{
	struct octospi_regs *r = o();
	uint32_t mtyp =
	    c->mem_type == PORT_QSPI_MEM_MACRONIX ? OCTOSPI_MTYP_MACRONIX : OCTOSPI_MTYP_MICRON;
	uint32_t dcr1 = mmio_read(&r->DCR1);
	uint32_t want = (dcr1 & ~OCTOSPI_DCR1_MTYP_Msk) | mtyp << OCTOSPI_DCR1_MTYP_Pos;
	if (want != dcr1) { /* as ST's BSP, which re-initialises (EN = 0) to change it */
		mmio_clear(&r->CR, OCTOSPI_CR_EN);
		mmio_write(&r->DCR1, want);
		mmio_set(&r->CR, OCTOSPI_CR_EN);
	}
	*tcr = (c->dtr ? OCTOSPI_TCR_DHQC : OCTOSPI_TCR_SSHIFT) | (c->dummy_cycles & 31u);
	*ccr = ccr_of(c);
}

/* As HAL OSPI_ConfigCmd then the start: FMODE first (in CR), DLR, ABR,
 * CCR, TCR, IR, then AR. The command starts at IR (no address) or AR; an
 * indirect write with data starts with the first DR write. */
static int start(const struct port_qspi_cmd *c, uint32_t mode)
{
	struct octospi_regs *r = o();
	int rc = idle();
	if (rc)
		return rc;
	mmio_write(&r->FCR, OCTOSPI_FCR_ALL);
	mmio_modify(&r->CR, OCTOSPI_CR_FMODE_Msk, mode << OCTOSPI_CR_FMODE_Pos);
	if (c->data_lines && c->data_len)
		mmio_write(&r->DLR, c->data_len - 1u);
	if (c->alt_lines)
		mmio_write(&r->ABR, c->alt);
	uint32_t tcr, ccr;
	timing(c, &tcr, &ccr);
	mmio_write(&r->CCR, ccr);
	mmio_write(&r->TCR, tcr);
	mmio_write(&r->IR, c->instruction);
	if (c->address_lines)
		mmio_write(&r->AR, c->address);
	return QDFU_OK;
}

static int finish(void)
{
	struct octospi_regs *r = o();
	int rc = h7_wait_reg(&r->SR, OCTOSPI_SR_TCF, OCTOSPI_SR_TCF, XFER_TIMEOUT_US);
	uint32_t sr = mmio_read(&r->SR);
	mmio_write(&r->FCR, OCTOSPI_FCR_ALL);
	if (rc) {
		(void)port_qspi_abort();
		return rc;
	}
	return (sr & OCTOSPI_SR_TEF) ? QDFU_E_PARAM : QDFU_OK;
}

/* Move n bytes through DR, one byte per FTF (at least one byte or one free
 * place in the FIFO). */
static int move(uint8_t *in, const uint8_t *out, uint32_t n)
{
	struct octospi_regs *r = o();
	for (uint32_t i = 0; i < n; i++) {
		int rc = h7_wait_reg(&r->SR, OCTOSPI_SR_FTF, OCTOSPI_SR_FTF, XFER_TIMEOUT_US);
		if (rc) {
			(void)port_qspi_abort();
			return rc;
		}
		if (in)
			in[i] = mmio_read8((const volatile uint8_t *)&r->DR);
		else
			mmio_write8((volatile uint8_t *)&r->DR, out[i]);
	}
	return QDFU_OK;
}

int port_qspi_read(const struct port_qspi_cmd *c, void *data)
{
	int rc = start(c, OCTOSPI_FMODE_READ);
	if (rc)
		return rc;
	if (c->data_lines && (rc = move(data, NULL, c->data_len)))
		return rc;
	return finish();
}

/* Octal DTR moves 2-byte words: the NOR layer keeps address and length
 * even there (nor.c, octal.c), as for port_qspi_read. */
int port_qspi_read_crc(const struct port_qspi_cmd *c, void *data, uint32_t *crc)
{
	if (!c->data_lines || !crc)
		return QDFU_E_PARAM;
	int rc = start(c, OCTOSPI_FMODE_READ);
	if (rc)
		return rc;
	struct octospi_regs *r = o();
	rc = h7_fifo_read_crc(&r->SR, OCTOSPI_SR_FTF, &r->DR, data, c->data_len, crc);
	return rc ? rc : finish();
}

int port_qspi_write(const struct port_qspi_cmd *c, const void *data)
{
	int rc = start(c, OCTOSPI_FMODE_WRITE);
	if (rc)
		return rc;
	if (c->data_lines && (rc = move(NULL, data, c->data_len)))
		return rc;
	return finish();
}

static int poll_once(const struct port_qspi_cmd *c, uint32_t m32, uint32_t v32, uint32_t *last)
{
	uint8_t st[4] = {0};
	int rc = port_qspi_read(c, st);
	if (rc)
		return rc;
	uint32_t v = qdfu_get_le32(st);
	if (last)
		*last = v;
	return (v & m32) == v32 ? QDFU_OK : QDFU_E_BUSY;
}

static int wait_match(uint32_t timeout_ms, uint32_t *last)
{
	struct octospi_regs *r = o();
	uint32_t deadline = port_millis() + timeout_ms;
	while (!(mmio_read(&r->SR) & OCTOSPI_SR_SMF)) {
		if (qdfu_time_reached(port_millis(), deadline)) {
			if (last)
				*last = mmio_read(&r->DR);
			(void)port_qspi_abort();
			return QDFU_E_TIMEOUT;
		}
		port_wait_hint();
	}
	if (last)
		*last = mmio_read(&r->DR);
	mmio_write(&r->FCR, OCTOSPI_FCR_ALL);
	return h7_wait_reg(&r->SR, OCTOSPI_SR_BUSY, 0, BUSY_TIMEOUT_US);
}

/* Octal DTR reads registers as 2-byte words (shared facts octospi.md trap
 * 5): the NOR layer asks for 2 status bytes there, and the one-byte mask
 * and match apply to each. */
int port_qspi_poll(const struct port_qspi_cmd *c, uint32_t mask, uint32_t match,
                   uint32_t timeout_ms, uint32_t *last)
{
	struct octospi_regs *r = o();
	uint32_t n = c->data_len;
	if (n == 0 || n > 4u || !c->data_lines)
		return QDFU_E_PARAM;
	uint32_t m32 = 0, v32 = 0;
	for (uint32_t i = 0; i < n; i++) {
		m32 |= (mask & 0xFFu) << (8u * i);
		v32 |= (match & mask & 0xFFu) << (8u * i);
	}
	if (timeout_ms == 0) /* one look, no waiting */
		return poll_once(c, m32, v32, last);
	/* PSMKR/PSMAR/PIR are ignored while BUSY (HAL_OSPI_AutoPolling waits
	 * for BUSY = 0 first; it writes PSMAR before PSMKR) */
	int rc = idle();
	if (rc)
		return rc;
	mmio_write(&r->PSMAR, v32);
	mmio_write(&r->PSMKR, m32);
	mmio_write(&r->PIR, POLL_INTERVAL);
	/* AND mode (PMM = 0): in dual-quad mode BOTH chips must match */
	mmio_modify(&r->CR, OCTOSPI_CR_PMM | OCTOSPI_CR_APMS, OCTOSPI_CR_APMS);
	if ((rc = start(c, OCTOSPI_FMODE_POLL)))
		return rc;
	return wait_match(timeout_ms, last);
}

/* The memory-mapped write command (WCCR/WTCR/WIR): HAL_OSPI_MemoryMapped
 * refuses to start without it, and WCCR.DQSE must be 1 even with no write
 * ever done: with DQSE = 0 a memory-mapped write gets an error response
 * (ES0393 2.8.17 on the OCTOSPI IP; seen on STM32H735 by embassy PR
 * #6398). The bootloader never writes through the window: the write
 * command is the read command's framing with DQSE. */
static void memmap_write_cmd(const struct port_qspi_cmd *rd)
{
	struct octospi_regs *r = o();
	mmio_write(&r->WCCR, ccr_of(rd) | OCTOSPI_CCR_DQSE);
	mmio_write(&r->WTCR, 0);
	mmio_write(&r->WIR, rd->instruction);
}

int port_qspi_memmap(const struct port_qspi_cmd *read_cmd)
{
	struct octospi_regs *r = o();
	int rc = port_qspi_abort();
	if (rc)
		return rc;
	memmap_write_cmd(read_cmd);
	if (read_cmd->alt_lines)
		mmio_write(&r->ABR, read_cmd->alt);
	uint32_t tcr, ccr;
	timing(read_cmd, &tcr, &ccr);
	mmio_write(&r->CCR, ccr);
	mmio_write(&r->TCR, tcr);
	mmio_write(&r->IR, read_cmd->instruction);
	/* TCEN stays 0: nCS is only a problem with both OCTOSPIs multiplexed on
	 * one port (never set up here) */
	mmio_modify(&r->CR, OCTOSPI_CR_FMODE_Msk, OCTOSPI_FMODE_MEMMAP << OCTOSPI_CR_FMODE_Pos);
	return QDFU_OK;
}

/* DCR1.DEVSIZE is address bits - 1 (port_qspi_init); the OCTOSPI off
 * (CR.EN = 0) was never set up by us. Memory-mapped is CR.FMODE = 11
 * (port_qspi_abort clears FMODE). */
bool port_qspi_memmapped(struct port_qspi_window *w)
{
	struct octospi_regs *r = o();
	uint32_t cr = mmio_read(&r->CR);
	uint32_t dev = (mmio_read(&r->DCR1) & OCTOSPI_DCR1_DEVSIZE_Msk) >> OCTOSPI_DCR1_DEVSIZE_Pos;
	w->size_log2 = (cr & OCTOSPI_CR_EN) ? (uint8_t)(dev + 1u) : 0u;
	w->dual_flash = (cr & OCTOSPI_CR_DQM) != 0;
	return (cr & OCTOSPI_CR_FMODE_Msk) >> OCTOSPI_CR_FMODE_Pos == OCTOSPI_FMODE_MEMMAP;
}
