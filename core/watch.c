/* SPDX-License-Identifier: MIT */
/*
 * Watches: one subscription of one pin to edges, with a callback, a bounded
 * queue, or counters only.  This file owns the event accounting: seqno,
 * lost events (kernel-reported, inferred, queue overflow), software debounce.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "internal.h"

#define SLOT_BITS 20
#define SLOT_MASK ((1u << SLOT_BITS) - 1)

static uint64_t next_serial = 1;

static void watch_unref_locked(struct pw_watch *wa)
{
	if (--wa->refs > 0)
		return;
	pthread_cond_destroy(&wa->cv);
	pw_queue_free(&wa->queue);
	free(wa->ctx_copy);
	free(wa);
}

/* --------------------------------------------------------------- release */

int pw_watch_release_locked(struct pw_watch *wa)
{
	pinwatch_watcher *w = wa->watcher;

	if (wa->removed)
		return -ENOENT;
	wa->removed = 1;
	pw_watcher_unslot_locked(w, wa);
	/* Rule 1: deregister first ... */
	if (wa->registered) {
		epoll_ctl(w->epfd, EPOLL_CTL_DEL, wa->fd, NULL);
		wa->registered = 0;
	}
	pthread_cond_broadcast(&wa->cv);
	/* ... then make sure no dispatch is using it ... */
	if (w->current == wa) {
		if (pw_watcher_in_dispatch_locked(w)) {
			wa->release_pending = 1;   /* from its own callback */
			return 1;
		}
		while (w->current == wa)
			pw_wait();
	}
	/* ... then let the line close its descriptor. */
	pw_watch_finish_release_locked(wa);
	return 0;
}

void pw_watch_finish_release_locked(struct pw_watch *wa)
{
	pinwatch_pin *p = wa->pin;

	wa->release_pending = 0;
	if (p) {
		p->board->ops->edges_disable(p->line);
		p->watch = NULL;
		wa->pin = NULL;
		if (p->close_pending)
			pw_pin_finish_close_locked(p);
	}
	pw_broadcast();
	watch_unref_locked(wa);
}

/* ------------------------------------------------------------ accounting */

static void deliver_locked(struct pw_watch *wa, struct pinwatch_event *ev,
			   struct pinwatch_event *out, size_t *nout)
{
	if (wa->cfg.queue_size) {
		if (pw_queue_push(&wa->queue, ev, 0) < 0) {
			/* Full: drop the newest, count it, tell the next one. */
			wa->st.lost_queue++;
			wa->st.lost++;
			wa->pending_lost = ev->lost + 1;
			return;
		}
		pthread_cond_broadcast(&wa->cv);
	} else if (wa->cfg.callback) {
		out[(*nout)++] = *ev;
	}
	wa->st.delivered++;
}

size_t pw_watch_process_locked(struct pw_watch *wa, const struct pw_raw_event *raw,
			       size_t nraw, struct pinwatch_event *out)
{
	size_t nout = 0;

	for (size_t i = 0; i < nraw; i++) {
		const struct pw_raw_event *r = &raw[i];
		int value = r->edge == PINWATCH_EDGE_RISING;
		uint64_t gap = 0;

		/* Lost where the kernel says so: a gap in its sequence. */
		if (r->seqno) {
			/* backends number a line's edges from 1 at edges_enable */
			if (r->seqno > wa->src_seqno + 1)
				gap = r->seqno - wa->src_seqno - 1;
			wa->src_seqno = r->seqno;
		}
		/* Lost where it can be inferred: with both edges reported, two
		 * edges of the same direction in a row hide at least one. */
		if (!gap && wa->backend_edges == PINWATCH_EDGE_BOTH &&
		    wa->last_value >= 0 && value == wa->last_value)
			gap = 1;
		wa->last_value = value;
		if (gap) {
			wa->st.lost_source += gap;
			wa->st.lost += gap;
			wa->seqno += gap;
			wa->pending_lost += gap;
		}

		/* Leading-edge software debounce: an edge counts when it
		 * changes the debounced level and debounce_ns have passed
		 * since the last accepted edge. */
		if (wa->sw_debounce) {
			if (value == wa->deb_level ||
			    (wa->deb_level >= 0 && r->timestamp_ns - wa->deb_ts < wa->cfg.debounce_ns)) {
				wa->st.filtered++;
				continue;
			}
			wa->deb_level = value;
			wa->deb_ts = r->timestamp_ns;
		}
		if (!(wa->cfg.edges & r->edge))
			continue;
		if (value)
			wa->st.rising++;
		else
			wa->st.falling++;

		struct pinwatch_event ev = {
			.pin = wa->pin,
			.watch = wa->id,
			.edge = r->edge,
			.value = value,
			.timestamp_ns = r->timestamp_ns,
			.seqno = ++wa->seqno,
			.lost = wa->pending_lost,
		};
		wa->pending_lost = 0;
		deliver_locked(wa, &ev, out, &nout);
	}
	return nout;
}

size_t pw_watch_fault_locked(struct pw_watch *wa, int err, struct pinwatch_event *out)
{
	pinwatch_watcher *w = wa->watcher;
	struct pinwatch_event ev = {
		.pin = wa->pin,
		.watch = wa->id,
		.edge = PINWATCH_EVENT_ERROR,
		.value = err,
		.timestamp_ns = pw_monotonic_ns(),
		.seqno = 0,
		.lost = wa->pending_lost,
	};

	/* Disabled for good: out of epoll, so the loop never spins on a dead
	 * descriptor; the line keeps it until the watch is removed. */
	if (wa->registered) {
		epoll_ctl(w->epfd, EPOLL_CTL_DEL, wa->fd, NULL);
		wa->registered = 0;
	}
	wa->st.error = err;
	if (wa->cfg.queue_size) {
		pw_queue_push(&wa->queue, &ev, 1);
		pthread_cond_broadcast(&wa->cv);
		return 0;
	}
	if (wa->cfg.callback) {
		out[0] = ev;
		return 1;
	}
	return 0;
}

/* ------------------------------------------------------------ public API */

static int check_config(const struct pinwatch_watch_config *cfg)
{
	if (cfg->edges < 0 || cfg->edges > PINWATCH_EDGE_BOTH) {
		pw_detail("edges %d: want PINWATCH_EDGE_RISING, _FALLING or _BOTH", cfg->edges);
		return -EINVAL;
	}
	if (cfg->callback && cfg->queue_size) {
		pw_detail("a watch has a callback or a queue, not both");
		return -EINVAL;
	}
	if (cfg->ctx_size && !cfg->ctx) {
		pw_detail("ctx_size %zu with a NULL ctx", cfg->ctx_size);
		return -EINVAL;
	}
	return 0;
}

static int add_slot_locked(pinwatch_watcher *w, struct pw_watch *wa)
{
	unsigned slot;

	for (slot = 0; slot < w->num_slots; slot++)
		if (!w->slots[slot])
			break;
	if (slot == w->num_slots) {
		unsigned n = w->num_slots ? w->num_slots * 2 : 16;
		if (n > SLOT_MASK + 1u)
			return -ENOSPC;
		struct pw_watch **grown = realloc(w->slots, n * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		memset(grown + w->num_slots, 0, (n - w->num_slots) * sizeof(*grown));
		w->slots = grown;
		w->num_slots = n;
	}
	w->slots[slot] = wa;
	wa->id = (next_serial++ << SLOT_BITS) | slot;
	return 0;
}

void pw_watcher_unslot_locked(pinwatch_watcher *w, struct pw_watch *wa)
{
	unsigned slot = (unsigned)(wa->id & SLOT_MASK);

	if (slot < w->num_slots && w->slots[slot] == wa)
		w->slots[slot] = NULL;
}

struct pw_watch *pw_watcher_lookup_locked(pinwatch_watcher *w, pinwatch_watch_id id)
{
	unsigned slot = (unsigned)(id & SLOT_MASK);

	if (slot >= w->num_slots || !w->slots[slot] || w->slots[slot]->id != id)
		return NULL;
	return w->slots[slot];
}

static int watcher_ok(const pinwatch_watcher *w)
{
	return pw_handle_live(w ? &w->h : NULL, PW_KIND_WATCHER) && !w->free_pending;
}

PINWATCH_API int pinwatch_watch_add(pinwatch_watcher *w, pinwatch_pin *p,
				    const struct pinwatch_watch_config *cfg,
				    pinwatch_watch_id *out)
{
	static const struct pinwatch_watch_config defaults;
	struct pw_watch *wa;
	int ret;

	pw_detail_clear();
	if (!out)
		return pw_errorf(-EINVAL, "watch add: NULL id pointer");
	if (cfg && cfg->event_buffer > 65536)
		return pw_errorf(-EINVAL, "watch add: event_buffer %u: at most 65536", cfg->event_buffer);
	*out = 0;
	if (!cfg)
		cfg = &defaults;
	pw_lock();
	if (!watcher_ok(w) || !pw_handle_live(p ? &p->h : NULL, PW_KIND_PIN)) {
		pw_unlock();
		return pw_errorf(-EINVAL, "watch add: not an open watcher and pin");
	}
	char what[128];
	memcpy(what, p->h.what, sizeof(what));
	pinwatch_board *b = p->board;
	ret = check_config(cfg);
	if (ret < 0)
		goto out;
	if (p->cfg.direction != PINWATCH_DIR_INPUT) {
		pw_detail("the line is an output; edges are watched on inputs");
		ret = -EINVAL;
		goto out;
	}
	if (p->watch) {
		pw_detail("the pin is already watched (one watch per pin)");
		ret = -EBUSY;
		goto out;
	}
	wa = calloc(1, sizeof(*wa));
	if (!wa) {
		ret = -ENOMEM;
		goto out;
	}
	wa->cfg = *cfg;
	if (!wa->cfg.edges)
		wa->cfg.edges = PINWATCH_EDGE_BOTH;
	wa->watcher = w;
	wa->pin = p;
	wa->fd = -1;
	wa->refs = 1;
	wa->last_value = -1;
	wa->deb_level = -1;
	pw_cond_init(&wa->cv);
	ret = pw_queue_init(&wa->queue, cfg->queue_size);
	if (ret < 0)
		goto err_free;
	if (cfg->ctx_size) {
		/* Rule 6: the watch owns a copy, freed with it. */
		wa->ctx_copy = malloc(cfg->ctx_size);
		if (!wa->ctx_copy) {
			ret = -ENOMEM;
			goto err_free;
		}
		memcpy(wa->ctx_copy, cfg->ctx, cfg->ctx_size);
		wa->cfg.ctx = wa->ctx_copy;
	}

	/* Software debounce needs both edges to follow the level. */
	struct pw_edge_config ec = { .edges = wa->cfg.edges, .event_buffer = cfg->event_buffer };
	if (cfg->debounce_ns && (b->caps & PW_CAP_KERNEL_DEBOUNCE)) {
		ec.debounce_ns = cfg->debounce_ns;
	} else if (cfg->debounce_ns) {
		wa->sw_debounce = 1;
		ec.edges = PINWATCH_EDGE_BOTH;
	}
	if (cfg->event_buffer && !(b->caps & PW_CAP_EVENT_BUFFER)) {
		pw_detail("the %s backend has no settable event buffer", b->ops->name);
		ret = -EOPNOTSUPP;
		goto err_free;
	}
	wa->backend_edges = ec.edges;
	ret = add_slot_locked(w, wa);
	if (ret < 0)
		goto err_free;
	ret = b->ops->edges_enable(p->line, &ec, &wa->fd);
	if (ret < 0)
		goto err_slot;
	struct epoll_event ee = {
		.events = (b->ops->watch_events ? b->ops->watch_events : EPOLLIN) | EPOLLERR | EPOLLHUP,
		.data.u64 = wa->id,
	};
	if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, wa->fd, &ee) < 0) {
		ret = -errno;
		pw_detail("epoll_ctl: cannot watch descriptor %d", wa->fd);
		b->ops->edges_disable(p->line);
		goto err_slot;
	}
	wa->registered = 1;
	p->watch = wa;
	*out = wa->id;
	pw_unlock();
	return 0;

err_slot:
	pw_watcher_unslot_locked(w, wa);
err_free:
	watch_unref_locked(wa);
out:
	pw_unlock();
	return pw_fail(ret, "%s: watch edges", what);
}

PINWATCH_API int pinwatch_watch_remove(pinwatch_watcher *w, pinwatch_watch_id id)
{
	int ret;

	pw_detail_clear();
	pw_lock();
	if (!pw_handle_live(w ? &w->h : NULL, PW_KIND_WATCHER)) {
		pw_unlock();
		return pw_errorf(-EINVAL, "watch remove: not an open watcher");
	}
	struct pw_watch *wa = pw_watcher_lookup_locked(w, id);
	ret = wa ? pw_watch_release_locked(wa) : -ENOENT;
	pw_unlock();
	if (ret == -ENOENT)
		return pw_errorf(-ENOENT, "watch %#llx: remove: No such watch on this watcher (removed already, or another watcher's)",
				 (unsigned long long)id);
	return 0;
}

PINWATCH_API int pinwatch_watch_read(pinwatch_watcher *w, pinwatch_watch_id id,
				     struct pinwatch_event *ev, size_t n, int timeout_ms)
{
	uint64_t deadline = 0;
	int ret;

	pw_detail_clear();
	if (!ev || !n)
		return pw_errorf(-EINVAL, "watch read: NULL or empty event buffer");
	if (timeout_ms > 0)
		deadline = pw_monotonic_ns() + (uint64_t)timeout_ms * 1000000u;
	pw_lock();
	if (!pw_handle_live(w ? &w->h : NULL, PW_KIND_WATCHER)) {
		pw_unlock();
		return pw_errorf(-EINVAL, "watch read: not an open watcher");
	}
	struct pw_watch *wa = pw_watcher_lookup_locked(w, id);
	if (!wa) {
		pw_unlock();
		return pw_errorf(-ENOENT, "watch %#llx: read: No such watch on this watcher",
				 (unsigned long long)id);
	}
	if (!wa->cfg.queue_size) {
		pw_unlock();
		return pw_errorf(-EINVAL, "watch %#llx: read: the watch has no queue (queue_size 0)",
				 (unsigned long long)id);
	}
	wa->refs++;
	/* Nothing blocks forever unless asked to: a removed watch wakes its
	 * readers, a faulted one returns its error once the queue is empty. */
	while (!wa->queue.len && !wa->removed && !wa->st.error && timeout_ms != 0) {
		if (pw_cond_wait_until(&wa->cv, deadline) == -ETIMEDOUT)
			break;
	}
	if (wa->queue.len)
		ret = (int)pw_queue_pop(&wa->queue, ev, n);
	else if (wa->removed)
		ret = pw_errorf(-ENOENT, "watch %#llx: read: the watch was removed", (unsigned long long)id);
	else if (wa->st.error)
		ret = pw_fail(wa->st.error, "watch %#llx: read", (unsigned long long)id);
	else
		ret = 0;
	watch_unref_locked(wa);
	pw_unlock();
	return ret;
}

PINWATCH_API int pinwatch_watch_stats(pinwatch_watcher *w, pinwatch_watch_id id,
				      struct pinwatch_watch_stats *out)
{
	if (!out)
		return pw_errorf(-EINVAL, "watch stats: NULL result");
	pw_lock();
	struct pw_watch *wa = pw_handle_live(w ? &w->h : NULL, PW_KIND_WATCHER)
		? pw_watcher_lookup_locked(w, id) : NULL;
	if (wa) {
		*out = wa->st;
		out->queued = wa->queue.len;
	}
	pw_unlock();
	if (!wa)
		return pw_errorf(-ENOENT, "watch %#llx: stats: No such watch on this watcher",
				 (unsigned long long)id);
	return 0;
}
