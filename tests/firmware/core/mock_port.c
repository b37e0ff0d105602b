/* SPDX-License-Identifier: MIT */
#include "mock_port.h"

#include <string.h>

#include "boards/board.h"
#include "common/err.h"
#include "sim/clock/vclock.h"
#include "sim/port/simport_internal.h"
#include "hal/port.h"
#include "mem/mem.h"
#include "qdfu_app.h"
#include "ram_qspi.h"
#include "usb/usbd.h"

struct mock_stats mock;

static struct {
	uint8_t *in_buf;
	uint16_t in_len;
	bool in_armed;
	uint8_t *out_buf;
	uint16_t out_len;
	bool out_armed;
	bool stalled;
	uint32_t noinit;
	enum port_entry board_entry;
	struct port_fault fault; /* exception 0: none recorded */
	bool button;
	void (*task)(void);
	uint64_t timeout_us; /* a host's control timeout (0: WAIT_LIMIT passes only) */
} m;

void mock_setup(const struct board *b)
{
	memset(&mock, 0, sizeof(mock));
	memset(&m, 0, sizeof(m));
	m.task = usbd_task;
	memset(mock_axi, 0xA5, sizeof(mock_axi)); /* not what any copy writes */
	mock_ram_src = mock_ram_dst = mock_ram_len = 0;
	vclock_init(VCLOCK_VIRTUAL);
	simport_iflash_setup(b, NULL);
}

void mock_restart(void)
{
	void (*task)(void) = m.task;
	memset(&mock, 0, sizeof(mock));
	memset(&m, 0, sizeof(m));
	m.task = task;
	vclock_init(VCLOCK_VIRTUAL);
}

void mock_reboot(void)
{
	void (*task)(void) = m.task;
	uint32_t noinit = m.noinit;
	uint64_t timeout = m.timeout_us;
	bool button = m.button;
	memset(&mock, 0, sizeof(mock));
	memset(&m, 0, sizeof(m));
	m.task = task;
	m.noinit = noinit;
	m.timeout_us = timeout;
	m.button = button;
}

void mock_set_timeout_ms(uint32_t ms)
{
	m.timeout_us = (uint64_t)ms * 1000u;
}

void mock_teardown(void)
{
	simport_iflash_teardown();
}

void mock_set_task(void (*task)(void))
{
	m.task = task;
}

void mock_set_button(bool held)
{
	m.button = held;
}

void mock_set_fault(const struct port_fault *f)
{
	m.fault = *f;
}

bool port_take_fault(struct port_fault *f)
{
	if (!m.fault.exception)
		return false;
	*f = m.fault;
	memset(&m.fault, 0, sizeof(m.fault));
	return true;
}

/* The host sleeps: the device keeps running meanwhile, so step the clock
 * through the models' deadlines, running the main loop at each. */
void mock_advance_ms(uint32_t ms)
{
	uint64_t target = vclock_now_us() + (uint64_t)ms * 1000u;
	for (;;) {
		if (m.task)
			m.task();
		uint64_t now = vclock_now_us(), next = vclock_next_deadline_us();
		if (now >= target)
			break;
		uint64_t step = (next > now && next < target) ? next - now : target - now;
		if (step > 1000u)
			step = 1000u; /* let multi-step operations start their next step */
		vclock_advance_us(step);
	}
}

/* ------------------------------------------------------------ port.h */

int port_init(const struct board *b)
{
	(void)b;
	return QDFU_OK;
}

uint32_t port_millis(void)
{
	return (uint32_t)(vclock_now_us() / 1000u);
}

void port_wait_hint(void)
{
	uint64_t next = vclock_next_deadline_us(), now = vclock_now_us();
	vclock_advance_us(next > now ? next - now : 1000u);
}

void port_wake_hint(uint32_t at_ms)
{
	uint64_t now_ms = vclock_now_us() / 1000u;
	int32_t ahead = (int32_t)(at_ms - (uint32_t)now_ms);
	if (ahead > 0)
		vclock_note_wake((now_ms + (uint64_t)ahead) * 1000u);
}

void port_uid(uint8_t uid[12])
{
	for (unsigned i = 0; i < 12; i++)
		uid[i] = (uint8_t)(0x10 + i);
}

uint32_t port_noinit_get(void)
{
	return m.noinit;
}

void port_noinit_set(uint32_t v)
{
	m.noinit = v;
}

enum port_entry port_board_entry_requested(const struct board *b)
{
	enum port_entry asked = b->entry != BOARD_ENTRY_NONE ? m.board_entry : PORT_ENTRY_NONE;
	m.board_entry = PORT_ENTRY_NONE; /* taken once, as on the target */
	return asked;
}

void mock_set_board_entry(int kind)
{
	m.board_entry = (enum port_entry)kind;
}

bool port_button_pressed(void)
{
	return m.button;
}

void port_led(bool on)
{
	(void)on;
}

void port_reset(void)
{
	if (ram_qspi_busy())
		ram_qspi.busy_resets++; /* a NOR erase cut by the reset */
	mock.reset_requested = true;
}

uint8_t mock_axi[MOCK_AXI_SIZE];
uint32_t mock_ram_src, mock_ram_dst, mock_ram_len;

uint8_t *port_app_ram(uint32_t dst, uint32_t src, uint32_t len)
{
	if (dst < MOCK_AXI_BASE || len > MOCK_AXI_SIZE || dst - MOCK_AXI_BASE > MOCK_AXI_SIZE - len)
		return NULL;
	mock_ram_src = src;
	mock_ram_dst = dst;
	mock_ram_len = len;
	return mock_axi + (dst - MOCK_AXI_BASE);
}

void port_start_app(uint32_t vtor)
{
	mock.app_started = true;
	mock.app_vtor = vtor;
}

struct qdfu_handoff mock_handoff;
void port_app_handoff(const struct qdfu_handoff *h)
{
	mock_handoff = *h;
}

int port_usb_init(const struct board *b)
{
	(void)b;
	return QDFU_OK;
}

void port_usb_connect(bool on)
{
	mock.connected = on;
}

void port_usb_set_address(uint8_t addr)
{
	mock.set_address_calls++;
	mock.last_address = addr;
}

int port_usb_ep0_xfer(uint8_t ep, uint8_t *buf, uint16_t len)
{
	if (ep & 0x80u) {
		m.in_buf = buf;
		m.in_len = len;
		m.in_armed = true;
		mock.in_xfers++;
		if (len == 0)
			mock.zlp_in++;
	} else {
		m.out_buf = buf;
		m.out_len = len;
		m.out_armed = true;
		mock.out_xfers++;
	}
	return QDFU_OK;
}

void port_usb_ep0_stall(void)
{
	m.stalled = true;
	mock.stalls++;
}

uint8_t port_usb_ep0_mps(void)
{
	return 64;
}

enum port_usb_speed port_usb_speed(void)
{
	return PORT_USB_SPEED_FULL;
}

bool port_usb_high_speed_capable(void)
{
	return mock.hs_capable; /* e.g. ULPI behind a full-speed hub */
}

/* ------------------------------------------------------------ host side */

static void post(uint8_t type, uint8_t ep, uint16_t len, const uint8_t *setup)
{
	struct port_usb_event ev = {type, ep, len, {0}};
	if (setup)
		memcpy(ev.setup, setup, 8);
	usbd_event_post(&ev);
}

void mock_bus_reset(void)
{
	post(PORT_USB_EV_RESET, 0, 0, NULL);
	m.task();
}

/* Run the main loop until cond holds or the device stalls; each pass
 * without progress is a NAK and lets virtual time jump to the next model
 * deadline (or 1 ms). */
#define WAIT_LIMIT 200000u
static int wait_for(bool *cond)
{
	uint64_t give_up = m.timeout_us ? vclock_now_us() + m.timeout_us : UINT64_MAX;
	for (uint32_t i = 0; i < WAIT_LIMIT && vclock_now_us() <= give_up; i++) {
		m.task();
		if (m.stalled)
			return MOCK_EPIPE;
		if (*cond)
			return 0;
		mock.naks++;
		uint64_t next = vclock_next_deadline_us();
		uint64_t now = vclock_now_us();
		vclock_advance_us(next > now ? next - now : 1000u);
	}
	return MOCK_ETIMEDOUT;
}

int mock_control(uint8_t bmRequestType, uint8_t bRequest, uint16_t wValue, uint16_t wIndex,
                 uint16_t wLength, uint8_t *data)
{
	uint8_t setup[8] = {bmRequestType,    bRequest,
	                    (uint8_t)wValue,  (uint8_t)(wValue >> 8),
	                    (uint8_t)wIndex,  (uint8_t)(wIndex >> 8),
	                    (uint8_t)wLength, (uint8_t)(wLength >> 8)};
	int rc, got = 0;
	m.in_armed = m.out_armed = m.stalled = false;
	post(PORT_USB_EV_SETUP, 0, 0, setup);
	if (wLength && (bmRequestType & 0x80u)) {
		/* IN data stage: packets until a short one or wLength bytes */
		for (;;) {
			if ((rc = wait_for(&m.in_armed)))
				return rc;
			m.in_armed = false;
			uint16_t n = m.in_len;
			if (got + n > wLength)
				return MOCK_EPIPE; /* babble: device sent too much */
			if (n)
				memcpy(data + got, m.in_buf, n);
			got += n;
			post(PORT_USB_EV_XFER_DONE, 0x80, n, NULL);
			if (got == wLength || n == 0 || n % 64u)
				break;
		}
		if ((rc = wait_for(&m.out_armed)))
			return rc;
		m.out_armed = false;
		post(PORT_USB_EV_XFER_DONE, 0x00, 0, NULL);
		m.task();
		return got;
	}
	if (wLength) {
		if ((rc = wait_for(&m.out_armed)))
			return rc;
		m.out_armed = false;
		uint16_t n = wLength < m.out_len ? wLength : m.out_len;
		memcpy(m.out_buf, data, n);
		post(PORT_USB_EV_XFER_DONE, 0x00, n, NULL);
		got = n;
	}
	if ((rc = wait_for(&m.in_armed)))
		return rc;
	m.in_armed = false;
	post(PORT_USB_EV_XFER_DONE, 0x80, 0, NULL);
	m.task();
	return got;
}

/* The core's tests take the table CRC; the CRC unit's driver has its own
 * test (tests/port_stm32h7/crc). */
uint32_t port_crc32_update(uint32_t crc, const void *data, uint32_t len)
{
	return mem_crc32_update(crc, data, len);
}
