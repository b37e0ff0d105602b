// SPDX-License-Identifier: MIT
/*
 * The web flasher's WebAssembly interface (docs/web.md): libqdfu's own C
 * code (file parsers, memory map check, flash plan, DFU/DfuSe operations,
 * ST ROM zero install) behind a few exported functions. Only the USB
 * transport is JavaScript (web/qdfu-usb.js, WebUSB): it comes in through
 * the js_* imports below. The transfers are asynchronous in the browser;
 * the page wraps the imports in WebAssembly.Suspending and the operations
 * in WebAssembly.promising (JavaScript Promise Integration), so this code
 * stays the synchronous code the command line runs.
 *
 * One device and one image at a time (the page's state); every string
 * returned points into a static buffer valid until the next call.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qh_desc.h"
#include "qh_dfu.h"
#include "qh_formats.h"
#include "qh_memmap.h"
#include "qh_msos.h"
#include "qh_ops.h"
#include "qh_rom.h"
#include "qh_usb.h"

#define EXPORT(name) __attribute__((export_name(#name), used))
#define IMPORT(name) __attribute__((import_module("env"), import_name(#name)))

/* The WebUSB transport (web/qdfu-usb.js). control: bytes transferred or a
 * negative QH_E_* code; the others 0 or a QH_E_* code. */
IMPORT(js_control)
int js_control(int type, int req, int value, int index, uint8_t *data, int len, int timeout_ms);
IMPORT(js_set_alt) int js_set_alt(int intf, int alt);
IMPORT(js_reset) int js_reset(void);
IMPORT(js_sleep_ms) void js_sleep_ms(int ms);
IMPORT(js_now_ms) double js_now_ms(void);
IMPORT(js_progress) void js_progress(const char *phase, double done, double total);

/* USB 2.0 9.4.3 GET_DESCRIPTOR; descriptor types of table 9-5; DFU 1.1 4.2. */
#define REQ_GET_DESCRIPTOR 0x06
#define DT_DEVICE          0x01
#define DT_CONFIG          0x02
#define DT_STRING          0x03
#define DT_INTERFACE       0x04
#define DT_BOS             0x0F
#define DT_DFU_FUNC        0x21
#define LANG_EN_US         0x0409

static struct qh_dev dev;
static struct qh_memmap map;
static struct qh_plan plan;
static int have_plan;
static struct qh_error err;
static char out[16384];

static int t_control(void *ctx, uint8_t type, uint8_t req, uint16_t value, uint16_t index,
                     uint8_t *data, uint16_t len, unsigned timeout_ms)
{
	(void)ctx;
	return js_control(type, req, value, index, data, len, (int)timeout_ms);
}

static int t_set_alt(void *ctx, uint8_t intf, uint8_t alt)
{
	(void)ctx;
	return js_set_alt(intf, alt);
}

static int t_reset(void *ctx)
{
	(void)ctx;
	return js_reset();
}

static void t_sleep_ms(void *ctx, unsigned ms)
{
	(void)ctx;
	js_sleep_ms((int)ms);
}

static uint64_t t_now_ms(void *ctx)
{
	(void)ctx;
	return (uint64_t)js_now_ms();
}

static const struct qh_transport_ops web_ops = {
    .control = t_control,
    .set_alt = t_set_alt,
    .reset = t_reset,
    .sleep_ms = t_sleep_ms,
    .now_ms = t_now_ms,
};

static void progress(void *ud, const char *phase, uint64_t done, uint64_t total)
{
	(void)ud;
	js_progress(phase, (double)done, (double)total);
}

/* ------------------------------------------------------------ memory */

EXPORT(qw_malloc) void *qw_malloc(size_t n)
{
	return malloc(n ? n : 1);
}

EXPORT(qw_free) void qw_free(void *p)
{
	free(p);
}

/* ------------------------------------------------------------ errors */

EXPORT(qw_err_msg) const char *qw_err_msg(void)
{
	return err.msg;
}

EXPORT(qw_err_hint) const char *qw_err_hint(void)
{
	return err.hint[0] ? err.hint
	                   : (qh_default_hint(err.code) ? qh_default_hint(err.code) : "");
}

EXPORT(qw_err_id) const char *qw_err_id(int code)
{
	return qh_err_id(code);
}

/* ------------------------------------------------------------ images */

EXPORT(qw_image_new) struct qh_image *qw_image_new(void)
{
	struct qh_image *img = malloc(sizeof(*img));
	if (img)
		qh_image_init(img);
	return img;
}

EXPORT(qw_image_free) void qw_image_free(struct qh_image *img)
{
	if (!img)
		return;
	qh_image_free(img);
	free(img);
}

/* Add a file's contents (name: its file name, which picks the format as
 * on the command line; has_addr/addr: a raw binary's address). */
EXPORT(qw_image_load)
int qw_image_load(struct qh_image *img, const char *name, const uint8_t *buf, size_t len,
                  int has_addr, uint32_t addr)
{
	struct qh_file_info fi = {0};
	qh_error_clear(&err);
	return qh_load_buffer(name, has_addr, addr, buf, len, QH_FMT_AUTO, img, &fi, &err);
}

/* The image as JSON: {"bytes":N,"segments":[[addr,len],...],"entry":A|null}. */
EXPORT(qw_image_json) const char *qw_image_json(const struct qh_image *img)
{
	size_t k = 0;
	k += (size_t)snprintf(out + k, sizeof(out) - k, "{\"bytes\":%llu,\"segments\":[",
	                      (unsigned long long)qh_image_bytes(img));
	for (size_t i = 0; i < img->n && k < sizeof(out) - 64; i++)
		k += (size_t)snprintf(out + k, sizeof(out) - k, "%s[%u,%u]", i ? "," : "",
		                      (unsigned)img->seg[i].addr, (unsigned)img->seg[i].len);
	if (img->has_entry)
		snprintf(out + k, sizeof(out) - k, "],\"entry\":%u}", (unsigned)img->entry);
	else
		snprintf(out + k, sizeof(out) - k, "],\"entry\":null}");
	return out;
}

/* ----------------------------------------------------- the device */

/* A string descriptor (USB 2.0 9.6.7) as ASCII ('?' outside it). */
static void read_string(uint8_t idx, char *s, size_t cap)
{
	uint8_t buf[255];
	int n;
	size_t k = 0;

	s[0] = 0;
	if (!idx)
		return;
	n = dev.ops->control(NULL, 0x80, REQ_GET_DESCRIPTOR, (uint16_t)(DT_STRING << 8 | idx),
	                     LANG_EN_US, buf, sizeof(buf), 1000);
	if (n < 2 || buf[1] != DT_STRING)
		return;
	if (n > buf[0])
		n = buf[0];
	for (int i = 2; i + 1 < n && k + 1 < cap; i += 2)
		s[k++] = buf[i + 1] || buf[i] > 0x7E ? '?' : (char)buf[i];
	s[k] = 0;
}

static void func_desc(const uint8_t *d, struct qh_dev_info *info)
{
	info->attrs = d[2];
	info->detach_timeout = (uint16_t)(d[3] | d[4] << 8);
	info->transfer_size = (uint16_t)(d[5] | d[6] << 8);
	info->bcd_dfu = d[0] >= 9 ? (uint16_t)(d[7] | d[8] << 8) : 0x0100;
}

/* The configuration's first DFU interface (class 0xFE, subclass 1), its
 * alternate settings and the functional descriptor, as qh_usb.c reads them
 * from libusb. istr: each alt's iInterface. Returns 1 if found. */
static int parse_config(const uint8_t *c, size_t len, struct qh_dev_info *info, uint8_t istr[])
{
	int found = 0, have_func = 0, in_dfu = 0;

	for (size_t i = 0; i + 2 <= len && c[i] >= 2 && i + c[i] <= len; i += c[i]) {
		const uint8_t *d = c + i;
		if (d[1] == DT_INTERFACE && d[0] >= 9) {
			in_dfu = d[5] == 0xFE && d[6] == 0x01 && (!found || d[2] == info->intf);
			if (!in_dfu)
				continue;
			if (!found) {
				found = 1;
				info->intf = d[2];
				info->kind = d[7] == 1 ? QH_KIND_RUNTIME : QH_KIND_DFU;
			}
			if (info->nalts < QH_MAX_ALTS) {
				info->alts[info->nalts].alt = d[3];
				istr[info->nalts++] = d[8];
			}
		} else if (d[1] == DT_DFU_FUNC && d[0] >= 7 && in_dfu && !have_func) {
			func_desc(d, info);
			have_func = 1;
		}
	}
	return found;
}

/* qdfu's interface GUID in the Microsoft OS 2.0 descriptor set, as
 * qh_usb.c has_qdfu_guid() asks for it. */
static int has_qdfu_guid(uint16_t bcd_usb)
{
	static uint8_t bos[256], set[1024];
	uint8_t code = 0;
	uint16_t set_len = 0;
	int n;

	if (bcd_usb < 0x0201)
		return 0;
	n = dev.ops->control(NULL, 0x80, REQ_GET_DESCRIPTOR, DT_BOS << 8, 0, bos, sizeof(bos),
	                     1000);
	if (n <= 0 || !qh_bos_msos20(bos, (size_t)n, &code, &set_len) || set_len == 0)
		return 0;
	if (set_len > sizeof(set))
		set_len = sizeof(set);
	n = dev.ops->control(NULL, 0xC0, code, 0, 7, set, set_len, 1000);
	return n > 0 && qh_msos20_has_guid(set, (size_t)n, QDFU_PROTO_INTERFACE_GUID);
}

static int describe(struct qh_dev_info *info)
{
	static uint8_t dd[18], cfg[1024];
	uint8_t istr[QH_MAX_ALTS] = {0};
	int n = dev.ops->control(NULL, 0x80, REQ_GET_DESCRIPTOR, DT_DEVICE << 8, 0, dd, 18, 1000);

	if (n < 18)
		return qh_fail(&err, n < 0 ? n : QH_E_USB, "cannot read the device descriptor");
	info->vid = (uint16_t)(dd[8] | dd[9] << 8);
	info->pid = (uint16_t)(dd[10] | dd[11] << 8);
	info->bcd_device = (uint16_t)(dd[12] | dd[13] << 8);
	n = dev.ops->control(NULL, 0x80, REQ_GET_DESCRIPTOR, DT_CONFIG << 8, 0, cfg, sizeof(cfg),
	                     1000);
	if (n < 9 || !parse_config(cfg, (size_t)n, info, istr))
		return qh_fail(&err, QH_E_UNSUPPORTED,
		               "%04x:%04x has no DFU interface: it is not a bootloader", info->vid,
		               info->pid);
	read_string(dd[14], info->manufacturer, sizeof(info->manufacturer));
	read_string(dd[15], info->product, sizeof(info->product));
	read_string(dd[16], info->serial, sizeof(info->serial));
	for (unsigned i = 0; i < info->nalts; i++)
		read_string(istr[i], info->alts[i].name, sizeof(info->alts[i].name));
	if (info->kind != QH_KIND_RUNTIME)
		info->qdfu_guid = has_qdfu_guid((uint16_t)(dd[2] | dd[3] << 8));
	return QH_OK;
}

/* Read the device's descriptors (the JavaScript side has opened it and
 * claimed interface 0), ask qdfu devices for INFO, classify it and build
 * its memory map. */
EXPORT(qw_open) int qw_open(void)
{
	struct qh_dev_info *info = &dev.info;
	int rc;

	qh_error_clear(&err);
	if (have_plan)
		qh_plan_free(&plan);
	have_plan = 0;
	memset(&dev, 0, sizeof(dev));
	qh_dev_defaults(&dev);
	dev.ops = &web_ops;
	dev.progress = progress;
	rc = describe(info);
	if (rc)
		return rc;
	if (qh_may_be_qdfu(info) && qh_qdfu_info(&dev, &info->qdfu, NULL) == 0)
		info->has_qdfu_info = 1;
	qh_classify(info);
	if (info->kind == QH_KIND_RUNTIME)
		return qh_fail(&err, QH_E_UNSUPPORTED,
		               "%s is an application, not a bootloader: start its bootloader (hold "
		               "the DFU/BOOT0 button while resetting) and connect again",
		               info->product);
	memset(&map, 0, sizeof(map));
	return qh_dev_memmap(info, &map, &err);
}

static void json_str(size_t *k, const char *s)
{
	*k += (size_t)snprintf(out + *k, sizeof(out) - *k, "\"");
	for (; *s && *k < sizeof(out) - 8; s++) {
		if (*s == '"' || *s == '\\')
			out[(*k)++] = '\\';
		out[(*k)++] = (unsigned char)*s < 0x20 ? ' ' : *s;
	}
	*k += (size_t)snprintf(out + *k, sizeof(out) - *k, "\"");
}

static void json_region(size_t *k, const struct qh_region *r)
{
	char size[32];
	qh_size_str(r->zone.size, size, sizeof(size));
	*k += (size_t)snprintf(out + *k, sizeof(out) - *k, "{\"alt\":%u,\"name\":", r->alt);
	json_str(k, r->name);
	*k += (size_t)snprintf(out + *k, sizeof(out) - *k,
	                       ",\"base\":%u,\"size\":%llu,\"size_text\":\"%s\",\"excluded\":%d,"
	                       "\"groups\":[",
	                       (unsigned)r->zone.base, (unsigned long long)r->zone.size, size,
	                       r->excluded);
	for (unsigned g = 0; g < r->zone.ngroups; g++)
		*k += (size_t)snprintf(out + *k, sizeof(out) - *k, "%s[%u,%u,\"%s\"]", g ? "," : "",
		                       (unsigned)r->zone.g[g].count, (unsigned)r->zone.g[g].size,
		                       qh_attr_str(r->zone.g[g].attr));
	*k += (size_t)snprintf(out + *k, sizeof(out) - *k, "]}");
}

/* The open device as JSON: identity, kind, INFO, alts and memory map. */
EXPORT(qw_dev_json) const char *qw_dev_json(void)
{
	const struct qh_dev_info *i = &dev.info;
	size_t k = 0;

	k += (size_t)snprintf(out, sizeof(out),
	                      "{\"vid\":%u,\"pid\":%u,\"bcd_device\":%u,\"kind\":\"%s\","
	                      "\"kind_id\":%d,\"transfer_size\":%u,\"has_info\":%d,\"caps\":%u,"
	                      "\"fw_version\":%u,\"why\":%u,\"crc\":%d,\"manufacturer\":",
	                      i->vid, i->pid, i->bcd_device, qh_kind_name(i->kind), (int)i->kind,
	                      qh_dev_xfer_size(i), i->has_qdfu_info, i->qdfu.caps,
	                      i->qdfu.fw_version, i->qdfu.why, qh_dev_has_crc(i));
	json_str(&k, i->manufacturer);
	k += (size_t)snprintf(out + k, sizeof(out) - k, ",\"product\":");
	json_str(&k, i->product);
	k += (size_t)snprintf(out + k, sizeof(out) - k, ",\"serial\":");
	json_str(&k, i->serial);
	k += (size_t)snprintf(out + k, sizeof(out) - k, ",\"alts\":[");
	for (unsigned a = 0; a < i->nalts; a++) {
		k += (size_t)snprintf(out + k, sizeof(out) - k, "%s", a ? "," : "");
		json_str(&k, i->alts[a].name);
	}
	k += (size_t)snprintf(out + k, sizeof(out) - k, "],\"regions\":[");
	for (unsigned r = 0; r < map.n; r++) {
		k += (size_t)snprintf(out + k, sizeof(out) - k, "%s", r ? "," : "");
		json_region(&k, &map.r[r]);
	}
	snprintf(out + k, sizeof(out) - k, "]}");
	return out;
}

/* A memory map from layout strings without a device (the unit test, a
 * check before connecting): clear it, then add one alt at a time. */
EXPORT(qw_map_clear) void qw_map_clear(void)
{
	memset(&map, 0, sizeof(map));
}

EXPORT(qw_map_add) int qw_map_add(int alt, const char *layout)
{
	struct qh_layout l;
	int rc;

	qh_error_clear(&err);
	rc = qh_layout_parse(layout, &l, &err);
	return rc ? rc : qh_memmap_add(&map, (uint8_t)alt, &l, 0, &err);
}

/* ---------------------------------------------- check, flash, verify */

/* Check the whole image against the device's memory map (nothing is sent
 * to the device) and keep the plan for qw_flash. */
EXPORT(qw_check) int qw_check(const struct qh_image *img)
{
	qh_error_clear(&err);
	if (have_plan)
		qh_plan_free(&plan);
	have_plan = 0;
	int rc = qh_plan_build(&map, img, &plan, &err);
	have_plan = rc == 0;
	return rc;
}

/* The checked plan as JSON: bytes, pages to erase, chunks per region. */
EXPORT(qw_plan_json) const char *qw_plan_json(void)
{
	size_t k = 0;
	if (!have_plan)
		return "null";
	k += (size_t)snprintf(out, sizeof(out),
	                      "{\"bytes\":%llu,\"erase_bytes\":%llu,\"pages\":%u,"
	                      "\"partial_pages\":%u,\"chunks\":[",
	                      (unsigned long long)plan.bytes, (unsigned long long)plan.erase_bytes,
	                      (unsigned)plan.npage, (unsigned)plan.partial_pages);
	for (size_t c = 0; c < plan.nchunk && k < sizeof(out) - 200; c++) {
		k += (size_t)snprintf(out + k, sizeof(out) - k, "%s{\"region\":", c ? "," : "");
		json_str(&k, map.r[plan.chunk[c].region].name);
		k += (size_t)snprintf(out + k, sizeof(out) - k, ",\"addr\":%u,\"len\":%u}",
		                      (unsigned)plan.chunk[c].addr, (unsigned)plan.chunk[c].len);
	}
	snprintf(out + k, sizeof(out) - k, "]}");
	return out;
}

/* Erase and write the checked plan (skipping pages the device CRC shows
 * unchanged), verify it (device CRC when offered, else read-back) and,
 * with start, leave DFU so the application starts; as `qdfu flash`. */
EXPORT(qw_flash) int qw_flash(int start)
{
	int rc;

	qh_error_clear(&err);
	if (!have_plan)
		return qh_fail(&err, QH_E_USAGE,
		               "no checked image: check it against the device first");
	rc = qh_op_program(&dev, &map, &plan, &err);
	if (rc == 0)
		rc = qh_op_verify(&dev, &map, &plan, -1, &err);
	if (rc == 0 && start) {
		/* ST's ROM jumps to the address pointer: the image's lowest address
		 * (its vector table); qdfu boots what it validated (cli_cmds.c). */
		uint32_t at = plan.nchunk ? plan.chunk[0].addr : map.r[0].zone.base;
		rc = qh_op_leave(&dev, &map, at, &err);
	}
	return rc;
}

/* What the last qw_flash did, as JSON. */
EXPORT(qw_result_json) const char *qw_result_json(void)
{
	snprintf(out, sizeof(out),
	         "{\"pages_unchanged\":%u,\"pages_already_erased\":%u,\"pages_erased\":%u,"
	         "\"bytes_written\":%llu,\"recommit_only\":%d}",
	         (unsigned)dev.pages_unchanged, (unsigned)dev.pages_already_erased,
	         (unsigned)dev.pages_erased, (unsigned long long)dev.bytes_written,
	         dev.recommit_only);
	return out;
}

/* ------------------------------------------- zero install (ST's ROM) */

/* The open device is ST's ROM DFU bootloader: identify it, check the
 * flasher image (for board, when not empty) and the image against it, then
 * load the flasher into RAM and start it (docs/zero-install.md). Nothing
 * is written when a check fails. The flasher then enumerates as a new
 * device: the page opens it and calls qw_open, qw_check, qw_flash. */
EXPORT(qw_rom_start)
int qw_rom_start(const uint8_t *flasher, size_t len, const char *board, const struct qh_image *img)
{
	struct qh_rom_info ri;
	struct qh_flasher f;
	int rc;

	qh_error_clear(&err);
	if (dev.info.kind != QH_KIND_ST_ROM)
		return qh_fail(&err, QH_E_USAGE, "this device is not ST's ROM DFU bootloader");
	rc = qh_flasher_parse(flasher, len, "the flasher", &f, &err);
	if (rc)
		return rc;
	rc = qh_rom_identify(&dev, &ri, &err);
	if (rc == 0)
		rc = qh_rom_check_version(&ri, &err);
	if (rc == 0)
		rc = qh_rom_check_flasher(&ri, &f, board && board[0] ? board : NULL, &err);
	if (rc == 0)
		rc = qh_rom_check_image(&ri, &f, img, &err);
	if (rc == 0)
		rc = qh_rom_start_flasher(&dev, &f, &err);
	qh_flasher_free(&f);
	return rc;
}
