/* SPDX-License-Identifier: MIT */
/* Rules 5 and 6 and the event model: bounded queues, counted losses, exact
 * seqno, copied contexts, debounce, the three ways to consume. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

/* Rule 5: a queue nobody reads neither blocks the worker nor grows; every
 * edge is either delivered or counted lost: delivered + lost == generated. */
START_TEST(t_unread_queue_bounded)
{
	pinwatch_board *b;
	pinwatch_pin *p, *p2;
	pinwatch_watcher *w;
	pinwatch_watch_id id;
	int hits = 0;
	struct pinwatch_watch_config qcfg = { .queue_size = 8 };
	struct pinwatch_watch_config ccfg = { .callback = count_cb, .ctx = &hits };
	struct pinwatch_watch_stats st;
	struct pinwatch_sim_line_stats truth;

	b = board_or_fail(VBOARD);
	p = pin_or_fail(b, "N3", NULL);
	p2 = pin_or_fail(b, "N4", NULL);
	w = watcher_or_fail();
	id = watch_or_fail(w, p, &qcfg);
	watch_or_fail(w, p2, &ccfg);
	for (int i = 0; i < 1000; i++) {
		toggle(b, "N3", 5);   /* 10 edges, within the sim's 16-event buffer */
		toggle(b, "N4", 1);
		drain(w);
	}
	st = stats_or_fail(w, id);
	truth = line_stats_or_fail(b, "N3");
	ck_assert_uint_eq(truth.edges, 10000);
	ck_assert_uint_eq(st.queued, 8);                 /* bounded */
	ck_assert_uint_eq(st.delivered, 8);
	ck_assert_uint_eq(st.lost_queue, 10000 - 8);
	ck_assert_uint_eq(st.lost_source, 0);
	ck_assert_uint_eq(st.delivered + st.lost, truth.edges);
	ck_assert_uint_eq(st.rising + st.falling, 10000);
	ck_assert_int_eq(hits, 2000);                    /* the other watch never waited */
	/* the queue holds the first 8; the next delivered one reports the gap */
	struct pinwatch_event ev[16];
	ck_assert_int_eq(pinwatch_watch_read(w, id, ev, 16, 0), 8);
	for (int i = 0; i < 8; i++) {
		ck_assert_uint_eq(ev[i].seqno, (uint64_t)i + 1);
		ck_assert_uint_eq(ev[i].lost, 0);
	}
	toggle(b, "N3", 1);
	drain(w);
	ck_assert_int_eq(pinwatch_watch_read(w, id, ev, 16, 0), 2);
	ck_assert_uint_eq(ev[0].lost, 10000 - 8);
	ck_assert_uint_eq(ev[0].seqno, 10001);
	ck_assert_uint_eq(ev[1].seqno, 10002);
	ck_assert_uint_eq(ev[1].lost, 0);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_pin_close(p2);
	pinwatch_board_close(b);
}
END_TEST

/* Events carry the right pin, watch, edge, value and a seqno from 1. */
START_TEST(t_event_fields)
{
	pinwatch_board *b = fx.board;
	pinwatch_pin *p = fx.pin;
	pinwatch_watcher *w = fx.watcher;
	pinwatch_watch_id id;
	struct pinwatch_watch_config cfg = { .queue_size = 16 };
	struct pinwatch_event ev[16];

	id = watch_or_fail(w, p, &cfg);
	ck_assert_int_eq(pinwatch_sim_advance(b, 1000), 0);
	ck_assert_int_eq(pinwatch_sim_drive(b, "N3", 1), 0);
	ck_assert_int_eq(pinwatch_sim_advance(b, 500), 0);
	ck_assert_int_eq(pinwatch_sim_drive(b, "N3", 0), 0);
	drain(w);
	ck_assert_int_eq(pinwatch_watch_read(w, id, ev, 16, 0), 2);
	ck_assert_ptr_eq(ev[0].pin, p);
	ck_assert(ev[0].watch == id);
	ck_assert_int_eq(ev[0].edge, PINWATCH_EDGE_RISING);
	ck_assert_int_eq(ev[0].value, 1);
	ck_assert_uint_eq(ev[0].timestamp_ns, 1000);
	ck_assert_uint_eq(ev[0].seqno, 1);
	ck_assert_int_eq(ev[1].edge, PINWATCH_EDGE_FALLING);
	ck_assert_int_eq(ev[1].value, 0);
	ck_assert_uint_eq(ev[1].timestamp_ns, 1500);
	ck_assert_uint_eq(ev[1].seqno, 2);
	ck_assert_int_eq(pinwatch_board_clock(b), PINWATCH_CLOCK_VIRTUAL);
}
END_TEST

/* Edge filters: a rising watch sees rising edges only (and counts them). */
START_TEST(t_edge_filter)
{
	static const int edges[] = { PINWATCH_EDGE_RISING, PINWATCH_EDGE_FALLING, PINWATCH_EDGE_BOTH };
	pinwatch_board *b = fx.board;
	pinwatch_pin *p = fx.pin;
	pinwatch_watcher *w = fx.watcher;
	pinwatch_watch_id id;
	struct pinwatch_watch_config cfg = { .edges = edges[_i] };
	struct pinwatch_watch_stats st;

	id = watch_or_fail(w, p, &cfg);
	for (int i = 0; i < 10; i++) {
		toggle(b, "N3", 3);
		drain(w);
	}
	st = stats_or_fail(w, id);
	ck_assert_uint_eq(st.rising, edges[_i] & PINWATCH_EDGE_RISING ? 30 : 0);
	ck_assert_uint_eq(st.falling, edges[_i] & PINWATCH_EDGE_FALLING ? 30 : 0);
	ck_assert_uint_eq(st.delivered, st.rising + st.falling);  /* counters only */
	ck_assert_uint_eq(st.lost, 0);
}
END_TEST

struct seen {
	int index;
	int value;
};

static void ctx_cb(const struct pinwatch_event *ev, void *ctx)
{
	struct seen *s = ctx;
	(void)ev;
	s->value++;   /* the watch's own copy */
}

static struct seen *seen_by[128];

static void ctx_record_cb(const struct pinwatch_event *ev, void *ctx)
{
	struct seen *s = ctx;
	(void)ev;
	seen_by[s->index] = s;
}

/* Rule 6: 100 watches registered in a loop, each with a copied context,
 * each see their own value — not the loop's last. */
START_TEST(t_copied_context)
{
	pinwatch_board *b;
	pinwatch_pin *pins[100];
	pinwatch_watcher *w;
	char name[32];

	memset(seen_by, 0, sizeof(seen_by));
	b = board_or_fail("sim,lines=128,clock=virtual");
	w = watcher_or_fail();
	for (int i = 0; i < 100; i++) {
		struct seen s = { .index = i, .value = 1000 + i };   /* on the stack, reused */
		struct pinwatch_watch_config cfg = {
			.callback = ctx_record_cb, .ctx = &s, .ctx_size = sizeof(s),
		};
		snprintf(name, sizeof(name), "sim0:%d", i);
		pins[i] = pin_or_fail(b, name, NULL);
		watch_or_fail(w, pins[i], &cfg);
	}
	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "sim0:%d", i);
		ck_assert_int_eq(pinwatch_sim_drive(b, name, 1), 0);
	}
	drain(w);
	for (int i = 0; i < 100; i++) {
		ck_assert_ptr_nonnull(seen_by[i]);
		ck_assert_int_eq(seen_by[i]->index, i);
		ck_assert_int_eq(seen_by[i]->value, 1000 + i);
	}
	/* distinct copies */
	for (int i = 1; i < 100; i++)
		ck_assert_ptr_ne(seen_by[i], seen_by[i - 1]);
	pinwatch_watcher_free(w);   /* frees the copies (valgrind/ASan check it) */
	for (int i = 0; i < 100; i++)
		pinwatch_pin_close(pins[i]);
	pinwatch_board_close(b);
}
END_TEST

/* A pointer context is passed as is (the caller owns it). */
START_TEST(t_pointer_context)
{
	pinwatch_board *b = fx.board;
	pinwatch_pin *p = fx.pin;
	pinwatch_watcher *w = fx.watcher;
	struct seen s = { .value = 0 };
	struct pinwatch_watch_config cfg = { .callback = ctx_cb, .ctx = &s };

	watch_or_fail(w, p, &cfg);
	toggle(b, "N3", 4);
	drain(w);
	ck_assert_int_eq(s.value, 8);
}
END_TEST

/* Software debounce: bounce of 3 extra transition pairs, 1 us apart, on
 * every edge of a 1 kHz train gives exactly one edge per real edge. */
START_TEST(t_debounce_bounce)
{
	pinwatch_board *b = fx.board;
	pinwatch_pin *p = fx.pin;
	pinwatch_watcher *w = fx.watcher;
	pinwatch_watch_id id;
	struct pinwatch_watch_config cfg = { .debounce_ns = 100000 };
	struct pinwatch_sim_pulse pulse = {
		.period_ns = 1000000, .count = 1000, .bounce = 3, .bounce_ns = 1000,
	};
	struct pinwatch_watch_stats st;
	unsigned gen;

	id = watch_or_fail(w, p, &cfg);
	ck_assert_int_eq(pinwatch_sim_pulse(b, "N3", &pulse, &gen), 0);
	for (int i = 0; i < 1000; i++) {
		ck_assert_int_eq(pinwatch_sim_advance(b, 1000000), 0);
		drain(w);
	}
	st = stats_or_fail(w, id);
	ck_assert_uint_eq(st.rising, 1000);
	ck_assert_uint_eq(st.falling, 1000);
	ck_assert_uint_eq(st.filtered, 2000 * 6);
	ck_assert_uint_eq(st.lost, 0);
}
END_TEST

/* A queue read waits (from another thread's point of view: the caller) with
 * a timeout, and returns 0 when nothing came. */
START_TEST(t_queue_read_timeout)
{
	pinwatch_board *b = fx.board;
	pinwatch_pin *p = fx.pin;
	pinwatch_watcher *w = fx.watcher;
	pinwatch_watch_id id;
	struct pinwatch_watch_config cfg = { .queue_size = 4 };
	struct pinwatch_event ev[4];

	id = watch_or_fail(w, p, &cfg);
	ck_assert_int_eq(pinwatch_watcher_start(w), 0);
	ck_assert_int_eq(pinwatch_watch_read(w, id, ev, 4, 0), 0);
	ck_assert_int_eq(pinwatch_watch_read(w, id, ev, 4, 20), 0);
	ck_assert_int_eq(pinwatch_sim_drive(b, "N3", 1), 0);
	ck_assert_int_eq(pinwatch_watch_read(w, id, ev, 4, 10000), 1);
	ck_assert_int_eq(ev[0].edge, PINWATCH_EDGE_RISING);
}
END_TEST

struct reader {
	pinwatch_watcher *w;
	pinwatch_watch_id id;
	int ret;
};

static void *blocked_reader(void *arg)
{
	struct reader *r = arg;
	struct pinwatch_event ev;
	r->ret = pinwatch_watch_read(r->w, r->id, &ev, 1, -1);
	return NULL;
}

/* A reader blocked forever is woken by the watch's removal: -ENOENT. */
START_TEST(t_blocked_reader_woken_by_remove)
{
	pinwatch_board *b;
	pinwatch_pin *p;
	struct reader r = { 0 };
	struct pinwatch_watch_config cfg = { .queue_size = 4 };
	pthread_t t;

	open_board_pin(&b, "N3", &p);
	r.w = watcher_or_fail();
	r.id = watch_or_fail(r.w, p, &cfg);
	ck_assert_int_eq(pthread_create(&t, NULL, blocked_reader, &r), 0);
	tu_sleep_ms(20);
	pinwatch_pin_close(p);
	pthread_join(t, NULL);
	ck_assert_int_eq(r.ret, -ENOENT);
	pinwatch_watcher_free(r.w);
	pinwatch_board_close(b);
}
END_TEST

/* The caller's own loop: the watcher's fd polls readable when an edge is
 * pending, and dispatch handles it. */
START_TEST(t_fd_in_poll_loop)
{
	pinwatch_board *b = fx.board;
	pinwatch_pin *p = fx.pin;
	pinwatch_watcher *w = fx.watcher;
	int hits = 0;
	struct pinwatch_watch_config cfg = { .callback = count_cb, .ctx = &hits };

	watch_or_fail(w, p, &cfg);
	struct pollfd pfd = { .fd = pinwatch_watcher_fd(w), .events = POLLIN };
	ck_assert_int_ge(pfd.fd, 0);
	ck_assert_int_eq(poll(&pfd, 1, 0), 0);
	ck_assert_int_eq(pinwatch_sim_drive(b, "N3", 1), 0);
	ck_assert_int_eq(poll(&pfd, 1, 10000), 1);
	ck_assert_int_eq(pinwatch_watcher_dispatch(w, 0), 1);
	ck_assert_int_eq(hits, 1);
	ck_assert_int_eq(poll(&pfd, 1, 0), 0);
}
END_TEST

/* Kernel-reported loss (v2-like: the oldest is dropped, seqno shows it) is
 * counted exactly; the events around the gap carry it. */
START_TEST(t_source_overflow_counted)
{
	pinwatch_board *b;
	pinwatch_pin *p;
	pinwatch_watcher *w;
	pinwatch_watch_id id;
	struct pinwatch_watch_config cfg = { .queue_size = 64 };
	struct pinwatch_event ev[64];
	struct pinwatch_watch_stats st;
	struct pinwatch_sim_line_stats truth;

	b = board_or_fail("sim:aria-g25,clock=virtual,overflow=oldest");
	p = pin_or_fail(b, "N3", NULL);
	w = watcher_or_fail();
	id = watch_or_fail(w, p, &cfg);
	toggle(b, "N3", 20);   /* 40 edges into a 16-event buffer */
	drain(w);
	truth = line_stats_or_fail(b, "N3");
	ck_assert_uint_eq(truth.dropped, 24);
	st = stats_or_fail(w, id);
	ck_assert_uint_eq(st.lost_source, 24);
	ck_assert_uint_eq(st.delivered, 16);
	int n = pinwatch_watch_read(w, id, ev, 64, 0);
	ck_assert_int_eq(n, 16);
	/* the oldest were dropped: the first delivered one carries the gap,
	 * the first one ever seen has no predecessor to compare with: the
	 * gap shows from the second delivered event on, or on the first if
	 * the backend numbers from 1 */
	uint64_t lost = 0;
	for (int i = 0; i < n; i++) {
		lost += ev[i].lost;
		ck_assert_uint_eq(ev[i].seqno, (uint64_t)i + 1 + lost);
	}
	ck_assert_uint_eq(lost, 24);
	ck_assert_uint_eq(ev[n - 1].seqno, 40);
	{
		struct pinwatch_watch_stats seen;
		seen = stats_or_fail(w, id);
		ck_assert_int_eq(seen.loss_seen, PINWATCH_LOSS_COUNTED);
	}
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

/* v1-like overflow (the newest is dropped, no seqno): inferred from two
 * same-direction edges in a row, never silent. */
START_TEST(t_inferred_loss)
{
	pinwatch_board *b;
	pinwatch_pin *p;
	pinwatch_watcher *w;
	pinwatch_watch_id id;
	struct pinwatch_watch_stats st;
	struct pinwatch_sim_line_stats truth;

	b = board_or_fail("sim:aria-g25,clock=virtual,overflow=newest");
	p = pin_or_fail(b, "N3", NULL);
	w = watcher_or_fail();
	/* counters only, with the sim's default 16-event buffer (a counting
	 * watch would get the large one) */
	struct pinwatch_watch_config wc = { .event_buffer = 16 };
	id = watch_or_fail(w, p, &wc);
	toggle(b, "N3", 8);    /* 16 edges fill the buffer exactly */
	ck_assert_int_eq(pinwatch_sim_drive(b, "N3", 1), 0);   /* dropped */
	ck_assert_int_eq(pinwatch_sim_drive(b, "N3", 0), 0);   /* dropped */
	ck_assert_int_eq(pinwatch_sim_drive(b, "N3", 1), 0);   /* dropped */
	drain(w);
	ck_assert_int_eq(pinwatch_sim_drive(b, "N3", 0), 0);   /* F after F seen */
	drain(w);
	truth = line_stats_or_fail(b, "N3");
	ck_assert_uint_eq(truth.dropped, 3);
	st = stats_or_fail(w, id);
	ck_assert_uint_eq(st.delivered, 17);
	ck_assert_uint_ge(st.lost_source, 1);   /* at least one, of the true 3 */
	ck_assert_uint_le(st.lost_source, truth.dropped);
	ck_assert_int_eq(st.loss_seen, PINWATCH_LOSS_AT_LEAST);   /* and it says so */
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

Suite *core_events_suite(void)
{
	Suite *s = suite_create("rules 5, 6: events");
	TCase *tc = tcase_create("events");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_unread_queue_bounded);
	tcase_add_test(tc, t_copied_context);
	tcase_add_test(tc, t_blocked_reader_woken_by_remove);
	tcase_add_test(tc, t_source_overflow_counted);
	tcase_add_test(tc, t_inferred_loss);
	suite_add_tcase(s, tc);
	TCase *one = tcase_create("events, one pin");
	tcase_add_checked_fixture(one, one_pin_setup, one_pin_teardown);
	tcase_set_timeout(one, 60);
	tcase_add_test(one, t_event_fields);
	tcase_add_loop_test(one, t_edge_filter, 0, 3);
	tcase_add_test(one, t_pointer_context);
	tcase_add_test(one, t_debounce_bounce);
	tcase_add_test(one, t_queue_read_timeout);
	tcase_add_test(one, t_fd_in_poll_loop);
	suite_add_tcase(s, one);
	return s;
}
