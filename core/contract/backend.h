/* SPDX-License-Identifier: MIT */
/*
 * The backend operations contract: everything a backend may know of the core.
 *
 * A backend is one `const struct pw_backend_ops` and nothing else; the core
 * owns every policy (reference counts, locking, debounce, queues, counters,
 * seqno, lost inference, names, error messages' framing).
 *
 * Threading, as the core guarantees it to backends:
 *  - request / release / reconfigure / edges_enable / edges_disable of one
 *    line are serialized by the core, never concurrent with each other;
 *  - get, set and read_events of one line may run concurrently with each
 *    other (user thread vs. dispatch thread) but never after release;
 *  - edges_disable is only called after the line's descriptor has left every
 *    epoll set and no read_events on it is running;
 *  - open/close/bank_info/line_info may run on any thread: backends keep
 *    their board state safe for that.
 *
 * Errors: return -errno; add the cause's detail with pw_detail() ("line is
 * used by 'gpiomon'"); the core frames it with the pin and the operation.
 */
#ifndef PINWATCH_BACKEND_H
#define PINWATCH_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "pinwatch.h"

#if defined(__GNUC__) && __GNUC__ >= 4
#define PW_HIDDEN __attribute__((visibility("hidden")))
#else
#define PW_HIDDEN
#endif

#define PW_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------ spec options */

#define PW_SPEC_MAX_OPTS 16

struct pw_option {
	const char *key;
	const char *value;  /* "" for a bare key */
};

/* A parsed "BACKEND[:ARG][,KEY=VALUE...]". */
struct pw_spec {
	char *buf;               /* owns the strings below */
	const char *backend;
	const char *arg;         /* NULL when there is no ":ARG" */
	struct pw_option opts[PW_SPEC_MAX_OPTS];
	size_t nopts;
};

PW_HIDDEN int pw_spec_parse(const char *text, struct pw_spec *out);
PW_HIDDEN void pw_spec_free(struct pw_spec *s);
/* The value of KEY, or NULL. */
PW_HIDDEN const char *pw_spec_get(const struct pw_spec *s, const char *key);
/* Parse KEY as an unsigned in [min, max]; *out untouched if absent. */
PW_HIDDEN int pw_spec_get_uint(const struct pw_spec *s, const char *key,
			       unsigned long min, unsigned long max,
			       unsigned long *out);

/* --------------------------------------------------------- board profiles */

struct pw_profile_bank {
	const char *label;       /* "pioC" */
	unsigned num_lines;
	const char *line_prefix; /* "PC": lines are named PC0, PC1, ... */
};

struct pw_profile_header {
	const char *name;        /* "N3" */
	unsigned bank;           /* index into the profile's banks */
	unsigned offset;
};

struct pw_profile {
	const char *name;        /* "aria-g25" */
	const struct pw_profile_bank *banks;
	unsigned num_banks;
	const struct pw_profile_header *headers;
	unsigned num_headers;
	unsigned legacy_stride;  /* legacy number = bank * stride + offset */
};

PW_HIDDEN const struct pw_profile *pw_profile_find(const char *name);
/* "aria-g25, ..." for error messages */
PW_HIDDEN const char *pw_profile_names(void);

/* --------------------------------------------------------------- the ops */

struct pw_open_args {
	const char *arg;                  /* the ":ARG" part, or NULL */
	const struct pw_spec *spec;       /* every option, for backend keys */
	const struct pw_profile *profile; /* board=..., or NULL */
};

/* What the core asks of a line: pinwatch_pin_config with consumer set. */
struct pw_line_config {
	int direction;
	int value;
	int active_low;
	int bias;
	int drive;
	const char *consumer;  /* never NULL */
};

struct pw_edge_config {
	int edges;             /* PINWATCH_EDGE_RISING/FALLING/BOTH */
	uint64_t debounce_ns;  /* only when the backend has PW_CAP_KERNEL_DEBOUNCE */
	unsigned event_buffer; /* 0: the backend's default */
	/* 1: the watch has a callback or a queue (each edge is delivered);
	 * 0: counters only.  A counting backend (counter) serves counters-only
	 * watches from the kernel's count and refuses per-event watches it
	 * cannot feed one event per edge. */
	int per_event;
	/* The timestamp clock (enum pinwatch_clock); 0: the board's default.
	 * A backend that cannot give it fails edges_enable with -EOPNOTSUPP
	 * and a detail naming the clock it uses instead.  Appended: backends
	 * that predate it see 0. */
	int clock;
};

/* One edge as the backend saw it; values are logical (active-low applied). */
struct pw_raw_event {
	uint64_t timestamp_ns;
	uint64_t seqno;        /* the line's sequence number, from 1 at edges_enable
				* (a first event with seqno s means s-1 were lost);
				* 0: the backend has none */
	int edge;              /* PINWATCH_EDGE_RISING or _FALLING (or
				* PINWATCH_EVENT_IDLE: see idle_arm) */
	/* Edges this event stands for: 0 or 1 is one edge; n > 1 is a run of n
	 * edges of this direction, the last of them numbered seqno, that a
	 * counting backend (counter) read as one step of the kernel's count.
	 * The core counts the run (rising/falling, delivered, seqno advance by
	 * n) without a gap; only seqno beyond the run is lost.  Read only from
	 * a backend with PW_CAP_EDGE_RUNS (others need not set it at all),
	 * and only on counters-only watches. */
	uint64_t count;
	/* group_read_events (issue 16): the index of the member it is on. */
	unsigned line;
};

/* One change of a line's info as the backend saw it.  The backend fills
 * info's name (if it has one), used, consumer, direction, active_low, bias
 * and drive, as line_info does; the core fills the rest. */
struct pw_raw_info_event {
	int kind;              /* enum pinwatch_info_kind */
	int clock;             /* enum pinwatch_clock of timestamp_ns */
	uint64_t timestamp_ns;
	struct pinwatch_line_info info;
};

enum pw_caps {
	PW_CAP_BIAS = 1u << 0,            /* bias settable */
	PW_CAP_DRIVE = 1u << 1,           /* open drain/source settable */
	PW_CAP_KERNEL_SEQNO = 1u << 2,    /* raw events carry gap-revealing seqno */
	PW_CAP_KERNEL_DEBOUNCE = 1u << 3, /* edges_enable honours debounce_ns */
	PW_CAP_EVENT_BUFFER = 1u << 4,    /* edges_enable honours event_buffer */
	PW_CAP_EDGE_RUNS = 1u << 5,       /* raw events may stand for runs (count);
					   * the core reads count only then */
	PW_CAP_GROUP_EDGES = 1u << 6,     /* a group's edges on one descriptor
					   * (group_edges_enable; issue 16) */
};

struct pw_backend_ops {
	const char *name;
	/* 1: "NAME:ARG" names a board profile (sim:aria-g25), not a path */
	int arg_is_profile;
	/* spec keys this backend accepts besides board= and consumer= */
	const char *const *options;
	/* The event buffer a counters-only watch asks for when its caller set
	 * none (with PW_CAP_EVENT_BUFFER): the most the backend allows, so a
	 * burst between two reads is counted rather than lost. */
	unsigned counting_buffer;
	/* For "auto": 1 if this backend's interface exists on this machine. */
	int (*probe)(void);

	int (*open)(const struct pw_open_args *args, void **state);
	void (*close)(void *state);
	unsigned (*caps)(void *state);
	int (*clock)(void *state);  /* enum pinwatch_clock */

	int (*num_banks)(void *state);
	/* name, label, num_lines, base (-1 if the backend has no numbers) */
	int (*bank_info)(void *state, unsigned bank, struct pinwatch_bank_info *out);
	/* name, used, consumer, direction, active_low, bias, drive; the core
	 * fills bank, offset, global, header and bank_label. */
	int (*line_info)(void *state, unsigned bank, unsigned offset,
			 struct pinwatch_line_info *out);

	int (*request)(void *state, unsigned bank, unsigned offset,
		       const struct pw_line_config *cfg, void **line);
	void (*release)(void *line);
	int (*get)(void *line);
	int (*set)(void *line, int value);
	int (*reconfigure)(void *line, const struct pw_line_config *cfg);

	/* Start edge detection; *fd is the descriptor to watch: readable
	 * (EPOLLIN) while edges are pending, EPOLLERR/EPOLLHUP when the device
	 * is gone (owned by the line: never closed by the core). */
	int (*edges_enable)(void *line, const struct pw_edge_config *ec, int *fd);
	void (*edges_disable)(void *line);
	/* Take up to n pending events without blocking.  Returns the count
	 * (0: nothing pending), -EINTR or -EAGAIN (transient: the core
	 * retries, and reports a fault after many in a row), or -errno for a
	 * fault (-ENODEV: device gone), after which the core disables the watch. */
	int (*read_events)(void *line, struct pw_raw_event *ev, size_t n);
	/* Optional: run the idle watchdog on the backend's own clock (the
	 * sim's virtual time), recording a raw event with edge
	 * PINWATCH_EVENT_IDLE idle_ns after the last edge, and again after
	 * each further quiet period.  -EOPNOTSUPP: the core's timer does it
	 * (real clocks).  Disarmed by edges_disable. */
	int (*idle_arm)(void *line, uint64_t idle_ns);

	/* ---- line groups (issue 16); every one optional: NULL (or
	 * -EOPNOTSUPP from request_group) and the core uses the per-line ops,
	 * one line after the other. ---- */
	/* Request lines OFFSETS[0..n) of BANK together, so that group_get and
	 * group_set see and drive them at once.  lines[i] is member i's handle
	 * for the per-line ops (get, set, edges_enable, read_events, ...; not
	 * release nor reconfigure), *group the group's. */
	int (*request_group)(void *state, unsigned bank, const unsigned *offsets, size_t n,
			     const struct pw_line_config *cfg, void **lines, void **group);
	/* Release every member line and the group (release is not called on
	 * the members).  Serialized by the core like a line's release. */
	void (*release_group)(void *group);
	/* values[i]: member i's logical value / what to drive on it. */
	int (*group_get)(void *group, int *values);
	int (*group_set)(void *group, const int *values);
	int (*group_reconfigure)(void *group, const struct pw_line_config *cfg);
	/* Edges of every member on ONE descriptor, in the kernel's order across
	 * the group's lines (raw->line says which); the members' own
	 * edges_enable/read_events are then not used.  event_buffer is the
	 * backend's to honour or not.  Serialized like a line's edges ops;
	 * group_edges_disable only after the descriptor left epoll and no
	 * group_read_events runs. */
	int (*group_edges_enable)(void *group, const struct pw_edge_config *ec, int *fd);
	void (*group_edges_disable)(void *group);
	int (*group_read_events)(void *group, struct pw_raw_event *ev, size_t n);
	/* The board's clock now, for a backend whose clock is its own (the
	 * sim's virtual time); NULL: clock_gettime of clock().  Never called
	 * with the core lock held. */
	uint64_t (*now)(void *state);
	/* --- line-info watch (optional: NULL is -EOPNOTSUPP) --- */
	/* Watch the info of one line, requested by anyone or no one: *iw is
	 * the backend's watch, *fd readable (EPOLLIN) while changes are
	 * pending (owned by *iw, closed by info_unwatch).  -EOPNOTSUPP with a
	 * detail saying why where the interface has no notification. */
	int (*info_watch)(void *state, unsigned bank, unsigned offset, void **iw, int *fd);
	void (*info_unwatch)(void *iw);
	/* Take up to n pending changes without blocking: the count (0: none),
	 * -EINTR/-EAGAIN (transient) or -errno (a fault). */
	int (*info_read)(void *iw, struct pw_raw_info_event *ev, size_t n);
};

PW_HIDDEN extern const struct pw_backend_ops pw_backend_sim;
PW_HIDDEN extern const struct pw_backend_ops pw_backend_sysfs;
PW_HIDDEN extern const struct pw_backend_ops pw_backend_chardev;
PW_HIDDEN extern const struct pw_backend_ops pw_backend_counter;

/* ---------------------------------------------------- errors, descriptors */

/* Add the cause's detail to the calling thread's next error message. */
PW_HIDDEN void pw_detail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* Register a descriptor this object now owns (for PINWATCH_DEBUG=leaks);
 * returns fd.  Every descriptor must be opened O_CLOEXEC.  Pass the result
 * of the syscall straight in: a negative fd is returned as it is (errno
 * kept).  If the registration itself fails, fd is closed and -ENOMEM is
 * returned with errno set to ENOMEM: check the result like the syscall's. */
PW_HIDDEN int pw_fd_own(int fd, const char *what)
	__attribute__((warn_unused_result));
/* Forget the calling thread's pending detail: for code that handles a
 * failure itself (a best-effort read, a retry), so that the detail can
 * never be appended to a later, unrelated error. */
PW_HIDDEN void pw_detail_clear(void);
/* Close *fd exactly once and set it to -1; -1 is a no-op. */
PW_HIDDEN void pw_fd_close(int *fd);

/* Set pinwatch_last_error() to "<fmt...>: <strerror(-err)>[: <detail>]";
 * returns err (negative). */
PW_HIDDEN int pw_fail(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* For a backend's own public control API (the sim's): the board's backend
 * state if the board is of backend OPS, else -EOPNOTSUPP with a message. */
PW_HIDDEN int pw_board_backend_state(pinwatch_board *b,
				     const struct pw_backend_ops *ops,
				     void **state);
/* Resolve a pin name on a board; -errno with a message on failure. */
PW_HIDDEN int pw_board_resolve(pinwatch_board *b, const char *name,
			       unsigned *bank, unsigned *offset);

/* CLOCK_MONOTONIC now, in ns. */
PW_HIDDEN uint64_t pw_monotonic_ns(void);

#endif /* PINWATCH_BACKEND_H */
