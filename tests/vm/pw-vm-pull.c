/* SPDX-License-Identifier: MIT */
/*
 * pw-vm-pull [-n COUNT] [-u HALF_PERIOD_US] PULL_FILE...
 *
 * A pulse train on gpio-sim lines by their pull attributes
 * (/sys/bus/gpio/devices/gpiochipN/sim_gpioK/pull), for the counter checks
 * (guest.d/60-counter, test-conformance-counter): every file is set to
 * pull-down, then COUNT times pull-up and pull-down again, HALF_PERIOD_US
 * apart, all files together — the same pulses on each line, one interrupt
 * per edge for whoever listens (interrupt-cnt, a chardev request).  Works
 * on lines requested by others (the pull is the world outside the chip).
 * Prints the pulses played.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_FILES 8

static void usage(void)
{
	fprintf(stderr, "usage: pw-vm-pull [-n COUNT] [-u HALF_PERIOD_US] PULL_FILE...\n");
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

static void pause_us(unsigned long us)
{
	struct timespec ts = { (time_t)(us / 1000000), (long)(us % 1000000) * 1000 };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int pull(const int *fds, int n, const char *files[], int up)
{
	const char *text = up ? "pull-up" : "pull-down";
	for (int i = 0; i < n; i++) {
		if (pwrite(fds[i], text, strlen(text), 0) < 0) {
			fprintf(stderr, "pw-vm-pull: %s: %s: %s\n", files[i], text, strerror(errno));
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long count = 1, half_us = 1000;
	int fds[MAX_FILES], n, opt;

	while ((opt = getopt(argc, argv, "n:u:")) != -1) {
		switch (opt) {
		case 'n': count = number(optarg); break;
		case 'u': half_us = number(optarg); break;
		default: usage();
		}
	}
	n = argc - optind;
	if (n < 1 || n > MAX_FILES)
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
	pause_us(half_us);
	for (unsigned long k = 0; k < count; k++) {
		if (pull(fds, n, files, 1) < 0)
			return 1;
		pause_us(half_us);
		if (pull(fds, n, files, 0) < 0)
			return 1;
		pause_us(half_us);
	}
	printf("%lu\n", count);
	return 0;
}
