/* SPDX-License-Identifier: MIT */
#include "sim/vusb/vusb_log.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>

#include "sim/clock/vclock.h"

static FILE *g_log;
static pthread_mutex_t g_log_lock = PTHREAD_MUTEX_INITIALIZER;

void vusb_log_open(FILE *f)
{
	g_log = f;
}

void vusb_log(const char *path, const char *fmt, ...)
{
	if (!g_log)
		return;
	uint64_t t = vclock_now_us();
	va_list ap;
	va_start(ap, fmt);
	pthread_mutex_lock(&g_log_lock);
	fprintf(g_log, "%" PRIu64 ".%06" PRIu64 " %s ", t / 1000000u, t % 1000000u, path);
	vfprintf(g_log, fmt, ap);
	fputc('\n', g_log);
	fflush(g_log);
	pthread_mutex_unlock(&g_log_lock);
	va_end(ap);
}
