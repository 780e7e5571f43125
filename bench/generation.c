/* SPDX-License-Identifier: MIT */
/*
 * Simulator generation: G endless pulse generators on G lines of a
 * virtual-clock board, no watch (edges only change levels), and
 * pinwatch_sim_advance in steps that each produce 256 edges whatever G is
 * (the train of each generator is G times slower, phases staggered, so the
 * edges of all generators interleave).  What is timed is the advance alone:
 * the cost of finding and playing the next edge due.
 *
 *   pw-bench generation GENS EDGES ROUNDS   prints: ns_per_edge (median)
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "pinwatch.h"

#define EDGES_PER_STEP 256u
#define EDGE_SPACING_NS 1000u /* across all generators */

int bench_generation_main(int argc, char **argv)
{
	unsigned gens = argc == 4 ? (unsigned)strtoul(argv[1], NULL, 10) : 0;
	uint64_t edges = argc == 4 ? strtoull(argv[2], NULL, 10) : 0;
	unsigned rounds = argc == 4 ? (unsigned)atoi(argv[3]) : 0;

	if (gens < 1 || gens > 1024 || edges < EDGES_PER_STEP || rounds < 1 || rounds > 1000) {
		fprintf(stderr, "usage: pw-bench generation GENS(1..1024) EDGES ROUNDS\n");
		return 2;
	}
	pinwatch_board *b;
	char spec[64], name[16];
	uint64_t period = 2ull * EDGE_SPACING_NS * gens;
	uint64_t step = (uint64_t)EDGES_PER_STEP * EDGE_SPACING_NS;
	double *ns = calloc(rounds, sizeof(double));

	snprintf(spec, sizeof(spec), "sim,lines=%u,clock=virtual", gens);
	BENCH_CHECK(pinwatch_board_open(spec, &b));
	for (unsigned i = 0; i < gens; i++) {
		struct pinwatch_sim_pulse ps = {
			.period_ns = period,
			.phase_ns = (uint64_t)i * EDGE_SPACING_NS,
		};
		unsigned id;
		snprintf(name, sizeof(name), "sim0:%u", i);
		BENCH_CHECK(pinwatch_sim_pulse(b, name, &ps, &id));
	}
	/* Warm up past every phase, so each step plays a full share. */
	BENCH_CHECK(pinwatch_sim_advance(b, period));
	for (unsigned r = 0; r < rounds; r++) {
		uint64_t steps = edges / EDGES_PER_STEP;
		uint64_t t0 = bench_now_ns();
		for (uint64_t s = 0; s < steps; s++)
			BENCH_CHECK(pinwatch_sim_advance(b, step));
		ns[r] = (double)(bench_now_ns() - t0) / (double)(steps * EDGES_PER_STEP);
	}
	/* The truth: every generator played its share (levels changed). */
	uint64_t changes = 0;
	for (unsigned i = 0; i < gens; i++) {
		struct pinwatch_sim_line_stats ls;
		snprintf(name, sizeof(name), "sim0:%u", i);
		BENCH_CHECK(pinwatch_sim_line_stats(b, name, &ls));
		changes += ls.level_changes;
	}
	uint64_t expect = (edges / EDGES_PER_STEP) * EDGES_PER_STEP * rounds;
	if (changes < expect)
		fprintf(stderr, "pw-bench: generation: %llu level changes, want >= %llu\n",
			(unsigned long long)changes, (unsigned long long)expect);
	pinwatch_board_close(b);
	printf("%.1f\n", bench_median(ns, rounds));
	free(ns);
	return 0;
}
