/* SPDX-License-Identifier: MIT */
#include "cli.h"

int main(int argc, char **argv)
{
	return qdfu_cli_main(argc, argv, stdout, stderr);
}
