/* SPDX-License-Identifier: MIT */
/* Per-thread error messages: the core frames them ("pin N3 (pioC:1): enable
 * edges: <strerror>"), backends add the cause with pw_detail(). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static __thread char last_error[512];
static __thread char detail[192];

PINWATCH_API const char *pinwatch_last_error(void)
{
	return last_error;
}

void pw_detail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
}

void pw_detail_clear(void)
{
	detail[0] = '\0';
}

int pw_fail(int err, const char *fmt, ...)
{
	char ctx[224];
	char errbuf[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx, sizeof(ctx), fmt, ap);
	va_end(ap);
	/* strerror_r (GNU) may return a static string instead of filling buf */
	const char *why = strerror_r(err < 0 ? -err : err, errbuf, sizeof(errbuf));
	if (detail[0])
		snprintf(last_error, sizeof(last_error), "%s: %s: %s", ctx, why, detail);
	else
		snprintf(last_error, sizeof(last_error), "%s: %s", ctx, why);
	detail[0] = '\0';
	return err;
}

int pw_errorf(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	detail[0] = '\0';
	return err;
}
