/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the pinwatch tool's option parsers (tools/util.c, the
 * --pulse spec of tools/stim.c), linked in as they are.  The input is split
 * at newlines; every piece goes to every parser.  Invariants: results in
 * range, and a parsed duration or frequency parses back to itself when
 * printed in the parser's own base unit.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "stim.h"
#include "util.h"

static void one(const char *s)
{
	uint64_t v, w;
	char buf[64];
	const char *bad;
	struct pinwatch_sim_pulse pulse;

	if (parse_duration(s, &v) == 0) {
		snprintf(buf, sizeof(buf), "%" PRIu64 "ns", v);
#ifndef PW_FUZZ_LENIENT_DURATIONS
		/* issue 12 defect 9: "20000000000ns" was refused while "20s" worked */
		if (parse_duration(buf, &w) != 0 || w != v)
			abort();
#endif
	}
	if (parse_frequency(s, &v) == 0 && v == 0)
		abort();   /* 0 Hz is no frequency */
	if (parse_u64(s, 1, 65536, &v) == 0 && (v < 1 || v > 65536))
		abort();
	(void)parse_u64(s, 0, UINT64_MAX, &w);
	int l = parse_level(s);
	if (l < -1 || l > 1)
		abort();
	(void)parse_bias(s);
	(void)parse_drive(s);
	int e = parse_edge(s);
	if (e != -1 && e != PINWATCH_EDGE_RISING && e != PINWATCH_EDGE_FALLING && e != PINWATCH_EDGE_BOTH)
		abort();
	if (format_check(s, &bad) == 0) {
		struct pinwatch_event ev = { .edge = PINWATCH_EDGE_RISING, .value = 1,
					     .timestamp_ns = 1, .seqno = 1 };
		const struct event_line line = { .pin = "N3", .chip = "gpiochip2", .offset = 1 };
		FILE *f = fopen("/dev/null", "we");
		if (f) {
			format_event(f, s, &line, &ev, TS_SECONDS);
			ev.timestamp_ns = UINT64_MAX;
			format_event(f, s, &line, &ev, TS_UTC);
			format_event(f, s, &line, &ev, TS_LOCAL);
			fclose(f);
		}
	}
	memset(&pulse, 0, sizeof(pulse));
	(void)stim_parse_pulse("fuzz", s, &pulse);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1024)
		return 0;
	char *all = fuzz_string(data, size);
	char *save = NULL;
	for (char *s = strtok_r(all, "\n", &save); s; s = strtok_r(NULL, "\n", &save))
		one(s);
	if (!size)
		one("");
	free(all);
	return 0;
}
