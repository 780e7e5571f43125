/* SPDX-License-Identifier: MIT */
/*
 * The chardev line-info watch with libgpiod 2.x: gpiod_chip_watch_line_info
 * on a chip opened for the watch alone, so that its descriptor carries this
 * watch's line and nothing else (a chip's info events are per descriptor),
 * and closing it ends the watch.  gpiod_chip_read_info_event blocks, so a
 * read first asks gpiod_chip_wait_info_event with no timeout.
 */
#include <errno.h>
#include <gpiod.h>
#include <stdlib.h>
#include <string.h>

#include "chardev.h"

struct pw_cd_info {
	struct gpiod_chip *chip;
};

int pw_cd_info_watch(const char *path, unsigned offset, struct pw_cd_info **out)
{
	struct pw_cd_info *w = calloc(1, sizeof(*w));
	int err;

	if (!w)
		return -ENOMEM;
	errno = 0;
	w->chip = gpiod_chip_open(path);   /* O_CLOEXEC: libgpiod opens so */
	if (!w->chip) {
		err = errno ? -errno : -ENODEV;
		free(w);
		return err;
	}
	errno = 0;
	struct gpiod_line_info *li = gpiod_chip_watch_line_info(w->chip, offset);
	if (!li) {
		err = errno ? -errno : -EIO;
		gpiod_chip_close(w->chip);
		free(w);
		return err;
	}
	gpiod_line_info_free(li);   /* the state now; changes come as events */
	*out = w;
	return 0;
}

void pw_cd_info_unwatch(struct pw_cd_info *w)
{
	if (!w)
		return;
	gpiod_chip_close(w->chip);
	free(w);
}

int pw_cd_info_fd(const struct pw_cd_info *w)
{
	return gpiod_chip_get_fd(w->chip);
}

int pw_cd_info_read(struct pw_cd_info *w, struct pw_cd_info_event *ev, size_t n)
{
	size_t got = 0;

	while (got < n) {
		errno = 0;
		int ready = gpiod_chip_wait_info_event(w->chip, 0);
		if (ready < 0)
			return got ? (int)got : (errno ? -errno : -EIO);
		if (ready == 0)
			break;
		struct gpiod_info_event *e = gpiod_chip_read_info_event(w->chip);
		if (!e)
			return got ? (int)got : (errno ? -errno : -EIO);
		switch (gpiod_info_event_get_event_type(e)) {
		case GPIOD_INFO_EVENT_LINE_REQUESTED:
			ev[got].kind = PINWATCH_INFO_REQUESTED;
			break;
		case GPIOD_INFO_EVENT_LINE_RELEASED:
			ev[got].kind = PINWATCH_INFO_RELEASED;
			break;
		default:
			ev[got].kind = PINWATCH_INFO_RECONFIGURED;
			break;
		}
		ev[got].timestamp_ns = gpiod_info_event_get_timestamp_ns(e);
		memset(&ev[got].info, 0, sizeof(ev[got].info));
		pw_cd_info_from_gpiod(gpiod_info_event_get_line_info(e), &ev[got].info);
		gpiod_info_event_free(e);
		got++;
	}
	return (int)got;
}
