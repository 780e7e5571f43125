/* SPDX-License-Identifier: MIT */
/*
 * The idle watchdog: a watch with idle_ns gets one PINWATCH_EVENT_IDLE when
 * no edge arrived for that long, and again after each further quiet period.
 * A timerfd in the watcher's own epoll set (no thread, no polling): it is
 * re-armed once per batch of edges, so flowing edges cost one timerfd_settime
 * per wake-up and an idle line costs one wake-up per period.
 */
#include <errno.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

static struct itimerspec period(uint64_t ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ns / 1000000000u),
		.tv_nsec = (long)(ns % 1000000000u),
	};
	return (struct itimerspec){ .it_value = ts, .it_interval = ts };
}

int pw_idle_arm_locked(pinwatch_watcher *w, struct pw_watch *wa)
{
	const pinwatch_board *b = wa->pin->board;

	if (!wa->cfg.idle_ns)
		return 0;
	/* A backend with a clock of its own keeps the watchdog in it. */
	int ret = b->ops->idle_arm ? b->ops->idle_arm(wa->pin->line, wa->cfg.idle_ns) : -EOPNOTSUPP;
	if (ret != -EOPNOTSUPP)
		return ret;
	if (b->clock == PINWATCH_CLOCK_VIRTUAL) {
		pw_detail("the %s backend keeps no idle watchdog in its virtual clock", b->ops->name);
		return -EOPNOTSUPP;
	}
	int clock = b->clock == PINWATCH_CLOCK_REALTIME ? CLOCK_REALTIME : CLOCK_MONOTONIC;
	int fd = pw_fd_own(timerfd_create(clock, TFD_CLOEXEC | TFD_NONBLOCK), "watch idle timer");
	if (fd < 0) {
		int err = fd == -1 ? -errno : fd;
		pw_detail("timerfd_create failed");
		return err;
	}
	struct itimerspec its = period(wa->cfg.idle_ns);
	struct epoll_event ee = { .events = EPOLLIN, .data.u64 = wa->id | PW_TOKEN_TIMER };
	if (timerfd_settime(fd, 0, &its, NULL) < 0 ||
	    epoll_ctl(w->epfd, EPOLL_CTL_ADD, fd, &ee) < 0) {
		int err = -errno;
		pw_fd_close(&fd);
		pw_detail("cannot arm the idle timer");
		return err;
	}
	wa->timerfd = fd;
	return 0;
}

void pw_idle_rearm_locked(struct pw_watch *wa)
{
	struct itimerspec its = period(wa->cfg.idle_ns);

	timerfd_settime(wa->timerfd, 0, &its, NULL);
}

/* The timer fired: how many periods (more than one when the dispatch came
 * late), or 0 if nothing was pending. */
uint64_t pw_idle_expired_locked(struct pw_watch *wa, uint64_t *now_ns)
{
	uint64_t expirations;

	if (read(wa->timerfd, &expirations, sizeof(expirations)) != (ssize_t)sizeof(expirations))
		return 0;
	struct timespec ts;
	clock_gettime(wa->pin && wa->pin->board->clock == PINWATCH_CLOCK_REALTIME ? CLOCK_REALTIME
										: CLOCK_MONOTONIC, &ts);
	*now_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	return expirations;
}
