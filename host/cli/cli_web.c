/* SPDX-License-Identifier: MIT */
/*
 * `qdfu web`: serve the web flasher (docs/web.md) on 127.0.0.1 only. WebUSB
 * needs a secure context and http://127.0.0.1 is one (W3C Secure Contexts
 * 3.1, "potentially trustworthy origin"), so no certificate is needed. A
 * small static file server: GET and HEAD of the page's files, and
 * /flashers/qdfu-flasher-NAME.bin from where `qdfu flash --board` finds
 * them. One thread per connection (browsers open several at once and some
 * send nothing); nothing is written, nothing is executed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define WEB_DEFAULT_PORT 8085
#define WEB_REQ_MAX      8192

static char web_root[PATH_MAX];

struct mime {
	const char *ext, *type;
};

static const struct mime mimes[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".wasm", "application/wasm"},
    {".png", "image/png"},
    {".json", "application/json"},
    {".txt", "text/plain; charset=utf-8"},
};

static const char *mime_type(const char *path)
{
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof(mimes) / sizeof(mimes[0]); i++)
		if (strcmp(dot, mimes[i].ext) == 0)
			return mimes[i].type;
	return "application/octet-stream"; /* .bin, .hex, .elf, .dfu, ... */
}

static void send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

static void send_status(int fd, const char *status, const char *text)
{
	char h[512];
	int n = snprintf(h, sizeof(h),
	                 "HTTP/1.0 %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
	                 "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
	                 status, strlen(text), text);
	send_all(fd, h, (size_t)n);
}

static void send_file(int fd, const char *path, int head)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	char h[512], buf[65536];
	size_t n;

	if (!f || fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		if (f)
			fclose(f);
		send_status(fd, "404 Not Found", "not found\n");
		return;
	}
	int k = snprintf(h, sizeof(h),
	                 "HTTP/1.0 200 OK\r\nContent-Type: %s\r\nContent-Length: %lld\r\n"
	                 "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n"
	                 "Connection: close\r\n\r\n",
	                 mime_type(path), (long long)st.st_size);
	send_all(fd, h, (size_t)k);
	while (!head && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		send_all(fd, buf, n);
	fclose(f);
}

/* Only plain relative names: letters, digits, '.', '_', '-', '/'; no "..". */
static int safe_path(const char *p)
{
	if (strstr(p, ".."))
		return 0;
	for (; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && !strchr("._-/", *p))
			return 0;
	return 1;
}

/* /flashers/qdfu-flasher-NAME.bin: the page's own copy if it has one, else
 * the flasher `qdfu flash --board NAME` would load. */
static int flasher_path(const char *rel, char *out, size_t cap)
{
	static const char prefix[] = "flashers/qdfu-flasher-";
	char board[64];
	size_t n;

	if (strncmp(rel, prefix, sizeof(prefix) - 1) != 0)
		return -1;
	n = strlen(rel + sizeof(prefix) - 1);
	if (n < 5 || n - 4 >= sizeof(board) || strcmp(rel + strlen(rel) - 4, ".bin") != 0 ||
	    strchr(rel + sizeof(prefix) - 1, '/'))
		return -1;
	memcpy(board, rel + sizeof(prefix) - 1, n - 4);
	board[n - 4] = 0;
	return cli_find_image(board, rel + strlen("flashers/"), out, cap, NULL);
}

static void serve_request(int fd, char *req)
{
	char path[PATH_MAX + 64], *sp, *end;
	int head = strncmp(req, "HEAD ", 5) == 0;

	if (strncmp(req, "GET ", 4) != 0 && !head) {
		send_status(fd, "405 Method Not Allowed", "GET or HEAD only\n");
		return;
	}
	sp = strchr(req, ' ') + 1;
	end = sp + strcspn(sp, " ?#\r\n");
	*end = 0;
	if (strcmp(sp, "/") == 0)
		sp = "/index.html";
	if (sp[0] != '/' || !safe_path(sp + 1)) {
		send_status(fd, "400 Bad Request", "bad path\n");
		return;
	}
	snprintf(path, sizeof(path), "%s%s", web_root, sp);
	if (access(path, R_OK) != 0)
		flasher_path(sp + 1, path, sizeof(path));
	send_file(fd, path, head);
}

static void *connection(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char req[WEB_REQ_MAX + 1];
	size_t len = 0;
	struct timeval tv = {.tv_sec = 10};

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (len < WEB_REQ_MAX) {
		ssize_t n = recv(fd, req + len, WEB_REQ_MAX - len, 0);
		if (n <= 0)
			break;
		len += (size_t)n;
		req[len] = 0;
		if (strstr(req, "\r\n\r\n") || strstr(req, "\n\n"))
			break;
	}
	req[len] = 0;
	if (len)
		serve_request(fd, req);
	close(fd);
	return NULL;
}

/* The page: --root, else web/ next to the executable (the build tree:
 * build/host/web), else ../share/qdfu/web (installed). */
static int find_root(struct cli *c, struct qh_error *e)
{
	char dir[PATH_MAX], tried[2][PATH_MAX + 32], probe[PATH_MAX + 48];

	if (c->web_root) {
		snprintf(web_root, sizeof(web_root), "%s", c->web_root);
		snprintf(probe, sizeof(probe), "%s/index.html", web_root);
		if (access(probe, R_OK) == 0)
			return QH_OK;
		qh_fail(e, QH_E_IO, "%s has no index.html: not the web flasher's directory",
		        c->web_root);
		qh_hint(e, "give the directory `make web` writes (build/web)");
		return QH_E_IO;
	}
	cli_exe_dir(dir, sizeof(dir));
	snprintf(tried[0], sizeof(tried[0]), "%s/web", dir);
	snprintf(tried[1], sizeof(tried[1]), "%s/../share/qdfu/web", dir);
	for (unsigned i = 0; i < 2; i++) {
		/* the precision tells gcc -O2 (release) the bound it cannot see
		 * through tried[i] (format-truncation otherwise) */
		snprintf(probe, sizeof(probe), "%.*s/qdfu.wasm", (int)sizeof(tried[0]) - 1,
		         tried[i]);
		if (access(probe, R_OK) == 0 && realpath(tried[i], web_root))
			return QH_OK;
	}
	qh_fail(e, QH_E_IO, "the web flasher is not installed (looked in %s and %s)", tried[0],
	        tried[1]);
	qh_hint(e, "build it with `make web` and give it with --root build/web");
	return QH_E_IO;
}

static int listen_local(int port, int *out_port, struct qh_error *e)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	socklen_t alen = sizeof(a);
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0)
		return qh_fail(e, QH_E_IO, "cannot create a socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(fd, 16) != 0) {
		qh_fail(e, QH_E_IO, "cannot listen on 127.0.0.1:%d: %s", port, strerror(errno));
		qh_hint(e, "another program uses that port: choose another with --port N "
		           "(0: any free port)");
		close(fd);
		return QH_E_IO;
	}
	getsockname(fd, (struct sockaddr *)&a, &alen);
	*out_port = ntohs(a.sin_port);
	return fd;
}

int cmd_web(struct cli *c)
{
	struct qh_error e = {0};
	int port = 0, rc = find_root(c, &e);
	int fd =
	    rc ? rc : listen_local(c->web_port >= 0 ? c->web_port : WEB_DEFAULT_PORT, &port, &e);

	if (fd < 0) {
		cli_report_error(c, NULL, &e);
		cli_json_fail(c, &e);
		return cli_exit_code(e.code);
	}
	fprintf(c->out, "http://127.0.0.1:%d/\n", port);
	fflush(c->out);
	cli_note(c,
	         "qdfu: serving the web flasher from %s; open the URL above in Chrome or Edge "
	         "(Ctrl-C stops)\n",
	         web_root);
	for (;;) {
		int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
		pthread_t t;
		if (cfd < 0) {
			if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE)
				continue;
			break;
		}
		if (pthread_create(&t, NULL, connection, (void *)(intptr_t)cfd) != 0)
			close(cfd);
		else
			pthread_detach(t);
	}
	close(fd);
	return CLI_EXIT_FAIL;
}
