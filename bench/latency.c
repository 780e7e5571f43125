/* SPDX-License-Identifier: MIT */
/*
 * Real-time latency, edge timestamp -> callback entry.  pinwatch: the sim's
 * real-clock pulse generator thread on a watched line, the watcher's own
 * worker.  The reference: the same design — a generator thread that sleeps
 * on a CLOCK_MONOTONIC condition variable to each edge's scheduled time,
 * stamps the edge with it and pushes it into the line's ring; a worker
 * thread in epoll_wait.  Both record CLOCK_MONOTONIC now - timestamp.
 *
 *   pw-bench latency pinwatch|ref EDGES HZ
 *       prints: p50 p99 p99.9 (µs), then DELIVERED/EDGES (edges that reached
 *       the callback: on a loaded machine a full ring may drop some)
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "pinwatch.h"
#include "ref.h"

struct samples {
	uint64_t *v;
	size_t n, cap;
};

static void record(struct samples *s, uint64_t ts)
{
	uint64_t now = bench_now_ns();

	if (s->n < s->cap)
		s->v[s->n++] = now > ts ? now - ts : 0;
}

static void pw_cb(const struct pinwatch_event *ev, void *ctx)
{
	record(ctx, ev->timestamp_ns);
}

static void run_pinwatch(struct samples *s, uint64_t hz)
{
	pinwatch_board *b;
	pinwatch_pin *p;
	pinwatch_watcher *w;
	pinwatch_watch_id id;
	unsigned gen;
	struct pinwatch_watch_config wc = {
		.edges = PINWATCH_EDGE_BOTH, .callback = pw_cb, .ctx = s,
	};
	struct pinwatch_sim_pulse ps = {
		.period_ns = 1000000000ull / hz, .count = s->cap / 2,
		.phase_ns = 10000000, /* the worker is in epoll_wait by then */
	};

	BENCH_CHECK(pinwatch_board_open("sim", &b));
	BENCH_CHECK(pinwatch_pin_open(b, "sim0:0", NULL, &p));
	BENCH_CHECK(pinwatch_watcher_new(&w));
	BENCH_CHECK(pinwatch_watch_add(w, p, &wc, &id));
	BENCH_CHECK(pinwatch_watcher_start(w));
	BENCH_CHECK(pinwatch_sim_pulse(b, "sim0:0", &ps, &gen));
	BENCH_CHECK(pinwatch_sim_pulse_wait(b, gen, -1));
	/* The last edges may still be in flight. */
	for (int i = 0; i < 1000; i++) {
		struct pinwatch_watch_stats st;
		BENCH_CHECK(pinwatch_watch_stats(w, id, &st));
		if (st.delivered + st.lost >= ps.count * 2)
			break;
		struct timespec ms = { 0, 1000000 };
		nanosleep(&ms, NULL);
	}
	BENCH_CHECK(pinwatch_watcher_stop(w));
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}

struct ref_gen {
	struct ref_engine *e;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint64_t t0, half_period, edges;
};

static void ref_cb(const struct ref_event *ev, void *ctx)
{
	record(ctx, ev->timestamp_ns);
}

static void *ref_gen_thread(void *arg)
{
	struct ref_gen *g = arg;

	pthread_mutex_lock(&g->mu);
	for (uint64_t i = 0; i < g->edges;) {
		uint64_t due = g->t0 + i * g->half_period, now = bench_now_ns();
		if (due > now) {
			struct timespec ts = {
				.tv_sec = (time_t)(due / 1000000000u),
				.tv_nsec = (long)(due % 1000000000u),
			};
			pthread_cond_timedwait(&g->cv, &g->mu, &ts);
			continue;
		}
		ref_push(g->e, 0, due, (int)(i & 1) + 1);
		i++;
	}
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

struct ref_worker {
	struct ref_engine *e;
	uint64_t want, deadline;
};

static void *ref_worker_thread(void *arg)
{
	struct ref_worker *wk = arg;

	while (ref_delivered(wk->e) < wk->want && bench_now_ns() < wk->deadline)
		ref_wait(wk->e, 100);
	return NULL;
}

static void run_ref(struct samples *s, uint64_t hz)
{
	struct ref_gen g = { .half_period = 500000000ull / hz, .edges = s->cap };
	pthread_condattr_t ca;
	pthread_t gt, wt;

	g.e = ref_open(1, MODE_CALLBACK, ref_cb, s);
	pthread_mutex_init(&g.mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&g.cv, &ca);
	pthread_condattr_destroy(&ca);
	struct ref_worker wk = { g.e, s->cap, bench_now_ns() + 600ull * 1000000000u };
	if (pthread_create(&wt, NULL, ref_worker_thread, &wk))
		bench_die("pthread_create", strerror(errno));
	g.t0 = bench_now_ns() + 10000000;
	if (pthread_create(&gt, NULL, ref_gen_thread, &g))
		bench_die("pthread_create", strerror(errno));
	pthread_join(gt, NULL);
	wk.deadline = bench_now_ns() + 1000000000u;
	pthread_join(wt, NULL);
	pthread_cond_destroy(&g.cv);
	pthread_mutex_destroy(&g.mu);
	ref_close(g.e);
}

int bench_latency_main(int argc, char **argv)
{
	const struct engine_ops *which = argc == 4 ? bench_engine(argv[1]) : NULL;
	uint64_t edges = argc == 4 ? strtoull(argv[2], NULL, 10) : 0;
	uint64_t hz = argc == 4 ? strtoull(argv[3], NULL, 10) : 0;

	if (!which || edges < 2 || hz < 1 || hz > 1000000) {
		fprintf(stderr, "usage: pw-bench latency pinwatch|ref EDGES HZ\n");
		return 2;
	}
	struct samples s = { .v = calloc(edges & ~1ull, sizeof(uint64_t)), .cap = edges & ~1ull };
	if (which == &bench_pinwatch_ops)
		run_pinwatch(&s, hz);
	else
		run_ref(&s, hz);
	printf("%.1f %.1f %.1f %zu/%zu\n", (double)bench_quantile(s.v, s.n, 0.5) / 1e3,
	       (double)bench_quantile(s.v, s.n, 0.99) / 1e3,
	       (double)bench_quantile(s.v, s.n, 0.999) / 1e3, s.n, s.cap);
	free(s.v);
	return 0;
}
