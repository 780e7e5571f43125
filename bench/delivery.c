/* SPDX-License-Identifier: MIT */
/*
 * Delivery: K edges fed into one line's ring, then one wake-up, over and over
 * (the line rotating through the watched pins), pinwatch and the reference
 * in the same process, round by round in turn.  Only the wake-up is timed:
 * feeding is the event source's cost, not delivery's.
 *
 *   pw-bench delivery MODE BATCH PINS EVENTS ROUNDS
 *       prints: pinwatch_ns_per_event ref_ns_per_event ratio (medians)
 *   pw-bench run ENGINE MODE BATCH PINS EVENTS
 *       one engine, untimed: for callgrind, which counts only inside
 *       bench_consume_round (--toggle-collect), so setup cancels.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

/* Its own function, never inlined: callgrind's --toggle-collect counts
 * exactly the instructions of the wake-ups under it. */
__attribute__((noinline)) unsigned bench_consume_round(const struct engine_ops *ops,
							struct engine *e);
__attribute__((noinline)) unsigned bench_consume_round(const struct engine_ops *ops,
							struct engine *e)
{
	return ops->consume(e);
}

/* What two back-to-back clock readings cost, to take off each timed call. */
static uint64_t clock_overhead(void)
{
	uint64_t best = UINT64_MAX;

	for (int i = 0; i < 1000; i++) {
		uint64_t t0 = bench_now_ns(), t1 = bench_now_ns();
		if (t1 - t0 < best)
			best = t1 - t0;
	}
	return best;
}

/* Feed and consume `events` events in batches; returns ns of consuming. */
static uint64_t pass(const struct engine_ops *ops, struct engine *e, unsigned batch,
		     unsigned pins, uint64_t events, unsigned *next_pin, uint64_t overhead,
		     int timed)
{
	uint64_t spent = 0;

	for (uint64_t done = 0; done < events; done += batch) {
		unsigned pin = (*next_pin)++ % pins;
		ops->feed(e, pin, batch);
		if (!timed) {
			bench_consume_round(ops, e);
			continue;
		}
		uint64_t t0 = bench_now_ns();
		bench_consume_round(ops, e);
		uint64_t dt = bench_now_ns() - t0;
		spent += dt > overhead ? dt - overhead : 0;
	}
	return spent;
}

static int parse(char **argv, enum bench_mode *mode, unsigned *batch, unsigned *pins,
		 uint64_t *events)
{
	if (bench_parse_mode(argv[0], mode) < 0)
		return -1;
	*batch = (unsigned)strtoul(argv[1], NULL, 10);
	*pins = (unsigned)strtoul(argv[2], NULL, 10);
	*events = strtoull(argv[3], NULL, 10);
	if (*batch < 1 || *batch > BENCH_RING / 2 || *pins < 1 || *pins > 1024 || !*events)
		return -1;
	*events = (*events + *batch - 1) / *batch * *batch;
	return 0;
}

int bench_delivery_main(int argc, char **argv)
{
	enum bench_mode mode;
	unsigned batch, pins, rounds;
	uint64_t events;

	if (argc != 6 || parse(argv + 1, &mode, &batch, &pins, &events) < 0 ||
	    (rounds = (unsigned)atoi(argv[5])) < 1 || rounds > 1000) {
		fprintf(stderr, "usage: pw-bench delivery counters|callback|queue BATCH PINS EVENTS ROUNDS\n");
		return 2;
	}
	const struct engine_ops *ops[2] = { &bench_pinwatch_ops, &bench_ref_ops };
	struct engine *e[2];
	unsigned next[2] = { 0, 0 };
	double *ns[2], *ratio = calloc(rounds, sizeof(double));
	uint64_t overhead = clock_overhead();

	for (int k = 0; k < 2; k++) {
		ns[k] = calloc(rounds, sizeof(double));
		e[k] = ops[k]->open(pins, mode);
		/* Warm up: every pin once, caches and lazy binding. */
		pass(ops[k], e[k], batch, pins, (uint64_t)batch * pins * 2, &next[k], 0, 0);
	}
	for (unsigned r = 0; r < rounds; r++) {
		for (int k = 0; k < 2; k++)
			ns[k][r] = (double)pass(ops[k], e[k], batch, pins, events, &next[k],
						overhead, 1) / (double)events;
		ratio[r] = ns[1][r] > 0 ? ns[0][r] / ns[1][r] : 0;
	}
	for (int k = 0; k < 2; k++)
		ops[k]->close(e[k]);
	printf("%.1f %.1f %.2f\n", bench_median(ns[0], rounds), bench_median(ns[1], rounds),
	       bench_median(ratio, rounds));
	return 0;
}

int bench_run_main(int argc, char **argv)
{
	const struct engine_ops *ops = argc == 6 ? bench_engine(argv[1]) : NULL;
	enum bench_mode mode;
	unsigned batch, pins, next = 0;
	uint64_t events;

	if (!ops || parse(argv + 2, &mode, &batch, &pins, &events) < 0) {
		fprintf(stderr, "usage: pw-bench run pinwatch|ref counters|callback|queue BATCH PINS EVENTS\n");
		return 2;
	}
	struct engine *e = ops->open(pins, mode);
	pass(ops, e, batch, pins, events, &next, 0, 0);
	ops->close(e);
	return 0;
}
