/* SPDX-License-Identifier: MIT */
/* The runtime backend table: every backend of the build, side by side.
 * A new backend is one file plus one line here. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static const struct pw_backend_ops *const backends[] = {
	&pw_backend_counter,   /* no probe: counting only, never "auto" */
#ifdef HAVE_CHARDEV
	&pw_backend_chardev,
#endif
	&pw_backend_sysfs,
	&pw_backend_sim,
};

const struct pw_backend_ops *pw_backend_find(const char *name)
{
	for (size_t i = 0; i < PW_ARRAY_SIZE(backends); i++)
		if (!strcmp(backends[i]->name, name))
			return backends[i];
	return NULL;
}

static char names[128];
static pthread_once_t names_once = PTHREAD_ONCE_INIT;

/* The table is in "auto" probe order; the list reads from the simplest. */
static void list_names(void)
{
	size_t n = 0;

	for (size_t i = PW_ARRAY_SIZE(backends); i-- > 0;)
		n += (size_t)snprintf(names + n, sizeof(names) - n, "%s, ", backends[i]->name);
	snprintf(names + n, sizeof(names) - n, "auto%s",
#ifdef HAVE_CHARDEV
		 ""
#else
		 " (chardev: not built, libgpiod was not found)"
#endif
	);
}

const char *pw_backend_names(void)
{
	pthread_once(&names_once, list_names);
	return names;
}

/* chardev if /dev/gpiochip* exists, else sysfs; the sim is never a guess. */
const struct pw_backend_ops *pw_backend_auto(void)
{
	for (size_t i = 0; i < PW_ARRAY_SIZE(backends); i++)
		if (backends[i]->probe && backends[i]->probe() > 0)
			return backends[i];
	return NULL;
}
