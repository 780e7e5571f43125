/* SPDX-License-Identifier: MIT */
/*
 * The state file of count --state (tools/state.c) under every failure a
 * checkpoint can meet: write, fsync and rename failing at each step, the
 * temporary file cut at every byte offset (a power cut), a file truncated
 * or damaged after it was written (every prefix, every byte flipped), short
 * and interrupted writes.  After each, the file at the path is the old
 * state or the new one, complete, and never anything half-read.
 * Ends with "N passed, N failed".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state.h"

static int pass, fail;

#define CHECK(cond, ...)                                                     \
	do {                                                                 \
		if (cond) {                                                  \
			pass++;                                              \
		} else {                                                     \
			fail++;                                              \
			printf("not ok - %s:%d: %s: ", __FILE__, __LINE__, #cond); \
			printf(__VA_ARGS__);                                 \
			putchar('\n');                                       \
		}                                                            \
	} while (0)

static char dir[256], path[300], tmp_path[310];

/* ------------------------------------------------------------- hooks */

static long write_budget = -1;  /* bytes a write may still put; -1: all */
static int write_errno;          /* the errno once the budget is spent */
static int one_byte_writes, eintr_every;
static int fsync_fail_at = -1;   /* which fsync call fails (0: the file's) */
static int fsync_calls;
static int rename_fails;
static int writes;

static ssize_t hook_write(int fd, const void *buf, size_t len)
{
	writes++;
	if (eintr_every && writes % eintr_every == 0) {
		errno = EINTR;
		return -1;
	}
	if (one_byte_writes && len > 1)
		len = 1;
	if (write_budget >= 0) {
		if (write_budget == 0) {
			errno = write_errno;
			return -1;
		}
		if ((long)len > write_budget)
			len = (size_t)write_budget;
		write_budget -= (long)len;
	}
	return write(fd, buf, len);
}

static int hook_fsync(int fd)
{
	if (fsync_calls++ == fsync_fail_at) {
		errno = EIO;
		return -1;
	}
	return fsync(fd);
}

static int hook_rename(const char *from, const char *to)
{
	if (rename_fails) {
		errno = EXDEV;
		return -1;
	}
	return rename(from, to);
}

static const struct state_sys hooks = { hook_write, hook_fsync, hook_rename };

static void reset_hooks(void)
{
	write_budget = -1;
	write_errno = ENOSPC;
	one_byte_writes = eintr_every = 0;
	fsync_fail_at = -1;
	fsync_calls = 0;
	rename_fails = 0;
	writes = 0;
}

/* ----------------------------------------------------------- helpers */

static void make_state(struct count_state *s, uint64_t total)
{
	memset(s, 0, sizeof(*s));
	s->runs = 3;
	s->since_ns = 1764600000000000000ull;
	s->saved_ns = 1764620000123456789ull + total;
	s->counted_ns = 120000000000ull + total;
	s->clean = (int)(total & 1);
	struct state_pin *p = state_pin(s, "N3");
	p->total = total;
	p->rising = total;
	p->falling = total - 1;
	p->lost = 2;
	p->debounced = 5;
	p = state_pin(s, "pioC:2");
	p->total = 2 * total;
	state_add_gap(s, 1764610000000000000ull, 1764610003500000000ull, 1);
	state_add_gap(s, 1764615000000000000ull, 1764615000250000000ull, 0);
}

static int same(const struct count_state *a, const struct count_state *b)
{
	if (a->runs != b->runs || a->since_ns != b->since_ns || a->saved_ns != b->saved_ns || a->counted_ns != b->counted_ns ||
	    a->clean != b->clean || a->npins != b->npins || a->ngaps != b->ngaps ||
	    a->gap_ns != b->gap_ns || a->nkept != b->nkept)
		return 0;
	for (size_t i = 0; i < a->npins; i++)
		if (strcmp(a->pins[i].name, b->pins[i].name) || a->pins[i].total != b->pins[i].total ||
		    a->pins[i].rising != b->pins[i].rising || a->pins[i].falling != b->pins[i].falling ||
		    a->pins[i].lost != b->pins[i].lost || a->pins[i].debounced != b->pins[i].debounced)
			return 0;
	for (size_t i = 0; i < a->nkept; i++)
		if (a->kept[i].start_ns != b->kept[i].start_ns || a->kept[i].end_ns != b->kept[i].end_ns ||
		    a->kept[i].after_crash != b->kept[i].after_crash)
			return 0;
	return 1;
}

/* PATH holds exactly WANT. */
static int holds(const struct count_state *want)
{
	struct count_state got;
	char err[256];

	return state_load(path, &got, err, sizeof(err)) == 0 && same(&got, want);
}

static void write_file(const char *p, const char *data, size_t len)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len) {
		perror(p);
		exit(99);
	}
	close(fd);
}

/* ------------------------------------------------------------- tests */

static void test_round_trip(void)
{
	struct count_state s, t;
	char buf[8192], err[256];
	int n;

	make_state(&s, 1000);
	n = state_format(&s, buf, sizeof(buf));
	CHECK(n > 0, "format: %d", n);
	CHECK(state_parse(buf, (size_t)n, &t, err, sizeof(err)) == 0, "parse: %s", err);
	CHECK(same(&s, &t), "round trip");
	CHECK(!strncmp(buf, "pinwatch-count-state 1\n", 23), "version line first");
	CHECK(strstr(buf, "\nend crc32=") != NULL, "checksum line last");
	CHECK(state_format(&s, buf, 40) == -ENOSPC, "too small a buffer: -ENOSPC");
}

/* A file that lost its tail (every prefix) or has one byte damaged
 * (every byte, every bit pattern tried once) is refused, whole. */
static void test_parse_refuses_damage(void)
{
	struct count_state s, t;
	char buf[8192], bad[8192], err[256];
	int n, refused = 0, flips = 0;

	make_state(&s, 77);
	n = state_format(&s, buf, sizeof(buf));
	for (int len = 0; len < n; len++)
		refused += state_parse(buf, (size_t)len, &t, err, sizeof(err)) == -EBADMSG;
	CHECK(refused == n, "every one of %d prefixes refused (%d were)", n, refused);
	refused = 0;
	for (int i = 0; i < n; i++) {
		memcpy(bad, buf, (size_t)n);
		bad[i] ^= (char)(1 << (i % 8));
		flips++;
		refused += state_parse(bad, (size_t)n, &t, err, sizeof(err)) == -EBADMSG;
	}
	CHECK(refused == flips, "every one of %d flipped bytes refused (%d were)", flips, refused);
	/* appended garbage after the checksum line */
	memcpy(bad, buf, (size_t)n);
	memcpy(bad + n, "pin X total=1\n", 14);
	CHECK(state_parse(bad, (size_t)n + 14, &t, err, sizeof(err)) == -EBADMSG, "trailing garbage refused");
	CHECK(state_parse("", 0, &t, err, sizeof(err)) == -EBADMSG, "an empty file refused");
}

/* CRC-32 as the file uses it, to forge well-checksummed bad content. */
static unsigned crc32_of(const char *p, size_t n)
{
	unsigned c = 0xffffffffu;

	while (n--) {
		c ^= (unsigned char)*p++;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
	}
	return ~c;
}

/* Well-checksummed but wrong content is refused too (a hand-edited file
 * given a new checksum, another version). */
static void refuse_body(const char *body, const char *why)
{
	struct count_state t;
	char text[4096], err[256];
	int n = snprintf(text, sizeof(text), "%s", body);

	n += snprintf(text + n, sizeof(text) - (size_t)n, "end crc32=%08x\n",
		      crc32_of(text, (size_t)n));
	CHECK(state_parse(text, (size_t)n, &t, err, sizeof(err)) == -EBADMSG, "%s", why);
}

static void test_parse_refuses_content(void)
{
	const char *ok =
		"pinwatch-count-state 1\nruns 1\nsince 1.000000000\nsaved 1.000000000\ncounted 0.000000000\n"
		"clean 0\npin N3 total=1 rising=1 falling=1 lost=0 debounced=0\n"
		"gaps 0 0.000000000\n";
	struct count_state t;
	char text[4096], err[256];
	int n = snprintf(text, sizeof(text), "%s", ok);

	n += snprintf(text + n, sizeof(text) - (size_t)n, "end crc32=%08x\n",
		      crc32_of(text, (size_t)n));
	CHECK(state_parse(text, (size_t)n, &t, err, sizeof(err)) == 0,
	      "a hand-made valid file parses: %s", err);
	CHECK(t.npins == 1 && t.pins[0].total == 1, "its pin");

	refuse_body("pinwatch-count-state 2\nruns 1\nsince 1.000000000\nsaved 1.000000000\ncounted 0.000000000\n"
		    "clean 0\ngaps 0 0.000000000\n", "another version refused");
	refuse_body("pinwatch-count-state 1\nruns 1\nsince 1.000000000\nsaved 1.000000000\ncounted 0.000000000\n"
		    "clean 0\n", "a missing record refused");
	refuse_body("pinwatch-count-state 1\nruns 1\nsince 1.000000000\nsaved 1.000000000\ncounted 0.000000000\n"
		    "clean 0\npin N3 total=1 rising=1 falling=1 lost=0 debounced=0\n"
		    "pin N3 total=1 rising=1 falling=1 lost=0 debounced=0\ngaps 0 0.000000000\n",
		    "a pin twice refused");
	refuse_body("pinwatch-count-state 1\nruns 1\nsince 1.000000000\nsaved 1.5\ncounted 0.000000000\n"
		    "clean 0\ngaps 0 0.000000000\n", "a time without nine digits refused");
	refuse_body("pinwatch-count-state 1\nruns -1\nsince 1.000000000\nsaved 1.000000000\ncounted 0.000000000\n"
		    "clean 0\ngaps 0 0.000000000\n", "a negative number refused");
	refuse_body("pinwatch-count-state 1\nruns 99999999999999999999\nsince 1.000000000\nsaved 1.000000000\n"
		    "counted 0.000000000\nclean 0\ngaps 0 0.000000000\n", "an overflow refused");
	refuse_body("pinwatch-count-state 1\nruns 1\nsince 1.000000000\nsaved 1.000000000\ncounted 0.000000000\n"
		    "clean 0\ngaps 0 0.000000000\ngap 1.000000000 2.000000000 crash\n",
		    "more gaps kept than counted refused");
	refuse_body("pinwatch-count-state 1\nruns 1\nsince 1.000000000\nsaved 1.000000000\ncounted 0.000000000\n"
		    "clean 0\ngaps 0 0.000000000\nfrobs 1\n", "an unknown record refused");
}

static void test_save_and_load(void)
{
	struct count_state s, t;
	char err[256];

	reset_hooks();
	make_state(&s, 10);
	CHECK(state_save(path, &s, &hooks, err, sizeof(err)) == 0, "save: %s", err);
	CHECK(fsync_calls == 2, "two fsyncs per checkpoint (file, directory): %d", fsync_calls);
	CHECK(holds(&s), "load gives what was saved");
	CHECK(access(tmp_path, F_OK) < 0, "no temporary file left");
	CHECK(state_load("/nonexistent/x.state", &t, err, sizeof(err)) == -ENOENT, "no file: -ENOENT");

	reset_hooks();
	one_byte_writes = 1;
	eintr_every = 3;
	make_state(&s, 11);
	CHECK(state_save(path, &s, &hooks, err, sizeof(err)) == 0,
	      "one-byte and interrupted writes: %s", err);
	CHECK(holds(&s), "... still write the whole state");
}

/* Each step failing leaves the old state, or (the directory's fsync, after
 * the rename) the new one: never neither. */
static void test_failing_steps(void)
{
	struct count_state old, new;
	char err[256];
	int n;

	make_state(&old, 100);
	make_state(&new, 200);
	reset_hooks();
	state_save(path, &old, NULL, err, sizeof(err));

	char buf[8192];
	n = state_format(&new, buf, sizeof(buf));
	int old_kept = 0;
	for (long cut = 0; cut < n; cut++) {
		reset_hooks();
		write_budget = cut;
		write_errno = (cut & 1) ? ENOSPC : EIO;
		int ret = state_save(path, &new, &hooks, err, sizeof(err));
		old_kept += ret == -write_errno && holds(&old) && access(tmp_path, F_OK) < 0;
	}
	CHECK(old_kept == n, "write failing after each of %d bytes: old state kept, temp removed (%d)",
	      n, old_kept);
	CHECK(strstr(err, "write ") && strstr(err, ".tmp"), "the message names the step and file: %s", err);

	reset_hooks();
	fsync_fail_at = 0;
	CHECK(state_save(path, &new, &hooks, err, sizeof(err)) == -EIO && holds(&old),
	      "file fsync fails: old state kept");
	CHECK(strstr(err, "fsync") != NULL, "message: %s", err);
	reset_hooks();
	rename_fails = 1;
	CHECK(state_save(path, &new, &hooks, err, sizeof(err)) == -EXDEV && holds(&old),
	      "rename fails: old state kept");
	reset_hooks();
	fsync_fail_at = 1;
	CHECK(state_save(path, &new, &hooks, err, sizeof(err)) == -EIO && holds(&new),
	      "directory fsync fails: the new state is in place, complete; error reported");
	CHECK(strstr(err, "fsync directory") != NULL, "message: %s", err);
}

/* A power cut while the temporary file is written: FILE.tmp is left with
 * any number of bytes.  FILE is still the old state, and the next save
 * replaces the stale temporary file. */
static void test_power_cut_every_byte(void)
{
	struct count_state old, new, next;
	char buf[8192], err[256];
	int n, ok_old = 0, ok_next = 0;

	make_state(&old, 300);
	make_state(&new, 400);
	make_state(&next, 500);
	n = state_format(&new, buf, sizeof(buf));
	for (int cut = 0; cut <= n; cut++) {
		state_save(path, &old, NULL, err, sizeof(err));
		write_file(tmp_path, buf, (size_t)cut);
		ok_old += holds(&old);
		ok_next += state_save(path, &next, NULL, err, sizeof(err)) == 0 && holds(&next) &&
			   access(tmp_path, F_OK) < 0;
	}
	CHECK(ok_old == n + 1, "temp cut at each of %d offsets: old state read (%d)", n + 1, ok_old);
	CHECK(ok_next == n + 1, "... and the next checkpoint works (%d)", ok_next);

	/* A filesystem that renamed but lost the data (no fsync honoured):
	 * FILE itself is any prefix of the new state.  It is refused, never
	 * half-read: count then stops with a message instead of counting
	 * from a wrong total. */
	int refused = 0;
	for (int cut = 0; cut < n; cut++) {
		struct count_state t;
		write_file(path, buf, (size_t)cut);
		refused += state_load(path, &t, err, sizeof(err)) == -EBADMSG;
	}
	CHECK(refused == n, "FILE cut at each of %d offsets: refused as corrupt (%d)", n, refused);
	CHECK(strstr(err, "corrupt state") != NULL, "message: %s", err);
}

static void test_gaps_and_pins(void)
{
	struct count_state s;

	memset(&s, 0, sizeof(s));
	for (unsigned i = 0; i < STATE_MAX_GAPS + 8; i++)
		state_add_gap(&s, 1000u * i, 1000u * i + 10, (int)(i & 1));
	CHECK(s.ngaps == STATE_MAX_GAPS + 8, "every gap counted: %llu", (unsigned long long)s.ngaps);
	CHECK(s.nkept == STATE_MAX_GAPS, "the last %d kept: %zu", STATE_MAX_GAPS, s.nkept);
	CHECK(s.kept[0].start_ns == 8000 && s.kept[STATE_MAX_GAPS - 1].start_ns == 1000u * (STATE_MAX_GAPS + 7),
	      "oldest dropped first");
	CHECK(s.gap_ns == 10u * (STATE_MAX_GAPS + 8), "their length summed: %llu", (unsigned long long)s.gap_ns);
	state_add_gap(&s, 5000, 4000, 1);
	CHECK(s.gap_ns == 10u * (STATE_MAX_GAPS + 8), "a gap with the clock set back adds no length");
	CHECK(state_pin(&s, "has space") == NULL, "a pin name with a blank is refused");
	CHECK(state_pin(&s, "") == NULL, "an empty pin name is refused");
	CHECK(state_pin(&s, "N3") == state_pin(&s, "N3"), "a pin is found again");
}

static void test_lock(void)
{
	int a = state_lock(path), b = state_lock(path);

	CHECK(a >= 0, "lock: %d", a);
	CHECK(b == -EWOULDBLOCK, "a second lock is refused: %d", b);
	CHECK((fcntl(a, F_GETFD) & FD_CLOEXEC) != 0, "the lock descriptor is O_CLOEXEC");
	close(a);
	b = state_lock(path);
	CHECK(b >= 0, "free again once closed: %d", b);
	close(b);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "%s/test-state.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 99;
	}
	snprintf(path, sizeof(path), "%s/meter.state", dir);
	snprintf(tmp_path, sizeof(tmp_path), "%s.tmp", path);

	test_round_trip();
	test_parse_refuses_damage();
	test_parse_refuses_content();
	test_save_and_load();
	test_failing_steps();
	test_power_cut_every_byte();
	test_gaps_and_pins();
	test_lock();

	unlink(tmp_path);
	unlink(path);
	char lock[320];
	snprintf(lock, sizeof(lock), "%s.lock", path);
	unlink(lock);
	rmdir(dir);
	printf("%d passed, %d failed\n", pass, fail);
	return fail ? 1 : 0;
}
