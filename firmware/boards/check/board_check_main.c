/* SPDX-License-Identifier: MIT */
/*
 * Checks one board description before any firmware is built from it.
 * cmake/QdfuBoardCheck.cmake compiles this with the host compiler together
 * with the board file, QDFU_CHECK_BOARD naming its `const struct board`:
 *
 *   board_check FILE NAME...   FILE: for messages; NAME: what the file name
 *                              allows as .name (my_board my-board)
 *
 * Exit 0 when the description passes, with a line "traits: ..." naming what
 * tests need to know of the board (dual: two chips on the QUADSPI; ulpi: high
 * speed through a ULPI PHY; small: the bootloader's sector is all the internal
 * flash); otherwise exit 1 and one line per problem on stderr.
 */
#include <stdio.h>
#include <string.h>

#include "board_check.h"

extern const struct board QDFU_CHECK_BOARD;

static bool name_allowed(const char *name, int argc, char **argv)
{
	for (int i = 2; i < argc; i++)
		if (name && strcmp(name, argv[i]) == 0)
			return true;
	return argc <= 2;
}

int main(int argc, char **argv)
{
	const struct board *b = &QDFU_CHECK_BOARD;
	const char *file = argc > 1 ? argv[1] : "board";
	static char text[8192];
	struct board_report r = {.text = text, .size = sizeof text};

	board_check(b, &r);
	if (!name_allowed(b->name, argc, argv))
		board_report_add(
		    &r,
		    "name: \"%s\" is not the file's name. Write .name = \"%s\" (qdfu-sim "
		    "--board %s; the image is build/%s/).",
		    b->name ? b->name : "(null)", argv[argc - 1], argv[argc - 1], argv[2]);
	if (r.problems == 0) {
		printf("%s: board \"%s\" checked\ntraits:%s%s%s\n", file, b->name,
		       b->qspi_dual ? " dual" : "",
		       b->hw.usb == BOARD_USB1_OTG_HS_ULPI ? " ulpi" : "",
		       b->iflash_banks * b->iflash_sectors * b->iflash_sector_size <=
		               b->bootloader_size
		           ? " small"
		           : "");
		return 0;
	}
	fprintf(stderr, "%s: this board description cannot be right:\n%s", file, text);
	fprintf(stderr, "Fix the board file (docs/porting.md explains every field).\n");
	return 1;
}
