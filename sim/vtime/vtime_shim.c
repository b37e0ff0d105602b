/* SPDX-License-Identifier: MIT */
/*
 * libqdfu-vtime.so: LD_PRELOADed into the commands qdfu-sim runs in
 * virtual time. A sleep (nanosleep, clock_nanosleep, usleep, sleep) adds
 * what was asked to the shared virtual clock instead of waiting, so a
 * client's poll timeouts (dfu-util sleeps bwPollTimeout after every
 * GETSTATUS) cost no real time while the simulated device still sees that
 * much time pass. Each sleep still gives away 1% of what was asked in real
 * time (at most 2 ms), and a sleep of 2 ms or more returns only once every
 * simulated device has caught up with the clock and qdfu-sim has applied
 * their events (lockstep, vtime_shm.h; bounded by 2 s of real time per
 * sleep): a client polling for a device to re-appear ("sleep 100 ms, look
 * again, give up after 10 s") cannot use up its virtual 10 s while the
 * device's process waits for a CPU.
 * Without $QDFU_VTIME_FILE (or if it cannot be mapped) sleeps are real.
 * Built without sanitizers: it is preloaded into programs of any kind.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "sim/vtime/vtime_shm.h"

#define REAL_YIELD_DIV    100u        /* real time given away: 1% ... */
#define REAL_YIELD_MAX_NS 2000000u    /* ... up to 2 ms */
#define LOCKSTEP_MIN_NS   2000000u    /* sleeps this long wait for the devices */
#define LOCKSTEP_MAX_NS   2000000000u /* ... for at most 2 s of real time */
#define LOCKSTEP_STEP_NS  50000u

typedef int (*nanosleep_fn)(const struct timespec *, struct timespec *);
typedef int (*clock_nanosleep_fn)(clockid_t, int, const struct timespec *, struct timespec *);

static volatile uint64_t *g_counter;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void attach(void)
{
	const char *path = getenv(VTIME_ENV);
	if (path && *path)
		g_counter = vtime_shm_attach(path);
}

static volatile uint64_t *counter(void)
{
	pthread_once(&g_once, attach);
	return g_counter;
}

static int real_nanosleep(const struct timespec *req, struct timespec *rem)
{
	static nanosleep_fn fn;
	if (!fn)
		fn = (nanosleep_fn)dlsym(RTLD_NEXT, "nanosleep");
	return fn ? fn(req, rem) : (errno = ENOSYS, -1);
}

static void virtual_sleep(volatile uint64_t *c, uint64_t ns)
{
	uint64_t target = __atomic_add_fetch(c, ns / 1000u, __ATOMIC_SEQ_CST);
	uint64_t real = ns / REAL_YIELD_DIV;
	struct timespec y = {0, (long)(real < REAL_YIELD_MAX_NS ? real : REAL_YIELD_MAX_NS)};
	if (y.tv_nsec)
		real_nanosleep(&y, NULL);
	else
		sched_yield();
	if (ns < LOCKSTEP_MIN_NS)
		return;
	const struct timespec step = {0, LOCKSTEP_STEP_NS};
	for (uint64_t waited = 0; waited < LOCKSTEP_MAX_NS && vtime_shm_lagging(c, target);
	     waited += LOCKSTEP_STEP_NS)
		real_nanosleep(&step, NULL);
}

static uint64_t ts_ns(const struct timespec *t)
{
	if (t->tv_sec < 0)
		return 0;
	return (uint64_t)t->tv_sec * 1000000000u + (uint64_t)t->tv_nsec;
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
	volatile uint64_t *c = counter();
	if (!c)
		return real_nanosleep(req, rem);
	if (!req || req->tv_nsec < 0 || req->tv_nsec >= 1000000000L) {
		errno = EINVAL;
		return -1;
	}
	virtual_sleep(c, ts_ns(req));
	if (rem)
		rem->tv_sec = rem->tv_nsec = 0;
	return 0;
}

int clock_nanosleep(clockid_t clk, int flags, const struct timespec *req, struct timespec *rem)
{
	volatile uint64_t *c = counter();
	if (!c) {
		static clock_nanosleep_fn fn;
		if (!fn)
			fn = (clock_nanosleep_fn)dlsym(RTLD_NEXT, "clock_nanosleep");
		return fn ? fn(clk, flags, req, rem) : ENOSYS;
	}
	if (!req || req->tv_nsec < 0 || req->tv_nsec >= 1000000000L)
		return EINVAL;
	uint64_t ns = ts_ns(req);
	if (flags & TIMER_ABSTIME) {
		/* an absolute deadline on a real clock: sleep the difference */
		struct timespec now;
		if (clock_gettime(clk, &now) != 0)
			return EINVAL;
		uint64_t n = ts_ns(&now);
		ns = ns > n ? ns - n : 0;
	} else if (rem) {
		rem->tv_sec = rem->tv_nsec = 0;
	}
	virtual_sleep(c, ns);
	return 0;
}

int usleep(useconds_t us)
{
	struct timespec t = {(time_t)(us / 1000000u), (long)(us % 1000000u) * 1000L};
	return nanosleep(&t, NULL);
}

unsigned int sleep(unsigned int s)
{
	struct timespec t = {(time_t)s, 0};
	nanosleep(&t, NULL);
	return 0;
}
