/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "sim/vtime/vtime_shm.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define VTIME_MAP_SIZE 4096u

static volatile uint64_t *map_fd(int fd)
{
	void *p = mmap(NULL, VTIME_MAP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	return p == MAP_FAILED ? NULL : (volatile uint64_t *)p;
}

volatile uint64_t *vtime_shm_create(const char *dir, char *path, size_t n)
{
	if (!dir)
		dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	if (snprintf(path, n, "%s/qdfu-vtime-XXXXXX", dir) >= (int)n)
		return NULL;
	int fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	volatile uint64_t *c = NULL;
	if (ftruncate(fd, VTIME_MAP_SIZE) == 0)
		c = map_fd(fd);
	close(fd);
	if (!c)
		unlink(path);
	return c;
}

volatile uint64_t *vtime_shm_attach(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	volatile uint64_t *c = map_fd(fd);
	close(fd);
	return c;
}

void vtime_shm_release(volatile uint64_t *counter)
{
	if (counter)
		munmap((void *)counter, VTIME_MAP_SIZE);
}
