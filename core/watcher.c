/* SPDX-License-Identifier: MIT */
/*
 * Watchers: an epoll set plus an eventfd for wake-ups, driven by the
 * watcher's own worker thread or by the caller's loop.  The worker only ever
 * waits in epoll_wait, so stop is prompt: the eventfd wakes it.
 *
 * Dispatch protocol (the libuv/Redis ae lesson): events fetched by one
 * epoll_wait may belong to a watch removed by an earlier callback of the same
 * batch, so each is looked up again by its id (slot + serial, never reused)
 * before use; the watch being handled is marked current so that a remove on
 * another thread waits for it, and a remove from its own callback is
 * completed when the callback returns.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "internal.h"

#define WAKE_TOKEN UINT64_MAX
#define EPOLL_BATCH 16
#define READ_BATCH 64

static int watcher_live(const pinwatch_watcher *w)
{
	return pw_handle_live(w ? &w->h : NULL, PW_KIND_WATCHER);
}

int pw_watcher_in_dispatch_locked(const pinwatch_watcher *w)
{
	return w->dispatching && pthread_equal(w->dispatch_thread, pthread_self());
}

static void wake(pinwatch_watcher *w)
{
	uint64_t one = 1;
	ssize_t n = write(w->wakefd, &one, sizeof(one));
	(void)n; /* EAGAIN: the counter is already non-zero, a wake is pending */
}

PINWATCH_API int pinwatch_watcher_new(pinwatch_watcher **out)
{
	pinwatch_watcher *w;
	int ret;

	if (!out)
		return pw_errorf(-EINVAL, "watcher new: NULL result pointer");
	*out = NULL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return pw_errorf(-ENOMEM, "watcher new: out of memory");
	w->epfd = pw_fd_own(epoll_create1(EPOLL_CLOEXEC), "watcher epoll");
	if (w->epfd < 0) {
		ret = pw_fail(-errno, "watcher new: epoll_create1");
		goto err;
	}
	w->wakefd = pw_fd_own(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), "watcher eventfd");
	if (w->wakefd < 0) {
		ret = pw_fail(-errno, "watcher new: eventfd");
		goto err;
	}
	struct epoll_event ee = { .events = EPOLLIN, .data.u64 = WAKE_TOKEN };
	if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->wakefd, &ee) < 0) {
		ret = pw_fail(-errno, "watcher new: epoll_ctl");
		goto err;
	}
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

/* Handle one ready watch: read its pending events, account them, call back.
 * Called with the core lock held; returns with it held. */
static int dispatch_watch_locked(pinwatch_watcher *w, pinwatch_watch_id id)
{
	struct pw_raw_event raw[READ_BATCH];
	struct pinwatch_event out[READ_BATCH + 1];
	struct pw_watch *wa = pw_watcher_lookup_locked(w, id);
	size_t nout;

	if (!wa || wa->removed || !wa->registered)
		return 0;   /* removed or disabled earlier in this batch */
	w->current = wa;
	pinwatch_pin *p = wa->pin;
	pw_unlock();
	int n = p->board->ops->read_events(p->line, raw, READ_BATCH);
	pw_lock();
	if (wa->removed)
		nout = 0;
	else if (n >= 0)
		nout = pw_watch_process_locked(wa, raw, (size_t)n, out);
	else if (n == -EINTR || n == -EAGAIN)
		nout = 0;   /* level-triggered: epoll reports it again */
	else
		nout = pw_watch_fault_locked(wa, n, out);

	for (size_t i = 0; i < nout && !wa->removed; i++) {
		pinwatch_callback cb = wa->cfg.callback;
		void *ctx = wa->cfg.ctx;
		pw_unlock();
		cb(&out[i], ctx);
		pw_lock();
	}
	w->current = NULL;
	if (wa->release_pending)
		pw_watch_finish_release_locked(wa);
	pw_broadcast();
	return n > 0 ? n : 0;
}

/* One epoll_wait and everything it returned.  Core lock not held. */
static int dispatch_once(pinwatch_watcher *w, int timeout_ms)
{
	struct epoll_event evs[EPOLL_BATCH];
	int total = 0;
	int n = epoll_wait(w->epfd, evs, EPOLL_BATCH, timeout_ms);

	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	pw_lock();
	for (int i = 0; i < n && !w->free_pending; i++) {
		if (evs[i].data.u64 == WAKE_TOKEN) {
			uint64_t v;
			ssize_t r = read(w->wakefd, &v, sizeof(v));
			(void)r;
			continue;
		}
		total += dispatch_watch_locked(w, evs[i].data.u64);
	}
	pw_unlock();
	return total;
}

static void release_all_locked(pinwatch_watcher *w)
{
	for (unsigned i = 0; i < w->num_slots; i++)
		if (w->slots[i])
			pw_watch_release_locked(w->slots[i]);
}

/* The end of pinwatch_watcher_free, once no thread dispatches any more. */
static void finish_free_locked(pinwatch_watcher *w)
{
	release_all_locked(w);
	pw_fd_close(&w->wakefd);
	pw_fd_close(&w->epfd);
	free(w->slots);
	w->slots = NULL;
	w->num_slots = 0;
	pw_handle_close(&w->h, PW_KIND_WATCHER, "pinwatch_watcher_free");
	pw_broadcast();
	pw_handle_free(&w->h);
}

static void *worker_main(void *arg)
{
	pinwatch_watcher *w = arg;

	pw_lock();
	while (!w->stop_requested && !w->free_pending) {
		pw_unlock();
		dispatch_once(w, -1);
		pw_lock();
	}
	w->dispatching = 0;
	if (w->free_pending) {
		/* Freed from a callback: nobody will join us. */
		pthread_detach(pthread_self());
		finish_free_locked(w);
	}
	pw_broadcast();
	pw_unlock();
	return NULL;
}

/* Join the worker (core lock held, dropped while joining).  Another thread
 * already joining is waited for, so concurrent stops all return stopped. */
static void join_worker_locked(pinwatch_watcher *w)
{
	while (w->worker_state == PW_WORKER_RUNNING) {
		if (w->joining) {
			pw_wait();
			continue;
		}
		w->joining = 1;
		pthread_t t = w->worker;
		pw_unlock();
		pthread_join(t, NULL);
		pw_lock();
		w->joining = 0;
		w->worker_state = PW_WORKER_NONE;
		w->stop_requested = 0;
		pw_broadcast();
	}
}

PINWATCH_API int pinwatch_watcher_start(pinwatch_watcher *w)
{
	int ret = 0;

	pw_lock();
	if (!watcher_live(w) || w->free_pending) {
		pw_unlock();
		return pw_errorf(-EINVAL, "watcher start: not an open watcher");
	}
	if (w->worker_state == PW_WORKER_RUNNING && w->stop_requested &&
	    !pthread_equal(w->worker, pthread_self()))
		join_worker_locked(w);   /* stopped from a callback: reap it */
	if (w->worker_state == PW_WORKER_RUNNING) {
		ret = pw_errorf(-EALREADY, "watcher start: the worker is already running");
	} else if (w->dispatching) {
		ret = pw_errorf(-EBUSY, "watcher start: another thread is dispatching this watcher");
	} else {
		w->stop_requested = 0;
		w->dispatching = 1;
		int err = pthread_create(&w->worker, NULL, worker_main, w);
		if (err) {
			w->dispatching = 0;
			ret = pw_fail(-err, "watcher start: pthread_create");
		} else {
			w->dispatch_thread = w->worker;
			w->worker_state = PW_WORKER_RUNNING;
		}
	}
	pw_unlock();
	return ret;
}

PINWATCH_API int pinwatch_watcher_stop(pinwatch_watcher *w)
{
	pw_lock();
	if (!watcher_live(w)) {
		pw_unlock();
		return pw_errorf(-EINVAL, "watcher stop: not an open watcher");
	}
	if (w->worker_state == PW_WORKER_RUNNING) {
		w->stop_requested = 1;
		wake(w);
		/* From the worker's own callback: it ends when the callback
		 * returns; the next start, stop or free reaps it. */
		if (!pthread_equal(w->worker, pthread_self()))
			join_worker_locked(w);
	}
	pw_unlock();
	return 0;
}

PINWATCH_API int pinwatch_watcher_fd(pinwatch_watcher *w)
{
	if (!watcher_live(w))
		return pw_errorf(-EINVAL, "watcher fd: not an open watcher");
	return w->epfd;
}

PINWATCH_API int pinwatch_watcher_dispatch(pinwatch_watcher *w, int timeout_ms)
{
	pw_lock();
	if (!watcher_live(w) || w->free_pending) {
		pw_unlock();
		return pw_errorf(-EINVAL, "watcher dispatch: not an open watcher");
	}
	if (w->worker_state == PW_WORKER_RUNNING || w->dispatching) {
		pw_unlock();
		return pw_errorf(-EBUSY, "watcher dispatch: %s",
				 w->worker_state == PW_WORKER_RUNNING ? "the watcher's own worker is running"
								      : "another thread is dispatching");
	}
	w->dispatching = 1;
	w->dispatch_thread = pthread_self();
	pw_unlock();

	int ret = dispatch_once(w, timeout_ms);

	pw_lock();
	w->dispatching = 0;
	if (w->free_pending)
		finish_free_locked(w);   /* freed from one of our callbacks */
	pw_broadcast();
	pw_unlock();
	if (ret < 0)
		return pw_fail(ret, "watcher dispatch: epoll_wait");
	return ret;
}

PINWATCH_API void pinwatch_watcher_free(pinwatch_watcher *w)
{
	if (!w)
		return;
	pw_lock();
	if (!watcher_live(w) || w->free_pending) {
		pw_handle_close(&w->h, PW_KIND_WATCHER, "pinwatch_watcher_free"); /* reports */
		pw_unlock();
		return;
	}
	if (pw_watcher_in_dispatch_locked(w)) {
		/* From a callback: stop taking events now (no more callbacks of
		 * this watcher will start), finish when the callback returns. */
		w->free_pending = 1;
		w->stop_requested = 1;
		for (unsigned i = 0; i < w->num_slots; i++)
			if (w->slots[i] && w->slots[i] != w->current)
				pw_watch_release_locked(w->slots[i]);
		if (w->current && !w->current->removed)
			pw_watch_release_locked(w->current);
		pw_unlock();
		return;
	}
	if (w->worker_state == PW_WORKER_RUNNING) {
		w->stop_requested = 1;
		wake(w);
		join_worker_locked(w);
	}
	/* A caller-driven dispatch on another thread: wake it, wait it out. */
	while (w->dispatching) {
		wake(w);
		pw_wait();
	}
	finish_free_locked(w);
	pw_unlock();
}
