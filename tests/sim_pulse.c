/* SPDX-License-Identifier: MIT */
/*
 * test-sim, generators and time (sim/pulse.c, sim/schedule.c): virtual time, jitter and bounce, the clock, generators on the real clock.  Every test asserts values; none depends on speed.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim_suites.h"

/* ------------------------------------------------------------ virtual time */

START_TEST(t_million_pulses)
{
	enum { PULSES = 1000000, STEP = 100 };
	const uint64_t period = 1000, phase = 250, high = 400;
	pinwatch_board *b = board_or_fail(VARIA);
	pinwatch_pin *p = input_or_fail(b, "N3");
	pinwatch_watcher *w = watcher_or_fail();
	struct pinwatch_watch_config wc = {
		.edges = PINWATCH_EDGE_RISING, .queue_size = 256, .event_buffer = 128,
	};
	pinwatch_watch_id id = watch_or_fail(w, p, &wc);
	struct pinwatch_sim_pulse ps = {
		.period_ns = period, .high_ns = high, .phase_ns = phase, .count = PULSES,
	};
	struct pinwatch_event ev[256];
	unsigned gen;
	uint64_t seen = 0, bad_ts = 0, bad_seq = 0, now;

	ck_assert_int_eq(pinwatch_sim_advance(b, 1000), 0);   /* t0 = 1000 */
	ck_assert_int_eq(pinwatch_sim_pulse(b, "N3", &ps, &gen), 0);
	ck_assert_int_eq(pinwatch_sim_pulse_wait(b, gen, 0), 0);
	for (int step = 0; step < PULSES / STEP; step++) {
		ck_assert_int_eq(pinwatch_sim_advance(b, STEP * period), 0);
		drain(w);
		size_t n = take(w, id, ev, 256);
		for (size_t i = 0; i < n; i++, seen++) {
			bad_ts += ev[i].timestamp_ns != 1000 + phase + seen * period;
			bad_seq += ev[i].seqno != seen + 1 || ev[i].lost;
		}
	}
	/* The train is over exactly: its last fall was inside the last step. */
	ck_assert_int_eq(pinwatch_sim_pulse_wait(b, gen, 0), 1);
	ck_assert_int_eq(pinwatch_sim_now(b, &now), 0);
	ck_assert_uint_eq(now, 1000 + (uint64_t)PULSES * period);
	drain(w);
	ck_assert_uint_eq(take(w, id, ev, 256), 0);

	ck_assert_uint_eq(seen, PULSES);
	ck_assert_uint_eq(bad_ts, 0);
	ck_assert_uint_eq(bad_seq, 0);
	struct pinwatch_watch_stats st = stats_or_fail(w, id);
	ck_assert_uint_eq(st.rising, PULSES);
	ck_assert_uint_eq(st.falling, 0);
	ck_assert_uint_eq(st.delivered, PULSES);
	ck_assert_uint_eq(st.lost, 0);
	struct pinwatch_sim_line_stats ls = line_stats_or_fail(b, "N3");
	ck_assert_uint_eq(ls.edges, PULSES);
	ck_assert_uint_eq(ls.dropped, 0);
	ck_assert_uint_eq(ls.level_changes, 2 * PULSES);
	ck_assert_int_eq(pinwatch_sim_pulse_stop(b, gen), 0);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

/* Counters only, the pulse-counter case: N2 pulsed, jumpered to N3. */
START_TEST(t_counter_through_wire)
{
	enum { PULSES = 200000 };
	pinwatch_board *b = board_or_fail(VARIA);
	pinwatch_pin *p = input_or_fail(b, "N3");
	pinwatch_watcher *w = watcher_or_fail();
	struct pinwatch_watch_config wc = { .edges = PINWATCH_EDGE_BOTH };
	pinwatch_watch_id id = watch_or_fail(w, p, &wc);
	struct pinwatch_sim_pulse ps = { .period_ns = 10000, .count = PULSES };
	unsigned gen;

	ck_assert_int_eq(pinwatch_sim_wire(b, "N2", "N3"), 0);
	ck_assert_int_eq(pinwatch_sim_pulse(b, "N2", &ps, &gen), 0);
	/* 8 pulses = 16 edges per step: exactly the default buffer. */
	for (int i = 0; i < PULSES / 8; i++) {
		ck_assert_int_eq(pinwatch_sim_advance(b, 8 * 10000 - (i == 0)), 0);
		drain(w);
	}
	ck_assert_int_eq(pinwatch_sim_advance(b, 1), 0);
	drain(w);
	struct pinwatch_watch_stats st = stats_or_fail(w, id);
	ck_assert_uint_eq(st.rising, PULSES);
	ck_assert_uint_eq(st.falling, PULSES);
	ck_assert_uint_eq(st.lost, 0);
	ck_assert_uint_eq(line_stats_or_fail(b, "N3").dropped, 0);
	ck_assert_uint_eq(line_stats_or_fail(b, "N2").level_changes, 2 * PULSES);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

static void collect_jitter(unsigned seed, uint64_t *ts, size_t n)
{
	pinwatch_board *b = board_or_fail(VARIA);
	pinwatch_pin *p = input_or_fail(b, "N3");
	pinwatch_watcher *w = watcher_or_fail();
	struct pinwatch_watch_config wc = { .queue_size = 256, .event_buffer = 256 };
	pinwatch_watch_id id = watch_or_fail(w, p, &wc);
	struct pinwatch_sim_pulse ps = {
		.period_ns = 10000, .count = n / 2, .jitter_ns = 1000, .seed = seed,
	};
	struct pinwatch_event ev[256];
	unsigned gen;

	ck_assert_int_eq(pinwatch_sim_pulse(b, "N3", &ps, &gen), 0);
	ck_assert_int_eq(pinwatch_sim_advance(b, 10000 * (n / 2) + 1000), 0);
	drain(w);
	ck_assert_uint_eq(take(w, id, ev, 256), n);
	for (size_t i = 0; i < n; i++) {
		ck_assert_int_eq(ev[i].edge, i % 2 ? PINWATCH_EDGE_FALLING : PINWATCH_EDGE_RISING);
		ts[i] = ev[i].timestamp_ns;
	}
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}

START_TEST(t_jitter_deterministic)
{
	enum { N = 200 };
	uint64_t a[N], a2[N], c[N];
	int late = 0, differ = 0;

	collect_jitter(42, a, N);
	collect_jitter(42, a2, N);
	collect_jitter(7, c, N);
	for (size_t i = 0; i < N; i++) {
		uint64_t nominal = (i / 2) * 10000 + (i % 2) * 5000;
		ck_assert_uint_ge(a[i], nominal);
		ck_assert_uint_lt(a[i], nominal + 1000);
		ck_assert_uint_eq(a[i], a2[i]);
		late += a[i] != nominal;
		differ += a[i] != c[i];
	}
	/* Uniform over [0, 1000): virtually every edge is late, and another
	 * seed gives another sequence. */
	ck_assert_int_gt(late, N * 9 / 10);
	ck_assert_int_gt(differ, N * 9 / 10);
}
END_TEST

START_TEST(t_bounce_raw)
{
	enum { PULSES = 10, BOUNCE = 3 };
	pinwatch_board *b = board_or_fail(VARIA);
	pinwatch_pin *p = input_or_fail(b, "N3");
	pinwatch_watcher *w = watcher_or_fail();
	struct pinwatch_watch_config wc = { .queue_size = 1024, .event_buffer = 1024 };
	pinwatch_watch_id id = watch_or_fail(w, p, &wc);
	struct pinwatch_sim_pulse ps = {
		.period_ns = 1000000, .count = PULSES, .bounce = BOUNCE, .bounce_ns = 10000,
	};
	struct pinwatch_event ev[1024];
	unsigned gen;

	ck_assert_int_eq(pinwatch_sim_pulse(b, "N3", &ps, &gen), 0);
	ck_assert_int_eq(pinwatch_sim_advance(b, PULSES * 1000000ull), 0);
	drain(w);
	size_t n = take(w, id, ev, 1024);
	ck_assert_uint_eq(n, PULSES * 2 * (1 + 2 * BOUNCE));
	/* Each edge: the edge, then BOUNCE pairs 10 us apart ending on its level. */
	for (size_t i = 0; i < n; i++) {
		size_t edge = i / (1 + 2 * BOUNCE), sub = i % (1 + 2 * BOUNCE);
		int level = edge % 2 == 0;
		uint64_t t = (edge / 2) * 1000000 + (edge % 2) * 500000 + sub * 10000;
		ck_assert_uint_eq(ev[i].timestamp_ns, t);
		ck_assert_int_eq(ev[i].value, sub % 2 ? !level : level);
	}
	ck_assert_uint_eq(stats_or_fail(w, id).lost, 0);
	ck_assert_uint_eq(line_stats_or_fail(b, "N3").edges, n);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

START_TEST(t_bounce_debounced)
{
	enum { PULSES = 5000, BOUNCE = 4 };
	pinwatch_board *b = board_or_fail(VARIA);
	pinwatch_pin *p = input_or_fail(b, "N3");
	pinwatch_watcher *w = watcher_or_fail();
	struct pinwatch_watch_config wc = {
		.edges = PINWATCH_EDGE_RISING, .debounce_ns = 100000, .event_buffer = 64,
	};
	pinwatch_watch_id id = watch_or_fail(w, p, &wc);
	struct pinwatch_sim_pulse ps = {
		.period_ns = 1000000, .count = PULSES, .bounce = BOUNCE, .bounce_ns = 5000,
		.jitter_ns = 20000, .seed = 3,
	};
	unsigned gen;

	ck_assert_int_eq(pinwatch_sim_pulse(b, "N3", &ps, &gen), 0);
	for (int i = 0; i < PULSES; i++) {
		ck_assert_int_eq(pinwatch_sim_advance(b, 1000000), 0);
		drain(w);
	}
	struct pinwatch_watch_stats st = stats_or_fail(w, id);
	ck_assert_uint_eq(st.rising, PULSES);
	ck_assert_uint_eq(st.delivered, PULSES);
	ck_assert_uint_eq(st.falling, 0);
	ck_assert_uint_eq(st.lost, 0);
	/* Software debounce saw both edges and every bounce transition. */
	ck_assert_uint_eq(st.filtered, (uint64_t)PULSES * 2 * 2 * BOUNCE);
	ck_assert_uint_eq(line_stats_or_fail(b, "N3").edges, (uint64_t)PULSES * 2 * (1 + 2 * BOUNCE));
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

START_TEST(t_two_generators)
{
	pinwatch_board *b = board_or_fail(VARIA);
	pinwatch_pin *p3 = input_or_fail(b, "N3"), *p4 = input_or_fail(b, "N4");
	pinwatch_watcher *w = watcher_or_fail();
	struct pinwatch_watch_config wc = {
		.edges = PINWATCH_EDGE_RISING, .queue_size = 64, .event_buffer = 64,
	};
	pinwatch_watch_id i3 = watch_or_fail(w, p3, &wc), i4 = watch_or_fail(w, p4, &wc);
	struct pinwatch_sim_pulse a = { .period_ns = 700, .count = 20 };
	struct pinwatch_sim_pulse c = { .period_ns = 1100, .phase_ns = 300 };
	struct pinwatch_event ev[64];
	unsigned ga, gc, gx;

	ck_assert_int_eq(pinwatch_sim_pulse(b, "N3", &a, &ga), 0);
	ck_assert_int_eq(pinwatch_sim_pulse(b, "N4", &c, &gc), 0);
	ck_assert_uint_ne(ga, gc);
	/* One generator per line. */
	ck_assert_int_eq(pinwatch_sim_pulse(b, "N4", &a, &gx), -EBUSY);
	/* Edges exactly on the step's end belong to the step. */
	ck_assert_int_eq(pinwatch_sim_advance(b, 7000), 0);
	drain(w);
	size_t n = take(w, i3, ev, 64);
	ck_assert_uint_eq(n, 11);   /* 0, 700, ..., 7000 */
	for (size_t i = 0; i < n; i++)
		ck_assert_uint_eq(ev[i].timestamp_ns, i * 700);
	n = take(w, i4, ev, 64);
	ck_assert_uint_eq(n, 7);    /* 300, 1400, ..., 6900 */
	for (size_t i = 0; i < n; i++)
		ck_assert_uint_eq(ev[i].timestamp_ns, 300 + i * 1100);
	ck_assert_int_eq(pinwatch_sim_pulse_wait(b, gc, 0), -EINVAL);   /* endless */
	ck_assert_int_eq(pinwatch_sim_pulse_stop(b, gc), 0);
	ck_assert_int_eq(pinwatch_sim_pulse_stop(b, gc), -ENOENT);
	ck_assert_int_eq(pinwatch_sim_advance(b, 100000), 0);
	drain(w);
	ck_assert_uint_eq(take(w, i3, ev, 64), 9);
	ck_assert_uint_eq(take(w, i4, ev, 64), 0);   /* stopped */
	ck_assert_int_eq(pinwatch_sim_pulse_wait(b, ga, 1000), 1);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p3);
	pinwatch_pin_close(p4);
	pinwatch_board_close(b);
}
END_TEST

START_TEST(t_pulse_validation)
{
	pinwatch_board *b = board_or_fail(VARIA);
	static const struct pinwatch_sim_pulse bad[] = {
		{ .period_ns = 0 },
		{ .period_ns = 1 },                           /* high = 0 */
		{ .period_ns = 1000, .high_ns = 1000 },
		{ .period_ns = 1000, .high_ns = 2000 },
		{ .period_ns = 1000, .jitter_ns = 500 },
		{ .period_ns = 1000, .high_ns = 100, .jitter_ns = 100 },
		{ .period_ns = 1000, .bounce = 1, .bounce_ns = 250 },   /* 500 >= 500 */
		{ .period_ns = 1000, .bounce = 1, .bounce_ns = 200, .jitter_ns = 100 },
		{ .period_ns = 1000000, .bounce = 1 },        /* default 1000 ns: fits */
		{ .period_ns = 1000000, .bounce = 0xffffffffu, .bounce_ns = 1 },
	};
	unsigned gen;

	for (size_t i = 0; i < PW_ARRAY_SIZE(bad); i++) {
		int ret = pinwatch_sim_pulse(b, "N3", &bad[i], &gen);
		if (i == 8) {
			ck_assert_int_eq(ret, 0);
			ck_assert_int_eq(pinwatch_sim_pulse_stop(b, gen), 0);
			continue;
		}
		ck_assert_msg(ret == -EINVAL, "case %zu: %d", i, ret);
		ck_assert_msg(pinwatch_last_error()[0], "case %zu: no message", i);
	}
	/* period_ns = 1 is period_ns's fault, not high_ns's (issue 12, 3) */
	ck_assert_int_eq(pinwatch_sim_pulse(b, "N3", &bad[1], &gen), -EINVAL);
	ck_assert_msg(strstr(pinwatch_last_error(), "period_ns 1: too short"), "%s",
		      pinwatch_last_error());
	ck_assert_msg(!strstr(pinwatch_last_error(), "high_ns"), "%s", pinwatch_last_error());
	ck_assert_int_eq(pinwatch_sim_pulse(b, "N3", NULL, &gen), -EINVAL);
	ck_assert_int_eq(pinwatch_sim_pulse_stop(b, 12345), -ENOENT);
	ck_assert_int_eq(pinwatch_sim_pulse_wait(b, 12345, 0), -ENOENT);
	pinwatch_board_close(b);
}
END_TEST

/* Issue 12, 8: a schedule past the end of the 64-bit clock is refused with
 * -EOVERFLOW and a message naming the field, instead of wrapping into the
 * past and playing every edge at once. */
START_TEST(t_pulse_overflow)
{
	pinwatch_board *b = board_or_fail(VARIA);
	static const struct {
		struct pinwatch_sim_pulse spec;
		const char *says;
	} bad[] = {
		{ { .period_ns = 1000, .count = 2, .phase_ns = UINT64_MAX - 1000 },
		  "phase_ns 18446744073709550615 + (count 2 - 1) x period_ns 1000 + high_ns 500" },
		{ { .period_ns = 1000, .phase_ns = UINT64_MAX - 500 },
		  "phase_ns 18446744073709551115 + period_ns 1000: the first pulse" },
		{ { .period_ns = 1000, .phase_ns = UINT64_MAX }, "phase_ns 18446744073709551615" },
		{ { .period_ns = 1000, .count = UINT64_MAX / 100 },
		  "count 184467440737095516 x period_ns 1000 overflows" },
		{ { .period_ns = UINT64_MAX / 2, .count = 3 },
		  "(count 3 - 1) x period_ns 9223372036854775807" },
		{ { .period_ns = 1000, .count = 1, .phase_ns = UINT64_MAX - 400 }, "high_ns 500" },
		{ { .period_ns = UINT64_MAX - 1, .high_ns = 1ull << 62, .bounce = 1u << 31,
		    .bounce_ns = 1ull << 40 }, "bounce 2147483648 x bounce_ns 1099511627776" },
	};
	unsigned gen;

	for (size_t i = 0; i < PW_ARRAY_SIZE(bad); i++) {
		int ret = pinwatch_sim_pulse(b, "N3", &bad[i].spec, &gen);
		ck_assert_msg(ret == -EOVERFLOW, "case %zu: %d (%s)", i, ret, pinwatch_last_error());
		ck_assert_msg(strstr(pinwatch_last_error(), bad[i].says), "case %zu: '%s' lacks '%s'",
			      i, pinwatch_last_error(), bad[i].says);
	}
	/* the largest phase that fits is fine, and plays nothing yet */
	pinwatch_pin *p = input_or_fail(b, "N3");
	struct pinwatch_sim_pulse ok = { .period_ns = 1000, .count = 1,
					  .phase_ns = UINT64_MAX - 2000 };
	ck_assert_msg(pinwatch_sim_pulse(b, "N3", &ok, &gen) == 0, "%s", pinwatch_last_error());
	ck_assert_int_eq(pinwatch_sim_advance(b, 1000000), 0);
	ck_assert_int_eq(pinwatch_pin_get(p), 0);
	ck_assert_int_eq(pinwatch_sim_pulse_stop(b, gen), 0);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

START_TEST(t_virtual_clock)
{
	pinwatch_board *b = board_or_fail(VARIA);
	pinwatch_pin *p = input_or_fail(b, "N3");
	uint64_t now = 1;
	struct pinwatch_sim_pulse ps = { .period_ns = 100, .count = 1 };
	unsigned gen;

	ck_assert_int_eq(pinwatch_sim_now(b, &now), 0);
	ck_assert_uint_eq(now, 0);
	ck_assert_int_eq(pinwatch_sim_advance(b, 12345), 0);
	ck_assert_int_eq(pinwatch_sim_now(b, &now), 0);
	ck_assert_uint_eq(now, 12345);
	/* Nothing moves without advance. */
	ck_assert_int_eq(pinwatch_sim_pulse(b, "N3", &ps, &gen), 0);
	ck_assert_int_eq(pinwatch_pin_get(p), 0);
	ck_assert_int_eq(pinwatch_sim_pulse_wait(b, gen, 0), 0);
	ck_assert_int_eq(pinwatch_sim_advance(b, 0), 0);   /* the edge due now */
	ck_assert_int_eq(pinwatch_pin_get(p), 1);
	ck_assert_int_eq(pinwatch_sim_advance(b, 49), 0);
	ck_assert_int_eq(pinwatch_pin_get(p), 1);
	ck_assert_int_eq(pinwatch_sim_advance(b, 1), 0);
	ck_assert_int_eq(pinwatch_pin_get(p), 0);
	ck_assert_int_eq(pinwatch_sim_pulse_wait(b, gen, -1), 1);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

/* ------------------------------------------------------------ the clock */

START_TEST(t_advance_needs_virtual)
{
	pinwatch_board *b = board_or_fail("sim:aria-g25");
	uint64_t t0, t1;

	ck_assert_int_eq(pinwatch_sim_advance(b, 1000), -EOPNOTSUPP);
	ck_assert_msg(has(pinwatch_last_error(), "clock=virtual"), "%s", pinwatch_last_error());
	/* The real board's clock is CLOCK_MONOTONIC. */
	ck_assert_int_eq(pinwatch_sim_now(b, &t0), 0);
	t1 = pw_monotonic_ns();
	ck_assert_uint_le(t0, t1);
	pinwatch_board_close(b);
}
END_TEST

/* -------------------------------------------------------------- real time */

START_TEST(t_realtime_pulse_wait)
{
	enum { PULSES = 50 };
	const uint64_t period = 1000000;   /* 1 kHz */
	int threads = tu_thread_baseline();
	pinwatch_board *b = board_or_fail("sim:aria-g25");
	pinwatch_pin *p = input_or_fail(b, "N3");
	pinwatch_watcher *w = watcher_or_fail();
	/* A buffer larger than the train: nothing can be lost however late
	 * the worker runs, so the counts below are exact. */
	struct pinwatch_watch_config wc = { .queue_size = 256, .event_buffer = 256 };
	pinwatch_watch_id id = watch_or_fail(w, p, &wc);
	struct pinwatch_sim_pulse ps = { .period_ns = period, .count = PULSES };
	struct pinwatch_event ev[256];
	unsigned gen;
	uint64_t before, after;

	ck_assert_int_eq(pinwatch_sim_wire(b, "N2", "N3"), 0);
	ck_assert_int_eq(pinwatch_watcher_start(w), 0);
	ck_assert_int_eq(pinwatch_sim_now(b, &before), 0);
	ck_assert_int_eq(pinwatch_sim_pulse(b, "N2", &ps, &gen), 0);
	ck_assert_int_eq(pinwatch_sim_pulse_wait(b, gen, 60000), 1);
	ck_assert_int_eq(pinwatch_sim_now(b, &after), 0);
	ck_assert_int_eq(pinwatch_watcher_stop(w), 0);
	drain(w);
	ck_assert_uint_eq(take(w, id, ev, 256), 2 * PULSES);
	/* Stamped with the schedule, CLOCK_MONOTONIC: exact spacing. */
	uint64_t t0 = ev[0].timestamp_ns;
	ck_assert_uint_ge(t0, before);
	for (int i = 0; i < 2 * PULSES; i++) {
		ck_assert_int_eq(ev[i].edge, i % 2 ? PINWATCH_EDGE_FALLING : PINWATCH_EDGE_RISING);
		ck_assert_uint_eq(ev[i].timestamp_ns, t0 + (uint64_t)i * period / 2);
	}
	ck_assert_uint_le(ev[2 * PULSES - 1].timestamp_ns, after);
	ck_assert_uint_eq(stats_or_fail(w, id).lost, 0);
	ck_assert_uint_eq(line_stats_or_fail(b, "N3").edges, 2 * PULSES);
	ck_assert_int_eq(pinwatch_sim_pulse_stop(b, gen), 0);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
	ck_assert_int_eq(tu_threads_settle(threads), threads);
}
END_TEST

START_TEST(t_realtime_stop_and_close)
{
	int threads = tu_thread_baseline();
	pinwatch_board *b = board_or_fail("sim,lines=8");
	/* Slow and endless: stop must not wait for the next edge. */
	struct pinwatch_sim_pulse slow = { .period_ns = 3600000000000ull };
	struct pinwatch_sim_pulse fast = { .period_ns = 100000 };
	unsigned g1, g2, g3;

	ck_assert_int_eq(pinwatch_sim_pulse(b, "sim0:0", &slow, &g1), 0);
	ck_assert_int_eq(pinwatch_sim_pulse(b, "sim0:1", &fast, &g2), 0);
	ck_assert_int_eq(pinwatch_sim_pulse(b, "sim0:2", &slow, &g3), 0);
	/* One thread plays the whole board's schedule, however many
	 * generators it has (it used to be one each). */
	ck_assert_int_eq(tu_count_threads(), threads + 1);
	ck_assert_int_eq(pinwatch_sim_pulse_wait(b, g2, 0), -EINVAL);
	/* The first rising edge is due at once; then g1 sleeps for half an
	 * hour, and its stop must not wait for that (the test's timeout is
	 * 2 min). */
	int level = 0;
	for (int i = 0; i < 10000 && level != 1; i++) {
		level = pinwatch_sim_sense(b, "sim0:0");
		if (level != 1)
			usleep(1000);
	}
	ck_assert_int_eq(level, 1);
	ck_assert_int_eq(pinwatch_sim_pulse_stop(b, g1), 0);
	ck_assert_int_eq(tu_threads_settle(threads + 1), threads + 1);
	ck_assert_int_eq(pinwatch_sim_pulse_stop(b, g1), -ENOENT);
	ck_assert_int_eq(pinwatch_sim_sense(b, "sim0:0"), 1);   /* left as it was */
	/* Closing the board stops the rest. */
	pinwatch_board_close(b);
	ck_assert_int_eq(tu_threads_settle(threads), threads);
}
END_TEST

struct counter { int n; };

static void counter_cb(const struct pinwatch_event *ev, void *ctx)
{
	(void)ev;
	__atomic_add_fetch(&((struct counter *)ctx)->n, 1, __ATOMIC_SEQ_CST);
}

/* The watcher's worker reads while this thread advances: the board mutex
 * keeps the ring consistent; the buffer holds the whole train. */
START_TEST(t_virtual_with_worker)
{
	enum { PULSES = 20000 };
	pinwatch_board *b = board_or_fail(VARIA);
	pinwatch_pin *p = input_or_fail(b, "N3");
	pinwatch_watcher *w = watcher_or_fail();
	struct counter c = { 0 };
	struct pinwatch_watch_config wc = {
		.callback = counter_cb, .ctx = &c, .event_buffer = 2 * PULSES,
	};
	pinwatch_watch_id id = watch_or_fail(w, p, &wc);
	struct pinwatch_sim_pulse ps = { .period_ns = 1000, .count = PULSES };
	unsigned gen;

	ck_assert_int_eq(pinwatch_watcher_start(w), 0);
	ck_assert_int_eq(pinwatch_sim_pulse(b, "N3", &ps, &gen), 0);
	for (int i = 0; i < PULSES / 10; i++)
		ck_assert_int_eq(pinwatch_sim_advance(b, 10000), 0);
	ck_assert_int_eq(pinwatch_sim_pulse_wait(b, gen, 0), 1);
	/* Wait for the worker to catch up (values asserted, not time). */
	for (int i = 0; i < 60000 && __atomic_load_n(&c.n, __ATOMIC_SEQ_CST) < 2 * PULSES; i++)
		usleep(1000);
	ck_assert_int_eq(pinwatch_watcher_stop(w), 0);
	drain(w);
	ck_assert_int_eq(c.n, 2 * PULSES);
	struct pinwatch_watch_stats st = stats_or_fail(w, id);
	ck_assert_uint_eq(st.rising, PULSES);
	ck_assert_uint_eq(st.falling, PULSES);
	ck_assert_uint_eq(st.lost, 0);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

/* ------------------------------------------------------------------ suite */

void sim_pulse_tcases(Suite *s)
{
	TCase *vtime = tcase_create("virtual-time");

	tcase_add_test(vtime, t_million_pulses);
	tcase_add_test(vtime, t_counter_through_wire);
	tcase_add_test(vtime, t_jitter_deterministic);
	tcase_add_test(vtime, t_bounce_raw);
	tcase_add_test(vtime, t_bounce_debounced);
	tcase_add_test(vtime, t_two_generators);
	tcase_add_test(vtime, t_pulse_validation);
	tcase_add_test(vtime, t_pulse_overflow);
	tcase_add_test(vtime, t_virtual_clock);
	tcase_add_test(vtime, t_virtual_with_worker);
	/* Generous: sanitizer and valgrind runs are many times slower. */
	tcase_set_timeout(vtime, 600);
	suite_add_tcase(s, vtime);

	TCase *rt = tcase_create("real-time");

	tcase_add_test(rt, t_advance_needs_virtual);
	tcase_add_test(rt, t_realtime_pulse_wait);
	tcase_add_test(rt, t_realtime_stop_and_close);
	tcase_set_timeout(rt, 120);
	suite_add_tcase(s, rt);
}
