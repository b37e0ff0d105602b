/* SPDX-License-Identifier: MIT */
/*
 * Device worker: boots the firmware (bootloader_init), runs its main loop
 * (bootloader_task) whenever the host is not talking to it, and answers
 * control transfers by driving the transaction API of port/host with the
 * engine in vusb_ctrl.c. In virtual time it charges the bus time of each
 * transfer (at the speed the device enumerated) to the clock and, while the
 * device keeps NAKing, jumps the clock to the next model deadline (a flash
 * operation finishing). Hardware rules the firmware breaks on a register
 * model (DWC2 build) are reported to the host as FAULT events.
 *
 * Virtual time has two views here: the device's own clock (vclock, local
 * to this process) and the clock shared with qdfu-sim, the other devices
 * and the clients (who add their sleeps to it). When the shared clock has
 * moved (a client slept 59 s while a mass erase runs), the device catches
 * up step by step, running its main loop at every model deadline on the
 * way, as the MCU would have done meanwhile; when the device moves its own
 * clock (bus time, NAK jumps), the shared clock follows.
 */
#define _GNU_SOURCE
#include "sim/vusb/vusb_worker.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <signal.h>
#include <unistd.h>

#include "boot/boot.h"
#include "hal/port.h"
#include "qdfu_app.h"
#include "sim/vusb/usb_timing.h"
#include "sim/vusb/vusb_ctrl.h"
#include "sim/vusb/vusb_proto.h"
#include "sim/rom/rom_device.h"
#include "sim/vtime/vtime_shm.h"

#define IDLE_POLL_MS 1
#define TATTDB_US    100000u /* attach debounce: USB 2.0 7.1.7.3, TATTDB */
#define STALL_CAP_US 10000u  /* real time: longer gaps are stalls (vclock.h) */
/* Real time: a model deadline closer than this is waited for by spinning,
 * as the MCU's main loop would (a flash word takes 16 us; sleeping 1 ms per
 * word made a 4 KiB block take longer than the firmware's deadline on a
 * busy host). */
#define SPIN_MAX_US 200u
/* NAKs in a row that only let the main loop catch up (process the SETUP)
 * before virtual time may jump to the next model deadline. */
#define NAK_CATCH_UP 2u

static struct {
	const struct vusb_worker_config *cfg;
	const struct board *board; /* as set up (--rom: nothing of qdfu installed) */
	int req_fd, ev_fd;
	bool connected;       /* last pull-up state told to the host */
	bool attach_debounce; /* attached since the last bus reset */
	bool app_running;
	bool pending; /* a control transfer is in flight */
	struct vusb_ctrl x;
	uint8_t data[VUSB_MAX_DATA];
	uint64_t bus_ns3;    /* bus time charged so far, in thirds of a ns */
	uint64_t bus_us;     /* ... of which already added to the clock */
	uint64_t xfer_bt;    /* byte-times of the transfer in flight charged by packet */
	unsigned faults;     /* hardware rule violations already reported */
	unsigned ram_faults; /* of them, the RAM model's (sim/port/ram.c) */
	/* --power-cut: armed at the first bus reset, then the board is off */
	uint64_t enum_at, cut_at;
	uint64_t pass_at; /* the clock when the last main-loop pass began */
	bool dead;
} w;

static void send_event(uint32_t type, uint32_t vtor, const char *reason)
{
	struct vusb_event ev = {.type = type, .vtor = vtor};
	if (reason)
		snprintf(ev.reason, sizeof(ev.reason), "%s", reason);
	/* counted before it leaves, so a client never sees it neither
	 * pending nor applied (lockstep) */
	vtime_shm_event_sent(w.cfg->shared_clock);
	if (send(w.ev_fd, &ev, sizeof(ev), MSG_NOSIGNAL) < 0) {
		vtime_shm_event_applied(w.cfg->shared_clock);
		if (errno != EPIPE)
			perror("qdfu-sim worker: event");
	}
}

/* ------------------------------------------------------------ time */

static bool virtual_time(void)
{
	return w.cfg->time_mode == VCLOCK_VIRTUAL;
}

static void run_task(void);

/* The shared clock is at least the device's. */
static void publish_time(void)
{
	volatile uint64_t *c = w.cfg->shared_clock;
	if (!virtual_time() || !c)
		return;
	uint64_t mine = vclock_now_us(), seen = __atomic_load_n(c, __ATOMIC_SEQ_CST);
	while (seen < mine && !__atomic_compare_exchange_n(c, &seen, mine, false, __ATOMIC_SEQ_CST,
	                                                   __ATOMIC_SEQ_CST))
		;
}

/* Lockstep (vtime_shm.h): how far this device has caught up with the
 * shared clock, after its main loop ran and its events were sent; nobody
 * waits for a device whose application runs or whose power is off. */
static void publish_followed(void)
{
	if (!virtual_time() || !w.cfg->shared_clock)
		return;
	vtime_shm_follow(w.cfg->shared_clock, w.cfg->slot,
	                 (w.app_running || w.dead) ? VTIME_NOT_FOLLOWING : vclock_now_us());
}

/* The MCU's main loop spins while the host is away: at a model deadline it
 * runs until it waits for a model again (nor.c issues one bus command per
 * pass) and, while it has bus work (CRC or blank-check reads, which cost
 * bus time), until the time the host comes back. */
#define SPIN_IDLE_PASSES 16u
#define SPIN_MAX_PASSES  100000u
/* A model event came after the start of the main loop's last pass (its
 * bus time, or the bus time charged since, moved the clock past it): the
 * firmware has not seen it yet, and the loop must run before the clock
 * jumps to the event after it (as the MCU's loop would: a word programmed
 * beside would otherwise wait for the end of the other bank's erase). */
static bool event_unseen(void)
{
	return vclock_last_due_us() > w.pass_at;
}

static void spin(uint64_t until)
{
	unsigned idle = 0;
	for (unsigned i = 0; i < SPIN_MAX_PASSES && idle < SPIN_IDLE_PASSES; i++) {
		uint64_t before = vclock_now_us();
		run_task();
		uint64_t now = vclock_now_us();
		if (now >= until)
			break;
		if (event_unseen()) {
			idle = 0;
			continue;
		}
		if (vclock_next_deadline_us() > now)
			break;
		idle = now > before ? 0 : idle + 1;
	}
}

/* The device's clock catches up with the shared one, stopping at every
 * model deadline on the way to let the main loop act on it. */
static void catch_up(void)
{
	volatile uint64_t *c = w.cfg->shared_clock;
	if (!virtual_time() || !c)
		return;
	uint64_t target = __atomic_load_n(c, __ATOMIC_SEQ_CST);
	if (vclock_now_us() >= target)
		return;
	for (;;) {
		/* the work the device does from now on (its bus time moves
		 * the clock), then jump to the next model event */
		if (!w.app_running)
			spin(target);
		uint64_t now = vclock_now_us();
		if (now >= target)
			break;
		uint64_t next = vclock_next_deadline_us();
		vclock_advance_us(((next && next <= target) ? next : target) - now);
	}
}

static struct usb_timing bus_timing(void)
{
	return usb_timing_for(simport_high_speed());
}

static void charge_bytetimes(uint64_t bt)
{
	if (!virtual_time())
		return;
	w.bus_ns3 += bt * bus_timing().byte_ns_x3;
	uint64_t us = w.bus_ns3 / 3000u;
	if (us > w.bus_us) {
		vclock_advance_us(us - w.bus_us);
		w.bus_us = us;
		publish_time();
	}
}

/* The device's clock moves to target with its main loop running, stopping
 * at every model deadline on the way (as in catch_up). */
static void run_until(uint64_t target)
{
	for (;;) {
		if (!w.app_running)
			spin(target);
		uint64_t now = vclock_now_us(), next = vclock_next_deadline_us();
		if (now >= target)
			break;
		if (!next || next <= now || next >= target) {
			vclock_advance_us(target - now);
			break;
		}
		vclock_advance_us(next - now);
	}
	publish_time();
}

/* A data packet crosses the bus while the MCU's main loop runs: the clock
 * moves through the packet's bus time stopping at every model deadline on
 * the way (a page program ending), where the main loop runs, so the
 * firmware gives the chip its next command then and not only after the
 * whole transfer (a 4 KiB DNLOAD takes 3.3 ms at full speed); as in
 * catch_up, the loop runs until it waits for a model again. The rest of
 * the transfer's byte-times (setup, status) are charged at its end. */
static void charge_packet(unsigned len)
{
	if (!virtual_time())
		return;
	struct usb_timing t = bus_timing();
	uint64_t bt = (uint64_t)len + t.packet_overhead_bt;
	w.xfer_bt += bt;
	w.bus_ns3 += bt * t.byte_ns_x3;
	uint64_t us = w.bus_ns3 / 3000u;
	if (us <= w.bus_us)
		return;
	uint64_t target = vclock_now_us() + (us - w.bus_us);
	w.bus_us = us;
	run_until(target);
}

/* ---------------------------------------------- device transactions */

static int dev_setup(void *ctx, const uint8_t pkt[8])
{
	(void)ctx;
	return simport_setup_packet(pkt);
}

static int dev_out(void *ctx, const uint8_t *data, unsigned len)
{
	(void)ctx;
	int rc = simport_out(0x00, data, len);
	if (rc == 0 && len)
		charge_packet(len);
	return rc;
}

static int dev_in(void *ctx, uint8_t *data, unsigned maxlen, unsigned *len)
{
	(void)ctx;
	int rc = simport_in(0x80, data, maxlen, len);
	if (rc == 0 && *len)
		charge_packet(*len);
	return rc;
}

static void dev_nak(void *ctx, uint32_t streak)
{
	(void)ctx;
	if (virtual_time() && streak > NAK_CATCH_UP && !event_unseen()) {
		/* Still NAKing after the main loop caught up: the device waits
		 * for something (a flash operation). Skip to when it ends. */
		uint64_t now = vclock_now_us(), next = vclock_next_deadline_us();
		if (next > now) {
			vclock_advance_us(next - now);
			publish_time();
		}
	}
	/* The controller NAKs the host's retries by itself while the main
	 * loop works (a held reply while the device computes a CRC table):
	 * the bus time of a NAK counts only where the loop's pass was
	 * shorter. */
	struct usb_timing t = bus_timing();
	uint64_t t0 = vclock_now_us();
	run_task();
	if ((vclock_now_us() - t0) * 3000u < t.nak_bt * t.byte_ns_x3)
		charge_bytetimes(t.nak_bt);
}

/* How long the idle loop may wait for a request before the next pass of
 * the main loop. In real time the firmware must see a model deadline (the
 * end of a flash operation) when it happens, not up to a tick later: a
 * close one is spun to, a farther one bounds the wait. */
static struct timespec idle_wait(void)
{
	uint64_t wait_us = IDLE_POLL_MS * 1000u;
	if (!virtual_time() && !w.app_running) {
		uint64_t now = vclock_now_us(), next = vclock_next_deadline_us();
		if (next > now && next - now <= SPIN_MAX_US) {
			while (vclock_now_us() < next)
				;
			wait_us = 0;
		} else if (next > now && next - now < wait_us) {
			wait_us = next - now;
		}
	}
	return (struct timespec){0, (long)(wait_us * 1000u)};
}

static const struct vusb_dev_ops dev_ops = {
    .setup = dev_setup,
    .out = dev_out,
    .in = dev_in,
    .nak = dev_nak,
};

/* One pass of the firmware's main loop; busy-waits inside it may have
 * moved the device's clock (port_wait_hint). */
static void run_task(void)
{
	if (w.dead)
		return;
	w.pass_at = vclock_now_us();
	if (w.cfg->rom)
		rom_device_task();
	else
		bootloader_task();
	publish_time();
}

/* The power goes: what was being erased or programmed is torn, the state
 * files get exactly what the chips hold (crash-safe writes), the host sees
 * the device vanish, and the board stays off for the rest of the run. */
static void power_cut(void)
{
	const char *what = NULL;
	char why[96];
	if (w.dead)
		return;
	w.dead = true;
	w.cut_at = 0;
	vclock_set_alarm(0, NULL);
	(void)simport_power_cut(&what);
	uint64_t t = vclock_now_us() - w.enum_at;
	snprintf(why, sizeof(why), "%" PRIu64 ".%06" PRIu64 " s after the first enumeration: %s",
	         t / 1000000u, t % 1000000u, w.app_running ? "the application was running" : what);
	simport_save();
	w.pending = false;
	w.connected = false;
	send_event(VUSB_EV_POWER_CUT, 0, why);
}

/* First bus reset: the moment --power-cut counts from. */
static void arm_power_cut(void)
{
	if (!w.cfg->power_cut_us || w.enum_at)
		return;
	w.enum_at = vclock_now_us();
	w.cut_at = w.enum_at + w.cfg->power_cut_us;
	if (virtual_time())
		vclock_set_alarm(w.cut_at, power_cut); /* lands inside busy-waits too */
}

/* ------------------------------------------------------- lifecycle */

static void boot(void);

/* A register model saw the firmware break a hardware rule: say so (once
 * per new violation; the count is cumulative over MCU resets). */
static void check_faults(void)
{
	const char *last = NULL, *ram_last = NULL;
	unsigned ram_n = simport_ram_faults(&ram_last);
	unsigned n = simport_faults(&last) + ram_n;
	if (ram_n > w.ram_faults) {
		last = ram_last;
		w.ram_faults = ram_n;
	}
	if (n > w.faults) {
		char why[96];
		snprintf(why, sizeof(why), "%s", last ? last : "?");
		send_event(VUSB_EV_FAULT, n, why);
		w.faults = n;
	}
}

/* The application started, and what it finds (include/qdfu_app.h): the
 * external flash's memory-mapped read and, for an application in QSPI, its
 * first fetch through the window (one log line with the start). */
static void app_started_event(uint32_t vtor)
{
	static const char *const kinds[] = {"not memory-mapped", "1-1-1", "1-1-4", "1-4-4", "8-8-8",
	                                    "8D-8D-8D"};
	const struct qdfu_handoff *h = simport_app_handoff();
	char text[192];
	uint8_t first[8];
	if (!qdfu_handoff_valid(h) || h->xip >= sizeof(kinds) / sizeof(kinds[0])) {
		send_event(VUSB_EV_APP, vtor, NULL);
		return;
	}
	int n = snprintf(text, sizeof(text), "external flash %02x %02x %02x: %s", h->jedec_id[0],
	                 h->jedec_id[1], h->jedec_id[2], kinds[h->xip]);
	if (h->xip != QDFU_XIP_NONE)
		n += snprintf(text + n, sizeof(text) - (size_t)n,
		              " (0x%02x, %u-byte address%s, %u clocks before data)", h->read_opcode,
		              h->addr_bytes, h->addr4_mode ? ", chip in 4-byte mode" : "",
		              h->dummy_cycles);
	if (n < 0 || (size_t)n >= sizeof(text))
		n = 0; /* cannot happen with these fields; never write past text */
	if (simport_app_first_fetch(first))
		snprintf(text + n, sizeof(text) - (size_t)n, "; first fetch SP 0x%08x reset 0x%08x",
		         (unsigned)(first[0] | first[1] << 8 | first[2] << 16 |
		                    (uint32_t)first[3] << 24),
		         (unsigned)(first[4] | first[5] << 8 | first[6] << 16 |
		                    (uint32_t)first[7] << 24));
	send_event(VUSB_EV_APP, vtor, text);
}

/* Tell the host what changed since the last look. */
static void check_lifecycle(void)
{
	uint32_t vtor;
	if (w.cut_at && vclock_now_us() >= w.cut_at)
		power_cut(); /* real time: at the main loop's pace */
	if (w.dead)
		return;
	check_faults();
	if (!w.app_running && simport_app_started(&vtor)) {
		w.app_running = true;
		w.pending = false;
		simport_save();
		if (w.connected) {
			w.connected = false;
			send_event(VUSB_EV_DISCONNECT, 0, NULL);
		}
		app_started_event(vtor);
		return;
	}
	if (simport_take_reset_request()) {
		w.pending = false;
		simport_save();
		if (w.connected) {
			w.connected = false;
			send_event(VUSB_EV_DISCONNECT, 0, NULL);
		}
		send_event(VUSB_EV_RESET, 0, NULL);
		boot();
		return;
	}
	bool c = simport_connected() && !w.app_running;
	if (c != w.connected) {
		w.connected = c;
		w.attach_debounce = c;
		if (!c) {
			w.pending = false;
			simport_save();
		}
		send_event(c ? VUSB_EV_CONNECT : VUSB_EV_DISCONNECT, 0, NULL);
	}
}

/* The host has stopped talking (SAVE at the end of COMMAND, or QUIT): let
 * the device carry on with what it does at once, as the MCU would while
 * the host looks away: a leave just answered needs a few main-loop passes
 * to detach, reset and start the application (one pass lost that under
 * load: e2e_dwc2_*). Bounded; stops at the application or a power cut. */
#define SETTLE_PASSES 64u
static void settle(void)
{
	for (unsigned i = 0; i < SETTLE_PASSES && !w.app_running && !w.dead; i++) {
		run_task();
		check_lifecycle();
		/* in virtual time nothing else moves the clock now: a pass that
		 * waits for a chip (the commit's journal writes after a leave)
		 * must see that chip's operation end, as the MCU would */
		uint64_t now = vclock_now_us(), next = vclock_next_deadline_us();
		if (virtual_time() && next > now) {
			vclock_advance_us(next - now);
			publish_time();
		}
	}
	check_lifecycle();
}

static void note(const char *line)
{
	send_event(VUSB_EV_NOTE, 0, line);
}

/* BOOT0 high: every reset starts ST's ROM bootloader. */
static void boot_rom(void)
{
	w.app_running = false;
	port_init(w.board);
	if (rom_device_boot(w.board, w.cfg->rom_version, w.cfg->hp.uid, note) < 0)
		send_event(VUSB_EV_ERROR, 0, "no ST ROM bootloader model for this MCU");
	check_lifecycle();
}

/* The boot log line of a RAM application (boot/ram_app.h). */
static void note_ram_copy(const struct boot_decision *d)
{
	char msg[128];
	snprintf(msg, sizeof(msg), "RAM application: copied %u bytes from 0x%08x to RAM at 0x%08x",
	         (unsigned)d->ram_len, (unsigned)d->ram_src, (unsigned)d->vtor);
	send_event(VUSB_EV_NOTE, 0, msg);
}

static void boot(void)
{
	if (w.cfg->rom) {
		boot_rom();
		return;
	}
	w.app_running = false;
	port_init(w.cfg->hp.board); /* what the target's startup does first */
	bool dfu = bootloader_init(w.cfg->hp.board, w.cfg->enter);
	const struct boot_decision *d = bootloader_decision();
	if (dfu)
		send_event(VUSB_EV_STAY, 0, d && d->reason ? d->reason : "?");
	else if (d && d->ram_len)
		note_ram_copy(d);
	check_lifecycle();
}

/* ------------------------------------------------------- requests */

static void reply(uint32_t status, int32_t result, const uint8_t *in, uint32_t in_len)
{
	struct {
		struct vusb_rep h;
		uint8_t data[VUSB_MAX_DATA];
	} m;
	m.h = (struct vusb_rep){
	    .status = status, .result = result, .in_len = in_len, .naks = w.x.naks};
	if (in_len)
		memcpy(m.data, in, in_len);
	if (send(w.req_fd, &m, sizeof(m.h) + in_len, MSG_NOSIGNAL) < 0)
		perror("qdfu-sim worker: reply");
}

static void run_transfer(uint32_t budget)
{
	if (!w.pending || !w.connected) {
		w.pending = false;
		reply(VUSB_REP_NODEV, 0, NULL, 0);
		return;
	}
	if (!vusb_ctrl_run(&w.x, &dev_ops, NULL, budget ? budget : 1u)) {
		reply(VUSB_REP_PENDING, 0, NULL, 0);
		return;
	}
	struct usb_timing t = bus_timing();
	uint64_t bt = usb_ctrl_bytetimes(&t, w.x.done, w.x.packets);
	charge_bytetimes(bt > w.xfer_bt ? bt - w.xfer_bt : 0u);
	w.xfer_bt = 0;
	w.pending = false;
	uint32_t in_len = (vusb_ctrl_is_in(&w.x) && w.x.result > 0) ? (uint32_t)w.x.result : 0;
	reply(VUSB_REP_DONE, w.x.result, w.data, in_len);
	/* The main loop goes on after the status stage (the core acts on a
	 * finished request there: new address, DFU state, leave). */
	run_task();
}

static void handle_request(const uint8_t *msg, size_t len)
{
	struct vusb_req r;
	if (len < sizeof(r)) {
		reply(VUSB_REP_ERROR, 0, NULL, 0);
		return;
	}
	memcpy(&r, msg, sizeof(r));
	switch (r.type) {
	case VUSB_REQ_CTRL: {
		uint16_t wlength = (uint16_t)(r.setup[6] | (r.setup[7] << 8));
		if (r.out_len > VUSB_MAX_DATA || len != sizeof(r) + r.out_len ||
		    (!(r.setup[0] & 0x80u) && r.out_len != wlength)) {
			reply(VUSB_REP_ERROR, 0, NULL, 0);
			return;
		}
		memcpy(w.data, msg + sizeof(r), r.out_len);
		vusb_ctrl_start(&w.x, r.setup, w.data, port_usb_ep0_mps());
		w.pending = true;
		w.xfer_bt = 0;
		run_transfer(r.nak_budget);
		break;
	}
	case VUSB_REQ_CONTINUE:
		run_transfer(r.nak_budget);
		break;
	case VUSB_REQ_CANCEL:
		w.pending = false;
		reply(VUSB_REP_DONE, 0, NULL, 0);
		break;
	case VUSB_REQ_BUS_RESET:
		w.pending = false;
		arm_power_cut();
		if (!w.connected) {
			reply(VUSB_REP_NODEV, 0, NULL, 0);
			break;
		}
		/* the first reset after the device attached comes after the
		 * host's attach debounce, TATTDB >= 100 ms (USB 2.0 7.1.7.3;
		 * Linux: the connection stable for HUB_DEBOUNCE_STABLE = 100 ms,
		 * drivers/usb/core/hub.c), during which the device runs */
		if (w.attach_debounce && virtual_time())
			run_until(vclock_now_us() + TATTDB_US);
		w.attach_debounce = false;
		simport_bus_reset();
		run_task();
		/* reset signalling: 10 ms (USB 2.0 7.1.7.5) */
		if (virtual_time()) {
			vclock_advance_us(10000u);
			publish_time();
		}
		/* result: the speed the reset enumerated (1 = high) */
		reply(VUSB_REP_DONE, simport_high_speed() ? 1 : 0, NULL, 0);
		break;
	case VUSB_REQ_SAVE:
		/* let the device finish what its clock already allows (a leave
		 * due by now), report it, then save */
		settle();
		reply(VUSB_REP_DONE, simport_save(), NULL, 0);
		break;
	default:
		reply(VUSB_REP_ERROR, 0, NULL, 0);
		break;
	}
}

int vusb_worker_main(const struct vusb_worker_config *cfg, int req_fd, int ev_fd)
{
	static uint8_t msg[sizeof(struct vusb_req) + VUSB_MAX_DATA];
	memset(&w, 0, sizeof(w));
	w.cfg = cfg;
	w.req_fd = req_fd;
	w.ev_fd = ev_fd;
	prctl(PR_SET_PDEATHSIG, SIGTERM);

	/* the device's own clock starts where the shared one is */
	vclock_init(cfg->time_mode);
	/* real time: a stall of this process (a loaded host) is not time the
	 * MCU had; the main loop reads the clock at least every IDLE_POLL_MS */
	if (cfg->time_mode == VCLOCK_REAL)
		vclock_set_stall_cap_us(STALL_CAP_US);
	vclock_attach_shared(NULL); /* (the parent's attachment is inherited) */
	if (cfg->shared_clock && cfg->time_mode == VCLOCK_VIRTUAL) {
		uint64_t now = vclock_now_us(),
		         shared = __atomic_load_n(cfg->shared_clock, __ATOMIC_SEQ_CST);
		if (shared > now)
			vclock_advance_us(shared - now);
	}

	struct simport_config hp = cfg->hp;
	if (cfg->rom)
		hp.board = bootloader_flasher_board(hp.board);
	w.board = hp.board;
	int r = simport_setup(&hp);
	if (r < 0) {
		char why[96];
		snprintf(why, sizeof(why), "board setup failed (error %d)", r);
		send_event(VUSB_EV_ERROR, 0, why);
		return 1;
	}
	boot();
	publish_followed();

	for (;;) {
		struct pollfd p = {.fd = req_fd, .events = POLLIN};
		struct timespec idle = idle_wait();
		int n = ppoll(&p, 1, &idle, NULL);
		if (n < 0 && errno != EINTR)
			break;
		if (n > 0) {
			ssize_t len = recv(req_fd, msg, sizeof(msg), 0);
			if (len <= 0)
				break; /* the host went away */
			struct vusb_req h;
			if ((size_t)len >= sizeof(h)) {
				memcpy(&h, msg, sizeof(h));
				if (h.type == VUSB_REQ_QUIT) {
					/* what the MCU does before the host looks away
					 * (a leave answered just before): as SAVE */
					settle();
					reply(VUSB_REP_DONE, simport_save(), NULL, 0);
					simport_teardown();
					vtime_shm_follow(cfg->shared_clock, cfg->slot,
					                 VTIME_NOT_FOLLOWING);
					return 0;
				}
			}
			catch_up();
			handle_request(msg, (size_t)len);
		} else if (!w.app_running) {
			catch_up();
			run_task();
		}
		check_lifecycle();
		publish_followed();
	}
	vtime_shm_follow(cfg->shared_clock, cfg->slot, VTIME_NOT_FOLLOWING);
	simport_save();
	simport_teardown();
	return 0;
}
