/* SPDX-License-Identifier: MIT */
/*
 * A mocked port for unit tests of the portable core: EP0 transfers are
 * recorded, and mock_control() plays the host side of a control transfer
 * at the event level (SETUP, data stage, status stage), running the
 * firmware's main loop while the device has nothing armed (a NAK).
 */
#ifndef QDFU_TESTS_MOCK_PORT_H
#define QDFU_TESTS_MOCK_PORT_H

#include <stdbool.h>
#include <stdint.h>

#include "boards/board.h"

#define MOCK_EPIPE     (-32)
#define MOCK_ETIMEDOUT (-110)

struct mock_stats {
	unsigned in_xfers, zlp_in, out_xfers, stalls, set_address_calls;
	uint8_t last_address;
	bool connected;
	bool reset_requested;
	bool app_started;
	uint32_t app_vtor;
	uint32_t naks;   /* main-loop passes spent waiting for the device */
	bool hs_capable; /* port_usb_high_speed_capable() (runs at full speed) */
};

extern struct mock_stats mock;
/* The hand-over record the bootloader left (include/qdfu_app.h). */
extern struct qdfu_handoff mock_handoff;

/* Set up the mock and the internal flash model for board b (state in RAM). */
void mock_setup(const struct board *b);
void mock_teardown(void);
/* Fuzz targets: a fresh host side and clock, memories kept (mock_restart);
 * the MCU reset, clock and no-init word kept (mock_reboot). */
void mock_restart(void);
void mock_reboot(void);
/* Give up on a transfer after MS of virtual time (as a host's control
 * timeout); 0: only after WAIT_LIMIT main-loop passes (default). */
void mock_set_timeout_ms(uint32_t ms);
/* Which main loop mock_control runs while waiting (default usbd_task). */
void mock_set_task(void (*task)(void));
/* Complete a control transfer: returns bytes of the data stage, or
 * MOCK_EPIPE (stall) / MOCK_ETIMEDOUT (device never answered). */
int mock_control(uint8_t bmRequestType, uint8_t bRequest, uint16_t wValue, uint16_t wIndex,
                 uint16_t wLength, uint8_t *data);
/* Post a bus reset. */
void mock_bus_reset(void);
void mock_set_button(bool held);
/* The board's ecosystem asked for the bootloader (port_board_entry_requested,
 * true once on a board with an entry other than BOARD_ENTRY_NONE). */
void mock_set_board_entry(int kind); /* enum port_entry; true = PORT_ENTRY_DFU */
/* A fault the "previous run" recorded (port_take_fault returns it once). */
struct port_fault;
void mock_set_fault(const struct port_fault *f);
void mock_advance_ms(uint32_t ms);
/* RAM applications: AXI SRAM (0x24000000, 512 KiB) is free for them, ITCM
 * and DTCM are the bootloader's (port_app_ram refuses them). The mock's
 * AXI SRAM, and the last copy prepared (len 0: none). */
#define MOCK_AXI_BASE 0x24000000u
#define MOCK_AXI_SIZE (512u * 1024u)
extern uint8_t mock_axi[MOCK_AXI_SIZE];
extern uint32_t mock_ram_src, mock_ram_dst, mock_ram_len;

#endif
