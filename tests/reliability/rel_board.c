/* SPDX-License-Identifier: MIT */
#include "rel_board.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bootloader/bootloader.h"
#include "dfu/dfu.h"
#include "hal/port.h"
#include "mem/mem.h"
#include "qh_layout.h"
#include "sim/clock/vclock.h"
#include "sim/h7/h7_iflash.h"
#include "sim/port/simport.h"
#include "sim/port/simport_internal.h"
#include "sim/vusb/usb_timing.h"
#include "sim/vusb/vusb_ctrl.h"

#define NAK_CATCH_UP 2u
#define NAK_BUDGET   100000u

static struct rel_board *cur;

bool rel_board_holds(const struct qh_image *img)
{
	static uint8_t buf[4096];
	for (size_t s = 0; s < img->n; s++) {
		const struct qh_seg *g = &img->seg[s];
		for (uint32_t pos = 0; pos < g->len; pos += (uint32_t)sizeof(buf)) {
			uint32_t n =
			    g->len - pos < sizeof(buf) ? g->len - pos : (uint32_t)sizeof(buf);
			uint32_t got = 0;
			if (mem_read(g->addr + pos, buf, n, &got) || got != n ||
			    memcmp(buf, g->data + pos, n))
				return false;
		}
	}
	return true;
}

uint8_t *rel_board_iflash(void)
{
	return h7_iflash_array(simport_iflash_model());
}

uint64_t rel_board_now_us(void)
{
	return vclock_now_us();
}

static bool power_gone(void)
{
	return cur->dead;
}

/* The virtual clock reached the armed moment, wherever the firmware or the
 * host was (inside a busy-wait of the firmware included). */
static void alarm_cut(void)
{
	if (cur)
		rel_board_cut(cur);
}

/* Advance virtual time to t, stopping at model deadlines (and at the cut)
 * so the main loop acts on each, as the MCU would meanwhile. */
static void run_until(uint64_t t)
{
	while (!power_gone() && vclock_now_us() < t) {
		uint64_t now = vclock_now_us(), next = vclock_next_deadline_us();
		uint64_t step = (next && next <= t) ? next : t;
		vclock_advance_us(step > now ? step - now : 1u);
		if (!power_gone() && cur->in_dfu)
			bootloader_task();
	}
}

static void charge(uint32_t bytes, uint32_t packets)
{
	struct usb_timing t = usb_timing_for(simport_high_speed());
	uint64_t ns3 = usb_ctrl_bytetimes(&t, bytes, packets) * t.byte_ns_x3;
	run_until(vclock_now_us() + ns3 / 3000u + 1u);
}

static int d_setup(void *ctx, const uint8_t pkt[8])
{
	(void)ctx;
	return power_gone() ? VUSB_NORESP : simport_setup_packet(pkt);
}

static int d_out(void *ctx, const uint8_t *data, unsigned len)
{
	(void)ctx;
	return power_gone() ? VUSB_NORESP : simport_out(0x00, data, len);
}

static int d_in(void *ctx, uint8_t *data, unsigned maxlen, unsigned *len)
{
	(void)ctx;
	*len = 0;
	return power_gone() ? VUSB_NORESP : simport_in(0x80, data, maxlen, len);
}

static void d_nak(void *ctx, uint32_t streak)
{
	(void)ctx;
	if (power_gone())
		return;
	if (streak > NAK_CATCH_UP) {
		uint64_t now = vclock_now_us(), next = vclock_next_deadline_us();
		run_until(next > now ? next : now + 10u);
	}
	if (!power_gone())
		bootloader_task();
}

static const struct vusb_dev_ops dev_ops = {
    .setup = d_setup, .out = d_out, .in = d_in, .nak = d_nak};

/* After each request: the firmware's main loop acts on it; a reset it asked
 * for (leave) reboots the board with the real decision. */
static void after_request(void)
{
	if (power_gone())
		return;
	bootloader_task();
	if (simport_take_reset_request())
		rel_board_boot(cur, false);
}

static void record(struct rel_board *rb)
{
	if (rb->ntrace == rb->trace_cap) {
		size_t cap = rb->trace_cap ? 2u * rb->trace_cap : 1024u;
		uint64_t *t = realloc(rb->trace, cap * sizeof(*t));
		if (!t)
			return;
		rb->trace = t;
		rb->trace_cap = cap;
	}
	rb->trace[rb->ntrace++] = vclock_now_us();
}

static int t_control(void *ctx, uint8_t type, uint8_t req, uint16_t value, uint16_t index,
                     uint8_t *data, uint16_t len, unsigned timeout_ms)
{
	static uint8_t buf[DFU_TRANSFER_SIZE + 64];
	struct vusb_ctrl x;
	uint8_t setup[8] = {type,           req,
	                    (uint8_t)value, (uint8_t)(value >> 8),
	                    (uint8_t)index, (uint8_t)(index >> 8),
	                    (uint8_t)len,   (uint8_t)(len >> 8)};
	(void)ctx;
	(void)timeout_ms;
	if (cur->record)
		record(cur);
	if (cur->cut_before && cur->cut_before(type, req, value, data, len))
		rel_board_cut(cur);
	if (power_gone() || !cur->in_dfu || !simport_connected())
		return QH_E_NODEV;
	if (len > sizeof(buf))
		return QH_E_USAGE;
	if (!(type & 0x80u) && len)
		memcpy(buf, data, len);
	vusb_ctrl_start(&x, setup, buf, port_usb_ep0_mps());
	if (!vusb_ctrl_run(&x, &dev_ops, NULL, NAK_BUDGET))
		return power_gone() ? QH_E_NODEV : QH_E_TIMEOUT;
	if (power_gone())
		return QH_E_NODEV;
	charge(x.done, x.packets);
	if (x.result == -EPIPE) {
		after_request();
		return QH_E_PIPE;
	}
	if (x.result < 0)
		return QH_E_USB;
	if ((type & 0x80u) && x.result > 0)
		memcpy(data, buf, (size_t)x.result);
	after_request();
	return x.result;
}

static int t_set_alt(void *ctx, uint8_t intf, uint8_t alt)
{
	int rc = t_control(ctx, 0x01, 11, alt, intf, NULL, 0, 1000);
	return rc < 0 ? rc : 0;
}

static int t_reset(void *ctx)
{
	(void)ctx;
	if (power_gone() || !cur->in_dfu)
		return QH_E_NODEV;
	simport_bus_reset();
	bootloader_task();
	run_until(vclock_now_us() + 10000u);
	return 0;
}

static void t_sleep(void *ctx, unsigned ms)
{
	(void)ctx;
	run_until(vclock_now_us() + (uint64_t)ms * 1000u);
}

static uint64_t t_now(void *ctx)
{
	(void)ctx;
	return vclock_now_us() / 1000u;
}

static const struct qh_transport_ops transport = {
    .control = t_control,
    .set_alt = t_set_alt,
    .reset = t_reset,
    .sleep_ms = t_sleep,
    .now_ms = t_now,
};

/* What libqdfu's USB scan would find: the alts' layouts (the firmware's own
 * strings), the functional descriptor, the qdfu INFO answer. */
static void describe(struct rel_board *rb)
{
	struct qh_dev *d = &rb->dev;
	memset(d, 0, sizeof(*d));
	qh_dev_defaults(d);
	d->ops = &transport;
	d->ctx = rb;
	d->info.vid = rb->b->usb_vid;
	d->info.pid = rb->b->usb_pid;
	d->info.kind = QH_KIND_QDFU;
	d->info.attrs = DFU_ATTRIBUTES;
	d->info.transfer_size = DFU_TRANSFER_SIZE;
	d->info.bcd_dfu = 0x011A;
	d->info.detach_timeout = DFU_DETACH_TIMEOUT_MS;
	d->cur_alt = 0;
	for (unsigned i = 0; i < mem_region_count(); i++) {
		struct qh_alt *a = &d->info.alts[d->info.nalts];
		if (mem_region_layout(mem_region_at(i), a->name, sizeof(a->name)) < 0)
			continue;
		a->alt = (uint8_t)d->info.nalts;
		a->layout_ok = qh_layout_parse(a->name, &a->layout, NULL) == 0;
		d->info.nalts++;
	}
}

void rel_board_boot(struct rel_board *rb, bool dfu)
{
	cur = rb;
	rb->dead = false;
	rb->app_vtor = 0;
	simport_set_button(dfu);
	port_init(rb->b);
	rb->in_dfu = bootloader_init(rb->b, dfu ? BOOTLOADER_ENTER_DFU : BOOTLOADER_ENTER_AUTO);
	rb->decision = *bootloader_decision();
	if (!rb->in_dfu) {
		(void)simport_app_started(&rb->app_vtor);
		return;
	}
	/* enumeration: bus reset, address, configuration */
	simport_bus_reset();
	bootloader_task();
	describe(rb);
	(void)t_control(rb, 0x00, 5, 7, 0, NULL, 0, 1000);
	(void)t_control(rb, 0x00, 9, 1, 0, NULL, 0, 1000);
	rb->dev.info.has_qdfu_info = qh_qdfu_info(&rb->dev, &rb->dev.info.qdfu, NULL) == 0;
}

int rel_board_create(struct rel_board *rb, const char *board, const char *chip)
{
	return rel_board_create_speed(rb, board, chip, false);
}

int rel_board_create_speed(struct rel_board *rb, const char *board, const char *chip,
                           bool high_speed)
{
	memset(rb, 0, sizeof(*rb));
	rb->b = board_find(board);
	if (!rb->b)
		return -1;
	struct simport_config cfg = {.board = rb->b, .button = true, .high_speed = high_speed};
	cfg.chips[0] = chip;
	cfg.chips[1] = rb->b->qspi_dual ? chip : NULL;
	for (unsigned i = 0; i < 12; i++)
		cfg.uid[i] = (uint8_t)(0x40 + i);
	vclock_init(VCLOCK_VIRTUAL);
	if (simport_setup(&cfg) < 0)
		return -1;
	rel_board_boot(rb, true);
	return 0;
}

void rel_board_destroy(struct rel_board *rb)
{
	free(rb->trace);
	rb->trace = NULL;
	rb->ntrace = rb->trace_cap = 0;
	simport_teardown();
	cur = NULL;
}

void rel_board_arm_cut(struct rel_board *rb, uint64_t us)
{
	rb->cut_hit = false;
	rb->cut_what = NULL;
	vclock_set_alarm(vclock_now_us() + us, alarm_cut);
}

void rel_board_cut(struct rel_board *rb)
{
	if (rb->dead)
		return;
	rb->dead = true;
	rb->cut_hit = true;
	rb->in_dfu = false;
	vclock_set_alarm(0, NULL);
	(void)simport_power_cut(&rb->cut_what);
}
