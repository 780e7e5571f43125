/* SPDX-License-Identifier: MIT */
/*
 * pw-bench: what every benchmark shares — the engine interface that lets one
 * workload drive pinwatch and the bare reference the same way, timing and
 * percentile helpers.  Figures, never assertions.
 */
#ifndef PW_BENCH_H
#define PW_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum bench_mode { MODE_COUNTERS, MODE_CALLBACK, MODE_QUEUE };

/* Events a ring holds per line: enough for the largest batch plus slack,
 * so no benchmark ever measures an overflow. */
#define BENCH_RING 256
/* Events taken per read, like the core's batch read (PW_READ_BATCH). */
#define BENCH_READ_BATCH 64

struct engine;

/* One engine: open N lines watched in one consumption mode; feed K edges
 * into one line's ring (not timed); consume = one wake-up: wait, batch
 * read, deliver (timed, and the only thing callgrind counts). */
struct engine_ops {
	const char *name;
	struct engine *(*open)(unsigned pins, enum bench_mode mode);
	void (*feed)(struct engine *e, unsigned pin, unsigned k);
	unsigned (*consume)(struct engine *e);
	uint64_t (*delivered)(struct engine *e);
	void (*close)(struct engine *e);
};

extern const struct engine_ops bench_pinwatch_ops;
extern const struct engine_ops bench_ref_ops;

const struct engine_ops *bench_engine(const char *name);
int bench_parse_mode(const char *s, enum bench_mode *out);

uint64_t bench_now_ns(void);
double bench_median(double *v, size_t n);
/* The value at fraction q (0..1) of the sorted samples (sorts v). */
uint64_t bench_quantile(uint64_t *v, size_t n, double q);
/* Voluntary context switches of one thread of this process, or -1. */
long bench_voluntary_switches(long tid);
/* The one thread of this process not listed in before[0..n), or -1. */
long bench_new_thread(const long *before, size_t n);
/* The threads of this process now (up to max); returns how many. */
size_t bench_threads(long *out, size_t max);

_Noreturn void bench_die(const char *what, const char *why);

#define BENCH_CHECK(call)                                                       \
	do {                                                                    \
		int ret_ = (call);                                              \
		if (ret_ < 0)                                                   \
			bench_die(#call, pinwatch_last_error());                \
	} while (0)

int bench_delivery_main(int argc, char **argv);
int bench_run_main(int argc, char **argv);
int bench_generation_main(int argc, char **argv);
int bench_latency_main(int argc, char **argv);
int bench_idle_main(int argc, char **argv);

#endif
