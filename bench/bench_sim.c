/* SPDX-License-Identifier: MIT */
/*
 * bench-sim: edges per second through the sim's real-time path — generator
 * thread, jumper wire, line ring, pipe doorbell, epoll, the watcher's worker
 * and a counters-only watch — at a few pulse frequencies, with the lost
 * counts pinwatch reports next to the truth the sim kept.
 *
 *   bench/bench-sim [SECONDS [BUFFER]]   (default 1 s per frequency, 16)
 *
 * Figures, not a test: nothing here asserts speed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "pinwatch.h"

static double seconds_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#define CHECK(call)                                                             \
	do {                                                                    \
		int ret_ = (call);                                              \
		if (ret_ < 0) {                                                 \
			fprintf(stderr, "bench-sim: %s: %s\n", #call,           \
				pinwatch_last_error());                         \
			exit(1);                                                \
		}                                                               \
	} while (0)

static void run(uint64_t hz, double secs, unsigned buffer)
{
	pinwatch_board *b;
	pinwatch_pin *p;
	pinwatch_watcher *w;
	pinwatch_watch_id id;
	unsigned gen;
	struct pinwatch_watch_config wc = { .edges = PINWATCH_EDGE_BOTH, .event_buffer = buffer };
	struct pinwatch_sim_pulse ps = {
		.period_ns = 1000000000ull / hz,
		.count = (uint64_t)((double)hz * secs),
	};
	struct pinwatch_watch_stats st;
	struct pinwatch_sim_line_stats ls;

	if (!ps.count)
		ps.count = 1;
	CHECK(pinwatch_board_open("sim:aria-g25", &b));
	CHECK(pinwatch_pin_open(b, "N3", NULL, &p));
	CHECK(pinwatch_sim_wire(b, "N2", "N3"));
	CHECK(pinwatch_watcher_new(&w));
	CHECK(pinwatch_watch_add(w, p, &wc, &id));
	CHECK(pinwatch_watcher_start(w));

	double t0 = seconds_now(), c0 = cpu_now();
	CHECK(pinwatch_sim_pulse(b, "N2", &ps, &gen));
	CHECK(pinwatch_sim_pulse_wait(b, gen, -1));
	double train = seconds_now() - t0;
	/* Let the worker finish what is pending: until every edge the line
	 * made is delivered or counted lost, or nothing moves for 20 ms. */
	uint64_t last = UINT64_MAX;
	for (int idle = 0; idle < 20;) {
		CHECK(pinwatch_watch_stats(w, id, &st));
		CHECK(pinwatch_sim_line_stats(b, "N3", &ls));
		if (st.delivered + st.lost >= ls.edges)
			break;
		idle = st.delivered + st.lost == last ? idle + 1 : 0;
		last = st.delivered + st.lost;
		struct timespec ms = { 0, 1000000 };
		nanosleep(&ms, NULL);
	}
	double wall = seconds_now() - t0, cpu = cpu_now() - c0;
	CHECK(pinwatch_watcher_stop(w));
	CHECK(pinwatch_watch_stats(w, id, &st));
	CHECK(pinwatch_sim_line_stats(b, "N3", &ls));

	printf("%9llu Hz %9llu pulses  %10llu edges  %10.0f edges/s  delivered %10llu"
	       "  lost %9llu (sim dropped %9llu)  train %.3f s  cpu %.2f s\n",
	       (unsigned long long)hz, (unsigned long long)ps.count,
	       (unsigned long long)ls.edges, (double)st.delivered / wall,
	       (unsigned long long)st.delivered, (unsigned long long)st.lost,
	       (unsigned long long)ls.dropped, train, cpu);
	fflush(stdout);

	CHECK(pinwatch_sim_pulse_stop(b, gen));
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}

int main(int argc, char **argv)
{
	static const uint64_t freqs[] = { 1000, 10000, 50000, 100000, 250000, 1000000 };
	double secs = argc > 1 ? atof(argv[1]) : 1.0;
	unsigned buffer = argc > 2 ? (unsigned)atoi(argv[2]) : 16;

	if (secs <= 0 || buffer < 1 || buffer > 65536) {
		fprintf(stderr, "usage: %s [SECONDS [BUFFER(1..65536)]]\n", argv[0]);
		return 2;
	}
	printf("pinwatch %s: sim real-time path, counters-only watch, "
	       "N2 -> N3, event buffer %u, %.1f s per frequency\n",
	       pinwatch_version(), buffer, secs);
	for (size_t i = 0; i < sizeof(freqs) / sizeof(freqs[0]); i++)
		run(freqs[i], secs, buffer);
	return 0;
}
