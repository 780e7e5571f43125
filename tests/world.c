/* SPDX-License-Identifier: MIT */
/* The world outside the chip: the sim's control API on sim boards, gpio-sim
 * on real kernels (world_gpiosim.c). */
#include <stdlib.h>
#include <string.h>

#include "world.h"

struct world {
	pinwatch_board *board;
	int sim;
	struct world *real;   /* the gpio-sim world, for other boards */
};

struct world *world_open(pinwatch_board *b)
{
	const char *backend = pinwatch_board_backend(b);
	struct world *w;

	if (!backend)
		return NULL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->board = b;
	w->sim = !strcmp(backend, "sim");
	if (!w->sim) {
		w->real = world_gpiosim_open(b);
		if (!w->real) {
			free(w);
			return NULL;
		}
	}
	return w;
}

void world_close(struct world *w)
{
	if (!w)
		return;
	if (w->real)
		world_gpiosim_close(w->real);
	free(w);
}

int world_drive(struct world *w, const char *pin, int level)
{
	if (w->sim)
		return pinwatch_sim_drive(w->board, pin, level);
	return world_gpiosim_drive(w->real, pin, level);
}

int world_sense(struct world *w, const char *pin)
{
	if (w->sim)
		return pinwatch_sim_sense(w->board, pin);
	return world_gpiosim_sense(w->real, pin);
}

int world_can_wire(struct world *w)
{
	return w->sim;
}
