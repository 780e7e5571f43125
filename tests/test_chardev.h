/* SPDX-License-Identifier: MIT */
/* test-chardev's suites. */
#ifndef PINWATCH_TEST_CHARDEV_H
#define PINWATCH_TEST_CHARDEV_H

#include <check.h>
#include <stddef.h>

/* Without a GPIO kernel: discovery, the spec argument, failure paths. */
Suite *chardev_suite(void);
/* On a kernel with gpio-sim laid out like the Aria G25 (the VM rig), on the
 * board SPEC ("chardev,board=aria-g25"). */
Suite *chardev_kernel_suite(const char *spec);
/* Open SPEC as user and group 65534 in a child process: 0 if that failed
 * with -EACCES, else non-zero; pinwatch_last_error() of the child in msg. */
int chardev_open_as_nobody(const char *spec, char *msg, size_t len);

#endif
