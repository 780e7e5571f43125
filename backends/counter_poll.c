/* SPDX-License-Identifier: MIT */
/*
 * Counters-only watches on the counter backend: a timerfd wakes the loop
 * every interval_ms and the count is read once.  The cost is one wake-up
 * and one read per interval, whatever the pulse rate; the edges of the
 * interval become one raw event that stands for all of them (count = the
 * step, seqno = the running total), so the core counts them exactly
 * without per-edge work.
 *
 * Timestamps are the poll's CLOCK_MONOTONIC: an edge is seen at most one
 * interval after it happened (the idle watchdog's resolution too).
 */
#include <errno.h>
#include <stdint.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "counter.h"

int pw_counter_poll_enable(struct counter_line *ln, int *fd)
{
	unsigned ms = ln->st->interval_ms;
	struct itimerspec its = {
		.it_interval = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L },
	};
	int ret;

	its.it_value = its.it_interval;
	ret = pw_counter_read_count(ln->count_fd, ln->modulus, &ln->last);
	if (ret < 0) {
		pw_detail("cannot read the count");
		return ret;
	}
	ln->last_ns = pw_monotonic_ns();
	ln->wake_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (ln->wake_fd < 0) {
		ret = -errno;
		pw_detail("timerfd_create");
		return ret;
	}
	ln->wake_fd = pw_fd_own(ln->wake_fd, "counter poll timerfd");
	if (ln->wake_fd < 0)
		return ln->wake_fd;
	if (timerfd_settime(ln->wake_fd, 0, &its, NULL) < 0) {
		ret = -errno;
		pw_detail("timerfd_settime");
		pw_fd_close(&ln->wake_fd);
		return ret;
	}
	ln->mode = COUNTER_POLL;
	*fd = ln->wake_fd;
	return 0;
}

int pw_counter_poll_read(struct counter_line *ln, struct pw_raw_event *ev, size_t n)
{
	uint64_t ticks, now, delta;
	ssize_t r = read(ln->wake_fd, &ticks, sizeof(ticks));

	if (r < 0 && errno == EAGAIN)
		return 0;
	if (r < 0)
		return -errno;
	if (!n)
		return 0;
	int ret = pw_counter_read_count(ln->count_fd, ln->modulus, &now);
	if (ret < 0)
		return ret;
	uint64_t t = pw_monotonic_ns();
	ret = pw_counter_step(ln->last, now, ln->modulus,
			      pw_counter_max_step(ln->st->max_rate, t - ln->last_ns), &delta);
	if (ret < 0)
		return ret;   /* a reset or a write: reported as the watch's error */
	ln->last = now;
	ln->last_ns = t;
	if (ret == 1)
		ln->wraps++;
	if (!delta)
		return 0;
	ln->total += delta;
	ev[0] = (struct pw_raw_event){
		.timestamp_ns = t,
		.seqno = ln->total,
		.edge = ln->edge,
		.count = delta,
	};
	return 1;
}
