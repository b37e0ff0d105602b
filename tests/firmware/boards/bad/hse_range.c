/* SPDX-License-Identifier: MIT */
/* Refused: no STM32H7 crystal oscillator runs at 60 MHz (4-48 MHz). */
#define HSE_HZ 60000000u
#include "good_board.h"

const struct board board_hse_range = GOOD_BOARD("hse-range");
