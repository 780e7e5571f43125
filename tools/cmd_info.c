/* SPDX-License-Identifier: MIT */
/* pinwatch info [BANK|PIN...]: every line of the board, of the banks named
 * or the pins named, with the names a user may call it by, its
 * configuration and who holds it, like gpioinfo. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "options.h"
#include "pin_options.h"

static const char help[] =
	"Usage: pinwatch [-b SPEC] info [-c CHIP] [BANK|PIN...]\n"
	"\n"
	"Describe every line of the board, of the banks named (by name, e.g.\n"
	"gpiochip2, or by label, e.g. pioC) or the pins named (N3, PC1, pioC:1,\n"
	"65; with -c, a bare number is an offset on CHIP).  Per bank a heading,\n"
	"then per line: offset, line name, header name, legacy number,\n"
	"direction, active-high/low, bias, drive, and \"unused\" or who uses it:\n"
	"  gpiochip2 [pioC] (32 lines)\n"
	"  \tline  1: PC1      N3       65 input  active-high as-is     push-pull   unused\n"
	"A missing name, header or number shows as \"-\".  The edge and debounce\n"
	"a line is requested with are not reported (the library's line info does\n"
	"not have them).\n"
	"\n"
	"Options:\n"
	"  --board SPEC          the board (default: $PINWATCH_BOARD, else auto)\n"
	"  -c, --chip CHIP       only CHIP (name, label, number or /dev path)\n"
	"  -h, --help            this help\n";

struct info {
	struct tool_ctx *ctx;
	pinwatch_board *b;
	const char *chip;
	int last_bank;           /* the heading printed last, or -1 */
};

static void print_line(const struct pinwatch_line_info *li)
{
	char global[16] = "-";

	if (li->global >= 0)
		snprintf(global, sizeof(global), "%d", li->global);
	printf("\tline %2u: %-8s %-5s %5s %-6s %-11s %-9s %-11s ", li->offset,
	       li->name[0] ? li->name : "-", li->header[0] ? li->header : "-",
	       global, li->direction == PINWATCH_DIR_OUTPUT ? "output" : "input",
	       li->active_low ? "active-low" : "active-high", bias_name(li->bias),
	       drive_name(li->drive));
	if (!li->used)
		printf("unused");
	else if (li->consumer[0])
		printf("used by \"%s\"", li->consumer);
	else
		printf("used");
	/* gpioinfo's edges= and debounce-period=, where the line has them */
	if (li->edges > 0)
		printf(" edges=%s", li->edges == PINWATCH_EDGE_BOTH ? "both"
		       : li->edges == PINWATCH_EDGE_RISING ? "rising" : "falling");
	if (li->debounce_ns)
		printf(" debounce-period=%lluus", (unsigned long long)(li->debounce_ns / 1000));
	putchar('\n');
}

static int heading(struct info *in, unsigned bank)
{
	struct pinwatch_bank_info bi;

	if (in->last_bank == (int)bank)
		return EXIT_OK;
	if (pinwatch_board_bank_info(in->b, bank, &bi) < 0)
		return library_error(in->ctx->cmd);
	printf("%s [%s] (%u lines)\n", bi.name, bi.label, bi.num_lines);
	in->last_bank = (int)bank;
	return EXIT_OK;
}

static int print_bank(struct info *in, unsigned bank)
{
	struct pinwatch_bank_info bi;
	int ret = heading(in, bank);

	if (ret)
		return ret;
	if (pinwatch_board_bank_info(in->b, bank, &bi) < 0)
		return library_error(in->ctx->cmd);
	for (unsigned o = 0; o < bi.num_lines; o++) {
		struct pinwatch_line_info li;
		if (pinwatch_board_line_info_at(in->b, bank, o, &li) < 0)
			return library_error(in->ctx->cmd);
		print_line(&li);
	}
	return EXIT_OK;
}

/* The bank ARG names (its name or label), or -1. */
static int bank_named(pinwatch_board *b, int n, const char *arg)
{
	for (int i = 0; i < n; i++) {
		struct pinwatch_bank_info bi;
		if (pinwatch_board_bank_info(b, (unsigned)i, &bi) == 0 &&
		    (!strcmp(arg, bi.name) || !strcmp(arg, bi.label)))
			return i;
	}
	return -1;
}

/* Neither a bank nor a pin: the banks there are, and the library's word
 * on the name as a pin (ERR, its pinwatch_board_line_info) when it is more
 * than "no such pin": a line out of its bank's range, an ambiguous name. */
static int unknown(struct info *in, int n, const char *arg, int err)
{
	char known[256] = "", why[256] = "";

	if (err != -ENOENT)   /* taken before the calls below replace it */
		snprintf(why, sizeof(why), ": %s", pinwatch_last_error());
	for (int i = 0; i < n; i++) {
		struct pinwatch_bank_info bi;
		size_t len = strlen(known);
		if (pinwatch_board_bank_info(in->b, (unsigned)i, &bi) < 0)
			break;
		int w = snprintf(known + len, sizeof(known) - len, "%s%s", i ? ", " : "",
				 bi.label[0] ? bi.label : bi.name);
		if (w < 0 || (size_t)w >= sizeof(known) - len)
			break; /* the list is cut, the message still fits */
	}
	return runtime_error(in->ctx->cmd, "no bank or pin '%s' on this board (banks: %s)%s",
			     arg, known, why);
}

/* A pin argument: its line, under its bank's heading. */
static int print_pin(struct info *in, int n, const char *arg, const char *open_name)
{
	struct pinwatch_line_info li;
	int ret;

	if ((ret = pinwatch_board_line_info(in->b, open_name, &li)) < 0)
		return unknown(in, n, arg, ret);
	if ((ret = heading(in, li.bank)))
		return ret;
	print_line(&li);
	return EXIT_OK;
}

static int info_option(void *arg, int opt, const char *val)
{
	if (opt != 'c')
		return OPTION_NOT_MINE;
	((struct info *)arg)->chip = val;
	return 0;
}

int cmd_info(struct tool_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "chip", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct info in = { .ctx = ctx, .last_bank = -1 };
	char **names = NULL;
	size_t nargs;
	int ret, n, chip_bank = -1;

	ret = parse_options(ctx, help, "c:", longopts, info_option, &in);
	if (ret >= 0)
		return ret;
	nargs = (size_t)(ctx->argc - optind);
	ret = open_board(ctx->cmd, ctx->spec, &in.b);
	if (ret)
		return ret;
	n = pinwatch_board_num_banks(in.b);
	if (n < 0) {
		ret = library_error(ctx->cmd);
		goto out;
	}
	/* -c and its pins (offsets, names on it) resolved first: a typo is an
	 * error before anything is printed */
	if (in.chip && (chip_bank = pin_chip(ctx->cmd, in.b, in.chip)) < 0) {
		ret = EXIT_RUNTIME;
		goto out;
	}
	if ((ret = pin_names(ctx->cmd, in.b, in.chip, ctx->argv + optind, nargs, &names)))
		goto out;
	for (size_t a = 0; a < nargs && !ret; a++) {
		struct pinwatch_line_info li;
		int err;
		if ((in.chip || bank_named(in.b, n, ctx->argv[optind + (int)a]) < 0) &&
		    (err = pinwatch_board_line_info(in.b, names[a], &li)) < 0)
			ret = unknown(&in, n, ctx->argv[optind + (int)a], err);
	}
	/* the banks named in board order (as always), then the pins as given */
	for (int i = 0; i < n && !ret; i++)
		for (size_t a = 0; !in.chip && a < nargs; a++)
			if (bank_named(in.b, n, ctx->argv[optind + (int)a]) == i) {
				ret = print_bank(&in, (unsigned)i);
				break;
			}
	for (size_t a = 0; a < nargs && !ret; a++)
		if (in.chip || bank_named(in.b, n, ctx->argv[optind + (int)a]) < 0)
			ret = print_pin(&in, n, ctx->argv[optind + (int)a], names[a]);
	for (int i = 0; !nargs && i < n && !ret; i++)
		if (!in.chip || i == chip_bank)
			ret = print_bank(&in, (unsigned)i);
out:
	free(names);
	pinwatch_board_close(in.b);
	return finish_output(ctx->cmd, ret);
}
