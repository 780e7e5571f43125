/* SPDX-License-Identifier: MIT */
/* The runtime backend table: every backend of the build, side by side.
 * A new backend is one file plus one line here. */
#include <string.h>

#include "internal.h"

static const struct pw_backend_ops *const backends[] = {
#ifdef HAVE_CHARDEV
	&pw_backend_chardev,
#endif
	&pw_backend_sysfs,
	&pw_backend_counter,
	&pw_backend_sim,
};

const struct pw_backend_ops *pw_backend_find(const char *name)
{
	for (size_t i = 0; i < PW_ARRAY_SIZE(backends); i++)
		if (!strcmp(backends[i]->name, name))
			return backends[i];
	return NULL;
}

const char *pw_backend_names(void)
{
#ifdef HAVE_CHARDEV
	return "sim, sysfs, chardev, counter, auto";
#else
	return "sim, sysfs, counter, auto (chardev: not built, libgpiod was not found)";
#endif
}

/* chardev if /dev/gpiochip* exists, else sysfs; the sim is never a guess. */
const struct pw_backend_ops *pw_backend_auto(void)
{
	for (size_t i = 0; i < PW_ARRAY_SIZE(backends); i++)
		if (backends[i]->probe && backends[i]->probe() > 0)
			return backends[i];
	return NULL;
}
