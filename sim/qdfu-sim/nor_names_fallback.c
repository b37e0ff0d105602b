/* SPDX-License-Identifier: MIT */
/*
 * TEMPORARY: until the NOR chip models (sim/nor) land, qdfu-sim knows no
 * chip names. The real nor_model_names() overrides this weak one. DELETE
 * this file (and its line in CMakeLists.txt) once sim/nor/ provides it.
 */
#include <stddef.h>

#include "nor/nor_model.h"

__attribute__((weak)) const char *const *nor_model_names(void)
{
	static const char *const none[] = {NULL};
	return none;
}
