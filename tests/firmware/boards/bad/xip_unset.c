/* SPDX-License-Identifier: MIT */
/* Refused: the memory-mapped read handed to applications is each board's
 * choice (docs/decisions/xip-handover.md); 0 is none. */
#define XIP BOARD_XIP_UNSET
#include "good_board.h"

const struct board board_xip_unset = GOOD_BOARD("xip-unset");
