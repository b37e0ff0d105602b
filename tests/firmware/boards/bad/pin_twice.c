/* SPDX-License-Identifier: MIT */
/* Refused: the LED on PB2, which is already the QUADSPI clock. */
#define LED ACTIVE_HIGH(PB2)
#include "good_board.h"

const struct board board_pin_twice = GOOD_BOARD("pin-twice");
