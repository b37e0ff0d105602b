/* SPDX-License-Identifier: MIT */
#include "sim/rom/rom_dfu.h"

#include <stdio.h>
#include <string.h>

#include "common/compiler.h"
#include "common/err.h"
#include "dfu/dfu.h"
#include "hal/port.h"
#include "sim/rom/rom_mem.h"
#include "usb/usbd.h"

#define NALTS         2u
#define CONFIG_LEN    (9u + 9u * NALTS + 9u)
#define BUF_MAX       2048u
#define ERASE_POLL_MS 1100u /* a sector erase, typical (RM0433) */
#define WRITE_POLL_MS 5u
#define CMD_GET       0x00u /* AN3156 6.1: DfuSe commands (wBlockNum 0) */
#define CMD_SET_ADDR  0x21u
#define CMD_ERASE     0x41u
#define CMD_UNPROTECT 0x92u

static struct {
	const struct rom_family *f;
	uint8_t version;
	uint8_t device[18], config[CONFIG_LEN];
	struct usbd_descriptors d;
	uint8_t state, status;
	uint32_t poll_ms;
	uint32_t addr; /* the address pointer */
	uint8_t buf[BUF_MAX];
	uint16_t len, block;
	uint8_t reply[8];
	bool leave;    /* GETSTATUS answered dfuMANIFEST ... */
	bool leave_go; /* ... and its status stage completed */
	enum rom_exit exit;
	uint32_t jump;
	char why[128];
} rom;

QDFU_STATIC_ASSERT(CONFIG_LEN == 36u, "config: 9 + 2 alts + functional");

static void build_descriptors(const struct rom_family *f, uint8_t version)
{
	static const uint8_t dev[18] = {18,   USB_DT_DEVICE, 0x00, 0x02, 0,    0, 0, 64, 0x83,
	                                0x04, 0x11,          0xDF, 0x00, 0x02, 1, 2, 3,  1};
	memcpy(rom.device, dev, sizeof(dev));
	uint8_t *p = rom.config;
	const uint8_t cfg[9] = {9, USB_DT_CONFIG, CONFIG_LEN, 0, 1, 1, 0, 0xC0, 50};
	memcpy(p, cfg, 9);
	p += 9;
	for (uint8_t alt = 0; alt < NALTS; alt++, p += 9) {
		const uint8_t intf[9] = {9,    USB_DT_INTERFACE,   0, alt, 0, 0xFE, 0x01,
		                         0x02, (uint8_t)(4u + alt)};
		memcpy(p, intf, 9);
	}
	/* bmAttributes 0x0B: will detach, upload, download; wDetachTimeOut 255;
	 * bcdDFU 1.1a (DfuSe) */
	const uint8_t func[9] = {9,
	                         USB_DT_DFU_FUNCTIONAL,
	                         0x0B,
	                         0xFF,
	                         0x00,
	                         (uint8_t)f->transfer_size,
	                         (uint8_t)(f->transfer_size >> 8),
	                         0x1A,
	                         0x01};
	memcpy(p, func, 9);
	memset(&rom.d, 0, sizeof(rom.d));
	rom.d.device = rom.device;
	rom.d.config = rom.config;
	rom.d.strings[1] = "STMicroelectronics";
	rom.d.strings[2] = f->product;
	rom.d.strings[3] = f->serial;
	rom.d.strings[4] = rom_layout_flash(f, version);
	rom.d.strings[5] = f->layout_options;
	rom.d.num_strings = 6;
}

static void fail(uint8_t status)
{
	rom.state = DFU_STATE_ERROR;
	rom.status = status;
}

static void hang(const char *why)
{
	snprintf(rom.why, sizeof(rom.why), "%s", why);
	rom.exit = ROM_HUNG;
	port_usb_connect(false);
}

/* ---------------------------------------------------- DNLOAD execution */

static void run_command(void)
{
	uint32_t a = rom.len >= 5 ? qdfu_get_le32(&rom.buf[1]) : 0;
	if (rom.len == 5 && rom.buf[0] == CMD_SET_ADDR) {
		rom.addr = a;
		return;
	}
	if (rom.buf[0] == CMD_ERASE && (rom.len == 5 || rom.len == 1)) {
		int r = rom_mem_flash_erase(a, rom.len == 1);
		rom.poll_ms = ERASE_POLL_MS;
		if (r == ROM_MEM_OK)
			rom.state = DFU_STATE_DNBUSY;
		else
			fail(DFU_STATUS_ERR_TARGET);
		return;
	}
	/* GET, read unprotect (it would mass erase and reset: not modelled),
	 * anything else */
	fail(rom.buf[0] == CMD_UNPROTECT ? DFU_STATUS_ERR_TARGET : DFU_STATUS_ERR_STALLEDPKT);
}

static void run_write(void)
{
	uint32_t a = rom.addr + (uint32_t)(rom.block - 2u) * rom.f->transfer_size;
	if (rom_mem_in_ram(a, rom.len)) {
		int r = rom_mem_write_ram(a, rom.buf, rom.len);
		if (r == ROM_MEM_CRASH) {
			char why[128];
			snprintf(
			    why, sizeof(why),
			    "a write at 0x%08X overwrote the ROM bootloader's own RAM: it crashed",
			    (unsigned)a);
			hang(why);
		}
		return;
	}
	if (rom_mem_flash_program(a, rom.buf, rom.len) != ROM_MEM_OK) {
		fail(DFU_STATUS_ERR_TARGET); /* option bytes, OTP, nothing there */
		return;
	}
	rom.poll_ms = WRITE_POLL_MS;
	rom.state = DFU_STATE_DNBUSY;
}

/* GETSTATUS in dfuDNLOAD-SYNC: the DfuSe device executes the block now. */
static void execute(void)
{
	rom.state = DFU_STATE_DNBUSY;
	rom.poll_ms = 0;
	if (rom.block == 0)
		run_command();
	else if (rom.block == 1)
		fail(DFU_STATUS_ERR_STALLEDPKT);
	else
		run_write();
}

/* GETSTATUS in dfuDNBUSY: the flash job's progress. */
static void poll_busy(void)
{
	int r = rom_mem_flash_poll();
	if (r == ROM_MEM_BUSY) {
		rom.poll_ms = WRITE_POLL_MS;
		return;
	}
	rom.poll_ms = 0;
	if (r == ROM_MEM_OK)
		rom.state = DFU_STATE_DNLOAD_IDLE;
	else
		fail(DFU_STATUS_ERR_WRITE);
}

/* ------------------------------------------------------------ requests */

static enum usbd_reply get_status(struct usbd_ctrl *c)
{
	uint8_t state_now = rom.state;
	if (rom.state == DFU_STATE_DNLOAD_SYNC) {
		execute();
		state_now = rom.state;
	} else if (rom.state == DFU_STATE_DNBUSY) {
		poll_busy();
		state_now = rom.state;
	} else if (rom.state == DFU_STATE_MANIFEST_SYNC) {
		state_now = DFU_STATE_MANIFEST;
		rom.leave = true;
	}
	rom.reply[0] = rom.status;
	rom.reply[1] = (uint8_t)rom.poll_ms;
	rom.reply[2] = (uint8_t)(rom.poll_ms >> 8);
	rom.reply[3] = (uint8_t)(rom.poll_ms >> 16);
	rom.reply[4] = state_now;
	rom.reply[5] = 0;
	c->buf = rom.reply;
	c->len = 6;
	return USBD_REPLY_IN;
}

static enum usbd_reply dnload(const struct usb_setup *s, struct usbd_ctrl *c)
{
	if (rom.state != DFU_STATE_IDLE && rom.state != DFU_STATE_DNLOAD_IDLE) {
		fail(DFU_STATUS_ERR_STALLEDPKT);
		return USBD_REPLY_STALL;
	}
	if (s->wLength == 0) {
		rom.state = DFU_STATE_MANIFEST_SYNC;
		return USBD_REPLY_ACK;
	}
	if (s->wLength > rom.f->transfer_size) {
		fail(DFU_STATUS_ERR_STALLEDPKT);
		return USBD_REPLY_STALL;
	}
	c->buf = rom.buf;
	c->len = sizeof(rom.buf);
	return USBD_REPLY_OUT;
}

static enum usbd_reply upload(const struct usb_setup *s, struct usbd_ctrl *c)
{
	static const uint8_t commands[] = {CMD_GET, CMD_SET_ADDR, CMD_ERASE, CMD_UNPROTECT};
	uint16_t n = s->wLength < rom.f->transfer_size ? s->wLength : rom.f->transfer_size;
	if ((rom.state != DFU_STATE_IDLE && rom.state != DFU_STATE_UPLOAD_IDLE) || s->wValue == 1) {
		fail(DFU_STATUS_ERR_STALLEDPKT);
		return USBD_REPLY_STALL;
	}
	rom.state = DFU_STATE_UPLOAD_IDLE;
	if (s->wValue == 0) {
		c->buf = (uint8_t *)(uintptr_t)commands;
		c->len = sizeof(commands);
		return USBD_REPLY_IN;
	}
	uint32_t a = rom.addr + (uint32_t)(s->wValue - 2u) * rom.f->transfer_size;
	if (rom_mem_read(a, rom.buf, n) != ROM_MEM_OK) {
		fail(DFU_STATUS_ERR_TARGET);
		return USBD_REPLY_STALL;
	}
	c->buf = rom.buf;
	c->len = n;
	return USBD_REPLY_IN;
}

static enum usbd_reply simple(uint8_t req, struct usbd_ctrl *c)
{
	switch (req) {
	case DFU_REQ_CLRSTATUS:
		if (rom.state != DFU_STATE_ERROR)
			return USBD_REPLY_STALL;
		rom.state = DFU_STATE_IDLE;
		rom.status = DFU_STATUS_OK;
		return USBD_REPLY_ACK;
	case DFU_REQ_GETSTATE:
		rom.reply[0] = rom.state;
		c->buf = rom.reply;
		c->len = 1;
		return USBD_REPLY_IN;
	case DFU_REQ_ABORT:
		if (rom.state == DFU_STATE_ERROR)
			return USBD_REPLY_STALL;
		rom.state = DFU_STATE_IDLE;
		return USBD_REPLY_ACK;
	case DFU_REQ_DETACH:
		return USBD_REPLY_ACK; /* already in DFU mode */
	default:
		fail(DFU_STATUS_ERR_STALLEDPKT);
		return USBD_REPLY_STALL;
	}
}

static enum usbd_reply rom_setup(const struct usb_setup *s, struct usbd_ctrl *c)
{
	if ((s->bmRequestType & USB_TYPE_MASK) != USB_TYPE_CLASS || s->wIndex != 0)
		return USBD_REPLY_STALL; /* no vendor requests: this is not qdfu */
	switch (s->bRequest) {
	case DFU_REQ_DNLOAD:
		return dnload(s, c);
	case DFU_REQ_UPLOAD:
		return upload(s, c);
	case DFU_REQ_GETSTATUS:
		return get_status(c);
	default:
		return simple(s->bRequest, c);
	}
}

static bool rom_data_out(const struct usb_setup *s, const uint8_t *data, uint16_t len)
{
	(void)data; /* received into rom.buf */
	rom.block = s->wValue;
	rom.len = len;
	rom.state = DFU_STATE_DNLOAD_SYNC;
	return true;
}

static void rom_done(const struct usb_setup *s)
{
	if (rom.leave && s->bRequest == DFU_REQ_GETSTATUS)
		rom.leave_go = true;
}

static bool rom_set_alt(uint8_t alt)
{
	if (alt >= NALTS)
		return false;
	rom.state = DFU_STATE_IDLE;
	rom.status = DFU_STATUS_OK;
	return true;
}

static void rom_reset(bool configured)
{
	(void)configured;
	rom.state = DFU_STATE_IDLE;
	rom.status = DFU_STATUS_OK;
}

static const struct usbd_class rom_class = {
    .setup = rom_setup,
    .data_out = rom_data_out,
    .done = rom_done,
    .set_alt = rom_set_alt,
    .reset = rom_reset,
};

int rom_dfu_start(const struct rom_family *f, const struct board *b, uint8_t version,
                  const uint8_t uid[12])
{
	memset(&rom, 0, sizeof(rom));
	rom.f = f;
	rom.version = version;
	rom.state = DFU_STATE_IDLE;
	rom.addr = b->iflash_base;
	int r = rom_mem_init(f, b, version, uid);
	if (r < 0)
		return r;
	build_descriptors(f, version);
	usbd_init(&rom.d, &rom_class);
	port_usb_init(b);
	port_usb_connect(true);
	return QDFU_OK;
}

/* The GETSTATUS that answered dfuMANIFEST has gone out: jump. */
static void leave(void)
{
	rom.leave = rom.leave_go = false;
	if (rom_version_leave_broken(rom.f, rom.version)) {
		/* ST community 148238: the device drops off the bus and the CPU
		 * stays in the ROM (PC 0x1FF0AAF0) whatever the address */
		hang("bootloader V9.0: the jump does not happen; the board stays in the ROM, off "
		     "the bus, until it is reset");
		return;
	}
	port_usb_connect(false);
	rom.exit = ROM_JUMPED;
	rom.jump = rom.addr;
}

void rom_dfu_task(void)
{
	if (rom.exit != ROM_RUNNING)
		return;
	usbd_task();
	/* the flash job also moves while the host waits bwPollTimeout */
	if (rom.state == DFU_STATE_DNBUSY)
		(void)rom_mem_flash_poll(); /* the result waits for GETSTATUS */
	if (rom.leave_go)
		leave();
}

enum rom_exit rom_dfu_exit(uint32_t *addr, const char **why)
{
	if (addr)
		*addr = rom.jump;
	if (why)
		*why = rom.why;
	return rom.exit;
}
