/* SPDX-License-Identifier: MIT */
/*
 * libqdfu: flash STM32 boards through USB DFU / DfuSe (the qdfu bootloader,
 * ST's ROM bootloader, any DfuSe device), from C.
 *
 * The stable public interface of the library; everything else (qh_*.h) is
 * internal. Link with `pkg-config --cflags --libs qdfu`. Documented with a
 * complete example in docs/library.md.
 *
 * Conventions
 * - Every function that can fail returns 0 (QDFU_OK) or a negative
 *   QDFU_E_* code and, when err is not NULL, fills *err with a message and,
 *   when there is something the user can do about it, a hint. The library
 *   never prints, never exits and never calls abort().
 * - Handles are opaque. A qdfu_context and the devices opened from it are
 *   used by one thread at a time; qdfu_cancel() may be called from any
 *   thread or a signal handler.
 * - Addresses are 32-bit bus addresses (0x08000000 internal flash,
 *   0x90000000 QSPI flash on the STM32H7); the device's DfuSe memory map
 *   says which alt setting holds each address.
 *
 * ABI: symbols and structures here keep their meaning for every
 * libqdfu.so.1; additions come as new functions and new flag bits.
 */
#ifndef QDFU_H
#define QDFU_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define QDFU_API __attribute__((visibility("default")))
#else
#define QDFU_API
#endif

/* Version of this header's interface (changes when functions are added). */
#define QDFU_API_VERSION 1

/* ------------------------------------------------------------ errors */

enum qdfu_status {
	QDFU_OK = 0,
	QDFU_E_USAGE = -1,        /* bad argument */
	QDFU_E_IO = -2,           /* a file cannot be read or written */
	QDFU_E_FORMAT = -3,       /* a file's contents are malformed */
	QDFU_E_OVERLAP = -4,      /* two inputs give different data for one address */
	QDFU_E_MAP = -5,          /* the image does not fit the memory map: nothing changed */
	QDFU_E_NODEV = -6,        /* no matching device, or it went away */
	QDFU_E_ACCESS = -7,       /* no permission to open the USB device */
	QDFU_E_BUSY = -8,         /* the device is claimed by another program */
	QDFU_E_USB = -9,          /* a USB transfer failed */
	QDFU_E_PIPE = -10,        /* the device stalled a request */
	QDFU_E_DFU = -11,         /* the device reported a DFU error */
	QDFU_E_VERIFY = -12,      /* memory differs from the image */
	QDFU_E_NOMEM = -13,       /* out of memory */
	QDFU_E_TIMEOUT = -14,     /* the device did not finish in time */
	QDFU_E_UNSUPPORTED = -15, /* the device cannot do what was asked */
	QDFU_E_CANCELLED = -16,   /* qdfu_cancel() or the progress callback stopped it */
};

struct qdfu_error {
	int code;           /* QDFU_E_* */
	char message[2048]; /* what went wrong, e.g. "app.hex:3: checksum error" */
	char hint[512];     /* what to do about it, or "" */
};

/* Short name of a code: "verify mismatch", "no device", ... */
QDFU_API const char *qdfu_strerror(int code);
/* The library's version, e.g. "0.2.0". */
QDFU_API const char *qdfu_version(void);

/* ------------------------------------------------------------ images */

typedef struct qdfu_image qdfu_image;

QDFU_API int qdfu_image_new(qdfu_image **img, struct qdfu_error *err);
QDFU_API void qdfu_image_free(qdfu_image *img);
/* Add a file: Intel HEX, S-record, ELF32, DfuSe .dfu, or "FILE@ADDRESS" for
 * a raw binary (format from the extension, then the contents). Bytes given
 * twice must agree (QDFU_E_OVERLAP otherwise). */
QDFU_API int qdfu_image_add_file(qdfu_image *img, const char *spec, struct qdfu_error *err);
/* Add len bytes at addr (copied). */
QDFU_API int qdfu_image_add_data(qdfu_image *img, uint32_t addr, const void *data, size_t len,
                                 struct qdfu_error *err);
/* Segments: sorted, non-overlapping. data stays valid until the image changes. */
QDFU_API size_t qdfu_image_segments(const qdfu_image *img);
QDFU_API int qdfu_image_segment(const qdfu_image *img, size_t i, uint32_t *addr, uint32_t *len,
                                const uint8_t **data);
QDFU_API uint64_t qdfu_image_bytes(const qdfu_image *img);

/* ------------------------------------------------------ memory maps */

enum qdfu_access { QDFU_READ = 1, QDFU_ERASE = 2, QDFU_WRITE = 4 };

struct qdfu_region {
	uint8_t alt;        /* alternate setting that presents it */
	char name[128];     /* "Internal Flash", "QSPI Flash" */
	uint32_t start;     /* first address */
	uint64_t size;      /* bytes */
	uint32_t page_size; /* erase unit of the first page (pages may differ) */
	unsigned access;    /* union of QDFU_READ/ERASE/WRITE of its pages */
	int excluded;       /* never written by flash (option bytes, OTP) */
};

typedef struct qdfu_memmap qdfu_memmap;

/* A map from DfuSe layout strings ("@Internal Flash /0x08000000/16*128Kg"),
 * string i describing alt i. For checking images without a device. */
QDFU_API int qdfu_memmap_from_layouts(qdfu_memmap **map, const char *const *layouts, size_t n,
                                      struct qdfu_error *err);
QDFU_API void qdfu_memmap_free(qdfu_memmap *map);
QDFU_API size_t qdfu_memmap_regions(const qdfu_memmap *map);
QDFU_API int qdfu_memmap_region(const qdfu_memmap *map, size_t i, struct qdfu_region *out);
/* Would flashing img be accepted? QDFU_E_MAP lists every problem (unmapped
 * ranges, read-only pages, data past a region's end); *pages_to_erase and
 * *erase_bytes (each may be NULL) say what flashing would erase at most. */
QDFU_API int qdfu_memmap_check(const qdfu_memmap *map, const qdfu_image *img,
                               size_t *pages_to_erase, uint64_t *erase_bytes,
                               struct qdfu_error *err);

/* ------------------------------------------------------------ devices */

typedef struct qdfu_context qdfu_context;
typedef struct qdfu_device qdfu_device;

enum qdfu_kind {
	QDFU_KIND_QDFU = 0,    /* the qdfu bootloader */
	QDFU_KIND_ST_ROM = 1,  /* ST's system-memory DFU bootloader */
	QDFU_KIND_DFUSE = 2,   /* another DfuSe device */
	QDFU_KIND_DFU = 3,     /* a plain DFU 1.1 device */
	QDFU_KIND_RUNTIME = 4, /* an application with a DFU runtime interface */
};

struct qdfu_device_info {
	uint16_t vid, pid, bcd_device;
	enum qdfu_kind kind;
	char serial[128];
	char path[32]; /* USB port path "bus-port.port", as `qdfu list` shows */
	char manufacturer[128], product[128];
	int access_denied; /* found, but this user may not open it (udev rule) */
};

/* Which devices: NULL fields / has_vidpid 0 match every device. */
struct qdfu_match {
	int has_vidpid;
	uint16_t vid, pid;
	const char *serial;
	const char *path;
};

QDFU_API int qdfu_context_new(qdfu_context **ctx, struct qdfu_error *err);
QDFU_API void qdfu_context_free(qdfu_context *ctx);
/* Every DFU device matching m (NULL: all). *list is freed with qdfu_list_free. */
QDFU_API int qdfu_list(qdfu_context *ctx, const struct qdfu_match *m,
                       struct qdfu_device_info **list, size_t *n, struct qdfu_error *err);
QDFU_API void qdfu_list_free(struct qdfu_device_info *list);
/* Open the one device matching m. Several matches: QDFU_E_USAGE naming them
 * (serial and path); none: QDFU_E_NODEV. wait_ms: how long to wait for one
 * to appear (0: do not wait). An application in DFU runtime mode is
 * detached into its bootloader first. */
QDFU_API int qdfu_open(qdfu_context *ctx, const struct qdfu_match *m, unsigned wait_ms,
                       qdfu_device **dev, struct qdfu_error *err);
QDFU_API void qdfu_close(qdfu_device *dev);
QDFU_API const struct qdfu_device_info *qdfu_device_info(const qdfu_device *dev);
/* The device's memory map (owned by dev). */
QDFU_API const qdfu_memmap *qdfu_device_memmap(const qdfu_device *dev);

/* Progress: phase is "check", "erase", "write", "verify" or "read"; done and
 * total count bytes ("check": pages). Return non-zero to cancel. */
typedef int (*qdfu_progress_fn)(void *user, const char *phase, uint64_t done, uint64_t total);
QDFU_API void qdfu_set_progress(qdfu_device *dev, qdfu_progress_fn fn, void *user);
/* Stop the current operation at the next USB request (QDFU_E_CANCELLED).
 * Safe from any thread and from signal handlers. */
QDFU_API void qdfu_cancel(qdfu_device *dev);

/* ---------------------------------------------------------- operations */

enum qdfu_flash_flags {
	QDFU_FLASH_NO_VERIFY = 1 << 0, /* do not verify after writing */
	QDFU_FLASH_NO_RESET = 1 << 1,  /* stay in the bootloader */
	QDFU_FLASH_NO_SKIP = 1 << 2,   /* rewrite pages that already hold the data */
	QDFU_VERIFY_READBACK = 1 << 3, /* verify by reading back, not by device CRC */
};

/* What the last qdfu_flash did. */
struct qdfu_flash_result {
	uint64_t bytes;         /* image bytes */
	uint64_t bytes_written; /* bytes sent (unchanged pages are skipped) */
	size_t pages_erased;    /* pages erased */
	size_t pages_unchanged; /* pages that already held the data */
	uint32_t started_at;    /* where the device was told to start (0 with NO_RESET) */
};

/* Check img against the device's map (nothing is touched when it does not
 * fit), erase the pages it touches, write, verify, and start it. */
QDFU_API int qdfu_flash(qdfu_device *dev, const qdfu_image *img, unsigned flags,
                        struct qdfu_flash_result *result, struct qdfu_error *err);
/* Compare the device's memory with img (QDFU_E_VERIFY when it differs). */
QDFU_API int qdfu_verify(qdfu_device *dev, const qdfu_image *img, unsigned flags,
                         struct qdfu_error *err);
QDFU_API int qdfu_read(qdfu_device *dev, uint32_t addr, uint32_t len, void *out,
                       struct qdfu_error *err);
/* Erase every page touched by [addr, addr + len); read-only pages: QDFU_E_MAP. */
QDFU_API int qdfu_erase(qdfu_device *dev, uint32_t addr, uint32_t len, struct qdfu_error *err);
/* Erase every erasable page of every memory. */
QDFU_API int qdfu_erase_all(qdfu_device *dev, struct qdfu_error *err);
/* Leave DFU mode and start the application (the image at addr for ST's ROM). */
QDFU_API int qdfu_reset(qdfu_device *dev, uint32_t addr, struct qdfu_error *err);

#ifdef __cplusplus
}
#endif

#endif
