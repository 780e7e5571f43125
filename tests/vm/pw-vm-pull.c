/* SPDX-License-Identifier: MIT */
/*
 * pw-vm-pull [-s] [-n COUNT] [-u HALF_PERIOD_US] [-r REPEAT] PULL_FILE...
 *
 * A pulse train on gpio-sim lines by their pull attributes
 * (/sys/bus/gpio/devices/gpiochipN/sim_gpioK/pull): every file is set to
 * pull-down, then COUNT times pull-up and pull-down again, HALF_PERIOD_US
 * apart (default 1000; 0: no pause at all), all files together, in the
 * order given — the same pulses on each line, one interrupt per edge for
 * whoever listens (interrupt-cnt, a chardev request, gpiomon).  Works on
 * lines requested by others (the pull is the world outside the chip).  The
 * attributes stay open: one pwrite per line and transition, no path lookup
 * (pw-vm-pulse's open/write/close per edge is several times slower).
 *
 * Two users, one train:
 *  - the counter checks (guest.d/60-counter): prints the pulses played;
 *  - -s, the saturation bench (guest.d/60-saturation): as fast as the guest
 *    can (the pause defaults to 0) and prints the rate it reached,
 *    "pw-vm-pull: P pulses on L lines in S s: R edges/s".
 *
 * -r REPEAT slows the train without a clock: each level is written REPEAT
 * times (the repeats change nothing, so make no edge), so the rate is about
 * the flat-out rate / REPEAT.  The rig's tiny kernel has no high-resolution
 * timer and a 4 ms jiffies clock: any sleep, or a spin on the clock, lasts
 * at least a tick and floors every rate at ~250 edges/s.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_FILES 16

static void usage(void)
{
	fprintf(stderr, "usage: pw-vm-pull [-s] [-n COUNT] [-u HALF_PERIOD_US] [-r REPEAT] PULL_FILE...\n");
	exit(2);
}

static unsigned long number(const char *s)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-')
		usage();
	return v;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void pause_us(unsigned long us)
{
	struct timespec ts = { (time_t)(us / 1000000), (long)(us % 1000000) * 1000 };

	while (us && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static unsigned long repeat = 1;

static int pull(const int *fds, int n, const char *files[], int up)
{
	const char *text = up ? "pull-up" : "pull-down";

	for (unsigned long r = 0; r < repeat; r++)
		for (int i = 0; i < n; i++)
			if (pwrite(fds[i], text, strlen(text), 0) < 0) {
				fprintf(stderr, "pw-vm-pull: %s: %s: %s\n", files[i], text,
					strerror(errno));
				return -1;
			}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long count = 1, half_us = 1000;
	int fds[MAX_FILES], n, opt, saturation = 0, half_given = 0;

	while ((opt = getopt(argc, argv, "sn:u:r:")) != -1) {
		switch (opt) {
		case 's': saturation = 1; break;
		case 'n': count = number(optarg); break;
		case 'u': half_us = number(optarg); half_given = 1; break;
		case 'r': repeat = number(optarg); break;
		default: usage();
		}
	}
	if (saturation && !half_given)
		half_us = 0;
	n = argc - optind;
	if (n < 1 || n > MAX_FILES || repeat < 1)
		usage();
	const char **files = (const char **)argv + optind;
	for (int i = 0; i < n; i++) {
		fds[i] = open(files[i], O_WRONLY | O_CLOEXEC);
		if (fds[i] < 0) {
			fprintf(stderr, "pw-vm-pull: %s: %s\n", files[i], strerror(errno));
			return 1;
		}
	}
	if (pull(fds, n, files, 0) < 0)
		return 1;
	double t0 = now_s();
	pause_us(half_us);
	for (unsigned long k = 0; k < count; k++) {
		if (pull(fds, n, files, 1) < 0)
			return 1;
		pause_us(half_us);
		if (pull(fds, n, files, 0) < 0)
			return 1;
		pause_us(half_us);
	}
	double dt = now_s() - t0;
	if (saturation)
		printf("pw-vm-pull: %lu pulses on %d lines in %.3f s: %.0f edges/s\n", count, n, dt,
		       dt > 0 ? 2.0 * (double)count / dt : 0);
	else
		printf("%lu\n", count);
	for (int i = 0; i < n; i++)
		close(fds[i]);
	return 0;
}
