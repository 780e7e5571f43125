/* SPDX-License-Identifier: MIT */
/* Misuses pinwatch on purpose, for the PINWATCH_DEBUG tests:
 *   double-close  close a pin, a watcher and a board twice
 *   leak          exit with a board, pin and watcher open
 *   clean         open and close everything
 *   group-after-close  close a watched group, then use and close it and a
 *                 member again (fails unless each use is refused) */
#include <stdio.h>
#include <string.h>

#include "pinwatch.h"

int main(int argc, char **argv)
{
	pinwatch_board *b;
	pinwatch_pin *p;
	pinwatch_watcher *w;
	pinwatch_watch_id id;
	const char *mode = argc > 1 ? argv[1] : "";

	if (pinwatch_board_open("sim:aria-g25", &b) || pinwatch_pin_open(b, "N3", NULL, &p) ||
	    pinwatch_watcher_new(&w) || pinwatch_watch_add(w, p, NULL, &id)) {
		fprintf(stderr, "setup: %s\n", pinwatch_last_error());
		return 1;
	}
	if (!strcmp(mode, "leak"))
		return 0;
	if (!strcmp(mode, "group-after-close")) {
		const char *names[] = { "N4", "N5" };
		pinwatch_group *g;
		pinwatch_watch_id gid;
		int v[2], bad = 0;
		if (pinwatch_group_open(b, names, 2, NULL, &g) || pinwatch_watch_add_group(w, g, NULL, &gid)) {
			fprintf(stderr, "setup: %s\n", pinwatch_last_error());
			return 1;
		}
		pinwatch_pin *m = pinwatch_group_pin(g, 0);
		pinwatch_group_close(g);
		bad |= pinwatch_group_size(g) != 0;
		bad |= pinwatch_group_pin(g, 0) != NULL;
		bad |= pinwatch_group_get(g, v) != -22;
		bad |= pinwatch_pin_get(m) != -22;
		bad |= pinwatch_watch_add_group(w, g, NULL, &gid) != -22;
		pinwatch_group_close(g);
		pinwatch_pin_close(m);
		if (bad)
			return 2;
	}
	pinwatch_pin_close(p);
	pinwatch_watcher_free(w);
	pinwatch_board_close(b);
	if (!strcmp(mode, "double-close")) {
		pinwatch_pin_close(p);
		pinwatch_watcher_free(w);
		pinwatch_board_close(b);
	}
	return 0;
}
