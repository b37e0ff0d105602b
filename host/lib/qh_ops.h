/* SPDX-License-Identifier: MIT */
/*
 * What the commands do on an open device: erase + write a checked plan,
 * verify (device CRC when the device offers it, else read-back), read,
 * erase a range, mass erase, leave. All through the DFU/DfuSe wrappers.
 */
#ifndef QH_OPS_H
#define QH_OPS_H

#include "qh_dfu.h"
#include "qh_memmap.h"

/* The memory map of a device: every alt whose name is a DfuSe layout. */
int qh_dev_memmap(const struct qh_dev_info *info, struct qh_memmap *m, struct qh_error *e);
/* Transfer size used for DNLOAD/UPLOAD (functional descriptor, capped). */
uint16_t qh_dev_xfer_size(const struct qh_dev_info *info);
/* Does the device compute CRCs for us (qdfu INFO bit0)? */
int qh_dev_has_crc(const struct qh_dev_info *info);
/* ... many at once (INFO bit3, CRC_TABLE)? Older qdfu bootloaders: one per request. */
int qh_dev_has_crc_table(const struct qh_dev_info *info);
/* Does it boot images by descriptor (INFO bit2, with the unit's address)? */
int qh_dev_has_image_desc(const struct qh_dev_info *info);

/* Erase the plan's pages, then write its chunks. On a device that boots by
 * image descriptor, the descriptor unit is erased first and the image's
 * descriptor written last (docs/decisions/image-descriptor.md). */
int qh_op_program(struct qh_dev *d, const struct qh_memmap *m, const struct qh_plan *p,
                  struct qh_error *e);
/* Check the device holds the plan's data. use_crc: 1 device CRC, 0 read-back,
 * -1 automatic. */
int qh_op_verify(struct qh_dev *d, const struct qh_memmap *m, const struct qh_plan *p, int use_crc,
                 struct qh_error *e);
/* Read len bytes at addr (must be readable in the map). */
int qh_op_read(struct qh_dev *d, const struct qh_memmap *m, uint32_t addr, uint32_t len,
               uint8_t *out, struct qh_error *e);
/* Erase every page touched by [addr, addr+len); read-only pages are an error. */
int qh_op_erase(struct qh_dev *d, const struct qh_memmap *m, uint32_t addr, uint32_t len,
                struct qh_error *e);
/* Mass erase every alt that has erasable pages (read-only pages survive). */
int qh_op_mass_erase(struct qh_dev *d, const struct qh_memmap *m, struct qh_error *e);
/* Runtime mode -> DFU mode (DFU 1.1 section 5.1): DFU_DETACH with the
 * descriptor's wDetachTimeOut, then a USB reset unless the device detaches
 * by itself (bitWillDetach). The device re-enumerates afterwards. */
int qh_op_detach(struct qh_dev *d, struct qh_error *e);
/* Leave DFU and start the application. addr: where ST's ROM jumps (ignored
 * by qdfu, which boots its validated application). */
int qh_op_leave(struct qh_dev *d, const struct qh_memmap *m, uint32_t addr, struct qh_error *e);

#endif
