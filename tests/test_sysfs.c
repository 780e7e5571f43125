/* SPDX-License-Identifier: MIT */
/*
 * The sysfs backend against fake /sys/class/gpio trees in temporary
 * directories (the configurable root: "sysfs:/tmp/..."), no kernel GPIO
 * needed.  A "fake kernel" thread plays the kernel's part: it sees writes to
 * export/unexport (inotify) and creates or removes the line's directory, the
 * way the kernel (and udev) would — asynchronously, so the backend's
 * appearance retry is what finds it.
 *
 * What a fake tree cannot show, and where it is shown instead (tests/vm:
 * the conformance suite and guest.d/30-sysfs-*): the kernel's EBUSY answer
 * to export (here: a line exported beforehand), POLLPRI readiness (regular
 * files cannot be polled; the edge parts are called one by one here), and
 * the removal of a watched line (uevents).
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include "backend.h"
#include "pinwatch.h"
#include "sysfs.h"
#include "fake_tree.h"
#include "testutil.h"

/* ------------------------------------------------------------ fake trees */

/* A fresh root with export and unexport, writable by anyone (the
 * permission test runs its board as nobody). */
static void fake_root(void)
{
	new_root();
	chmod(root, 0755);
	put("export", "", 0666);
	put("unexport", "", 0666);
	mkdir_p("devices");
}

/* gpiochipBASE with its attributes; dev: a devices/ entry for its link. */
static void fake_chip(int base, const char *label, unsigned ngpio, const char *dev)
{
	char rel[64], text[32];
	snprintf(rel, sizeof(rel), "gpiochip%d", base);
	mkdir_p(rel);
	snprintf(rel, sizeof(rel), "gpiochip%d/base", base);
	snprintf(text, sizeof(text), "%d\n", base);
	put(rel, text, 0444);
	snprintf(rel, sizeof(rel), "gpiochip%d/label", base);
	snprintf(text, sizeof(text), "%s\n", label);
	put(rel, text, 0444);
	snprintf(rel, sizeof(rel), "gpiochip%d/ngpio", base);
	snprintf(text, sizeof(text), "%u\n", ngpio);
	put(rel, text, 0444);
	if (dev) {
		char target[96];
		snprintf(rel, sizeof(rel), "devices/%s", dev);
		mkdir_p(rel);
		snprintf(rel, sizeof(rel), "gpiochip%d/device", base);
		snprintf(target, sizeof(target), "../devices/%s", dev);
		link_to(rel, target);
	}
}

/* The Aria G25's four PIO banks, numbered the way gpio-sim on 6.1 does it
 * (downward from 1023: not the legacy bank*32 numbers). */
#define PIOC_BASE 928
static void fake_aria(void)
{
	fake_chip(992, "pioA", 32, "pioA");
	fake_chip(960, "pioB", 19, "pioB");
	fake_chip(PIOC_BASE, "pioC", 32, "pioC");
	fake_chip(896, "pioD", 22, "pioD");
}

/* Write a file with plain syscalls (no Check asserts: fake-kernel thread). */
static int put_raw(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	ssize_t w = write(fd, text, strlen(text));
	fchmod(fd, mode);
	close(fd);
	return w == (ssize_t)strlen(text) ? 0 : -1;
}

/* A line directory as the kernel makes it, appearing at once (built under a
 * hidden name, then renamed).  devlink: target of its device link, or NULL. */
static int line_dir(const char *name, const char *devlink, mode_t mode)
{
	static const char *const files[][2] = {
		{ "direction", "in\n" }, { "value", "0\n" }, { "edge", "none\n" }, { "active_low", "0\n" },
	};
	char tmp[PATH_MAX], path[PATH_MAX + 64], fin[PATH_MAX];
	snprintf(tmp, sizeof(tmp), "%s/.new-%s", root, name);
	snprintf(fin, sizeof(fin), "%s/%s", root, name);
	if (mkdir(tmp, 0755) < 0)
		return -1;
	for (size_t i = 0; i < PW_ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", tmp, files[i][0]);
		if (put_raw(path, files[i][1], mode) < 0)
			return -1;
	}
	if (devlink) {
		snprintf(path, sizeof(path), "%s/device", tmp);
		if (symlink(devlink, path) < 0)
			return -1;
	}
	return rename(tmp, fin);
}

/* ----------------------------------------------------------- fake kernel */

struct fake_kernel {
	pthread_t thread;
	int ino, stop[2];
	pthread_mutex_t mu;
	int exported[256], nexported;
	int unexported[256], nunexported;
	/* how to name a number's directory (default gpioN), and its link */
	struct { int num; char name[32]; char dev[64]; } names[4];
	int nnames;
	int create;          /* 0: never make directories (a broken kernel) */
	int ready;           /* the thread is in its loop (started up) */
	mode_t mode;         /* of the files it makes */
	int udev_ms;         /* >= 0: chmod 0666 that long after creating */
	int errors;
};

static struct fake_kernel fk;

static const char *fk_name(int num, const char **dev)
{
	static char buf[32];
	for (int i = 0; i < fk.nnames; i++)
		if (fk.names[i].num == num) {
			*dev = fk.names[i].dev[0] ? fk.names[i].dev : NULL;
			return fk.names[i].name;
		}
	*dev = NULL;
	snprintf(buf, sizeof(buf), "gpio%d", num);
	return buf;
}

static void fk_handle(const char *file)
{
	char path[PATH_MAX], text[32] = "";
	snprintf(path, sizeof(path), "%s/%s", root, file);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, text, sizeof(text) - 1);
		text[n > 0 ? n : 0] = '\0';
		close(fd);
	}
	if (!text[0])
		return;
	int num = atoi(text);
	const char *dev;
	const char *name = fk_name(num, &dev);

	if (!strcmp(file, "export") && fk.create) {
		if (line_dir(name, dev, fk.mode) < 0)
			fk.errors++;
		if (fk.udev_ms >= 0) {
			static const char *const files[] = { "direction", "value", "edge", "active_low" };
			tu_sleep_ms(fk.udev_ms);
			for (size_t i = 0; i < PW_ARRAY_SIZE(files); i++) {
				snprintf(path, sizeof(path), "%s/%s/%s", root, name, files[i]);
				chmod(path, 0666);
			}
		}
	} else if (!strcmp(file, "unexport")) {
		snprintf(path, sizeof(path), "%s/%s", root, name);
		rm_tree(path);
	}
	/* Recorded once done, so a test that saw it sees the tree after it. */
	pthread_mutex_lock(&fk.mu);
	if (!strcmp(file, "export") && fk.nexported < 256)
		fk.exported[fk.nexported++] = num;
	if (!strcmp(file, "unexport") && fk.nunexported < 256)
		fk.unexported[fk.nunexported++] = num;
	pthread_mutex_unlock(&fk.mu);
}

static void *fk_main(void *arg)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	__atomic_store_n(&fk.ready, 1, __ATOMIC_SEQ_CST);
	for (;;) {
		struct pollfd p[2] = { { fk.ino, POLLIN, 0 }, { fk.stop[0], POLLIN, 0 } };
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			break;
		ssize_t n = read(fk.ino, buf, sizeof(buf));
		for (char *q = buf; n > 0 && q < buf + n;) {
			struct inotify_event *e = (struct inotify_event *)q;
			if (e->len && (!strcmp(e->name, "export") || !strcmp(e->name, "unexport")))
				fk_handle(e->name);
			q += sizeof(*e) + e->len;
		}
	}
	return NULL;
}

static void fk_start(void)
{
	fk.ino = inotify_init1(IN_CLOEXEC);
	ck_assert_int_ge(fk.ino, 0);
	ck_assert_int_ge(inotify_add_watch(fk.ino, root, IN_CLOSE_WRITE), 0);
	ck_assert_int_eq(pipe2(fk.stop, O_CLOEXEC), 0);
	pthread_mutex_init(&fk.mu, NULL);
	ck_assert_int_eq(pthread_create(&fk.thread, NULL, fk_main, NULL), 0);
	/* Tests fork (as_nobody): not while the new thread is still starting
	 * up, holding a lock of the allocator (ASan's), which the child would
	 * inherit locked and wait on forever. */
	ck_assert(tu_wait_flag(&fk.ready, 10000));
}

static void fk_stop(void)
{
	ck_assert_int_eq(write(fk.stop[1], "x", 1), 1);
	pthread_join(fk.thread, NULL);
	close(fk.ino);
	close(fk.stop[0]);
	close(fk.stop[1]);
}

static void fk_defaults(void)
{
	memset(&fk, 0, sizeof(fk));
	fk.create = 1;
	fk.mode = 0644;
	fk.udev_ms = -1;
}

/* n is read under the lock too: the fake kernel appends from its thread. */
static int fk_count(const int *list, const int *n, int num)
{
	int c = 0;
	pthread_mutex_lock(&fk.mu);
	for (int i = 0; i < *n; i++)
		c += list[i] == num;
	pthread_mutex_unlock(&fk.mu);
	return c;
}

#define EXPORTED(num) fk_count(fk.exported, &fk.nexported, (num))
#define UNEXPORTED(num) fk_count(fk.unexported, &fk.nunexported, (num))

/* Unexport is written at close; the fake kernel sees it a moment later.
 * Wait (boundedly) until NUM was unexported N times in all. */
static void wait_unexported(int num, int n)
{
	for (int i = 0; i < 2000 && UNEXPORTED(num) < n; i++)
		tu_sleep_ms(1);
}

/* -------------------------------------------------------------- helpers */

static pinwatch_board *open_board(const char *opts)
{
	char spec[PATH_MAX + 64];
	pinwatch_board *b = NULL;
	/* The fake kernel is a thread: under an emulator on a loaded machine
	 * it may take a while to make an exported line's directory.  A long
	 * bound costs nothing when it comes at once (tests of the bound
	 * itself give their own retry_ms). */
	const char *wait = opts && strstr(opts, "retry_ms=") ? "" : ",retry_ms=20000";
	snprintf(spec, sizeof(spec), "sysfs:%s%s%s", root, opts ? opts : "", wait);
	ck_assert_msg(pinwatch_board_open(spec, &b) == 0, "%s: %s", spec, pinwatch_last_error());
	return b;
}

static int open_board_err(const char *opts)
{
	char spec[PATH_MAX + 64];
	pinwatch_board *b = NULL;
	snprintf(spec, sizeof(spec), "sysfs:%s%s", root, opts ? opts : "");
	int ret = pinwatch_board_open(spec, &b);
	if (ret == 0)
		pinwatch_board_close(b);
	return ret;
}

#define assert_error_has(text) \
	ck_assert_msg(strstr(pinwatch_last_error(), (text)), "message '%s' lacks '%s'", \
		      pinwatch_last_error(), (text))

/* The backend's ops, called directly (what the public API cannot reach on
 * a fake tree, or to see the backend's own refusal before the core's). */
struct direct {
	struct pw_spec spec;
	void *state;
};

static void direct_open(struct direct *d)
{
	char text[PATH_MAX + 16];
	snprintf(text, sizeof(text), "sysfs:%s", root);
	ck_assert_int_eq(pw_spec_parse(text, &d->spec), 0);
	struct pw_open_args args = { .arg = d->spec.arg, .spec = &d->spec, .profile = NULL };
	ck_assert_msg(pw_backend_sysfs.open(&args, &d->state) == 0, "%s",
		      (pw_fail(-1, "open"), pinwatch_last_error()));
}

static void direct_close(struct direct *d)
{
	pw_backend_sysfs.close(d->state);
	pw_spec_free(&d->spec);
}

/* The backend's detail for a failure, framed by the core's pw_fail(). */
static const char *why(int err)
{
	pw_fail(err, "op");
	return pinwatch_last_error();
}

/* ------------------------------------------------------------ the tests */

START_TEST(t_chips_sorted_and_named)
{
	fake_root();
	fake_aria();
	pinwatch_board *b = open_board(",board=aria-g25");
	struct pinwatch_bank_info bi;

	ck_assert_int_eq(pinwatch_board_num_banks(b), 4);
	static const struct { int base; const char *label; unsigned n; } want[] = {
		{ 896, "pioD", 22 }, { PIOC_BASE, "pioC", 32 }, { 960, "pioB", 19 }, { 992, "pioA", 32 },
	};
	for (unsigned i = 0; i < 4; i++) {
		char name[32];
		ck_assert_int_eq(pinwatch_board_bank_info(b, i, &bi), 0);
		snprintf(name, sizeof(name), "gpiochip%d", want[i].base);
		ck_assert_str_eq(bi.name, name);
		ck_assert_str_eq(bi.label, want[i].label);
		ck_assert_uint_eq(bi.num_lines, want[i].n);
		ck_assert_int_eq(bi.base, want[i].base);
	}
	/* The profile resolves by label and offset, whatever the numbers. */
	struct pinwatch_line_info li;
	ck_assert_msg(pinwatch_board_line_info(b, "N3", &li) == 0, "%s", pinwatch_last_error());
	ck_assert_str_eq(li.bank_label, "pioC");
	ck_assert_uint_eq(li.offset, 1);
	ck_assert_int_eq(li.global, PIOC_BASE + 1);
	ck_assert_str_eq(li.name, "PC1");
	ck_assert_str_eq(li.header, "N3");
	ck_assert_int_eq(li.used, 0);
	ck_assert_int_eq(li.bias, PINWATCH_BIAS_UNKNOWN);
	ck_assert_int_eq(pinwatch_board_clock(b), PINWATCH_CLOCK_MONOTONIC);
	ck_assert_str_eq(pinwatch_board_backend(b), "sysfs");
	pinwatch_board_close(b);
}
END_TEST

/* Each case: the file to spoil, its contents, the error, the message part. */
static const struct {
	const char *file, *text;
	int err;
	const char *says;
} bad_cases[] = {
	{ "gpiochip32/base", "abc\n", -EINVAL, "gpiochip32/base: 'abc'" },
	{ "gpiochip32/base", "33\n", -EINVAL, "gpiochip32/base: '33'" },
	{ "gpiochip32/base", "-1\n", -EINVAL, "gpiochip32/base" },
	{ "gpiochip32/base", "", -EINVAL, "gpiochip32/base: ''" },
	{ "gpiochip32/ngpio", "0\n", -EINVAL, "gpiochip32/ngpio: '0'" },
	{ "gpiochip32/ngpio", "70000\n", -EINVAL, "gpiochip32/ngpio" },
	{ "gpiochip32/ngpio", "12x\n", -EINVAL, "gpiochip32/ngpio: '12x'" },
	{ "gpiochip32/ngpio", " 12\n", -EINVAL, "gpiochip32/ngpio" },
	{ "gpiochip32/ngpio", "0x10\n", -EINVAL, "gpiochip32/ngpio" },
	{ "gpiochip32/ngpio", "99999999999999999999\n", -EINVAL, "gpiochip32/ngpio" },
	{ "gpiochip32/label", "pio\tB\n", -EINVAL, "gpiochip32/label" },
	{ "gpiochip32/label", "a-label-far-too-long-for-a-bank-name\n", -EINVAL, "gpiochip32/label" },
	/* overlapping gpiochip0 (32 lines from 0) */
	{ "gpiochip0/ngpio", "33\n", -EINVAL, "overlaps" },
	{ "gpiochip32/ngpio", NULL, -ENOENT, "gpiochip32/ngpio" },  /* missing */
};

START_TEST(t_chips_bad_contents)
{
	fake_root();
	fake_chip(0, "pioA", 32, NULL);
	fake_chip(32, "pioB", 32, NULL);
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", root, bad_cases[_i].file);
	if (bad_cases[_i].text) {
		unlink(path);
		put(bad_cases[_i].file, bad_cases[_i].text, 0444);
	} else {
		ck_assert_int_eq(unlink(path), 0);
	}
	ck_assert_int_eq(open_board_err(NULL), bad_cases[_i].err);
	assert_error_has(bad_cases[_i].says);
	assert_error_has(root);   /* the message names the file, with its root */
}
END_TEST

START_TEST(t_chips_base_overflow)
{
	fake_root();
	fake_chip(2147483600, "big", 100, NULL);
	ck_assert_int_eq(open_board_err(NULL), -EINVAL);
	assert_error_has("gpiochip2147483600/ngpio");
}
END_TEST

START_TEST(t_root_checks)
{
	pinwatch_board *b;
	fake_root();
	fake_aria();
	/* not a sysfs GPIO directory */
	ck_assert_int_eq(pinwatch_board_open("sysfs:/proc", &b), -ENOENT);
	assert_error_has("no export file in /proc");
	/* the root "/" is not written "//" (issue 12, 3) */
	ck_assert_int_eq(pinwatch_board_open("sysfs:/", &b), -ENOENT);
	assert_error_has("no export file in /:");
	ck_assert_msg(!strstr(pinwatch_last_error(), "//"), "%s", pinwatch_last_error());
	ck_assert_int_eq(pinwatch_board_open("sysfs:/nonexistent-gpio-root", &b), -ENOENT);
	assert_error_has("CONFIG_GPIO_SYSFS");
	ck_assert_int_eq(pinwatch_board_open("sysfs:relative/root", &b), -EINVAL);
	assert_error_has("absolute");
	ck_assert_int_eq(open_board_err(",retry_ms=99999999"), -EINVAL);
	assert_error_has("retry_ms");
	ck_assert_int_eq(open_board_err(",retry_ms=-1"), -EINVAL);
	ck_assert_int_eq(open_board_err(",bogus=1"), -EINVAL);
	assert_error_has("retry_ms");   /* the list of what sysfs takes */
	/* a root with no chip at all is a board with no banks */
	fake_root();
	b = open_board(",retry_ms=0");
	ck_assert_int_eq(pinwatch_board_num_banks(b), 0);
	pinwatch_board_close(b);
	/* probe() looks at the real /sys/class/gpio only */
	ck_assert_int_eq(pw_backend_sysfs.probe(), access("/sys/class/gpio/export", F_OK) == 0);
}
END_TEST

START_TEST(t_export_unexport_bookkeeping)
{
	fake_root();
	fake_aria();
	fk_defaults();
	fk_start();
	pinwatch_board *b = open_board(",board=aria-g25");
	pinwatch_pin *p;
	const int num = PIOC_BASE + 1;
	char dir[32], rel[64];
	snprintf(dir, sizeof(dir), "gpio%d", num);

	ck_assert_msg(pinwatch_pin_open(b, "N3", NULL, &p) == 0, "%s", pinwatch_last_error());
	ck_assert_int_eq(EXPORTED(num), 1);
	ck_assert(exists(dir));
	snprintf(rel, sizeof(rel), "%s/direction", dir);
	ck_assert_str_eq(get(rel), "in");
	snprintf(rel, sizeof(rel), "%s/active_low", dir);
	ck_assert_str_eq(get(rel), "0");

	/* value is read through the descriptor kept open */
	snprintf(rel, sizeof(rel), "%s/value", dir);
	ck_assert_int_eq(pinwatch_pin_get(p), 0);
	put(rel, "1\n", 0644);
	ck_assert_int_eq(pinwatch_pin_get(p), 1);

	struct pinwatch_line_info li;
	ck_assert_int_eq(pinwatch_pin_info(p, &li), 0);
	ck_assert_int_eq(li.used, 1);
	ck_assert_str_eq(li.consumer, "sysfs");
	ck_assert_int_eq(li.direction, PINWATCH_DIR_INPUT);

	/* one line, one request per process: on this board, and on another
	 * board of the same root (which would otherwise share the export and
	 * have it unexported under it) */
	pinwatch_pin *again;
	ck_assert_int_eq(pinwatch_pin_open(b, "PC1", NULL, &again), -EBUSY);
	pinwatch_board *b2 = open_board(NULL);
	ck_assert_int_eq(pinwatch_pin_open(b2, "gpiochip928:1", NULL, &again), -EBUSY);
	assert_error_has("already requested in this process");
	pinwatch_board_close(b2);
	ck_assert_int_eq(EXPORTED(num), 1);

	pinwatch_pin_close(p);
	wait_unexported(num, 1);
	ck_assert_int_eq(UNEXPORTED(num), 1);
	ck_assert(!exists(dir));

	/* and again: nothing was left behind that would stop it */
	ck_assert_msg(pinwatch_pin_open(b, "N3", NULL, &p) == 0, "%s", pinwatch_last_error());
	ck_assert_int_eq(EXPORTED(num), 2);
	pinwatch_pin_close(p);
	wait_unexported(num, 2);
	ck_assert_int_eq(UNEXPORTED(num), 2);
	pinwatch_board_close(b);
	fk_stop();
	ck_assert_int_eq(fk.errors, 0);
}
END_TEST

START_TEST(t_output_glitch_free)
{
	fake_root();
	fake_aria();
	fk_defaults();
	fk_start();
	pinwatch_board *b = open_board(",board=aria-g25");
	const int num = PIOC_BASE + 3;   /* N5 */
	char dir_rel[64], al_rel[64], val_rel[64];
	snprintf(dir_rel, sizeof(dir_rel), "gpio%d/direction", num);
	snprintf(al_rel, sizeof(al_rel), "gpio%d/active_low", num);
	snprintf(val_rel, sizeof(val_rel), "gpio%d/value", num);

	/* direction takes raw levels: logical 1 on an active-low line is low */
	static const struct { int value, active_low; const char *dir; } cases[] = {
		{ 0, 0, "low" }, { 1, 0, "high" }, { 0, 1, "high" }, { 1, 1, "low" },
	};
	for (size_t i = 0; i < PW_ARRAY_SIZE(cases); i++) {
		struct pinwatch_pin_config cfg = {
			.direction = PINWATCH_DIR_OUTPUT, .value = cases[i].value,
			.active_low = cases[i].active_low,
		};
		pinwatch_pin *p;
		ck_assert_msg(pinwatch_pin_open(b, "N5", &cfg, &p) == 0, "%s", pinwatch_last_error());
		ck_assert_str_eq(get(dir_rel), cases[i].dir);
		ck_assert_str_eq(get(al_rel), cases[i].active_low ? "1" : "0");
		/* value is logical: the kernel applies active_low to it */
		ck_assert_int_eq(pinwatch_pin_set(p, 1), 0);
		ck_assert_str_eq(get(val_rel), "1");
		ck_assert_int_eq(pinwatch_pin_set(p, 0), 0);
		ck_assert_str_eq(get(val_rel), "0");

		/* reconfigure in place: to an input, and back to an output */
		struct pinwatch_pin_config in = { .direction = PINWATCH_DIR_INPUT };
		ck_assert_int_eq(pinwatch_pin_reconfigure(p, &in), 0);
		ck_assert_str_eq(get(dir_rel), "in");
		ck_assert_str_eq(get(al_rel), "0");
		ck_assert_int_eq(pinwatch_pin_set(p, 1), -EPERM);
		ck_assert_int_eq(pinwatch_pin_reconfigure(p, &cfg), 0);
		ck_assert_str_eq(get(dir_rel), cases[i].dir);
		pinwatch_pin_close(p);
		wait_unexported(num, (int)i + 1);
	}
	/* an input reconfigured as an output gets a writable value */
	pinwatch_pin *p;
	ck_assert_int_eq(pinwatch_pin_open(b, "N5", NULL, &p), 0);
	struct pinwatch_pin_config out = { .direction = PINWATCH_DIR_OUTPUT, .value = 1 };
	ck_assert_msg(pinwatch_pin_reconfigure(p, &out) == 0, "%s", pinwatch_last_error());
	ck_assert_str_eq(get(dir_rel), "high");
	ck_assert_int_eq(pinwatch_pin_set(p, 0), 0);
	ck_assert_str_eq(get(val_rel), "0");
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
	fk_stop();
}
END_TEST

START_TEST(t_exported_by_someone_else)
{
	fake_root();
	fake_aria();
	fk_defaults();
	fk_start();
	const int num = PIOC_BASE + 1;
	char dir[32], rel[64];
	snprintf(dir, sizeof(dir), "gpio%d", num);
	ck_assert_int_eq(line_dir(dir, NULL, 0644), 0);   /* "echo 929 > export" by hand */
	snprintf(rel, sizeof(rel), "%s/edge", dir);
	put(rel, "falling\n", 0644);

	pinwatch_board *b = open_board(",board=aria-g25");
	struct pinwatch_line_info li;
	ck_assert_int_eq(pinwatch_board_line_info(b, "N3", &li), 0);
	ck_assert_int_eq(li.used, 1);
	ck_assert_str_eq(li.consumer, "sysfs");

	pinwatch_pin *p;
	ck_assert_msg(pinwatch_pin_open(b, "N3", NULL, &p) == 0, "%s", pinwatch_last_error());
	ck_assert_int_eq(EXPORTED(num), 0);   /* not exported again */
	ck_assert_int_eq(pinwatch_pin_get(p), 0);

	pinwatch_pin_close(p);
	tu_sleep_ms(20);   /* an unexport would be seen by now; none must be */
	ck_assert_int_eq(UNEXPORTED(num), 0);
	ck_assert(exists(dir));
	ck_assert_str_eq(get(rel), "falling");
	pinwatch_board_close(b);
	fk_stop();
}
END_TEST

START_TEST(t_named_directory_discovery)
{
	pw_sysfs_force_walk = _i;   /* with openat2, and with the component walk (qemu-user has no openat2) */
	fake_root();
	fake_aria();
	fk_defaults();
	/* pinctrl-at91 names its lines: PC1 is exported as pioC1, parented to
	 * the chip's device (old kernels) ... */
	fk.names[0].num = PIOC_BASE + 1;
	snprintf(fk.names[0].name, sizeof(fk.names[0].name), "pioC1");
	snprintf(fk.names[0].dev, sizeof(fk.names[0].dev), "../devices/pioC");
	/* ... or to the gpio_device, a child of the chip's device (4.x on). */
	mkdir_p("devices/pioC/gpiochip2");
	fk.names[1].num = PIOC_BASE + 2;
	snprintf(fk.names[1].name, sizeof(fk.names[1].name), "pioC2");
	snprintf(fk.names[1].dev, sizeof(fk.names[1].dev), "../devices/pioC/gpiochip2");
	/* a named line of another chip, exported by hand, whose name would
	 * be a plausible guess for pioC:3: it must not be taken for it */
	ck_assert_int_eq(line_dir("pioC3", "../devices/pioA", 0644), 0);
	fk.nnames = 2;
	fk_start();
	pinwatch_board *b = open_board(",board=aria-g25");

	pinwatch_pin *p1, *p2;
	ck_assert_msg(pinwatch_pin_open(b, "N3", NULL, &p1) == 0, "%s", pinwatch_last_error());
	ck_assert_msg(pinwatch_pin_open(b, "N4", NULL, &p2) == 0, "%s", pinwatch_last_error());
	ck_assert(exists("pioC1") && exists("pioC2"));
	put("pioC1/value", "1\n", 0644);
	ck_assert_int_eq(pinwatch_pin_get(p1), 1);
	ck_assert_int_eq(pinwatch_pin_get(p2), 0);
	struct pinwatch_line_info li;
	ck_assert_int_eq(pinwatch_pin_info(p2, &li), 0);
	ck_assert_int_eq(li.used, 1);

	ck_assert_int_eq(pinwatch_board_line_info(b, "pioC:3", &li), 0);
	ck_assert_int_eq(li.used, 0);

	/* one at a time: the fake kernel reads the unexport file's last write */
	pinwatch_pin_close(p1);
	wait_unexported(PIOC_BASE + 1, 1);
	pinwatch_pin_close(p2);
	wait_unexported(PIOC_BASE + 2, 1);
	ck_assert_int_eq(UNEXPORTED(PIOC_BASE + 1), 1);
	ck_assert_int_eq(UNEXPORTED(PIOC_BASE + 2), 1);
	ck_assert(!exists("pioC1") && !exists("pioC2"));
	pinwatch_board_close(b);
	fk_stop();
	ck_assert_int_eq(fk.errors, 0);
}
END_TEST

START_TEST(t_named_exported_by_someone_else)
{
	fake_root();
	fake_aria();
	fk_defaults();
	fk_start();
	/* pioC1 exported by hand before we came: found by the chip's label
	 * and offset, checked against the chip's device, left exported */
	ck_assert_int_eq(line_dir("pioC1", "../devices/pioC", 0644), 0);
	put("pioC1/direction", "out\n", 0644);
	put("pioC1/active_low", "1\n", 0644);
	pinwatch_board *b = open_board(",board=aria-g25");
	struct pinwatch_line_info li;
	ck_assert_int_eq(pinwatch_board_line_info(b, "N3", &li), 0);
	ck_assert_int_eq(li.used, 1);
	ck_assert_int_eq(li.direction, PINWATCH_DIR_OUTPUT);
	ck_assert_int_eq(li.active_low, 1);

	pinwatch_pin *p;
	ck_assert_msg(pinwatch_pin_open(b, "N3", NULL, &p) == 0, "%s", pinwatch_last_error());
	ck_assert_int_eq(EXPORTED(PIOC_BASE + 1), 0);
	ck_assert_str_eq(get("pioC1/direction"), "in");
	pinwatch_pin_close(p);
	tu_sleep_ms(20);
	ck_assert_int_eq(UNEXPORTED(PIOC_BASE + 1), 0);
	ck_assert(exists("pioC1"));
	pinwatch_board_close(b);
	fk_stop();
}
END_TEST

START_TEST(t_directory_never_appears)
{
	fake_root();
	fake_aria();
	fk_defaults();
	fk.create = 0;   /* export "works" but no directory comes */
	fk_start();
	pinwatch_board *b = open_board(",board=aria-g25,retry_ms=50");
	pinwatch_pin *p;
	ck_assert_int_eq(pinwatch_pin_open(b, "N3", NULL, &p), -ENOENT);
	assert_error_has("did not appear");
	assert_error_has("50 ms");
	assert_error_has("(retry_ms=50)");   /* the value, not "retry_ms=" */
	/* we exported it, so we undo it */
	wait_unexported(PIOC_BASE + 1, 1);
	ck_assert_int_eq(UNEXPORTED(PIOC_BASE + 1), 1);
	pinwatch_board_close(b);
	fk_stop();
}
END_TEST

/*
 * Permission retry.  Root ignores file modes, so the board runs in a child
 * that drops to nobody (uid/gid 65534); this process stays root and plays
 * the kernel, which makes the line's files root-only, and udev, which makes
 * them writable a while later (or never).  As non-root the same works
 * without the child's setuid.
 */
static int as_nobody(const char *opts, char *msg, size_t len)
{
	int pfd[2];
	ck_assert_int_eq(pipe2(pfd, O_CLOEXEC), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char spec[PATH_MAX + 64];
		pinwatch_board *b;
		pinwatch_pin *p = NULL;
		int ret;
		if (geteuid() == 0 && (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0))
			_exit(100);
		snprintf(spec, sizeof(spec), "sysfs:%s,board=aria-g25%s", root, opts);
		ret = pinwatch_board_open(spec, &b);
		if (ret == 0) {
			ret = pinwatch_pin_open(b, "N3", NULL, &p);
			if (ret == 0 && pinwatch_pin_get(p) != 0)
				ret = -EIO;
		}
		ssize_t w = write(pfd[1], pinwatch_last_error(), strlen(pinwatch_last_error()) + 1);
		(void)w;
		pinwatch_pin_close(p);
		_exit(ret < 0 ? -ret : 0);
	}
	close(pfd[1]);
	ssize_t n = read(pfd[0], msg, len - 1);
	msg[n > 0 ? n : 0] = '\0';
	close(pfd[0]);
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_msg(WEXITSTATUS(status) != 100, "cannot become nobody");
	return WEXITSTATUS(status);
}

START_TEST(t_permission_retry_gives_up)
{
	char msg[512];
	fake_root();
	fake_aria();
	fk_defaults();
	fk.mode = 0600;   /* root's files, and no udev to fix them */
	fk_start();
	ck_assert_int_eq(as_nobody(",retry_ms=100", msg, sizeof(msg)), EACCES);
	ck_assert_msg(strstr(msg, "permission denied") && strstr(msg, "udev") &&
		      strstr(msg, "100 ms") && strstr(msg, "raise retry_ms=100)"), "message: %s", msg);
	/* the child exported the line; on failure it unexported it */
	wait_unexported(PIOC_BASE + 1, 1);
	ck_assert_int_eq(EXPORTED(PIOC_BASE + 1), 1);
	ck_assert_int_eq(UNEXPORTED(PIOC_BASE + 1), 1);
	fk_stop();
}
END_TEST

START_TEST(t_permission_retry_succeeds)
{
	char msg[512];
	fake_root();
	fake_aria();
	fk_defaults();
	fk.mode = 0600;
	fk.udev_ms = 100;   /* udev gets there after the first tries failed */
	fk_start();
	ck_assert_msg(as_nobody(",retry_ms=3000", msg, sizeof(msg)) == 0, "message: %s", msg);
	wait_unexported(PIOC_BASE + 1, 1);
	ck_assert_int_eq(UNEXPORTED(PIOC_BASE + 1), 1);
	fk_stop();
}
END_TEST

START_TEST(t_export_denied)
{
	char msg[512];
	fake_root();
	fake_aria();
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/export", root);
	ck_assert_int_eq(chmod(path, 0600), 0);
	ck_assert_int_eq(as_nobody("", msg, sizeof(msg)), EACCES);
	ck_assert_msg(strstr(msg, "permission denied on") && strstr(msg, "/export") &&
		      strstr(msg, "run as root or add a udev rule for group gpio"), "message: %s", msg);
}
END_TEST

START_TEST(t_out_of_range_rejected)
{
	fake_root();
	fake_aria();
	struct direct d;
	struct pw_line_config cfg = { .consumer = "test" };
	void *line = NULL;
	direct_open(&d);
	/* bank 1 is pioC (32 lines from 928) */
	ck_assert_int_eq(pw_backend_sysfs.request(d.state, 1, 32, &cfg, &line), -EINVAL);
	const char *msg = why(-EINVAL);
	ck_assert_msg(strstr(msg, "out of range") && strstr(msg, "gpiochip928"), "%s", msg);
	ck_assert_int_eq(pw_backend_sysfs.request(d.state, 1, UINT_MAX, &cfg, &line), -EINVAL);
	ck_assert_int_eq(pw_backend_sysfs.request(d.state, 4, 0, &cfg, &line), -EINVAL);
	ck_assert_int_eq(pw_backend_sysfs.request(d.state, UINT_MAX, 0, &cfg, &line), -EINVAL);
	struct pinwatch_line_info li;
	ck_assert_int_eq(pw_backend_sysfs.line_info(d.state, 1, 32, &li), -EINVAL);
	ck_assert_ptr_null(line);
	direct_close(&d);

	/* through the API: numbers outside every chip are no line at all */
	pinwatch_board *b = open_board(NULL);
	pinwatch_pin *p;
	ck_assert_int_eq(pinwatch_pin_open(b, "979", NULL, &p), -ENOENT); /* pioB: 960..978 */
	ck_assert_int_eq(pinwatch_pin_open(b, "1024", NULL, &p), -ENOENT);
	ck_assert_int_lt(pinwatch_pin_open(b, "gpiochip928:32", NULL, &p), 0);
	ck_assert_int_eq(pinwatch_pin_open(b, "../../etc/passwd", NULL, &p), -ENOENT);
	pinwatch_board_close(b);
	/* and nothing was ever written to export */
	ck_assert_str_eq(get("export"), "");
}
END_TEST

START_TEST(t_bias_and_drive_refused)
{
	fake_root();
	fake_aria();
	pinwatch_board *b = open_board(",board=aria-g25");
	pinwatch_pin *p;
	struct pinwatch_pin_config up = { .bias = PINWATCH_BIAS_PULL_UP };
	ck_assert_int_eq(pinwatch_pin_open(b, "N3", &up, &p), -EOPNOTSUPP);
	assert_error_has("bias");
	struct pinwatch_pin_config od = { .direction = PINWATCH_DIR_OUTPUT,
					  .drive = PINWATCH_DRIVE_OPEN_DRAIN };
	ck_assert_int_eq(pinwatch_pin_open(b, "N3", &od, &p), -EOPNOTSUPP);
	assert_error_has("drive");
	pinwatch_board_close(b);
	ck_assert_str_eq(get("export"), "");

	/* the backend refuses on its own too, before touching export */
	struct direct d;
	void *line = NULL;
	direct_open(&d);
	ck_assert_uint_eq(pw_backend_sysfs.caps(d.state) & (PW_CAP_BIAS | PW_CAP_DRIVE |
		PW_CAP_KERNEL_SEQNO | PW_CAP_KERNEL_DEBOUNCE | PW_CAP_EVENT_BUFFER), 0);
	struct pw_line_config cfg = { .bias = PINWATCH_BIAS_PULL_DOWN, .consumer = "t" };
	ck_assert_int_eq(pw_backend_sysfs.request(d.state, 1, 1, &cfg, &line), -EOPNOTSUPP);
	ck_assert_msg(strstr(why(-EOPNOTSUPP), "sysfs cannot set bias"), "%s", pinwatch_last_error());
	cfg.bias = PINWATCH_BIAS_DISABLED;
	ck_assert_int_eq(pw_backend_sysfs.request(d.state, 1, 1, &cfg, &line), -EOPNOTSUPP);
	cfg.bias = PINWATCH_BIAS_AS_IS;
	cfg.drive = PINWATCH_DRIVE_OPEN_SOURCE;
	ck_assert_int_eq(pw_backend_sysfs.request(d.state, 1, 1, &cfg, &line), -EOPNOTSUPP);
	ck_assert_msg(strstr(why(-EOPNOTSUPP), "drive"), "%s", pinwatch_last_error());
	ck_assert_str_eq(get("export"), "");
	direct_close(&d);
}
END_TEST

START_TEST(t_edges_through_the_ops)
{
	fake_root();
	fake_aria();
	fk_defaults();
	fk_start();
	struct direct d;
	struct pw_line_config cfg = { .consumer = "t" };
	struct sysfs_line *l;
	void *line;
	char vrel[64], erel[64], path[PATH_MAX];
	snprintf(vrel, sizeof(vrel), "gpio%d/value", PIOC_BASE + 1);
	snprintf(erel, sizeof(erel), "gpio%d/edge", PIOC_BASE + 1);
	direct_open(&d);
	ck_assert_msg(pw_backend_sysfs.request(d.state, 1, 1, &cfg, &line) == 0, "%s", why(-1));
	l = line;
	ck_assert_int_eq(fcntl(l->value_fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	ck_assert_int_eq(fcntl(l->value_fd, F_GETFL) & O_ACCMODE, O_RDONLY);

	/* A plain file cannot be polled: enabling fails before the edge file
	 * is touched, and leaves no descriptor behind. */
	struct pw_edge_config both = { .edges = PINWATCH_EDGE_BOTH };
	int fds = tu_count_fds(), fd = -1;
	ck_assert_int_eq(pw_backend_sysfs.edges_enable(line, &both, &fd), -EPERM);
	ck_assert_msg(strstr(why(-EPERM), "cannot poll"), "%s", pinwatch_last_error());
	ck_assert_str_eq(get(erel), "none");
	ck_assert_int_eq(tu_count_fds(), fds);
	ck_assert_int_eq(l->ep_fd, -1);
	ck_assert_int_eq(l->edge_fd, -1);

	/* The rest, part by part, on a descriptor opened as enable opens it. */
	snprintf(path, sizeof(path), "%s/%s", root, vrel);
	l->edge_fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ck_assert_int_ge(l->edge_fd, 0);
	static const struct { int edges; const char *text; int value, want; } cases[] = {
		{ PINWATCH_EDGE_BOTH, "both", 1, PINWATCH_EDGE_RISING },
		{ PINWATCH_EDGE_BOTH, "both", 0, PINWATCH_EDGE_FALLING },
		/* one-edge watches: the edge is the configured one, whatever
		 * the level has become by the time we read */
		{ PINWATCH_EDGE_RISING, "rising", 0, PINWATCH_EDGE_RISING },
		{ PINWATCH_EDGE_FALLING, "falling", 1, PINWATCH_EDGE_FALLING },
	};
	for (size_t i = 0; i < PW_ARRAY_SIZE(cases); i++) {
		struct pw_raw_event ev;
		ck_assert_int_eq(pw_sysfs_edge_set(l, cases[i].edges), 0);
		ck_assert_str_eq(get(erel), cases[i].text);
		put(vrel, cases[i].value ? "1\n" : "0\n", 0644);
		uint64_t before = pw_monotonic_ns();
		ck_assert_int_eq(pw_sysfs_edge_event(l, &ev), 1);
		ck_assert_int_eq(ev.edge, cases[i].want);
		ck_assert_uint_eq(ev.seqno, 0);
		ck_assert_uint_ge(ev.timestamp_ns, before);
		ck_assert_uint_le(ev.timestamp_ns, pw_monotonic_ns());
		/* a short read ("1" without its newline) is enough */
		put(vrel, "1", 0644);
		ck_assert_int_eq(pw_sysfs_edge_event(l, &ev), 1);
		/* garbage is an error the core reports, not an edge */
		put(vrel, "x\n", 0644);
		ck_assert_int_eq(pw_sysfs_edge_event(l, &ev), -EIO);
		ck_assert_msg(strstr(why(-EIO), "unexpected contents"), "%s", pinwatch_last_error());
		put(vrel, "", 0644);
		ck_assert_int_eq(pw_sysfs_edge_event(l, &ev), -EIO);
		put(vrel, "0\n", 0644);
		pw_sysfs_edge_restore(l);
		ck_assert_str_eq(get(erel), "none");
	}
	close(l->edge_fd);
	l->edge_fd = -1;

	/* a line without an edge file has no interrupt */
	snprintf(path, sizeof(path), "%s/%s", root, erel);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(pw_backend_sysfs.edges_enable(line, &both, &fd), -EOPNOTSUPP);
	ck_assert_msg(strstr(why(-EOPNOTSUPP), "no interrupt"), "%s", pinwatch_last_error());
	pw_backend_sysfs.release(line);
	direct_close(&d);
	fk_stop();
}
END_TEST

START_TEST(t_edges_of_someone_elses_line)
{
	fake_root();
	fake_aria();
	char dir[32];
	snprintf(dir, sizeof(dir), "gpio%d", PIOC_BASE + 1);
	ck_assert_int_eq(line_dir(dir, NULL, 0644), 0);
	char erel[64];
	snprintf(erel, sizeof(erel), "%s/edge", dir);
	put(erel, "rising\n", 0644);
	struct direct d;
	struct pw_line_config cfg = { .consumer = "t" };
	void *line;
	direct_open(&d);
	ck_assert_msg(pw_backend_sysfs.request(d.state, 1, 1, &cfg, &line) == 0, "%s", why(-1));
	ck_assert_int_eq(pw_sysfs_edge_set(line, PINWATCH_EDGE_BOTH), 0);
	ck_assert_str_eq(get(erel), "both");
	pw_sysfs_edge_restore(line);
	ck_assert_str_eq(get(erel), "rising");   /* theirs again */
	pw_backend_sysfs.release(line);
	ck_assert_str_eq(get("unexport"), "");
	direct_close(&d);
}
END_TEST

/* Regular files cannot be watched with epoll: the failure must be clean
 * (message, edge setting undone, no descriptor left). */
START_TEST(t_watch_add_on_fake_tree_fails_cleanly)
{
	fake_root();
	fake_aria();
	fk_defaults();
	fk_start();
	pinwatch_board *b = open_board(",board=aria-g25");
	pinwatch_watcher *w;
	pinwatch_pin *p;
	pinwatch_watch_id id;
	ck_assert_int_eq(pinwatch_watcher_new(&w), 0);
	ck_assert_int_eq(pinwatch_pin_open(b, "N3", NULL, &p), 0);
	int fds = tu_count_fds();
	ck_assert_int_eq(pinwatch_watch_add(w, p, NULL, &id), -EPERM);
	char erel[64];
	snprintf(erel, sizeof(erel), "gpio%d/edge", PIOC_BASE + 1);
	ck_assert_str_eq(get(erel), "none");
	ck_assert_int_eq(tu_count_fds(), fds);
	pinwatch_pin_close(p);
	pinwatch_watcher_free(w);
	pinwatch_board_close(b);
	fk_stop();
}
END_TEST

/* The event clock on sysfs: stamped at read, so HTE and the sim's virtual
 * clock are refused naming the clock used instead, before the edge file is
 * touched, nothing left open; an info watch is refused saying why. */
START_TEST(t_event_clock_and_info_refused)
{
	fake_root();
	fake_aria();
	fk_defaults();
	fk_start();
	pinwatch_board *b = open_board(",board=aria-g25");
	pinwatch_watcher *w;
	pinwatch_pin *p;
	pinwatch_watch_id id;
	char erel[64];
	snprintf(erel, sizeof(erel), "gpio%d/edge", PIOC_BASE + 1);
	ck_assert_int_eq(pinwatch_board_clock(b), PINWATCH_CLOCK_MONOTONIC);
	ck_assert_int_eq(pinwatch_watcher_new(&w), 0);
	ck_assert_int_eq(pinwatch_pin_open(b, "N3", NULL, &p), 0);
	int fds = tu_count_fds();
	static const int clocks[] = { PINWATCH_CLOCK_HTE, PINWATCH_CLOCK_VIRTUAL };
	for (size_t i = 0; i < PW_ARRAY_SIZE(clocks); i++) {
		struct pinwatch_watch_config cfg = { .queue_size = 4, .event_clock = clocks[i] };
		ck_assert_int_eq(pinwatch_watch_add(w, p, &cfg, &id), -EOPNOTSUPP);
		ck_assert_msg(strstr(pinwatch_last_error(), "pin N3"), "%s", pinwatch_last_error());
		ck_assert_msg(strstr(pinwatch_last_error(), "CLOCK_MONOTONIC (used instead)"), "%s",
			      pinwatch_last_error());
		ck_assert_str_eq(get(erel), "none");
		ck_assert_int_eq(tu_count_fds(), fds);
	}
	struct pinwatch_watch_config q = { .queue_size = 4 };
	ck_assert_int_eq(pinwatch_info_watch_add(w, b, "N3", &q, &id), -EOPNOTSUPP);
	ck_assert_msg(strstr(pinwatch_last_error(), "pin N3"), "%s", pinwatch_last_error());
	ck_assert_msg(strstr(pinwatch_last_error(), "no line-info watch"), "%s", pinwatch_last_error());
	ck_assert_int_eq(tu_count_fds(), fds);
	pinwatch_pin_close(p);
	pinwatch_watcher_free(w);
	pinwatch_board_close(b);
	fk_stop();
}
END_TEST

START_TEST(t_no_descriptor_leaks)
{
	fake_root();
	fake_aria();
	fk_defaults();
	fk_start();
	int before = tu_count_fds();
	for (int i = 0; i < 20; i++) {
		pinwatch_board *b = open_board(",board=aria-g25");
		pinwatch_pin *in, *out;
		struct pinwatch_pin_config oc = { .direction = PINWATCH_DIR_OUTPUT };
		ck_assert_int_eq(pinwatch_pin_open(b, "N3", NULL, &in), 0);
		ck_assert_int_eq(pinwatch_pin_open(b, "N5", &oc, &out), 0);
		pinwatch_board_close(b);   /* pins keep it alive */
		ck_assert_int_eq(pinwatch_pin_get(in), 0);
		pinwatch_pin_close(out);
		wait_unexported(PIOC_BASE + 3, i + 1);
		pinwatch_pin_close(in);
		wait_unexported(PIOC_BASE + 1, i + 1);
	}
	ck_assert_int_eq(tu_count_fds(), before);
	fk_stop();
}
END_TEST

/* ------------------------------------------- hostile trees (issue 12: 4, 5)
 * A crafted root must never reach outside itself, never echo more than a
 * short excerpt of a file, and never block on a FIFO.  Each test runs twice:
 * with openat2 (where the kernel has it) and with the component walk. */

static char outside[PATH_MAX];    /* a directory beside the root */

static void outside_dir(void)
{
	snprintf(outside, sizeof(outside), "%s/outXXXXXX", base_dir);
	ck_assert(mkdtemp(outside) != NULL);
}

static void outside_put(const char *name, const char *text, mode_t mode)
{
	char path[PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/%s", outside, name);
	ck_assert_int_eq(put_raw(path, text, mode), 0);
}

static void outside_mkdir(const char *name)
{
	char path[PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/%s", outside, name);
	ck_assert_int_eq(mkdir(path, 0755), 0);
}

static const char *outside_get(const char *name)
{
	static char buf[128];
	char path[PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/%s", outside, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* ROOT/rel -> OUTSIDE/name */
static void link_out(const char *rel, const char *name)
{
	char target[PATH_MAX + 64];
	snprintf(target, sizeof(target), "%s/%s", outside, name);
	link_to(rel, target);
}

static void hostile_setup(int walk)
{
	pw_sysfs_force_walk = walk;
	fake_root();
	outside_dir();
	outside_put("secret", "TOPSECRET-0123456789-abcdefghij\n", 0600);
	outside_put("precious", "precious\n", 0644);
}

static void assert_no_secret(void)
{
	ck_assert_msg(!strstr(pinwatch_last_error(), "TOPSECRET"), "secret leaked: '%s'",
		      pinwatch_last_error());
}

static void assert_precious(void)
{
	ck_assert_str_eq(outside_get("precious"), "precious\n");
}

START_TEST(t_hostile_symlinked_attributes)
{
	pinwatch_board *b;
	const struct pinwatch_pin_config out = { .direction = PINWATCH_DIR_OUTPUT, .value = 1 };
	pinwatch_pin *p = NULL;

	/* a chip's label is a link to a secret file */
	hostile_setup(_i);
	fake_chip(992, "pioA", 32, NULL);
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/gpiochip992/label", root);
	ck_assert_int_eq(unlink(path), 0);
	link_out("gpiochip992/label", "secret");
	ck_assert_int_lt(open_board_err(NULL), 0);
	assert_no_secret();
	assert_error_has("gpiochip992/label");
	assert_error_has("symbolic link");

	/* export is a link to a file outside: never written */
	hostile_setup(_i);
	fake_chip(992, "pioA", 32, NULL);
	snprintf(path, sizeof(path), "%s/export", root);
	ck_assert_int_eq(unlink(path), 0);
	link_out("export", "precious");
	b = open_board(",retry_ms=20");
	ck_assert_int_lt(pinwatch_pin_open(b, "992", &out, &p), 0);
	assert_error_has("export");
	assert_precious();
	pinwatch_board_close(b);

	/* a line exported "by someone else" whose files are links outside */
	hostile_setup(_i);
	fake_chip(992, "pioA", 32, NULL);
	ck_assert_int_eq(line_dir("gpio992", NULL, 0644), 0);
	static const char *const files[] = { "active_low", "direction", "value" };
	for (size_t i = 0; i < PW_ARRAY_SIZE(files); i++) {
		char rel[64];
		snprintf(rel, sizeof(rel), "gpio992/%s", files[i]);
		snprintf(path, sizeof(path), "%s/%s", root, rel);
		ck_assert_int_eq(unlink(path), 0);
		link_out(rel, i == 2 ? "secret" : "precious");
	}
	b = open_board(",retry_ms=20");
	ck_assert_int_lt(pinwatch_pin_open(b, "992", &out, &p), 0);
	assert_error_has("gpio992/value: refused");
	assert_precious();
	assert_no_secret();
	pinwatch_board_close(b);
}
END_TEST

START_TEST(t_hostile_symlinked_directories)
{
	const struct pinwatch_pin_config out = { .direction = PINWATCH_DIR_OUTPUT, .value = 1 };
	pinwatch_pin *p = NULL;
	pinwatch_board *b;

	/* a chip directory that is a link to a directory outside */
	hostile_setup(_i);
	outside_mkdir("chip");
	outside_put("chip/base", "992\n", 0644);
	outside_put("chip/ngpio", "32\n", 0644);
	outside_put("chip/label", "pioA\n", 0644);
	link_out("gpiochip992", "chip");
	ck_assert_int_lt(open_board_err(NULL), 0);
	assert_error_has("gpiochip992/base");

	/* the line's directory is a link to a directory outside, with the
	 * line's files: nothing in it is opened, let alone written */
	hostile_setup(_i);
	fake_chip(992, "pioA", 32, NULL);
	outside_mkdir("line");
	static const char *const files[] = { "active_low", "direction", "value", "edge" };
	for (size_t i = 0; i < PW_ARRAY_SIZE(files); i++) {
		char name[32];
		snprintf(name, sizeof(name), "line/%s", files[i]);
		outside_put(name, "precious\n", 0644);
	}
	link_out("gpio992", "line");
	b = open_board(",retry_ms=20");
	ck_assert_int_lt(pinwatch_pin_open(b, "992", &out, &p), 0);
	for (size_t i = 0; i < PW_ARRAY_SIZE(files); i++) {
		char name[32];
		snprintf(name, sizeof(name), "line/%s", files[i]);
		ck_assert_str_eq(outside_get(name), "precious\n");
	}
	pinwatch_board_close(b);

	/* a chip's device link that leaves the root is not followed (the chip
	 * is then accepted without an identity, as in very old trees) */
	hostile_setup(_i);
	fake_chip(992, "pioA", 32, NULL);
	link_out("gpiochip992/device", "");
	struct direct d;
	direct_open(&d);
	ck_assert_int_eq(((struct sysfs_state *)d.state)->chips[0].has_dev, 0);
	direct_close(&d);
}
END_TEST

START_TEST(t_hostile_excerpt_only)
{
	/* unparsable contents (of a file only root may read) are quoted as a
	 * short, printable excerpt, never whole */
	hostile_setup(_i);
	fake_chip(992, "pioA", 32, NULL);
	put("gpiochip992/base", "99\x01" "2abcdefghijklmnoTOPSECRET\n", 0600);
	ck_assert_int_eq(open_board_err(NULL), -EINVAL);
	assert_no_secret();
	assert_error_has("'99?2abcdefghijkl...'");
}
END_TEST

/* A FIFO in place of FILE (relative to the root): mkfifo, nothing else. */
static void fifo_at(const char *rel)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	unlink(path);
	ck_assert_int_eq(mkfifo(path, 0666), 0);
}

START_TEST(t_fifo_never_blocks)
{
	const struct pinwatch_pin_config out = { .direction = PINWATCH_DIR_OUTPUT, .value = 1 };
	pinwatch_pin *p = NULL;
	pinwatch_board *b;

	/* each of these would block an open() forever: the suite's timeout
	 * turns a hang into a failure */
	hostile_setup(_i);
	fake_chip(992, "pioA", 32, NULL);
	fifo_at("gpiochip992/label");
	ck_assert_int_eq(open_board_err(NULL), -EINVAL);
	assert_error_has("gpiochip992/label is a FIFO");

	hostile_setup(_i);
	fake_chip(992, "pioA", 32, NULL);
	fifo_at("export");
	b = open_board(",retry_ms=20");
	ck_assert_int_eq(pinwatch_pin_open(b, "992", &out, &p), -EINVAL);
	assert_error_has("/export is a FIFO");
	pinwatch_board_close(b);

	static const char *const files[] = { "value", "active_low", "direction" };
	for (size_t i = 0; i < PW_ARRAY_SIZE(files); i++) {
		char rel[64], want[80];
		hostile_setup(_i);
		fake_chip(992, "pioA", 32, NULL);
		ck_assert_int_eq(line_dir("gpio992", NULL, 0644), 0);
		snprintf(rel, sizeof(rel), "gpio992/%s", files[i]);
		fifo_at(rel);
		b = open_board(",retry_ms=20");
		ck_assert_int_eq(pinwatch_pin_open(b, "992", i ? &out : NULL, &p), -EINVAL);
		snprintf(want, sizeof(want), "%s is a FIFO", rel);
		assert_error_has(want);
		pinwatch_board_close(b);
	}

	/* the edge file, through the backend's edge parts */
	hostile_setup(_i);
	fake_chip(992, "pioA", 32, NULL);
	ck_assert_int_eq(line_dir("gpio992", NULL, 0644), 0);
	fifo_at("gpio992/edge");
	struct direct d;
	direct_open(&d);
	struct pw_line_config lc = { .direction = PINWATCH_DIR_INPUT, .consumer = "test" };
	void *line = NULL;
	ck_assert_int_eq(pw_backend_sysfs.request(d.state, 0, 0, &lc, &line), 0);
	ck_assert_int_eq(pw_sysfs_edge_set(line, PINWATCH_EDGE_BOTH), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why(-EINVAL), "gpio992/edge is a FIFO"));
	pw_backend_sysfs.release(line);
	direct_close(&d);
}
END_TEST

static Suite *sysfs_suite(void)
{
	Suite *s = suite_create("sysfs");
	TCase *tc = tcase_create("chips");
	tcase_add_test(tc, t_chips_sorted_and_named);
	tcase_add_loop_test(tc, t_chips_bad_contents, 0, (int)PW_ARRAY_SIZE(bad_cases));
	tcase_add_test(tc, t_chips_base_overflow);
	tcase_add_test(tc, t_root_checks);
	suite_add_tcase(s, tc);

	tc = tcase_create("lines");
	tcase_set_timeout(tc, 60);   /* a loaded machine; nothing here is timed */
	tcase_add_test(tc, t_export_unexport_bookkeeping);
	tcase_add_test(tc, t_output_glitch_free);
	tcase_add_test(tc, t_exported_by_someone_else);
	tcase_add_loop_test(tc, t_named_directory_discovery, 0, 2);
	tcase_add_test(tc, t_named_exported_by_someone_else);
	tcase_add_test(tc, t_directory_never_appears);
	tcase_add_test(tc, t_out_of_range_rejected);
	tcase_add_test(tc, t_bias_and_drive_refused);
	tcase_add_test(tc, t_no_descriptor_leaks);
	suite_add_tcase(s, tc);

	tc = tcase_create("permissions");
	tcase_add_test(tc, t_permission_retry_gives_up);
	tcase_add_test(tc, t_permission_retry_succeeds);
	tcase_add_test(tc, t_export_denied);
	suite_add_tcase(s, tc);

	tc = tcase_create("edges");
	tcase_add_test(tc, t_edges_through_the_ops);
	tcase_add_test(tc, t_edges_of_someone_elses_line);
	tcase_add_test(tc, t_watch_add_on_fake_tree_fails_cleanly);
	tcase_add_test(tc, t_event_clock_and_info_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_set_timeout(tc, 30);   /* a FIFO that blocks fails here, never hangs */
	tcase_add_loop_test(tc, t_hostile_symlinked_attributes, 0, 2);
	tcase_add_loop_test(tc, t_hostile_symlinked_directories, 0, 2);
	tcase_add_loop_test(tc, t_hostile_excerpt_only, 0, 2);
	tcase_add_loop_test(tc, t_fifo_never_blocks, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	snprintf(base_dir, sizeof(base_dir), "/tmp/pw-test-sysfs-XXXXXX");
	if (!mkdtemp(base_dir)) {
		perror("mkdtemp");
		return 1;
	}
	chmod(base_dir, 0755);   /* the permission tests run as nobody */
	SRunner *sr = srunner_create(sysfs_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	rm_tree(base_dir);
	return failed ? 1 : 0;
}
