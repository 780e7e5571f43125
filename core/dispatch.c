/* SPDX-License-Identifier: MIT */
/*
 * The dispatch loop: one epoll_wait, then each ready watch in turn -- read
 * its pending events in a batch, account them, call back.
 *
 * Events fetched by one epoll_wait may belong to a watch closed by an
 * earlier callback of the same batch (the libuv/Redis ae lesson), so each is
 * looked up again by its id (slot + serial, never reused) before use.  The
 * watch being read or called back is the watcher's `current`: a closer on
 * another thread waits until it is not (closing.c).
 *
 * Prompt stop: stop and free are checked before every event and every
 * callback, so once either is called at most the callback already running
 * completes.  What a callback watch had read but not yet delivered stays in
 * its backlog (counted in stats.queued) and is delivered first by the next
 * dispatch; closing the watch discards it.
 *
 * No silent stall: a read that keeps failing with EINTR or EAGAIN leaves
 * its descriptor ready, and a level-triggered loop would spin while the
 * watch counts nothing -- the seed bug.  EINTR is retried at once; after
 * PW_STALL_LIMIT such reads in a row (a read that succeeds, events or none,
 * resets the count) the watch gets one error event and is disabled, like
 * any other fault.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "internal.h"

#define EPOLL_BATCH 16

static int halted(const pinwatch_watcher *w)
{
	return w->closing || w->stopping;
}

/* A flag another thread sets under the core lock, read by the dispatcher
 * without it between two callbacks. */
static int flag_set(const int *flag)
{
	return __atomic_load_n(flag, __ATOMIC_RELAXED);
}

/* Call back the watch's backlog, in order, until it is empty or the watch
 * or watcher closes or stops.  Core lock held, dropped once for the whole
 * run rather than once per callback: what others can see stays exact all
 * the same -- wa->flight says how many of the backlog's events have been
 * handed over (stats count them as delivered, no longer queued), and a
 * close, stop or free (its flag set under the lock) ends the run before
 * the next callback. */
static unsigned deliver_backlog_locked(pinwatch_watcher *w, struct pw_watch *wa)
{
	/* (free sets stopping too, so stopping covers w->closing) */
	if (!wa->backlog_len || wa->closing || w->stopping)
		return 0;
	/* ev stays valid: the dispatcher holds a reference on wa, and only
	 * the dispatcher writes the backlog. */
	const struct pinwatch_event *ev = &wa->backlog[wa->backlog_head];
	unsigned len = wa->backlog_len, k = 0;
	uint64_t delivered = 0;
	pinwatch_callback cb = wa->cfg.callback;
	void *ctx = wa->cfg.ctx;

	pw_unlock();
	do {
		__atomic_store_n(&wa->flight, k + 1, __ATOMIC_RELAXED);
		delivered += pw_event_is_delivery(&ev[k]);
		cb(&ev[k], ctx);
	} while (++k < len && !flag_set(&wa->closing) && !flag_set(&w->stopping));
	pw_lock();
	wa->st.delivered += delivered;
	__atomic_store_n(&wa->flight, 0, __ATOMIC_RELAXED);
	if (!wa->closing) {   /* a close discarded the rest (backlog_len 0) */
		wa->backlog_head += k;
		wa->backlog_len -= k;
	}
	return k;
}

void pw_backlog_account_locked(pinwatch_watcher *w, struct pw_watch *wa)
{
	/* issue 16: a group watch's merge left by a stop is a backlog too */
	int has = (wa->backlog_len || (wa->gw && wa->gw->resume)) && !wa->closing;

	if (has != wa->backlog_counted) {
		wa->backlog_counted = has;
		if (has)
			w->backlogged++;
		else
			w->backlogged--;
	}
}

/* w->current = wa for the duration; a reference keeps wa (and the event a
 * callback is looking at) alive even if the callback closes its own watch. */
static void enter_locked(pinwatch_watcher *w, struct pw_watch *wa)
{
	w->current = wa;
	wa->refs++;
}

static void leave_locked(pinwatch_watcher *w, struct pw_watch *wa)
{
	w->current = NULL;
	pw_broadcast();                      /* closers waiting for wa */
	pw_watch_finish_if_closing_locked(wa);
	pw_watch_unref_locked(wa);
}

/* Call back what the backlog holds, keep the watcher's count of backlogs,
 * and leave WA: the end of every visit of a watch.  Returns the callbacks
 * made. */
static unsigned deliver_and_leave_locked(pinwatch_watcher *w, struct pw_watch *wa)
{
	unsigned called = deliver_backlog_locked(w, wa);

	pw_backlog_account_locked(w, wa);
	leave_locked(w, wa);
	return called;
}

static int read_batch(pinwatch_pin *p, struct pw_raw_event *raw)
{
	int n;

	for (int i = 0;; i++) {
		n = p->board->ops->read_events(p->line, raw, PW_READ_BATCH);
		if (n != -EINTR || i == PW_EINTR_RETRIES)
			return n;
	}
}

/* One ready watch.  Returns the number of events read. */
static int dispatch_watch_locked(pinwatch_watcher *w, struct pw_watch *wa)
{
	struct pw_raw_event raw[PW_READ_BATCH];
	size_t nout = 0;
	int n = 0;

	enter_locked(w, wa);
	if (wa->gw) {   /* issue 16: a group watch's one descriptor */
		n = pw_group_watch_read_locked(wa);
		leave_locked(w, wa);
		return n;
	}
	if (wa->backlog_len)
		goto deliver;   /* read more only once what was read is delivered */
	if (wa->info) {   /* a line-info watch (info.c) */
		n = pw_info_read_locked(wa, &nout);
		if (wa->closing)
			goto out;
		wa->backlog_head = 0;
		wa->backlog_len = (unsigned)nout;
		goto deliver;
	}
	pinwatch_pin *p = wa->pin;
	pw_unlock();
	n = read_batch(p, raw);
	pw_lock();
	if (wa->closing)
		goto out;   /* closed while we read: what we read goes with it */
	if (n > 0) {
		wa->stalls = 0;
		if (wa->timerfd >= 0)
			pw_idle_rearm_locked(wa);
		nout = pw_account_events_locked(wa, raw, (size_t)n, wa->backlog);
	} else if (n == 0) {
		wa->stalls = 0;   /* nothing pending: the backend consumed the wake-up */
	} else if (n == -EINTR || n == -EAGAIN) {
		if (++wa->stalls >= PW_STALL_LIMIT)
			nout = pw_account_fault_locked(wa, n, wa->backlog);
	} else {
		nout = pw_account_fault_locked(wa, n, wa->backlog);
	}
	wa->backlog_head = 0;
	wa->backlog_len = (unsigned)nout;
deliver:
	deliver_and_leave_locked(w, wa);
	return n > 0 ? n : 0;
out:
	leave_locked(w, wa);
	return n > 0 ? n : 0;
}

/* The idle timer of WA fired: one PINWATCH_EVENT_IDLE, after whatever the
 * backlog still holds. */
static int dispatch_idle_locked(pinwatch_watcher *w, struct pw_watch *wa)
{
	if (wa->gw) {   /* issue 16: a group watch's timer flushes its merge */
		enter_locked(w, wa);
		pw_group_watch_timer_locked(wa);
		leave_locked(w, wa);
		return 0;
	}
	uint64_t now, periods = pw_idle_expired_locked(wa, &now);

	if (!periods)
		return 0;
	enter_locked(w, wa);
	if (!wa->backlog_len)
		wa->backlog_head = 0;
	wa->backlog_len += (unsigned)pw_account_idle_locked(wa, now, periods,
				&wa->backlog[wa->backlog_head + wa->backlog_len]);
	deliver_and_leave_locked(w, wa);
	return 0;
}

/* Backlogs left by a stop: deliver them before waiting for more. */
static int deliver_backlogs_locked(pinwatch_watcher *w)
{
	int called = 0;

	for (unsigned i = 0; i < w->num_slots && w->backlogged && !halted(w); i++) {
		struct pw_watch *wa = w->slots[i];
		if (wa && wa->gw && wa->gw->resume) {   /* issue 16 */
			enter_locked(w, wa);
			called += (int)pw_group_watch_resume_locked(wa);
			leave_locked(w, wa);
			continue;
		}
		if (!wa || !wa->backlog_len)
			continue;
		enter_locked(w, wa);
		called += (int)deliver_and_leave_locked(w, wa);
	}
	return called;
}

void pw_watcher_wake(pinwatch_watcher *w)
{
	uint64_t one = 1;
	ssize_t n = write(w->wakefd, &one, sizeof(one));
	(void)n; /* EAGAIN: the counter is already non-zero, a wake is pending */
}

int pw_dispatch_once_locked(pinwatch_watcher *w, int timeout_ms)
{
	struct epoll_event evs[EPOLL_BATCH];
	int total = 0;

	if (w->backlogged && deliver_backlogs_locked(w))
		timeout_ms = 0;
	if (halted(w))
		return 0;
	pw_unlock();
	int n = epoll_wait(w->epfd, evs, EPOLL_BATCH, timeout_ms);
	int err = n < 0 ? errno : 0;
	pw_lock();
	if (n < 0)
		return err == EINTR ? 0 : -err;
	for (int i = 0; i < n && !halted(w); i++) {
		uint64_t token = evs[i].data.u64;
		if (token == PW_TOKEN_WAKE) {
			uint64_t v;
			ssize_t r = read(w->wakefd, &v, sizeof(v));
			(void)r;
			continue;
		}
		struct pw_watch *wa = pw_slots_find_locked(w, token & ~PW_TOKEN_TIMER);
		if (!wa || !pw_watch_active(wa))
			continue;   /* closed or disabled earlier in this batch */
		if (token & PW_TOKEN_TIMER)
			total += dispatch_idle_locked(w, wa);
		else
			total += dispatch_watch_locked(w, wa);
	}
	return total;
}
