/* SPDX-License-Identifier: MIT */
/*
 * blink: drive an output, the "hello world" of GPIO.
 *
 * Blinks header pin W9 of an Aria G25 five times.  Runs on the simulator by
 * default; give a board spec to run on hardware:
 *
 *   ./blink                          (sim:aria-g25)
 *   ./blink chardev,board=aria-g25   (a real Aria G25)
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
	/* Zero means "default": only what differs from an input is named. */
	struct pinwatch_pin_config cfg = {
		.direction = PINWATCH_DIR_OUTPUT,
		.value = 0,
		.consumer = "blink",
	};
	pinwatch_board *board;
	pinwatch_pin *led;
	int ret = 1;

	if (pinwatch_board_open(spec, &board) < 0) {
		fprintf(stderr, "blink: %s\n", pinwatch_last_error());
		return 1;
	}
	if (pinwatch_pin_open(board, "W9", &cfg, &led) < 0) {
		fprintf(stderr, "blink: %s\n", pinwatch_last_error());
		goto out;
	}
	/* On the simulator we can look at the pad from outside, as a probe
	 * on the header would. */
	int is_sim = !strcmp(pinwatch_board_backend(board), "sim");

	for (int i = 0; i < 10; i++) {
		if (pinwatch_pin_set(led, i % 2 == 0) < 0) {
			fprintf(stderr, "blink: %s\n", pinwatch_last_error());
			goto out_pin;
		}
		if (is_sim)
			printf("W9 is %s\n", pinwatch_sim_sense(board, "W9") ? "on" : "off");
		sleep_ms(50);
	}
	ret = 0;
out_pin:
	/* An output keeps its level only while requested: closing the pin
	 * releases the line. */
	pinwatch_pin_close(led);
out:
	pinwatch_board_close(board);
	return ret;
}
