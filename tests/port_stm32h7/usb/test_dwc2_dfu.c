/* SPDX-License-Identifier: MIT */
/*
 * A whole DfuSe session through the DWC2 driver path: the real bootloader
 * (USB core, DfuSe class, memory engine, internal flash region) over
 * port/stm32h7's DWC2 driver on the register model, driven by the virtual
 * host like dfu-util would: enumerate, select alt 0, erase, download in
 * 4 KiB blocks (64 packets each at full speed), read back with UPLOAD,
 * compare with the flash model's content; full and high speed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bootloader/bootloader.h"
#include "common/compiler.h"
#include "common/err.h"
#include "sim/clock/vclock.h"
#include "dfu/dfu.h"
#include "h7_harness.h"
#include "sim/h7/h7_iflash.h"
#include "sim/h7/h7_sys_model.h"
#include "sim/port/simport_internal.h"
#include "hal/port.h"

extern const struct board board_stm32h745i_disco;
extern const struct board board_stm32h747i_disco;

#define APP_BASE 0x08020000u

static int ctrl(uint8_t type, uint8_t req, uint16_t value, uint16_t index, uint16_t len,
                uint8_t *data)
{
	uint8_t pkt[8];
	vhost_setup_pkt(pkt, type, req, value, index, len);
	return vhost_control(&h7h.host, pkt, data);
}

static int boot_board(const struct board *b, bool hs)
{
	if (h7h_setup(b, bootloader_task))
		return -1;
	if (simport_iflash_setup(b, NULL))
		return -1;
	if (port_init(b))
		return -1;
	if (!bootloader_init(b, BOOTLOADER_ENTER_DFU))
		return -1;
	if (vhost_reset(&h7h.host, hs))
		return -1;
	return 0;
}

static int setup_fs(void **state)
{
	(void)state;
	return boot_board(&board_stm32h745i_disco, false);
}

static int setup_hs(void **state)
{
	(void)state;
	return boot_board(&board_stm32h747i_disco, true);
}

static int teardown(void **state)
{
	(void)state;
	simport_iflash_teardown();
	h7h_teardown();
	return 0;
}

static void check_clean(void)
{
	if (dwc2m_errors(h7h.m))
		fail_msg("DWC2 model: %s", dwc2m_last_error(h7h.m));
	assert_int_equal(h7h.irq_stuck, 0);
}

static void enumerate(void)
{
	uint8_t d[512];
	assert_int_equal(ctrl(0x80, 6, 0x0100, 0, 64, d), 18);
	assert_int_equal(d[1], 1);
	assert_int_equal(qdfu_get_le16(&d[8]), h7h.b->usb_vid);
	assert_int_equal(qdfu_get_le16(&d[10]), h7h.b->usb_pid);
	assert_int_equal(ctrl(0x00, 5, 11, 0, 0, NULL), 0);
	assert_int_equal(ctrl(0x80, 6, 0x0200, 0, 9, d), 9);
	uint16_t total = qdfu_get_le16(&d[2]);
	assert_true(total > 9 && total <= sizeof(d));
	assert_int_equal(ctrl(0x80, 6, 0x0200, 0, total, d), total);
	assert_int_equal(ctrl(0x00, 9, 1, 0, 0, NULL), 0);
	assert_int_equal(ctrl(0x01, 11, 0, 0, 0, NULL), 0); /* SET_INTERFACE alt 0 */
}

/* GETSTATUS, waiting bwPollTimeout in virtual time while busy. */
static int status_until_idle(uint8_t want_state)
{
	uint8_t st[6];
	for (unsigned i = 0; i < 2000; i++) {
		int rc = ctrl(0xA1, DFU_REQ_GETSTATUS, 0, 0, 6, st);
		if (rc != 6)
			return rc < 0 ? rc : -100;
		if (st[0] != 0)
			return -200 - st[0];
		if (st[4] == want_state)
			return 0;
		uint32_t poll = (uint32_t)st[1] | (uint32_t)st[2] << 8 | (uint32_t)st[3] << 16;
		vclock_advance_us((uint64_t)(poll ? poll : 1) * 1000u);
		h7h_service(NULL);
	}
	return -300;
}

static int dfuse_cmd(uint8_t cmd, uint32_t addr)
{
	uint8_t c[5] = {cmd};
	qdfu_put_le32(&c[1], addr);
	int rc = ctrl(0x21, DFU_REQ_DNLOAD, 0, 0, 5, c);
	if (rc != 5)
		return rc < 0 ? rc : -1;
	return status_until_idle(DFU_STATE_DNLOAD_IDLE);
}

static void session(uint32_t len)
{
	static uint8_t image[3 * DFU_TRANSFER_SIZE + 100];
	static uint8_t back[sizeof(image)];
	assert_true(len <= sizeof(image));
	for (uint32_t i = 0; i < len; i++)
		image[i] = (uint8_t)(i * 131u + (i >> 8));
	qdfu_put_le32(image, 0x24080000u); /* plausible vector table */
	qdfu_put_le32(image + 4, APP_BASE + 0x201u);

	enumerate();
	assert_int_equal(dfuse_cmd(DFUSE_CMD_ERASE, APP_BASE), 0);
	for (uint32_t off = 0; off < len; off += DFU_TRANSFER_SIZE) {
		uint16_t n = (uint16_t)QDFU_MIN(DFU_TRANSFER_SIZE, len - off);
		assert_int_equal(dfuse_cmd(DFUSE_CMD_SET_ADDRESS, APP_BASE + off), 0);
		assert_int_equal(ctrl(0x21, DFU_REQ_DNLOAD, 2, 0, n, image + off), n);
		assert_int_equal(status_until_idle(DFU_STATE_DNLOAD_IDLE), 0);
	}
	assert_int_equal(ctrl(0x21, DFU_REQ_ABORT, 0, 0, 0, NULL), 0);

	/* The flash model holds the image. */
	memset(back, 0, sizeof(back));
	assert_int_equal(port_iflash_read(APP_BASE, back, len), QDFU_OK);
	assert_memory_equal(back, image, len);

	/* Read back over USB. */
	memset(back, 0, sizeof(back));
	assert_int_equal(dfuse_cmd(DFUSE_CMD_SET_ADDRESS, APP_BASE), 0);
	assert_int_equal(ctrl(0x21, DFU_REQ_ABORT, 0, 0, 0, NULL), 0);
	for (uint32_t off = 0, blk = 2; off < len; off += DFU_TRANSFER_SIZE, blk++) {
		uint16_t n = (uint16_t)QDFU_MIN(DFU_TRANSFER_SIZE, len - off);
		assert_int_equal(ctrl(0xA1, DFU_REQ_UPLOAD, (uint16_t)blk, 0, n, back + off), n);
	}
	assert_int_equal(ctrl(0x21, DFU_REQ_ABORT, 0, 0, 0, NULL), 0);
	assert_memory_equal(back, image, len);
	check_clean();
}

static void test_dfuse_full_speed(void **state)
{
	(void)state;
	assert_int_equal(port_usb_speed(), PORT_USB_SPEED_FULL);
	session(2 * DFU_TRANSFER_SIZE + 100);
}

static void test_dfuse_high_speed(void **state)
{
	(void)state;
	assert_int_equal(port_usb_speed(), PORT_USB_SPEED_HIGH);
	/* A high-speed device answers DEVICE_QUALIFIER (USB 2.0 9.6.2). */
	uint8_t q[10];
	assert_int_equal(ctrl(0x80, 6, 0x0600, 0, 10, q), 10);
	assert_int_equal(q[1], 6);
	session(3 * DFU_TRANSFER_SIZE);
}

static void test_full_speed_stalls_qualifier(void **state)
{
	(void)state;
	uint8_t q[10];
	assert_int_equal(ctrl(0x80, 6, 0x0600, 0, 10, q), VHOST_E_STALL);
	/* and the pipe works again after the stall */
	enumerate();
	check_clean();
}

/* The ecosystems' own way into the bootloader, played on the port's real
 * code and the models: what the running application leaves behind (it
 * cannot run here), then the reset, then the bootloader's decision and
 * enumeration with the board's IDs. Arduino (GIGA R1): ArduinoCore-mbed has
 * no DFU runtime interface (cores/arduino/USB: USBCDC, USBSerial,
 * PluggableUSBDevice; no class FE descriptor anywhere in its history); the
 * IDE asks through the 1200 bps touch (boards.txt
 * giga.upload.use_1200bps_touch=true), whose handler
 * (variants/GIGA/variant.cpp _ontouch1200bps_) writes 0xDF59 to RTC_BKP0R
 * and resets (SYSRESETREQ: SFT1RSTF and PINRSTF). libDaisy (Daisy Seed):
 * System::ResetToBootloader writes BootInfo.status and resets the same way. */
extern const struct board board_giga_r1;
extern const struct board board_daisy_seed;

static bool boot_after(const struct board *b, uint32_t rsr, uint32_t bkp0r, uint32_t daisy_status)
{
	struct h7_sys_config cfg = {
	    .wired = b->hw.supply, .rcc_rsr = rsr, .rtc_bkp0r = bkp0r, .bkpsram = {daisy_status}};
	h7h_teardown();
	simport_iflash_teardown();
	assert_int_equal(h7h_setup_ex(b, bootloader_task, &cfg), 0);
	assert_int_equal(simport_iflash_setup(b, NULL), 0);
	/* a committed application in internal flash: its vector table at the
	 * board's address (no QSPI model here: none for the Daisy Seed) */
	uint32_t off = b->default_app_base - 0x08000000u;
	if (off < h7_iflash_size(simport_iflash_model())) {
		uint8_t *mem = h7_iflash_array(simport_iflash_model());
		qdfu_put_le32(mem + off, 0x24080000u);
		qdfu_put_le32(mem + off + 4u, b->default_app_base + 0x201u);
	}
	assert_int_equal(port_init(b), QDFU_OK);
	h7h_app_started = false;
	bool dfu = bootloader_init(b, BOOTLOADER_ENTER_AUTO);
	assert_int_equal(h7_sys_model_stats()->errors, 0);
	if (dfu) {
		assert_int_equal(vhost_reset(&h7h.host, false), 0);
		enumerate(); /* with the board's own VID:PID */
		check_clean();
	}
	return dfu;
}

#define PINRSTF  (1u << 22)
#define PORRSTF  (1u << 23)
#define SFT1RSTF (1u << 24)

static void test_arduino_touch_then_qdfu_enumerates(void **state)
{
	(void)state;
	assert_false(
	    boot_after(&board_giga_r1, PORRSTF | PINRSTF, 0, 0)); /* power-on: the sketch */
	assert_int_equal(h7h_app_vtor, board_giga_r1.default_app_base);
	assert_true(boot_after(&board_giga_r1, PINRSTF | SFT1RSTF, 0xDF59u, 0));
	assert_int_equal(h7h.b->usb_vid, 0x2341);
	assert_int_equal(h7_sys_model_rtc_bkp0r(), 0); /* taken once */
}

static void test_daisy_reset_to_bootloader_then_qdfu_enumerates(void **state)
{
	(void)state;
	/* DAISY_INFINITE_TIMEOUT: qdfu comes up (the mode decoding on the
	 * backup SRAM model: test_h7_system; the grace window: the core's
	 * test_commit; the application lives in QSPI, not modelled here) */
	assert_true(boot_after(&board_daisy_seed, PINRSTF | SFT1RSTF, 0, 0xB0074EFAu));
	assert_int_equal(h7_sys_model_bkpsram(0), 0);
	assert_int_equal(h7_sys_model_bkpsram(8), 3u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_dfuse_full_speed, setup_fs, teardown),
	    cmocka_unit_test_setup_teardown(test_dfuse_high_speed, setup_hs, teardown),
	    cmocka_unit_test_setup_teardown(test_full_speed_stalls_qualifier, setup_fs, teardown),
	    cmocka_unit_test_teardown(test_arduino_touch_then_qdfu_enumerates, teardown),
	    cmocka_unit_test_teardown(test_daisy_reset_to_bootloader_then_qdfu_enumerates,
	                              teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
