/* SPDX-License-Identifier: MIT */
/*
 * The group watch (issue 16): one watch id over every member of a group,
 * its events delivered in timestamp order across members.
 *
 * It is a parent watch (in the watcher's slots: the id, the queue or the
 * callback, a flush timer) over one ordinary one-pin watch per member, so
 * that per-line accounting (seqno, lost inference, debounce, counters) is
 * exactly the one-pin watch's.  A member's events go to the parent's merge
 * (merge.c) instead of a consumer; each flush releases what can no longer
 * be preceded by another member's event:
 *
 *   - a member that holds an event cannot (its kernel/sim order);
 *   - a member seen with nothing unread at a time T cannot produce an event
 *     stamped before T - hold_ns.  hold_ns is the latency bound: 0 for a
 *     backend whose now() is a watermark (the sim: every edge stamped up to
 *     it is in its ring), PINWATCH_GROUP_ORDER_NS for the real clocks of
 *     chardev and sysfs.
 *
 * A timer (real clocks) flushes what an idle member would otherwise hold
 * back; the merge is bounded, and releases early rather than block or grow.
 *
 * Teardown: closing the parent closes its members first (each with the
 * one-pin guarantees, closing.c), then waits out a flush on another thread;
 * it ends (pw_group_watch_finish_locked) once every member is released.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define MERGE_CAP 1024u
#define RETRY_NS 1000000ull   /* a flush that could release nothing retries after */
#define STUCK_HOLDS 10        /* see flush_locked */

struct member_ctx {
	struct pw_watch *parent;
	unsigned src;
};

static uint64_t clock_ns(int clock)
{
	struct timespec ts;

	clock_gettime(clock == PINWATCH_CLOCK_REALTIME ? CLOCK_REALTIME : CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t pw_board_now(const pinwatch_board *b)
{
	return b->ops->now ? b->ops->now(b->state) : clock_ns(b->clock);
}

/* Now on the clock of PA's events: the board's (its watermark, where the
 * backend has one), or the event clock the watch asked for. */
static uint64_t watch_now(const struct pw_watch *pa, const pinwatch_board *b)
{
	return pa->clock == b->clock ? pw_board_now(b) : clock_ns(pa->clock);
}

void pw_group_watch_free(struct pw_group_watch *gw)
{
	pw_merge_free(&gw->merge);
	free(gw->queue_lost);
	free(gw->members);
	free(gw->quiet);
	free(gw);
}

/* Which members have nothing unread now (core lock held: a member not
 * closing keeps its descriptor open). */
static void find_quiet_locked(struct pw_group_watch *gw)
{
	for (size_t s = 0; s < gw->n; s++) {
		struct pw_watch *m = gw->members[s];
		int quiet = 1;
		if (m && pw_watch_active(m) && m->fd >= 0) {
			struct pollfd pfd = { .fd = m->fd, .events = POLLIN | POLLPRI };
			quiet = !pw_backlog_left(m) && poll(&pfd, 1, 0) == 0;
		}
		gw->quiet[s] = (unsigned char)quiet;
	}
}

static void arm_timer_locked(struct pw_watch *pa, int clock)
{
	struct pw_group_watch *gw = pa->gw;
	struct itimerspec its = { 0 };

	if (pa->timerfd < 0)
		return;
	if (gw->merge.len) {
		uint64_t due = pw_merge_due(&gw->merge, gw->hold_ns);
		uint64_t soon = clock_ns(clock) + RETRY_NS;
		if (due < soon)
			due = soon;
		its.it_value.tv_sec = (time_t)(due / 1000000000u);
		its.it_value.tv_nsec = (long)(due % 1000000000u);
	}
	timerfd_settime(pa->timerfd, TFD_TIMER_ABSTIME, &its, NULL);
}

/* What EV's member has lost to a full queue since its last queued event. */
static uint64_t *queue_lost_of(struct pw_watch *pa, const struct pinwatch_event *ev)
{
	const struct pw_group_watch *gw = pa->gw;

	for (size_t i = 0; gw->group && ev->pin && i < gw->n; i++)
		if (gw->group->pins[i] == ev->pin)
			return &gw->queue_lost[i];
	return &pa->pending_lost;
}

/* Hand EV to the group's consumer (the lock is dropped for a callback). */
static void deliver_locked(struct pw_watch *pa, struct pinwatch_event *ev)
{
	int edge = ev->edge == PINWATCH_EDGE_RISING || ev->edge == PINWATCH_EDGE_FALLING;

	if (pa->gw->ended)
		return;   /* after its error event, nothing (rule 5) */
	if (ev->edge == PINWATCH_EVENT_ERROR) {
		/* the last it delivers: what the merge still holds goes with
		 * the watch, as a closed one's does */
		pa->gw->ended = 1;
		pw_merge_clear(&pa->gw->merge);
	}

	if (pa->cfg.queue_size) {
		uint64_t *pending = queue_lost_of(pa, ev);
		if (edge)
			ev->lost += *pending;
		if (pw_queue_push(&pa->queue, ev, !edge) < 0) {
			pa->st.lost_queue++;
			pa->st.lost++;
			*pending = ev->lost + 1;
			return;
		}
		if (edge) {
			*pending = 0;
			pa->st.delivered++;
		}
		pthread_cond_broadcast(&pa->cv);
		return;
	}
	pinwatch_callback cb = pa->cfg.callback;
	void *ctx = pa->cfg.ctx;
	if (edge)
		pa->st.delivered++;
	pw_unlock();
	cb(ev, ctx);
	pw_lock();
}

/* Rule 7: once a stop or free is called, no other callback starts -- the
 * flush leaves the rest in the merge, for the next dispatch to resume.  A
 * queue is no callback: it is filled on. */
static int stopped_locked(struct pw_watch *pa)
{
	const pinwatch_watcher *w = pa->watcher;

	if (!pa->cfg.callback || !(w->stopping || w->closing))
		return 0;
	if (!pa->gw->resume) {
		pa->gw->resume = 1;
		pw_backlog_account_locked(pa->watcher, pa);
	}
	return 1;
}

/* Release, in order, what no member can precede any more.  The dispatcher
 * only, with the parent or a member entered; now: the board's, taken
 * before the members were looked at.  Returns the events released. */
static unsigned flush_locked(struct pw_watch *pa, uint64_t now, int force, int clock)
{
	struct pw_group_watch *gw = pa->gw;
	struct pinwatch_event ev;
	unsigned released = 0;

	if (gw->flushing)
		return 0;
	gw->flushing = 1;
	find_quiet_locked(gw);
	for (;;) {
		/* A member that stays readable without delivering (a stuck
		 * descriptor) holds the others back STUCK_HOLDS windows at most. */
		uint64_t due = pw_merge_due(&gw->merge, gw->hold_ns * STUCK_HOLDS);
		int stale = gw->hold_ns && gw->merge.len && now >= due;
		if (pa->closing || !gw->merge.len)
			break;
		if (stopped_locked(pa)) {
			gw->resume_force |= force;
			break;
		}
		if (!pw_merge_pop_ready(&gw->merge, gw->quiet, now, gw->hold_ns, force || stale, &ev))
			break;
		deliver_locked(pa, &ev);
		released++;
	}
	if (!pa->closing)
		arm_timer_locked(pa, clock);
	gw->flushing = 0;
	return released;
}

void pw_group_watch_member_fault_locked(struct pw_watch *pa, struct pw_watch *m, int err)
{
	struct pw_group_watch *gw = pa->gw;

	if (gw->fault_member)
		return;   /* it ended already: one error event */
	gw->fault_member = m;
	pa->st.error = err;
	for (size_t i = 0; i < gw->n; i++)
		if (gw->members[i] && gw->members[i] != m && pw_watch_active(gw->members[i]))
			pw_watch_disable_locked(gw->members[i], err);
}

/* A member's event (its callback: on the dispatcher, core lock not held). */
static void member_event(const struct pinwatch_event *ev, void *ctx)
{
	const struct member_ctx *mc = ctx;
	struct pw_watch *pa = mc->parent;
	const pinwatch_board *b = ev->pin->board;
	int clock = pa->clock;
	uint64_t now = watch_now(pa, b);   /* before the lock: the sim's own lock */
	struct pinwatch_event e = *ev;

	pw_lock();
	struct pw_group_watch *gw = pa->gw;
	struct pw_watch *m = gw->members[mc->src];
	e.watch = pa->id;
	/* Rule 5, the group as one watch: its error event is the fault
	 * member's, the last it delivers; what other members had read but not
	 * handed over by then goes with the watch, as a closed one's does. */
	int error = e.edge == PINWATCH_EVENT_ERROR;
	if (gw->ended || (error && m != gw->fault_member)) {
		pw_unlock();
		return;
	}
	if (!pa->closing) {
		int force = error;   /* stamped on another clock */
		if (force)
			flush_locked(pa, now, 1, clock);
		while (!pa->closing && pw_merge_push(&gw->merge, mc->src, &e) == -ENOSPC) {
			struct pinwatch_event old;   /* full: the earliest goes early */
			if (pw_merge_pop_ready(&gw->merge, gw->quiet, now, 0, 1, &old))
				deliver_locked(pa, &old);
		}
		/* Once per batch of the member: the last of what it read. */
		if (force || !m || !pw_backlog_left(m))
			flush_locked(pa, now, force, clock);
	}
	pw_unlock();
}

void pw_group_watch_timer_locked(struct pw_watch *pa)
{
	struct pw_group_watch *gw = pa->gw;
	uint64_t expirations;

	if (read(pa->timerfd, &expirations, sizeof(expirations)) != (ssize_t)sizeof(expirations))
		return;
	if (pa->closing || !gw->group)
		return;
	/* The group is alive while its watch is entered: a closer waits. */
	const pinwatch_board *b = gw->group->board;
	pw_unlock();
	uint64_t now = watch_now(pa, b);
	pw_lock();
	if (!pa->closing)
		flush_locked(pa, now, 0, pa->clock);
}

unsigned pw_group_watch_resume_locked(struct pw_watch *pa)
{
	struct pw_group_watch *gw = pa->gw;
	int force = gw->resume_force;

	gw->resume = 0;
	gw->resume_force = 0;
	pw_backlog_account_locked(pa->watcher, pa);
	if (pa->closing || !gw->group)
		return 0;
	/* The group is alive while its watch is entered: a closer waits. */
	const pinwatch_board *b = gw->group->board;
	pw_unlock();
	uint64_t now = watch_now(pa, b);   /* the sim's own lock: not under ours */
	pw_lock();
	return pa->closing ? 0 : flush_locked(pa, now, force, pa->clock);
}

void pw_group_watch_stats_locked(const struct pw_watch *pa, struct pinwatch_watch_stats *out)
{
	const struct pw_group_watch *gw = pa->gw;
	int per_event = pa->cfg.callback || pa->cfg.queue_size;

	*out = pa->st;
	out->queued = pa->queue.len + gw->merge.len;
	out->loss_seen = pa->loss_seen;
	for (size_t i = 0; i < gw->n; i++) {
		const struct pw_watch *m = gw->members[i];
		if (!m)
			continue;
		out->rising += m->st.rising;
		out->falling += m->st.falling;
		out->lost += m->st.lost;
		out->lost_source += m->st.lost_source;
		out->filtered += m->st.filtered;
		out->idle += m->st.idle;
		out->queued += pw_backlog_left(m);
		if (!out->error)
			out->error = m->st.error;
		if (!per_event)
			out->delivered += m->st.delivered;   /* counters only */
	}
}

/* The group's edges off (its descriptor out of epoll, no read running),
 * with every member line claimed against a release meanwhile. */
static void group_edges_off_locked(pinwatch_group *g)
{
	for (size_t i = 0; i < g->n; i++)
		pw_pin_line_claim_locked(g->pins[i]);
	pw_unlock();
	g->board->ops->group_edges_disable(g->handle);
	pw_lock();
	for (size_t i = 0; i < g->n; i++)
		pw_pin_line_done_locked(g->pins[i]);
}

/* What the group's descriptor is asked for: as a one-pin watch's. */
static void group_edge_config(const pinwatch_board *b, const struct pinwatch_watch_config *cfg,
			      struct pw_edge_config *ec)
{
	memset(ec, 0, sizeof(*ec));
	ec->edges = cfg->edges ? cfg->edges : PINWATCH_EDGE_BOTH;
	ec->event_buffer = cfg->event_buffer;
	ec->per_event = cfg->callback || cfg->queue_size;
	if (cfg->debounce_ns && (b->caps & PW_CAP_KERNEL_DEBOUNCE))
		ec->debounce_ns = cfg->debounce_ns;
	else if (cfg->debounce_ns)
		ec->edges = PINWATCH_EDGE_BOTH;   /* the members debounce in software */
	if (!ec->event_buffer && !ec->per_event && (b->caps & PW_CAP_EVENT_BUFFER))
		ec->event_buffer = b->ops->counting_buffer;
}

/* Turn the group's edges on once its members are watched (core lock held,
 * dropped for the backend).  0, or -errno with the message set. */
static int group_edges_on_locked(struct pw_watch *pa, const struct pinwatch_watch_config *cfg)
{
	struct pw_group_watch *gw = pa->gw;
	pinwatch_group *g = gw->group;
	pinwatch_watcher *w = pa->watcher;
	struct pw_edge_config ec;
	int fd = -1, ret;

	if (!g)
		return pw_errorf(-EINVAL, "%s: watch edges: the group was closed meanwhile", pa->what);
	group_edge_config(g->board, cfg, &ec);
	for (size_t i = 0; i < g->n; i++)
		pw_pin_line_claim_locked(g->pins[i]);
	pw_unlock();
	ret = g->board->ops->group_edges_enable(g->handle, &ec, &fd);
	pw_lock();
	if (ret == 0) {
		pa->fd = fd;
		gw->edges_on = 1;
	}
	for (size_t i = 0; i < g->n; i++)
		pw_pin_line_done_locked(g->pins[i]);
	if (ret < 0)
		return pw_fail(ret, "%s: watch edges", pa->what);
	if (pa->closing)
		return pw_errorf(-EINVAL, "%s: watch edges: the group or the watcher was closed meanwhile",
				 pa->what);
	struct epoll_event ee = {
		.events = EPOLLIN | EPOLLPRI | EPOLLERR | EPOLLHUP,
		.data.u64 = pa->id,
	};
	if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, pa->fd, &ee) < 0) {
		ret = -errno;
		pa->st.error = ret;   /* never in epoll: nothing to take out */
		return pw_fail(ret, "%s: watch edges: epoll_ctl: cannot watch descriptor %d", pa->what, pa->fd);
	}
	return 0;
}

int pw_group_watch_read_locked(struct pw_watch *pa)
{
	struct pw_group_watch *gw = pa->gw;
	struct pw_raw_event raw[PW_READ_BATCH];
	struct pinwatch_event out[PW_BACKLOG_MAX];
	int n;

	if (pa->closing || !gw->edges_on || !gw->group)
		return 0;
	/* The group is alive while its watch is entered: a closer waits. */
	const pinwatch_board *b = gw->group->board;
	void *handle = gw->group->handle;
	pw_unlock();
	for (int tries = 0;; tries++) {
		n = b->ops->group_read_events(handle, raw, PW_READ_BATCH);
		if (n != -EINTR || tries == PW_EINTR_RETRIES)
			break;
	}
	pw_lock();
	if (pa->closing)
		return n > 0 ? n : 0;
	/* Rule 5, as dispatch.c for one line: a descriptor that stays ready
	 * while every read fails with EINTR or EAGAIN would spin, silently;
	 * after PW_STALL_LIMIT in a row it is a fault like any other. */
	if (n >= 0)
		pa->stalls = 0;
	if (n == 0 || ((n == -EINTR || n == -EAGAIN) && ++pa->stalls < PW_STALL_LIMIT))
		return 0;
	if (n < 0) {
		/* A fault: out of epoll for good, one error event.  The
		 * group's own descriptor failed, not one line's: the event
		 * names the first member (an event's pin is never NULL). */
		struct pinwatch_event ev = {
			.pin = gw->group->pins[0],
			.watch = pa->id, .edge = PINWATCH_EVENT_ERROR, .value = n,
			.timestamp_ns = pw_monotonic_ns(),
		};
		pw_watch_disable_locked(pa, n);
		if (pa->cfg.callback || pa->cfg.queue_size)
			deliver_locked(pa, &ev);
		return 0;
	}
	for (int i = 0; i < n && !pa->closing; i++) {
		struct pw_watch *m = raw[i].line < gw->n ? gw->members[raw[i].line] : NULL;
		if (!m || !pw_watch_active(m))
			continue;
		if (m->timerfd >= 0)
			pw_idle_rearm_locked(m);
		size_t k = pw_account_events_locked(m, &raw[i], 1, out);
		for (size_t j = 0; j < k && !pa->closing; j++) {
			out[j].watch = pa->id;
			while (!pa->closing && pw_merge_push(&gw->merge, raw[i].line, &out[j]) == -ENOSPC) {
				struct pinwatch_event old;
				if (pw_merge_pop_ready(&gw->merge, gw->quiet, 0, 0, 1, &old))
					deliver_locked(pa, &old);
			}
		}
	}
	/* One descriptor, the kernel's order: what was read is in order. */
	if (!pa->closing && (pa->cfg.callback || pa->cfg.queue_size))
		flush_locked(pa, 0, 1, pa->clock);
	return n;
}

void pw_group_watch_finish_locked(struct pw_watch *pa)
{
	struct pw_group_watch *gw = pa->gw;
	pinwatch_watcher *w = pa->watcher;

	if (gw->finished || !pa->closing)
		return;
	for (size_t i = 0; i < gw->n; i++)
		if (gw->members[i] && gw->members[i]->pin)
			return;   /* a member still to be released: its end comes back here */
	if (w->current == pa && !pw_watcher_is_mine_locked(w))
		return;   /* that dispatcher finishes it as it leaves */
	gw->finished = 1;
	pinwatch_group *g = gw->group;
	pa->refs++;
	if (g && gw->edges_on) {
		gw->edges_on = 0;
		group_edges_off_locked(g);
	}
	pw_watch_unref_locked(pa);
	gw->group = NULL;
	if (g)
		g->watch = NULL;
	pa->refs++;
	for (size_t i = 0; i < gw->n; i++) {
		struct pw_watch *m = gw->members[i];
		gw->members[i] = NULL;
		if (m)
			pw_watch_unref_locked(m);
	}
	pw_watch_unref_locked(pa);   /* the slot's */
	if (g && g->release_pending && !g->adding)
		pw_group_release_locked(g);
	pw_watch_unref_locked(pa);
}

int pw_group_watch_close_locked(struct pw_watch *pa, int *was_closing)
{
	pinwatch_watcher *w = pa->watcher;
	struct pw_group_watch *gw = pa->gw;
	int ret = 0, was;

	*was_closing = pa->closing;
	if (!pa->closing) {
		if (pa->fd >= 0 && !pa->st.error && w->epfd >= 0)
			epoll_ctl(w->epfd, EPOLL_CTL_DEL, pa->fd, NULL);
		if (pa->timerfd >= 0) {
			if (w->epfd >= 0)
				epoll_ctl(w->epfd, EPOLL_CTL_DEL, pa->timerfd, NULL);
			pw_fd_close(&pa->timerfd);
		}
		pa->closing = 1;
		pw_slots_remove_locked(w, pa);
		pw_backlog_account_locked(w, pa);   /* a resume pending goes with it */
		pthread_cond_broadcast(&pa->cv);
	}
	pa->refs++;
	/* A member's close may wait, and a pinwatch_watcher_free on another
	 * thread may end the watcher meanwhile: we still read it after. */
	pw_watcher_ref_locked(w);
	for (size_t i = 0; i < gw->n; i++) {
		struct pw_watch *m = gw->members[i];
		if (!m)
			continue;
		m->refs++;
		if (pw_watch_close_locked(m, &was) == -EDEADLK)
			ret = -EDEADLK;
		pw_watch_unref_locked(m);
	}
	if (ret == 0 && w->current == pa && !pw_watcher_is_mine_locked(w))
		ret = pw_wait_dispatcher_locked(w, pa);
	pw_group_watch_finish_locked(pa);
	pw_watch_unref_locked(pa);
	pw_watcher_unref_locked(w);
	return ret;
}

/* The parent: the consumer, the merge, the timer; in the slots. */
static int parent_new_locked(pinwatch_watcher *w, pinwatch_group *g,
			     const struct pinwatch_watch_config *cfg, struct pw_watch **out)
{
	const pinwatch_board *b = g->board;
	int per_event = cfg->callback || cfg->queue_size;
	struct pw_group_watch *gw;
	struct pw_watch *pa;
	int ret;

	/* The merge compares stamps with now: on a clock it can read. */
	int clock = cfg->event_clock ? cfg->event_clock : b->clock;
	if (clock == PINWATCH_CLOCK_HTE) {
		pw_detail("a group watch orders its lines against a clock it can read: "
			  "monotonic or realtime, not HTE");
		return -EOPNOTSUPP;
	}
	pa = pw_watch_new_locked(w, NULL, g->h.what, cfg, &ret);
	if (!pa)
		return ret;
	pa->clock = clock;
	gw = calloc(1, sizeof(*gw));
	if (gw) {
		gw->n = g->n;
		gw->members = calloc(g->n, sizeof(*gw->members));
		gw->quiet = calloc(g->n, 1);
		if (cfg->queue_size)
			gw->queue_lost = calloc(g->n, sizeof(*gw->queue_lost));
	}
	pa->gw = gw;
	if (!gw || !gw->members || !gw->quiet || (cfg->queue_size && !gw->queue_lost) ||
	    (per_event && pw_merge_init(&gw->merge, (unsigned)g->n, MERGE_CAP) < 0)) {
		pw_watch_unref_locked(pa);
		return -ENOMEM;
	}
	gw->group = g;
	/* The group's one descriptor gives the board's clock; another event
	 * clock goes line by line (each member's edges_enable asks for it). */
	int own_clock = clock == b->clock;
	gw->group_edges = own_clock && g->handle && (b->caps & PW_CAP_GROUP_EDGES) &&
			  b->ops->group_edges_enable && b->ops->group_edges_disable &&
			  b->ops->group_read_events;
	/* One descriptor in the kernel's order, or a watermark on the events'
	 * own clock: no hold. */
	gw->hold_ns = own_clock && (b->ops->now || gw->group_edges) ? 0
		      : cfg->order_ns ? cfg->order_ns : PINWATCH_GROUP_ORDER_NS;
	pa->loss_seen = (b->caps & PW_CAP_KERNEL_SEQNO) ? PINWATCH_LOSS_COUNTED : PINWATCH_LOSS_AT_LEAST;
	ret = pw_slots_add_locked(w, pa);
	if (ret < 0) {
		pw_watch_unref_locked(pa);
		return ret;
	}
	if (per_event && clock != PINWATCH_CLOCK_VIRTUAL && !gw->group_edges) {
		int fd = pw_fd_own(timerfd_create(clock == PINWATCH_CLOCK_REALTIME ? CLOCK_REALTIME
						  : CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK),
				   "group watch merge timer");
		struct epoll_event ee = { .events = EPOLLIN, .data.u64 = pa->id | PW_TOKEN_TIMER };
		if (fd < 0 || epoll_ctl(w->epfd, EPOLL_CTL_ADD, fd, &ee) < 0) {
			ret = fd == -ENOMEM ? -ENOMEM : -errno;
			pw_fd_close(&fd);
			pw_detail("cannot make the group watch's merge timer");
			pa->closing = 1;
			pw_slots_remove_locked(w, pa);
			pw_watch_unref_locked(pa);
			return ret;
		}
		pa->timerfd = fd;
	}
	g->watch = pa;
	*out = pa;
	return 0;
}

/* The end of a watch add's unlocked stretch: a close of the group
 * meanwhile left its release to us (the add's member loop reads g). */
static void add_done_locked(pinwatch_group *g, pinwatch_watcher *w)
{
	if (--g->adding == 0 && g->release_pending && !g->watch)
		pw_group_release_locked(g);
	pw_watcher_unref_locked(w);
}

PINWATCH_API int pinwatch_watch_add_group(pinwatch_watcher *w, pinwatch_group *g,
					  const struct pinwatch_watch_config *cfg,
					  pinwatch_watch_id *out)
{
	static const struct pinwatch_watch_config defaults;
	struct pw_watch *pa = NULL;
	char what[128] = "group watch add";
	int ret, was;

	pw_detail_clear();
	if (!out)
		return pw_errorf(-EINVAL, "group watch add: NULL id pointer");
	*out = 0;
	if (!cfg)
		cfg = &defaults;
	pw_lock();
	if (!pw_live(w, PW_KIND_WATCHER) || !pw_live(g, PW_KIND_GROUP)) {
		pw_unlock();
		return pw_errorf(-EINVAL, "group watch add: not an open watcher and group");
	}
	memcpy(what, g->h.what, sizeof(what));
	if (g->watch) {
		pw_detail("the group is already watched (one watch per group)");
		ret = -EBUSY;
		goto out;
	}
	if (cfg->callback && cfg->queue_size) {
		pw_detail("a watch has a callback or a queue, not both");
		ret = -EINVAL;
		goto out;
	}
	ret = parent_new_locked(w, g, cfg, &pa);
	if (ret < 0)
		goto out;
	pa->refs++;   /* ours, across the unlocked member adds */
	/* A close of the group or a free of the watcher meanwhile must not
	 * free what the loop below reads: the group's release waits for us. */
	g->adding++;
	pw_watcher_ref_locked(w);
	pw_unlock();

	/* Each member a one-pin watch (its own checks, messages, edges). */
	int per_event = cfg->callback || cfg->queue_size;
	for (size_t i = 0; i < g->n && ret == 0; i++) {
		struct member_ctx mc = { .parent = pa, .src = (unsigned)i };
		struct pinwatch_watch_config mcfg = {
			.edges = cfg->edges,
			.callback = per_event ? member_event : NULL,
			.ctx = &mc,
			.ctx_size = sizeof(mc),
			.debounce_ns = cfg->debounce_ns,
			.event_buffer = cfg->event_buffer,
			.idle_ns = cfg->idle_ns,
			.event_clock = cfg->event_clock,
		};
		pinwatch_watch_id mid;
		ret = pw_watch_add_member(w, g->pins[i], &mcfg, pa, (unsigned)i, &mid);
	}
	pw_lock();
	if (ret == 0 && pa->closing) {
		ret = pw_errorf(-EINVAL, "%s: watch edges: the group or the watcher was closed meanwhile", what);
	}
	if (ret == 0 && pa->gw->group_edges)
		ret = group_edges_on_locked(pa, cfg);
	if (ret < 0) {
		/* The member's message says which and why; undo the rest. */
		pw_watch_close_locked(pa, &was);
		pw_watch_unref_locked(pa);
		add_done_locked(g, w);
		pw_unlock();
		return ret;
	}
	*out = pa->id;
	pw_watch_unref_locked(pa);
	add_done_locked(g, w);
	pw_unlock();
	return 0;
out:
	pw_unlock();
	return pw_fail(ret, "%s: watch edges", what);
}
