/* SPDX-License-Identifier: MIT */
/*
 * pw-vm-banks [SPEC]: print a board's banks and line names through the public
 * API, in the normalized form guest.d/10-banks compares with what Debian's
 * gpiodetect/gpioinfo print for the same kernel:
 *
 *   bank LABEL NUM_LINES
 *   line LABEL OFFSET NAME     (NAME "-" for an unnamed line)
 *
 * SPEC defaults to $PINWATCH_BOARD, else "auto".  Exit 0, or 1 with the
 * library's message on stderr.
 */
#include <stdio.h>
#include <stdlib.h>

#include "pinwatch.h"

static int fail(const char *what)
{
	fprintf(stderr, "pw-vm-banks: %s: %s\n", what, pinwatch_last_error());
	return 1;
}

int main(int argc, char **argv)
{
	const char *spec = argc > 1 ? argv[1] : getenv("PINWATCH_BOARD");
	pinwatch_board *b;

	if (!spec || !*spec)
		spec = "auto";
	if (pinwatch_board_open(spec, &b) < 0)
		return fail(spec);

	int rc = 0;
	int nbanks = pinwatch_board_num_banks(b);
	if (nbanks < 0)
		rc = fail("number of banks");
	for (int i = 0; rc == 0 && i < nbanks; i++) {
		struct pinwatch_bank_info bi;
		if (pinwatch_board_bank_info(b, (unsigned)i, &bi) < 0) {
			rc = fail("bank info");
			break;
		}
		printf("bank %s %u\n", bi.label, bi.num_lines);
		for (unsigned k = 0; k < bi.num_lines; k++) {
			struct pinwatch_line_info li;
			if (pinwatch_board_line_info_at(b, (unsigned)i, k, &li) < 0) {
				rc = fail("line info");
				break;
			}
			printf("line %s %u %s\n", bi.label, k, li.name[0] ? li.name : "-");
		}
	}
	pinwatch_board_close(b);
	return rc;
}
