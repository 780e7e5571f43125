/* SPDX-License-Identifier: MIT */
/* The watch session of mon and count (session.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "options.h"
#include "session.h"

void session_init(struct session *s, const char *cmd)
{
	memset(s, 0, sizeof(*s));
	s->cmd = cmd;
	s->pcfg.direction = PINWATCH_DIR_INPUT;
	s->wcfg.edges = PINWATCH_EDGE_BOTH;
	s->sigfd = -1;
}

int session_option(struct session *s, int opt, const char *arg)
{
	uint64_t v;
	int ret;

	if ((ret = pin_option(s->cmd, opt, arg, &s->pcfg)) != OPTION_NOT_MINE)
		return ret;
	switch (opt) {
	case 'e':
		s->wcfg.edges = parse_edge(arg);
		if (s->wcfg.edges < 0)
			return usage_error(s->cmd, "bad edge '%s': rising, falling or both", arg);
		return 0;
	case 't':
		if (parse_duration(arg, &s->loop.duration_ns) < 0 || !s->loop.duration_ns)
			return duration_error(s->cmd, "duration", arg);
		return 0;
	case 'd':
		if (parse_duration(arg, &s->wcfg.debounce_ns) < 0)
			return duration_error(s->cmd, "debounce", arg);
		return 0;
	case 'E':
		if (parse_u64(arg, 1, 65536, &v) < 0)
			return usage_error(s->cmd, "bad event buffer '%s': 1 to 65536 events", arg);
		s->wcfg.event_buffer = (unsigned)v;
		s->explicit_buffer = 1;
		return 0;
	case 'w':
		s->stim.wire_out = arg;
		return 0;
	case 'p':
		s->stim.have_pulse = 1;
		return stim_parse_pulse(s->cmd, arg, &s->stim.pulse);
	default:
		return OPTION_NOT_MINE;
	}
}

int session_pins(struct session *s, const struct tool_ctx *ctx)
{
	int npins = ctx->argc - optind;

	s->spec = ctx->spec;
	if (npins <= 0)
		return usage_error(s->cmd, "missing PIN");
	s->pins = calloc((size_t)npins, sizeof(*s->pins));
	if (!s->pins)
		return runtime_error(s->cmd, "out of memory");
	s->npins = (size_t)npins;
	s->names = ctx->argv + optind;
	for (size_t i = 0; i < s->npins; i++)
		s->pins[i].name = s->names[i];
	return 0;
}

/* The buffer is asked for by default; a backend without a settable one
 * (sysfs, libgpiod 1.6) is fine with its own unless the user insisted. */
static int add_watch(struct session *s, struct session_pin *sp)
{
	struct pinwatch_watch_config *wcfg = &s->wcfg;
	int ret;

	wcfg->ctx = sp->ctx;
	ret = pinwatch_watch_add(s->watcher, sp->pin, wcfg, &sp->id);
	if (ret == -EOPNOTSUPP && !s->explicit_buffer && wcfg->event_buffer) {
		wcfg->event_buffer = 0;
		ret = pinwatch_watch_add(s->watcher, sp->pin, wcfg, &sp->id);
	}
	return ret;
}

int session_open(struct session *s)
{
	int ret;

	s->sigfd = s->sigs ? signals_open_set(s->sigs, s->nsigs) : signals_open();
	if (s->sigfd < 0)
		return runtime_error(s->cmd, "signalfd: %s", strerror(-s->sigfd));
	ret = open_board(s->cmd, s->spec, &s->board);
	if (ret)
		return ret;
	ret = stim_wire(s->cmd, s->board, &s->stim, s->names, s->npins);
	if (ret)
		return ret;
	if (pinwatch_watcher_new(&s->watcher) < 0)
		return library_error(s->cmd);
	for (size_t i = 0; i < s->npins; i++) {
		struct session_pin *sp = &s->pins[i];
		if (pinwatch_pin_open(s->board, sp->name, &s->pcfg, &sp->pin) < 0 ||
		    add_watch(s, sp) < 0)
			return library_error(s->cmd);
	}
	return 0;
}

int session_start(struct session *s)
{
	return stim_start(s->cmd, s->board, &s->stim, s->names, s->npins);
}

enum loop_end session_run(struct session *s)
{
	struct loop *l = &s->loop;

	l->board = s->board;
	l->watcher = s->watcher;
	l->sigfd = s->sigfd;
	l->stim = &s->stim;
	if (!l->event_buffer)
		l->event_buffer = s->wcfg.event_buffer ? s->wcfg.event_buffer : 16;
	return loop_run(l);
}

void session_close(struct session *s)
{
	stim_stop(s->board, &s->stim);
	for (size_t i = 0; i < s->npins; i++)
		pinwatch_pin_close(s->pins[i].pin);
	pinwatch_watcher_free(s->watcher);
	pinwatch_board_close(s->board);
	free(s->pins);
	if (s->sigfd >= 0)
		close(s->sigfd);
	memset(s, 0, sizeof(*s));
	s->sigfd = -1;
}
