/* SPDX-License-Identifier: MIT */
/*
 * `qdfu flash --production FILE...`: a flashing station. Every board that
 * appears (in DFU mode, matching the selection) is flashed, verified and
 * started, with one PASS/FAIL line per board, until Ctrl-C (or --count
 * boards). A board is flashed once per session: it is known by its serial
 * number, or by its USB path when serials are not unique (ST's ROM).
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

struct station {
	char (*done)[160]; /* keys of the boards flashed this session */
	size_t ndone, cap;
	unsigned pass, failed;
	struct qh_found *prev; /* the previous scan */
	size_t nprev;
};

static void board_key(const struct qh_found *f, char *key, size_t len)
{
	if (f->info.serial[0] && !(f->info.quirks & QH_QUIRK_SERIAL_NOT_UNIQUE))
		snprintf(key, len, "s:%s", f->info.serial);
	else
		snprintf(key, len, "p:%s", f->info.path);
}

static int seen(const struct station *s, const char *key)
{
	for (size_t i = 0; i < s->ndone; i++)
		if (strcmp(s->done[i], key) == 0)
			return 1;
	return 0;
}

static int remember(struct station *s, const char *key)
{
	if (s->ndone == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		char(*d)[160] = realloc(s->done, cap * sizeof(*d));
		if (!d)
			return QH_E_NOMEM;
		s->done = d;
		s->cap = cap;
	}
	snprintf(s->done[s->ndone++], sizeof(s->done[0]), "%s", key);
	return QH_OK;
}

/* Was f (same bus address, same key) in the previous scan? A board is
 * flashed only once it has been seen twice, 200 ms apart: while it
 * enumerates its strings may not be readable yet, or it may re-enumerate. */
static int settled(const struct station *s, const struct qh_found *f, const char *key)
{
	for (size_t i = 0; i < s->nprev; i++) {
		char k[160];
		board_key(&s->prev[i], k, sizeof(k));
		if (s->prev[i].info.bus == f->info.bus &&
		    s->prev[i].info.address == f->info.address && strcmp(k, key) == 0)
			return 1;
	}
	return 0;
}

/* The new boards attached now (settled, not flashed yet, openable); the
 * scan is kept for the next call. */
static size_t new_boards(struct cli *c, struct station *s, struct qh_found **out)
{
	struct qh_found *list = NULL, *pick;
	size_t n = 0, k = 0;

	*out = NULL;
	if (qh_usb_scan(c->usb, &c->match, &list, &n, NULL) != 0)
		return 0;
	pick = calloc(n ? n : 1, sizeof(*pick));
	for (size_t i = 0; pick && i < n; i++) {
		char key[160];
		board_key(&list[i], key, sizeof(key));
		if (!list[i].access_denied && list[i].info.kind != QH_KIND_RUNTIME &&
		    !seen(s, key) && settled(s, &list[i], key))
			pick[k++] = list[i];
	}
	free(s->prev);
	s->prev = list;
	s->nprev = n;
	*out = pick;
	return k;
}

static void report(struct cli *c, const struct cli_target *t, uint64_t ms)
{
	char dur[32];

	cli_duration_str(ms, dur, sizeof(dur));
	if (c->json) {
		fprintf(c->out,
		        "{\"version\":%d,\"event\":\"board\",\"serial\":", CLI_JSON_VERSION);
		cli_json_str(c->out, t->found.info.serial);
		fprintf(c->out, ",\"path\":");
		cli_json_str(c->out, t->found.info.path);
		fprintf(c->out, ",\"ok\":%s,\"exit\":%d,\"duration_ms\":%llu,\"error\":",
		        t->rc ? "false" : "true", cli_exit_code(t->rc), (unsigned long long)ms);
		cli_json_error_obj(c->out, t->rc ? &t->err : NULL);
		fprintf(c->out, "}\n");
		fflush(c->out);
		return;
	}
	if (t->rc == 0) {
		fprintf(c->out, "PASS %s path %s in %s\n", t->label, t->found.info.path, dur);
	} else {
		/* one line per board, whatever the message */
		char msg[QH_ERR_MSG_LEN];
		size_t k = 0;
		for (const char *p = t->err.msg[0] ? t->err.msg : qh_strerror(t->err.code);
		     *p && k + 1 < sizeof(msg); p++)
			if (*p != '\n')
				msg[k++] = *p;
			else if (k && msg[k - 1] != ' ')
				msg[k++] = ' ';
		msg[k] = '\0';
		fprintf(c->out, "FAIL %s path %s in %s: %s\n", t->label, t->found.info.path, dur,
		        msg);
	}
	fflush(c->out);
}

/* Flash one batch of new boards in parallel; one line each. */
static void flash_batch(struct cli *c, struct station *s, struct qh_found *list, size_t n,
                        const struct qh_image *img)
{
	uint64_t t0 = cli_now_ms();
	struct cli_target *t;

	if (c->prod_count && n > c->prod_count - (s->pass + s->failed))
		n = c->prod_count - (s->pass + s->failed);
	t = cli_targets_from(c, list, n);
	if (!t)
		return;
	cli_flash_targets(c, t, n, img, 0);
	for (size_t i = 0; i < n; i++) {
		char key[160];
		/* gone before it could be opened (unplugged, re-enumerating):
		 * nothing was done, try again when it is back */
		if (t[i].rc == QH_E_NODEV && !t[i].open)
			continue;
		board_key(&t[i].found, key, sizeof(key));
		remember(s, key);
		report(c, &t[i], t[i].ms ? t[i].ms : cli_now_ms() - t0);
		if (t[i].rc)
			s->failed++;
		else
			s->pass++;
	}
	cli_targets_free(t, n);
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

int cli_production(struct cli *c, const struct qh_image *img)
{
	struct qh_error e = {0};
	struct station s = {0};
	struct sigaction sa, old_int, old_term;
	int rc = cli_usb(c, &e);

	if (rc) {
		cli_report_error(c, NULL, &e);
		cli_json_fail(c, &e);
		return cli_exit_code(rc);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	stop = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	cli_note(c, "qdfu: production mode: flashing every board plugged in (Ctrl-C stops)\n");
	while (!stop && (!c->prod_count || s.pass + s.failed < c->prod_count)) {
		struct qh_found *list;
		size_t n = new_boards(c, &s, &list);
		if (n)
			flash_batch(c, &s, list, n, img);
		free(list);
		if (!n)
			sleep_ms(200);
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	free(s.done);
	free(s.prev);
	if (c->json) {
		fprintf(c->jr, "\"passed\":%u,\"failed\":%u", s.pass, s.failed);
		c->jr_complete = 1;
	} else if (!c->quiet) {
		fprintf(c->out, "%u passed, %u failed\n", s.pass, s.failed);
	}
	if (s.failed)
		qh_fail(&c->jerr, QH_E_DFU, "%u of %u boards failed", s.failed, s.pass + s.failed);
	return s.failed ? CLI_EXIT_PARTIAL : CLI_EXIT_OK;
}
