/* SPDX-License-Identifier: MIT */
/* Helpers shared by the Check suites: process resources and small waits. */
#ifndef PINWATCH_TESTUTIL_H
#define PINWATCH_TESTUTIL_H

#include <stddef.h>

/* Number of open descriptors (/proc/self/fd, minus the one listing it). */
int tu_count_fds(void);
/* Number of threads of this process (/proc/self/task). */
int tu_count_threads(void);
/* The thread count to compare with later: first starts and joins a thread,
 * so that runtimes which add a helper thread on first use (TSan) have. */
int tu_thread_baseline(void);
/* Fill fds[] with the open descriptor numbers (sorted); returns the count. */
size_t tu_list_fds(int *fds, size_t max);
/* Descriptors open now that were not in before[] (n_before); returns count. */
size_t tu_new_fds(const int *before, size_t n_before, int *out, size_t max);
/* Sleep for ms milliseconds (to let another thread run; never asserted). */
void tu_sleep_ms(int ms);
/* Wait until *flag != 0 (atomic load), up to ms; returns the flag. */
int tu_wait_flag(const int *flag, int ms);
/* Threads may take a moment to leave /proc/self/task after a join returns
 * (the kernel reaps them just after): wait until the count is <= want. */
int tu_threads_settle(int want);
/* The directory holding the test binaries (for helper programs). */
const char *tu_bin_dir(void);
/* In a forked child: exec the helper program path with argv[0] name and
 * one optional argument; never returns (_exit(127) if the exec fails).
 * Honours PINWATCH_TEST_EXEC_WRAPPER (see testutil.c). */
__attribute__((noreturn)) void tu_exec_helper(const char *path, const char *name,
					      const char *arg);

#endif
