/* SPDX-License-Identifier: MIT */
/* pinwatch set PIN=VALUE...: drive outputs and hold them until signalled (an
 * output's level lasts only while the line is requested), or for a time. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "options.h"
#include "pin_options.h"

static const char help[] =
	"Usage: pinwatch [-b SPEC] set [OPTIONS] PIN=VALUE...\n"
	"\n"
	"Request the pins as outputs driving the values given (0/1, low/high,\n"
	"off/on, inactive/active; logical values) and hold them until SIGINT,\n"
	"SIGTERM (Ctrl-C) or SIGHUP (hangup), or for the --for duration; then\n"
	"release the lines and exit 0.  On a sim board with the virtual clock,\n"
	"--for advances the clock instead of waiting.\n"
	"\n"
	"Options:\n"
	"  -b, --board SPEC    the board (default: $PINWATCH_BOARD, else auto)\n"
	"  -f, --for DURATION  hold for DURATION (e.g. 500ms, 2s; a bare number\n"
	"                      is milliseconds), then exit\n"
	"  -l, --active-low    the pins are active-low: 1 drives the line low\n"
	"  -B, --bias BIAS     as-is, disabled, pull-up or pull-down\n"
	"  -d, --drive DRIVE   push-pull, open-drain or open-source\n"
	"  -h, --help          this help\n";

struct assignment {
	char *name;
	int value;
	pinwatch_pin *pin;
};

static int hold(struct tool_ctx *ctx, pinwatch_board *b, int have_for, uint64_t for_ns)
{
	int sigfd = signals_open();
	int ret = EXIT_OK;

	if (sigfd < 0)
		return runtime_error(ctx->cmd, "signalfd: %s", strerror(-sigfd));
	if (have_for && pinwatch_board_clock(b) == PINWATCH_CLOCK_VIRTUAL) {
		if (pinwatch_sim_advance(b, for_ns) < 0)
			ret = library_error(ctx->cmd);
		close(sigfd);
		return ret;
	}
	uint64_t deadline = now_ns() + for_ns;
	for (;;) {
		int timeout = -1;
		if (have_for) {
			uint64_t t = now_ns();
			if (t >= deadline)
				break;
			uint64_t ms = (deadline - t + 999999) / 1000000;
			timeout = ms > 60000 ? 60000 : (int)ms;
		}
		struct pollfd p = { .fd = sigfd, .events = POLLIN };
		if (poll(&p, 1, timeout) > 0 && signals_pending(sigfd))
			break;
	}
	close(sigfd);
	return ret;
}

struct set_options {
	struct pinwatch_pin_config cfg;
	int have_for;
	uint64_t for_ns;
};

static int set_option(void *arg, int opt, const char *val)
{
	struct set_options *o = arg;
	int ret = pin_option("set", opt, val, &o->cfg);

	if (ret != OPTION_NOT_MINE)
		return ret;
	switch (opt) {
	case 'f':
		if (parse_duration(val, &o->for_ns) < 0)
			return duration_error("set", "duration", val);
		o->have_for = 1;
		return 0;
	case 'd':
		o->cfg.drive = parse_drive(val);
		if (o->cfg.drive < 0)
			return usage_error("set", "bad drive '%s': push-pull, open-drain or open-source", val);
		return 0;
	default:
		return OPTION_NOT_MINE;
	}
}

int cmd_set(struct tool_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "for", required_argument, NULL, 'f' },
		{ "drive", required_argument, NULL, 'd' },
		PIN_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct set_options o = { .cfg = { .direction = PINWATCH_DIR_OUTPUT } };
	struct pinwatch_pin_config *cfg = &o.cfg;
	struct assignment *as;
	pinwatch_board *b;
	int ret, n;

	ret = parse_options(ctx, help, "f:d:" PIN_OPTSTRING, longopts, set_option, &o);
	if (ret >= 0)
		return ret;
	n = ctx->argc - optind;
	if (n <= 0)
		return usage_error(ctx->cmd, "missing PIN=VALUE");
	as = calloc((size_t)n, sizeof(*as));
	if (!as)
		return runtime_error(ctx->cmd, "out of memory");
	/* Check every argument before touching a line. */
	for (int i = 0; i < n; i++) {
		char *arg = ctx->argv[optind + i];
		char *eq = strrchr(arg, '=');
		if (!eq || eq == arg || (as[i].value = parse_level(eq + 1)) < 0) {
			free(as);
			return usage_error(ctx->cmd, "bad assignment '%s': want PIN=VALUE, VALUE 0 or 1", arg);
		}
		*eq = '\0';
		as[i].name = arg;
	}
	ret = open_board(ctx->cmd, ctx->spec, &b);
	for (int i = 0; i < n && !ret; i++) {
		cfg->value = as[i].value;
		if (pinwatch_pin_open(b, as[i].name, cfg, &as[i].pin) < 0)
			ret = library_error(ctx->cmd);
	}
	if (!ret)
		ret = hold(ctx, b, o.have_for, o.for_ns);
	for (int i = 0; i < n; i++)
		pinwatch_pin_close(as[i].pin);
	pinwatch_board_close(b);
	free(as);
	return ret;
}
