/* SPDX-License-Identifier: MIT */
#include "fake_dfuse.h"

#include <string.h>

#include "qh_crc32.h"
#include "qh_layout.h"

#define ST_OK               0
#define ST_ERR_TARGET       1
#define ST_ERR_CHECK_ERASED 5
#define ST_ERR_STALLEDPKT   15

void fake_dfuse_init(struct fake_dfuse *f)
{
	memset(f, 0, sizeof(*f));
	memset(f->internal, 0xFF, sizeof(f->internal));
	memset(f->external, 0xFF, sizeof(f->external));
	f->state = QH_DFU_IDLE;
	f->pending_len = -1;
	f->poll_ms = 10;
	f->busy_polls = 1;
}

uint8_t *fake_dfuse_mem(struct fake_dfuse *f, uint32_t addr)
{
	if (addr >= FAKE_INT_BASE && addr - FAKE_INT_BASE < sizeof(f->internal))
		return &f->internal[addr - FAKE_INT_BASE];
	if (addr >= FAKE_EXT_BASE && addr - FAKE_EXT_BASE < sizeof(f->external))
		return &f->external[addr - FAKE_EXT_BASE];
	return NULL;
}

static int page_of(uint32_t addr, uint32_t *base, uint32_t *size, int *ro)
{
	if (addr >= FAKE_INT_BASE && addr - FAKE_INT_BASE < FAKE_INT_PAGE * FAKE_INT_PAGES) {
		*size = FAKE_INT_PAGE;
		*base = addr - (addr - FAKE_INT_BASE) % FAKE_INT_PAGE;
		*ro = *base == FAKE_INT_BASE;
		return 1;
	}
	if (addr >= FAKE_EXT_BASE && addr - FAKE_EXT_BASE < FAKE_EXT_PAGE * FAKE_EXT_PAGES) {
		*size = FAKE_EXT_PAGE;
		*base = addr - (addr - FAKE_EXT_BASE) % FAKE_EXT_PAGE;
		*ro = 0;
		return 1;
	}
	return 0;
}

static void set_error(struct fake_dfuse *f, uint8_t status)
{
	f->state = QH_DFU_ERROR;
	f->status = status;
}

static void exec_command(struct fake_dfuse *f)
{
	const uint8_t *c = f->pending;
	uint32_t addr = 0, base, size;
	int ro;

	if (f->pending_len == 5)
		addr = (uint32_t)c[1] | (uint32_t)c[2] << 8 | (uint32_t)c[3] << 16 |
		       (uint32_t)c[4] << 24;
	if (c[0] == 0x21 && f->pending_len == 5) {
		if (!page_of(addr, &base, &size, &ro))
			set_error(f, ST_ERR_TARGET);
		else
			f->pointer = addr;
	} else if (c[0] == 0x41 && f->pending_len == 5) {
		if (!page_of(addr, &base, &size, &ro) || ro) {
			set_error(f, ST_ERR_TARGET);
			return;
		}
		memset(fake_dfuse_mem(f, base), 0xFF, size);
		if (f->unreadable && f->unreadable - base < size)
			f->unreadable = 0; /* erasing is the cure */
		f->erases++;
		f->erased_unwritten = 1;
	} else if (c[0] == 0x41 && f->pending_len == 1) {
		/* Mass erase of the selected alt, read-only pages kept. */
		if (f->alt == 0)
			memset(f->internal + FAKE_INT_PAGE, 0xFF,
			       sizeof(f->internal) - FAKE_INT_PAGE);
		else
			memset(f->external, 0xFF, sizeof(f->external));
		f->erases++;
	} else {
		set_error(f, ST_ERR_STALLEDPKT);
	}
}

static void exec_write(struct fake_dfuse *f)
{
	uint32_t addr = f->pointer + (uint32_t)(f->pending_block - 2) * FAKE_XFER;

	for (int i = 0; i < f->pending_len; i++) {
		uint32_t base, size;
		int ro;
		uint8_t *m = fake_dfuse_mem(f, addr + (uint32_t)i);
		if (!m || !page_of(addr + (uint32_t)i, &base, &size, &ro) || ro) {
			set_error(f, ST_ERR_TARGET);
			return;
		}
		if ((*m & f->pending_data[i]) != f->pending_data[i]) {
			set_error(f, ST_ERR_CHECK_ERASED);
			return;
		}
		*m &= f->pending_data[i];
	}
	if (f->corrupt_after_write) {
		uint8_t *m = fake_dfuse_mem(f, addr);
		*m ^= 0x01;
	}
	f->writes++;
	f->erased_unwritten = 0;
}

static int do_getstatus(struct fake_dfuse *f, uint8_t *data)
{
	uint32_t poll = 0;

	if (f->stall_getstatus)
		return QH_E_PIPE;
	if (f->state == QH_DFU_DNLOAD_SYNC && f->pending_len == 0) {
		/* Leave (zero-length DNLOAD): GETSTATUS reports dfuMANIFEST. */
		f->state = QH_DFU_MANIFEST;
		f->pending_len = -1;
		f->leaves++;
	} else if (f->state == QH_DFU_DNLOAD_SYNC) {
		/* First GETSTATUS after a DNLOAD: start the work, report busy. */
		f->state = QH_DFU_DNBUSY;
		f->busy_left = f->busy_polls;
	}
	if (f->state == QH_DFU_DNBUSY) {
		if (f->busy_left > 0) {
			f->busy_left--;
			poll = f->poll_ms;
		} else {
			f->state = QH_DFU_DNLOAD_IDLE;
			if (f->pending_block == 0) {
				exec_command(f);
			} else
				exec_write(f);
			f->pending_len = -1;
		}
	}
	data[0] = f->status;
	data[1] = (uint8_t)poll;
	data[2] = (uint8_t)(poll >> 8);
	data[3] = (uint8_t)(poll >> 16);
	data[4] = f->state;
	data[5] = 0;
	return 6;
}

static int class_out(struct fake_dfuse *f, uint8_t req, uint16_t value, const uint8_t *data,
                     uint16_t len)
{
	switch (req) {
	case QH_DFU_DNLOAD:
		if ((f->state != QH_DFU_IDLE && f->state != QH_DFU_DNLOAD_IDLE) ||
		    len > FAKE_XFER) {
			set_error(f, ST_ERR_STALLEDPKT);
			return QH_E_PIPE;
		}
		if (value == 0 && len > 0) {
			if (len > (int)sizeof(f->pending)) {
				set_error(f, ST_ERR_STALLEDPKT);
				return QH_E_PIPE;
			}
			memcpy(f->pending, data, len);
		} else if (value >= 2 || len == 0) {
			if (len)
				memcpy(f->pending_data, data, len);
		} else {
			set_error(f, ST_ERR_STALLEDPKT);
			return QH_E_PIPE;
		}
		f->pending_len = len;
		f->pending_block = value;
		f->state = QH_DFU_DNLOAD_SYNC;
		return len;
	case QH_DFU_DETACH:
		f->detaches++;
		f->detach_timeout = value;
		return 0;
	case QH_DFU_CLRSTATUS:
		if (f->state == QH_DFU_ERROR) {
			f->state = QH_DFU_IDLE;
			f->status = ST_OK;
		}
		return 0;
	case QH_DFU_ABORT:
		if (f->erased_unwritten)
			f->aborts_before_write++;
		if (f->state != QH_DFU_ERROR)
			f->state = QH_DFU_IDLE;
		return 0;
	default:
		set_error(f, ST_ERR_STALLEDPKT);
		return QH_E_PIPE;
	}
}

static int class_in(struct fake_dfuse *f, uint8_t req, uint16_t value, uint8_t *data, uint16_t len)
{
	switch (req) {
	case QH_DFU_GETSTATUS:
		return do_getstatus(f, data);
	case QH_DFU_GETSTATE:
		data[0] = f->state;
		return 1;
	case QH_DFU_UPLOAD: {
		uint32_t addr = f->pointer + (uint32_t)(value - 2) * FAKE_XFER;
		uint16_t n = 0;
		if ((f->state != QH_DFU_IDLE && f->state != QH_DFU_UPLOAD_IDLE) || value < 2) {
			set_error(f, ST_ERR_STALLEDPKT);
			return QH_E_PIPE;
		}
		while (n < len && fake_dfuse_mem(f, addr + n)) {
			data[n] = *fake_dfuse_mem(f, addr + n);
			n++;
		}
		f->state = QH_DFU_UPLOAD_IDLE;
		f->uploads++;
		return n;
	}
	default:
		set_error(f, ST_ERR_STALLEDPKT);
		return QH_E_PIPE;
	}
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* CRC of [addr, addr+len) as the device reads it: 0 and the CRC, or -1
 * (unmapped, or it holds the unreadable byte). */
static int fake_crc(struct fake_dfuse *f, uint32_t addr, uint32_t len, uint32_t *crc)
{
	uint8_t *m = fake_dfuse_mem(f, addr), *last;
	if (!m)
		return -1;
	last = len ? fake_dfuse_mem(f, addr + len - 1) : m;
	if (!last || (len && last - m != (long)len - 1)) /* unmapped, or in another memory */
		return -1;
	f->crc_bytes += len;
	if (f->unreadable && f->unreadable - addr < len)
		return -1;
	*crc = qh_crc32(m, len);
	return 0;
}

/* CRC_TABLE_RESULT: the whole table at once (the fake is never busy). */
static int table_result(struct fake_dfuse *f, uint8_t *data, uint16_t len)
{
	uint8_t out[QDFU_PROTO_CRC_TABLE_RESULT_MAX];
	uint32_t done = 0, st = QDFU_PROTO_CRC_DONE;
	int n;

	memset(out, 0, sizeof(out));
	if (!f->tab_started)
		st = QDFU_PROTO_CRC_NONE;
	for (; f->tab_started && done < f->tab_count; done++) {
		uint32_t crc;
		if (fake_crc(f, f->tab_addr + done * f->tab_unit, f->tab_unit, &crc)) {
			st = QDFU_PROTO_CRC_BAD_RANGE;
			break;
		}
		put32(out + 12 + 4 * done, crc);
	}
	put32(out, st);
	put32(out + 4, done);
	n = (int)(12 + 4 * done);
	n = n < len ? n : len;
	memcpy(data, out, (size_t)n);
	return n;
}

static int vendor(struct fake_dfuse *f, uint8_t type, uint8_t req, uint16_t value, uint8_t *data,
                  uint16_t len)
{
	if (!f->has_crc)
		return QH_E_PIPE;
	if (type == 0xC1 && req == QDFU_PROTO_REQ_INFO && len == 16) {
		memset(data, 0, 16);
		memcpy(data, "QDFU", 4);
		data[4] = 1;
		data[5] = QDFU_PROTO_CAP_CRC32;
		if (f->has_crc_table || f->table_stalls)
			data[5] |= QDFU_PROTO_CAP_CRC_TABLE;
		data[QDFU_PROTO_INFO_FLAGS] = (uint8_t)f->info_flags;
		data[QDFU_PROTO_INFO_FLAGS + 1] = (uint8_t)(f->info_flags >> 8);
		return 16;
	}
	if (type == 0x41 && req == QDFU_PROTO_REQ_CRC_TABLE && len == 8 && f->has_crc_table &&
	    value >= 1 && value <= QDFU_PROTO_CRC_TABLE_MAX && le32(data + 4)) {
		f->tab_addr = le32(data);
		f->tab_unit = le32(data + 4);
		f->tab_count = value;
		f->tab_started = 1;
		f->table_requests++;
		return 8;
	}
	if (type == 0xC1 && req == QDFU_PROTO_REQ_CRC_TABLE_RESULT && f->has_crc_table &&
	    len >= 12 && len <= QDFU_PROTO_CRC_TABLE_RESULT_MAX)
		return table_result(f, data, len);
	if (type == 0x41 && req == QDFU_PROTO_REQ_CRC_START && len == 8) {
		f->crc_addr = le32(data);
		f->crc_len = le32(data + 4);
		f->crc_started = 1;
		f->crc_requests++;
		return 8;
	}
	if (type == 0xC1 && req == QDFU_PROTO_REQ_CRC_RESULT && len == 12) {
		uint32_t crc = 0;
		memset(data, 0, 12);
		if (!f->crc_started) {
			put32(data, 2);
		} else if (f->crc_busy > 0) {
			f->crc_busy--;
			put32(data, 1);
			put32(data + 8, 3);
		} else if (fake_crc(f, f->crc_addr, f->crc_len, &crc)) {
			put32(data, 3);
		} else {
			put32(data + 4, crc);
		}
		return 12;
	}
	return QH_E_PIPE;
}

static int f_control(void *ctx, uint8_t type, uint8_t req, uint16_t value, uint16_t index,
                     uint8_t *data, uint16_t len, unsigned timeout_ms)
{
	struct fake_dfuse *f = ctx;

	(void)index;
	(void)timeout_ms;
	if (type == 0x21)
		return class_out(f, req, value, data, len);
	if (type == 0xA1)
		return class_in(f, req, value, data, len);
	return vendor(f, type, req, value, data, len);
}

static int f_set_alt(void *ctx, uint8_t intf, uint8_t alt)
{
	struct fake_dfuse *f = ctx;

	(void)intf;
	if (alt > 1 || (f->state != QH_DFU_IDLE && f->state != QH_DFU_DNLOAD_IDLE))
		return QH_E_PIPE;
	f->alt = alt;
	f->set_alts++;
	return QH_OK;
}

static int f_reset(void *ctx)
{
	struct fake_dfuse *f = ctx;
	f->resets++;
	return QH_OK;
}

static void f_sleep(void *ctx, unsigned ms)
{
	struct fake_dfuse *f = ctx;
	f->now += ms;
	f->slept += ms;
}

static uint64_t f_now(void *ctx)
{
	struct fake_dfuse *f = ctx;
	return f->now;
}

const struct qh_transport_ops fake_dfuse_ops = {
    .control = f_control,
    .set_alt = f_set_alt,
    .reset = f_reset,
    .sleep_ms = f_sleep,
    .now_ms = f_now,
};

void fake_dfuse_dev(struct fake_dfuse *f, struct qh_dev *d)
{
	static const char *const layouts[2] = {
	    "@Internal Flash  /0x08000000/01*016Ka,07*016Kg",
	    "@QSPI Flash /0x90000000/16*4Kg",
	};

	memset(d, 0, sizeof(*d));
	qh_dev_defaults(d);
	d->ops = &fake_dfuse_ops;
	d->ctx = f;
	d->info.vid = 0x0483;
	d->info.pid = 0xDF11;
	d->info.transfer_size = FAKE_XFER;
	d->info.bcd_dfu = 0x011A;
	d->info.attrs = 0x0B;
	d->info.nalts = 2;
	for (unsigned i = 0; i < 2; i++) {
		d->info.alts[i].alt = (uint8_t)i;
		strcpy(d->info.alts[i].name, layouts[i]);
		d->info.alts[i].layout_ok =
		    qh_layout_parse(layouts[i], &d->info.alts[i].layout, NULL) == 0;
	}
	if (f->has_crc) {
		d->info.has_qdfu_info = 1;
		d->info.qdfu.caps = QDFU_PROTO_CAP_CRC32;
		if (f->has_crc_table || f->table_stalls)
			d->info.qdfu.caps |= QDFU_PROTO_CAP_CRC_TABLE;
	}
}
