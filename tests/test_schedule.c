/* SPDX-License-Identifier: MIT */
/*
 * test-schedule: the simulator's schedule (sim/schedule.c) as a unit,
 * against a model.  The schedule is compiled into this program with a fake
 * generator (pw_sim_gen_play below: each transition is a fixed step, or a
 * step with jitter, later), so every transition it plays can be compared
 * with what a linear scan for the earliest (time, then the older generator)
 * would have played: the same transitions, in the same order, each once --
 * through the sorted run, the heap, ties, removals (tombstones), growth and
 * compaction.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "sim.h"

/* ----------------------------------------------- the fake generator */

struct played {
	uint64_t t;
	unsigned id;
};

static struct played *log_buf;
static size_t log_len, log_cap;

/* A fake train: p.period_ns the step, p.jitter_ns the most added to it
 * (from rng), p.count the transitions (0: endless). */
static uint64_t fake_next(struct sim_gen *g)
{
	uint64_t step = g->p.period_ns;

	if (g->p.jitter_ns) {
		g->rng = g->rng * 6364136223846793005ull + 1442695040888963407ull;
		step += (g->rng >> 33) % (g->p.jitter_ns + 1);
	}
	return g->next_t + step;
}

void pw_sim_gen_play(struct sim_gen *g)
{
	if (log_len == log_cap) {
		log_cap = log_cap ? 2 * log_cap : 4096;
		log_buf = realloc(log_buf, log_cap * sizeof(*log_buf));
		ck_assert_ptr_nonnull(log_buf);
	}
	log_buf[log_len++] = (struct played){ g->next_t, g->id };
	g->next_t = fake_next(g);
	if (g->p.count && ++g->pulse >= g->p.count)
		g->done = 1;
}

void pw_sim_idle_due_locked(struct sim_board *sb, uint64_t now)
{
	(void)sb;
	(void)now;
}

void pw_detail(const char *fmt, ...)
{
	(void)fmt;
}

uint64_t pw_monotonic_ns(void)
{
	return 0;   /* virtual clock only: the player thread never starts */
}

/* --------------------------------------------------------- the model */

#define MAX_GENS 2048

struct world {
	struct sim_board sb;
	struct sim_gen gens[MAX_GENS];   /* model state: a copy of each */
	struct sim_gen model[MAX_GENS];
	int live[MAX_GENS];              /* scheduled and not done (model) */
	unsigned n;
	uint64_t rng;
};

static unsigned rnd(struct world *w, unsigned n)
{
	w->rng = w->rng * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned)((w->rng >> 33) % n);
}

static struct world *world_new(uint64_t seed)
{
	struct world *w = calloc(1, sizeof(*w));

	ck_assert_ptr_nonnull(w);
	w->sb.virtual_clock = 1;
	w->rng = seed;
	log_len = 0;
	return w;
}

static void world_free(struct world *w)
{
	free(w->sb.heap);
	free(w->sb.run);
	free(w);
}

static void add(struct world *w, uint64_t first, uint64_t step, uint64_t jitter,
		uint64_t count)
{
	ck_assert_uint_lt(w->n, MAX_GENS);
	struct sim_gen *g = &w->gens[w->n];
	g->id = w->n;
	g->next_t = first;
	g->p.period_ns = step;
	g->p.jitter_ns = jitter;
	g->p.count = count;
	g->rng = w->n * 7919u + 1;
	w->model[w->n] = *g;
	w->live[w->n] = 1;
	ck_assert_int_eq(pw_sim_sched_add(&w->sb, g), 0);
	w->n++;
}

static void drop(struct world *w, unsigned id)
{
	pw_sim_sched_remove(&w->sb, &w->gens[id]);
	w->live[id] = 0;
}

/* Advance both by NS and compare what was played. */
static void advance(struct world *w, uint64_t ns)
{
	uint64_t target = w->sb.vnow + ns;
	size_t from = log_len;

	pw_sim_advance_locked(&w->sb, ns);
	for (size_t k = from;; k++) {
		int best = -1;
		for (unsigned i = 0; i < w->n; i++)
			if (w->live[i] && w->model[i].next_t <= target &&
			    (best < 0 || w->model[i].next_t < w->model[best].next_t))
				best = (int)i;   /* ties: the lower id, met first */
		if (best < 0) {
			ck_assert_uint_eq(log_len, k);
			break;
		}
		ck_assert_msg(k < log_len, "transition %zu (gen %d at %llu) not played",
			      k, best, (unsigned long long)w->model[best].next_t);
		ck_assert_msg(log_buf[k].id == (unsigned)best &&
			      log_buf[k].t == w->model[best].next_t,
			      "transition %zu: played gen %u at %llu, the model says gen %d at %llu",
			      k, log_buf[k].id, (unsigned long long)log_buf[k].t, best,
			      (unsigned long long)w->model[best].next_t);
		struct sim_gen *m = &w->model[best];
		m->next_t = fake_next(m);
		if (m->p.count && ++m->pulse >= m->p.count) {
			m->done = 1;
			w->live[best] = 0;
		}
	}
	ck_assert_uint_eq(w->sb.vnow, target);
}

/* ----------------------------------------------------------- the tests */

/* Lines pulsed alike, staggered: every transition goes through the run. */
START_TEST(t_alike_staggered)
{
	struct world *w = world_new(1);

	for (unsigned i = 0; i < 1000; i++)
		add(w, 1000 + i * 7, 7000, 0, 0);
	for (int r = 0; r < 50; r++)
		advance(w, 13001);
	ck_assert_uint_gt(log_len, 90000);
	ck_assert_uint_eq(w->sb.heap_len, 0);   /* all of it in the run */
	world_free(w);
}
END_TEST

/* Mixed steps, jitter and many ties (equal first times): the heap. */
START_TEST(t_mixed_and_ties)
{
	struct world *w = world_new(2);

	for (unsigned i = 0; i < 300; i++)
		add(w, 100 * (i % 5), 50 + (i % 7) * 10, (i % 3) ? 0 : 40, (i % 11) ? 0 : 25);
	for (int r = 0; r < 200; r++)
		advance(w, rnd(w, 500));
	ck_assert_uint_gt(log_len, 50000);
	world_free(w);
}
END_TEST

/* Generators stopped and started between advances (tombstones in the run,
 * removals from the heap, growth), and ties with tombstones at the tail. */
START_TEST(t_churn)
{
	struct world *w = world_new(3);

	for (unsigned i = 0; i < 64; i++)
		add(w, 10 * i, 640, 0, 0);
	for (int r = 0; r < 400 && w->n < MAX_GENS - 4; r++) {
		for (int k = rnd(w, 4); k > 0; k--) {
			unsigned id = rnd(w, w->n);
			if (w->live[id])
				drop(w, id);
		}
		for (int k = rnd(w, 4); k > 0; k--) {
			uint64_t at = w->sb.vnow + rnd(w, 3) * 10;
			add(w, at, rnd(w, 2) ? 640 : 320 + rnd(w, 320), rnd(w, 4) ? 0 : 30,
			    rnd(w, 3) ? 0 : 1 + rnd(w, 20));
		}
		advance(w, rnd(w, 3) ? rnd(w, 700) : 0);
	}
	ck_assert_uint_gt(log_len, 10000);
	world_free(w);
}
END_TEST

/* A removed generator's tombstone at the run's tail ties with a played
 * generator's next transition: the older generator (0) must still come
 * before the live one at that time (1), so it cannot just be appended. */
START_TEST(t_tie_with_tombstone)
{
	struct world *w = world_new(5);

	add(w, 50, 50, 0, 0);    /* 0: 50, 100, ... */
	add(w, 100, 100, 0, 0);  /* 1: 100, 200, ... */
	add(w, 100, 100, 0, 0);  /* 2: appended after 1 (a tie, younger) */
	drop(w, 2);              /* its tombstone is the tail, at 100 */
	advance(w, 60);          /* 0 plays at 50; its next is 100 */
	advance(w, 40);          /* at 100: 0, then 1 */
	ck_assert_uint_eq(log_len, 3);
	ck_assert_uint_eq(log_buf[1].id, 0);
	ck_assert_uint_eq(log_buf[2].id, 1);
	world_free(w);
}
END_TEST

/* Start and stop without ever advancing: the run's tombstones stay
 * bounded (compacted in place when the ring is full). */
START_TEST(t_start_stop_bounded)
{
	struct world *w = world_new(4);

	add(w, 5, 100, 0, 0);
	for (unsigned i = 1; i < MAX_GENS; i++) {
		add(w, 10 + i, 100, 0, 0);
		drop(w, i);
	}
	ck_assert_uint_le(w->sb.run_mask + 1, 16);
	advance(w, 1000);
	ck_assert_uint_eq(log_len, 10);   /* generator 0 alone, at 5, 105, ... 905 */
	world_free(w);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("schedule");
	TCase *tc = tcase_create("schedule");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, t_alike_staggered);
	tcase_add_test(tc, t_mixed_and_ties);
	tcase_add_test(tc, t_churn);
	tcase_add_test(tc, t_tie_with_tombstone);
	tcase_add_test(tc, t_start_stop_bounded);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	free(log_buf);
	return failed ? 1 : 0;
}
