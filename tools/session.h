/* SPDX-License-Identifier: MIT */
/*
 * A watch session: what mon and count share.  The options that choose the
 * pins and their configuration (pin_options.h), the watches and the
 * simulator's stimulus (-e -t -d/-p --event-buffer -w --pulse), then one
 * sequence: signals, board, wires, watcher, pins
 * and their watches, generators, the loop (loop.c), teardown in reverse.
 * Each command keeps only its consumer (callback or counters), its own
 * options and its summary.
 *
 *	struct session s;
 *	session_init(&s, ctx->cmd);
 *	parse_options(): session_option() takes the shared letters
 *	session_pins(&s, ctx);   the operands, the board spec
 *	session_open(&s);        signals, board, wires, watcher, pins, watches
 *	session_start(&s);       the generators play from here
 *	session_run(&s);         the loop, until its end
 *	session_close(&s);       always, whatever failed before
 */
#ifndef PINWATCH_TOOL_SESSION_H
#define PINWATCH_TOOL_SESSION_H

#include <getopt.h>
#include <stddef.h>

#include "loop.h"
#include "options.h"
#include "pin_options.h"
#include "pinwatch.h"
#include "stim.h"
#include "util.h"

/*
 * The shared letters and long options, for the command's getopt tables.
 * -p is gpiomon's --debounce-period, -E its --event-clock.
 */
#define SESSION_OPTSTRING "e:t:d:p:E:w:" PIN_OPTSTRING
#define SESSION_LONGOPTS \
	{ "edge", required_argument, NULL, 'e' }, \
	{ "edges", required_argument, NULL, 'e' }, \
	{ "duration", required_argument, NULL, 't' }, \
	{ "debounce", required_argument, NULL, 'd' }, \
	{ "debounce-period", required_argument, NULL, 'p' }, \
	{ "event-buffer", required_argument, NULL, OPT_EVENT_BUFFER }, \
	{ "event-clock", required_argument, NULL, 'E' }, \
	{ "wire", required_argument, NULL, 'w' }, \
	{ "pulse", required_argument, NULL, OPT_PULSE }, \
	PIN_LONGOPTS

struct session_pin {
	const char *name;        /* as given */
	pinwatch_pin *pin;
	pinwatch_watch_id id;
	void *ctx;               /* the callback's argument (set before session_open) */
	char chip[32];           /* its bank's name ("gpiochip2"), once open */
	unsigned offset;         /* its offset in the bank */
};

struct session {
	const char *cmd;
	const char *spec;
	struct pin_options po;            /* input; -l, -b/-B, -c, -C */
	struct pinwatch_watch_config wcfg;/* -e, -d, -E; the command's consumer */
	int explicit_buffer;              /* --event-buffer given: no fallback without it */
	int debounce_given;               /* -d or -p (one option, two letters) */
	struct stim stim;                 /* -w, -p */
	struct loop loop;                 /* -t; the command sets its hooks */
	const int *sigs;                  /* the signals to wait for (NULL: */
	size_t nsigs;                     /* signals_open()'s) */
	/* Several pins in one line group, one watch (events in time order
	 * across them, ev->pin telling which): set group_callback (and its
	 * ctx) before session_open; every session_pin's id is then the
	 * group watch's.  NULL: one watch per pin, each with its ctx. */
	pinwatch_callback group_callback;
	void *group_ctx;
	pinwatch_group *group;
	struct session_pin *pins;
	char **names;                     /* the pins' names, as given */
	char **open_names;                /* and as opened (-c: chip:offset) */
	size_t npins;
	pinwatch_board *board;
	pinwatch_watcher *watcher;
	int sigfd;
};

void session_init(struct session *s, const char *cmd);
/* An option_handler's answer (options.h) for the shared options. */
int session_option(struct session *s, int opt, const char *arg);
/* After the options: the pins to watch (the operands left) and the board
 * (ctx->spec).  0, or the usage error's status ("missing PIN") or
 * EXIT_RUNTIME. */
int session_pins(struct session *s, const struct tool_ctx *ctx);
/* Signals, board, the pins' names (-c; a line given twice is a usage
 * error), wires, watcher, pins, watches.  0 or an exit status
 * (message printed).  A counters-only watch asks for the default event
 * buffer; a backend without a settable one keeps its own unless -E asked. */
int session_open(struct session *s);
/* Start the generators (after the watches: no edge is missed). */
int session_start(struct session *s);
/* The loop, with the board, watcher, signals, stimulus and event buffer of
 * the session (the command has set loop.done, .arg and the other hooks). */
enum loop_end session_run(struct session *s);
/* Teardown in reverse; safe on a session that failed at any step. */
void session_close(struct session *s);

#endif
