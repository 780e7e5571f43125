/* SPDX-License-Identifier: MIT */
/*
 * Shared parts of the pinwatch tool: exit codes and their messages, the
 * parsers of durations, frequencies and levels, the event output format,
 * and the signal descriptor every waiting command polls.
 */
#ifndef PINWATCH_TOOL_UTIL_H
#define PINWATCH_TOOL_UTIL_H

#include <stdint.h>
#include <stdio.h>

#include "pinwatch.h"

/* Exit statuses, the same for every command. */
enum {
	EXIT_OK = 0,
	EXIT_USAGE = 1,   /* bad command line: a one-line hint on stderr */
	EXIT_RUNTIME = 2, /* the library or the system failed: its message */
};

/* What every command gets: its name, the board spec, its arguments
 * (argv[0] is the command's name; getopt starts at argv[1]). */
struct tool_ctx {
	const char *cmd;
	const char *spec;
	int argc;
	char **argv;
};

/* "pinwatch CMD: <message> (try 'pinwatch CMD --help')"; returns EXIT_USAGE. */
int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The usage error of a malformed duration option WHAT ("duration",
 * "debounce", ...): one message, with one example, for every command. */
int duration_error(const char *cmd, const char *what, const char *arg);
/* "pinwatch CMD: <message>"; returns EXIT_RUNTIME. */
int runtime_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "pinwatch CMD: <pinwatch_last_error()>"; returns EXIT_RUNTIME. */
int library_error(const char *cmd);

/* Flush stdout: a failed write (other than to a closed pipe) turns a
 * successful STATUS into EXIT_RUNTIME with the reason. */
int finish_output(const char *cmd, int status);

/* Open the board of SPEC; on failure prints the library's message: a usage
 * error for a spec that is not valid (-EINVAL), else a runtime error. */
int open_board(const char *cmd, const char *spec, pinwatch_board **out);

/*
 * "1.5s", "20ms", "250us", "100ns", "2m", "1h"; a bare number is
 * milliseconds, as in libgpiod's tools.  0 on success, -1 if malformed.
 */
int parse_duration(const char *s, uint64_t *ns);
/* "1000", "10k", "2.5kHz", "1MHz", "50Hz" -> millihertz.  0 / -1. */
int parse_frequency(const char *s, uint64_t *mhz);
/* A decimal unsigned in [min, max].  0 / -1. */
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* The items of a comma-separated list, one a call: *p starts at the list;
 * each call copies the next item into ITEM (SIZE bytes, cut to fit) and
 * returns its length -- 0 for an empty one ("", "a,,b", a trailing comma),
 * which every list of the tool refuses -- or -1 after the last. */
int list_item(const char **p, char *item, size_t size);
/* 0/1/low/high/off/on/inactive/active/false/true -> 0 or 1; -1 if none. */
int parse_level(const char *s);
/* as-is/disabled (disable)/pull-up/pull-down -> enum pinwatch_bias; -1 if none. */
int parse_bias(const char *s);
/* push-pull/open-drain/open-source -> enum pinwatch_drive; -1 if none. */
int parse_drive(const char *s);
/* rising/falling/both -> PINWATCH_EDGE_*; -1 if none. */
int parse_edge(const char *s);

const char *edge_name(int edge);   /* "rising", "falling", "error" */
const char *bias_name(int bias);
const char *drive_name(int drive);

/* How a timestamp is written: seconds.nanoseconds, or as a date and time
 * (gpiomon's --utc and --localtime: meaningful for realtime stamps). */
enum time_format {
	TS_SECONDS = 0,  /* "12.000000500" */
	TS_UTC,          /* "2026-12-01T23:40:00.000000500Z" */
	TS_LOCAL,        /* "2026-12-02T00:40:00.000000500" */
};
void format_timestamp(char *buf, size_t len, uint64_t ns, enum time_format tf);
/* A JSON string literal of S (quotes included) on F. */
void json_string(FILE *f, const char *s);

/* The line an event happened on, as the format tokens name it. */
struct event_line {
	const char *pin;     /* as the user named it */
	const char *chip;    /* its bank's name ("gpiochip2") */
	unsigned offset;
};

/*
 * The mon --format language: %p pin, %c chip, %o offset, %e (or %E) edge,
 * %v value, %t timestamp (seconds.nanoseconds, or as --utc/--localtime
 * say), %S seconds.nanoseconds, %U UTC, %L local time, %T timestamp in ns,
 * %s seqno, %l lost, %% a percent; \n, \t, \\ escapes.  format_check
 * returns 0 or -1 with the bad token in *bad.  format_event writes one
 * event (no newline added).
 */
#define FORMAT_TOKENS "pcoeEvtSULTsl%"
int format_check(const char *fmt, const char **bad);
/* The same rule with another command's tokens (notify's): a % or a
 * backslash must start a known token or escape. */
int format_check_tokens(const char *fmt, const char *tokens, const char **bad);
void format_event(FILE *f, const char *fmt, const struct event_line *line,
		  const struct pinwatch_event *ev, enum time_format tf);

/* gpiod's --banner, as gpiod writes it: "VERB line 'A'..." or "VERB lines
 * 'A', 'B', and 'C'...", flushed. */
void print_banner(const char *verb, char *const *names, size_t n);

/*
 * SIGINT, SIGTERM and SIGHUP become readable on a signalfd (blocked for the
 * process, so they cannot interrupt the library mid-call); SIGPIPE is
 * ignored, a closed output shows as EPIPE on write.  Returns the descriptor
 * (O_CLOEXEC) or -errno.
 */
int signals_open(void);
/* The same for the N signals of SIGS (count as a service adds SIGUSR1). */
int signals_open_set(const int *sigs, size_t n);
/* 1 if a terminating signal is pending on FD (consumed), else 0. */
int signals_pending(int fd);
/* The next pending signal's number (consumed), 0 if none. */
int signals_next(int fd);

/* CLOCK_MONOTONIC in ns. */
uint64_t now_ns(void);

#endif /* PINWATCH_TOOL_UTIL_H */
