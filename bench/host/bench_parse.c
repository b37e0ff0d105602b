/* SPDX-License-Identifier: MIT */
/*
 * Parser throughput of libqdfu: a pseudo-random image of BENCH_MIB MiB
 * (default 16, argv[1] overrides) written as Intel HEX, S-record and DfuSe,
 * then parsed repeatedly. Prints one line per format: input MB/s (file
 * bytes) and data MiB/s (image bytes). Numbers, not a pass/fail test.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "qh_formats.h"
#include "qh_layout.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef int (*parse_fn)(const uint8_t *, size_t, const char *, struct qh_image *,
                        struct qh_error *);

static int parse_dfuse_img(const uint8_t *b, size_t n, const char *name, struct qh_image *img,
                           struct qh_error *e)
{
	static struct qh_dfuse_file f;
	int rc = qh_parse_dfuse(b, n, name, &f, e);

	(void)img;
	qh_dfuse_free(&f);
	return rc;
}

/* Run fn on buf until at least 1 s has passed; print the rates. */
static void bench(const char *name, parse_fn fn, const uint8_t *buf, size_t len, uint64_t data)
{
	unsigned runs = 0;
	double t0 = now_s(), dt;

	do {
		struct qh_image img;
		struct qh_error e = {0};
		qh_image_init(&img);
		if (fn(buf, len, name, &img, &e) != 0) {
			fprintf(stderr, "%s: %s\n", name, e.msg);
			exit(1);
		}
		qh_image_free(&img);
		runs++;
		dt = now_s() - t0;
	} while (dt < 1.0);
	printf("%-12s %8.1f MB/s input  %8.1f MiB/s data  (%zu-byte file, %u runs)\n", name,
	       (double)len * runs / dt / 1e6, (double)data * runs / dt / (1024.0 * 1024.0), len,
	       runs);
}

static void bench_layout(void)
{
	const char *s = "@QSPI Flash /0x90000000/512*128Kg,510*128Kg,2*128Ka";
	unsigned runs = 0;
	double t0 = now_s(), dt;

	do {
		struct qh_layout l;
		for (int i = 0; i < 1000; i++)
			if (qh_layout_parse(s, &l, NULL) != 0)
				exit(1);
		runs += 1000;
		dt = now_s() - t0;
	} while (dt < 0.5);
	printf("%-12s %8.2f M strings/s\n", "layout", runs / dt / 1e6);
}

int main(int argc, char **argv)
{
	unsigned mib = argc > 1 ? (unsigned)atoi(argv[1]) : 16;
	size_t n = (size_t)mib * 1024 * 1024;
	uint8_t *data = malloc(n), *text;
	struct qh_image img;
	struct qh_dfuse_file f;
	struct qh_error e = {0};
	uint32_t x = 12345;
	size_t len;

	if (!data || mib == 0)
		return 1;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		data[i] = (uint8_t)(x >> 16);
	}
	qh_image_init(&img);
	if (qh_image_add(&img, 0x90000000, data, n, "bench", &e) != 0)
		return 1;
	printf("qdfu parser throughput, %u MiB image\n", mib);
	if (qh_write_ihex(&img, &text, &len, &e) != 0)
		return 1;
	bench("ihex", qh_parse_ihex, text, len, n);
	free(text);
	if (qh_write_srec(&img, &text, &len, &e) != 0)
		return 1;
	bench("srec", qh_parse_srec, text, len, n);
	free(text);
	memset(&f, 0, sizeof(f));
	f.ntargets = 1;
	f.t[0].img = img;
	if (qh_write_dfuse(&f, &text, &len, &e) != 0)
		return 1;
	bench("dfuse", parse_dfuse_img, text, len, n);
	free(text);
	bench_layout();
	qh_image_free(&img);
	free(data);
	return 0;
}
