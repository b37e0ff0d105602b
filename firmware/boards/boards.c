/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "boards/board.h"

extern const struct board board_stm32h745i_disco;
extern const struct board board_stm32h747i_disco;
extern const struct board board_stm32h750b_dk;
extern const struct board board_portenta_h7;
extern const struct board board_giga_r1;
extern const struct board board_daisy_seed;
extern const struct board board_weact_h750;

const struct board *const board_list[] = {
    &board_stm32h745i_disco, &board_stm32h747i_disco, &board_stm32h750b_dk, &board_portenta_h7,
    &board_giga_r1,          &board_daisy_seed,       &board_weact_h750,    NULL,
};

const struct board *board_find(const char *name)
{
	for (const struct board *const *b = board_list; *b; b++)
		if (strcmp((*b)->name, name) == 0)
			return *b;
	return NULL;
}
