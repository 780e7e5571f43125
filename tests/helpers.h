/* SPDX-License-Identifier: MIT */
/*
 * The tests' one vocabulary for setting up through the public API: each
 * *_or_fail helper makes one object or fails the running Check test with
 * the call's result and pinwatch_last_error(), so a test body reads as what
 * it proves.  Shared by test-core, test-sim and the conformance suites.
 */
#ifndef PINWATCH_TESTS_HELPERS_H
#define PINWATCH_TESTS_HELPERS_H

#include <check.h>
#include <stddef.h>

#include "pinwatch.h"

/* A virtual-clock Aria G25: every edge is made by the test, exactly. */
#define VBOARD "sim:aria-g25,clock=virtual"

pinwatch_board *board_or_fail(const char *spec);
/* cfg NULL: the defaults (an input). */
pinwatch_pin *pin_or_fail(pinwatch_board *b, const char *name,
			  const struct pinwatch_pin_config *cfg);
pinwatch_watcher *watcher_or_fail(void);
pinwatch_watch_id watch_or_fail(pinwatch_watcher *w, pinwatch_pin *p,
				const struct pinwatch_watch_config *cfg);
struct pinwatch_watch_stats stats_or_fail(pinwatch_watcher *w, pinwatch_watch_id id);
struct pinwatch_sim_line_stats line_stats_or_fail(pinwatch_board *b, const char *name);

/* Open VBOARD and input pin NAME. */
void open_board_pin(pinwatch_board **b, const char *name, pinwatch_pin **p);
/* Drive NAME high then low n times (2n edges from low) on a sim board. */
void toggle(pinwatch_board *b, const char *name, int n);
/* Dispatch until nothing is pending (caller-driven watchers); returns the
 * raw events handled. */
int drain(pinwatch_watcher *w);
/* Drive NAME high and dispatch its one edge (caller-driven W): the watch
 * has seen the line's seqno before a test's own edges. */
void prime(pinwatch_board *b, pinwatch_watcher *w, const char *name);
/* Everything queued on a queue watch, without waiting. */
size_t take(pinwatch_watcher *w, pinwatch_watch_id id, struct pinwatch_event *ev, size_t max);

/* The Check fixture of a test on one input: VBOARD, its input pin N3 and
 * a caller-driven watcher, opened before the test and closed after it
 * (tcase_add_checked_fixture(tc, one_pin_setup, one_pin_teardown)). */
struct one_pin_fixture {
	pinwatch_board *board;
	pinwatch_pin *pin;
	pinwatch_watcher *watcher;
};
extern struct one_pin_fixture fx;
void one_pin_setup(void);
void one_pin_teardown(void);

/* Line groups (issue 16).  The boards of a test case: vboard (VBOARD) and
 * rboard (RBOARD, the real clock), each through the core's merge across
 * per-line descriptors (merge_boards, the default) or with groups=fd, a
 * group's edges on one descriptor (fd_boards): unchecked fixtures. */
#define RBOARD "sim:aria-g25"
extern char vboard[64], rboard[64];
void merge_boards(void);
void fd_boards(void);
/* cfg NULL: inputs with the defaults. */
pinwatch_group *group_or_fail(pinwatch_board *b, const char *const *names, size_t n,
			      const struct pinwatch_pin_config *cfg);
pinwatch_watch_id gwatch_or_fail(pinwatch_watcher *w, pinwatch_group *g,
				 const struct pinwatch_watch_config *cfg);

/* A callback that counts, atomically, into *(int *)ctx. */
void count_cb(const struct pinwatch_event *ev, void *ctx);
/* strstr as a truth value, for messages. */
int has(const char *haystack, const char *needle);

#endif
