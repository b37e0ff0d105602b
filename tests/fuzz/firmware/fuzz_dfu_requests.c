/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: arbitrary sequences of control requests (standard, DFU,
 * DfuSe commands, vendor) against the whole bootloader on the mocked port.
 * Invariants checked after every input, beyond "no crash, no sanitizer
 * report": the DFU state stays valid and the bootloader's own sector is
 * never modified over USB.
 *
 * Input: records of 8 setup bytes followed, for OUT requests, by
 * min(wLength, remaining) data bytes. Built with -fsanitize=fuzzer it is a
 * libFuzzer target; otherwise main() replays files or a seeded random run.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootloader/bootloader.h"
#include "sim/h7/h7_iflash.h"
#include "dfu/dfu.h"
#include "sim/port/simport_internal.h"
#include "mock_port.h"
#include "ram_qspi.h"

static uint8_t boot_sector_before[128 * 1024];

static void boot(void)
{
	const struct board *b = board_find("stm32h745i-disco");
	mock_setup(b);
	ram_qspi_reset();
	uint8_t *mem = h7_iflash_array(simport_iflash_model());
	for (unsigned i = 0; i < 256; i++)
		mem[i] = (uint8_t)(i ^ 0xA5); /* "bootloader code" */
	memcpy(boot_sector_before, mem, sizeof(boot_sector_before));
	mock_set_task(bootloader_task);
	bootloader_init(b, BOOTLOADER_ENTER_DFU);
	mock_bus_reset();
	uint8_t d[18];
	mock_control(0x00, 5, 3, 0, 0, NULL);
	mock_control(0x80, 6, 0x0100, 0, 18, d);
	mock_control(0x00, 9, 1, 0, 0, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[8192];
	boot();
	size_t pos = 0;
	unsigned n = 0;
	while (pos + 8 <= size && n++ < 64) {
		const uint8_t *s = data + pos;
		pos += 8;
		uint16_t wValue = (uint16_t)(s[2] | s[3] << 8),
		         wIndex = (uint16_t)(s[4] | s[5] << 8);
		uint16_t wLength = (uint16_t)(s[6] | s[7] << 8);
		if (wLength > sizeof(buf))
			wLength = sizeof(buf);
		memset(buf, 0, wLength);
		if (!(s[0] & 0x80)) {
			size_t take = wLength < size - pos ? wLength : size - pos;
			memcpy(buf, data + pos, take);
			pos += take;
		}
		/* keep DfuSe block numbers and addresses interesting */
		(void)mock_control(s[0], s[1], wValue, wIndex, wLength, buf);
		if (dfu_get_state() >= DFU_STATE_COUNT)
			abort();
	}
	if (memcmp(boot_sector_before, h7_iflash_array(simport_iflash_model()),
	           sizeof(boot_sector_before)) != 0) {
		fprintf(stderr, "the bootloader sector was modified over USB\n");
		abort();
	}
	mock_teardown();
	return 0;
}

#ifndef QDFU_LIBFUZZER
#include "replay_files.h"

/* Replay: files given on the command line, or a seeded random run that
 * favours well-formed DFU and DfuSe requests. */
static uint32_t rng = 12345;
static uint32_t rnd(void)
{
	return replay_xorshift32(&rng);
}

int main(int argc, char **argv)
{
	static uint8_t in[4096];
	if (argc > 1)
		return replay_files(argc, argv, in, sizeof(in));
	static const uint8_t types[] = {0x21, 0xA1, 0x21, 0xA1, 0x41, 0xC1, 0x80, 0x00, 0x01, 0xC0};
	for (int iter = 0; iter < 150; iter++) {
		size_t len = 0;
		while (len + 16 < sizeof(in) && len < 400) {
			uint8_t *s = in + len;
			s[0] = types[rnd() % sizeof(types)];
			s[1] = (uint8_t)(rnd() % 8);
			uint16_t v = (uint16_t)(rnd() % 5),
			         l = (uint16_t)(rnd() % 3 ? rnd() % 9 : rnd());
			s[2] = (uint8_t)v;
			s[3] = (uint8_t)(rnd() % 4 ? 0 : rnd());
			s[4] = 0;
			s[5] = 0;
			s[6] = (uint8_t)l;
			s[7] = (uint8_t)(l >> 8);
			len += 8;
			if (!(s[0] & 0x80)) {
				/* DfuSe commands with addresses near the bootloader,
				 * the application and QSPI */
				static const uint32_t addrs[] = {0x08000000u, 0x0801FFF0u,
				                                 0x08020000u, 0x90000000u,
				                                 0x900FF000u, 0xFFFFFFF0u};
				uint8_t cmd[5] = {(uint8_t)(rnd() % 2 ? 0x21 : 0x41)};
				uint32_t a = addrs[rnd() % 6] + (rnd() % 3) * 32u;
				memcpy(cmd + 1, &a, 4);
				for (unsigned k = 0; k < l && len < sizeof(in); k++)
					in[len++] = k < 5 ? cmd[k] : (uint8_t)rnd();
			}
		}
		LLVMFuzzerTestOneInput(in, len);
	}
	printf("fuzz_dfu_requests: 150 random sequences, invariants held\n");
	return 0;
}
#endif
