/* SPDX-License-Identifier: MIT */
/*
 * DFU 1.1 + DfuSe requests over a transport, and the device description
 * every operation works from. One wrapper per request, each citing the
 * section of the spec it implements. The transport is libusb in the tool
 * (qh_usb.c) and an in-memory fake device in the unit tests.
 */
#ifndef QH_DFU_H
#define QH_DFU_H

#include <stdbool.h>
#include <stdint.h>

#include "qdfu_proto.h"

#include "qh_err.h"
#include "qh_layout.h"

/* DFU 1.1 section 3: class requests. */
enum qh_dfu_req {
	QH_DFU_DETACH = 0,
	QH_DFU_DNLOAD = 1,
	QH_DFU_UPLOAD = 2,
	QH_DFU_GETSTATUS = 3,
	QH_DFU_CLRSTATUS = 4,
	QH_DFU_GETSTATE = 5,
	QH_DFU_ABORT = 6,
};

/* DFU 1.1 section 6.1.2: bState. */
enum qh_dfu_state {
	QH_APP_IDLE = 0,
	QH_APP_DETACH = 1,
	QH_DFU_IDLE = 2,
	QH_DFU_DNLOAD_SYNC = 3,
	QH_DFU_DNBUSY = 4,
	QH_DFU_DNLOAD_IDLE = 5,
	QH_DFU_MANIFEST_SYNC = 6,
	QH_DFU_MANIFEST = 7,
	QH_DFU_MANIFEST_WAIT_RESET = 8,
	QH_DFU_UPLOAD_IDLE = 9,
	QH_DFU_ERROR = 10,
};

/* qdfu vendor requests: include/qdfu_proto.h (docs/protocol.md). */

struct qh_transport_ops {
	/* One control transfer; returns bytes transferred, or QH_E_PIPE
	 * (stall), QH_E_NODEV (gone), QH_E_USB / QH_E_TIMEOUT. */
	int (*control)(void *ctx, uint8_t type, uint8_t req, uint16_t value, uint16_t index,
	               uint8_t *data, uint16_t len, unsigned timeout_ms);
	int (*set_alt)(void *ctx, uint8_t intf, uint8_t alt);
	int (*reset)(void *ctx);
	void (*sleep_ms)(void *ctx, unsigned ms);
	uint64_t (*now_ms)(void *ctx);
};

enum qh_kind {
	QH_KIND_QDFU,    /* the qdfu bootloader */
	QH_KIND_ST_ROM,  /* ST's system-memory DFU bootloader */
	QH_KIND_DFUSE,   /* another DfuSe (bcdDFU 0x011A) device */
	QH_KIND_DFU,     /* plain DFU 1.1 in DFU mode */
	QH_KIND_RUNTIME, /* an application with a DFU runtime interface */
};

#define QH_MAX_ALTS 16

struct qh_alt {
	uint8_t alt;
	char name[256]; /* interface string */
	int layout_ok;  /* name parsed as a DfuSe layout */
	struct qh_layout layout;
	int excluded; /* option bytes, OTP: never written by flash */
};

struct qh_qdfu_info {
	uint8_t proto, caps;
	uint16_t fw_version;
	uint32_t flags;
	uint32_t desc_addr; /* image descriptor unit (caps & QDFU_PROTO_CAP_IMAGE_DESC) */
	uint8_t why;        /* QDFU_PROTO_WHY_*: why the device is in DFU mode */
	uint8_t fault;      /* exception that reset the bootloader, 0 none */
};

struct qh_dev_info {
	uint16_t vid, pid, bcd_device;
	char manufacturer[128], product[128], serial[128];
	char path[32]; /* "bus-port.port...", as dfu-util prints it */
	uint8_t bus, address;
	uint16_t speed_mbps; /* bus speed it enumerated at: 12, 480, ...; 0 unknown */
	uint8_t intf;
	enum qh_kind kind;
	/* DFU functional descriptor (DFU 1.1 section 4.1.3). */
	uint8_t attrs;
	uint16_t detach_timeout, transfer_size, bcd_dfu;
	unsigned nalts;
	struct qh_alt alts[QH_MAX_ALTS];
	int qdfu_guid; /* its MS OS 2.0 descriptors name qdfu's interface GUID */
	int has_qdfu_info;
	struct qh_qdfu_info qdfu;
	unsigned quirks; /* QH_QUIRK_* */
};

#define QH_DFU_ATTR_CAN_DNLOAD        0x01
#define QH_DFU_ATTR_CAN_UPLOAD        0x02
#define QH_DFU_ATTR_MANIFEST_TOLERANT 0x04
#define QH_DFU_ATTR_WILL_DETACH       0x08

/* Progress: phase is "erase", "write", "verify", "read". */
typedef void (*qh_progress_fn)(void *ud, const char *phase, uint64_t done, uint64_t total);

struct qh_plan;

/* An open device: transport + description + limits. */
struct qh_dev {
	const struct qh_transport_ops *ops;
	void *ctx;
	struct qh_dev_info info;
	int cur_alt;              /* -1 unknown */
	unsigned poll_cap_ms;     /* longest single sleep between GETSTATUS */
	unsigned op_timeout_ms;   /* longest wait for one erase/write command */
	unsigned mass_timeout_ms; /* longest wait for a mass erase */
	unsigned xfer_timeout_ms; /* per control transfer */
	qh_progress_fn progress;
	void *progress_ud;
	/* With a device CRC: skip pages that already hold the result, do not
	 * erase pages that are already erased (default on). */
	int skip_unchanged;
	/* What the last qh_op_program did. */
	size_t pages_unchanged, pages_already_erased, pages_erased;
	uint64_t bytes_written;
	/* The plan whose every page the last qh_op_program found already right
	 * (by device CRC): verifying it by CRC again would prove nothing new. */
	const struct qh_plan *proven_plan;
	/* The device boots by image descriptor and the image has one: it was
	 * written last (desc_written) or was already in place. */
	int image_desc, desc_written;
	/* Nothing was erased or written: the image was already in place and
	 * the leave only (re)commits it. */
	int recommit_only;
};

struct qh_dfu_status {
	uint8_t status;
	uint32_t poll_ms;
	uint8_t state;
	uint8_t istring;
};

void qh_dev_defaults(struct qh_dev *d);
const char *qh_dfu_state_name(uint8_t state);
const char *qh_dfu_status_name(uint8_t status);

int qh_dfu_detach(struct qh_dev *d, uint16_t timeout_ms, struct qh_error *e);
int qh_dfu_dnload(struct qh_dev *d, uint16_t block, const uint8_t *data, uint16_t len,
                  struct qh_error *e);
int qh_dfu_upload(struct qh_dev *d, uint16_t block, uint8_t *data, uint16_t len,
                  struct qh_error *e);
int qh_dfu_getstatus(struct qh_dev *d, struct qh_dfu_status *st, struct qh_error *e);
int qh_dfu_clrstatus(struct qh_dev *d, struct qh_error *e);
int qh_dfu_getstate(struct qh_dev *d, uint8_t *state, struct qh_error *e);
int qh_dfu_abort(struct qh_dev *d, struct qh_error *e);

/* Poll GETSTATUS while the device is busy, sleeping bwPollTimeout (capped
 * at poll_cap_ms) between polls, for at most max_ms. On dfuERROR the error
 * names the status and the device is returned to dfuIDLE (CLRSTATUS). */
int qh_dfu_wait(struct qh_dev *d, unsigned max_ms, const char *what, struct qh_dfu_status *st,
                struct qh_error *e);
/* Bring the device to dfuIDLE from whatever state an earlier run left. */
int qh_dfu_make_idle(struct qh_dev *d, struct qh_error *e);
int qh_dev_select_alt(struct qh_dev *d, uint8_t alt, struct qh_error *e);

/* DfuSe commands (AN3156 section 6): DNLOAD wBlockNum 0, executed on GETSTATUS. */
int qh_dfuse_set_address(struct qh_dev *d, uint32_t addr, struct qh_error *e);
int qh_dfuse_erase_page(struct qh_dev *d, uint32_t addr, struct qh_error *e);
int qh_dfuse_mass_erase(struct qh_dev *d, struct qh_error *e);
/* Leave DFU mode: SET_ADDRESS(addr) then a zero-length DNLOAD (AN3156 6.3.4). */
int qh_dfuse_leave(struct qh_dev *d, uint32_t addr, struct qh_error *e);

/* qdfu vendor requests (docs/protocol.md); INFO fails with QH_E_UNSUPPORTED
 * on a device that is not qdfu. */
int qh_qdfu_info(struct qh_dev *d, struct qh_qdfu_info *info, struct qh_error *e);
int qh_qdfu_crc(struct qh_dev *d, uint32_t addr, uint32_t len, uint32_t *crc, struct qh_error *e);
/* CRC_TABLE (INFO bit3): the CRC-32 of each of count (<= QDFU_PROTO_CRC_TABLE_MAX)
 * consecutive units of `unit` bytes from addr, in one job on the device.
 * *done: entries in crcs. QH_E_DFU when entry *done (or the range) cannot
 * be read, the entries before it valid; QH_E_PIPE when the device refuses
 * the request (no table: ask per range with qh_qdfu_crc). */
int qh_qdfu_crc_table(struct qh_dev *d, uint32_t addr, uint32_t unit, uint16_t count,
                      uint32_t *crcs, uint16_t *done, struct qh_error *e);

#endif
