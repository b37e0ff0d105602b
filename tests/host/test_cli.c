/* SPDX-License-Identifier: MIT */
/*
 * Table-driven tests of the qdfu command line, run in-process through
 * qdfu_cli_main() with captured output. Fixture files are generated here
 * with libqdfu's writers. Device commands are only tested up to device
 * selection (a VID:PID no real device has); the end-to-end tests run
 * against qdfu-sim.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "qh_formats.h"

static char dir[256];

struct row {
	const char *args[10]; /* "%D" is replaced by the fixture directory */
	int exit;
	const char *out; /* substring of standard output, or NULL */
	const char *err; /* substring of standard error, or NULL */
};

#define INTERNAL "@Internal Flash  /0x08000000/01*128Ka,15*128Kg"
#define QSPI     "@QSPI Flash /0x90000000/512*128Kg,510*128Kg,2*128Ka"
#define NODEV    "--device", "ffff:fffe"

static const struct row rows[] = {
    {{"--help"}, 0, "usage: qdfu", NULL},
    {{"--version"}, 0, "qdfu ", NULL},
    {{NULL}, 2, NULL, "usage: qdfu"},
    {{"bogus"}, 2, NULL, "unknown command 'bogus'"},
    {{"flash"}, 2, NULL, "wrong number of arguments"},
    {{"read", "0x08000000"}, 2, NULL, "usage: qdfu read"},
    {{"help", "flash"}, 0, "FILE[@ADDRESS]", NULL},
    {{"flash", "--help"}, 0, "--no-reset", NULL},
    {{"help", "nope"}, 2, NULL, "unknown command"},
    {{"list", "--frobnicate"}, 2, NULL, "unknown option --frobnicate"},
    {{"list", "--device", "zz"}, 2, NULL, "VID:PID"},
    {{"list", "--device"}, 2, NULL, "needs a value"},
    {{"flash", "%D/app.hex", "--verify=maybe"}, 2, NULL, "--verify"},
    {{"read", "0x08000000", "16"}, 2, NULL, "output file"},
    {{"read", "0x08000000", "zero", "-o", "%D/r.bin"}, 2, NULL, "bad length"},
    {{"read", "0xFFFFFFF0", "0x20", "-o", "%D/r.bin"}, 2, NULL, "4 GiB"},
    {{"erase"}, 2, NULL, "ADDRESS LENGTH, or --all"},
    {{"erase", "0x08020000", "0x100", "--all"}, 2, NULL, "--all"},
    {{"pack", "%D/app.hex"}, 2, NULL, "output file"},
    /* files */
    {{"info", "%D/missing.hex"}, 3, NULL, "cannot open"},
    {{"info", "%D/bad.hex"}, 3, NULL, "bad.hex:2: checksum error"},
    {{"info", "%D/app.bin"}, 2, NULL, "@ADDRESS"},
    {{"info", "%D/app.bin@nowhere"}, 2, NULL, "bad address"},
    {{"info", "%D/app.hex@0x08000000"}, 2, NULL, "only applies to raw binaries"},
    {{"info", "%D/mystery.dat"}, 3, NULL, "unknown file format"},
    {{"info", "%D/app.hex", "%D/conflict.srec"}, 3, NULL, "differs"},
    {{"info", "%D/app.hex", "%D/app.srec", "--layout", INTERNAL, "--layout", QSPI},
     0,
     "0x08020000-0x080217FF -> alt 0 'Internal Flash'",
     NULL},
    {{"info", "%D/app.bin@0x08020000"}, 0, "binary", NULL},
    {{"info", "%D/app.hex", "%D/qspi.hex", "--layout", INTERNAL, "--layout", QSPI},
     0,
     "-> alt 1 'QSPI Flash'",
     NULL},
    {{"info", "%D/boot.hex", "--layout", INTERNAL}, 4, NULL, "read-only"},
    {{"info", "%D/qspi.hex", "--layout", INTERNAL}, 4, NULL, "not in any memory region"},
    {{"info", "%D/app.hex", "--layout", "@Bad"}, 2, NULL, "layout"},
    {{"info", "--json", "%D/app.hex"}, 0, "\"crc32\":\"0x", NULL},
    {{"info", "--json", "%D/bad.hex"}, 3, "\"ok\":false", NULL},
    /* pack, then the result is a valid DfuSe file */
    {{"pack", "%D/app.hex", "%D/qspi.hex", "-o", "%D/out.dfu"}, 0, "wrote", NULL},
    {{"info", "%D/out.dfu"}, 0, "DfuSe", NULL},
    {{"pack", "%D/app.hex", "-o", "%D/out2.dfu", "--device", "1209:abcd"}, 0, "1209:abcd", NULL},
    {{"pack", "%D/far.bin@0x40000000", "-o", "%D/out3.dfu"}, 4, NULL, "0x40000000"},
    /* device selection with no matching device */
    {{"flash", "%D/app.hex", NODEV}, 5, NULL, "no DFU device found"},
    {{"flash", "%D/app.hex", NODEV}, 5, NULL, "bootloader"},
    {{"verify", "%D/app.hex", NODEV}, 5, NULL, NULL},
    {{"reset", NODEV}, 5, NULL, NULL},
    {{"erase", "--all", NODEV}, 5, NULL, NULL},
    {{"read", "0x08020000", "16", "-o", "%D/r.bin", NODEV}, 5, NULL, NULL},
    {{"flash", "%D/app.hex", NODEV, "--json"}, 5, "\"exit\":5", NULL},
    {{"flash", "%D/bad.hex", NODEV}, 3, NULL, "checksum"},
    {{"list", NODEV}, 0, "no DFU device found", NULL},
    {{"list", "--json", NODEV}, 0, "\"devices\":[]", NULL},
    /* getopt_long: combined short options, options anywhere, "--" */
    {{"-qv", "list", NODEV}, 0, NULL, NULL},
    {{"list", "-qv", NODEV}, 0, NULL, NULL},
    {{"list", "-qx", NODEV}, 2, NULL, "unknown option -x"},
    {{"info", "--", "%D/app.hex"}, 0, "Intel HEX", NULL},
    {{"list", "--no-skip", NODEV}, 2, NULL, "--no-skip does not apply to 'list'"},
    {{"--version"}, 0, "(git ", NULL},
    /* qdfu help CMD lists every option of CMD */
    {{"help", "flash"}, 0, "--no-skip", NULL},
    {{"help", "flash"}, 0, "--json-progress", NULL},
    {{"help", "flash"}, 0, "--wait", NULL},
    {{"help", "flash"}, 0, "--production", NULL},
    {{"flash", "%D/app.hex", "--count", "3"}, 2, NULL, "--count applies to --production only"},
    {{"flash", "%D/app.hex", "--production", "--count", "0"}, 2, NULL, "bad --count"},
    {{"verify", "%D/app.hex", "--production"}, 2, NULL, "does not apply to 'verify'"},
    {{"help", "read"}, 0, "--output", NULL},
    {{"help", "pack"}, 0, "--layout", NULL},
    /* --wait [SECONDS]: "--wait 1" takes the 1 (else it would be a file) */
    {{"flash", "%D/app.hex", NODEV, "--wait", "1"}, 5, NULL, "no DFU device found"},
    {{"list", "--wait=soon", NODEV}, 2, NULL, "bad --wait"},
    /* addresses: 0x, or a clear error when one looks hexadecimal */
    {{"read", "90000000", "16", "-o", "%D/r.bin"}, 2, NULL, "looks hexadecimal"},
    {{"read", "90000000", "16", "-o", "%D/r.bin"}, 2, NULL, "write 0x90000000"},
    {{"erase", "08020000", "16"}, 2, NULL, "looks hexadecimal"},
    {{"info", "%D/app.bin@90000000"}, 2, NULL, "no 0x prefix"},
    {{"info", "%D/app.bin@0x90000000", "--json"}, 0, "\"start\":\"0x90000000\"", NULL},
    {{"read", "0x08000000", "16", "-o", "%D/r.bin", NODEV}, 5, NULL, NULL},
    /* JSON: one schema, errors included */
    {{"flash", "--json", "%D/app.hex", NODEV},
     5,
     "\"error\":{\"code\":\"nodev\",\"message\":\"no DFU device found",
     NULL},
    {{"info", "--json", "%D/app.hex"}, 0, "{\"version\":1,\"event\":\"result\"", NULL},
    {{"info", "--json", "%D/app.hex"}, 0, "\"ok\":true,\"exit\":0,\"error\":null", NULL},
    {{"bogus", "--json"}, 2, "\"code\":\"usage\"", NULL},
};

static void write_image(const char *name, uint32_t addr, size_t len, uint8_t seed, int srec)
{
	struct qh_image img;
	struct qh_error e = {0};
	uint8_t *buf = malloc(len), *text;
	size_t tlen;
	char path[512];

	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(i * seed + (i >> 8));
	qh_image_init(&img);
	assert_int_equal(qh_image_add(&img, addr, buf, len, "t", &e), 0);
	if (srec)
		assert_int_equal(qh_write_srec(&img, &text, &tlen, &e), 0);
	else
		assert_int_equal(qh_write_ihex(&img, &text, &tlen, &e), 0);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(qh_write_file(path, text, tlen, &e), 0);
	free(text);
	free(buf);
	qh_image_free(&img);
}

static void write_text(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s/qdfu-cli-XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir))
		return -1;
	write_image("app.hex", 0x08020000, 6144, 3, 0);
	write_image("app.srec", 0x08020000, 6144, 3, 1);    /* same data: merges */
	write_image("conflict.srec", 0x08020100, 16, 5, 1); /* different data */
	write_image("qspi.hex", 0x90000000, 3000, 7, 0);
	write_image("boot.hex", 0x08000000, 256, 9, 0);
	write_text("bad.hex", ":020000040802F0\n:0400000001020304F1\n:00000001FF\n");
	write_text("app.bin", "0123456789");
	write_text("far.bin", "0123456789");
	write_text("mystery.dat", "\x01\x02\x03 not a known format");
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void run_row(const struct row *r, size_t idx)
{
	char *argv[12], storage[10][512], *out = NULL, *err = NULL;
	size_t outlen, errlen;
	int argc = 0, rc;
	FILE *fo = open_memstream(&out, &outlen), *fe = open_memstream(&err, &errlen);

	argv[argc++] = "qdfu";
	for (int i = 0; i < 10 && r->args[i]; i++) {
		const char *a = r->args[i], *d = strstr(a, "%D");
		if (d)
			snprintf(storage[i], sizeof(storage[i]), "%.*s%s%s", (int)(d - a), a, dir,
			         d + 2);
		else
			snprintf(storage[i], sizeof(storage[i]), "%s", a);
		argv[argc++] = storage[i];
	}
	argv[argc] = NULL;
	rc = qdfu_cli_main(argc, argv, fo, fe);
	fclose(fo);
	fclose(fe);
	if (rc != r->exit || (r->out && !strstr(out, r->out)) || (r->err && !strstr(err, r->err)))
		fail_msg("row %zu (%s %s): exit %d (want %d)\nstdout: %s\nstderr: %s", idx,
		         r->args[0] ? r->args[0] : "", r->args[1] ? r->args[1] : "", rc, r->exit,
		         out, err);
	free(out);
	free(err);
}

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		run_row(&rows[i], i);
}

static void test_pack_output_is_dfuse(void **state)
{
	char path[512];
	uint8_t *buf;
	size_t len;
	struct qh_dfuse_file f;
	struct qh_error e = {0};
	(void)state;

	snprintf(path, sizeof(path), "%s/out.dfu", dir);
	assert_int_equal(qh_read_file(path, &buf, &len, &e), 0);
	assert_int_equal(qh_parse_dfuse(buf, len, path, &f, &e), 0);
	/* one target per alt: internal flash = alt 0, QSPI = alt 1 */
	assert_int_equal(f.ntargets, 2);
	assert_int_equal(f.t[0].alt, 0);
	assert_int_equal(f.t[0].img.seg[0].addr, 0x08020000);
	assert_int_equal(f.t[0].img.seg[0].len, 6144);
	assert_int_equal(f.t[1].alt, 1);
	assert_int_equal(f.t[1].img.seg[0].addr, 0x90000000);
	assert_int_equal(f.vid, 0x0483);
	assert_int_equal(f.pid, 0xDF11);
	qh_dfuse_free(&f);
	free(buf);
	snprintf(path, sizeof(path), "%s/out2.dfu", dir);
	assert_int_equal(qh_read_file(path, &buf, &len, &e), 0);
	assert_int_equal(qh_parse_dfuse(buf, len, path, &f, &e), 0);
	assert_int_equal(f.vid, 0x1209);
	assert_int_equal(f.pid, 0xABCD);
	qh_dfuse_free(&f);
	free(buf);
}

static void test_exit_code_map(void **state)
{
	(void)state;
	assert_int_equal(cli_exit_code(QH_OK), CLI_EXIT_OK);
	assert_int_equal(cli_exit_code(QH_E_FORMAT), CLI_EXIT_FILE);
	assert_int_equal(cli_exit_code(QH_E_OVERLAP), CLI_EXIT_FILE);
	assert_int_equal(cli_exit_code(QH_E_MAP), CLI_EXIT_MAP);
	assert_int_equal(cli_exit_code(QH_E_ACCESS), CLI_EXIT_ACCESS);
	assert_int_equal(cli_exit_code(QH_E_PIPE), CLI_EXIT_DEVICE);
	assert_int_equal(cli_exit_code(QH_E_VERIFY), CLI_EXIT_VERIFY);
	assert_int_equal(cli_exit_code(QH_E_NOMEM), CLI_EXIT_FAIL);
}

/* Run qdfu with args, return its standard output (malloc'ed). */
static char *capture(int argc, char **argv)
{
	char *out = NULL, *err = NULL;
	size_t outlen, errlen;
	FILE *fo = open_memstream(&out, &outlen), *fe = open_memstream(&err, &errlen);

	qdfu_cli_main(argc, argv, fo, fe);
	fclose(fo);
	fclose(fe);
	free(err);
	return out;
}

/* Every option the help texts mention is documented in the man page (whose
 * roff "\-" is turned back into "-"), and so is every command. */
static void test_man_page_covers_help(void **state)
{
	static const char *const cmds[] = {"list",  "flash", "verify", "read", "erase",
	                                   "reset", "info",  "pack",   "web"};
	enum { NCMDS = sizeof(cmds) / sizeof(cmds[0]) };
	char *texts[NCMDS + 1], *man, *p;
	size_t len, k = 0;
	struct qh_error e = {0};
	uint8_t *raw;
	(void)state;

	assert_int_equal(qh_read_file(QDFU_SOURCE_DIR "/docs/man/qdfu.1", &raw, &len, &e), 0);
	man = calloc(1, len + 1);
	for (size_t i = 0; i < len; i++)
		if (!(raw[i] == '\\' && i + 1 < len && raw[i + 1] == '-'))
			man[k++] = (char)raw[i];
	free(raw);
	{
		char *argv[] = {"qdfu", "--help", NULL};
		texts[0] = capture(2, argv);
	}
	for (size_t i = 0; i < NCMDS; i++) {
		char *argv[] = {"qdfu", "help", (char *)cmds[i], NULL};
		texts[i + 1] = capture(3, argv);
		{
			char want[32];
			snprintf(want, sizeof(want), "qdfu %s", cmds[i]);
			if (!strstr(man, want))
				fail_msg("man page lacks command '%s'", cmds[i]);
		}
	}
	for (size_t i = 0; i < NCMDS + 1; i++) {
		for (p = strstr(texts[i], "--"); p; p = strstr(p + 2, "--")) {
			char opt[40];
			size_t n = 2;
			while (n < sizeof(opt) - 1 && ((p[n] >= 'a' && p[n] <= 'z') || p[n] == '-'))
				n++;
			if (n <= 3)
				continue;
			memcpy(opt, p, n);
			opt[n] = '\0';
			if (!strstr(man, opt))
				fail_msg("option %s (in the help) is not in docs/man/qdfu.1", opt);
		}
		free(texts[i]);
	}
	free(man);
}

/* The progress line never reaches the terminal's last column (no wrap),
 * whatever the width, and keeps the most useful fields longest. */
static void test_progress_fits(void **state)
{
	struct cli c = {0};
	struct cli_progress p = {0};
	char line[512];
	(void)state;

	p.c = &c;
	snprintf(p.label, sizeof(p.label), "003A002055464451A702E6B4");
	snprintf(p.phase, sizeof(p.phase), "write");
	p.total = 64u << 20;
	p.done = 17u << 20;
	p.phase_start_ms = 1000;
	for (unsigned cols = 20; cols <= 200; cols++) {
		cli_progress_line(&p, 9000, cols, line, sizeof(line));
		if (strlen(line) > cols - 1)
			fail_msg("%u columns: %zu characters: %s", cols, strlen(line), line);
		assert_non_null(strstr(line, "26%"));
		if (cols >= 60) {
			assert_non_null(strstr(line, "17.0/64.0 MiB")); /* bytes */
			assert_non_null(strstr(line, "MiB/s"));         /* rate */
			assert_non_null(strstr(line, "0:08 ETA 0:22")); /* elapsed, ETA */
		}
		if (cols >= 100)
			assert_non_null(strstr(line, "[###"));
	}
}

static void json_of(const char *in, char *out, size_t len)
{
	FILE *f = fmemopen(out, len, "w");
	cli_json_str(f, in);
	fclose(f);
}

/* Strings are UTF-8 in, UTF-8 out; bytes that are not UTF-8 become U+FFFD. */
static void test_json_strings(void **state)
{
	char out[128];
	(void)state;

	json_of("blink-\xc3\xb6.hex", out, sizeof(out)); /* o-umlaut */
	assert_string_equal(out, "\"blink-\xc3\xb6.hex\"");
	json_of("\xe2\x82\xac \xf0\x9f\x98\x80", out, sizeof(out)); /* euro, emoji */
	assert_string_equal(out, "\"\xe2\x82\xac \xf0\x9f\x98\x80\"");
	json_of("latin1-\xf6", out, sizeof(out));
	assert_string_equal(out, "\"latin1-\\ufffd\"");
	json_of("\xc0\xaf", out, sizeof(out)); /* overlong '/' */
	assert_string_equal(out, "\"\\ufffd\\ufffd\"");
	json_of("\xed\xa0\x80", out, sizeof(out)); /* a surrogate */
	assert_string_equal(out, "\"\\ufffd\\ufffd\\ufffd\"");
	json_of("a\"b\\c\n\x01", out, sizeof(out));
	assert_string_equal(out, "\"a\\\"b\\\\c\\n\\u0001\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table),         cmocka_unit_test(test_pack_output_is_dfuse),
	    cmocka_unit_test(test_exit_code_map), cmocka_unit_test(test_man_page_covers_help),
	    cmocka_unit_test(test_progress_fits), cmocka_unit_test(test_json_strings),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
