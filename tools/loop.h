/* SPDX-License-Identifier: MIT */
/*
 * The waiting loop of mon and count: the watcher's descriptor and the signal
 * descriptor in one poll(), pinwatch_watcher_dispatch() on this thread, an
 * optional deadline, a periodic tick (count's live display), the end of the
 * generators.  On the sim's virtual clock the loop is also the clock: it
 * advances time in steps small enough for the event buffers, dispatching
 * after each step, so runs are exact and take no real time.  The periodic
 * interval is board time too, so its output is exact on the virtual clock.
 */
#ifndef PINWATCH_TOOL_LOOP_H
#define PINWATCH_TOOL_LOOP_H

#include <stdint.h>

#include "pinwatch.h"
#include "stim.h"

enum loop_end {
	LOOP_DONE = 0,   /* the command's own condition (done() said so) */
	LOOP_SIGNAL,     /* SIGINT, SIGTERM, SIGHUP (or what signal() ended on) */
	LOOP_TIMEOUT,    /* the duration is over */
	LOOP_IDLE,       /* every generator finished and its edges were handled */
	LOOP_ERROR,      /* dispatch failed: pinwatch_last_error() says why */
};

struct loop {
	pinwatch_board *board;
	pinwatch_watcher *watcher;
	int sigfd;
	struct stim *stim;          /* may be NULL */
	uint64_t duration_ns;       /* 0: none */
	uint64_t step_ns;           /* virtual clock step (0: the stimulus's) */
	unsigned event_buffer;      /* for the virtual step */
	int tick_ms;                /* 0: no tick */
	void (*tick)(void *arg);
	int (*done)(void *arg);     /* may be NULL */
	/* Periodic work in board time (count --interval): called every
	 * interval_ns with the nominal time since the start (k * interval_ns
	 * on the virtual clock, where the loop stops the clock exactly there
	 * first, edges due at that instant excluded; the measured time on the
	 * real clock).  0: none. */
	uint64_t interval_ns;
	void (*interval)(void *arg, uint64_t elapsed_ns);
	/* A signal from sigfd: return 1 to end the loop (LOOP_SIGNAL), 0 to go
	 * on.  NULL: every signal ends it. */
	int (*signal)(void *arg, int signo);
	void *arg;
	/* Events the watches have received but not handed over yet (a group
	 * watch's merge holds one back for its hold window on a real clock).
	 * The end of the generators (on a real clock) waits for them, a second
	 * at most, so that no edge they played goes unprinted.
	 * NULL: none to wait for. */
	uint64_t (*held)(void *held_arg);
	void *held_arg;
	/* out */
	uint64_t start_ns, end_ns;  /* board clock */
};

/* Run until one of the ends above; returns it. */
enum loop_end loop_run(struct loop *l);

#endif
