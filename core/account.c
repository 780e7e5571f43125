/* SPDX-License-Identifier: MIT */
/*
 * Event accounting of a watch: seqno, lost events (kernel-reported,
 * inferred, queue overflow), software debounce, counters.  Pure bookkeeping
 * on one struct pw_watch, with the core lock held; no I/O, no callbacks.
 *
 * Counters-only watches (no callback, no queue) stop at the counters: no
 * event is built for them.
 */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>

#include "internal.h"

/* Hand EV to the watch's queue. */
static void queue_locked(struct pw_watch *wa, const struct pinwatch_event *ev)
{
	if (pw_queue_push(&wa->queue, ev, 0) < 0) {
		/* Full: drop the newest, count it, tell the next one. */
		wa->st.lost_queue++;
		wa->st.lost++;
		wa->pending_lost = ev->lost + 1;
		return;
	}
	wa->st.delivered++;
}

static int counters_only(const struct pw_watch *wa)
{
	return !wa->cfg.queue_size && !wa->cfg.callback;
}

/* One raw event of a batch: its stats, and the event it makes, if any,
 * in out.  Returns how many events it put in out.  Inlined into the two
 * loops below, with COUNTING and DEBOUNCE constant in the first, so that a
 * counters-only watch's loop holds only what it does per edge. */
static inline __attribute__((always_inline)) size_t
account_one(struct pw_watch *wa, const struct pw_raw_event *r, int runs, int counting,
	    int debounce, struct pinwatch_event *out)
{
	int value = r->edge == PINWATCH_EDGE_RISING;
	uint64_t run = runs && r->count > 1 ? r->count : 1;
	uint64_t gap = 0;

	if (r->edge == PINWATCH_EVENT_IDLE)   /* the backend's watchdog */
		return pw_account_idle_locked(wa, r->timestamp_ns, r->count ? r->count : 1, out);

	/* Lost where the kernel says so: a gap in its sequence. */
	if (r->seqno) {
		/* backends number a line's edges from 1 at edges_enable */
		if (r->seqno > wa->src_seqno + run)
			gap = r->seqno - wa->src_seqno - run;
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

	/* Leading-edge software debounce: an edge counts when it changes
	 * the debounced level and debounce_ns have passed since the last
	 * accepted edge. */
	if (debounce) {
		if (value == wa->deb_level ||
		    (wa->deb_level >= 0 && r->timestamp_ns - wa->deb_ts < wa->cfg.debounce_ns)) {
			wa->st.filtered++;
			return 0;
		}
		wa->deb_level = value;
		wa->deb_ts = r->timestamp_ns;
	}
	if (!(wa->cfg.edges & r->edge))
		return 0;
	if (value)
		wa->st.rising += run;
	else
		wa->st.falling += run;
	wa->seqno += run;
	if (counting) {
		wa->st.delivered += run;
		wa->pending_lost = 0;
		return 0;
	}
	/* Built where it goes: a callback's straight into out (delivered
	 * when called back), a queue's then pushed. */
	struct pinwatch_event qev, *ev = wa->cfg.queue_size ? &qev : out;
	*ev = (struct pinwatch_event){
		.pin = wa->pin,
		.watch = wa->id,
		.edge = r->edge,
		.value = value,
		.timestamp_ns = r->timestamp_ns,
		.seqno = wa->seqno,
		.lost = wa->pending_lost,
		.clock = wa->clock,
	};
	wa->pending_lost = 0;
	if (ev == out)
		return 1;
	queue_locked(wa, ev);
	return 0;
}

size_t pw_account_events_locked(struct pw_watch *wa, const struct pw_raw_event *raw,
				size_t nraw, struct pinwatch_event *out)
{
	size_t nout = 0;
	size_t queued_before = wa->queue.len;

	if (counters_only(wa) && !wa->sw_debounce) {
		/* A counting backend's run of edges, read as one step of the
		 * kernel's count: counted as a run, never delivered one by one
		 * (counters-only watches). */
		const int runs = wa->edge_runs;
		for (size_t i = 0; i < nraw; i++)
			nout += account_one(wa, &raw[i], runs, 1, 0, out + nout);
		return nout;
	}
	const int counting = counters_only(wa);
	for (size_t i = 0; i < nraw; i++)
		nout += account_one(wa, &raw[i], 0, counting, wa->sw_debounce, out + nout);
	if (wa->queue.len != queued_before && wa->readers)
		pthread_cond_broadcast(&wa->cv);   /* once per batch, if anyone waits */
	return nout;
}

/* An event that is not an edge (an error or an idle report): queued with
 * the spare slot (reserve), or handed to the callback. */
static size_t report_locked(struct pw_watch *wa, const struct pinwatch_event *ev,
			    struct pinwatch_event *out, int reserve)
{
	if (wa->cfg.queue_size) {
		pw_queue_push(&wa->queue, ev, reserve);
		if (wa->readers)
			pthread_cond_broadcast(&wa->cv);
		return 0;
	}
	if (wa->cfg.callback) {
		out[0] = *ev;
		return 1;
	}
	return 0;
}

size_t pw_account_fault_locked(struct pw_watch *wa, int err, struct pinwatch_event *out)
{
	struct pinwatch_event ev = {
		.pin = wa->pin,
		.watch = wa->id,
		.edge = PINWATCH_EVENT_ERROR,
		.value = err,
		.timestamp_ns = pw_monotonic_ns(),
		.seqno = 0,
		.lost = wa->pending_lost,
		.clock = PINWATCH_CLOCK_MONOTONIC,
	};

	pw_watch_disable_locked(wa, err);
	if (wa->group_parent)   /* a group watch is one watch: it ends with it */
		pw_group_watch_member_fault_locked(wa->group_parent, wa, err);
	return report_locked(wa, &ev, out, 1);   /* the spare slot: always reported */
}

void pw_watch_disable_locked(struct pw_watch *wa, int err)
{
	pinwatch_watcher *w = wa->watcher;

	/* Disabled for good: out of epoll, so the loop never spins on a dead
	 * descriptor; the line keeps it until the watch is removed. */
	if (w->epfd >= 0) {
		if (wa->fd >= 0)
			epoll_ctl(w->epfd, EPOLL_CTL_DEL, wa->fd, NULL);
		if (wa->timerfd >= 0)
			epoll_ctl(w->epfd, EPOLL_CTL_DEL, wa->timerfd, NULL);
	}
	wa->st.error = err;
}

size_t pw_account_idle_locked(struct pw_watch *wa, uint64_t when_ns, uint64_t periods,
			      struct pinwatch_event *out)
{
	struct pinwatch_event ev = {
		.pin = wa->pin,
		.watch = wa->id,
		.edge = PINWATCH_EVENT_IDLE,
		.value = periods > INT32_MAX ? INT32_MAX : (int)periods,
		.timestamp_ns = when_ns,
		.seqno = 0,
		.lost = 0,
		.clock = wa->pin ? wa->pin->board->clock : wa->clock,   /* the timer's */
	};

	wa->st.idle += periods;
	return report_locked(wa, &ev, out, 0);   /* a full queue is not idle */
}
