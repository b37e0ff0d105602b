/* SPDX-License-Identifier: MIT */
/* Refused: the button on PA12, USB2_OTG_FS D+ on this board. */
#define BUTTON ACTIVE_HIGH(PA12)
#include "good_board.h"

const struct board board_usb_pin = GOOD_BOARD("usb-pin");
