// SPDX-License-Identifier: MIT
/*
 * Inputs that are not firmware files stop with a clear error and bounded
 * memory (issue 12 item 5): a device (/dev/zero), a directory, a pipe that
 * does not end, a file larger than any image; a .dfu file whose suffix
 * names another USB device is refused, naming both IDs.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <pthread.h>
#include <signal.h>

#include "qh_formats.h"

static void test_device_and_directory_refused_before_reading(void **state)
{
	(void)state;
	struct qh_image img;
	struct qh_error e = {0};
	qh_image_init(&img);
	assert_int_equal(qh_load_file("/dev/zero", QH_FMT_AUTO, &img, NULL, &e), QH_E_USAGE);
	assert_non_null(strstr(e.msg, "/dev/zero is a device, not a firmware file"));
	qh_error_clear(&e);
	assert_int_equal(qh_load_file("/dev/zero@0x08020000", QH_FMT_AUTO, &img, NULL, &e),
	                 QH_E_USAGE);
	qh_error_clear(&e);
	assert_int_equal(qh_load_file("/tmp", QH_FMT_AUTO, &img, NULL, &e), QH_E_USAGE);
	assert_non_null(strstr(e.msg, "is a directory"));
	qh_image_free(&img);
}

static void *endless_writer(void *arg)
{
	int fd = *(int *)arg;
	static uint8_t chunk[65536];
	memset(chunk, 0x3A, sizeof(chunk));
	while (write(fd, chunk, sizeof(chunk)) > 0)
		;
	close(fd);
	return NULL;
}

static void test_endless_pipe_stops_at_the_limit(void **state)
{
	(void)state;
	int fds[2];
	pthread_t th;
	char path[64];
	uint8_t *buf = NULL;
	size_t len = 0;
	struct qh_error e = {0};
	size_t saved = qh_input_limit;
	qh_input_limit = 1024u * 1024u; /* the same code path, a smaller limit */
	signal(SIGPIPE, SIG_IGN);       /* the writer learns the end by EPIPE */
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(pthread_create(&th, NULL, endless_writer, &fds[1]), 0);
	snprintf(path, sizeof(path), "/dev/fd/%d", fds[0]);
	assert_int_equal(qh_read_file(path, &buf, &len, &e), QH_E_USAGE);
	assert_null(buf);
	assert_non_null(strstr(e.msg, "more than 1 MiB and still going"));
	close(fds[0]); /* the writer gets EPIPE and ends */
	pthread_join(th, NULL);
	qh_input_limit = saved;
}

static void test_file_larger_than_the_limit_refused_by_size(void **state)
{
	(void)state;
	char path[] = "/tmp/qdfu-big-XXXXXX";
	struct qh_error e = {0};
	uint8_t *buf = NULL;
	size_t len = 0;
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)QH_MAX_INPUT + 1), 0); /* sparse */
	close(fd);
	assert_int_equal(qh_read_file(path, &buf, &len, &e), QH_E_USAGE);
	assert_null(buf);
	assert_non_null(strstr(e.msg, "larger than any image for any supported board"));
	unlink(path);
}

static void write_dfu(const char *path, uint16_t vid, uint16_t pid)
{
	static const uint8_t data[16] = {1, 2, 3, 4};
	struct qh_dfuse_file f;
	uint8_t *out = NULL;
	size_t n = 0;
	memset(&f, 0, sizeof(f));
	f.vid = vid;
	f.pid = pid;
	f.ntargets = 1;
	qh_image_init(&f.t[0].img);
	assert_int_equal(qh_image_add(&f.t[0].img, 0x08020000u, data, sizeof(data), "x", NULL), 0);
	assert_int_equal(qh_write_dfuse(&f, &out, &n, NULL), 0);
	assert_int_equal(qh_write_file(path, out, n, NULL), 0);
	free(out);
	qh_dfuse_free(&f);
}

static void test_dfu_suffix_for_another_device(void **state)
{
	(void)state;
	char dir[] = "/tmp/qdfu-ids-XXXXXX", path[64];
	struct qh_image img;
	struct qh_file_info fi = {0};
	struct qh_error e = {0};
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/app.dfu", dir);
	write_dfu(path, 0x2341, 0x035B);
	qh_image_init(&img);
	assert_int_equal(qh_load_file(path, QH_FMT_AUTO, &img, &fi, &e), 0);
	assert_int_equal(qh_check_dfu_ids(&fi, path, 0x0483, 0xDF11, &e), QH_E_USAGE);
	assert_non_null(strstr(e.msg, "2341:035b"));
	assert_non_null(strstr(e.msg, "0483:df11"));
	assert_non_null(strstr(e.hint, "--force"));
	assert_int_equal(qh_check_dfu_ids(&fi, path, 0x2341, 0x035B, NULL), 0);
	qh_image_free(&img);
	/* 0xFFFF: any device */
	write_dfu(path, 0xFFFF, 0xFFFF);
	qh_image_init(&img);
	assert_int_equal(qh_load_file(path, QH_FMT_AUTO, &img, &fi, NULL), 0);
	assert_int_equal(qh_check_dfu_ids(&fi, path, 0x0483, 0xDF11, NULL), 0);
	qh_image_free(&img);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_device_and_directory_refused_before_reading),
	    cmocka_unit_test(test_endless_pipe_stops_at_the_limit),
	    cmocka_unit_test(test_file_larger_than_the_limit_refused_by_size),
	    cmocka_unit_test(test_dfu_suffix_for_another_device),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
