/* SPDX-License-Identifier: MIT */
/* Rules 3 and 7: removal is synchronous, from any thread, from inside a
 * callback too; stop is prompt and idempotent, and start works again. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "core.h"

/* ------------------------------------------- a callback that can be held */

struct held {
	int entered;      /* the callback is running */
	int go;           /* let it return */
	int exited;       /* it returned */
	int calls;
	int exited_when_remove_returned;
	pinwatch_watcher *w;
	pinwatch_watch_id id;
};

static void held_cb(const struct pinwatch_event *ev, void *ctx)
{
	struct held *h = ctx;
	(void)ev;
	__atomic_add_fetch(&h->calls, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&h->entered, 1, __ATOMIC_SEQ_CST);
	while (!__atomic_load_n(&h->go, __ATOMIC_SEQ_CST))
		tu_sleep_ms(1);
	__atomic_store_n(&h->exited, 1, __ATOMIC_SEQ_CST);
}

static void *remover(void *arg)
{
	struct held *h = arg;
	ck_assert_int_eq(pinwatch_watch_remove(h->w, h->id), 0);
	h->exited_when_remove_returned = __atomic_load_n(&h->exited, __ATOMIC_SEQ_CST);
	return NULL;
}

/* pinwatch_watch_remove from another thread waits for a running callback. */
START_TEST(t_remove_waits_for_callback)
{
	pinwatch_board *b;
	pinwatch_pin *p;
	struct held h = { 0 };
	struct pinwatch_watch_config cfg = { .callback = held_cb, .ctx = &h };
	pthread_t t;

	open_board_pin(&b, "N3", &p);
	h.w = watcher_or_fail();
	h.id = watch_or_fail(h.w, p, &cfg);
	ck_assert_int_eq(pinwatch_watcher_start(h.w), 0);
	toggle(b, "N3", 1);
	ck_assert(tu_wait_flag(&h.entered, 10000));
	ck_assert_int_eq(pthread_create(&t, NULL, remover, &h), 0);
	tu_sleep_ms(50);  /* give remove every chance to return early */
	__atomic_store_n(&h.go, 1, __ATOMIC_SEQ_CST);
	pthread_join(t, NULL);
	ck_assert_int_eq(h.exited_when_remove_returned, 1);
	/* and no callback ever again */
	int calls = h.calls;
	toggle(b, "N3", 20);
	ck_assert_int_eq(pinwatch_watcher_stop(h.w), 0);
	ck_assert_int_eq(h.calls, calls);
	pinwatch_watcher_free(h.w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

struct freer {
	struct held h;
	pinwatch_pin *p;
};

static void *pin_closer(void *arg)
{
	struct freer *f = arg;
	pinwatch_pin_close(f->p);
	f->h.exited_when_remove_returned = __atomic_load_n(&f->h.exited, __ATOMIC_SEQ_CST);
	return NULL;
}

static void *watcher_freer(void *arg)
{
	struct freer *f = arg;
	pinwatch_watcher_free(f->h.w);
	f->h.exited_when_remove_returned = __atomic_load_n(&f->h.exited, __ATOMIC_SEQ_CST);
	return NULL;
}

/* Which call ends the watch from another thread. */
enum closer { BY_PIN_CLOSE, BY_WATCHER_FREE };

/* pinwatch_pin_close and pinwatch_watcher_free wait the same way. */
static void close_and_free_wait_for_callback(enum closer by)
{
	pinwatch_board *b;
	struct freer f = { .h = { 0 } };
	struct pinwatch_watch_config cfg = { .callback = held_cb, .ctx = &f.h };
	pthread_t t;

	open_board_pin(&b, "N3", &f.p);
	f.h.w = watcher_or_fail();
	f.h.id = watch_or_fail(f.h.w, f.p, &cfg);
	ck_assert_int_eq(pinwatch_watcher_start(f.h.w), 0);
	toggle(b, "N3", 1);
	ck_assert(tu_wait_flag(&f.h.entered, 10000));
	ck_assert_int_eq(pthread_create(&t, NULL, by == BY_WATCHER_FREE ? watcher_freer : pin_closer, &f), 0);
	tu_sleep_ms(50);
	__atomic_store_n(&f.h.go, 1, __ATOMIC_SEQ_CST);
	pthread_join(t, NULL);
	ck_assert_int_eq(f.h.exited_when_remove_returned, 1);
	if (by == BY_WATCHER_FREE)
		pinwatch_pin_close(f.p);
	else
		pinwatch_watcher_free(f.h.w);
	pinwatch_board_close(b);
}

START_TEST(t_close_and_free_wait_for_callback_pin_close)
{
	close_and_free_wait_for_callback(BY_PIN_CLOSE);
}
END_TEST

START_TEST(t_close_and_free_wait_for_callback_watcher_free)
{
	close_and_free_wait_for_callback(BY_WATCHER_FREE);
}
END_TEST

/* ------------------------------------------- removal from inside callbacks */

/* What a callback does to its own watch. */
enum self_what { SELF_REMOVE, SELF_PIN_CLOSE, SELF_WATCHER_FREE, SELF_STOP };

struct self {
	pinwatch_watcher *w;
	pinwatch_watch_id id;
	pinwatch_pin *p;
	enum self_what what;
	int calls;
	int ret;
};

static void self_cb(const struct pinwatch_event *ev, void *ctx)
{
	struct self *s = ctx;
	(void)ev;
	if (__atomic_fetch_add(&s->calls, 1, __ATOMIC_SEQ_CST))
		return;   /* only the first call acts; more would be a failure */
	switch (s->what) {
	case SELF_REMOVE: s->ret = pinwatch_watch_remove(s->w, s->id); break;
	case SELF_PIN_CLOSE: pinwatch_pin_close(s->p); break;
	case SELF_WATCHER_FREE: pinwatch_watcher_free(s->w); break;
	case SELF_STOP: s->ret = pinwatch_watcher_stop(s->w); break;
	}
}

/* From its own callback, caller-driven: remove, pin close, watcher free —
 * no further callback of the batch runs (10 edges were pending). */
static void release_from_own_callback_dispatch(enum self_what what)
{
	int fds0 = tu_count_fds();
	pinwatch_board *b;
	struct self s = { .what = what };
	struct pinwatch_watch_config cfg = { .callback = self_cb, .ctx = &s };

	open_board_pin(&b, "N3", &s.p);
	s.w = watcher_or_fail();
	s.id = watch_or_fail(s.w, s.p, &cfg);
	toggle(b, "N3", 5);
	if (what == SELF_WATCHER_FREE) {
		ck_assert_int_ge(pinwatch_watcher_dispatch(s.w, 0), 1);
	} else {
		drain(s.w);
		struct pinwatch_watch_stats st;
		ck_assert_int_eq(pinwatch_watch_stats(s.w, s.id, &st), -ENOENT);
	}
	ck_assert_int_eq(s.calls, 1);
	ck_assert_int_eq(s.ret, 0);
	if (what != SELF_PIN_CLOSE)
		pinwatch_pin_close(s.p);
	if (what != SELF_WATCHER_FREE)
		pinwatch_watcher_free(s.w);
	pinwatch_board_close(b);
	ck_assert_int_eq(tu_count_fds(), fds0);
}

START_TEST(t_release_from_own_callback_dispatch_remove)
{
	release_from_own_callback_dispatch(SELF_REMOVE);
}
END_TEST

START_TEST(t_release_from_own_callback_dispatch_pin_close)
{
	release_from_own_callback_dispatch(SELF_PIN_CLOSE);
}
END_TEST

START_TEST(t_release_from_own_callback_dispatch_watcher_free)
{
	release_from_own_callback_dispatch(SELF_WATCHER_FREE);
}
END_TEST

/* The same from the watcher's own worker thread; stop from a callback ends
 * the worker after the callback, and the watcher can be started again. */
static void release_from_own_callback_worker(enum self_what what)
{
	int fds0 = tu_count_fds(), threads0 = tu_thread_baseline();
	pinwatch_board *b;
	struct self s = { .what = what };
	struct pinwatch_watch_config cfg = { .callback = self_cb, .ctx = &s };

	open_board_pin(&b, "N3", &s.p);
	s.w = watcher_or_fail();
	s.id = watch_or_fail(s.w, s.p, &cfg);
	ck_assert_int_eq(pinwatch_watcher_start(s.w), 0);
	toggle(b, "N3", 5);
	ck_assert(tu_wait_flag(&s.calls, 10000));
	if (what == SELF_WATCHER_FREE) {
		/* the worker freed its own watcher and leaves by itself */
		ck_assert_int_eq(tu_threads_settle(threads0), threads0);
	} else {
		ck_assert_int_eq(pinwatch_watcher_stop(s.w), 0);
	}
	if (what == SELF_STOP) {
		/* stopped, not removed: start again and the rest arrives */
		ck_assert_int_eq(pinwatch_watcher_start(s.w), 0);
		ck_assert(tu_wait_flag(&s.calls, 10000));
		for (int k = 0; k < 10000 && __atomic_load_n(&s.calls, __ATOMIC_SEQ_CST) < 10; k++)
			tu_sleep_ms(1);
		ck_assert_int_eq(pinwatch_watcher_stop(s.w), 0);
		ck_assert_int_eq(s.calls, 10);
	} else {
		ck_assert_int_eq(s.calls, 1);
	}
	ck_assert_int_eq(s.ret, 0);
	if (what != SELF_PIN_CLOSE)
		pinwatch_pin_close(s.p);
	if (what != SELF_WATCHER_FREE)
		pinwatch_watcher_free(s.w);
	pinwatch_board_close(b);
	ck_assert_int_eq(tu_count_fds(), fds0);
	ck_assert_int_eq(tu_threads_settle(threads0), threads0);
}

START_TEST(t_release_from_own_callback_worker_remove)
{
	release_from_own_callback_worker(SELF_REMOVE);
}
END_TEST

START_TEST(t_release_from_own_callback_worker_pin_close)
{
	release_from_own_callback_worker(SELF_PIN_CLOSE);
}
END_TEST

START_TEST(t_release_from_own_callback_worker_watcher_free)
{
	release_from_own_callback_worker(SELF_WATCHER_FREE);
}
END_TEST

START_TEST(t_release_from_own_callback_worker_stop)
{
	release_from_own_callback_worker(SELF_STOP);
}
END_TEST

/* A callback that removes ANOTHER watch of the same batch: that watch's
 * already-fetched events are dropped, not dispatched. */
struct pair {
	pinwatch_watcher *w;
	pinwatch_watch_id ids[2];
	int calls[2];
};

static void pair_cb0(const struct pinwatch_event *ev, void *ctx)
{
	struct pair *pr = ctx;
	(void)ev;
	if (!pr->calls[0]++)
		pinwatch_watch_remove(pr->w, pr->ids[1]);
}

static void pair_cb1(const struct pinwatch_event *ev, void *ctx)
{
	struct pair *pr = ctx;
	(void)ev;
	if (!pr->calls[1]++)
		pinwatch_watch_remove(pr->w, pr->ids[0]);
}

START_TEST(t_remove_other_in_same_batch)
{
	pinwatch_board *b;
	pinwatch_pin *p0, *p1;
	struct pair pr = { 0 };
	struct pinwatch_watch_config c0 = { .callback = pair_cb0, .ctx = &pr };
	struct pinwatch_watch_config c1 = { .callback = pair_cb1, .ctx = &pr };

	b = board_or_fail(VBOARD);
	p0 = pin_or_fail(b, "N3", NULL);
	p1 = pin_or_fail(b, "N4", NULL);
	pr.w = watcher_or_fail();
	pr.ids[0] = watch_or_fail(pr.w, p0, &c0);
	pr.ids[1] = watch_or_fail(pr.w, p1, &c1);
	toggle(b, "N3", 1);
	toggle(b, "N4", 1);
	drain(pr.w);
	/* whichever ran first removed the other before its first callback;
	 * the first one then got the rest of its own batch (2 edges) */
	ck_assert_int_eq(pr.calls[0] + pr.calls[1], 2);
	ck_assert(pr.calls[0] == 0 || pr.calls[1] == 0);
	pinwatch_watcher_free(pr.w);
	pinwatch_pin_close(p0);
	pinwatch_pin_close(p1);
	pinwatch_board_close(b);
}
END_TEST

/* ----------------------------------------------------------------- rule 7 */

static void *stopper(void *arg)
{
	ck_assert_int_eq(pinwatch_watcher_stop(arg), 0);
	return NULL;
}

/* Stop is prompt with no event pending (the worker sleeps in epoll_wait
 * forever: only the eventfd can end it; a test timeout would catch a hang),
 * idempotent, concurrent from several threads, and restartable. */
START_TEST(t_stop_prompt_idempotent)
{
	int threads0 = tu_thread_baseline();
	pinwatch_watcher *w;
	pthread_t t[4];

	w = watcher_or_fail();
	ck_assert_int_eq(pinwatch_watcher_stop(w), 0);  /* never started */
	for (int round = 0; round < 50; round++) {
		ck_assert_int_eq(pinwatch_watcher_start(w), 0);
		ck_assert_int_eq(pinwatch_watcher_start(w), -EALREADY);
		ck_assert_int_eq(pinwatch_watcher_dispatch(w, 0), -EBUSY);
		for (int i = 0; i < 4; i++)
			ck_assert_int_eq(pthread_create(&t[i], NULL, stopper, w), 0);
		for (int i = 0; i < 4; i++)
			pthread_join(t[i], NULL);
		ck_assert_int_eq(pinwatch_watcher_stop(w), 0);
		ck_assert_int_eq(pinwatch_watcher_dispatch(w, 0), 0);  /* ours again */
	}
	pinwatch_watcher_free(w);
	ck_assert_int_eq(tu_threads_settle(threads0), threads0);
}
END_TEST

/* Free with a running worker joins it; no callback runs after free returns. */
START_TEST(t_free_joins_worker)
{
	int threads0 = tu_thread_baseline();
	pinwatch_board *b;
	pinwatch_pin *p;
	pinwatch_watcher *w;
	int hits = 0;
	struct pinwatch_watch_config cfg = { .callback = count_cb, .ctx = &hits };
	struct pinwatch_sim_pulse pulse = { .period_ns = 20000 };
	unsigned gen;

	ck_assert_int_eq(pinwatch_board_open("sim:aria-g25", &b), 0);  /* real time */
	p = pin_or_fail(b, "N3", NULL);
	w = watcher_or_fail();
	watch_or_fail(w, p, &cfg);
	ck_assert_int_eq(pinwatch_sim_pulse(b, "N3", &pulse, &gen), 0);
	int with_generator = tu_count_threads();
	ck_assert_int_eq(pinwatch_watcher_start(w), 0);
	ck_assert(tu_wait_flag(&hits, 10000));
	pinwatch_watcher_free(w);
	int after = __atomic_load_n(&hits, __ATOMIC_SEQ_CST);
	tu_sleep_ms(20);   /* the generator goes on: no callback may follow */
	ck_assert_int_eq(__atomic_load_n(&hits, __ATOMIC_SEQ_CST), after);
	ck_assert_int_eq(tu_threads_settle(with_generator), with_generator);
	ck_assert_int_eq(pinwatch_sim_pulse_stop(b, gen), 0);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
	ck_assert_int_eq(tu_threads_settle(threads0), threads0);
}
END_TEST

Suite *core_removal_suite(void)
{
	Suite *s = suite_create("rules 3, 7: removal and stop");
	TCase *tc = tcase_create("removal");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_remove_waits_for_callback);
	tcase_add_test(tc, t_close_and_free_wait_for_callback_pin_close);
	tcase_add_test(tc, t_close_and_free_wait_for_callback_watcher_free);
	tcase_add_test(tc, t_release_from_own_callback_dispatch_remove);
	tcase_add_test(tc, t_release_from_own_callback_dispatch_pin_close);
	tcase_add_test(tc, t_release_from_own_callback_dispatch_watcher_free);
	tcase_add_test(tc, t_release_from_own_callback_worker_remove);
	tcase_add_test(tc, t_release_from_own_callback_worker_pin_close);
	tcase_add_test(tc, t_release_from_own_callback_worker_watcher_free);
	tcase_add_test(tc, t_release_from_own_callback_worker_stop);
	tcase_add_test(tc, t_remove_other_in_same_batch);
	tcase_add_test(tc, t_stop_prompt_idempotent);
	tcase_add_test(tc, t_free_joins_worker);
	suite_add_tcase(s, tc);
	return s;
}
