/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "sim/vtime/vtime_shm.h"

#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define VTIME_MAP_SIZE 4096u

/* The page behind the counter pointer. */
struct vtime_page {
	uint64_t now_us; /* the clock: must stay first */
	uint32_t events; /* device events sent and not yet applied */
	uint32_t reserved;
	uint64_t follow[VTIME_SLOTS];
};
_Static_assert(sizeof(struct vtime_page) <= VTIME_MAP_SIZE, "vtime page fits its mapping");
_Static_assert(offsetof(struct vtime_page, now_us) == 0, "the clock is word 0");

static volatile struct vtime_page *page(volatile uint64_t *counter)
{
	return (volatile struct vtime_page *)counter;
}

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
	if (!c) {
		unlink(path);
		return NULL;
	}
	for (unsigned i = 0; i < VTIME_SLOTS; i++)
		page(c)->follow[i] = VTIME_NOT_FOLLOWING;
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

void vtime_shm_follow(volatile uint64_t *counter, unsigned slot, uint64_t us)
{
	if (counter && slot < VTIME_SLOTS)
		__atomic_store_n(&page(counter)->follow[slot], us, __ATOMIC_SEQ_CST);
}

void vtime_shm_event_sent(volatile uint64_t *counter)
{
	if (counter)
		__atomic_add_fetch(&page(counter)->events, 1u, __ATOMIC_SEQ_CST);
}

void vtime_shm_event_applied(volatile uint64_t *counter)
{
	if (!counter)
		return;
	uint32_t n = __atomic_load_n(&page(counter)->events, __ATOMIC_SEQ_CST);
	while (n && !__atomic_compare_exchange_n(&page(counter)->events, &n, n - 1u, false,
	                                         __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
}

bool vtime_shm_lagging(volatile uint64_t *counter, uint64_t us)
{
	if (!counter)
		return false;
	for (unsigned i = 0; i < VTIME_SLOTS; i++)
		if (__atomic_load_n(&page(counter)->follow[i], __ATOMIC_SEQ_CST) < us)
			return true;
	return __atomic_load_n(&page(counter)->events, __ATOMIC_SEQ_CST) != 0;
}
