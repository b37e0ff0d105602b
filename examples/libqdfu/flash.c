/* SPDX-License-Identifier: MIT */
/*
 * A program that uses libqdfu (qdfu.h) the way a product's own flashing
 * tool would: load an image, open the one attached board (waiting for it),
 * check the image against the board's memory map, flash it with a progress
 * line, and stop cleanly on Ctrl-C. Built outside the qdfu tree against the
 * installed library:
 *
 *     cc -o flash flash.c $(pkg-config --cflags --libs qdfu)
 *     ./flash app.hex [SERIAL]
 */
#include <qdfu.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static qdfu_device *volatile current;

static void on_sigint(int sig)
{
	(void)sig;
	if (current)
		qdfu_cancel(current); /* async-signal-safe */
}

static int progress(void *user, const char *phase, uint64_t done, uint64_t total)
{
	(void)user;
	fprintf(stderr, "\r%-6s %3u%%", phase, total ? (unsigned)(done * 100 / total) : 100u);
	if (done == total)
		fputc('\n', stderr);
	return 0; /* non-zero would cancel */
}

static int report(const char *what, const struct qdfu_error *err)
{
	fprintf(stderr, "%s: %s\n", what, err->message);
	if (err->hint[0])
		fprintf(stderr, "  what to do: %s\n", err->hint);
	return 1;
}

int main(int argc, char **argv)
{
	struct qdfu_error err;
	struct qdfu_match match = {0};
	struct qdfu_flash_result res;
	qdfu_context *ctx = NULL;
	qdfu_image *img = NULL;
	qdfu_device *dev = NULL;
	size_t pages = 0;
	int rc = 1;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE[@ADDRESS] [SERIAL]\n", argv[0]);
		return 2;
	}
	match.serial = argc > 2 ? argv[2] : NULL;
	signal(SIGINT, on_sigint);
	printf("libqdfu %s\n", qdfu_version());
	if (qdfu_image_new(&img, &err) || qdfu_image_add_file(img, argv[1], &err))
		return report("image", &err);
	if (qdfu_context_new(&ctx, &err)) {
		rc = report("usb", &err);
		goto out;
	}
	if (qdfu_open(ctx, &match, 10000, &dev, &err)) {
		rc = report("open", &err);
		goto out;
	}
	current = dev;
	printf("board %s (%04x:%04x) at %s\n", qdfu_device_info(dev)->serial,
	       qdfu_device_info(dev)->vid, qdfu_device_info(dev)->pid, qdfu_device_info(dev)->path);
	if (qdfu_memmap_check(qdfu_device_memmap(dev), img, &pages, NULL, &err)) {
		rc = report("check", &err);
		goto out;
	}
	printf("%llu bytes, %zu page(s) to erase at most\n",
	       (unsigned long long)qdfu_image_bytes(img), pages);
	qdfu_set_progress(dev, progress, NULL);
	if (qdfu_flash(dev, img, QDFU_FLASH_NO_RESET, &res, &err)) {
		rc = report("flash", &err);
		goto out;
	}
	printf("flashed: %llu bytes written, %zu page(s) erased, %zu unchanged\n",
	       (unsigned long long)res.bytes_written, res.pages_erased, res.pages_unchanged);
	rc = 0;
out:
	current = NULL;
	qdfu_close(dev);
	qdfu_context_free(ctx);
	qdfu_image_free(img);
	return rc;
}
