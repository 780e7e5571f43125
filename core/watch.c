/* SPDX-License-Identifier: MIT */
/*
 * Watches: one subscription of one pin to edges, with a callback, a bounded
 * queue, or counters only.  The public watch calls; the accounting is in
 * account.c, the teardown in closing.c, the loop in dispatch.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "internal.h"

#define EVENT_BUFFER_MAX 65536

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
	if (cfg->event_clock < PINWATCH_CLOCK_MONOTONIC || cfg->event_clock > PINWATCH_CLOCK_HTE) {
		pw_detail("event_clock %d: not a pinwatch_clock", cfg->event_clock);
		return -EINVAL;
	}
	if (cfg->event_buffer > EVENT_BUFFER_MAX) {
		pw_detail("event_buffer %u: at most %u", cfg->event_buffer, EVENT_BUFFER_MAX);
		return -EINVAL;
	}
	return 0;
}

/* What the backend is asked for: software debounce needs both edges to
 * follow the level; a counters-only watch gets the backend's counting
 * buffer, so that a burst between two reads is counted, not lost. */
static int edge_config(const pinwatch_board *b, struct pw_watch *wa, struct pw_edge_config *ec)
{
	const struct pinwatch_watch_config *cfg = &wa->cfg;

	ec->edges = cfg->edges;
	ec->event_buffer = cfg->event_buffer;
	ec->debounce_ns = 0;
	ec->per_event = cfg->callback || cfg->queue_size;
	/* The backend refuses a clock it cannot give (saying which it uses);
	 * events then report the one chosen. */
	ec->clock = cfg->event_clock;
	wa->clock = cfg->event_clock ? cfg->event_clock : b->clock;
	if (cfg->debounce_ns && (b->caps & PW_CAP_KERNEL_DEBOUNCE)) {
		ec->debounce_ns = cfg->debounce_ns;
	} else if (cfg->debounce_ns) {
		wa->sw_debounce = 1;
		ec->edges = PINWATCH_EDGE_BOTH;
	}
	if (cfg->event_buffer && !(b->caps & PW_CAP_EVENT_BUFFER)) {
		pw_detail("the %s backend has no settable event buffer", b->ops->name);
		return -EOPNOTSUPP;
	}
	if (!cfg->event_buffer && !cfg->callback && !cfg->queue_size &&
	    (b->caps & PW_CAP_EVENT_BUFFER))
		ec->event_buffer = b->ops->counting_buffer;
	wa->backend_edges = ec->edges;
	wa->loss_seen = (b->caps & PW_CAP_KERNEL_SEQNO) ? PINWATCH_LOSS_COUNTED : PINWATCH_LOSS_AT_LEAST;
	wa->edge_runs = (b->caps & PW_CAP_EDGE_RUNS) != 0;
	return 0;
}

struct pw_watch *pw_watch_new_locked(pinwatch_watcher *w, pinwatch_pin *p, const char *what,
				     const struct pinwatch_watch_config *cfg, int *err)
{
	struct pw_watch *wa = calloc(1, sizeof(*wa));

	*err = -ENOMEM;
	if (!wa)
		return NULL;
	wa->cfg = *cfg;
	if (!wa->cfg.edges)
		wa->cfg.edges = PINWATCH_EDGE_BOTH;
	wa->watcher = w;
	wa->pin = p;
	snprintf(wa->what, sizeof(wa->what), "%s", what);
	wa->fd = -1;
	wa->timerfd = -1;
	wa->refs = 1;   /* the slot's */
	wa->last_value = -1;
	wa->deb_level = -1;
	pw_cond_init(&wa->cv);
	*err = pw_queue_init(&wa->queue, cfg->queue_size);
	if (*err < 0)
		goto fail;
	if (cfg->ctx_size) {
		/* Rule 6: the watch owns a copy, freed with it. */
		wa->ctx_copy = malloc(cfg->ctx_size);
		*err = -ENOMEM;
		if (!wa->ctx_copy)
			goto fail;
		memcpy(wa->ctx_copy, cfg->ctx, cfg->ctx_size);
		wa->cfg.ctx = wa->ctx_copy;
	}
	*err = 0;
	return wa;
fail:
	pw_watch_unref_locked(wa);
	return NULL;
}

/* A one-pin watch; with PARENT, member SRC of a group watch (issue 16). */
static int watch_add(pinwatch_watcher *w, pinwatch_pin *p, const struct pinwatch_watch_config *cfg,
		     struct pw_watch *parent, unsigned src, pinwatch_watch_id *out)
{
	static const struct pinwatch_watch_config defaults;
	struct pw_edge_config ec;
	struct pw_watch *wa = NULL;
	char what[128] = "watch add";
	int ret, was;

	pw_detail_clear();
	if (!out)
		return pw_errorf(-EINVAL, "watch add: NULL id pointer");
	*out = 0;
	if (!cfg)
		cfg = &defaults;
	pw_lock();
	if (!pw_live(w, PW_KIND_WATCHER) || !pw_live(p, PW_KIND_PIN)) {
		pw_unlock();
		return pw_errorf(-EINVAL, "watch add: not an open watcher and pin");
	}
	snprintf(what, sizeof(what), "%s", p->h.what);
	pinwatch_board *b = p->board;
	ret = check_config(cfg);
	if (ret < 0)
		goto out;
	if (p->cfg.direction != PINWATCH_DIR_INPUT) {
		pw_detail("the line is an output; edges are watched on inputs");
		ret = -EINVAL;
		goto out;
	}
	/* A member first: its watch, if any, is the group's, and the fix is
	 * to watch the group, not to remove a watch the caller never added. */
	if (p->group && !parent) {
		pw_detail("the pin is a member of a group: watch the group (pinwatch_watch_add_group)");
		ret = -EBUSY;
		goto out;
	}
	if (p->watch) {
		pw_detail("the pin is already watched (one watch per pin)");
		ret = -EBUSY;
		goto out;
	}
	if (parent && parent->closing) {
		pw_detail("the group watch was removed meanwhile");
		ret = -EINVAL;
		goto out;
	}
	wa = pw_watch_new_locked(w, p, p->h.what, cfg, &ret);
	if (!wa)
		goto out;
	ret = edge_config(b, wa, &ec);
	if (ret == 0)
		ret = pw_slots_add_locked(w, wa);
	if (ret < 0) {
		pw_watch_unref_locked(wa);
		goto out;
	}
	if (parent) {   /* the group watch's member: closed with it */
		wa->group_parent = parent;
		wa->no_edges = parent->gw->group_edges;
		parent->refs++;
		parent->gw->members[src] = wa;
		wa->refs++;
	}
	/* The pin is watched from here on: a close of the pin or the watcher
	 * meanwhile closes this watch, after our line operation. */
	p->watch = wa;
	wa->refs++;   /* ours, across the unlocked enable */
	pw_pin_line_claim_locked(p);
	pw_unlock();
	int fd = -1;
	/* A member fed by its group's descriptor has no edges of its own. */
	ret = wa->no_edges ? 0 : b->ops->edges_enable(p->line, &ec, &fd);
	pw_lock();
	wa->fd = fd;   /* under the lock: a closer meanwhile reads it */
	pw_pin_line_done_locked(p);
	if (ret < 0) {
		/* Nothing to disable: undo the links ourselves. */
		if (!wa->closing) {
			pw_flag_set(&wa->closing, 1);
			pw_slots_remove_locked(w, wa);
		}
		if (wa->pin) {
			wa->pin = NULL;
			p->watch = NULL;
			pw_watch_unref_locked(wa);   /* the slot's */
		}
		goto out_ref;
	}
	if (wa->closing) {
		ret = -EINVAL;
		pw_detail("the pin or the watcher was closed meanwhile");
		goto out_ref;
	}
	struct epoll_event ee = {
		.events = EPOLLIN | EPOLLPRI | EPOLLERR | EPOLLHUP,
		.data.u64 = wa->id,
	};
	if (!wa->no_edges && epoll_ctl(w->epfd, EPOLL_CTL_ADD, wa->fd, &ee) < 0) {
		ret = -errno;
		pw_detail("epoll_ctl: cannot watch descriptor %d", wa->fd);
		wa->st.error = ret;   /* never in epoll: nothing to take out */
		pw_watch_close_locked(wa, &was);
		goto out_ref;
	}
	ret = pw_idle_arm_locked(w, wa);
	if (ret < 0) {
		pw_watch_close_locked(wa, &was);
		goto out_ref;
	}
	*out = wa->id;
	pw_watch_unref_locked(wa);
	pw_unlock();
	return 0;

out_ref:
	pw_watch_unref_locked(wa);
out:
	pw_unlock();
	return pw_fail(ret, "%s: watch edges", what);
}

PINWATCH_API int pinwatch_watch_add(pinwatch_watcher *w, pinwatch_pin *p,
				    const struct pinwatch_watch_config *cfg,
				    pinwatch_watch_id *out)
{
	return watch_add(w, p, cfg, NULL, 0, out);
}

int pw_watch_add_member(pinwatch_watcher *w, pinwatch_pin *p, const struct pinwatch_watch_config *cfg,
			struct pw_watch *parent, unsigned src, pinwatch_watch_id *out)
{
	return watch_add(w, p, cfg, parent, src, out);
}

PINWATCH_API int pinwatch_watch_remove(pinwatch_watcher *w, pinwatch_watch_id id)
{
	char what[128];
	int ret, was;

	pw_detail_clear();
	pw_lock();
	if (!pw_live(w, PW_KIND_WATCHER)) {
		pw_unlock();
		return pw_errorf(-EINVAL, "watch remove: not an open watcher");
	}
	struct pw_watch *wa = pw_slots_find_locked(w, id);
	if (!wa) {
		pw_unlock();
		return pw_errorf(-ENOENT, "watch %#llx: remove: No such watch on this watcher (removed already, or another watcher's)",
				 (unsigned long long)id);
	}
	memcpy(what, wa->what, sizeof(what));
	ret = pw_watch_close_locked(wa, &was);
	pw_unlock();
	if (ret == -EDEADLK)
		return pw_errorf(-EDEADLK, "%s: remove watch: Resource deadlock avoided: its callback is running "
				 "on a dispatcher that is waiting for this thread's own callback; the watch "
				 "is removed (it never runs again after that callback) but not waited for",
				 what);
	return 0;
}

struct pw_watch *pw_queue_wait(pinwatch_watcher *w, pinwatch_watch_id id, int info,
			       const void *ev, size_t n, int timeout_ms, int *ret)
{
	const char *op = info ? "info read" : "watch read";
	const char *reading = info ? "read info events" : "read events";
	uint64_t deadline = 0;

	pw_detail_clear();
	if (!ev || !n) {
		*ret = pw_errorf(-EINVAL, "%s: NULL or empty event buffer", op);
		return NULL;
	}
	if (timeout_ms < -1) {
		*ret = pw_errorf(-EINVAL, "%s: timeout %d ms: want -1 (forever), 0 or more", op, timeout_ms);
		return NULL;
	}
	if (timeout_ms > 0)
		deadline = pw_monotonic_ns() + (uint64_t)timeout_ms * 1000000u;
	pw_lock();
	if (!pw_live(w, PW_KIND_WATCHER)) {
		pw_unlock();
		*ret = pw_errorf(-EINVAL, "%s: not an open watcher", op);
		return NULL;
	}
	struct pw_watch *wa = pw_slots_find_locked(w, id);
	if (!wa) {
		pw_unlock();
		*ret = pw_errorf(-ENOENT, "watch %#llx: %s: No such watch on this watcher",
				 (unsigned long long)id, info ? "info read" : "read");
		return NULL;
	}
	if (!wa->cfg.queue_size || !wa->info != !info) {
		*ret = pw_errorf(-EINVAL, !wa->info == !info ? "%s: %s: the watch has no queue (queue_size 0)"
				 : wa->info ? "%s: %s: an info watch is read with pinwatch_info_read"
				 : "%s: %s: an edge watch is read with pinwatch_watch_read", wa->what, reading);
		pw_unlock();
		return NULL;
	}
	wa->refs++;
	/* Nothing blocks forever unless asked to: a closed watch wakes its
	 * readers, a faulted one returns its error once the queue is empty. */
	while (!wa->queue.len && !wa->closing && !wa->st.error && timeout_ms != 0) {
		wa->readers++;   /* accounting broadcasts only to waiting readers */
		int timed_out = pw_cond_wait_until(&wa->cv, deadline) == -ETIMEDOUT;
		wa->readers--;
		if (timed_out)
			break;
	}
	if (wa->queue.len)
		return wa;
	if (wa->closing)
		*ret = pw_errorf(-ENOENT, "%s: %s: the watch was removed", wa->what, reading);
	else if (wa->st.error)
		*ret = pw_fail(wa->st.error, "%s: %s: the watch is disabled by a fault", wa->what, reading);
	else
		*ret = 0;
	pw_queue_done_locked(wa);
	return NULL;
}

void pw_queue_done_locked(struct pw_watch *wa)
{
	pw_watch_unref_locked(wa);
	pw_unlock();
}

PINWATCH_API int pinwatch_watch_read(pinwatch_watcher *w, pinwatch_watch_id id,
				     struct pinwatch_event *ev, size_t n, int timeout_ms)
{
	int ret;
	struct pw_watch *wa = pw_queue_wait(w, id, 0, ev, n, timeout_ms, &ret);

	if (!wa)
		return ret;
	ret = (int)pw_queue_pop(&wa->queue, ev, n);
	pw_queue_done_locked(wa);
	return ret;
}

PINWATCH_API int pinwatch_watch_stats(pinwatch_watcher *w, pinwatch_watch_id id,
				      struct pinwatch_watch_stats *out)
{
	if (!out)
		return pw_errorf(-EINVAL, "watch stats: NULL result");
	pw_lock();
	if (!pw_live(w, PW_KIND_WATCHER)) {
		pw_unlock();
		return pw_errorf(-EINVAL, "watch stats: not an open watcher");
	}
	struct pw_watch *wa = pw_slots_find_locked(w, id);
	if (wa && wa->gw) {
		pw_group_watch_stats_locked(wa, out);   /* issue 16: over its members */
	} else if (wa) {
		*out = wa->st;
		/* the dispatcher's unlocked run has handed over `flight` */
		unsigned flight = __atomic_load_n(&wa->flight, __ATOMIC_RELAXED);
		for (unsigned i = 0; i < flight; i++)
			if (pw_event_is_delivery(&wa->backlog[wa->backlog_head + i]))
				out->delivered++;
		out->queued = wa->queue.len + pw_backlog_left(wa);
		out->loss_seen = wa->loss_seen;
	}
	pw_unlock();
	if (!wa)
		return pw_errorf(-ENOENT, "watch %#llx: stats: No such watch on this watcher",
				 (unsigned long long)id);
	return 0;
}
