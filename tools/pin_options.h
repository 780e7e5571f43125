/* SPDX-License-Identifier: MIT */
/*
 * The options that choose and configure a requested line, shared by every
 * command that requests one (get, set, mon, count), with gpiod's letters:
 * -l/--active-low, -b/-B/--bias (-b as in gpiod 2.x, -B as in 1.6),
 * -c/--chip (pins given by offset, or restricted to that chip),
 * -C/--consumer.  One parser, so that each option means the same and says
 * the same everywhere.
 */
#ifndef PINWATCH_TOOL_PIN_OPTIONS_H
#define PINWATCH_TOOL_PIN_OPTIONS_H

#include <stddef.h>

#include "pinwatch.h"

/* For getopt: the short letters and the long options (a list's entries). */
#define PIN_OPTSTRING "lb:B:c:C:"
#define PIN_LONGOPTS \
	{ "active-low", no_argument, NULL, 'l' }, \
	{ "bias", required_argument, NULL, 'B' }, \
	{ "chip", required_argument, NULL, 'c' }, \
	{ "consumer", required_argument, NULL, 'C' }

/* Their lines of a command's --help (options in column 3, text in 27). */
#define PIN_HELP \
	"  --board SPEC            the board (default: $PINWATCH_BOARD, else auto)\n" \
	"  -c, --chip CHIP         pins given by offset are on CHIP (its name,\n" \
	"                          label, number or /dev path); other names must\n" \
	"                          be on it\n" \
	"  -C, --consumer NAME     the consumer name the lines are requested with\n" \
	"  -l, --active-low        the pins are active-low\n" \
	"  -b, -B, --bias BIAS     as-is, disabled (disable), pull-up, pull-down\n"

struct pin_options {
	struct pinwatch_pin_config cfg;
	const char *chip;         /* -c: NULL, or a bank's name, label, number or /dev path */
	int bias_given;           /* -b or -B (or --bias) seen */
};

/* An option_handler's answer (options.h): 0 with O updated, a usage
 * error's status, or OPTION_NOT_MINE. */
int pin_option(const char *cmd, int opt, const char *arg, struct pin_options *o);

/* The bank CHIP names, like gpiod's -c: its name, label, number (the Nth
 * bank) or /dev path.  The bank's index, or -1 (message printed: a runtime
 * error, like any name the board does not have). */
int pin_chip(const char *cmd, pinwatch_board *b, const char *chip);

/*
 * The names to open for NAMES on board B: as given without -c; with -c a
 * bare number is an offset on that chip ("gpiochip2:5"), any other name
 * must be a line of that chip.  *OUT is one allocation (free() it).  0, or
 * EXIT_RUNTIME for a chip that does not exist or a pin not on it (messages
 * printed, as for any name the board does not have).
 */
int pin_names(const char *cmd, pinwatch_board *b, const char *chip,
	      char *const *names, size_t n, char ***out);

/* The first pair of NAMES that are the same line (PC1 and 65): 0 if none,
 * else EXIT_USAGE with both named.  Names that do not resolve are left to
 * pinwatch_pin_open's message. */
int pin_duplicates(const char *cmd, pinwatch_board *b, char *const *names, size_t n);

#endif
