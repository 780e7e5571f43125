/* SPDX-License-Identifier: MIT */
/*
 * pw-vm-toggle [-n PULSES] [-u HALF_PERIOD_US] [-r REPEAT] PULL_FILE...
 *
 * The fastest pulse train the guest can make, for the saturation bench
 * (guest.d/60-saturation): every gpio-sim line given by its sim_gpioK/pull
 * attribute goes low, then PULSES times high and low, all lines at each
 * transition (in the order given) — the same edges on each line, as if
 * one wire fed them.  The attributes stay open (one pwrite per line and
 * transition, no path lookup: pw-vm-pulse's open/write/close per edge is
 * several times slower).  HALF_PERIOD_US 0: no pause at all.
 *
 * -r REPEAT slows the train without a clock: each level is written REPEAT
 * times (the repeats change nothing, so make no edge), so the rate is about
 * the flat-out rate / REPEAT.  The rig's tiny kernel has no high-resolution
 * timer and a 4 ms jiffies clock: any sleep, or a spin on the clock, lasts
 * at least a tick and floors every rate at ~250 edges/s.  Prints the
 * rate it reached: "pw-vm-toggle: P pulses on L lines in S s: R edges/s".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(stderr, "usage: pw-vm-toggle [-n PULSES] [-u HALF_PERIOD_US] [-r REPEAT] PULL_FILE...\n");
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

static int set_all(const int *fd, int n, char *const *path, int level)
{
	const char *v = level ? "pull-up" : "pull-down";

	for (unsigned long r = 0; r < repeat; r++)
		for (int i = 0; i < n; i++)
			if (pwrite(fd[i], v, strlen(v), 0) < 0) {
				fprintf(stderr, "pw-vm-toggle: write %s: %s\n", path[i],
					strerror(errno));
				return -1;
			}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long pulses = 1, half_us = 0;
	int opt;

	while ((opt = getopt(argc, argv, "n:u:r:")) != -1) {
		switch (opt) {
		case 'n': pulses = number(optarg); break;
		case 'u': half_us = number(optarg); break;
		case 'r': repeat = number(optarg); break;
		default: usage();
		}
	}
	int n = argc - optind;
	if (n < 1 || n > 16 || repeat < 1)
		usage();
	char *const *path = argv + optind;
	int fd[16];
	for (int i = 0; i < n; i++) {
		fd[i] = open(path[i], O_WRONLY | O_CLOEXEC);
		if (fd[i] < 0) {
			fprintf(stderr, "pw-vm-toggle: %s: %s\n", path[i], strerror(errno));
			return 1;
		}
	}
	if (set_all(fd, n, path, 0) < 0)
		return 1;
	double t0 = now_s();
	for (unsigned long k = 0; k < pulses; k++) {
		pause_us(half_us);
		if (set_all(fd, n, path, 1) < 0)
			return 1;
		pause_us(half_us);
		if (set_all(fd, n, path, 0) < 0)
			return 1;
	}
	double dt = now_s() - t0;
	printf("pw-vm-toggle: %lu pulses on %d lines in %.3f s: %.0f edges/s\n", pulses, n, dt,
	       dt > 0 ? 2.0 * (double)pulses / dt : 0);
	for (int i = 0; i < n; i++)
		close(fd[i]);
	return 0;
}
