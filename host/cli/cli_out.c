/* SPDX-License-Identifier: MIT */
/* Errors, JSON strings and progress display. */
#include <stdarg.h>
#include <string.h>

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

void cli_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", f);
		else if (ch < 0x20 || ch >= 0x7F)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

/* What to do, when the library gave no more specific hint. */
static const char *default_hint(int code)
{
	switch (code) {
	case QH_E_FORMAT:
		return "the file is damaged, truncated or not what its name says: build or "
		       "export it again (e.g. arm-none-eabi-objcopy -O ihex app.elf app.hex)";
	case QH_E_OVERLAP:
		return "two inputs write different bytes to the same address: drop one of them "
		       "or fix the link addresses";
	case QH_E_MAP:
		return "check the program's link addresses (linker script); `qdfu list` shows "
		       "the device's memory map and `qdfu info FILE` where each part would go";
	case QH_E_VERIFY:
		return "flash again; if it keeps failing, check the board's supply and the flash "
		       "chip (the data that was written does not read back)";
	case QH_E_USB:
	case QH_E_PIPE:
	case QH_E_DFU:
	case QH_E_TIMEOUT:
		return "reset the board into its bootloader and retry; `qdfu list` shows whether "
		       "it is still there";
	default:
		return NULL;
	}
}

void cli_report_error(struct cli *c, const char *ctx, const struct qh_error *e)
{
	const char *hint = e->hint[0] ? e->hint : default_hint(e->code);

	pthread_mutex_lock(&c->lock);
	fprintf(c->err, "qdfu: %s%serror: %s\n", ctx ? ctx : "", ctx ? ": " : "",
	        e->msg[0] ? e->msg : qh_strerror(e->code));
	if (hint)
		fprintf(c->err, "qdfu: what to do: %s\n", hint);
	pthread_mutex_unlock(&c->lock);
}

void cli_json_error(struct cli *c, int exit_code, const struct qh_error *e)
{
	fprintf(c->out, "{\"ok\":false,\"exit\":%d,\"error\":", exit_code);
	cli_json_str(c->out, e->msg[0] ? e->msg : qh_strerror(e->code));
	fprintf(c->out, ",\"hint\":");
	cli_json_str(c->out, e->hint[0] ? e->hint : default_hint(e->code));
	fprintf(c->out, "}\n");
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

void cli_progress_begin(struct cli *c, unsigned lines)
{
	if (!c->tty || c->quiet || c->json)
		return;
	pthread_mutex_lock(&c->lock);
	c->bar_lines = lines;
	for (unsigned i = 0; i < lines; i++)
		fputc('\n', c->err);
	pthread_mutex_unlock(&c->lock);
}

void cli_progress_end(struct cli *c)
{
	c->bar_lines = 0;
}

static void draw_bar(struct cli_progress *p, uint64_t done, uint64_t total, int pct)
{
	struct cli *c = p->c;
	unsigned up = c->bar_lines - p->line;
	char bar[31];
	int fill = pct * 30 / 100;

	for (int i = 0; i < 30; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[30] = '\0';
	/* Move up to this device's line, redraw it, come back down. "check"
	 * counts pages, every other phase bytes. */
	if (strcmp(p->phase, "check") == 0)
		fprintf(c->err,
		        "\033[%uA\r\033[K%-28.28s %-6s [%s] %3d%% %llu/%llu pages\033[%uB\r", up,
		        p->label, p->phase, bar, pct, (unsigned long long)done,
		        (unsigned long long)total, up);
	else
		fprintf(c->err, "\033[%uA\r\033[K%-28.28s %-6s [%s] %3d%% %llu/%llu KiB\033[%uB\r",
		        up, p->label, p->phase, bar, pct, (unsigned long long)(done / 1024),
		        (unsigned long long)(total / 1024), up);
	fflush(c->err);
}

void cli_progress_cb(void *ud, const char *phase, uint64_t done, uint64_t total)
{
	struct cli_progress *p = ud;
	struct cli *c = p->c;
	int pct = total ? (int)(done * 100 / total) : 100;

	if (c->quiet || c->json)
		return;
	pthread_mutex_lock(&c->lock);
	if (p->phase != phase && (!p->phase || strcmp(p->phase, phase) != 0)) {
		p->phase = phase;
		p->last_pct = -1;
	}
	if (pct != p->last_pct) {
		p->last_pct = pct;
		if (c->tty && c->bar_lines > p->line)
			draw_bar(p, done, total, pct);
		else if (done == 0 || done == total)
			/* Plain lines when not on a terminal: start and end of each phase. */
			fprintf(c->err, "%s: %s %s (%llu %s)\n", p->label, phase,
			        done == 0 ? "started" : "done", (unsigned long long)total,
			        strcmp(phase, "check") == 0 ? "pages" : "bytes");
	}
	pthread_mutex_unlock(&c->lock);
}
