/* SPDX-License-Identifier: MIT */
/*
 * The conformance suite's counter section: the counter backend on a real
 * kernel count (interrupt-cnt on a gpio-sim line, the ARM VM rig:
 * tests/vm/arm/pinwatch-counter.dtsi, guest.d/60-counter), through the
 * public API only.  The world is the line's gpio-sim pull attribute:
 * each pull-up is one rising edge, one interrupt, one count.
 *
 * Environment: PINWATCH_TEST_BOARD (default "counter,interval_ms=10"),
 * PINWATCH_TEST_COUNTER (the pin, default "meter-n3"),
 * PINWATCH_TEST_COUNTER_PULL (the pull attribute of the line the counter
 * counts; without it the suite is skipped, exit 77).  Every wait is bounded;
 * nothing asserts on speed.  Pulses are at least 2 ms apart: gpio-sim's
 * interrupts wait for the next tick on a uniprocessor ARM (HZ=1000 there).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "pinwatch.h"
#include "testutil.h"

#define WAIT_MS 20000

static const char *spec = "counter,interval_ms=10";
static const char *pin_name = "meter-n3";
static const char *pull_path;
static char count_path[128];

static pinwatch_board *board;
static pinwatch_pin *pin;
static pinwatch_watcher *watcher;

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
	ck_assert_msg(write(fd, text, strlen(text)) == (ssize_t)strlen(text),
		      "write %s to %s: %s", text, path, strerror(errno));
	close(fd);
}

static void pause_us(unsigned long us)
{
	struct timespec ts = { (time_t)(us / 1000000), (long)(us % 1000000) * 1000 };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* n rising edges from outside, half_us apart (the line starts low). */
static void pulses(unsigned n, unsigned long half_us)
{
	for (unsigned i = 0; i < n; i++) {
		write_file(pull_path, "pull-up");
		pause_us(half_us);
		write_file(pull_path, "pull-down");
		pause_us(half_us);
	}
}

static void setup(void)
{
	ck_assert_msg(pinwatch_board_open(spec, &board) == 0, "%s: %s", spec, pinwatch_last_error());
	ck_assert_msg(pinwatch_pin_open(board, pin_name, NULL, &pin) == 0, "%s: %s", pin_name,
		      pinwatch_last_error());
	struct pinwatch_line_info li;
	struct pinwatch_bank_info bi;
	ck_assert_int_eq(pinwatch_pin_info(pin, &li), 0);
	ck_assert_int_eq(pinwatch_board_bank_info(board, li.bank, &bi), 0);
	snprintf(count_path, sizeof(count_path), "/sys/bus/counter/devices/%s/count0/count", bi.name);
	ck_assert_int_eq(pinwatch_watcher_new(&watcher), 0);
	write_file(pull_path, "pull-down");
	pause_us(5000);
}

static void teardown(void)
{
	pinwatch_watcher_free(watcher);
	pinwatch_pin_close(pin);
	pinwatch_board_close(board);
	watcher = NULL;
	pin = NULL;
	board = NULL;
}

static pinwatch_watch_id add_counting(void)
{
	pinwatch_watch_id id;
	struct pinwatch_watch_config wc = { .edges = PINWATCH_EDGE_RISING };
	int ret = pinwatch_watch_add(watcher, pin, &wc, &id);
	ck_assert_msg(ret == 0, "watch add: %s", pinwatch_last_error());
	return id;
}

/* rising + lost_source: a core that has the count-run path counts every
 * edge as rising; one without it counts a poll's earlier edges as
 * lost_source.  Either way it is the kernel's count. */
static uint64_t counted(const struct pinwatch_watch_stats *st)
{
	return st->rising + st->lost_source;
}

/* Wait (bounded) until the watch counted want edges or failed; then three
 * more intervals, so that a count beyond want would show. */
static void wait_counted(pinwatch_watch_id id, uint64_t want, struct pinwatch_watch_stats *st)
{
	for (int ms = 0; ms < WAIT_MS; ms += 10) {
		ck_assert_int_eq(pinwatch_watch_stats(watcher, id, st), 0);
		if (counted(st) >= want || st->error)
			break;
		tu_sleep_ms(10);
	}
	tu_sleep_ms(50);
	ck_assert_int_eq(pinwatch_watch_stats(watcher, id, st), 0);
}

static const unsigned long half_periods_us[] = { 25000, 5000, 2000 };

START_TEST(t_pulse_trains_counted_exactly)
{
	const unsigned n = 40;
	struct pinwatch_watch_stats st;
	pinwatch_watch_id id = add_counting();

	ck_assert_int_eq(pinwatch_watcher_start(watcher), 0);
	pulses(n, half_periods_us[_i]);
	wait_counted(id, n, &st);
	ck_assert_msg(counted(&st) == n, "%lu us half period: counted %llu of %u", half_periods_us[_i],
		      (unsigned long long)counted(&st), n);
	ck_assert_uint_eq(st.falling, 0);
	ck_assert_int_eq(st.error, 0);
	ck_assert_uint_eq(st.delivered + st.lost, n);
}
END_TEST

START_TEST(t_wrap_and_sign_counted_through)
{
	struct pinwatch_watch_stats st;

	/* interrupt-cnt keeps an atomic_t: -2 is 2^32 - 2, five edges from a
	 * 32-bit wrap; then 2^31 - 2, four edges across the sign bit (the
	 * kernel shows the count sign-extended past it) */
	write_file(count_path, "18446744073709551614");
	pinwatch_watch_id id = add_counting();
	ck_assert_int_eq(pinwatch_watcher_start(watcher), 0);
	pulses(5, 5000);
	wait_counted(id, 5, &st);
	ck_assert_uint_eq(counted(&st), 5);
	ck_assert_int_eq(st.error, 0);
	ck_assert_int_eq(pinwatch_watch_remove(watcher, id), 0);

	write_file(count_path, "2147483646");
	id = add_counting();
	pulses(4, 5000);
	wait_counted(id, 4, &st);
	ck_assert_uint_eq(counted(&st), 4);
	ck_assert_int_eq(st.error, 0);
}
END_TEST

START_TEST(t_reset_reported)
{
	struct pinwatch_watch_stats st;
	pinwatch_watch_id id = add_counting();

	ck_assert_int_eq(pinwatch_watcher_start(watcher), 0);
	pulses(6, 5000);
	wait_counted(id, 6, &st);
	ck_assert_uint_eq(counted(&st), 6);
	write_file(count_path, "0");   /* someone resets the count */
	for (int ms = 0; ms < WAIT_MS && !st.error; ms += 10) {
		tu_sleep_ms(10);
		ck_assert_int_eq(pinwatch_watch_stats(watcher, id, &st), 0);
	}
	ck_assert_int_eq(st.error, -ERANGE);
	ck_assert_uint_eq(counted(&st), 6);
}
END_TEST

START_TEST(t_unsupported_refused)
{
	pinwatch_watch_id id;
	struct pinwatch_watch_config both = { .edges = PINWATCH_EDGE_BOTH };
	struct pinwatch_pin_config out = { .direction = PINWATCH_DIR_OUTPUT };
	pinwatch_pin *p2;

	ck_assert_int_eq(pinwatch_pin_get(pin), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(pinwatch_last_error(), "counter backend"));
	ck_assert_int_eq(pinwatch_watch_add(watcher, pin, &both, &id), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(pinwatch_last_error(), "rising edges only"));
	ck_assert_int_eq(pinwatch_pin_reconfigure(pin, &out), -EOPNOTSUPP);
	ck_assert_int_eq(pinwatch_pin_open(board, pin_name, NULL, &p2), -EBUSY);
}
END_TEST

static uint64_t cb_events, cb_last_seqno;

static void on_edge(const struct pinwatch_event *ev, void *ctx)
{
	(void)ctx;
	if (ev->edge == PINWATCH_EDGE_RISING) {
		cb_events++;
		cb_last_seqno = ev->seqno;
	}
}

START_TEST(t_callback_watch_events_or_refused)
{
	const unsigned n = 20;
	pinwatch_watch_id id;
	struct pinwatch_watch_config wc = { .edges = PINWATCH_EDGE_RISING, .callback = on_edge };
	struct pinwatch_watch_stats st;

	cb_events = cb_last_seqno = 0;
	int ret = pinwatch_watch_add(watcher, pin, &wc, &id);
	if (ret < 0) {
		/* no change-of-state events: refused, with the way out */
		ck_assert_int_eq(ret, -EOPNOTSUPP);
		ck_assert_ptr_nonnull(strstr(pinwatch_last_error(), "counters-only watch"));
		printf("conformance-counter: callback watch refused: %s\n", pinwatch_last_error());
		fflush(stdout);
		return;
	}
	ck_assert_int_eq(pinwatch_watcher_start(watcher), 0);
	pulses(n, 5000);
	wait_counted(id, n, &st);
	ck_assert_int_eq(st.error, 0);
	/* every edge delivered or counted lost: seqno has no gap */
	ck_assert_uint_eq(st.delivered + st.lost, n);
	ck_assert_int_eq(pinwatch_watcher_stop(watcher), 0);
	ck_assert_uint_eq(cb_events, st.delivered);
	ck_assert_uint_eq(cb_last_seqno, n);
	/* which path: one callback per edge (/dev/counterN events), or one
	 * per poll (a core that does not pass per_event) */
	printf("conformance-counter: callback watch: %llu callbacks, %llu lost, for %u edges\n",
	       (unsigned long long)cb_events, (unsigned long long)st.lost, n);
	fflush(stdout);
}
END_TEST

static Suite *counter_conformance_suite(void)
{
	Suite *s = suite_create("conformance-counter");
	TCase *tc = tcase_create("counting");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, t_pulse_trains_counted_exactly, 0,
			    (int)(sizeof(half_periods_us) / sizeof(half_periods_us[0])));
	tcase_add_test(tc, t_wrap_and_sign_counted_through);
	tcase_add_test(tc, t_reset_reported);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, t_unsupported_refused);
	tcase_add_test(tc, t_callback_watch_events_or_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	const char *env;

	if ((env = getenv("PINWATCH_TEST_BOARD")) && *env)
		spec = env;
	if ((env = getenv("PINWATCH_TEST_COUNTER")) && *env)
		pin_name = env;
	pull_path = getenv("PINWATCH_TEST_COUNTER_PULL");
	if (!pull_path || !*pull_path) {
		printf("conformance-counter: skipped: no PINWATCH_TEST_COUNTER_PULL (a kernel counter on a gpio-sim line: the ARM VM rig)\n");
		return 77;
	}
	SRunner *sr = srunner_create(counter_conformance_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
