/* SPDX-License-Identifier: MIT */
/* Errors, JSON output and the progress display. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

int cli_exit_code(int code)
{
	switch (code) {
	case QH_OK:
		return CLI_EXIT_OK;
	case QH_E_USAGE:
		return CLI_EXIT_USAGE;
	case QH_E_IO:
	case QH_E_FORMAT:
	case QH_E_OVERLAP:
		return CLI_EXIT_FILE;
	case QH_E_MAP:
		return CLI_EXIT_MAP;
	case QH_E_NODEV:
		return CLI_EXIT_NODEV;
	case QH_E_ACCESS:
	case QH_E_BUSY:
		return CLI_EXIT_ACCESS;
	case QH_E_USB:
	case QH_E_PIPE:
	case QH_E_DFU:
	case QH_E_TIMEOUT:
	case QH_E_UNSUPPORTED:
		return CLI_EXIT_DEVICE;
	case QH_E_VERIFY:
		return CLI_EXIT_VERIFY;
	default:
		return CLI_EXIT_FAIL;
	}
}

uint64_t cli_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---------------------------------------------------------------- JSON */

/* Length of the valid UTF-8 sequence at s (RFC 3629: no overlongs, no
 * surrogates, <= U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

void cli_json_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	fputc('"', f);
	while (*p) {
		size_t n = utf8_len(p);
		if (n == 0) {
			fputs("\\ufffd", f); /* not UTF-8 (e.g. a Latin-1 file name) */
			p++;
		} else if (n > 1) {
			fwrite(p, 1, n, f);
			p += n;
		} else {
			if (*p == '"' || *p == '\\')
				fprintf(f, "\\%c", *p);
			else if (*p == '\n')
				fputs("\\n", f);
			else if (*p < 0x20 || *p == 0x7F)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
			p++;
		}
	}
	fputc('"', f);
}

void cli_json_error_obj(FILE *f, const struct qh_error *e)
{
	const char *hint;

	if (!e || e->code == QH_OK) {
		fputs("null", f);
		return;
	}
	hint = e->hint[0] ? e->hint : qh_default_hint(e->code);
	fprintf(f, "{\"code\":\"%s\",\"message\":", qh_err_id(e->code));
	cli_json_str(f, e->msg[0] ? e->msg : qh_strerror(e->code));
	fputs(",\"hint\":", f);
	if (hint)
		cli_json_str(f, hint);
	else
		fputs("null", f);
	fputc('}', f);
}

void cli_json_fail(struct cli *c, const struct qh_error *e)
{
	if (c->jerr.code == QH_OK)
		c->jerr = *e;
}

void cli_json_emit(struct cli *c, int exit_code)
{
	fflush(c->jr);
	fprintf(c->out, "{\"version\":%d,\"event\":\"result\",\"command\":", CLI_JSON_VERSION);
	if (c->cmd)
		cli_json_str(c->out, c->cmd);
	else
		fputs("null", c->out);
	fprintf(c->out, ",\"ok\":%s,\"exit\":%d,\"error\":", exit_code ? "false" : "true",
	        exit_code);
	if (exit_code == CLI_EXIT_PARTIAL) /* each device's error is in the result */
		fprintf(c->out, "{\"code\":\"partial\",\"message\":\"some devices failed, some "
		                "succeeded (see result)\",\"hint\":null}");
	else if (exit_code && c->jerr.code == QH_OK)
		fprintf(c->out, "{\"code\":\"internal\",\"message\":\"failed\",\"hint\":null}");
	else
		cli_json_error_obj(c->out, exit_code ? &c->jerr : NULL);
	fputs(",\"result\":", c->out);
	if (exit_code == 0 || c->jr_complete)
		fprintf(c->out, "{%.*s}", (int)c->jr_len, c->jr_buf ? c->jr_buf : "");
	else
		fputs("null", c->out);
	fputs("}\n", c->out);
	fflush(c->out);
}

/* -------------------------------------------------------------- errors */

void cli_report_error(struct cli *c, const char *ctx, const struct qh_error *e)
{
	const char *hint = e->hint[0] ? e->hint : qh_default_hint(e->code);

	pthread_mutex_lock(&c->lock);
	fprintf(c->err, "qdfu: %s%serror: %s\n", ctx ? ctx : "", ctx ? ": " : "",
	        e->msg[0] ? e->msg : qh_strerror(e->code));
	if (hint)
		fprintf(c->err, "qdfu: what to do: %s\n", hint);
	pthread_mutex_unlock(&c->lock);
}

void cli_note(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	if (c->quiet || c->json)
		return;
	pthread_mutex_lock(&c->lock);
	va_start(ap, fmt);
	vfprintf(c->err, fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&c->lock);
}

/* ------------------------------------------------------------ progress */

static volatile sig_atomic_t winch;
static struct sigaction old_winch;
static struct cli_progress *const *bars;
static unsigned nbars;

static void on_winch(int sig)
{
	(void)sig;
	winch = 1;
}

static unsigned term_cols(struct cli *c)
{
	struct winsize ws;

	if (ioctl(fileno(c->err), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 80;
}

void cli_duration_str(uint64_t ms, char *buf, size_t len)
{
	if (ms < 60000)
		snprintf(buf, len, "%.1f s", (double)ms / 1000.0);
	else
		snprintf(buf, len, "%u min %02u s", (unsigned)(ms / 60000),
		         (unsigned)(ms / 1000 % 60));
}

static void clock_str(uint64_t ms, char *buf, size_t len)
{
	uint64_t s = ms / 1000;

	if (s >= 3600)
		snprintf(buf, len, "%u:%02u:%02u", (unsigned)(s / 3600), (unsigned)(s / 60 % 60),
		         (unsigned)(s % 60));
	else
		snprintf(buf, len, "%u:%02u", (unsigned)(s / 60), (unsigned)(s % 60));
}

/* "1.5 MiB"-style amount in the unit of scale. */
static const char *unit_of(uint64_t scale, double *div)
{
	if (scale >= 1024 * 1024) {
		*div = 1024.0 * 1024.0;
		return "MiB";
	}
	if (scale >= 1024) {
		*div = 1024.0;
		return "KiB";
	}
	*div = 1.0;
	return "B";
}

static int is_pages(const struct cli_progress *p)
{
	return strcmp(p->phase, "check") == 0;
}

static void amounts(const struct cli_progress *p, char *buf, size_t len)
{
	double div;
	const char *u;

	if (is_pages(p)) {
		snprintf(buf, len, "%llu/%llu pages", (unsigned long long)p->done,
		         (unsigned long long)p->total);
		return;
	}
	u = unit_of(p->total, &div);
	snprintf(buf, len, "%.1f/%.1f %s", (double)p->done / div, (double)p->total / div, u);
}

static void rate_str(const struct cli_progress *p, uint64_t el, char *buf, size_t len)
{
	double per_s = el ? (double)p->done * 1000.0 / (double)el : 0.0, div;
	const char *u = unit_of((uint64_t)per_s, &div);

	if (is_pages(p))
		snprintf(buf, len, "%.0f pages/s", per_s);
	else
		snprintf(buf, len, "%.1f %s/s", per_s / div, u);
}

/* Columns of "label phase pct" and the first n fields. */
static size_t fields_width(const char *label, char f[][48], int n)
{
	size_t w = strlen(label) + 1 + 6 + 1 + 4;

	for (int i = 0; i < n; i++)
		w += 1 + strlen(f[i]);
	return w;
}

void cli_progress_line(const struct cli_progress *p, uint64_t now, unsigned cols, char *buf,
                       size_t len)
{
	/* Fields in the order they are given up when the line does not fit
	 * (the bar goes first, the amount last). */
	enum { F_AMOUNT, F_RATE, F_TIME, NF };
	char f[NF][48], label[32], bar[64], el_s[16], eta[16];
	uint64_t el = now - p->phase_start_ms;
	int pct = p->total ? (int)(p->done * 100 / p->total) : 100;
	size_t fixed, want = cols > 1 ? cols - 1 : 1, lw = want / 6;
	int nf = NF, barw = 0, n;

	lw = lw < 4 ? 4 : lw > 24 ? 24 : lw;
	snprintf(label, sizeof(label), "%.*s", (int)lw, p->label);
	amounts(p, f[F_AMOUNT], sizeof(f[0]));
	rate_str(p, el, f[F_RATE], sizeof(f[0]));
	clock_str(el, el_s, sizeof(el_s));
	if (p->done >= p->total)
		snprintf(eta, sizeof(eta), "done");
	else if (p->done && el > 0)
		clock_str(el * (p->total - p->done) / p->done, eta, sizeof(eta));
	else
		snprintf(eta, sizeof(eta), "-:--");
	snprintf(f[F_TIME], sizeof(f[0]), "%s%s%s", el_s, p->done >= p->total ? " " : " ETA ", eta);
	while (nf > 0 && fields_width(label, f, nf) > want)
		nf--;
	fixed = fields_width(label, f, nf);
	if (want > fixed + 3)
		barw = (int)(want - fixed - 3);
	barw = barw > 40 ? 40 : barw < 10 ? 0 : barw;
	bar[0] = '\0';
	if (barw) {
		int fill = pct * barw / 100;
		bar[0] = ' ';
		bar[1] = '[';
		for (int i = 0; i < barw; i++)
			bar[2 + i] = i < fill ? '#' : '.';
		bar[2 + barw] = ']';
		bar[3 + barw] = '\0';
	}
	n = snprintf(buf, len, "%-*s %-6s %3d%%%s", (int)strlen(label), label, p->phase, pct, bar);
	for (int i = 0; i < nf && n > 0 && (size_t)n < len; i++)
		n += snprintf(buf + n, len - (size_t)n, " %s", f[i]);
	if (strlen(buf) > want)
		buf[want] = '\0';
}

/* Move to bar i's line, rewrite it, come back down. Caller holds the lock. */
static void draw(struct cli *c, struct cli_progress *p, unsigned cols, uint64_t now)
{
	char line[512];
	unsigned up = c->bar_lines - p->line;

	cli_progress_line(p, now, cols, line, sizeof(line));
	p->drawn_len = (unsigned)strlen(line);
	fprintf(c->err, "\033[%uA\r%s\033[K\033[%uB\r", up, line, up);
}

/* After a resize. Terminals that reflow (tmux, VTE, kitty) have wrapped
 * lines drawn for a wider window onto several rows: go up over all of
 * them, clear to the end of the screen and draw every bar again. */
static void redraw_all(struct cli *c, uint64_t now)
{
	unsigned cols = term_cols(c), rows = 0;

	for (unsigned i = 0; i < nbars; i++)
		rows += bars[i]->drawn_len > cols ? (bars[i]->drawn_len + cols - 1) / cols : 1;
	if (rows < c->bar_lines)
		rows = c->bar_lines;
	fprintf(c->err, "\033[%uA\r\033[J", rows);
	for (unsigned i = 0; i < c->bar_lines; i++)
		fputc('\n', c->err);
	for (unsigned i = 0; i < nbars; i++)
		if (bars[i]->phase[0])
			draw(c, bars[i], cols, now);
}

void cli_progress_begin(struct cli *c, struct cli_progress *const *list, unsigned lines)
{
	bars = list;
	nbars = lines;
	if (!c->tty || c->quiet || c->json)
		return;
	pthread_mutex_lock(&c->lock);
	c->bar_lines = lines;
	for (unsigned i = 0; i < lines; i++)
		fputc('\n', c->err);
	{
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_winch;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGWINCH, &sa, &old_winch);
	}
	pthread_mutex_unlock(&c->lock);
}

void cli_progress_end(struct cli *c)
{
	if (c->bar_lines) {
		sigaction(SIGWINCH, &old_winch, NULL);
		if (winch) {
			winch = 0;
			redraw_all(c, cli_now_ms());
		}
		fflush(c->err);
	}
	c->bar_lines = 0;
	bars = NULL;
	nbars = 0;
}

static void timestamp(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, len, "%H:%M:%S", &tm);
}

/* Not a terminal: a timestamped line when a phase starts and ends. */
static void plain(struct cli *c, const struct cli_progress *p, int end, uint64_t now)
{
	char ts[16], dur[32], rate[32];

	timestamp(ts, sizeof(ts));
	if (!end) {
		fprintf(c->err, "[%s] %s: %s started (%llu %s)\n", ts, p->label, p->phase,
		        (unsigned long long)p->total, is_pages(p) ? "pages" : "bytes");
		return;
	}
	cli_duration_str(now - p->phase_start_ms, dur, sizeof(dur));
	rate_str(p, now - p->phase_start_ms, rate, sizeof(rate));
	fprintf(c->err, "[%s] %s: %s done (%llu %s in %s, %s)\n", ts, p->label, p->phase,
	        (unsigned long long)p->total, is_pages(p) ? "pages" : "bytes", dur, rate);
}

static void json_event(struct cli *c, const struct cli_progress *p, uint64_t now)
{
	fprintf(c->out, "{\"version\":%d,\"event\":\"progress\",\"device\":", CLI_JSON_VERSION);
	cli_json_str(c->out, p->label);
	fprintf(c->out,
	        ",\"phase\":\"%s\",\"done\":%llu,\"total\":%llu,\"unit\":\"%s\","
	        "\"elapsed_ms\":%llu}\n",
	        p->phase, (unsigned long long)p->done, (unsigned long long)p->total,
	        is_pages(p) ? "pages" : "bytes", (unsigned long long)(now - p->phase_start_ms));
	fflush(c->out);
}

void cli_progress_cb(void *ud, const char *phase, uint64_t done, uint64_t total)
{
	struct cli_progress *p = ud;
	struct cli *c = p->c;
	uint64_t now = cli_now_ms();
	int pct = total ? (int)(done * 100 / total) : 100, changed;

	if (c->quiet || (c->json && !c->json_progress))
		return;
	pthread_mutex_lock(&c->lock);
	changed = strcmp(p->phase, phase) != 0;
	if (changed) {
		snprintf(p->phase, sizeof(p->phase), "%s", phase);
		p->phase_start_ms = now;
		p->last_pct = -1;
	}
	p->done = done;
	p->total = total;
	if (c->json_progress) {
		if (pct != p->last_pct || changed)
			json_event(c, p, now);
	} else if (c->tty && c->bar_lines > p->line) {
		if (winch) {
			winch = 0;
			redraw_all(c, now);
		} else if (pct != p->last_pct || now - p->last_draw_ms >= 250) {
			draw(c, p, term_cols(c), now);
		}
		p->last_draw_ms = now;
		fflush(c->err);
	} else if (!c->json && pct != p->last_pct && (changed || done == total)) {
		if (changed)
			plain(c, p, 0, now);
		if (done == total)
			plain(c, p, 1, now);
	}
	p->last_pct = pct;
	pthread_mutex_unlock(&c->lock);
}
