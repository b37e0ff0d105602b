/* SPDX-License-Identifier: MIT */
/*
 * Internal flash driver (RM0399 4.3): 32-byte flash words programmed once
 * per erase, sector erase in either bank, error flags cleared through CCRx
 * with plain writes. Operations are started here and finished by
 * port_iflash_poll(); nothing waits. The bootloader's own sector (bank 1
 * sector 0) is refused whatever the caller asks.
 */
#include <string.h>

#include "common/err.h"
#include "h7_sys.h"
#include "mmio.h"
#include "hal/port.h"
#include "regs_flash.h"

#define SECTORS_PER_BANK   8u
#define SECTOR_SIZE        (128u * 1024u)
#define IFLASH_BASE        0x08000000u
#define BOOTLOADER_SECTORS 1u

enum { OP_NONE, OP_ERASE, OP_PROGRAM };

static struct {
	struct flash_bank_regs *bank; /* bank of the running operation */
	int op;
} s;

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

int port_iflash_erase_start(uint32_t sector)
{
	if (sector < BOOTLOADER_SECTORS)
		return QDFU_E_PROTECTED;
	if (sector >= 2u * SECTORS_PER_BANK)
		return QDFU_E_PARAM;
	if (!port_iflash_bank_writable(sector / SECTORS_PER_BANK))
		return QDFU_E_PROTECTED;
	struct flash_bank_regs *f = bank_regs(sector / SECTORS_PER_BANK);
	int rc = unlock(f);
	if (rc == QDFU_OK)
		rc = ready(f);
	if (rc)
		return rc;
	uint32_t cr = mmio_read(&f->CR) & ~(FLASH_CR_PSIZE_Msk | FLASH_CR_SNB_Msk | FLASH_CR_PG);
	cr |= FLASH_CR_SER | FLASH_CR_PSIZE_X32 | ((sector % SECTORS_PER_BANK) << FLASH_CR_SNB_Pos);
	mmio_write(&f->CR, cr);
	mmio_write(&f->CR, cr | FLASH_CR_START);
	s.bank = f;
	s.op = OP_ERASE;
	return QDFU_OK;
}

int port_iflash_program_start(uint32_t addr, const uint8_t word[PORT_IFLASH_WORD])
{
	if (addr % PORT_IFLASH_WORD || addr < IFLASH_BASE ||
	    addr - IFLASH_BASE >= 2u * SECTORS_PER_BANK * SECTOR_SIZE)
		return QDFU_E_PARAM;
	if (addr - IFLASH_BASE < BOOTLOADER_SECTORS * SECTOR_SIZE ||
	    !port_iflash_bank_writable((addr - IFLASH_BASE) / (SECTORS_PER_BANK * SECTOR_SIZE)))
		return QDFU_E_PROTECTED;
	struct flash_bank_regs *f =
	    bank_regs((addr - IFLASH_BASE) / (SECTORS_PER_BANK * SECTOR_SIZE));
	int rc = unlock(f);
	if (rc == QDFU_OK)
		rc = ready(f);
	if (rc)
		return rc;
	mmio_set(&f->CR, FLASH_CR_PG);
	h7_dsb();
	/* eight consecutive 32-bit writes fill the write buffer; the flash
	 * word is programmed when it is full (QW set until done) */
	volatile uint32_t *dst = (volatile uint32_t *)MMIO_BASE(addr);
	for (unsigned i = 0; i < PORT_IFLASH_WORD / 4u; i++) {
		uint32_t v;
		memcpy(&v, word + 4u * i, 4);
		mmio_write(&dst[i], v);
	}
	h7_dsb();
	s.bank = f;
	s.op = OP_PROGRAM;
	return QDFU_OK;
}

int port_iflash_poll(void)
{
	if (s.op == OP_NONE)
		return QDFU_OK;
	struct flash_bank_regs *f = s.bank;
	uint32_t sr = mmio_read(&f->SR);
	if (sr & (FLASH_SR_BSY | FLASH_SR_QW))
		return QDFU_E_BUSY;
	int op = s.op;
	s.op = OP_NONE;
	mmio_clear(&f->CR, FLASH_CR_PG | FLASH_CR_SER);
	mmio_write(&f->CCR, FLASH_CCR_ALL);
	if (sr & FLASH_SR_WRPERR)
		return QDFU_E_PROTECTED;
	if (sr & (FLASH_SR_PGSERR | FLASH_SR_STRBERR | FLASH_SR_INCERR | FLASH_SR_OPERR))
		return op == OP_ERASE ? QDFU_E_ERASE : QDFU_E_PROGRAM;
	return QDFU_OK;
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
	struct flash_bank_regs *b1 = bank_regs(0), *b2 = bank_regs(1);
	copy_guarded((const volatile uint8_t *)MMIO_BASE(addr), buf, len);
	/* single errors are corrected (SNECCERR) and need nothing; a double
	 * error is reported and its flags cleared for the next read */
	uint32_t err = (mmio_read(&b1->SR) | mmio_read(&b2->SR)) & FLASH_SR_DBECCERR;
	if (err) {
		mmio_write(&b1->CCR, FLASH_SR_DBECCERR | FLASH_SR_SNECCERR);
		mmio_write(&b2->CCR, FLASH_SR_DBECCERR | FLASH_SR_SNECCERR);
		return QDFU_E_ECC;
	}
	return QDFU_OK;
}
