/* SPDX-License-Identifier: MIT */
/*
 * Edges through sysfs: write `edge`, and wait for POLLPRI on `value`.
 *
 * The descriptor the core watches is a small epoll set of the line's own,
 * holding two things:
 *  - the value file, opened again (O_RDONLY|O_NONBLOCK): sysfs signals an
 *    edge as POLLPRI|POLLERR on it, until it is read from offset 0;
 *  - a kernel uevent socket (NETLINK_KOBJECT_UEVENT).  sysfs wakes nobody
 *    when a line's directory goes away (unexported by someone else, or the
 *    chip removed): a watch on the value file alone would just fall silent.
 *    The kernel's "remove@" uevent for the line is what tells us, so that
 *    the core can deliver its one error event.  Where no uevent socket can
 *    be had (no CONFIG_NET, a restricted sandbox) the watch still works,
 *    and removal is seen at the next edge or get() instead.
 * An epoll descriptor polls readable (EPOLLIN) while either has something.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sysfs.h"

enum { TOKEN_VALUE = 1, TOKEN_UEVENT = 2 };

static const char *edge_text(int edges)
{
	switch (edges) {
	case PINWATCH_EDGE_RISING:
		return "rising";
	case PINWATCH_EDGE_FALLING:
		return "falling";
	default:
		return "both";
	}
}

int pw_sysfs_edge_set(struct sysfs_line *l, int edges)
{
	char rel[SYSFS_NAME_MAX + 16];

	/* Someone else's export gets its edge setting back when we are done. */
	l->saved_edge[0] = '\0';
	pw_sysfs_line_path(rel, sizeof(rel), l, "edge");
	if (!l->ours && pw_sysfs_read_attr(l->st, rel, l->saved_edge, sizeof(l->saved_edge)) < 0)
		l->saved_edge[0] = '\0';
	int ret = pw_sysfs_line_write(l, "edge", edge_text(edges));
	if (ret == 0)
		l->edges = edges;
	return ret;
}

void pw_sysfs_edge_restore(struct sysfs_line *l)
{
	/* Failure means the line is gone: nothing left to turn off. */
	(void)pw_sysfs_line_write(l, "edge", !l->ours && l->saved_edge[0] ? l->saved_edge : "none");
	l->edges = 0;
}

/* One wake, one event: sysfs folds every edge since the last read into one
 * notification, and the level read now is all there is to know of them. */
int pw_sysfs_edge_event(struct sysfs_line *l, struct pw_raw_event *ev)
{
	int v = pw_sysfs_pread_value(l->edge_fd);

	if (v == -EAGAIN)
		return 0;
	if (v == -ENODEV || v == -ENXIO || v == -EIO) {
		pw_detail("%s/%s/value: the device is gone", l->st->root, l->dir);
		return -ENODEV;
	}
	if (v == -EBADMSG) {
		pw_detail("unexpected contents in %s/%s/value", l->st->root, l->dir);
		return -EIO;
	}
	if (v < 0) {
		pw_detail("cannot read %s/%s/value", l->st->root, l->dir);
		return v;
	}
	if (l->clock == PINWATCH_CLOCK_REALTIME) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ev->timestamp_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	} else {
		ev->timestamp_ns = pw_monotonic_ns();
	}
	ev->seqno = 0;
	if (l->edges == PINWATCH_EDGE_BOTH)
		ev->edge = v ? PINWATCH_EDGE_RISING : PINWATCH_EDGE_FALLING;
	else
		ev->edge = l->edges;
	return 1;
}

static int uevent_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
			NETLINK_KOBJECT_UEVENT);

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return pw_fd_own(fd, "sysfs uevent socket");
}

static void watch_close(struct sysfs_line *l)
{
	pw_fd_close(&l->ep_fd);
	pw_fd_close(&l->uevent_fd);
	pw_fd_close(&l->edge_fd);
}

static int watch_add(int ep, int fd, unsigned events, uint64_t token)
{
	struct epoll_event ee = { .events = events, .data.u64 = token };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ee) < 0 ? -errno : 0;
}

static int watch_open(struct sysfs_line *l)
{
	struct sysfs_state *st = l->st;
	char rel[SYSFS_NAME_MAX + 16];
	struct stat sb;
	int ret;

	/* A descriptor of its own: readiness belongs to the open file, so a
	 * get() on value_fd never eats an edge meant for the watch. */
	pw_sysfs_line_path(rel, sizeof(rel), l, "value");
	ret = pw_sysfs_open_file(st, rel, O_RDONLY);
	if (ret < 0)
		goto err;
	l->edge_fd = pw_fd_own(ret, "sysfs edge value");
	if (fstat(l->edge_fd, &sb) < 0) {
		ret = -errno;
		pw_detail("cannot stat %s/%s", st->root, rel);
		goto err;
	}
	l->edge_dev = sb.st_dev;
	l->edge_ino = sb.st_ino;
	/* A fresh sysfs file polls ready until read once: read it now, before
	 * edges are on, so the first wake is a real edge and none is eaten. */
	ret = pw_sysfs_pread_value(l->edge_fd);
	if (ret < 0) {
		pw_detail("cannot read %s/%s", st->root, rel);
		ret = ret == -EBADMSG ? -EIO : ret;
		goto err;
	}
	l->ep_fd = pw_fd_own(epoll_create1(EPOLL_CLOEXEC), "sysfs edge epoll");
	if (l->ep_fd < 0) {
		ret = -errno;
		goto err;
	}
	ret = watch_add(l->ep_fd, l->edge_fd, EPOLLPRI, TOKEN_VALUE);
	if (ret < 0) {
		pw_detail("cannot poll %s/%s (not a sysfs attribute?)", st->root, rel);
		goto err;
	}
	l->uevent_fd = uevent_open();
	if (l->uevent_fd >= 0 && watch_add(l->ep_fd, l->uevent_fd, EPOLLIN, TOKEN_UEVENT) < 0)
		pw_fd_close(&l->uevent_fd);   /* removal is then seen later */
	return 0;
err:
	watch_close(l);
	return ret;
}

int pw_sysfs_edges_enable(void *line, const struct pw_edge_config *ec, int *fdp)
{
	struct sysfs_line *l = line;
	char rel[SYSFS_NAME_MAX + 16];
	int ret;

	if (ec->edges < PINWATCH_EDGE_RISING || ec->edges > PINWATCH_EDGE_BOTH)
		return -EINVAL;
	if (l->ep_fd >= 0)
		return -EBUSY;
	/* No kernel timestamps: stamped at read, so either system clock. */
	if (ec->clock != PINWATCH_CLOCK_MONOTONIC && ec->clock != PINWATCH_CLOCK_REALTIME) {
		pw_detail("sysfs has no kernel timestamps: events are stamped when read, with "
			  "CLOCK_MONOTONIC (used instead) or CLOCK_REALTIME");
		return -EOPNOTSUPP;
	}
	l->clock = ec->clock;
	pw_sysfs_line_path(rel, sizeof(rel), l, "edge");
	struct stat sb;
	ret = pw_sysfs_stat(l->st, rel, &sb, 0);
	if (ret < 0) {
		if (ret == -ENOENT) {
			pw_detail("no %s/%s: the driver gives this line no interrupt, so sysfs cannot report its edges",
				  l->st->root, rel);
			ret = -EOPNOTSUPP;
		}
		return ret;
	}
	ret = watch_open(l);
	if (ret < 0)
		return ret;
	ret = pw_sysfs_edge_set(l, ec->edges);
	if (ret < 0) {
		watch_close(l);
		return ret;
	}
	*fdp = l->ep_fd;
	return 0;
}

void pw_sysfs_edges_disable(void *line)
{
	struct sysfs_line *l = line;

	if (l->ep_fd < 0)
		return;
	pw_sysfs_edge_restore(l);
	watch_close(l);
}

/* Read what the uevent socket has (a bounded batch: the rest keeps it
 * readable).  1 if the kernel announced the removal of this line's
 * directory, or of something that may have taken it along (then the value
 * file is checked). */
static int uevents_say_gone(struct sysfs_line *l)
{
	char buf[2048], tail[SYSFS_NAME_MAX + 8];
	int recheck = 0;

	snprintf(tail, sizeof(tail), "/gpio/%s", l->dir);
	for (int i = 0; i < 32; i++) {
		struct sockaddr_nl from;
		socklen_t flen = sizeof(from);
		ssize_t r = recvfrom(l->uevent_fd, buf, sizeof(buf) - 1, MSG_DONTWAIT,
				     (struct sockaddr *)&from, &flen);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == ENOBUFS) {
			recheck = 1;   /* overrun: something may have been missed */
			continue;
		}
		if (r <= 0)
			break;
		if (from.nl_pid != 0)
			continue;      /* only the kernel's word counts */
		buf[r] = '\0';
		/* "remove@/devices/.../gpio/gpio899\0ACTION=remove\0..." */
		if (strncmp(buf, "remove@", 7))
			continue;
		size_t len = strlen(buf), tl = strlen(tail);
		/* The uevent comes before the directory goes: trust it. */
		if (len >= tl && !strcmp(buf + len - tl, tail))
			return 1;
		recheck = 1;
	}
	if (!recheck)
		return 0;
	char rel[SYSFS_NAME_MAX + 16];
	struct stat sb;
	pw_sysfs_line_path(rel, sizeof(rel), l, "value");
	return pw_sysfs_stat(l->st, rel, &sb, 0) < 0 || sb.st_dev != l->edge_dev ||
	       sb.st_ino != l->edge_ino;
}

int pw_sysfs_read_events(void *line, struct pw_raw_event *ev, size_t n)
{
	struct sysfs_line *l = line;
	struct epoll_event evs[2];
	int edge = 0, gone = 0;

	if (!n)
		return 0;
	int k = epoll_wait(l->ep_fd, evs, 2, 0);
	if (k < 0)
		return -errno;   /* -EINTR: the core tries again */
	for (int i = 0; i < k; i++) {
		if (evs[i].data.u64 == TOKEN_VALUE)
			edge = 1;
		else if (evs[i].data.u64 == TOKEN_UEVENT)
			gone |= uevents_say_gone(l);
	}
	/* Gone first: the uevent is read once, and an edge reported instead
	 * would leave nothing to wake us again.  (A read of a removed value
	 * file fails with ENODEV, which reports it too.) */
	if (gone) {
		pw_detail("%s/%s: the line was unexported or its device removed", l->st->root, l->dir);
		return -ENODEV;
	}
	return edge ? pw_sysfs_edge_event(l, ev) : 0;
}
