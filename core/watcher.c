/* SPDX-License-Identifier: MIT */
/*
 * Watchers: an epoll set plus an eventfd for wake-ups, driven by the
 * watcher's own worker thread or by the caller's loop (dispatch.c).  The
 * worker only ever waits in epoll_wait, so stop is prompt: the eventfd
 * wakes it.  Teardown goes through closing.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "internal.h"

static int own_fd(int fd, const char *what)
{
	int ret = pw_fd_own(fd, what);
	return ret == -1 ? -errno : ret;
}

PINWATCH_API int pinwatch_watcher_new(pinwatch_watcher **out)
{
	pinwatch_watcher *w;
	int ret;

	pw_detail_clear();
	if (!out)
		return pw_errorf(-EINVAL, "watcher new: NULL result pointer");
	*out = NULL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return pw_errorf(-ENOMEM, "watcher new: out of memory");
	w->wakefd = -1;
	w->epfd = own_fd(epoll_create1(EPOLL_CLOEXEC), "watcher epoll");
	if (w->epfd < 0) {
		ret = pw_fail(w->epfd, "watcher new: epoll_create1");
		goto err;
	}
	w->wakefd = own_fd(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), "watcher eventfd");
	if (w->wakefd < 0) {
		ret = pw_fail(w->wakefd, "watcher new: eventfd");
		goto err;
	}
	struct epoll_event ee = { .events = EPOLLIN, .data.u64 = PW_TOKEN_WAKE };
	if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->wakefd, &ee) < 0) {
		ret = pw_fail(-errno, "watcher new: epoll_ctl");
		goto err;
	}
	w->refs = 1;
	pw_lock();
	pw_handle_open(&w->h, PW_KIND_WATCHER, "watcher");
	pw_unlock();
	*out = w;
	return 0;
err:
	pw_fd_close(&w->wakefd);
	pw_fd_close(&w->epfd);
	free(w);
	return ret;
}

/* The thread that called stop or free from inside this dispatch is not
 * "another thread": say which it is. */
static const char *who_dispatches(const pinwatch_watcher *w)
{
	return pw_watcher_is_mine_locked(w) ? "called from inside one of its own callbacks"
					    : "another thread is dispatching this watcher";
}

static void *worker_main(void *arg)
{
	pinwatch_watcher *w = arg;

	pw_thread_set_self(&w->worker_self);
	pw_lock();
	while (!w->stopping && !w->closing)
		pw_dispatch_once_locked(w, -1);
	w->dispatcher = NULL;
	pw_broadcast();
	/* Freed from one of its callbacks (or by a free that could not wait):
	 * nobody will join this thread; finish the watcher here. */
	if (w->dispatcher_finishes) {
		pthread_detach(pthread_self());
		w->worker_state = PW_WORKER_NONE;
		pw_watcher_finish_locked(w);
	}
	pw_watcher_unref_locked(w);   /* the worker's reference */
	pw_unlock();
	return NULL;
}

/* Join the worker (core lock held, dropped while waiting).  The joiner
 * marks JOINING before it waits, so a worker ending meanwhile knows it will
 * be joined; concurrent stops wait for that join, and all return stopped. */
static int join_worker_locked(pinwatch_watcher *w)
{
	struct pw_thread *me = pw_thread_self();
	unsigned gen = w->worker_gen;

	/* Only the worker that was asked to stop: once it is joined, a start
	 * on another thread may already have made a new one. */
	while (w->worker_state != PW_WORKER_NONE && w->worker_gen == gen) {
		if (w->worker_state == PW_WORKER_JOINING) {
			for (struct pw_thread *t = w->dispatcher; t; t = t->waits_for)
				if (t == me)
					return -EDEADLK;
			me->waits_for = w->dispatcher;
			pw_wait();
			me->waits_for = NULL;
			continue;
		}
		w->worker_state = PW_WORKER_JOINING;
		int ret = pw_wait_dispatcher_locked(w, NULL);
		if (ret < 0) {
			w->worker_state = PW_WORKER_RUNNING;   /* it will end on its own */
			pw_broadcast();
			return ret;
		}
		pthread_t t = w->worker;
		pw_unlock();
		pthread_join(t, NULL);
		pw_lock();
		w->worker_state = PW_WORKER_NONE;
		pw_flag_set(&w->stopping, 0);
		pw_broadcast();
	}
	return 0;
}

static int deadlock_error(const char *op)
{
	return pw_errorf(-EDEADLK, "watcher %s: Resource deadlock avoided: the watcher's dispatcher is "
			 "(through another watcher) waiting for this thread's own callback; "
			 "%s completes when that callback returns", op, op);
}

PINWATCH_API int pinwatch_watcher_start(pinwatch_watcher *w)
{
	int ret = 0;

	pw_detail_clear();
	pw_lock();
	if (!pw_live(w, PW_KIND_WATCHER)) {
		pw_unlock();
		return pw_errorf(-EINVAL, "watcher start: not an open watcher");
	}
	/* Stopped from a callback: reap it first. */
	if (w->worker_state != PW_WORKER_NONE && w->stopping && !pw_watcher_is_mine_locked(w)) {
		if (join_worker_locked(w) < 0) {
			pw_unlock();
			return deadlock_error("start");
		}
	}
	if (w->worker_state != PW_WORKER_NONE) {
		ret = pw_errorf(-EALREADY, "watcher start: the worker is already running%s",
				w->stopping ? " (stopping: it ends when its callback returns)" : "");
	} else if (w->dispatcher) {
		ret = pw_errorf(-EBUSY, "watcher start: %s", who_dispatches(w));
	} else {
		pw_flag_set(&w->stopping, 0);
		w->worker_gen++;
		w->dispatcher = &w->worker_self;
		w->worker_state = PW_WORKER_RUNNING;
		pw_watcher_ref_locked(w);
		int err = pthread_create(&w->worker, NULL, worker_main, w);
		if (err) {
			w->dispatcher = NULL;
			w->worker_state = PW_WORKER_NONE;
			w->refs--;
			ret = pw_fail(-err, "watcher start: pthread_create");
		}
	}
	pw_unlock();
	return ret;
}

PINWATCH_API int pinwatch_watcher_stop(pinwatch_watcher *w)
{
	int ret = 0;

	pw_detail_clear();
	pw_lock();
	if (!pw_live(w, PW_KIND_WATCHER)) {
		pw_unlock();
		return pw_errorf(-EINVAL, "watcher stop: not an open watcher");
	}
	if (w->worker_state != PW_WORKER_NONE) {
		pw_flag_set(&w->stopping, 1);
		pw_watcher_wake(w);
		/* From the worker's own callback: it ends when the callback
		 * returns; the next start, stop or free reaps it. */
		if (!pw_watcher_is_mine_locked(w) && join_worker_locked(w) < 0)
			ret = deadlock_error("stop");
	}
	pw_unlock();
	return ret;
}

PINWATCH_API int pinwatch_watcher_fd(pinwatch_watcher *w)
{
	pw_lock();
	int fd = pw_live(w, PW_KIND_WATCHER) ? w->epfd : -1;
	pw_unlock();
	if (fd < 0)
		return pw_errorf(-EINVAL, "watcher fd: not an open watcher");
	return fd;
}

PINWATCH_API int pinwatch_watcher_dispatch(pinwatch_watcher *w, int timeout_ms)
{
	pw_detail_clear();
	if (timeout_ms < -1)
		return pw_errorf(-EINVAL, "watcher dispatch: timeout %d ms: want -1 (forever), 0 or more",
				 timeout_ms);
	pw_lock();
	if (!pw_live(w, PW_KIND_WATCHER)) {
		pw_unlock();
		return pw_errorf(-EINVAL, "watcher dispatch: not an open watcher");
	}
	if (w->worker_state != PW_WORKER_NONE || w->dispatcher) {
		const char *why = w->worker_state != PW_WORKER_NONE && !pw_watcher_is_mine_locked(w)
				  ? "the watcher's own worker is running" : who_dispatches(w);
		pw_unlock();
		return pw_errorf(-EBUSY, "watcher dispatch: %s", why);
	}
	w->dispatcher = pw_thread_self();
	pw_watcher_ref_locked(w);
	int ret = pw_dispatch_once_locked(w, timeout_ms);
	w->dispatcher = NULL;
	pw_broadcast();
	if (w->dispatcher_finishes)
		pw_watcher_finish_locked(w);   /* freed from one of our callbacks */
	pw_watcher_unref_locked(w);
	pw_unlock();
	if (ret < 0)
		return pw_fail(ret, "watcher dispatch: epoll_wait");
	return ret;
}

PINWATCH_API void pinwatch_watcher_free(pinwatch_watcher *w)
{
	int deadlock = 0, was;

	if (!w)
		return;
	pw_lock();
	if (pw_handle_close(&w->h, PW_KIND_WATCHER, "pinwatch_watcher_free") < 0) {
		pw_unlock();   /* a double free or garbage, reported under PINWATCH_DEBUG */
		return;
	}
	/* No callback of this watcher starts from now on. */
	pw_flag_set(&w->closing, 1);
	pw_flag_set(&w->stopping, 1);
	if (w->dispatcher)
		pw_watcher_wake(w);
	pw_watcher_ref_locked(w);   /* ours, while we wait */
	for (unsigned i = 0; i < w->num_slots; i++)
		if (w->slots[i] && pw_watch_close_locked(w->slots[i], &was) == -EDEADLK)
			deadlock = 1;
	if (!deadlock && !pw_watcher_is_mine_locked(w)) {
		if (w->worker_state != PW_WORKER_NONE)
			deadlock = join_worker_locked(w) < 0;
		else
			deadlock = pw_wait_dispatcher_locked(w, NULL) < 0;
	}
	/* From a callback of this watcher, or a wait that would deadlock: the
	 * dispatcher finishes the watcher as it leaves (it is still in it:
	 * either we are that dispatcher, or it waits for us). */
	if (w->dispatcher && (deadlock || pw_watcher_is_mine_locked(w)))
		w->dispatcher_finishes = 1;
	else
		pw_watcher_finish_locked(w);
	if (deadlock)
		deadlock_error("free");
	pw_watcher_unref_locked(w);
	pw_unlock();
}
