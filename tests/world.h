/* SPDX-License-Identifier: MIT */
/*
 * The world outside the chip, for the conformance suite: drive an input's
 * level from outside and sense what an output drives, on whichever board the
 * suite runs against.  On sim boards this is pinwatch_sim_*; on a real kernel
 * with gpio-sim it is gpio-sim's sysfs attributes (world_gpiosim.c).
 */
#ifndef PINWATCH_TESTS_WORLD_H
#define PINWATCH_TESTS_WORLD_H

#include <stddef.h>

#include "pinwatch.h"

struct world;

/* NULL if this board's world cannot be driven (the message says why). */
struct world *world_open(pinwatch_board *b);
void world_close(struct world *w);
/* Physical level 0/1 from outside on the named pin; 0 or -errno. */
int world_drive(struct world *w, const char *pin, int level);
/* Physical level of the named pin as seen from outside: 0/1 or -errno. */
int world_sense(struct world *w, const char *pin);
/* 1 if this world can jumper an output onto an input (the sim can). */
int world_can_wire(struct world *w);

/* The Check fixture of the suites on a board with a world (world_fixture.c):
 * open SPEC, its world and a watcher, and drive the N LOW_PINS low; the
 * teardown closes all three and clears the pointers. */
void world_fixture_setup(const char *spec, const char *const *low_pins, size_t n,
			 pinwatch_board **board, struct world **world,
			 pinwatch_watcher **watcher);
void world_fixture_teardown(pinwatch_board **board, struct world **world,
			    pinwatch_watcher **watcher);

/* gpio-sim implementation, used by world_open() for sysfs/chardev boards. */
struct world *world_gpiosim_open(pinwatch_board *b);
int world_gpiosim_drive(struct world *w, const char *pin, int level);
int world_gpiosim_sense(struct world *w, const char *pin);
void world_gpiosim_close(struct world *w);

#endif
