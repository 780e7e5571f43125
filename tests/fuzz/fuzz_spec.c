/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: board specs.  The first byte picks the backend (even: sim,
 * odd: sysfs on a fake root made once), the rest is the spec's tail
 * (":aria-g25,clock=virtual", ",retry_ms=5", "/sub" ...): never a real
 * device.  An open board is walked (banks, first and last line of each).
 * Invariants: 0 or a negative errno, a message on every failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "pinwatch.h"

static const char *fake_root(void)
{
	static char root[300];
	static const char *const labels[] = { "pioA", "pioB", "pioC", "pioD" };
	static const char *const ngpio[] = { "32\n", "19\n", "32\n", "22\n" };

	if (root[0])
		return root;
	snprintf(root, sizeof(root), "%s/spec-root", fuzz_scratch_dir());
	mkdir(root, 0755);
	fuzz_put(root, "export", "", 0);
	fuzz_put(root, "unexport", "", 0);
	for (int i = 0; i < 4; i++) {
		char rel[400], text[16];
		snprintf(rel, sizeof(rel), "%s/gpiochip%d", root, i * 32);
		mkdir(rel, 0755);
		snprintf(rel, sizeof(rel), "gpiochip%d/base", i * 32);
		snprintf(text, sizeof(text), "%d\n", i * 32);
		fuzz_put(root, rel, text, strlen(text));
		snprintf(rel, sizeof(rel), "gpiochip%d/label", i * 32);
		snprintf(text, sizeof(text), "%s\n", labels[i]);
		fuzz_put(root, rel, text, strlen(text));
		snprintf(rel, sizeof(rel), "gpiochip%d/ngpio", i * 32);
		fuzz_put(root, rel, ngpio[i], strlen(ngpio[i]));
	}
	return root;
}

static void walk(pinwatch_board *b)
{
	int n = pinwatch_board_num_banks(b);

	if (n < 0)
		abort();
	for (int i = 0; i < n; i++) {
		struct pinwatch_bank_info bi;
		struct pinwatch_line_info li;
		if (pinwatch_board_bank_info(b, (unsigned)i, &bi) != 0)
			abort();
		if (bi.num_lines &&
		    (pinwatch_board_line_info_at(b, (unsigned)i, 0, &li) != 0 ||
		     pinwatch_board_line_info_at(b, (unsigned)i, bi.num_lines - 1, &li) != 0))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char spec[1200];
	pinwatch_board *b = NULL;

	if (size < 1 || size > 512)
		return 0;
	char *tail = fuzz_string(data + 1, size - 1);
	if (data[0] & 1)
		snprintf(spec, sizeof(spec), "sysfs:%s%s", fake_root(), tail);
	else
		snprintf(spec, sizeof(spec), "sim%s", tail);
	int ret = pinwatch_board_open(spec, &b);
	if (ret == 0) {
		if (!b)
			abort();
		walk(b);
		pinwatch_board_close(b);
	} else if (ret > -1 || ret < -4095 || b || !pinwatch_last_error()[0]) {
		abort();
	}
	free(tail);
	return 0;
}
