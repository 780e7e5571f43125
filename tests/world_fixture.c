/* SPDX-License-Identifier: MIT */
/* The Check fixture of the suites that run against a board and its world
 * (conformance, test-chardev's kernel suite): one board, its world, one
 * watcher, and the suite's input pins driven low from outside. */
#include <check.h>

#include "world.h"

void world_fixture_setup(const char *spec, const char *const *low_pins, size_t n,
			 pinwatch_board **board, struct world **world,
			 pinwatch_watcher **watcher)
{
	ck_assert_msg(pinwatch_board_open(spec, board) == 0, "%s: %s", spec, pinwatch_last_error());
	*world = world_open(*board);
	ck_assert_msg(*world != NULL, "no world driver for %s", spec);
	ck_assert_int_eq(pinwatch_watcher_new(watcher), 0);
	/* a known starting level on the inputs */
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(world_drive(*world, low_pins[i], 0), 0);
}

void world_fixture_teardown(pinwatch_board **board, struct world **world,
			    pinwatch_watcher **watcher)
{
	pinwatch_watcher_free(*watcher);
	world_close(*world);
	pinwatch_board_close(*board);
	*watcher = NULL;
	*world = NULL;
	*board = NULL;
}
