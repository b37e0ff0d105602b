// SPDX-License-Identifier: MIT
#include "sim/nor/nor_dual.h"

#include "sim/nor/nor_model.h"

void nor_dual_command(struct nor_chip *const chips[2], const struct port_qspi_cmd *per_chip,
                      const uint8_t *tx, uint8_t *rx, uint8_t *scratch)
{
	uint32_t n = per_chip->data_len;
	for (unsigned bank = 0; bank < 2; bank++) {
		if (tx)
			for (uint32_t k = 0; k < n; k++)
				scratch[k] = tx[2u * k + bank];
		(void)nor_chip_command(chips[bank], per_chip, tx ? scratch : NULL,
		                       rx ? scratch : NULL);
		if (rx)
			for (uint32_t k = 0; k < n; k++)
				rx[2u * k + bank] = scratch[k];
	}
}
