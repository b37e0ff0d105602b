/* SPDX-License-Identifier: MIT */
/*
 * port.h: the hardware boundary of the qdfu firmware.
 *
 * Everything above this line (usb, dfu, mem, nor, boot) is portable C that
 * runs unchanged on the STM32H7 (port/stm32h7) and on the host against the
 * simulator's models (port/host). Two implementations, one contract:
 *
 *  - USB device controller: EP0 only (DFU needs nothing else). Interrupt
 *    handlers (or the simulator's bus) only record events with
 *    usbd_event_post(); the core handles them from the main loop.
 *  - Flash-command bus (QUADSPI/OCTOSPI): one command descriptor covering
 *    instruction, address, alternate bytes, dummy cycles and data phase with
 *    per-phase line widths; plus status auto-polling with a deadline and
 *    memory-mapped mode.
 *  - Internal flash: sector erase and flash-word programming, both started
 *    and then polled (erases take seconds: the main loop keeps serving USB).
 *  - System services: unique ID, milliseconds, reset, start application,
 *    a no-init word for "enter DFU" requests, button and LED.
 *
 * Every function returns 0 or a negative enum qdfu_err unless stated.
 */
#ifndef QDFU_PORT_H
#define QDFU_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct board;

/* ------------------------------------------------------------------ */
/* System                                                              */
/* ------------------------------------------------------------------ */

/* Bring up clocks, power, GPIOs for the board. Called once, first. */
int port_init(const struct board *b);

/* Free-running millisecond counter (wraps at 2^32; compare with
 * qdfu_time_reached()). */
uint32_t port_millis(void);

/* The MCU's 96-bit unique ID, as stored (UID[0] first, little-endian). */
void port_uid(uint8_t uid[12]);

/* No-init RAM word that survives a software reset: the application writes
 * PORT_NOINIT_ENTER_DFU there and resets to ask for the bootloader. */
#define PORT_NOINIT_ENTER_DFU 0x51D0F00Du
/* Written by the bootloader itself before the reset that follows a DFU
 * leave: start the committed application even if the button is held. */
#define PORT_NOINIT_BOOT_APP 0xB0070A99u
uint32_t port_noinit_get(void);
void port_noinit_set(uint32_t v);

/* The board's own ecosystem asked for the bootloader (b->entry, e.g.
 * Arduino's 0xDF59 in RTC_BKP0R): PORT_ENTRY_DFU once, and the request is
 * cleared. For BOARD_ENTRY_ARDUINO, after a reset by the RESET pin this
 * first opens the double-tap window (the request set for 500 ms, then
 * cleared): a second press within it comes back here as a request. For
 * BOARD_ENTRY_DAISY, PORT_ENTRY_GRACE asks for the Daisy bootloader's
 * grace window (DFU for PORT_ENTRY_GRACE_MS, then the application unless a
 * host spoke DFU). Always PORT_ENTRY_NONE for BOARD_ENTRY_NONE. */
enum port_entry {
	PORT_ENTRY_NONE = 0,
	PORT_ENTRY_DFU = 1,
	PORT_ENTRY_GRACE = 2,
};
/* libDaisy core/Makefile installs dsy_bootloader_v6_4-intdfu-2000ms.bin by
 * default: a 2000 ms grace window */
#define PORT_ENTRY_GRACE_MS 2000u
enum port_entry port_board_entry_requested(const struct board *b);

/* A fault the bootloader took in its previous run, recorded in no-init RAM
 * by the target's fault handlers before they reset the MCU (instead of
 * looping forever in the vector). */
struct port_fault {
	uint8_t exception; /* 2 NMI, 3 HardFault, 4 MemManage, 5 BusFault, 6 UsageFault */
	uint32_t cfsr, hfsr;
	uint32_t addr; /* BFAR or MMFAR when valid, else 0 */
	uint32_t pc;   /* stacked PC, 0 if the stack could not be read */
};
/* Returns true and fills f once after such a reset (the record is
 * cleared); false otherwise. */
bool port_take_fault(struct port_fault *f);

/* The board's "enter bootloader" button, debounced by the caller. */
bool port_button_pressed(void);
void port_led(bool on);

/* Called by firmware busy-wait loops (each bounded by a deadline) between
 * two polls of the hardware. The target may do nothing or wait for an
 * event; the host port in virtual time moves the clock to the next model
 * deadline, so a wait there ends as it would on silicon. */
void port_wait_hint(void);
/* The main loop wants to run again at port_millis() == at_ms (a timer of
 * its own, e.g. the end of a held GETSTATUS). Targets whose main loop spins
 * ignore it; the host port in virtual time records it as a deadline so the
 * clock stops there instead of jumping past it. */
void port_wake_hint(uint32_t at_ms);

/* Reset the whole MCU. On the host, ends the simulated run loop. */
void port_reset(void);

/* Start the application whose vector table is at vtor (internal flash, the
 * memory-mapped QSPI window, or RAM a RAM application was copied to). On
 * the target this does not return; on the host it records the request (the
 * simulator logs it) and returns. */
void port_start_app(uint32_t vtor);

/* Leave the record for the application (include/qdfu_app.h, 32 bytes at
 * QDFU_HANDOFF_ADDR), just before port_start_app(). */
struct qdfu_handoff;
void port_app_handoff(const struct qdfu_handoff *h);

/* RAM applications (boot/ram_app.h): a writable view of len bytes of RAM at
 * dst that the image stored at src (flash) is about to be copied to, or
 * NULL when that RAM is not free for it: the bootloader's own code, data,
 * no-init words or stack lie there (its linker script), so the copy would
 * destroy the bootloader while it runs. src is for the simulator's check of
 * the copy; the target ignores it. */
uint8_t *port_app_ram(uint32_t dst, uint32_t src, uint32_t len);

/* ------------------------------------------------------------------ */
/* USB device controller (EP0 only)                                     */
/* ------------------------------------------------------------------ */

enum port_usb_speed {
	PORT_USB_SPEED_FULL = 0,
	PORT_USB_SPEED_HIGH = 1,
};

enum port_usb_event_type {
	PORT_USB_EV_NONE = 0,
	PORT_USB_EV_RESET,     /* bus reset: address 0, unconfigured */
	PORT_USB_EV_SETUP,     /* a SETUP packet arrived (setup[] valid) */
	PORT_USB_EV_XFER_DONE, /* a transfer started with port_usb_ep0_xfer()
	                          completed; ep = 0x00 / 0x80, len = bytes */
	PORT_USB_EV_SUSPEND,
	PORT_USB_EV_RESUME,
	PORT_USB_EV_DISCONNECT, /* VBUS lost / cable pulled (if detectable) */
};

struct port_usb_event {
	uint8_t type; /* enum port_usb_event_type */
	uint8_t ep;   /* 0x00 (OUT) or 0x80 (IN) for XFER_DONE */
	uint16_t len; /* bytes moved, for XFER_DONE */
	uint8_t setup[8];
};

/* Implemented by the USB core (usb/usbd.c): called from interrupt context
 * on the target, from the bus model on the host. Never blocks. */
void usbd_event_post(const struct port_usb_event *ev);

/* Initialise the controller (soft-disconnected). */
int port_usb_init(const struct board *b);

/* Soft connect (pull-up on) or disconnect. */
void port_usb_connect(bool on);

/* Called by the core when a SET_ADDRESS request is received, BEFORE the
 * status stage is started. Ports apply it the way their hardware needs:
 * DWC2 writes DCFG.DAD at once (the core answers the status stage with the
 * old address); others latch it until the status stage completes. */
void port_usb_set_address(uint8_t addr);

/* Start a transfer on EP0 in direction ep (0x80 IN, 0x00 OUT) of len bytes
 * (0 = zero-length packet, used for status stages). The port splits it into
 * max-packet-size packets; an IN transfer ends after len bytes (the core
 * asks for a trailing ZLP itself when needed), an OUT transfer after len
 * bytes or a short packet. Completion posts PORT_USB_EV_XFER_DONE. buf must
 * stay valid until then. Only one transfer per direction at a time. */
int port_usb_ep0_xfer(uint8_t ep, uint8_t *buf, uint16_t len);

/* Stall EP0 (both directions) until the next SETUP. */
void port_usb_ep0_stall(void);

/* EP0 max packet size and the enumerated speed. */
uint8_t port_usb_ep0_mps(void);
enum port_usb_speed port_usb_speed(void);
/* The controller and its PHY can run at high speed (ULPI), whatever speed
 * the bus came up at: such a device answers DEVICE_QUALIFIER and
 * OTHER_SPEED_CONFIGURATION at both speeds (USB 2.0 9.6.2). */
bool port_usb_high_speed_capable(void);

/* ------------------------------------------------------------------ */
/* Flash-command bus (QUADSPI / OCTOSPI)                                    */
/* ------------------------------------------------------------------ */

/* One command on the bus. Line widths: 0 = phase absent, 1, 2, 4 or (OCTOSPI
 * only) 8. In dual-flash mode the port applies the hardware's rules (AN4760): the
 * same instruction/address/dummy go to both chips, address/2 goes on the
 * wire, data bytes alternate (even bytes chip 0, odd bytes chip 1) and
 * data_len counts the bytes of both chips (always even).
 * The fields after data_len are for the OCTOSPI parts (H72x/H73x, H7A3/B0/B3);
 * left zero they mean what QUADSPI does: 8-bit instruction, single data
 * rate, no data strobe. They are per command (not in port_qspi_config) as
 * the chip's mode changes at run time (SPI -> octal DTR through CR2). */
#define PORT_QSPI_DTR_INSTRUCTION 0x01u
#define PORT_QSPI_DTR_ADDRESS     0x02u
#define PORT_QSPI_DTR_ALT         0x04u
#define PORT_QSPI_DTR_DATA        0x08u
#define PORT_QSPI_DTR_ALL         0x0Fu /* 8D-8D-8D: octal DTR */
struct port_qspi_cmd {
	uint16_t instruction;      /* 16-bit (OPI): high byte first on the wire */
	uint8_t instruction_lines; /* 0, 1, 2, 4, 8 */
	uint8_t address_lines;     /* 0, 1, 2, 4, 8 */
	uint8_t address_bytes;     /* 1..4 */
	uint8_t alt_lines;         /* 0, 1, 2, 4, 8 */
	uint8_t alt_bytes;         /* 1..4 */
	uint8_t dummy_cycles;      /* 0..31 */
	uint8_t data_lines;        /* 0, 1, 2, 4, 8 */
	uint32_t address;
	uint32_t alt;
	uint32_t data_len;
	uint8_t instruction_bytes; /* 0 or 1: 8-bit; 2: 16-bit (OPI opcode + complement) */
	uint8_t dtr;               /* PORT_QSPI_DTR_* phases clocked on both edges */
	bool dqs;                  /* read data latched with the chip's DQS strobe */
	uint8_t mem_type;          /* DTR word byte order: PORT_QSPI_MEM_* */
};

/* Memory type (OCTOSPI DCR1.MTYP): the order of the two bytes of a DTR
 * word. Macronix octal DTR needs PORT_QSPI_MEM_MACRONIX. */
#define PORT_QSPI_MEM_MICRON   0u
#define PORT_QSPI_MEM_MACRONIX 1u

struct port_qspi_config {
	bool dual_flash;   /* two chips, DFM = 1 (OCTOSPI: dual-quad, DQM = 1) */
	uint8_t size_log2; /* total (both chips) size, log2 bytes */
	uint32_t clock_hz; /* wanted bus clock (the port rounds down) */
};

int port_qspi_init(const struct port_qspi_config *cfg);

/* Indirect mode. data may be NULL when data_lines == 0. */
int port_qspi_read(const struct port_qspi_cmd *c, void *data);
int port_qspi_write(const struct port_qspi_cmd *c, const void *data);

/* An indirect read (c has a data phase) whose bytes also go through the CRC
 * unit as they arrive: *crc becomes port_crc32_update(*crc, bytes,
 * c->data_len) (unchanged on error). data may be NULL: the bytes are then
 * not stored. On the H7 the CPU writes each word it drains from the FIFO
 * to the CRC unit, which keeps up with the bus (fifo_crc.c). */
int port_qspi_read_crc(const struct port_qspi_cmd *c, void *data, uint32_t *crc);

/* Status auto-polling: repeat c (a 1..4-byte status read; in dual-flash
 * mode both chips' bytes interleaved) until (byte & mask) == match for
 * EVERY byte read (AND mode; mask and match are one byte, applied to each
 * status byte), or timeout_ms passes (QDFU_E_TIMEOUT). The last
 * status read is stored in *last if not NULL. Non-blocking variant: with
 * timeout_ms == 0 it checks once and returns QDFU_E_BUSY if not matched. */
int port_qspi_poll(const struct port_qspi_cmd *c, uint32_t mask, uint32_t match,
                   uint32_t timeout_ms, uint32_t *last);

/* Memory-mapped mode with the given read command (address field ignored).
 * port_qspi_read/write/poll leave memory-mapped mode first (abort). */
int port_qspi_memmap(const struct port_qspi_cmd *read_cmd);
int port_qspi_abort(void);

/* The flash behind the memory-mapped window as port_qspi_init() set the bus
 * up (size_log2 = 0: never set up), and whether memory-mapped mode is on
 * now, as the controller says (for the application start: execute in place
 * needs the mode on and the MPU opened over exactly the flash). Each bus
 * driver answers from its own registers: QUADSPI and OCTOSPI sit at the
 * same address with different layouts. */
struct port_qspi_window {
	uint8_t size_log2; /* total (both chips), log2 bytes */
	bool dual_flash;
};
bool port_qspi_memmapped(struct port_qspi_window *w);

/* ------------------------------------------------------------------ */
/* Internal flash                                                       */
/* ------------------------------------------------------------------ */

/* Geometry comes from the board (struct board). Addresses are absolute
 * (0x08000000...). Program unit: one flash word of
 * board_iflash_word(board->family) bytes: 32 on H74x/H75x and H72x/H73x,
 * 16 on H7A3/B0/B3 (boards/board.h). PORT_IFLASH_WORD is the largest, the
 * size of the buffers passed here; only the board's word size of it is
 * programmed. */
#define PORT_IFLASH_WORD 32u /* = BOARD_IFLASH_WORD_MAX */

/* Start erasing sector `sector` (0-based across banks: bank 2 sector 0 is
 * sectors_per_bank). Returns at once; poll port_iflash_poll() (or
 * port_iflash_poll_bank()). */
int port_iflash_erase_start(uint32_t sector);

/* Program one flash word (the board's size, aligned to it). Returns at
 * once; poll port_iflash_poll().
 * A word must be programmed once per erase. */
int port_iflash_program_start(uint32_t addr, const uint8_t word[PORT_IFLASH_WORD]);

/* QDFU_OK when the last operation finished, QDFU_E_BUSY while running,
 * QDFU_E_ERASE / QDFU_E_PROGRAM / QDFU_E_PROTECTED on failure. */
int port_iflash_poll(void);

/* Dual-bank parts have one controller per bank (FLASH_CR1/SR1 and
 * FLASH_CR2/SR2): an operation may start in one bank while the other
 * bank's runs (an erase in each, or a program in one while the other
 * erases; docs/decisions/parallel-banks.md). erase_start / program_start
 * answer QDFU_E_BUSY only when their own bank is busy. This polls the
 * operation last started in `bank` (0: first bank, 1: second), as
 * port_iflash_poll() polls the one started last of all. */
int port_iflash_poll_bank(unsigned bank);

/* false when a bank must not be erased or programmed now: on dual-core
 * parts, bank 2 while the Cortex-M4 may be running from it (option bit
 * BCM4 set, or the M4 already released). The region shows it read-only. */
bool port_iflash_bank_writable(unsigned bank);

/* Read; QDFU_E_ECC on an uncorrectable error (treated as "not blank"). */
int port_iflash_read(uint32_t addr, void *buf, uint32_t len);

/* RAM for keeping the unchanged part of a sector while it is erased
 * (deferred internal-flash erase, docs/decisions/sector-staging-buffer.md):
 * its size in *size, or NULL when the image has none (the zero-install
 * flasher: today's immediate erase then). Used during DFU sessions only;
 * never read before written. */
uint8_t *port_iflash_stage(uint32_t *size);

/* ------------------------------------------------------------------ */
/* CRC                                                                  */
/* ------------------------------------------------------------------ */

/* zlib's CRC-32 (polynomial 0x04C11DB7 reflected, initial value and final
 * XOR 0xFFFFFFFF) of len bytes, continuing from crc (0 to start): the same
 * value as mem_crc32_update(), computed by the MCU's CRC unit where it has
 * one (STM32H7: 4 AHB clock cycles per word written). */
uint32_t port_crc32_update(uint32_t crc, const void *data, uint32_t len);

#endif
