/* SPDX-License-Identifier: MIT */
/*
 * PINWATCH_DEBUG=handles,leaks (or "all").
 *  handles: every closed handle is kept (quarantined) and marked dead, so a
 *           second close is reported with where the handle was opened
 *           instead of corrupting memory.
 *  leaks:   at exit, list every board, pin, watcher and descriptor still
 *           open, and where it was opened.
 * Nothing is printed unless one of them is set.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef HAVE_EXECINFO_H
#include <execinfo.h>
#endif

#include "internal.h"

PW_HIDDEN void pw_fd_report(FILE *out);

static pthread_once_t debug_once = PTHREAD_ONCE_INIT;
static unsigned debug_flags;
static struct pw_handle live = { .prev = &live, .next = &live };
/* Closed handles kept under PINWATCH_DEBUG=handles: still reachable, so leak
 * checkers do not mistake the quarantine for a leak. */
static struct pw_handle *quarantine;

static void report_leaks(void)
{
	pw_lock();
	for (struct pw_handle *h = live.next; h != &live; h = h->next) {
		fprintf(stderr, "pinwatch: leak: %s still open, opened at:\n", h->what);
#ifdef HAVE_EXECINFO_H
		backtrace_symbols_fd(h->opened_at, h->opened_depth, 2);
#endif
	}
	pw_unlock();
	pw_fd_report(stderr);
}

static void debug_init(void)
{
	const char *v = getenv("PINWATCH_DEBUG");

	if (!v)
		return;
	if (strstr(v, "handles") || strstr(v, "all"))
		debug_flags |= PW_DEBUG_HANDLES;
	if (strstr(v, "leaks") || strstr(v, "all"))
		debug_flags |= PW_DEBUG_LEAKS;
	if (debug_flags & PW_DEBUG_LEAKS)
		atexit(report_leaks);
}

unsigned pw_debug_flags(void)
{
	pthread_once(&debug_once, debug_init);
	return debug_flags;
}

void pw_handle_open(struct pw_handle *h, int kind, const char *what)
{
	h->magic = PW_MAGIC_LIVE;
	h->kind = kind;
	snprintf(h->what, sizeof(h->what), "%s", what);
	h->opened_depth = 0;
	if (pw_debug_flags()) {
#ifdef HAVE_EXECINFO_H
		h->opened_depth = backtrace(h->opened_at, (int)PW_ARRAY_SIZE(h->opened_at));
#endif
	}
	h->next = &live;
	h->prev = live.prev;
	live.prev->next = h;
	live.prev = h;
}

int pw_live(const void *obj, int kind)
{
	const struct pw_handle *h = obj;

	return h && h->magic == PW_MAGIC_LIVE && h->kind == kind;
}

int pw_handle_close(struct pw_handle *h, int kind, const char *op)
{
	if (pw_live(h, kind)) {
		h->magic = PW_MAGIC_DEAD;
		h->prev->next = h->next;
		h->next->prev = h->prev;
		h->prev = h->next = h;
		return 0;
	}
	if (pw_debug_flags() & PW_DEBUG_HANDLES) {
		if (h->magic == PW_MAGIC_DEAD) {
			fprintf(stderr, "pinwatch: %s: double close of %s, which was opened at:\n", op, h->what);
#ifdef HAVE_EXECINFO_H
			backtrace_symbols_fd(h->opened_at, h->opened_depth, 2);
#endif
		} else {
			fprintf(stderr, "pinwatch: %s: %p is not a live handle of this kind\n", op, (void *)h);
		}
	}
	return -1;
}

void pw_handle_free(struct pw_handle *h)
{
	if (!(pw_debug_flags() & PW_DEBUG_HANDLES)) {
		free(h);
		return;
	}
	h->next = quarantine;   /* prev keeps pointing at itself: unlinked */
	quarantine = h;
}
