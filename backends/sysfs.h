/* SPDX-License-Identifier: MIT */
/*
 * The sysfs backend's private parts, shared by backends/sysfs*.c only.
 *
 * Every file is reached with openat()/fstatat() relative to one descriptor
 * on the root (default /sys/class/gpio): the root is the only user text that
 * ever becomes part of a path, and it is opened once, at board open.  Every
 * other path component is a constant, a number, or a directory name read
 * from the root itself and checked by pw_sysfs_name_ok().
 */
#ifndef PINWATCH_SYSFS_H
#define PINWATCH_SYSFS_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "backend.h"

#define SYSFS_DEFAULT_ROOT "/sys/class/gpio"
#define SYSFS_DEFAULT_RETRY_MS 1000u
#define SYSFS_MAX_RETRY_MS 60000u
/* Directory names under the root: "gpiochip1023", "gpio1023", "pioC31". */
#define SYSFS_NAME_MAX 48
/* pinwatch_bank_info.name's size */
#define SYSFS_CHIP_NAME_MAX 32

struct sysfs_chip {
	char name[SYSFS_CHIP_NAME_MAX]; /* "gpiochip992": the bank's name */
	char label[32];
	unsigned ngpio;
	int base;                   /* global number of line 0 */
	/* What gpiochipN/device resolves to: identifies the chip's exported
	 * lines whose directory is not named after their number. */
	int has_dev;
	dev_t dev_dev;
	ino_t dev_ino;
	char prefix[16];            /* the profile's line prefix ("PC"), or "" */
};

struct sysfs_line;

struct sysfs_state {
	int rootfd;
	char root[192];             /* for messages only */
	unsigned retry_ms;
	struct sysfs_chip *chips;   /* sorted by base; read-only after open */
	unsigned nchips;
	int on_sysfs;               /* the root is on sysfs: follow its links */
	dev_t root_dev;             /* the root's identity: two boards on one */
	ino_t root_ino;             /* root share the lines they request */
};

struct sysfs_line {
	struct sysfs_state *st;
	struct sysfs_line *next;    /* in the process-wide list (sysfs.c) */
	unsigned bank, offset;
	int global;
	char dir[SYSFS_NAME_MAX];   /* the exported directory's name */
	int ours;                   /* this process exported it: unexport it */
	int value_fd;               /* get/set: O_RDWR for outputs, else O_RDONLY */
	int value_rw;
	int has_direction;          /* no direction file: the driver fixed it */
	int direction;
	int active_low;
	int edge_fd;                /* edges: value again, O_NONBLOCK */
	int ep_fd;                  /* the watched descriptor: edge_fd + uevent_fd */
	int uevent_fd;              /* kernel uevents (removal), -1 if unavailable */
	dev_t edge_dev;             /* the value file watched, to notice it gone */
	ino_t edge_ino;
	int edges;                  /* PINWATCH_EDGE_*, 0: off */
	char saved_edge[16];        /* someone else's edge setting, restored */
	int clock;                  /* events' clock (stamped at read): monotonic or realtime */
};

/* --------------------------------------------------------------- sysfs.c */

/* "DIR/FILE" of a line, relative to the root. */
PW_HIDDEN void pw_sysfs_line_path(char *buf, size_t len, const struct sysfs_line *l,
			       const char *file);
/* Write TEXT to a line's FILE; the detail names the file on failure. */
PW_HIDDEN int pw_sysfs_line_write(struct sysfs_line *l, const char *file, const char *text);

/* --------------------------------------------------------- sysfs_edges.c */

PW_HIDDEN int pw_sysfs_edges_enable(void *line, const struct pw_edge_config *ec, int *fd);
PW_HIDDEN void pw_sysfs_edges_disable(void *line);
PW_HIDDEN int pw_sysfs_read_events(void *line, struct pw_raw_event *ev, size_t n);
/* The parts, for the tests' fake trees (whose regular files cannot be
 * polled): set the edge file (remembering someone else's setting), put it
 * back, and turn one wake into one event read from edge_fd. */
PW_HIDDEN int pw_sysfs_edge_set(struct sysfs_line *l, int edges);
PW_HIDDEN void pw_sysfs_edge_restore(struct sysfs_line *l);
PW_HIDDEN int pw_sysfs_edge_event(struct sysfs_line *l, struct pw_raw_event *ev);

/* ------------------------------------------------------------ sysfs_attr.c */

/* 1 if NAME may be used as a path component under the root. */
PW_HIDDEN int pw_sysfs_name_ok(const char *name);
/* Read a small attribute ("DIR/FILE" relative to the root) into buf, without
 * the trailing newline.  0 or -errno (with a detail naming the file). */
PW_HIDDEN int pw_sysfs_read_attr(const struct sysfs_state *st, const char *rel,
			      char *buf, size_t len);
/* Write TEXT to an attribute.  0 or -errno.  *opened (may be NULL) tells
 * the two failures apart: the open refused (the detail names the file and
 * why), or the write, i.e. the kernel's answer (no detail: callers say why). */
PW_HIDDEN int pw_sysfs_write_attr(const struct sysfs_state *st, const char *rel,
			       const char *text, int *opened);
/* A short, printable excerpt of an attribute that failed to parse: the file
 * may not be what it claims (a crafted root), so never echo more than a few
 * characters of it into a message.  Returns buf. */
#define SYSFS_EXCERPT_CHARS 16
#define SYSFS_EXCERPT_SIZE (SYSFS_EXCERPT_CHARS + 4)
PW_HIDDEN const char *pw_sysfs_excerpt(const char *text, char buf[SYSFS_EXCERPT_SIZE]);
/* Parse a decimal int in [min, max] from an attribute's text. */
PW_HIDDEN int pw_sysfs_parse_int(const char *text, long min, long max, long *out);
/* 0/1 from a value file's first byte (pread at 0: no shared offset, so two
 * threads may read one descriptor), -EBADMSG if it is neither, or -errno;
 * EINTR is retried, a short read is enough. */
PW_HIDDEN int pw_sysfs_pread_value(int fd);
/* Sleep about ms milliseconds (the retry loop's step). */
PW_HIDDEN void pw_sysfs_sleep_ms(unsigned ms);

/* ------------------------------------------------------------ sysfs_path.c */

/* 1 if fd is on a sysfs filesystem. */
PW_HIDDEN int pw_sysfs_on_sysfs(int fd);
/* A directory beneath the root (O_RDONLY|O_DIRECTORY), never outside it:
 * see sysfs_path.c.  follow: relative links that stay beneath the root are
 * followed (identity lookups only).  fd or -errno, no detail. */
PW_HIDDEN int pw_sysfs_open_dir(const struct sysfs_state *st, const char *rel, int follow);
/* A regular file beneath the root, opened with flags (O_RDONLY, O_WRONLY,
 * O_RDWR, O_TRUNC) plus O_NOFOLLOW|O_NONBLOCK|O_CLOEXEC; a link, FIFO,
 * device or directory is refused.  fd or -errno, with a detail naming it. */
PW_HIDDEN int pw_sysfs_open_file(const struct sysfs_state *st, const char *rel, int flags);
/* stat of an entry beneath the root (follow: as pw_sysfs_open_dir). */
PW_HIDDEN int pw_sysfs_stat(const struct sysfs_state *st, const char *rel, struct stat *sb,
			    int follow);
/* Tests: use the component walk even where the kernel has openat2. */
PW_HIDDEN extern int pw_sysfs_force_walk;

/* ----------------------------------------------------------- sysfs_chips.c */

/* Scan the root for gpiochipN, read and check base/label/ngpio, sort by
 * base; profile gives line prefixes by label (may be NULL). */
PW_HIDDEN int pw_sysfs_chips_load(struct sysfs_state *st, const struct pw_profile *profile);

/* ------------------------------------------------------------- sysfs_dir.c */

/* The names under the root before an export, to spot the new one after. */
struct sysfs_snapshot {
	char (*names)[SYSFS_NAME_MAX];
	size_t n;
};

PW_HIDDEN int pw_sysfs_snapshot_take(const struct sysfs_state *st, struct sysfs_snapshot *s);
PW_HIDDEN void pw_sysfs_snapshot_free(struct sysfs_snapshot *s);
/* Find the exported directory of a line: gpioN, or a named one.  With snap,
 * also an entry of this chip that appeared since the snapshot.  0 with
 * out filled, -ENOENT if not (yet) exported, -EEXIST if ambiguous. */
PW_HIDDEN int pw_sysfs_find_dir(const struct sysfs_state *st, const struct sysfs_chip *c,
			     unsigned offset, const struct sysfs_snapshot *snap,
			     char out[SYSFS_NAME_MAX]);

#endif /* PINWATCH_SYSFS_H */
