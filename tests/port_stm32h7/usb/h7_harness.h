/* SPDX-License-Identifier: MIT */
/*
 * Test harness for the real STM32H7 port code compiled for the host
 * (QDFU_HOST_MMIO): system-block models and a DWC2 model on the MMIO bus,
 * virtual time, and a virtual host that lets the device run (interrupt +
 * main loop) between transactions.
 */
#ifndef QDFU_TESTS_H7_HARNESS_H
#define QDFU_TESTS_H7_HARNESS_H

#include <stdbool.h>

#include "boards/board.h"
#include "sim/h7/dwc2_model.h"
#include "sim/h7/dwc2_vhost.h"
#include "sim/h7/h7_sys_model.h"

struct h7h {
	const struct board *b;
	struct dwc2_model *m;
	struct dwc2_vhost host;
	void (*task)(void); /* the device's main loop body */
	unsigned irq_stuck; /* interrupt still pending after many handler runs */
	unsigned irq_runs;
};
extern struct h7h h7h;

/* Models for board b (the DWC2 instance and PHY its wiring uses). */
int h7h_setup(const struct board *b, void (*task)(void));
/* The same with explicit system-model settings (wiring, preconfigured
 * supply); NULL = as the board file says. */
int h7h_setup_ex(const struct board *b, void (*task)(void), const struct h7_sys_config *cfg);
void h7h_teardown(void);
/* Run the interrupt handler while the line is pending, then the task. */
void h7h_service(void *ctx);
/* The DWC2 base address and PHY used by a board. */
uintptr_t h7h_usb_base(const struct board *b);
enum dwc2m_phy h7h_usb_phy(const struct board *b);

/* Recorded by the harness's port_start_app(). */
extern bool h7h_app_started;
/* Set before h7h_setup: nothing answers at the PMIC's address. */
extern bool h7h_pmic_absent;
extern uint32_t h7h_app_vtor;

#endif
