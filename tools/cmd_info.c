/* SPDX-License-Identifier: MIT */
/* pinwatch info [BANK...]: every line of the board or of the banks named,
 * with the names a user may call it by and who holds it, like gpioinfo. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "options.h"

static const char help[] =
	"Usage: pinwatch [-b SPEC] info [BANK...]\n"
	"\n"
	"Describe every line of the board, or of the banks named (by name,\n"
	"e.g. gpiochip2, or by label, e.g. pioC).  Per bank a heading, then per\n"
	"line: offset, line name, header name, legacy number, direction,\n"
	"active-high/low, bias, and \"unused\" or who uses it:\n"
	"  gpiochip2 [pioC] (32 lines)\n"
	"  \tline  1: PC1      N3       65 input  active-high as-is     unused\n"
	"A missing name, header or number shows as \"-\".\n"
	"\n"
	"Options:\n"
	"  -b, --board SPEC  the board (default: $PINWATCH_BOARD, else auto)\n"
	"  -h, --help        this help\n";

static void print_line(const struct pinwatch_line_info *li)
{
	char global[16] = "-";

	if (li->global >= 0)
		snprintf(global, sizeof(global), "%d", li->global);
	printf("\tline %2u: %-8s %-5s %5s %-6s %-11s %-9s ", li->offset,
	       li->name[0] ? li->name : "-", li->header[0] ? li->header : "-",
	       global, li->direction == PINWATCH_DIR_OUTPUT ? "output" : "input",
	       li->active_low ? "active-low" : "active-high", bias_name(li->bias));
	if (!li->used)
		printf("unused\n");
	else if (li->consumer[0])
		printf("used by \"%s\"\n", li->consumer);
	else
		printf("used\n");
}

static int print_bank(struct tool_ctx *ctx, pinwatch_board *b, unsigned bank,
		      const struct pinwatch_bank_info *bi)
{
	printf("%s [%s] (%u lines)\n", bi->name, bi->label, bi->num_lines);
	for (unsigned o = 0; o < bi->num_lines; o++) {
		struct pinwatch_line_info li;
		if (pinwatch_board_line_info_at(b, bank, o, &li) < 0)
			return library_error(ctx->cmd);
		print_line(&li);
	}
	return EXIT_OK;
}

/* Every argument must name a bank: a typo is an error, not an empty list. */
static int check_banks(struct tool_ctx *ctx, const struct pinwatch_bank_info *bi,
		       int n, int first)
{
	for (int a = first; a < ctx->argc; a++) {
		int found = 0;
		for (int i = 0; i < n && !found; i++)
			found = !strcmp(ctx->argv[a], bi[i].name) ||
				!strcmp(ctx->argv[a], bi[i].label);
		if (found)
			continue;
		char known[256] = "";
		for (int i = 0; i < n; i++) {
			size_t len = strlen(known);
			int w = snprintf(known + len, sizeof(known) - len, "%s%s", i ? ", " : "",
					 bi[i].label[0] ? bi[i].label : bi[i].name);
			if (w < 0 || (size_t)w >= sizeof(known) - len)
				break; /* the list is cut, the message still fits */
		}
		return runtime_error(ctx->cmd, "no bank '%s' on this board (banks: %s)",
				     ctx->argv[a], known);
	}
	return EXIT_OK;
}

static int wanted(struct tool_ctx *ctx, int first, const struct pinwatch_bank_info *bi)
{
	if (first >= ctx->argc)
		return 1;
	for (int a = first; a < ctx->argc; a++)
		if (!strcmp(ctx->argv[a], bi->name) || !strcmp(ctx->argv[a], bi->label))
			return 1;
	return 0;
}

int cmd_info(struct tool_ctx *ctx)
{
	struct pinwatch_bank_info bi[64];
	pinwatch_board *b;
	int ret, n;

	ret = parse_options(ctx, help, NULL, NULL, NULL, NULL);
	if (ret >= 0)
		return ret;
	int first = optind;
	ret = open_board(ctx->cmd, ctx->spec, &b);
	if (ret)
		return ret;
	n = pinwatch_board_num_banks(b);
	if (n < 0) {
		ret = library_error(ctx->cmd);
		goto out;
	}
	if (n > (int)(sizeof(bi) / sizeof(bi[0])))
		n = (int)(sizeof(bi) / sizeof(bi[0]));
	for (int i = 0; i < n; i++) {
		if (pinwatch_board_bank_info(b, (unsigned)i, &bi[i]) < 0) {
			ret = library_error(ctx->cmd);
			goto out;
		}
	}
	ret = check_banks(ctx, bi, n, first);
	for (int i = 0; i < n && !ret; i++)
		if (wanted(ctx, first, &bi[i]))
			ret = print_bank(ctx, b, (unsigned)i, &bi[i]);
out:
	pinwatch_board_close(b);
	return finish_output(ctx->cmd, ret);
}
