/* SPDX-License-Identifier: MIT */
/* Misuses pinwatch on purpose, for the PINWATCH_DEBUG tests:
 *   double-close  close a pin, a watcher and a board twice
 *   leak          exit with a board, pin and watcher open
 *   clean         open and close everything */
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
