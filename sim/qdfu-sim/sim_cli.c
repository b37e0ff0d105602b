/* SPDX-License-Identifier: MIT */
/*
 * qdfu-sim: run a command with simulated qdfu boards plugged in.
 *
 *   qdfu-sim [--board NAME] [--flash CHIP[,CHIP]] [--state DIR] [--devices N]
 *            [--time real|virtual] [--timing typ|max] [--rom-style] [--enter dfu|auto]
 *            [--usb model|dwc2]
 *            [--host-speed high|full] [--rom[=ID]] [--log FILE] -- COMMAND [ARGS...]
 *   qdfu-sim --list-boards | --list-chips
 *
 * Process layout: qdfu-sim (this process) plays the Linux kernel and the
 * host controller on a umockdev testbed (sim/vusb/vusb_bus.c); each
 * simulated board is a forked worker process running the firmware core on
 * sim/port (sim/vusb/vusb_worker.c), because the core keeps its state in
 * statics. COMMAND runs with the umockdev preload (and, in virtual time,
 * the sleep shim) and sees the boards as USB devices 1-1, 1-2, ...
 * Exit status: COMMAND's.
 *
 * The USB device controller is a build choice of port/host (see
 * sim/port/CMakeLists.txt): this binary is one of qdfu-sim
 * (controller model) and qdfu-sim-dwc2 (the STM32H7 DWC2 driver on its
 * register model); --usb asking for the other one executes it instead.
 */
#define _GNU_SOURCE
#include "sim/qdfu-sim/sim_cli.h"

#include <errno.h>
#include <getopt.h>
#include <glib-unix.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <umockdev.h>

#include "boards/board.h"
#include "dfu/dfu.h"
#include "mem/mem.h"
#include "sim/clock/vclock.h"
#include "sim/h7/h7_board_usb.h"
#include "sim/port/simport.h"
#include "sim/nor/nor_model.h"
#include "sim/vtime/vtime_shm.h"

/* sim/epoll/epoll_shim.c */
#define EPOLL_SHIM_NAME "libqdfu-epoll.so"
#include "sim/vusb/vusb_bus.h"
#include "sim/vusb/vusb_link.h"
#include "sim/vusb/vusb_log.h"

#define MAX_DEVICES     16
#define BOOT_TIMEOUT_MS 10000
#define DEFAULT_BOARD   "stm32h745i-disco"
#define PRELOAD_LIB     "libumockdev-preload.so.0"
#define REEXEC_ENV      "QDFU_SIM_REEXEC"
#define ASAN_EXTRA      "verify_asan_link_order=0:detect_leaks=0"

struct options {
	const struct board *board;
	char *chips[2];
	const char *state;
	unsigned devices;
	enum vclock_mode time;
	enum bootloader_enter enter;
	const char *log;
	const char *usb;      /* "model", "dwc2" or NULL (this build's) */
	bool host_full_speed; /* --host-speed full: a full-speed-only port */
	const char *usb_id;   /* --usb-id VID:PID[,MANUFACTURER,PRODUCT] */
	bool rom;             /* --rom[=ID]: ST's ROM DFU bootloader (sim/rom) */
	uint8_t rom_version;
	uint64_t power_cut_us; /* --power-cut: after the first enumeration, 0 none */
	bool nor_protect;      /* --nor-protect: chips start with every BP bit set */
	char **command;
};

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: qdfu-sim [OPTIONS] -- COMMAND [ARGS...]\n"
	        "       qdfu-sim --list-boards | --list-chips\n"
	        "Run COMMAND with simulated qdfu boards attached as USB devices; exit with\n"
	        "COMMAND's status.\n\n"
	        "  --board NAME          board to simulate (default " DEFAULT_BOARD ")\n"
	        "  --flash CHIP[,CHIP]   QSPI NOR chip model(s) (default: the board's)\n"
	        "  --nor-protect         the QSPI chips start with every block-protect bit\n"
	        "                        set (shipped locked, or locked by another tool)\n"
	        "  --state DIR           keep memories in DIR (internal.bin, qspi0.bin,\n"
	        "                        qspi1.bin); with --devices N > 1 in DIR/<i>/\n"
	        "  --devices N           N boards at once (1-%d), each with its own serial\n"
	        "  --time virtual|real   virtual (default): deterministic simulated time,\n"
	        "                        client sleeps cost no real time; real: wall clock\n"
	        "  --rom-style           the firmware behaves like ST's ROM bootloader for\n"
	        "                        comparison: fixed 104 ms poll timeout, erase on\n"
	        "                        command, no skipping (benchmarks)\n"
	        "  --timing typ|max      chip program/erase times: datasheet typical\n"
	        "                        (default) or datasheet maximum\n"
	        "  --enter dfu|auto      dfu (default): boot as if the DFU button were held;\n"
	        "                        auto: take the real boot decision\n"
	        "  --usb model|dwc2      USB device controller: model (default of qdfu-sim):\n"
	        "                        a fast EP0 controller model; dwc2 (default of\n"
	        "                        qdfu-sim-dwc2): the STM32H7 port's own DWC2 driver\n"
	        "                        on a DWC2 register model, high speed where the\n"
	        "                        board has a ULPI PHY\n"
	        "  --host-speed high|full\n"
	        "                        what the simulated host port supports (default\n"
	        "                        high); full: as behind a full-speed hub (dwc2)\n"
	        "  --usb-id VID:PID[,MANUFACTURER,PRODUCT]\n"
	        "                        present these USB IDs (hex) and strings instead of\n"
	        "                        the board's, as a build with -DQDFU_USB_VID=...\n"
	        "                        does (docs/decisions/usb-identity.md)\n"
	        "  --rom[=ID]            start in ST's ROM DFU bootloader (BOOT0 high), modelled\n"
	        "                        per family; ID: its bootloader ID byte (0x90 = V9.0,\n"
	        "                        whose leave is broken; default 0x91)\n"
	        "  --power-cut SECONDS|random:SEED[:MAX]\n"
	        "                        cut the power SECONDS of virtual time after the\n"
	        "                        first enumeration (random: a moment drawn from\n"
	        "                        SEED in the first MAX seconds, default 20); what\n"
	        "                        was being erased or programmed is left torn\n"
	        "  --log FILE            one line per control request and device event\n"
	        "  --list-boards         list the boards and exit\n"
	        "  --list-chips          list the chip models and exit\n"
	        "  --help                this text\n",
	        MAX_DEVICES);
}

static int list_boards(void)
{
	for (const struct board *const *b = board_list; *b; b++)
		printf("%-18s %s (%s)\n", (*b)->name, (*b)->title, (*b)->mcu);
	return 0;
}

static int list_chips(void)
{
	for (const char *const *n = nor_model_names(); n && *n; n++)
		printf("%s\n", *n);
	return 0;
}

static bool chip_known(const char *name)
{
	const char *const *n = nor_model_names();
	if (!n || !*n)
		return true; /* no chip list available: the backend decides */
	for (; *n; n++)
		if (strcasecmp(*n, name) == 0)
			return true;
	return false;
}

enum {
	O_BOARD = 256,
	O_FLASH,
	O_STATE,
	O_DEVICES,
	O_TIME,
	O_TIMING,
	O_ROMSTYLE,
	O_ENTER,
	O_USB,
	O_HSPEED,
	O_LOG,
	O_USB_ID,
	O_ROM,
	O_POWER_CUT,
	O_LB,
	O_LC,
	O_NOR_PROTECT
};

static const struct option sim_options[] = {
    {"board", required_argument, NULL, O_BOARD},
    {"flash", required_argument, NULL, O_FLASH},
    {"nor-protect", no_argument, NULL, O_NOR_PROTECT},
    {"state", required_argument, NULL, O_STATE},
    {"devices", required_argument, NULL, O_DEVICES},
    {"time", required_argument, NULL, O_TIME},
    {"timing", required_argument, NULL, O_TIMING},
    {"rom-style", no_argument, NULL, O_ROMSTYLE},
    {"enter", required_argument, NULL, O_ENTER},
    {"usb", required_argument, NULL, O_USB},
    {"host-speed", required_argument, NULL, O_HSPEED},
    {"log", required_argument, NULL, O_LOG},
    {"usb-id", required_argument, NULL, O_USB_ID},
    {"rom", optional_argument, NULL, O_ROM},
    {"power-cut", required_argument, NULL, O_POWER_CUT},
    {"list-boards", no_argument, NULL, O_LB},
    {"list-chips", no_argument, NULL, O_LC},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* An option that takes one of two words: 0 for the first, 1 for the
 * second, -1 (after a message) for anything else. */
static int pick(const char *opt, const char *arg, const char *first, const char *second)
{
	if (strcmp(arg, first) == 0)
		return 0;
	if (strcmp(arg, second) == 0)
		return 1;
	fprintf(stderr, "qdfu-sim: --%s wants %s or %s\n", opt, first, second);
	return -1;
}

/* --rom[=ID]: ST's ROM DFU bootloader, optionally of one bootloader ID. */
static int apply_rom(const char *arg, struct options *o)
{
	char *end;
	unsigned long id = arg ? strtoul(arg, &end, 0) : 0;
	if (arg && (*end || id < 1 || id > 0xFF)) {
		fprintf(stderr,
		        "qdfu-sim: --rom=ID wants a bootloader ID byte (0x90, 0x91, ...)\n");
		return 2;
	}
	o->rom = true;
	o->rom_version = (uint8_t)id;
	return 0;
}

/* --power-cut SECONDS (decimal, virtual time after the first enumeration)
 * or random:SEED[:MAX] (a moment in (0, MAX] seconds, MAX 20 by default,
 * the same for the same SEED). */
static int parse_power_cut(const char *arg, struct options *o)
{
	char *end;
	double s;
	if (strncmp(arg, "random:", 7) == 0) {
		unsigned long seed = strtoul(arg + 7, &end, 0);
		double max = 20.0;
		if (*end == ':')
			max = strtod(end + 1, &end);
		if (*end || max <= 0) {
			fprintf(stderr, "qdfu-sim: --power-cut random:SEED[:MAX SECONDS]\n");
			return 2;
		}
		uint64_t x = seed * 6364136223846793005ull + 1442695040888963407ull;
		x ^= x >> 33;
		x *= 0xff51afd7ed558ccdull;
		x ^= x >> 33;
		s = max * (double)((x >> 11) + 1u) / 9007199254740992.0; /* (0, max] */
	} else {
		s = strtod(arg, &end);
		if (*end || s < 0) {
			fprintf(stderr, "qdfu-sim: --power-cut wants SECONDS or random:SEED\n");
			return 2;
		}
	}
	o->power_cut_us = (uint64_t)(s * 1e6) + 1u;
	return 0;
}

/* One option into o (board and flash names are resolved afterwards).
 * Returns 0, or the exit status for a bad value. */
static int apply_option(int c, struct options *o, const char **board, const char **flash)
{
	char *end;
	int v;
	switch (c) {
	case O_BOARD:
		*board = optarg;
		return 0;
	case O_FLASH:
		*flash = optarg;
		return 0;
	case O_NOR_PROTECT:
		o->nor_protect = true;
		return 0;
	case O_STATE:
		o->state = optarg;
		return 0;
	case O_DEVICES: {
		unsigned long n = strtoul(optarg, &end, 10);
		if (*end || n < 1 || n > MAX_DEVICES) {
			fprintf(stderr, "qdfu-sim: --devices wants 1..%d\n", MAX_DEVICES);
			return 2;
		}
		o->devices = (unsigned)n;
		return 0;
	}
	case O_TIME:
		if ((v = pick("time", optarg, "virtual", "real")) < 0)
			return 2;
		o->time = v ? VCLOCK_REAL : VCLOCK_VIRTUAL;
		return 0;
	case O_TIMING: /* inherited by the device processes */
		if ((v = pick("timing", optarg, "typ", "max")) < 0)
			return 2;
		vclock_set_timing(v ? VCLOCK_TIMING_MAX : VCLOCK_TIMING_TYP);
		return 0;
	case O_ROMSTYLE: /* inherited by the device processes */
		dfu_set_fixed_poll(104);
		mem_set_plain(true);
		return 0;
	case O_ENTER:
		if ((v = pick("enter", optarg, "dfu", "auto")) < 0)
			return 2;
		o->enter = v ? BOOTLOADER_ENTER_AUTO : BOOTLOADER_ENTER_DFU;
		return 0;
	case O_USB:
		if (pick("usb", optarg, "model", "dwc2") < 0)
			return 2;
		o->usb = optarg;
		return 0;
	case O_HSPEED:
		if ((v = pick("host-speed", optarg, "high", "full")) < 0)
			return 2;
		o->host_full_speed = v == 1;
		return 0;
	case O_LOG:
		o->log = optarg;
		return 0;
	case O_USB_ID:
		o->usb_id = optarg;
		return 0;
	case O_ROM:
		return apply_rom(optarg, o);
	case O_POWER_CUT:
		return parse_power_cut(optarg, o);
	case O_LB:
		exit(list_boards());
	case O_LC:
		exit(list_chips());
	case 'h':
		usage(stdout);
		exit(0);
	default:
		usage(stderr);
		return 2;
	}
}

/* --flash CHIP[,CHIP]: one part, or one per chip of a dual-flash board. */
static int parse_flash(const char *flash, struct options *o)
{
	char *dup = strdup(flash), *save = NULL;
	unsigned n = 0;
	for (char *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (n == 2 || !chip_known(t)) {
			fprintf(stderr, "qdfu-sim: %s chip '%s' (see --list-chips)\n",
			        n == 2 ? "one or two chips, not" : "unknown", t);
			free(dup);
			return 2;
		}
		o->chips[n++] = strdup(t);
	}
	free(dup);
	if (n == 1 && o->board->qspi_dual)
		o->chips[1] = strdup(o->chips[0]); /* same part on both */
	return 0;
}

/* --usb-id VID:PID[,MANUFACTURER,PRODUCT]: the board with another USB
 * identity, what firmware/CMakeLists.txt's QDFU_USB_* options build. */
static int parse_usb_id(const char *arg, struct options *o)
{
	static struct board custom;
	static char text[2 * 127];
	unsigned vid, pid;
	int used = 0;
	if (sscanf(arg, "%4x:%4x%n", &vid, &pid, &used) != 2 || vid == 0 || pid == 0 ||
	    (arg[used] && arg[used] != ',') || strlen(arg) >= sizeof(text) + (size_t)used) {
		fprintf(stderr, "qdfu-sim: --usb-id wants VID:PID[,MANUFACTURER,PRODUCT] in hex, "
		                "e.g. 1209:0001,Acme,Acme bootloader\n");
		return 2;
	}
	custom = *o->board;
	custom.usb_vid = (uint16_t)vid;
	custom.usb_pid = (uint16_t)pid;
	if (arg[used] == ',') {
		strcpy(text, arg + used + 1);
		char *comma = strchr(text, ',');
		if (!comma || comma == text || comma - text > 126 || !comma[1] ||
		    strlen(comma + 1) > 126 || strchr(comma + 1, ',')) {
			fprintf(stderr, "qdfu-sim: --usb-id: give both MANUFACTURER and PRODUCT, "
			                "1-126 characters each, without commas in them\n");
			return 2;
		}
		*comma = '\0';
		custom.usb_manufacturer = text;
		custom.usb_product = comma + 1;
	}
	o->board = &custom;
	return 0;
}

static int parse(int argc, char **argv, struct options *o)
{
	const char *board = DEFAULT_BOARD, *flash = NULL;
	memset(o, 0, sizeof(*o));
	o->devices = 1;
	o->time = VCLOCK_VIRTUAL;
	o->enter = BOOTLOADER_ENTER_DFU;
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "+h", sim_options, NULL)) != -1) {
		int e = apply_option(c, o, &board, &flash);
		if (e)
			return e;
	}
	o->board = board_find(board);
	if (!o->board) {
		fprintf(stderr, "qdfu-sim: unknown board '%s' (see --list-boards)\n", board);
		return 2;
	}
	if (flash && parse_flash(flash, o))
		return 2;
	if (o->usb_id && parse_usb_id(o->usb_id, o))
		return 2;
	if (optind >= argc) {
		fprintf(stderr, "qdfu-sim: no COMMAND given\n");
		usage(stderr);
		return 2;
	}
	o->command = argv + optind;
	return 0;
}

/* ----------------------------------------------------- environment */

/* --usb names the other build: run it, with the same arguments. It lives
 * next to this binary. Returns only on failure. */
static int hand_over(const char *usb, char **argv)
{
	const char *name = strcmp(usb, "dwc2") == 0 ? "qdfu-sim-dwc2" : "qdfu-sim";
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		fprintf(stderr, "qdfu-sim: cannot find my own path for --usb %s\n", usb);
		return 2;
	}
	self[n] = 0;
	char *dir = g_path_get_dirname(self);
	char *other = g_build_filename(dir, name, NULL);
	g_free(dir);
	char *arg0 = argv[0];
	argv[0] = other;
	execv(other, argv);
	fprintf(stderr, "qdfu-sim: --usb %s needs %s next to %s: %s (make build builds both)\n",
	        usb, name, self, strerror(errno));
	argv[0] = arg0;
	g_free(other);
	return 2;
}

static bool usb_is_dwc2(void)
{
	return strcmp(simport_usb_name(), "dwc2") == 0;
}

static bool has_preload(void)
{
	const char *p = getenv("LD_PRELOAD");
	return p && strstr(p, "libumockdev-preload");
}

static char *join_env(const char *old, const char *add, const char *sep, bool prepend)
{
	if (!old || !*old)
		return g_strdup(add);
	return prepend ? g_strconcat(add, sep, old, NULL) : g_strconcat(old, sep, add, NULL);
}

/* uevents need the simulator itself under the umockdev preload: run
 * through umockdev-wrapper (or set the preload directly if it is not
 * installed). */
static void reexec_preloaded(char **argv)
{
	if (has_preload() || getenv(REEXEC_ENV))
		return;
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return;
	self[n] = 0;
	setenv(REEXEC_ENV, "1", 1);
	char *asan = join_env(getenv("ASAN_OPTIONS"), ASAN_EXTRA, ":", false);
	setenv("ASAN_OPTIONS", asan, 1);
	g_free(asan);
	int argc = 0;
	while (argv[argc])
		argc++;
	char **nargv = calloc((size_t)argc + 2, sizeof(char *));
	nargv[0] = "umockdev-wrapper";
	nargv[1] = self;
	for (int i = 1; i < argc; i++)
		nargv[i + 1] = argv[i];
	execvp(nargv[0], nargv);
	char *pre = join_env(getenv("LD_PRELOAD"), PRELOAD_LIB, ":", true);
	setenv("LD_PRELOAD", pre, 1);
	g_free(pre);
	execv(self, argv);
	free(nargv);
	fprintf(stderr, "qdfu-sim: cannot re-execute under the umockdev preload; "
	                "unplug/replug events will not work\n");
}

/* A preload library next to this executable (libqdfu-vtime.so,
 * libqdfu-epoll.so), or NULL. */
static char *shim_path(const char *name)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return NULL;
	self[n] = 0;
	char *dir = g_path_get_dirname(self);
	char *p = g_build_filename(dir, name, NULL);
	g_free(dir);
	if (access(p, R_OK) != 0) {
		g_free(p);
		return NULL;
	}
	return p;
}

static char **child_env(const char *vtime_file)
{
	char **env = g_get_environ();
	const char *pre = g_environ_getenv(env, "LD_PRELOAD");
	char *p = has_preload() ? g_strdup(pre) : join_env(pre, PRELOAD_LIB, ":", true);
	/* clients that wait for URBs with epoll (Chromium): sim/epoll */
	char *epoll_shim = shim_path(EPOLL_SHIM_NAME);
	if (epoll_shim) {
		char *q = join_env(p, epoll_shim, ":", false);
		g_free(p);
		p = q;
		g_free(epoll_shim);
	}
	if (vtime_file) {
		char *shim = shim_path(VTIME_SHIM_NAME);
		if (shim) {
			char *q = join_env(p, shim, ":", false);
			g_free(p);
			p = q;
			env = g_environ_setenv(env, VTIME_ENV, vtime_file, TRUE);
		} else {
			fprintf(stderr,
			        "qdfu-sim: %s not found next to qdfu-sim: "
			        "client sleeps take real time\n",
			        VTIME_SHIM_NAME);
		}
		g_free(shim);
	}
	env = g_environ_setenv(env, "LD_PRELOAD", p, TRUE);
	g_free(p);
	char *asan = join_env(g_environ_getenv(env, "ASAN_OPTIONS"), ASAN_EXTRA, ":", false);
	env = g_environ_setenv(env, "ASAN_OPTIONS", asan, TRUE);
	g_free(asan);
	env = g_environ_unsetenv(env, REEXEC_ENV);
	return env;
}

/* ------------------------------------------------------- devices */

/* A distinct, stable 96-bit UID per board model and device index. */
static void make_uid(const struct board *b, unsigned i, uint8_t uid[12])
{
	uint32_t h = 2166136261u; /* FNV-1a of the board name */
	for (const char *c = b->name; *c; c++)
		h = (h ^ (uint8_t)*c) * 16777619u;
	const uint8_t v[12] = {(uint8_t)(0x20 + i),
	                       0x00,
	                       0x3A,
	                       0x00,
	                       0x51,
	                       0x44,
	                       0x46,
	                       0x55,
	                       (uint8_t)h,
	                       (uint8_t)(h >> 8),
	                       (uint8_t)(h >> 16),
	                       (uint8_t)(h >> 24)};
	memcpy(uid, v, sizeof(v));
}

static int make_dir(const char *path)
{
	if (g_mkdir_with_parents(path, 0755) != 0) {
		fprintf(stderr, "qdfu-sim: cannot create %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

struct run {
	struct options o;
	struct vusb_link links[MAX_DEVICES];
	struct vusb_worker_config wcfg[MAX_DEVICES];
	char *state_dirs[MAX_DEVICES];
	bool lost[MAX_DEVICES];
	struct vusb_bus *bus;
	GMainLoop *loop;
	int status;
};

/* A device's event reaches the bus: the clients' sleeps stop waiting
 * for it (lockstep, sim/vtime/vtime_shm.h). */
static bool apply_event(struct run *r, unsigned i, const struct vusb_event *ev)
{
	bool ok = vusb_bus_device_event(r->bus, i, ev);
	vtime_shm_event_applied(r->wcfg[i].shared_clock);
	return ok;
}

static gboolean on_device_event(gint fd, GIOCondition cond, gpointer ud)
{
	struct run *r = ud;
	(void)cond;
	for (unsigned i = 0; i < r->o.devices; i++) {
		if (r->links[i].ev_fd != fd)
			continue;
		struct vusb_event ev;
		int k;
		while ((k = vusb_link_event(&r->links[i], &ev, 0)) == 1)
			apply_event(r, i, &ev);
		if (k < 0) {
			/* nobody waits for a device that is gone (lockstep) */
			vtime_shm_follow(r->wcfg[i].shared_clock, i, VTIME_NOT_FOLLOWING);
			r->lost[i] = true;
			vusb_bus_device_lost(r->bus, i);
			return G_SOURCE_REMOVE;
		}
	}
	return G_SOURCE_CONTINUE;
}

static void on_command_exit(GPid pid, gint status, gpointer ud)
{
	struct run *r = ud;
	(void)pid;
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	g_main_loop_quit(r->loop);
}

/* Wait until every device has booted: enumerated, or started its app. */
static int wait_boot(struct run *r)
{
	for (unsigned i = 0; i < r->o.devices; i++) {
		uint64_t waited = 0;
		for (;;) {
			struct vusb_event ev;
			int k = vusb_link_event(&r->links[i], &ev, 100);
			if (k < 0) {
				fprintf(stderr, "qdfu-sim: device %u ended while booting\n", i);
				return -1;
			}
			if (k == 0) {
				waited += 100;
				if (waited >= BOOT_TIMEOUT_MS) {
					fprintf(stderr, "qdfu-sim: device %u did not boot\n", i);
					return -1;
				}
				continue;
			}
			if (!apply_event(r, i, &ev))
				return -1;
			if (ev.type == VUSB_EV_CONNECT || ev.type == VUSB_EV_APP)
				break;
		}
	}
	return 0;
}

static int start_workers(struct run *r, volatile uint64_t *clock)
{
	for (unsigned i = 0; i < r->o.devices; i++) {
		struct vusb_worker_config *w = &r->wcfg[i];
		memset(w, 0, sizeof(*w));
		w->hp.board = r->o.board;
		w->hp.chips[0] = r->o.chips[0];
		w->hp.chips[1] = r->o.chips[1];
		w->hp.nor_protect = r->o.nor_protect;
		w->hp.button = r->o.enter == BOOTLOADER_ENTER_DFU;
		/* the DWC2 build sits on a high-speed capable host port, as on a
		 * PC (unless --host-speed full): boards with a ULPI PHY enumerate
		 * at high speed. The controller model is full speed only. */
		w->hp.high_speed = usb_is_dwc2() && !r->o.host_full_speed;
		w->power_cut_us = r->o.power_cut_us;
		make_uid(r->o.board, i, w->hp.uid);
		if (r->o.state) {
			r->state_dirs[i] = r->o.devices > 1
			                       ? g_strdup_printf("%s/%u", r->o.state, i)
			                       : g_strdup(r->o.state);
			if (make_dir(r->state_dirs[i]) < 0)
				return -1;
			w->hp.state_dir = r->state_dirs[i];
		}
		w->enter = r->o.enter;
		w->rom = r->o.rom;
		w->rom_version = r->o.rom_version;
		w->time_mode = r->o.time;
		w->shared_clock = clock;
		w->slot = i;
		int e = vusb_link_spawn(&r->links[i], w);
		if (e < 0) {
			fprintf(stderr, "qdfu-sim: cannot start device %u: %s\n", i, strerror(-e));
			return -1;
		}
	}
	return 0;
}

static int run_command(struct run *r, const char *vtime_file)
{
	char **env = child_env(vtime_file);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		execvpe(r->o.command[0], r->o.command, env);
		fprintf(stderr, "qdfu-sim: %s: %s\n", r->o.command[0], strerror(errno));
		_exit(127);
	}
	g_strfreev(env);
	if (pid < 0) {
		perror("qdfu-sim: fork");
		return 127;
	}
	r->loop = g_main_loop_new(NULL, FALSE);
	GSource *sources[MAX_DEVICES] = {0};
	for (unsigned i = 0; i < r->o.devices; i++) {
		sources[i] = g_unix_fd_source_new(r->links[i].ev_fd, G_IO_IN | G_IO_HUP | G_IO_ERR);
		g_source_set_callback(sources[i], (GSourceFunc)(void (*)(void))on_device_event, r,
		                      NULL);
		g_source_attach(sources[i], NULL);
	}
	g_child_watch_add(pid, on_command_exit, r);
	g_main_loop_run(r->loop);
	for (unsigned i = 0; i < r->o.devices; i++) {
		g_source_destroy(sources[i]);
		g_source_unref(sources[i]);
	}
	g_main_loop_unref(r->loop);
	return r->status;
}

/* After COMMAND: let each device catch up with the clock (a leave that is
 * due), log what it reports, then stop it. */
static void stop_devices(struct run *r)
{
	for (unsigned i = 0; i < r->o.devices; i++) {
		struct vusb_event ev;
		if (r->lost[i] || vusb_link_save(&r->links[i]) < 0)
			continue;
		while (vusb_link_event(&r->links[i], &ev, 0) == 1)
			apply_event(r, i, &ev);
	}
	for (unsigned i = 0; i < r->o.devices; i++)
		if (r->links[i].pid > 0 && vusb_link_quit(&r->links[i]) != 0 && !r->lost[i])
			fprintf(stderr, "qdfu-sim: device %u did not shut down cleanly\n", i);
}

/* The devices, the bus and COMMAND; returns COMMAND's exit status. */
static int run_session(struct run *r, volatile uint64_t *clock, const char *vtime_file)
{
	int status = 2;
	/* workers first: no threads may exist when they are forked */
	if (start_workers(r, clock) < 0) {
		for (unsigned i = 0; i < r->o.devices; i++)
			if (r->links[i].pid > 0)
				vusb_link_quit(&r->links[i]);
		return status;
	}
	UMockdevTestbed *tb = umockdev_testbed_new();
	r->bus = vusb_bus_new(tb, r->links, r->o.devices);
	if (wait_boot(r) == 0)
		status = run_command(r, clock ? vtime_file : NULL);
	stop_devices(r);
	g_object_unref(tb);
	vusb_bus_free(r->bus);
	return status;
}

static FILE *open_log(const char *path, int *failed)
{
	FILE *logf = NULL;
	*failed = 0;
	if (path) {
		logf = fopen(path, "w");
		if (!logf) {
			fprintf(stderr, "qdfu-sim: cannot write %s: %s\n", path, strerror(errno));
			*failed = 1;
		}
	}
	vusb_log_open(logf);
	return logf;
}

int qdfu_sim_main(int argc, char **argv)
{
	struct run r;
	memset(&r, 0, sizeof(r));
	int e = parse(argc, argv, &r.o);
	if (e)
		return e;
	if (r.o.usb && strcmp(r.o.usb, simport_usb_name()) != 0)
		return hand_over(r.o.usb, argv);
	reexec_preloaded(argv);

	FILE *logf = open_log(r.o.log, &e);
	if (e)
		return 2;
	vclock_init(r.o.time);
	if (usb_is_dwc2())
		vusb_log("-", "usb: the STM32H7 DWC2 driver on the register model, %s",
		         h7_board_usb_name(r.o.board));
	else
		vusb_log("-", "usb: EP0 controller model (full speed)");
	volatile uint64_t *clock = NULL;
	char vtime_file[PATH_MAX] = "";
	int status = 2;
	if (r.o.time == VCLOCK_VIRTUAL) {
		clock = vtime_shm_create(NULL, vtime_file, sizeof(vtime_file));
		if (!clock)
			fprintf(stderr, "qdfu-sim: cannot create the virtual clock file\n");
		else
			vclock_attach_shared(clock);
	}
	if (r.o.time != VCLOCK_VIRTUAL || clock)
		status = run_session(&r, clock, vtime_file);

	for (unsigned i = 0; i < r.o.devices; i++)
		g_free(r.state_dirs[i]);
	free(r.o.chips[0]);
	free(r.o.chips[1]);
	vclock_attach_shared(NULL);
	if (clock) {
		vtime_shm_release(clock);
		unlink(vtime_file);
	}
	if (logf)
		fclose(logf);
	return status;
}
