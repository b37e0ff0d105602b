/* SPDX-License-Identifier: MIT */
/*
 * One simulated board in this process: the bootloader on the host port
 * (sim/port) with the real chip models, reached by libqdfu through a
 * transport that runs each control transfer on the device's EP0
 * (sim/vusb/vusb_ctrl.c) in virtual time. Power can be cut at any virtual
 * moment: the transport then answers "no device", the models tear what
 * they were erasing or programming (sim/port power cut), and the board
 * boots again with the real boot decision.
 */
#ifndef QDFU_TESTS_REL_BOARD_H
#define QDFU_TESTS_REL_BOARD_H

#include <stdbool.h>
#include <stdint.h>

#include "boot/boot.h"
#include "qh_dfu.h"
#include "qh_image.h"

struct rel_board {
	const struct board *b;
	const char *chips[2];
	bool in_dfu;          /* the bootloader runs (not the application) */
	bool dead;            /* power is off (cut) */
	uint64_t cut_at;      /* virtual us at which power goes (0: never) */
	bool cut_hit;         /* the cut happened */
	const char *cut_what; /* what it tore */
	uint32_t app_vtor;    /* when the application started */
	/* Cut power just before a control request this predicate accepts. */
	bool (*cut_before)(uint8_t type, uint8_t req, uint16_t value, const uint8_t *data,
	                   uint16_t len);
	/* While record is set, the virtual time of every control request. */
	bool record;
	uint64_t *trace;
	size_t ntrace, trace_cap;
	struct boot_decision decision;
	struct qh_dev dev;
};

/* Build the board (models erased) and boot it in DFU mode. */
int rel_board_create(struct rel_board *rb, const char *board, const char *chip);
/* The same on a host port that does high speed (the board enumerates at
 * high speed where its USB can). */
int rel_board_create_speed(struct rel_board *rb, const char *board, const char *chip,
                           bool high_speed);
void rel_board_destroy(struct rel_board *rb);
/* Power on (after a cut, or a reset): boot with the button held (dfu) or
 * the real decision; fills rb->decision, rb->in_dfu, rb->dev. */
void rel_board_boot(struct rel_board *rb, bool dfu);
/* Arm a power cut at virtual time now + us. */
void rel_board_arm_cut(struct rel_board *rb, uint64_t us);
/* Cut power now (tear running operations). */
void rel_board_cut(struct rel_board *rb);
uint64_t rel_board_now_us(void);
/* Does the board's memory hold every byte of img? (Read through the
 * bootloader's memories, as its boot decision does; call after a boot.) */
bool rel_board_holds(const struct qh_image *img);
/* The internal flash array (the bootloader's sector at offset 0). */
uint8_t *rel_board_iflash(void);

#endif
