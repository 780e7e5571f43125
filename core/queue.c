/* SPDX-License-Identifier: MIT */
/* A watch's bounded event queue: a ring of fixed size allocated once at
 * watch creation, so memory never grows with the event rate.  One slot more
 * than the user asked for is kept for the single error event a fault
 * produces, so that a fault is reported even to a consumer that fell behind. */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

#define PW_QUEUE_MAX (1u << 20)

int pw_queue_init(struct pw_queue *q, unsigned cap)
{
	q->head = q->len = 0;
	q->cap = cap;
	q->ev = NULL;
	if (!cap)
		return 0;
	if (cap > PW_QUEUE_MAX) {
		pw_detail("queue_size %u: at most %u", cap, PW_QUEUE_MAX);
		return -EINVAL;
	}
	q->ev = calloc((size_t)cap + 1, sizeof(*q->ev));
	return q->ev ? 0 : -ENOMEM;
}

void pw_queue_free(struct pw_queue *q)
{
	free(q->ev);
	q->ev = NULL;
	q->cap = q->len = q->head = 0;
}

/* The slot K places after the head (K <= cap + 1 slots): a compare, not a
 * division, per event. */
static unsigned queue_slot(const struct pw_queue *q, unsigned k)
{
	unsigned i = q->head + k;

	return i >= q->cap + 1 ? i - (q->cap + 1) : i;
}

int pw_queue_push(struct pw_queue *q, const struct pinwatch_event *ev, int reserve)
{
	if (q->len >= q->cap + (reserve ? 1u : 0u))
		return -ENOSPC;
	q->ev[queue_slot(q, q->len)] = *ev;
	q->len++;
	return 0;
}

size_t pw_queue_pop(struct pw_queue *q, struct pinwatch_event *ev, size_t n)
{
	size_t taken = 0;

	while (taken < n && q->len) {
		ev[taken++] = q->ev[q->head];
		q->head = queue_slot(q, 1);
		q->len--;
	}
	return taken;
}
