/* SPDX-License-Identifier: MIT */
/*
 * The boot decision: stay in DFU, or start the application, and why.
 * Never starts anything whose vector table does not look like one.
 */
#ifndef QDFU_BOOT_BOOT_H
#define QDFU_BOOT_BOOT_H

#include <stdbool.h>
#include <stdint.h>

#include "boards/board.h"

struct boot_decision {
	bool start_app;
	uint32_t vtor;
	const char *reason; /* human-readable, for logs */
	uint8_t why;        /* QDFU_PROTO_WHY_* when not starting the application */
	/* a RAM application (boot/ram_app.h): copied from ram_src (its vector
	 * table in flash), ram_len bytes, to vtor; ram_len 0 otherwise */
	uint32_t ram_src, ram_len;
};

/* force_dfu: the button is held (or the simulator's --enter dfu). The
 * no-init request word is read and cleared here. */
void boot_decide(const struct board *b, bool force_dfu, struct boot_decision *out);

/* A plausible Cortex-M7 vector table at vtor (read through mem/): initial
 * SP inside RAM, reset handler Thumb and inside a mapped flash region (or,
 * for a RAM application stored in flash, inside a RAM block), and vtor
 * aligned for VTOR (1 KiB for the H7's 166 vectors). */
bool boot_vector_table_valid(uint32_t vtor);
bool boot_vector_table_plausible(uint32_t vtor, const uint8_t first8[8]);

/* out->vtor holds a valid vector table in flash: when it is a RAM
 * application, copy it to RAM and point out->vtor there (out->ram_src,
 * out->ram_len set). image_len: its length from the descriptor, or 0.
 * False (out->reason says why) when it cannot start. */
bool boot_prepare_ram(struct boot_decision *out, uint32_t image_len);

/* Called for every block written: remembers the lowest address that
 * received a plausible vector table in this session. */
void boot_learn_vtor(uint32_t addr, const uint8_t *data, uint32_t len);
void boot_learn_reset(void);
/* The learned vector table, or 0. */
uint32_t boot_learned_vtor(void);

#endif
