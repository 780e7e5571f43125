/* SPDX-License-Identifier: MIT */
/*
 * The sim's line-info watch and event clock.
 *
 * Every request, release and reconfigure of a sim line (by any pin of this
 * process: the sim's whole world is in it) is a change its info watches
 * hear about, with the line's info after it -- what the kernel's
 * GPIO_V2_GET_LINEINFO_WATCH_IOCTL gives.  Each info watch has its own
 * ring (SIM_INFO_RING, like the kernel's per-descriptor fifo, which drops
 * the newest when full) and a doorbell pipe, so the core watches it through
 * epoll like any descriptor.
 *
 * Event clock: real-clock boards stamp edges with CLOCK_MONOTONIC; a watch
 * that asks for CLOCK_REALTIME gets them shifted by the realtime offset at
 * read.  A clock=virtual board has only its virtual clock.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"

void pw_sim_line_describe_locked(const struct sim_line *l, struct pinwatch_line_info *out)
{
	if (l->bank->line_prefix)
		snprintf(out->name, sizeof(out->name), "%s%u", l->bank->line_prefix, l->offset);
	out->used = l->requested;
	snprintf(out->consumer, sizeof(out->consumer), "%s", l->requested ? l->consumer : "");
	out->direction = l->requested ? l->direction : PINWATCH_DIR_INPUT;
	out->active_low = l->requested ? l->active_low : 0;
	out->bias = l->bias;
	out->drive = l->requested ? l->drive : PINWATCH_DRIVE_PUSH_PULL;
	out->edges = l->requested ? l->edges : 0;
	out->debounce_ns = 0;   /* the core debounces sim lines in software */
}

static void ring_doorbell(struct sim_info_watch *iw)
{
	char c = 1;

	if (iw->wfd < 0)
		return;   /* the bank is gone: the hang-up rings for good */
	ssize_t r = write(iw->wfd, &c, 1);
	(void)r;   /* EAGAIN: rung already */
}

static void drain_doorbell(struct sim_info_watch *iw)
{
	char buf[16];
	while (read(iw->rfd, buf, sizeof(buf)) > 0)
		;
}

void pw_sim_info_notify_locked(struct sim_line *l, int kind)
{
	struct sim_board *sb = l->bank->sb;

	if (!l->info_watchers)
		return;
	struct pw_raw_info_event ev = {
		.kind = kind,
		.clock = sb->virtual_clock ? PINWATCH_CLOCK_VIRTUAL : PINWATCH_CLOCK_MONOTONIC,
		.timestamp_ns = pw_sim_now(sb),
	};
	pw_sim_line_describe_locked(l, &ev.info);
	for (struct sim_info_watch *iw = l->info_watchers; iw; iw = iw->next) {
		if (iw->len == SIM_INFO_RING) {
			iw->dropped++;
			continue;
		}
		iw->ring[(iw->head + iw->len++) % SIM_INFO_RING] = ev;
		if (iw->len == 1)
			ring_doorbell(iw);
	}
}

int pw_sim_info_watch(void *state, unsigned bank, unsigned offset, void **out, int *fd)
{
	struct sim_board *sb = state;
	struct sim_line *l = pw_sim_line_at(sb, bank, offset);
	struct sim_info_watch *iw;
	int p[2];

	if (!l)
		return -ERANGE;
	iw = calloc(1, sizeof(*iw));
	if (!iw)
		return -ENOMEM;
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0) {
		int ret = -errno;
		pw_detail("pipe2: cannot make the info watch's descriptor");
		free(iw);
		return ret;
	}
	iw->rfd = pw_fd_own(p[0], "sim info watch (read end)");
	iw->wfd = pw_fd_own(p[1], "sim info watch (write end)");
	if (iw->rfd < 0 || iw->wfd < 0) {
		pw_fd_close(&iw->rfd);
		pw_fd_close(&iw->wfd);
		free(iw);
		return -ENOMEM;
	}
	iw->line = l;
	pthread_mutex_lock(&sb->mu);
	int gone = l->bank->gone;
	if (!gone) {
		iw->next = l->info_watchers;
		l->info_watchers = iw;
	}
	pthread_mutex_unlock(&sb->mu);
	if (gone) {
		pw_detail("bank %s is gone (injected fault)", l->bank->info.label);
		pw_sim_info_unwatch(iw);
		return -ENODEV;
	}
	*out = iw;
	*fd = iw->rfd;
	return 0;
}

void pw_sim_info_unwatch(void *p)
{
	struct sim_info_watch *iw = p;
	struct sim_board *sb = iw->line->bank->sb;

	pthread_mutex_lock(&sb->mu);
	for (struct sim_info_watch **pp = &iw->line->info_watchers; *pp; pp = &(*pp)->next)
		if (*pp == iw) {
			*pp = iw->next;
			break;
		}
	pthread_mutex_unlock(&sb->mu);
	pw_fd_close(&iw->rfd);
	pw_fd_close(&iw->wfd);
	free(iw);
}

int pw_sim_info_read(void *p, struct pw_raw_info_event *ev, size_t n)
{
	struct sim_info_watch *iw = p;
	struct sim_board *sb = iw->line->bank->sb;
	int ret = 0;

	pthread_mutex_lock(&sb->mu);
	if (iw->line->bank->gone) {
		pw_detail("bank %s is gone (injected fault)", iw->line->bank->info.label);
		ret = -ENODEV;
	} else {
		while ((size_t)ret < n && iw->len) {
			ev[ret++] = iw->ring[iw->head];
			iw->head = (iw->head + 1) % SIM_INFO_RING;
			iw->len--;
		}
		if (!iw->len)
			drain_doorbell(iw);
	}
	pthread_mutex_unlock(&sb->mu);
	return ret;
}

int pw_sim_event_clock(const struct sim_board *sb, int clock)
{
	if (sb->virtual_clock) {
		if (clock == PINWATCH_CLOCK_MONOTONIC || clock == PINWATCH_CLOCK_VIRTUAL)
			return 0;
		/* clock=real gives realtime, not HTE: say so, not "open the
		 * board with clock=real" for a clock no sim board has. */
		if (clock == PINWATCH_CLOCK_REALTIME)
			pw_detail("a clock=virtual sim board stamps events with its virtual clock only "
				  "(used instead); open the board with clock=real for realtime stamps");
		else
			pw_detail("a clock=virtual sim board stamps events with its virtual clock only "
				  "(used instead); the sim has no hardware timestamp engine");
		return -EOPNOTSUPP;
	}
	if (clock == PINWATCH_CLOCK_MONOTONIC || clock == PINWATCH_CLOCK_REALTIME)
		return 0;
	if (clock == PINWATCH_CLOCK_VIRTUAL)
		pw_detail("the virtual clock is a clock=virtual board's; this board stamps events "
			  "with CLOCK_MONOTONIC (or CLOCK_REALTIME on request)");
	else
		pw_detail("the sim has no hardware timestamp engine; it stamps events with "
			  "CLOCK_MONOTONIC (or CLOCK_REALTIME on request)");
	return -EOPNOTSUPP;
}

uint64_t pw_sim_clock_offset(const struct sim_line *l)
{
	struct timespec rt, mono;

	if (l->clock != PINWATCH_CLOCK_REALTIME)
		return 0;
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	return ((uint64_t)rt.tv_sec - (uint64_t)mono.tv_sec) * 1000000000u +
		(uint64_t)rt.tv_nsec - (uint64_t)mono.tv_nsec;
}
