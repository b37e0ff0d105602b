/* SPDX-License-Identifier: MIT */
/*
 * One error convention for the whole firmware: functions return 0 (QDFU_OK)
 * or a negative code below. Only the DFU class maps these to DFU bStatus
 * values (dfu/dfu_status.c), at the class boundary.
 */
#ifndef QDFU_COMMON_ERR_H
#define QDFU_COMMON_ERR_H

enum qdfu_err {
	QDFU_OK = 0,
	QDFU_E_BUSY = -1,         /* operation still running: poll again */
	QDFU_E_TIMEOUT = -2,      /* a hardware wait passed its deadline */
	QDFU_E_ADDRESS = -3,      /* address not mapped by any region */
	QDFU_E_PROTECTED = -4,    /* region/page is read-only (bootloader, journal) */
	QDFU_E_ERASE = -5,        /* the device reported an erase failure */
	QDFU_E_PROGRAM = -6,      /* the device reported a program failure */
	QDFU_E_NOT_ERASED = -7,   /* write to memory that is not erased */
	QDFU_E_VERIFY = -8,       /* data read back differs */
	QDFU_E_PARAM = -9,        /* bad argument (length, alignment, ...) */
	QDFU_E_UNSUPPORTED = -10, /* not implemented for this memory/chip */
	QDFU_E_NO_DEVICE = -11,   /* flash chip absent or not answering */
	QDFU_E_ECC = -12,         /* uncorrectable ECC error on read */
	QDFU_E_CORRUPT = -13,     /* stored table/record fails its check */
	QDFU_E_STATE = -14,       /* request not valid in the current state */
};

#endif
