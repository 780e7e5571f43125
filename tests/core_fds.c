/* SPDX-License-Identifier: MIT */
/* Rule 1: every descriptor has one owner, is O_CLOEXEC, is closed exactly
 * once, and is never closed while it is watched. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core.h"
#include "internal.h"

/* Everything pinwatch opens carries FD_CLOEXEC. */
START_TEST(t_every_fd_cloexec)
{
	int before[256], fresh[256];
	size_t nb = tu_list_fds(before, 256);
	pinwatch_board *b;
	pinwatch_pin *p;
	pinwatch_watcher *w;

	open_board_pin(&b, "N3", &p);
	w = watcher_or_fail();
	watch_or_fail(w, p, NULL);
	ck_assert_int_eq(pinwatch_watcher_start(w), 0);
	size_t n = tu_new_fds(before, nb, fresh, 256);
	ck_assert_uint_ge(n, 3); /* epoll, eventfd, the line's descriptor */
	for (size_t i = 0; i < n; i++) {
		int flags = fcntl(fresh[i], F_GETFD);
		ck_assert_msg(flags >= 0 && (flags & FD_CLOEXEC), "descriptor %d lacks FD_CLOEXEC", fresh[i]);
	}
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
	ck_assert_uint_eq(tu_new_fds(before, nb, fresh, 256), 0);
}
END_TEST

/* No pinwatch descriptor is visible in a child after fork+exec: the child
 * (tests/fdlist) lists its own /proc/self/fd. */
START_TEST(t_no_fd_in_exec_child)
{
	int before[256], fresh[256], pfd[2];
	size_t nb = tu_list_fds(before, 256);
	pinwatch_board *b;
	pinwatch_pin *p;
	pinwatch_watcher *w;
	char path[4096], out[4096] = "";

	open_board_pin(&b, "N3", &p);
	w = watcher_or_fail();
	watch_or_fail(w, p, NULL);
	ck_assert_int_eq(pinwatch_watcher_start(w), 0);
	size_t n = tu_new_fds(before, nb, fresh, 256);
	ck_assert_uint_ge(n, 3);

	snprintf(path, sizeof(path), "%s/fdlist", tu_bin_dir());
	ck_assert_int_eq(pipe2(pfd, O_CLOEXEC), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(pfd[1], 1);
		tu_exec_helper(path, "fdlist", NULL);
	}
	close(pfd[1]);
	size_t len = 0;
	ssize_t r;
	while ((r = read(pfd[0], out + len, sizeof(out) - 1 - len)) > 0)
		len += (size_t)r;
	out[len] = '\0';
	close(pfd[0]);
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "fdlist failed: %s", path);
	ck_assert_msg(len > 0, "fdlist printed nothing");
	/* out: " 0 1 2 ..." — none of pinwatch's descriptors may be there */
	for (size_t i = 0; i < n; i++) {
		char needle[16];
		snprintf(needle, sizeof(needle), " %d ", fresh[i]);
		ck_assert_msg(!strstr(out, needle), "descriptor %d leaked into the child: %s", fresh[i], out);
	}
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

/* 10,000 open/watch/start/stop/close cycles leave descriptors and threads at
 * their baseline. */
START_TEST(t_cycles_leave_no_trace)
{
	int fds0 = tu_count_fds(), threads0 = tu_thread_baseline();
	pinwatch_board *b;

	b = board_or_fail(VBOARD);
	for (int i = 0; i < 10000; i++) {
		pinwatch_pin *p;
		pinwatch_watcher *w;
		int hits = 0;
		struct pinwatch_watch_config cfg = { .callback = count_cb, .ctx = &hits };

		p = pin_or_fail(b, "N3", NULL);
		w = watcher_or_fail();
		watch_or_fail(w, p, &cfg);
		if (i % 10 == 0) {
			ck_assert_int_eq(pinwatch_watcher_start(w), 0);
			ck_assert_int_eq(pinwatch_watcher_stop(w), 0);
		}
		toggle(b, "N3", 1);
		drain(w);
		ck_assert_int_eq(hits, 2);
		/* alternate the close order */
		if (i & 1) {
			pinwatch_pin_close(p);
			pinwatch_watcher_free(w);
		} else {
			pinwatch_watcher_free(w);
			pinwatch_pin_close(p);
		}
	}
	pinwatch_board_close(b);
	ck_assert_int_eq(tu_count_fds(), fds0);
	ck_assert_int_eq(tu_threads_settle(threads0), threads0);
}
END_TEST

/* The watched descriptor stays open and registered for the watch's whole
 * life, whatever else opens and closes around it (the field bug: a
 * descriptor closed behind the library's back, the counter silently dead). */
START_TEST(t_watched_fd_survives_churn)
{
	pinwatch_board *b;
	pinwatch_pin *p;
	pinwatch_watcher *w;
	pinwatch_watch_id id;
	int hits = 0;
	struct pinwatch_watch_config cfg = { .callback = count_cb, .ctx = &hits };

	open_board_pin(&b, "N3", &p);
	w = watcher_or_fail();
	id = watch_or_fail(w, p, &cfg);
	pw_lock();
	int fd = pw_slots_find_locked(w, id)->fd;
	pw_unlock();
	for (int i = 0; i < 500; i++) {
		pinwatch_board *b2;
		pinwatch_pin *p2;
		pinwatch_watcher *w2;
		b2 = board_or_fail(VBOARD);
		p2 = pin_or_fail(b2, "N3", NULL);
		w2 = watcher_or_fail();
		watch_or_fail(w2, p2, NULL);
		pinwatch_board_close(b2);
		pinwatch_watcher_free(w2);
		pinwatch_pin_close(p2);
		ck_assert_int_ge(fcntl(fd, F_GETFD), 0);
	}
	for (int i = 0; i < 10; i++) {
		toggle(b, "N3", 5);   /* 10 edges: within the 16-event line buffer */
		drain(w);
	}
	ck_assert_int_eq(hits, 100);
	pinwatch_pin_close(p);
	pinwatch_watcher_free(w);
	pinwatch_board_close(b);
}
END_TEST

/* A descriptor is closed exactly once: a second close is refused, and so is
 * the close of a descriptor pinwatch does not own (it may be someone else's
 * by now). */
START_TEST(t_fd_closed_exactly_once)
{
	int pfd[2];

	ck_assert_int_eq(pipe2(pfd, O_CLOEXEC), 0);
	int mine = pw_fd_own(pfd[0], "test pipe");
	int copy = mine;
	pw_fd_close(&mine);
	ck_assert_int_eq(mine, -1);
	ck_assert_int_lt(fcntl(copy, F_GETFD), 0);    /* closed */
	/* the number is reused by the next open: a stale close must not hit it */
	int other = dup3(pfd[1], copy, O_CLOEXEC);
	ck_assert_int_eq(other, copy);
	pw_fd_close(&copy);                            /* not ours any more */
	ck_assert_int_eq(copy, -1);
	ck_assert_int_ge(fcntl(other, F_GETFD), 0);   /* still open */
	close(other);
	close(pfd[1]);
}
END_TEST

/* A faulted descriptor leaves epoll: the loop does not spin on it. */
START_TEST(t_dead_fd_leaves_epoll)
{
	pinwatch_board *b = fx.board;
	pinwatch_pin *p = fx.pin;
	pinwatch_watcher *w = fx.watcher;
	pinwatch_watch_id id;
	struct pinwatch_event ev[4];
	struct pinwatch_sim_fault f = { .kind = PINWATCH_SIM_FAULT_BANK_GONE, .bank = 2 };
	struct pinwatch_watch_config cfg = { .queue_size = 4 };

	id = watch_or_fail(w, p, &cfg);
	ck_assert_int_eq(pinwatch_sim_fault(b, &f), 0);
	drain(w);
	ck_assert_int_eq(pinwatch_watch_read(w, id, ev, 4, 0), 1);
	ck_assert_int_eq(ev[0].edge, PINWATCH_EVENT_ERROR);
	ck_assert_int_eq(ev[0].value, -ENODEV);
	/* nothing more is ever ready: dispatch with a timeout returns 0 */
	ck_assert_int_eq(pinwatch_watcher_dispatch(w, 10), 0);
	ck_assert_int_eq(pinwatch_watch_read(w, id, ev, 4, 0), -ENODEV);
	struct pinwatch_watch_stats st;
	st = stats_or_fail(w, id);
	ck_assert_int_eq(st.error, -ENODEV);
}
END_TEST

Suite *core_fds_suite(void)
{
	Suite *s = suite_create("rule 1: descriptors");
	TCase *tc = tcase_create("fds");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, t_every_fd_cloexec);
	tcase_add_test(tc, t_no_fd_in_exec_child);
	tcase_add_test(tc, t_cycles_leave_no_trace);
	tcase_add_test(tc, t_watched_fd_survives_churn);
	tcase_add_test(tc, t_fd_closed_exactly_once);
	suite_add_tcase(s, tc);
	TCase *one = tcase_create("fds, one pin");
	tcase_add_checked_fixture(one, one_pin_setup, one_pin_teardown);
	tcase_set_timeout(one, 120);
	tcase_add_test(one, t_dead_fd_leaves_epoll);
	suite_add_tcase(s, one);
	return s;
}
