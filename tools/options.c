/* SPDX-License-Identifier: MIT */
/* The option loop of the commands (options.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

#define MAX_LONGOPTS 64

static const struct option common_longopts[] = {
	{ "board", required_argument, NULL, 'b' },
	{ "help", no_argument, NULL, 'h' },
};

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
	char letters[128];
	size_t n = 0;
	int opt;

	/* ':' first: a missing value is told apart from an unknown option */
	snprintf(letters, sizeof(letters), ":b:h%s", shortopts ? shortopts : "");
	for (size_t i = 0; i < sizeof(common_longopts) / sizeof(common_longopts[0]); i++)
		all[n++] = common_longopts[i];
	for (size_t i = 0; longopts && longopts[i].name && n + 1 < MAX_LONGOPTS; i++)
		all[n++] = longopts[i];
	memset(&all[n], 0, sizeof(all[n]));

	while ((opt = getopt_long(ctx->argc, ctx->argv, letters, all, NULL)) != -1) {
		int ret = OPTION_NOT_MINE;
		switch (opt) {
		case 'b':
			ctx->spec = optarg;
			continue;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		case ':':
		case '?':
			return option_error(ctx->cmd, opt, ctx->argv);
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
