/* SPDX-License-Identifier: MIT */
/*
 * Per-thread error messages: the core frames them ("pin N3 (pioC:1): enable
 * edges: <strerror>"), backends add the cause with pw_detail().
 *
 * A detail belongs to the one failure it explains, never to a later one
 * (issue 12, defect 2: "watcher new: epoll_create1: Too many open files:
 * injected fault (call 1)", the detail of a read fault handled long before).
 * Three rules keep it so:
 *  - pw_fail() and pw_errorf() consume the detail: set, then framed once;
 *  - every public entry point starts with no detail (pw_detail_clear():
 *    board, pin and watch calls, and every backend control call through
 *    pw_board_backend_state(); pinwatch_watcher_start and _dispatch do not
 *    yet), so a detail left by a failure that was handled (a retried
 *    read, a best-effort lookup) dies with its call;
 *  - a failed descriptor syscall passed to pw_fd_own() clears it too: the
 *    errno of that syscall is the cause of the caller's next error.
 * Code that handles a failure itself should still pw_detail_clear().
 */
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
