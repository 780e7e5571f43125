/* SPDX-License-Identifier: MIT */
/*
 * The simulated world: what decides each line's physical level, how a level
 * change travels through jumper wires, and how it becomes an edge event in
 * the line's ring.  Everything here runs with the board's mutex held.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim.h"

uint64_t pw_sim_now(const struct sim_board *sb)
{
	return sb->virtual_clock ? sb->vnow : pw_monotonic_ns();
}

/* The precedence of drivers on a pad: an output drives itself (open drain
 * and open source only one way); else a jumper carries its source's level;
 * else a signal from outside; else the pull; a floating line keeps its
 * level, as a real input's capacitance roughly does. */
static int line_level(const struct sim_line *l)
{
	if (l->requested && l->direction == PINWATCH_DIR_OUTPUT) {
		switch (l->drive) {
		case PINWATCH_DRIVE_OPEN_DRAIN:
			if (!l->out_value)
				return 0;
			break;
		case PINWATCH_DRIVE_OPEN_SOURCE:
			if (l->out_value)
				return 1;
			break;
		default:
			return l->out_value;
		}
	}
	if (l->src)
		return l->src->level;
	if (l->ext >= 0)
		return l->ext;
	if (l->bias == PINWATCH_BIAS_PULL_UP)
		return 1;
	if (l->bias == PINWATCH_BIAS_PULL_DOWN)
		return 0;
	return l->level;
}

static void doorbell_ring(struct sim_line *l)
{
	if (l->wfd < 0)
		return;
	/* One byte while the ring is non-empty; a pipe never fills on it. */
	ssize_t n = write(l->wfd, "", 1);
	(void)n;
}

void pw_sim_doorbell_drain(struct sim_line *l)
{
	char buf[16];

	/* The doorbell holds one byte, written as the ring left empty: one
	 * read takes it (a second would only return EAGAIN). */
	if (l->rfd >= 0) {
		ssize_t n = read(l->rfd, buf, sizeof(buf));
		(void)n;
	}
}

/* The slot K places after the head (K < cap): a compare, not a division,
 * per event. */
static unsigned ring_slot(const struct sim_ring *r, unsigned k)
{
	unsigned i = r->head + k;

	return i >= r->cap ? i - r->cap : i;
}

static void ring_push(struct sim_line *l, const struct pw_raw_event *ev)
{
	struct sim_ring *r = &l->ring;

	r->ev[ring_slot(r, r->len)] = *ev;
	if (r->len++ == 0)
		doorbell_ring(l);
}

/* The quiet periods due before ts (before_ts) or up to ts, ahead of
 * whatever comes at ts.  They are counted, not looped over (a step of the
 * clock may hold billions), and reported as one idle event for the periods
 * of one quiet span: periods that come while the last event in the ring is
 * still an unread idle event join it (its count), so idle reports never
 * fill the ring that edges need.  A full ring keeps them for the next idle
 * event that fits: counted all the same. */
static void idle_due(struct sim_line *l, uint64_t ts, int before_ts)
{
	struct sim_ring *r = &l->ring;

	if (!l->idle_ns || (before_ts ? l->idle_due >= ts : l->idle_due > ts))
		return;
	uint64_t last = before_ts ? ts - 1 : ts;
	uint64_t n = (last - l->idle_due) / l->idle_ns + 1;
	uint64_t first = l->idle_due;
	if (n > (UINT64_MAX - l->idle_due) / l->idle_ns) {
		l->idle_ns = 0;   /* the end of the clock: no more */
	} else {
		l->idle_due += n * l->idle_ns;
	}
	n += l->idle_unrecorded;
	l->idle_unrecorded = 0;
	if (r->len && r->ev[ring_slot(r, r->len - 1)].edge == PINWATCH_EVENT_IDLE) {
		r->ev[ring_slot(r, r->len - 1)].count += n;
		return;
	}
	if (!r->cap || r->len == r->cap) {
		l->idle_unrecorded = n;
		return;
	}
	struct pw_raw_event ev = { .timestamp_ns = first, .edge = PINWATCH_EVENT_IDLE, .count = n };
	ring_push(l, &ev);
}

void pw_sim_idle_due_locked(struct sim_board *sb, uint64_t now)
{
	for (struct sim_line *l = sb->idle_lines; l; l = l->next_idle)
		idle_due(l, now, 0);
}

void pw_sim_idle_set_locked(struct sim_line *l, uint64_t idle_ns)
{
	struct sim_board *sb = l->bank->sb;
	struct sim_line **pp = &sb->idle_lines;

	while (*pp && *pp != l)
		pp = &(*pp)->next_idle;
	if (*pp)
		*pp = l->next_idle;   /* unlink, then link again if armed */
	l->next_idle = NULL;
	l->idle_ns = idle_ns;
	l->idle_unrecorded = 0;
	if (!idle_ns)
		return;
	l->idle_due = sb->vnow + idle_ns;
	l->next_idle = sb->idle_lines;
	sb->idle_lines = l;
}

static void record_edge(struct sim_line *l, uint64_t ts)
{
	struct sim_board *sb = l->bank->sb;
	struct sim_ring *r = &l->ring;
	/* Edges are logical: a physical rise on an active-low line falls. */
	int edge = (l->level ^ l->active_low) ? PINWATCH_EDGE_RISING : PINWATCH_EDGE_FALLING;

	if (!(l->edges & edge) || !r->cap)
		return;
	idle_due(l, ts, 1);
	if (l->idle_ns)
		l->idle_due = ts + l->idle_ns;
	l->st.edges++;
	struct pw_raw_event ev = {
		.timestamp_ns = ts,
		/* overflow=newest is uAPI v1: no sequence numbers at all */
		.seqno = sb->overflow_newest ? 0 : ++l->seqno,
		.edge = edge,
	};
	if (r->len == r->cap) {
		l->st.dropped++;
		if (sb->overflow_newest)
			return;
		/* uAPI v2: the oldest goes; the gap shows in the seqno. */
		r->head = ring_slot(r, 1);
		r->len--;
	}
	ring_push(l, &ev);
}

void pw_sim_line_update(struct sim_line *l, uint64_t ts)
{
	if (l->bank->gone)
		return;
	int v = line_level(l);
	if (v == l->level)
		return;
	l->level = v;
	l->st.level_changes++;
	if (l->edges)
		record_edge(l, ts);
	/* Wires cannot form loops (pw_sim_wire refuses them): this ends. */
	for (struct sim_line *s = l->sinks; s; s = s->next_sink)
		pw_sim_line_update(s, ts);
}

int pw_sim_wire(struct sim_line *out, struct sim_line *in, uint64_t ts)
{
	for (const struct sim_line *s = out; s; s = s->src)
		if (s == in) {
			pw_detail("the wire would close a loop");
			return -ELOOP;
		}
	if (in->src) {
		pw_detail("the input is already wired; unwire it first");
		return -EBUSY;
	}
	if (in->requested && in->direction == PINWATCH_DIR_OUTPUT) {
		pw_detail("the input end is a requested output: two outputs would fight");
		return -EBUSY;
	}
	in->src = out;
	in->next_sink = out->sinks;
	out->sinks = in;
	pw_sim_line_update(in, ts);
	return 0;
}

void pw_sim_unwire(struct sim_line *in, uint64_t ts)
{
	struct sim_line **pp;

	if (!in->src)
		return;
	for (pp = &in->src->sinks; *pp; pp = &(*pp)->next_sink)
		if (*pp == in) {
			*pp = in->next_sink;
			break;
		}
	in->src = NULL;
	in->next_sink = NULL;
	pw_sim_line_update(in, ts);
}

int pw_sim_ring_init(struct sim_ring *r, unsigned cap)
{
	r->ev = calloc(cap, sizeof(*r->ev));
	if (!r->ev)
		return -ENOMEM;
	r->cap = cap;
	r->head = 0;
	r->len = 0;
	return 0;
}

void pw_sim_ring_free(struct sim_ring *r)
{
	free(r->ev);
	r->ev = NULL;
	r->cap = r->head = r->len = 0;
}

size_t pw_sim_ring_pop(struct sim_ring *r, struct pw_raw_event *ev, size_t n)
{
	size_t k = n < r->len ? n : r->len;
	/* at most two runs: to the ring's end, then from its start */
	size_t first = k < r->cap - r->head ? k : r->cap - r->head;

	if (!k)
		return 0;
	memcpy(ev, &r->ev[r->head], first * sizeof(*ev));
	if (k > first)
		memcpy(ev + first, r->ev, (k - first) * sizeof(*ev));
	r->head = (unsigned)(k > first ? k - first : r->head + first);
	if (r->head == r->cap)
		r->head = 0;
	r->len -= (unsigned)k;
	return k;
}
