/* SPDX-License-Identifier: MIT */
/* pinwatch get PIN...: request each pin as an input, print the values. */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "options.h"
#include "pin_options.h"

static const char help[] =
	"Usage: pinwatch [-b SPEC] get [OPTIONS] PIN...\n"
	"\n"
	"Request the pins as inputs and print their logical values (0 or 1) on\n"
	"one line, separated by spaces, in the order given.  The lines are\n"
	"released before the command ends.\n"
	"\n"
	"Options:\n"
	PIN_HELP
	"  -h, --help              this help\n";

static int get_option(void *arg, int opt, const char *val)
{
	return pin_option("get", opt, val, arg);
}

int cmd_get(struct tool_ctx *ctx)
{
	static const struct option longopts[] = {
		PIN_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct pin_options po = { .cfg = { .direction = PINWATCH_DIR_INPUT } };
	pinwatch_board *b = NULL;
	pinwatch_pin **pins = NULL;
	char **names = NULL;
	int *values = NULL;
	int ret;
	size_t n;

	ret = parse_options(ctx, help, PIN_OPTSTRING, longopts, get_option, &po);
	if (ret >= 0)
		return ret;
	if (optind >= ctx->argc)
		return usage_error(ctx->cmd, "missing PIN");
	n = (size_t)(ctx->argc - optind);
	if ((ret = open_board(ctx->cmd, ctx->spec, &b)) ||
	    (ret = pin_names(ctx->cmd, b, po.chip, ctx->argv + optind, n, &names)) ||
	    (ret = pin_duplicates(ctx->cmd, b, names, n)))
		goto out;
	pins = calloc(n, sizeof(*pins));
	values = calloc(n, sizeof(*values));
	if (!pins || !values) {
		ret = runtime_error(ctx->cmd, "out of memory");
		goto out;
	}
	/* Request them all before reading any: one bad name prints nothing. */
	for (size_t i = 0; i < n && !ret; i++)
		if (pinwatch_pin_open(b, names[i], &po.cfg, &pins[i]) < 0)
			ret = library_error(ctx->cmd);
	for (size_t i = 0; i < n && !ret; i++) {
		values[i] = pinwatch_pin_get(pins[i]);
		if (values[i] < 0)
			ret = library_error(ctx->cmd);
	}
	for (size_t i = 0; i < n && !ret; i++)
		printf("%d%c", values[i], i + 1 < n ? ' ' : '\n');
out:
	for (size_t i = 0; pins && i < n; i++)
		pinwatch_pin_close(pins[i]);
	pinwatch_board_close(b);
	free(values);
	free(pins);
	free(names);
	return finish_output(ctx->cmd, ret);
}
