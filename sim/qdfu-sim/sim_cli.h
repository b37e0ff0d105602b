/* SPDX-License-Identifier: MIT */
/*
 * qdfu-sim's command line and run loop, as a function so the tests can
 * build the same front end around a test device.
 */
#ifndef QDFU_SIM_CLI_H
#define QDFU_SIM_CLI_H

int qdfu_sim_main(int argc, char **argv);

#endif
