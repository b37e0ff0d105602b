/* SPDX-License-Identifier: MIT */
/* Refused: a board file defines board_<file name> (here board_wrong_symbol). */
#include "good_board.h"

const struct board board_something_else = GOOD_BOARD("wrong-symbol");
