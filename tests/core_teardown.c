/* SPDX-License-Identifier: MIT */
/*
 * Regression tests for the core's teardown (issue 11): each shape broke a
 * guarantee before the one closing path (core/closing.c).
 *  - pin_close waiting for a callback while another thread (or that very
 *    callback) frees the watcher: the waiter must not touch freed memory
 *    (caught by ASan/TSan/valgrind; in a plain build, by the counts);
 *  - removal cycles across 2 and 3 watchers: one remove returns -EDEADLK
 *    instead of every thread waiting forever, and no removed watch runs
 *    again after its current callback;
 *  - stop and free from another thread are prompt: no callback starts after
 *    them, and the events already read are not lost (delivered + queued);
 *  - a read that fails with EINTR or EAGAIN on every call ends in one error
 *    event and a disabled watch, never a silent spin.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "core.h"

/* ------------------------------------------------ a callback that blocks */

struct gate {
	int entered;
	int go;
	int calls;
	void (*inside)(struct gate *g);   /* what the callback does once entered */
	pinwatch_watcher *w;
	pinwatch_pin *p;
};

static void gate_cb(const struct pinwatch_event *ev, void *ctx)
{
	struct gate *g = ctx;
	(void)ev;
	__atomic_add_fetch(&g->calls, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&g->entered, 1, __ATOMIC_SEQ_CST);
	while (!__atomic_load_n(&g->go, __ATOMIC_SEQ_CST))
		tu_sleep_ms(1);
	if (g->inside)
		g->inside(g);
}

static void *pin_closer(void *arg)
{
	struct gate *g = arg;
	pinwatch_pin_close(g->p);
	return NULL;
}

static void *watcher_freer(void *arg)
{
	struct gate *g = arg;
	pinwatch_watcher_free(g->w);
	return NULL;
}

static void free_own_watcher(struct gate *g)
{
	pinwatch_watcher_free(g->w);
}

/* Who frees the watcher while pin_close waits. */
enum freer { FREED_BY_THREAD, FREED_BY_CALLBACK };

/* pin_close waits for p's callback; meanwhile another thread or
 * the callback itself frees the watcher.  Both complete, and
 * nothing is left open. */
static void pin_close_races_watcher_free(enum freer by)
{
	int fds = tu_count_fds();
	int threads = tu_thread_baseline();

	for (int round = 0; round < 20; round++) {
		pinwatch_board *b;
		struct gate g = { 0 };
		struct pinwatch_watch_config cfg = { .callback = gate_cb, .ctx = &g };
		pthread_t closer, freer;

		open_board_pin(&b, "N3", &g.p);
		g.w = watcher_or_fail();
		watch_or_fail(g.w, g.p, &cfg);
		if (by == FREED_BY_CALLBACK)
			g.inside = free_own_watcher;
		ck_assert_int_eq(pinwatch_watcher_start(g.w), 0);
		ck_assert_int_eq(pinwatch_sim_drive(b, "N3", 1), 0);   /* one edge */
		ck_assert(tu_wait_flag(&g.entered, 10000));
		ck_assert_int_eq(pthread_create(&closer, NULL, pin_closer, &g), 0);
		if (by == FREED_BY_THREAD)
			ck_assert_int_eq(pthread_create(&freer, NULL, watcher_freer, &g), 0);
		tu_sleep_ms(round % 3);   /* vary the interleaving */
		__atomic_store_n(&g.go, 1, __ATOMIC_SEQ_CST);
		pthread_join(closer, NULL);
		if (by == FREED_BY_THREAD)
			pthread_join(freer, NULL);
		ck_assert_int_eq(g.calls, 1);
		pinwatch_board_close(b);
	}
	ck_assert_int_eq(tu_count_fds(), fds);
	ck_assert_int_le(tu_threads_settle(threads), threads);
}

START_TEST(t_pin_close_races_watcher_free_by_thread)
{
	pin_close_races_watcher_free(FREED_BY_THREAD);
}
END_TEST

START_TEST(t_pin_close_races_watcher_free_by_callback)
{
	pin_close_races_watcher_free(FREED_BY_CALLBACK);
}
END_TEST

/* ---------------------------------------------------- removal cycles */

#define MAX_RING 3

struct ring {
	int n;
	pthread_barrier_t all_in;     /* every callback is running */
	pinwatch_board *b;
	pinwatch_pin *p[MAX_RING];
	pinwatch_watcher *w[MAX_RING];
	pinwatch_watch_id id[MAX_RING];
	int calls[MAX_RING];
	int ret[MAX_RING];            /* what each callback's remove returned */
	int armed;
};

struct ring_ctx {
	struct ring *r;
	int k;
};

/* Callback k removes watch k+1 (of the next watcher) while that watch's
 * callback runs and does the same to the one after: a cycle of waits. */
static void ring_cb(const struct pinwatch_event *ev, void *ctx)
{
	const struct ring_ctx *c = ctx;
	struct ring *r = c->r;
	int next = (c->k + 1) % r->n;
	(void)ev;

	__atomic_add_fetch(&r->calls[c->k], 1, __ATOMIC_SEQ_CST);
	if (!__atomic_load_n(&r->armed, __ATOMIC_SEQ_CST))
		return;
	pthread_barrier_wait(&r->all_in);
	r->ret[c->k] = pinwatch_watch_remove(r->w[next], r->id[next]);
}

static void ring_run(int n)
{
	static const char *const names[MAX_RING] = { "N3", "N4", "N5" };
	struct ring r = { .n = n };
	struct ring_ctx ctx[MAX_RING];

	ck_assert_int_eq(pthread_barrier_init(&r.all_in, NULL, (unsigned)n), 0);
	r.b = board_or_fail(VBOARD);
	for (int k = 0; k < n; k++) {
		ctx[k] = (struct ring_ctx){ &r, k };
		struct pinwatch_watch_config cfg = { .edges = PINWATCH_EDGE_RISING,
						     .callback = ring_cb, .ctx = &ctx[k] };
		r.p[k] = pin_or_fail(r.b, names[k], NULL);
		r.w[k] = watcher_or_fail();
		r.id[k] = watch_or_fail(r.w[k], r.p[k], &cfg);
	}
	r.armed = 1;
	for (int k = 0; k < n; k++)
		ck_assert_int_eq(pinwatch_watcher_start(r.w[k]), 0);
	for (int k = 0; k < n; k++)
		ck_assert_int_eq(pinwatch_sim_drive(r.b, names[k], 1), 0);
	/* Every stop returns: no thread is left waiting forever. */
	for (int k = 0; k < n; k++) {
		int spins = 0;
		while (__atomic_load_n(&r.calls[k], __ATOMIC_SEQ_CST) < 1 && spins++ < 10000)
			tu_sleep_ms(1);
	}
	for (int k = 0; k < n; k++)
		ck_assert_int_eq(pinwatch_watcher_stop(r.w[k]), 0);
	int deadlocks = 0;
	for (int k = 0; k < n; k++) {
		ck_assert_msg(r.ret[k] == 0 || r.ret[k] == -EDEADLK, "remove %d returned %d", k, r.ret[k]);
		deadlocks += r.ret[k] == -EDEADLK;
	}
	ck_assert_int_eq(deadlocks, 1);   /* the one that would close the cycle */
	/* Every watch was removed (the -EDEADLK one too): ids are stale and
	 * no callback runs again. */
	struct pinwatch_watch_stats st;
	for (int k = 0; k < n; k++)
		ck_assert_int_eq(pinwatch_watch_stats(r.w[k], r.id[k], &st), -ENOENT);
	r.armed = 0;
	for (int k = 0; k < n; k++)
		ck_assert_int_eq(pinwatch_watcher_start(r.w[k]), 0);
	for (int k = 0; k < n; k++) {
		ck_assert_int_eq(pinwatch_sim_drive(r.b, names[k], 0), 0);
		ck_assert_int_eq(pinwatch_sim_drive(r.b, names[k], 1), 0);
	}
	for (int k = 0; k < n; k++)
		pinwatch_watcher_free(r.w[k]);
	for (int k = 0; k < n; k++) {
		ck_assert_int_eq(r.calls[k], 1);
		pinwatch_pin_close(r.p[k]);
	}
	pinwatch_board_close(r.b);
	pthread_barrier_destroy(&r.all_in);
}

START_TEST(t_remove_cycle_two_watchers)
{
	ring_run(2);
}
END_TEST

START_TEST(t_remove_cycle_three_watchers)
{
	ring_run(3);
}
END_TEST


/* --------------------------------------------------- prompt stop, free */

#define LINES 16
#define EDGES 100

struct slow {
	int started_after;      /* callbacks that started once the stop was under way */
	int stopping;
	int calls;
	int hold;               /* the first callback waits here */
	int held;
};

static void slow_cb(const struct pinwatch_event *ev, void *ctx)
{
	struct slow *s = ctx;
	(void)ev;
	if (__atomic_load_n(&s->stopping, __ATOMIC_SEQ_CST))
		__atomic_add_fetch(&s->started_after, 1, __ATOMIC_SEQ_CST);
	if (__atomic_add_fetch(&s->calls, 1, __ATOMIC_SEQ_CST) == 1) {
		__atomic_store_n(&s->held, 1, __ATOMIC_SEQ_CST);
		while (__atomic_load_n(&s->hold, __ATOMIC_SEQ_CST))
			tu_sleep_ms(1);
	}
	tu_sleep_ms(1);
}

struct stopper {
	pinwatch_watcher *w;
	struct slow *s;
	int free;
};

static void *stop_thread(void *arg)
{
	struct stopper *st = arg;
	__atomic_store_n(&st->s->stopping, 1, __ATOMIC_SEQ_CST);
	if (st->free)
		pinwatch_watcher_free(st->w);
	else
		ck_assert_int_eq(pinwatch_watcher_stop(st->w), 0);
	return NULL;
}

/* 16 lines with 100 pending edges each; the worker is held in its first
 * callback while another thread calls stop or free:
 * once released, no further callback starts.  After a stop, what was read
 * but not delivered is still there: a restart delivers all 1600. */
static void stop_and_free_are_prompt(int by_free)
{
	static const char *const names[LINES] = { "N3", "N4", "N5", "N6", "N7", "N8", "N9", "N10",
						  "N11", "N12", "N13", "N14", "N15", "N16", "N17", "N18" };
	pinwatch_board *b;
	pinwatch_pin *p[LINES];
	pinwatch_watch_id id[LINES];
	pinwatch_watcher *w;
	struct slow s = { .hold = 1 };
	struct pinwatch_watch_config cfg = { .callback = slow_cb, .ctx = &s, .event_buffer = 256 };

	b = board_or_fail(VBOARD);
	w = watcher_or_fail();
	for (int i = 0; i < LINES; i++) {
		p[i] = pin_or_fail(b, names[i], NULL);
		id[i] = watch_or_fail(w, p[i], &cfg);
		toggle(b, names[i], EDGES / 2);
	}
	ck_assert_int_eq(pinwatch_watcher_start(w), 0);
	ck_assert(tu_wait_flag(&s.held, 10000));
	struct stopper stp = { w, &s, by_free };
	pthread_t t;
	ck_assert_int_eq(pthread_create(&t, NULL, stop_thread, &stp), 0);
	tu_sleep_ms(200);   /* let the stopper get into stop/free (never asserted) */
	__atomic_store_n(&s.hold, 0, __ATOMIC_SEQ_CST);
	pthread_join(t, NULL);
	ck_assert_int_eq(s.started_after, 0);
	ck_assert_int_eq(s.calls, 1);
	if (!by_free) {
		/* delivered + still queued == every edge; nothing lost */
		uint64_t delivered = 0, queued = 0, lost = 0;
		struct pinwatch_watch_stats st;
		for (int i = 0; i < LINES; i++) {
			st = stats_or_fail(w, id[i]);
			delivered += st.delivered;
			queued += st.queued;
			lost += st.lost;
		}
		ck_assert_uint_eq(lost, 0);
		ck_assert_uint_eq(delivered, 1);
		s.stopping = 0;
		ck_assert_int_eq(pinwatch_watcher_start(w), 0);
		int spins = 0;
		while (__atomic_load_n(&s.calls, __ATOMIC_SEQ_CST) < LINES * EDGES && spins++ < 30000)
			tu_sleep_ms(1);
		ck_assert_int_eq(pinwatch_watcher_stop(w), 0);
		ck_assert_int_eq(s.calls, LINES * EDGES);
		delivered = 0;
		for (int i = 0; i < LINES; i++) {
			st = stats_or_fail(w, id[i]);
			delivered += st.delivered;
			ck_assert_uint_eq(st.queued, 0);
			ck_assert_uint_eq(st.lost, 0);
		}
		ck_assert_uint_eq(delivered, LINES * EDGES);
		(void)queued;
		pinwatch_watcher_free(w);
	}
	for (int i = 0; i < LINES; i++)
		pinwatch_pin_close(p[i]);
	pinwatch_board_close(b);
}

START_TEST(t_stop_and_free_are_prompt_stop)
{
	stop_and_free_are_prompt(0);
}
END_TEST

START_TEST(t_stop_and_free_are_prompt_free)
{
	stop_and_free_are_prompt(1);
}
END_TEST

/* --------------------------------------------------- no silent stall */

static void record_cb(const struct pinwatch_event *ev, void *ctx)
{
	struct pinwatch_event *last = ctx;
	if (ev->edge == PINWATCH_EVENT_ERROR)
		*last = *ev;
	else
		last->seqno++;
}

/* Every read fails with EINTR or EAGAIN, for a callback watch
 * and a counters-only one: within a bounded number of
 * dispatches the watch has its error, the callback one exactly one error
 * event, and the watcher's descriptor is no longer ready (no spin). */
static void persistent_transient_error_disables(int eintr, int callback)
{
	int want = eintr ? -EINTR : -EAGAIN;
	pinwatch_board *b;
	pinwatch_pin *p;
	pinwatch_watcher *w;
	pinwatch_watch_id id;
	struct pinwatch_event last = { 0 };
	struct pinwatch_watch_config cfg = { 0 };
	struct pinwatch_sim_fault f = { .op = PINWATCH_SIM_OP_READ, .nth = 0 };

	if (callback) {
		cfg.callback = record_cb;
		cfg.ctx = &last;
	}
	if (eintr) {
		f.kind = PINWATCH_SIM_FAULT_EINTR;
	} else {
		f.kind = PINWATCH_SIM_FAULT_FAIL;
		f.error = EAGAIN;
	}
	open_board_pin(&b, "N3", &p);
	w = watcher_or_fail();
	id = watch_or_fail(w, p, &cfg);
	ck_assert_int_eq(pinwatch_sim_fault(b, &f), 0);
	toggle(b, "N3", 1);
	struct pinwatch_watch_stats st = { 0 };
	int dispatches = 0;
	while (dispatches < 1000) {
		ck_assert_int_ge(pinwatch_watcher_dispatch(w, 0), 0);
		dispatches++;
		st = stats_or_fail(w, id);
		if (st.error)
			break;
	}
	ck_assert_int_eq(st.error, want);
	ck_assert_int_le(dispatches, 64);
	ck_assert_uint_eq(st.delivered, 0);
	if (callback) {
		ck_assert_int_eq(last.edge, PINWATCH_EVENT_ERROR);
		ck_assert_int_eq(last.value, want);
		ck_assert_ptr_eq(last.pin, p);
	}
	struct pollfd pfd = { .fd = pinwatch_watcher_fd(w), .events = POLLIN };
	ck_assert_int_eq(poll(&pfd, 1, 0), 0);
	for (int i = 0; i < 100; i++)
		ck_assert_int_eq(pinwatch_watcher_dispatch(w, 0), 0);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}

START_TEST(t_persistent_transient_error_disables_eintr_callback)
{
	persistent_transient_error_disables(1, 1);
}
END_TEST

START_TEST(t_persistent_transient_error_disables_eintr_counters)
{
	persistent_transient_error_disables(1, 0);
}
END_TEST

START_TEST(t_persistent_transient_error_disables_eagain_callback)
{
	persistent_transient_error_disables(0, 1);
}
END_TEST

START_TEST(t_persistent_transient_error_disables_eagain_counters)
{
	persistent_transient_error_disables(0, 0);
}
END_TEST

/* Timeouts below -1 are not "forever": refused, never a wait. */
START_TEST(t_bad_timeouts_refused)
{
	pinwatch_pin *p = fx.pin;
	pinwatch_watcher *w = fx.watcher;
	pinwatch_watch_id id;
	struct pinwatch_watch_config cfg = { .queue_size = 4 };
	struct pinwatch_event ev[2];

	id = watch_or_fail(w, p, &cfg);
	ck_assert_int_eq(pinwatch_watcher_dispatch(w, -2), -EINVAL);
	ck_assert_ptr_ne(strstr(pinwatch_last_error(), "timeout -2 ms"), NULL);
	ck_assert_int_eq(pinwatch_watch_read(w, id, ev, 2, -5), -EINVAL);
	ck_assert_int_eq(pinwatch_watch_read(w, id, ev, 2, INT32_MIN), -EINVAL);
}
END_TEST

struct waiter { pinwatch_board *b; unsigned gen; int ret; };

static void *pulse_waiter(void *arg)
{
	struct waiter *wt = arg;
	wt->ret = pinwatch_sim_pulse_wait(wt->b, wt->gen, -1);
	return NULL;
}

/* A pulse_wait(-1) on a generator another thread stops ends (-ENOENT):
 * its end can no longer come. */
static void pulse_wait_ends_on_stop(const char *spec)
{
	struct waiter wt = { .ret = 99 };
	struct pinwatch_sim_pulse slow = { .period_ns = 1000000000, .count = 100 };
	pthread_t t;

	wt.b = board_or_fail(spec);
	ck_assert_int_eq(pinwatch_sim_pulse(wt.b, "N3", &slow, &wt.gen), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, pulse_waiter, &wt), 0);
	tu_sleep_ms(50);   /* let it wait (never asserted) */
	ck_assert_int_eq(pinwatch_sim_pulse_stop(wt.b, wt.gen), 0);
	pthread_join(t, NULL);
	ck_assert_int_eq(wt.ret, -ENOENT);
	pinwatch_board_close(wt.b);
}

START_TEST(t_pulse_wait_ends_on_stop_real_clock)
{
	pulse_wait_ends_on_stop("sim:aria-g25");
}
END_TEST

START_TEST(t_pulse_wait_ends_on_stop_virtual_clock)
{
	pulse_wait_ends_on_stop(VBOARD);
}
END_TEST

Suite *core_teardown_suite(void)
{
	Suite *s = suite_create("teardown");
	TCase *tc = tcase_create("teardown");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_pin_close_races_watcher_free_by_thread);
	tcase_add_test(tc, t_pin_close_races_watcher_free_by_callback);
	tcase_add_test(tc, t_remove_cycle_two_watchers);
	tcase_add_test(tc, t_remove_cycle_three_watchers);
	tcase_add_test(tc, t_stop_and_free_are_prompt_stop);
	tcase_add_test(tc, t_stop_and_free_are_prompt_free);
	tcase_add_test(tc, t_persistent_transient_error_disables_eintr_callback);
	tcase_add_test(tc, t_persistent_transient_error_disables_eintr_counters);
	tcase_add_test(tc, t_persistent_transient_error_disables_eagain_callback);
	tcase_add_test(tc, t_persistent_transient_error_disables_eagain_counters);
	tcase_add_test(tc, t_pulse_wait_ends_on_stop_real_clock);
	tcase_add_test(tc, t_pulse_wait_ends_on_stop_virtual_clock);
	suite_add_tcase(s, tc);
	TCase *one = tcase_create("teardown, one pin");
	tcase_add_checked_fixture(one, one_pin_setup, one_pin_teardown);
	tcase_set_timeout(one, 60);
	tcase_add_test(one, t_bad_timeouts_refused);
	suite_add_tcase(s, one);
	return s;
}
