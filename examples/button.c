/* SPDX-License-Identifier: MIT */
/*
 * button: a callback on every press of a bouncy push button.
 *
 * The button on header pin S2 pulls the line high when pressed; the pad's
 * pull-down holds it low otherwise.  Real contacts bounce: each press makes
 * a burst of edges.  A 10 ms debounce turns each burst into one edge, and
 * the callback runs once per press, on the watcher's own thread.
 *
 * On the simulator (the default) a pulse generator plays three presses of
 * 100 ms, each edge followed by 4 bounces 500 us apart.  On hardware
 * (./button chardev,board=aria-g25) press the button for 10 seconds.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <pinwatch.h>

#define PRESSES 3

struct presses {
	int count;   /* written by the callback thread, read by main */
};

static void on_press(const struct pinwatch_event *ev, void *ctx)
{
	struct presses *p = ctx;
	int n = __atomic_add_fetch(&p->count, 1, __ATOMIC_SEQ_CST);

	printf("press %d at %llu.%03llu s\n", n,
	       (unsigned long long)(ev->timestamp_ns / 1000000000u),
	       (unsigned long long)(ev->timestamp_ns / 1000000u % 1000u));
	fflush(stdout);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	const char *spec = argc > 1 ? argv[1] : "sim:aria-g25";
	struct pinwatch_pin_config in = { .bias = PINWATCH_BIAS_PULL_DOWN };
	struct presses presses = { 0 };
	struct pinwatch_watch_config cfg = {
		.edges = PINWATCH_EDGE_RISING,
		.callback = on_press,
		.ctx = &presses,          /* ours: it outlives the watch */
		.debounce_ns = 10 * 1000000ull,
	};
	pinwatch_board *board = NULL;
	pinwatch_pin *button = NULL;
	pinwatch_watcher *w = NULL;
	pinwatch_watch_id id;
	struct pinwatch_watch_stats st;
	int ret = 1;

	if (pinwatch_board_open(spec, &board) < 0 ||
	    pinwatch_pin_open(board, "S2", &in, &button) < 0 ||
	    pinwatch_watcher_new(&w) < 0 ||
	    pinwatch_watch_add(w, button, &cfg, &id) < 0 ||
	    pinwatch_watcher_start(w) < 0) {
		fprintf(stderr, "button: %s\n", pinwatch_last_error());
		goto out;
	}

	int is_sim = !strcmp(pinwatch_board_backend(board), "sim");
	if (is_sim) {
		struct pinwatch_sim_pulse bouncy = {
			.period_ns = 200 * 1000000ull,  /* a press every 200 ms ... */
			.high_ns = 100 * 1000000ull,    /* ... held for 100 ms */
			.count = PRESSES,
			.phase_ns = 20 * 1000000ull,
			.bounce = 4,
			.bounce_ns = 500 * 1000ull,
		};
		unsigned gen;
		if (pinwatch_sim_pulse(board, "S2", &bouncy, &gen) < 0 ||
		    pinwatch_sim_pulse_wait(board, gen, 5000) != 1) {
			fprintf(stderr, "button: %s\n", pinwatch_last_error());
			goto out;
		}
	}
	/* Wait for the callbacks (the worker runs them) or the time to end. */
	for (int ms = 0; ms < 10000; ms += 10) {
		if (is_sim && __atomic_load_n(&presses.count, __ATOMIC_SEQ_CST) == PRESSES)
			break;
		sleep_ms(10);
	}
	if (pinwatch_watch_stats(w, id, &st) == 0)
		printf("%llu presses, %llu bounce edges filtered\n",
		       (unsigned long long)st.rising, (unsigned long long)st.filtered);
	ret = is_sim && presses.count != PRESSES;
out:
	/* Free stops and joins the worker: no callback runs after it, so
	 * `presses` may go out of scope safely. */
	pinwatch_watcher_free(w);
	pinwatch_pin_close(button);
	pinwatch_board_close(board);
	return ret;
}
