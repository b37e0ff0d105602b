/* SPDX-License-Identifier: MIT */
/*
 * Internal API between the files of sim/port: hostport.c (setup, USB,
 * system services) calls each memory backend's setup/save/teardown.
 */
#ifndef QDFU_SIM_PORT_INTERNAL_H
#define QDFU_SIM_PORT_INTERNAL_H

#include "boards/board.h"
#include "hal/port.h"

struct nor_chip;

/* Supply of the flash models: off from simport_power_cut until the next
 * port_init; while off they take no command, as chips without supply. */
void simport_iflash_power(bool on);
void simport_qspi_power(bool on);

/* iflash_host.c: H7 internal flash model behind port_iflash_*(). */
int simport_iflash_setup(const struct board *b, const char *state_dir);
int simport_iflash_save(const char *state_dir);
/* Erases/programs the port refused (bootloader sector, outside the array,
 * misaligned): never, unless a layer above is broken. */
unsigned simport_iflash_refused(void);
/* Put model F in place of the current one (returned; the caller owns it):
 * fuzz targets keep one model per starting image and switch in O(1). */
struct h7_iflash *simport_iflash_swap(struct h7_iflash *f);
void simport_iflash_teardown(void);
/* An erase or program of bank 1 (where the bootloader lives) is running:
 * on the target, fetches from bank 1 stall until it ends. */
bool simport_iflash_bank1_busy(void);
/* Reads that met a busy bank (port_iflash_read stalled them). */
unsigned simport_iflash_stalled_reads(void);
/* Tests: pretend the Cortex-M4 runs from bank 2. */
extern bool simport_iflash_m4_running;
/* The model behind it (tests and the simulator inspect it). */
struct h7_iflash *simport_iflash_model(void);

/* qspi_host.c: QUADSPI bus + NOR chip model(s) behind port_qspi_*().
 * chips[1] is used only in dual-flash mode; NULL = the board's default. */
/* The CRC unit's model under port_crc32_update (crc.c). */
void simport_crc_setup(void);
int simport_qspi_setup(const struct board *b, const char *const chips[2], const char *state_dir);
int simport_qspi_save(const char *state_dir);
void simport_qspi_teardown(void);
/* The chip model on bank i (0, or 1 in dual-flash mode); NULL if none. */
struct nor_chip *simport_qspi_chip(unsigned i);
/* The bus clock the firmware's wanted clock gives (prescaler of a 200 MHz
 * kernel clock), and the bus time of every command so far. */
uint32_t simport_qspi_clock_hz(void);
uint64_t simport_qspi_bus_ns(void);
/* port_qspi_read_crc: the bus time (ps) of the bytes port_crc32_update is
 * being called with, during which the CRC unit works unseen; 0 outside such
 * a read. Taking it clears it. */
uint64_t simport_qspi_take_crc_credit_ps(void);
/* The core reading len bytes at 0x90000000 + off through the memory-mapped
 * window: the read command port_qspi_memmap() set runs on the chip(s) with
 * that address, its bus time charged. QDFU_E_STATE if not memory-mapped
 * (a bus fault on the target). */
int simport_qspi_mem_read(uint32_t off, void *buf, uint32_t len);
/* The memory-mapped read command, if memory-mapped mode is on. */
bool simport_qspi_memmap_cmd(struct port_qspi_cmd *c);

#endif
