/* SPDX-License-Identifier: MIT */
/*
 * Internal flash driver (RM0399 4.3): flash words programmed once per
 * erase, sector erase in either bank, error flags cleared through CCRx
 * with plain writes. Operations are started here and finished by
 * port_iflash_poll(); nothing waits. The bootloader's own sectors are
 * refused whatever the caller asks. The geometry is the board's (struct
 * board); the line decides the flash word and the CR layout: 32-byte words
 * with PSIZE on the H74x/H75x and H72x/H73x, 16-byte words and the
 * H7A3/B0/B3 CR (FW 4, START 5, SNB[12:6]: regs_flash.h) there.
 * Each bank has its own controller (CR/SR/CCR), so each has its own running
 * operation: one bank erases or programs while the other does
 * (docs/decisions/parallel-banks.md).
 */
#include <string.h>

#include "common/err.h"
#include "h7.h"
#include "h7_sys.h"
#include "mmio.h"
#include "hal/port.h"
#include "regs_flash.h"

#define IFLASH_BASE 0x08000000u

enum { OP_NONE, OP_ERASE, OP_PROGRAM };

static struct {
	int op[2];     /* each bank's running operation */
	unsigned last; /* bank of the operation started last */
} s;

/* The board's flash; a port without a board yet gets the H74x's 2 x 8
 * sectors of 128 KiB with the first one the bootloader's. */
struct geometry {
	uint32_t per_bank, sector_size, banks, boot_sectors, word;
	bool ab; /* H7A3/B0/B3 CR layout */
};

static struct geometry geometry(void)
{
	const struct board *b = h7_board();
	struct geometry g = {8u, 128u * 1024u, 2u, 1u, 32u, false};
	if (!b || !b->iflash_sector_size || !b->iflash_sectors)
		return g;
	g.per_bank = b->iflash_sectors;
	g.sector_size = b->iflash_sector_size;
	g.banks = b->iflash_banks;
	g.boot_sectors = (b->bootloader_size + g.sector_size - 1u) / g.sector_size;
	g.word = board_iflash_word(b->family);
	g.ab = b->family == BOARD_FAMILY_H7AB;
	return g;
}

bool h7_iflash_stage_fits(void)
{
	const struct board *b = h7_board();
	if (!b || b->family != BOARD_FAMILY_H72X)
		return true; /* H74x 512 KiB, H7A3/B3/B0 1 MiB of AXI SRAM: no option moves it */
	/* any ITCM taken from AXI SRAM (192 or 128 KiB left) cuts into the buffer,
	 * or (128 KiB ITCM) brings AXI SRAM's end to it: keep erase-on-command */
	const volatile uint32_t *optsr2 =
	    (const volatile uint32_t *)MMIO_BASE(FLASH_BASE + FLASH_OPTSR2_CUR_OFFSET);
	return (mmio_read(optsr2) & FLASH_OPTSR2_TCM_AXI_SHARED_M) == 0u;
}

static struct flash_bank_regs *bank_regs(unsigned bank)
{
	return (struct flash_bank_regs *)MMIO_BASE(FLASH_BASE + (bank ? FLASH_BANK2_OFFSET : 0u));
}

static int unlock(struct flash_bank_regs *f)
{
	if (mmio_read(&f->CR) & FLASH_CR_LOCK) {
		mmio_write(&f->KEYR, FLASH_KEY1);
		mmio_write(&f->KEYR, FLASH_KEY2);
	}
	return (mmio_read(&f->CR) & FLASH_CR_LOCK) ? QDFU_E_PROTECTED : QDFU_OK;
}

/* Dual-core parts: bank 2 holds the Cortex-M4's program (BOOT4 address,
 * 0x08100000 by default). While the M4 may run from it (BCM4 option bit,
 * or BOOT_C2 set) the bank is neither erased nor programmed, unless the M4
 * parked in D2 stop and is held there (dualcore.c, ST's dual-core start-up
 * handshake): then it fetches nothing until the next reset. */
bool port_iflash_bank_writable(unsigned bank)
{
	const struct board *b = h7_board();
	if (bank == 0 || !b || !b->dual_core)
		return true;
	uint32_t optsr = mmio_read(&bank_regs(0)->OPTSR_CUR);
	uint32_t gcr = mmio_read((volatile uint32_t *)MMIO_BASE(0x58024400u + RCC_GCR_OFFSET));
	return (!(optsr & FLASH_OPTSR_BCM4) && !(gcr & RCC_GCR_BOOT_C2)) || h7_cm4_held();
}

static int ready(struct flash_bank_regs *f)
{
	uint32_t sr = mmio_read(&f->SR);
	if (sr & (FLASH_SR_BSY | FLASH_SR_QW))
		return QDFU_E_BUSY;
	if (sr & FLASH_SR_WBNE) {
		/* A partial flash word left in the write buffer by a program that
		 * never completed (a fault, a debugger, an earlier stage) blocks
		 * every later operation (facts, "Traps found by review" 9). Clearing
		 * PG drops it and leaves the word erased; CR.FW would program the
		 * partial word and spend its one program per erase. */
		mmio_clear(&f->CR, FLASH_CR_PG);
		if (mmio_read(&f->SR) & FLASH_SR_WBNE)
			return QDFU_E_BUSY;
	}
	mmio_write(&f->CCR, FLASH_CCR_ALL); /* stale flags from an earlier run */
	return QDFU_OK;
}

/* CR for a sector erase, START not yet set; and the START bit. */
static uint32_t erase_cr(const struct geometry *g, uint32_t cr, uint32_t snb, uint32_t *start)
{
	if (g->ab) {
		*start = FLASH_CR_AB_START;
		cr &= ~(FLASH_CR_AB_SNB_Msk | FLASH_CR_PG);
		return cr | FLASH_CR_SER | snb << FLASH_CR_AB_SNB_Pos;
	}
	*start = FLASH_CR_START;
	cr &= ~(FLASH_CR_PSIZE_Msk | FLASH_CR_SNB_Msk | FLASH_CR_PG);
	return cr | FLASH_CR_SER | FLASH_CR_PSIZE_X32 | snb << FLASH_CR_SNB_Pos;
}

int port_iflash_erase_start(uint32_t sector)
{
	struct geometry g = geometry();
	if (sector < g.boot_sectors)
		return QDFU_E_PROTECTED;
	if (sector >= g.banks * g.per_bank)
		return QDFU_E_PARAM;
	if (!port_iflash_bank_writable(sector / g.per_bank))
		return QDFU_E_PROTECTED;
	struct flash_bank_regs *f = bank_regs(sector / g.per_bank);
	int rc = unlock(f);
	if (rc == QDFU_OK)
		rc = ready(f);
	if (rc)
		return rc;
	uint32_t start;
	uint32_t cr = erase_cr(&g, mmio_read(&f->CR), sector % g.per_bank, &start);
	mmio_write(&f->CR, cr);
	mmio_write(&f->CR, cr | start);
	s.last = sector >= g.per_bank ? 1u : 0u;
	s.op[s.last] = OP_ERASE;
	return QDFU_OK;
}

int port_iflash_program_start(uint32_t addr, const uint8_t word[PORT_IFLASH_WORD])
{
	struct geometry g = geometry();
	uint32_t bank_bytes = g.per_bank * g.sector_size;
	if (addr % g.word || addr < IFLASH_BASE || addr - IFLASH_BASE >= g.banks * bank_bytes)
		return QDFU_E_PARAM;
	if (addr - IFLASH_BASE < g.boot_sectors * g.sector_size ||
	    !port_iflash_bank_writable((addr - IFLASH_BASE) / bank_bytes))
		return QDFU_E_PROTECTED;
	struct flash_bank_regs *f = bank_regs((addr - IFLASH_BASE) / bank_bytes);
	int rc = unlock(f);
	if (rc == QDFU_OK)
		rc = ready(f);
	if (rc)
		return rc;
	mmio_set(&f->CR, FLASH_CR_PG);
	h7_dsb();
	/* word / 4 consecutive 32-bit writes fill the write buffer; the flash
	 * word is programmed when it is full (QW set until done) */
	volatile uint32_t *dst = (volatile uint32_t *)MMIO_BASE(addr);
	for (unsigned i = 0; i < g.word / 4u; i++) {
		uint32_t v;
		memcpy(&v, word + 4u * i, 4);
		mmio_write(&dst[i], v);
	}
	h7_dsb();
	s.last = addr - IFLASH_BASE >= bank_bytes ? 1u : 0u;
	s.op[s.last] = OP_PROGRAM;
	return QDFU_OK;
}

int port_iflash_poll_bank(unsigned bank)
{
	bank = bank ? 1u : 0u;
	if (s.op[bank] == OP_NONE)
		return QDFU_OK;
	struct flash_bank_regs *f = bank_regs(bank);
	uint32_t sr = mmio_read(&f->SR);
	if (sr & (FLASH_SR_BSY | FLASH_SR_QW))
		return QDFU_E_BUSY;
	int op = s.op[bank];
	s.op[bank] = OP_NONE;
	mmio_clear(&f->CR, FLASH_CR_PG | FLASH_CR_SER);
	mmio_write(&f->CCR, FLASH_CCR_ALL);
	if (sr & FLASH_SR_WRPERR)
		return QDFU_E_PROTECTED;
	if (sr & (FLASH_SR_PGSERR | FLASH_SR_STRBERR | FLASH_SR_INCERR | FLASH_SR_OPERR))
		return op == OP_ERASE ? QDFU_E_ERASE : QDFU_E_PROGRAM;
	return QDFU_OK;
}

int port_iflash_poll(void)
{
	return port_iflash_poll_bank(s.last);
}

/*
 * Copy from the flash array without hanging on a damaged word. A double
 * ECC error answers the load with a bus error besides SR.DBECCERR
 * (RM0399/RM0433 embedded flash, ECC; facts "Traps found by review" 3, not
 * re-read in the RM text itself); loads on the Cortex-M7 fault precisely
 * (PM0253 2.5.3). Inside the guard the fault vector skips the faulting
 * load and returns (fault.c); SR.DBECCERR then says what happened. Without
 * it, the boot check, UPLOAD or a CRC over a word cut by a power loss would
 * fault, and every boot would fault the same way.
 */
static void copy_guarded(const volatile uint8_t *src, uint8_t *out, uint32_t len)
{
	h7_fault_guard_begin();
	for (uint32_t i = 0; i < len; i++)
		out[i] = h7_read8_guarded(&src[i]);
	(void)h7_fault_guard_end();
}

int port_iflash_read(uint32_t addr, void *buf, uint32_t len)
{
	unsigned banks = geometry().banks;
	copy_guarded((const volatile uint8_t *)MMIO_BASE(addr), buf, len);
	/* single errors are corrected (SNECCERR) and need nothing; a double
	 * error is reported and its flags cleared for the next read (bank 2's
	 * registers only where there is a bank 2: not on H72x/H73x, H7B0) */
	uint32_t err = 0;
	for (unsigned i = 0; i < banks && i < 2u; i++)
		err |= mmio_read(&bank_regs(i)->SR) & FLASH_SR_DBECCERR;
	if (!err)
		return QDFU_OK;
	for (unsigned i = 0; i < banks && i < 2u; i++)
		mmio_write(&bank_regs(i)->CCR, FLASH_SR_DBECCERR | FLASH_SR_SNECCERR);
	return QDFU_E_ECC;
}

/* No staging RAM unless the image provides it: the bootloader's main.c
 * does (128 KiB of AXI SRAM), the zero-install flasher does not (its 256 KiB
 * hold everything else), so the flasher erases sectors on command. */
__attribute__((weak)) uint8_t *port_iflash_stage(uint32_t *size)
{
	*size = 0;
	return (uint8_t *)0;
}
