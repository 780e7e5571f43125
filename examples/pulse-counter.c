/* SPDX-License-Identifier: MIT */
/*
 * pulse-counter: count pulses with no work per edge.
 *
 * A watch with neither a callback nor a queue keeps counters only; the
 * watcher's worker reads the edges in batches and the program reads the
 * counters when it likes.  Every edge is counted or counted as lost: a
 * counter that silently stops counting is the bug pinwatch exists to fix.
 *
 * On the simulator (the default) a 10 kHz train on N2 is jumpered to N3,
 * the field setup; on hardware (./pulse-counter chardev,board=aria-g25)
 * feed N3 yourself.  Counts for one second, printing every 250 ms.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <pinwatch.h>

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	const char *spec = argc > 1 ? argv[1] : "sim:aria-g25";
	struct pinwatch_watch_config counters = {
		.edges = PINWATCH_EDGE_BOTH, /* both: a lost edge can be inferred */
		.event_buffer = 1024,        /* slack while the worker sleeps */
	};
	pinwatch_board *board = NULL;
	pinwatch_pin *in = NULL;
	pinwatch_watcher *w = NULL;
	pinwatch_watch_id id;
	struct pinwatch_watch_stats st;
	unsigned gen = 0;
	int ret = 1;

	if (pinwatch_board_open(spec, &board) < 0) {
		fprintf(stderr, "pulse-counter: %s\n", pinwatch_last_error());
		return 1;
	}
	int is_sim = !strcmp(pinwatch_board_backend(board), "sim");
	/* The jumper first, so that connecting it is not counted. */
	if (is_sim && pinwatch_sim_wire(board, "N2", "N3") < 0)
		goto fail;
	if (pinwatch_pin_open(board, "N3", NULL, &in) < 0 ||
	    pinwatch_watcher_new(&w) < 0)
		goto fail;
	/* Not every backend can size its buffer (sysfs, libgpiod 1.6):
	 * then its own will do. */
	if (pinwatch_watch_add(w, in, &counters, &id) < 0) {
		counters.event_buffer = 0;
		if (pinwatch_watch_add(w, in, &counters, &id) < 0)
			goto fail;
	}
	if (pinwatch_watcher_start(w) < 0)
		goto fail;
	if (is_sim) {
		struct pinwatch_sim_pulse train = { .period_ns = 100000 }; /* 10 kHz */
		if (pinwatch_sim_pulse(board, "N2", &train, &gen) < 0)
			goto fail;
	}
	for (int t = 250; t <= 1000; t += 250) {
		sleep_ms(250);
		if (pinwatch_watch_stats(w, id, &st) < 0)
			goto fail;
		printf("%4d ms: %llu pulses, %llu lost\n", t,
		       (unsigned long long)st.rising, (unsigned long long)st.lost);
	}
	if (is_sim)
		pinwatch_sim_pulse_stop(board, gen);
	ret = 0;
	goto out;
fail:
	fprintf(stderr, "pulse-counter: %s\n", pinwatch_last_error());
out:
	pinwatch_watcher_free(w);
	pinwatch_pin_close(in);
	pinwatch_board_close(board);
	return ret;
}
