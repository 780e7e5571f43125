/* SPDX-License-Identifier: MIT */
/*
 * The options that configure a requested line, shared by every command that
 * requests one (get, set, mon, count): -l/--active-low, -B/--bias.  One
 * parser, so that each option means the same and says the same everywhere.
 */
#ifndef PINWATCH_TOOL_PIN_OPTIONS_H
#define PINWATCH_TOOL_PIN_OPTIONS_H

#include "pinwatch.h"

/* For getopt: the short letters and the long options (a list's entries). */
#define PIN_OPTSTRING "lB:"
#define PIN_LONGOPTS \
	{ "active-low", no_argument, NULL, 'l' }, \
	{ "bias", required_argument, NULL, 'B' }

/* An option_handler's answer (options.h): 0 with CFG updated, a usage
 * error's status, or OPTION_NOT_MINE. */
int pin_option(const char *cmd, int opt, const char *arg,
	       struct pinwatch_pin_config *cfg);

#endif
