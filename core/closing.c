/* SPDX-License-Identifier: MIT */
/*
 * The one closing path.  A watch is closed by pw_watch_close_locked(),
 * whoever asks (pinwatch_watch_remove, pinwatch_pin_close,
 * pinwatch_watcher_free): it is marked closing at once (its id goes stale,
 * its descriptor leaves epoll, queue readers wake, no callback of it starts
 * again), then the closer waits until a dispatch on another thread is done
 * with it, then its line's edges are released.  A pin and a watcher end the
 * same way after their watches: pw_pin_release_locked, pw_watcher_finish_locked.
 *
 * Memory goes with the last reference.  A thread that waits on an object
 * holds a reference to it, so whatever completes meanwhile on another thread
 * (a watcher freed while a pin_close waits for its callback) cannot free
 * what the waiter touches when it wakes.
 *
 * Deadlock: a close waits for another thread's dispatch; if that thread is
 * itself waiting -- directly or through a chain of waits -- for the caller's
 * own dispatch, the wait would never end.  Every waiting thread records whom
 * it waits for (struct pw_thread), so the closer that would close the cycle
 * sees it and gets -EDEADLK instead of waiting.  The watch is still closing:
 * it never runs again after its current invocation, and the dispatcher that
 * is in it completes the release when it leaves.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>

#include "internal.h"

static __thread struct pw_thread self_rec;
static __thread struct pw_thread *self;

struct pw_thread *pw_thread_self(void)
{
	return self ? self : &self_rec;
}

void pw_thread_set_self(struct pw_thread *t)
{
	self = t;
}

int pw_watcher_is_mine_locked(const pinwatch_watcher *w)
{
	return w->dispatcher && w->dispatcher == pw_thread_self();
}

void pw_watcher_ref_locked(pinwatch_watcher *w)
{
	w->refs++;
}

void pw_watcher_unref_locked(pinwatch_watcher *w)
{
	if (--w->refs > 0)
		return;
	pw_handle_free(&w->h);
}

void pw_watch_unref_locked(struct pw_watch *wa)
{
	if (--wa->refs > 0)
		return;
	struct pw_watch *parent = wa->group_parent;   /* issue 16 */
	if (wa->gw)
		pw_group_watch_free(wa->gw);
	pthread_cond_destroy(&wa->cv);
	pw_info_free(wa);
	pw_queue_free(&wa->queue);
	free(wa->ctx_copy);
	free(wa);
	if (parent)
		pw_watch_unref_locked(parent);
}

int pw_wait_dispatcher_locked(pinwatch_watcher *w, const struct pw_watch *wa)
{
	struct pw_thread *me = pw_thread_self();
	int ret = 0;

	pw_watcher_ref_locked(w);
	while (w->dispatcher && (!wa || w->current == wa)) {
		for (struct pw_thread *t = w->dispatcher; t; t = t->waits_for)
			if (t == me) {
				ret = -EDEADLK;
				goto out;
			}
		me->waits_for = w->dispatcher;
		pw_wait();
		me->waits_for = NULL;
	}
out:
	pw_watcher_unref_locked(w);
	return ret;
}

/* ---------------------------------------------------------------- pins */

void pw_pin_line_claim_locked(pinwatch_pin *p)
{
	while (p->line_busy)
		pw_wait();
	p->line_busy = 1;
}

void pw_pin_line_done_locked(pinwatch_pin *p)
{
	p->line_busy = 0;
	pw_broadcast();
}

void pw_pin_release_locked(pinwatch_pin *p)
{
	pinwatch_board *b = p->board;

	pw_pin_line_claim_locked(p);
	pw_unlock();
	b->ops->release(p->line);   /* backend I/O (sysfs unexport): unlocked */
	pw_lock();
	p->line = NULL;
	pw_handle_free(&p->h);
	pw_board_drop_locked(b);
	pw_broadcast();
}

/* --------------------------------------------------------------- watches */

/* The end of a closing watch that no dispatch is in: disable its edges and
 * unlink it from its pin.  Whoever gets here first does it; a second
 * finisher finds pin already NULL.  A pin closed while its watch could not
 * be waited for (-EDEADLK) is released here too. */
static void watch_finish_locked(struct pw_watch *wa)
{
	pinwatch_pin *p = wa->pin;
	struct pw_watch *parent = wa->group_parent;   /* issue 16 */

	if (wa->gw) {
		pw_group_watch_finish_locked(wa);
		return;
	}
	if (wa->info) {
		pw_info_finish_locked(wa);   /* no pin: the info source's end */
		return;
	}
	if (!p)
		return;
	if (parent)
		parent->refs++;   /* across our unref of wa */
	wa->pin = NULL;
	pw_pin_line_claim_locked(p);
	pw_unlock();
	if (!wa->no_edges)   /* a group member: its group's edges (issue 16) */
		p->board->ops->edges_disable(p->line);
	pw_lock();
	p->watch = NULL;
	pw_pin_line_done_locked(p);
	if (p->release_when_unwatched)
		pw_pin_release_locked(p);
	pw_watch_unref_locked(wa);   /* the slot's reference */
	if (parent) {
		/* The last member released: the group watch can end. */
		if (parent->closing)
			pw_group_watch_finish_locked(parent);
		pw_watch_unref_locked(parent);
	}
}

void pw_watch_finish_if_closing_locked(struct pw_watch *wa)
{
	if (wa->closing)
		watch_finish_locked(wa);
}

/* Mark closing: from now on nothing dispatches it. */
static void watch_mark_closing_locked(struct pw_watch *wa)
{
	pinwatch_watcher *w = wa->watcher;

	if (!wa->st.error && wa->fd >= 0 && w->epfd >= 0)
		epoll_ctl(w->epfd, EPOLL_CTL_DEL, wa->fd, NULL);
	if (wa->timerfd >= 0) {
		if (w->epfd >= 0)
			epoll_ctl(w->epfd, EPOLL_CTL_DEL, wa->timerfd, NULL);
		pw_fd_close(&wa->timerfd);
	}
	pw_flag_set(&wa->closing, 1);
	pw_slots_remove_locked(w, wa);
	wa->backlog_len = 0;   /* what was read goes with the watch */
	pw_backlog_account_locked(w, wa);
	pthread_cond_broadcast(&wa->cv);
}

int pw_watch_close_locked(struct pw_watch *wa, int *was_closing)
{
	pinwatch_watcher *w = wa->watcher;
	int ret = 0;

	/* issue 16: a group watch closes as one, members first. */
	if (wa->gw)
		return pw_group_watch_close_locked(wa, was_closing);
	if (wa->group_parent && !wa->group_parent->closing)
		return pw_group_watch_close_locked(wa->group_parent, was_closing);
	*was_closing = wa->closing;
	if (!wa->closing)
		watch_mark_closing_locked(wa);
	wa->refs++;
	/* From its own callback (or any callback of its watcher's dispatcher)
	 * nothing is reading it: release now. */
	if (w->current == wa && !pw_watcher_is_mine_locked(w))
		ret = pw_wait_dispatcher_locked(w, wa);
	/* A second closer finds the release done or under way (wa->pin
	 * NULL); a pin_close after it waits for that on the line claim. */
	if (ret == 0)
		watch_finish_locked(wa);
	pw_watch_unref_locked(wa);
	return ret;
}

/* -------------------------------------------------------------- watchers */

void pw_watcher_finish_locked(pinwatch_watcher *w)
{
	if (w->epfd < 0 && w->wakefd < 0)
		return;   /* finished already */
	pw_fd_close(&w->wakefd);
	pw_fd_close(&w->epfd);
	free(w->slots);
	w->slots = NULL;
	w->num_slots = 0;
	pw_broadcast();
	pw_watcher_unref_locked(w);   /* the caller's reference */
}
