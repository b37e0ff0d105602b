/* SPDX-License-Identifier: MIT */
/* Helper for test_vtime: sleeps in every way the shim intercepts. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc > 1 && argv[1][0] == 'a') {
		/* absolute deadline 1 s ahead, as Python's time.sleep does */
		struct timespec t;
		clock_gettime(CLOCK_MONOTONIC, &t);
		t.tv_sec += 1;
		return clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) != 0;
	}
	if (argc > 1 && argv[1][0] == 'l') {
		/* one 100 ms sleep: lockstep with the devices */
		struct timespec l = {0, 100000000L};
		return nanosleep(&l, NULL) != 0;
	}
	struct timespec q = {0, 250000000L}, r = {0, 0}, c = {0, 1000000L};
	if (usleep(1500000) != 0)
		return 1;
	if (sleep(2) != 0)
		return 2;
	if (nanosleep(&q, &r) != 0)
		return 3;
	if (clock_nanosleep(CLOCK_MONOTONIC, 0, &c, NULL) != 0)
		return 4;
	return 0;
}
