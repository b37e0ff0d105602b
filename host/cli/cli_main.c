/* SPDX-License-Identifier: MIT */
/* Argument parsing, help texts and dispatch. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#ifndef QDFU_VERSION
#define QDFU_VERSION "0.1.0"
#endif

struct command {
	const char *name;
	int (*run)(struct cli *c);
	int min_pos, max_pos; /* positional argument counts (-1: unlimited) */
	const char *usage;
	const char *help;
};

static const struct command commands[] = {
    {"list", cmd_list, 0, 0,
     "qdfu list [--device VID:PID] [--serial S] [--path P] [--json] [--verbose]",
     "List every DFU device: qdfu bootloaders, ST's ROM bootloader, other DfuSe and DFU 1.1\n"
     "devices and applications in DFU runtime mode, with each alt's memory map decoded.\n"
     "  --verbose      also each raw layout string, and where it breaks the parsing\n"
     "                 limits of dfu-util, fwupd or pydfu\n"},
    {"flash", cmd_flash, 1, -1,
     "qdfu flash FILE[@ADDRESS]... [--all] [--no-verify] [--no-reset] [--no-skip] [--force]",
     "Write Intel HEX, S-record, ELF, DfuSe (.dfu) and raw binary (FILE@ADDRESS) files.\n"
     "All files are merged; every segment goes to the alt whose memory holds it. The\n"
     "whole image is checked against the device's memory map before anything is erased;\n"
     "only the pages the image touches are erased. Then the memory is verified (device\n"
     "CRC when the bootloader offers it, else read-back) and the device leaves DFU mode.\n"
     "  --all          flash every matching device in parallel\n"
     "  --no-verify    skip verification\n"
     "  --verify=crc|read  force the verification method\n"
     "  --no-reset     stay in the bootloader afterwards\n"
     "  --force        flash a .dfu file whose suffix names another USB device\n"},
    {"verify", cmd_verify, 1, -1, "qdfu verify FILE[@ADDRESS]... [--all] [--verify=crc|read]",
     "Compare the device's memory with the files (nothing is written).\n"},
    {"read", cmd_read, 2, 2, "qdfu read ADDRESS LENGTH -o FILE",
     "Read memory into FILE: raw binary, or Intel HEX / S-record when FILE ends in\n"
     ".hex / .srec. ADDRESS and LENGTH take 0x hex, decimal, and K/M suffixes.\n"},
    {"erase", cmd_erase, 0, 2, "qdfu erase ADDRESS LENGTH | qdfu erase --all",
     "Erase every page touched by the range, or with --all every erasable page of every\n"
     "memory (read-only pages, such as the bootloader's own sector, are kept).\n"},
    {"reset", cmd_reset, 0, 0, "qdfu reset [--all]", "Leave DFU mode and start the application.\n"},
    {"info", cmd_info, 1, -1, "qdfu info FILE[@ADDRESS]... [--layout STRING]... [--json]",
     "Show each file's format, segments, sizes and CRC-32s, and the merged image. When a\n"
     "device is selected (or exactly one is attached) or --layout strings are given, also\n"
     "show the region each segment would go to and any problem that would stop `flash`.\n"},
    {"pack", cmd_pack, 1, -1, "qdfu pack FILE[@ADDRESS]... -o OUT.dfu [--layout STRING]...",
     "Write a DfuSe file (one target per alt, valid suffix CRC) that dfu-util -D and\n"
     "STM32CubeProgrammer-era tools accept. Alts come from the selected device, from\n"
     "--layout strings (alt N = the Nth), or the qdfu default map (alt 0 internal flash\n"
     "at 0x08000000, alt 1 QSPI flash at 0x90000000). The suffix carries --device\n"
     "VID:PID (default 0483:df11).\n"},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void print_usage(FILE *f)
{
	fprintf(f, "usage: qdfu COMMAND [OPTIONS] [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %s\n", commands[i].usage);
	fprintf(
	    f,
	    "\ndevice selection (every command that talks to a device):\n"
	    "  -d, --device VID:PID   only devices with this USB id (hex)\n"
	    "  -s, --serial SERIAL    only the device with this serial number\n"
	    "  -p, --path BUS-PORT    only the device on this USB port (as `qdfu list` shows)\n"
	    "  -a, --all              act on every matching device (flash, verify, reset)\n"
	    "\noutput:\n"
	    "  --json                 one JSON object on standard output\n"
	    "  -q, --quiet            errors only\n"
	    "  -v, --verbose          more detail\n"
	    "\nother:\n"
	    "  -o, --output FILE      output file (read, pack)\n"
	    "  --layout STRING        describe alt N's memory without a device (info, pack)\n"
	    "  --wait MS              how long to wait for a detached device (default 10000)\n"
	    "  -h, --help             this text; `qdfu help COMMAND` for one command\n"
	    "  -V, --version          version\n"
	    "\nexit status: 0 ok, 1 internal error, 2 usage, 3 file error, 4 image does not fit\n"
	    "the device (nothing changed), 5 no device, 6 permission denied or device busy,\n"
	    "7 device error, 8 verify mismatch, 9 --all: some devices failed.\n");
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int command_help(struct cli *c, const char *name)
{
	const struct command *cmd = find_command(name);

	if (!cmd) {
		fprintf(c->err, "qdfu: unknown command '%s'; see qdfu --help\n", name);
		return CLI_EXIT_USAGE;
	}
	fprintf(c->out, "usage: %s\n\n%s", cmd->usage, cmd->help);
	fprintf(c->out, "\nSee qdfu --help for device selection and output options.\n");
	return CLI_EXIT_OK;
}

static int usage_error(struct cli *c, const char *fmt, const char *arg)
{
	struct qh_error e = {0};

	qh_fail(&e, QH_E_USAGE, fmt, arg);
	qh_hint(&e, "see qdfu --help");
	cli_report_error(c, NULL, &e);
	return CLI_EXIT_USAGE;
}

/* Value of an option given as "--opt VALUE" or "--opt=VALUE". */
static const char *opt_value(int argc, char **argv, int *i, const char *eq)
{
	if (eq)
		return eq + 1;
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

static int parse_option(struct cli *c, int argc, char **argv, int *i)
{
	const char *a = argv[*i], *eq = NULL, *v;
	char name[32];
	size_t n;

	if (a[1] == '-') {
		eq = strchr(a, '=');
		n = eq ? (size_t)(eq - a) : strlen(a);
	} else {
		n = strlen(a);
	}
	if (n >= sizeof(name))
		return usage_error(c, "unknown option %s", a);
	memcpy(name, a, n);
	name[n] = '\0';
#define IS(s, l) (strcmp(name, s) == 0 || strcmp(name, l) == 0)
#define NEED()                                                                                     \
	do {                                                                                       \
		v = opt_value(argc, argv, i, eq);                                                  \
		if (!v)                                                                            \
			return usage_error(c, "option %s needs a value", name);                    \
	} while (0)
	if (IS("-d", "--device")) {
		NEED();
		if (qh_parse_vidpid(v, &c->match.vid, &c->match.pid) != 0)
			return usage_error(c,
			                   "bad --device '%s' (expected VID:PID in hex, e.g. "
			                   "0483:df11)",
			                   v);
		c->match.has_vidpid = 1;
		c->selected = 1;
	} else if (IS("-s", "--serial")) {
		NEED();
		c->match.serial = v;
		c->selected = 1;
	} else if (IS("-p", "--path")) {
		NEED();
		c->match.path = v;
		c->selected = 1;
	} else if (IS("-o", "--output")) {
		NEED();
		c->output = v;
	} else if (IS("-a", "--all")) {
		c->all = 1;
	} else if (IS("-q", "--quiet")) {
		c->quiet = 1;
	} else if (IS("-v", "--verbose")) {
		c->verbose = 1;
	} else if (IS("--json", "--json")) {
		c->json = 1;
	} else if (IS("--no-reset", "--no-reset")) {
		c->no_reset = 1;
	} else if (IS("--no-verify", "--no-verify")) {
		c->no_verify = 1;
	} else if (IS("--force", "--force")) {
		c->force = 1;
	} else if (IS("--no-skip", "--no-skip")) {
		c->no_skip = 1;
	} else if (IS("--verify", "--verify")) {
		NEED();
		if (strcmp(v, "crc") == 0)
			c->verify_mode = 1;
		else if (strcmp(v, "read") == 0)
			c->verify_mode = 0;
		else
			return usage_error(c, "bad --verify '%s' (crc or read)", v);
	} else if (IS("--layout", "--layout")) {
		NEED();
		if (c->nlayouts == QH_MAX_ALTS)
			return usage_error(c, "too many --layout options%s", "");
		c->layouts[c->nlayouts++] = v;
	} else if (IS("--wait", "--wait")) {
		uint32_t ms;
		NEED();
		if (qh_parse_u32(v, &ms) != 0)
			return usage_error(c, "bad --wait '%s' (milliseconds)", v);
		c->wait_ms = ms;
	} else {
		return usage_error(c, "unknown option %s", a);
	}
#undef IS
#undef NEED
	return CLI_EXIT_OK;
}

static void cli_init(struct cli *c, FILE *out, FILE *err)
{
	memset(c, 0, sizeof(*c));
	c->out = out;
	c->err = err;
	c->tty = isatty(fileno(err));
	c->verify_mode = -1;
	c->wait_ms = 10000;
	pthread_mutex_init(&c->lock, NULL);
}

int qdfu_cli_main(int argc, char **argv, FILE *out, FILE *err)
{
	struct cli c;
	const struct command *cmd;
	int rc = CLI_EXIT_OK, help = 0;

	cli_init(&c, out, err);
	c.pos = calloc((size_t)argc + 1, sizeof(char *));
	if (!c.pos)
		return CLI_EXIT_FAIL;
	for (int i = 1; i < argc && rc == CLI_EXIT_OK; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			while (++i < argc)
				c.pos[c.npos++] = argv[i];
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			help = 1;
		} else if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
			fprintf(out, "qdfu %s\n", QDFU_VERSION);
			free(c.pos);
			return CLI_EXIT_OK;
		} else if (a[0] == '-' && a[1] != '\0') {
			rc = parse_option(&c, argc, argv, &i);
		} else if (!c.cmd) {
			c.cmd = a;
		} else {
			c.pos[c.npos++] = argv[i];
		}
	}
	if (rc != CLI_EXIT_OK)
		goto out;
	if (c.cmd && strcmp(c.cmd, "help") == 0) {
		if (c.npos)
			rc = command_help(&c, c.pos[0]);
		else
			print_usage(out);
		goto out;
	}
	if (!c.cmd) {
		print_usage(help ? out : err);
		rc = help ? CLI_EXIT_OK : CLI_EXIT_USAGE;
		goto out;
	}
	cmd = find_command(c.cmd);
	if (!cmd) {
		rc = usage_error(&c, "unknown command '%s'", c.cmd);
		goto out;
	}
	if (help) {
		rc = command_help(&c, c.cmd);
		goto out;
	}
	if (c.npos < cmd->min_pos || (cmd->max_pos >= 0 && c.npos > cmd->max_pos)) {
		struct qh_error e = {0};
		qh_fail(&e, QH_E_USAGE, "wrong number of arguments for '%s'", c.cmd);
		qh_hint(&e, "usage: %s", cmd->usage);
		cli_report_error(&c, NULL, &e);
		rc = CLI_EXIT_USAGE;
		goto out;
	}
	rc = cmd->run(&c);
out:
	if (c.usb)
		qh_usb_exit(c.usb);
	pthread_mutex_destroy(&c.lock);
	free(c.pos);
	return rc;
}
