/* SPDX-License-Identifier: MIT */
/* pinwatch detect: the board's banks, one line each, like gpiodetect. */
#include <stdio.h>

#include "commands.h"
#include "options.h"

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
	pinwatch_board *b;
	int ret;

	ret = parse_options(ctx, help, NULL, NULL, NULL, NULL);
	if (ret >= 0)
		return ret;
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
