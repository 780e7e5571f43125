/* SPDX-License-Identifier: MIT */
/*
 * pw-vm-pulse [-b SPEC] [-n COUNT] [-u HALF_PERIOD_US] PIN
 *
 * A pulse train from outside the chip on a gpio-sim line, for guest.d
 * checks (the conformance suite drives its own edges through world_drive):
 * drive PIN low, then COUNT times high and low again, through gpio-sim's
 * pull attribute (tests/world_gpiosim.c) — 2 × COUNT real edge interrupts.
 * PIN is any pinwatch name (N3, PC1, pioC:1).  SPEC defaults to
 * $PINWATCH_BOARD, else "sysfs,board=aria-g25"; opening a board requests no
 * line, so the pin may be held by the program under test.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "world.h"

static void usage(void)
{
	fprintf(stderr, "usage: pw-vm-pulse [-b SPEC] [-n COUNT] [-u HALF_PERIOD_US] PIN\n");
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

int main(int argc, char **argv)
{
	const char *spec = getenv("PINWATCH_BOARD");
	unsigned long count = 1, half_us = 1000;
	int opt;

	while ((opt = getopt(argc, argv, "b:n:u:")) != -1) {
		switch (opt) {
		case 'b': spec = optarg; break;
		case 'n': count = number(optarg); break;
		case 'u': half_us = number(optarg); break;
		default: usage();
		}
	}
	if (optind != argc - 1)
		usage();
	const char *pin = argv[optind];
	if (!spec || !*spec)
		spec = "sysfs,board=aria-g25";

	pinwatch_board *b;
	if (pinwatch_board_open(spec, &b) < 0) {
		fprintf(stderr, "pw-vm-pulse: %s: %s\n", spec, pinwatch_last_error());
		return 1;
	}
	struct world *w = world_gpiosim_open(b);
	if (!w) {
		pinwatch_board_close(b);
		return 1;
	}

	int err = world_gpiosim_drive(w, pin, 0);
	for (unsigned long i = 0; err == 0 && i < count; i++) {
		pause_us(half_us);
		err = world_gpiosim_drive(w, pin, 1);
		if (err == 0) {
			pause_us(half_us);
			err = world_gpiosim_drive(w, pin, 0);
		}
	}
	if (err < 0)
		fprintf(stderr, "pw-vm-pulse: %s: %s\n", pin, strerror(-err));
	else
		printf("pw-vm-pulse: %s: %lu pulses\n", pin, count);

	world_gpiosim_close(w);
	pinwatch_board_close(b);
	return err < 0;
}
