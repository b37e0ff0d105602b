// SPDX-License-Identifier: MIT
/*
 * A usbdevfs client run as the command of qdfu-sim: it opens the simulated
 * device's node and issues each ioctl of the Linux usbfs documentation
 * directly (no libusb), checking the answers against what Linux's
 * drivers/usb/core/devio.c returns for a DFU device (one interface, EP0
 * only) in this state.
 *
 * Usage: usbfs_probe GROUP     (read info control bulk urb claim setintf
 *                               setconfig reset misc unknown gone)
 * Prints one line per check; exits 1 if any failed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/ioctl.h> /* before usbdevice_fs.h */
#include <linux/usbdevice_fs.h>

static int failures;

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (cond) {                                                                        \
			printf("ok   ");                                                           \
		} else {                                                                           \
			printf("FAIL ");                                                           \
			failures++;                                                                \
		}                                                                                  \
		printf(__VA_ARGS__);                                                               \
		printf("\n");                                                                      \
	} while (0)

/* ioctl result as "rc" or "-ERRNO" for the checks */
static long io(int fd, unsigned long req, void *arg)
{
	long r = ioctl(fd, req, arg);
	return r < 0 ? -errno : r;
}

static char node[300];

static int open_node(void)
{
	DIR *dir = opendir("/dev/bus/usb/001");
	struct dirent *e;
	node[0] = 0;
	while (dir && (e = readdir(dir)))
		if (e->d_name[0] != '.' && strcmp(e->d_name, "001") != 0)
			snprintf(node, sizeof(node), "/dev/bus/usb/001/%s", e->d_name);
	if (dir)
		closedir(dir);
	if (!node[0]) {
		printf("FAIL no device node under /dev/bus/usb/001\n");
		exit(1);
	}
	int fd = open(node, O_RDWR);
	if (fd < 0) {
		printf("FAIL open %s: %s\n", node, strerror(errno));
		exit(1);
	}
	return fd;
}

static long ctrl(int fd, uint8_t type, uint8_t req, uint16_t value, uint16_t index, void *data,
                 uint16_t len)
{
	struct usbdevfs_ctrltransfer c = {type, req, value, index, len, 1000, data};
	return io(fd, USBDEVFS_CONTROL, &c);
}

static long get_interface(int fd)
{
	uint8_t alt = 0xEE;
	long r = ctrl(fd, 0x81, 10, 0, 0, &alt, 1);
	return r == 1 ? alt : r;
}

static unsigned devnum_of_node(void)
{
	return (unsigned)strtoul(strrchr(node, '/') + 1, NULL, 10);
}

/* ---------------------------------------------------------------- groups */

static void g_read(int fd)
{
	uint8_t all[1024], again[1024];
	ssize_t n = read(fd, all, 18);
	CHECK(n == 18 && all[0] == 18 && all[1] == 1, "read 18: device descriptor (%zd)", n);
	ssize_t m = read(fd, all + 18, sizeof(all) - 18);
	unsigned total = m >= 4 ? (unsigned)(all[18 + 2] | all[18 + 3] << 8) : 0;
	CHECK(m > 9 && all[18 + 1] == 2 && (unsigned)m == total,
	      "read on: the configuration, wTotalLength bytes (%zd of %u)", m, total);
	CHECK(read(fd, again, sizeof(again)) == 0, "read at the end: 0");
	CHECK(lseek(fd, 0, SEEK_SET) == 0, "lseek 0");
	n = read(fd, again, sizeof(again));
	CHECK(n == 18 + m && memcmp(all, again, (size_t)n) == 0, "read all at once: same bytes");
	CHECK(pread(fd, again, 9, 18) == 9 && memcmp(again, all + 18, 9) == 0,
	      "pread at 18: the configuration header");
	uint8_t dd[18];
	CHECK(ctrl(fd, 0x80, 6, 0x0100, 0, dd, 18) == 18 && memcmp(dd, all, 18) == 0,
	      "read() matches GET_DESCRIPTOR(device)");
}

static void g_info(int fd)
{
	struct usbdevfs_connectinfo ci;
	memset(&ci, 0xAA, sizeof(ci));
	CHECK(io(fd, USBDEVFS_CONNECTINFO, &ci) == 0 && ci.devnum == devnum_of_node() && !ci.slow,
	      "CONNECTINFO devnum %u slow %u", ci.devnum, ci.slow);
	CHECK(io(fd, USBDEVFS_GET_SPEED, NULL) == 2, "GET_SPEED: USB_SPEED_FULL");
	struct usbdevfs_conninfo_ex ex;
	memset(&ex, 0xAA, sizeof(ex));
	long r = io(fd, USBDEVFS_CONNINFO_EX(sizeof(ex)), &ex);
	CHECK(r == 0 && ex.size == sizeof(ex) && ex.busnum == 1 && ex.devnum == devnum_of_node() &&
	          ex.speed == 2 && ex.num_ports == 1 && ex.ports[0] == 1,
	      "CONNINFO_EX: size %u bus %u dev %u speed %u ports %u [%u]", ex.size, ex.busnum,
	      ex.devnum, ex.speed, ex.num_ports, ex.ports[0]);
	CHECK(io(fd, USBDEVFS_CONNINFO_EX(2), &ex) == -EINVAL, "CONNINFO_EX(2): EINVAL");
	uint32_t caps = 0;
	CHECK(io(fd, USBDEVFS_GET_CAPABILITIES, &caps) == 0 &&
	          (caps & USBDEVFS_CAP_REAP_AFTER_DISCONNECT) &&
	          (caps & USBDEVFS_CAP_CONNINFO_EX) && !(caps & USBDEVFS_CAP_MMAP),
	      "GET_CAPABILITIES 0x%x (no MMAP: not emulated)", caps);
}

static void g_control(int fd)
{
	uint8_t buf[4100];
	CHECK(ctrl(fd, 0x80, 8, 0, 0, buf, 1) == 1 && buf[0] == 1, "GET_CONFIGURATION: 1");
	CHECK(ctrl(fd, 0x80, 6, 0x0600, 0, buf, 10) == -EPIPE,
	      "DEVICE_QUALIFIER at full speed: stall, EPIPE");
	CHECK(ctrl(fd, 0x80, 6, 0x0100, 0, buf, 4097) == -EINVAL, "wLength 4097: EINVAL");
	struct usbdevfs_getdriver gd = {0};
	CHECK(io(fd, USBDEVFS_GETDRIVER, &gd) == -ENODATA, "GETDRIVER before use: ENODATA");
	CHECK(ctrl(fd, 0xA1, 3, 0, 0, buf, 6) == 6, "DFU GETSTATUS to interface 0 (claims it)");
	CHECK(io(fd, USBDEVFS_GETDRIVER, &gd) == 0 && strcmp(gd.driver, "usbfs") == 0,
	      "GETDRIVER: usbfs after use");
	CHECK(ctrl(fd, 0xA1, 3, 0, 5, buf, 6) == -ENOENT, "interface 5: ENOENT");
	CHECK(ctrl(fd, 0xA1, 3, 0, 64, buf, 6) == -EINVAL, "interface 64: EINVAL");
	CHECK(ctrl(fd, 0x82, 0, 0, 0x81, buf, 2) == -ENOENT, "endpoint 0x81: ENOENT");
	CHECK(ctrl(fd, 0x82, 0, 0, 0x80, buf, 2) == 2, "GET_STATUS endpoint 0x80 (EP0): 2 bytes");
	CHECK(ctrl(fd, 0xC0, 0x20, 0, 7, buf, 255) > 0, "vendor request (MS OS 2.0): no checks");
}

static void g_bulk(int fd)
{
	uint8_t buf[64];
	struct usbdevfs_bulktransfer b = {0x81, sizeof(buf), 100, buf};
	CHECK(io(fd, USBDEVFS_BULK, &b) == -ENOENT, "BULK 0x81: ENOENT (no such endpoint)");
	b.ep = 0x90;
	CHECK(io(fd, USBDEVFS_BULK, &b) == -EINVAL, "BULK 0x90: EINVAL");
	unsigned ep = 0x81;
	CHECK(io(fd, USBDEVFS_RESETEP, &ep) == -ENOENT, "RESETEP 0x81: ENOENT");
	ep = 0;
	CHECK(io(fd, USBDEVFS_CLEAR_HALT, &ep) == -ENOENT, "CLEAR_HALT 0: ENOENT (EP0 is no "
	                                                   "interface's endpoint)");
	ep = 0x01;
	CHECK(io(fd, USBDEVFS_CLEAR_HALT, &ep) == -ENOENT, "CLEAR_HALT 0x01: ENOENT");
}

static void fill_urb(struct usbdevfs_urb *u, uint8_t *buf, int len)
{
	memset(u, 0, sizeof(*u));
	u->type = USBDEVFS_URB_TYPE_CONTROL;
	u->buffer = buf;
	u->buffer_length = len;
}

static void g_urb(int fd)
{
	uint8_t buf[8 + 64] = {0x80, 6, 0x00, 0x01, 0, 0, 18, 0};
	struct usbdevfs_urb u, *got = NULL;
	fill_urb(&u, buf, sizeof(buf));
	CHECK(io(fd, USBDEVFS_SUBMITURB, &u) == 0, "SUBMITURB GET_DESCRIPTOR");
	CHECK(io(fd, USBDEVFS_REAPURB, &got) == 0 && got == &u && u.status == 0 &&
	          u.actual_length == 18 && buf[8] == 18,
	      "REAPURB (blocking): status %d, %d bytes", u.status, u.actual_length);
	CHECK(io(fd, USBDEVFS_REAPURBNDELAY, &got) == -EAGAIN, "REAPURBNDELAY, nothing: EAGAIN");
	CHECK(io(fd, USBDEVFS_REAPURB, &got) == -EINTR,
	      "REAPURB, nothing submitted: EINTR (the kernel sleeps until a signal)");
	CHECK(io(fd, USBDEVFS_SUBMITURB, &u) == 0, "SUBMITURB again");
	CHECK(io(fd, USBDEVFS_DISCARDURB, (void *)(&u + 1)) == -EINVAL,
	      "DISCARDURB of an unknown URB: EINVAL");
	CHECK(io(fd, USBDEVFS_REAPURBNDELAY, &got) == 0 && got == &u, "REAPURBNDELAY: that URB");
	CHECK(io(fd, USBDEVFS_DISCARDURB, &u) == -EINVAL, "DISCARDURB after it ended: EINVAL");
	u.type = USBDEVFS_URB_TYPE_BULK;
	u.endpoint = 0x81;
	CHECK(io(fd, USBDEVFS_SUBMITURB, &u) == -ENOENT, "bulk URB to 0x81: ENOENT");
	fill_urb(&u, buf, sizeof(buf));
	u.flags = 0x100;
	CHECK(io(fd, USBDEVFS_SUBMITURB, &u) == -EINVAL, "unknown URB flag: EINVAL");
	fill_urb(&u, buf, 4);
	CHECK(io(fd, USBDEVFS_SUBMITURB, &u) == -EINVAL, "buffer shorter than a setup: EINVAL");
	fill_urb(&u, buf, 8 + 10);
	CHECK(io(fd, USBDEVFS_SUBMITURB, &u) == -EINVAL, "buffer shorter than wLength: EINVAL");
	fill_urb(&u, NULL, 8);
	CHECK(io(fd, USBDEVFS_SUBMITURB, &u) == -EINVAL, "no buffer: EINVAL");
	uint8_t iface5[8 + 6] = {0xA1, 3, 0, 0, 5, 0, 6, 0};
	fill_urb(&u, iface5, sizeof(iface5));
	CHECK(io(fd, USBDEVFS_SUBMITURB, &u) == -ENOENT, "control URB to interface 5: ENOENT");
}

static void g_claim(int fd)
{
	unsigned n = 0;
	CHECK(io(fd, USBDEVFS_CLAIMINTERFACE, &n) == 0, "CLAIMINTERFACE 0");
	CHECK(io(fd, USBDEVFS_CLAIMINTERFACE, &n) == 0, "CLAIMINTERFACE 0 again: 0");
	n = 1;
	CHECK(io(fd, USBDEVFS_CLAIMINTERFACE, &n) == -ENOENT, "CLAIMINTERFACE 1: ENOENT");
	n = 64;
	CHECK(io(fd, USBDEVFS_CLAIMINTERFACE, &n) == -EINVAL, "CLAIMINTERFACE 64: EINVAL");
	n = 1;
	CHECK(io(fd, USBDEVFS_RELEASEINTERFACE, &n) == -ENOENT, "RELEASEINTERFACE 1: ENOENT");
	int fd2 = open(node, O_RDWR);
	n = 0;
	CHECK(io(fd2, USBDEVFS_CLAIMINTERFACE, &n) == -EBUSY,
	      "second file, CLAIMINTERFACE 0: EBUSY");
	struct usbdevfs_disconnect_claim dc = {0, USBDEVFS_DISCONNECT_CLAIM_EXCEPT_DRIVER, "usbfs"};
	CHECK(io(fd2, USBDEVFS_DISCONNECT_CLAIM, &dc) == -EBUSY,
	      "DISCONNECT_CLAIM except usbfs (libusb's): EBUSY");
	dc.flags = USBDEVFS_DISCONNECT_CLAIM_IF_DRIVER;
	CHECK(io(fd2, USBDEVFS_DISCONNECT_CLAIM, &dc) == 0,
	      "DISCONNECT_CLAIM if usbfs: taken over");
	CHECK(io(fd, USBDEVFS_RELEASEINTERFACE, &n) == -EINVAL,
	      "first file, RELEASEINTERFACE 0: EINVAL (not its claim any more)");
	close(fd2);
	CHECK(io(fd, USBDEVFS_CLAIMINTERFACE, &n) == 0, "closing the other file released it");
	CHECK(io(fd, USBDEVFS_RELEASEINTERFACE, &n) == 0, "RELEASEINTERFACE 0");
	CHECK(io(fd, USBDEVFS_RELEASEINTERFACE, &n) == -EINVAL, "RELEASEINTERFACE 0 again: EINVAL");
	dc.interface = 3;
	CHECK(io(fd, USBDEVFS_DISCONNECT_CLAIM, &dc) == -EINVAL, "DISCONNECT_CLAIM 3: EINVAL");
	uint32_t mask = 0;
	CHECK(io(fd, USBDEVFS_DROP_PRIVILEGES, &mask) == 0, "DROP_PRIVILEGES mask 0");
	CHECK(io(fd, USBDEVFS_CLAIMINTERFACE, &n) == -EACCES, "then CLAIMINTERFACE 0: EACCES");
	struct usbdevfs_ioctl ic = {0, USBDEVFS_CONNECT, NULL};
	CHECK(io(fd, USBDEVFS_IOCTL, &ic) == -EACCES, "then IOCTL: EACCES");
}

static void g_setintf(int fd)
{
	struct usbdevfs_setinterface si = {0, 1};
	CHECK(io(fd, USBDEVFS_SETINTERFACE, &si) == 0, "SETINTERFACE 0/1 (claims it)");
	CHECK(get_interface(fd) == 1, "GET_INTERFACE from the device: 1");
	si.altsetting = 9;
	CHECK(io(fd, USBDEVFS_SETINTERFACE, &si) == -EINVAL, "SETINTERFACE 0/9: EINVAL");
	CHECK(get_interface(fd) == 1, "still 1");
	si.interface = 3;
	si.altsetting = 0;
	CHECK(io(fd, USBDEVFS_SETINTERFACE, &si) == -ENOENT, "SETINTERFACE 3/0: ENOENT");
	unsigned n = 0;
	CHECK(io(fd, USBDEVFS_RELEASEINTERFACE, &n) == 0, "RELEASEINTERFACE 0");
	CHECK(get_interface(fd) == 0,
	      "released at alt 1: the kernel put it back to 0 (usb_unbind_interface)");
}

static void g_setconfig(int fd)
{
	unsigned n = 0;
	int v = 1;
	CHECK(io(fd, USBDEVFS_CLAIMINTERFACE, &n) == 0, "CLAIMINTERFACE 0");
	CHECK(io(fd, USBDEVFS_SETCONFIGURATION, &v) == -EBUSY,
	      "SETCONFIGURATION while claimed: EBUSY");
	CHECK(io(fd, USBDEVFS_RELEASEINTERFACE, &n) == 0, "RELEASEINTERFACE 0");
	CHECK(io(fd, USBDEVFS_SETCONFIGURATION, &v) == 0, "SETCONFIGURATION 1 (the current one)");
	v = 2;
	CHECK(io(fd, USBDEVFS_SETCONFIGURATION, &v) == -EINVAL, "SETCONFIGURATION 2: EINVAL");
	v = 0;
	CHECK(io(fd, USBDEVFS_SETCONFIGURATION, &v) == 0, "SETCONFIGURATION 0 (unconfigure)");
	uint8_t c = 0xEE, buf[6];
	CHECK(ctrl(fd, 0x80, 8, 0, 0, &c, 1) == 1 && c == 0, "GET_CONFIGURATION: 0");
	CHECK(io(fd, USBDEVFS_CLAIMINTERFACE, &n) == -ENOENT,
	      "CLAIMINTERFACE unconfigured: ENOENT");
	CHECK(ctrl(fd, 0xA1, 3, 0, 0, buf, 6) == -EHOSTUNREACH,
	      "request to interface 0 unconfigured: EHOSTUNREACH");
	unsigned ep = 0x81;
	CHECK(io(fd, USBDEVFS_RESETEP, &ep) == -ESRCH, "RESETEP unconfigured: ESRCH");
	char attr[16] = "x";
	FILE *f = fopen("/sys/bus/usb/devices/1-1/bConfigurationValue", "r");
	if (f) {
		size_t k = fread(attr, 1, sizeof(attr) - 1, f);
		attr[k] = 0;
		fclose(f);
	}
	CHECK(f && attr[0] == 0, "sysfs bConfigurationValue empty (%s)", attr);
	v = -1;
	CHECK(io(fd, USBDEVFS_SETCONFIGURATION, &v) == 0, "SETCONFIGURATION -1: unconfigured");
	v = 1;
	CHECK(io(fd, USBDEVFS_SETCONFIGURATION, &v) == 0, "SETCONFIGURATION 1");
	CHECK(ctrl(fd, 0xA1, 3, 0, 0, buf, 6) == 6, "interface 0 answers again");
}

static void g_reset(int fd)
{
	struct usbdevfs_setinterface si = {0, 1};
	CHECK(io(fd, USBDEVFS_SETINTERFACE, &si) == 0, "SETINTERFACE 0/1");
	CHECK(io(fd, USBDEVFS_RESET, NULL) == 0, "RESET");
	struct usbdevfs_getdriver gd = {0};
	CHECK(io(fd, USBDEVFS_GETDRIVER, &gd) == -ENODATA,
	      "GETDRIVER after RESET: ENODATA (usbfs is unbound by a reset)");
	unsigned n = 0;
	CHECK(io(fd, USBDEVFS_RELEASEINTERFACE, &n) == -EINVAL, "RELEASEINTERFACE 0: EINVAL");
	CHECK(get_interface(fd) == 0, "the device is at alt 0");
	uint8_t c = 0;
	CHECK(ctrl(fd, 0x80, 8, 0, 0, &c, 1) == 1 && c == 1, "configured again: 1");
}

static void g_misc(int fd)
{
	struct usbdevfs_ioctl ic = {0, USBDEVFS_DISCONNECT, NULL};
	CHECK(io(fd, USBDEVFS_IOCTL, &ic) == -ENODATA, "IOCTL DISCONNECT, no driver: ENODATA");
	ic.ioctl_code = USBDEVFS_CONNECT;
	CHECK(io(fd, USBDEVFS_IOCTL, &ic) == 0, "IOCTL CONNECT: 0 (no driver wants it)");
	ic.ioctl_code = (int)_IO('U', 99);
	CHECK(io(fd, USBDEVFS_IOCTL, &ic) == -ENOTTY, "IOCTL to no driver: ENOTTY");
	ic.ifno = 5;
	CHECK(io(fd, USBDEVFS_IOCTL, &ic) == -EINVAL, "IOCTL interface 5: EINVAL");
	unsigned n = 0;
	CHECK(io(fd, USBDEVFS_CLAIMINTERFACE, &n) == 0, "CLAIMINTERFACE 0");
	ic.ifno = 0;
	ic.ioctl_code = USBDEVFS_CONNECT;
	CHECK(io(fd, USBDEVFS_IOCTL, &ic) == -EBUSY, "IOCTL CONNECT while usbfs holds it: EBUSY");
	ic.ioctl_code = USBDEVFS_DISCONNECT;
	CHECK(io(fd, USBDEVFS_IOCTL, &ic) == 0, "IOCTL DISCONNECT: usbfs let go");
	CHECK(io(fd, USBDEVFS_RELEASEINTERFACE, &n) == -EINVAL, "so RELEASEINTERFACE: EINVAL");
	unsigned port = 1;
	CHECK(io(fd, USBDEVFS_CLAIM_PORT, &port) == -EINVAL, "CLAIM_PORT: EINVAL (not a hub)");
	CHECK(io(fd, USBDEVFS_RELEASE_PORT, &port) == -EINVAL, "RELEASE_PORT: EINVAL");
	struct {
		struct usbdevfs_streams s;
		unsigned char eps[2];
	} st = {{2, 1}, {0x81, 0}};
	CHECK(io(fd, USBDEVFS_ALLOC_STREAMS, &st) == -EINVAL, "ALLOC_STREAMS 0x81: EINVAL");
	st.eps[0] = 0;
	CHECK(io(fd, USBDEVFS_ALLOC_STREAMS, &st) == -ENOENT, "ALLOC_STREAMS EP0: ENOENT");
	st.s.num_streams = 1;
	CHECK(io(fd, USBDEVFS_ALLOC_STREAMS, &st) == -EINVAL, "ALLOC_STREAMS 1 stream: EINVAL");
	st.s.num_eps = 0;
	CHECK(io(fd, USBDEVFS_FREE_STREAMS, &st) == -EINVAL, "FREE_STREAMS no endpoint: EINVAL");
	struct usbdevfs_disconnectsignal ds = {0, NULL};
	CHECK(io(fd, USBDEVFS_DISCSIGNAL, &ds) == 0, "DISCSIGNAL 0");
	CHECK(io(fd, USBDEVFS_FORBID_SUSPEND, NULL) == 0, "FORBID_SUSPEND");
	CHECK(io(fd, USBDEVFS_ALLOW_SUSPEND, NULL) == 0, "ALLOW_SUSPEND");
	CHECK(io(fd, USBDEVFS_WAIT_FOR_RESUME, NULL) == -EINTR,
	      "WAIT_FOR_RESUME: EINTR (the device never suspends)");
}

static void g_unknown(int fd)
{
	CHECK(io(fd, _IO('U', 99), NULL) == -ENOTTY, "_IO('U', 99): ENOTTY");
	CHECK(io(fd, USBDEVFS_HUB_PORTINFO, NULL) == -ENOTTY,
	      "HUB_PORTINFO on the node (it is a driver ioctl): ENOTTY");
	CHECK(io(fd, _IO('X', 1), NULL) == -ENOTTY, "_IO('X', 1): ENOTTY");
}

/* The device leaves the bus (DfuSe read-unprotect resets the MCU): the old
 * file answers ENODEV, completed URBs can still be reaped. */
static void g_gone(int fd)
{
	uint8_t cmd = 0x92, st[6], buf[8 + 18] = {0x80, 6, 0x00, 0x01, 0, 0, 18, 0};
	struct usbdevfs_urb u, *got = NULL;
	fill_urb(&u, buf, sizeof(buf));
	CHECK(io(fd, USBDEVFS_SUBMITURB, &u) == 0, "SUBMITURB, not reaped yet");
	CHECK(ctrl(fd, 0x21, 1, 0, 0, &cmd, 1) == 1, "DNLOAD read-unprotect");
	CHECK(ctrl(fd, 0xA1, 3, 0, 0, st, 6) == 6, "GETSTATUS: the MCU resets");
	long r = 0;
	for (int i = 0; i < 500 && r != -ENODEV; i++) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
		r = io(fd, USBDEVFS_GET_SPEED, NULL);
	}
	CHECK(r == -ENODEV, "GET_SPEED once gone: ENODEV");
	CHECK(read(fd, st, sizeof(st)) < 0 && errno == ENODEV, "read once gone: ENODEV");
	CHECK(ctrl(fd, 0x80, 8, 0, 0, st, 1) == -ENODEV, "CONTROL once gone: ENODEV");
	CHECK(io(fd, USBDEVFS_REAPURBNDELAY, &got) == 0 && got == &u && u.actual_length == 18,
	      "REAPURBNDELAY after disconnect: the completed URB");
	CHECK(io(fd, USBDEVFS_REAPURBNDELAY, &got) == -ENODEV, "then ENODEV");
	CHECK(io(fd, USBDEVFS_REAPURB, &got) == -ENODEV, "REAPURB: ENODEV");
}

static const struct {
	const char *name;
	void (*fn)(int fd);
} groups[] = {
    {"read", g_read},   {"info", g_info},   {"control", g_control}, {"bulk", g_bulk},
    {"urb", g_urb},     {"claim", g_claim}, {"setintf", g_setintf}, {"setconfig", g_setconfig},
    {"reset", g_reset}, {"misc", g_misc},   {"unknown", g_unknown}, {"gone", g_gone},
};

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: usbfs_probe GROUP\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		if (strcmp(argv[1], groups[i].name) != 0)
			continue;
		int fd = open_node();
		printf("%s on %s\n", groups[i].name, node);
		groups[i].fn(fd);
		close(fd);
		printf("%s: %d failure(s)\n", argv[1], failures);
		return failures ? 1 : 0;
	}
	fprintf(stderr, "usbfs_probe: unknown group %s\n", argv[1]);
	return 2;
}
