/* SPDX-License-Identifier: MIT */
/*
 * The plain main() of the firmware fuzz targets (built without libFuzzer,
 * with the project's compiler and ASan/UBSan, for ctest):
 *
 *   fuzz_x [--mutate N] [--seed S] FILE|DIR...
 *
 * runs LLVMFuzzerTestOneInput on every file (a directory: every file in
 * it), then, with --mutate, N inputs made by mutating those (byte flips,
 * random bytes, inserted operations, deleted or repeated spans, splices of
 * two inputs): a small deterministic fuzzer, so that a short ctest run can
 * find a bug that no stored input shows (scripts/fuzz.sh runs libFuzzer
 * on the same targets). Exit 0 when every input ran, 2 when a path could
 * not be read; an invariant broken aborts.
 */
#ifndef QDFU_TESTS_FUZZ_CORE_REPLAY_FILES_H
#define QDFU_TESTS_FUZZ_CORE_REPLAY_FILES_H

/* (the including file defines _DEFAULT_SOURCE first: dirent, stat) */
#include <dirent.h>
#include <signal.h>
#include <unistd.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX_INPUTS 512u
#define REPLAY_MAX_LEN    16384u

/* The generator of the mutations (xorshift32; state never 0). */
static inline uint32_t replay_xorshift32(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

struct replay_set {
	uint8_t *in[REPLAY_MAX_INPUTS];
	size_t len[REPLAY_MAX_INPUTS];
	unsigned n;
};

static inline int replay_load_file(struct replay_set *set, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	uint8_t *buf = malloc(REPLAY_MAX_LEN);
	size_t n = buf ? fread(buf, 1, REPLAY_MAX_LEN, f) : 0;
	fclose(f);
	if (!buf || set->n >= REPLAY_MAX_INPUTS) {
		free(buf);
		return 0;
	}
	set->in[set->n] = buf;
	set->len[set->n++] = n;
	return 0;
}

static inline int replay_load(struct replay_set *set, const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode))
		return replay_load_file(set, path);
	DIR *d = opendir(path);
	struct dirent *de;
	while (d && (de = readdir(d)) != NULL) {
		char p[4096];
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", path, de->d_name);
		if (replay_load_file(set, p) != 0) {
			closedir(d);
			return -1;
		}
	}
	if (d)
		closedir(d);
	return d ? 0 : -1;
}

/* One mutation of buf[0..*len) in place (capacity REPLAY_MAX_LEN). */
static inline void replay_mutate_once(uint8_t *buf, size_t *len, const struct replay_set *set,
                                      uint32_t *rng)
{
	size_t n = *len, at = n ? replay_xorshift32(rng) % n : 0;
	size_t span = 1u + replay_xorshift32(rng) % 24u;
	switch (replay_xorshift32(rng) % 6u) {
	case 0: /* flip bits */
		if (n)
			buf[at] ^= (uint8_t)(1u << (replay_xorshift32(rng) % 8u));
		break;
	case 1: /* a random byte (an op kind, a length, an address selector) */
		if (n)
			buf[at] = (uint8_t)replay_xorshift32(rng);
		break;
	case 2: /* insert a few random bytes: new operations */
		if (n + span <= REPLAY_MAX_LEN) {
			memmove(buf + at + span, buf + at, n - at);
			for (size_t i = 0; i < span; i++)
				buf[at + i] = (uint8_t)replay_xorshift32(rng);
			*len = n + span;
		}
		break;
	case 3: /* delete a span */
		if (at + span <= n) {
			memmove(buf + at, buf + at + span, n - at - span);
			*len = n - span;
		}
		break;
	case 4: /* repeat a span (a request sent again) */
		if (at + span <= n && n + span <= REPLAY_MAX_LEN) {
			memmove(buf + at + span, buf + at, n - at);
			*len = n + span;
		}
		break;
	default: { /* splice: the tail of another input */
		unsigned k = replay_xorshift32(rng) % set->n;
		size_t from = set->len[k] ? replay_xorshift32(rng) % set->len[k] : 0;
		size_t take = set->len[k] - from;
		if (at + take > REPLAY_MAX_LEN)
			take = REPLAY_MAX_LEN - at;
		memcpy(buf + at, set->in[k] + from, take);
		*len = at + take;
		break;
	}
	}
}

/* The input being run, written out if an invariant aborts the run. */
static const uint8_t *replay_cur;
static size_t replay_cur_len;
static unsigned long replay_mutated; /* mutated inputs run so far */

static void replay_on_abort(int sig)
{
	static const char path[] = "fuzz-crash.bin";
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0 && replay_cur) {
		ssize_t w = write(fd, replay_cur, replay_cur_len);
		(void)w;
		char msg[96];
		int n =
		    snprintf(msg, sizeof(msg),
		             "replay: the failing input (mutated input %lu) is in fuzz-crash.bin\n",
		             replay_mutated);
		w = write(2, msg, n > 0 ? (size_t)n : 0u);
		(void)w;
	}
	if (fd >= 0)
		close(fd);
	signal(sig, SIG_DFL);
	raise(sig);
}

static inline void replay_one(const uint8_t *in, size_t len)
{
	replay_cur = in;
	replay_cur_len = len;
	LLVMFuzzerTestOneInput(in, len);
	replay_cur = NULL;
}

static inline void replay_mutate(const struct replay_set *set, unsigned long runs, uint32_t seed)
{
	static uint8_t buf[REPLAY_MAX_LEN];
	uint32_t rng = seed ? seed : 1u;
	for (unsigned long i = 0; i < runs && set->n; i++) {
		unsigned k = replay_xorshift32(&rng) % set->n;
		size_t len = set->len[k];
		memcpy(buf, set->in[k], len);
		for (unsigned m = 1u + replay_xorshift32(&rng) % 6u; m; m--)
			replay_mutate_once(buf, &len, set, &rng);
		replay_mutated = i + 1u;
		replay_one(buf, len);
	}
}

static inline int replay_main(int argc, char **argv)
{
	static struct replay_set set;
	unsigned long runs = 0;
	uint32_t seed = 20261202u;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--mutate") == 0 && i + 1 < argc) {
			runs = strtoul(argv[++i], NULL, 0);
		} else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
			seed = (uint32_t)strtoul(argv[++i], NULL, 0);
		} else if (replay_load(&set, argv[i]) != 0) {
			fprintf(stderr, "%s: cannot read %s\n", argv[0], argv[i]);
			return 2;
		}
	}
	if (set.n == 0) {
		fprintf(stderr, "%s: no input (usage: %s [--mutate N] [--seed S] FILE|DIR...)\n",
		        argv[0], argv[0]);
		return 2;
	}
	signal(SIGABRT, replay_on_abort);
	for (unsigned i = 0; i < set.n; i++)
		replay_one(set.in[i], set.len[i]);
	printf("%s: %u stored inputs", argv[0], set.n);
	replay_mutate(&set, runs, seed);
	printf(", %lu mutated inputs (seed %u): invariants held\n", runs, (unsigned)seed);
	for (unsigned i = 0; i < set.n; i++)
		free(set.in[i]);
	return 0;
}

#endif
