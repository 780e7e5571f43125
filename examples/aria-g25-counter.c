/* SPDX-License-Identifier: MIT */
/*
 * The field setup, on the simulator: an Acme Systems Aria G25 with a jumper
 * wire from header pin N2 (PC0) to N3 (PC1), a fast pulse train on N2, and a
 * pulse counter on N3 — the setup in which an earlier GPIO library silently
 * stopped counting after days.  pinwatch counts every pulse, says how many
 * were lost (none), and leaves no descriptor or thread behind.
 *
 *   aria-g25-counter [PULSES [FREQ_HZ]]     (default 200000 pulses at 20 kHz)
 *
 * Exit status 0 only if the count is exact, nothing was lost, and the
 * descriptors and threads after equal those before.
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pinwatch.h>

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - (strcmp(dir, "/proc/self/fd") == 0); /* the listing's own fd */
}

static int fail(const char *what)
{
	fprintf(stderr, "aria-g25-counter: %s: %s\n", what, pinwatch_last_error());
	return 1;
}

int main(int argc, char **argv)
{
	uint64_t pulses = argc > 1 ? strtoull(argv[1], NULL, 10) : 200000;
	uint64_t freq = argc > 2 ? strtoull(argv[2], NULL, 10) : 20000;
	pinwatch_board *board;
	pinwatch_pin *counter;
	pinwatch_watcher *watcher;
	pinwatch_watch_id watch;
	struct pinwatch_watch_stats st;
	unsigned gen;

	if (!pulses || !freq || freq > 1000000) {
		fprintf(stderr, "usage: aria-g25-counter [PULSES [FREQ_HZ (1..1000000)]]\n");
		return 2;
	}
	int fds_before = count_entries("/proc/self/fd");
	int threads_before = count_entries("/proc/self/task");

	if (pinwatch_board_open("sim:aria-g25", &board))
		return fail("open board");
	/* The jumper: N2 drives N3. */
	if (pinwatch_sim_wire(board, "N2", "N3"))
		return fail("wire N2 to N3");
	if (pinwatch_pin_open(board, "N3", NULL, &counter))
		return fail("open N3");
	if (pinwatch_watcher_new(&watcher))
		return fail("new watcher");
	/* Counters only: no per-event work.  The simulator's largest event
	 * buffer (65536 edges: over 3 s of this train) absorbs the scheduling
	 * stalls of a loaded machine, where 1024 (51 ms) lost edges at load 10. */
	struct pinwatch_watch_config cfg = { .edges = PINWATCH_EDGE_RISING, .event_buffer = 65536 };
	if (pinwatch_watch_add(watcher, counter, &cfg, &watch))
		return fail("watch N3");
	if (pinwatch_watcher_start(watcher))
		return fail("start watcher");

	struct pinwatch_sim_pulse train = { .period_ns = 1000000000u / freq, .count = pulses };
	printf("Aria G25 (simulated): %" PRIu64 " pulses at %" PRIu64 " Hz on N2, jumpered to N3, counted on N3\n",
	       pulses, freq);
	printf("before: %d descriptors, %d threads\n", fds_before, threads_before);
	fflush(stdout);
	if (pinwatch_sim_pulse(board, "N2", &train, &gen))
		return fail("pulse N2");
	for (;;) {
		int done = pinwatch_sim_pulse_wait(board, gen, 500);
		if (done < 0)
			return fail("wait for the pulse train");
		if (pinwatch_watch_stats(watcher, watch, &st))
			return fail("stats");
		printf("  counted %" PRIu64 " of %" PRIu64 ", lost %" PRIu64 "\n", st.rising, pulses, st.lost);
		fflush(stdout);
		if (done)
			break;
	}
	/* The train is over; give the worker up to a second for what is
	 * still pending. */
	for (int i = 0; i < 100; i++) {
		if (pinwatch_watch_stats(watcher, watch, &st))
			return fail("stats");
		if (st.rising + st.lost >= pulses)
			break;
		nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
	}
	pinwatch_sim_pulse_stop(board, gen);
	pinwatch_watcher_stop(watcher);
	pinwatch_watcher_free(watcher);
	pinwatch_pin_close(counter);
	pinwatch_board_close(board);

	int fds_after = count_entries("/proc/self/fd");
	int threads_after = count_entries("/proc/self/task");
	printf("total: %" PRIu64 " rising edges counted of %" PRIu64 " pulses\n", st.rising, pulses);
	printf("lost: %" PRIu64 "\n", st.lost);
	printf("after: %d descriptors, %d threads\n", fds_after, threads_after);
	int ok = st.rising == pulses && st.lost == 0 && fds_after == fds_before &&
		 threads_after == threads_before;
	printf("%s\n", ok ? "OK: exact count, nothing lost, nothing left open"
			  : "FAILED: the count, the losses or the resources do not match");
	return ok ? 0 : 1;
}
