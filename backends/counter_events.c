/* SPDX-License-Identifier: MIT */
/*
 * Per-event watches (callback, queue) on the counter backend: the counter
 * character device /dev/counterN pushes a change-of-state event from the
 * driver's interrupt handler (interrupt-cnt does, on channel 0), and each
 * event carries the count as it was then.  The count is the event's
 * sequence number: events the kernel's queue dropped when full (it drops
 * silently) show as a gap, and the core counts them as lost.
 *
 * The count is read before events are enabled: an edge in between is
 * counted as lost, never twice.  The device's event queue is the device's,
 * not the opener's: two processes watching one counter share it, so the
 * backend takes it for one line of one board per process (request's held
 * list) and documents the rest.
 */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/counter.h>

#include "counter.h"

#define EVENTS_BATCH 64   /* the kernel's default queue size */

int pw_counter_events_enable(struct counter_line *ln, int *fd)
{
	const struct counter_dev *dv = &ln->st->devs[ln->bank];
	const struct counter_count *c = &dv->counts[ln->offset];
	struct counter_watch watch = {
		.component = {
			.type = COUNTER_COMPONENT_COUNT,
			.scope = COUNTER_SCOPE_COUNT,
			.parent = (__u8)c->id,
		},
		.event = COUNTER_EVENT_CHANGE_OF_STATE,
		.channel = 0,
	};
	struct stat sb;
	int ret;

	ln->wake_fd = openat(ln->st->devfd, dv->name, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
	if (ln->wake_fd < 0) {
		ret = -errno;
		if (ret == -ENOENT)
			goto unsupported;
		pw_detail("cannot open %s/dev/%s for its events", ln->st->root, dv->name);
		return ret;
	}
	ln->wake_fd = pw_fd_own(ln->wake_fd, "counter chardev");
	if (ln->wake_fd < 0)
		return ln->wake_fd;
	if (fstat(ln->wake_fd, &sb) < 0 || !S_ISCHR(sb.st_mode))
		goto unsupported;
	ret = pw_counter_read_count(ln->count_fd, ln->modulus, &ln->last);
	if (ret < 0) {
		pw_detail("cannot read the count");
		goto err;
	}
	ln->last_ns = pw_monotonic_ns();   /* the events' clock (ktime_get_ns) */
	if (ioctl(ln->wake_fd, COUNTER_ADD_WATCH_IOCTL, &watch) < 0 ||
	    ioctl(ln->wake_fd, COUNTER_ENABLE_EVENTS_IOCTL) < 0) {
		ret = -errno;
		if (ret == -EINVAL || ret == -ENOTTY)
			goto unsupported;   /* the driver has no such event */
		pw_detail("%s: cannot enable its events", dv->name);
		goto err;
	}
	ln->mode = COUNTER_EVENTS;
	*fd = ln->wake_fd;
	return 0;
unsupported:
	pw_detail("%s has no change-of-state events for count%u (no character device %s/dev/%s): use a counters-only watch (no callback, no queue)",
		  dv->name, c->id, ln->st->root, dv->name);
	ret = -EOPNOTSUPP;
err:
	pw_fd_close(&ln->wake_fd);
	return ret;
}

int pw_counter_events_read(struct counter_line *ln, struct pw_raw_event *ev, size_t n)
{
	struct counter_event kev[EVENTS_BATCH];
	size_t want = n < EVENTS_BATCH ? n : EVENTS_BATCH;
	size_t out = 0;
	ssize_t r = read(ln->wake_fd, kev, want * sizeof(kev[0]));

	if (r < 0)
		return errno == EAGAIN ? 0 : -errno;
	for (size_t i = 0; i < (size_t)r / sizeof(kev[0]); i++) {
		uint64_t now = pw_counter_fold(kev[i].value, ln->modulus), delta;
		if (kev[i].status)
			return -(int)kev[i].status;
		uint64_t t = kev[i].timestamp;
		uint64_t max_step = pw_counter_max_step(ln->st->max_rate,
							t > ln->last_ns ? t - ln->last_ns : 0);
		int ret = pw_counter_step(ln->last, now, ln->modulus, max_step, &delta);
		if (ret < 0)
			return ret;
		ln->last = now;
		ln->last_ns = t;
		if (ret == 1)
			ln->wraps++;
		if (!delta)
			continue;   /* an event for an edge already counted */
		ln->total += delta;
		ev[out++] = (struct pw_raw_event){
			.timestamp_ns = kev[i].timestamp,
			.seqno = ln->total,
			.edge = ln->edge,
		};
	}
	return (int)out;
}
