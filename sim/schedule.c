/* SPDX-License-Identifier: MIT */
/*
 * The board's schedule of generator transitions, ordered by each
 * generator's next transition time (ties go to the older generator, so the
 * order is the same whatever the number of generators).  Two structures
 * hold it: a sorted run (a ring) that takes every transition due after all
 * of the run's, and a binary min-heap for the rest; the earliest is the
 * run's head or the heap's top.  Lines pulsed alike (the same period, the
 * transitions a fixed time apart) come round in the same order, so their
 * transitions all go to the run: O(1) an edge whatever the number of
 * generators.  Jitter, bounce and mixed rates fall back to the heap,
 * O(log n).  Keys sit beside the pointers, so ordering never touches a
 * generator's own memory.
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

/* Ties go to the older generator.  A tombstone (only ever the run's tail
 * here) lost its generator's id: a tie with it counts as before, so the
 * newcomer goes to the heap rather than risk the run's order. */
static inline int before(const struct sim_slot *a, const struct sim_slot *b)
{
	return a->t < b->t || (a->t == b->t && (!a->g || !b->g || a->g->id < b->g->id));
}

static inline struct sim_slot slot_of(struct sim_gen *g)
{
	return (struct sim_slot){ .t = g->next_t, .g = g };
}

/* ------------------------------------------------------------ the heap */

static void heap_sift_up(struct sim_board *sb, unsigned i, struct sim_slot s)
{
	while (i > 0 && before(&s, &sb->heap[(i - 1) / 2])) {
		sb->heap[i] = sb->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	sb->heap[i] = s;
}

/* Fill the hole at i with s: Floyd's method -- walk the hole down to a
 * leaf along the earlier child (one comparison a level), then bring s up
 * from there (rarely more than a step: what fills a hole is usually among
 * the latest).  Half the comparisons of a plain sift-down. */
static void heap_fill(struct sim_board *sb, unsigned i, struct sim_slot s)
{
	unsigned n = sb->heap_len;

	for (;;) {
		unsigned c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && before(&sb->heap[c + 1], &sb->heap[c]))
			c++;
		sb->heap[i] = sb->heap[c];
		i = c;
	}
	heap_sift_up(sb, i, s);
}

static void heap_remove_at(struct sim_board *sb, unsigned i)
{
	struct sim_slot last = sb->heap[--sb->heap_len];

	if (i == sb->heap_len)
		return;
	if (i > 0 && before(&last, &sb->heap[(i - 1) / 2]))
		heap_sift_up(sb, i, last);
	else
		heap_fill(sb, i, last);
}

/* ------------------------------------------------------------- the run */

static unsigned run_len(const struct sim_board *sb)
{
	return sb->run_tail - sb->run_head;
}

static inline struct sim_slot *run_slot(struct sim_board *sb, unsigned counter)
{
	return &sb->run[counter & sb->run_mask];
}

/* Drop the tombstones, keeping the order (in place: no allocation). */
static void run_compact(struct sim_board *sb)
{
	unsigned kept = sb->run_head;

	for (unsigned k = sb->run_head; k != sb->run_tail; k++) {
		struct sim_slot s = *run_slot(sb, k);
		if (s.g)
			*run_slot(sb, kept++) = s;
	}
	sb->run_tail = kept;
	sb->run_dead = 0;
}

/* The heap and the run hold every generator not done, so capacity for N
 * of them in each means playing never allocates. */
static int reserve(struct sim_board *sb, unsigned n)
{
	if (n > sb->heap_cap) {
		unsigned cap = sb->heap_cap ? 2 * sb->heap_cap : 16;
		struct sim_slot *grown = realloc(sb->heap, cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		sb->heap = grown;
		sb->heap_cap = cap;
	}
	if (!sb->run || n > sb->run_mask + 1) {
		unsigned cap = sb->run ? 2 * (sb->run_mask + 1) : 16;   /* a power of two */
		struct sim_slot *ring = malloc(cap * sizeof(*ring));
		if (!ring)
			return -ENOMEM;
		unsigned kept = 0;
		for (unsigned k = sb->run_head; k != sb->run_tail; k++)
			if (run_slot(sb, k)->g)
				ring[kept++] = *run_slot(sb, k);
		free(sb->run);
		sb->run = ring;
		sb->run_mask = cap - 1;
		sb->run_head = 0;
		sb->run_tail = kept;
		sb->run_dead = 0;
	}
	return 0;
}

/* Schedule s.  A transition due after every one in the run is appended to
 * it, O(1): the common case of many lines pulsed alike (each transition
 * played is followed by one a fixed time later, so the generators come
 * round in the same order); others go to the heap. */
static inline void insert(struct sim_board *sb, struct sim_slot s)
{
	if (sb->run_tail == sb->run_head || !before(&s, run_slot(sb, sb->run_tail - 1))) {
		if (run_len(sb) == sb->run_mask + 1)
			run_compact(sb);   /* room: reserve() counted every generator */
		*run_slot(sb, sb->run_tail++) = s;
		return;
	}
	heap_sift_up(sb, sb->heap_len++, s);
}

/* The earliest transition's slot (NULL: nothing is scheduled); *in_run says
 * whether it is the run's head or the heap's top. */
static inline const struct sim_slot *first(struct sim_board *sb, int *in_run)
{
	if (sb->run_dead)   /* a removed generator's tombstone may be at the head */
		while (sb->run_tail != sb->run_head && !run_slot(sb, sb->run_head)->g) {
			sb->run_head++;
			sb->run_dead--;
		}
	*in_run = sb->run_tail != sb->run_head &&
		  (!sb->heap_len || before(run_slot(sb, sb->run_head), &sb->heap[0]));
	if (*in_run)
		return run_slot(sb, sb->run_head);
	return sb->heap_len ? &sb->heap[0] : NULL;
}

static void *player_main(void *arg);

int pw_sim_sched_add(struct sim_board *sb, struct sim_gen *g)
{
	int ret = reserve(sb, sb->heap_len + run_len(sb) - sb->run_dead + 1);

	if (ret < 0)
		return ret;
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
	insert(sb, slot_of(g));
	int in_run;
	if (first(sb, &in_run)->g == g)
		pthread_cond_signal(&sb->player_cv);   /* a new earliest deadline */
	return 0;
}

/* Rare (a generator stopped, a line closed): a scan is fine. */
void pw_sim_sched_remove(struct sim_board *sb, struct sim_gen *g)
{
	for (unsigned i = 0; i < sb->heap_len; i++)
		if (sb->heap[i].g == g) {
			heap_remove_at(sb, i);
			return;
		}
	for (unsigned k = sb->run_head; k != sb->run_tail; k++)
		if (run_slot(sb, k)->g == g) {
			run_slot(sb, k)->g = NULL;   /* its key still orders the run */
			sb->run_dead++;
			return;
		}
	/* not scheduled (done) */
}

/* Play the earliest transition (first() found it, IN_RUN or not) and
 * schedule the generator's next, unless its train is done. */
static inline void play_first(struct sim_board *sb, int in_run)
{
	if (in_run) {
		struct sim_gen *g = run_slot(sb, sb->run_head++)->g;
		pw_sim_gen_play(g);
		sb->played++;
		if (!g->done)
			insert(sb, slot_of(g));
		return;
	}
	struct sim_gen *g = sb->heap[0].g;
	pw_sim_gen_play(g);
	sb->played++;
	struct sim_slot s = slot_of(g);
	if (g->done)
		heap_remove_at(sb, 0);
	else if (sb->run_tail == sb->run_head || !before(&s, run_slot(sb, sb->run_tail - 1))) {
		heap_remove_at(sb, 0);
		insert(sb, s);   /* appended to the run */
	} else
		heap_fill(sb, 0, s);   /* it moves down the heap */
}

/* 1 and the time of the earliest transition, if one is due by LIMIT (and
 * whether it is the run's, for play_first). */
static int due_by(struct sim_board *sb, uint64_t limit, uint64_t *t, int *in_run)
{
	const struct sim_slot *s = first(sb, in_run);

	if (!s || s->t > limit)
		return 0;
	*t = s->t;
	return 1;
}

void pw_sim_advance_locked(struct sim_board *sb, uint64_t ns)
{
	uint64_t target = sb->vnow + ns, t;
	int in_run;

	if (target < sb->vnow)
		target = UINT64_MAX;   /* saturate rather than wrap */
	while (due_by(sb, target, &t, &in_run)) {
		if (t > sb->vnow)
			sb->vnow = t;
		play_first(sb, in_run);
	}
	sb->vnow = target;
	pw_sim_idle_due_locked(sb, target);
}

static void *player_main(void *arg)
{
	struct sim_board *sb = arg;

	pthread_mutex_lock(&sb->mu);
	while (!sb->player_stop) {
		uint64_t due;
		int in_run;
		if (!due_by(sb, UINT64_MAX, &due, &in_run)) {
			pthread_cond_wait(&sb->player_cv, &sb->mu);
			continue;
		}
		uint64_t now = pw_monotonic_ns();
		if (due > now) {
			struct timespec ts = {
				.tv_sec = (time_t)(due / 1000000000u),
				.tv_nsec = (long)(due % 1000000000u),
			};
			pthread_cond_timedwait(&sb->player_cv, &sb->mu, &ts);
			continue;
		}
		for (int i = 0; i < PLAY_BATCH && due_by(sb, now, &due, &in_run); i++)
			play_first(sb, in_run);
		if (due_by(sb, now, &due, &in_run)) {
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
	free(sb->run);
	sb->run = NULL;
	sb->run_head = sb->run_tail = sb->run_mask = sb->run_dead = 0;
}
