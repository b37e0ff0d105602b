/* SPDX-License-Identifier: MIT */
/*
 * Zero install and `qdfu install` (docs/zero-install.md): a board in ST's
 * ROM DFU mode gets qdfu's flasher loaded into RAM (--board NAME or
 * --flasher FILE) and every command then talks to the flasher; `install`
 * writes the resident bootloader through the ROM. The logic is libqdfu's
 * (qh_rom.c, qh_rom_usb.c); this file finds the images and reports.
 */
#define _POSIX_C_SOURCE 200809L
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "qh_ops.h"
#include "qh_rom.h"
#include "qh_rom_usb.h"

/* Directory of this executable, or "" (Linux: /proc/self/exe). */
void cli_exe_dir(char *out, size_t cap)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	out[0] = '\0';
	if (n <= 0)
		return;
	self[n] = '\0';
	char *slash = strrchr(self, '/');
	if (slash) {
		*slash = '\0';
		snprintf(out, cap, "%s", self);
	}
}

/* Where a board's image NAME may be, in order: $QDFU_FLASHER_DIR, the
 * build tree (build/host/qdfu -> build/<board>/), an installed share
 * directory. Returns 0 and the path, or the error listing where it looked. */
int cli_find_image(const char *board, const char *name, char *out, size_t cap, struct qh_error *e)
{
	char dir[PATH_MAX], tried[3][PATH_MAX + 64];
	const char *env = getenv("QDFU_FLASHER_DIR");
	cli_exe_dir(dir, sizeof(dir));
	snprintf(tried[0], sizeof(tried[0]), "%s/%s", env ? env : ".", name);
	snprintf(tried[1], sizeof(tried[1]), "%s/../%s/%s", dir, board, name);
	snprintf(tried[2], sizeof(tried[2]), "%s/../share/qdfu/images/%s", dir, name);
	for (unsigned i = env ? 0 : 1; i < 3; i++)
		if (access(tried[i], R_OK) == 0) {
			snprintf(out, cap, "%s", tried[i]);
			return QH_OK;
		}
	qh_fail(e, QH_E_IO, "no %s found (looked in %s, %s%s%s)", name, tried[1], tried[2],
	        env ? " and " : "", env ? tried[0] : "");
	qh_hint(e, "build it with `make firmware`, or give the file (--flasher FILE for zero "
	           "install, FILE for install)");
	return QH_E_IO;
}

static int load_flasher(struct cli *c, struct qh_flasher *f, struct qh_error *e)
{
	char path[PATH_MAX + 64], name[96];
	if (c->flasher)
		return qh_flasher_load(c->flasher, f, e);
	qh_flasher_file_name(c->board, name, sizeof(name));
	int rc = cli_find_image(c->board, name, path, sizeof(path), e);
	return rc ? rc : qh_flasher_load(path, f, e);
}

/* ROM checks, flasher into RAM, started; the ROM device is closed again. */
static int start_flasher_on(struct cli *c, struct cli_target *t, const struct qh_flasher *f,
                            struct qh_error *e)
{
	struct qh_dev d;
	struct qh_rom_info ri;
	int rc = qh_usb_open(c->usb, &t->found.info, &d, e);
	if (rc)
		return rc;
	rc = qh_rom_identify(&d, &ri, e);
	if (rc == 0)
		rc = qh_rom_check_version(&ri, e);
	if (rc == 0)
		rc = qh_rom_check_flasher(&ri, f, c->board, e);
	if (rc == 0)
		rc = qh_rom_check_image(&ri, f, t->img, e);
	if (rc == 0) {
		if (!ri.have_boot_id)
			cli_note(c, "%s: the ROM's bootloader version could not be read; trying\n",
			         t->label);
		cli_note(c,
		         "%s: %s ROM bootloader (ID 0x%02X): loading the qdfu flasher for %s "
		         "into RAM at 0x%08X\n",
		         t->label, ri.family, ri.boot_id, f->id.board, (unsigned)f->id.load_addr);
		rc = qh_rom_start_flasher(&d, f, e);
	}
	qh_usb_close(&d);
	return rc;
}

int cli_rom_start(struct cli *c, struct cli_target *t, struct qh_error *e)
{
	struct qh_flasher f;
	struct qh_dev_info fl;
	int rc = load_flasher(c, &f, e);
	if (rc)
		return rc;
	rc = start_flasher_on(c, t, &f, e);
	qh_flasher_free(&f);
	if (rc == 0)
		rc = qh_rom_wait_flasher(c->usb, &t->found.info, c->detach_ms, &fl, e);
	if (rc)
		return rc;
	cli_note(c, "%s: the flasher is running (%s)\n", t->label, fl.product);
	t->found.info = fl;
	return QH_OK;
}

void cli_rom_hint(struct cli *c, struct cli_target *t)
{
	if (t->found.info.kind != QH_KIND_ST_ROM || c->board || c->flasher)
		return;
	qh_hint(&t->err,
	        "this is ST's ROM bootloader: it reaches internal flash only and cannot tell "
	        "which board it is on; add --board NAME (e.g. stm32h745i-disco) to load qdfu's "
	        "flasher into RAM and write every memory (docs/zero-install.md)");
}

/* ---------------------------------------------------------- install */

static int install_through_rom(struct cli *c, struct cli_target *t, const char *path,
                               struct qh_error *e)
{
	struct qh_image img;
	uint8_t *buf = NULL;
	size_t len = 0;
	qh_image_init(&img);
	int rc = qh_read_file(path, &buf, &len, e);
	if (rc == 0)
		rc = qh_image_add(&img, 0x08000000u, buf, len, path, e);
	free(buf);
	t->img = &img;
	if (rc == 0)
		rc = cli_open(c, t, e);
	if (rc == 0)
		rc = qh_plan_build(&t->map, &img, &t->plan, e);
	if (rc == 0)
		rc = qh_op_program(&t->dev, &t->map, &t->plan, e);
	if (rc == 0)
		rc = qh_op_verify(&t->dev, &t->map, &t->plan, 0, e);
	if (rc == 0 && !c->no_reset)
		rc = qh_op_leave(&t->dev, &t->map, 0x08000000u, e);
	t->img = NULL;
	qh_image_free(&img);
	return rc;
}

static int install_target(struct cli *c, struct cli_target *t, struct qh_error *e)
{
	char path[PATH_MAX + 64];
	if (t->found.info.kind == QH_KIND_QDFU) {
		qh_fail(
		    e, QH_E_UNSUPPORTED,
		    "%s runs qdfu's bootloader, whose own sector is read-only over USB (so that "
		    "an update can never brick it): it cannot replace itself",
		    t->label);
		qh_hint(e, "start ST's ROM bootloader (BOOT0 high, reset) and run qdfu install "
		           "again; your application and external flash are kept");
		return QH_E_UNSUPPORTED;
	}
	if (t->found.info.kind != QH_KIND_ST_ROM)
		return qh_fail(e, QH_E_UNSUPPORTED,
		               "%s is not ST's ROM bootloader: start it (BOOT0 high, reset)",
		               t->label);
	if (c->npos) {
		snprintf(path, sizeof(path), "%s", c->pos[0]);
	} else {
		char name[96];
		snprintf(name, sizeof(name), "qdfu-%s.bin", c->board);
		int rc = cli_find_image(c->board, name, path, sizeof(path), e);
		if (rc)
			return rc;
	}
	cli_note(c, "%s: writing qdfu's bootloader for %s (%s) to 0x08000000 through ST's ROM\n",
	         t->label, c->board, path);
	return install_through_rom(c, t, path, e);
}

int cmd_install(struct cli *c)
{
	struct qh_error e = {0};
	struct cli_target *t = NULL;
	size_t n = 0;
	if (!c->board) {
		qh_fail(&e, QH_E_USAGE,
		        "install needs --board NAME: ST's ROM bootloader does not say "
		        "which board it is on");
		qh_hint(&e, "e.g. qdfu install --board stm32h745i-disco");
		cli_report_error(c, NULL, &e);
		return CLI_EXIT_USAGE;
	}
	int rc = cli_usb(c, &e);
	if (rc == 0)
		rc = cli_select(c, 0, &t, &n, &e);
	c->rom_direct = 1;
	if (rc == 0)
		rc = install_target(c, &t[0], &e);
	if (rc) {
		cli_report_error(c, t ? t[0].label : NULL, &e);
		cli_targets_free(t, n);
		return cli_exit_code(rc);
	}
	if (!c->quiet)
		fprintf(c->out,
		        "%s: qdfu bootloader installed%s; set BOOT0 low for it to start at every "
		        "reset\n",
		        t[0].label, c->no_reset ? "" : " and started");
	cli_targets_free(t, n);
	return CLI_EXIT_OK;
}
