/* SPDX-License-Identifier: MIT */
/* Finding, selecting, opening devices. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "qh_ops.h"
#include "qh_select.h"

int cli_usb(struct cli *c, struct qh_error *e)
{
	if (c->usb)
		return QH_OK;
	return qh_usb_init(&c->usb, e);
}

static void make_label(struct cli_target *t)
{
	const struct qh_dev_info *i = &t->found.info;

	if (i->serial[0] && !(i->quirks & QH_QUIRK_SERIAL_NOT_UNIQUE))
		snprintf(t->label, sizeof(t->label), "%s", i->serial);
	else
		snprintf(t->label, sizeof(t->label), "%04x:%04x@%s", i->vid, i->pid, i->path);
}

int cli_select(struct cli *c, int multi_ok, struct cli_target **out, size_t *nout,
               struct qh_error *e)
{
	struct qh_found *list = NULL;
	size_t n = 0;
	struct cli_target *t;
	int rc = cli_usb(c, e);

	*out = NULL;
	*nout = 0;
	if (rc == 0 && c->wait_ms && !c->quiet && !c->json)
		cli_note(c, "qdfu: waiting for a device...\n");
	if (rc == 0)
		rc = qh_select(c->usb, &c->match, multi_ok, c->wait_ms, &list, &n, e);
	if (rc)
		return rc;
	t = cli_targets_from(c, list, n);
	free(list);
	if (!t)
		return qh_fail(e, QH_E_NOMEM, "out of memory");
	*out = t;
	*nout = n;
	return QH_OK;
}

struct cli_target *cli_targets_from(struct cli *c, const struct qh_found *list, size_t n)
{
	struct cli_target *t = calloc(n ? n : 1, sizeof(*t));

	for (size_t i = 0; t && i < n; i++) {
		t[i].found = list[i];
		t[i].c = c;
		make_label(&t[i]);
		t[i].prog.c = c;
		t[i].prog.line = (unsigned)i;
		snprintf(t[i].prog.label, sizeof(t[i].prog.label), "%s", t[i].label);
	}
	return t;
}

int cli_open(struct cli *c, struct cli_target *t, struct qh_error *e)
{
	int rc;

	if (t->found.info.kind == QH_KIND_ST_ROM && (c->board || c->flasher) && !c->rom_direct) {
		rc = cli_rom_start(c, t, e);
		if (rc)
			return rc;
	}
	if (t->found.info.kind == QH_KIND_RUNTIME) {
		struct qh_dev_info dfu;
		cli_note(c, "%s: application in DFU runtime mode: detaching into the bootloader\n",
		         t->label);
		rc = qh_usb_detach_wait(c->usb, &t->found.info, c->detach_ms, &dfu, e);
		if (rc)
			return rc;
		t->found.info = dfu;
	}
	rc = qh_usb_open(c->usb, &t->found.info, &t->dev, e);
	if (rc)
		return rc;
	t->open = 1;
	t->dev.progress = cli_progress_cb;
	t->dev.progress_ud = &t->prog;
	rc = qh_dev_memmap(&t->found.info, &t->map, e);
	if (rc == 0 && t->map.n == 0)
		rc = qh_fail(e, QH_E_UNSUPPORTED,
		             "%s is not a DfuSe device (no memory layout in its alt names); qdfu "
		             "needs addresses to place data",
		             t->label);
	return rc;
}

void cli_close(struct cli_target *t)
{
	if (t->open)
		qh_usb_close(&t->dev);
	t->open = 0;
	qh_plan_free(&t->plan);
}

void cli_targets_free(struct cli_target *t, size_t n)
{
	for (size_t i = 0; t && i < n; i++)
		cli_close(&t[i]);
	free(t);
}

int cli_offline_map(struct cli *c, struct qh_memmap *m, struct qh_error *e)
{
	memset(m, 0, sizeof(*m));
	for (unsigned i = 0; i < c->nlayouts; i++) {
		struct qh_layout l;
		int rc = qh_layout_parse(c->layouts[i], &l, e);
		if (rc)
			return qh_fail(e, QH_E_USAGE, "bad --layout");
		rc = qh_memmap_add(m, (uint8_t)i, &l, 0, e);
		if (rc)
			return rc;
	}
	return QH_OK;
}
