/* SPDX-License-Identifier: MIT */
/*
 * QUADSPI driver: the flash-command bus of port.h (RM0399 23.3, AN4760).
 * One command descriptor for everything; indirect read/write, status
 * auto-polling (AND mode only: in dual-flash mode both chips must match),
 * memory-mapped mode and abort. Every wait is bounded.
 */
#include "common/compiler.h"
#include "common/err.h"
#include "h7.h"
#include "h7_sys.h"
#include "mmio.h"
#include "hal/port.h"
#include "regs_quadspi.h"
#include "regs_rcc.h"

#define BUSY_TIMEOUT_US 10000u
#define XFER_TIMEOUT_US 100000u
#define FIFO_THRESHOLD  4u /* bytes (CR.FTHRES = threshold - 1) */
/* port_qspi_read_crc takes whole words on FTF (fifo_crc.c) */
_Static_assert(FIFO_THRESHOLD >= 4u, "FTF must mean a whole word in the FIFO");

static struct quadspi_regs *q(void)
{
	return (struct quadspi_regs *)MMIO_BASE(QUADSPI_BASE);
}

static uint32_t mode_of(uint8_t lines)
{
	return lines == 4 ? 3u : lines; /* 0 none, 1, 2 lines, 3 = 4 lines */
}

static uint32_t ccr_of(const struct port_qspi_cmd *c, uint32_t fmode)
{
	uint32_t ccr = c->instruction | mode_of(c->instruction_lines) << QUADSPI_CCR_IMODE_Pos;
	if (c->address_lines)
		ccr |= mode_of(c->address_lines) << QUADSPI_CCR_ADMODE_Pos |
		       (uint32_t)(c->address_bytes - 1u) << QUADSPI_CCR_ADSIZE_Pos;
	if (c->alt_lines)
		ccr |= mode_of(c->alt_lines) << QUADSPI_CCR_ABMODE_Pos |
		       (uint32_t)(c->alt_bytes - 1u) << QUADSPI_CCR_ABSIZE_Pos;
	ccr |= (uint32_t)(c->dummy_cycles & 31u) << QUADSPI_CCR_DCYC_Pos;
	if (c->data_lines)
		ccr |= mode_of(c->data_lines) << QUADSPI_CCR_DMODE_Pos;
	return ccr | fmode << QUADSPI_CCR_FMODE_Pos;
}

/*
 * Abort whatever runs (memory-mapped mode, a poll, a stuck transfer), and
 * nothing else. CCR is never written here: a CCR write without an address
 * phase starts a command at once (ST's HAL: "When there is no data phase,
 * the transfer start as soon as the configuration is done"), so clearing
 * FMODE, as HAL_QSPI_Abort does after an abort, sends the last instruction
 * again: a WREN, a chip erase (facts, "Traps found by review" 7). The next
 * command writes a whole CCR anyway; until then region 0 of the MPU keeps
 * the core from touching the window (mpu.c), so FMODE left at memory-mapped
 * does not restart that mode.
 */
int port_qspi_abort(void)
{
	struct quadspi_regs *r = q();
	if (mmio_read(&r->SR) & QUADSPI_SR_BUSY) {
		mmio_set(&r->CR, QUADSPI_CR_ABORT);
		if (h7_wait_reg(&r->CR, QUADSPI_CR_ABORT, 0, BUSY_TIMEOUT_US))
			return QDFU_E_TIMEOUT;
	}
	mmio_write(&r->FCR, QUADSPI_FCR_ALL);
	return h7_wait_reg(&r->SR, QUADSPI_SR_BUSY, 0, BUSY_TIMEOUT_US);
}

/* The board's QUADSPI pins (bank 2 only on dual-flash boards). */
static void h7_qspi_pins(const struct board *b)
{
	h7_gpio_af(&b->hw.qspi_clk);
	h7_gpio_af(&b->hw.qspi_ncs);
	for (unsigned i = 0; i < 8; i++)
		if (b->hw.qspi_io[i].port != 0xFF)
			h7_gpio_af(&b->hw.qspi_io[i]);
}

int port_qspi_init(const struct port_qspi_config *cfg)
{
	if (h7_board())
		h7_qspi_pins(h7_board());
	/* no speculative reads into the window while in indirect mode */
	h7_mpu_guard_qspi();
	struct rcc_regs *rcc = (struct rcc_regs *)MMIO_BASE(RCC_BASE);
	mmio_set(&rcc->AHB3ENR, RCC_AHB3ENR_QSPIEN);
	(void)mmio_read(&rcc->AHB3ENR);
	struct quadspi_regs *r = q();
	mmio_clear(&r->CR, QUADSPI_CR_EN);
	if (h7_wait_reg(&r->SR, QUADSPI_SR_BUSY, 0, BUSY_TIMEOUT_US))
		return QDFU_E_TIMEOUT;
	uint32_t ker = h7_qspi_kernel_hz(), want = cfg->clock_hz ? cfg->clock_hz : 1u;
	uint32_t presc = (ker + want - 1u) / want;
	presc = presc ? presc - 1u : 0u;
	if (presc > 255u)
		presc = 255u;
	/* FSIZE one larger than the memory (erratum ES0392 2.4.4: the last
	 * bytes read wrong in memory-mapped mode otherwise) */
	uint32_t fsize = cfg->size_log2 ? cfg->size_log2 : 24u;
	if (fsize > 31u)
		fsize = 31u;
	mmio_write(&r->CR, presc << QUADSPI_CR_PRESCALER_Pos |
	                       (FIFO_THRESHOLD - 1u) << QUADSPI_CR_FTHRES_Pos | QUADSPI_CR_SSHIFT |
	                       (cfg->dual_flash ? QUADSPI_CR_DFM : 0u));
	mmio_write(&r->DCR, fsize << QUADSPI_DCR_FSIZE_Pos | 3u << QUADSPI_DCR_CSHT_Pos);
	mmio_set(&r->CR, QUADSPI_CR_EN);
	return QDFU_OK;
}

/* Most registers are read-only while BUSY (memory-mapped mode keeps it
 * set): leave whatever runs before configuring anything. */
static int idle(void)
{
	struct quadspi_regs *r = q();
	uint32_t ccr = mmio_read(&r->CCR);
	if (((ccr & QUADSPI_CCR_FMODE_Msk) >> QUADSPI_CCR_FMODE_Pos) == QUADSPI_FMODE_MEMMAP ||
	    (mmio_read(&r->SR) & QUADSPI_SR_BUSY))
		return port_qspi_abort();
	return QDFU_OK;
}

/* DLR, ABR, then CCR, then AR, as ST's HAL (QSPI_Config): the command starts
 * at the CCR write when it has no address, and takes ABR as it is then. */
static int start(const struct port_qspi_cmd *c, uint32_t fmode)
{
	struct quadspi_regs *r = q();
	int rc = idle();
	if (rc)
		return rc;
	mmio_write(&r->FCR, QUADSPI_FCR_ALL);
	if (c->data_lines && c->data_len)
		mmio_write(&r->DLR, c->data_len - 1u);
	if (c->alt_lines)
		mmio_write(&r->ABR, c->alt);
	mmio_write(&r->CCR, ccr_of(c, fmode));
	if (c->address_lines)
		mmio_write(&r->AR, c->address); /* starts the command */
	return QDFU_OK;
}

static int finish(void)
{
	struct quadspi_regs *r = q();
	int rc = h7_wait_reg(&r->SR, QUADSPI_SR_TCF, QUADSPI_SR_TCF, XFER_TIMEOUT_US);
	uint32_t sr = mmio_read(&r->SR);
	mmio_write(&r->FCR, QUADSPI_FCR_ALL);
	if (rc) {
		(void)port_qspi_abort();
		return rc;
	}
	return (sr & QUADSPI_SR_TEF) ? QDFU_E_PARAM : QDFU_OK;
}

int port_qspi_read(const struct port_qspi_cmd *c, void *data)
{
	int rc = start(c, QUADSPI_FMODE_READ);
	if (rc)
		return rc;
	struct quadspi_regs *r = q();
	uint8_t *out = data;
	for (uint32_t i = 0; c->data_lines && i < c->data_len; i++) {
		/* FTF: at least one byte waits in the FIFO (threshold, or the
		 * end of the transfer) */
		rc = h7_wait_reg(&r->SR, QUADSPI_SR_FTF, QUADSPI_SR_FTF, XFER_TIMEOUT_US);
		if (rc) {
			(void)port_qspi_abort();
			return rc;
		}
		out[i] = mmio_read8((const volatile uint8_t *)&r->DR);
	}
	return finish();
}

int port_qspi_read_crc(const struct port_qspi_cmd *c, void *data, uint32_t *crc)
{
	if (!c->data_lines || !crc)
		return QDFU_E_PARAM;
	int rc = start(c, QUADSPI_FMODE_READ);
	if (rc)
		return rc;
	struct quadspi_regs *r = q();
	rc = h7_fifo_read_crc(&r->SR, QUADSPI_SR_FTF, &r->DR, data, c->data_len, crc);
	return rc ? rc : finish();
}

int port_qspi_write(const struct port_qspi_cmd *c, const void *data)
{
	int rc = start(c, QUADSPI_FMODE_WRITE);
	if (rc)
		return rc;
	struct quadspi_regs *r = q();
	const uint8_t *in = data;
	for (uint32_t i = 0; c->data_lines && i < c->data_len; i++) {
		rc = h7_wait_reg(&r->SR, QUADSPI_SR_FTF, QUADSPI_SR_FTF, XFER_TIMEOUT_US);
		if (rc) {
			(void)port_qspi_abort();
			return rc;
		}
		mmio_write8((volatile uint8_t *)&r->DR, in[i]);
	}
	return finish();
}

int port_qspi_poll(const struct port_qspi_cmd *c, uint32_t mask, uint32_t match,
                   uint32_t timeout_ms, uint32_t *last)
{
	struct quadspi_regs *r = q();
	uint32_t n = c->data_len;
	if (n == 0 || n > 4u || !c->data_lines)
		return QDFU_E_PARAM;
	/* the one-byte mask and match apply to every status byte (each chip's
	 * in dual-flash mode): PSMKR/PSMAR cover all n bytes */
	uint32_t m32 = 0, v32 = 0;
	for (uint32_t i = 0; i < n; i++) {
		m32 |= (mask & 0xFFu) << (8u * i);
		v32 |= (match & mask & 0xFFu) << (8u * i);
	}
	if (timeout_ms == 0) { /* one look, no waiting */
		uint8_t st[4] = {0};
		int rc = port_qspi_read(c, st);
		if (rc)
			return rc;
		uint32_t v = qdfu_get_le32(st);
		if (last)
			*last = v;
		return (v & m32) == v32 ? QDFU_OK : QDFU_E_BUSY;
	}
	/* PSMKR/PSMAR/PIR/CR are ignored while BUSY (ST's HAL_QSPI_AutoPolling
	 * waits for BUSY = 0 first): abort memory-mapped mode before */
	int rc = idle();
	if (rc)
		return rc;
	mmio_write(&r->PSMKR, m32);
	mmio_write(&r->PSMAR, v32);
	mmio_write(&r->PIR, 16u);
	/* AND mode (PMM = 0): in dual-flash mode BOTH chips must match */
	mmio_modify(&r->CR, QUADSPI_CR_PMM | QUADSPI_CR_APMS, QUADSPI_CR_APMS);
	rc = start(c, QUADSPI_FMODE_POLL);
	if (rc)
		return rc;
	uint32_t deadline = port_millis() + timeout_ms;
	while (!(mmio_read(&r->SR) & QUADSPI_SR_SMF)) {
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
	mmio_write(&r->FCR, QUADSPI_FCR_ALL);
	return h7_wait_reg(&r->SR, QUADSPI_SR_BUSY, 0, BUSY_TIMEOUT_US);
}

int port_qspi_memmap(const struct port_qspi_cmd *read_cmd)
{
	struct quadspi_regs *r = q();
	int rc = port_qspi_abort();
	if (rc)
		return rc;
	if (read_cmd->alt_lines) /* before CCR: memory-mapped mode starts there */
		mmio_write(&r->ABR, read_cmd->alt);
	mmio_write(&r->CCR, ccr_of(read_cmd, QUADSPI_FMODE_MEMMAP));
	return QDFU_OK;
}

/* DCR.FSIZE is programmed one larger than the memory (port_qspi_init), so
 * it is log2 of the bytes; memory-mapped is CCR.FMODE (what idle() goes by:
 * an abort leaves FMODE, the next command rewrites CCR). */
bool port_qspi_memmapped(struct port_qspi_window *w)
{
	struct quadspi_regs *r = q();
	w->size_log2 = (uint8_t)((mmio_read(&r->DCR) >> QUADSPI_DCR_FSIZE_Pos) & 31u);
	w->dual_flash = (mmio_read(&r->CR) & QUADSPI_CR_DFM) != 0;
	uint32_t ccr = mmio_read(&r->CCR);
	return ((ccr & QUADSPI_CCR_FMODE_Msk) >> QUADSPI_CCR_FMODE_Pos) == QUADSPI_FMODE_MEMMAP;
}
