/* SPDX-License-Identifier: MIT */
#include "ospi_harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "bus_harness.h"

#include "common/err.h"
#include "hal/port.h"
#include "nor/nor.h"
#include "port/stm32h7/h7.h"
#include "port/stm32h7/h7_sys.h"
#include "port/stm32h7/mmio.h"
#include "sim/clock/vclock.h"
#include "sim/h7/mmio_bus.h"
#include "sim/h7/octospi_model.h"
#include "sim/h7/scs_model.h"
#include "sim/nor/nor_model.h"

#define RCC_AHB3ENR_OFF 0xD4u

struct nor_chip *ospi_chips[2];

void ospi_setup(const char *part, bool dual)
{
	bus_harness_reset();
	bus_harness_crc();
	ospi_chips[0] = nor_chip_create(part);
	ospi_chips[1] = dual ? nor_chip_create(part) : NULL;
	assert_non_null(ospi_chips[0]);
	assert_int_equal(octospi_model_init(ospi_chips[0], ospi_chips[1]), 0);
	octospi_model_rcc(&bus_rcc[RCC_AHB3ENR_OFF / 4u]);
}

int ospi_teardown(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 2; i++) {
		if (ospi_chips[i])
			nor_chip_destroy(ospi_chips[i]);
		ospi_chips[i] = NULL;
	}
	mmio_reset();
	return 0;
}

int ospi_run(int rc)
{
	if (rc)
		return rc;
	for (int i = 0; i < 1000000 && (rc = nor_poll()) == QDFU_E_BUSY; i++)
		port_wait_hint();
	return rc;
}
