/* SPDX-License-Identifier: MIT */
/*
 * A randomized concurrency torture test of the public API (issue 11).
 *
 * Several user threads do random sequences of every public operation on a
 * shared pool of pins, watches and watchers -- open/close pins and boards,
 * add/remove watches of every kind (callback, queue, counters; contexts
 * copied), start/stop/free watchers, dispatch, watch_read with timeouts,
 * stats, line groups (issue 16: open/close, group watches, on a board of
 * each group shape) -- while callbacks do the same from inside dispatch, across
 * watchers (the shape of a removal cycle), and real-time pulse generators
 * feed long-lived counting watches.  Invariants, checked as it runs:
 *  - no callback runs after the call that removed its watch returned;
 *  - every operation returns within a bound (a watchdog prints the seed and
 *    every thread's stack, then aborts);
 *  - no object is touched after free, no data race (ASan, TSan builds);
 * and at the end:
 *  - every watch that lived the whole run counted exactly: delivered + lost
 *    equals the simulator's edge count;
 *  - descriptors and threads are back at their baseline.
 *
 * PINWATCH_TORTURE_SEED replays a seed (printed at the start), and
 * PINWATCH_TORTURE_SECONDS sets the duration (default 3).  Ends with
 * "N passed, N failed".
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pinwatch.h"
#include "testutil.h"

#define USERS 4
#define PIN_SLOTS 12
#define GROUP_SLOTS 4       /* line groups of two (issue 16) */
#define SLOTS (PIN_SLOTS + GROUP_SLOTS)
#define WATCHERS 3          /* 0, 1: own worker; 2: driven by a dispatch thread */
#define BOARDS 2
#define STEADY 2            /* long-lived counting watches with generators */
#define OP_BOUND_NS (30ull * 1000000000u)

static const char *const slot_pin[PIN_SLOTS] = { "N3", "N4", "N5", "N6", "N7", "N8",
						 "N9", "N10", "N11", "N12", "N13", "N14" };
static const char *const slot_group[GROUP_SLOTS][2] = {
	{ "E2", "E3" }, { "E4", "E5" }, { "E6", "E7" }, { "E8", "E9" } };
/* Board 1 delivers a group's edges on one descriptor (the shape of
 * chardev with libgpiod 2.x), board 0 through the core's merge. */
static const char *const board_spec[BOARDS] = { "sim:aria-g25", "sim:aria-g25,groups=fd" };
static const char *const steady_pin[STEADY] = { "S20", "S21" };

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---------------------------------------------------------------- world */

struct slot {
	pthread_mutex_t mu;          /* users: lock; callbacks: trylock only */
	pinwatch_pin *pin;
	pinwatch_group *group;       /* a group slot's (s >= PIN_SLOTS) */
	int board;                   /* which board the pin is on */
	int watcher;                 /* the watch's watcher, -1: none */
	pinwatch_watch_id id;
	int queue;                   /* the watch has a queue */
	uint64_t gen;                /* generation of the watch (its ctx) */
	uint64_t removed_gen;        /* highest generation whose remove returned */
};

struct cb_ctx {
	int slot;
	int watcher;
	uint64_t gen;
	unsigned seed;
};

static struct slot slots[SLOTS];
static pinwatch_watcher *watchers[WATCHERS];
static pthread_rwlock_t watcher_lock[WATCHERS];
static pinwatch_board *boards[BOARDS];
static pthread_rwlock_t board_lock[BOARDS];
static uint64_t next_gen = 1;
static volatile int done;

/* figures */
static uint64_t ops, callbacks, deadlocks, violations, failures, group_watches;

/* watchdog: when each thread's current operation started (0: none) */
static uint64_t op_started[USERS + 1];
static const char *op_name[USERS + 1];
static unsigned seed;

#define COUNT(x) __atomic_add_fetch(&(x), 1, __ATOMIC_RELAXED)

static void fail(const char *what, int ret)
{
	COUNT(failures);
	fprintf(stderr, "torture: seed %u: %s returned %d: %s\n", seed, what, ret, pinwatch_last_error());
}

/* ------------------------------------------- a slot: a pin or a group */

static int slot_open(struct slot *sl, int s, pinwatch_board *b)
{
	if (s < PIN_SLOTS)
		return pinwatch_pin_open(b, slot_pin[s], NULL, &sl->pin);
	return pinwatch_group_open(b, slot_group[s - PIN_SLOTS], 2, NULL, &sl->group);
}

static int slot_is_open(const struct slot *sl)
{
	return sl->pin || sl->group;
}

/* Removes its watch, synchronously. */
static void slot_close(struct slot *sl)
{
	pinwatch_pin_close(sl->pin);
	pinwatch_group_close(sl->group);
	sl->pin = NULL;
	sl->group = NULL;
}

static int slot_watch_add(pinwatch_watcher *w, struct slot *sl, const struct pinwatch_watch_config *cfg)
{
	if (sl->group)
		return pinwatch_watch_add_group(w, sl->group, cfg, &sl->id);
	return pinwatch_watch_add(w, sl->pin, cfg, &sl->id);
}

static const char *slot_line(int s, unsigned r)
{
	return s < PIN_SLOTS ? slot_pin[s] : slot_group[s - PIN_SLOTS][r % 2];
}

/* ------------------------------------------------------------ callbacks */

static void callback_action(struct cb_ctx *c)
{
	int s = (int)(rand_r(&c->seed) % SLOTS);
	struct slot *sl = &slots[s];

	if (pthread_mutex_trylock(&sl->mu))
		return;
	/* Most often a watch of another watcher, whose callback may be running
	 * and doing the same to ours: the shape of a removal cycle. */
	if (sl->watcher == c->watcher && rand_r(&c->seed) % 4) {
		pthread_mutex_unlock(&sl->mu);
		return;
	}
	int what = (int)(rand_r(&c->seed) % 8);
	if (sl->watcher >= 0 && what < 2) {
		/* remove a watch, maybe another watcher's, maybe our own */
		int k = sl->watcher;
		if (!pthread_rwlock_tryrdlock(&watcher_lock[k])) {
			int ret = pinwatch_watch_remove(watchers[k], sl->id);
			if (ret == 0)
				__atomic_store_n(&sl->removed_gen, sl->gen, __ATOMIC_SEQ_CST);
			else if (ret == -EDEADLK)
				COUNT(deadlocks);
			else if (ret != -ENOENT && ret != -EINVAL)
				fail("watch_remove (callback)", ret);
			sl->watcher = -1;
			pthread_rwlock_unlock(&watcher_lock[k]);
		}
	} else if (sl->watcher >= 0 && what == 2) {
		struct pinwatch_watch_stats st;
		if (!pthread_rwlock_tryrdlock(&watcher_lock[sl->watcher])) {
			int ret = pinwatch_watch_stats(watchers[sl->watcher], sl->id, &st);
			if (ret && ret != -ENOENT && ret != -EINVAL)
				fail("watch_stats (callback)", ret);
			pthread_rwlock_unlock(&watcher_lock[sl->watcher]);
		}
	} else if (slot_is_open(sl) && what == 3 && sl->watcher < 0) {
		slot_close(sl);
	}
	pthread_mutex_unlock(&sl->mu);
}

static void torture_cb(const struct pinwatch_event *ev, void *ctx)
{
	struct cb_ctx *c = ctx;

	COUNT(callbacks);
	/* The invariant: once remove returned, the watch never runs again. */
	if (__atomic_load_n(&slots[c->slot].removed_gen, __ATOMIC_SEQ_CST) >= c->gen) {
		COUNT(violations);
		fprintf(stderr, "torture: seed %u: callback of slot %d gen %" PRIu64 " ran after its remove returned\n",
			seed, c->slot, c->gen);
	}
	if (ev->edge != PINWATCH_EDGE_RISING && ev->edge != PINWATCH_EDGE_FALLING &&
	    ev->edge != PINWATCH_EVENT_ERROR && ev->edge != PINWATCH_EVENT_IDLE) {
		COUNT(violations);
		fprintf(stderr, "torture: seed %u: event with edge %d\n", seed, ev->edge);
	}
	if (rand_r(&c->seed) % 4 == 0) {
		if (rand_r(&c->seed) % 2)
			tu_sleep_ms(1);   /* overlap with other watchers' callbacks */
		callback_action(c);
	}
	if (rand_r(&c->seed) % 512 == 0 && !pthread_rwlock_tryrdlock(&watcher_lock[c->slot % 2])) {
		pinwatch_watcher_stop(watchers[c->slot % 2]);   /* maybe our own worker */
		pthread_rwlock_unlock(&watcher_lock[c->slot % 2]);
	}
}

/* ---------------------------------------------------------- user actions */

static void act(unsigned *rs)
{
	int s = (int)(rand_r(rs) % SLOTS);
	struct slot *sl = &slots[s];
	int what = (int)(rand_r(rs) % 100);
	int ret;

	if (what < 3) {
		/* close and reopen a board: its pins keep it alive meanwhile */
		int bi = (int)(rand_r(rs) % BOARDS);
		pthread_rwlock_wrlock(&board_lock[bi]);
		pinwatch_board_close(boards[bi]);
		ret = pinwatch_board_open(board_spec[bi], &boards[bi]);
		if (ret)
			fail("board_open", ret);
		pthread_rwlock_unlock(&board_lock[bi]);
		return;
	}
	if (what < 5) {
		/* free and recreate a watcher: its watches go with it */
		int k = (int)(rand_r(rs) % WATCHERS);
		pthread_rwlock_wrlock(&watcher_lock[k]);
		pinwatch_watcher_free(watchers[k]);
		ret = pinwatch_watcher_new(&watchers[k]);
		if (ret)
			fail("watcher_new", ret);
		else if (k < 2 && (ret = pinwatch_watcher_start(watchers[k])))
			fail("watcher_start", ret);
		pthread_rwlock_unlock(&watcher_lock[k]);
		return;
	}
	if (what < 12) {
		int k = (int)(rand_r(rs) % 2);
		pthread_rwlock_rdlock(&watcher_lock[k]);
		ret = rand_r(rs) % 2 ? pinwatch_watcher_start(watchers[k]) : pinwatch_watcher_stop(watchers[k]);
		if (ret && ret != -EALREADY && ret != -EBUSY)   /* EBUSY: a user dispatches it */
			fail("watcher start/stop", ret);
		pthread_rwlock_unlock(&watcher_lock[k]);
		return;
	}
	if (what < 15) {
		int k = (int)(rand_r(rs) % WATCHERS);
		pthread_rwlock_rdlock(&watcher_lock[k]);
		ret = pinwatch_watcher_dispatch(watchers[k], 0);
		if (ret < 0 && ret != -EBUSY)
			fail("watcher_dispatch", ret);
		pthread_rwlock_unlock(&watcher_lock[k]);
		return;
	}

	pthread_mutex_lock(&sl->mu);
	if (!slot_is_open(sl)) {
		int bi = (int)(rand_r(rs) % BOARDS);
		pthread_rwlock_rdlock(&board_lock[bi]);
		ret = slot_open(sl, s, boards[bi]);
		pthread_rwlock_unlock(&board_lock[bi]);
		if (ret == -EBUSY)
			sl->pin = NULL;   /* the same line, held through the other board */
		else if (ret)
			fail(s < PIN_SLOTS ? "pin_open" : "group_open", ret);
		sl->board = bi;
		sl->watcher = -1;
	} else if (what < 25) {
		slot_close(sl);   /* removes its watch, synchronously */
		if (sl->watcher >= 0)
			__atomic_store_n(&sl->removed_gen, sl->gen, __ATOMIC_SEQ_CST);
		sl->watcher = -1;
	} else if (sl->watcher < 0 && what < 45) {
		int k = (int)(rand_r(rs) % WATCHERS);
		struct cb_ctx c = { .slot = s, .watcher = k, .gen = __atomic_add_fetch(&next_gen, 1, __ATOMIC_SEQ_CST),
				    .seed = rand_r(rs) };
		struct pinwatch_watch_config cfg = { .ctx = &c, .ctx_size = sizeof(c) };
		switch (rand_r(rs) % 3) {
		case 0: cfg.callback = torture_cb; break;
		case 1: cfg.queue_size = 1 + rand_r(rs) % 8; break;
		default: break;   /* counters only */
		}
		if (rand_r(rs) % 4 == 0)
			cfg.debounce_ns = 1000;
		pthread_rwlock_rdlock(&watcher_lock[k]);
		ret = slot_watch_add(watchers[k], sl, &cfg);
		pthread_rwlock_unlock(&watcher_lock[k]);
		if (ret == 0) {
			if (sl->group)
				COUNT(group_watches);
			sl->watcher = k;
			sl->gen = c.gen;
			sl->queue = cfg.queue_size > 0;
		} else if (ret != -EINVAL && ret != -EBUSY) {
			/* -EINVAL: the pin was closed by a callback; -EBUSY: its
			 * previous watch is still closing (an -EDEADLK remove) */
			fail("watch_add", ret);
		}
	} else if (sl->watcher >= 0 && what < 55) {
		int k = sl->watcher;
		pthread_rwlock_rdlock(&watcher_lock[k]);
		ret = pinwatch_watch_remove(watchers[k], sl->id);
		pthread_rwlock_unlock(&watcher_lock[k]);
		if (ret == 0)
			__atomic_store_n(&sl->removed_gen, sl->gen, __ATOMIC_SEQ_CST);
		else if (ret != -ENOENT && ret != -EINVAL)
			fail("watch_remove", ret);
		sl->watcher = -1;
	} else if (sl->watcher >= 0 && what < 65) {
		int k = sl->watcher;
		pthread_rwlock_rdlock(&watcher_lock[k]);
		if (sl->queue) {
			struct pinwatch_event ev[4];
			ret = pinwatch_watch_read(watchers[k], sl->id, ev, 4, (int)(rand_r(rs) % 3));
		} else {
			struct pinwatch_watch_stats st;
			ret = pinwatch_watch_stats(watchers[k], sl->id, &st);
		}
		pthread_rwlock_unlock(&watcher_lock[k]);
		if (ret < 0 && ret != -ENOENT && ret != -EINVAL)
			fail("watch_read/stats", ret);
	} else {
		/* edges: the line is an input, the sim drives it */
		int bi = sl->board;
		pthread_rwlock_rdlock(&board_lock[bi]);
		for (int i = 0; i < 1 + (int)(rand_r(rs) % 6); i++)
			pinwatch_sim_drive(boards[bi], slot_line(s, (unsigned)i / 2), i % 2 ? PINWATCH_SIM_LOW : PINWATCH_SIM_HIGH);
		pthread_rwlock_unlock(&board_lock[bi]);
	}
	pthread_mutex_unlock(&sl->mu);
}

static void *user_main(void *arg)
{
	int me = (int)(intptr_t)arg;
	unsigned rs = seed * 7919u + (unsigned)me;

	while (!__atomic_load_n(&done, __ATOMIC_SEQ_CST)) {
		__atomic_store_n(&op_started[me], now_ns(), __ATOMIC_SEQ_CST);
		act(&rs);
		__atomic_store_n(&op_started[me], 0, __ATOMIC_SEQ_CST);
		COUNT(ops);
	}
	return NULL;
}

static void *dispatch_main(void *arg)
{
	(void)arg;
	op_name[USERS] = "dispatch of watcher 2";
	while (!__atomic_load_n(&done, __ATOMIC_SEQ_CST)) {
		pthread_rwlock_rdlock(&watcher_lock[2]);
		__atomic_store_n(&op_started[USERS], now_ns(), __ATOMIC_SEQ_CST);
		int ret = pinwatch_watcher_dispatch(watchers[2], 5);
		__atomic_store_n(&op_started[USERS], 0, __ATOMIC_SEQ_CST);
		pthread_rwlock_unlock(&watcher_lock[2]);
		if (ret < 0 && ret != -EBUSY)
			fail("watcher_dispatch (thread)", ret);
		COUNT(ops);
	}
	return NULL;
}

static void *watchdog_main(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&done, __ATOMIC_SEQ_CST)) {
		tu_sleep_ms(100);
		for (int i = 0; i <= USERS; i++) {
			uint64_t t = __atomic_load_n(&op_started[i], __ATOMIC_SEQ_CST);
			if (t && now_ns() - t > OP_BOUND_NS) {
				char cmd[128];
				fprintf(stderr, "torture: seed %u: thread %d: an operation has not returned for %llu s: hang\n",
					seed, i, (unsigned long long)(OP_BOUND_NS / 1000000000u));
				snprintf(cmd, sizeof(cmd), "gdb -p %d -batch -ex 'thread apply all bt' 2>&1", (int)getpid());
				if (system(cmd) != 0)
					fprintf(stderr, "torture: (no gdb for the stacks)\n");
				abort();
			}
		}
	}
	return NULL;
}

/* ------------------------------------------------------------------ run */

int main(void)
{
	const char *env = getenv("PINWATCH_TORTURE_SEED");
	const char *secs_env = getenv("PINWATCH_TORTURE_SECONDS");
	double secs = secs_env ? atof(secs_env) : 3;
	int pass = 0, failed = 0;

	seed = env ? (unsigned)strtoul(env, NULL, 0) : (unsigned)time(NULL) ^ (unsigned)getpid();
	printf("torture: seed %u (replay: PINWATCH_TORTURE_SEED=%u), %.0f s, %d users, %d watchers\n",
	       seed, seed, secs, USERS, WATCHERS);
	fflush(stdout);

	int fds = tu_count_fds();
	int threads = tu_thread_baseline();

	/* The steady part: a board of its own, generators feeding counting
	 * watches on a worker that nobody else touches. */
	pinwatch_board *sb;
	pinwatch_pin *sp[STEADY];
	pinwatch_watcher *sw;
	pinwatch_watch_id sid[STEADY];
	unsigned gen[STEADY];
	if (pinwatch_board_open("sim:aria-g25", &sb) || pinwatch_watcher_new(&sw)) {
		fprintf(stderr, "torture: setup: %s\n", pinwatch_last_error());
		return 99;
	}
	uint64_t pulses = (uint64_t)(secs * 2000);
	for (int i = 0; i < STEADY; i++) {
		struct pinwatch_watch_config cfg = { 0 };   /* counters only */
		struct pinwatch_sim_pulse pulse = { .period_ns = 500000, .count = pulses };
		if (pinwatch_pin_open(sb, steady_pin[i], NULL, &sp[i]) ||
		    pinwatch_watch_add(sw, sp[i], &cfg, &sid[i]) ||
		    pinwatch_sim_pulse(sb, steady_pin[i], &pulse, &gen[i])) {
			fprintf(stderr, "torture: setup: %s\n", pinwatch_last_error());
			return 99;
		}
	}
	pinwatch_watcher_start(sw);

	for (int i = 0; i < SLOTS; i++) {
		pthread_mutex_init(&slots[i].mu, NULL);
		slots[i].watcher = -1;
	}
	for (int k = 0; k < WATCHERS; k++) {
		pthread_rwlock_init(&watcher_lock[k], NULL);
		if (pinwatch_watcher_new(&watchers[k]) || (k < 2 && pinwatch_watcher_start(watchers[k]))) {
			fprintf(stderr, "torture: setup: %s\n", pinwatch_last_error());
			return 99;
		}
	}
	for (int i = 0; i < BOARDS; i++) {
		pthread_rwlock_init(&board_lock[i], NULL);
		if (pinwatch_board_open(board_spec[i], &boards[i])) {
			fprintf(stderr, "torture: setup: %s\n", pinwatch_last_error());
			return 99;
		}
	}

	pthread_t users[USERS], disp, dog;
	uint64_t t0 = now_ns();
	for (int i = 0; i < USERS; i++)
		pthread_create(&users[i], NULL, user_main, (void *)(intptr_t)i);
	pthread_create(&disp, NULL, dispatch_main, NULL);
	pthread_create(&dog, NULL, watchdog_main, NULL);
	tu_sleep_ms((int)(secs * 1000));
	__atomic_store_n(&done, 1, __ATOMIC_SEQ_CST);
	for (int i = 0; i < USERS; i++)
		pthread_join(users[i], NULL);
	pthread_join(disp, NULL);
	pthread_join(dog, NULL);
	double elapsed = (double)(now_ns() - t0) / 1e9;

	/* Teardown in an order of its own: watchers first, then pins, boards. */
	for (int k = 0; k < WATCHERS; k++)
		pinwatch_watcher_free(watchers[k]);
	for (int i = 0; i < SLOTS; i++)
		slot_close(&slots[i]);
	for (int i = 0; i < BOARDS; i++)
		pinwatch_board_close(boards[i]);

	/* The steady watches lived the whole run: exact. */
	int exact = 1;
	for (int i = 0; i < STEADY; i++) {
		struct pinwatch_sim_line_stats truth;
		struct pinwatch_watch_stats st;
		pinwatch_sim_pulse_wait(sb, gen[i], 60000);
		pinwatch_watcher_stop(sw);
		while (pinwatch_watcher_dispatch(sw, 0) > 0)
			;
		pinwatch_watcher_start(sw);
		pinwatch_sim_line_stats(sb, steady_pin[i], &truth);
		pinwatch_watch_stats(sw, sid[i], &st);
		printf("torture: steady %s: %llu edges, delivered %llu + lost %llu\n", steady_pin[i],
		       (unsigned long long)truth.edges, (unsigned long long)st.delivered,
		       (unsigned long long)st.lost);
		if (st.delivered + st.lost != truth.edges || truth.edges != 2 * pulses)
			exact = 0;
	}
	pinwatch_watcher_free(sw);
	for (int i = 0; i < STEADY; i++)
		pinwatch_pin_close(sp[i]);
	pinwatch_board_close(sb);

	printf("torture: %llu operations in %.1f s (%.0f/s), %llu callbacks, %llu -EDEADLK avoided, "
	       "%llu group watches\n",
	       (unsigned long long)ops, elapsed, (double)ops / elapsed, (unsigned long long)callbacks,
	       (unsigned long long)deadlocks, (unsigned long long)group_watches);

#define CHECK(cond, what) do { if (cond) { pass++; printf("ok - %s\n", what); } \
	else { failed++; printf("not ok - %s (seed %u)\n", what, seed); } } while (0)
	CHECK(violations == 0, "no callback ran after its remove returned");
	CHECK(failures == 0, "every operation returned what the API documents");
	CHECK(exact, "long-lived watches: delivered + lost == the simulator's edges");
	CHECK(tu_count_fds() == fds, "descriptors back at their baseline");
	CHECK(tu_threads_settle(threads) <= threads, "threads back at their baseline");
	printf("%d passed, %d failed\n", pass, failed);
	return failed ? 1 : 0;
}
