/* SPDX-License-Identifier: MIT */
#include "internal.h"

PINWATCH_API const char *pinwatch_version(void)
{
	return PACKAGE_VERSION;
}
