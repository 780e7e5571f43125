/* SPDX-License-Identifier: MIT */
/*
 * pinwatch [-b SPEC] COMMAND [ARGS]: the command-line face of the library.
 * This file picks the board spec and the command; each command lives in its
 * own cmd_*.c and returns the process's exit status.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "options.h"

static const struct command {
	const char *name;
	int (*run)(struct tool_ctx *ctx);
	const char *summary;
} commands[] = {
	{ "detect", cmd_detect, "list the banks (GPIO controllers) of the board" },
	{ "info", cmd_info, "describe the lines of the board, of some banks or pins" },
	{ "get", cmd_get, "read the values of pins" },
	{ "set", cmd_set, "drive pins until signalled, or for a duration" },
	{ "mon", cmd_mon, "print edges as they arrive" },
	{ "count", cmd_count, "count pulses: total, rising, falling, lost, rate" },
	{ "notify", cmd_notify, "print who requests, releases or reconfigures pins" },
};

static void help(void)
{
	printf("Usage: pinwatch [-b SPEC] COMMAND [ARGS]\n"
	       "\n"
	       "Read, drive, monitor and count GPIO pins on a real board or on the\n"
	       "simulator.  Pins are named by header name (N3), line name (PC1),\n"
	       "BANK:OFFSET (pioC:1, gpiochip2:1) or legacy number (65).\n"
	       "\n"
	       "Options:\n"
	       "  -b, --board SPEC  the board: auto, sim[:PROFILE], sysfs[:ROOT],\n"
	       "                    chardev[:DEVICE], with ,KEY=VALUE options\n"
	       "                    (default: $PINWATCH_BOARD, else auto)\n"
	       "  -h, --help        this help; COMMAND --help for a command's\n"
	       "  -v, -V, --version the tool's and the library's versions (also after\n"
	       "                    a command, as in gpiod's tools)\n"
	       "\n"
	       "Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		printf("  %-8s %s\n", commands[i].name, commands[i].summary);
	printf("\n"
	       "Exit status: 0 success, 1 usage error, 2 runtime error.\n"
	       "See pinwatch(1).\n");
}

/* The edit distance of A and B (insert, delete, substitute one letter),
 * for "did you mean": short words only, longer ones are not a typo. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[16];

	if (la >= 15 || lb >= 15)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			if (up + 1 < best)
				best = up + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

static int unknown_command(const char *name)
{
	const char *best = NULL;
	size_t best_d = 3;   /* at most two letters off */

	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		size_t d = distance(name, commands[i].name);
		if (d < best_d) {
			best_d = d;
			best = commands[i].name;
		}
	}
	if (best)
		return usage_error(NULL, "unknown command '%s'; did you mean '%s'?", name, best);
	return usage_error(NULL, "unknown command '%s'", name);
}

/* A standard descriptor the caller closed (pinwatch mon N3 >&-) is held by
 * /dev/null, opened read-only: else the first descriptor the command opens
 * -- its signalfd, the library's epoll or eventfd, count's state lock --
 * takes its number and gets the output written into it.  Read-only, so
 * that a write to it still fails (EBADF) and is reported as before. */
static void hold_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		int n = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (n >= 0 && n != fd) {   /* the lowest free number: fd itself */
			dup2(n, fd);
			close(n);
		}
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "board", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *spec = getenv("PINWATCH_BOARD");
	int opt, board_given = 0;

	hold_std_fds();
	if (!spec || !*spec)
		spec = "auto";
	opterr = 0;
	/* "+": stop at the command; its options are its own */
	while ((opt = getopt_long(argc, argv, "+:b:hvV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'b':
			if (board_given++)
				return usage_error(NULL, "-b/--board given twice: it takes one value");
			spec = optarg;
			break;
		case 'h':
			help();
			return EXIT_OK;
		case 'v':
		case 'V':
			print_version();
			return EXIT_OK;
		default:
			return option_error(NULL, opt, argv);
		}
	}
	if (optind >= argc)
		return usage_error(NULL, "missing COMMAND");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[optind], commands[i].name))
			continue;
		struct tool_ctx ctx = {
			.cmd = commands[i].name,
			.spec = spec,
			.argc = argc - optind,
			.argv = argv + optind,
		};
		optind = 0; /* glibc: restart getopt for the command's own options */
		return commands[i].run(&ctx);
	}
	return unknown_command(argv[optind]);
}
