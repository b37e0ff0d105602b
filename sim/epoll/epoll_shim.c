// SPDX-License-Identifier: MIT
/*
 * libqdfu-epoll.so: preloaded by qdfu-sim into the command it runs, after
 * umockdev's preload. For clients that wait for URB completion with epoll
 * (Chromium's USB service watches the usbfs fd for POLLOUT, as the kernel
 * signals a completed URB: drivers/usb/core/devio.c usbdev_poll). umockdev
 * emulates /dev/bus/usb/BBB/DDD with a plain file of its testbed, and
 * epoll_ctl() on a regular file fails with EPERM (fs/eventpoll.c: the file
 * has no poll method). Then an always-ready eventfd (readable and writable:
 * its counter is 1) is registered with the same events and data in its
 * place: the client wakes at once and reaps with the non-blocking
 * REAPURBNDELAY until the URB is done (the simulator answers EAGAIN while it
 * is in flight). MOD and DEL of that fd go to the eventfd. Every other fd
 * and every other error is passed through untouched.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define MAX_SUBST 256

struct subst {
	int epfd, fd, efd;
};

static struct subst table[MAX_SUBST];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

typedef int (*epoll_ctl_fn)(int, int, int, struct epoll_event *);

static epoll_ctl_fn real_epoll_ctl(void)
{
	static epoll_ctl_fn fn;
	if (!fn)
		fn = (epoll_ctl_fn)dlsym(RTLD_NEXT, "epoll_ctl");
	return fn;
}

/* Is fd the usbfs node of a device (umockdev's file for it)? */
static int is_usbfs(int fd)
{
	char link[64], path[PATH_MAX];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0)
		return 0;
	path[n] = 0;
	return strstr(path, "/dev/bus/usb/") != NULL;
}

static struct subst *find(int epfd, int fd)
{
	for (int i = 0; i < MAX_SUBST; i++)
		if (table[i].efd > 0 && table[i].epfd == epfd && table[i].fd == fd)
			return &table[i];
	return NULL;
}

static int add_subst(int epfd, int fd, struct epoll_event *ev)
{
	int efd = eventfd(1, EFD_NONBLOCK | EFD_CLOEXEC);
	if (efd < 0)
		return -1;
	int rc = real_epoll_ctl()(epfd, EPOLL_CTL_ADD, efd, ev);
	if (rc == 0) {
		for (int i = 0; i < MAX_SUBST; i++) {
			if (table[i].efd <= 0) {
				table[i] = (struct subst){epfd, fd, efd};
				return 0;
			}
		}
		real_epoll_ctl()(epfd, EPOLL_CTL_DEL, efd, NULL);
		errno = ENOSPC;
		rc = -1;
	}
	int saved = errno;
	close(efd);
	errno = saved;
	return rc;
}

int epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
	pthread_mutex_lock(&lock);
	struct subst *s = find(epfd, fd);
	int rc;
	if (s) {
		/* the fd number was ours: the client MODs or DELs it (or re-ADDs
		 * after closing and reusing the number, which DEL precedes) */
		rc = real_epoll_ctl()(epfd, op == EPOLL_CTL_ADD ? EPOLL_CTL_MOD : op, s->efd, ev);
		if (op == EPOLL_CTL_DEL) {
			close(s->efd);
			s->efd = 0;
		}
	} else {
		rc = real_epoll_ctl()(epfd, op, fd, ev);
		if (rc < 0 && errno == EPERM && op == EPOLL_CTL_ADD && is_usbfs(fd))
			rc = add_subst(epfd, fd, ev);
	}
	pthread_mutex_unlock(&lock);
	return rc;
}
