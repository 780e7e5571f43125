/* SPDX-License-Identifier: MIT */
/*
 * test-sim: the simulator backend, through the public API (and, where the
 * public API cannot see it — raw seqno, the descriptor's poll state — through
 * its operations table).  One file per part of sim/: sim_world.c,
 * sim_pulse.c, sim_fault.c; sim_main.c runs them as one suite.
 */
#ifndef PINWATCH_TESTS_SIM_SUITES_H
#define PINWATCH_TESTS_SIM_SUITES_H

#include <check.h>

#include "backend.h"
#include "helpers.h"
#include "testutil.h"

#define VARIA VBOARD

/* A pin with a direction, a bias and active-low. */
static inline pinwatch_pin *sim_pin_or_fail(pinwatch_board *b, const char *name, int dir,
					    int bias, int active_low)
{
	struct pinwatch_pin_config cfg = {
		.direction = dir, .bias = bias, .active_low = active_low,
	};

	return pin_or_fail(b, name, &cfg);
}

static inline pinwatch_pin *input_or_fail(pinwatch_board *b, const char *name)
{
	return sim_pin_or_fail(b, name, PINWATCH_DIR_INPUT, PINWATCH_BIAS_AS_IS, 0);
}

void sim_world_tcases(Suite *s);
void sim_pulse_tcases(Suite *s);
void sim_fault_tcases(Suite *s);

#endif
