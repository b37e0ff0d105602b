/* SPDX-License-Identifier: MIT */
/*
 * Recognising qdfu by its Microsoft OS 2.0 descriptors (host/lib/qh_msos.c):
 * a BOS and a descriptor set laid out as the firmware builds them
 * (firmware/dfu/dfu_desc.c), and the ways they can be wrong.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "qdfu_proto.h"
#include "qh_msos.h"

static const uint8_t bos[] = {
    5,    0x0F, 40,   0,    2,             /* BOS: 40 bytes, two capabilities */
    7,    0x10, 0x02, 0,    0,    0,    0, /* USB 2.0 extension */
    28,   0x10, 0x05, 0,                   /* platform capability */
    0xDF, 0x60, 0xDD, 0xD8, 0x89, 0x45, 0xC7, 0x4C, 0x9C, 0xD2,
    0x65, 0x9D, 0x9E, 0x64, 0x8A, 0x9F, 0x00, 0x00, 0x03, 0x06, /* Windows 8.1 */
    0xB2, 0x00,                                                 /* set: 178 bytes */
    0x20,                                                       /* vendor code */
    0x00,
};

/* set header, compatible ID, registry property DeviceInterfaceGUIDs = guid */
static size_t build_set(uint8_t *p, const char *guid, uint16_t type)
{
	static const char name[] = "DeviceInterfaceGUIDs";
	size_t name_bytes = (sizeof(name)) * 2, data_bytes = (strlen(guid) + 2) * 2, n = 0;
	size_t prop = 10 + name_bytes + data_bytes;

	memset(p, 0, 512);
	p[0] = 10;
	p[8] = (uint8_t)(30 + prop);
	n = 10;
	p[n] = 20;
	p[n + 2] = 0x03;
	memcpy(&p[n + 4], "WINUSB", 6);
	n += 20;
	p[n] = (uint8_t)prop;
	p[n + 2] = 0x04;
	p[n + 4] = (uint8_t)type;
	p[n + 6] = (uint8_t)name_bytes;
	for (size_t i = 0; name[i]; i++)
		p[n + 8 + 2 * i] = (uint8_t)name[i];
	p[n + 8 + name_bytes] = (uint8_t)data_bytes;
	for (size_t i = 0; guid[i]; i++)
		p[n + 10 + name_bytes + 2 * i] = (uint8_t)guid[i];
	return n + prop;
}

static void test_bos(void **state)
{
	uint8_t code = 0, b[sizeof(bos)];
	uint16_t len = 0;
	(void)state;

	assert_int_equal(qh_bos_msos20(bos, sizeof(bos), &code, &len), 1);
	assert_int_equal(code, 0x20);
	assert_int_equal(len, 178);
	/* truncated, another UUID, a capability running past the end */
	assert_int_equal(qh_bos_msos20(bos, 30, &code, &len), 0);
	memcpy(b, bos, sizeof(b));
	b[16] ^= 1;
	assert_int_equal(qh_bos_msos20(b, sizeof(b), &code, &len), 0);
	memcpy(b, bos, sizeof(b));
	b[12] = 200;
	assert_int_equal(qh_bos_msos20(b, sizeof(b), &code, &len), 0);
	assert_int_equal(qh_bos_msos20(bos, 4, &code, &len), 0);
}

static void test_set(void **state)
{
	uint8_t set[512];
	size_t n;
	(void)state;

	n = build_set(set, QDFU_PROTO_INTERFACE_GUID, 7);
	assert_int_equal(qh_msos20_has_guid(set, n, QDFU_PROTO_INTERFACE_GUID), 1);
	n = build_set(set, QDFU_PROTO_INTERFACE_GUID, 1); /* REG_SZ */
	assert_int_equal(qh_msos20_has_guid(set, n, QDFU_PROTO_INTERFACE_GUID), 1);
	/* another product's GUID, a binary property, a truncated set */
	n = build_set(set, "{00000000-1111-2222-3333-444444444444}", 7);
	assert_int_equal(qh_msos20_has_guid(set, n, QDFU_PROTO_INTERFACE_GUID), 0);
	n = build_set(set, QDFU_PROTO_INTERFACE_GUID, 3);
	assert_int_equal(qh_msos20_has_guid(set, n, QDFU_PROTO_INTERFACE_GUID), 0);
	n = build_set(set, QDFU_PROTO_INTERFACE_GUID, 7);
	assert_int_equal(qh_msos20_has_guid(set, n - 10, QDFU_PROTO_INTERFACE_GUID), 0);
	assert_int_equal(qh_msos20_has_guid(set, 3, QDFU_PROTO_INTERFACE_GUID), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bos),
	    cmocka_unit_test(test_set),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
