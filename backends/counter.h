/* SPDX-License-Identifier: MIT */
/*
 * The counter backend's private parts, shared by backends/counter*.c only.
 *
 * The kernel's counter subsystem counts edges in the kernel (interrupt-cnt:
 * in the hard IRQ handler); this backend reads the count instead of taking
 * one wake-up per edge.  Banks are counter devices (counterN), lines are
 * their counts (countM).
 *
 * Paths: only <root>/sys/bus/counter/devices/counterN/countM/{count,...}
 * and <root>/dev/counterN, where <root> is "/" unless the root= option
 * names another directory standing for it (fake trees in tests).  N and M
 * are numbers read from the directory and checked; no other user text ever
 * becomes a path component.
 */
#ifndef PINWATCH_COUNTER_H
#define PINWATCH_COUNTER_H

#include <stddef.h>
#include <stdint.h>

#include "backend.h"

#define COUNTER_SYSFS_DIR "sys/bus/counter/devices"
#define COUNTER_DEFAULT_INTERVAL_MS 100u
#define COUNTER_MAX_INTERVAL_MS 60000u
#define COUNTER_MAX_DEVICES 64u
#define COUNTER_MAX_COUNTS 32u
/* The fastest a count may move (edges/s) unless max_rate= says otherwise:
 * beyond what any interrupt- or timer-driven GPIO count reaches. */
#define COUNTER_DEFAULT_MAX_RATE 100000000ul
/* Edges a step may exceed the rate by: reads are not instantaneous. */
#define COUNTER_STEP_SLACK 64u

struct counter_count {
	unsigned id;             /* M of countM */
	char name[32];           /* the pin's line name */
	char kname[64];          /* the count's own name ("Channel 0 Count") */
	/* The count runs modulo this (ceiling + 1; 0 means 2^64).  Without a
	 * ceiling attribute, 2^32: interrupt-cnt keeps an atomic_t and shows
	 * it sign-extended, so only 32 bits are meaningful. */
	uint64_t modulus;
};

struct counter_dev {
	unsigned id;             /* N of counterN */
	char name[32];           /* "counter0": the bank's name */
	char label[32];          /* the device's name attribute */
	struct counter_count *counts;
	unsigned ncounts;
};

struct counter_state {
	int sysfd;               /* <root>/sys/bus/counter/devices */
	int devfd;               /* <root>/dev */
	char root[160];          /* for messages and the held list */
	unsigned interval_ms;    /* counters-only watches: poll period */
	uint64_t max_rate;       /* edges/s a count may move; 0: no bound */
	int events;              /* 1: may use /dev/counterN events (events=) */
	struct counter_dev *devs;/* sorted by id; read-only after open */
	unsigned ndevs;
};

/* What edges_enable chose to watch with. */
enum counter_mode {
	COUNTER_IDLE = 0,
	COUNTER_POLL,            /* a timerfd; the count is read at each tick */
	COUNTER_EVENTS,          /* /dev/counterN change-of-state events */
};

struct counter_line {
	struct counter_state *st;
	struct counter_line *next;   /* in the process-wide held list */
	unsigned bank, offset;
	int count_fd;            /* countM/count, O_RDONLY: read at each poll */
	int wake_fd;             /* the descriptor the core watches */
	enum counter_mode mode;
	int edge;                /* PINWATCH_EDGE_RISING or _FALLING */
	int enabled_by_us;       /* we wrote enable=1: write 0 at disable */
	uint64_t modulus;
	uint64_t last;           /* the count as last read (folded) */
	uint64_t last_ns;        /* when (CLOCK_MONOTONIC, or the event's) */
	uint64_t total;          /* edges since edges_enable: the seqno */
	uint64_t wraps;          /* times the count went past its modulus */
};

/* counter_scan.c: the devices and counts under st->sysfd; only: -1 for
 * all, else the one counterN the spec named. */
PW_HIDDEN int pw_counter_scan(struct counter_state *st, int only);
PW_HIDDEN void pw_counter_devs_free(struct counter_state *st);

/* counter_value.c: attribute text and count arithmetic. */
/* Read a small attribute of dirfd into buf (no trailing newline). */
PW_HIDDEN int pw_counter_read_attr(int dirfd, const char *rel, char *buf, size_t len);
PW_HIDDEN int pw_counter_write_attr(int dirfd, const char *rel, const char *text);
/* Parse a count ("123\n"); -EINVAL on anything else. */
PW_HIDDEN int pw_counter_parse_u64(const char *text, uint64_t *out);
/* The count as this backend uses it: folded modulo m (0: 2^64). */
PW_HIDDEN uint64_t pw_counter_fold(uint64_t raw, uint64_t m);
/* From prev to now (both folded) modulo m: *delta edges.  Returns 0
 * (forward), 1 (forward through the modulus: a wrap) or -ERANGE when the
 * count went back or jumped (a reset or a write by someone else: the
 * edges since the last read are unknown): a step of half the modulus or
 * more, or of more than max_step (0: no such bound). */
PW_HIDDEN int pw_counter_step(uint64_t prev, uint64_t now, uint64_t m, uint64_t max_step,
			      uint64_t *delta);
/* The largest step a count moving at most max_rate edges/s (0: no bound)
 * can make in elapsed_ns, with COUNTER_STEP_SLACK; 0 for no bound. */
PW_HIDDEN uint64_t pw_counter_max_step(uint64_t max_rate, uint64_t elapsed_ns);
/* pread the count descriptor and fold it. */
PW_HIDDEN int pw_counter_read_count(int fd, uint64_t m, uint64_t *out);

/* counter_poll.c: the timerfd path of counters-only watches. */
PW_HIDDEN int pw_counter_poll_enable(struct counter_line *ln, int *fd);
PW_HIDDEN int pw_counter_poll_read(struct counter_line *ln, struct pw_raw_event *ev, size_t n);

/* counter_events.c: /dev/counterN change-of-state events (per-event watches). */
PW_HIDDEN int pw_counter_events_enable(struct counter_line *ln, int *fd);
PW_HIDDEN int pw_counter_events_read(struct counter_line *ln, struct pw_raw_event *ev, size_t n);

#endif /* PINWATCH_COUNTER_H */
