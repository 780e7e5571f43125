/* SPDX-License-Identifier: MIT */
/*
 * The simulated board, private to sim/.
 *
 * One mutex per board (sim_board.mu) guards the whole world of that board:
 * levels, wires, requests, event rings, generators and faults.  It is a leaf
 * lock as far as the core is concerned: while holding it the sim calls only
 * the pw_* helpers of backend.h that take no core lock (pw_detail, pw_fd_*,
 * pw_monotonic_ns), so the core may call the ops with its own lock held and
 * generator threads never wait on the core.
 */
#ifndef PINWATCH_SIM_H
#define PINWATCH_SIM_H

#include <pthread.h>
#include <stdint.h>

#include "backend.h"

#define SIM_DEFAULT_BUFFER 16   /* the kernel's default per-line buffer */
#define SIM_MAX_BANKS 64
#define SIM_MAX_LINES 1024

struct sim_board;
struct sim_bank;

/* A line's pending edges: a fixed ring, like the kernel's kfifo. */
struct sim_ring {
	struct pw_raw_event *ev;
	unsigned cap, head, len;
};

struct sim_line {
	struct sim_bank *bank;
	unsigned offset;

	/* The world outside the chip. */
	int ext;                  /* driven from outside: 0, 1, -1 (floating) */
	int bias;                 /* enum pinwatch_bias; sticky like pad config */
	int level;                /* physical level now */
	struct sim_line *src;     /* the output jumpered onto this line */
	struct sim_line *sinks;   /* lines jumpered from this one ... */
	struct sim_line *next_sink; /* ... linked through their next_sink */
	struct sim_gen *gen;      /* the generator driving it, if any */

	/* The request, when requested. */
	int requested;
	char consumer[32];
	int direction;
	int active_low;
	int drive;
	int out_value;            /* physical level an output drives */

	/* Edge detection, when enabled. */
	int edges;                /* PINWATCH_EDGE_*; 0: off */
	int rfd, wfd;             /* doorbell pipe: readable iff ring not empty */
	struct sim_ring ring;
	uint64_t seqno;           /* last per-line seqno given (overflow=oldest) */
	/* The idle watchdog on the virtual clock (0: off): an idle event is
	 * due idle_ns after the last recorded edge or idle event. */
	uint64_t idle_ns, idle_due;
	uint64_t idle_unrecorded;    /* quiet periods that found the ring full */
	struct sim_line *next_idle;  /* the board's idle_lines list */

	struct pinwatch_sim_line_stats st;

	/* info.c: appended for the line-info watch and the event clock */
	struct sim_info_watch *info_watchers;  /* watching this line's info */
	int clock;                /* events' clock: PINWATCH_CLOCK_REALTIME adds
				   * the realtime offset at read */
};

/* One info watch of a line (info.c): a ring of changes and a doorbell
 * pipe readable while the ring is not empty. */
#define SIM_INFO_RING 32  /* the kernel's per-descriptor lineinfo fifo */
struct sim_info_watch {
	struct sim_info_watch *next;
	struct sim_line *line;
	int rfd, wfd;
	struct pw_raw_info_event ring[SIM_INFO_RING];
	unsigned head, len;
	uint64_t dropped;         /* full ring: the newest dropped, like the kernel */
};

struct sim_bank {
	struct sim_board *sb;
	unsigned index;
	struct pinwatch_bank_info info;
	const char *line_prefix;  /* profile's "PC", or NULL: unnamed lines */
	int gone;                 /* fault: the controller disappeared */
	struct sim_line *lines;
};

/* A pulse generator (pulse.c). */
struct sim_gen {
	struct sim_gen *next;
	unsigned id;
	struct sim_board *sb;
	struct sim_line *line;
	struct pinwatch_sim_pulse p;  /* high_ns and bounce_ns resolved */
	uint64_t t0;
	uint64_t rng;
	/* Position in the train: pulse, edge (0 rising, 1 falling), and the
	 * transition within the edge (0 the edge, then bounce transitions). */
	uint64_t pulse;
	int edge;
	unsigned sub;
	uint64_t edge_t;          /* the current edge's time, jitter included */
	uint64_t next_t;          /* the next transition's time */
	int next_level;
	int done;                 /* a finite train has played every pulse */
};

/* A generator's place in the board's schedule (schedule.c): its next
 * transition's time, kept beside the pointer so that ordering touches the
 * generator itself only on a tie.  g NULL: a removed generator's tombstone
 * (run only; t still orders the run). */
struct sim_slot {
	uint64_t t;
	struct sim_gen *g;
};

/* An injected fault (fault.c). */
struct sim_fault {
	struct sim_fault *next;
	int kind;
	int op;
	unsigned nth;             /* 0: every call */
	unsigned calls;           /* matching calls seen so far */
	int error;
	int any_line;
	unsigned bank, offset;
};

struct sim_board {
	pthread_mutex_t mu;
	pthread_cond_t cv;        /* a generator finished (pulse_wait) */
	struct sim_bank *banks;
	unsigned num_banks;
	int virtual_clock;
	uint64_t vnow;            /* the virtual clock, ns */
	unsigned buffer;          /* default per-line event buffer */
	int overflow_newest;      /* 1: drop the newest (uAPI v1), 0: oldest (v2) */
	struct sim_gen *gens;
	/* The schedule (schedule.c): generators not done, ordered by next
	 * transition (ties: the older generator first) in a sorted run and a
	 * min-heap, and on the real clock the one thread that plays it. */
	struct sim_slot *heap;
	unsigned heap_len, heap_cap;
	struct sim_slot *run;      /* a ring, sorted, from run[run_head & mask] */
	unsigned run_head, run_tail;  /* free-running: run_tail - run_head used */
	unsigned run_mask, run_dead;  /* capacity - 1 (a power of two); tombstones */
	int player_running, player_stop;
	pthread_t player;
	pthread_cond_t player_cv;  /* wakes the player: earlier deadline, stop */
	uint64_t played;           /* transitions played (bench: edges/s) */
	struct sim_line *idle_lines;  /* lines with a virtual idle watchdog */
	unsigned next_gen_id;
	struct sim_fault *faults;
	int groups_off;            /* groups=off: no group ops (issue 16) */
	int groups_fd;             /* groups=fd: a group's edges on one descriptor */
};

/* group.c: line groups (issue 16), the backend's group ops. */
PW_HIDDEN int pw_sim_request_group(void *state, unsigned bank, const unsigned *offsets, size_t n,
				   const struct pw_line_config *cfg, void **lines, void **group);
PW_HIDDEN void pw_sim_release_group(void *group);
PW_HIDDEN int pw_sim_group_get(void *group, int *values);
PW_HIDDEN int pw_sim_group_set(void *group, const int *values);
PW_HIDDEN int pw_sim_group_reconfigure(void *group, const struct pw_line_config *cfg);
PW_HIDDEN int pw_sim_group_edges_enable(void *group, const struct pw_edge_config *ec, int *fd);
PW_HIDDEN void pw_sim_group_edges_disable(void *group);
PW_HIDDEN int pw_sim_group_read_events(void *group, struct pw_raw_event *ev, size_t n);
/* Every edge stamped at or before this time is in its line's ring. */
PW_HIDDEN uint64_t pw_sim_watermark(void *state);

/* sim.c */
PW_HIDDEN struct sim_line *pw_sim_line_at(struct sim_board *sb, unsigned bank, unsigned offset);

/* world.c — all with sb->mu held. */
/* The board's clock now: virtual time, or CLOCK_MONOTONIC. */
PW_HIDDEN uint64_t pw_sim_now(const struct sim_board *sb);
/* Recompute a line's level after a change of what drives it; a change is
 * recorded as an edge (if enabled) and propagates through wires. */
PW_HIDDEN void pw_sim_line_update(struct sim_line *l, uint64_t ts);
/* 0, -ELOOP (the wire would close a loop) or -EBUSY (IN is an output or
 * already wired); the detail says which. */
PW_HIDDEN int pw_sim_wire(struct sim_line *out, struct sim_line *in, uint64_t ts);
PW_HIDDEN void pw_sim_unwire(struct sim_line *in, uint64_t ts);
PW_HIDDEN int pw_sim_ring_init(struct sim_ring *r, unsigned cap);
PW_HIDDEN void pw_sim_ring_free(struct sim_ring *r);
/* Pop up to n events; returns the count. */
PW_HIDDEN size_t pw_sim_ring_pop(struct sim_ring *r, struct pw_raw_event *ev, size_t n);
/* Record every idle event due on the board's idle lines up to now. */
PW_HIDDEN void pw_sim_idle_due_locked(struct sim_board *sb, uint64_t now);
/* Arm (idle_ns > 0) or disarm a line's virtual idle watchdog. */
PW_HIDDEN void pw_sim_idle_set_locked(struct sim_line *l, uint64_t idle_ns);
/* Empty the doorbell pipe of a line whose ring is now empty. */
PW_HIDDEN void pw_sim_doorbell_drain(struct sim_line *l);

/* schedule.c — with sb->mu held unless said otherwise. */
PW_HIDDEN int pw_sim_sched_add(struct sim_board *sb, struct sim_gen *g);
PW_HIDDEN void pw_sim_sched_remove(struct sim_board *sb, struct sim_gen *g);
/* 1 and the time of the earliest scheduled transition, or 0 if none. */
PW_HIDDEN int pw_sim_sched_next(struct sim_board *sb, uint64_t *t);
/* Stop the real-clock player thread (sb->mu not held). */
PW_HIDDEN void pw_sim_sched_stop(struct sim_board *sb);
/* Play the next transition of G (pulse.c). */
PW_HIDDEN void pw_sim_gen_play(struct sim_gen *g);

/* pulse.c */
PW_HIDDEN int pw_sim_gen_start(struct sim_board *sb, struct sim_line *l,
		  const struct pinwatch_sim_pulse *spec, unsigned *id);
PW_HIDDEN int pw_sim_gen_stop(struct sim_board *sb, unsigned id);
PW_HIDDEN int pw_sim_gen_wait(struct sim_board *sb, unsigned id, int timeout_ms);
/* With sb->mu held: play every edge due up to now + ns. */
PW_HIDDEN void pw_sim_advance_locked(struct sim_board *sb, uint64_t ns);
/* Stop and free every generator (board close; sb->mu not held). */
PW_HIDDEN void pw_sim_gen_stop_all(struct sim_board *sb);

/* fault.c — with sb->mu held. */
PW_HIDDEN int pw_sim_fault_add(struct sim_board *sb, const struct pinwatch_sim_fault *f,
		  int any_line, unsigned bank, unsigned offset);
/* The fault a call of OP on line L (NULL: no line) meets: 0 or -errno;
 * *short_read set for a short-read fault (READ). */
PW_HIDDEN int pw_sim_fault_hit(struct sim_board *sb, int op, const struct sim_line *l,
		  int *short_read);
PW_HIDDEN void pw_sim_fault_free_all(struct sim_board *sb);
/* -ENODEV with the detail set if L's bank is gone (a fault), else 0: the
 * one check every line operation and every pinwatch_sim_* call makes. */
PW_HIDDEN int pw_sim_line_gone_locked(const struct sim_line *l);
/* Fault "bank gone": the bank's descriptors report hang-up, its ops fail. */
PW_HIDDEN void pw_sim_bank_gone(struct sim_bank *bk);

/* info.c — the line-info watch (ops) and its notification. */
/* Describe a line's request state, with sb->mu held. */
PW_HIDDEN void pw_sim_line_describe_locked(const struct sim_line *l, struct pinwatch_line_info *out);
/* A line was requested/released/reconfigured (kind), with sb->mu held:
 * tell its info watches. */
PW_HIDDEN void pw_sim_info_notify_locked(struct sim_line *l, int kind);
PW_HIDDEN int pw_sim_info_watch(void *state, unsigned bank, unsigned offset, void **iw, int *fd);
PW_HIDDEN void pw_sim_info_unwatch(void *iw);
PW_HIDDEN int pw_sim_info_read(void *iw, struct pw_raw_info_event *ev, size_t n);
/* The event clock a watch asks for: 0 (the line's clock set) or
 * -EOPNOTSUPP with a detail naming the clock used instead. */
PW_HIDDEN int pw_sim_event_clock(const struct sim_board *sb, int clock);
/* What to add to a raw timestamp for the line's clock now. */
PW_HIDDEN uint64_t pw_sim_clock_offset(const struct sim_line *l);

#endif /* PINWATCH_SIM_H */
