/* SPDX-License-Identifier: MIT */
/* Line groups (issue 16): atomic get/set, duplicates, one watch whose events
 * arrive in timestamp order across lines, and the teardown guarantees of a
 * group (close from its callback, from another thread; descriptors). */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"


static const char *const outs8[] = { "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9" };
static const char *const ins8[] = { "E2", "E3", "E4", "E5", "E6", "E7", "E8", "E9" };

static const struct pinwatch_pin_config out_cfg = { .direction = PINWATCH_DIR_OUTPUT };

START_TEST(t_group_get_set)
{
	pinwatch_board *b;
	pinwatch_group *g;
	int v[3], want[3] = { 1, 0, 1 };
	const char *names[] = { "N3", "N4", "N5" };

	ck_assert_int_eq(pinwatch_board_open(vboard, &b), 0);
	ck_assert_int_eq(pinwatch_group_open(b, names, 3, &out_cfg, &g), 0);
	ck_assert_uint_eq(pinwatch_group_size(g), 3);
	ck_assert_int_eq(pinwatch_group_atomic(g), 1);
	ck_assert_str_eq(pinwatch_pin_name(pinwatch_group_pin(g, 1)), "N4");
	ck_assert_ptr_null(pinwatch_group_pin(g, 3));
	ck_assert_int_eq(pinwatch_group_set(g, want), 0);
	ck_assert_int_eq(pinwatch_group_get(g, v), 0);
	ck_assert_int_eq(v[0], 1);
	ck_assert_int_eq(v[1], 0);
	ck_assert_int_eq(v[2], 1);
	ck_assert_int_eq(pinwatch_sim_sense(b, "N5"), 1);
	/* members are pins: get/set work; close is a no-op (the group's) */
	pinwatch_pin *p = pinwatch_group_pin(g, 1);
	ck_assert_int_eq(pinwatch_pin_set(p, 1), 0);
	ck_assert_int_eq(pinwatch_pin_get(p), 1);
	pinwatch_pin_close(p);
	ck_assert_ptr_nonnull(strstr(pinwatch_last_error(), "member of a group"));
	ck_assert_int_eq(pinwatch_pin_get(p), 1);
	ck_assert_int_eq(pinwatch_pin_reconfigure(p, &out_cfg), -EBUSY);
	/* reconfigure together: inputs now, so set is refused */
	ck_assert_int_eq(pinwatch_group_reconfigure(g, NULL), -EINVAL);
	struct pinwatch_pin_config in_cfg = { .direction = PINWATCH_DIR_INPUT };
	ck_assert_int_eq(pinwatch_group_reconfigure(g, &in_cfg), 0);
	ck_assert_int_eq(pinwatch_group_set(g, want), -EPERM);
	pinwatch_group_close(g);
	/* the lines are free again */
	pinwatch_pin *q;
	ck_assert_int_eq(pinwatch_pin_open(b, "N4", NULL, &q), 0);
	pinwatch_pin_close(q);
	pinwatch_board_close(b);
}
END_TEST

START_TEST(t_group_duplicates)
{
	pinwatch_board *b;
	pinwatch_group *g = (pinwatch_group *)1;
	const char *dup[] = { "PC1", "N4", "N3" };
	int fds = tu_count_fds();

	ck_assert_int_eq(pinwatch_board_open(vboard, &b), 0);
	ck_assert_int_eq(pinwatch_group_open(b, dup, 3, NULL, &g), -EINVAL);
	ck_assert_ptr_null(g);
	const char *msg = pinwatch_last_error();
	ck_assert_msg(strstr(msg, "PC1") && strstr(msg, "N3") && strstr(msg, "same line"), "%s", msg);
	ck_assert_int_eq(pinwatch_group_open(b, dup, 0, NULL, &g), -EINVAL);
	const char *unknown[] = { "N3", "nope" };
	ck_assert_int_lt(pinwatch_group_open(b, unknown, 2, NULL, &g), 0);
	/* a line in use fails the whole group, and leaves the others free */
	pinwatch_pin *p;
	ck_assert_int_eq(pinwatch_pin_open(b, "N4", NULL, &p), 0);
	const char *busy[] = { "N3", "N4" };
	ck_assert_int_eq(pinwatch_group_open(b, busy, 2, NULL, &g), -EBUSY);
	pinwatch_pin_close(p);
	ck_assert_int_eq(pinwatch_pin_open(b, "N3", NULL, &p), 0);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
	ck_assert_int_eq(tu_count_fds(), fds);
}
END_TEST

/* Inputs E2..E9 follow outputs N2..N9 (sim wires); the group watch over
 * them gets one event per line for one group set. */
static void wire8(pinwatch_board *b)
{
	for (int i = 0; i < 8; i++)
		ck_assert_int_eq(pinwatch_sim_wire(b, outs8[i], ins8[i]), 0);
}

/* Atomic: one group set of 8 lines is seen at one instant -- every input
 * edge has the same timestamp (real clock).  Sequential (groups=off) is
 * the documented fallback: atomic 0, values still right. */
START_TEST(t_group_set_atomic)
{
	const char *spec = _i ? RBOARD ",groups=off" : RBOARD;
	pinwatch_board *b;
	pinwatch_group *go, *gi;
	pinwatch_watcher *w;
	pinwatch_watch_id id;
	struct pinwatch_watch_config cfg = { .queue_size = 64, .edges = PINWATCH_EDGE_RISING };
	struct pinwatch_event ev[64];
	int ones[8] = { 1, 1, 1, 1, 1, 1, 1, 1 }, v[8];

	ck_assert_int_eq(pinwatch_board_open(spec, &b), 0);
	ck_assert_int_eq(pinwatch_group_open(b, outs8, 8, &out_cfg, &go), 0);
	ck_assert_int_eq(pinwatch_group_open(b, ins8, 8, NULL, &gi), 0);
	ck_assert_int_eq(pinwatch_group_atomic(go), !_i);
	wire8(b);
	ck_assert_int_eq(pinwatch_watcher_new(&w), 0);
	ck_assert_int_eq(pinwatch_watch_add_group(w, gi, &cfg, &id), 0);
	ck_assert_int_eq(pinwatch_group_set(go, ones), 0);
	ck_assert_int_eq(pinwatch_group_get(gi, v), 0);
	for (int i = 0; i < 8; i++)
		ck_assert_int_eq(v[i], 1);
	int n = 0;
	for (int tries = 0; n < 8 && tries < 500; tries++) {
		pinwatch_watcher_dispatch(w, 10);
		int r = pinwatch_watch_read(w, id, ev + n, 64 - (size_t)n, 0);
		ck_assert_int_ge(r, 0);
		n += r;
	}
	ck_assert_int_eq(n, 8);
	unsigned seen = 0;
	for (int i = 0; i < 8; i++) {
		ck_assert_uint_eq(ev[i].watch, id);
		ck_assert_uint_eq(ev[i].seqno, 1);   /* per line */
		for (int k = 0; k < 8; k++)
			if (ev[i].pin == pinwatch_group_pin(gi, (size_t)k))
				seen |= 1u << k;
		if (!_i)
			ck_assert_uint_eq(ev[i].timestamp_ns, ev[0].timestamp_ns);
		else if (i)
			ck_assert_uint_ge(ev[i].timestamp_ns, ev[i - 1].timestamp_ns);
	}
	ck_assert_uint_eq(seen, 0xff);
	struct pinwatch_watch_stats st;
	ck_assert_int_eq(pinwatch_watch_stats(w, id, &st), 0);
	ck_assert_uint_eq(st.rising, 8);
	ck_assert_uint_eq(st.delivered, 8);
	ck_assert_uint_eq(st.queued, 0);
	pinwatch_watcher_free(w);
	pinwatch_group_close(gi);
	pinwatch_group_close(go);
	pinwatch_board_close(b);
}
END_TEST

/* The reproducer: two lines, two pulse trains; every event of the
 * group watch is in timestamp order across lines (both sim clocks), the
 * seqno numbers each line's edges from 1, nothing is lost. */
START_TEST(t_group_order)
{
	int virt = _i;
	pinwatch_board *b;
	pinwatch_group *g;
	pinwatch_watcher *w;
	pinwatch_watch_id id;
	/* buffers for a loaded machine: order is asserted, not latency */
	struct pinwatch_watch_config cfg = { .queue_size = 256, .event_buffer = 256 };
	const char *names[] = { "N3", "N4" };
	struct pinwatch_sim_pulse p3 = { .period_ns = 1000000, .count = 20 };
	struct pinwatch_sim_pulse p4 = { .period_ns = 700000, .count = 20, .phase_ns = 100000 };
	unsigned g3, g4;
	static struct pinwatch_event ev[256];

	ck_assert_int_eq(pinwatch_board_open(virt ? vboard : rboard, &b), 0);
	ck_assert_int_eq(pinwatch_group_open(b, names, 2, NULL, &g), 0);
	ck_assert_int_eq(pinwatch_watcher_new(&w), 0);
	ck_assert_int_eq(pinwatch_watch_add_group(w, g, &cfg, &id), 0);
	if (!virt)
		ck_assert_int_eq(pinwatch_watcher_start(w), 0);
	ck_assert_int_eq(pinwatch_sim_pulse(b, "N3", &p3, &g3), 0);
	ck_assert_int_eq(pinwatch_sim_pulse(b, "N4", &p4, &g4), 0);
	int n = 0;
	if (virt) {
		/* 1 ms steps: within the lines' event buffers, many reads */
		for (int ms = 0; ms < 30; ms++) {
			ck_assert_int_eq(pinwatch_sim_advance(b, 1000000), 0);
			pinwatch_watcher_dispatch(w, 0);
			int r = pinwatch_watch_read(w, id, ev + n, 256 - (size_t)n, 0);
			ck_assert_int_ge(r, 0);
			n += r;
		}
	} else {
		ck_assert_int_eq(pinwatch_sim_pulse_wait(b, g3, 10000), 1);
		ck_assert_int_eq(pinwatch_sim_pulse_wait(b, g4, 10000), 1);
	}
	for (int tries = 0; n < 80 && tries < 1000; tries++) {
		int r = pinwatch_watch_read(w, id, ev + n, 256 - (size_t)n, 10);
		ck_assert_int_ge(r, 0);
		n += r;
	}
	ck_assert_int_eq(pinwatch_watcher_stop(w), 0);
	ck_assert_int_eq(n, 80);
	uint64_t seq[2] = { 0, 0 };
	for (int i = 0; i < n; i++) {
		int k = ev[i].pin == pinwatch_group_pin(g, 1);
		ck_assert_ptr_eq(ev[i].pin, pinwatch_group_pin(g, (size_t)k));
		ck_assert_uint_eq(ev[i].seqno, ++seq[k]);
		ck_assert_uint_eq(ev[i].lost, 0);
		if (i)
			ck_assert_msg(ev[i].timestamp_ns >= ev[i - 1].timestamp_ns,
				      "event %d at %llu before event %d at %llu", i,
				      (unsigned long long)ev[i].timestamp_ns, i - 1,
				      (unsigned long long)ev[i - 1].timestamp_ns);
	}
	ck_assert_uint_eq(seq[0], 40);
	ck_assert_uint_eq(seq[1], 40);
	pinwatch_watch_id id2;
	ck_assert_int_eq(pinwatch_watch_add_group(w, g, &cfg, &id2), -EBUSY);
	ck_assert_int_eq(pinwatch_watch_add(w, pinwatch_group_pin(g, 0), &cfg, &id2), -EBUSY);
	ck_assert_int_eq(pinwatch_watch_remove(w, id), 0);
	ck_assert_int_eq(pinwatch_watch_remove(w, id), -ENOENT);
	/* watchable again after removal */
	ck_assert_int_eq(pinwatch_watch_add_group(w, g, &cfg, &id2), 0);
	pinwatch_group_close(g);   /* removes the watch */
	ck_assert_int_eq(pinwatch_watch_remove(w, id2), -ENOENT);
	pinwatch_watcher_free(w);
	pinwatch_board_close(b);
}
END_TEST

/* A callback watch on the real clock with the worker: same order, and a
 * counters-only group watch counts over its members. */
struct order_ctx {
	atomic_int n;
	uint64_t last;
	atomic_int disorder;
};

static void order_cb(const struct pinwatch_event *ev, void *ctx)
{
	struct order_ctx *c = ctx;
	if (ev->timestamp_ns < c->last)
		c->disorder++;
	c->last = ev->timestamp_ns;
	c->n++;
}

START_TEST(t_group_callback_worker)
{
	pinwatch_board *b;
	pinwatch_group *g, *g2;
	pinwatch_watcher *w;
	pinwatch_watch_id id, id2;
	static struct order_ctx c;
	struct pinwatch_watch_config cfg = { .callback = order_cb, .ctx = &c, .event_buffer = 256 };
	const char *names[] = { "N3", "N4", "N5" };
	const char *names2[] = { "N6", "N7" };
	struct pinwatch_sim_pulse pulse = { .period_ns = 1000000, .count = 30 };
	unsigned gen[3];

	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(pinwatch_board_open(rboard, &b), 0);
	ck_assert_int_eq(pinwatch_group_open(b, names, 3, NULL, &g), 0);
	ck_assert_int_eq(pinwatch_group_open(b, names2, 2, NULL, &g2), 0);
	ck_assert_int_eq(pinwatch_watcher_new(&w), 0);
	ck_assert_int_eq(pinwatch_watch_add_group(w, g, &cfg, &id), 0);
	ck_assert_int_eq(pinwatch_watch_add_group(w, g2, NULL, &id2), 0);   /* counters */
	ck_assert_int_eq(pinwatch_watcher_start(w), 0);
	for (int i = 0; i < 3; i++) {
		pulse.phase_ns = 300000u * (unsigned)i;
		ck_assert_int_eq(pinwatch_sim_pulse(b, names[i], &pulse, &gen[i]), 0);
	}
	toggle(b, "N6", 3);
	toggle(b, "N7", 2);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(pinwatch_sim_pulse_wait(b, gen[i], 10000), 1);
	for (int i = 0; i < 500 && c.n < 180; i++)
		tu_sleep_ms(10);
	ck_assert_int_eq(pinwatch_watcher_stop(w), 0);
	ck_assert_int_eq(c.n, 180);
	ck_assert_int_eq(c.disorder, 0);
	struct pinwatch_watch_stats st;
	ck_assert_int_eq(pinwatch_watch_stats(w, id2, &st), 0);
	ck_assert_uint_eq(st.rising, 5);
	ck_assert_uint_eq(st.falling, 5);
	ck_assert_uint_eq(st.delivered, 10);
	ck_assert_int_eq(pinwatch_watch_stats(w, id, &st), 0);
	ck_assert_uint_eq(st.delivered, 180);
	ck_assert_uint_eq(st.rising + st.falling, 180);
	pinwatch_watcher_free(w);
	pinwatch_group_close(g);
	pinwatch_group_close(g2);
	pinwatch_board_close(b);
}
END_TEST

/* Close the group from its own callback: no further callback, no UAF. */
struct close_ctx {
	pinwatch_group *g;
	atomic_int calls;
};

static void close_cb(const struct pinwatch_event *ev, void *ctx)
{
	struct close_ctx *c = ctx;
	(void)ev;
	if (c->calls++ == 0)
		pinwatch_group_close(c->g);
}

START_TEST(t_group_close_from_callback)
{
	pinwatch_board *b;
	pinwatch_watcher *w;
	pinwatch_watch_id id;
	static struct close_ctx c;
	struct pinwatch_watch_config cfg = { .callback = close_cb, .ctx = &c };
	const char *names[] = { "N3", "N4" };
	int fds = tu_count_fds();

	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(pinwatch_board_open(vboard, &b), 0);
	ck_assert_int_eq(pinwatch_group_open(b, names, 2, NULL, &c.g), 0);
	ck_assert_int_eq(pinwatch_watcher_new(&w), 0);
	ck_assert_int_eq(pinwatch_watch_add_group(w, c.g, &cfg, &id), 0);
	toggle(b, "N3", 3);
	toggle(b, "N4", 3);
	drain(w);
	ck_assert_int_eq(c.calls, 1);
	ck_assert_int_eq(pinwatch_watch_remove(w, id), -ENOENT);
	pinwatch_pin *p;
	ck_assert_int_eq(pinwatch_pin_open(b, "N3", NULL, &p), 0);   /* released */
	pinwatch_pin_close(p);
	pinwatch_watcher_free(w);
	pinwatch_board_close(b);
	ck_assert_int_eq(tu_count_fds(), fds);
}
END_TEST

/* Close from another thread while the callback runs: when close returns,
 * the callback has returned and never runs again. */
struct slow_ctx {
	atomic_int inside, calls, after_close;
	atomic_int closed;
};

static void slow_cb(const struct pinwatch_event *ev, void *ctx)
{
	struct slow_ctx *c = ctx;
	(void)ev;
	if (c->closed)
		c->after_close++;
	c->inside = 1;
	c->calls++;
	tu_sleep_ms(20);
	c->inside = 0;
}

START_TEST(t_group_close_other_thread)
{
	pinwatch_board *b;
	pinwatch_group *g;
	pinwatch_watcher *w;
	pinwatch_watch_id id;
	static struct slow_ctx c;
	struct pinwatch_watch_config cfg = { .callback = slow_cb, .ctx = &c };
	const char *names[] = { "N3", "N4" };
	struct pinwatch_sim_pulse pulse = { .period_ns = 2000000 };   /* endless */
	unsigned gen;
	int fds = tu_count_fds();

	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(pinwatch_board_open(rboard, &b), 0);
	ck_assert_int_eq(pinwatch_group_open(b, names, 2, NULL, &g), 0);
	ck_assert_int_eq(pinwatch_watcher_new(&w), 0);
	ck_assert_int_eq(pinwatch_watch_add_group(w, g, &cfg, &id), 0);
	ck_assert_int_eq(pinwatch_watcher_start(w), 0);
	ck_assert_int_eq(pinwatch_sim_pulse(b, "N3", &pulse, &gen), 0);
	ck_assert_int_eq(tu_wait_flag((const int *)&c.inside, 5000), 1);
	pinwatch_group_close(g);
	ck_assert_int_eq(c.inside, 0);
	c.closed = 1;
	int calls = c.calls;
	tu_sleep_ms(30);
	ck_assert_int_eq(c.calls, calls);
	ck_assert_int_eq(c.after_close, 0);
	ck_assert_int_eq(pinwatch_sim_pulse_stop(b, gen), 0);
	pinwatch_watcher_free(w);
	pinwatch_board_close(b);
	ck_assert_int_eq(tu_count_fds(), fds);
}
END_TEST

/* Closing the board and the watcher first, the group last: nothing leaks. */
START_TEST(t_group_close_orders)
{
	pinwatch_board *b;
	pinwatch_group *g;
	pinwatch_watcher *w;
	pinwatch_watch_id id;
	struct pinwatch_watch_config cfg = { .queue_size = 4 };
	int fds = tu_count_fds();

	ck_assert_int_eq(pinwatch_board_open(rboard, &b), 0);
	ck_assert_int_eq(pinwatch_group_open(b, ins8, 8, NULL, &g), 0);
	ck_assert_int_eq(pinwatch_watcher_new(&w), 0);
	ck_assert_int_eq(pinwatch_watch_add_group(w, g, &cfg, &id), 0);
	toggle(b, "E2", 10);   /* more than the queue: counted, not blocked */
	pinwatch_board_close(b);
	drain(w);
	struct pinwatch_watch_stats st;
	ck_assert_int_eq(pinwatch_watch_stats(w, id, &st), 0);
	ck_assert_uint_eq(st.delivered + st.lost_queue, st.rising + st.falling);
	ck_assert_uint_eq(st.queued, 4);
	ck_assert_uint_eq(st.rising + st.falling + st.lost_source, 20);
	pinwatch_watcher_free(w);
	ck_assert_uint_eq(pinwatch_group_size(g), 8);
	pinwatch_group_close(g);
	pinwatch_group_close(NULL);
	ck_assert_int_eq(tu_count_fds(), fds);
}
END_TEST

/* Two watchers, each calling back for a group; each callback closes the
 * other's group while that one's callback runs: a cycle of waits.  One
 * close is refused with -EDEADLK (its group released as the callback in
 * flight returns), none waits forever; afterwards every line is free, no
 * callback runs again, descriptors are back. */
struct gring {
	pthread_barrier_t all_in;
	pinwatch_group *g[2];
	atomic_int calls[2];
	atomic_int deadlock[2];
	atomic_int armed;
};

struct gring_ctx {
	struct gring *r;
	int k;
};

static void gring_cb(const struct pinwatch_event *ev, void *ctx)
{
	const struct gring_ctx *c = ctx;
	struct gring *r = c->r;
	(void)ev;
	r->calls[c->k]++;
	if (!r->armed)
		return;
	pthread_barrier_wait(&r->all_in);
	pinwatch_group_close(r->g[!c->k]);
	r->deadlock[c->k] = strstr(pinwatch_last_error(), "deadlock") != NULL;
}

START_TEST(t_group_close_cycle)
{
	static struct gring r;
	struct gring_ctx ctx[2];
	const char *names[2][2] = { { "N3", "N4" }, { "N5", "N6" } };
	pinwatch_board *b;
	pinwatch_watcher *w[2];
	pinwatch_watch_id id[2];
	int fds = tu_count_fds();

	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(pthread_barrier_init(&r.all_in, NULL, 2), 0);
	ck_assert_int_eq(pinwatch_board_open(vboard, &b), 0);
	for (int k = 0; k < 2; k++) {
		ctx[k] = (struct gring_ctx){ &r, k };
		struct pinwatch_watch_config cfg = { .edges = PINWATCH_EDGE_RISING,
						     .callback = gring_cb, .ctx = &ctx[k] };
		ck_assert_int_eq(pinwatch_group_open(b, names[k], 2, NULL, &r.g[k]), 0);
		ck_assert_int_eq(pinwatch_watcher_new(&w[k]), 0);
		ck_assert_int_eq(pinwatch_watch_add_group(w[k], r.g[k], &cfg, &id[k]), 0);
	}
	r.armed = 1;
	for (int k = 0; k < 2; k++)
		ck_assert_int_eq(pinwatch_watcher_start(w[k]), 0);
	for (int k = 0; k < 2; k++)
		ck_assert_int_eq(pinwatch_sim_drive(b, names[k][0], 1), 0);
	for (int k = 0; k < 2; k++)
		for (int spins = 0; r.calls[k] < 1 && spins < 10000; spins++)
			tu_sleep_ms(1);
	for (int k = 0; k < 2; k++)
		ck_assert_int_eq(pinwatch_watcher_stop(w[k]), 0);
	ck_assert_int_eq(r.deadlock[0] + r.deadlock[1], 1);
	struct pinwatch_watch_stats st;
	for (int k = 0; k < 2; k++)
		ck_assert_int_eq(pinwatch_watch_stats(w[k], id[k], &st), -ENOENT);
	/* both groups released: every line can be requested again */
	for (int k = 0; k < 2; k++)
		for (int j = 0; j < 2; j++) {
			pinwatch_pin *p;
			ck_assert_msg(pinwatch_pin_open(b, names[k][j], NULL, &p) == 0, "%s", pinwatch_last_error());
			pinwatch_pin_close(p);
		}
	r.armed = 0;
	for (int k = 0; k < 2; k++) {
		ck_assert_int_eq(pinwatch_sim_drive(b, names[k][1], 1), 0);
		pinwatch_watcher_free(w[k]);
		ck_assert_int_eq(r.calls[k], 1);
	}
	pinwatch_board_close(b);
	pthread_barrier_destroy(&r.all_in);
	ck_assert_int_eq(tu_count_fds(), fds);
}
END_TEST

/* A group across two banks works, sequentially: atomic 0, the watch still
 * in order. */
START_TEST(t_group_two_banks)
{
	pinwatch_board *b;
	pinwatch_group *g;
	pinwatch_watcher *w;
	pinwatch_watch_id id;
	const char *names[] = { "N3", "S2" };   /* pioC, pioA */
	struct pinwatch_watch_config cfg = { .queue_size = 16 };
	struct pinwatch_event ev[16];
	int v[2];

	ck_assert_int_eq(pinwatch_board_open(vboard, &b), 0);
	ck_assert_int_eq(pinwatch_group_open(b, names, 2, NULL, &g), 0);
	ck_assert_int_eq(pinwatch_group_atomic(g), 0);
	ck_assert_int_eq(pinwatch_watcher_new(&w), 0);
	ck_assert_int_eq(pinwatch_watch_add_group(w, g, &cfg, &id), 0);
	for (int i = 0; i < 8; i++) {
		ck_assert_int_eq(pinwatch_sim_advance(b, 1000), 0);
		ck_assert_int_eq(pinwatch_sim_drive(b, names[(i * 5 / 3) & 1], (i / 2) & 1 ? 0 : 1), 0);
	}
	ck_assert_int_eq(pinwatch_group_get(g, v), 0);
	drain(w);
	int n = pinwatch_watch_read(w, id, ev, 16, 0);
	ck_assert_int_ge(n, 4);
	for (int i = 1; i < n; i++)
		ck_assert_uint_gt(ev[i].timestamp_ns, ev[i - 1].timestamp_ns);
	pinwatch_watcher_free(w);
	pinwatch_group_close(g);
	pinwatch_board_close(b);
}
END_TEST

/* A group watch on the realtime event clock: its events say so, their
 * stamps are realtime, in order, and the merge (comparing stamps with now
 * on that clock) holds none of them back for good.  HTE: refused (the
 * merge needs a clock it can read). */
struct rt_ctx {
	uint64_t last;
	int n, disorder, wrong_clock;
};

static void rt_cb(const struct pinwatch_event *ev, void *ctx)
{
	struct rt_ctx *c = ctx;

	if (ev->timestamp_ns < c->last)
		c->disorder++;
	if (ev->clock != PINWATCH_CLOCK_REALTIME)
		c->wrong_clock++;
	c->last = ev->timestamp_ns;
	__atomic_add_fetch(&c->n, 1, __ATOMIC_SEQ_CST);
}

START_TEST(t_group_realtime_clock)
{
	pinwatch_board *b;
	pinwatch_group *g;
	pinwatch_watcher *w;
	pinwatch_watch_id id;
	static struct rt_ctx c;
	struct pinwatch_watch_config cfg = { .callback = rt_cb, .ctx = &c, .event_buffer = 256,
					     .event_clock = PINWATCH_CLOCK_REALTIME };
	const char *names[] = { "N3", "N4" };
	struct pinwatch_sim_pulse pulse = { .period_ns = 1000000, .count = 10 };
	unsigned gen[2];
	struct timespec t0;

	memset(&c, 0, sizeof(c));
	clock_gettime(CLOCK_REALTIME, &t0);
	ck_assert_int_eq(pinwatch_board_open(rboard, &b), 0);
	ck_assert_int_eq(pinwatch_group_open(b, names, 2, NULL, &g), 0);
	ck_assert_int_eq(pinwatch_watcher_new(&w), 0);
	struct pinwatch_watch_config hte = cfg;
	hte.event_clock = PINWATCH_CLOCK_HTE;
	ck_assert_int_eq(pinwatch_watch_add_group(w, g, &hte, &id), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(pinwatch_last_error(), "not HTE"));
	ck_assert_msg(pinwatch_watch_add_group(w, g, &cfg, &id) == 0, "%s", pinwatch_last_error());
	ck_assert_int_eq(pinwatch_watcher_start(w), 0);
	for (int i = 0; i < 2; i++) {
		pulse.phase_ns = 400000u * (unsigned)i;
		ck_assert_int_eq(pinwatch_sim_pulse(b, names[i], &pulse, &gen[i]), 0);
	}
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(pinwatch_sim_pulse_wait(b, gen[i], 10000), 1);
	for (int i = 0; i < 500 && __atomic_load_n(&c.n, __ATOMIC_SEQ_CST) < 40; i++)
		tu_sleep_ms(10);
	ck_assert_int_eq(pinwatch_watcher_stop(w), 0);
	ck_assert_int_eq(c.n, 40);   /* none held back */
	ck_assert_int_eq(c.disorder, 0);
	ck_assert_int_eq(c.wrong_clock, 0);
	ck_assert_uint_ge(c.last, (uint64_t)t0.tv_sec * 1000000000u);   /* a realtime stamp */
	pinwatch_watcher_free(w);
	pinwatch_group_close(g);
	pinwatch_board_close(b);
}
END_TEST

Suite *core_group_suite(void)
{
	Suite *s = suite_create("core-group");
	TCase *tc = tcase_create("groups");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_group_get_set);
	tcase_add_test(tc, t_group_duplicates);
	tcase_add_loop_test(tc, t_group_set_atomic, 0, 2);
	tcase_add_loop_test(tc, t_group_order, 0, 2);
	tcase_add_test(tc, t_group_callback_worker);
	tcase_add_test(tc, t_group_close_from_callback);
	tcase_add_test(tc, t_group_close_other_thread);
	tcase_add_test(tc, t_group_close_orders);
	tcase_add_test(tc, t_group_close_cycle);
	tcase_add_test(tc, t_group_two_banks);
	tcase_add_test(tc, t_group_realtime_clock);
	tcase_add_unchecked_fixture(tc, merge_boards, NULL);
	suite_add_tcase(s, tc);

	/* The same over one descriptor per group (the sim's groups=fd, the
	 * shape of chardev on libgpiod 2.x). */
	TCase *fd = tcase_create("groups-fd");
	tcase_set_timeout(fd, 60);
	tcase_add_unchecked_fixture(fd, fd_boards, NULL);
	tcase_add_test(fd, t_group_get_set);
	tcase_add_loop_test(fd, t_group_order, 0, 2);
	tcase_add_test(fd, t_group_callback_worker);
	tcase_add_test(fd, t_group_close_from_callback);
	tcase_add_test(fd, t_group_close_other_thread);
	tcase_add_test(fd, t_group_close_orders);
	tcase_add_test(fd, t_group_close_cycle);
	tcase_add_test(fd, t_group_two_banks);
	suite_add_tcase(s, fd);
	return s;
}
