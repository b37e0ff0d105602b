// SPDX-License-Identifier: MIT
/*
 * Time from power-on to the application's first instruction (the jump), on
 * the simulator's timing model (virtual time: NOR bus time of every read,
 * flash operation times), for an image without descriptor (journal only),
 * with a descriptor at its first boot (every range CRC-checked, VERIFIED
 * appended) and at later boots (cached). The CPU time of the CRC itself is
 * not in the model: see docs/reliability.md for the estimate.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "qh_image.h"
#include "rel_board.h"
#include "rel_clients.h"

static struct rel_board rb;

static uint64_t boot_us(void)
{
	uint64_t t0 = rel_board_now_us();
	rel_board_boot(&rb, false);
	return rel_board_now_us() - t0;
}

static bool leave_request(uint8_t type, uint8_t req, uint16_t value, const uint8_t *d, uint16_t len)
{
	(void)value;
	(void)d;
	return type == 0x21 && req == 1 && len == 0;
}

static void image(struct qh_image *img, uint32_t code_at, uint8_t *code, uint32_t csize,
                  uint8_t *data, uint32_t dsize)
{
	const uint32_t vt[2] = {0x24080000u, code_at + 0x201u};
	for (uint32_t i = 0; i < csize; i++)
		code[i] = (uint8_t)(i * 7u + 1u);
	for (uint32_t i = 0; i < dsize; i++)
		data[i] = (uint8_t)(i * 13u + 5u);
	memcpy(code, vt, sizeof(vt));
	qh_image_init(img);
	qh_image_add(img, code_at, code, csize, "code", NULL);
	qh_image_add(img, 0x90400000u, data, dsize, "data", NULL);
}

static void run(const char *board, uint32_t code_at, uint32_t csize, uint32_t dsize)
{
	static uint8_t code[1024 * 1024], data[4 * 1024 * 1024];
	struct qh_image img;
	image(&img, code_at, code, csize, data, dsize);
	if (rel_board_create(&rb, board, NULL) != 0)
		return;
	uint64_t t_none = 0, t_first = 0, t_cached = 0;
	/* journal only: dfu-util style, committed by its leave */
	if (rel_client_run(REL_DFU_UTIL_LEAVE, &rb, &img) == 0)
		t_none = boot_us();
	/* qdfu, its leave lost: the first boot verifies every range */
	rel_board_boot(&rb, true);
	rb.cut_before = leave_request;
	(void)rel_client_run(REL_QDFU, &rb, &img);
	rb.cut_before = NULL;
	t_first = boot_us();
	t_cached = boot_us();
	printf("%-18s %-10s %5u KiB + %5u KiB QSPI  %9.3f %9.3f %9.3f\n", board,
	       code_at >= 0x90000000u ? "QSPI" : "internal", csize / 1024u, dsize / 1024u,
	       t_none / 1000.0, t_first / 1000.0, t_cached / 1000.0);
	rel_board_destroy(&rb);
	qh_image_free(&img);
}

int main(void)
{
	printf("time to the application's first instruction, ms of model time\n");
	printf("%-18s %-10s %-30s %9s %9s %9s\n", "board", "code in", "image", "journal",
	       "1st boot", "cached");
	run("stm32h745i-disco", 0x08020000u, 64u * 1024u, 64u * 1024u);
	run("stm32h745i-disco", 0x08020000u, 1024u * 1024u, 1024u * 1024u);
	run("daisy-seed", 0x90000000u, 256u * 1024u, 1024u * 1024u);
	run("weact-h750", 0x90000000u, 1024u * 1024u, 3072u * 1024u);
	return 0;
}
