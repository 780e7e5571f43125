/* SPDX-License-Identifier: MIT */
/* Shared by the core suites (test-core). */
#ifndef PINWATCH_TESTS_CORE_H
#define PINWATCH_TESTS_CORE_H

#include <check.h>

#include "pinwatch.h"
#include "testutil.h"

/* A virtual-clock Aria G25: every edge is made by the test, exactly. */
#define VBOARD "sim:aria-g25,clock=virtual"

Suite *core_fds_suite(void);
Suite *core_lifetime_suite(void);
Suite *core_removal_suite(void);
Suite *core_events_suite(void);
Suite *core_api_suite(void);
Suite *core_teardown_suite(void);
Suite *core_idle_suite(void);
Suite *core_info_suite(void);   /* line-info watch, event clock */

/* Open VBOARD and input pin NAME. */
void open_board_pin(pinwatch_board **b, const char *name, pinwatch_pin **p);
/* Drive NAME high then low n times (2n edges from low) on a sim board. */
void toggle(pinwatch_board *b, const char *name, int n);
/* Dispatch until nothing is pending (caller-driven watchers). */
int drain(pinwatch_watcher *w);

/* A callback that counts, atomically, into *(int *)ctx. */
void count_cb(const struct pinwatch_event *ev, void *ctx);

#endif
