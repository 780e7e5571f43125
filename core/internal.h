/* SPDX-License-Identifier: MIT */
/*
 * The core's private objects.  Backends include backend.h only (the build
 * keeps them out of this header: tests/test-backend-fence.sh).
 *
 * Locking: one core mutex (pw_lock) guards every object's state and the links
 * between objects (pin <-> watch <-> watcher, board reference counts).  It is
 * taken per batch of events and never held across a callback, a join, a
 * blocking read, or any call into a backend that does I/O (request, release,
 * reconfigure, edges_enable/disable, read_events, open, close): one lock
 * rules out lock-order deadlocks, and no I/O under it means a backend that
 * blocks (a slow sysfs, a FIFO) never freezes another thread's unrelated
 * call.  One condition variable is broadcast when a dispatch, release or
 * worker state changes and someone waits; queue readers wait on their
 * watch's own.
 *
 * Teardown (closing.c) is one path: a watch is closed by whoever removes it
 * (watch_remove, pin_close, watcher_free), which marks it closing, waits out
 * a dispatch on another thread (refusing with -EDEADLK a wait that would
 * close a cycle), and releases it; memory goes with the last reference, so
 * a thread that waits on an object keeps it alive.
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

enum pw_kind { PW_KIND_BOARD = 1, PW_KIND_PIN, PW_KIND_WATCHER, PW_KIND_GROUP };

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
/* The one validity check of a public handle: OBJ (whose first member is
 * its struct pw_handle, or NULL) is open and of KIND. */
PW_HIDDEN int pw_live(const void *obj, int kind);

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
/* Drop a reference; returns the board's backend state to close (with
 * pw_board_finish, outside the core lock) when it was the last, else NULL. */
PW_HIDDEN pinwatch_board *pw_board_unref_locked(pinwatch_board *b);
/* Close what the last unref returned (core lock not held). */
PW_HIDDEN void pw_board_finish(pinwatch_board *b);
/* Drop a reference, and close the board if it was the last (the core
 * lock is dropped for that and taken again). */
PW_HIDDEN void pw_board_drop_locked(pinwatch_board *b);
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
	/* A thread is in a line operation of the backend (request/release/
	 * reconfigure/edges_enable/edges_disable) outside the core lock: the
	 * backend contract serializes those per line, so others wait. */
	int line_busy;
	/* Closed while its watch could not be waited for (-EDEADLK): the watch's
	 * release, when that dispatch leaves it, releases the pin too. */
	int release_when_unwatched;
	/* A member of this group (issue 16): the group owns and releases it. */
	struct pinwatch_group *group;
};

/* Check CFG against the board's backend and fill LC (consumer: P's). */
PW_HIDDEN int pw_pin_line_config(const pinwatch_board *b, const pinwatch_pin *p,
				 const struct pinwatch_pin_config *cfg,
				 struct pw_line_config *lc);
/* Wait (core lock held) until no line operation runs on P, then claim it;
 * pw_pin_line_done() gives it back.  Line operations are bounded backend
 * calls that never wait on a callback, so this wait cannot deadlock. */
PW_HIDDEN void pw_pin_line_claim_locked(pinwatch_pin *p);
PW_HIDDEN void pw_pin_line_done_locked(pinwatch_pin *p);
/* The end of a pin: release its line, drop its board reference, free it
 * (closing.c; backend I/O outside the lock). */
PW_HIDDEN void pw_pin_release_locked(pinwatch_pin *p);

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

/* Events of one backend read, and the most a callback watch can have read
 * but not yet delivered (a stop between two callbacks keeps the rest). */
#define PW_READ_BATCH 64
#define PW_BACKLOG_MAX (PW_READ_BATCH + 1)
/* Rule 5: reads in a row that fail with EINTR or EAGAIN before the watch
 * gets its error event (a descriptor that stays ready would spin). */
#define PW_STALL_LIMIT 64
#define PW_EINTR_RETRIES 3   /* EINTR: retried at once, this many times */

struct pw_watch {
	pinwatch_watch_id id;
	pinwatch_watcher *watcher;
	pinwatch_pin *pin;        /* NULL once released */
	char what[128];           /* "pin N3 (pioC:1)", for messages after release */
	int fd;                   /* the line's descriptor (owned by the line) */
	struct pinwatch_watch_config cfg;
	void *ctx_copy;
	int backend_edges;        /* what the backend was asked for */
	int sw_debounce;          /* core debounces (backend has no kernel debounce) */
	int loss_seen;            /* enum pinwatch_loss_seen, from the backend's caps */
	int edge_runs;            /* the backend's raw events may be runs (PW_CAP_EDGE_RUNS) */
	/* Teardown: closing is set once, by the one closing path
	 * (pw_watch_close_locked): the id is stale, the descriptor has left
	 * epoll, no callback starts.  refs: the watcher's slot, plus every
	 * thread that waits on the watch (queue readers, closers). */
	int closing;
	int refs;
	unsigned stalls;          /* consecutive reads that failed with EINTR/EAGAIN */
	pthread_cond_t cv;        /* queue readers */
	unsigned readers;         /* threads waiting on cv (no broadcast to nobody) */
	struct pw_queue queue;
	/* callback watch: events read, not yet delivered (a stop came first) */
	struct pinwatch_event backlog[PW_BACKLOG_MAX];
	unsigned backlog_head, backlog_len;
	/* Of the backlog, the events handed to the callback so far by the
	 * dispatcher's current unlocked run (atomic: stats read it). */
	unsigned flight;
	int backlog_counted;      /* counted in the watcher's backlogged */
	struct pinwatch_watch_stats st;
	/* event accounting */
	uint64_t seqno;           /* last seqno given (delivered or lost) */
	uint64_t pending_lost;    /* to report on the next delivered event */
	uint64_t src_seqno;       /* last backend seqno seen, 0: none */
	int last_value;           /* last raw value seen, -1: none */
	int deb_level;            /* debounced level, -1: none yet */
	uint64_t deb_ts;          /* when it was accepted */
	int timerfd;              /* the idle watchdog's timer (real clock), -1: none */
	/* Line groups (issue 16).  A group watch is a parent (gw set, no pin,
	 * no line descriptor; its timerfd flushes the merge) over one member
	 * watch per line (group_parent set: a normal one-pin watch whose
	 * events go to the parent's merge; each holds a reference on it). */
	struct pw_group_watch *gw;
	struct pw_watch *group_parent;
	int no_edges;             /* a member fed by its group's one descriptor */
	/* info.c: appended for the line-info watch and the event clock */
	int clock;                /* enum pinwatch_clock of its events */
	struct pw_info_watch *info; /* an info watch's source (pin is then NULL), or NULL */
};

/* An event that counts in stats.delivered when handed over (edges and
 * info changes; error and idle reports do not). */
static inline int pw_event_is_delivery(const struct pinwatch_event *ev)
{
	return ev->edge == PINWATCH_EDGE_RISING || ev->edge == PINWATCH_EDGE_FALLING ||
	       ev->edge == PINWATCH_EVENT_INFO;
}

/* Of a callback watch's backlog, what is not yet handed over (the
 * dispatcher's unlocked run has handed over `flight`). */
static inline unsigned pw_backlog_left(const struct pw_watch *wa)
{
	unsigned flight = __atomic_load_n(&wa->flight, __ATOMIC_RELAXED);

	return wa->backlog_len > flight ? wa->backlog_len - flight : 0;
}

/* The closing/stopping flags of watches and watchers are written with the
 * core lock held and read by the dispatcher between callbacks without it. */
static inline void pw_flag_set(int *flag, int value)
{
	__atomic_store_n(flag, value, __ATOMIC_RELAXED);
}

/* A watch is in epoll (and so may be dispatched) until it closes or faults. */
static inline int pw_watch_active(const struct pw_watch *wa)
{
	return !wa->closing && !wa->st.error;
}

PW_HIDDEN void pw_watch_unref_locked(struct pw_watch *wa);
/* The frame of a queue read (pinwatch_watch_read, pinwatch_info_read, by
 * INFO): its checks, then a wait of up to timeout_ms for the first event.
 * Returns the watch with events queued, referenced, core lock held (end
 * with pw_queue_done_locked); or NULL, lock released, *ret the result (0:
 * the timeout; -errno with the message set). */
PW_HIDDEN struct pw_watch *pw_queue_wait(pinwatch_watcher *w, pinwatch_watch_id id, int info,
					 const void *ev, size_t n, int timeout_ms, int *ret);
PW_HIDDEN void pw_queue_done_locked(struct pw_watch *wa);

/* account.c: turn a batch of raw events into stats, queue entries and, for
 * a callback watch, events to call back with (out, up to PW_BACKLOG_MAX).
 * Returns the count for out. */
PW_HIDDEN size_t pw_account_events_locked(struct pw_watch *wa,
					  const struct pw_raw_event *raw, size_t nraw,
					  struct pinwatch_event *out);
/* Out of epoll for good (descriptor and idle timer), st.error = ERR. */
PW_HIDDEN void pw_watch_disable_locked(struct pw_watch *wa, int err);
/* A fault on the watch's descriptor: disable it, report once (st.error;
 * the error event goes to the queue, or to out for a callback). */
PW_HIDDEN size_t pw_account_fault_locked(struct pw_watch *wa, int err,
					 struct pinwatch_event *out);
/* The idle watchdog: PERIODS quiet periods, the first ending at when_ns;
 * one PINWATCH_EVENT_IDLE reports them (value: their number). */
PW_HIDDEN size_t pw_account_idle_locked(struct pw_watch *wa, uint64_t when_ns,
					uint64_t periods, struct pinwatch_event *out);

/* idle.c: the idle watchdog's timer (a timerfd in the watcher's epoll). */
PW_HIDDEN int pw_idle_arm_locked(pinwatch_watcher *w, struct pw_watch *wa);
PW_HIDDEN void pw_idle_rearm_locked(struct pw_watch *wa);
/* Read the expiries: their number (the quiet periods) and the time now
 * (board clock), or 0 if none. */
PW_HIDDEN uint64_t pw_idle_expired_locked(struct pw_watch *wa, uint64_t *now_ns);

/* ------------------------------------------------ line groups (issue 16) */

struct pinwatch_group {
	struct pw_handle h;
	pinwatch_board *board;
	size_t n;
	pinwatch_pin **pins;      /* members, in the caller's order */
	void *handle;             /* the backend's group, or NULL: per-line ops */
	struct pw_watch *watch;   /* the group watch (parent), or NULL */
	/* Closed while its watch could not be waited for (-EDEADLK), or while
	 * a watch add was in its unlocked member loop: the watch's end, or
	 * the last such add, releases the group. */
	int release_pending;
	unsigned adding;          /* pinwatch_watch_add_group calls between their locks */
};

/* group.c: release the members' lines and free the group (closed handle). */
PW_HIDDEN void pw_group_release_locked(pinwatch_group *g);

/* merge.c: events of K sources, each in time order, held and released in
 * time order across sources (bounded: cap events). */
struct pw_merge_item {
	struct pinwatch_event ev;
	unsigned src;
};

struct pw_merge {
	struct pw_merge_item *items;  /* sorted by timestamp, stable */
	unsigned len, cap;
	unsigned nsrc;
	unsigned *per_src;            /* items held of each source */
};

PW_HIDDEN int pw_merge_init(struct pw_merge *m, unsigned nsrc, unsigned cap);
PW_HIDDEN void pw_merge_free(struct pw_merge *m);
/* Drop every held event. */
PW_HIDDEN void pw_merge_clear(struct pw_merge *m);
/* Hold EV of source SRC; 0, or -ENOSPC when full. */
PW_HIDDEN int pw_merge_push(struct pw_merge *m, unsigned src, const struct pinwatch_event *ev);
/* Take the earliest held event if no earlier one can still come: every
 * other source either holds an event, or was seen with nothing unread
 * (quiet[s]) at NOW >= its timestamp + hold_ns.  force: take it anyway.
 * 1 if *out was taken, else 0. */
PW_HIDDEN int pw_merge_pop_ready(struct pw_merge *m, const unsigned char *quiet, uint64_t now,
				 uint64_t hold_ns, int force, struct pinwatch_event *out);
/* When the earliest held event becomes due by the hold alone, or 0. */
PW_HIDDEN uint64_t pw_merge_due(const struct pw_merge *m, uint64_t hold_ns);

struct pw_group_watch {
	pinwatch_group *group;    /* NULL once released */
	size_t n;
	struct pw_watch **members;
	struct pw_merge merge;
	uint64_t hold_ns;         /* 0 on a virtual clock */
	unsigned char *quiet;     /* scratch, n */
	/* A queue's drops, per member: the member's next queued event
	 * carries them in its lost, so each member's seqno and lost add up
	 * (an error of the group's one descriptor names member 0). */
	uint64_t *queue_lost;     /* n, a queue watch's only */
	int flushing;             /* a flush is calling back (one at a time) */
	int finished;             /* unlinked from its group and members */
	/* The backend's group edges (one descriptor, pa->fd, for all
	 * members: kernel order) instead of one watch descriptor per member. */
	int group_edges;
	int edges_on;             /* group_edges_enable succeeded, not yet disabled */
	/* A stop or free ended a flush between two callbacks (rule 7): what
	 * the merge still holds is flushed first at the next dispatch
	 * (counted in the watcher's backlogged, as a one-pin backlog is). */
	int resume;
	int resume_force;         /* that flush's force (one descriptor: kernel order) */
	/* Rule 5 for the group as one watch: the member whose fault ended it
	 * (its error event is the group's one), and once that event is
	 * handed over, nothing more. */
	struct pw_watch *fault_member;
	int ended;
};

/* group_watch.c */
/* Member M of group watch PA faulted with ERR (its own error event is on
 * its way): the group watch ends -- its other members leave epoll too. */
PW_HIDDEN void pw_group_watch_member_fault_locked(struct pw_watch *pa, struct pw_watch *m,
						   int err);
/* Close a group watch (its members first); as pw_watch_close_locked. */
PW_HIDDEN int pw_group_watch_close_locked(struct pw_watch *pa, int *was_closing);
/* Its group descriptor is ready (the dispatcher, with pa entered): read,
 * account per member, deliver.  Returns the events read. */
PW_HIDDEN int pw_group_watch_read_locked(struct pw_watch *pa);
/* Its merge timer fired (the dispatcher, with pa entered). */
PW_HIDDEN void pw_group_watch_timer_locked(struct pw_watch *pa);
/* Flush what a stop left in the merge (the dispatcher, with pa entered,
 * before it waits for more).  Returns the events released. */
PW_HIDDEN unsigned pw_group_watch_resume_locked(struct pw_watch *pa);
PW_HIDDEN void pw_group_watch_free(struct pw_group_watch *gw);
/* Complete a closing group watch once its members are released and no
 * other thread's dispatch is in it (idempotent). */
PW_HIDDEN void pw_group_watch_finish_locked(struct pw_watch *pa);
/* Sum the members' counters into *out. */
PW_HIDDEN void pw_group_watch_stats_locked(const struct pw_watch *pa,
					   struct pinwatch_watch_stats *out);
/* watch.c: a new watch (P: NULL for a group watch), and a member's add. */
PW_HIDDEN struct pw_watch *pw_watch_new_locked(pinwatch_watcher *w, pinwatch_pin *p,
					       const char *what,
					       const struct pinwatch_watch_config *cfg, int *err);
PW_HIDDEN int pw_watch_add_member(pinwatch_watcher *w, pinwatch_pin *p,
				  const struct pinwatch_watch_config *cfg,
				  struct pw_watch *parent, unsigned src, pinwatch_watch_id *out);
/* The board clock now, for the merge (core lock not held). */
PW_HIDDEN uint64_t pw_board_now(const pinwatch_board *b);
/* info.c: the line-info watch.  An info watch is a struct pw_watch without
 * a pin: its descriptor and source belong to the backend's info watch
 * (info_watch/info_unwatch), it holds a board reference, and its events
 * carry a struct pinwatch_line_info kept beside the queue and the backlog. */
struct pw_info_watch {
	pinwatch_board *board;    /* referenced until the source is released */
	void *src;                /* the backend's; NULL once released */
	unsigned bank, offset;    /* the watched line */
	struct pinwatch_line_info *queue_info;  /* parallel to queue.ev (cap + 1) */
	struct pinwatch_line_info backlog_info[PW_BACKLOG_MAX];
};

/* Read and account an info watch's pending changes (unlocked around the
 * backend read) into the backlog or the queue; *nout: for the backlog.
 * Returns the count read, or the backend's -errno (faults are accounted). */
PW_HIDDEN int pw_info_read_locked(struct pw_watch *wa, size_t *nout);
/* The end of a closing info watch: release the source, drop the board
 * reference and the slot's (whoever gets here first). */
PW_HIDDEN void pw_info_finish_locked(struct pw_watch *wa);
PW_HIDDEN void pw_info_free(struct pw_watch *wa);

/* ---------------------------------------------------------------- watcher */

/* A thread as the deadlock detector sees it: what it is waiting for. */
struct pw_thread {
	struct pw_thread *waits_for;  /* the dispatcher it waits on, or NULL */
};

enum pw_worker_state { PW_WORKER_NONE = 0, PW_WORKER_RUNNING, PW_WORKER_JOINING };

struct pinwatch_watcher {
	struct pw_handle h;          /* dead from the moment free is called */
	int epfd;
	int wakefd;
	struct pw_watch **slots;
	unsigned num_slots;
	/* The one thread dispatching (worker or caller), and the watch it is
	 * reading or calling back right now.  A closer from another thread
	 * waits until current is not its watch. */
	struct pw_thread *dispatcher;
	struct pw_watch *current;
	unsigned backlogged;         /* watches with undelivered events */
	int closing;                 /* free was called: no more dispatch */
	int dispatcher_finishes;     /* free left the end to the dispatcher */
	int stopping;                /* stop (or free) asked the worker to end */
	int refs;                    /* the caller's, until freed; every waiter's */
	int worker_state;
	unsigned worker_gen;         /* one more at every start */
	pthread_t worker;
	struct pw_thread worker_self;
};

/* slots.c: the table of watch ids (slot + serial, never reused). */
PW_HIDDEN int pw_slots_add_locked(pinwatch_watcher *w, struct pw_watch *wa);
PW_HIDDEN void pw_slots_remove_locked(pinwatch_watcher *w, struct pw_watch *wa);
PW_HIDDEN struct pw_watch *pw_slots_find_locked(const pinwatch_watcher *w,
						pinwatch_watch_id id);

/* closing.c: the one closing path of watches and watchers. */
/* The calling thread's record. */
PW_HIDDEN struct pw_thread *pw_thread_self(void);
PW_HIDDEN void pw_thread_set_self(struct pw_thread *t);
/* 1 if the calling thread is w's dispatcher (inside one of its callbacks). */
PW_HIDDEN int pw_watcher_is_mine_locked(const pinwatch_watcher *w);
/* Wait (core lock held) for w's dispatcher to finish with WA (WA NULL: to
 * leave dispatch altogether).  -EDEADLK, without waiting, when that
 * dispatcher is (through any chain of waits) waiting for the caller. */
PW_HIDDEN int pw_wait_dispatcher_locked(pinwatch_watcher *w, const struct pw_watch *wa);
/* Close WA: mark it closing (id stale, out of epoll, readers woken), wait
 * for a dispatch on another thread to finish with it, and release its
 * line's edges.  *was_closing: someone else had closed it (then this
 * waits for that release to complete).  0, or -EDEADLK if waiting
 * would deadlock (then WA is closing and its release completes as the
 * other dispatch leaves it; it never runs again after that invocation). */
PW_HIDDEN int pw_watch_close_locked(struct pw_watch *wa, int *was_closing);
/* For the dispatcher leaving WA: complete a release that had to wait. */
PW_HIDDEN void pw_watch_finish_if_closing_locked(struct pw_watch *wa);
/* Close the watcher's descriptors and drop the caller's reference, once no
 * thread dispatches it (idempotent). */
PW_HIDDEN void pw_watcher_finish_locked(pinwatch_watcher *w);
PW_HIDDEN void pw_watcher_ref_locked(pinwatch_watcher *w);
PW_HIDDEN void pw_watcher_unref_locked(pinwatch_watcher *w);

/* dispatch.c: one epoll_wait and everything it returned, by the calling
 * thread, which is w's dispatcher.  Core lock held (dropped while waiting,
 * reading and calling back). */
PW_HIDDEN int pw_dispatch_once_locked(pinwatch_watcher *w, int timeout_ms);
/* The epoll token of a watch's idle timer (the watch id with this bit). */
#define PW_TOKEN_TIMER (1ull << 63)
#define PW_TOKEN_WAKE UINT64_MAX
/* Keep w->backlogged in step with whether WA has undelivered events. */
PW_HIDDEN void pw_backlog_account_locked(pinwatch_watcher *w, struct pw_watch *wa);
/* Wake the dispatcher out of epoll_wait. */
PW_HIDDEN void pw_watcher_wake(pinwatch_watcher *w);

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
