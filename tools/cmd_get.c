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
	"  -b, --board SPEC   the board (default: $PINWATCH_BOARD, else auto)\n"
	"  -l, --active-low   the pins are active-low: values are inverted\n"
	"  -B, --bias BIAS    as-is, disabled, pull-up or pull-down\n"
	"  -h, --help         this help\n";

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
	struct pinwatch_pin_config cfg = { .direction = PINWATCH_DIR_INPUT };
	pinwatch_board *b;
	pinwatch_pin **pins;
	int ret, npins;

	ret = parse_options(ctx, help, PIN_OPTSTRING, longopts, get_option, &cfg);
	if (ret >= 0)
		return ret;
	npins = ctx->argc - optind;
	if (npins <= 0)
		return usage_error(ctx->cmd, "missing PIN");
	ret = open_board(ctx->cmd, ctx->spec, &b);
	if (ret)
		return ret;
	pins = calloc((size_t)npins, sizeof(*pins));
	if (!pins) {
		pinwatch_board_close(b);
		return runtime_error(ctx->cmd, "out of memory");
	}
	/* Request them all before reading any: one bad name prints nothing. */
	for (int i = 0; i < npins && !ret; i++)
		if (pinwatch_pin_open(b, ctx->argv[optind + i], &cfg, &pins[i]) < 0)
			ret = library_error(ctx->cmd);
	int *values = calloc((size_t)npins, sizeof(*values));
	if (!ret && !values)
		ret = runtime_error(ctx->cmd, "out of memory");
	for (int i = 0; i < npins && !ret; i++) {
		values[i] = pinwatch_pin_get(pins[i]);
		if (values[i] < 0)
			ret = library_error(ctx->cmd);
	}
	for (int i = 0; i < npins && !ret; i++)
		printf("%d%c", values[i], i + 1 < npins ? ' ' : '\n');
	free(values);
	for (int i = 0; i < npins; i++)
		pinwatch_pin_close(pins[i]);
	free(pins);
	pinwatch_board_close(b);
	return finish_output(ctx->cmd, ret);
}
