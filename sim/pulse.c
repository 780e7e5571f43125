/* SPDX-License-Identifier: MIT */
/*
 * Pulse generators and the two clocks.
 *
 * A generator is a deterministic schedule of transitions: pulse k rises at
 * t0 + phase + k*period and falls high_ns later; each edge is late by a
 * seeded uniform jitter and followed by `bounce` pairs of contact-bounce
 * transitions bounce_ns apart, ending on the edge's level.  Every
 * transition is stamped with its scheduled time, never with when it was
 * played, so the virtual clock is exact and the real one is honest.
 *
 * Generators are played from the board's schedule (schedule.c), in time
 * order across generators, on both clocks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t edge_time(struct sim_gen *g)
{
	uint64_t t = g->t0 + g->p.phase_ns + g->pulse * g->p.period_ns;

	if (g->edge)
		t += g->p.high_ns;
	if (g->p.jitter_ns)
		t += splitmix64(&g->rng) % g->p.jitter_ns;
	return t;
}

static void schedule_edge(struct sim_gen *g)
{
	g->sub = 0;
	g->edge_t = edge_time(g);
	g->next_t = g->edge_t;
	g->next_level = !g->edge;
}

/* 1 if pulse k of an endless generator still fits in the clock. */
static int pulse_fits(const struct sim_gen *g, uint64_t k)
{
	uint64_t t, span;

	return !__builtin_mul_overflow(k, g->p.period_ns, &span) &&
	       !__builtin_add_overflow(g->t0 + g->p.phase_ns, span, &t) &&
	       !__builtin_add_overflow(t, g->p.period_ns, &t);
}

/* Move to the transition after the one just played. */
static void gen_step(struct sim_gen *g)
{
	int level = !g->edge;

	if (++g->sub <= 2 * g->p.bounce) {
		g->next_t = g->edge_t + g->sub * g->p.bounce_ns;
		g->next_level = (g->sub & 1) ? !level : level;
		return;
	}
	if (!g->edge) {
		g->edge = 1;
	} else {
		g->edge = 0;
		if ((++g->pulse == g->p.count && g->p.count) || !pulse_fits(g, g->pulse)) {
			g->done = 1;
			return;
		}
	}
	schedule_edge(g);
}

/* Play the generator's next transition (mutex held). */
void pw_sim_gen_play(struct sim_gen *g)
{
	struct sim_line *l = g->line;

	l->ext = g->next_level;
	pw_sim_line_update(l, g->next_t);
	gen_step(g);
	if (g->done)
		pthread_cond_broadcast(&g->sb->cv);
}

static int validate(const struct pinwatch_sim_pulse *s, struct pinwatch_sim_pulse *out)
{
	*out = *s;
	if (!out->period_ns) {
		pw_detail("period_ns is required (> 0)");
		return -EINVAL;
	}
	/* Not high_ns's fault: no period of 1 ns has room for two levels. */
	if (out->period_ns < 2) {
		pw_detail("period_ns %llu: too short, want at least 2 (1 ns high, 1 ns low)",
			  (unsigned long long)out->period_ns);
		return -EINVAL;
	}
	if (!out->high_ns)
		out->high_ns = out->period_ns / 2;
	if (!out->bounce_ns)
		out->bounce_ns = 1000;
	if (!out->high_ns || out->high_ns >= out->period_ns) {
		pw_detail("high_ns %llu: want 0 < high_ns < period_ns (%llu)",
			  (unsigned long long)out->high_ns, (unsigned long long)out->period_ns);
		return -EINVAL;
	}
	uint64_t low = out->period_ns - out->high_ns;
	uint64_t half = low < out->high_ns ? low : out->high_ns;
	uint64_t bounce_span;
	if (__builtin_mul_overflow(2 * (uint64_t)out->bounce, out->bounce_ns, &bounce_span)) {
		pw_detail("bounce %u x bounce_ns %llu overflows the 64-bit clock", out->bounce,
			  (unsigned long long)out->bounce_ns);
		return -EOVERFLOW;
	}
	if (out->bounce && out->bounce_ns > half) {
		pw_detail("bounce %u x %llu ns does not fit in the shorter half-period (%llu ns)",
			  out->bounce, (unsigned long long)out->bounce_ns, (unsigned long long)half);
		return -EINVAL;
	}
	if (out->jitter_ns >= half || bounce_span >= half - out->jitter_ns) {
		pw_detail("jitter %llu ns + bounce %llu ns must fit in the shorter half-period (%llu ns)",
			  (unsigned long long)out->jitter_ns, (unsigned long long)bounce_span,
			  (unsigned long long)half);
		return -EINVAL;
	}
	return 0;
}

/* The generator's last transition, t0 + phase + (count - 1) * period +
 * high + jitter + bounce, must fit in the 64-bit clock: a time that wraps
 * would lie in the past, and every edge would play at once.  An endless
 * generator needs room for its first pulse, and ends (gen_step) when the
 * next one would not fit, some 584 years of clock later. */
static int check_horizon(const struct pinwatch_sim_pulse *p, uint64_t t0)
{
	uint64_t t, span, n = p->count ? p->count - 1 : 0;
	/* high + jitter + bounce < period (validate): one pulse's extent */
	uint64_t last = p->count ? p->high_ns + p->jitter_ns + 2 * (uint64_t)p->bounce * p->bounce_ns
				 : p->period_ns;

	if (__builtin_add_overflow(t0, p->phase_ns, &t)) {
		pw_detail("phase_ns %llu: past the end of the 64-bit clock (now %llu ns)",
			  (unsigned long long)p->phase_ns, (unsigned long long)t0);
		return -EOVERFLOW;
	}
	if (__builtin_mul_overflow(n, p->period_ns, &span)) {
		pw_detail("count %llu x period_ns %llu overflows the 64-bit clock",
			  (unsigned long long)p->count, (unsigned long long)p->period_ns);
		return -EOVERFLOW;
	}
	if (__builtin_add_overflow(t, span, &t) || __builtin_add_overflow(t, last, &t)) {
		if (p->count)
			pw_detail("phase_ns %llu + (count %llu - 1) x period_ns %llu + high_ns %llu (+ jitter, bounce): the last edge is past the end of the 64-bit clock (now %llu ns)",
				  (unsigned long long)p->phase_ns, (unsigned long long)p->count,
				  (unsigned long long)p->period_ns, (unsigned long long)p->high_ns,
				  (unsigned long long)t0);
		else
			pw_detail("phase_ns %llu + period_ns %llu: the first pulse is past the end of the 64-bit clock (now %llu ns)",
				  (unsigned long long)p->phase_ns, (unsigned long long)p->period_ns,
				  (unsigned long long)t0);
		return -EOVERFLOW;
	}
	return 0;
}


static struct sim_gen *gen_unlink(struct sim_board *sb, unsigned id)
{
	for (struct sim_gen **pp = &sb->gens; *pp; pp = &(*pp)->next)
		if ((*pp)->id == id) {
			struct sim_gen *g = *pp;
			*pp = g->next;
			if (g->line->gen == g)
				g->line->gen = NULL;
			pw_sim_sched_remove(sb, g);
			return g;
		}
	return NULL;
}

int pw_sim_gen_start(struct sim_board *sb, struct sim_line *l,
		  const struct pinwatch_sim_pulse *spec, unsigned *id)
{
	struct sim_gen *g = calloc(1, sizeof(*g));
	int ret;

	if (!g)
		return -ENOMEM;
	ret = validate(spec, &g->p);
	if (ret < 0) {
		free(g);
		return ret;
	}
	g->sb = sb;
	g->line = l;
	g->rng = spec->seed;

	pthread_mutex_lock(&sb->mu);
	if ((ret = pw_sim_line_gone_locked(l)) < 0)
		goto err;
	if (l->gen) {
		pw_detail("the line is already driven by generator %u", l->gen->id);
		ret = -EBUSY;
		goto err;
	}
	g->t0 = pw_sim_now(sb);
	ret = check_horizon(&g->p, g->t0);
	if (ret < 0)
		goto err;
	schedule_edge(g);
	g->id = sb->next_gen_id;
	ret = pw_sim_sched_add(sb, g);
	if (ret < 0)
		goto err;
	sb->next_gen_id++;
	/* The source is connected: it holds the line low until it rises. */
	l->ext = 0;
	pw_sim_line_update(l, g->t0);
	l->gen = g;
	g->next = sb->gens;
	sb->gens = g;
	*id = g->id;
	pthread_mutex_unlock(&sb->mu);
	return 0;
err:
	pthread_mutex_unlock(&sb->mu);
	free(g);
	return ret;
}

int pw_sim_gen_stop(struct sim_board *sb, unsigned id)
{
	pthread_mutex_lock(&sb->mu);
	struct sim_gen *g = gen_unlink(sb, id);
	/* A pulse_wait on it ends now: the generator is gone (-ENOENT). */
	pthread_cond_broadcast(&sb->cv);
	pthread_mutex_unlock(&sb->mu);
	if (!g) {
		pw_detail("no generator %u on this board", id);
		return -ENOENT;
	}
	free(g);   /* out of the schedule: the player no longer sees it */
	return 0;
}

void pw_sim_gen_stop_all(struct sim_board *sb)
{
	pw_sim_sched_stop(sb);
	pthread_mutex_lock(&sb->mu);
	while (sb->gens) {
		struct sim_gen *g = sb->gens;
		sb->gens = g->next;
		if (g->line->gen == g)
			g->line->gen = NULL;
		free(g);
	}
	pthread_mutex_unlock(&sb->mu);
}

static struct sim_gen *gen_find(struct sim_board *sb, unsigned id)
{
	for (struct sim_gen *g = sb->gens; g; g = g->next)
		if (g->id == id)
			return g;
	return NULL;
}

int pw_sim_gen_wait(struct sim_board *sb, unsigned id, int timeout_ms)
{
	uint64_t deadline = 0;
	int ret;

	if (timeout_ms > 0)
		deadline = pw_monotonic_ns() + (uint64_t)timeout_ms * 1000000u;
	pthread_mutex_lock(&sb->mu);
	for (;;) {
		struct sim_gen *g = gen_find(sb, id);
		if (!g) {
			pw_detail("no generator %u on this board (stopped?)", id);
			ret = -ENOENT;
			break;
		}
		if (!g->p.count) {
			pw_detail("generator %u is endless (count 0): it never finishes", id);
			ret = -EINVAL;
			break;
		}
		if (g->done) {
			ret = 1;
			break;
		}
		if (timeout_ms == 0) {
			ret = 0;
			break;
		}
		/* A virtual-clock generator finishes when another thread
		 * advances the clock; a real one when its thread is done. */
		if (!deadline) {
			pthread_cond_wait(&sb->cv, &sb->mu);
			continue;
		}
		struct timespec ts = {
			.tv_sec = (time_t)(deadline / 1000000000u),
			.tv_nsec = (long)(deadline % 1000000000u),
		};
		if (pthread_cond_timedwait(&sb->cv, &sb->mu, &ts) == ETIMEDOUT) {
			g = gen_find(sb, id);
			ret = g && g->done ? 1 : 0;
			if (!g) {
				pw_detail("no generator %u on this board (stopped?)", id);
				ret = -ENOENT;
			}
			break;
		}
	}
	pthread_mutex_unlock(&sb->mu);
	return ret;
}

