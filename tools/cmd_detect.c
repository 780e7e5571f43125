/* SPDX-License-Identifier: MIT */
/* pinwatch detect: the board's banks, one line each, like gpiodetect. */
#include <getopt.h>
#include <stdio.h>

#include "commands.h"

static const char help[] =
	"Usage: pinwatch [-b SPEC] detect\n"
	"\n"
	"List the banks (GPIO controllers, gpiochips) of the board, one a line:\n"
	"  NAME [LABEL] (N lines) BACKEND\n"
	"\n"
	"Options:\n"
	"  -b, --board SPEC  the board (default: $PINWATCH_BOARD, else auto)\n"
	"  -h, --help        this help\n";

int cmd_detect(struct tool_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "board", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	pinwatch_board *b;
	int opt, done = -1, ret;

	while ((opt = getopt_long(ctx->argc, ctx->argv, ":b:h", longopts, NULL)) != -1) {
		if (!common_option(opt, optarg, help, &ctx->spec, &done))
			return option_error(ctx->cmd, opt, ctx->argv);
		if (done >= 0)
			return done;
	}
	if (optind < ctx->argc)
		return usage_error(ctx->cmd, "unexpected argument '%s'", ctx->argv[optind]);
	ret = open_board(ctx->cmd, ctx->spec, &b);
	if (ret)
		return ret;
	int n = pinwatch_board_num_banks(b);
	if (n < 0)
		ret = library_error(ctx->cmd);
	for (int i = 0; i < n && !ret; i++) {
		struct pinwatch_bank_info bi;
		if (pinwatch_board_bank_info(b, (unsigned)i, &bi) < 0) {
			ret = library_error(ctx->cmd);
			break;
		}
		printf("%s [%s] (%u lines) %s\n", bi.name, bi.label, bi.num_lines,
		       pinwatch_board_backend(b));
	}
	pinwatch_board_close(b);
	return finish_output(ctx->cmd, ret);
}
