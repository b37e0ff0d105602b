/* SPDX-License-Identifier: MIT */
#include "sim/qdfu-sim/sim_cli.h"

int main(int argc, char **argv)
{
	return qdfu_sim_main(argc, argv);
}
