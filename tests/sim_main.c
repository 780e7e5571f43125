/* SPDX-License-Identifier: MIT */
/* test-sim: one suite "sim" of the parts in sim_world.c, sim_pulse.c and
 * sim_fault.c (sim_suites.h). */
#include <stdlib.h>

#include "sim_suites.h"

int main(void)
{
	Suite *s = suite_create("sim");

	sim_world_tcases(s);
	sim_pulse_tcases(s);
	sim_fault_tcases(s);

	SRunner *sr = srunner_create(s);

	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
