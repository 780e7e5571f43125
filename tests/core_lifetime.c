/* SPDX-License-Identifier: MIT */
/* Rules 2, 4 and 8: close in any order; stale ids and double closes are
 * errors, not crashes; leaks are listed on request. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core.h"

/* The six orders of closing board, pin and watcher (with a live watch and
 * a running worker), each leaving descriptors and threads at baseline. */
START_TEST(t_close_any_order)
{
	static const char orders[6][4] = { "bpw", "bwp", "pbw", "pwb", "wbp", "wpb" };
	int fds0 = tu_count_fds(), threads0 = tu_thread_baseline();
	const char *order = orders[_i];
	pinwatch_board *b;
	pinwatch_pin *p;
	pinwatch_watcher *w;
	pinwatch_watch_id id;
	int hits = 0;
	struct pinwatch_watch_config cfg = { .callback = count_cb, .ctx = &hits };

	open_board_pin(&b, "N3", &p);
	w = watcher_or_fail();
	id = watch_or_fail(w, p, &cfg);
	ck_assert_int_eq(pinwatch_watcher_start(w), 0);
	for (int k = 0; k < 3; k++) {
		switch (order[k]) {
		case 'b':
			pinwatch_board_close(b);
			break;
		case 'p':
			pinwatch_pin_close(p);
			/* the pin took its watch with it */
			if (strchr(order + k + 1, 'w'))
				ck_assert_int_eq(pinwatch_watch_remove(w, id), -ENOENT);
			break;
		case 'w':
			pinwatch_watcher_free(w);
			/* the pin still works without its watcher */
			if (strchr(order + k + 1, 'p'))
				ck_assert_int_ge(pinwatch_pin_get(p), 0);
			break;
		}
	}
	ck_assert_int_eq(tu_count_fds(), fds0);
	ck_assert_int_eq(tu_threads_settle(threads0), threads0);
}
END_TEST

/* A pin keeps its board alive: after the caller's board close, the pin
 * still reads and drives, and the sim still answers through the pin. */
START_TEST(t_pin_keeps_board_alive)
{
	pinwatch_board *b;
	pinwatch_pin *in, *out;
	struct pinwatch_pin_config ocfg = { .direction = PINWATCH_DIR_OUTPUT };

	b = board_or_fail(VBOARD);
	out = pin_or_fail(b, "N2", &ocfg);
	in = pin_or_fail(b, "N3", NULL);
	ck_assert_int_eq(pinwatch_sim_wire(b, "N2", "N3"), 0);
	pinwatch_board_close(b);
	ck_assert_int_eq(pinwatch_pin_set(out, 1), 0);
	ck_assert_int_eq(pinwatch_pin_get(in), 1);
	ck_assert_int_eq(pinwatch_pin_set(out, 0), 0);
	ck_assert_int_eq(pinwatch_pin_get(in), 0);
	struct pinwatch_line_info li;
	ck_assert_int_eq(pinwatch_pin_info(in, &li), 0);
	ck_assert_str_eq(li.header, "N3");
	pinwatch_pin_close(out);
	pinwatch_pin_close(in);
}
END_TEST

/* Closing a pin removes its watch synchronously; the id goes stale. */
START_TEST(t_pin_close_removes_watch)
{
	pinwatch_board *b;
	pinwatch_pin *p;
	pinwatch_watcher *w;
	pinwatch_watch_id id;
	struct pinwatch_watch_stats st;

	open_board_pin(&b, "N3", &p);
	w = watcher_or_fail();
	id = watch_or_fail(w, p, NULL);
	pinwatch_pin_close(p);
	ck_assert_int_eq(pinwatch_watch_stats(w, id, &st), -ENOENT);
	ck_assert_int_eq(pinwatch_watch_remove(w, id), -ENOENT);
	/* the line is free again */
	p = pin_or_fail(b, "N3", NULL);
	id = watch_or_fail(w, p, NULL);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

/* Rule 4: a stale id, twice or from another watcher, is -ENOENT. */
START_TEST(t_stale_ids)
{
	pinwatch_board *b;
	pinwatch_pin *p;
	pinwatch_watcher *w, *w2;
	pinwatch_watch_id id, id2;

	open_board_pin(&b, "N3", &p);
	w = watcher_or_fail();
	w2 = watcher_or_fail();
	id = watch_or_fail(w, p, NULL);
	ck_assert_int_eq(pinwatch_watch_remove(w2, id), -ENOENT);
	ck_assert_ptr_nonnull(strstr(pinwatch_last_error(), "No such watch"));
	ck_assert_int_eq(pinwatch_watch_remove(w, id), 0);
	ck_assert_int_eq(pinwatch_watch_remove(w, id), -ENOENT);
	/* the slot is reused, the id is not */
	id2 = watch_or_fail(w, p, NULL);
	ck_assert(id2 != id);
	ck_assert_int_eq(pinwatch_watch_remove(w, id), -ENOENT);
	ck_assert_int_eq(pinwatch_watch_remove(w, 0), -ENOENT);
	ck_assert_int_eq(pinwatch_watch_remove(w, id2), 0);
	pinwatch_watcher_free(w2);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

/* Destructors accept NULL. */
START_TEST(t_destructors_accept_null)
{
	pinwatch_board_close(NULL);
	pinwatch_pin_close(NULL);
	pinwatch_watcher_free(NULL);
}
END_TEST

/* Run tests/debughelper MODE with PINWATCH_DEBUG=FLAGS; return its stderr. */
static int run_helper(const char *mode, const char *flags, char *err, size_t len)
{
	char path[4096];
	int pfd[2];

	snprintf(path, sizeof(path), "%s/debughelper", tu_bin_dir());
	ck_assert_int_eq(pipe2(pfd, O_CLOEXEC), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(pfd[1], 2);
		setenv("PINWATCH_DEBUG", flags, 1);
		tu_exec_helper(path, "debughelper", mode);
	}
	close(pfd[1]);
	size_t n = 0;
	ssize_t r;
	while (n < len - 1 && (r = read(pfd[0], err + n, len - 1 - n)) > 0)
		n += (size_t)r;
	err[n] = '\0';
	close(pfd[0]);
	int status;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Rule 4: with PINWATCH_DEBUG=handles a double close is reported with where
 * the handle was opened — and the program goes on. */
START_TEST(t_double_close_reported)
{
	char err[8192];

	ck_assert_int_eq(run_helper("double-close", "handles", err, sizeof(err)), 0);
	ck_assert_msg(strstr(err, "double close of pin N3 (pioC:1)"), "stderr: %s", err);
	ck_assert_msg(strstr(err, "double close of watcher"), "stderr: %s", err);
	ck_assert_msg(strstr(err, "double close of board"), "stderr: %s", err);
	ck_assert_msg(strstr(err, "opened at"), "stderr: %s", err);
	ck_assert_msg(strstr(err, "debughelper"), "no caller location: %s", err);
}
END_TEST

/* Rule 4 for a line group: with PINWATCH_DEBUG=handles a closed group and
 * its members are refused (-EINVAL, size 0, member NULL), and a second
 * close of either is reported, not a use of freed memory.  (Without it a
 * closed handle is freed memory, as a closed pin's is.) */
START_TEST(t_group_double_close_reported)
{
	char err[8192];

	ck_assert_int_eq(run_helper("group-after-close", "handles", err, sizeof(err)), 0);
	ck_assert_msg(strstr(err, "pinwatch_group_close: double close of group of 2 (N4 N5)"), "stderr: %s", err);
	ck_assert_msg(strstr(err, "double close of pin N4"), "stderr: %s", err);
	ck_assert_msg(strstr(err, "opened at"), "stderr: %s", err);
}
END_TEST

/* Rule 8: PINWATCH_DEBUG=leaks lists what is still open at exit. */
START_TEST(t_leaks_listed)
{
	char err[8192];

	ck_assert_int_eq(run_helper("leak", "leaks", err, sizeof(err)), 0);
	ck_assert_msg(strstr(err, "leak: pin N3 (pioC:1) still open"), "stderr: %s", err);
	ck_assert_msg(strstr(err, "leak: watcher still open"), "stderr: %s", err);
	ck_assert_msg(strstr(err, "leak: board sim:aria-g25"), "stderr: %s", err);
	ck_assert_msg(strstr(err, "(watcher epoll) still open"), "stderr: %s", err);
	/* and nothing at all when everything was closed */
	ck_assert_int_eq(run_helper("clean", "leaks", err, sizeof(err)), 0);
	ck_assert_str_eq(err, "");
	/* and nothing without the variable */
	ck_assert_int_eq(run_helper("leak", "", err, sizeof(err)), 0);
	ck_assert_str_eq(err, "");
}
END_TEST

Suite *core_lifetime_suite(void)
{
	Suite *s = suite_create("rules 2, 4, 8: lifetimes");
	TCase *tc = tcase_create("lifetimes");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, t_close_any_order, 0, 6);
	tcase_add_test(tc, t_pin_keeps_board_alive);
	tcase_add_test(tc, t_pin_close_removes_watch);
	tcase_add_test(tc, t_stale_ids);
	tcase_add_test(tc, t_destructors_accept_null);
	tcase_add_test(tc, t_double_close_reported);
	tcase_add_test(tc, t_group_double_close_reported);
	tcase_add_test(tc, t_leaks_listed);
	suite_add_tcase(s, tc);
	return s;
}
