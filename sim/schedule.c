/* SPDX-License-Identifier: MIT */
/*
 * The board's schedule of generator transitions: a binary min-heap keyed by
 * each generator's next transition time (ties go to the older generator, so
 * the order is the same whatever the number of generators), so that the
 * next transition due is found in O(1) and replaced in O(log n) -- the cost
 * of an edge does not grow with the number of generators.
 *
 * Virtual clock: pinwatch_sim_advance() plays the heap up to its target.
 * Real clock: one player thread per board (started with the first
 * generator) sleeps to the earliest absolute CLOCK_MONOTONIC deadline and
 * plays every transition due when it wakes (a burst, if it woke late).  It
 * waits on a condition variable bound to CLOCK_MONOTONIC rather than in
 * clock_nanosleep: the same absolute deadline, but a new earlier generator
 * or a stop wakes it at once.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>

#include "sim.h"

/* Transitions the player plays per hold of the board mutex, so that a
 * schedule far behind cannot starve readers of the board. */
#define PLAY_BATCH 256

static int before(const struct sim_gen *a, const struct sim_gen *b)
{
	return a->next_t < b->next_t || (a->next_t == b->next_t && a->id < b->id);
}

static void put(struct sim_board *sb, unsigned i, struct sim_gen *g)
{
	sb->heap[i] = g;
	g->heap_idx = i;
}

static void sift_up(struct sim_board *sb, unsigned i)
{
	struct sim_gen *g = sb->heap[i];

	while (i > 0 && before(g, sb->heap[(i - 1) / 2])) {
		put(sb, i, sb->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	put(sb, i, g);
}

static void sift_down(struct sim_board *sb, unsigned i)
{
	struct sim_gen *g = sb->heap[i];

	for (;;) {
		unsigned c = 2 * i + 1;
		if (c >= sb->heap_len)
			break;
		if (c + 1 < sb->heap_len && before(sb->heap[c + 1], sb->heap[c]))
			c++;
		if (!before(sb->heap[c], g))
			break;
		put(sb, i, sb->heap[c]);
		i = c;
	}
	put(sb, i, g);
}

static void *player_main(void *arg);

int pw_sim_sched_add(struct sim_board *sb, struct sim_gen *g)
{
	if (sb->heap_len == sb->heap_cap) {
		unsigned cap = sb->heap_cap ? 2 * sb->heap_cap : 16;
		struct sim_gen **grown = realloc(sb->heap, cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		sb->heap = grown;
		sb->heap_cap = cap;
	}
	if (!sb->virtual_clock && !sb->player_running) {
		/* It starts by waiting for the mutex we hold.  It takes no
		 * signals: those are the program's. */
		sigset_t all, old;
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		int err = pthread_create(&sb->player, NULL, player_main, sb);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (err) {
			pw_detail("cannot start the generators' thread");
			return -err;
		}
		sb->player_running = 1;
		sb->player_stop = 0;
	}
	put(sb, sb->heap_len++, g);
	sift_up(sb, g->heap_idx);
	if (sb->heap[0] == g)
		pthread_cond_signal(&sb->player_cv);   /* a new earliest deadline */
	return 0;
}

void pw_sim_sched_remove(struct sim_board *sb, struct sim_gen *g)
{
	unsigned i = g->heap_idx;

	if (i >= sb->heap_len || sb->heap[i] != g)
		return;   /* not scheduled (done) */
	struct sim_gen *last = sb->heap[--sb->heap_len];
	if (last != g) {
		put(sb, i, last);
		sift_up(sb, i);
		sift_down(sb, last->heap_idx);
	}
}

/* The top moved later: Floyd's sift -- walk the hole down to a leaf along
 * the earlier child (one comparison a level), then bring the generator up
 * from there (rarely more than a step: a generator that just played is
 * usually among the latest).  Half the comparisons of a plain sift_down. */
static void resift_top(struct sim_board *sb)
{
	struct sim_gen *g = sb->heap[0];
	unsigned i = 0, n = sb->heap_len;

	for (;;) {
		unsigned c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && before(sb->heap[c + 1], sb->heap[c]))
			c++;
		put(sb, i, sb->heap[c]);
		i = c;
	}
	put(sb, i, g);
	sift_up(sb, i);
}

/* Play the earliest transition; the generator moves down the heap, or out
 * of it when done. */
static void play_top(struct sim_board *sb)
{
	struct sim_gen *g = sb->heap[0];

	pw_sim_gen_play(g);
	sb->played++;
	if (g->done)
		pw_sim_sched_remove(sb, g);
	else
		resift_top(sb);
}

void pw_sim_advance_locked(struct sim_board *sb, uint64_t ns)
{
	uint64_t target = sb->vnow + ns;

	if (target < sb->vnow)
		target = UINT64_MAX;   /* saturate rather than wrap */
	while (sb->heap_len && sb->heap[0]->next_t <= target) {
		if (sb->heap[0]->next_t > sb->vnow)
			sb->vnow = sb->heap[0]->next_t;
		play_top(sb);
	}
	sb->vnow = target;
	pw_sim_idle_due_locked(sb, target);
}

static void *player_main(void *arg)
{
	struct sim_board *sb = arg;

	pthread_mutex_lock(&sb->mu);
	while (!sb->player_stop) {
		if (!sb->heap_len) {
			pthread_cond_wait(&sb->player_cv, &sb->mu);
			continue;
		}
		uint64_t now = pw_monotonic_ns();
		uint64_t due = sb->heap[0]->next_t;
		if (due > now) {
			struct timespec ts = {
				.tv_sec = (time_t)(due / 1000000000u),
				.tv_nsec = (long)(due % 1000000000u),
			};
			pthread_cond_timedwait(&sb->player_cv, &sb->mu, &ts);
			continue;
		}
		for (int i = 0; i < PLAY_BATCH && sb->heap_len && sb->heap[0]->next_t <= now; i++)
			play_top(sb);
		if (sb->heap_len && sb->heap[0]->next_t <= now) {
			/* Still behind: let readers at the board between batches. */
			pthread_mutex_unlock(&sb->mu);
			pthread_mutex_lock(&sb->mu);
		}
	}
	pthread_mutex_unlock(&sb->mu);
	return NULL;
}

void pw_sim_sched_stop(struct sim_board *sb)
{
	pthread_mutex_lock(&sb->mu);
	int running = sb->player_running;
	sb->player_stop = 1;
	sb->player_running = 0;
	pthread_cond_signal(&sb->player_cv);
	pthread_mutex_unlock(&sb->mu);
	if (running)
		pthread_join(sb->player, NULL);
	free(sb->heap);
	sb->heap = NULL;
	sb->heap_len = sb->heap_cap = 0;
}
