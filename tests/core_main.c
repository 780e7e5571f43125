/* SPDX-License-Identifier: MIT */
/* test-core: the core's rules (docs/guarantees.md), each under a test that
 * fails on the naive design. */
#include <stdlib.h>

#include "core.h"

int main(void)
{
	SRunner *sr = srunner_create(core_fds_suite());
	srunner_add_suite(sr, core_lifetime_suite());
	srunner_add_suite(sr, core_removal_suite());
	srunner_add_suite(sr, core_events_suite());
	srunner_add_suite(sr, core_api_suite());
	srunner_add_suite(sr, core_teardown_suite());
	srunner_add_suite(sr, core_idle_suite());
	srunner_add_suite(sr, core_batch_suite());
	srunner_add_suite(sr, core_group_suite());
	srunner_add_suite(sr, core_group_adv_suite());
	srunner_add_suite(sr, core_info_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
