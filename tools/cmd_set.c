/* SPDX-License-Identifier: MIT */
/* pinwatch set PIN=VALUE...: drive outputs and hold them until signalled (an
 * output's level lasts only while the line is requested), or for a time, or
 * toggle them in a sequence like gpioset -t. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "options.h"
#include "pin_options.h"

#define MAX_TOGGLES 64

static const char help[] =
	"Usage: pinwatch [-b SPEC] set [OPTIONS] PIN=VALUE...\n"
	"\n"
	"Request the pins as outputs driving the values given (1/0, active/\n"
	"inactive, on/off, true/false, high/low; logical values) and hold them\n"
	"until SIGINT, SIGTERM (Ctrl-C) or SIGHUP (hangup), or for the --for\n"
	"duration, or toggle them as --toggle says; then release the lines and\n"
	"exit 0.  On a sim board with the virtual clock, waits advance the clock\n"
	"instead of taking time.  Each line may be given once.\n"
	"\n"
	"Options:\n"
	PIN_HELP
	"  -d, --drive DRIVE       push-pull, open-drain or open-source\n"
	"  -f, --for DURATION      hold for DURATION (e.g. 500ms, 2s; a bare\n"
	"                          number is milliseconds), then exit; with\n"
	"                          --toggle, end the sequence there\n"
	"  -t, --toggle P[,P]...   toggle every pin after each period P in turn,\n"
	"                          then repeat; a last period of 0 ends the\n"
	"                          sequence (and the command) instead, as gpioset\n"
	"      --banner            say which lines are set, first\n"
	"  -h, --help              this help\n";

struct set_options {
	struct pin_options po;
	int have_for;
	uint64_t for_ns;
	int banner;
	size_t ntoggles;
	uint64_t toggles[MAX_TOGGLES];
};

/* "1s,500ms,0": every period a duration, only the last one may be 0. */
static int parse_toggles(struct set_options *o, const char *arg)
{
	int ret = 0;

	o->ntoggles = 0;
	if (!*arg)
		return usage_error("set", "bad --toggle '%s': give at least one period", arg);
	/* Every item is a period: an empty one is refused, not skipped ("1s,"
	 * would toggle for ever where "1s,0" toggles once). */
	char tok[64];
	int len;
	for (const char *p = arg; !ret && (len = list_item(&p, tok, sizeof(tok))) >= 0;) {
		if (!len)
			ret = usage_error("set", "bad --toggle '%s': an empty period (P[,P]...)", arg);
		else if (o->ntoggles == MAX_TOGGLES)
			ret = usage_error("set", "bad --toggle '%s': at most %d periods", arg, MAX_TOGGLES);
		else if ((size_t)len >= sizeof(tok) || parse_duration(tok, &o->toggles[o->ntoggles]) < 0)
			ret = duration_error("set", "toggle period", tok);
		else
			o->ntoggles++;
	}
	for (size_t i = 0; !ret && i + 1 < o->ntoggles; i++)
		if (!o->toggles[i])
			ret = usage_error("set", "bad --toggle '%s': only the last period may be 0", arg);
	return ret;
}

static int set_option(void *arg, int opt, const char *val)
{
	struct set_options *o = arg;
	int ret = pin_option("set", opt, val, &o->po);

	if (ret != OPTION_NOT_MINE)
		return ret;
	switch (opt) {
	case 'f':
		if (parse_duration(val, &o->for_ns) < 0)
			return duration_error("set", "duration", val);
		o->have_for = 1;
		return 0;
	case 'd':
		o->po.cfg.drive = parse_drive(val);
		if (o->po.cfg.drive < 0)
			return usage_error("set", "bad drive '%s': push-pull, open-drain or open-source", val);
		return 0;
	case 't':
		return parse_toggles(o, val);
	case OPT_BANNER:
		o->banner = 1;
		return 0;
	default:
		return OPTION_NOT_MINE;
	}
}

struct run {
	struct tool_ctx *ctx;
	pinwatch_board *b;
	int sigfd;
	int is_virtual;
	uint64_t deadline;      /* --for: board time the command ends; 0: none */
	uint64_t now;           /* board time (the virtual clock's own, or CLOCK_MONOTONIC) */
};

/* Wait NS (0: until a signal), or up to the deadline.  1 if the command is
 * to end (a signal, the deadline, a failure: its status in *status), 0 to
 * go on. */
static int wait_for(struct run *r, uint64_t ns, int *status)
{
	uint64_t until = ns ? r->now + ns : 0;

	if (r->deadline && (!until || until > r->deadline))
		until = r->deadline;
	if (r->is_virtual) {
		struct pollfd p = { .fd = r->sigfd, .events = POLLIN };
		if (poll(&p, 1, 0) > 0 && signals_pending(r->sigfd))
			return 1;
		if (!until) {
			/* nothing moves the clock: wait for a signal */
			while (!(poll(&p, 1, -1) > 0 && signals_pending(r->sigfd)))
				;
			return 1;
		}
		if (pinwatch_sim_advance(r->b, until - r->now) < 0) {
			*status = library_error(r->ctx->cmd);
			return 1;
		}
		r->now = until;
		return r->deadline && r->now >= r->deadline;
	}
	for (;;) {
		int timeout = -1;
		uint64_t t = now_ns();
		if (until) {
			if (t >= until)
				break;
			uint64_t ms = (until - t + 999999) / 1000000;
			timeout = ms > 60000 ? 60000 : (int)ms;
		}
		struct pollfd p = { .fd = r->sigfd, .events = POLLIN };
		if (poll(&p, 1, timeout) > 0 && signals_pending(r->sigfd))
			return 1;
	}
	r->now = until;
	return r->deadline && r->now >= r->deadline;
}

/* Hold the values, or play the toggle sequence (gpioset's: toggle after
 * each period; after the last one start again, unless it is 0: then end). */
static int hold(struct tool_ctx *ctx, pinwatch_board *b, const struct set_options *o,
		pinwatch_pin **pins, int *values, size_t n)
{
	struct run r = { .ctx = ctx, .b = b };
	int status = EXIT_OK;

	r.sigfd = signals_open();
	if (r.sigfd < 0)
		return runtime_error(ctx->cmd, "signalfd: %s", strerror(-r.sigfd));
	r.is_virtual = pinwatch_board_clock(b) == PINWATCH_CLOCK_VIRTUAL;
	if (r.is_virtual)
		pinwatch_sim_now(b, &r.now);
	else
		r.now = now_ns();
	if (o->have_for)
		r.deadline = r.now + o->for_ns;
	if (o->have_for && !o->for_ns)
		goto out;
	if (!o->ntoggles) {
		wait_for(&r, 0, &status);
		goto out;
	}
	if (o->ntoggles == 1 && !o->toggles[0])
		goto out;
	for (size_t i = 0;;) {
		if (wait_for(&r, o->toggles[i], &status))
			break;
		for (size_t k = 0; k < n; k++) {
			values[k] = !values[k];
			if (pinwatch_pin_set(pins[k], values[k]) < 0) {
				status = library_error(ctx->cmd);
				goto out;
			}
		}
		if (++i == o->ntoggles - 1 && !o->toggles[i])
			break;
		if (i == o->ntoggles)
			i = 0;
	}
out:
	close(r.sigfd);
	return status;
}

int cmd_set(struct tool_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "for", required_argument, NULL, 'f' },
		{ "drive", required_argument, NULL, 'd' },
		{ "toggle", required_argument, NULL, 't' },
		{ "banner", no_argument, NULL, OPT_BANNER },
		PIN_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct set_options o = { .po.cfg = { .direction = PINWATCH_DIR_OUTPUT } };
	pinwatch_board *b = NULL;
	pinwatch_pin **pins = NULL;
	char **names = NULL, **open_names = NULL;
	int *values = NULL;
	int ret;
	size_t n;

	ret = parse_options(ctx, help, "f:d:t:" PIN_OPTSTRING, longopts, set_option, &o);
	if (ret >= 0)
		return ret;
	if (optind >= ctx->argc)
		return usage_error(ctx->cmd, "missing PIN=VALUE");
	n = (size_t)(ctx->argc - optind);
	names = calloc(n, sizeof(*names));
	values = calloc(n, sizeof(*values));
	pins = calloc(n, sizeof(*pins));
	if (!names || !values || !pins) {
		ret = runtime_error(ctx->cmd, "out of memory");
		goto out;
	}
	/* Check every argument before touching a line. */
	for (size_t i = 0; i < n; i++) {
		char *arg = ctx->argv[optind + (int)i];
		char *eq = strrchr(arg, '=');
		if (!eq || eq == arg || (values[i] = parse_level(eq + 1)) < 0) {
			ret = usage_error(ctx->cmd, "bad assignment '%s': want PIN=VALUE, VALUE 1/0, active/inactive, on/off, true/false", arg);
			goto out;
		}
		*eq = '\0';
		names[i] = arg;
	}
	if ((ret = open_board(ctx->cmd, ctx->spec, &b)) ||
	    (ret = pin_names(ctx->cmd, b, o.po.chip, names, n, &open_names)) ||
	    (ret = pin_duplicates(ctx->cmd, b, open_names, n)))
		goto out;
	for (size_t i = 0; i < n; i++) {
		o.po.cfg.value = values[i];
		if (pinwatch_pin_open(b, open_names[i], &o.po.cfg, &pins[i]) < 0) {
			ret = library_error(ctx->cmd);
			goto out;
		}
	}
	if (o.banner)
		print_banner("Setting", names, n);
	ret = hold(ctx, b, &o, pins, values, n);
out:
	for (size_t i = 0; pins && i < n; i++)
		pinwatch_pin_close(pins[i]);
	pinwatch_board_close(b);
	free(open_names);
	free(pins);
	free(values);
	free(names);
	return ret;
}
