/* SPDX-License-Identifier: MIT */
/*
 * The qdfu command line: a thin front end over libqdfu. qdfu_cli_main() is
 * the whole program (main.c only calls it) so the table-driven CLI tests
 * run it in-process with their own output streams.
 */
#ifndef QDFU_CLI_H
#define QDFU_CLI_H

#include <pthread.h>
#include <stdio.h>

#include "qh_dfu.h"
#include "qh_err.h"
#include "qh_formats.h"
#include "qh_memmap.h"
#include "qh_usb.h"

/* Exit statuses (documented in docs/cli.md and qdfu(1)). */
enum cli_exit {
	CLI_EXIT_OK = 0,
	CLI_EXIT_FAIL = 1,    /* unexpected internal failure */
	CLI_EXIT_USAGE = 2,   /* bad command line */
	CLI_EXIT_FILE = 3,    /* a file cannot be read/written or is malformed */
	CLI_EXIT_MAP = 4,     /* the image does not fit the device: nothing changed */
	CLI_EXIT_NODEV = 5,   /* no matching device, or several without --all */
	CLI_EXIT_ACCESS = 6,  /* permission denied or device busy */
	CLI_EXIT_DEVICE = 7,  /* USB or DFU error while talking to the device */
	CLI_EXIT_VERIFY = 8,  /* the device's memory differs from the image */
	CLI_EXIT_PARTIAL = 9, /* --all: some devices succeeded, some failed */
};

struct cli {
	FILE *out, *err;
	int tty;  /* err is a terminal: draw progress bars */
	int json; /* one JSON object on out */
	int quiet, verbose;
	/* options */
	struct qh_match match;
	int selected; /* any of --device/--serial/--path */
	int all;
	const char *output;
	int no_reset, no_verify, no_skip;
	int force; /* flash a .dfu whose suffix names another device */
	/* the DfuSe files loaded, for the suffix check against each device */
	struct qh_file_info files[8];
	const char *file_names[8];
	unsigned nfiles;
	int verify_mode; /* -1 auto, 0 read-back, 1 device CRC */
	const char *layouts[QH_MAX_ALTS];
	unsigned nlayouts;
	unsigned wait_ms;
	uint16_t suffix_vid, suffix_pid, suffix_bcd;
	int have_suffix_ids;
	char **pos;
	int npos;
	const char *cmd;
	/* state */
	struct qh_usb *usb;
	pthread_mutex_t lock;
	unsigned bar_lines; /* progress lines currently on screen */
};

int qdfu_cli_main(int argc, char **argv, FILE *out, FILE *err);

/* cli_out.c */
int cli_exit_code(int qh_code);
void cli_report_error(struct cli *c, const char *ctx, const struct qh_error *e);
void cli_json_str(FILE *f, const char *s);
void cli_json_error(struct cli *c, int exit_code, const struct qh_error *e);

struct cli_progress {
	struct cli *c;
	char label[160];
	unsigned line; /* index among the progress lines */
	const char *phase;
	int last_pct;
};
void cli_progress_cb(void *ud, const char *phase, uint64_t done, uint64_t total);
void cli_progress_begin(struct cli *c, unsigned lines);
void cli_progress_end(struct cli *c);
void cli_note(struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* cli_dev.c */
struct cli_target {
	struct qh_found found;
	struct qh_dev dev;
	int open;
	struct qh_memmap map;
	struct qh_plan plan;
	struct qh_error err;
	int rc;
	struct cli_progress prog;
	char label[160];
	const struct qh_image *img;
	struct cli *c;
	pthread_t thread;
};
int cli_usb(struct cli *c, struct qh_error *e);
int cli_select(struct cli *c, int multi_ok, struct cli_target **t, size_t *n, struct qh_error *e);
int cli_open(struct cli *c, struct cli_target *t, struct qh_error *e);
void cli_close(struct cli_target *t);
void cli_targets_free(struct cli_target *t, size_t n);
/* Memory map from --layout options, or NULL if none were given. */
int cli_offline_map(struct cli *c, struct qh_memmap *m, struct qh_error *e);

/* cli_cmds.c */
int cmd_list(struct cli *c);
int cmd_flash(struct cli *c);
int cmd_verify(struct cli *c);
int cmd_read(struct cli *c);
int cmd_erase(struct cli *c);
int cmd_reset(struct cli *c);
int cmd_info(struct cli *c);
int cmd_pack(struct cli *c);
/* Load every positional file (from index first) into img. */
int cli_load_files(struct cli *c, int first, struct qh_image *img, struct qh_error *e);

#endif
