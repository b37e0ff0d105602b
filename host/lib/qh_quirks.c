/* SPDX-License-Identifier: MIT */
/*
 * Recognising devices: a table keyed by VID/PID/bcdDevice and strings,
 * in the spirit of dfu-util's quirks.c. See facts: ST's ROM on STM32H7 is
 * 0483:DF11, bcdDevice 0x0200, product "DFU in FS Mode" (older families
 * "STM32  BOOTLOADER"), and always has an "@Option Bytes" alt.
 */
#include <stdio.h>
#include <string.h>

#include "qh_usb.h"

struct quirk {
	uint16_t vid, pid;
	uint16_t bcd;               /* 0 = any */
	const char *product_prefix; /* NULL = any */
	enum qh_kind kind;
	unsigned quirks;
};

static const struct quirk quirk_table[] = {
    {0x0483, 0xDF11, 0x0200, "DFU in FS Mode", QH_KIND_ST_ROM,
     QH_QUIRK_LEAVE_TO_POINTER | QH_QUIRK_SERIAL_NOT_UNIQUE},
    {0x0483, 0xDF11, 0, "DFU in HS Mode", QH_KIND_ST_ROM,
     QH_QUIRK_LEAVE_TO_POINTER | QH_QUIRK_SERIAL_NOT_UNIQUE},
    {0x0483, 0xDF11, 0, "STM32  BOOTLOADER", QH_KIND_ST_ROM,
     QH_QUIRK_LEAVE_TO_POINTER | QH_QUIRK_SERIAL_NOT_UNIQUE},
    {0x0483, 0xDF11, 0, "STM32 BOOTLOADER", QH_KIND_ST_ROM,
     QH_QUIRK_LEAVE_TO_POINTER | QH_QUIRK_SERIAL_NOT_UNIQUE},
};

/* Alts that are not program memory: flashing never writes them. */
static const char *const excluded_alts[] = {"Option Bytes", "OTP Memory", "Device Feature", NULL};

const char *qh_kind_name(enum qh_kind k)
{
	switch (k) {
	case QH_KIND_QDFU:
		return "qdfu bootloader";
	case QH_KIND_ST_ROM:
		return "ST ROM bootloader";
	case QH_KIND_DFUSE:
		return "DfuSe device";
	case QH_KIND_DFU:
		return "DFU 1.1 device";
	case QH_KIND_RUNTIME:
		return "DFU runtime (application)";
	}
	return "unknown";
}

int qh_may_be_qdfu(const struct qh_dev_info *info)
{
	/* Only ask devices that say they are qdfu (strings, or qdfu's interface
	 * GUID whatever the strings): an unknown vendor request is harmless by
	 * the spec but not every device firmware is. */
	return info->kind != QH_KIND_RUNTIME &&
	       (strcmp(info->manufacturer, "qdfu") == 0 || strncmp(info->product, "qdfu", 4) == 0 ||
	        info->qdfu_guid);
}

void qh_classify(struct qh_dev_info *info)
{
	int option_bytes = 0;

	for (unsigned i = 0; i < info->nalts; i++) {
		struct qh_alt *a = &info->alts[i];
		a->layout_ok = qh_layout_parse(a->name, &a->layout, NULL) == 0;
		a->excluded = 0;
		for (const char *const *x = excluded_alts; *x; x++)
			if (a->layout_ok && strcmp(a->layout.name, *x) == 0)
				a->excluded = 1;
		if (a->layout_ok && strcmp(a->layout.name, "Option Bytes") == 0)
			option_bytes = 1;
	}
	if (info->kind == QH_KIND_RUNTIME)
		return;
	if (info->has_qdfu_info || strncmp(info->product, "qdfu bootloader", 15) == 0) {
		info->kind = QH_KIND_QDFU;
		return;
	}
	for (size_t i = 0; i < sizeof(quirk_table) / sizeof(quirk_table[0]); i++) {
		const struct quirk *q = &quirk_table[i];
		if (q->vid != info->vid || q->pid != info->pid)
			continue;
		if (q->bcd && q->bcd != info->bcd_device)
			continue;
		if (q->product_prefix &&
		    strncmp(info->product, q->product_prefix, strlen(q->product_prefix)) != 0)
			continue;
		info->kind = q->kind;
		info->quirks = q->quirks;
		return;
	}
	if (info->vid == 0x0483 && info->pid == 0xDF11 && option_bytes) {
		info->kind = QH_KIND_ST_ROM;
		info->quirks = QH_QUIRK_LEAVE_TO_POINTER | QH_QUIRK_SERIAL_NOT_UNIQUE;
		return;
	}
	info->kind = info->bcd_dfu == 0x011A ? QH_KIND_DFUSE : QH_KIND_DFU;
}

int qh_parse_vidpid(const char *s, uint16_t *vid, uint16_t *pid)
{
	unsigned v, p;
	char tail;

	if (sscanf(s, "%x:%x%c", &v, &p, &tail) != 2 || v > 0xFFFF || p > 0xFFFF)
		return -1;
	*vid = (uint16_t)v;
	*pid = (uint16_t)p;
	return 0;
}
