/* SPDX-License-Identifier: MIT */
/* The commands. Each one: parse its arguments, call libqdfu, report. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "qh_crc32.h"
#include "qh_ops.h"

/* Map used by `pack` when neither a device nor --layout describes one:
 * qdfu's own alts (see docs/protocol.md). */
static const char *const default_layouts[] = {
    "@Internal Flash /0x08000000/16*128Kg",
    "@QSPI Flash /0x90000000/256*1Mg",
};

/* Report a failure and turn it into an exit status. */
static int fail(struct cli *c, struct qh_error *e, int rc)
{
	int code = cli_exit_code(rc ? rc : e->code);

	if (!e->code)
		e->code = rc;
	cli_json_fail(c, e);
	cli_report_error(c, NULL, e);
	return code;
}

int cli_load_files(struct cli *c, int first, struct qh_image *img, struct qh_error *e)
{
	c->nfiles = 0;
	for (int i = first; i < c->npos; i++) {
		struct qh_file_info fi = {0};
		int rc = qh_load_file(c->pos[i], QH_FMT_AUTO, img, &fi, e);
		if (rc)
			return rc;
		if (fi.format == QH_FMT_DFUSE &&
		    c->nfiles < sizeof(c->files) / sizeof(c->files[0])) {
			c->files[c->nfiles] = fi;
			c->file_names[c->nfiles++] = c->pos[i];
		}
	}
	if (img->n == 0)
		return qh_fail(e, QH_E_FORMAT, "the files hold no data");
	return QH_OK;
}

/* ---------------------------------------------------------------- list */

static void print_layout_text(struct cli *c, const struct qh_alt *a)
{
	char sz[32];

	if (!a->layout_ok) {
		fprintf(c->out, "    alt %u  \"%s\"\n", a->alt, a->name);
		return;
	}
	for (unsigned z = 0; z < a->layout.nzones; z++) {
		const struct qh_layout_zone *zn = &a->layout.z[z];
		qh_size_str(zn->size, sz, sizeof(sz));
		fprintf(c->out, "    alt %u  %-16s 0x%08X-0x%08llX %8s%s:", a->alt, a->layout.name,
		        (unsigned)zn->base, (unsigned long long)(zn->base + zn->size - 1), sz,
		        a->excluded ? " (not written by flash)" : "");
		for (unsigned g = 0; g < zn->ngroups; g++) {
			qh_size_str(zn->g[g].size, sz, sizeof(sz));
			fprintf(c->out, "%s %u x %s %s", g ? "," : "", (unsigned)zn->g[g].count, sz,
			        qh_attr_str(zn->g[g].attr));
		}
		fputc('\n', c->out);
	}
	if (c->verbose) {
		char msg[512], *save = NULL;
		fprintf(c->out, "           \"%s\"\n", a->name);
		if (qh_layout_lint(a->name, msg, sizeof(msg)))
			for (char *line = strtok_r(msg, "\n", &save); line;
			     line = strtok_r(NULL, "\n", &save))
				fprintf(c->out, "           warning: %s\n", line);
	}
}

/* INFO bytes 10 and 11 (docs/protocol.md): why the device is in DFU mode. */
static const char *why_str(uint8_t why)
{
	switch (why) {
	case QDFU_PROTO_WHY_REQUESTED:
		return "the application asked for the bootloader";
	case QDFU_PROTO_WHY_BUTTON:
		return "DFU requested (button held, or qdfu-sim --enter dfu)";
	case QDFU_PROTO_WHY_NO_APP:
		return "no valid application (never flashed, erased, or no vector table)";
	case QDFU_PROTO_WHY_INTERRUPTED:
		return "the last update was interrupted";
	case QDFU_PROTO_WHY_FAULT:
		return "the bootloader reset after a fault";
	default:
		return "not reported";
	}
}

static const char *fault_str(uint8_t exception)
{
	switch (exception) {
	case 2:
		return "NMI";
	case 3:
		return "HardFault";
	case 4:
		return "MemManage fault";
	case 5:
		return "BusFault";
	case 6:
		return "UsageFault";
	default:
		return exception >= 16 ? "unexpected interrupt" : "exception";
	}
}

static void print_why_text(struct cli *c, const struct qh_qdfu_info *q)
{
	fprintf(c->out, "    in DFU mode: %s", why_str(q->why));
	if (q->fault)
		fprintf(c->out, " (%s, exception %u)", fault_str(q->fault), q->fault);
	fputc('\n', c->out);
}

static void print_device_text(struct cli *c, const struct qh_found *f)
{
	const struct qh_dev_info *i = &f->info;

	fprintf(c->out, "%04x:%04x  %-26s serial %-26s path %s\n", i->vid, i->pid,
	        qh_kind_name(i->kind), i->serial[0] ? i->serial : "-", i->path);
	if (f->access_denied) {
		fprintf(c->out,
		        "    (no permission to open it: install host/udev/70-qdfu.rules)\n");
	} else {
		fprintf(c->out,
		        "    \"%s\" / \"%s\", bcdDevice 0x%04x, DFU 0x%04x, transfer size %u%s\n",
		        i->manufacturer, i->product, i->bcd_device, i->bcd_dfu,
		        (unsigned)i->transfer_size,
		        i->speed_mbps == 480  ? ", high speed"
		        : i->speed_mbps == 12 ? ", full speed"
		                              : "");
	}
	if (i->has_qdfu_info)
		fprintf(c->out, "    qdfu protocol %u, firmware %u.%u%s%s\n", i->qdfu.proto,
		        (unsigned)(i->qdfu.fw_version >> 8), (unsigned)(i->qdfu.fw_version & 0xFF),
		        (i->qdfu.caps & QDFU_PROTO_CAP_CRC32) ? ", device CRC" : "",
		        (i->qdfu.flags & QDFU_PROTO_FLAG_DUAL_FLASH) ? ", dual-flash" : "");
	if (i->has_qdfu_info && c->verbose)
		print_why_text(c, &i->qdfu);
	if (i->has_qdfu_info && c->verbose && (i->qdfu.flags & QDFU_PROTO_FLAG_PROTECT_FOUND))
		fprintf(
		    c->out, "    external flash: block protection was set at start-up; %s\n",
		    (i->qdfu.flags & QDFU_PROTO_FLAG_PROTECT_CLEARED)
		        ? "the bootloader cleared it for the update"
		        : "it could NOT be cleared: writes will fail (check the chip's WP# pin)");
	if (i->qdfu_guid && c->verbose)
		fprintf(c->out, "    Microsoft OS 2.0 descriptors name qdfu's interface GUID\n");
	if (i->quirks & QH_QUIRK_SERIAL_NOT_UNIQUE)
		fprintf(c->out, "    (ST ROM serial numbers are not unique: select with --path)\n");
	for (unsigned k = 0; k < i->nalts; k++)
		print_layout_text(c, &i->alts[k]);
}

static void print_zone_json(struct cli *c, const struct qh_layout_zone *zn)
{
	fprintf(c->jr, "{\"start\":\"0x%08X\",\"end\":\"0x%08llX\",\"size\":%llu,\"pages\":[",
	        (unsigned)zn->base, (unsigned long long)(zn->base + zn->size - 1),
	        (unsigned long long)zn->size);
	for (unsigned g = 0; g < zn->ngroups; g++)
		fprintf(c->jr, "%s{\"count\":%u,\"size\":%u,\"type\":\"%c\",\"access\":\"%s\"}",
		        g ? "," : "", (unsigned)zn->g[g].count, (unsigned)zn->g[g].size,
		        zn->g[g].type, qh_attr_str(zn->g[g].attr));
	fprintf(c->jr, "]}");
}

static void print_device_json(struct cli *c, const struct qh_found *f)
{
	const struct qh_dev_info *i = &f->info;
	static const char *const kinds[] = {"qdfu", "st-rom", "dfuse", "dfu", "runtime"};

	fprintf(c->jr,
	        "{\"kind\":\"%s\",\"vid\":\"%04x\",\"pid\":\"%04x\",\"serial\":", kinds[i->kind],
	        i->vid, i->pid);
	cli_json_str(c->jr, i->serial);
	fprintf(c->jr, ",\"path\":");
	cli_json_str(c->jr, i->path);
	fprintf(c->jr, ",\"manufacturer\":");
	cli_json_str(c->jr, i->manufacturer);
	fprintf(c->jr, ",\"product\":");
	cli_json_str(c->jr, i->product);
	fprintf(
	    c->jr,
	    ",\"access\":%s,\"bcd_device\":\"0x%04x\",\"bcd_dfu\":\"0x%04x\",\"transfer_size\":%u,"
	    "\"attributes\":%u,\"speed_mbps\":%u,\"qdfu_guid\":%s",
	    f->access_denied ? "false" : "true", i->bcd_device, i->bcd_dfu,
	    (unsigned)i->transfer_size, i->attrs, (unsigned)i->speed_mbps,
	    i->qdfu_guid ? "true" : "false");
	if (i->has_qdfu_info)
		fprintf(c->jr,
		        ",\"qdfu\":{\"protocol\":%u,\"firmware\":\"%u.%u\",\"crc\":%s,"
		        "\"why\":%u,\"fault\":%u,\"dual_flash\":%s,\"protection_found\":%s,"
		        "\"protection_cleared\":%s}",
		        i->qdfu.proto, (unsigned)(i->qdfu.fw_version >> 8),
		        (unsigned)(i->qdfu.fw_version & 0xFF),
		        (i->qdfu.caps & QDFU_PROTO_CAP_CRC32) ? "true" : "false", i->qdfu.why,
		        i->qdfu.fault,
		        (i->qdfu.flags & QDFU_PROTO_FLAG_DUAL_FLASH) ? "true" : "false",
		        (i->qdfu.flags & QDFU_PROTO_FLAG_PROTECT_FOUND) ? "true" : "false",
		        (i->qdfu.flags & QDFU_PROTO_FLAG_PROTECT_CLEARED) ? "true" : "false");
	fprintf(c->jr, ",\"alts\":[");
	for (unsigned k = 0; k < i->nalts; k++) {
		const struct qh_alt *a = &i->alts[k];
		fprintf(c->jr, "%s{\"alt\":%u,\"name\":", k ? "," : "", a->alt);
		cli_json_str(c->jr, a->name);
		fprintf(c->jr, ",\"written_by_flash\":%s,\"regions\":[",
		        a->layout_ok && !a->excluded ? "true" : "false");
		for (unsigned z = 0; a->layout_ok && z < a->layout.nzones; z++) {
			if (z)
				fputc(',', c->jr);
			print_zone_json(c, &a->layout.z[z]);
		}
		fprintf(c->jr, "]}");
	}
	fprintf(c->jr, "]}");
}

int cmd_list(struct cli *c)
{
	struct qh_error e = {0};
	struct qh_found *list;
	size_t n;
	int rc = cli_usb(c, &e);

	if (rc == 0) {
		qh_usb_report_guid(c->usb, 1);
		rc = qh_usb_scan(c->usb, &c->match, &list, &n, &e);
	}
	if (rc)
		return fail(c, &e, rc);
	if (c->json) {
		fprintf(c->jr, "\"devices\":[");
		for (size_t i = 0; i < n; i++) {
			if (i)
				fputc(',', c->jr);
			print_device_json(c, &list[i]);
		}
		fprintf(c->jr, "]");
	} else if (n == 0) {
		fprintf(c->out, "no DFU device found\n");
		cli_note(c,
		         "qdfu: to flash a board, start its bootloader (hold the DFU/BOOT0 button "
		         "during reset)\n");
	} else {
		for (size_t i = 0; i < n; i++)
			print_device_text(c, &list[i]);
	}
	free(list);
	return CLI_EXIT_OK;
}

/* -------------------------------------------------------- flash/verify */

static uint32_t leave_address(const struct cli_target *t)
{
	/* ST's ROM jumps to the address pointer: give it the image's lowest
	 * address (its vector table). qdfu ignores it and boots what it validated. */
	if (t->plan.nchunk)
		return t->plan.chunk[0].addr;
	return t->map.n ? t->map.r[0].zone.base : 0x08000000u;
}

static void *flash_thread(void *arg)
{
	struct cli_target *t = arg;
	struct cli *c = t->c;
	int is_flash = strcmp(c->cmd, "flash") == 0;
	uint64_t t0 = cli_now_ms();
	int rc = 0;

	if (t->rc) /* refused before anything was touched */
		return NULL;

	if (is_flash)
		rc = qh_op_program(&t->dev, &t->map, &t->plan, &t->err);
	if (rc == 0 && (!is_flash || !c->no_verify))
		rc = qh_op_verify(&t->dev, &t->map, &t->plan, c->verify_mode, &t->err);
	/* A mismatch found by `verify` alone means another image (or none) is
	 * on the board; right after writing it points at the hardware. */
	if (rc == QH_E_VERIFY && !is_flash)
		qh_hint(&t->err, "the board holds a different image (or none): flash this one "
		                 "with `qdfu flash`");
	if (rc == 0 && is_flash && !c->no_reset) {
		t->started_at = leave_address(t);
		rc = qh_op_leave(&t->dev, &t->map, t->started_at, &t->err);
		t->started = rc == 0;
	}
	t->ms = cli_now_ms() - t0;
	t->rc = rc;
	return NULL;
}

static void summary_json(struct cli *c, struct cli_target *t, size_t n, const struct qh_image *img)
{
	FILE *f = c->jr;

	fprintf(f, "\"bytes\":%llu,\"duration_ms\":%llu,\"devices\":[",
	        (unsigned long long)(img ? qh_image_bytes(img) : 0),
	        (unsigned long long)(cli_now_ms() - c->start_ms));
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%s{\"label\":", i ? "," : "");
		cli_json_str(f, t[i].label);
		fprintf(f, ",\"serial\":");
		cli_json_str(f, t[i].found.info.serial);
		fprintf(f, ",\"path\":");
		cli_json_str(f, t[i].found.info.path);
		fprintf(f, ",\"ok\":%s,\"exit\":%d,\"error\":", t[i].rc ? "false" : "true",
		        cli_exit_code(t[i].rc));
		cli_json_error_obj(f, t[i].rc ? &t[i].err : NULL);
		fprintf(f, ",\"duration_ms\":%llu", (unsigned long long)t[i].ms);
		if (strcmp(c->cmd, "flash") == 0)
			fprintf(f,
			        ",\"pages_erased\":%zu,\"pages_unchanged\":%zu,"
			        "\"bytes_written\":%llu,\"pages_already_erased\":%zu,"
			        "\"image_descriptor\":%s,\"recommit_only\":%s",
			        t[i].dev.pages_erased, t[i].dev.pages_unchanged,
			        (unsigned long long)t[i].dev.bytes_written,
			        t[i].dev.pages_already_erased,
			        t[i].dev.image_desc ? "true" : "false",
			        t[i].dev.recommit_only ? "true" : "false");
		if (t[i].started)
			fprintf(f, ",\"started_at\":\"0x%08X\"", (unsigned)t[i].started_at);
		else
			fprintf(f, ",\"started_at\":null");
		fputc('}', f);
	}
	fprintf(f, "]");
	c->jr_complete = 1;
}

/* "; application started at 0x08020000" or "; left in the bootloader". */
static void start_note(const struct cli_target *t, char *buf, size_t len)
{
	if (t->started)
		snprintf(buf, len, "; application started at 0x%08X", (unsigned)t->started_at);
	else
		snprintf(buf, len, "; left in the bootloader (--no-reset)");
}

static void summary_line(struct cli *c, const struct cli_target *t, const struct qh_image *img)
{
	char dur[32];

	cli_duration_str(t->ms, dur, sizeof(dur));
	if (strcmp(c->cmd, "flash") == 0 && t->dev.recommit_only) {
		char start[80];
		start_note(t, start, sizeof(start));
		fprintf(c->out,
		        "%s: flash ok in %s: the image (%llu bytes) was already in place; nothing "
		        "erased or written, only (re)committed%s\n",
		        t->label, dur, (unsigned long long)qh_image_bytes(img), start);
	} else if (strcmp(c->cmd, "flash") == 0) {
		char start[80];
		start_note(t, start, sizeof(start));
		fprintf(c->out,
		        "%s: flash ok in %s (%llu bytes; pages: %zu erased, %zu already erased, "
		        "%zu unchanged; %llu bytes written)%s\n",
		        t->label, dur, (unsigned long long)qh_image_bytes(img), t->dev.pages_erased,
		        t->dev.pages_already_erased, t->dev.pages_unchanged,
		        (unsigned long long)t->dev.bytes_written, start);
	} else if (!img) {
		fprintf(c->out, "%s: %s ok\n", t->label, c->cmd);
	} else {
		fprintf(c->out, "%s: %s ok in %s (%llu bytes)\n", t->label, c->cmd, dur,
		        (unsigned long long)qh_image_bytes(img));
	}
}

static void summary(struct cli *c, struct cli_target *t, size_t n, const struct qh_image *img)
{
	size_t ok = 0;

	for (size_t i = 0; i < n; i++) {
		ok += t[i].rc == 0;
		if (t[i].rc)
			cli_json_fail(c, &t[i].err);
	}
	if (c->json)
		summary_json(c, t, n, img);
	for (size_t i = 0; i < n; i++) {
		if (t[i].rc)
			cli_report_error(c, t[i].label, &t[i].err);
		else if (!c->quiet && !c->json)
			summary_line(c, &t[i], img);
	}
	if (n > 1 && !c->quiet && !c->json) {
		char dur[32];
		cli_duration_str(cli_now_ms() - c->start_ms, dur, sizeof(dur));
		fprintf(c->out, "%zu of %zu devices succeeded in %s\n", ok, n, dur);
	}
}

static int targets_exit(struct cli_target *t, size_t n)
{
	size_t ok = 0;
	int first = 0;

	for (size_t i = 0; i < n; i++) {
		if (t[i].rc == 0)
			ok++;
		else if (!first)
			first = t[i].rc;
	}
	if (ok == n)
		return CLI_EXIT_OK;
	if (n > 1 && ok > 0)
		return CLI_EXIT_PARTIAL;
	return cli_exit_code(first);
}

static void print_plan(struct cli *c, const struct cli_target *t)
{
	int crc = c->verify_mode == 1 || (c->verify_mode < 0 && qh_dev_has_crc(&t->found.info));
	int skip = !c->no_skip && qh_dev_has_crc(&t->found.info);

	fprintf(c->err, "%s: %s, %s verification\n", t->label, qh_kind_name(t->found.info.kind),
	        crc ? "device CRC" : "read-back");
	for (size_t i = 0; i < t->plan.nchunk; i++) {
		const struct qh_chunk *ch = &t->plan.chunk[i];
		fprintf(c->err, "%s:   write 0x%08X-0x%08X via alt %u '%s'\n", t->label,
		        (unsigned)ch->addr, (unsigned)(ch->addr + ch->len - 1),
		        t->map.r[ch->region].alt, t->map.r[ch->region].name);
	}
	/* With skipping, the device's CRCs decide which pages are erased: list
	 * them as candidates; the summary says how many were erased. */
	if (skip && t->plan.npage)
		fprintf(c->err,
		        "%s:   %zu page(s) touched; each is erased only if it does not already "
		        "hold the data (or is already erased):\n",
		        t->label, t->plan.npage);
	for (size_t i = 0; i < t->plan.npage; i++)
		fprintf(c->err, "%s:   %s page 0x%08X (%u bytes)\n", t->label,
		        skip ? "check" : "erase", (unsigned)t->plan.page[i].addr,
		        (unsigned)t->plan.page[i].size);
}

/* Run flash_thread on every target, one thread each. */
static void run_targets(struct cli *c, struct cli_target *t, size_t n)
{
	struct cli_progress **list = calloc(n ? n : 1, sizeof(*list));

	for (size_t i = 0; list && i < n; i++)
		list[i] = &t[i].prog;
	cli_progress_begin(c, list, list ? (unsigned)n : 0);
	for (size_t i = 0; i < n; i++)
		if (pthread_create(&t[i].thread, NULL, flash_thread, &t[i]) != 0)
			flash_thread(&t[i]); /* no thread: do it here */
		else
			t[i].open |= 2;
	for (size_t i = 0; i < n; i++)
		if (t[i].open & 2) {
			pthread_join(t[i].thread, NULL);
			t[i].open &= 1;
		}
	cli_progress_end(c);
	free(list);
}

int cli_flash_targets(struct cli *c, struct cli_target *t, size_t n, const struct qh_image *img,
                      int all_or_nothing)
{
	size_t ready = 0;

	/* Open every device and check the image against its map before any
	 * device is touched. */
	for (size_t i = 0; i < n; i++) {
		t[i].img = img;
		t[i].rc = cli_open(c, &t[i], &t[i].err);
		t[i].dev.skip_unchanged = !c->no_skip;
		for (unsigned f = 0; t[i].rc == 0 && !c->force && f < c->nfiles; f++)
			t[i].rc =
			    qh_check_dfu_ids(&c->files[f], c->file_names[f], t[i].found.info.vid,
			                     t[i].found.info.pid, &t[i].err);
		if (t[i].rc == 0)
			t[i].rc = qh_plan_build(&t[i].map, img, &t[i].plan, &t[i].err);
		if (t[i].rc == QH_E_MAP)
			cli_rom_hint(c, &t[i]);
		ready += t[i].rc == 0;
	}
	if (ready == n || (!all_or_nothing && ready)) {
		if (n == 1 && t[0].plan.npage && strcmp(c->cmd, "flash") == 0)
			cli_note(c,
			         "%s: %llu bytes in %zu range(s), touching %zu erasable page(s)\n",
			         t[0].label, (unsigned long long)t[0].plan.bytes, t[0].plan.nchunk,
			         t[0].plan.npage);
		for (size_t i = 0; i < n && c->verbose && !c->json; i++)
			print_plan(c, &t[i]);
		run_targets(c, t, n);
	} else if (all_or_nothing) {
		/* All or nothing: a device whose check passed is not touched when
		 * another one refused the image (likely a different board). */
		for (size_t i = 0; i < n; i++)
			if (t[i].rc == 0)
				t[i].rc =
				    qh_fail(&t[i].err, QH_E_MAP,
				            "not %s: the image was refused for another device "
				            "(see above); nothing was changed",
				            strcmp(c->cmd, "flash") == 0 ? "flashed" : "verified");
	}
	return targets_exit(t, n);
}

int cmd_flash(struct cli *c)
{
	struct qh_error e = {0};
	struct qh_image img;
	struct cli_target *t = NULL;
	size_t n = 0;
	int rc;

	if (c->prod_count && !c->production) {
		qh_fail(&e, QH_E_USAGE, "--count applies to --production only");
		qh_hint(&e, "qdfu flash --production --count 10 app.hex");
		return fail(c, &e, QH_E_USAGE);
	}
	qh_image_init(&img);
	rc = cli_load_files(c, 0, &img, &e);
	if (rc == 0 && c->production) {
		rc = cli_production(c, &img);
		qh_image_free(&img);
		return rc;
	}
	if (rc == 0)
		rc = cli_select(c, c->all, &t, &n, &e);
	if (rc) {
		qh_image_free(&img);
		return fail(c, &e, rc);
	}
	rc = cli_flash_targets(c, t, n, &img, 1);
	summary(c, t, n, &img);
	cli_targets_free(t, n);
	qh_image_free(&img);
	return rc;
}

int cmd_verify(struct cli *c)
{
	return cmd_flash(c);
}

/* ---------------------------------------------------------- read/erase */

static int one_device(struct cli *c, struct cli_target **t, struct qh_error *e)
{
	size_t n;
	int rc = cli_select(c, 0, t, &n, e);

	if (rc == 0)
		rc = cli_open(c, *t, e);
	return rc;
}

static int parse_range(struct cli *c, uint32_t *addr, uint32_t *len, struct qh_error *e)
{
	if (qh_parse_address(c->pos[0], NULL, addr, e) != 0)
		return QH_E_USAGE;
	if (qh_parse_u32(c->pos[1], len) != 0 || *len == 0)
		return qh_fail(e, QH_E_USAGE, "bad length '%s' (e.g. 0x1000, 4096 or 4K)",
		               c->pos[1]);
	if ((uint64_t)*addr + *len > 0x100000000ull)
		return qh_fail(e, QH_E_USAGE, "range runs past the 4 GiB address space");
	return QH_OK;
}

static int has_suffix(const char *path, const char *ext)
{
	const char *dot = strrchr(path, '.');
	return dot && strcasecmp(dot + 1, ext) == 0;
}

static int save_read(struct cli *c, uint32_t addr, uint8_t *buf, uint32_t len, struct qh_error *e)
{
	struct qh_image img;
	uint8_t *text = NULL;
	size_t tlen = 0;
	int rc = QH_OK;

	if (!has_suffix(c->output, "hex") && !has_suffix(c->output, "srec") &&
	    !has_suffix(c->output, "s19") && !has_suffix(c->output, "s37"))
		return qh_write_file(c->output, buf, len, e);
	qh_image_init(&img);
	rc = qh_image_add(&img, addr, buf, len, "read", e);
	if (rc == 0)
		rc = has_suffix(c->output, "hex") ? qh_write_ihex(&img, &text, &tlen, e)
		                                  : qh_write_srec(&img, &text, &tlen, e);
	if (rc == 0)
		rc = qh_write_file(c->output, text, tlen, e);
	free(text);
	qh_image_free(&img);
	return rc;
}

int cmd_read(struct cli *c)
{
	struct qh_error e = {0};
	struct cli_target *t = NULL;
	uint32_t addr, len;
	uint8_t *buf = NULL;
	int rc;

	if (!c->output) {
		qh_fail(&e, QH_E_USAGE, "read needs an output file");
		qh_hint(&e, "qdfu read 0x08020000 0x20000 -o app.bin");
		return fail(c, &e, QH_E_USAGE);
	}
	rc = parse_range(c, &addr, &len, &e);
	if (rc == 0)
		rc = one_device(c, &t, &e);
	if (rc == 0) {
		buf = malloc(len);
		rc = buf ? 0 : qh_fail(&e, QH_E_NOMEM, "out of memory");
	}
	if (rc == 0) {
		struct cli_progress *bar = &t->prog;
		cli_progress_begin(c, &bar, 1);
		rc = qh_op_read(&t->dev, &t->map, addr, len, buf, &e);
		cli_progress_end(c);
	}
	if (rc == 0)
		rc = save_read(c, addr, buf, len, &e);
	free(buf);
	cli_targets_free(t, t ? 1 : 0);
	if (rc)
		return fail(c, &e, rc);
	if (c->json) {
		fprintf(c->jr, "\"address\":\"0x%08X\",\"length\":%u,\"output\":", (unsigned)addr,
		        (unsigned)len);
		cli_json_str(c->jr, c->output);
	} else if (!c->quiet)
		fprintf(c->out, "read 0x%08X-0x%08X (%u bytes) into %s\n", (unsigned)addr,
		        (unsigned)(addr + len - 1), (unsigned)len, c->output);
	return CLI_EXIT_OK;
}

int cmd_erase(struct cli *c)
{
	struct qh_error e = {0};
	struct cli_target *t = NULL;
	uint32_t addr = 0, len = 0;
	int rc = QH_OK;

	if (c->all == (c->npos == 2)) {
		qh_fail(&e, QH_E_USAGE, "erase needs ADDRESS LENGTH, or --all");
		qh_hint(&e, "qdfu erase 0x08020000 0x20000   or   qdfu erase --all");
		return fail(c, &e, QH_E_USAGE);
	}
	if (!c->all)
		rc = parse_range(c, &addr, &len, &e);
	c->all = 0; /* in erase, --all means all memory, not all devices */
	if (rc == 0)
		rc = one_device(c, &t, &e);
	if (rc == 0) {
		struct cli_progress *bar = &t->prog;
		cli_progress_begin(c, &bar, 1);
		rc = len ? qh_op_erase(&t->dev, &t->map, addr, len, &e)
		         : qh_op_mass_erase(&t->dev, &t->map, &e);
		cli_progress_end(c);
	}
	cli_targets_free(t, t ? 1 : 0);
	if (rc)
		return fail(c, &e, rc);
	if (c->json && len)
		fprintf(c->jr, "\"address\":\"0x%08X\",\"length\":%u,\"all\":false", (unsigned)addr,
		        (unsigned)len);
	else if (c->json)
		fprintf(c->jr, "\"address\":null,\"length\":null,\"all\":true");
	else if (!c->quiet && len)
		fprintf(c->out, "erased every page touched by 0x%08X-0x%08X\n", (unsigned)addr,
		        (unsigned)(addr + len - 1));
	else if (!c->quiet)
		fprintf(c->out, "erased all erasable memory\n");
	return CLI_EXIT_OK;
}

int cmd_reset(struct cli *c)
{
	struct qh_error e = {0};
	struct cli_target *t = NULL;
	size_t n = 0;
	int rc = cli_select(c, c->all, &t, &n, &e);

	if (rc)
		return fail(c, &e, rc);
	for (size_t i = 0; i < n; i++) {
		t[i].rc = cli_open(c, &t[i], &t[i].err);
		if (t[i].rc == 0) {
			t[i].started_at = leave_address(&t[i]);
			t[i].rc = qh_op_leave(&t[i].dev, &t[i].map, t[i].started_at, &t[i].err);
			t[i].started = t[i].rc == 0;
		}
	}
	summary(c, t, n, NULL);
	rc = targets_exit(t, n);
	cli_targets_free(t, n);
	return rc;
}

/* ----------------------------------------------------------- info/pack */

static void print_segments(struct cli *c, const struct qh_image *img, int json)
{
	for (size_t i = 0; i < img->n; i++) {
		const struct qh_seg *s = &img->seg[i];
		uint32_t crc = qh_crc32(s->data, s->len);
		if (json)
			fprintf(c->jr,
			        "%s{\"start\":\"0x%08X\",\"end\":\"0x%08X\",\"length\":%u,"
			        "\"crc32\":\"0x%08X\"}",
			        i ? "," : "", (unsigned)s->addr, (unsigned)(s->addr + s->len - 1),
			        (unsigned)s->len, (unsigned)crc);
		else
			fprintf(c->out, "  0x%08X-0x%08X %10u bytes  crc32 0x%08X\n",
			        (unsigned)s->addr, (unsigned)(s->addr + s->len - 1),
			        (unsigned)s->len, (unsigned)crc);
	}
}

/* Map for info/pack: a selected device, else --layout, else (info) the
 * only attached DfuSe device, else (pack) the default. *have = 0: none. */
static int info_map(struct cli *c, int for_pack, struct qh_memmap *m, int *have, struct qh_error *e)
{
	struct cli_target *t = NULL;
	size_t n = 0;

	*have = 0;
	if (c->nlayouts) {
		*have = 1;
		return cli_offline_map(c, m, e);
	}
	if (c->selected || !for_pack) {
		struct qh_error quiet = {0};
		int rc = cli_select(c, 0, &t, &n, c->selected && !for_pack ? e : &quiet);
		if (rc == 0) {
			rc = qh_dev_memmap(&t[0].found.info, m, e);
			*have = rc == 0 && m->n > 0;
			if (*have && !c->suffix_vid && !c->have_suffix_ids) {
				c->suffix_vid = t[0].found.info.vid;
				c->suffix_pid = t[0].found.info.pid;
				c->have_suffix_ids = 1;
			}
		}
		cli_targets_free(t, n);
		if (rc && c->selected && !for_pack)
			return rc;
	}
	if (!*have && for_pack) {
		memset(m, 0, sizeof(*m));
		for (unsigned i = 0; i < 2; i++) {
			struct qh_layout l;
			qh_layout_parse(default_layouts[i], &l, NULL);
			qh_memmap_add(m, (uint8_t)i, &l, 0, NULL);
		}
		*have = 1;
	}
	return QH_OK;
}

static void print_placement(struct cli *c, const struct qh_memmap *m, const struct qh_plan *p)
{
	if (c->json) {
		fprintf(c->jr, ",\"placement\":[");
		for (size_t i = 0; i < p->nchunk; i++) {
			const struct qh_chunk *ch = &p->chunk[i];
			fprintf(c->jr,
			        "%s{\"start\":\"0x%08X\",\"length\":%u,\"alt\":%u,\"region\":",
			        i ? "," : "", (unsigned)ch->addr, (unsigned)ch->len,
			        m->r[ch->region].alt);
			cli_json_str(c->jr, m->r[ch->region].name);
			fputc('}', c->jr);
		}
		fprintf(c->jr, "],\"erase_pages\":%zu,\"erase_bytes\":%llu", p->npage,
		        (unsigned long long)p->erase_bytes);
		return;
	}
	fprintf(c->out, "placement:\n");
	for (size_t i = 0; i < p->nchunk; i++) {
		const struct qh_chunk *ch = &p->chunk[i];
		fprintf(c->out, "  0x%08X-0x%08X -> alt %u '%s'\n", (unsigned)ch->addr,
		        (unsigned)(ch->addr + ch->len - 1), m->r[ch->region].alt,
		        m->r[ch->region].name);
	}
	fprintf(c->out, "  %zu page(s) to erase (%llu bytes)\n", p->npage,
	        (unsigned long long)p->erase_bytes);
}

int cmd_info(struct cli *c)
{
	struct qh_error e = {0};
	struct qh_image all;
	struct qh_memmap map;
	struct qh_plan plan;
	int have_map = 0, rc = QH_OK;

	qh_image_init(&all);
	if (c->json)
		fprintf(c->jr, "\"files\":[");
	for (int i = 0; i < c->npos && rc == 0; i++) {
		struct qh_image img;
		struct qh_file_info fi = {0};
		qh_image_init(&img);
		rc = qh_load_file(c->pos[i], QH_FMT_AUTO, &img, &fi, &e);
		if (rc == 0) {
			if (c->json) {
				fprintf(c->jr, "%s{\"file\":", i ? "," : "");
				cli_json_str(c->jr, c->pos[i]);
				fprintf(c->jr, ",\"format\":\"%s\",\"size\":%zu,\"segments\":[",
				        qh_format_name(fi.format), fi.file_size);
				print_segments(c, &img, 1);
				fprintf(c->jr, "]}");
			} else {
				fprintf(c->out,
				        "%s: %s, %zu bytes, %zu segment(s), %llu data bytes\n",
				        c->pos[i], qh_format_name(fi.format), fi.file_size, img.n,
				        (unsigned long long)qh_image_bytes(&img));
				print_segments(c, &img, 0);
			}
			rc = qh_image_merge(&all, &img, c->pos[i], &e);
		}
		qh_image_free(&img);
	}
	if (c->json)
		fprintf(c->jr, "]");
	if (rc == 0) {
		if (c->json) {
			fprintf(c->jr, ",\"image\":{\"bytes\":%llu,\"entry\":",
			        (unsigned long long)qh_image_bytes(&all));
			if (all.has_entry)
				fprintf(c->jr, "\"0x%08X\"", (unsigned)all.entry);
			else
				fputs("null", c->jr);
			fprintf(c->jr, ",\"segments\":[");
			print_segments(c, &all, 1);
			fprintf(c->jr, "]}");
		} else if (c->npos > 1) {
			fprintf(c->out, "merged image: %zu segment(s), %llu bytes\n", all.n,
			        (unsigned long long)qh_image_bytes(&all));
			print_segments(c, &all, 0);
		}
		if (!c->json && all.has_entry)
			fprintf(c->out, "entry point 0x%08X\n", (unsigned)all.entry);
		rc = info_map(c, 0, &map, &have_map, &e);
	}
	if (rc == 0 && have_map) {
		rc = qh_plan_build(&map, &all, &plan, &e);
		if (rc == 0) {
			print_placement(c, &map, &plan);
			qh_plan_free(&plan);
		}
	}
	qh_image_free(&all);
	if (rc == 0 && c->json && !have_map)
		fprintf(c->jr, ",\"placement\":null");
	if (rc)
		return fail(c, &e, rc);
	return CLI_EXIT_OK;
}

static int build_targets(const struct qh_memmap *m, const struct qh_plan *p,
                         struct qh_dfuse_file *f, struct qh_error *e)
{
	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < p->nchunk; i++) {
		const struct qh_region *r = &m->r[p->chunk[i].region];
		unsigned k;
		int rc;
		for (k = 0; k < f->ntargets; k++)
			if (f->t[k].alt == r->alt)
				break;
		if (k == f->ntargets) {
			if (k == QH_DFUSE_MAX_TARGETS)
				return qh_fail(e, QH_E_USAGE, "too many targets");
			f->ntargets++;
			f->t[k].alt = r->alt;
			f->t[k].named = 1;
			snprintf(f->t[k].name, sizeof(f->t[k].name), "%s", r->name);
			qh_image_init(&f->t[k].img);
		}
		rc = qh_image_add(&f->t[k].img, p->chunk[i].addr, p->chunk[i].data, p->chunk[i].len,
		                  "pack", e);
		if (rc)
			return rc;
	}
	return QH_OK;
}

int cmd_pack(struct cli *c)
{
	struct qh_error e = {0};
	struct qh_image img;
	struct qh_memmap map;
	struct qh_plan plan = {0};
	struct qh_dfuse_file f = {0};
	uint8_t *buf = NULL;
	size_t len = 0;
	int have = 0, rc;

	if (!c->output) {
		qh_fail(&e, QH_E_USAGE, "pack needs an output file");
		qh_hint(&e, "qdfu pack app.hex -o app.dfu");
		return fail(c, &e, QH_E_USAGE);
	}
	if (c->match.has_vidpid) {
		c->suffix_vid = c->match.vid;
		c->suffix_pid = c->match.pid;
		c->have_suffix_ids = 1;
	}
	qh_image_init(&img);
	rc = cli_load_files(c, 0, &img, &e);
	if (rc == 0)
		rc = info_map(c, 1, &map, &have, &e);
	if (rc == 0)
		rc = qh_plan_build(&map, &img, &plan, &e);
	if (rc == 0)
		rc = build_targets(&map, &plan, &f, &e);
	if (rc == 0) {
		f.vid = c->have_suffix_ids ? c->suffix_vid : 0x0483;
		f.pid = c->have_suffix_ids ? c->suffix_pid : 0xDF11;
		f.bcd_device = 0xFFFF;
		rc = qh_write_dfuse(&f, &buf, &len, &e);
	}
	if (rc == 0)
		rc = qh_write_file(c->output, buf, len, &e);
	free(buf);
	qh_dfuse_free(&f);
	qh_plan_free(&plan);
	qh_image_free(&img);
	if (rc)
		return fail(c, &e, rc);
	if (c->json) {
		fprintf(c->jr, "\"output\":");
		cli_json_str(c->jr, c->output);
		fprintf(c->jr, ",\"size\":%zu,\"vid\":\"%04x\",\"pid\":\"%04x\"", len, f.vid,
		        f.pid);
	} else if (!c->quiet) {
		fprintf(c->out, "wrote %s (%zu bytes, DfuSe, suffix %04x:%04x)\n", c->output, len,
		        c->have_suffix_ids ? c->suffix_vid : 0x0483,
		        c->have_suffix_ids ? c->suffix_pid : 0xDF11);
	}
	return CLI_EXIT_OK;
}
