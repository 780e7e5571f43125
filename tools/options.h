/* SPDX-License-Identifier: MIT */
/*
 * The option loop every command runs: getopt_long over the command's
 * arguments, -b/--board and -h/--help for all, each other option to the
 * command's handler, one message for an unknown option or a missing value.
 */
#ifndef PINWATCH_TOOL_OPTIONS_H
#define PINWATCH_TOOL_OPTIONS_H

#include <getopt.h>

#include "util.h"

/* The codes of the long options that have no letter (getopt's val). */
enum {
	OPT_BOARD = 0x100,   /* --board: -b too, where the command has no -b of its own */
	OPT_PULSE,           /* mon, count --pulse (its -p is gpiomon's debounce) */
	OPT_EVENT_BUFFER,    /* mon, count --event-buffer (-E is gpiomon's event clock) */
	OPT_NO_SUMMARY,      /* mon --no-summary (-q is gpiomon's quiet) */
	OPT_IDLE_TIMEOUT,    /* mon --idle-timeout */
	OPT_BANNER,          /* mon, set --banner */
	OPT_UTC,             /* mon --utc */
	OPT_LOCALTIME,       /* mon --localtime */
	OPT_END
};

/* A handler's answer for an option that is not one of its own. */
#define OPTION_NOT_MINE (-1)

/* Takes OPT (with its value VAL): 0, or the exit status to end with (a
 * usage error, printed), or OPTION_NOT_MINE. */
typedef int option_handler(void *arg, int opt, const char *val);

/*
 * Parse ctx's options: SHORTOPTS and LONGOPTS are the command's own (the
 * common ones are added here: -h/--help, -v/-V/--version, --board, and -b
 * for the board
 * where SHORTOPTS has no -b), HANDLE (may be NULL) takes them.  An option
 * with a value given twice is a usage error: each such option has one
 * value, and silently keeping the last one hides a mistake.  Returns -1
 * once every option is read (optind is then the first operand), or the
 * exit status to end with (help printed, or a usage error).
 */
int parse_options(struct tool_ctx *ctx, const char *help, const char *shortopts,
		  const struct option *longopts, option_handler *handle, void *arg);

/* The tool's and the library's versions, the backends and libgpiod built in. */
void print_version(void);

/* The usage error of getopt's ':' (missing value) or '?' (unknown option). */
int option_error(const char *cmd, int opt, char **argv);

#endif
