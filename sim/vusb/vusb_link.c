/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "sim/vusb/vusb_link.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_LINK_FDS 256

/* Host ends of every channel created so far: a new worker closes them so
 * that a worker's end of file means "the host is gone". */
static int g_host_fds[MAX_LINK_FDS];
static unsigned g_nhost_fds;

int vusb_link_spawn(struct vusb_link *l, const struct vusb_worker_config *cfg)
{
	int req[2], ev[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, req) < 0)
		return -errno;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, ev) < 0) {
		int e = errno;
		close(req[0]);
		close(req[1]);
		return -e;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(req[0]);
		close(req[1]);
		close(ev[0]);
		close(ev[1]);
		return -e;
	}
	if (pid == 0) {
		for (unsigned i = 0; i < g_nhost_fds; i++)
			close(g_host_fds[i]);
		close(req[0]);
		close(ev[0]);
		_exit(vusb_worker_main(cfg, req[1], ev[1]));
	}
	close(req[1]);
	close(ev[1]);
	l->pid = pid;
	l->req_fd = req[0];
	l->ev_fd = ev[0];
	if (g_nhost_fds + 2 <= MAX_LINK_FDS) {
		g_host_fds[g_nhost_fds++] = req[0];
		g_host_fds[g_nhost_fds++] = ev[0];
	}
	return 0;
}

static int transact(struct vusb_link *l, uint32_t type, const uint8_t setup[8], const uint8_t *out,
                    uint32_t out_len, uint32_t budget, uint8_t *in, uint32_t in_max, int *result)
{
	static uint8_t buf[sizeof(struct vusb_rep) + VUSB_MAX_DATA];
	struct vusb_req r = {.type = type, .nak_budget = budget, .out_len = out_len};
	if (setup)
		memcpy(r.setup, setup, sizeof(r.setup));
	if (out_len > VUSB_MAX_DATA)
		return VUSB_REP_ERROR;
	memcpy(buf, &r, sizeof(r));
	if (out_len)
		memcpy(buf + sizeof(r), out, out_len);
	if (send(l->req_fd, buf, sizeof(r) + out_len, MSG_NOSIGNAL) < 0)
		return VUSB_REP_NODEV;
	ssize_t n;
	do
		n = recv(l->req_fd, buf, sizeof(buf), 0);
	while (n < 0 && errno == EINTR);
	struct vusb_rep rep;
	if (n < (ssize_t)sizeof(rep))
		return VUSB_REP_NODEV; /* the worker died */
	memcpy(&rep, buf, sizeof(rep));
	if (result)
		*result = rep.result;
	if (rep.in_len && in) {
		uint32_t k = rep.in_len < in_max ? rep.in_len : in_max;
		memcpy(in, buf + sizeof(rep), k);
	}
	return (int)rep.status;
}

static uint16_t wlength_of(const uint8_t setup[8])
{
	return (uint16_t)(setup[6] | (setup[7] << 8));
}

int vusb_link_ctrl(struct vusb_link *l, const uint8_t setup[8], uint8_t *data, uint32_t nak_budget,
                   int *result)
{
	uint16_t wl = wlength_of(setup);
	bool in = (setup[0] & 0x80u) != 0;
	return transact(l, VUSB_REQ_CTRL, setup, in ? NULL : data, in ? 0 : wl, nak_budget,
	                in ? data : NULL, wl, result);
}

int vusb_link_continue(struct vusb_link *l, const uint8_t setup[8], uint8_t *data,
                       uint32_t nak_budget, int *result)
{
	bool in = (setup[0] & 0x80u) != 0;
	return transact(l, VUSB_REQ_CONTINUE, NULL, NULL, 0, nak_budget, in ? data : NULL,
	                wlength_of(setup), result);
}

int vusb_link_cancel(struct vusb_link *l)
{
	return transact(l, VUSB_REQ_CANCEL, NULL, NULL, 0, 0, NULL, 0, NULL);
}

int vusb_link_bus_reset(struct vusb_link *l, bool *high_speed)
{
	int result = 0;
	int st = transact(l, VUSB_REQ_BUS_RESET, NULL, NULL, 0, 0, NULL, 0, &result);
	if (high_speed)
		*high_speed = st == VUSB_REP_DONE && result == 1;
	return st;
}

int vusb_link_save(struct vusb_link *l)
{
	int result = 0;
	int st = transact(l, VUSB_REQ_SAVE, NULL, NULL, 0, 0, NULL, 0, &result);
	return st == VUSB_REP_DONE ? result : -1;
}

int vusb_link_quit(struct vusb_link *l)
{
	int status = 0;
	if (l->pid <= 0)
		return -1;
	transact(l, VUSB_REQ_QUIT, NULL, NULL, 0, 0, NULL, 0, NULL);
	close(l->req_fd);
	close(l->ev_fd);
	while (waitpid(l->pid, &status, 0) < 0 && errno == EINTR)
		;
	l->pid = 0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int vusb_link_event(struct vusb_link *l, struct vusb_event *ev, int timeout_ms)
{
	struct pollfd p = {.fd = l->ev_fd, .events = POLLIN};
	int n = poll(&p, 1, timeout_ms);
	if (n <= 0)
		return 0;
	ssize_t k = recv(l->ev_fd, ev, sizeof(*ev), MSG_DONTWAIT);
	if (k == (ssize_t)sizeof(*ev))
		return 1;
	if (k < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	return -1;
}
