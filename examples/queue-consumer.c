/* SPDX-License-Identifier: MIT */
/*
 * queue-consumer: events handed to a thread of the program's own.
 *
 * The watch has a bounded queue instead of a callback: the watcher's worker
 * fills it, a consumer thread empties it with pinwatch_watch_read().  A full
 * queue never blocks the worker: the newest event is dropped and counted,
 * and the next event delivered says how many were lost before it.  Removing
 * the watch wakes the consumer (-ENOENT), so it can never be left waiting
 * on a queue that is gone.
 *
 * On the simulator (the default) a 1 kHz generator on N3 plays 200 pulses;
 * on hardware (./queue-consumer chardev,board=aria-g25) it listens for 5 s.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <pinwatch.h>

struct consumer {
	pinwatch_watcher *w;
	pinwatch_watch_id id;
	unsigned long events, lost;
};

static void *consume(void *arg)
{
	struct consumer *c = arg;
	struct pinwatch_event ev[32];
	int n;

	/* Wait forever: the watch's removal is what ends this loop. */
	while ((n = pinwatch_watch_read(c->w, c->id, ev, 32, -1)) >= 0) {
		for (int i = 0; i < n; i++) {
			c->events++;
			c->lost += ev[i].lost;
		}
	}
	if (n != -ENOENT)
		fprintf(stderr, "queue-consumer: %s\n", pinwatch_last_error());
	return NULL;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	const char *spec = argc > 1 ? argv[1] : "sim:aria-g25";
	struct pinwatch_watch_config cfg = { .queue_size = 64 };
	struct consumer c = { 0 };
	struct pinwatch_watch_stats st = { 0 };
	pinwatch_board *board = NULL;
	pinwatch_pin *in = NULL;
	pthread_t thread;
	int ret = 1, have_thread = 0;

	if (pinwatch_board_open(spec, &board) < 0 ||
	    pinwatch_pin_open(board, "N3", NULL, &in) < 0 ||
	    pinwatch_watcher_new(&c.w) < 0 ||
	    pinwatch_watch_add(c.w, in, &cfg, &c.id) < 0 ||
	    pinwatch_watcher_start(c.w) < 0)
		goto fail;
	if (pthread_create(&thread, NULL, consume, &c) != 0) {
		fprintf(stderr, "queue-consumer: cannot start the consumer\n");
		goto out;
	}
	have_thread = 1;

	if (!strcmp(pinwatch_board_backend(board), "sim")) {
		struct pinwatch_sim_pulse p = { .period_ns = 1000000, .count = 200 };
		unsigned gen;
		if (pinwatch_sim_pulse(board, "N3", &p, &gen) < 0 ||
		    pinwatch_sim_pulse_wait(board, gen, 5000) != 1)
			goto fail;
		/* Let the worker and the consumer catch up with the last
		 * edges before the watch goes. */
		for (int i = 0; i < 100; i++) {
			if (pinwatch_watch_stats(c.w, c.id, &st) < 0)
				goto fail;
			if (st.delivered + st.lost == 400 && st.queued == 0)
				break;
			sleep_ms(10);
		}
	} else {
		sleep_ms(5000);
	}
	pinwatch_watch_stats(c.w, c.id, &st);
	ret = 0;
	goto out;
fail:
	fprintf(stderr, "queue-consumer: %s\n", pinwatch_last_error());
out:
	/* Synchronous: when this returns the consumer has been woken. */
	if (c.w && c.id)
		pinwatch_watch_remove(c.w, c.id);
	if (have_thread) {
		pthread_join(thread, NULL);
		printf("consumed %lu events, %lu lost (watch: %llu delivered, %llu lost)\n",
		       c.events, c.lost, (unsigned long long)st.delivered,
		       (unsigned long long)st.lost);
	}
	pinwatch_watcher_free(c.w);
	pinwatch_pin_close(in);
	pinwatch_board_close(board);
	return ret;
}
