/* SPDX-License-Identifier: MIT */
/*
 * qdfu.h against a simulated board (run under qdfu-sim by ctest
 * host_api_device): open, a flash cancelled from the progress callback
 * (QDFU_E_CANCELLED, nothing verified), a complete flash, verify, read
 * back, erase, verify mismatch with its hint, and (with two boards) an
 * ambiguous open naming both. Exit 0 when every check holds.
 *
 *     qdfu-sim --board portenta-h7 -- api_device [--two]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qdfu.h"

static int failures;

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			failures++;                                                                \
			printf("FAIL line %d: ", __LINE__);                                        \
			printf(__VA_ARGS__);                                                       \
			printf("\n");                                                              \
		}                                                                                  \
	} while (0)

struct cancel_at {
	const char *phase;
	uint64_t bytes;
	int calls;
};

static int progress(void *user, const char *phase, uint64_t done, uint64_t total)
{
	struct cancel_at *c = user;

	(void)total;
	c->calls++;
	return c->phase && strcmp(phase, c->phase) == 0 && done >= c->bytes;
}

static void ambiguous(qdfu_context *ctx)
{
	struct qdfu_error err;
	qdfu_device *dev = NULL;
	int rc = qdfu_open(ctx, NULL, 0, &dev, &err);

	CHECK(rc == QDFU_E_USAGE, "two boards: open gave %d", rc);
	CHECK(strstr(err.message, "path 1-1") && strstr(err.message, "path 1-2"),
	      "two boards: message names both: %s", err.message);
	CHECK(strstr(err.hint, "--serial") != NULL, "two boards: hint: %s", err.hint);
	CHECK(dev == NULL, "two boards: no device");
}

static void session(qdfu_device *dev)
{
	enum { LEN = 256 * 1024 };
	struct qdfu_error err;
	struct qdfu_flash_result res;
	struct cancel_at cancel = {"write", 64 * 1024, 0};
	qdfu_image *img, *other;
	uint8_t *data = malloc(LEN), *back = malloc(LEN);
	int rc;

	for (size_t i = 0; i < LEN; i++)
		data[i] = (uint8_t)(i * 7 + (i >> 10));
	qdfu_image_new(&img, NULL);
	qdfu_image_add_data(img, 0x90000000, data, LEN, NULL);
	qdfu_set_progress(dev, progress, &cancel);
	rc = qdfu_flash(dev, img, QDFU_FLASH_NO_RESET | QDFU_FLASH_NO_SKIP, &res, &err);
	CHECK(rc == QDFU_E_CANCELLED, "cancelled flash gave %d (%s)", rc, err.message);
	CHECK(err.code == QDFU_E_CANCELLED && strstr(err.message, "cancel"), "message: %s",
	      err.message);
	CHECK(res.bytes_written < LEN, "cancelled flash wrote everything");

	cancel.phase = NULL;
	cancel.calls = 0;
	rc = qdfu_flash(dev, img, QDFU_FLASH_NO_RESET, &res, &err);
	CHECK(rc == QDFU_OK, "flash after a cancel: %d (%s)", rc, err.message);
	CHECK(cancel.calls > 2, "progress called %d times", cancel.calls);
	CHECK(res.bytes == LEN && res.started_at == 0, "result %llu bytes, started at 0x%x",
	      (unsigned long long)res.bytes, (unsigned)res.started_at);
	rc = qdfu_verify(dev, img, QDFU_VERIFY_READBACK, &err);
	CHECK(rc == QDFU_OK, "verify: %d (%s)", rc, err.message);
	rc = qdfu_read(dev, 0x90000000, LEN, back, &err);
	CHECK(rc == QDFU_OK && memcmp(back, data, LEN) == 0, "read back: %d (%s)", rc, err.message);

	qdfu_image_new(&other, NULL);
	data[5] ^= 0xFF;
	qdfu_image_add_data(other, 0x90000000, data, 16, NULL);
	rc = qdfu_verify(dev, other, 0, &err);
	CHECK(rc == QDFU_E_VERIFY, "verify of other data: %d", rc);
	CHECK(strstr(err.hint, "different image") != NULL, "verify hint: %s", err.hint);

	rc = qdfu_erase(dev, 0x90000000, 4096, &err);
	CHECK(rc == QDFU_OK, "erase: %d (%s)", rc, err.message);
	rc = qdfu_read(dev, 0x90000000, 16, back, &err);
	CHECK(rc == QDFU_OK && back[0] == 0xFF && back[15] == 0xFF, "erased: %d %02x", rc, back[0]);
	rc = qdfu_erase(dev, 0x08000000, 16, &err);
	CHECK(rc == QDFU_E_MAP, "erase of the bootloader's sector: %d", rc);
	qdfu_image_free(other);
	qdfu_image_free(img);
	free(data);
	free(back);
}

int main(int argc, char **argv)
{
	struct qdfu_error err;
	qdfu_context *ctx;
	qdfu_device *dev;
	struct qdfu_device_info *list;
	size_t n;

	if (qdfu_context_new(&ctx, &err)) {
		printf("FAIL: context: %s\n", err.message);
		return 1;
	}
	CHECK(qdfu_list(ctx, NULL, &list, &n, &err) == 0 && n >= 1, "list: %zu", n);
	CHECK(n >= 1 && list[0].kind == QDFU_KIND_QDFU && list[0].serial[0],
	      "list: kind %d serial '%s'", n ? (int)list[0].kind : -1, n ? list[0].serial : "");
	qdfu_list_free(list);
	if (argc > 1 && strcmp(argv[1], "--two") == 0) {
		ambiguous(ctx);
	} else if (qdfu_open(ctx, NULL, 5000, &dev, &err) == 0) {
		const struct qdfu_device_info *i = qdfu_device_info(dev);
		CHECK(qdfu_memmap_regions(qdfu_device_memmap(dev)) >= 2, "regions");
		CHECK(i->vid && strcmp(i->path, "1-1") == 0, "info path %s", i->path);
		session(dev);
		qdfu_close(dev);
	} else {
		CHECK(0, "open: %s", err.message);
	}
	qdfu_context_free(ctx);
	printf("%s\n", failures ? "api_device: FAILED" : "api_device: ok");
	return failures ? 1 : 0;
}
