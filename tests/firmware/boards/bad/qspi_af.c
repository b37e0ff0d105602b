/* SPDX-License-Identifier: MIT */
/* Refused: PD12 carries QUADSPI_BK1_IO1 on AF9, not AF10. */
#define QSPI_IO1 PIN(PD12, AF10)
#include "good_board.h"

const struct board board_qspi_af = GOOD_BOARD("qspi-af");
