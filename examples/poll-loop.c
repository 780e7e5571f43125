/* SPDX-License-Identifier: MIT */
/*
 * poll-loop: pinwatch inside the program's own event loop.
 *
 * No thread of pinwatch's: the watcher's descriptor sits in a plain poll()
 * next to the program's own (here a timerfd ticking every 100 ms), and
 * pinwatch_watcher_dispatch() runs the callbacks on this thread when it is
 * readable.  The same works with epoll, libuv or sd-event.
 *
 * On the simulator (the default) a 20 Hz generator on N3 makes 10 edges;
 * on hardware (./poll-loop chardev,board=aria-g25) it waits 5 s for 10.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <pinwatch.h>

#define EDGES 10

static void on_edge(const struct pinwatch_event *ev, void *ctx)
{
	int *seen = ctx;   /* same thread as main: no locking needed */

	(*seen)++;
	printf("edge %2d: %s (seqno %llu)\n", *seen,
	       ev->edge == PINWATCH_EDGE_RISING ? "rising" : "falling",
	       (unsigned long long)ev->seqno);
}

int main(int argc, char **argv)
{
	const char *spec = argc > 1 ? argv[1] : "sim:aria-g25";
	int seen = 0, ticks = 0, ret = 1, tfd = -1;
	struct pinwatch_watch_config cfg = { .callback = on_edge, .ctx = &seen };
	pinwatch_board *board = NULL;
	pinwatch_pin *in = NULL;
	pinwatch_watcher *w = NULL;
	pinwatch_watch_id id;
	unsigned gen;

	if (pinwatch_board_open(spec, &board) < 0 ||
	    pinwatch_pin_open(board, "N3", NULL, &in) < 0 ||
	    pinwatch_watcher_new(&w) < 0 ||
	    pinwatch_watch_add(w, in, &cfg, &id) < 0)
		goto fail;
	if (!strcmp(pinwatch_board_backend(board), "sim")) {
		struct pinwatch_sim_pulse p = { .period_ns = 50000000, .count = EDGES / 2 };
		if (pinwatch_sim_pulse(board, "N3", &p, &gen) < 0)
			goto fail;
	}

	/* The program's own descriptor: close-on-exec, like every one of
	 * pinwatch's. */
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	struct itimerspec every = { { 0, 100000000 }, { 0, 100000000 } };
	if (tfd < 0 || timerfd_settime(tfd, 0, &every, NULL) < 0) {
		perror("poll-loop: timerfd");
		goto out;
	}
	struct pollfd fds[2] = {
		{ .fd = pinwatch_watcher_fd(w), .events = POLLIN },
		{ .fd = tfd, .events = POLLIN },
	};
	while (seen < EDGES && ticks < 50) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("poll-loop: poll");
			goto out;
		}
		/* 0: run what is ready now, never wait inside the library */
		if (fds[0].revents && pinwatch_watcher_dispatch(w, 0) < 0)
			goto fail;
		if (fds[1].revents) {
			uint64_t n;
			if (read(tfd, &n, sizeof(n)) == sizeof(n))
				ticks += (int)n;
		}
	}
	printf("%d edges in %d ticks\n", seen, ticks);
	ret = seen == EDGES ? 0 : 1;
	goto out;
fail:
	fprintf(stderr, "poll-loop: %s\n", pinwatch_last_error());
out:
	if (tfd >= 0)
		close(tfd);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(in);
	pinwatch_board_close(board);
	return ret;
}
