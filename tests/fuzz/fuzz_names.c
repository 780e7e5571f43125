/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: pin names on sim:aria-g25 (header names, line names,
 * BANK:OFFSET, numbers).  Invariants: opening a pin and asking for the line
 * info of a name agree on whether the name exists; a failure is a negative
 * errno with a message; an opened pin closes.
 */
#include <stdlib.h>

#include "fuzz.h"
#include "pinwatch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static pinwatch_board *b;
	struct pinwatch_line_info li;
	pinwatch_pin *p = NULL;

	/* Names longer than 63 are refused before any lookup; a little past
	 * that covers the rule, and keeps the closest-name search (an edit
	 * distance to every name of the board) from dominating the run. */
	if (size > 80)
		return 0;
	if (!b && pinwatch_board_open("sim:aria-g25,clock=virtual", &b) != 0)
		abort();
	char *name = fuzz_string(data, size);
	int info = pinwatch_board_line_info(b, name, &li);
	int open = pinwatch_pin_open(b, name, NULL, &p);
	if (open == 0) {
		if (!p || pinwatch_pin_get(p) < 0)
			abort();
		pinwatch_pin_close(p);
	} else if (open > -1 || open < -4095 || p || !pinwatch_last_error()[0]) {
		abort();
	}
	if ((info == 0) != (open == 0))
		abort();   /* the two resolve names differently */
	free(name);
	return 0;
}
