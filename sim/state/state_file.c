/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L
#include "sim/state/state_file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* The rename is durable once the directory entry is on the disk. */
static void sync_dir(const char *path)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", path);
	int fd = open(dirname(dir), O_RDONLY);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

int state_file_write(const char *path, const uint8_t *data, size_t len)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	if (write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		int e = errno;
		close(fd);
		unlink(tmp);
		errno = e;
		return -1;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		errno = e;
		return -1;
	}
	sync_dir(path);
	return 0;
}

/* The contents PATH must have: what it holds now, cut or padded to LEN
 * with FILL (a file of another chip before), written crash-safely. */
static int state_file_resize(const char *path, size_t len, uint8_t fill)
{
	uint8_t *buf = malloc(len ? len : 1u);
	if (!buf)
		return -1;
	size_t n = 0;
	int fd = open(path, O_RDONLY);
	if (fd >= 0) {
		while (n < len) {
			ssize_t k = read(fd, buf + n, len - n);
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0)
				break;
			n += (size_t)k;
		}
		close(fd);
	}
	memset(buf + n, fill, len - n);
	int rc = state_file_write(path, buf, len);
	free(buf);
	return rc;
}

uint8_t *state_file_map(const char *path, size_t len, uint8_t fill)
{
	struct stat st;
	if (len == 0) {
		errno = EINVAL;
		return NULL;
	}
	if ((stat(path, &st) != 0 || (size_t)st.st_size != len) &&
	    state_file_resize(path, len, fill) != 0)
		return NULL;
	int fd = open(path, O_RDWR);
	if (fd < 0)
		return NULL;
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	int e = errno;
	close(fd); /* the mapping keeps the file */
	errno = e;
	return p == MAP_FAILED ? NULL : p;
}

int state_file_sync(uint8_t *map, size_t len)
{
	return msync(map, len, MS_SYNC);
}

void state_file_unmap(uint8_t *map, size_t len)
{
	if (map)
		munmap(map, len);
}
