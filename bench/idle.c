/* SPDX-License-Identifier: MIT */
/*
 * Idle cost: the voluntary context switches of an idle watcher's worker
 * thread (from /proc/self/task/TID/status) over a quiet period, per
 * second.  A worker that only waits in epoll_wait wakes 0 times; anything
 * else is a timer or a poll that costs power on a battery board.
 *
 *   pw-bench idle pinwatch|ref SECONDS   prints: wakeups_per_second
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "pinwatch.h"
#include "ref.h"

static void sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Switches of thread tid over `secs`, after a settling pause. */
static double wakeups_per_s(long tid, double secs)
{
	if (tid < 0)
		bench_die("idle", "cannot find the worker thread");
	sleep_s(0.1);
	long a = bench_voluntary_switches(tid);
	sleep_s(secs);
	long b = bench_voluntary_switches(tid);
	if (a < 0 || b < 0)
		bench_die("idle", "cannot read /proc/self/task/TID/status");
	return (double)(b - a) / secs;
}

static double idle_pinwatch(double secs)
{
	pinwatch_board *b;
	pinwatch_pin *p;
	pinwatch_watcher *w;
	pinwatch_watch_id id;
	long before[64];
	size_t n;

	BENCH_CHECK(pinwatch_board_open("sim", &b));
	BENCH_CHECK(pinwatch_pin_open(b, "sim0:0", NULL, &p));
	BENCH_CHECK(pinwatch_watcher_new(&w));
	BENCH_CHECK(pinwatch_watch_add(w, p, &(struct pinwatch_watch_config){ 0 }, &id));
	n = bench_threads(before, 64);
	BENCH_CHECK(pinwatch_watcher_start(w));
	double r = wakeups_per_s(bench_new_thread(before, n), secs);
	BENCH_CHECK(pinwatch_watcher_stop(w));
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
	return r;
}

struct ref_idle {
	struct ref_engine *e;
	atomic_int stop;
};

static void *ref_idle_worker(void *arg)
{
	struct ref_idle *ri = arg;

	while (!atomic_load(&ri->stop))
		ref_wait(ri->e, -1);
	return NULL;
}

static double idle_ref(double secs)
{
	struct ref_idle ri = { .e = ref_open(1, MODE_COUNTERS, NULL, NULL) };
	long before[64];
	size_t n = bench_threads(before, 64);
	pthread_t t;

	if (pthread_create(&t, NULL, ref_idle_worker, &ri))
		bench_die("pthread_create", strerror(errno));
	double r = wakeups_per_s(bench_new_thread(before, n), secs);
	atomic_store(&ri.stop, 1);
	ref_push(ri.e, 0, 0, 1);
	pthread_join(t, NULL);
	ref_close(ri.e);
	return r;
}

int bench_idle_main(int argc, char **argv)
{
	const struct engine_ops *which = argc == 3 ? bench_engine(argv[1]) : NULL;
	double secs = argc == 3 ? atof(argv[2]) : 0;

	if (!which || secs <= 0 || secs > 3600) {
		fprintf(stderr, "usage: pw-bench idle pinwatch|ref SECONDS\n");
		return 2;
	}
	printf("%.2f\n", which == &bench_pinwatch_ops ? idle_pinwatch(secs) : idle_ref(secs));
	return 0;
}
