/* SPDX-License-Identifier: MIT */
/*
 * The public C interface (include/qdfu.h) over the internal qh_* modules.
 * Only the functions marked QDFU_API leave the shared library (it is built
 * with -fvisibility=hidden). Cancellation: a device's transport is wrapped
 * so that every USB request first checks the cancel flag.
 */
#define _POSIX_C_SOURCE 200809L
#include "qdfu.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "qh_formats.h"
#include "qh_ops.h"
#include "qh_select.h"
#include "qh_usb.h"

#ifndef QDFU_VERSION
#define QDFU_VERSION "0.0.0"
#endif

/* The public codes are the internal ones. */
_Static_assert((int)QDFU_E_VERIFY == (int)QH_E_VERIFY, "qdfu.h codes follow qh_err.h");
_Static_assert((int)QDFU_E_CANCELLED == (int)QH_E_CANCELLED, "qdfu.h codes follow qh_err.h");
_Static_assert(sizeof(((struct qdfu_error *)0)->message) == QH_ERR_MSG_LEN, "message size");
_Static_assert(sizeof(((struct qdfu_error *)0)->hint) == QH_ERR_HINT_LEN, "hint size");
_Static_assert((int)QDFU_KIND_RUNTIME == (int)QH_KIND_RUNTIME, "kinds follow qh_dfu.h");
_Static_assert(QDFU_READ == QH_ATTR_READ && QDFU_WRITE == QH_ATTR_WRITE, "access bits");

struct qdfu_image {
	struct qh_image img;
};

struct qdfu_memmap {
	struct qh_memmap m;
};

struct qdfu_context {
	struct qh_usb *usb;
};

struct qdfu_device {
	struct qh_dev d;
	const struct qh_transport_ops *inner_ops;
	void *inner_ctx;
	struct qdfu_memmap map;
	struct qdfu_device_info pub;
	qdfu_progress_fn fn;
	void *user;
	atomic_int cancelled;
};

/* Copy an internal error out, adding the library's default hint. */
static int out(struct qdfu_error *err, const struct qh_error *e, int rc)
{
	if (!err)
		return rc;
	memset(err, 0, sizeof(*err));
	err->code = rc;
	if (rc == QH_OK)
		return rc;
	snprintf(err->message, sizeof(err->message), "%s", e->msg[0] ? e->msg : qh_strerror(rc));
	snprintf(err->hint, sizeof(err->hint), "%s",
	         e->hint[0] ? e->hint : (qh_default_hint(rc) ? qh_default_hint(rc) : ""));
	return rc;
}

QDFU_API const char *qdfu_strerror(int code)
{
	return qh_strerror(code);
}

QDFU_API const char *qdfu_version(void)
{
	return QDFU_VERSION;
}

/* ------------------------------------------------------------ images */

QDFU_API int qdfu_image_new(qdfu_image **img, struct qdfu_error *err)
{
	struct qh_error e = {0};

	*img = calloc(1, sizeof(**img));
	if (!*img)
		return out(err, &e, qh_fail(&e, QH_E_NOMEM, "out of memory"));
	qh_image_init(&(*img)->img);
	return out(err, &e, QH_OK);
}

QDFU_API void qdfu_image_free(qdfu_image *img)
{
	if (!img)
		return;
	qh_image_free(&img->img);
	free(img);
}

QDFU_API int qdfu_image_add_file(qdfu_image *img, const char *spec, struct qdfu_error *err)
{
	struct qh_error e = {0};

	if (!img || !spec)
		return out(err, &e, qh_fail(&e, QH_E_USAGE, "qdfu_image_add_file: NULL argument"));
	return out(err, &e, qh_load_file(spec, QH_FMT_AUTO, &img->img, NULL, &e));
}

QDFU_API int qdfu_image_add_data(qdfu_image *img, uint32_t addr, const void *data, size_t len,
                                 struct qdfu_error *err)
{
	struct qh_error e = {0};

	if (!img || (!data && len))
		return out(err, &e, qh_fail(&e, QH_E_USAGE, "qdfu_image_add_data: NULL argument"));
	return out(err, &e, qh_image_add(&img->img, addr, data, len, "data", &e));
}

QDFU_API size_t qdfu_image_segments(const qdfu_image *img)
{
	return img ? img->img.n : 0;
}

QDFU_API int qdfu_image_segment(const qdfu_image *img, size_t i, uint32_t *addr, uint32_t *len,
                                const uint8_t **data)
{
	if (!img || i >= img->img.n)
		return QDFU_E_USAGE;
	if (addr)
		*addr = img->img.seg[i].addr;
	if (len)
		*len = img->img.seg[i].len;
	if (data)
		*data = img->img.seg[i].data;
	return QDFU_OK;
}

QDFU_API uint64_t qdfu_image_bytes(const qdfu_image *img)
{
	return img ? qh_image_bytes(&img->img) : 0;
}

/* ------------------------------------------------------ memory maps */

QDFU_API int qdfu_memmap_from_layouts(qdfu_memmap **map, const char *const *layouts, size_t n,
                                      struct qdfu_error *err)
{
	struct qh_error e = {0};
	int rc = QH_OK;

	*map = calloc(1, sizeof(**map));
	if (!*map)
		return out(err, &e, qh_fail(&e, QH_E_NOMEM, "out of memory"));
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct qh_layout l;
		rc = qh_layout_parse(layouts[i], &l, &e);
		if (rc == 0)
			rc = qh_memmap_add(&(*map)->m, (uint8_t)i, &l, 0, &e);
	}
	if (rc) {
		free(*map);
		*map = NULL;
	}
	return out(err, &e, rc);
}

QDFU_API void qdfu_memmap_free(qdfu_memmap *map)
{
	free(map);
}

QDFU_API size_t qdfu_memmap_regions(const qdfu_memmap *map)
{
	return map ? map->m.n : 0;
}

QDFU_API int qdfu_memmap_region(const qdfu_memmap *map, size_t i, struct qdfu_region *o)
{
	const struct qh_region *r;

	if (!map || i >= map->m.n || !o)
		return QDFU_E_USAGE;
	r = &map->m.r[i];
	memset(o, 0, sizeof(*o));
	o->alt = r->alt;
	snprintf(o->name, sizeof(o->name), "%s", r->name);
	o->start = r->zone.base;
	o->size = r->zone.size;
	o->page_size = r->zone.ngroups ? r->zone.g[0].size : 0;
	for (unsigned g = 0; g < r->zone.ngroups; g++)
		o->access |= r->zone.g[g].attr;
	o->excluded = r->excluded;
	return QDFU_OK;
}

QDFU_API int qdfu_memmap_check(const qdfu_memmap *map, const qdfu_image *img,
                               size_t *pages_to_erase, uint64_t *erase_bytes,
                               struct qdfu_error *err)
{
	struct qh_error e = {0};
	struct qh_plan p;
	int rc;

	if (!map || !img)
		return out(err, &e, qh_fail(&e, QH_E_USAGE, "qdfu_memmap_check: NULL argument"));
	rc = qh_plan_build(&map->m, &img->img, &p, &e);
	if (rc == 0) {
		if (pages_to_erase)
			*pages_to_erase = p.npage;
		if (erase_bytes)
			*erase_bytes = p.erase_bytes;
		qh_plan_free(&p);
	}
	return out(err, &e, rc);
}

/* ------------------------------------------------------------ devices */

QDFU_API int qdfu_context_new(qdfu_context **ctx, struct qdfu_error *err)
{
	struct qh_error e = {0};
	int rc;

	*ctx = calloc(1, sizeof(**ctx));
	if (!*ctx)
		return out(err, &e, qh_fail(&e, QH_E_NOMEM, "out of memory"));
	rc = qh_usb_init(&(*ctx)->usb, &e);
	if (rc) {
		free(*ctx);
		*ctx = NULL;
	}
	return out(err, &e, rc);
}

QDFU_API void qdfu_context_free(qdfu_context *ctx)
{
	if (!ctx)
		return;
	qh_usb_exit(ctx->usb);
	free(ctx);
}

static void public_info(const struct qh_found *f, struct qdfu_device_info *o)
{
	const struct qh_dev_info *i = &f->info;

	memset(o, 0, sizeof(*o));
	o->vid = i->vid;
	o->pid = i->pid;
	o->bcd_device = i->bcd_device;
	o->kind = (enum qdfu_kind)i->kind;
	snprintf(o->serial, sizeof(o->serial), "%s", i->serial);
	snprintf(o->path, sizeof(o->path), "%s", i->path);
	snprintf(o->manufacturer, sizeof(o->manufacturer), "%s", i->manufacturer);
	snprintf(o->product, sizeof(o->product), "%s", i->product);
	o->access_denied = f->access_denied;
}

static void internal_match(const struct qdfu_match *m, struct qh_match *o)
{
	memset(o, 0, sizeof(*o));
	if (!m)
		return;
	o->has_vidpid = m->has_vidpid;
	o->vid = m->vid;
	o->pid = m->pid;
	o->serial = m->serial;
	o->path = m->path;
}

QDFU_API int qdfu_list(qdfu_context *ctx, const struct qdfu_match *m,
                       struct qdfu_device_info **list, size_t *n, struct qdfu_error *err)
{
	struct qh_error e = {0};
	struct qh_match qm;
	struct qh_found *found;
	size_t nf;
	int rc;

	*list = NULL;
	*n = 0;
	internal_match(m, &qm);
	rc = qh_usb_scan(ctx->usb, &qm, &found, &nf, &e);
	if (rc)
		return out(err, &e, rc);
	*list = calloc(nf + 1, sizeof(**list));
	if (!*list) {
		free(found);
		return out(err, &e, qh_fail(&e, QH_E_NOMEM, "out of memory"));
	}
	for (size_t i = 0; i < nf; i++)
		public_info(&found[i], &(*list)[i]);
	*n = nf;
	free(found);
	return out(err, &e, QH_OK);
}

QDFU_API void qdfu_list_free(struct qdfu_device_info *list)
{
	free(list);
}

/* The transport every opened device uses: the libusb one behind a
 * cancellation check. */
static int c_control(void *ctx, uint8_t type, uint8_t req, uint16_t value, uint16_t index,
                     uint8_t *data, uint16_t len, unsigned timeout_ms)
{
	struct qdfu_device *dv = ctx;

	if (atomic_load(&dv->cancelled))
		return QH_E_CANCELLED;
	return dv->inner_ops->control(dv->inner_ctx, type, req, value, index, data, len,
	                              timeout_ms);
}

static int c_set_alt(void *ctx, uint8_t intf, uint8_t alt)
{
	struct qdfu_device *dv = ctx;

	if (atomic_load(&dv->cancelled))
		return QH_E_CANCELLED;
	return dv->inner_ops->set_alt(dv->inner_ctx, intf, alt);
}

static int c_reset(void *ctx)
{
	struct qdfu_device *dv = ctx;

	return dv->inner_ops->reset(dv->inner_ctx);
}

static void c_sleep_ms(void *ctx, unsigned ms)
{
	struct qdfu_device *dv = ctx;

	dv->inner_ops->sleep_ms(dv->inner_ctx, ms);
}

static uint64_t c_now_ms(void *ctx)
{
	struct qdfu_device *dv = ctx;

	return dv->inner_ops->now_ms(dv->inner_ctx);
}

static const struct qh_transport_ops cancel_ops = {
    .control = c_control,
    .set_alt = c_set_alt,
    .reset = c_reset,
    .sleep_ms = c_sleep_ms,
    .now_ms = c_now_ms,
};

static void on_progress(void *ud, const char *phase, uint64_t done, uint64_t total)
{
	struct qdfu_device *dv = ud;

	if (dv->fn && dv->fn(dv->user, phase, done, total))
		atomic_store(&dv->cancelled, 1);
}

static int open_found(qdfu_context *ctx, struct qh_found *f, unsigned wait_ms,
                      struct qdfu_device *dv, struct qh_error *e)
{
	int rc;

	if (f->info.kind == QH_KIND_RUNTIME) {
		struct qh_dev_info dfu;
		rc = qh_usb_detach_wait(ctx->usb, &f->info, wait_ms > 10000 ? wait_ms : 10000, &dfu,
		                        e);
		if (rc)
			return rc;
		f->info = dfu;
	}
	rc = qh_usb_open(ctx->usb, &f->info, &dv->d, e);
	if (rc)
		return rc;
	dv->inner_ops = dv->d.ops;
	dv->inner_ctx = dv->d.ctx;
	dv->d.ops = &cancel_ops;
	dv->d.ctx = dv;
	dv->d.progress = on_progress;
	dv->d.progress_ud = dv;
	public_info(f, &dv->pub);
	rc = qh_dev_memmap(&f->info, &dv->map.m, e);
	if (rc == 0 && dv->map.m.n == 0)
		rc = qh_fail(e, QH_E_UNSUPPORTED,
		             "%s is not a DfuSe device (no memory layout in its alt names)",
		             f->info.path);
	return rc;
}

QDFU_API int qdfu_open(qdfu_context *ctx, const struct qdfu_match *m, unsigned wait_ms,
                       qdfu_device **dev, struct qdfu_error *err)
{
	struct qh_error e = {0};
	struct qh_match qm;
	struct qh_found *found = NULL;
	struct qdfu_device *dv;
	size_t n = 0;
	int rc;

	*dev = NULL;
	internal_match(m, &qm);
	rc = qh_select(ctx->usb, &qm, 0, wait_ms, &found, &n, &e);
	if (rc)
		return out(err, &e, rc);
	dv = calloc(1, sizeof(*dv));
	if (!dv) {
		free(found);
		return out(err, &e, qh_fail(&e, QH_E_NOMEM, "out of memory"));
	}
	atomic_init(&dv->cancelled, 0);
	rc = open_found(ctx, &found[0], wait_ms, dv, &e);
	free(found);
	if (rc) {
		qdfu_close(dv);
		return out(err, &e, rc);
	}
	*dev = dv;
	return out(err, &e, QH_OK);
}

QDFU_API void qdfu_close(qdfu_device *dv)
{
	if (!dv)
		return;
	if (dv->inner_ops) {
		dv->d.ops = dv->inner_ops;
		dv->d.ctx = dv->inner_ctx;
		qh_usb_close(&dv->d);
	}
	free(dv);
}

QDFU_API const struct qdfu_device_info *qdfu_device_info(const qdfu_device *dev)
{
	return dev ? &dev->pub : NULL;
}

QDFU_API const qdfu_memmap *qdfu_device_memmap(const qdfu_device *dev)
{
	return dev ? &dev->map : NULL;
}

QDFU_API void qdfu_set_progress(qdfu_device *dev, qdfu_progress_fn fn, void *user)
{
	if (!dev)
		return;
	dev->fn = fn;
	dev->user = user;
}

QDFU_API void qdfu_cancel(qdfu_device *dev)
{
	if (dev)
		atomic_store(&dev->cancelled, 1);
}

/* ---------------------------------------------------------- operations */

/* Where ST's ROM jumps after leaving: the image's lowest address (its
 * vector table). qdfu ignores it and boots the application it validated. */
static uint32_t start_address(const struct qh_memmap *m, const struct qh_plan *p)
{
	if (p && p->nchunk)
		return p->chunk[0].addr;
	return m->n ? m->r[0].zone.base : 0x08000000u;
}

QDFU_API int qdfu_flash(qdfu_device *dev, const qdfu_image *img, unsigned flags,
                        struct qdfu_flash_result *res, struct qdfu_error *err)
{
	struct qh_error e = {0};
	struct qh_plan p;
	int rc;

	if (res)
		memset(res, 0, sizeof(*res));
	if (!dev || !img)
		return out(err, &e, qh_fail(&e, QH_E_USAGE, "qdfu_flash: NULL argument"));
	atomic_store(&dev->cancelled, 0);
	rc = qh_plan_build(&dev->map.m, &img->img, &p, &e);
	if (rc)
		return out(err, &e, rc);
	dev->d.skip_unchanged = !(flags & QDFU_FLASH_NO_SKIP);
	rc = qh_op_program(&dev->d, &dev->map.m, &p, &e);
	if (rc == 0 && !(flags & QDFU_FLASH_NO_VERIFY))
		rc = qh_op_verify(&dev->d, &dev->map.m, &p, (flags & QDFU_VERIFY_READBACK) ? 0 : -1,
		                  &e);
	if (rc == 0 && !(flags & QDFU_FLASH_NO_RESET)) {
		uint32_t at = start_address(&dev->map.m, &p);
		rc = qh_op_leave(&dev->d, &dev->map.m, at, &e);
		if (rc == 0 && res)
			res->started_at = at;
	}
	if (res) {
		res->bytes = p.bytes;
		res->bytes_written = dev->d.bytes_written;
		res->pages_erased = dev->d.pages_erased;
		res->pages_unchanged = dev->d.pages_unchanged;
	}
	qh_plan_free(&p);
	return out(err, &e, rc);
}

QDFU_API int qdfu_verify(qdfu_device *dev, const qdfu_image *img, unsigned flags,
                         struct qdfu_error *err)
{
	struct qh_error e = {0};
	struct qh_plan p;
	int rc;

	if (!dev || !img)
		return out(err, &e, qh_fail(&e, QH_E_USAGE, "qdfu_verify: NULL argument"));
	atomic_store(&dev->cancelled, 0);
	rc = qh_plan_build(&dev->map.m, &img->img, &p, &e);
	if (rc)
		return out(err, &e, rc);
	rc = qh_op_verify(&dev->d, &dev->map.m, &p, (flags & QDFU_VERIFY_READBACK) ? 0 : -1, &e);
	if (rc == QH_E_VERIFY)
		qh_hint(&e, "the board holds a different image (or none): flash this one");
	qh_plan_free(&p);
	return out(err, &e, rc);
}

QDFU_API int qdfu_read(qdfu_device *dev, uint32_t addr, uint32_t len, void *buf,
                       struct qdfu_error *err)
{
	struct qh_error e = {0};

	if (!dev || (!buf && len))
		return out(err, &e, qh_fail(&e, QH_E_USAGE, "qdfu_read: NULL argument"));
	atomic_store(&dev->cancelled, 0);
	return out(err, &e, qh_op_read(&dev->d, &dev->map.m, addr, len, buf, &e));
}

QDFU_API int qdfu_erase(qdfu_device *dev, uint32_t addr, uint32_t len, struct qdfu_error *err)
{
	struct qh_error e = {0};

	if (!dev)
		return out(err, &e, qh_fail(&e, QH_E_USAGE, "qdfu_erase: NULL argument"));
	atomic_store(&dev->cancelled, 0);
	return out(err, &e, qh_op_erase(&dev->d, &dev->map.m, addr, len, &e));
}

QDFU_API int qdfu_erase_all(qdfu_device *dev, struct qdfu_error *err)
{
	struct qh_error e = {0};

	if (!dev)
		return out(err, &e, qh_fail(&e, QH_E_USAGE, "qdfu_erase_all: NULL argument"));
	atomic_store(&dev->cancelled, 0);
	return out(err, &e, qh_op_mass_erase(&dev->d, &dev->map.m, &e));
}

QDFU_API int qdfu_reset(qdfu_device *dev, uint32_t addr, struct qdfu_error *err)
{
	struct qh_error e = {0};

	if (!dev)
		return out(err, &e, qh_fail(&e, QH_E_USAGE, "qdfu_reset: NULL argument"));
	atomic_store(&dev->cancelled, 0);
	if (addr == 0)
		addr = start_address(&dev->map.m, NULL);
	return out(err, &e, qh_op_leave(&dev->d, &dev->map.m, addr, &e));
}
