/* SPDX-License-Identifier: MIT */
/*
 * simport_setup / save / teardown: bring up the simulated board for one
 * device process: system services, the USB controller model, and the two
 * memory backends (internal flash: simport_iflash_*, QSPI NOR: simport_qspi_*).
 */
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "sim/port/simport_internal.h"
#include "sim/port/simport_sys.h"
#include "sim/port/simport.h"
#include "hal/port.h"
#include "sim/h7/h7_iflash.h"
#include "sim/nor/nor_model.h"

#define HOSTPORT_PATH_MAX 4096

static struct {
	bool up;
	struct simport_config cfg;
	char state_dir[HOSTPORT_PATH_MAX];
	char chip[2][64];
	bool qspi_up;
} g_hp;

int simport_setup(const struct simport_config *cfg)
{
	if (!cfg || !cfg->board)
		return QDFU_E_PARAM;
	if (g_hp.up)
		simport_teardown();
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

	simport_system_configure(&g_hp.cfg);
	simport_usb_configure(&g_hp.cfg);
	simport_crc_setup();

	int r = simport_iflash_setup(cfg->board, g_hp.cfg.state_dir);
	if (r == QDFU_E_NO_DEVICE) {
		/* Only the temporary fallback answers this: run without. */
		fprintf(stderr, "hostport: no internal flash model for %s\n", cfg->board->name);
	} else if (r < 0) {
		return r;
	}
	r = simport_qspi_setup(cfg->board, g_hp.cfg.chips, g_hp.cfg.state_dir);
	if (r == QDFU_E_NO_DEVICE) {
		/* Like a board whose NOR chip does not answer: the bootloader
		 * still runs, with internal flash only. */
		fprintf(stderr, "hostport: no QSPI flash model for %s\n", cfg->board->name);
	} else if (r < 0) {
		simport_iflash_teardown();
		return r;
	} else {
		g_hp.qspi_up = true;
		for (unsigned i = 0; cfg->nor_protect && i < 2; i++)
			if (simport_qspi_chip(i))
				nor_chip_protect_all(simport_qspi_chip(i));
	}
	g_hp.up = true;
	return QDFU_OK;
}

int simport_save(void)
{
	if (!g_hp.up || !g_hp.cfg.state_dir)
		return QDFU_OK;
	int r = simport_iflash_save(g_hp.cfg.state_dir);
	if (g_hp.qspi_up) {
		int q = simport_qspi_save(g_hp.cfg.state_dir);
		if (r == QDFU_OK)
			r = q;
	}
	return r;
}

bool simport_power_cut(const char **what)
{
	bool torn = false;
	const char *w = "no flash operation was running";
	struct h7_iflash *f = simport_iflash_model();
	if (f && h7_iflash_power_cut(f)) {
		torn = true;
		w = "torn: an internal flash erase or program";
	}
	for (unsigned i = 0; i < 2; i++) {
		struct nor_chip *c = simport_qspi_chip(i);
		struct nor_chip_state st;
		if (!c)
			continue;
		nor_chip_get_state(c, &st);
		if (st.busy) {
			torn = true;
			w = i ? "torn: a program or erase in QSPI chip 1"
			      : "torn: a program or erase in QSPI chip 0";
		}
		nor_chip_power_cycle(c);
	}
	simport_ram_power_on(0xC0FFEEu); /* RAM does not keep its contents either */
	simport_iflash_power(false);
	simport_qspi_power(false);
	port_noinit_set(0); /* no-init RAM does not survive power loss */
	port_usb_connect(false);
	if (what)
		*what = w;
	return torn;
}

void simport_teardown(void)
{
	if (!g_hp.up)
		return;
	if (g_hp.qspi_up)
		simport_qspi_teardown();
	simport_iflash_teardown();
	simport_usb_teardown();
	g_hp.up = false;
	g_hp.qspi_up = false;
}
