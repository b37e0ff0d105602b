/* SPDX-License-Identifier: MIT */
/* Argument parsing (getopt_long), help texts and dispatch. */
#define _GNU_SOURCE /* getopt_long */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#ifndef QDFU_VERSION
#define QDFU_VERSION "0.1.0"
#endif

/* Options that have no short form. */
enum {
	O_JSON = 256,
	O_JSON_PROGRESS,
	O_NO_RESET,
	O_NO_VERIFY,
	O_NO_SKIP,
	O_FORCE,
	O_VERIFY,
	O_LAYOUT,
	O_PRODUCTION,
	O_COUNT,
	O_BOARD,
	O_FLASHER,
	O_PORT,
	O_ROOT,
};

/* Every option: getopt_long's entry, its help line, and the commands that
 * take it (bits of struct command's index; ALL_CMDS: every command). */
#define ALL_CMDS 0x3FFu
#define DEV_CMDS 0x1FFu /* every command can talk to a device (info/pack use its map) */
enum {
	C_LIST = 1,
	C_FLASH = 2,
	C_VERIFY = 4,
	C_READ = 8,
	C_ERASE = 16,
	C_RESET = 32,
	C_INFO = 64,
	C_PACK = 128,
	C_INSTALL = 256,
	C_WEB = 512
};

struct opt_doc {
	struct option o;
	const char *spec; /* as shown in the help */
	const char *help;
	unsigned cmds;
};

static const struct opt_doc opts[] = {
    {{"device", required_argument, NULL, 'd'},
     "-d, --device VID:PID",
     "only devices with this USB id (hex)",
     DEV_CMDS},
    {{"serial", required_argument, NULL, 's'},
     "-s, --serial SERIAL",
     "only the device with this serial number",
     DEV_CMDS},
    {{"path", required_argument, NULL, 'p'},
     "-p, --path BUS-PORT",
     "only the device on this USB port (as `qdfu list` shows)",
     DEV_CMDS},
    {{"all", no_argument, NULL, 'a'},
     "-a, --all",
     "every matching device, in parallel (erase: all erasable memory)",
     C_FLASH | C_VERIFY | C_RESET | C_ERASE},
    {{"wait", optional_argument, NULL, 'w'},
     "-w, --wait[=SECONDS]",
     "wait for a matching device to appear (no value: until one does)",
     C_LIST | C_FLASH | C_VERIFY | C_READ | C_ERASE | C_RESET},
    {{"output", required_argument, NULL, 'o'},
     "-o, --output FILE",
     "output file (read: .hex/.srec/.s19 give text formats)",
     C_READ | C_PACK},
    {{"no-verify", no_argument, NULL, O_NO_VERIFY}, "--no-verify", "skip verification", C_FLASH},
    {{"verify", required_argument, NULL, O_VERIFY},
     "--verify=crc|read",
     "verify by device CRC or by reading back (default: CRC when offered)",
     C_FLASH | C_VERIFY},
    {{"no-reset", no_argument, NULL, O_NO_RESET},
     "--no-reset",
     "stay in the bootloader afterwards",
     C_FLASH | C_INSTALL},
    {{"no-skip", no_argument, NULL, O_NO_SKIP},
     "--no-skip",
     "erase and write every page, even those that already hold the data",
     C_FLASH},
    {{"force", no_argument, NULL, O_FORCE},
     "--force",
     "flash a .dfu file whose suffix names another USB device",
     C_FLASH},
    {{"production", no_argument, NULL, O_PRODUCTION},
     "--production",
     "flash every board as it is plugged in, one PASS/FAIL line each, until Ctrl-C",
     C_FLASH},
    {{"count", required_argument, NULL, O_COUNT},
     "--count N",
     "--production: stop after N boards",
     C_FLASH},
    {{"board", required_argument, NULL, O_BOARD},
     "--board NAME",
     "a board in ST's ROM DFU mode: work through qdfu's flasher for NAME loaded into\n"
     "                           RAM (zero install, docs/zero-install.md); install: the board",
     C_FLASH | C_VERIFY | C_READ | C_ERASE | C_INSTALL},
    {{"flasher", required_argument, NULL, O_FLASHER},
     "--flasher FILE",
     "the flasher image to load (default qdfu-flasher-NAME.bin)",
     C_FLASH | C_VERIFY | C_READ | C_ERASE},
    {{"layout", required_argument, NULL, O_LAYOUT},
     "--layout STRING",
     "alt N's DfuSe layout (Nth option), instead of a device's",
     C_INFO | C_PACK},
    {{"port", required_argument, NULL, O_PORT},
     "--port N",
     "the TCP port on 127.0.0.1 (default 8085; 0: any free port)",
     C_WEB},
    {{"root", required_argument, NULL, O_ROOT},
     "--root DIR",
     "serve DIR instead of the installed page",
     C_WEB},
    {{"json", no_argument, NULL, O_JSON},
     "--json",
     "one JSON object on standard output (schema in docs/cli.md)",
     ALL_CMDS},
    {{"json-progress", no_argument, NULL, O_JSON_PROGRESS},
     "--json-progress",
     "JSON lines of progress events on standard output, then the --json object",
     C_FLASH | C_VERIFY | C_READ | C_ERASE},
    {{"quiet", no_argument, NULL, 'q'}, "-q, --quiet", "errors only", ALL_CMDS},
    {{"verbose", no_argument, NULL, 'v'}, "-v, --verbose", "more detail", ALL_CMDS},
    {{"help", no_argument, NULL, 'h'}, "-h, --help", "help (of the command)", ALL_CMDS},
    {{"version", no_argument, NULL, 'V'}, "-V, --version", "version", ALL_CMDS},
};

#define NOPTS (sizeof(opts) / sizeof(opts[0]))

struct command {
	const char *name;
	int (*run)(struct cli *c);
	int min_pos, max_pos; /* positional argument counts (-1: unlimited) */
	const char *usage;
	const char *help;
};

static const struct command commands[] = {
    {"list", cmd_list, 0, 0, "qdfu list [OPTIONS]",
     "List every DFU device: qdfu bootloaders, ST's ROM bootloader, other DfuSe and DFU 1.1\n"
     "devices and applications in DFU runtime mode, with each alt's memory map decoded.\n"
     "--verbose also shows each raw layout string, and where it breaks the parsing limits\n"
     "of dfu-util, fwupd or pydfu.\n"},
    {"flash", cmd_flash, 1, -1, "qdfu flash FILE[@ADDRESS]... [OPTIONS]",
     "Write Intel HEX, S-record, ELF, DfuSe (.dfu) and raw binary (FILE@0xADDRESS) files.\n"
     "All files are merged; every segment goes to the alt whose memory holds it. The\n"
     "whole image is checked against the device's memory map before anything is erased;\n"
     "only the pages the image touches are erased (on a qdfu bootloader, pages that\n"
     "already hold the data are skipped). Then the memory is verified (device CRC when\n"
     "the bootloader offers it, else read-back) and the application is started.\n"},
    {"verify", cmd_verify, 1, -1, "qdfu verify FILE[@ADDRESS]... [OPTIONS]",
     "Compare the device's memory with the files (nothing is written).\n"},
    {"read", cmd_read, 2, 2, "qdfu read ADDRESS LENGTH -o FILE [OPTIONS]",
     "Read memory into FILE: raw binary, or Intel HEX / S-record when FILE ends in\n"
     ".hex / .srec. ADDRESS is 0x hex (0x90000000); LENGTH 0x hex, decimal, K/M suffixes.\n"},
    {"erase", cmd_erase, 0, 2, "qdfu erase ADDRESS LENGTH | qdfu erase --all [OPTIONS]",
     "Erase every page touched by the range, or with --all every erasable page of every\n"
     "memory (read-only pages, such as the bootloader's own sector, are kept).\n"},
    {"reset", cmd_reset, 0, 0, "qdfu reset [OPTIONS]",
     "Leave DFU mode and start the application.\n"},
    {"info", cmd_info, 1, -1, "qdfu info FILE[@ADDRESS]... [OPTIONS]",
     "Show each file's format, segments, sizes and CRC-32s, and the merged image. When a\n"
     "device is selected (or exactly one is attached) or --layout strings are given, also\n"
     "show the region each segment would go to and any problem that would stop `flash`.\n"},
    {"pack", cmd_pack, 1, -1, "qdfu pack FILE[@ADDRESS]... -o OUT.dfu [OPTIONS]",
     "Write a DfuSe file (one target per alt, valid suffix CRC) that dfu-util -D and\n"
     "STM32CubeProgrammer-era tools accept. Alts come from the selected device, from\n"
     "--layout strings (alt N = the Nth), or the qdfu default map (alt 0 internal flash\n"
     "at 0x08000000, alt 1 QSPI flash at 0x90000000). The suffix carries --device\n"
     "VID:PID (default 0483:df11).\n"},
    {"install", cmd_install, 0, 1, "qdfu install --board NAME [FILE] [OPTIONS]",
     "Put qdfu's resident bootloader (FILE, default qdfu-NAME.bin from `make firmware`)\n"
     "into internal flash at 0x08000000 through ST's ROM DFU bootloader (BOOT0 high),\n"
     "verify it and start it. A running qdfu bootloader cannot replace itself: start\n"
     "the ROM and install again (the application and external flash are kept).\n"},
    {"web", cmd_web, 0, 0, "qdfu web [--port N] [--root DIR]",
     "Serve the web flasher (docs/web.md) on http://127.0.0.1:PORT/ for Chrome or Edge\n"
     "(WebUSB needs a secure context; localhost is one) and print its URL; the page\n"
     "flashes like `qdfu flash`, also boards in ST's ROM DFU mode (the flashers are\n"
     "served from where `qdfu flash --board` finds them). Until Ctrl-C.\n"},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void print_options(FILE *f, unsigned mask)
{
	for (size_t i = 0; i < NOPTS; i++)
		if (opts[i].cmds & mask)
			fprintf(f, "  %-24s %s\n", opts[i].spec, opts[i].help);
}

static void print_usage(FILE *f)
{
	fprintf(f, "usage: qdfu COMMAND [OPTIONS] [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %s\n", commands[i].usage);
	fprintf(f, "\noptions (`qdfu help COMMAND` shows the ones a command takes):\n");
	print_options(f, ALL_CMDS);
	fprintf(f, "\nShort options combine (-qv). Addresses need 0x for hex (0x90000000).\n"
	           "\nexit status: 0 ok, 1 internal error, 2 usage, 3 file error, 4 image does "
	           "not fit\nthe device (nothing changed), 5 no device, 6 permission denied or "
	           "device busy,\n7 device error, 8 verify mismatch, 9 --all: some devices "
	           "failed.\n");
}

static int find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int usage_error(struct cli *c, const char *fmt, const char *arg)
{
	struct qh_error e = {0};

	qh_fail(&e, QH_E_USAGE, fmt, arg);
	qh_hint(&e, "see qdfu --help");
	cli_report_error(c, NULL, &e);
	cli_json_fail(c, &e);
	return CLI_EXIT_USAGE;
}

static int command_help(struct cli *c, const char *name)
{
	int k = find_command(name);

	if (k < 0)
		return usage_error(c, "unknown command '%s'", name);
	fprintf(c->out, "usage: %s\n\n%s\noptions:\n", commands[k].usage, commands[k].help);
	print_options(c->out, 1u << k);
	return CLI_EXIT_OK;
}

static int print_version(struct cli *c)
{
	if (c->json) {
		fprintf(c->jr, "\"qdfu\":\"%s\",\"git\":", QDFU_VERSION);
		cli_json_str(c->jr, qdfu_git_describe);
		c->jr_complete = 1;
	} else {
		fprintf(c->out, "qdfu %s (git %s)\n", QDFU_VERSION, qdfu_git_describe);
	}
	return CLI_EXIT_OK;
}

static int parse_wait(struct cli *c, const char *v)
{
	uint32_t s;

	if (!v) {
		c->wait_ms = CLI_WAIT_FOREVER;
		return CLI_EXIT_OK;
	}
	if (qh_parse_u32(v, &s) != 0 || s > 86400)
		return usage_error(c, "bad --wait '%s' (seconds, up to 86400)", v);
	c->wait_ms = s * 1000u;
	if (c->detach_ms < c->wait_ms)
		c->detach_ms = c->wait_ms;
	return CLI_EXIT_OK;
}

static int set_option(struct cli *c, int id, const char *v)
{
	switch (id) {
	case 'd':
		if (qh_parse_vidpid(v, &c->match.vid, &c->match.pid) != 0)
			return usage_error(c, "bad --device '%s' (VID:PID in hex, e.g. 0483:df11)",
			                   v);
		c->match.has_vidpid = 1;
		c->selected = 1;
		break;
	case 's':
		c->match.serial = v;
		c->selected = 1;
		break;
	case 'p':
		c->match.path = v;
		c->selected = 1;
		break;
	case 'o':
		c->output = v;
		break;
	case 'a':
		c->all = 1;
		break;
	case 'q':
		c->quiet = 1;
		break;
	case 'v':
		c->verbose = 1;
		break;
	case 'w':
		return parse_wait(c, v);
	case O_JSON:
		c->json = 1;
		break;
	case O_JSON_PROGRESS:
		c->json = c->json_progress = 1;
		break;
	case O_NO_RESET:
		c->no_reset = 1;
		break;
	case O_NO_VERIFY:
		c->no_verify = 1;
		break;
	case O_NO_SKIP:
		c->no_skip = 1;
		break;
	case O_FORCE:
		c->force = 1;
		break;
	case O_VERIFY:
		if (strcmp(v, "crc") == 0 || strcmp(v, "read") == 0)
			c->verify_mode = strcmp(v, "crc") == 0;
		else
			return usage_error(c, "bad --verify '%s' (crc or read)", v);
		break;
	case O_PRODUCTION:
		c->production = 1;
		break;
	case O_COUNT: {
		uint32_t n;
		if (qh_parse_u32(v, &n) != 0 || n == 0)
			return usage_error(c, "bad --count '%s' (a number of boards)", v);
		c->prod_count = n;
		break;
	}
	case O_LAYOUT:
		if (c->nlayouts == QH_MAX_ALTS)
			return usage_error(c, "too many --layout options%s", "");
		c->layouts[c->nlayouts++] = v;
		break;
	case O_BOARD:
		c->board = v;
		break;
	case O_FLASHER:
		c->flasher = v;
		break;
	case O_PORT: {
		uint32_t n;
		if (qh_parse_u32(v, &n) != 0 || n > 65535)
			return usage_error(c, "bad --port '%s' (0 to 65535)", v);
		c->web_port = (int)n;
		break;
	}
	case O_ROOT:
		c->web_root = v;
		break;
	default:
		return CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}

/* "--wait 5" means --wait=5: getopt_long only takes an optional value
 * written with '='. A copy of argv where such pairs are joined. */
static char **join_wait_values(int *argc, char **argv, char **store)
{
	char **v = calloc((size_t)*argc + 1, sizeof(char *));
	int n = 0;

	*store = NULL;
	if (!v)
		return NULL;
	for (int i = 0; i < *argc; i++) {
		const char *next = i + 1 < *argc ? argv[i + 1] : NULL;
		int is_wait = strcmp(argv[i], "--wait") == 0 || strcmp(argv[i], "-w") == 0;
		if (is_wait && next && next[0] >= '0' && next[0] <= '9' &&
		    strspn(next, "0123456789") == strlen(next) && !*store) {
			size_t len = strlen(next) + 8;
			*store = malloc(len);
			if (!*store)
				break;
			snprintf(*store, len, "--wait=%s", next);
			v[n++] = *store;
			i++;
			continue;
		}
		v[n++] = argv[i];
	}
	*argc = n;
	return v;
}

/* getopt_long over args; positional arguments land in c->pos. The first is
 * the command. Returns an exit status (CLI_EXIT_OK to go on). */
static int parse_args(struct cli *c, int argc, char **argv, unsigned *seen, int *help, int *version)
{
	struct option lo[NOPTS + 1];
	int id, idx;

	for (size_t i = 0; i < NOPTS; i++)
		lo[i] = opts[i].o;
	lo[NOPTS] = (struct option){0};
	optind = 0; /* a fresh scan each call (the tests call us many times) */
	opterr = 0;
	while ((id = getopt_long(argc, argv, "-:d:s:p:ao:w::qvhV", lo, &idx)) != -1) {
		int rc = CLI_EXIT_OK;
		if (id == 1) { /* a positional argument, in order ("-" in optstring) */
			c->pos[c->npos++] = optarg;
			continue;
		}
		if (id == ':') /* missing value */
			return usage_error(c, "option %s needs a value", argv[optind - 1]);
		if (id == '?') {
			char shortopt[3] = {'-', (char)optopt, 0};
			return usage_error(c, "unknown option %s",
			                   optopt > 0 && optopt < 256 ? shortopt
			                                              : argv[optind - 1]);
		}
		if (id == 'h') {
			*help = 1;
			continue;
		}
		if (id == 'V') {
			*version = 1;
			continue;
		}
		for (size_t i = 0; i < NOPTS; i++)
			if (opts[i].o.val == id)
				*seen |= 1u << i;
		rc = set_option(c, id, optarg);
		if (rc)
			return rc;
	}
	while (optind < argc) /* after "--" */
		c->pos[c->npos++] = argv[optind++];
	return CLI_EXIT_OK;
}

/* An option given to a command that does not take it is an error, not
 * silently ignored. */
static int check_options(struct cli *c, int k, unsigned seen)
{
	for (size_t i = 0; i < NOPTS; i++) {
		if ((seen & (1u << i)) && !(opts[i].cmds & (1u << k))) {
			char msg[160];
			snprintf(msg, sizeof(msg), "option --%s does not apply to '%%s'",
			         opts[i].o.name);
			return usage_error(c, msg, commands[k].name);
		}
	}
	return CLI_EXIT_OK;
}

static void cli_init(struct cli *c, FILE *out, FILE *err)
{
	memset(c, 0, sizeof(*c));
	c->out = out;
	c->err = err;
	c->tty = isatty(fileno(err));
	c->verify_mode = -1;
	c->web_port = -1;
	c->detach_ms = 10000;
	c->start_ms = cli_now_ms();
	c->jr = open_memstream(&c->jr_buf, &c->jr_len);
	pthread_mutex_init(&c->lock, NULL);
}

static int dispatch(struct cli *c, int help, unsigned seen)
{
	int k;

	if (c->cmd && strcmp(c->cmd, "help") == 0) {
		if (c->npos)
			return command_help(c, c->pos[0]);
		print_usage(c->out);
		return CLI_EXIT_OK;
	}
	if (!c->cmd) {
		if (!help) {
			usage_error(c, "no command given%s", "");
			print_usage(c->err);
			return CLI_EXIT_USAGE;
		}
		print_usage(c->out);
		return CLI_EXIT_OK;
	}
	k = find_command(c->cmd);
	if (k < 0)
		return usage_error(c, "unknown command '%s'", c->cmd);
	if (help)
		return command_help(c, c->cmd);
	if (check_options(c, k, seen))
		return CLI_EXIT_USAGE;
	if (c->npos < commands[k].min_pos ||
	    (commands[k].max_pos >= 0 && c->npos > commands[k].max_pos)) {
		struct qh_error e = {0};
		qh_fail(&e, QH_E_USAGE, "wrong number of arguments for '%s'", c->cmd);
		qh_hint(&e, "usage: %s", commands[k].usage);
		cli_report_error(c, NULL, &e);
		cli_json_fail(c, &e);
		return CLI_EXIT_USAGE;
	}
	return commands[k].run(c);
}

int qdfu_cli_main(int argc, char **argv, FILE *out, FILE *err)
{
	struct cli c;
	char *joined = NULL, **args, **pos;
	unsigned seen = 0;
	int rc, help = 0, version = 0;

	cli_init(&c, out, err);
	args = join_wait_values(&argc, argv, &joined);
	pos = c.pos = calloc((size_t)argc + 1, sizeof(char *));
	if (!pos || !args || !c.jr) {
		free(args);
		free(pos);
		free(joined);
		return CLI_EXIT_FAIL;
	}
	rc = parse_args(&c, argc, args, &seen, &help, &version);
	if (rc == CLI_EXIT_OK && c.npos) {
		c.cmd = c.pos[0];
		c.pos++;
		c.npos--;
	}
	if (rc == CLI_EXIT_OK && version) {
		c.cmd = "version";
		rc = print_version(&c);
	} else if (rc == CLI_EXIT_OK) {
		rc = dispatch(&c, help, seen);
	}
	/* help texts are text even with --json */
	if (c.json && (!help || version) && !(c.cmd && strcmp(c.cmd, "help") == 0 && rc == 0))
		cli_json_emit(&c, rc);
	if (c.usb)
		qh_usb_exit(c.usb);
	pthread_mutex_destroy(&c.lock);
	fclose(c.jr);
	free(c.jr_buf);
	free(pos);
	free(args);
	free(joined);
	return rc;
}
