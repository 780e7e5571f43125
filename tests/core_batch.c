/* SPDX-License-Identifier: MIT */
/*
 * A callback watch's events are called back in one run with the core lock
 * dropped once (core/dispatch.c).  What others can see must stay as exact
 * as with a lock per callback: stats inside a callback count it as
 * delivered and the rest as queued; a remove, a stop (from the callback or
 * from another thread) ends the run before the next callback; what a stop
 * leaves is delivered next time, in order.
 */
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "core.h"

#define EDGES 10

struct rec {
	pinwatch_watcher *w;
	pinwatch_watch_id id;
	int calls;
	uint64_t seqno[EDGES];
	uint64_t delivered[EDGES];
	uint64_t queued[EDGES];
	int act_at;        /* the call (1-based) that acts */
	int action;        /* what it does */
};

enum { ACT_NONE, ACT_REMOVE, ACT_STOP, ACT_WAIT_REMOVED };

static void rec_cb(const struct pinwatch_event *ev, void *ctx)
{
	struct rec *r = ctx;
	struct pinwatch_watch_stats st;
	int i = __atomic_fetch_add(&r->calls, 1, __ATOMIC_SEQ_CST);

	ck_assert_int_lt(i, EDGES);
	r->seqno[i] = ev->seqno;
	ck_assert_int_eq(pinwatch_watch_stats(r->w, r->id, &st), 0);
	r->delivered[i] = st.delivered;
	r->queued[i] = st.queued;
	if (i + 1 != r->act_at)
		return;
	if (r->action == ACT_REMOVE)
		ck_assert_int_eq(pinwatch_watch_remove(r->w, r->id), 0);
	else if (r->action == ACT_STOP)
		ck_assert_int_eq(pinwatch_watcher_stop(r->w), 0);
	else if (r->action == ACT_WAIT_REMOVED) {
		/* Until another thread's remove has marked the watch closed (it
		 * then waits for this callback to return). */
		for (int n = 0; pinwatch_watch_stats(r->w, r->id, &st) == 0; n++) {
			ck_assert_int_lt(n, 100000);
			nanosleep(&(struct timespec){ .tv_nsec = 100000 }, NULL);
		}
	}
}

static void setup(pinwatch_board **b, pinwatch_pin **p, struct rec *r)
{
	open_board_pin(b, "N3", p);
	r->w = watcher_or_fail();
	struct pinwatch_watch_config cfg = { .callback = rec_cb, .ctx = r };
	r->id = watch_or_fail(r->w, *p, &cfg);
	toggle(*b, "N3", EDGES / 2);   /* EDGES pending, one read */
}

static void teardown(pinwatch_board *b, pinwatch_pin *p, struct rec *r)
{
	pinwatch_watcher_free(r->w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}

START_TEST(t_stats_inside_the_run)
{
	pinwatch_board *b;
	pinwatch_pin *p;
	struct rec r = { 0 };

	setup(&b, &p, &r);
	ck_assert_int_eq(drain(r.w), EDGES);
	ck_assert_int_eq(r.calls, EDGES);
	for (int i = 0; i < EDGES; i++) {
		ck_assert_uint_eq(r.seqno[i], (uint64_t)i + 1);
		ck_assert_uint_eq(r.delivered[i], (uint64_t)i + 1);   /* itself included */
		ck_assert_uint_eq(r.queued[i], (uint64_t)(EDGES - 1 - i));
	}
	struct pinwatch_watch_stats st;
	ck_assert_int_eq(pinwatch_watch_stats(r.w, r.id, &st), 0);
	ck_assert_uint_eq(st.delivered, EDGES);
	ck_assert_uint_eq(st.queued, 0);
	teardown(b, p, &r);
}
END_TEST

START_TEST(t_remove_from_the_run)
{
	pinwatch_board *b;
	pinwatch_pin *p;
	struct rec r = { .act_at = 3, .action = ACT_REMOVE };

	setup(&b, &p, &r);
	drain(r.w);
	ck_assert_int_eq(r.calls, 3);   /* none after the remove */
	struct pinwatch_watch_stats st;
	ck_assert_int_eq(pinwatch_watch_stats(r.w, r.id, &st), -ENOENT);
	teardown(b, p, &r);
}
END_TEST

START_TEST(t_stop_from_the_run_keeps_the_rest)
{
	pinwatch_board *b;
	pinwatch_pin *p;
	struct rec r = { .act_at = 3, .action = ACT_STOP };

	setup(&b, &p, &r);
	ck_assert_int_eq(pinwatch_watcher_start(r.w), 0);
	for (int n = 0; __atomic_load_n(&r.calls, __ATOMIC_SEQ_CST) < 3; n++) {
		ck_assert_int_lt(n, 100000);
		nanosleep(&(struct timespec){ .tv_nsec = 100000 }, NULL);
	}
	ck_assert_int_eq(pinwatch_watcher_stop(r.w), 0);   /* joins */
	ck_assert_int_eq(r.calls, 3);
	struct pinwatch_watch_stats st;
	ck_assert_int_eq(pinwatch_watch_stats(r.w, r.id, &st), 0);
	ck_assert_uint_eq(st.delivered, 3);
	ck_assert_uint_eq(st.queued, EDGES - 3);
	r.act_at = 0;
	ck_assert_int_eq(drain(r.w), 0);   /* the backlog: callbacks, no new reads */
	ck_assert_int_eq(r.calls, EDGES);
	for (int i = 0; i < EDGES; i++)
		ck_assert_uint_eq(r.seqno[i], (uint64_t)i + 1);
	ck_assert_int_eq(pinwatch_watch_stats(r.w, r.id, &st), 0);
	ck_assert_uint_eq(st.delivered, EDGES);
	ck_assert_uint_eq(st.queued, 0);
	teardown(b, p, &r);
}
END_TEST

struct remover {
	struct rec *r;
	int ret;
};

static void *remove_main(void *arg)
{
	struct remover *rm = arg;

	while (__atomic_load_n(&rm->r->calls, __ATOMIC_SEQ_CST) < 2)
		nanosleep(&(struct timespec){ .tv_nsec = 100000 }, NULL);
	rm->ret = pinwatch_watch_remove(rm->r->w, rm->r->id);
	return NULL;
}

START_TEST(t_remove_from_another_thread_ends_the_run)
{
	pinwatch_board *b;
	pinwatch_pin *p;
	struct rec r = { .act_at = 2, .action = ACT_WAIT_REMOVED };
	struct remover rm = { .r = &r, .ret = 1 };
	pthread_t t;

	setup(&b, &p, &r);
	ck_assert_int_eq(pthread_create(&t, NULL, remove_main, &rm), 0);
	drain(r.w);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_int_eq(rm.ret, 0);
	ck_assert_int_eq(r.calls, 2);   /* the callback running completed; no other */
	teardown(b, p, &r);
}
END_TEST

Suite *core_batch_suite(void)
{
	Suite *s = suite_create("core-batch");
	TCase *tc = tcase_create("batch");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_stats_inside_the_run);
	tcase_add_test(tc, t_remove_from_the_run);
	tcase_add_test(tc, t_stop_from_the_run_keeps_the_rest);
	tcase_add_test(tc, t_remove_from_another_thread_ends_the_run);
	suite_add_tcase(s, tc);
	return s;
}
