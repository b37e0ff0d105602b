// SPDX-License-Identifier: MIT
#include "read_crc_check.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "common/err.h"
#include "mem/mem.h"
#include "nor/nor.h"
#include "sim/h7/crc_model.h"

void read_crc_check(uint32_t at, const uint8_t *d, uint32_t n)
{
	static const uint32_t lens[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 31, 32, 33, 4095, 4096, 4097};
	for (uint32_t off = 0; off < 4u; off++)
		for (unsigned i = 0; i <= sizeof(lens) / sizeof(lens[0]); i++) {
			uint32_t len = i < sizeof(lens) / sizeof(lens[0]) ? lens[i] : n - off;
			if (len > n - off)
				continue;
			for (uint32_t from = 0; from < 2u; from++) { /* fresh, and continued */
				uint32_t crc = from ? 0x12345678u : 0u;
				uint64_t cycles = crc_model_cycles();
				assert_int_equal(nor_read_crc(at + off, len, &crc), QDFU_OK);
				uint32_t want =
				    mem_crc32_update(from ? 0x12345678u : 0u, d + off, len);
				if (crc != want)
					fail_msg(
					    "nor_read_crc at +%u, %u bytes: 0x%08x, want 0x%08x",
					    (unsigned)off, (unsigned)len, (unsigned)crc,
					    (unsigned)want);
				assert_int_equal(crc_model_cycles() - cycles, len);
			}
		}
	assert_int_equal(crc_model_faults(), 0);
}
