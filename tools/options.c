/* SPDX-License-Identifier: MIT */
/* The option loop of the commands (options.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

#define MAX_LONGOPTS 64

static const struct option common_longopts[] = {
	{ "board", required_argument, NULL, OPT_BOARD },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
};

void print_version(void)
{
	/* what this build has: bug reports need all three */
	printf("pinwatch %s (library %s)\n"
	       "backends: %s\n"
	       "libgpiod: %s\n",
	       PACKAGE_VERSION, pinwatch_version(), PW_BUILD_BACKENDS, PW_BUILD_LIBGPIOD);
}

/* "-t/--duration", "--pulse" or "-x": how the user may have written OPT. */
static void option_name(char *buf, size_t len, int opt, const struct option *all)
{
	const char *lname = NULL;

	for (size_t i = 0; all[i].name; i++)
		if (all[i].val == opt) {
			lname = all[i].name;
			break;
		}
	if (opt < 0x100 && lname)
		snprintf(buf, len, "-%c/--%s", opt, lname);
	else if (lname)
		snprintf(buf, len, "--%s", lname);
	else
		snprintf(buf, len, "-%c", opt);
}

int option_error(const char *cmd, int opt, char **argv)
{
	char which[64] = { '-', (char)optopt, '\0' };
	const char *last = optind > 0 ? argv[optind - 1] : "";

	/* getopt has moved past a long option: name it as it was typed */
	if (!strncmp(last, "--", 2))
		snprintf(which, sizeof(which), "%.*s", (int)strcspn(last, "="), last);

	if (opt == ':')
		return usage_error(cmd, "option '%s' needs a value", which);
	return usage_error(cmd, "unknown option '%s'", which);
}

int parse_options(struct tool_ctx *ctx, const char *help, const char *shortopts,
		  const struct option *longopts, option_handler *handle, void *arg)
{
	struct option all[MAX_LONGOPTS];
	unsigned char seen[OPT_END] = { 0 };
	char letters[128], name[64];
	size_t n = 0;
	int opt;

	if (!shortopts)
		shortopts = "";
	/* ':' first: a missing value is told apart from an unknown option */
	snprintf(letters, sizeof(letters), ":hvV%s%s", strchr(shortopts, 'b') ? "" : "b:",
		 shortopts);
	for (size_t i = 0; i < sizeof(common_longopts) / sizeof(common_longopts[0]); i++)
		all[n++] = common_longopts[i];
	for (size_t i = 0; longopts && longopts[i].name && n + 1 < MAX_LONGOPTS; i++)
		all[n++] = longopts[i];
	memset(&all[n], 0, sizeof(all[n]));

	while ((opt = getopt_long(ctx->argc, ctx->argv, letters, all, NULL)) != -1) {
		int ret = OPTION_NOT_MINE;
		if (opt == ':' || opt == '?')
			return option_error(ctx->cmd, opt, ctx->argv);
		if (opt == 'b' && !strchr(shortopts, 'b'))
			opt = OPT_BOARD;
		if (optarg && opt > 0 && opt < OPT_END && seen[opt]++) {
			option_name(name, sizeof(name), opt, all);
			return usage_error(ctx->cmd, "%s given twice: it takes one value", name);
		}
		switch (opt) {
		case OPT_BOARD:
			ctx->spec = optarg;
			continue;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		case 'v':
		case 'V':
			print_version();
			return EXIT_OK;
		}
		if (handle)
			ret = handle(arg, opt, optarg);
		if (ret == OPTION_NOT_MINE)
			return option_error(ctx->cmd, opt, ctx->argv);
		if (ret)
			return ret;
	}
	return -1;
}
