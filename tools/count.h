/* SPDX-License-Identifier: MIT */
/*
 * The pulse counter's shared state: cmd_count.c (options, watches, live
 * line, summary) and count_service.c (count as a service: periodic lines,
 * durable totals in --state, gaps, signals, the idle watchdog).
 */
#ifndef PINWATCH_TOOL_COUNT_H
#define PINWATCH_TOOL_COUNT_H

#include <stdint.h>
#include <stdio.h>

#include "session.h"
#include "pinwatch.h"
#include "state.h"

/* count --idle-exit: the idle watchdog fired (pinwatch(1), EXIT STATUS). */
#define EXIT_IDLE 3

/* --state without --interval: a checkpoint a minute, 120 fsyncs an hour;
 * a crash loses at most that minute's counts into a recorded gap. */
#define COUNT_DEFAULT_CHECKPOINT_NS (60ull * 1000000000u)

struct count_pin {
	const char *name;
	pinwatch_pin *pin;
	pinwatch_watch_id id;
	uint64_t last_total;     /* for the live rate */
	uint64_t interval_total; /* at the last periodic line, for its rate */
	uint64_t idle_seen;      /* idle events reported so far */
	struct state_pin *base;  /* totals resumed from --state, or NULL */
};

/* What the service options asked for. */
struct count_service {
	uint64_t interval_ns;    /* --interval (or the checkpoint default) */
	int lines;               /* periodic lines: --interval given */
	const char *state_path;  /* --state */
	const char *output_path; /* --output: appended to, re-opened on SIGHUP */
	uint64_t idle_ns;        /* --idle-timeout */
	int idle_exit;           /* --idle-exit */
	int show;                /* --show: print the state and exit */
	/* run time */
	int lock_fd;
	struct count_state base; /* the state as resumed (gaps, runs, totals) */
	uint64_t last_interval;  /* elapsed at the last periodic line */
	uint64_t armed_ns;       /* board clock when the counting started */
	uint64_t armed_realtime_ns; /* and the wall clock: the gap's end */
	int save_failing;        /* a checkpoint failed: said once until one works */
	int save_error;          /* the last checkpoint's -errno */
	int idle_hit;            /* --idle-exit's condition */
};

struct count {
	struct session s;        /* options, board, watcher, pins, loop */
	const char *cmd;
	pinwatch_board *b;       /* the session's, once open */
	pinwatch_watcher *w;
	struct count_pin *pins;
	size_t npins;
	int edges;
	uint64_t pulses;         /* --pulses without a generator: the end */
	int error;               /* a watch was disabled */
	uint64_t last_tick;
	int json;
	int live;                /* the live line is on stdout */
	FILE *out;               /* lines and summary: stdout or --output */
	struct loop *loop;
	struct count_service svc;
};

/* The pin's total: rising edges, or falling with --edge falling. */
uint64_t count_total_of(const struct count *c, const struct pinwatch_watch_stats *st);
/* One line (or JSON object) per pin: the totals (resumed ones included),
 * ELAPSED this run, and the rate: with USE_INTERVAL_TOTALS over the last
 * SINCE_NS (from the pins' interval_total), else over the whole run. */
void count_print(struct count *c, uint64_t elapsed_ns, uint64_t since_ns,
		 int use_interval_totals);

/* count_service.c.  Each returns 0 or an exit status (message printed). */
/* --show: print the state file and exit. */
int count_show(struct count *c);
/* Before the board is opened: lock and load --state. */
int count_resume(struct count *c);
/* The instant the counting starts (the watches count, a sim generator is
 * about to play): the gap since the last run ends here. */
void count_arm_service(struct count *c);
/* Then, once a sim generator plays: record the gap
 * since the last run, first checkpoint, the gap on the output. */
int count_start_service(struct count *c);
/* The loop's hooks (loop.h): periodic line and checkpoint; signals. */
void count_interval(void *arg, uint64_t elapsed_ns);
int count_signal(void *arg, int signo);
/* The idle watchdog's reports; 1 if --idle-exit ends the run. */
int count_check_idle(struct count *c);
/* At the end: the final checkpoint (clean).  0 or EXIT_RUNTIME. */
int count_stop_service(struct count *c, uint64_t elapsed_ns);
void count_close_service(struct count *c);

#endif
