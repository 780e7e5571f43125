/* SPDX-License-Identifier: MIT */
/*
 * pinwatch: Linux GPIO — read and drive pins, and get a callback, a queued
 * event or an exact count on every edge — on a real board (sysfs, chardev)
 * or on a simulated one.
 *
 * Conventions (see pinwatch(3)):
 *  - Functions return 0 (or a count) on success and a negative errno on
 *    failure; pinwatch_last_error() then names the pin, the operation and
 *    the cause.  errno is never the channel.
 *  - Config structs are zero-initialised to mean "defaults".
 *  - Every constructor names its destructor; every destructor accepts NULL.
 *  - Every public function may be called from any thread.
 */
#ifndef PINWATCH_H
#define PINWATCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && __GNUC__ >= 4
#define PINWATCH_API __attribute__((visibility("default")))
#else
#define PINWATCH_API
#endif

#define PINWATCH_VERSION_MAJOR 0
#define PINWATCH_VERSION_MINOR 1
#define PINWATCH_VERSION_PATCH 0

/** The library's version string, e.g. "0.1.0". */
PINWATCH_API const char *pinwatch_version(void);

typedef struct pinwatch_board pinwatch_board;
typedef struct pinwatch_pin pinwatch_pin;
typedef struct pinwatch_watcher pinwatch_watcher;
/** A watch: slot and generation in one value; a stale id is never reused. */
typedef uint64_t pinwatch_watch_id;

/* ------------------------------------------------------------------ errors */

/**
 * The message of the calling thread's last failure, e.g.
 * "pin N3 (pioC:1): enable edges: Device or resource busy: line is used by
 * 'gpiomon'".  Valid until the thread's next pinwatch call; never NULL.
 */
PINWATCH_API const char *pinwatch_last_error(void);

/* ------------------------------------------------------------------ boards */

/** Where an event's timestamp comes from. */
enum pinwatch_clock {
	PINWATCH_CLOCK_MONOTONIC = 0, /* CLOCK_MONOTONIC (kernel or at read) */
	PINWATCH_CLOCK_REALTIME = 1,  /* CLOCK_REALTIME (old chardev kernels) */
	PINWATCH_CLOCK_VIRTUAL = 2,   /* the sim's virtual clock */
};

/**
 * Open a board from a spec: "BACKEND[:ARG][,KEY=VALUE...]".
 * BACKEND is sim, sysfs, chardev or auto.  Keys every backend takes:
 * board=PROFILE (e.g. aria-g25: header names, bank labels), consumer=NAME.
 * Examples: "sim:aria-g25", "sim,banks=4,lines=32,clock=virtual",
 * "sysfs,board=aria-g25", "chardev:/dev/gpiochip0,consumer=meter".
 * Close with pinwatch_board_close().
 */
PINWATCH_API int pinwatch_board_open(const char *spec, pinwatch_board **out);

/**
 * Drop the caller's reference.  Pins opened on the board keep it alive until
 * they are closed.  Accepts NULL.
 */
PINWATCH_API void pinwatch_board_close(pinwatch_board *b);

/** The backend's name: "sim", "sysfs" or "chardev". */
PINWATCH_API const char *pinwatch_board_backend(const pinwatch_board *b);
/** The board profile's name ("aria-g25"), or NULL when there is none. */
PINWATCH_API const char *pinwatch_board_profile(const pinwatch_board *b);
/** The clock of event timestamps on this board (enum pinwatch_clock). */
PINWATCH_API int pinwatch_board_clock(const pinwatch_board *b);
/** Number of banks (GPIO controllers, gpiochips), or -errno. */
PINWATCH_API int pinwatch_board_num_banks(const pinwatch_board *b);

struct pinwatch_bank_info {
	char name[32];      /* "gpiochip2" (sim: "simN") */
	char label[32];     /* "pioC" */
	unsigned num_lines;
	int base;           /* legacy global number of line 0, or -1 if none */
};

PINWATCH_API int pinwatch_board_bank_info(const pinwatch_board *b, unsigned bank,
					  struct pinwatch_bank_info *out);

enum pinwatch_direction {
	PINWATCH_DIR_INPUT = 0,
	PINWATCH_DIR_OUTPUT = 1,
};

enum pinwatch_bias {
	PINWATCH_BIAS_AS_IS = 0,   /* leave as the hardware has it */
	PINWATCH_BIAS_DISABLED = 1,
	PINWATCH_BIAS_PULL_UP = 2,
	PINWATCH_BIAS_PULL_DOWN = 3,
	PINWATCH_BIAS_UNKNOWN = 4, /* line info only: the backend cannot tell */
};

enum pinwatch_drive {
	PINWATCH_DRIVE_PUSH_PULL = 0,
	PINWATCH_DRIVE_OPEN_DRAIN = 1,
	PINWATCH_DRIVE_OPEN_SOURCE = 2,
};

struct pinwatch_line_info {
	unsigned bank;
	unsigned offset;
	int global;           /* legacy global number, or -1 */
	char name[32];        /* line name ("PC1"), "" if unnamed */
	char header[16];      /* header name from the profile ("N3"), or "" */
	char bank_label[32];  /* "pioC" */
	int used;             /* requested by anyone (this process included) */
	char consumer[32];    /* who, where known */
	int direction;        /* enum pinwatch_direction */
	int active_low;
	int bias;             /* enum pinwatch_bias */
	int drive;            /* enum pinwatch_drive */
};

/**
 * Resolve a pin name — header name ("N3"), line name ("PC1"),
 * "bank:offset" ("pioC:1", "gpiochip2:1") or legacy number ("65") — and
 * describe the line.  -ENOENT names the closest names; an ambiguous name is
 * -EINVAL and the message lists the candidates.
 */
PINWATCH_API int pinwatch_board_line_info(pinwatch_board *b, const char *name,
					  struct pinwatch_line_info *out);
/** Describe a line by bank index and offset. */
PINWATCH_API int pinwatch_board_line_info_at(pinwatch_board *b, unsigned bank,
					     unsigned offset,
					     struct pinwatch_line_info *out);

/* -------------------------------------------------------------------- pins */

struct pinwatch_pin_config {
	int direction;        /* enum pinwatch_direction; 0 = input */
	int value;            /* initial logical output value */
	int active_low;
	int bias;             /* enum pinwatch_bias */
	int drive;            /* enum pinwatch_drive */
	const char *consumer; /* NULL: the board's consumer= or the program name */
};

/**
 * Request a line.  cfg may be NULL (input, defaults).  -EBUSY if the line is
 * in use (the message names the consumer).  Close with pinwatch_pin_close().
 */
PINWATCH_API int pinwatch_pin_open(pinwatch_board *b, const char *name,
				   const struct pinwatch_pin_config *cfg,
				   pinwatch_pin **out);
/** Logical value 0/1, or -errno. */
PINWATCH_API int pinwatch_pin_get(pinwatch_pin *p);
/** Drive a logical value on an output; -EPERM on an input. */
PINWATCH_API int pinwatch_pin_set(pinwatch_pin *p, int value);
/** Change the configuration; -EBUSY while the pin is watched. */
PINWATCH_API int pinwatch_pin_reconfigure(pinwatch_pin *p,
					  const struct pinwatch_pin_config *cfg);
/** The name the pin was opened with (as given). */
PINWATCH_API const char *pinwatch_pin_name(const pinwatch_pin *p);
/** Describe the pin's line. */
PINWATCH_API int pinwatch_pin_info(pinwatch_pin *p, struct pinwatch_line_info *out);
/**
 * Remove the pin's watch (synchronously: its callback is not running and
 * never runs again when this returns), release the line, drop the pin's
 * reference on its board.  Accepts NULL.
 */
PINWATCH_API void pinwatch_pin_close(pinwatch_pin *p);

/* ------------------------------------------------------------------ events */

#define PINWATCH_EDGE_RISING 1
#define PINWATCH_EDGE_FALLING 2
#define PINWATCH_EDGE_BOTH 3
/* An event with this edge reports a backend fault; value is -errno and the
 * watch is disabled afterwards (delivered once). */
#define PINWATCH_EVENT_ERROR 4
/* An event with this edge reports that no edge arrived for the watch's
 * idle_ns (the idle watchdog); value is 0, timestamp_ns when it fired.
 * It repeats after each further quiet period of idle_ns. */
#define PINWATCH_EVENT_IDLE 5

struct pinwatch_event {
	pinwatch_pin *pin;       /* the pin it happened on */
	pinwatch_watch_id watch;
	int edge;                /* PINWATCH_EDGE_RISING/_FALLING or PINWATCH_EVENT_ERROR */
	int value;               /* logical level after the edge, or -errno */
	uint64_t timestamp_ns;   /* see pinwatch_board_clock() */
	uint64_t seqno;          /* per watch, from 1; delivered + lost have no gaps */
	uint64_t lost;           /* events known lost just before this one */
};

typedef void (*pinwatch_callback)(const struct pinwatch_event *ev, void *ctx);

struct pinwatch_watch_config {
	int edges;               /* PINWATCH_EDGE_*; 0 = both */
	/* Consumption: a callback, or a queue (queue_size > 0), or neither
	 * (counters only: pinwatch_watch_stats).  Not both. */
	pinwatch_callback callback;
	void *ctx;               /* given to the callback as is ... */
	size_t ctx_size;         /* ... or, if > 0, copied at add, freed with the watch */
	unsigned queue_size;     /* events; full: the newest is dropped and counted */
	uint64_t debounce_ns;    /* leading-edge debounce; 0 = off */
	unsigned event_buffer;   /* kernel/sim per-line event buffer; 0 = default */
	uint64_t idle_ns;        /* idle watchdog: a PINWATCH_EVENT_IDLE after this
				  * long without an edge; 0 = off */
};

struct pinwatch_watch_stats {
	uint64_t rising;         /* edges the watch received, after debounce */
	uint64_t falling;
	uint64_t delivered;      /* handed to the consumer (callback, queue, counter) */
	uint64_t lost;           /* lost_source + lost_queue */
	uint64_t lost_source;    /* lost before pinwatch saw them (kernel, inferred) */
	uint64_t lost_queue;     /* dropped by a full queue */
	uint64_t filtered;       /* removed by software debounce */
	uint64_t queued;         /* in the queue now */
	int error;               /* 0, or -errno of the fault that disabled the watch */
	uint64_t idle;           /* idle watchdog events (PINWATCH_EVENT_IDLE) */
	int loss_seen;           /* how much of the loss lost_source can see
				  * (enum pinwatch_loss_seen) */
};

/* What lost_source can count, by backend.  Edges a line merges before its
 * interrupt is taken (two transitions closer than the hardware can tell)
 * are seen by no software at all, on any backend. */
enum pinwatch_loss_seen {
	/* Every event lost after the edge was timestamped: the kernel's
	 * sequence numbers (chardev with libgpiod 2, the sim by default). */
	PINWATCH_LOSS_COUNTED = 0,
	/* Only what can be inferred (two edges of the same direction in a row
	 * on a both-edges watch): lost_source is a lower bound -- "at least N
	 * lost" (chardev with libgpiod 1.6, sysfs, the sim's overflow=newest). */
	PINWATCH_LOSS_AT_LEAST = 1,
};

/* ---------------------------------------------------------------- watchers */

/** An event loop (epoll + eventfd).  Free with pinwatch_watcher_free(). */
PINWATCH_API int pinwatch_watcher_new(pinwatch_watcher **out);

/**
 * Stop and join the worker, remove every watch (synchronously), close the
 * loop's descriptors.  From inside a callback the release completes when the
 * callback returns.  Accepts NULL.
 */
PINWATCH_API void pinwatch_watcher_free(pinwatch_watcher *w);

/**
 * Watch a pin's edges.  One watch per pin at a time (-EBUSY); -EINVAL on an
 * output.  The id is for pinwatch_watch_remove/read/stats on this watcher.
 */
PINWATCH_API int pinwatch_watch_add(pinwatch_watcher *w, pinwatch_pin *p,
				    const struct pinwatch_watch_config *cfg,
				    pinwatch_watch_id *out);
/** Synchronous removal; a stale or foreign id is -ENOENT. */
PINWATCH_API int pinwatch_watch_remove(pinwatch_watcher *w, pinwatch_watch_id id);
/**
 * Take up to n events from a queue watch, waiting up to timeout_ms
 * (-1: forever, 0: not at all) for the first.  Returns the number taken,
 * 0 on timeout, -ENOENT if the watch is (or gets) removed.
 */
PINWATCH_API int pinwatch_watch_read(pinwatch_watcher *w, pinwatch_watch_id id,
				     struct pinwatch_event *ev, size_t n,
				     int timeout_ms);
PINWATCH_API int pinwatch_watch_stats(pinwatch_watcher *w, pinwatch_watch_id id,
				      struct pinwatch_watch_stats *out);

/** Run callbacks on the watcher's own thread.  -EALREADY if running. */
PINWATCH_API int pinwatch_watcher_start(pinwatch_watcher *w);
/**
 * Wake the worker, join it.  Prompt, idempotent, from any thread (from a
 * callback: the worker ends when the callback returns).  Can start again.
 */
PINWATCH_API int pinwatch_watcher_stop(pinwatch_watcher *w);
/**
 * The loop's descriptor, readable when pinwatch_watcher_dispatch() has work:
 * for the caller's own poll/epoll loop.  Owned by the watcher: never close it.
 */
PINWATCH_API int pinwatch_watcher_fd(pinwatch_watcher *w);
/**
 * Wait up to timeout_ms (-1: forever) and run what is ready, on the calling
 * thread.  Returns the number of events handled; -EBUSY while the worker runs
 * or another thread dispatches.
 */
PINWATCH_API int pinwatch_watcher_dispatch(pinwatch_watcher *w, int timeout_ms);

/* ---------------------------------------------------------- the simulator */

/* Levels for pinwatch_sim_drive(). */
#define PINWATCH_SIM_LOW 0
#define PINWATCH_SIM_HIGH 1
#define PINWATCH_SIM_FLOAT (-1) /* undriven: the line's bias decides */

/**
 * Drive a line's physical level from outside (like a signal on the header).
 * Ignored by an output, which drives itself.  All pinwatch_sim_* calls give
 * -EOPNOTSUPP on a board that is not a sim board.
 */
PINWATCH_API int pinwatch_sim_drive(pinwatch_board *b, const char *name, int level);
/** The physical level on a line: what an output drives, or the input's level. */
PINWATCH_API int pinwatch_sim_sense(pinwatch_board *b, const char *name);
/** Jumper OUT's level onto IN (IN follows OUT).  -EBUSY if IN is wired. */
PINWATCH_API int pinwatch_sim_wire(pinwatch_board *b, const char *out, const char *in);
/** Remove the jumper onto IN. */
PINWATCH_API int pinwatch_sim_unwire(pinwatch_board *b, const char *in);

struct pinwatch_sim_pulse {
	uint64_t period_ns;   /* required */
	uint64_t high_ns;     /* 0: period_ns / 2 */
	uint64_t count;       /* pulses; 0 = endless */
	uint64_t phase_ns;    /* delay before the first rising edge */
	uint64_t jitter_ns;   /* each edge late by a uniform [0, jitter_ns) */
	unsigned bounce;      /* extra transition pairs after each edge */
	uint64_t bounce_ns;   /* width of each bounce transition (0: 1000) */
	unsigned seed;        /* jitter's PRNG seed (deterministic) */
};

/**
 * Start a pulse generator driving NAME from outside.  On a board with the
 * virtual clock the edges happen as pinwatch_sim_advance() passes them;
 * otherwise a generator thread plays them in real time.
 */
PINWATCH_API int pinwatch_sim_pulse(pinwatch_board *b, const char *name,
				    const struct pinwatch_sim_pulse *spec,
				    unsigned *gen_id);
/** Stop a generator (and join its thread).  -ENOENT if unknown. */
PINWATCH_API int pinwatch_sim_pulse_stop(pinwatch_board *b, unsigned gen_id);
/**
 * Wait until a finite generator has played all its pulses (real time), up to
 * timeout_ms (-1 forever).  Returns 1 done, 0 timeout, -errno.
 */
PINWATCH_API int pinwatch_sim_pulse_wait(pinwatch_board *b, unsigned gen_id,
					 int timeout_ms);
/** Advance the virtual clock, producing every edge due in the step, in order. */
PINWATCH_API int pinwatch_sim_advance(pinwatch_board *b, uint64_t ns);
/** The board's clock now, in ns (virtual or CLOCK_MONOTONIC). */
PINWATCH_API int pinwatch_sim_now(pinwatch_board *b, uint64_t *ns);

/* Operations a fault can target. */
enum pinwatch_sim_op {
	PINWATCH_SIM_OP_REQUEST = 1,
	PINWATCH_SIM_OP_GET,
	PINWATCH_SIM_OP_SET,
	PINWATCH_SIM_OP_RECONFIGURE,
	PINWATCH_SIM_OP_EDGES,       /* enabling edge detection */
	PINWATCH_SIM_OP_READ,        /* reading pending events */
};

enum pinwatch_sim_fault_kind {
	PINWATCH_SIM_FAULT_FAIL = 0,      /* nth call of op fails with error */
	PINWATCH_SIM_FAULT_BANK_GONE,     /* bank disappears: POLLERR/ENODEV */
	PINWATCH_SIM_FAULT_SHORT_READ,    /* nth read returns one event at most */
	PINWATCH_SIM_FAULT_EINTR,         /* nth read fails with EINTR */
	PINWATCH_SIM_FAULT_CLEAR,         /* remove every pending fault */
};

struct pinwatch_sim_fault {
	int kind;          /* enum pinwatch_sim_fault_kind */
	int op;            /* enum pinwatch_sim_op (FAIL) */
	unsigned nth;      /* 1 = the next call; 0 = every call */
	int error;         /* positive errno to fail with (FAIL) */
	const char *pin;   /* restrict to this line; NULL = any line */
	int bank;          /* BANK_GONE: the bank index */
};

PINWATCH_API int pinwatch_sim_fault(pinwatch_board *b, const struct pinwatch_sim_fault *f);

struct pinwatch_sim_line_stats {
	uint64_t edges;      /* edges the line produced while edges were enabled */
	uint64_t dropped;    /* of which dropped by a full event buffer */
	uint64_t level_changes; /* physical level changes since the board opened */
};

/** The truth about a line's events, to compare with pinwatch's counts. */
PINWATCH_API int pinwatch_sim_line_stats(pinwatch_board *b, const char *name,
					 struct pinwatch_sim_line_stats *out);

#ifdef __cplusplus
}
#endif

#endif /* PINWATCH_H */
