/* SPDX-License-Identifier: MIT */
/*
 * Virtual time: the simulator clock (sim/clock/vclock.c) on a shared
 * counter, and the sleep shim (libqdfu-vtime.so) turning a client's sleeps
 * into counter increments.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "sim/clock/vclock.h"
#include "sim/vtime/vtime_shm.h"

static void vclock_uses_the_shared_counter(void **state)
{
	(void)state;
	char path[256];
	volatile uint64_t *c = vtime_shm_create(NULL, path, sizeof(path));
	assert_non_null(c);
	assert_int_equal(*c, 0);
	vclock_init(VCLOCK_VIRTUAL);
	vclock_attach_shared(c);
	vclock_advance_us(1234);
	assert_int_equal(*c, 1234);
	/* someone else (another process) advances it */
	volatile uint64_t *other = vtime_shm_attach(path);
	assert_non_null(other);
	*other += 1000000u;
	assert_int_equal(vclock_now_us(), 1001234u);
	vclock_attach_shared(NULL);
	vtime_shm_release(other);
	vtime_shm_release(c);
	unlink(path);
}

static void vclock_next_deadline(void **state)
{
	(void)state;
	vclock_init(VCLOCK_VIRTUAL);
	uint64_t t0 = vclock_now_us();
	assert_int_equal(vclock_next_deadline_us(), 0);
	vclock_note_deadline(t0 + 5000);
	vclock_note_deadline(t0 + 300);
	vclock_note_deadline(t0 + 90000);
	assert_int_equal(vclock_next_deadline_us(), t0 + 300);
	vclock_advance_us(300);
	assert_int_equal(vclock_next_deadline_us(), t0 + 5000);
	vclock_advance_us(100000);
	assert_int_equal(vclock_next_deadline_us(), 0);
}

static pid_t start_sleeper(const char *path, const char *arg)
{
	pid_t pid = fork();
	if (pid == 0) {
		setenv("LD_PRELOAD", VTIME_SHIM_PATH, 1);
		setenv(VTIME_ENV, path, 1);
		setenv("ASAN_OPTIONS", "verify_asan_link_order=0:detect_leaks=0", 1);
		execl(VTIME_SLEEPER_PATH, VTIME_SLEEPER_PATH, arg, (char *)NULL);
		_exit(127);
	}
	assert_true(pid > 0);
	return pid;
}

/* Real mode with a stall cap (the device worker's clock in --time real):
 * a gap the process did not ask for counts as the cap only, a sleep asked
 * through vclock_advance_us() counts in full. On a loaded machine a stall
 * of the device's process expired the firmware's page-program deadline
 * (web_chromium_webdfu_daisy: "command 0x21 failed (state 10, status 3)"). */
static void real_clock_skips_stalls(void **state)
{
	(void)state;
	vclock_init(VCLOCK_REAL);
	vclock_set_stall_cap_us(10000u);
	uint64_t t0 = vclock_now_us();
	const struct timespec stall = {0, 150000000L}; /* not through vclock */
	nanosleep(&stall, NULL);
	uint64_t t1 = vclock_now_us();
	assert_true(t1 - t0 >= 10000u);
	assert_true(t1 - t0 < 60000u); /* 150 ms stall: the cap, not 150 ms */
	vclock_advance_us(120000u);    /* a sleep asked for: counts in full */
	uint64_t t2 = vclock_now_us();
	assert_true(t2 - t1 >= 120000u);
	vclock_set_stall_cap_us(0); /* plain monotonic again */
	t0 = vclock_now_us();
	nanosleep(&stall, NULL);
	assert_true(vclock_now_us() - t0 >= 150000u);
}

static uint64_t run_sleeper(const char *arg)
{
	char path[256];
	volatile uint64_t *c = vtime_shm_create(NULL, path, sizeof(path));
	assert_non_null(c);
	pid_t pid = start_sleeper(path, arg);
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	uint64_t v = *c;
	vtime_shm_release(c);
	unlink(path);
	return v;
}

static void shim_turns_sleeps_into_virtual_time(void **state)
{
	(void)state;
	/* usleep 1.5 s + sleep 2 s + nanosleep 0.25 s + clock_nanosleep 1 ms */
	assert_int_equal(run_sleeper("r"), 1500000u + 2000000u + 250000u + 1000u);
}

static void shim_handles_absolute_deadlines(void **state)
{
	(void)state;
	uint64_t v = run_sleeper("a");
	/* 1 s minus the (real) time between clock_gettime and the call */
	assert_true(v <= 1000000u);
	assert_true(v >= 900000u);
}

/* Real milliseconds until pid exits (at most limit_ms; -1 if still running). */
static int exits_within(pid_t pid, int limit_ms)
{
	for (int ms = 0; ms <= limit_ms; ms += 10) {
		int st = 0;
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid) {
			assert_true(WIFEXITED(st));
			assert_int_equal(WEXITSTATUS(st), 0);
			return ms;
		}
		usleep(10000);
	}
	return -1;
}

/* Lockstep: a client's sleep returns only once every device worker has
 * caught up with the time it slept to, and qdfu-sim has applied every
 * event they sent (a starved device process once let a client's 10 s of
 * virtual waiting run out in 0.1 s of real time: e2e_qdfu_zero_install
 * under load). */
static void shim_waits_for_a_lagging_device(void **state)
{
	(void)state;
	char path[256];
	volatile uint64_t *c = vtime_shm_create(NULL, path, sizeof(path));
	assert_non_null(c);
	assert_false(vtime_shm_lagging(c, 1000000u)); /* no device follows yet */
	vtime_shm_follow(c, 3, 0);                    /* a device at time 0 */
	assert_true(vtime_shm_lagging(c, 1u));
	pid_t pid = start_sleeper(path, "l");
	assert_int_equal(exits_within(pid, 300), -1); /* held: the device is behind */
	vtime_shm_follow(c, 3, 50000u);               /* half-way: still held */
	assert_int_equal(exits_within(pid, 100), -1);
	vtime_shm_follow(c, 3, *c); /* caught up with the client's 100 ms */
	assert_true(exits_within(pid, 2000) >= 0);
	assert_int_equal(*c, 100000u);

	/* an event sent and not yet applied holds a sleeper too */
	vtime_shm_follow(c, 3, VTIME_NOT_FOLLOWING);
	vtime_shm_event_sent(c);
	pid = start_sleeper(path, "l");
	assert_int_equal(exits_within(pid, 300), -1);
	vtime_shm_event_applied(c);
	assert_true(exits_within(pid, 2000) >= 0);
	vtime_shm_event_applied(c); /* (more applied than sent: stays 0) */
	assert_false(vtime_shm_lagging(c, UINT64_MAX - 1u));
	vtime_shm_release(c);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(vclock_uses_the_shared_counter),
	    cmocka_unit_test(vclock_next_deadline),
	    cmocka_unit_test(shim_turns_sleeps_into_virtual_time),
	    cmocka_unit_test(shim_handles_absolute_deadlines),
	    cmocka_unit_test(shim_waits_for_a_lagging_device),
	    cmocka_unit_test(real_clock_skips_stalls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
