/* SPDX-License-Identifier: MIT */
/*
 * The chardev line-info watch and event clock with libgpiod 1.6 (uAPI v1).
 *
 * libgpiod 1.6 has no info-watch API, so this talks to the kernel's v1
 * uAPI directly: GPIO_GET_LINEINFO_WATCH_IOCTL on a chip descriptor of the
 * watch's own (Linux 5.7 and later), then struct gpioline_info_changed
 * records read from it.  Closing the descriptor ends the watch.  The v1
 * uAPI has no event clock choice: the kernel stamps edges with its own
 * (CLOCK_MONOTONIC since Linux 5.7, CLOCK_REALTIME before).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/gpio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "chardev.h"

struct pw_cd_info {
	int fd;
};

unsigned pw_cd_event_clocks(int board_clock)
{
	return 1u << board_clock;
}

static void info_from_kernel(const struct gpioline_info *k, struct pinwatch_line_info *out)
{
	memset(out, 0, sizeof(*out));
	memcpy(out->name, k->name, sizeof(out->name) - 1);
	memcpy(out->consumer, k->consumer, sizeof(out->consumer) - 1);
	out->used = (k->flags & GPIOLINE_FLAG_KERNEL) != 0;
	out->direction = (k->flags & GPIOLINE_FLAG_IS_OUT) ? PINWATCH_DIR_OUTPUT : PINWATCH_DIR_INPUT;
	out->active_low = (k->flags & GPIOLINE_FLAG_ACTIVE_LOW) != 0;
	out->bias = (k->flags & GPIOLINE_FLAG_BIAS_PULL_UP) ? PINWATCH_BIAS_PULL_UP
		    : (k->flags & GPIOLINE_FLAG_BIAS_PULL_DOWN) ? PINWATCH_BIAS_PULL_DOWN
		    : (k->flags & GPIOLINE_FLAG_BIAS_DISABLE) ? PINWATCH_BIAS_DISABLED
		    : PINWATCH_BIAS_AS_IS;   /* as libgpiod 1.6 reports no flag */
	out->drive = (k->flags & GPIOLINE_FLAG_OPEN_DRAIN) ? PINWATCH_DRIVE_OPEN_DRAIN
		     : (k->flags & GPIOLINE_FLAG_OPEN_SOURCE) ? PINWATCH_DRIVE_OPEN_SOURCE
		     : PINWATCH_DRIVE_PUSH_PULL;
	out->edges = -1;   /* uAPI v1's line info has no edge flags */
}

int pw_cd_info_watch(const char *path, unsigned offset, struct pw_cd_info **out)
{
	struct pw_cd_info *w = calloc(1, sizeof(*w));
	struct gpioline_info li = { .line_offset = offset };
	int err;

	if (!w)
		return -ENOMEM;
	w->fd = pw_fd_own(open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK), "chardev info watch");
	if (w->fd < 0) {
		err = -errno;
		free(w);
		return err;
	}
	if (ioctl(w->fd, GPIO_GET_LINEINFO_WATCH_IOCTL, &li) < 0) {
		err = -errno;
		pw_fd_close(&w->fd);
		free(w);
		return err;
	}
	*out = w;
	return 0;
}

void pw_cd_info_unwatch(struct pw_cd_info *w)
{
	if (!w)
		return;
	pw_fd_close(&w->fd);
	free(w);
}

int pw_cd_info_fd(const struct pw_cd_info *w)
{
	return w->fd;
}

int pw_cd_info_read(struct pw_cd_info *w, struct pw_cd_info_event *ev, size_t n)
{
	struct gpioline_info_changed k[16];

	if (n > PW_ARRAY_SIZE(k))
		n = PW_ARRAY_SIZE(k);
	ssize_t got = read(w->fd, k, n * sizeof(k[0]));
	if (got < 0)
		return errno == EAGAIN ? 0 : -errno;
	size_t cnt = (size_t)got / sizeof(k[0]);
	for (size_t i = 0; i < cnt; i++) {
		ev[i].kind = k[i].event_type == GPIOLINE_CHANGED_REQUESTED ? PINWATCH_INFO_REQUESTED
			     : k[i].event_type == GPIOLINE_CHANGED_RELEASED ? PINWATCH_INFO_RELEASED
			     : PINWATCH_INFO_RECONFIGURED;
		ev[i].timestamp_ns = k[i].timestamp;
		info_from_kernel(&k[i].info, &ev[i].info);
	}
	return (int)cnt;
}
