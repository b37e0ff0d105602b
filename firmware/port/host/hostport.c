/* SPDX-License-Identifier: MIT */
/*
 * hostport_setup / save / teardown: bring up the simulated board for one
 * device process: system services, the USB controller model, and the two
 * memory backends (internal flash: host_iflash_*, QSPI NOR: host_qspi_*).
 */
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "host_internal.h"
#include "host_sys.h"
#include "hostport.h"

#define HOSTPORT_PATH_MAX 4096

static struct {
	bool up;
	struct hostport_config cfg;
	char state_dir[HOSTPORT_PATH_MAX];
	char chip[2][64];
	bool qspi_up;
} g_hp;

int hostport_setup(const struct hostport_config *cfg)
{
	if (!cfg || !cfg->board)
		return QDFU_E_PARAM;
	if (g_hp.up)
		hostport_teardown();
	memset(&g_hp, 0, sizeof(g_hp));
	g_hp.cfg = *cfg;
	if (cfg->state_dir) {
		if (strlen(cfg->state_dir) >= sizeof(g_hp.state_dir))
			return QDFU_E_PARAM;
		strcpy(g_hp.state_dir, cfg->state_dir);
		g_hp.cfg.state_dir = g_hp.state_dir;
	}
	for (int i = 0; i < 2; i++) {
		if (!cfg->chips[i])
			continue;
		if (strlen(cfg->chips[i]) >= sizeof(g_hp.chip[i]))
			return QDFU_E_PARAM;
		strcpy(g_hp.chip[i], cfg->chips[i]);
		g_hp.cfg.chips[i] = g_hp.chip[i];
	}

	host_system_configure(&g_hp.cfg);
	host_usb_configure(&g_hp.cfg);

	int r = host_iflash_setup(cfg->board, g_hp.cfg.state_dir);
	if (r == QDFU_E_NO_DEVICE) {
		/* Only the temporary fallback answers this: run without. */
		fprintf(stderr, "hostport: no internal flash model for %s\n", cfg->board->name);
	} else if (r < 0) {
		return r;
	}
	r = host_qspi_setup(cfg->board, g_hp.cfg.chips, g_hp.cfg.state_dir);
	if (r == QDFU_E_NO_DEVICE) {
		/* Like a board whose NOR chip does not answer: the bootloader
		 * still runs, with internal flash only. */
		fprintf(stderr, "hostport: no QSPI flash model for %s\n", cfg->board->name);
	} else if (r < 0) {
		host_iflash_teardown();
		return r;
	} else {
		g_hp.qspi_up = true;
	}
	g_hp.up = true;
	return QDFU_OK;
}

int hostport_save(void)
{
	if (!g_hp.up || !g_hp.cfg.state_dir)
		return QDFU_OK;
	int r = host_iflash_save(g_hp.cfg.state_dir);
	if (g_hp.qspi_up) {
		int q = host_qspi_save(g_hp.cfg.state_dir);
		if (r == QDFU_OK)
			r = q;
	}
	return r;
}

void hostport_teardown(void)
{
	if (!g_hp.up)
		return;
	if (g_hp.qspi_up)
		host_qspi_teardown();
	host_iflash_teardown();
	host_usb_teardown();
	g_hp.up = false;
	g_hp.qspi_up = false;
}
