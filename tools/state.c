/* SPDX-License-Identifier: MIT */
/* The durable state of count --state: format, parse, crash-safe save; see
 * state.h for the file and why it is written this way. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "state.h"

#define STATE_MAGIC "pinwatch-count-state"
/* Far above any real state (64 pins, 32 gaps: ~8 KiB): a bigger file is
 * not ours. */
#define STATE_FILE_MAX (64 * 1024)

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* CRC-32 (IEEE, reflected), bitwise: a few KiB once per checkpoint. */
static uint32_t crc32(const char *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	while (n--) {
		c ^= (unsigned char)*p++;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
	}
	return ~c;
}

/* ------------------------------------------------------------ format */

struct out {
	char *buf;
	size_t len, used;
	int overflow;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->len - o->used)
		o->overflow = 1;
	else
		o->used += (size_t)n;
}

#define SEC(ns) (ns) / 1000000000u, (ns) % 1000000000u

int state_format(const struct count_state *s, char *buf, size_t len)
{
	struct out o = { buf, len, 0, 0 };

	if (!len)
		return -ENOSPC;
	put(&o, "%s %d\n", STATE_MAGIC, STATE_VERSION);
	put(&o, "runs %" PRIu64 "\n", s->runs);
	put(&o, "since %" PRIu64 ".%09" PRIu64 "\n", SEC(s->since_ns));
	put(&o, "saved %" PRIu64 ".%09" PRIu64 "\n", SEC(s->saved_ns));
	put(&o, "counted %" PRIu64 ".%09" PRIu64 "\n", SEC(s->counted_ns));
	put(&o, "clean %d\n", s->clean ? 1 : 0);
	for (size_t i = 0; i < s->npins; i++) {
		const struct state_pin *p = &s->pins[i];
		put(&o, "pin %s total=%" PRIu64 " rising=%" PRIu64 " falling=%" PRIu64
		    " lost=%" PRIu64 " debounced=%" PRIu64 "\n",
		    p->name, p->total, p->rising, p->falling, p->lost, p->debounced);
	}
	put(&o, "gaps %" PRIu64 " %" PRIu64 ".%09" PRIu64 "\n", s->ngaps, SEC(s->gap_ns));
	for (size_t i = 0; i < s->nkept; i++) {
		const struct state_gap *g = &s->kept[i];
		put(&o, "gap %" PRIu64 ".%09" PRIu64 " %" PRIu64 ".%09" PRIu64 " %s\n",
		    SEC(g->start_ns), SEC(g->end_ns), g->after_crash ? "crash" : "stopped");
	}
	if (o.overflow)
		return -ENOSPC;
	put(&o, "end crc32=%08" PRIx32 "\n", crc32(buf, o.used));
	return o.overflow ? -ENOSPC : (int)o.used;
}

/* ------------------------------------------------------------- parse */

/* Strict numbers: digits only, no sign, no blanks, no overflow. */
static const char *parse_u64(const char *p, uint64_t *out)
{
	uint64_t v = 0;

	if (*p < '0' || *p > '9')
		return NULL;
	while (*p >= '0' && *p <= '9') {
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(*p - '0'), &v))
			return NULL;
		p++;
	}
	*out = v;
	return p;
}

/* "SECONDS.NNNNNNNNN" (exactly nine digits) -> ns. */
static const char *parse_time(const char *p, uint64_t *ns)
{
	uint64_t sec, frac;
	const char *q;

	if (!(p = parse_u64(p, &sec)) || *p++ != '.')
		return NULL;
	q = parse_u64(p, &frac);
	if (!q || q - p != 9 || __builtin_mul_overflow(sec, 1000000000u, &sec) ||
	    __builtin_add_overflow(sec, frac, ns))
		return NULL;
	return q;
}

static const char *parse_field(const char *p, const char *key, uint64_t *out)
{
	size_t n = strlen(key);

	if (*p++ != ' ' || strncmp(p, key, n) || p[n] != '=')
		return NULL;
	return parse_u64(p + n + 1, out);
}

/* One line (without its '\n'); 0 or -1. */
static int parse_line(char *line, struct count_state *s, int *seen)
{
	const char *p;
	uint64_t v;

	if (!strncmp(line, "runs ", 5)) {
		p = parse_u64(line + 5, &s->runs);
		*seen |= 1;
	} else if (!strncmp(line, "since ", 6)) {
		p = parse_time(line + 6, &s->since_ns);
		*seen |= 32;
	} else if (!strncmp(line, "saved ", 6)) {
		p = parse_time(line + 6, &s->saved_ns);
		*seen |= 2;
	} else if (!strncmp(line, "counted ", 8)) {
		p = parse_time(line + 8, &s->counted_ns);
		*seen |= 4;
	} else if (!strncmp(line, "clean ", 6)) {
		p = parse_u64(line + 6, &v);
		if (!p || v > 1)
			return -1;
		s->clean = (int)v;
		*seen |= 8;
	} else if (!strncmp(line, "pin ", 4)) {
		char *name = line + 4, *sp = strchr(name, ' ');
		struct state_pin *pin;
		if (!sp || sp == name || (size_t)(sp - name) >= STATE_NAME_MAX)
			return -1;
		*sp = '\0';
		for (size_t i = 0; i < s->npins; i++)
			if (!strcmp(s->pins[i].name, name))
				return -1;  /* twice */
		if (!(pin = state_pin(s, name)))
			return -1;
		*sp = ' ';
		p = sp;
		if (!(p = parse_field(p, "total", &pin->total)) ||
		    !(p = parse_field(p, "rising", &pin->rising)) ||
		    !(p = parse_field(p, "falling", &pin->falling)) ||
		    !(p = parse_field(p, "lost", &pin->lost)) ||
		    !(p = parse_field(p, "debounced", &pin->debounced)))
			return -1;
	} else if (!strncmp(line, "gaps ", 5)) {
		if (!(p = parse_u64(line + 5, &s->ngaps)) || *p++ != ' ')
			return -1;
		p = parse_time(p, &s->gap_ns);
		*seen |= 16;
	} else if (!strncmp(line, "gap ", 4)) {
		struct state_gap g;
		if (s->nkept >= STATE_MAX_GAPS || !(p = parse_time(line + 4, &g.start_ns)) ||
		    *p++ != ' ' || !(p = parse_time(p, &g.end_ns)) || *p++ != ' ')
			return -1;
		if (!strcmp(p, "crash"))
			g.after_crash = 1;
		else if (!strcmp(p, "stopped"))
			g.after_crash = 0;
		else
			return -1;
		p += strlen(p);
		s->kept[s->nkept++] = g;
	} else {
		return -1;
	}
	return p && !*p ? 0 : -1;
}

int state_parse(const char *text, size_t len, struct count_state *s,
		char *err, size_t errlen)
{
	static const char end_key[] = "end crc32=";
	char head[64], want[16], *copy, *line, *next;
	const char *end;
	size_t body;
	int seen = 0, ret = 0;

	memset(s, 0, sizeof(*s));
	if (memchr(text, '\0', len)) {
		set_err(err, errlen, "a NUL byte: not a state file");
		return -EBADMSG;
	}
	/* The checksum line first: a partial or damaged file is refused
	 * before any of it is believed. */
	if (len < 2 || text[len - 1] != '\n') {
		set_err(err, errlen, "truncated: no final checksum line");
		return -EBADMSG;
	}
	end = text + len - 1;
	while (end > text && end[-1] != '\n')
		end--;
	body = (size_t)(end - text);
	if (strncmp(end, end_key, sizeof(end_key) - 1) ||
	    text + len - 1 - (end + sizeof(end_key) - 1) != 8) {
		set_err(err, errlen, "truncated: no final checksum line");
		return -EBADMSG;
	}
	/* compared as text: exactly the eight lower-case digits we write */
	snprintf(want, sizeof(want), "%08" PRIx32, crc32(text, body));
	if (memcmp(want, end + sizeof(end_key) - 1, 8)) {
		set_err(err, errlen, "checksum mismatch (crc32 %s, file says %.8s)",
			want, end + sizeof(end_key) - 1);
		return -EBADMSG;
	}
	snprintf(head, sizeof(head), "%s %d\n", STATE_MAGIC, STATE_VERSION);
	if (body < strlen(head) || strncmp(text, head, strlen(head))) {
		set_err(err, errlen, "not a version %d state (first line)", STATE_VERSION);
		return -EBADMSG;
	}
	copy = malloc(body + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, text, body);
	copy[body] = '\0';
	int lineno = 2;
	for (line = copy + strlen(head); *line; line = next, lineno++) {
		next = strchr(line, '\n');
		*next++ = '\0';
		if (parse_line(line, s, &seen) < 0) {
			set_err(err, errlen, "line %d: bad record", lineno);
			ret = -EBADMSG;
			break;
		}
	}
	free(copy);
	if (!ret && seen != 63) {
		set_err(err, errlen, "a record is missing");
		ret = -EBADMSG;
	}
	if (!ret && s->nkept > s->ngaps) {
		set_err(err, errlen, "more gaps kept than counted");
		ret = -EBADMSG;
	}
	return ret;
}

int state_load(const char *path, struct count_state *s, char *err, size_t errlen)
{
	char *buf;
	size_t used = 0;
	ssize_t n;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		set_err(err, errlen, "open %s: %s", path, strerror(errno));
		return ret;
	}
	buf = malloc(STATE_FILE_MAX + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while ((n = read(fd, buf + used, STATE_FILE_MAX + 1 - used)) > 0)
		used += (size_t)n;
	ret = n < 0 ? -errno : 0;
	close(fd);
	if (ret) {
		set_err(err, errlen, "read %s: %s", path, strerror(-ret));
	} else if (used > STATE_FILE_MAX) {
		set_err(err, errlen, "%s: larger than any state", path);
		ret = -EBADMSG;
	} else {
		char why[160];
		ret = state_parse(buf, used, s, why, sizeof(why));
		if (ret)
			set_err(err, errlen, "%s: corrupt state: %s", path, why);
	}
	free(buf);
	return ret;
}

/* -------------------------------------------------------------- save */

static int write_all(const struct state_sys *sys, int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = sys->write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (w == 0)
			return -EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int fail(char *err, size_t errlen, int e, const char *step, const char *path)
{
	set_err(err, errlen, "%s %s: %s", step, path, strerror(e));
	return -e;
}

/* The directory PATH is in: "." for a bare name. */
static void dir_of(const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(dir, len, ".");
	else if (slash == path)
		snprintf(dir, len, "/");
	else
		snprintf(dir, len, "%.*s", (int)(slash - path), path);
}

int state_save(const char *path, const struct count_state *s,
	       const struct state_sys *sys, char *err, size_t errlen)
{
	static const struct state_sys real = { write, fsync, rename };
	char tmp[4096], dir[4096];
	char *buf;
	int fd = -1, dfd = -1, ret, n;

	if (!sys)
		sys = &real;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return fail(err, errlen, ENAMETOOLONG, "save", path);
	dir_of(path, dir, sizeof(dir));
	buf = malloc(STATE_FILE_MAX);
	if (!buf)
		return fail(err, errlen, ENOMEM, "save", path);
	n = state_format(s, buf, STATE_FILE_MAX);
	if (n < 0) {
		ret = fail(err, errlen, -n, "format", path);
		goto out;
	}
	/* O_TRUNC: a temporary file a crash left behind is simply replaced. */
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		ret = fail(err, errlen, errno, "create", tmp);
		goto out;
	}
	if ((ret = write_all(sys, fd, buf, (size_t)n)) < 0) {
		ret = fail(err, errlen, -ret, "write", tmp);
		goto out;
	}
	/* The data is on the medium before the name points at it: without
	 * this, a power cut after the rename can leave FILE empty (ext4's
	 * delayed allocation, the classic zero-length-file bug). */
	if (sys->fsync(fd) < 0) {
		ret = fail(err, errlen, errno, "fsync", tmp);
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		ret = fail(err, errlen, errno, "close", tmp);
		goto out;
	}
	fd = -1;
	if (sys->rename(tmp, path) < 0) {
		ret = fail(err, errlen, errno, "rename to", path);
		goto out;
	}
	/* The rename itself is durable only when the directory is. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		ret = fail(err, errlen, errno, "open directory", dir);
		goto out;
	}
	if (sys->fsync(dfd) < 0) {
		ret = fail(err, errlen, errno, "fsync directory", dir);
		goto out;
	}
	ret = 0;
out:
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
	if (dfd >= 0)
		close(dfd);
	free(buf);
	return ret;
}

/* ------------------------------------------------------------- edits */

void state_add_gap(struct count_state *s, uint64_t start_ns, uint64_t end_ns,
		   int after_crash)
{
	struct state_gap g = { start_ns, end_ns, after_crash };

	if (s->nkept == STATE_MAX_GAPS) {
		memmove(s->kept, s->kept + 1, sizeof(s->kept[0]) * (STATE_MAX_GAPS - 1));
		s->nkept--;
	}
	s->kept[s->nkept++] = g;
	s->ngaps++;
	/* a wall clock set backwards (a board without a battery-backed RTC,
	 * before NTP) makes the gap's length unknown, not negative */
	if (end_ns > start_ns)
		s->gap_ns += end_ns - start_ns;
}

struct state_pin *state_pin(struct count_state *s, const char *name)
{
	struct state_pin *p;

	for (size_t i = 0; i < s->npins; i++)
		if (!strcmp(s->pins[i].name, name))
			return &s->pins[i];
	if (s->npins == STATE_MAX_PINS || strlen(name) >= STATE_NAME_MAX ||
	    !*name || strpbrk(name, " \n"))
		return NULL;
	p = &s->pins[s->npins++];
	memset(p, 0, sizeof(*p));
	strcpy(p->name, name);
	return p;
}

int state_lock(const char *path)
{
	char lock[4096];
	int fd;

	if ((size_t)snprintf(lock, sizeof(lock), "%s.lock", path) >= sizeof(lock))
		return -ENAMETOOLONG;
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

uint64_t state_realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void state_format_time(char *buf, size_t len, uint64_t ns)
{
	time_t sec = (time_t)(ns / 1000000000u);
	struct tm tm;
	char date[32];

	if (!gmtime_r(&sec, &tm) || !strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm))
		snprintf(date, sizeof(date), "%lld", (long long)sec);
	snprintf(buf, len, "%s.%09uZ", date, (unsigned)(ns % 1000000000u));
}
