/* SPDX-License-Identifier: MIT */
/*
 * test-chardev: what the chardev backend does without a GPIO kernel — chip
 * discovery and ordering, the spec's argument, and clean failures (messages,
 * no descriptor left open) on device nodes that are not gpiochips, on
 * missing ones and on ones the user may not open.  The real-kernel side is
 * the conformance suite in the VM (make check-vm).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "chardev.h"
#include "pinwatch.h"
#include "test_chardev.h"
#include "testutil.h"

static char dir[PATH_MAX];

static void touch(const char *name, mode_t mode)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, mode);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(chmod(path, mode), 0);
}

static void setup(void)
{
	snprintf(dir, sizeof(dir), "%s/pw-chardev-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	/* Traversable by the unprivileged child of the permission tests. */
	ck_assert_int_eq(chmod(dir, 0755), 0);
}

static void teardown(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "test-chardev: could not remove %s\n", dir);
}

static const char *base(const char *path)
{
	return strrchr(path, '/') + 1;
}

/* ---------------------------------------------------------- discovery */

START_TEST(t_scan_sorts_by_number)
{
	static const char *const names[] = {
		"gpiochip10", "gpiochip2", "gpiochip0", "gpiochip1",
		/* not chips: */
		"gpiochip", "gpiochipX", "gpiochip3a", "gpiochip-1", "foo",
		"xgpiochip4",
	};
	char **paths;
	size_t n;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		touch(names[i], 0644);
	ck_assert_int_eq(pw_chardev_scan(dir, &paths, &n), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(base(paths[0]), "gpiochip0");
	ck_assert_str_eq(base(paths[1]), "gpiochip1");
	ck_assert_str_eq(base(paths[2]), "gpiochip2");
	ck_assert_str_eq(base(paths[3]), "gpiochip10");
	ck_assert_int_eq(strncmp(paths[3], dir, strlen(dir)), 0);
	ck_assert_int_eq(paths[3][strlen(dir)], '/');
	pw_chardev_paths_free(paths, n);
}
END_TEST

START_TEST(t_scan_empty_and_missing)
{
	char **paths = (char **)1;
	size_t n = 99;
	char missing[PATH_MAX + 16];

	ck_assert_int_eq(pw_chardev_scan(dir, &paths, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(paths);
	snprintf(missing, sizeof(missing), "%s/none", dir);
	ck_assert_int_eq(pw_chardev_scan(missing, &paths, &n), -ENOENT);
	ck_assert_uint_eq(n, 0);
}
END_TEST

/* ------------------------------------------------------ spec argument */

START_TEST(t_arg_forms)
{
	char *d, *c;
	char path[PATH_MAX + 32];

	ck_assert_int_eq(pw_chardev_parse_arg(NULL, &d, &c), 0);
	ck_assert_str_eq(d, "/dev");
	ck_assert_ptr_null(c);
	free(d);

	ck_assert_int_eq(pw_chardev_parse_arg(dir, &d, &c), 0);
	ck_assert_str_eq(d, dir);
	ck_assert_ptr_null(c);
	free(d);

	touch("gpiochip7", 0644);
	snprintf(path, sizeof(path), "%s/gpiochip7", dir);
	ck_assert_int_eq(pw_chardev_parse_arg(path, &d, &c), 0);
	ck_assert_ptr_null(d);
	ck_assert_str_eq(c, path);
	free(c);
}
END_TEST

START_TEST(t_arg_bad_name)
{
	static const char *const bad[] = { "foo", "gpiochip", "gpiochipA", "dev/gpiochip0", "0" };
	pinwatch_board *b = (pinwatch_board *)1;
	char spec[64];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(spec, sizeof(spec), "chardev:%s", bad[i]);
		ck_assert_int_eq(pinwatch_board_open(spec, &b), -EINVAL);
		ck_assert_ptr_nonnull(strstr(pinwatch_last_error(),
					     "want chardev:/dev/gpiochipN, chardev:gpiochipN or chardev:DIRECTORY"));
		ck_assert_ptr_nonnull(strstr(pinwatch_last_error(), bad[i]));
	}
}
END_TEST

START_TEST(t_arg_missing_chip_lists_present)
{
	pinwatch_board *b = NULL;
	char spec[PATH_MAX + 32], want[PATH_MAX + 64];

	touch("gpiochip10", 0644);
	touch("gpiochip2", 0644);
	snprintf(spec, sizeof(spec), "chardev:%s/gpiochip3", dir);
	ck_assert_int_eq(pinwatch_board_open(spec, &b), -ENOENT);
	ck_assert_ptr_null(b);
	snprintf(want, sizeof(want), "%s/gpiochip3: no such device (there is: gpiochip2 gpiochip10)", dir);
	ck_assert_msg(strstr(pinwatch_last_error(), want), "message: %s", pinwatch_last_error());
}
END_TEST

START_TEST(t_arg_bare_name_is_in_dev)
{
	pinwatch_board *b = NULL;

	/* A chip number no machine has, so the host's /dev does not matter. */
	ck_assert_int_eq(pinwatch_board_open("chardev:gpiochip2147483640", &b), -ENOENT);
	ck_assert_ptr_null(b);
	ck_assert_msg(strstr(pinwatch_last_error(), "/dev/gpiochip2147483640: no such device"),
		      "message: %s", pinwatch_last_error());
}
END_TEST

/* ------------------------------------------------------ clean failures */

START_TEST(t_empty_dir_names_the_alternatives)
{
	pinwatch_board *b = NULL;
	char spec[PATH_MAX + 16];

	touch("notachip", 0644);
	snprintf(spec, sizeof(spec), "chardev:%s", dir);
	ck_assert_int_eq(pinwatch_board_open(spec, &b), -ENOENT);
	ck_assert_ptr_null(b);
	ck_assert_ptr_nonnull(strstr(pinwatch_last_error(), "no gpiochip devices in"));
	ck_assert_ptr_nonnull(strstr(pinwatch_last_error(), "sim"));
}
END_TEST

START_TEST(t_fake_nodes_fail_cleanly)
{
	pinwatch_board *b = NULL;
	char spec[PATH_MAX + 64], want[PATH_MAX + 64];
	int before = tu_count_fds();

	/* A regular file and a character device that is not a gpiochip (the
	 * null device's numbers) under gpiochip names. */
	touch("gpiochip0", 0644);
	snprintf(spec, sizeof(spec), "%s/gpiochip1", dir);
	if (mknod(spec, S_IFCHR | 0644, makedev(1, 3)) < 0)
		touch("gpiochip1", 0644);  /* no CAP_MKNOD: two regular files */

	snprintf(spec, sizeof(spec), "chardev:%s", dir);
	ck_assert_int_lt(pinwatch_board_open(spec, &b), 0);
	ck_assert_ptr_null(b);
	snprintf(want, sizeof(want), "%s/gpiochip0 is not a GPIO character device", dir);
	ck_assert_msg(strstr(pinwatch_last_error(), want), "message: %s", pinwatch_last_error());

	snprintf(spec, sizeof(spec), "chardev:%s/gpiochip1", dir);
	ck_assert_int_lt(pinwatch_board_open(spec, &b), 0);
	snprintf(want, sizeof(want), "%s/gpiochip1 is not a GPIO character device", dir);
	ck_assert_msg(strstr(pinwatch_last_error(), want), "message: %s", pinwatch_last_error());

	ck_assert_int_eq(tu_count_fds(), before);
}
END_TEST

int chardev_open_as_nobody(const char *spec, char *msg, size_t len)
{
	int pfd[2];
	pid_t pid;
	int status;

	ck_assert_int_eq(pipe2(pfd, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		pinwatch_board *b = NULL;
		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
			_exit(3);
		int rc = pinwatch_board_open(spec, &b);
		const char *m = pinwatch_last_error();
		if (write(pfd[1], m, strlen(m)) < 0)
			_exit(4);
		_exit(rc == -EACCES ? 0 : 1);
	}
	close(pfd[1]);
	ssize_t got = read(pfd[0], msg, len - 1);
	close(pfd[0]);
	msg[got > 0 ? got : 0] = '\0';
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* Issue 12, 6: a path that is not a gpiochip is refused on stat()s alone,
 * before anything opens it (the open is O_RDWR): a regular file, a FIFO, a
 * directory under a gpiochip name, and the null, zero and ptmx devices'
 * numbers.  inotify shows that no open of the node happened at all, and
 * the FIFO cannot block (the case's timeout would fail the test). */
static const struct {
	const char *what, *says;
	mode_t type;
	unsigned major, minor;
} not_gpio[] = {
	{ "regular file", "(a regular file)", S_IFREG, 0, 0 },
	{ "FIFO", "(a FIFO)", S_IFIFO, 0, 0 },
	{ "directory", "(a directory)", S_IFDIR, 0, 0 },
	{ "null", "(character device 1:3 of subsystem 'mem')", S_IFCHR, 1, 3 },
	{ "zero", "(character device 1:5 of subsystem 'mem')", S_IFCHR, 1, 5 },
	{ "ptmx", "(character device 5:2 of subsystem 'tty')", S_IFCHR, 5, 2 },
};

START_TEST(t_non_gpio_nodes_never_opened)
{
	char path[PATH_MAX + 64], spec[PATH_MAX + 128], want[PATH_MAX + 128];
	pinwatch_board *b = NULL;
	int before = tu_count_fds();

	snprintf(path, sizeof(path), "%s/gpiochip7", dir);
	if (not_gpio[_i].type == S_IFREG)
		touch("gpiochip7", 0666);
	else if (not_gpio[_i].type == S_IFDIR)
		ck_assert_int_eq(mkdir(path, 0755), 0);
	else if (mknod(path, not_gpio[_i].type | 0666,
		       makedev(not_gpio[_i].major, not_gpio[_i].minor)) < 0) {
		ck_assert_int_eq(errno, EPERM);   /* no CAP_MKNOD: nothing to test */
		return;
	}
	int ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	ck_assert_int_ge(ino, 0);
	ck_assert_int_ge(inotify_add_watch(ino, path, IN_OPEN), 0);

	/* named, and found by a scan of its directory */
	for (int scan = 0; scan < 2; scan++) {
		snprintf(spec, sizeof(spec), "chardev:%s", scan ? dir : path);
		ck_assert_int_lt(pinwatch_board_open(spec, &b), 0);
		ck_assert_ptr_null(b);
		snprintf(want, sizeof(want), "%s is not a GPIO character device %s", path,
			 not_gpio[_i].says);
		/* a directory named is one to scan (chardev:DIR) */
		if (!scan && not_gpio[_i].type == S_IFDIR)
			snprintf(want, sizeof(want), "no gpiochip devices in %s", path);
		ck_assert_msg(strstr(pinwatch_last_error(), want), "%s: message '%s' lacks '%s'",
			      not_gpio[_i].what, pinwatch_last_error(), want);
	}
	/* (a directory named in the spec is listed: opened read-only) */
	char ev[256];
	ck_assert_msg(not_gpio[_i].type == S_IFDIR || (read(ino, ev, sizeof(ev)) < 0 && errno == EAGAIN),
		      "%s was opened", not_gpio[_i].what);
	close(ino);
	ck_assert_int_eq(tu_count_fds(), before);
}
END_TEST

START_TEST(t_dev_null_refused)
{
	pinwatch_board *b = NULL;

	ck_assert_int_lt(pinwatch_board_open("chardev:/dev/null", &b), 0);
	ck_assert_msg(strstr(pinwatch_last_error(),
			     "/dev/null is not a GPIO character device (character device 1:3 of subsystem 'mem')"),
		      "%s", pinwatch_last_error());
}
END_TEST

/* The kernel's per-line sequence numbers, read across the 32-bit wrap and
 * across a new request (numbers from 1 again): never a bogus gap. */
START_TEST(t_seq_step)
{
	ck_assert_uint_eq(pw_cd_seq_step(0, 1), 1);               /* the first */
	ck_assert_uint_eq(pw_cd_seq_step(7, 8), 1);
	ck_assert_uint_eq(pw_cd_seq_step(7, 10), 3);              /* two lost */
	ck_assert_uint_eq(pw_cd_seq_step(UINT32_MAX, 0), 1);      /* the wrap */
	ck_assert_uint_eq(pw_cd_seq_step(UINT32_MAX - 1, 2), 4);
	ck_assert_uint_eq(pw_cd_seq_step(80, 1), 1);              /* a new request */
	ck_assert_uint_eq(pw_cd_seq_step(80, 3), 3);              /* ... two lost */
	ck_assert_uint_eq(pw_cd_seq_step(1, 1), 1);               /* a new one after one edge */
}
END_TEST

Suite *chardev_suite(void)
{
	Suite *s = suite_create("chardev");
	TCase *tc = tcase_create("discovery");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t_scan_sorts_by_number);
	tcase_add_test(tc, t_scan_empty_and_missing);
	suite_add_tcase(s, tc);

	tc = tcase_create("spec");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t_arg_forms);
	tcase_add_test(tc, t_arg_bad_name);
	tcase_add_test(tc, t_arg_missing_chip_lists_present);
	tcase_add_test(tc, t_arg_bare_name_is_in_dev);
	suite_add_tcase(s, tc);

	tc = tcase_create("events");
	tcase_add_test(tc, t_seq_step);
	suite_add_tcase(s, tc);

	tc = tcase_create("failures");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t_empty_dir_names_the_alternatives);
	tcase_add_test(tc, t_fake_nodes_fail_cleanly);
	/* The permission messages need a real gpiochip since nothing but a
	 * gpiochip is ever opened: chardev_kernel.c t_permission_denied. */
	tcase_add_loop_test(tc, t_non_gpio_nodes_never_opened, 0, (int)PW_ARRAY_SIZE(not_gpio));
	tcase_add_test(tc, t_dev_null_refused);
	tcase_set_timeout(tc, 30);   /* a FIFO that blocks fails, never hangs */
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(chardev_suite());
	const char *board = getenv("PINWATCH_TEST_BOARD");

	/* The kernel suite runs where a chardev board is given: the VM rig. */
	if (board && !strncmp(board, "chardev", strlen("chardev")))
		srunner_add_suite(sr, chardev_kernel_suite(board));

	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
