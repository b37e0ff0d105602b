/* SPDX-License-Identifier: MIT */
/*
 * The stateful input language of the firmware fuzz targets, shared by
 * fuzz_dfu_requests.c (mocked port, event level) and fuzz_dwc2_wire.c (the
 * STM32H7 DWC2 driver on its register model, transaction level).
 *
 * An input is one configuration byte, then a SEQUENCE of operations, each
 * an op byte (kind = low 5 bits; the top 3 bits are a wire modifier only
 * the DWC2 target uses: how many transactions before the host abandons the
 * transfer) followed by its arguments. Missing argument bytes read as 0, so
 * every byte string is a valid input. The operations are what hosts do to a
 * DfuSe device: the DFU 1.1 requests, DfuSe commands (AN3156: set address,
 * page and mass erase, read unprotect, unknown/malformed ones), data blocks
 * and uploads, alternate settings, qdfu's vendor requests (qdfu_proto.h),
 * bus resets with a fresh enumeration, a dfu-util-style poll until the
 * device is no longer busy, time passing (flash operations complete in
 * between) and power cuts (the memories keep what the models hold, torn
 * where an operation ran; the MCU boots again).
 *
 * After every operation fz_check_dfu() checks the DFU state machine as
 * firmware/dfu/dfu.c documents it (DFU 1.1 A.1 + its CLRSTATUS rule); each
 * target adds its own invariants (bootloader sector, models' rules).
 */
#ifndef QDFU_TESTS_FUZZ_FW_FUZZ_OPS_H
#define QDFU_TESTS_FUZZ_FW_FUZZ_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dfu/dfu.h"
#include "qdfu_proto.h"
#include "sim/vusb/vusb_ctrl.h"
#include "usb/usbd.h"

#define FZ_MAX_OPS  160u
#define FZ_BUF_SIZE 4100u /* a little over the transfer size: too long is tried too */

/* what a control transfer ended with, besides >= 0 (bytes of data) */
enum { FZ_STALL = -1, FZ_TIMEOUT = -2, FZ_ABANDONED = -3 };

enum fz_kind {
	FZ_GETSTATUS = 0,
	FZ_GETSTATE,
	FZ_CLRSTATUS,
	FZ_ABORT,
	FZ_DNLOAD,
	FZ_SET_ADDRESS,
	FZ_ERASE,
	FZ_MASS_ERASE,
	FZ_UNPROTECT,
	FZ_COMMAND,
	FZ_LEAVE,
	FZ_UPLOAD,
	FZ_SET_ALT,
	FZ_BUS_RESET,
	FZ_PASS_TIME,
	FZ_POWER_CUT,
	FZ_INFO,
	FZ_CRC_START,
	FZ_CRC_RESULT,
	FZ_RAW,
	FZ_POLL_IDLE,
	FZ_DETACH,
	FZ_KINDS
};

/* The target's side: the transport and the board's life. */
struct fz_host {
	/* One control transfer; mod is the op byte's top 3 bits. */
	int (*control)(const uint8_t setup[8], uint8_t *data, unsigned mod);
	void (*bus_reset)(void);
	void (*pass_ms)(uint32_t ms);
	void (*power_cut)(bool auto_boot);
	/* boots so far (leave, reset, power cut): transitions across one are not checked */
	unsigned (*boots)(void);
	/* the target's own invariants; abort()s with a message */
	void (*check)(void);
};

/* Which states and requests the run reached (printed by fz_report). */
struct fz_stats {
	unsigned long ops, inputs, stalls, timeouts, abandoned, boots;
	unsigned long seen[DFU_STATE_COUNT][FZ_KINDS];
	unsigned long ok[DFU_STATE_COUNT][FZ_KINDS];
};
extern struct fz_stats fz_stats;

struct fz_in {
	const uint8_t *p;
	size_t n, pos;
};

static inline uint8_t fz_u8(struct fz_in *in)
{
	return in->pos < in->n ? in->p[in->pos++] : 0u;
}

static inline uint16_t fz_u16(struct fz_in *in)
{
	uint16_t lo = fz_u8(in);
	return (uint16_t)(lo | fz_u8(in) << 8);
}

static inline uint32_t fz_u32(struct fz_in *in)
{
	uint32_t lo = fz_u16(in);
	return lo | (uint32_t)fz_u16(in) << 16;
}

/* Addresses: near the places that matter (the bootloader sector and its
 * end, the application, bank 2, QSPI start, the journal units at the end
 * of the small QSPI models, past the ends, unmapped), or any 32-bit value. */
static inline uint32_t fz_addr(struct fz_in *in)
{
	static const uint32_t bases[] = {0x08000000u, 0x08020000u, 0x08040000u, 0x08100000u,
	                                 0x081E0000u, 0x90000000u, 0x90010000u, 0x900FE000u,
	                                 0x90100000u, 0x90FF0000u, 0x24000000u, 0xFFFFF000u};
	uint8_t k = fz_u8(in);
	if (k & 0x80u)
		return fz_u32(in);
	return bases[k % (sizeof(bases) / sizeof(bases[0]))] + (uint32_t)fz_u16(in) * 32u;
}

static inline void fz_fail(const char *what, uint8_t before, uint8_t kind)
{
	fprintf(stderr, "fuzz: %s (state before %u, op %u, now state %u status %u)\n", what, before,
	        kind, (unsigned)dfu_get_state(), (unsigned)dfu_get_status());
	abort();
}

/* The pair rule (dfu.c): a status other than OK only in dfuERROR, every
 * error in dfuERROR carries one; the application states never appear in
 * the bootloader. */
static inline bool fz_pair_ok(unsigned state, unsigned status)
{
	if (state >= DFU_STATE_COUNT || state == DFU_STATE_APP_IDLE ||
	    state == DFU_STATE_APP_DETACH)
		return false;
	return (state == DFU_STATE_ERROR) == (status != DFU_STATUS_OK) && status <= 0x0Fu;
}

/* GETSTATUS answers per state (dfu.c handlers): what bState may follow. */
static inline bool fz_getstatus_ok(unsigned before, unsigned shown)
{
	switch (before) {
	case DFU_STATE_DNLOAD_SYNC:
		return shown == DFU_STATE_DNBUSY;
	case DFU_STATE_DNBUSY:
		return shown == DFU_STATE_DNBUSY || shown == DFU_STATE_DNLOAD_IDLE ||
		       shown == DFU_STATE_ERROR;
	case DFU_STATE_MANIFEST_SYNC:
		return shown == DFU_STATE_MANIFEST;
	case DFU_STATE_MANIFEST:
		return shown == DFU_STATE_MANIFEST_WAIT_RESET;
	default:
		return shown == before;
	}
}

/* A DFU class request the handlers saw (interface recipient, wIndex 0). */
static inline bool fz_is_dfu_req(const uint8_t s[8])
{
	return (s[0] & 0x7Fu) == 0x21u && s[1] < DFU_REQ_COUNT && s[4] == 0 && s[5] == 0;
}

/* The DFU 1.1 table as dfu.c implements it, for one finished request. */
static inline void fz_check_request(const uint8_t s[8], int r, unsigned before, const uint8_t *data)
{
	unsigned now = dfu_get_state(), st = dfu_get_status();
	uint16_t len = (uint16_t)(s[6] | s[7] << 8);
	if (!fz_is_dfu_req(s) || r == FZ_TIMEOUT || r == FZ_ABANDONED)
		return;
	if (r == FZ_STALL) {
		/* illegal: dfuERROR/errSTALLEDPKT, never a bare stall, except
		 * in dfuMANIFEST-WAIT-RESET (only a reset leaves it) */
		if ((before == DFU_STATE_MANIFEST_WAIT_RESET && now == before) ||
		    !usbd_configured())
			return; /* (unconfigured: the USB core stalls class requests itself) */
		/* with blocks still programming in the background (pipelined
		 * reception, dfu.c), a failure of one of them is what the next
		 * request reports: dfuERROR with that block's status */
		bool bg = before == DFU_STATE_DNLOAD_IDLE || before == DFU_STATE_DNBUSY ||
		          before == DFU_STATE_DNLOAD_SYNC;
		if (now != DFU_STATE_ERROR ||
		    (st != DFU_STATUS_ERR_STALLEDPKT && !(bg && st != DFU_STATUS_OK)))
			fz_fail("a stalled DFU request did not enter dfuERROR/errSTALLEDPKT",
			        (uint8_t)before, s[1]);
		return;
	}
	switch (s[1]) {
	case DFU_REQ_GETSTATE:
		if (r != 1 || data[0] != before || now != before)
			fz_fail("GETSTATE answered another state or changed it", (uint8_t)before,
			        s[1]);
		break;
	case DFU_REQ_GETSTATUS:
		if (r != 6 || !fz_pair_ok(data[4], data[0]) || !fz_getstatus_ok(before, data[4]))
			fz_fail("GETSTATUS answer breaks the state table", (uint8_t)before, s[1]);
		break;
	case DFU_REQ_ABORT:
	case DFU_REQ_CLRSTATUS:
		if (now != DFU_STATE_IDLE)
			fz_fail("ABORT/CLRSTATUS accepted without going to dfuIDLE",
			        (uint8_t)before, s[1]);
		break;
	case DFU_REQ_DNLOAD:
		if ((before != DFU_STATE_IDLE && before != DFU_STATE_DNLOAD_IDLE) ||
		    now != (len ? DFU_STATE_DNLOAD_SYNC : DFU_STATE_MANIFEST_SYNC))
			fz_fail(
			    "DNLOAD accepted outside dfuIDLE/dfuDNLOAD-IDLE or to the wrong state",
			    (uint8_t)before, s[1]);
		break;
	case DFU_REQ_UPLOAD:
		if (before != DFU_STATE_IDLE && before != DFU_STATE_UPLOAD_IDLE)
			fz_fail("UPLOAD accepted outside dfuIDLE/dfuUPLOAD-IDLE", (uint8_t)before,
			        s[1]);
		if (now != DFU_STATE_IDLE && now != DFU_STATE_UPLOAD_IDLE)
			fz_fail("UPLOAD left the upload states", (uint8_t)before, s[1]);
		break;
	default: /* DETACH is illegal in DFU mode: it stalls (above) */
		fz_fail("DETACH accepted in DFU mode", (uint8_t)before, s[1]);
		break;
	}
}

/* FUZZ_TRACE=1 in the environment: every request on stderr (debugging). */
static inline bool fz_tracing(void)
{
	static int on = -1;
	if (on < 0)
		on = getenv("FUZZ_TRACE") != NULL;
	return on;
}

/* One request, then every invariant. */
static inline int fz_request(const struct fz_host *h, uint8_t kind, unsigned mod,
                             const uint8_t s[8], uint8_t *data)
{
	unsigned before = dfu_get_state(), boots = h->boots();
	int r = h->control(s, data, mod);
	fz_stats.seen[before < DFU_STATE_COUNT ? before : 0][kind]++;
	if (r >= 0)
		fz_stats.ok[before < DFU_STATE_COUNT ? before : 0][kind]++;
	fz_stats.stalls += r == FZ_STALL;
	fz_stats.timeouts += r == FZ_TIMEOUT;
	fz_stats.abandoned += r == FZ_ABANDONED;
	if (fz_tracing())
		fprintf(stderr,
		        "op %2u  %02x %02x %02x%02x %02x%02x %02x%02x -> %4d  state %u -> %u\n",
		        kind, s[0], s[1], s[3], s[2], s[5], s[4], s[7], s[6], r, before,
		        (unsigned)dfu_get_state());
	if (h->boots() == boots)
		fz_check_request(s, r, before, data);
	return r;
}

static inline void fz_check_dfu(const struct fz_host *h, uint8_t kind)
{
	if (!fz_pair_ok(dfu_get_state(), dfu_get_status()))
		fz_fail("illegal DFU state/status pair", 0xFF, kind);
	h->check();
}

/* Data of a DNLOAD block: a cheap pattern from a seed byte (contents hardly
 * matter to the state machine; lengths and addresses do). */
static inline void fz_fill(uint8_t *buf, uint16_t len, uint8_t seed)
{
	uint32_t x = 0x9E3779B9u ^ seed;
	for (uint16_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = seed == 0 ? 0xFFu : (uint8_t)x;
	}
}

static inline uint16_t fz_len(struct fz_in *in)
{
	uint16_t l = fz_u16(in);
	return l > FZ_BUF_SIZE ? (uint16_t)(l % (FZ_BUF_SIZE + 1u)) : l;
}

/* "Let time pass": 0-99 ms in 1 ms steps, then up to ~3.1 s in 20 ms. */
static inline uint32_t fz_ms(uint8_t b)
{
	return b < 100u ? b : 100u + (b - 100u) * 20u;
}

static inline void fz_dnload_cmd(const struct fz_host *h, uint8_t kind, unsigned mod, uint8_t *buf,
                                 uint16_t len)
{
	uint8_t s[8];
	vusb_mk_setup(s, 0x21, DFU_REQ_DNLOAD, 0, 0, len);
	(void)fz_request(h, kind, mod, s, buf);
}

/* dfu-util's loop after a DNLOAD: GETSTATUS, sleep bwPollTimeout, until
 * the device is no longer busy (bounded). */
static inline void fz_poll_idle(const struct fz_host *h, unsigned mod, uint8_t *buf)
{
	uint8_t s[8];
	vusb_mk_setup(s, 0xA1, DFU_REQ_GETSTATUS, 0, 0, 6);
	for (unsigned i = 0; i < 40; i++) {
		int r = fz_request(h, FZ_POLL_IDLE, mod, s, buf);
		if (r != 6 || (buf[4] != DFU_STATE_DNBUSY && buf[4] != DFU_STATE_DNLOAD_SYNC))
			return;
		h->pass_ms((uint32_t)buf[1] | (uint32_t)buf[2] << 8 | (uint32_t)buf[3] << 16);
		fz_check_dfu(h, FZ_POLL_IDLE);
	}
}

/* Operations that are one simple request: setup built from the input. */
static inline bool fz_simple(const struct fz_host *h, struct fz_in *in, uint8_t kind, unsigned mod,
                             uint8_t *buf)
{
	uint8_t s[8];
	switch (kind) {
	case FZ_GETSTATUS:
		vusb_mk_setup(s, 0xA1, DFU_REQ_GETSTATUS, 0, 0, 6);
		break;
	case FZ_GETSTATE:
		vusb_mk_setup(s, 0xA1, DFU_REQ_GETSTATE, 0, 0, 1);
		break;
	case FZ_CLRSTATUS:
		vusb_mk_setup(s, 0x21, DFU_REQ_CLRSTATUS, 0, 0, 0);
		break;
	case FZ_ABORT:
		vusb_mk_setup(s, 0x21, DFU_REQ_ABORT, 0, 0, 0);
		break;
	case FZ_LEAVE:
		vusb_mk_setup(s, 0x21, DFU_REQ_DNLOAD, fz_u8(in) & 3u, 0, 0);
		break;
	case FZ_UPLOAD: {
		uint16_t block = fz_u16(in);
		vusb_mk_setup(s, 0xA1, DFU_REQ_UPLOAD, block, 0, fz_len(in));
		break;
	}
	case FZ_SET_ALT:
		vusb_mk_setup(s, 0x01, 11, fz_u8(in) % 4u, 0, 0);
		break;
	case FZ_INFO:
		vusb_mk_setup(s, QDFU_PROTO_RT_IN, QDFU_PROTO_REQ_INFO, 0, 0, QDFU_PROTO_INFO_LEN);
		break;
	case FZ_CRC_RESULT:
		vusb_mk_setup(s, QDFU_PROTO_RT_IN, QDFU_PROTO_REQ_CRC_RESULT, 0, 0,
		              QDFU_PROTO_CRC_RESULT_LEN);
		break;
	case FZ_DETACH:
		vusb_mk_setup(s, 0x21, DFU_REQ_DETACH, fz_u16(in), 0, 0);
		break;
	default:
		return false;
	}
	(void)fz_request(h, kind, mod, s, buf);
	return true;
}

/* Operations that carry data or change the board's life. */
static inline void fz_complex(const struct fz_host *h, struct fz_in *in, uint8_t kind, unsigned mod,
                              uint8_t *buf)
{
	uint8_t s[8];
	uint32_t a;
	switch (kind) {
	case FZ_DNLOAD: {
		uint16_t block = fz_u16(in), len = fz_len(in);
		fz_fill(buf, len, fz_u8(in));
		vusb_mk_setup(s, 0x21, DFU_REQ_DNLOAD, block, 0, len);
		(void)fz_request(h, kind, mod, s, buf);
		break;
	}
	case FZ_SET_ADDRESS:
	case FZ_ERASE:
		a = fz_addr(in);
		buf[0] = kind == FZ_ERASE ? DFUSE_CMD_ERASE : DFUSE_CMD_SET_ADDRESS;
		memcpy(buf + 1, &a, 4); /* little-endian hosts only (as the simulator) */
		fz_dnload_cmd(h, kind, mod, buf, 5);
		break;
	case FZ_MASS_ERASE:
	case FZ_UNPROTECT:
		buf[0] = kind == FZ_MASS_ERASE ? DFUSE_CMD_ERASE : DFUSE_CMD_READ_UNPROTECT;
		fz_dnload_cmd(h, kind, mod, buf, 1);
		break;
	case FZ_COMMAND: {
		uint16_t len = fz_u8(in) % 16u;
		for (uint16_t i = 0; i < len; i++)
			buf[i] = fz_u8(in);
		fz_dnload_cmd(h, kind, mod, buf, len);
		break;
	}
	case FZ_CRC_START:
		a = fz_addr(in);
		memcpy(buf, &a, 4);
		a = fz_u32(in) % (4u * 1024u * 1024u + 64u);
		memcpy(buf + 4, &a, 4);
		vusb_mk_setup(s, QDFU_PROTO_RT_OUT, QDFU_PROTO_REQ_CRC_START, 0, 0, 8);
		(void)fz_request(h, kind, mod, s, buf);
		break;
	case FZ_RAW: {
		for (unsigned i = 0; i < 8; i++)
			s[i] = fz_u8(in);
		uint16_t len = (uint16_t)(s[6] | s[7] << 8);
		if (len > FZ_BUF_SIZE)
			len = (uint16_t)(len % (FZ_BUF_SIZE + 1u));
		s[6] = (uint8_t)len;
		s[7] = (uint8_t)(len >> 8);
		fz_fill(buf, len, fz_u8(in));
		(void)fz_request(h, kind, mod, s, buf);
		break;
	}
	case FZ_BUS_RESET:
		h->bus_reset();
		break;
	case FZ_PASS_TIME:
		h->pass_ms(fz_ms(fz_u8(in)));
		break;
	case FZ_POWER_CUT:
		h->power_cut(fz_u8(in) & 1u);
		break;
	default: /* FZ_POLL_IDLE */
		fz_poll_idle(h, mod, buf);
		break;
	}
}

/* Run the sequence after the configuration byte. */
static inline void fz_run(const struct fz_host *h, const uint8_t *data, size_t size)
{
	static uint8_t buf[FZ_BUF_SIZE];
	struct fz_in in = {data, size, 1};
	fz_stats.inputs++;
	fz_check_dfu(h, 0xFF);
	for (unsigned n = 0; n < FZ_MAX_OPS && in.pos < in.n; n++) {
		uint8_t op = fz_u8(&in), kind = (uint8_t)((op & 0x1Fu) % FZ_KINDS);
		unsigned mod = op >> 5;
		memset(buf, 0, 16);
		if (fz_tracing() &&
		    (kind == FZ_BUS_RESET || kind == FZ_PASS_TIME || kind == FZ_POWER_CUT))
			fprintf(stderr, "op %2u  (%s)\n", kind,
			        kind == FZ_BUS_RESET   ? "bus reset"
			        : kind == FZ_PASS_TIME ? "time"
			                               : "power cut");
		if (!fz_simple(h, &in, kind, mod, buf))
			fz_complex(h, &in, kind, mod, buf);
		fz_stats.ops++;
		fz_check_dfu(h, kind);
	}
}

/* What the run reached: requests accepted per state. */
static inline void fz_report(const char *target)
{
	static const char *const states[] = {
	    "appIDLE",          "appDETACH",   "dfuIDLE",
	    "dfuDNLOAD-SYNC",   "dfuDNBUSY",   "dfuDNLOAD-IDLE",
	    "dfuMANIFEST-SYNC", "dfuMANIFEST", "dfuMANIFEST-WAIT-RESET",
	    "dfuUPLOAD-IDLE",   "dfuERROR"};
	static const char *const kinds[] = {
	    "GETSTATUS",  "GETSTATE",   "CLRSTATUS", "ABORT",     "DNLOAD", "SET_ADDR",
	    "ERASE",      "MASS_ERASE", "UNPROTECT", "COMMAND",   "LEAVE",  "UPLOAD",
	    "SET_ALT",    "RESET",      "TIME",      "POWER_CUT", "INFO",   "CRC_START",
	    "CRC_RESULT", "RAW",        "POLL",      "DETACH"};
	unsigned pairs = 0, states_seen = 0;
	fprintf(stderr,
	        "%s: %lu inputs, %lu operations, %lu stalls, %lu timeouts, "
	        "%lu abandoned, %lu boots\n",
	        target, fz_stats.inputs, fz_stats.ops, fz_stats.stalls, fz_stats.timeouts,
	        fz_stats.abandoned, fz_stats.boots);
	for (unsigned st = 0; st < DFU_STATE_COUNT; st++) {
		unsigned long any = 0;
		char line[512];
		int at = snprintf(line, sizeof(line), "  %-22s", states[st]);
		for (unsigned k = 0; k < FZ_KINDS; k++) {
			any += fz_stats.seen[st][k];
			if (fz_stats.seen[st][k] && at < (int)sizeof(line) - 24) {
				pairs++;
				at += snprintf(line + at, sizeof(line) - (size_t)at, " %s%s",
				               kinds[k], fz_stats.ok[st][k] ? "" : "(stall)");
			}
		}
		if (any) {
			states_seen++;
			fprintf(stderr, "%s\n", line);
		}
	}
	fprintf(stderr, "%s: %u states, %u (state, request) pairs reached\n", target, states_seen,
	        pairs);
}

/* libFuzzer's optional initializer (what the run reached is printed at
 * exit) and, without libFuzzer, main() replaying and mutating stored
 * inputs (replay_files.h). */
#ifdef QDFU_LIBFUZZER
#define FZ_MAIN
#else
#define FZ_MAIN                                                                                    \
	int main(int argc, char **argv)                                                            \
	{                                                                                          \
		LLVMFuzzerInitialize(&argc, &argv);                                                \
		return replay_main(argc, argv);                                                    \
	}
#include "replay_files.h"
#endif
#define FZ_ENTRY_POINTS(name)                                                                      \
	static void fz_at_exit(void)                                                               \
	{                                                                                          \
		fz_report(name);                                                                   \
	}                                                                                          \
	int LLVMFuzzerInitialize(int *argc, char ***argv);                                         \
	int LLVMFuzzerInitialize(int *argc, char ***argv)                                          \
	{                                                                                          \
		(void)argc;                                                                        \
		(void)argv;                                                                        \
		atexit(fz_at_exit);                                                                \
		return 0;                                                                          \
	}                                                                                          \
	FZ_MAIN

#endif
