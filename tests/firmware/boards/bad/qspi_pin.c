/* SPDX-License-Identifier: MIT */
/* Refused: PE3 has no QUADSPI function at all. */
#define QSPI_IO1 PIN(PE3, AF9)
#define LED      NO_PIN
#include "good_board.h"

const struct board board_qspi_pin = GOOD_BOARD("qspi-pin");
