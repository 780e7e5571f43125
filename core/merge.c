/* SPDX-License-Identifier: MIT */
/*
 * The k-way merge of a group watch: events of K sources (one per member
 * line), each source in its own time order, released in time order across
 * sources.  Pure bookkeeping, core lock held; no I/O.
 *
 * The earliest held event may go once no source can still produce an
 * earlier one: a source that holds an event cannot (its next events come
 * after the ones it holds), and neither can a source seen with nothing
 * unread at a time at least hold_ns after the event (an event becomes
 * readable within hold_ns of its timestamp: the latency bound).  Ties keep
 * the order of arrival.  The buffer is bounded; when full, the earliest is
 * released early (order may then break, nothing is lost or blocked).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int pw_merge_init(struct pw_merge *m, unsigned nsrc, unsigned cap)
{
	memset(m, 0, sizeof(*m));
	m->items = calloc(cap, sizeof(*m->items));
	m->per_src = calloc(nsrc ? nsrc : 1, sizeof(*m->per_src));
	if (!m->items || !m->per_src) {
		pw_merge_free(m);
		return -ENOMEM;
	}
	m->cap = cap;
	m->nsrc = nsrc;
	return 0;
}

void pw_merge_free(struct pw_merge *m)
{
	free(m->items);
	free(m->per_src);
	m->items = NULL;
	m->per_src = NULL;
	m->len = m->cap = 0;
}

void pw_merge_clear(struct pw_merge *m)
{
	m->len = 0;
	memset(m->per_src, 0, m->nsrc * sizeof(*m->per_src));
}

int pw_merge_push(struct pw_merge *m, unsigned src, const struct pinwatch_event *ev)
{
	unsigned i;

	if (m->len == m->cap || src >= m->nsrc)
		return -ENOSPC;
	/* Usually the newest: scan from the end; equal stamps keep arrival order. */
	for (i = m->len; i > 0 && m->items[i - 1].ev.timestamp_ns > ev->timestamp_ns; i--)
		;
	memmove(&m->items[i + 1], &m->items[i], (m->len - i) * sizeof(*m->items));
	m->items[i].ev = *ev;
	m->items[i].src = src;
	m->len++;
	m->per_src[src]++;
	return 0;
}

int pw_merge_pop_ready(struct pw_merge *m, const unsigned char *quiet, uint64_t now,
		       uint64_t hold_ns, int force, struct pinwatch_event *out)
{
	if (!m->len)
		return 0;
	const struct pw_merge_item *f = &m->items[0];
	int due = now >= f->ev.timestamp_ns && now - f->ev.timestamp_ns >= hold_ns;

	for (unsigned s = 0; s < m->nsrc && !force; s++) {
		if (s == f->src || m->per_src[s])
			continue;
		if (!(quiet[s] && due))
			return 0;
	}
	*out = f->ev;
	m->per_src[f->src]--;
	m->len--;
	memmove(&m->items[0], &m->items[1], m->len * sizeof(*m->items));
	return 1;
}

uint64_t pw_merge_due(const struct pw_merge *m, uint64_t hold_ns)
{
	return m->len ? m->items[0].ev.timestamp_ns + hold_ns : 0;
}
