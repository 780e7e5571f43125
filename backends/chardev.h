/* SPDX-License-Identifier: MIT */
/*
 * The chardev backend's private interface.
 *
 * chardev.c holds everything both libgpiod generations share: chip
 * discovery, the spec's argument, the board state, the ops table, error
 * messages and the conversion of kernel events (sequence numbers included).
 * What differs between the libgpiod 1.6 API and the 2.x API is kept behind
 * the small pw_cd_* interface below, implemented once by chardev_v1.c and
 * once by chardev_v2.c; configure builds exactly one of the two.
 *
 * The pw_cd_* functions return 0 (or a count) or -errno as libgpiod reported
 * it; chardev.c turns the errno into a message (consumer names, permission
 * advice), so the version files never call pw_detail() for the common cases.
 */
#ifndef PINWATCH_CHARDEV_H
#define PINWATCH_CHARDEV_H

#include <stddef.h>
#include <stdint.h>

#include "backend.h"

/* The kernel reads at most this many edge events per read() (both uAPIs). */
#define PW_CD_READ_MAX 16

/* ------------------------------------------------ shared (chardev.c) */

/* The gpiochipN entries of DIR, as full paths sorted by N (gpiochip2 before
 * gpiochip10).  0 with *n == 0 when there is none; -errno if DIR cannot be
 * read.  Free with pw_chardev_paths_free(). */
PW_HIDDEN int pw_chardev_scan(const char *dir, char ***paths, size_t *n);
PW_HIDDEN void pw_chardev_paths_free(char **paths, size_t n);

/* What a spec's ":ARG" names: NULL or a directory: every gpiochip in it
 * ("/dev" by default); "/dev/gpiochipN" or "gpiochipN": that chip alone.
 * Fills either *dir or *chip (malloc'd, the other NULL); -EINVAL or -ENOENT
 * with a pw_detail() message. */
PW_HIDDEN int pw_chardev_parse_arg(const char *arg, char **dir, char **chip);
/* 0 if PATH is a GPIO character device (chardev_node.c), decided without
 * opening it; else -ENOTTY (not a character device) or -ENODEV (another
 * subsystem's), with a detail naming PATH and what it is instead. */
PW_HIDDEN int pw_chardev_check_node(const char *path);

/* ------------------------------ per libgpiod version (chardev_vN.c) */

struct pw_cd_chip;  /* an open chip, for info and for requests */
struct pw_cd_req;   /* one requested line */

struct pw_cd_chip_desc {
	char name[32];      /* "gpiochip2" */
	char label[32];     /* "pioC" */
	unsigned num_lines;
};

/* One kernel edge event, before chardev.c's conversion. */
struct pw_cd_event {
	uint64_t timestamp_ns;
	uint32_t line_seqno; /* the kernel's per-line seqno (v2), 0 (v1) */
	int rising;          /* logical edge: 1 rising, 0 falling */
	unsigned offset;     /* the line's (group reads) */
};

/* PW_CAP_* this libgpiod generation gives. */
PW_HIDDEN unsigned pw_cd_caps(void);

PW_HIDDEN int pw_cd_chip_open(const char *path, struct pw_cd_chip **out,
			      struct pw_cd_chip_desc *desc);
PW_HIDDEN void pw_cd_chip_close(struct pw_cd_chip *c);
/* name, used, consumer, direction, active_low, bias, drive.  Not safe to
 * call concurrently on one chip: chardev.c serializes it per chip. */
PW_HIDDEN int pw_cd_line_info(struct pw_cd_chip *c, unsigned offset,
			      struct pinwatch_line_info *out);

/* Request one line (safe concurrently with other requests and line info of
 * the same chip). */
PW_HIDDEN int pw_cd_request(struct pw_cd_chip *c, unsigned offset,
			    const struct pw_line_config *cfg,
			    struct pw_cd_req **out);
PW_HIDDEN void pw_cd_release(struct pw_cd_req *r);
PW_HIDDEN int pw_cd_get(struct pw_cd_req *r);
PW_HIDDEN int pw_cd_set(struct pw_cd_req *r, int value);
PW_HIDDEN int pw_cd_reconfigure(struct pw_cd_req *r,
				const struct pw_line_config *cfg);
/* Edges from a line's kernel sequence number LAST to NOW: the unsigned
 * difference, right across the 32-bit wrap too.  Within one kernel request
 * the numbers only grow (a reconfigure keeps counting), so the same number
 * again, or one "behind" the last (more than 2^31 ahead), is a new request
 * counting from 1, whichever path made it (a re-request for a buffer size,
 * a failed one put back): then NOW edges of its own. */
static inline uint32_t pw_cd_seq_step(uint32_t last, uint32_t now)
{
	uint32_t d = now - last;

	return d == 0 || d > UINT32_MAX / 2 ? now : d;
}

/* Turn edge detection on.  Returns 1 when the line had to be requested anew
 * (its kernel sequence numbers start again from 1), 0 when the request was
 * reconfigured in place, or -errno (the line then keeps its configuration
 * without edges, or is lost: pw_cd_fd() < 0 and get/set fail). */
PW_HIDDEN int pw_cd_edges_enable(struct pw_cd_req *r,
				 const struct pw_edge_config *ec);
/* Turn edge detection off; events still queued may be read afterwards. */
PW_HIDDEN int pw_cd_edges_disable(struct pw_cd_req *r);
/* The descriptor that becomes readable with events (O_NONBLOCK once edges
 * are on), or -1. */
PW_HIDDEN int pw_cd_fd(struct pw_cd_req *r);
/* Up to n (<= PW_CD_READ_MAX) pending events, one kernel read, never
 * blocking: the count, 0 if none is pending or edges are off, -errno. */
PW_HIDDEN int pw_cd_read(struct pw_cd_req *r, struct pw_cd_event *ev, size_t n);

/* ---------------------------- line groups (issue 16; chardev_vN.c) */

struct pw_cd_group;  /* lines of one chip in one kernel request */

/* Request OFFSETS[0..n) together; members[i] serves member i's get/set
 * (never released alone: pw_cd_release_group releases them).  libgpiod
 * 1.6: -EOPNOTSUPP (the core's per-line fallback). */
PW_HIDDEN int pw_cd_request_group(struct pw_cd_chip *c, const unsigned *offsets, size_t n,
				  const struct pw_line_config *cfg, struct pw_cd_group **out,
				  struct pw_cd_req **members);
PW_HIDDEN void pw_cd_release_group(struct pw_cd_group *g);
PW_HIDDEN int pw_cd_group_get(struct pw_cd_group *g, int *values);
PW_HIDDEN int pw_cd_group_set(struct pw_cd_group *g, const int *values);
PW_HIDDEN int pw_cd_group_reconfigure(struct pw_cd_group *g, const struct pw_line_config *cfg);
/* Edge detection on every line, as pw_cd_edges_enable for one: 1 when the
 * lines had to be requested anew for ec->event_buffer (their kernel
 * sequence numbers start again from 1), 0 when reconfigured in place, or
 * -errno (without edges, or lost: pw_cd_group_fd() < 0, every op fails). */
PW_HIDDEN int pw_cd_group_edges_enable(struct pw_cd_group *g, const struct pw_edge_config *ec);
PW_HIDDEN int pw_cd_group_edges_disable(struct pw_cd_group *g);
PW_HIDDEN int pw_cd_group_fd(struct pw_cd_group *g);
/* As pw_cd_read, for every line of the group (ev->offset says which). */
PW_HIDDEN int pw_cd_group_read(struct pw_cd_group *g, struct pw_cd_event *ev, size_t n);
/* --- line-info watch and event clock (per version) --- */

/* The event clocks (1u << enum pinwatch_clock) edges_enable can give; the
 * board's default is always among them. */
PW_HIDDEN unsigned pw_cd_event_clocks(int board_clock);

struct pw_cd_info;  /* a line-info watch: a chip descriptor of its own */

struct pw_cd_info_event {
	int kind;                       /* enum pinwatch_info_kind */
	uint64_t timestamp_ns;          /* the kernel's: CLOCK_MONOTONIC */
	struct pinwatch_line_info info; /* as pw_cd_line_info fills it */
};

/* Watch OFFSET's info on the chip at PATH (v2: libgpiod's
 * gpiod_chip_watch_line_info; v1: libgpiod 1.6 has none, so the kernel's
 * GPIO_GET_LINEINFO_WATCH_IOCTL, Linux 5.7 and later).  -errno as the
 * kernel said (ENOTTY/EINVAL: a kernel without it). */
PW_HIDDEN int pw_cd_info_watch(const char *path, unsigned offset, struct pw_cd_info **out);
PW_HIDDEN void pw_cd_info_unwatch(struct pw_cd_info *w);
PW_HIDDEN int pw_cd_info_fd(const struct pw_cd_info *w);
/* Up to n pending changes, never blocking: the count, 0, or -errno. */
PW_HIDDEN int pw_cd_info_read(struct pw_cd_info *w, struct pw_cd_info_event *ev, size_t n);

/* libgpiod 2.x only (chardev_v2.c): a line info in pinwatch's terms. */
struct gpiod_line_info;
PW_HIDDEN void pw_cd_info_from_gpiod(struct gpiod_line_info *li, struct pinwatch_line_info *out);

#endif /* PINWATCH_CHARDEV_H */
