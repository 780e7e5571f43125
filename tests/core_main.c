/* SPDX-License-Identifier: MIT */
/* test-core: the core's rules (docs/guarantees.md), each under a test that
 * fails on the naive design. */
#include <stdlib.h>

#include "core.h"

void open_board_pin(pinwatch_board **b, const char *name, pinwatch_pin **p)
{
	ck_assert_int_eq(pinwatch_board_open(VBOARD, b), 0);
	ck_assert_int_eq(pinwatch_pin_open(*b, name, NULL, p), 0);
}

void toggle(pinwatch_board *b, const char *name, int n)
{
	for (int i = 0; i < n; i++) {
		ck_assert_int_eq(pinwatch_sim_drive(b, name, 1), 0);
		ck_assert_int_eq(pinwatch_sim_drive(b, name, 0), 0);
	}
}

int drain(pinwatch_watcher *w)
{
	int total = 0, n;

	while ((n = pinwatch_watcher_dispatch(w, 0)) > 0)
		total += n;
	ck_assert_int_ge(n, 0);
	return total;
}

void count_cb(const struct pinwatch_event *ev, void *ctx)
{
	(void)ev;
	__atomic_add_fetch((int *)ctx, 1, __ATOMIC_SEQ_CST);
}

int main(void)
{
	SRunner *sr = srunner_create(core_fds_suite());
	srunner_add_suite(sr, core_lifetime_suite());
	srunner_add_suite(sr, core_removal_suite());
	srunner_add_suite(sr, core_events_suite());
	srunner_add_suite(sr, core_api_suite());
	srunner_add_suite(sr, core_teardown_suite());
	srunner_add_suite(sr, core_idle_suite());
	srunner_add_suite(sr, core_info_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
