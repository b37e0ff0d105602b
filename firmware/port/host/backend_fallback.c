/* SPDX-License-Identifier: MIT */
/*
 * TEMPORARY: weak stand-ins for the memory backends (iflash_host.c and
 * qspi_host.c) so the simulator links before they exist. The real
 * definitions override these. DELETE THIS FILE once both backends are in.
 */
#include <stdio.h>

#include "common/err.h"
#include "host_internal.h"

#define QDFU_WEAK __attribute__((weak))

QDFU_WEAK int host_iflash_setup(const struct board *b, const char *state_dir)
{
	(void)b;
	(void)state_dir;
	fprintf(stderr, "hostport: internal flash backend not built (fallback)\n");
	return QDFU_E_NO_DEVICE;
}

QDFU_WEAK int host_iflash_save(const char *state_dir)
{
	(void)state_dir;
	return QDFU_E_NO_DEVICE;
}

QDFU_WEAK void host_iflash_teardown(void)
{
}

QDFU_WEAK int host_qspi_setup(const struct board *b, const char *const chips[2],
                              const char *state_dir)
{
	(void)b;
	(void)chips;
	(void)state_dir;
	fprintf(stderr, "hostport: QSPI backend not built (fallback)\n");
	return QDFU_E_NO_DEVICE;
}

QDFU_WEAK int host_qspi_save(const char *state_dir)
{
	(void)state_dir;
	return QDFU_E_NO_DEVICE;
}

QDFU_WEAK void host_qspi_teardown(void)
{
}
