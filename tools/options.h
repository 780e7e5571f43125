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

/* A handler's answer for an option that is not one of its own. */
#define OPTION_NOT_MINE (-1)

/* Takes OPT (with its value VAL): 0, or the exit status to end with (a
 * usage error, printed), or OPTION_NOT_MINE. */
typedef int option_handler(void *arg, int opt, const char *val);

/*
 * Parse ctx's options: SHORTOPTS and LONGOPTS are the command's own (the
 * common ones are added here), HANDLE (may be NULL) takes them.  Returns
 * -1 once every option is read (optind is then the first operand), or the
 * exit status to end with (help printed, or a usage error).
 */
int parse_options(struct tool_ctx *ctx, const char *help, const char *shortopts,
		  const struct option *longopts, option_handler *handle, void *arg);

/* The usage error of getopt's ':' (missing value) or '?' (unknown option). */
int option_error(const char *cmd, int opt, char **argv);

#endif
