/* SPDX-License-Identifier: MIT */
/*
 * The core's private objects.  Backends include backend.h only.
 *
 * Locking: one core mutex (pw_lock) guards every object's state and the links
 * between objects (pin <-> watch <-> watcher, board reference counts).  GPIO
 * event rates are low enough that one lock, taken per batch of events and
 * never across a callback, a join, a blocking read or a backend request that
 * may wait, costs nothing measurable and rules out lock-order deadlocks.
 * One condition variable (pw_core_cv) is broadcast whenever a dispatch,
 * release or worker state changes; queue readers wait on their watch's own.
 */
#ifndef PINWATCH_INTERNAL_H
#define PINWATCH_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include "backend.h"

/* ---------------------------------------------------------------- locking */

PW_HIDDEN void pw_lock(void);
PW_HIDDEN void pw_unlock(void);
/* Wait on pw_core_cv (or c) with the core lock held. */
PW_HIDDEN void pw_wait(void);
PW_HIDDEN void pw_broadcast(void);
PW_HIDDEN void pw_cond_init(pthread_cond_t *c);
/* Wait with the core lock held until deadline_ns (CLOCK_MONOTONIC; 0: no
 * deadline).  Returns 0, or -ETIMEDOUT. */
PW_HIDDEN int pw_cond_wait_until(pthread_cond_t *c, uint64_t deadline_ns);

/* ---------------------------------------------------------------- handles */

enum pw_kind { PW_KIND_BOARD = 1, PW_KIND_PIN, PW_KIND_WATCHER };

#define PW_MAGIC_LIVE 0x7077484eu /* "pwHN" */
#define PW_MAGIC_DEAD 0xdeadc105u

/* The head of every public object: validity, and where it was opened. */
struct pw_handle {
	uint32_t magic;
	int kind;
	struct pw_handle *prev, *next; /* live list (PINWATCH_DEBUG=leaks) */
	void *opened_at[8];            /* caller's stack at open (debug) */
	int opened_depth;
	char what[128];                /* "pin N3 (pioC:1)" */
};

enum pw_debug_flags { PW_DEBUG_HANDLES = 1, PW_DEBUG_LEAKS = 2 };
PW_HIDDEN unsigned pw_debug_flags(void);

/* With the core lock held. */
PW_HIDDEN void pw_handle_open(struct pw_handle *h, int kind, const char *what);
/* 0: h is a live handle of KIND, now marked closed; -1: it is not (a double
 * close or garbage; reported with PINWATCH_DEBUG=handles): do nothing. */
PW_HIDDEN int pw_handle_close(struct pw_handle *h, int kind, const char *op);
/* Free a closed handle's memory, or keep it quarantined under
 * PINWATCH_DEBUG=handles so that a second close is caught, not corrupting. */
PW_HIDDEN void pw_handle_free(struct pw_handle *h);
PW_HIDDEN int pw_handle_live(const struct pw_handle *h, int kind);

/* ------------------------------------------------------------------ board */

struct pw_bank {
	struct pinwatch_bank_info info;
	char (*names)[32];   /* line names; "" where none */
	int profile_bank;    /* index into the profile's banks, or -1 */
};

struct pinwatch_board {
	struct pw_handle h;
	const struct pw_backend_ops *ops;
	void *state;
	const struct pw_profile *profile;
	char consumer[32];
	char spec[96];
	unsigned caps;
	int clock;
	struct pw_bank *banks;
	unsigned num_banks;
	int refs;            /* the caller's (until closed) + one per open pin */
};

PW_HIDDEN void pw_board_ref_locked(pinwatch_board *b);
/* Line info with the core's parts (names, numbers) filled; backend errors
 * are returned unframed. */
PW_HIDDEN int pw_board_describe_line(pinwatch_board *b, unsigned bank, unsigned offset,
				     struct pinwatch_line_info *out);
PW_HIDDEN void pw_board_unref_locked(pinwatch_board *b);
/* Resolve NAME to bank/offset; sets the message on failure. */
PW_HIDDEN int pw_names_resolve(const pinwatch_board *b, const char *name,
			       unsigned *bank, unsigned *offset);
/* The header name of a line from the profile, or NULL. */
PW_HIDDEN const char *pw_names_header(const pinwatch_board *b, unsigned bank,
				      unsigned offset);
/* Legacy global number of a line, or -1. */
PW_HIDDEN int pw_names_global(const pinwatch_board *b, unsigned bank,
			      unsigned offset);

/* -------------------------------------------------------------------- pin */

struct pw_watch;

struct pinwatch_pin {
	struct pw_handle h;
	pinwatch_board *board;
	unsigned bank, offset;
	char name[48];           /* as the caller named it */
	void *line;              /* the backend's */
	struct pw_line_config cfg;
	char consumer[32];
	struct pw_watch *watch;  /* at most one; NULL once fully released */
	int close_pending;       /* closed from its own watch's callback */
};

/* Finish closing a pin whose watch is gone (core lock held). */
PW_HIDDEN void pw_pin_finish_close_locked(pinwatch_pin *p);

/* ------------------------------------------------------------------ queue */

struct pw_queue {
	struct pinwatch_event *ev;
	unsigned cap;        /* user capacity; one more slot is kept for an error */
	unsigned head, len;
};

PW_HIDDEN int pw_queue_init(struct pw_queue *q, unsigned cap);
PW_HIDDEN void pw_queue_free(struct pw_queue *q);
/* 0, or -ENOSPC when full (reserve: may use the spare error slot). */
PW_HIDDEN int pw_queue_push(struct pw_queue *q, const struct pinwatch_event *ev,
			    int reserve);
PW_HIDDEN size_t pw_queue_pop(struct pw_queue *q, struct pinwatch_event *ev, size_t n);

/* ------------------------------------------------------------------ watch */

struct pw_watch {
	pinwatch_watch_id id;
	pinwatch_watcher *watcher;
	pinwatch_pin *pin;
	int fd;                   /* the line's descriptor (owned by the line) */
	int registered;           /* in the watcher's epoll set */
	struct pinwatch_watch_config cfg;
	void *ctx_copy;
	int backend_edges;        /* what the backend was asked for */
	int sw_debounce;          /* core debounces (backend has no kernel debounce) */
	int removed;              /* id is stale; no callback will start */
	int release_pending;      /* removed from inside its own callback */
	int refs;                 /* registry + blocked readers */
	pthread_cond_t cv;        /* queue readers */
	struct pw_queue queue;
	struct pinwatch_watch_stats st;
	/* event accounting */
	uint64_t seqno;           /* last seqno given (delivered or lost) */
	uint64_t pending_lost;    /* to report on the next delivered event */
	uint64_t src_seqno;       /* last backend seqno seen, 0: none */
	int last_value;           /* last raw value seen, -1: none */
	int deb_level;            /* debounced level, -1: none yet */
	uint64_t deb_ts;          /* when it was accepted */
};

/* Start releasing a watch (core lock held): id goes stale, descriptor leaves
 * epoll, readers wake; waits for a dispatch on another thread to finish with
 * it; from its own callback the rest is deferred (returns 1), else done (0).
 * -ENOENT if already removed. */
PW_HIDDEN int pw_watch_release_locked(struct pw_watch *wa);
PW_HIDDEN void pw_watch_finish_release_locked(struct pw_watch *wa);
/* Turn a batch of raw events into stats, queue entries and, for a callback
 * watch, events to call back with (out, up to n).  Returns the count for out. */
PW_HIDDEN size_t pw_watch_process_locked(struct pw_watch *wa,
					 const struct pw_raw_event *raw, size_t nraw,
					 struct pinwatch_event *out);
/* A fault on the watch's descriptor: disable it, report once. */
PW_HIDDEN size_t pw_watch_fault_locked(struct pw_watch *wa, int err,
				       struct pinwatch_event *out);

/* ---------------------------------------------------------------- watcher */

enum pw_worker_state { PW_WORKER_NONE = 0, PW_WORKER_RUNNING };

struct pinwatch_watcher {
	struct pw_handle h;
	int epfd;
	int wakefd;
	struct pw_watch **slots;
	unsigned num_slots;
	struct pw_watch *current;   /* being dispatched right now */
	int dispatching;            /* a thread is inside dispatch */
	pthread_t dispatch_thread;
	int worker_state;
	pthread_t worker;
	int stop_requested;
	int joining;                /* a thread is joining the worker */
	int free_pending;           /* freed from a callback: finish after it */
};

PW_HIDDEN struct pw_watch *pw_watcher_lookup_locked(pinwatch_watcher *w,
						    pinwatch_watch_id id);
/* 1 if the calling thread is inside w's dispatch (a callback). */
PW_HIDDEN int pw_watcher_in_dispatch_locked(const pinwatch_watcher *w);
PW_HIDDEN void pw_watcher_unslot_locked(pinwatch_watcher *w, struct pw_watch *wa);

/* ------------------------------------------------------------------ misc */

PW_HIDDEN const struct pw_backend_ops *pw_backend_find(const char *name);
PW_HIDDEN const char *pw_backend_names(void);
PW_HIDDEN const struct pw_backend_ops *pw_backend_auto(void);

/* Format "pin N3 (pioC:1)" into buf. */
PW_HIDDEN void pw_pin_describe(const pinwatch_board *b, const char *name,
			       unsigned bank, unsigned offset, char *buf,
			       size_t len);

/* Set the last error message verbatim (printf-style); returns err. */
PW_HIDDEN int pw_errorf(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Drop any pending detail (start of an operation). */
PW_HIDDEN void pw_detail_clear(void);

#endif /* PINWATCH_INTERNAL_H */
