/* SPDX-License-Identifier: MIT */
/*
 * Line groups, attacked from outside: programs written against the public
 * header and the man pages only (pinwatch_group(3), pinwatch_watcher(3),
 * docs/guarantees.md), each trying to break one promise the group landing
 * makes -- prompt stop, no silent stall, descriptors, lifetimes, order and
 * loss accounting, messages.  Every test runs in both shapes of the sim:
 * the core's merge over per-line descriptors, and groups=fd (one
 * descriptor per group, as chardev with libgpiod 2.x).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core.h"

static const char *const two[] = { "N3", "N4" };

/* ------------------------------------------------------ prompt stop */

/* Rule 7 for a group watch: a stop from inside its callback (the worker
 * ends when the callback returns) lets no other callback start -- however
 * many events the merge holds ready.  The rest is kept: delivered + queued
 * is exact, and the next start delivers all of it. */
struct stop_ctx {
	pinwatch_watcher *w;
	atomic_int calls, stop_at;
	uint64_t last_ts;
	atomic_int disorder;
};

static void stop_cb(const struct pinwatch_event *ev, void *ctx)
{
	struct stop_ctx *c = ctx;

	if (ev->timestamp_ns < c->last_ts)
		c->disorder++;
	c->last_ts = ev->timestamp_ns;
	if (++c->calls == c->stop_at)
		pinwatch_watcher_stop(c->w);
}

START_TEST(t_adv_stop_from_callback_prompt)
{
	pinwatch_board *b = board_or_fail(vboard);
	pinwatch_group *g = group_or_fail(b, two, 2, NULL);
	pinwatch_watcher *w = watcher_or_fail();
	static struct stop_ctx c;
	struct pinwatch_watch_config cfg = { .callback = stop_cb, .ctx = &c, .event_buffer = 64 };

	memset(&c, 0, sizeof(c));
	c.w = w;
	c.stop_at = 1;
	pinwatch_watch_id id = gwatch_or_fail(w, g, &cfg);
	for (int i = 0; i < 10; i++) {   /* 40 edges waiting, interleaved */
		ck_assert_int_eq(pinwatch_sim_advance(b, 1000), 0);
		toggle(b, two[i & 1], 1);
	}
	ck_assert_int_eq(pinwatch_watcher_start(w), 0);
	for (int i = 0; i < 2000 && c.calls < 1; i++)
		tu_sleep_ms(1);
	ck_assert_int_eq(pinwatch_watcher_stop(w), 0);   /* joins */
	ck_assert_msg(c.calls == 1, "%d callbacks ran after a stop from the first", c.calls);
	struct pinwatch_watch_stats st = stats_or_fail(w, id);
	ck_assert_uint_eq(st.delivered, 1);
	ck_assert_uint_eq(st.delivered + st.queued, 20);
	/* what was kept comes first at the next start, none lost */
	c.stop_at = 0;
	ck_assert_int_eq(pinwatch_watcher_start(w), 0);
	for (int i = 0; i < 2000 && c.calls < 20; i++)
		tu_sleep_ms(1);
	ck_assert_int_eq(pinwatch_watcher_stop(w), 0);
	ck_assert_int_eq(c.calls, 20);
	ck_assert_int_eq(c.disorder, 0);
	st = stats_or_fail(w, id);
	ck_assert_uint_eq(st.delivered, 20);
	ck_assert_uint_eq(st.queued, 0);
	pinwatch_watcher_free(w);
	pinwatch_group_close(g);
	pinwatch_board_close(b);
}
END_TEST

/* The same from another thread: the callback holds until a stopper's
 * stop is under way, then returns; no further callback may start. */
struct stop2_ctx {
	pinwatch_watcher *w;
	atomic_int calls, inside, go;
};

static void stop2_cb(const struct pinwatch_event *ev, void *ctx)
{
	struct stop2_ctx *c = ctx;
	(void)ev;
	if (c->calls++ == 0) {
		c->inside = 1;
		tu_wait_flag((const int *)&c->go, 5000);
		/* Return only once the stop is under way: a start from the
		 * callback says so ("stopping: it ends when its callback
		 * returns"), no timing assumed. */
		for (int i = 0; i < 5000; i++) {
			if (pinwatch_watcher_start(c->w) == -EALREADY && has(pinwatch_last_error(), "stopping"))
				break;
			tu_sleep_ms(1);
		}
	}
}

static void *stopper(void *arg)
{
	struct stop2_ctx *c = arg;

	c->go = 1;
	pinwatch_watcher_stop(c->w);
	return NULL;
}

START_TEST(t_adv_stop_other_thread_prompt)
{
	pinwatch_board *b = board_or_fail(vboard);
	pinwatch_group *g = group_or_fail(b, two, 2, NULL);
	pinwatch_watcher *w = watcher_or_fail();
	static struct stop2_ctx c;
	struct pinwatch_watch_config cfg = { .callback = stop2_cb, .ctx = &c, .event_buffer = 64 };
	pthread_t t;

	memset(&c, 0, sizeof(c));
	c.w = w;
	pinwatch_watch_id id = gwatch_or_fail(w, g, &cfg);
	for (int i = 0; i < 10; i++) {
		ck_assert_int_eq(pinwatch_sim_advance(b, 1000), 0);
		toggle(b, two[i & 1], 1);
	}
	ck_assert_int_eq(pinwatch_watcher_start(w), 0);
	ck_assert_int_eq(tu_wait_flag((const int *)&c.inside, 5000), 1);
	ck_assert_int_eq(pthread_create(&t, NULL, stopper, &c), 0);
	pthread_join(t, NULL);
	ck_assert_msg(c.calls == 1, "%d callbacks ran after the stop", c.calls);
	struct pinwatch_watch_stats st = stats_or_fail(w, id);
	ck_assert_uint_eq(st.delivered + st.queued, 20);
	pinwatch_watcher_free(w);
	pinwatch_group_close(g);
	pinwatch_board_close(b);
}
END_TEST

/* pinwatch_watcher(3): what a stop left "is delivered first by the next
 * start or dispatch" -- a caller-driven dispatch after the worker stopped,
 * for a group watch and, to compare, a one-pin watch. */
START_TEST(t_adv_dispatch_after_stop)
{
	int group = _i;
	pinwatch_board *b = board_or_fail(vboard);
	pinwatch_group *g = NULL;
	pinwatch_pin *p = NULL;
	pinwatch_watcher *w = watcher_or_fail();
	static struct stop_ctx c;
	struct pinwatch_watch_config cfg = { .callback = stop_cb, .ctx = &c, .event_buffer = 64 };
	pinwatch_watch_id id;

	memset(&c, 0, sizeof(c));
	c.w = w;
	c.stop_at = 1;
	if (group) {
		g = group_or_fail(b, two, 2, NULL);
		id = gwatch_or_fail(w, g, &cfg);
	} else {
		p = pin_or_fail(b, "N3", NULL);
		id = watch_or_fail(w, p, &cfg);
	}
	for (int i = 0; i < 10; i++) {
		ck_assert_int_eq(pinwatch_sim_advance(b, 1000), 0);
		toggle(b, group ? two[i & 1] : "N3", 1);
	}
	ck_assert_int_eq(pinwatch_watcher_start(w), 0);
	for (int i = 0; i < 2000 && c.calls < 1; i++)
		tu_sleep_ms(1);
	ck_assert_int_eq(pinwatch_watcher_stop(w), 0);
	ck_assert_int_eq(c.calls, 1);
	c.stop_at = 0;
	for (int i = 0; i < 20; i++)
		ck_assert_int_ge(pinwatch_watcher_dispatch(w, 0), 0);
	struct pinwatch_watch_stats st = stats_or_fail(w, id);
	ck_assert_msg(c.calls == 20, "%s: %d of 20 called back after a stop and 20 dispatches "
		      "(queued %llu)", group ? "group" : "pin", c.calls, (unsigned long long)st.queued);
	pinwatch_watcher_free(w);
	pinwatch_group_close(g);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

/* ------------------------------------------------- no silent stall */

struct err_ctx {
	int errors, edges, value;
	pinwatch_pin *pin;
};

static void err_cb(const struct pinwatch_event *ev, void *ctx)
{
	struct err_ctx *c = ctx;

	if (ev->edge == PINWATCH_EVENT_ERROR) {
		c->errors++;
		c->value = ev->value;
		c->pin = ev->pin;
	} else {
		c->edges++;
	}
}

static int watcher_ready(pinwatch_watcher *w)
{
	struct pollfd pfd = { .fd = pinwatch_watcher_fd(w), .events = POLLIN };
	return poll(&pfd, 1, 0);
}

/* Rule 5's seed bug on a group: every read of events fails with EINTR (or
 * EAGAIN).  Within 64 dispatches the group watch has its error, one error
 * event, and the watcher's descriptor no longer polls ready. */
static void transient_storm(int eintr)
{
	int want = eintr ? -EINTR : -EAGAIN;
	pinwatch_board *b = board_or_fail(vboard);
	pinwatch_group *g = group_or_fail(b, two, 2, NULL);
	pinwatch_watcher *w = watcher_or_fail();
	struct err_ctx c = { 0 };
	struct pinwatch_watch_config cfg = { .callback = err_cb, .ctx = &c };
	struct pinwatch_sim_fault f = { .op = PINWATCH_SIM_OP_READ, .nth = 0 };

	f.kind = eintr ? PINWATCH_SIM_FAULT_EINTR : PINWATCH_SIM_FAULT_FAIL;
	f.error = eintr ? 0 : EAGAIN;
	pinwatch_watch_id id = gwatch_or_fail(w, g, &cfg);
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
	ck_assert_msg(st.error == want, "after %d dispatches: error %d, want %d", dispatches, st.error, want);
	ck_assert_int_le(dispatches, 64);
	ck_assert_int_eq(c.errors, 1);
	ck_assert_int_eq(c.value, want);
	ck_assert_int_eq(c.edges, 0);
	ck_assert_int_eq(watcher_ready(w), 0);
	for (int i = 0; i < 100; i++)
		ck_assert_int_eq(pinwatch_watcher_dispatch(w, 0), 0);
	pinwatch_watcher_free(w);
	pinwatch_group_close(g);
	pinwatch_board_close(b);
}

START_TEST(t_adv_eintr_storm)
{
	transient_storm(1);
}
END_TEST

START_TEST(t_adv_eagain_storm)
{
	transient_storm(0);
}
END_TEST

/* One EIO on a read: an error event with -EIO, the watch ends (no spin);
 * the group's lines are still the group's (get works), close is clean. */
START_TEST(t_adv_read_eio)
{
	pinwatch_board *b = board_or_fail(vboard);
	pinwatch_group *g = group_or_fail(b, two, 2, NULL);
	pinwatch_watcher *w = watcher_or_fail();
	struct err_ctx c = { 0 };
	struct pinwatch_watch_config cfg = { .callback = err_cb, .ctx = &c };
	struct pinwatch_sim_fault f = { .kind = PINWATCH_SIM_FAULT_FAIL, .op = PINWATCH_SIM_OP_READ,
					.nth = 1, .error = EIO };
	int v[2];

	pinwatch_watch_id id = gwatch_or_fail(w, g, &cfg);
	ck_assert_int_eq(pinwatch_sim_fault(b, &f), 0);
	toggle(b, "N3", 1);
	for (int i = 0; i < 100; i++)
		pinwatch_watcher_dispatch(w, 0);
	struct pinwatch_watch_stats st = stats_or_fail(w, id);
	ck_assert_int_eq(st.error, -EIO);
	ck_assert_int_ge(c.errors, 1);
	ck_assert_int_eq(c.value, -EIO);
	ck_assert_int_eq(watcher_ready(w), 0);
	ck_assert_int_eq(pinwatch_group_get(g, v), 0);
	pinwatch_watcher_free(w);
	pinwatch_group_close(g);
	pinwatch_board_close(b);
}
END_TEST

/* The bank of a group is unplugged while its watch is idle: the watch ends
 * with an error event (-ENODEV) rather than wait forever; the watcher does
 * not spin; get says the bank is gone, naming the group. */
static void bank_gone(int worker)
{
	pinwatch_board *b = board_or_fail(worker ? rboard : vboard);
	pinwatch_group *g = group_or_fail(b, two, 2, NULL);   /* pioC, bank 2 */
	pinwatch_watcher *w = watcher_or_fail();
	static struct err_ctx c;
	struct pinwatch_watch_config cfg = { .callback = err_cb, .ctx = &c };
	struct pinwatch_sim_fault f = { .kind = PINWATCH_SIM_FAULT_BANK_GONE, .bank = 2 };
	int v[2];

	memset(&c, 0, sizeof(c));
	pinwatch_watch_id id = gwatch_or_fail(w, g, &cfg);
	if (worker)
		ck_assert_int_eq(pinwatch_watcher_start(w), 0);
	ck_assert_int_eq(pinwatch_sim_fault(b, &f), 0);
	struct pinwatch_watch_stats st = { 0 };
	for (int i = 0; i < 2000 && !st.error; i++) {
		if (worker)
			tu_sleep_ms(1);
		else
			pinwatch_watcher_dispatch(w, 0);
		st = stats_or_fail(w, id);
	}
	if (worker) {
		ck_assert_int_eq(pinwatch_watcher_stop(w), 0);
		drain(w);   /* the other members' hang-ups, if not yet handled */
	}
	ck_assert_int_eq(st.error, -ENODEV);
	ck_assert_int_ge(c.errors, 1);
	ck_assert_int_eq(c.value, -ENODEV);
	ck_assert_int_eq(watcher_ready(w), 0);
	for (int i = 0; i < 50; i++)
		ck_assert_int_eq(pinwatch_watcher_dispatch(w, 0), 0);
	ck_assert_int_eq(pinwatch_group_get(g, v), -ENODEV);
	const char *msg = pinwatch_last_error();
	ck_assert_msg(has(msg, "group") && has(msg, "N3") && has(msg, "get"), "%s", msg);
	pinwatch_watcher_free(w);
	pinwatch_group_close(g);
	pinwatch_board_close(b);
}

START_TEST(t_adv_bank_gone_dispatch)
{
	bank_gone(0);
}
END_TEST

START_TEST(t_adv_bank_gone_worker)
{
	bank_gone(1);
}
END_TEST

/* How many error events: one per group watch, as for one pin (rule 5:
 * "the watch gets one error event"), when the bank of all four goes. */
START_TEST(t_adv_bank_gone_one_error_event)
{
	pinwatch_board *b = board_or_fail(vboard);
	const char *four[] = { "N3", "N4", "N5", "N6" };
	pinwatch_group *g = group_or_fail(b, four, 4, NULL);
	pinwatch_watcher *w = watcher_or_fail();
	struct err_ctx c = { 0 };
	struct pinwatch_watch_config cfg = { .callback = err_cb, .ctx = &c };
	struct pinwatch_sim_fault f = { .kind = PINWATCH_SIM_FAULT_BANK_GONE, .bank = 2 };

	gwatch_or_fail(w, g, &cfg);
	ck_assert_int_eq(pinwatch_sim_fault(b, &f), 0);
	for (int i = 0; i < 100; i++)
		pinwatch_watcher_dispatch(w, 0);
	ck_assert_msg(c.errors == 1, "%d error events for one group watch", c.errors);
	/* the event names a member, even where the fault is the group's one
	 * descriptor's (groups=fd) */
	ck_assert_ptr_eq(c.pin, pinwatch_group_pin(g, 0));
	pinwatch_watcher_free(w);
	pinwatch_group_close(g);
	pinwatch_board_close(b);
}
END_TEST

/* Rule 5, "is disabled afterwards", for a group: after one member's read
 * fails (EIO) the group watch delivers nothing more, the other members'
 * edges included, as a one-pin watch after its error event. */
START_TEST(t_adv_member_fault_disables_group)
{
	pinwatch_board *b = board_or_fail(vboard);
	pinwatch_group *g = group_or_fail(b, two, 2, NULL);
	pinwatch_watcher *w = watcher_or_fail();
	struct err_ctx c = { 0 };
	struct pinwatch_watch_config cfg = { .callback = err_cb, .ctx = &c };
	struct pinwatch_sim_fault f = { .kind = PINWATCH_SIM_FAULT_FAIL, .op = PINWATCH_SIM_OP_READ,
					.nth = 1, .error = EIO, .pin = "N3" };

	pinwatch_watch_id gid = gwatch_or_fail(w, g, &cfg);
	ck_assert_int_eq(pinwatch_sim_fault(b, &f), 0);
	toggle(b, "N3", 1);
	drain(w);
	ck_assert_int_eq(c.errors, 1);
	toggle(b, "N4", 2);
	drain(w);
	ck_assert_msg(c.edges == 0 && c.errors == 1,
		      "after the group watch's error event: %d edges, %d error events", c.edges, c.errors);
	ck_assert_ptr_eq(c.pin, pinwatch_group_pin(g, 0));   /* N3's read failed */
	struct pinwatch_watch_stats st;
	ck_assert_int_eq(pinwatch_watch_stats(w, gid, &st), 0);
	ck_assert_int_eq(st.error, -EIO);
	pinwatch_watcher_free(w);
	pinwatch_group_close(g);
	pinwatch_board_close(b);
}
END_TEST

/* A member whose descriptor stays readable while every read of it fails
 * with EAGAIN holds the others' events back (it is not quiet), but not
 * for ever: within the stall limit it has its error event, and the other
 * member's events come, in order.  (groups=fd: the member's fault fails
 * the group's one descriptor, and the whole watch ends within the limit.) */
START_TEST(t_adv_stuck_member_bounded)
{
	pinwatch_board *b = board_or_fail(vboard);
	pinwatch_group *g = group_or_fail(b, two, 2, NULL);
	pinwatch_watcher *w = watcher_or_fail();
	struct err_ctx c = { 0 };
	struct pinwatch_watch_config cfg = { .callback = err_cb, .ctx = &c };
	struct pinwatch_sim_fault f = { .kind = PINWATCH_SIM_FAULT_FAIL, .op = PINWATCH_SIM_OP_READ,
					.nth = 0, .error = EAGAIN, .pin = "N4" };

	gwatch_or_fail(w, g, &cfg);
	ck_assert_int_eq(pinwatch_sim_fault(b, &f), 0);
	toggle(b, "N4", 1);   /* readable for good: every read fails */
	ck_assert_int_eq(pinwatch_sim_advance(b, 1000), 0);
	toggle(b, "N3", 2);
	int dispatches = 0, one_fd = has(vboard, "groups=fd");
	while (dispatches < 1000 && (one_fd ? !c.errors : c.edges < 4)) {
		ck_assert_int_ge(pinwatch_watcher_dispatch(w, 0), 0);
		dispatches++;
	}
	ck_assert_int_le(dispatches, 70);
	ck_assert_int_eq(c.errors, 1);
	ck_assert_int_eq(c.value, -EAGAIN);
	if (one_fd) {
		/* one descriptor for the group: its reads are the group's, and
		 * the whole watch ends, without a spin */
		ck_assert_int_eq(watcher_ready(w), 0);
	} else {
		ck_assert_msg(c.edges == 4, "%d of N3's 4 edges after %d dispatches", c.edges, dispatches);
	}
	pinwatch_watcher_free(w);
	pinwatch_group_close(g);
	pinwatch_board_close(b);
}
END_TEST

/* A group of one line is a one-pin watch with a group id. */
START_TEST(t_adv_group_of_one)
{
	pinwatch_board *b = board_or_fail(vboard);
	pinwatch_group *g = group_or_fail(b, two, 1, NULL);
	pinwatch_watcher *w = watcher_or_fail();
	struct pinwatch_event ev[16];

	pinwatch_watch_id id = gwatch_or_fail(w, g, &(struct pinwatch_watch_config){ .queue_size = 16 });
	toggle(b, "N3", 3);
	drain(w);
	ck_assert_int_eq(pinwatch_watch_read(w, id, ev, 16, 0), 6);
	for (int i = 0; i < 6; i++) {
		ck_assert_ptr_eq(ev[i].pin, pinwatch_group_pin(g, 0));
		ck_assert_uint_eq(ev[i].watch, id);
		ck_assert_uint_eq(ev[i].seqno, (uint64_t)i + 1);
		ck_assert_int_eq(ev[i].edge, i % 2 ? PINWATCH_EDGE_FALLING : PINWATCH_EDGE_RISING);
	}
	pinwatch_watcher_free(w);
	pinwatch_group_close(g);
	pinwatch_board_close(b);
}
END_TEST

/* ------------------------------------------------------- descriptors */

/* Every descriptor a group and its watch open is close-on-exec, none is
 * seen by a fork+exec child, and all are closed by the closes, on both
 * clocks and with a queue, a callback and a counters-only watch. */
static void child_fds(char *out, size_t size)
{
	char path[4096];
	int pfd[2];

	snprintf(path, sizeof(path), "%s/fdlist", tu_bin_dir());
	ck_assert_int_eq(pipe2(pfd, O_CLOEXEC), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(pfd[1], 1);
		tu_exec_helper(path, "fdlist", NULL);
	}
	close(pfd[1]);
	size_t len = 0;
	ssize_t r;
	while ((r = read(pfd[0], out + len, size - 1 - len)) > 0)
		len += (size_t)r;
	out[len] = '\0';
	close(pfd[0]);
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "fdlist failed: %s", path);
}

static void noop_cb(const struct pinwatch_event *ev, void *ctx)
{
	(void)ev;
	(void)ctx;
}

START_TEST(t_adv_fds_cloexec_closed)
{
	int before[256], fresh[256];
	size_t nb = tu_list_fds(before, 256);
	const char *spec = _i & 1 ? vboard : rboard;
	int kind = _i >> 1;   /* 0 callback, 1 queue, 2 counters, 3 realtime callback */
	struct pinwatch_watch_config cfg = { 0 };
	char out[4096];

	if (kind == 0 || kind == 3)
		cfg.callback = noop_cb;
	if (kind == 1)
		cfg.queue_size = 8;
	if (kind == 3)
		cfg.event_clock = PINWATCH_CLOCK_REALTIME;
	pinwatch_board *b = board_or_fail(spec);
	pinwatch_group *g = group_or_fail(b, two, 2, NULL);
	pinwatch_watcher *w = watcher_or_fail();
	pinwatch_watch_id id = 0;
	int ret = pinwatch_watch_add_group(w, g, &cfg, &id);
	if (kind == 3 && (_i & 1)) {   /* realtime on a virtual board: refused or not, no leak */
		if (ret < 0)
			goto close;
	}
	ck_assert_msg(ret == 0, "%s", pinwatch_last_error());
	if (!(_i & 1))
		ck_assert_int_eq(pinwatch_watcher_start(w), 0);
	toggle(b, "N3", 2);
	size_t n = tu_new_fds(before, nb, fresh, 256);
	ck_assert_uint_ge(n, 3);
	for (size_t i = 0; i < n; i++) {
		int flags = fcntl(fresh[i], F_GETFD);
		ck_assert_msg(flags >= 0 && (flags & FD_CLOEXEC), "descriptor %d lacks FD_CLOEXEC", fresh[i]);
	}
	child_fds(out, sizeof(out));
	for (size_t i = 0; i < n; i++) {
		char needle[16];
		snprintf(needle, sizeof(needle), " %d ", fresh[i]);
		ck_assert_msg(!strstr(out, needle), "descriptor %d leaked into the child: %s", fresh[i], out);
	}
	/* the watch's own descriptors go with its removal */
	ck_assert_int_eq(pinwatch_watch_remove(w, id), 0);
close:
	pinwatch_group_close(g);
	pinwatch_watcher_free(w);
	pinwatch_board_close(b);
	ck_assert_uint_eq(tu_new_fds(before, nb, fresh, 256), 0);
}
END_TEST

/* Removing the group watch gives back every descriptor it added (the
 * group itself keeps only its lines'). */
START_TEST(t_adv_fds_watch_remove)
{
	const char *spec = _i ? vboard : rboard;
	pinwatch_board *b = board_or_fail(spec);
	pinwatch_group *g = group_or_fail(b, two, 2, NULL);
	pinwatch_watcher *w = watcher_or_fail();
	struct pinwatch_watch_config cfg = { .callback = noop_cb };
	int base = tu_count_fds();

	for (int i = 0; i < 50; i++) {
		pinwatch_watch_id id = gwatch_or_fail(w, g, &cfg);
		toggle(b, "N4", 1);
		ck_assert_int_eq(pinwatch_watch_remove(w, id), 0);
		ck_assert_int_eq(tu_count_fds(), base);
	}
	pinwatch_watcher_free(w);
	pinwatch_group_close(g);
	pinwatch_board_close(b);
}
END_TEST

/* ---------------------------------------------------------- lifetimes */

/* From a group watch's callback: remove the watch itself, free the
 * watcher, close the board, close a member (a no-op), close the group.
 * Each on the worker and in a caller-driven loop: no further callback,
 * no crash (ASan), descriptors back at baseline, lines free after. */
enum cb_action { ACT_REMOVE, ACT_FREE, ACT_BOARD, ACT_MEMBER, ACT_GROUP, ACT_STOP_FREE, ACT_N };

struct life_ctx {
	int action;
	pinwatch_watcher *w;
	pinwatch_board *b;
	pinwatch_group *g;
	pinwatch_watch_id id;
	atomic_int calls, ret, done;
	char msg[256];
};

static void life_cb(const struct pinwatch_event *ev, void *ctx)
{
	struct life_ctx *c = ctx;

	if (c->calls++)
		return;
	switch (c->action) {
	case ACT_REMOVE:
		c->ret = pinwatch_watch_remove(c->w, ev->watch);
		break;
	case ACT_FREE:
		pinwatch_watcher_free(c->w);
		break;
	case ACT_BOARD:
		pinwatch_board_close(c->b);
		c->ret = pinwatch_pin_get(ev->pin);   /* the group keeps the board */
		break;
	case ACT_MEMBER:
		pinwatch_pin_close(ev->pin);
		snprintf(c->msg, sizeof(c->msg), "%s", pinwatch_last_error());
		c->ret = pinwatch_pin_get(ev->pin);
		break;
	case ACT_GROUP:
		pinwatch_group_close(c->g);
		break;
	case ACT_STOP_FREE:
		c->ret = pinwatch_watcher_stop(c->w);
		pinwatch_watcher_free(c->w);
		break;
	}
	c->done = 1;
}

START_TEST(t_adv_release_from_callback)
{
	int action = _i % ACT_N, worker = _i / ACT_N;
	int fds = tu_count_fds();
	static struct life_ctx c;
	struct pinwatch_watch_config cfg = { .callback = life_cb, .ctx = &c, .event_buffer = 64 };

	memset(&c, 0, sizeof(c));
	c.action = action;
	c.b = board_or_fail(vboard);
	c.g = group_or_fail(c.b, two, 2, NULL);
	c.w = watcher_or_fail();
	c.id = gwatch_or_fail(c.w, c.g, &cfg);
	for (int i = 0; i < 8; i++) {
		ck_assert_int_eq(pinwatch_sim_advance(c.b, 1000), 0);
		toggle(c.b, two[i & 1], 1);
	}
	pinwatch_board *b = c.b;
	if (worker) {
		ck_assert_int_eq(pinwatch_watcher_start(c.w), 0);
		ck_assert_int_eq(tu_wait_flag((const int *)&c.done, 5000), 1);
		tu_sleep_ms(20);   /* anything that would still run (never asserted) */
	} else {
		for (int i = 0; i < 20 && !c.done; i++)
			ck_assert_int_ge(pinwatch_watcher_dispatch(c.w, 0), 0);
		if (action != ACT_FREE && action != ACT_STOP_FREE)
			for (int i = 0; i < 20; i++)
				ck_assert_int_ge(pinwatch_watcher_dispatch(c.w, 0), 0);
	}
	ck_assert_int_eq(c.done, 1);
	switch (action) {
	case ACT_REMOVE:
		ck_assert_int_eq(c.ret, 0);
		ck_assert_int_eq(c.calls, 1);
		ck_assert_int_eq(pinwatch_watch_remove(c.w, c.id), -ENOENT);
		/* the group can be watched again */
		pinwatch_watch_id id2 = gwatch_or_fail(c.w, c.g, &cfg);
		ck_assert_uint_ne(id2, c.id);
		break;
	case ACT_FREE:
	case ACT_STOP_FREE:
		ck_assert_int_eq(c.calls, 1);
		c.w = NULL;
		break;
	case ACT_BOARD:
		ck_assert_int_ge(c.ret, 0);
		b = NULL;
		break;
	case ACT_MEMBER:
		ck_assert_msg(has(c.msg, "member of a group"), "%s", c.msg);
		ck_assert_int_ge(c.ret, 0);
		ck_assert_int_ge(c.calls, 8);   /* a no-op: events go on */
		break;
	case ACT_GROUP:
		ck_assert_int_eq(c.calls, 1);
		c.g = NULL;
		break;
	}
	if (worker && c.w)
		ck_assert_int_eq(pinwatch_watcher_stop(c.w), 0);
	pinwatch_watcher_free(c.w);
	if (c.g)
		pinwatch_group_close(c.g);
	else if (b) {   /* lines released */
		pinwatch_group *g2 = group_or_fail(b, two, 2, NULL);
		pinwatch_group_close(g2);
	}
	pinwatch_board_close(b);
	ck_assert_int_eq(tu_count_fds(), fds);
}
END_TEST

/* Close the group, free the watcher, or remove the watch from another
 * thread while events flow on the real clock, many times: every call
 * returns, no callback after it returned, nothing leaks (ASan, TSan). */
struct flow_ctx {
	atomic_int calls, after;
	atomic_int released;
};

static void flow_cb(const struct pinwatch_event *ev, void *ctx)
{
	struct flow_ctx *c = ctx;
	(void)ev;
	if (c->released)
		c->after++;
	c->calls++;
}

START_TEST(t_adv_release_while_events_flow)
{
	int what = _i;   /* 0 group close, 1 watcher free, 2 remove, 3 board then group */
	int fds = tu_count_fds();
	static struct flow_ctx c;
	struct pinwatch_sim_pulse pulse = { .period_ns = 20000 };   /* 50 kHz, endless */
	unsigned gen[2];

	for (int round = 0; round < 20; round++) {
		memset(&c, 0, sizeof(c));
		struct pinwatch_watch_config cfg = { .callback = flow_cb, .ctx = &c };
		pinwatch_board *b = board_or_fail(rboard);
		pinwatch_group *g = group_or_fail(b, two, 2, NULL);
		pinwatch_watcher *w = watcher_or_fail();
		pinwatch_watch_id id = gwatch_or_fail(w, g, &cfg);
		ck_assert_int_eq(pinwatch_watcher_start(w), 0);
		for (int k = 0; k < 2; k++) {
			pulse.phase_ns = 7000u * (unsigned)k;
			ck_assert_int_eq(pinwatch_sim_pulse(b, two[k], &pulse, &gen[k]), 0);
		}
		for (int i = 0; i < 2000 && c.calls < 10; i++)
			tu_sleep_ms(1);
		ck_assert_int_ge(c.calls, 1);
		switch (what) {
		case 0:
			pinwatch_group_close(g);
			g = NULL;
			break;
		case 1:
			pinwatch_watcher_free(w);
			w = NULL;
			break;
		case 2:
			ck_assert_int_eq(pinwatch_watch_remove(w, id), 0);
			break;
		case 3:
			pinwatch_board_close(b);
			b = NULL;
			pinwatch_group_close(g);
			g = NULL;
			break;
		}
		c.released = 1;
		tu_sleep_ms(2);
		ck_assert_int_eq(c.after, 0);
		if (b)
			for (int k = 0; k < 2; k++)
				ck_assert_int_eq(pinwatch_sim_pulse_stop(b, gen[k]), 0);
		pinwatch_watcher_free(w);
		pinwatch_group_close(g);
		pinwatch_board_close(b);
	}
	ck_assert_int_eq(tu_count_fds(), fds);
}
END_TEST

/* Group close from one thread racing watcher free from another, while the
 * group's callback runs: both return, nothing freed is touched. */
struct race_ctx {
	atomic_int inside, calls;
};

static void race_cb(const struct pinwatch_event *ev, void *ctx)
{
	struct race_ctx *c = ctx;
	(void)ev;
	c->calls++;
	c->inside = 1;
	tu_sleep_ms(5);
}

struct racer {
	pthread_barrier_t *bar;
	pinwatch_group *g;
	pinwatch_watcher *w;
};

static void *close_group_thread(void *arg)
{
	struct racer *r = arg;
	pthread_barrier_wait(r->bar);
	pinwatch_group_close(r->g);
	return NULL;
}

static void *free_watcher_thread(void *arg)
{
	struct racer *r = arg;
	pthread_barrier_wait(r->bar);
	pinwatch_watcher_free(r->w);
	return NULL;
}

START_TEST(t_adv_group_close_races_watcher_free)
{
	int fds = tu_count_fds();

	for (int round = 0; round < 20; round++) {
		static struct race_ctx c;
		memset(&c, 0, sizeof(c));
		struct pinwatch_watch_config cfg = { .callback = race_cb, .ctx = &c };
		pinwatch_board *b = board_or_fail(rboard);
		pinwatch_group *g = group_or_fail(b, two, 2, NULL);
		pinwatch_watcher *w = watcher_or_fail();
		pthread_barrier_t bar;
		pthread_t t1, t2;
		struct pinwatch_sim_pulse pulse = { .period_ns = 100000 };
		unsigned gen;

		gwatch_or_fail(w, g, &cfg);
		ck_assert_int_eq(pinwatch_watcher_start(w), 0);
		ck_assert_int_eq(pinwatch_sim_pulse(b, "N3", &pulse, &gen), 0);
		ck_assert_int_eq(tu_wait_flag((const int *)&c.inside, 5000), 1);
		pthread_barrier_init(&bar, NULL, 2);
		struct racer r = { &bar, g, w };
		pthread_create(&t1, NULL, close_group_thread, &r);
		pthread_create(&t2, NULL, free_watcher_thread, &r);
		pthread_join(t1, NULL);
		pthread_join(t2, NULL);
		pthread_barrier_destroy(&bar);
		int calls = c.calls;
		tu_sleep_ms(2);
		ck_assert_int_eq(c.calls, calls);
		ck_assert_int_eq(pinwatch_sim_pulse_stop(b, gen), 0);
		/* the lines are free */
		pinwatch_group *g2 = group_or_fail(b, two, 2, NULL);
		pinwatch_group_close(g2);
		pinwatch_board_close(b);
	}
	ck_assert_int_eq(tu_count_fds(), fds);
}
END_TEST

/* A reader blocked forever on a group queue is woken (-ENOENT) by the
 * group's close, by a remove of the group watch, and by a free of its
 * watcher. */
struct reader {
	pinwatch_watcher *w;
	pinwatch_watch_id id;
	atomic_int started, ret;
};

static void *blocked_reader(void *arg)
{
	struct reader *r = arg;
	struct pinwatch_event ev[4];

	r->started = 1;
	r->ret = pinwatch_watch_read(r->w, r->id, ev, 4, -1);
	return NULL;
}

START_TEST(t_adv_blocked_reader_woken)
{
	int by_close = _i;
	pinwatch_board *b = board_or_fail(vboard);
	pinwatch_group *g = group_or_fail(b, two, 2, NULL);
	static struct reader r;
	pthread_t t;

	memset(&r, 0, sizeof(r));
	r.w = watcher_or_fail();
	r.id = gwatch_or_fail(r.w, g, &(struct pinwatch_watch_config){ .queue_size = 4 });
	r.ret = 99;
	ck_assert_int_eq(pthread_create(&t, NULL, blocked_reader, &r), 0);
	ck_assert_int_eq(tu_wait_flag((const int *)&r.started, 5000), 1);
	tu_sleep_ms(20);   /* let it block (never asserted) */
	if (by_close == 1)
		pinwatch_group_close(g);
	else if (by_close == 2)
		pinwatch_watcher_free(r.w);
	else
		ck_assert_int_eq(pinwatch_watch_remove(r.w, r.id), 0);
	pthread_join(t, NULL);
	ck_assert_int_eq(r.ret, -ENOENT);
	if (by_close != 2)
		pinwatch_watcher_free(r.w);
	if (by_close != 1)
		pinwatch_group_close(g);
	pinwatch_board_close(b);
}
END_TEST

/* Remove the group watch from its own callback and add it again from the
 * same callback: the add is either refused with a message or works; either
 * way no callback of the old id runs after the remove, and the new watch,
 * if added, gets the rest. */
struct readd_ctx {
	pinwatch_watcher *w;
	pinwatch_group *g;
	pinwatch_watch_id first, second;
	int old_after, new_calls, add_ret, removed;
	char msg[256];
};

static void readd_cb(const struct pinwatch_event *ev, void *ctx)
{
	struct readd_ctx *c = ctx;

	if (ev->watch == c->first) {
		if (c->removed) {
			c->old_after++;
			return;
		}
		ck_assert_int_eq(pinwatch_watch_remove(c->w, c->first), 0);
		c->removed = 1;
		struct pinwatch_watch_config cfg = { .callback = readd_cb, .ctx = c };
		c->add_ret = pinwatch_watch_add_group(c->w, c->g, &cfg, &c->second);
		snprintf(c->msg, sizeof(c->msg), "%s", pinwatch_last_error());
		return;
	}
	c->new_calls++;
}

START_TEST(t_adv_readd_from_own_callback)
{
	pinwatch_board *b = board_or_fail(vboard);
	static struct readd_ctx c;
	memset(&c, 0, sizeof(c));
	c.g = group_or_fail(b, two, 2, NULL);
	c.w = watcher_or_fail();
	c.first = gwatch_or_fail(c.w, c.g, &(struct pinwatch_watch_config){ .callback = readd_cb, .ctx = &c });
	toggle(b, "N3", 2);
	drain(c.w);
	ck_assert_int_eq(c.removed, 1);
	ck_assert_int_eq(c.old_after, 0);
	if (c.add_ret == 0) {
		toggle(b, "N4", 1);
		drain(c.w);
		ck_assert_int_ge(c.new_calls, 2);
	} else {
		ck_assert_msg(c.add_ret == -EBUSY && strlen(c.msg) > 0, "%d %s", c.add_ret, c.msg);
		/* after the callback the group is free to watch */
		gwatch_or_fail(c.w, c.g, NULL);
	}
	pinwatch_watcher_free(c.w);
	pinwatch_group_close(c.g);
	pinwatch_board_close(b);
}
END_TEST

/* The size limits: 64 lines (across banks) open; 65 refused, saying why. */
START_TEST(t_adv_group_limits)
{
	pinwatch_board *b = board_or_fail(vboard);
	char names[65][16];
	const char *ptr[65];
	pinwatch_group *g = NULL;

	for (int i = 0; i < 65; i++) {
		snprintf(names[i], sizeof(names[i]), "%s:%d", i < 32 ? "pioA" : "pioC", i % 32);
		ptr[i] = names[i];
	}
	ck_assert_int_eq(pinwatch_group_open(b, ptr, 65, NULL, &g), -EINVAL);
	ck_assert_msg(has(pinwatch_last_error(), "65") && has(pinwatch_last_error(), "64"), "%s",
		      pinwatch_last_error());
	g = group_or_fail(b, ptr, 64, NULL);
	ck_assert_uint_eq(pinwatch_group_size(g), 64);
	ck_assert_int_eq(pinwatch_group_atomic(g), 0);   /* two banks */
	pinwatch_watcher *w = watcher_or_fail();
	static struct seq_ctx_lite { int n; } c;
	c.n = 0;
	gwatch_or_fail(w, g, &(struct pinwatch_watch_config){ .callback = count_cb, .ctx = &c.n });
	for (int i = 0; i < 64; i += 9)
		toggle(b, ptr[i], 1);
	drain(w);
	ck_assert_int_eq(c.n, 2 * 8);
	pinwatch_watcher_free(w);
	pinwatch_group_close(g);
	pinwatch_board_close(b);
}
END_TEST

/* Group close racing pinwatch_watch_add_group of that group on another
 * thread (the add requests the members' edges unlocked): either the add
 * fails with a message, or it works and the close removes the watch; no
 * use of freed memory (ASan), nothing left open.  With
 * PINWATCH_DEBUG=handles, so that an add that starts after the close
 * finds a closed handle (-EINVAL), not freed memory: that part is the
 * caller's, the window inside the add is the library's.  (Set before this
 * forked test's first pinwatch call: the flags are read once.) */
struct addrace {
	pthread_barrier_t bar;
	pinwatch_watcher *w;
	pinwatch_group *g;
	int ret;
};

static void *add_thread(void *arg)
{
	struct addrace *r = arg;
	pinwatch_watch_id id;
	pthread_barrier_wait(&r->bar);
	r->ret = pinwatch_watch_add_group(r->w, r->g, &(struct pinwatch_watch_config){ .callback = noop_cb }, &id);
	return NULL;
}

static void *gclose_thread(void *arg)
{
	struct addrace *r = arg;
	pthread_barrier_wait(&r->bar);
	pinwatch_group_close(r->g);
	return NULL;
}

START_TEST(t_adv_close_races_watch_add)
{
	setenv("PINWATCH_DEBUG", "handles", 1);
	int fds = tu_count_fds();
	const char *eight[] = { "N3", "N4", "N5", "N6", "N7", "N8", "N9", "N10" };
	pinwatch_board *b = board_or_fail(vboard);
	static struct addrace r;

	r.w = watcher_or_fail();
	for (int round = 0; round < 200; round++) {
		pthread_t t1, t2;
		r.g = group_or_fail(b, eight, 8, NULL);
		pthread_barrier_init(&r.bar, NULL, 2);
		pthread_create(&t1, NULL, add_thread, &r);
		pthread_create(&t2, NULL, gclose_thread, &r);
		pthread_join(t1, NULL);
		pthread_join(t2, NULL);
		pthread_barrier_destroy(&r.bar);
		drain(r.w);
	}
	pinwatch_watcher_free(r.w);
	pinwatch_group *g = group_or_fail(b, eight, 8, NULL);   /* all released */
	pinwatch_group_close(g);
	pinwatch_board_close(b);
	ck_assert_int_eq(tu_count_fds(), fds);
}
END_TEST

/* ------------------------------------------------------------ order */

/* Events non-decreasing in time across 4 members, seqno per member from 1
 * with no gap, both clocks, many interleaved edges (more than a batch). */
struct seq_ctx {
	pinwatch_group *g;
	uint64_t last, seq[4];
	int n, disorder, badseq, lost;
};

static void seq_cb(const struct pinwatch_event *ev, void *ctx)
{
	struct seq_ctx *c = ctx;
	int k = -1;

	for (int i = 0; i < 4; i++)
		if (ev->pin == pinwatch_group_pin(c->g, (size_t)i))
			k = i;
	if (k < 0 || ev->edge > PINWATCH_EDGE_FALLING) {
		c->badseq++;
		return;
	}
	if (ev->timestamp_ns < c->last)
		c->disorder++;
	c->last = ev->timestamp_ns;
	if (ev->seqno != ++c->seq[k])
		c->badseq++;
	c->lost += (int)ev->lost;
	c->n++;
}

START_TEST(t_adv_order_four_lines)
{
	int virt = _i;
	const char *four[] = { "N3", "N4", "N5", "N6" };
	pinwatch_board *b = board_or_fail(virt ? vboard : rboard);
	pinwatch_group *g = group_or_fail(b, four, 4, NULL);
	pinwatch_watcher *w = watcher_or_fail();
	static struct seq_ctx c;
	struct pinwatch_watch_config cfg = { .callback = seq_cb, .ctx = &c, .event_buffer = 1024 };
	unsigned gen[4];

	memset(&c, 0, sizeof(c));
	c.g = g;
	pinwatch_watch_id id = gwatch_or_fail(w, g, &cfg);
	for (int k = 0; k < 4; k++) {
		struct pinwatch_sim_pulse p = { .period_ns = 100000u + 13000u * (unsigned)k, .count = 100,
						.phase_ns = 3000u * (unsigned)k, .jitter_ns = 20000, .seed = (unsigned)k + 1 };
		ck_assert_int_eq(pinwatch_sim_pulse(b, four[k], &p, &gen[k]), 0);
	}
	if (virt) {
		for (int i = 0; i < 200; i++) {
			ck_assert_int_eq(pinwatch_sim_advance(b, 100000), 0);
			if (i % 7 == 0)
				drain(w);
		}
		drain(w);
	} else {
		ck_assert_int_eq(pinwatch_watcher_start(w), 0);
		for (int k = 0; k < 4; k++)
			ck_assert_int_eq(pinwatch_sim_pulse_wait(b, gen[k], 10000), 1);
		struct pinwatch_watch_stats st = { 0 };
		for (int i = 0; i < 2000; i++) {
			st = stats_or_fail(w, id);
			if (st.delivered + st.lost >= 800)
				break;
			tu_sleep_ms(1);
		}
		ck_assert_int_eq(pinwatch_watcher_stop(w), 0);
	}
	ck_assert_int_eq(c.badseq, 0);
	ck_assert_int_eq(c.disorder, 0);
	ck_assert_int_eq(c.lost, 0);
	ck_assert_int_eq(c.n, 800);
	pinwatch_watcher_free(w);
	pinwatch_group_close(g);
	pinwatch_board_close(b);
}
END_TEST

/* A tiny queue overflows honestly: it never blocks, delivered + lost_queue
 * = every edge, and each member's next queued event carries what the
 * queue dropped of that member, so that per member seqno and lost add up
 * ("delivered + lost have no gaps"): N3 and N4 toggled in turn, 2 kept of
 * 20, then one more toggle of each. */
static void check_gaps(const struct pinwatch_event *ev, int n, pinwatch_group *g, uint64_t *last)
{
	for (int i = 0; i < n; i++) {
		int k = ev[i].pin == pinwatch_group_pin(g, 1);
		ck_assert_msg(ev[i].seqno == last[k] + 1 + ev[i].lost,
			      "%s: seqno %llu after %llu with lost %llu", k ? "N4" : "N3",
			      (unsigned long long)ev[i].seqno, (unsigned long long)last[k],
			      (unsigned long long)ev[i].lost);
		last[k] = ev[i].seqno;
	}
}

START_TEST(t_adv_tiny_queue_overflow)
{
	pinwatch_board *b = board_or_fail(vboard);
	pinwatch_group *g = group_or_fail(b, two, 2, NULL);
	pinwatch_watcher *w = watcher_or_fail();
	struct pinwatch_watch_config cfg = { .queue_size = 2, .event_buffer = 64 };
	struct pinwatch_event ev[8];
	uint64_t last[2] = { 0, 0 };

	pinwatch_watch_id id = gwatch_or_fail(w, g, &cfg);
	for (int i = 0; i < 10; i++) {
		ck_assert_int_eq(pinwatch_sim_advance(b, 1000), 0);
		toggle(b, two[i & 1], 1);
	}
	drain(w);
	struct pinwatch_watch_stats st = stats_or_fail(w, id);
	ck_assert_uint_eq(st.rising + st.falling, 20);
	ck_assert_uint_eq(st.delivered, 2);
	ck_assert_uint_eq(st.lost_queue, 18);
	ck_assert_uint_eq(st.lost, 18);
	ck_assert_uint_eq(st.queued, 2);
	ck_assert_int_eq(pinwatch_watch_read(w, id, ev, 8, 0), 2);
	ck_assert_uint_eq(ev[0].seqno, 1);
	check_gaps(ev, 2, g, last);
	uint64_t lost = 0;
	for (int k = 0; k < 2; k++) {
		ck_assert_int_eq(pinwatch_sim_advance(b, 1000), 0);
		toggle(b, two[k], 1);
		drain(w);
		ck_assert_int_eq(pinwatch_watch_read(w, id, ev, 8, 0), 2);
		check_gaps(ev, 2, g, last);
		lost += ev[0].lost + ev[1].lost;
	}
	ck_assert_uint_eq(lost, 18);   /* every drop told, once, on its own line */
	ck_assert_uint_eq(last[0], 12);
	ck_assert_uint_eq(last[1], 12);
	st = stats_or_fail(w, id);
	ck_assert_uint_eq(st.delivered + st.lost_queue, st.rising + st.falling);
	pinwatch_watcher_free(w);
	pinwatch_group_close(g);
	pinwatch_board_close(b);
}
END_TEST

/* More than the merge holds (1024) at once: nothing blocks, nothing is
 * lost, every event delivered. */
START_TEST(t_adv_merge_overflow)
{
	pinwatch_board *b = board_or_fail(vboard);
	pinwatch_group *g = group_or_fail(b, two, 2, NULL);
	pinwatch_watcher *w = watcher_or_fail();
	static struct seq_ctx c;
	struct pinwatch_watch_config cfg = { .callback = seq_cb, .ctx = &c, .event_buffer = 4096 };

	memset(&c, 0, sizeof(c));
	c.g = g;
	pinwatch_watch_id id = gwatch_or_fail(w, g, &cfg);
	for (int i = 0; i < 3000; i++) {
		ck_assert_int_eq(pinwatch_sim_advance(b, 10), 0);
		ck_assert_int_eq(pinwatch_sim_drive(b, two[i & 1], (i >> 1) & 1 ? 0 : 1), 0);
	}
	drain(w);
	struct pinwatch_watch_stats st = stats_or_fail(w, id);
	ck_assert_uint_eq(st.rising + st.falling, 3000);
	ck_assert_uint_eq(st.delivered, 3000);
	ck_assert_uint_eq(st.queued, 0);
	ck_assert_int_eq(c.n, 3000);
	ck_assert_int_eq(c.badseq, 0);
	pinwatch_watcher_free(w);
	pinwatch_group_close(g);
	pinwatch_board_close(b);
}
END_TEST

/* --------------------------------------------------------- messages */

/* Each refusal's message names the group or the pin, the operation and
 * the cause. */
START_TEST(t_adv_messages)
{
	pinwatch_board *b = board_or_fail(vboard);
	pinwatch_group *g = NULL;
	const char *msg;
	int v[2] = { 0, 0 };

#define REFUSED(call, err, ...)                                                            \
	do {                                                                               \
		ck_assert_int_eq((call), (err));                                           \
		msg = pinwatch_last_error();                                               \
		const char *want[] = { __VA_ARGS__ };                                      \
		for (size_t k_ = 0; k_ < sizeof(want) / sizeof(want[0]); k_++)             \
			ck_assert_msg(has(msg, want[k_]), "%s: no '%s' in: %s", #call, want[k_], msg); \
	} while (0)

	const char *dup[] = { "N3", "PC1" };
	REFUSED(pinwatch_group_open(b, dup, 2, NULL, &g), -EINVAL, "N3", "PC1", "same line", "group");
	REFUSED(pinwatch_group_open(b, two, 0, NULL, &g), -EINVAL, "group open", "0 lines");
	REFUSED(pinwatch_group_open(b, NULL, 2, NULL, &g), -EINVAL, "group open");
	REFUSED(pinwatch_group_open(b, two, 2, NULL, NULL), -EINVAL, "group open", "NULL");
	REFUSED(pinwatch_group_open(NULL, two, 2, NULL, &g), -EINVAL, "group open", "board");
	const char *with_null[] = { "N3", NULL };
	REFUSED(pinwatch_group_open(b, with_null, 2, NULL, &g), -EINVAL, "group open", "NULL");
	const char *unknown[] = { "N3", "N99" };
	ck_assert_int_lt(pinwatch_group_open(b, unknown, 2, NULL, &g), 0);
	msg = pinwatch_last_error();
	ck_assert_msg(has(msg, "N99"), "%s", msg);
	/* a busy member: names it, the group and who holds it */
	pinwatch_pin *p = pin_or_fail(b, "N4", &(struct pinwatch_pin_config){ .consumer = "intruder" });
	REFUSED(pinwatch_group_open(b, two, 2, NULL, &g), -EBUSY, "N4", "intruder", "request");
	pinwatch_pin_close(p);
	g = group_or_fail(b, two, 2, NULL);
	REFUSED(pinwatch_group_set(g, v), -EPERM, "N3", "set", "input");
	REFUSED(pinwatch_group_get(g, NULL), -EINVAL, "N3 N4", "get", "NULL values");
	REFUSED(pinwatch_group_set(g, NULL), -EINVAL, "N3 N4", "set", "NULL values");
	REFUSED(pinwatch_group_reconfigure(g, NULL), -EINVAL, "N3 N4", "reconfigure", "NULL config");
	REFUSED(pinwatch_group_get(NULL, v), -EINVAL, "get", "not an open group");
	pinwatch_watcher *w = watcher_or_fail();
	pinwatch_watch_id id;
	REFUSED(pinwatch_watch_add_group(w, g, &(struct pinwatch_watch_config){ .callback = noop_cb,
					 .queue_size = 2 }, &id), -EINVAL, "N3", "callback or a queue");
	REFUSED(pinwatch_watch_add_group(NULL, g, NULL, &id), -EINVAL, "group watch add", "watcher");
	REFUSED(pinwatch_watch_add_group(w, NULL, NULL, &id), -EINVAL, "group watch add", "group");
	REFUSED(pinwatch_watch_add_group(w, g, NULL, NULL), -EINVAL, "group watch add", "NULL");
	id = gwatch_or_fail(w, g, NULL);
	REFUSED(pinwatch_watch_add_group(w, g, NULL, &id), -EBUSY, "N3", "N4", "already watched");
	struct pinwatch_pin_config out = { .direction = PINWATCH_DIR_OUTPUT };
	REFUSED(pinwatch_group_reconfigure(g, &out), -EBUSY, "N3", "reconfigure", "watched");
	REFUSED(pinwatch_pin_reconfigure(pinwatch_group_pin(g, 1), &out), -EBUSY, "N4", "reconfigure", "group");
	REFUSED(pinwatch_watch_add(w, pinwatch_group_pin(g, 0), NULL, &id), -EBUSY, "N3", "group");
	pinwatch_watcher_free(w);
	pinwatch_group_close(g);
	/* watch a group of outputs: refused, naming the member */
	g = group_or_fail(b, two, 2, &out);
	w = watcher_or_fail();
	REFUSED(pinwatch_watch_add_group(w, g, NULL, &id), -EINVAL, "N3", "output");
	/* and nothing is left half-watched: the group can be reconfigured */
	ck_assert_int_eq(pinwatch_group_reconfigure(g, &(struct pinwatch_pin_config){ 0 }), 0);
	gwatch_or_fail(w, g, NULL);
	pinwatch_watcher_free(w);
	pinwatch_group_close(g);
	pinwatch_board_close(b);
#undef REFUSED
}
END_TEST

Suite *core_group_adv_suite(void)
{
	Suite *s = suite_create("core-group-adv");
	const char *names[2] = { "groups-adv", "groups-adv-fd" };
	void (*setup[2])(void) = { merge_boards, fd_boards };

	for (int k = 0; k < 2; k++) {
		TCase *tc = tcase_create(names[k]);
		tcase_set_timeout(tc, 60);
		tcase_add_unchecked_fixture(tc, setup[k], NULL);
		tcase_add_test(tc, t_adv_stop_from_callback_prompt);
		tcase_add_test(tc, t_adv_stop_other_thread_prompt);
		tcase_add_loop_test(tc, t_adv_dispatch_after_stop, 0, 2);
		tcase_add_test(tc, t_adv_eintr_storm);
		tcase_add_test(tc, t_adv_eagain_storm);
		tcase_add_test(tc, t_adv_read_eio);
		tcase_add_test(tc, t_adv_bank_gone_dispatch);
		tcase_add_test(tc, t_adv_bank_gone_worker);
		tcase_add_test(tc, t_adv_stuck_member_bounded);
		tcase_add_test(tc, t_adv_group_of_one);
		tcase_add_loop_test(tc, t_adv_fds_cloexec_closed, 0, 8);
		tcase_add_loop_test(tc, t_adv_fds_watch_remove, 0, 2);
		tcase_add_loop_test(tc, t_adv_release_from_callback, 0, 2 * ACT_N);
		tcase_add_loop_test(tc, t_adv_release_while_events_flow, 0, 4);
		tcase_add_test(tc, t_adv_group_close_races_watcher_free);
		tcase_add_loop_test(tc, t_adv_blocked_reader_woken, 0, 3);
		tcase_add_test(tc, t_adv_readd_from_own_callback);
		tcase_add_test(tc, t_adv_group_limits);
		tcase_add_test(tc, t_adv_close_races_watch_add);
		tcase_add_loop_test(tc, t_adv_order_four_lines, 0, 2);
		tcase_add_test(tc, t_adv_tiny_queue_overflow);
		tcase_add_test(tc, t_adv_merge_overflow);
		tcase_add_test(tc, t_adv_messages);
		/* a group watch is one watch: one error event, then nothing */
		tcase_add_test(tc, t_adv_bank_gone_one_error_event);
		tcase_add_test(tc, t_adv_member_fault_disables_group);
		suite_add_tcase(s, tc);
	}
	return s;
}
