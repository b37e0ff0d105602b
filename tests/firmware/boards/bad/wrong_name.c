/* SPDX-License-Identifier: MIT */
/* Refused: .name is not the file's name. */
#include "good_board.h"

const struct board board_wrong_name = GOOD_BOARD("other-name");
