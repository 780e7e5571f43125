/* SPDX-License-Identifier: MIT */
/*
 * count --state FILE: the durable totals of a pulse counter, and the gaps
 * when it was not counting.
 *
 * The file is text, one record per line, between a version line and a
 * checksum line:
 *
 *   pinwatch-count-state 1
 *   runs 3
 *   since 1764610000.000000000        CLOCK_REALTIME the first run counted from
 *   saved 1764620000.123456789        CLOCK_REALTIME of this checkpoint
 *   counted 120.000000000             board time the totals cover
 *   clean 0                           1: written by a clean exit
 *   pin N3 total=... rising=... falling=... lost=... debounced=...
 *   gaps 2 12.500000000               all gaps ever: number, seconds
 *   gap 1764619990.1 1764620002.6 crash   the last STATE_MAX_GAPS of them
 *   end crc32=1a2b3c4d                CRC-32 of every byte before this line
 *
 * A checkpoint never modifies the file: it writes FILE.tmp in the same
 * directory, fsyncs it, renames it over FILE and fsyncs the directory.
 * rename() is atomic, so after a crash or a power cut at any moment FILE is
 * the old checkpoint or the new one, complete.  The checksum line guards
 * what atomicity cannot: a file damaged on the medium, truncated by a
 * filesystem that lost data it had acknowledged, or edited by hand.  A file
 * whose last line is not a matching checksum is refused, never half-read.
 *
 * Why not an append-only journal: the state is small and fixed-size per
 * pin, so a whole-file checkpoint costs the same two fsyncs as a journal
 * append, needs no compaction, and reading it needs no replay.
 */
#ifndef PINWATCH_TOOL_STATE_H
#define PINWATCH_TOOL_STATE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define STATE_VERSION 1
#define STATE_MAX_PINS 64
#define STATE_MAX_GAPS 32      /* kept in the file; all are in gaps/gap_ns */
#define STATE_NAME_MAX 64

struct state_pin {
	char name[STATE_NAME_MAX];
	uint64_t total, rising, falling, lost, debounced;
};

/* Downtime: from the last checkpoint of one run (the time up to which its
 * totals are durable) to the moment the next run counted again.  Edges
 * during a gap are unknown. */
struct state_gap {
	uint64_t start_ns, end_ns;  /* CLOCK_REALTIME */
	int after_crash;            /* the run before ended without its final checkpoint */
};

struct count_state {
	uint64_t runs;              /* starts of the counter, this one included */
	uint64_t since_ns;          /* CLOCK_REALTIME the first run started counting */
	uint64_t saved_ns;          /* CLOCK_REALTIME of the checkpoint */
	uint64_t counted_ns;        /* board time the totals cover, over all runs */
	int clean;
	size_t npins;
	struct state_pin pins[STATE_MAX_PINS];
	uint64_t ngaps;             /* every gap ever recorded */
	uint64_t gap_ns;            /* their total length */
	size_t nkept;               /* the last ones, oldest first */
	struct state_gap kept[STATE_MAX_GAPS];
};

/* The system calls of a checkpoint, replaceable by a test that makes them
 * fail or stop short (a power cut at every byte).  NULL: the real ones. */
struct state_sys {
	ssize_t (*write)(int fd, const void *buf, size_t len);
	int (*fsync)(int fd);
	int (*rename)(const char *from, const char *to);
};

/* Serialise S into BUF (at most LEN bytes, NUL-terminated); returns the
 * length, or -ENOSPC. */
int state_format(const struct count_state *s, char *buf, size_t len);
/* Parse a whole file's text; 0, or -EBADMSG (with the reason in ERR) for
 * anything but a complete, checksummed state of this version. */
int state_parse(const char *text, size_t len, struct count_state *s,
		char *err, size_t errlen);

/* Read PATH: 0, -ENOENT (no state yet), -EBADMSG (corrupt: ERR says how),
 * or another -errno of open/read. */
int state_load(const char *path, struct count_state *s, char *err, size_t errlen);
/* Checkpoint S into PATH as described above; 0 or -errno, with the failed
 * step in ERR ("fsync /var/lib/pinwatch/meter.state.tmp: ...").  On any
 * failure PATH still holds the previous checkpoint. */
int state_save(const char *path, const struct count_state *s,
	       const struct state_sys *sys, char *err, size_t errlen);

/* Append a gap (keeping the last STATE_MAX_GAPS). */
void state_add_gap(struct count_state *s, uint64_t start_ns, uint64_t end_ns,
		   int after_crash);
/* The pin called NAME, added (zeroed) if absent; NULL if full. */
struct state_pin *state_pin(struct count_state *s, const char *name);

/* PATH's lock (PATH.lock, flock): one counter per state file.  The
 * descriptor (O_CLOEXEC), -EWOULDBLOCK if another process holds it, or
 * -errno. */
int state_lock(const char *path);

/* CLOCK_REALTIME in ns. */
uint64_t state_realtime_ns(void);
/* "2026-12-01T20:16:21.123456789Z" (UTC). */
void state_format_time(char *buf, size_t len, uint64_t realtime_ns);

#endif
