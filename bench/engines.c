/* SPDX-License-Identifier: MIT */
/*
 * The two engines behind one interface (bench.h), fed the same way: K edges
 * written into one line's ring, then one wake-up.  pinwatch's source is the
 * sim with the virtual clock (pinwatch_sim_drive: one edge per call, no
 * thread); the reference's is its own ring (ref_push).  Each engine checks
 * at close that it delivered every edge it was fed, so a figure never comes
 * from a run that lost or duplicated events.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pinwatch.h"
#include "ref.h"

struct engine {
	enum bench_mode mode;
	unsigned pins;
	uint64_t fed, delivered;
	unsigned last_pin;
	/* pinwatch */
	pinwatch_board *b;
	pinwatch_watcher *w;
	pinwatch_pin **pin;
	pinwatch_watch_id *id;
	char (*name)[16];
	int *level;
	/* reference */
	struct ref_engine *ref;
};

static void count_event(const struct pinwatch_event *ev, void *ctx)
{
	(void)ev;
	++*(uint64_t *)ctx;
}

static struct engine *engine_alloc(unsigned pins, enum bench_mode mode)
{
	struct engine *e = calloc(1, sizeof(*e));

	if (!e)
		bench_die("engine", "out of memory");
	e->mode = mode;
	e->pins = pins;
	return e;
}

static struct engine *pw_open(unsigned pins, enum bench_mode mode)
{
	struct engine *e = engine_alloc(pins, mode);
	char spec[64];

	e->pin = calloc(pins, sizeof(*e->pin));
	e->id = calloc(pins, sizeof(*e->id));
	e->name = calloc(pins, sizeof(*e->name));
	e->level = calloc(pins, sizeof(*e->level));
	if (!e->pin || !e->id || !e->name || !e->level)
		bench_die("engine", "out of memory");
	snprintf(spec, sizeof(spec), "sim,lines=%u,clock=virtual", pins);
	BENCH_CHECK(pinwatch_board_open(spec, &e->b));
	BENCH_CHECK(pinwatch_watcher_new(&e->w));
	for (unsigned i = 0; i < pins; i++) {
		struct pinwatch_watch_config wc = {
			.edges = PINWATCH_EDGE_BOTH,
			.event_buffer = BENCH_RING,
		};
		if (mode == MODE_CALLBACK) {
			wc.callback = count_event;
			wc.ctx = &e->delivered;
		} else if (mode == MODE_QUEUE) {
			wc.queue_size = BENCH_RING;
		}
		snprintf(e->name[i], sizeof(e->name[i]), "sim0:%u", i);
		BENCH_CHECK(pinwatch_pin_open(e->b, e->name[i], NULL, &e->pin[i]));
		BENCH_CHECK(pinwatch_sim_drive(e->b, e->name[i], 0));
		BENCH_CHECK(pinwatch_watch_add(e->w, e->pin[i], &wc, &e->id[i]));
	}
	return e;
}

static void pw_feed(struct engine *e, unsigned pin, unsigned k)
{
	for (unsigned i = 0; i < k; i++) {
		e->level[pin] ^= 1;
		BENCH_CHECK(pinwatch_sim_drive(e->b, e->name[pin], e->level[pin]));
	}
	e->fed += k;
	e->last_pin = pin;
}

static unsigned pw_consume(struct engine *e)
{
	int n = pinwatch_watcher_dispatch(e->w, 0);

	BENCH_CHECK(n);
	if (e->mode == MODE_COUNTERS) {
		e->delivered += (unsigned)n;
	} else if (e->mode == MODE_QUEUE) {
		struct pinwatch_event ev[BENCH_READ_BATCH];
		int got;
		while ((got = pinwatch_watch_read(e->w, e->id[e->last_pin], ev,
						  BENCH_READ_BATCH, 0)) > 0)
			e->delivered += (unsigned)got;
		BENCH_CHECK(got);
	}
	return (unsigned)n;
}

static uint64_t engine_delivered(struct engine *e)
{
	return e->delivered;
}

static void pw_close(struct engine *e)
{
	uint64_t counted = 0;

	for (unsigned i = 0; i < e->pins; i++) {
		struct pinwatch_watch_stats st;
		BENCH_CHECK(pinwatch_watch_stats(e->w, e->id[i], &st));
		counted += st.delivered;
		if (st.lost)
			fprintf(stderr, "pw-bench: pinwatch lost %llu events on %s\n",
				(unsigned long long)st.lost, e->name[i]);
	}
	if (counted != e->fed || e->delivered != e->fed)
		fprintf(stderr, "pw-bench: pinwatch: fed %llu, stats %llu, consumed %llu\n",
			(unsigned long long)e->fed, (unsigned long long)counted,
			(unsigned long long)e->delivered);
	pinwatch_watcher_free(e->w);
	for (unsigned i = 0; i < e->pins; i++)
		pinwatch_pin_close(e->pin[i]);
	pinwatch_board_close(e->b);
	free(e->pin);
	free(e->id);
	free(e->name);
	free(e->level);
	free(e);
}

static void ref_count(const struct ref_event *ev, void *ctx)
{
	(void)ev;
	++*(uint64_t *)ctx;
}

static struct engine *r_open(unsigned pins, enum bench_mode mode)
{
	struct engine *e = engine_alloc(pins, mode);

	e->ref = ref_open(pins, mode, ref_count, &e->delivered);
	return e;
}

static void r_feed(struct engine *e, unsigned pin, unsigned k)
{
	for (unsigned i = 0; i < k; i++)
		ref_push(e->ref, pin, e->fed + i, (int)((e->fed + i) & 1) + 1);
	e->fed += k;
	e->last_pin = pin;
}

static unsigned r_consume(struct engine *e)
{
	unsigned n = ref_wait(e->ref, 0);

	if (e->mode == MODE_COUNTERS) {
		e->delivered += n;
	} else if (e->mode == MODE_QUEUE) {
		struct ref_event ev[BENCH_READ_BATCH];
		size_t got;
		while ((got = ref_queue_read(e->ref, e->last_pin, ev, BENCH_READ_BATCH)) > 0)
			e->delivered += got;
	}
	return n;
}

static void r_close(struct engine *e)
{
	if (e->delivered != e->fed || ref_delivered(e->ref) != e->fed)
		fprintf(stderr, "pw-bench: ref: fed %llu, consumed %llu\n",
			(unsigned long long)e->fed, (unsigned long long)e->delivered);
	ref_close(e->ref);
	free(e);
}

const struct engine_ops bench_pinwatch_ops = {
	.name = "pinwatch", .open = pw_open, .feed = pw_feed,
	.consume = pw_consume, .delivered = engine_delivered, .close = pw_close,
};

const struct engine_ops bench_ref_ops = {
	.name = "ref", .open = r_open, .feed = r_feed,
	.consume = r_consume, .delivered = engine_delivered, .close = r_close,
};
