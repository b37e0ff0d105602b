/* SPDX-License-Identifier: MIT */
/*
 * The rules a board description must keep before any firmware is built from
 * it (docs/porting.md): pins that exist, used once, in an alternate function
 * the STM32H7 has for that signal; a crystal in range; a supply the MCU has;
 * memories and USB identity that make sense. Host code: the build runs it on
 * every board file (cmake/QdfuBoardCheck.cmake), the tests on made-up boards.
 */
#ifndef QDFU_BOARDS_CHECK_BOARD_CHECK_H
#define QDFU_BOARDS_CHECK_BOARD_CHECK_H

#include <stddef.h>

#include "boards/board.h"

/* Where the problems go: one line each, "field: what is wrong. What to do." */
struct board_report {
	char *text;
	size_t size, used;
	unsigned problems;
};

/* Appends one problem (a printf format, no newline) to r and counts it; text
 * that does not fit is cut, the count is always right. */
void board_report_add(struct board_report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Checks b; appends one line per problem to r; returns the number found. */
unsigned board_check(const struct board *b, struct board_report *r);

#endif
