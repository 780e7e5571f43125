/* SPDX-License-Identifier: MIT */
/* The watch session of mon and count (session.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "options.h"
#include "session.h"

void session_init(struct session *s, const char *cmd)
{
	memset(s, 0, sizeof(*s));
	s->cmd = cmd;
	s->po.cfg.direction = PINWATCH_DIR_INPUT;
	s->wcfg.edges = PINWATCH_EDGE_BOTH;
	s->sigfd = -1;
}

int session_option(struct session *s, int opt, const char *arg)
{
	uint64_t v;
	int ret;

	if ((ret = pin_option(s->cmd, opt, arg, &s->po)) != OPTION_NOT_MINE)
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
	case 'p':
		if (s->debounce_given++)
			return usage_error(s->cmd, "-d/-p/--debounce given twice: it takes one value");
		if (parse_duration(arg, &s->wcfg.debounce_ns) < 0)
			return duration_error(s->cmd, "debounce", arg);
		return 0;
	case 'E':
		if (!strcmp(arg, "monotonic"))
			s->wcfg.event_clock = PINWATCH_CLOCK_MONOTONIC;
		else if (!strcmp(arg, "realtime"))
			s->wcfg.event_clock = PINWATCH_CLOCK_REALTIME;
		else if (!strcmp(arg, "hte"))
			s->wcfg.event_clock = PINWATCH_CLOCK_HTE;
		else
			return usage_error(s->cmd, "bad event clock '%s': monotonic, realtime or hte", arg);
		return 0;
	case OPT_EVENT_BUFFER:
		if (parse_u64(arg, 1, 65536, &v) < 0)
			return usage_error(s->cmd, "bad event buffer '%s': 1 to 65536 events", arg);
		s->wcfg.event_buffer = (unsigned)v;
		s->explicit_buffer = 1;
		return 0;
	case 'w':
		s->stim.wire_out = arg;
		return 0;
	case OPT_PULSE:
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

/* Add SP's watch (the group's, when there is one).  The buffer is asked
 * for by default; a backend without a settable one (sysfs, libgpiod 1.6)
 * is fine with its own unless the user insisted. */
static int add_watch(struct session *s, struct session_pin *sp)
{
	struct pinwatch_watch_config *wcfg = &s->wcfg;
	int ret;

	for (int retry = 0;; retry++) {
		if (s->group) {
			wcfg->callback = s->group_callback;
			wcfg->ctx = s->group_ctx;
			ret = pinwatch_watch_add_group(s->watcher, s->group, wcfg, &sp->id);
		} else {
			wcfg->ctx = sp->ctx;
			ret = pinwatch_watch_add(s->watcher, sp->pin, wcfg, &sp->id);
		}
		if (retry || ret != -EOPNOTSUPP || s->explicit_buffer || !wcfg->event_buffer)
			return ret;
		wcfg->event_buffer = 0;
	}
}

/* The pins' requests: one group (one watch, time order across the pins)
 * when the command asked for it and there are several, else one each. */
static int open_pins(struct session *s)
{
	if (!s->group_callback || s->npins < 2) {
		for (size_t i = 0; i < s->npins; i++)
			if (pinwatch_pin_open(s->board, s->open_names[i], &s->po.cfg, &s->pins[i].pin) < 0)
				return -1;
		return 0;
	}
	if (pinwatch_group_open(s->board, (const char *const *)s->open_names, s->npins,
				&s->po.cfg, &s->group) < 0)
		return -1;
	for (size_t i = 0; i < s->npins; i++)
		s->pins[i].pin = pinwatch_group_pin(s->group, i);
	return 0;
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
	if ((ret = pin_names(s->cmd, s->board, s->po.chip, s->names, s->npins, &s->open_names)) ||
	    (ret = pin_duplicates(s->cmd, s->board, s->open_names, s->npins)))
		return ret;
	ret = stim_wire(s->cmd, s->board, &s->stim, s->open_names, s->npins);
	if (ret)
		return ret;
	if (pinwatch_watcher_new(&s->watcher) < 0)
		return library_error(s->cmd);
	if (open_pins(s) < 0)
		return library_error(s->cmd);
	for (size_t i = 0; i < s->npins; i++) {
		struct session_pin *sp = &s->pins[i];
		struct pinwatch_line_info li;
		struct pinwatch_bank_info bi;
		if (pinwatch_pin_info(sp->pin, &li) < 0 ||
		    pinwatch_board_bank_info(s->board, li.bank, &bi) < 0)
			return library_error(s->cmd);
		snprintf(sp->chip, sizeof(sp->chip), "%s", bi.name);
		sp->offset = li.offset;
		if (s->group && i > 0)
			sp->id = s->pins[0].id;   /* the group's one watch */
		else if (add_watch(s, sp) < 0)
			return library_error(s->cmd);
	}
	return 0;
}

int session_start(struct session *s)
{
	return stim_start(s->cmd, s->board, &s->stim, s->open_names, s->npins);
}

/* loop.held: the events the session's watches hold (stats.queued). */
static uint64_t session_held(void *arg)
{
	struct session *s = arg;
	uint64_t held = 0;

	for (size_t i = 0; i < s->npins; i++) {
		struct pinwatch_watch_stats st;
		if (s->group && i > 0)
			break;   /* one watch for the group */
		if (pinwatch_watch_stats(s->watcher, s->pins[i].id, &st) == 0)
			held += st.queued;
	}
	return held;
}

enum loop_end session_run(struct session *s)
{
	struct loop *l = &s->loop;

	l->board = s->board;
	l->watcher = s->watcher;
	l->sigfd = s->sigfd;
	l->stim = &s->stim;
	l->held = session_held;
	l->held_arg = s;
	if (!l->event_buffer)
		l->event_buffer = s->wcfg.event_buffer ? s->wcfg.event_buffer : 16;
	/* On the virtual clock, the idle watchdog is seen where it fires:
	 * no clock step longer than the timeout. */
	if (s->wcfg.idle_ns) {
		uint64_t step = stim_step(&s->stim, l->event_buffer);
		l->step_ns = step < s->wcfg.idle_ns ? step : s->wcfg.idle_ns;
	}
	return loop_run(l);
}

void session_close(struct session *s)
{
	stim_stop(s->board, &s->stim);
	if (s->group)
		pinwatch_group_close(s->group);   /* its members with it */
	else
		for (size_t i = 0; i < s->npins; i++)
			pinwatch_pin_close(s->pins[i].pin);
	pinwatch_watcher_free(s->watcher);
	pinwatch_board_close(s->board);
	free(s->pins);
	free(s->open_names);
	if (s->sigfd >= 0)
		close(s->sigfd);
	memset(s, 0, sizeof(*s));
	s->sigfd = -1;
}
