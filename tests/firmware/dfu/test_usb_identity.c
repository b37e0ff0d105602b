// SPDX-License-Identifier: MIT
/*
 * The bootloader's USB identity (docs/decisions/usb-identity.md): the device
 * descriptor carries the board's VID:PID and the strings its manufacturer and
 * product, unless the build overrides them (QDFU_USB_* compile definitions,
 * set here by cmake/QdfuUsbIdentity.cmake as the firmware build sets them).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "boards/board.h"
#include "common/compiler.h"
#include "dfu/dfu_desc.h"

static const uint8_t uid[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
static const char *const layouts[] = {"@Internal Flash  /0x08000000/16*128Kg"};

static struct board board(void)
{
	struct board b = {
	    .name = "t", .usb_vid = 0x2341, .usb_pid = 0x035B, .usb_product = "qdfu bootloader T"};
	return b;
}

static void device_and_strings(void **state)
{
	(void)state;
	struct board b = board();
	const struct usbd_descriptors *d = dfu_desc_build(&b, uid, layouts, 1);
#ifdef QDFU_USB_VID
	assert_int_equal(qdfu_get_le16(&d->device[8]), 0x1209);
	assert_int_equal(qdfu_get_le16(&d->device[10]), 0xC0DE);
	assert_string_equal(d->strings[1], "Acme Widgets, Inc.");
	assert_string_equal(d->strings[2], "Widget [boot] 2");
#else
	assert_int_equal(qdfu_get_le16(&d->device[8]), 0x2341);
	assert_int_equal(qdfu_get_le16(&d->device[10]), 0x035B);
	assert_string_equal(d->strings[1], "qdfu"); /* no manufacturer given */
	assert_string_equal(d->strings[2], "qdfu bootloader T");
	b.usb_manufacturer = "Arduino";
	d = dfu_desc_build(&b, uid, layouts, 1);
	assert_string_equal(d->strings[1], "Arduino");
#endif
	assert_int_equal(d->device[14], 1); /* iManufacturer */
	assert_int_equal(d->device[15], 2); /* iProduct */
	/* hosts find qdfu by the MS OS 2.0 interface GUID, whatever the IDs */
	assert_non_null(d->ms_os20_set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(device_and_strings)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
