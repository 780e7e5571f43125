/* SPDX-License-Identifier: MIT */
/* Shared by the core suites (test-core). */
#ifndef PINWATCH_TESTS_CORE_H
#define PINWATCH_TESTS_CORE_H

#include <check.h>

#include "helpers.h"
#include "pinwatch.h"
#include "testutil.h"

Suite *core_fds_suite(void);
Suite *core_lifetime_suite(void);
Suite *core_removal_suite(void);
Suite *core_events_suite(void);
Suite *core_api_suite(void);
Suite *core_teardown_suite(void);
Suite *core_idle_suite(void);
Suite *core_batch_suite(void);
Suite *core_group_suite(void);
Suite *core_group_adv_suite(void);   /* groups attacked from outside */
Suite *core_info_suite(void);   /* line-info watch, event clock */

#endif
