/* SPDX-License-Identifier: MIT */
/*
 * Microsoft OS 2.0 Descriptors Specification (July 2018): the BOS platform
 * capability (section 3, "Microsoft OS 2.0 platform capability descriptor":
 * UUID D8DD60DF-4589-4CC7-9CD2-659D9E648A9F, then dwWindowsVersion,
 * wMSOSDescriptorSetTotalLength, bMS_VendorCode, bAltEnumCode), and the
 * descriptor set (section 4: each descriptor starts with wLength,
 * wDescriptorType; a registry property, type 0x04, holds wPropertyDataType,
 * wPropertyNameLength, the name, wPropertyDataLength, the data).
 */
#include "qh_msos.h"

#include <string.h>

#define BOS_TYPE         0x0F
#define DEVCAP_TYPE      0x10
#define PLATFORM_CAP     0x05
#define MSOS20_CAP_LEN   28
#define SET_REG_PROPERTY 0x04
#define REG_SZ           1
#define REG_MULTI_SZ     7

/* The UUID in the descriptor's (little-endian GUID) byte order. */
static const uint8_t msos20_uuid[16] = {0xDF, 0x60, 0xDD, 0xD8, 0x89, 0x45, 0xC7, 0x4C,
                                        0x9C, 0xD2, 0x65, 0x9D, 0x9E, 0x64, 0x8A, 0x9F};

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

int qh_bos_msos20(const uint8_t *bos, size_t len, uint8_t *vendor_code, uint16_t *set_len)
{
	size_t total, pos = 5;

	if (len < 5 || bos[0] < 5 || bos[1] != BOS_TYPE)
		return 0;
	total = le16(&bos[2]);
	if (total < len)
		len = total;
	while (pos + 3 <= len) {
		const uint8_t *c = &bos[pos];
		if (c[0] < 3 || pos + c[0] > len)
			return 0; /* malformed: stop */
		if (c[1] == DEVCAP_TYPE && c[2] == PLATFORM_CAP && c[0] >= MSOS20_CAP_LEN &&
		    memcmp(&c[4], msos20_uuid, 16) == 0) {
			*set_len = le16(&c[24]);
			*vendor_code = c[26];
			return 1;
		}
		pos += c[0];
	}
	return 0;
}

/* Does the UTF-16LE text (bytes) contain the ASCII string s? */
static int utf16_contains(const uint8_t *text, size_t bytes, const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; n && i + 2 * n <= bytes; i += 2) {
		size_t k = 0;
		while (k < n && text[i + 2 * k] == (uint8_t)s[k] && text[i + 2 * k + 1] == 0)
			k++;
		if (k == n)
			return 1;
	}
	return 0;
}

/* The data of a registry property descriptor d (length dlen), if it is text. */
static int property_has(const uint8_t *d, size_t dlen, const char *guid)
{
	uint16_t type, name_len, data_len;

	if (dlen < 10)
		return 0;
	type = le16(&d[4]);
	name_len = le16(&d[6]);
	if ((type != REG_SZ && type != REG_MULTI_SZ) || 8u + name_len + 2u > dlen)
		return 0;
	data_len = le16(&d[8 + name_len]);
	if (10u + name_len + data_len > dlen)
		return 0;
	return utf16_contains(&d[10 + name_len], data_len, guid);
}

int qh_msos20_has_guid(const uint8_t *set, size_t len, const char *guid)
{
	size_t pos = 0;

	while (pos + 4 <= len) {
		uint16_t dlen = le16(&set[pos]), type = le16(&set[pos + 2]);
		if (dlen < 4 || pos + dlen > len)
			return 0;
		/* the set, configuration subset and function subset headers carry
		 * a total length: step over the header only, into their contents */
		if (type == SET_REG_PROPERTY && property_has(&set[pos], dlen, guid))
			return 1;
		pos += dlen;
	}
	return 0;
}
