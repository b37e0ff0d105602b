/* SPDX-License-Identifier: MIT */
/*
 * The words a board description is written in (the files in firmware/boards/ and
 * out-of-tree board files; see docs/porting.md). Only board files include
 * this header: the pin names below would collide with nothing in the
 * firmware, but they are not the firmware's business.
 *
 *   .qspi_clk = PIN(PF10, AF9),      a pin in an alternate function
 *   .led      = ACTIVE_LOW(PJ2),     a plain GPIO and the level that means "on"
 *   .button   = NO_PIN,              not on this board
 *   .qspi_io  = {[QSPI_BK1_IO0] = PIN(PD11, AF9), ...}
 *
 * The build checks every description against the STM32H7 pin facts before it
 * compiles the firmware (firmware/boards/check/), so a pin used twice or an
 * alternate function a pin does not have is refused with a message.
 */
#ifndef QDFU_BOARDS_BOARD_DEF_H
#define QDFU_BOARDS_BOARD_DEF_H

#include "boards/board.h"

/* PIN(Pxn, AFk): pin n of GPIO port x in alternate function k. */
#define PIN(pin, af) BOARD_PIN_AF_(pin, af)
#define BOARD_PIN_AF_(port, pin, af)                                                               \
	{                                                                                          \
		(port), (pin), (af), 1                                                             \
	}
/* A plain GPIO (output or input) and its active level. */
#define ACTIVE_HIGH(pin) BOARD_PIN_GPIO_(pin, 1)
#define ACTIVE_LOW(pin)  BOARD_PIN_GPIO_(pin, 0)
#define BOARD_PIN_GPIO_(port, pin, hi)                                                             \
	{                                                                                          \
		(port), (pin), BOARD_AF_GPIO, (hi)                                                 \
	}
/* Nothing connected. */
#define NO_PIN BOARD_PIN_NONE

/* Alternate function numbers (GPIOx_AFRL/AFRH). */
#define AF0  0
#define AF1  1
#define AF2  2
#define AF3  3
#define AF4  4
#define AF5  5
#define AF6  6
#define AF7  7
#define AF8  8
#define AF9  9
#define AF10 10
#define AF11 11
#define AF12 12
#define AF13 13
#define AF14 14
#define AF15 15

/* Pin names: port index (A = 0 ... K = 10), pin number. Port K has pins
 * 0..7 only on the STM32H74x/H75x. */
#define PA0  0, 0
#define PA1  0, 1
#define PA2  0, 2
#define PA3  0, 3
#define PA4  0, 4
#define PA5  0, 5
#define PA6  0, 6
#define PA7  0, 7
#define PA8  0, 8
#define PA9  0, 9
#define PA10 0, 10
#define PA11 0, 11
#define PA12 0, 12
#define PA13 0, 13
#define PA14 0, 14
#define PA15 0, 15
#define PB0  1, 0
#define PB1  1, 1
#define PB2  1, 2
#define PB3  1, 3
#define PB4  1, 4
#define PB5  1, 5
#define PB6  1, 6
#define PB7  1, 7
#define PB8  1, 8
#define PB9  1, 9
#define PB10 1, 10
#define PB11 1, 11
#define PB12 1, 12
#define PB13 1, 13
#define PB14 1, 14
#define PB15 1, 15
#define PC0  2, 0
#define PC1  2, 1
#define PC2  2, 2
#define PC3  2, 3
#define PC4  2, 4
#define PC5  2, 5
#define PC6  2, 6
#define PC7  2, 7
#define PC8  2, 8
#define PC9  2, 9
#define PC10 2, 10
#define PC11 2, 11
#define PC12 2, 12
#define PC13 2, 13
#define PC14 2, 14
#define PC15 2, 15
#define PD0  3, 0
#define PD1  3, 1
#define PD2  3, 2
#define PD3  3, 3
#define PD4  3, 4
#define PD5  3, 5
#define PD6  3, 6
#define PD7  3, 7
#define PD8  3, 8
#define PD9  3, 9
#define PD10 3, 10
#define PD11 3, 11
#define PD12 3, 12
#define PD13 3, 13
#define PD14 3, 14
#define PD15 3, 15
#define PE0  4, 0
#define PE1  4, 1
#define PE2  4, 2
#define PE3  4, 3
#define PE4  4, 4
#define PE5  4, 5
#define PE6  4, 6
#define PE7  4, 7
#define PE8  4, 8
#define PE9  4, 9
#define PE10 4, 10
#define PE11 4, 11
#define PE12 4, 12
#define PE13 4, 13
#define PE14 4, 14
#define PE15 4, 15
#define PF0  5, 0
#define PF1  5, 1
#define PF2  5, 2
#define PF3  5, 3
#define PF4  5, 4
#define PF5  5, 5
#define PF6  5, 6
#define PF7  5, 7
#define PF8  5, 8
#define PF9  5, 9
#define PF10 5, 10
#define PF11 5, 11
#define PF12 5, 12
#define PF13 5, 13
#define PF14 5, 14
#define PF15 5, 15
#define PG0  6, 0
#define PG1  6, 1
#define PG2  6, 2
#define PG3  6, 3
#define PG4  6, 4
#define PG5  6, 5
#define PG6  6, 6
#define PG7  6, 7
#define PG8  6, 8
#define PG9  6, 9
#define PG10 6, 10
#define PG11 6, 11
#define PG12 6, 12
#define PG13 6, 13
#define PG14 6, 14
#define PG15 6, 15
#define PH0  7, 0
#define PH1  7, 1
#define PH2  7, 2
#define PH3  7, 3
#define PH4  7, 4
#define PH5  7, 5
#define PH6  7, 6
#define PH7  7, 7
#define PH8  7, 8
#define PH9  7, 9
#define PH10 7, 10
#define PH11 7, 11
#define PH12 7, 12
#define PH13 7, 13
#define PH14 7, 14
#define PH15 7, 15
#define PI0  8, 0
#define PI1  8, 1
#define PI2  8, 2
#define PI3  8, 3
#define PI4  8, 4
#define PI5  8, 5
#define PI6  8, 6
#define PI7  8, 7
#define PI8  8, 8
#define PI9  8, 9
#define PI10 8, 10
#define PI11 8, 11
#define PI12 8, 12
#define PI13 8, 13
#define PI14 8, 14
#define PI15 8, 15
#define PJ0  9, 0
#define PJ1  9, 1
#define PJ2  9, 2
#define PJ3  9, 3
#define PJ4  9, 4
#define PJ5  9, 5
#define PJ6  9, 6
#define PJ7  9, 7
#define PJ8  9, 8
#define PJ9  9, 9
#define PJ10 9, 10
#define PJ11 9, 11
#define PJ12 9, 12
#define PJ13 9, 13
#define PJ14 9, 14
#define PJ15 9, 15
#define PK0  10, 0
#define PK1  10, 1
#define PK2  10, 2
#define PK3  10, 3
#define PK4  10, 4
#define PK5  10, 5
#define PK6  10, 6
#define PK7  10, 7

#endif
