/* SPDX-License-Identifier: MIT */
/* The idle watchdog (watch config idle_ns): one PINWATCH_EVENT_IDLE after
 * each quiet period, in every consumption mode, at exact times in virtual
 * time and from the watcher's own timer on the real clock. */
#include <errno.h>
#include <string.h>

#include "core.h"

#define MS 1000000ull

struct seen {
	int n;
	struct pinwatch_event ev[16];
};

static void seen_cb(const struct pinwatch_event *ev, void *ctx)
{
	struct seen *s = ctx;
	int n = __atomic_load_n(&s->n, __ATOMIC_SEQ_CST);
	if (n < 16)
		s->ev[n] = *ev;
	__atomic_store_n(&s->n, n + 1, __ATOMIC_SEQ_CST);
}

/* How a test consumes its watch's events. */
enum consumer { BY_CALLBACK, BY_QUEUE, BY_COUNTERS };

/* Virtual time: armed at 0 with 100 ms; quiet until 250 ms is two quiet
 * periods (ending at 100 and 200), reported by one idle event at 100 with
 * value 2 as nobody read in between; an edge at 250 restarts the period:
 * the next is at 350. */
static void idle_virtual_exact(enum consumer how)
{
	pinwatch_board *b;
	pinwatch_pin *p;
	pinwatch_watcher *w;
	pinwatch_watch_id id;
	struct seen s = { 0 };
	struct pinwatch_watch_config cfg = { .idle_ns = 100 * MS };
	struct pinwatch_event ev[16];
	int n = 0;

	if (how == BY_CALLBACK) {
		cfg.callback = seen_cb;
		cfg.ctx = &s;
	} else if (how == BY_QUEUE) {
		cfg.queue_size = 16;
	}
	open_board_pin(&b, "N3", &p);
	w = watcher_or_fail();
	id = watch_or_fail(w, p, &cfg);
	ck_assert_int_eq(pinwatch_sim_advance(b, 250 * MS), 0);
	ck_assert_int_eq(pinwatch_sim_drive(b, "N3", 1), 0);
	ck_assert_int_eq(pinwatch_sim_advance(b, 100 * MS), 0);
	drain(w);
	if (how == BY_CALLBACK) {
		n = s.n;
		memcpy(ev, s.ev, sizeof(ev));
	} else if (how == BY_QUEUE) {
		n = pinwatch_watch_read(w, id, ev, 16, 0);
	}
	struct pinwatch_watch_stats st;
	st = stats_or_fail(w, id);
	ck_assert_uint_eq(st.idle, 3);
	ck_assert_uint_eq(st.rising, 1);
	ck_assert_uint_eq(st.delivered, 1);   /* idle events are not edges */
	if (how != BY_COUNTERS) {
		ck_assert_int_eq(n, 3);
		ck_assert_int_eq(ev[0].edge, PINWATCH_EVENT_IDLE);
		ck_assert_uint_eq(ev[0].timestamp_ns, 100 * MS);
		ck_assert_int_eq(ev[0].value, 2);
		ck_assert_int_eq(ev[1].edge, PINWATCH_EDGE_RISING);
		ck_assert_uint_eq(ev[1].timestamp_ns, 250 * MS);
		ck_assert_int_eq(ev[2].edge, PINWATCH_EVENT_IDLE);
		ck_assert_uint_eq(ev[2].timestamp_ns, 350 * MS);
		ck_assert_int_eq(ev[2].value, 1);
		ck_assert_ptr_eq(ev[2].pin, p);
		ck_assert_uint_eq(ev[2].watch, id);
	}
	/* Removing the watch disarms it: more time, nothing more. */
	ck_assert_int_eq(pinwatch_watch_remove(w, id), 0);
	ck_assert_int_eq(pinwatch_sim_advance(b, 1000 * MS), 0);
	ck_assert_int_eq(drain(w), 0);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}

START_TEST(t_idle_virtual_exact_callback)
{
	idle_virtual_exact(BY_CALLBACK);
}
END_TEST

START_TEST(t_idle_virtual_exact_queue)
{
	idle_virtual_exact(BY_QUEUE);
}
END_TEST

START_TEST(t_idle_virtual_exact_counters)
{
	idle_virtual_exact(BY_COUNTERS);
}
END_TEST

/* The real clock: the watcher's timer fires on a quiet line, on the worker,
 * repeatedly; removal closes the timer (no descriptor left). */
START_TEST(t_idle_real_clock)
{
	pinwatch_board *b;
	pinwatch_pin *p;
	pinwatch_watcher *w;
	pinwatch_watch_id id;
	struct seen s = { 0 };
	struct pinwatch_watch_config cfg = { .callback = seen_cb, .ctx = &s, .idle_ns = 20 * MS };
	int fds = tu_count_fds();

	b = board_or_fail("sim:aria-g25");
	p = pin_or_fail(b, "N3", NULL);
	w = watcher_or_fail();
	id = watch_or_fail(w, p, &cfg);
	ck_assert_int_eq(pinwatch_watcher_start(w), 0);
	for (int i = 0; i < 5000 && __atomic_load_n(&s.n, __ATOMIC_SEQ_CST) < 2; i++)
		tu_sleep_ms(1);
	ck_assert_int_eq(pinwatch_watcher_stop(w), 0);
	ck_assert_int_ge(s.n, 2);
	ck_assert_int_eq(s.ev[0].edge, PINWATCH_EVENT_IDLE);
	ck_assert_int_eq(s.ev[1].edge, PINWATCH_EVENT_IDLE);
	ck_assert_uint_gt(s.ev[1].timestamp_ns, s.ev[0].timestamp_ns);
	struct pinwatch_watch_stats st;
	st = stats_or_fail(w, id);
	uint64_t periods = 0;   /* each event reports 1 period, more if read late */
	for (int i = 0; i < s.n && i < 16; i++) {
		ck_assert_int_ge(s.ev[i].value, 1);
		periods += (uint64_t)s.ev[i].value;
	}
	if (s.n <= 16)
		ck_assert_uint_eq(st.idle, periods);
	ck_assert_int_eq(pinwatch_watch_remove(w, id), 0);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
	ck_assert_int_eq(tu_count_fds(), fds);
}
END_TEST

/* A step of the clock holding millions of quiet periods returns at once
 * (they are counted, not played one by one) and every period is counted,
 * whatever the queue or the line's buffer can hold. */
START_TEST(t_idle_many_periods_counted)
{
	pinwatch_board *b = fx.board;
	pinwatch_pin *p = fx.pin;
	pinwatch_watcher *w = fx.watcher;
	pinwatch_watch_id id;
	struct pinwatch_watch_config cfg = { .idle_ns = 1000, .queue_size = 2, .event_buffer = 16 };
	struct pinwatch_event ev[4];

	id = watch_or_fail(w, p, &cfg);
	ck_assert_int_eq(pinwatch_sim_advance(b, 10000000000ull), 0);   /* 10^7 periods */
	drain(w);
	struct pinwatch_watch_stats st;
	st = stats_or_fail(w, id);
	ck_assert_uint_eq(st.idle, 10000000);
	ck_assert_int_eq(pinwatch_watch_read(w, id, ev, 4, 0), 1);
	ck_assert_int_eq(ev[0].edge, PINWATCH_EVENT_IDLE);
	ck_assert_int_eq(ev[0].value, 10000000);
	ck_assert_uint_eq(ev[0].timestamp_ns, 1000);
	/* the end of the clock: no spin either */
	ck_assert_int_eq(pinwatch_sim_advance(b, UINT64_MAX - 20000000000ull), 0);
	drain(w);
}
END_TEST

Suite *core_idle_suite(void)
{
	Suite *s = suite_create("idle watchdog");
	TCase *tc = tcase_create("idle");

	tcase_add_test(tc, t_idle_virtual_exact_callback);
	tcase_add_test(tc, t_idle_virtual_exact_queue);
	tcase_add_test(tc, t_idle_virtual_exact_counters);
	tcase_add_test(tc, t_idle_real_clock);
	suite_add_tcase(s, tc);
	TCase *one = tcase_create("idle, one pin");
	tcase_add_checked_fixture(one, one_pin_setup, one_pin_teardown);
	tcase_add_test(one, t_idle_many_periods_counted);
	suite_add_tcase(s, one);
	return s;
}
