/* SPDX-License-Identifier: MIT */
/*
 * test-sim: the simulator backend, through the public API (and, where the
 * public API cannot see it — raw seqno, the descriptor's poll state — through
 * its operations table).  Every test asserts values; none depends on speed.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"
#include "pinwatch.h"

#define VARIA "sim:aria-g25,clock=virtual"

/* ---------------------------------------------------------------- helpers */

static pinwatch_board *board(const char *spec)
{
	pinwatch_board *b = NULL;
	int ret = pinwatch_board_open(spec, &b);

	ck_assert_msg(ret == 0, "open %s: %d: %s", spec, ret, pinwatch_last_error());
	return b;
}

static pinwatch_pin *pin(pinwatch_board *b, const char *name, int dir, int bias,
			 int active_low)
{
	struct pinwatch_pin_config cfg = {
		.direction = dir, .bias = bias, .active_low = active_low,
	};
	pinwatch_pin *p = NULL;
	int ret = pinwatch_pin_open(b, name, &cfg, &p);

	ck_assert_msg(ret == 0, "pin %s: %d: %s", name, ret, pinwatch_last_error());
	return p;
}

static pinwatch_pin *input(pinwatch_board *b, const char *name)
{
	return pin(b, name, PINWATCH_DIR_INPUT, PINWATCH_BIAS_AS_IS, 0);
}

static pinwatch_watcher *watcher(void)
{
	pinwatch_watcher *w = NULL;

	ck_assert_int_eq(pinwatch_watcher_new(&w), 0);
	return w;
}

static pinwatch_watch_id watch(pinwatch_watcher *w, pinwatch_pin *p,
			       const struct pinwatch_watch_config *cfg)
{
	pinwatch_watch_id id = 0;
	int ret = pinwatch_watch_add(w, p, cfg, &id);

	ck_assert_msg(ret == 0, "watch: %d: %s", ret, pinwatch_last_error());
	return id;
}

/* Dispatch until nothing is pending; returns the raw events handled. */
static int drain(pinwatch_watcher *w)
{
	int total = 0, n;

	while ((n = pinwatch_watcher_dispatch(w, 0)) > 0)
		total += n;
	ck_assert_int_ge(n, 0);
	return total;
}

/* Everything queued on a queue watch, without waiting. */
static size_t take(pinwatch_watcher *w, pinwatch_watch_id id,
		   struct pinwatch_event *ev, size_t max)
{
	size_t got = 0;
	int n;

	while (got < max && (n = pinwatch_watch_read(w, id, ev + got, max - got, 0)) > 0)
		got += (size_t)n;
	return got;
}

static struct pinwatch_watch_stats stats(pinwatch_watcher *w, pinwatch_watch_id id)
{
	struct pinwatch_watch_stats st;

	ck_assert_int_eq(pinwatch_watch_stats(w, id, &st), 0);
	return st;
}

static struct pinwatch_sim_line_stats line_stats(pinwatch_board *b, const char *name)
{
	struct pinwatch_sim_line_stats st;

	ck_assert_int_eq(pinwatch_sim_line_stats(b, name, &st), 0);
	return st;
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - (!strcmp(dir, "/proc/self/fd") ? 1 : 0); /* opendir's own */
}

static int threads_now(void)
{
	return count_entries("/proc/self/task");
}

static void *nothing(void *arg)
{
	return arg;
}

/* The thread count to return to.  A first thread is made and joined before
 * counting: runtimes that start a helper thread of their own with the
 * process's first pthread_create (TSan's) have it running by then. */
static int threads_baseline(void)
{
	pthread_t t;

	ck_assert_int_eq(pthread_create(&t, NULL, nothing, NULL), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	usleep(10000);
	return threads_now();
}

/* Threads leave /proc/self/task just after their join returns. */
static int threads_settle(int want)
{
	int n = threads_now();

	for (int i = 0; i < 1000 && n > want; i++) {
		usleep(1000);
		n = threads_now();
	}
	return n;
}

static int has(const char *haystack, const char *needle)
{
	return strstr(haystack, needle) != NULL;
}

/* ------------------------------------------------------------------ layout */

START_TEST(test_layout_aria)
{
	static const char *const labels[] = { "pioA", "pioB", "pioC", "pioD" };
	static const unsigned lines[] = { 32, 19, 32, 22 };
	pinwatch_board *b = board("sim:aria-g25");
	struct pinwatch_bank_info bi;
	struct pinwatch_line_info li;

	ck_assert_str_eq(pinwatch_board_backend(b), "sim");
	ck_assert_str_eq(pinwatch_board_profile(b), "aria-g25");
	ck_assert_int_eq(pinwatch_board_clock(b), PINWATCH_CLOCK_MONOTONIC);
	ck_assert_int_eq(pinwatch_board_num_banks(b), 4);
	for (unsigned i = 0; i < 4; i++) {
		char name[16];
		snprintf(name, sizeof(name), "sim%u", i);
		ck_assert_int_eq(pinwatch_board_bank_info(b, i, &bi), 0);
		ck_assert_str_eq(bi.name, name);
		ck_assert_str_eq(bi.label, labels[i]);
		ck_assert_uint_eq(bi.num_lines, lines[i]);
		ck_assert_int_eq(bi.base, (int)i * 32);
	}
	ck_assert_int_eq(pinwatch_board_line_info(b, "N3", &li), 0);
	ck_assert_str_eq(li.name, "PC1");
	ck_assert_str_eq(li.bank_label, "pioC");
	ck_assert_uint_eq(li.bank, 2);
	ck_assert_uint_eq(li.offset, 1);
	ck_assert_int_eq(li.global, 65);
	ck_assert_int_eq(li.used, 0);
	ck_assert_int_eq(li.direction, PINWATCH_DIR_INPUT);
	ck_assert_int_eq(pinwatch_board_line_info(b, "PD21", &li), 0);
	ck_assert_uint_eq(li.bank, 3);
	ck_assert_uint_eq(li.offset, 21);
	ck_assert_int_eq(pinwatch_board_line_info(b, "PD22", &li), -ENOENT);
	pinwatch_board_close(b);
}
END_TEST

START_TEST(test_layout_plain)
{
	pinwatch_board *b = board("sim");
	struct pinwatch_bank_info bi;
	struct pinwatch_line_info li;

	ck_assert_ptr_null(pinwatch_board_profile(b));
	ck_assert_int_eq(pinwatch_board_num_banks(b), 1);
	ck_assert_int_eq(pinwatch_board_bank_info(b, 0, &bi), 0);
	ck_assert_str_eq(bi.label, "sim0");
	ck_assert_uint_eq(bi.num_lines, 64);
	ck_assert_int_eq(bi.base, 0);
	ck_assert_int_eq(pinwatch_board_line_info(b, "sim0:63", &li), 0);
	ck_assert_str_eq(li.name, "");
	ck_assert_int_eq(li.global, 63);
	pinwatch_board_close(b);

	b = board("sim,banks=4,lines=32,clock=virtual,buffer=8,overflow=newest");
	ck_assert_int_eq(pinwatch_board_num_banks(b), 4);
	ck_assert_int_eq(pinwatch_board_clock(b), PINWATCH_CLOCK_VIRTUAL);
	ck_assert_int_eq(pinwatch_board_bank_info(b, 3, &bi), 0);
	ck_assert_str_eq(bi.name, "sim3");
	ck_assert_str_eq(bi.label, "sim3");
	ck_assert_uint_eq(bi.num_lines, 32);
	ck_assert_int_eq(bi.base, 96);
	ck_assert_int_eq(pinwatch_board_line_info(b, "100", &li), 0);
	ck_assert_uint_eq(li.bank, 3);
	ck_assert_uint_eq(li.offset, 4);
	pinwatch_board_close(b);
}
END_TEST

START_TEST(test_bad_options)
{
	static const char *const bad[] = {
		"sim,banks=0", "sim,banks=65", "sim,lines=0", "sim,lines=x",
		"sim:aria-g25,lines=8", "sim:aria-g25,banks=2", "sim,clock=fast",
		"sim,overflow=middle", "sim,buffer=0", "sim,speed=1", "sim:nosuch",
	};
	for (size_t i = 0; i < PW_ARRAY_SIZE(bad); i++) {
		pinwatch_board *b = NULL;
		int ret = pinwatch_board_open(bad[i], &b);
		ck_assert_msg(ret == -EINVAL, "%s: %d", bad[i], ret);
		ck_assert_ptr_null(b);
		ck_assert_msg(pinwatch_last_error()[0], "%s: no message", bad[i]);
	}
	pinwatch_board *b = NULL;
	ck_assert_int_eq(pinwatch_board_open("sim,clock=real", &b), 0);
	pinwatch_board_close(b);
}
END_TEST

/* ---------------------------------------------------------- levels, pulls */

START_TEST(test_pulls_and_drive)
{
	pinwatch_board *b = board(VARIA);
	pinwatch_pin *up = pin(b, "PA0", PINWATCH_DIR_INPUT, PINWATCH_BIAS_PULL_UP, 0);
	pinwatch_pin *down = pin(b, "PA1", PINWATCH_DIR_INPUT, PINWATCH_BIAS_PULL_DOWN, 0);
	pinwatch_pin *flt = pin(b, "PA2", PINWATCH_DIR_INPUT, PINWATCH_BIAS_DISABLED, 0);
	struct pinwatch_line_info li;

	ck_assert_int_eq(pinwatch_pin_get(up), 1);
	ck_assert_int_eq(pinwatch_pin_get(down), 0);
	ck_assert_int_eq(pinwatch_pin_get(flt), 0);   /* initially low */
	ck_assert_int_eq(pinwatch_pin_info(up, &li), 0);
	ck_assert_int_eq(li.bias, PINWATCH_BIAS_PULL_UP);
	ck_assert_int_eq(li.used, 1);

	/* A signal from outside beats the pull ... */
	ck_assert_int_eq(pinwatch_sim_drive(b, "PA0", PINWATCH_SIM_LOW), 0);
	ck_assert_int_eq(pinwatch_pin_get(up), 0);
	ck_assert_int_eq(pinwatch_sim_drive(b, "PA1", PINWATCH_SIM_HIGH), 0);
	ck_assert_int_eq(pinwatch_pin_get(down), 1);
	/* ... and floating gives the line back to it. */
	ck_assert_int_eq(pinwatch_sim_drive(b, "PA0", PINWATCH_SIM_FLOAT), 0);
	ck_assert_int_eq(pinwatch_pin_get(up), 1);
	ck_assert_int_eq(pinwatch_sim_drive(b, "PA1", PINWATCH_SIM_FLOAT), 0);
	ck_assert_int_eq(pinwatch_pin_get(down), 0);
	/* Without a pull a floating line keeps its last level. */
	ck_assert_int_eq(pinwatch_sim_drive(b, "PA2", PINWATCH_SIM_HIGH), 0);
	ck_assert_int_eq(pinwatch_sim_drive(b, "PA2", PINWATCH_SIM_FLOAT), 0);
	ck_assert_int_eq(pinwatch_pin_get(flt), 1);
	ck_assert_int_eq(pinwatch_sim_sense(b, "PA2"), 1);

	ck_assert_int_eq(pinwatch_sim_drive(b, "PA2", 2), -EINVAL);
	ck_assert_int_eq(pinwatch_sim_drive(b, "nosuch", 1), -ENOENT);

	/* Every physical change counted: PA0 1->0->1, PA1 0->1->0, PA2 0->1. */
	ck_assert_uint_eq(line_stats(b, "PA0").level_changes, 3); /* +pull-up at open */
	ck_assert_uint_eq(line_stats(b, "PA1").level_changes, 2);
	ck_assert_uint_eq(line_stats(b, "PA2").level_changes, 1);

	pinwatch_pin_close(up);
	pinwatch_pin_close(down);
	pinwatch_pin_close(flt);
	pinwatch_board_close(b);
}
END_TEST

START_TEST(test_output_and_open_drain)
{
	pinwatch_board *b = board(VARIA);
	struct pinwatch_pin_config oc = { .direction = PINWATCH_DIR_OUTPUT, .value = 1 };
	pinwatch_pin *out = NULL, *od = NULL;

	ck_assert_int_eq(pinwatch_pin_open(b, "PB0", &oc, &out), 0);
	ck_assert_int_eq(pinwatch_sim_sense(b, "PB0"), 1);
	ck_assert_int_eq(pinwatch_pin_get(out), 1);
	/* An output drives itself: a signal from outside is ignored. */
	ck_assert_int_eq(pinwatch_sim_drive(b, "PB0", PINWATCH_SIM_LOW), 0);
	ck_assert_int_eq(pinwatch_sim_sense(b, "PB0"), 1);
	ck_assert_int_eq(pinwatch_pin_set(out, 0), 0);
	ck_assert_int_eq(pinwatch_sim_sense(b, "PB0"), 0);
	/* Released, the line is no longer driven: the outside signal rules. */
	ck_assert_int_eq(pinwatch_sim_drive(b, "PB0", PINWATCH_SIM_HIGH), 0);
	ck_assert_int_eq(pinwatch_sim_sense(b, "PB0"), 0);
	pinwatch_pin_close(out);
	ck_assert_int_eq(pinwatch_sim_sense(b, "PB0"), 1);

	/* Active-low output: logical 1 is physical 0. */
	oc.active_low = 1;
	ck_assert_int_eq(pinwatch_pin_open(b, "PB1", &oc, &out), 0);
	ck_assert_int_eq(pinwatch_sim_sense(b, "PB1"), 0);
	ck_assert_int_eq(pinwatch_pin_get(out), 1);
	pinwatch_pin_close(out);

	/* Open drain with a pull-up: 1 releases the line to the pull. */
	struct pinwatch_pin_config odc = {
		.direction = PINWATCH_DIR_OUTPUT, .value = 0,
		.drive = PINWATCH_DRIVE_OPEN_DRAIN, .bias = PINWATCH_BIAS_PULL_UP,
	};
	ck_assert_int_eq(pinwatch_pin_open(b, "PB2", &odc, &od), 0);
	ck_assert_int_eq(pinwatch_sim_sense(b, "PB2"), 0);
	ck_assert_int_eq(pinwatch_pin_set(od, 1), 0);
	ck_assert_int_eq(pinwatch_sim_sense(b, "PB2"), 1);
	/* Released by the output, pulled low from outside (wired-AND). */
	ck_assert_int_eq(pinwatch_sim_drive(b, "PB2", PINWATCH_SIM_LOW), 0);
	ck_assert_int_eq(pinwatch_sim_sense(b, "PB2"), 0);
	ck_assert_int_eq(pinwatch_pin_get(od), 0);
	pinwatch_pin_close(od);
	pinwatch_board_close(b);
}
END_TEST

START_TEST(test_busy_and_eperm)
{
	pinwatch_board *b = board(VARIA);
	struct pinwatch_pin_config cfg = { .consumer = "meter" };
	pinwatch_pin *p = NULL, *q = NULL;

	ck_assert_int_eq(pinwatch_pin_open(b, "N3", &cfg, &p), 0);
	/* The same line under another of its names is the same line. */
	ck_assert_int_eq(pinwatch_pin_open(b, "PC1", NULL, &q), -EBUSY);
	ck_assert_ptr_null(q);
	ck_assert_msg(has(pinwatch_last_error(), "line is used by 'meter'"), "%s",
		      pinwatch_last_error());
	struct pinwatch_line_info li;
	ck_assert_int_eq(pinwatch_board_line_info(b, "N3", &li), 0);
	ck_assert_int_eq(li.used, 1);
	ck_assert_str_eq(li.consumer, "meter");

	ck_assert_int_eq(pinwatch_pin_set(p, 1), -EPERM);
	ck_assert_msg(has(pinwatch_last_error(), "input"), "%s", pinwatch_last_error());
	pinwatch_pin_close(p);
	ck_assert_int_eq(pinwatch_pin_open(b, "PC1", NULL, &q), 0);
	pinwatch_pin_close(q);
	pinwatch_board_close(b);
}
END_TEST

START_TEST(test_reconfigure)
{
	pinwatch_board *b = board(VARIA);
	pinwatch_pin *p = pin(b, "PD3", PINWATCH_DIR_INPUT, PINWATCH_BIAS_PULL_UP, 0);
	struct pinwatch_line_info li;

	ck_assert_int_eq(pinwatch_pin_get(p), 1);
	/* Active-low flips the logical view, not the pad. */
	struct pinwatch_pin_config al = { .active_low = 1, .bias = PINWATCH_BIAS_PULL_UP };
	ck_assert_int_eq(pinwatch_pin_reconfigure(p, &al), 0);
	ck_assert_int_eq(pinwatch_pin_get(p), 0);
	ck_assert_int_eq(pinwatch_sim_sense(b, "PD3"), 1);
	/* To an open-source output driving logical 1 = physical 0: released,
	 * so the pull-up still shows. */
	struct pinwatch_pin_config os = {
		.direction = PINWATCH_DIR_OUTPUT, .value = 1, .active_low = 1,
		.drive = PINWATCH_DRIVE_OPEN_SOURCE, .bias = PINWATCH_BIAS_PULL_DOWN,
	};
	ck_assert_int_eq(pinwatch_pin_reconfigure(p, &os), 0);
	ck_assert_int_eq(pinwatch_sim_sense(b, "PD3"), 0);   /* pull-down now */
	ck_assert_int_eq(pinwatch_pin_set(p, 0), 0);          /* physical 1: driven */
	ck_assert_int_eq(pinwatch_sim_sense(b, "PD3"), 1);
	ck_assert_int_eq(pinwatch_pin_info(p, &li), 0);
	ck_assert_int_eq(li.direction, PINWATCH_DIR_OUTPUT);
	ck_assert_int_eq(li.active_low, 1);
	ck_assert_int_eq(li.drive, PINWATCH_DRIVE_OPEN_SOURCE);
	ck_assert_int_eq(li.bias, PINWATCH_BIAS_PULL_DOWN);
	pinwatch_pin_close(p);
	/* Released: an input again; the pad keeps its pull (bias is sticky). */
	ck_assert_int_eq(pinwatch_board_line_info(b, "PD3", &li), 0);
	ck_assert_int_eq(li.used, 0);
	ck_assert_int_eq(li.direction, PINWATCH_DIR_INPUT);
	ck_assert_int_eq(li.bias, PINWATCH_BIAS_PULL_DOWN);
	ck_assert_int_eq(pinwatch_sim_sense(b, "PD3"), 0);
	pinwatch_board_close(b);
}
END_TEST

/* The sim's own checks behind the core's: set on an input, edges on an
 * output, a second request (through the operations table). */
START_TEST(test_ops_checks)
{
	pinwatch_board *b = board(VARIA);
	const struct pw_backend_ops *ops = &pw_backend_sim;
	struct pw_line_config in = { .direction = PINWATCH_DIR_INPUT, .consumer = "a" };
	struct pw_line_config out = { .direction = PINWATCH_DIR_OUTPUT, .consumer = "b" };
	struct pw_edge_config ec = { .edges = PINWATCH_EDGE_BOTH };
	void *st, *li, *lo, *lx;
	int fd;

	ck_assert_int_eq(pw_board_backend_state(b, ops, &st), 0);
	ck_assert_int_eq(ops->request(st, 3, 0, &in, &li), 0);
	ck_assert_int_eq(ops->request(st, 3, 0, &out, &lx), -EBUSY);
	ck_assert_int_eq(ops->request(st, 3, 1, &out, &lo), 0);
	ck_assert_int_eq(ops->set(li, 1), -EPERM);
	ck_assert_int_eq(ops->edges_enable(lo, &ec, &fd), -EINVAL);
	ck_assert_int_eq(ops->set(lo, 1), 0);
	ck_assert_int_eq(ops->get(lo), 1);
	ck_assert_int_eq(ops->edges_enable(li, &ec, &fd), 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	ck_assert_int_eq(fcntl(fd, F_GETFL) & O_NONBLOCK, O_NONBLOCK);
	ck_assert_int_eq(ops->reconfigure(li, &out), -EBUSY);   /* while watched */
	ops->edges_disable(li);
	ck_assert_int_eq(ops->reconfigure(li, &out), 0);
	ck_assert_int_eq(ops->set(li, 1), 0);
	ops->release(li);
	ops->release(lo);
	pinwatch_board_close(b);
}
END_TEST

/* ------------------------------------------------------------------ wires */

START_TEST(test_wire_levels)
{
	pinwatch_board *b = board(VARIA);
	struct pinwatch_pin_config oc = { .direction = PINWATCH_DIR_OUTPUT };
	pinwatch_pin *out = NULL;

	ck_assert_int_eq(pinwatch_pin_open(b, "N2", &oc, &out), 0);
	pinwatch_pin *in1 = input(b, "N3");
	pinwatch_pin *in2 = pin(b, "N4", PINWATCH_DIR_INPUT, PINWATCH_BIAS_PULL_UP, 0);
	ck_assert_int_eq(pinwatch_pin_get(in2), 1);

	/* Fan-out: one output, two inputs. */
	ck_assert_int_eq(pinwatch_sim_wire(b, "N2", "N3"), 0);
	ck_assert_int_eq(pinwatch_sim_wire(b, "N2", "N4"), 0);
	ck_assert_int_eq(pinwatch_pin_get(in2), 0);   /* the output beats the pull */
	ck_assert_int_eq(pinwatch_pin_set(out, 1), 0);
	ck_assert_int_eq(pinwatch_pin_get(in1), 1);
	ck_assert_int_eq(pinwatch_pin_get(in2), 1);
	ck_assert_int_eq(pinwatch_pin_set(out, 0), 0);
	ck_assert_int_eq(pinwatch_pin_get(in1), 0);
	ck_assert_int_eq(pinwatch_pin_get(in2), 0);

	/* A chain: N3 carries N2 on to N5. */
	ck_assert_int_eq(pinwatch_sim_wire(b, "N3", "N5"), 0);
	ck_assert_int_eq(pinwatch_pin_set(out, 1), 0);
	ck_assert_int_eq(pinwatch_sim_sense(b, "N5"), 1);

	/* Refused: a loop, a second wire onto an input, a wire onto an output,
	 * an output request on a wired line. */
	ck_assert_int_eq(pinwatch_sim_wire(b, "N5", "N2"), -ELOOP);
	ck_assert_int_eq(pinwatch_sim_wire(b, "N5", "N5"), -ELOOP);
	ck_assert_int_eq(pinwatch_sim_wire(b, "N6", "N3"), -EBUSY);
	ck_assert_int_eq(pinwatch_sim_wire(b, "N6", "N2"), -EBUSY);
	ck_assert_msg(has(pinwatch_last_error(), "output"), "%s", pinwatch_last_error());
	pinwatch_pin *bad = NULL;
	ck_assert_int_eq(pinwatch_pin_open(b, "N5", &oc, &bad), -EBUSY);

	/* Unwired, the pull-up takes N4 back; N3 keeps its level. */
	ck_assert_int_eq(pinwatch_pin_set(out, 0), 0);
	ck_assert_int_eq(pinwatch_sim_unwire(b, "N4"), 0);
	ck_assert_int_eq(pinwatch_pin_get(in2), 1);
	ck_assert_int_eq(pinwatch_sim_unwire(b, "N4"), -ENOENT);
	ck_assert_int_eq(pinwatch_sim_unwire(b, "N3"), 0);
	ck_assert_int_eq(pinwatch_pin_set(out, 1), 0);
	ck_assert_int_eq(pinwatch_pin_get(in1), 0);
	ck_assert_int_eq(pinwatch_sim_sense(b, "N5"), 0);

	pinwatch_pin_close(out);
	pinwatch_pin_close(in1);
	pinwatch_pin_close(in2);
	pinwatch_board_close(b);
}
END_TEST

START_TEST(test_wire_edges)
{
	pinwatch_board *b = board(VARIA);
	struct pinwatch_pin_config oc = { .direction = PINWATCH_DIR_OUTPUT };
	pinwatch_pin *out = NULL;
	pinwatch_watcher *w = watcher();
	struct pinwatch_event ev[8];

	ck_assert_int_eq(pinwatch_pin_open(b, "N2", &oc, &out), 0);
	pinwatch_pin *in = input(b, "N3");
	ck_assert_int_eq(pinwatch_sim_wire(b, "N2", "N3"), 0);
	struct pinwatch_watch_config wc = { .queue_size = 8 };
	pinwatch_watch_id id = watch(w, in, &wc);

	ck_assert_int_eq(pinwatch_sim_advance(b, 100), 0);
	ck_assert_int_eq(pinwatch_pin_set(out, 1), 0);
	ck_assert_int_eq(pinwatch_sim_advance(b, 50), 0);
	ck_assert_int_eq(pinwatch_pin_set(out, 0), 0);
	ck_assert_int_eq(pinwatch_pin_set(out, 0), 0);   /* no change: no edge */
	ck_assert_int_eq(drain(w), 2);
	ck_assert_uint_eq(take(w, id, ev, 8), 2);
	ck_assert_int_eq(ev[0].edge, PINWATCH_EDGE_RISING);
	ck_assert_int_eq(ev[0].value, 1);
	ck_assert_uint_eq(ev[0].timestamp_ns, 100);   /* stamped "now" */
	ck_assert_ptr_eq(ev[0].pin, in);
	ck_assert_int_eq(ev[1].edge, PINWATCH_EDGE_FALLING);
	ck_assert_uint_eq(ev[1].timestamp_ns, 150);
	ck_assert_uint_eq(ev[1].seqno, 2);

	pinwatch_watcher_free(w);
	pinwatch_pin_close(in);
	pinwatch_pin_close(out);
	pinwatch_board_close(b);
}
END_TEST

START_TEST(test_active_low_edges)
{
	pinwatch_board *b = board(VARIA);
	pinwatch_pin *p = pin(b, "N7", PINWATCH_DIR_INPUT, PINWATCH_BIAS_AS_IS, 1);
	pinwatch_watcher *w = watcher();
	struct pinwatch_event ev[4];
	struct pinwatch_watch_config wc = { .queue_size = 4, .edges = PINWATCH_EDGE_FALLING };
	pinwatch_watch_id id = watch(w, p, &wc);

	ck_assert_int_eq(pinwatch_pin_get(p), 1);   /* physical 0 */
	ck_assert_int_eq(pinwatch_sim_drive(b, "N7", 1), 0);   /* physical rise */
	ck_assert_int_eq(pinwatch_pin_get(p), 0);
	ck_assert_int_eq(pinwatch_sim_drive(b, "N7", 0), 0);   /* logical rise: filtered */
	drain(w);
	ck_assert_uint_eq(take(w, id, ev, 4), 1);
	ck_assert_int_eq(ev[0].edge, PINWATCH_EDGE_FALLING);
	ck_assert_int_eq(ev[0].value, 0);
	/* The sim records only the requested edges. */
	struct pinwatch_sim_line_stats ls = line_stats(b, "N7");
	ck_assert_uint_eq(ls.edges, 1);
	ck_assert_uint_eq(ls.level_changes, 2);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

/* ------------------------------------------------------------ virtual time */

START_TEST(test_million_pulses)
{
	enum { PULSES = 1000000, STEP = 100 };
	const uint64_t period = 1000, phase = 250, high = 400;
	pinwatch_board *b = board(VARIA);
	pinwatch_pin *p = input(b, "N3");
	pinwatch_watcher *w = watcher();
	struct pinwatch_watch_config wc = {
		.edges = PINWATCH_EDGE_RISING, .queue_size = 256, .event_buffer = 128,
	};
	pinwatch_watch_id id = watch(w, p, &wc);
	struct pinwatch_sim_pulse ps = {
		.period_ns = period, .high_ns = high, .phase_ns = phase, .count = PULSES,
	};
	struct pinwatch_event ev[256];
	unsigned gen;
	uint64_t seen = 0, bad_ts = 0, bad_seq = 0, now;

	ck_assert_int_eq(pinwatch_sim_advance(b, 1000), 0);   /* t0 = 1000 */
	ck_assert_int_eq(pinwatch_sim_pulse(b, "N3", &ps, &gen), 0);
	ck_assert_int_eq(pinwatch_sim_pulse_wait(b, gen, 0), 0);
	for (int step = 0; step < PULSES / STEP; step++) {
		ck_assert_int_eq(pinwatch_sim_advance(b, STEP * period), 0);
		drain(w);
		size_t n = take(w, id, ev, 256);
		for (size_t i = 0; i < n; i++, seen++) {
			bad_ts += ev[i].timestamp_ns != 1000 + phase + seen * period;
			bad_seq += ev[i].seqno != seen + 1 || ev[i].lost;
		}
	}
	/* The train is over exactly: its last fall was inside the last step. */
	ck_assert_int_eq(pinwatch_sim_pulse_wait(b, gen, 0), 1);
	ck_assert_int_eq(pinwatch_sim_now(b, &now), 0);
	ck_assert_uint_eq(now, 1000 + (uint64_t)PULSES * period);
	drain(w);
	ck_assert_uint_eq(take(w, id, ev, 256), 0);

	ck_assert_uint_eq(seen, PULSES);
	ck_assert_uint_eq(bad_ts, 0);
	ck_assert_uint_eq(bad_seq, 0);
	struct pinwatch_watch_stats st = stats(w, id);
	ck_assert_uint_eq(st.rising, PULSES);
	ck_assert_uint_eq(st.falling, 0);
	ck_assert_uint_eq(st.delivered, PULSES);
	ck_assert_uint_eq(st.lost, 0);
	struct pinwatch_sim_line_stats ls = line_stats(b, "N3");
	ck_assert_uint_eq(ls.edges, PULSES);
	ck_assert_uint_eq(ls.dropped, 0);
	ck_assert_uint_eq(ls.level_changes, 2 * PULSES);
	ck_assert_int_eq(pinwatch_sim_pulse_stop(b, gen), 0);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

/* Counters only, the pulse-counter case: N2 pulsed, jumpered to N3. */
START_TEST(test_counter_through_wire)
{
	enum { PULSES = 200000 };
	pinwatch_board *b = board(VARIA);
	pinwatch_pin *p = input(b, "N3");
	pinwatch_watcher *w = watcher();
	struct pinwatch_watch_config wc = { .edges = PINWATCH_EDGE_BOTH };
	pinwatch_watch_id id = watch(w, p, &wc);
	struct pinwatch_sim_pulse ps = { .period_ns = 10000, .count = PULSES };
	unsigned gen;

	ck_assert_int_eq(pinwatch_sim_wire(b, "N2", "N3"), 0);
	ck_assert_int_eq(pinwatch_sim_pulse(b, "N2", &ps, &gen), 0);
	/* 8 pulses = 16 edges per step: exactly the default buffer. */
	for (int i = 0; i < PULSES / 8; i++) {
		ck_assert_int_eq(pinwatch_sim_advance(b, 8 * 10000 - (i == 0)), 0);
		drain(w);
	}
	ck_assert_int_eq(pinwatch_sim_advance(b, 1), 0);
	drain(w);
	struct pinwatch_watch_stats st = stats(w, id);
	ck_assert_uint_eq(st.rising, PULSES);
	ck_assert_uint_eq(st.falling, PULSES);
	ck_assert_uint_eq(st.lost, 0);
	ck_assert_uint_eq(line_stats(b, "N3").dropped, 0);
	ck_assert_uint_eq(line_stats(b, "N2").level_changes, 2 * PULSES);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

static void collect_jitter(unsigned seed, uint64_t *ts, size_t n)
{
	pinwatch_board *b = board(VARIA);
	pinwatch_pin *p = input(b, "N3");
	pinwatch_watcher *w = watcher();
	struct pinwatch_watch_config wc = { .queue_size = 256, .event_buffer = 256 };
	pinwatch_watch_id id = watch(w, p, &wc);
	struct pinwatch_sim_pulse ps = {
		.period_ns = 10000, .count = n / 2, .jitter_ns = 1000, .seed = seed,
	};
	struct pinwatch_event ev[256];
	unsigned gen;

	ck_assert_int_eq(pinwatch_sim_pulse(b, "N3", &ps, &gen), 0);
	ck_assert_int_eq(pinwatch_sim_advance(b, 10000 * (n / 2) + 1000), 0);
	drain(w);
	ck_assert_uint_eq(take(w, id, ev, 256), n);
	for (size_t i = 0; i < n; i++) {
		ck_assert_int_eq(ev[i].edge, i % 2 ? PINWATCH_EDGE_FALLING : PINWATCH_EDGE_RISING);
		ts[i] = ev[i].timestamp_ns;
	}
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}

START_TEST(test_jitter_deterministic)
{
	enum { N = 200 };
	uint64_t a[N], a2[N], c[N];
	int late = 0, differ = 0;

	collect_jitter(42, a, N);
	collect_jitter(42, a2, N);
	collect_jitter(7, c, N);
	for (size_t i = 0; i < N; i++) {
		uint64_t nominal = (i / 2) * 10000 + (i % 2) * 5000;
		ck_assert_uint_ge(a[i], nominal);
		ck_assert_uint_lt(a[i], nominal + 1000);
		ck_assert_uint_eq(a[i], a2[i]);
		late += a[i] != nominal;
		differ += a[i] != c[i];
	}
	/* Uniform over [0, 1000): virtually every edge is late, and another
	 * seed gives another sequence. */
	ck_assert_int_gt(late, N * 9 / 10);
	ck_assert_int_gt(differ, N * 9 / 10);
}
END_TEST

START_TEST(test_bounce_raw)
{
	enum { PULSES = 10, BOUNCE = 3 };
	pinwatch_board *b = board(VARIA);
	pinwatch_pin *p = input(b, "N3");
	pinwatch_watcher *w = watcher();
	struct pinwatch_watch_config wc = { .queue_size = 1024, .event_buffer = 1024 };
	pinwatch_watch_id id = watch(w, p, &wc);
	struct pinwatch_sim_pulse ps = {
		.period_ns = 1000000, .count = PULSES, .bounce = BOUNCE, .bounce_ns = 10000,
	};
	struct pinwatch_event ev[1024];
	unsigned gen;

	ck_assert_int_eq(pinwatch_sim_pulse(b, "N3", &ps, &gen), 0);
	ck_assert_int_eq(pinwatch_sim_advance(b, PULSES * 1000000ull), 0);
	drain(w);
	size_t n = take(w, id, ev, 1024);
	ck_assert_uint_eq(n, PULSES * 2 * (1 + 2 * BOUNCE));
	/* Each edge: the edge, then BOUNCE pairs 10 us apart ending on its level. */
	for (size_t i = 0; i < n; i++) {
		size_t edge = i / (1 + 2 * BOUNCE), sub = i % (1 + 2 * BOUNCE);
		int level = edge % 2 == 0;
		uint64_t t = (edge / 2) * 1000000 + (edge % 2) * 500000 + sub * 10000;
		ck_assert_uint_eq(ev[i].timestamp_ns, t);
		ck_assert_int_eq(ev[i].value, sub % 2 ? !level : level);
	}
	ck_assert_uint_eq(stats(w, id).lost, 0);
	ck_assert_uint_eq(line_stats(b, "N3").edges, n);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

START_TEST(test_bounce_debounced)
{
	enum { PULSES = 5000, BOUNCE = 4 };
	pinwatch_board *b = board(VARIA);
	pinwatch_pin *p = input(b, "N3");
	pinwatch_watcher *w = watcher();
	struct pinwatch_watch_config wc = {
		.edges = PINWATCH_EDGE_RISING, .debounce_ns = 100000, .event_buffer = 64,
	};
	pinwatch_watch_id id = watch(w, p, &wc);
	struct pinwatch_sim_pulse ps = {
		.period_ns = 1000000, .count = PULSES, .bounce = BOUNCE, .bounce_ns = 5000,
		.jitter_ns = 20000, .seed = 3,
	};
	unsigned gen;

	ck_assert_int_eq(pinwatch_sim_pulse(b, "N3", &ps, &gen), 0);
	for (int i = 0; i < PULSES; i++) {
		ck_assert_int_eq(pinwatch_sim_advance(b, 1000000), 0);
		drain(w);
	}
	struct pinwatch_watch_stats st = stats(w, id);
	ck_assert_uint_eq(st.rising, PULSES);
	ck_assert_uint_eq(st.delivered, PULSES);
	ck_assert_uint_eq(st.falling, 0);
	ck_assert_uint_eq(st.lost, 0);
	/* Software debounce saw both edges and every bounce transition. */
	ck_assert_uint_eq(st.filtered, (uint64_t)PULSES * 2 * 2 * BOUNCE);
	ck_assert_uint_eq(line_stats(b, "N3").edges, (uint64_t)PULSES * 2 * (1 + 2 * BOUNCE));
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

START_TEST(test_two_generators)
{
	pinwatch_board *b = board(VARIA);
	pinwatch_pin *p3 = input(b, "N3"), *p4 = input(b, "N4");
	pinwatch_watcher *w = watcher();
	struct pinwatch_watch_config wc = {
		.edges = PINWATCH_EDGE_RISING, .queue_size = 64, .event_buffer = 64,
	};
	pinwatch_watch_id i3 = watch(w, p3, &wc), i4 = watch(w, p4, &wc);
	struct pinwatch_sim_pulse a = { .period_ns = 700, .count = 20 };
	struct pinwatch_sim_pulse c = { .period_ns = 1100, .phase_ns = 300 };
	struct pinwatch_event ev[64];
	unsigned ga, gc, gx;

	ck_assert_int_eq(pinwatch_sim_pulse(b, "N3", &a, &ga), 0);
	ck_assert_int_eq(pinwatch_sim_pulse(b, "N4", &c, &gc), 0);
	ck_assert_uint_ne(ga, gc);
	/* One generator per line. */
	ck_assert_int_eq(pinwatch_sim_pulse(b, "N4", &a, &gx), -EBUSY);
	/* Edges exactly on the step's end belong to the step. */
	ck_assert_int_eq(pinwatch_sim_advance(b, 7000), 0);
	drain(w);
	size_t n = take(w, i3, ev, 64);
	ck_assert_uint_eq(n, 11);   /* 0, 700, ..., 7000 */
	for (size_t i = 0; i < n; i++)
		ck_assert_uint_eq(ev[i].timestamp_ns, i * 700);
	n = take(w, i4, ev, 64);
	ck_assert_uint_eq(n, 7);    /* 300, 1400, ..., 6900 */
	for (size_t i = 0; i < n; i++)
		ck_assert_uint_eq(ev[i].timestamp_ns, 300 + i * 1100);
	ck_assert_int_eq(pinwatch_sim_pulse_wait(b, gc, 0), -EINVAL);   /* endless */
	ck_assert_int_eq(pinwatch_sim_pulse_stop(b, gc), 0);
	ck_assert_int_eq(pinwatch_sim_pulse_stop(b, gc), -ENOENT);
	ck_assert_int_eq(pinwatch_sim_advance(b, 100000), 0);
	drain(w);
	ck_assert_uint_eq(take(w, i3, ev, 64), 9);
	ck_assert_uint_eq(take(w, i4, ev, 64), 0);   /* stopped */
	ck_assert_int_eq(pinwatch_sim_pulse_wait(b, ga, 1000), 1);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p3);
	pinwatch_pin_close(p4);
	pinwatch_board_close(b);
}
END_TEST

START_TEST(test_pulse_validation)
{
	pinwatch_board *b = board(VARIA);
	static const struct pinwatch_sim_pulse bad[] = {
		{ .period_ns = 0 },
		{ .period_ns = 1 },                           /* high = 0 */
		{ .period_ns = 1000, .high_ns = 1000 },
		{ .period_ns = 1000, .high_ns = 2000 },
		{ .period_ns = 1000, .jitter_ns = 500 },
		{ .period_ns = 1000, .high_ns = 100, .jitter_ns = 100 },
		{ .period_ns = 1000, .bounce = 1, .bounce_ns = 250 },   /* 500 >= 500 */
		{ .period_ns = 1000, .bounce = 1, .bounce_ns = 200, .jitter_ns = 100 },
		{ .period_ns = 1000000, .bounce = 1 },        /* default 1000 ns: fits */
		{ .period_ns = 1000000, .bounce = 0xffffffffu, .bounce_ns = 1 },
	};
	unsigned gen;

	for (size_t i = 0; i < PW_ARRAY_SIZE(bad); i++) {
		int ret = pinwatch_sim_pulse(b, "N3", &bad[i], &gen);
		if (i == 8) {
			ck_assert_int_eq(ret, 0);
			ck_assert_int_eq(pinwatch_sim_pulse_stop(b, gen), 0);
			continue;
		}
		ck_assert_msg(ret == -EINVAL, "case %zu: %d", i, ret);
		ck_assert_msg(pinwatch_last_error()[0], "case %zu: no message", i);
	}
	ck_assert_int_eq(pinwatch_sim_pulse(b, "N3", NULL, &gen), -EINVAL);
	ck_assert_int_eq(pinwatch_sim_pulse_stop(b, 12345), -ENOENT);
	ck_assert_int_eq(pinwatch_sim_pulse_wait(b, 12345, 0), -ENOENT);
	pinwatch_board_close(b);
}
END_TEST

START_TEST(test_virtual_clock)
{
	pinwatch_board *b = board(VARIA);
	pinwatch_pin *p = input(b, "N3");
	uint64_t now = 1;
	struct pinwatch_sim_pulse ps = { .period_ns = 100, .count = 1 };
	unsigned gen;

	ck_assert_int_eq(pinwatch_sim_now(b, &now), 0);
	ck_assert_uint_eq(now, 0);
	ck_assert_int_eq(pinwatch_sim_advance(b, 12345), 0);
	ck_assert_int_eq(pinwatch_sim_now(b, &now), 0);
	ck_assert_uint_eq(now, 12345);
	/* Nothing moves without advance. */
	ck_assert_int_eq(pinwatch_sim_pulse(b, "N3", &ps, &gen), 0);
	ck_assert_int_eq(pinwatch_pin_get(p), 0);
	ck_assert_int_eq(pinwatch_sim_pulse_wait(b, gen, 0), 0);
	ck_assert_int_eq(pinwatch_sim_advance(b, 0), 0);   /* the edge due now */
	ck_assert_int_eq(pinwatch_pin_get(p), 1);
	ck_assert_int_eq(pinwatch_sim_advance(b, 49), 0);
	ck_assert_int_eq(pinwatch_pin_get(p), 1);
	ck_assert_int_eq(pinwatch_sim_advance(b, 1), 0);
	ck_assert_int_eq(pinwatch_pin_get(p), 0);
	ck_assert_int_eq(pinwatch_sim_pulse_wait(b, gen, -1), 1);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

/* -------------------------------------------------------------- overflow */

/* One edge delivered first, so the watch has seen the line's seqno. */
static void prime(pinwatch_board *b, pinwatch_watcher *w, const char *name)
{
	ck_assert_int_eq(pinwatch_sim_drive(b, name, 1), 0);
	ck_assert_int_eq(drain(w), 1);
}

START_TEST(test_overflow_oldest)
{
	pinwatch_board *b = board("sim:aria-g25,clock=virtual,buffer=4");
	pinwatch_pin *p = input(b, "N3");
	pinwatch_watcher *w = watcher();
	struct pinwatch_watch_config wc = { .queue_size = 64 };
	pinwatch_watch_id id = watch(w, p, &wc);
	struct pinwatch_event ev[64];

	prime(b, w, "N3");
	/* 11 edges while nobody reads: the ring keeps the newest 4. */
	for (int i = 0; i < 11; i++)
		ck_assert_int_eq(pinwatch_sim_drive(b, "N3", i % 2 == 0 ? 0 : 1), 0);
	struct pinwatch_sim_line_stats ls = line_stats(b, "N3");
	ck_assert_uint_eq(ls.edges, 12);
	ck_assert_uint_eq(ls.dropped, 7);
	drain(w);
	ck_assert_uint_eq(take(w, id, ev, 64), 5);
	ck_assert_uint_eq(ev[0].seqno, 1);
	ck_assert_uint_eq(ev[0].lost, 0);
	/* The gap is where the kernel's seqno says, and seqno stays contiguous
	 * over delivered + lost. */
	ck_assert_uint_eq(ev[1].lost, 7);
	ck_assert_uint_eq(ev[1].seqno, 9);
	for (int i = 2; i < 5; i++) {
		ck_assert_uint_eq(ev[i].seqno, (uint64_t)i + 8);
		ck_assert_uint_eq(ev[i].lost, 0);
	}
	ck_assert_int_eq(ev[4].value, 0);   /* the last edge: falling */
	struct pinwatch_watch_stats st = stats(w, id);
	ck_assert_uint_eq(st.lost_source, ls.dropped);
	ck_assert_uint_eq(st.delivered + st.lost, ls.edges);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

START_TEST(test_overflow_newest)
{
	pinwatch_board *b = board("sim:aria-g25,clock=virtual,buffer=4,overflow=newest");
	pinwatch_pin *p = input(b, "N3");
	pinwatch_watcher *w = watcher();
	struct pinwatch_watch_config wc = { .queue_size = 64 };
	pinwatch_watch_id id = watch(w, p, &wc);
	struct pinwatch_event ev[64];

	prime(b, w, "N3");   /* high */
	/* 11 edges: f r f r kept, the newest 7 dropped, the line ends low. */
	for (int i = 0; i < 11; i++)
		ck_assert_int_eq(pinwatch_sim_drive(b, "N3", i % 2 == 0 ? 0 : 1), 0);
	struct pinwatch_sim_line_stats ls = line_stats(b, "N3");
	ck_assert_uint_eq(ls.edges, 12);
	ck_assert_uint_eq(ls.dropped, 7);
	drain(w);
	ck_assert_uint_eq(take(w, id, ev, 64), 5);
	for (int i = 0; i < 5; i++) {
		ck_assert_uint_eq(ev[i].seqno, (uint64_t)i + 1);
		ck_assert_uint_eq(ev[i].lost, 0);   /* v1: nothing tells */
	}
	ck_assert_int_eq(ev[4].value, 1);
	/* The line is low (the dropped edges ended on a fall); its next edge
	 * is a rise after the rise delivered last: pinwatch infers a loss (at
	 * least one; the truth is 7). */
	ck_assert_int_eq(pinwatch_sim_sense(b, "N3"), 0);
	ck_assert_int_eq(pinwatch_sim_drive(b, "N3", 1), 0);
	ck_assert_int_eq(pinwatch_sim_drive(b, "N3", 0), 0);
	drain(w);
	ck_assert_uint_eq(take(w, id, ev, 64), 2);
	ck_assert_int_eq(ev[0].value, 1);
	ck_assert_uint_eq(ev[0].lost, 1);
	ck_assert_uint_eq(ev[0].seqno, 7);
	ck_assert_int_eq(ev[1].value, 0);
	ck_assert_uint_eq(ev[1].seqno, 8);
	struct pinwatch_watch_stats st = stats(w, id);
	ck_assert_uint_eq(st.lost_source, 1);
	ls = line_stats(b, "N3");
	ck_assert_uint_eq(ls.dropped, 7);
	ck_assert_uint_eq(st.delivered + ls.dropped, ls.edges);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

/* Overflow before the watch's first read: the seqno starts at 1 per
 * request, so even the first gap is seen. */
START_TEST(test_overflow_before_first_read)
{
	pinwatch_board *b = board("sim:aria-g25,clock=virtual,buffer=4");
	pinwatch_pin *p = input(b, "N3");
	pinwatch_watcher *w = watcher();
	struct pinwatch_watch_config wc = { .queue_size = 64 };
	pinwatch_watch_id id = watch(w, p, &wc);
	struct pinwatch_event ev[64];

	for (int i = 0; i < 10; i++)
		ck_assert_int_eq(pinwatch_sim_drive(b, "N3", !(i % 2)), 0);
	drain(w);
	ck_assert_uint_eq(take(w, id, ev, 64), 4);
	ck_assert_uint_eq(ev[0].lost, 6);
	ck_assert_uint_eq(ev[0].seqno, 7);
	ck_assert_uint_eq(ev[3].seqno, 10);
	struct pinwatch_watch_stats st = stats(w, id);
	struct pinwatch_sim_line_stats ls = line_stats(b, "N3");
	ck_assert_uint_eq(ls.dropped, 6);
	ck_assert_uint_eq(st.lost_source, ls.dropped);
	ck_assert_uint_eq(st.delivered + st.lost, ls.edges);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

/* The raw view: seqno per line from 1 with overflow=oldest, 0 with newest;
 * the capability follows. */
START_TEST(test_raw_seqno)
{
	static const char *const specs[] = {
		"sim,clock=virtual,buffer=2", "sim,clock=virtual,buffer=2,overflow=newest",
	};
	for (int m = 0; m < 2; m++) {
		pinwatch_board *b = board(specs[m]);
		const struct pw_backend_ops *ops = &pw_backend_sim;
		struct pw_line_config in = { .direction = PINWATCH_DIR_INPUT, .consumer = "t" };
		struct pw_edge_config ec = { .edges = PINWATCH_EDGE_BOTH };
		struct pw_raw_event raw[8];
		void *st, *l;
		int fd;

		ck_assert_int_eq(pw_board_backend_state(b, ops, &st), 0);
		ck_assert_int_eq(!!(ops->caps(st) & PW_CAP_KERNEL_SEQNO), m == 0);
		ck_assert_int_eq(!!(ops->caps(st) & PW_CAP_KERNEL_DEBOUNCE), 0);
		ck_assert_int_eq(ops->request(st, 0, 5, &in, &l), 0);
		ck_assert_int_eq(ops->edges_enable(l, &ec, &fd), 0);
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ck_assert_int_eq(poll(&pfd, 1, 0), 0);   /* nothing pending */
		for (int i = 0; i < 5; i++)
			ck_assert_int_eq(pinwatch_sim_drive(b, "sim0:5", !(i % 2)), 0);
		ck_assert_int_eq(poll(&pfd, 1, 0), 1);
		ck_assert_int_eq(ops->read_events(l, raw, 8), 2);
		ck_assert_int_eq(poll(&pfd, 1, 0), 0);   /* drained: not readable */
		if (m == 0) {   /* oldest dropped: 4 and 5 remain */
			ck_assert_uint_eq(raw[0].seqno, 4);
			ck_assert_uint_eq(raw[1].seqno, 5);
			ck_assert_int_eq(raw[1].edge, PINWATCH_EDGE_RISING);
		} else {        /* newest dropped: 1 and 2 remain, no seqno */
			ck_assert_uint_eq(raw[0].seqno, 0);
			ck_assert_int_eq(raw[0].edge, PINWATCH_EDGE_RISING);
			ck_assert_int_eq(raw[1].edge, PINWATCH_EDGE_FALLING);
		}
		ck_assert_int_eq(ops->read_events(l, raw, 8), 0);
		ops->edges_disable(l);
		ops->release(l);
		pinwatch_board_close(b);
	}
}
END_TEST

START_TEST(test_event_buffer_per_watch)
{
	pinwatch_board *b = board(VARIA);
	pinwatch_pin *p = input(b, "N3");
	pinwatch_watcher *w = watcher();
	struct pinwatch_watch_config wc = { .event_buffer = 2 };
	pinwatch_watch_id id = watch(w, p, &wc);

	prime(b, w, "N3");
	for (int i = 0; i < 6; i++)
		ck_assert_int_eq(pinwatch_sim_drive(b, "N3", i % 2 == 0 ? 0 : 1), 0);
	drain(w);
	ck_assert_uint_eq(line_stats(b, "N3").dropped, 4);
	struct pinwatch_watch_stats st = stats(w, id);
	ck_assert_uint_eq(st.delivered, 3);
	ck_assert_uint_eq(st.lost_source, 4);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

/* ---------------------------------------------------------------- faults */

static int inject(pinwatch_board *b, int kind, int op, unsigned nth, int error,
		  const char *pinname)
{
	struct pinwatch_sim_fault f = {
		.kind = kind, .op = op, .nth = nth, .error = error, .pin = pinname,
	};
	return pinwatch_sim_fault(b, &f);
}

START_TEST(test_fault_request_nth)
{
	pinwatch_board *b = board(VARIA);
	pinwatch_pin *p[3] = { NULL };

	ck_assert_int_eq(inject(b, PINWATCH_SIM_FAULT_FAIL, PINWATCH_SIM_OP_REQUEST, 2, EIO, NULL), 0);
	ck_assert_int_eq(pinwatch_pin_open(b, "N3", NULL, &p[0]), 0);
	ck_assert_int_eq(pinwatch_pin_open(b, "N4", NULL, &p[1]), -EIO);
	ck_assert_msg(has(pinwatch_last_error(), "injected"), "%s", pinwatch_last_error());
	ck_assert_ptr_null(p[1]);
	ck_assert_int_eq(pinwatch_pin_open(b, "N4", NULL, &p[1]), 0);   /* spent */
	ck_assert_int_eq(pinwatch_pin_open(b, "N5", NULL, &p[2]), 0);
	for (int i = 0; i < 3; i++)
		pinwatch_pin_close(p[i]);
	pinwatch_board_close(b);
}
END_TEST

START_TEST(test_fault_pin_every_and_clear)
{
	pinwatch_board *b = board(VARIA);
	struct pinwatch_pin_config oc = { .direction = PINWATCH_DIR_OUTPUT };
	pinwatch_pin *a = NULL, *c = NULL;

	ck_assert_int_eq(pinwatch_pin_open(b, "N2", &oc, &a), 0);
	ck_assert_int_eq(pinwatch_pin_open(b, "N3", &oc, &c), 0);
	ck_assert_int_eq(inject(b, PINWATCH_SIM_FAULT_FAIL, PINWATCH_SIM_OP_SET, 0, EACCES, "N2"), 0);
	ck_assert_int_eq(inject(b, PINWATCH_SIM_FAULT_FAIL, PINWATCH_SIM_OP_GET, 1, ETIMEDOUT, "PC1"), 0);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(pinwatch_pin_set(a, 1), -EACCES);
		ck_assert_int_eq(pinwatch_pin_set(c, 1), 0);   /* only N2 */
	}
	ck_assert_int_eq(pinwatch_sim_sense(b, "N2"), 0);   /* never applied */
	ck_assert_int_eq(pinwatch_pin_get(a), 0);
	ck_assert_int_eq(pinwatch_pin_get(c), -ETIMEDOUT);
	ck_assert_int_eq(pinwatch_pin_get(c), 1);
	struct pinwatch_pin_config ic = { .direction = PINWATCH_DIR_INPUT };
	ck_assert_int_eq(inject(b, PINWATCH_SIM_FAULT_FAIL, PINWATCH_SIM_OP_RECONFIGURE, 1, ENXIO, NULL), 0);
	ck_assert_int_eq(pinwatch_pin_reconfigure(c, &ic), -ENXIO);
	ck_assert_int_eq(inject(b, PINWATCH_SIM_FAULT_CLEAR, 0, 0, 0, NULL), 0);
	ck_assert_int_eq(pinwatch_pin_set(a, 1), 0);
	ck_assert_int_eq(pinwatch_sim_sense(b, "N2"), 1);
	ck_assert_int_eq(pinwatch_pin_reconfigure(c, &ic), 0);
	pinwatch_pin_close(a);
	pinwatch_pin_close(c);
	pinwatch_board_close(b);
}
END_TEST

START_TEST(test_fault_edges_and_read)
{
	pinwatch_board *b = board(VARIA);
	pinwatch_pin *p = input(b, "N3");
	pinwatch_watcher *w = watcher();
	struct pinwatch_watch_config wc = { .queue_size = 8 };
	pinwatch_watch_id id = 0;
	struct pinwatch_event ev[8];

	ck_assert_int_eq(inject(b, PINWATCH_SIM_FAULT_FAIL, PINWATCH_SIM_OP_EDGES, 1, EBUSY, NULL), 0);
	ck_assert_int_eq(pinwatch_watch_add(w, p, &wc, &id), -EBUSY);
	id = watch(w, p, &wc);
	ck_assert_int_eq(inject(b, PINWATCH_SIM_FAULT_FAIL, PINWATCH_SIM_OP_READ, 2, EIO, "N3"), 0);
	prime(b, w, "N3");
	ck_assert_int_eq(pinwatch_sim_drive(b, "N3", 0), 0);
	drain(w);
	/* The fault arrives once, as an error event, and the watch is off. */
	ck_assert_uint_eq(take(w, id, ev, 8), 2);
	ck_assert_int_eq(ev[0].edge, PINWATCH_EDGE_RISING);
	ck_assert_int_eq(ev[1].edge, PINWATCH_EVENT_ERROR);
	ck_assert_int_eq(ev[1].value, -EIO);
	ck_assert_int_eq(stats(w, id).error, -EIO);
	ck_assert_int_eq(pinwatch_sim_drive(b, "N3", 1), 0);
	ck_assert_int_eq(drain(w), 0);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

START_TEST(test_fault_short_read_and_eintr)
{
	pinwatch_board *b = board(VARIA);
	pinwatch_pin *p = input(b, "N3");
	pinwatch_watcher *w = watcher();
	struct pinwatch_watch_config wc = { .queue_size = 16 };
	pinwatch_watch_id id = watch(w, p, &wc);
	struct pinwatch_event ev[16];

	for (int i = 0; i < 6; i++)
		ck_assert_int_eq(pinwatch_sim_drive(b, "N3", !(i % 2)), 0);
	ck_assert_int_eq(inject(b, PINWATCH_SIM_FAULT_EINTR, 0, 1, 0, NULL), 0);
	/* A transient EINTR is retried at once: nothing waits for a later wake. */
	ck_assert_int_eq(pinwatch_watcher_dispatch(w, 0), 6);
	for (int i = 0; i < 6; i++)
		ck_assert_int_eq(pinwatch_sim_drive(b, "N3", !(i % 2)), 0);
	ck_assert_int_eq(inject(b, PINWATCH_SIM_FAULT_SHORT_READ, 0, 0, 0, "N3"), 0);
	/* Every read short: one event per dispatch, the doorbell stays rung. */
	for (int i = 0; i < 6; i++)
		ck_assert_int_eq(pinwatch_watcher_dispatch(w, 0), 1);
	ck_assert_int_eq(pinwatch_watcher_dispatch(w, 0), 0);
	ck_assert_uint_eq(take(w, id, ev, 16), 12);
	for (int i = 0; i < 12; i++)
		ck_assert_uint_eq(ev[i].seqno, (uint64_t)i + 1);
	struct pinwatch_watch_stats st = stats(w, id);
	ck_assert_int_eq(st.error, 0);
	ck_assert_uint_eq(st.lost, 0);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

START_TEST(test_fault_bank_gone)
{
	pinwatch_board *b = board(VARIA);
	pinwatch_pin *p = input(b, "N3");        /* pioC */
	pinwatch_pin *a = input(b, "PA0");       /* pioA */
	pinwatch_watcher *w = watcher();
	struct pinwatch_watch_config wc = { .queue_size = 8 };
	pinwatch_watch_id id = watch(w, p, &wc), ida = watch(w, a, &wc);
	struct pinwatch_sim_fault gone = { .kind = PINWATCH_SIM_FAULT_BANK_GONE, .bank = 2 };
	struct pinwatch_event ev[8];

	/* The raw descriptor of another pioC line, watched outside the core. */
	const struct pw_backend_ops *ops = &pw_backend_sim;
	struct pw_line_config in = { .direction = PINWATCH_DIR_INPUT, .consumer = "t" };
	struct pw_edge_config ec = { .edges = PINWATCH_EDGE_BOTH };
	void *st, *l;
	int fd;
	ck_assert_int_eq(pw_board_backend_state(b, ops, &st), 0);
	ck_assert_int_eq(ops->request(st, 2, 9, &in, &l), 0);
	ck_assert_int_eq(ops->edges_enable(l, &ec, &fd), 0);

	prime(b, w, "N3");
	ck_assert_int_eq(pinwatch_sim_fault(b, &gone), 0);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ck_assert_int_eq(poll(&pfd, 1, 0), 1);
	ck_assert_int_eq(pfd.revents & POLLHUP, POLLHUP);
	struct pw_raw_event raw[2];
	ck_assert_int_eq(ops->read_events(l, raw, 2), -ENODEV);

	drain(w);
	ck_assert_uint_eq(take(w, id, ev, 8), 2);
	ck_assert_int_eq(ev[1].edge, PINWATCH_EVENT_ERROR);
	ck_assert_int_eq(ev[1].value, -ENODEV);
	ck_assert_int_eq(pinwatch_pin_get(p), -ENODEV);
	ck_assert_msg(has(pinwatch_last_error(), "gone"), "%s", pinwatch_last_error());
	ck_assert_int_eq(pinwatch_sim_drive(b, "N3", 0), -ENODEV);
	ck_assert_int_eq(pinwatch_sim_sense(b, "N4"), -ENODEV);
	pinwatch_pin *q = NULL;
	ck_assert_int_eq(pinwatch_pin_open(b, "N4", NULL, &q), -ENODEV);
	/* Other banks live on. */
	ck_assert_int_eq(pinwatch_sim_drive(b, "PA0", 1), 0);
	drain(w);
	ck_assert_uint_eq(take(w, ida, ev, 8), 1);
	ck_assert_int_eq(ev[0].edge, PINWATCH_EDGE_RISING);
	ck_assert_int_eq(stats(w, ida).error, 0);

	ops->edges_disable(l);
	ops->release(l);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);   /* releasing on a gone bank works */
	pinwatch_pin_close(a);
	pinwatch_board_close(b);
}
END_TEST

START_TEST(test_fault_validation)
{
	pinwatch_board *b = board(VARIA);
	struct pinwatch_sim_fault f = { .kind = 99 };

	ck_assert_int_eq(pinwatch_sim_fault(b, &f), -EINVAL);
	ck_assert_int_eq(pinwatch_sim_fault(b, NULL), -EINVAL);
	f = (struct pinwatch_sim_fault){ .kind = PINWATCH_SIM_FAULT_FAIL, .op = 0, .error = EIO };
	ck_assert_int_eq(pinwatch_sim_fault(b, &f), -EINVAL);
	f.op = PINWATCH_SIM_OP_GET;
	f.error = 0;
	ck_assert_int_eq(pinwatch_sim_fault(b, &f), -EINVAL);
	f.error = -EIO;
	ck_assert_int_eq(pinwatch_sim_fault(b, &f), -EINVAL);
	f.error = EIO;
	f.pin = "nosuch";
	ck_assert_int_eq(pinwatch_sim_fault(b, &f), -ENOENT);
	f = (struct pinwatch_sim_fault){ .kind = PINWATCH_SIM_FAULT_BANK_GONE, .bank = 4 };
	ck_assert_int_eq(pinwatch_sim_fault(b, &f), -EINVAL);
	f.bank = -1;
	ck_assert_int_eq(pinwatch_sim_fault(b, &f), -EINVAL);
	pinwatch_board_close(b);
}
END_TEST

/* ------------------------------------------------------- non-sim boards */

static char fake_root[64];

/* A fake sysfs GPIO root with one 8-line chip, for a board that is not sim. */
static void make_fake_sysfs(void)
{
	char path[128];
	static const char *const files[][2] = {
		{ "gpiochip0/base", "0\n" }, { "gpiochip0/ngpio", "8\n" },
		{ "gpiochip0/label", "fake\n" }, { "export", "" }, { "unexport", "" },
	};

	snprintf(fake_root, sizeof(fake_root), "/tmp/pinwatch-sim-test-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(fake_root));
	snprintf(path, sizeof(path), "%s/gpiochip0", fake_root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	for (size_t i = 0; i < PW_ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", fake_root, files[i][0]);
		FILE *f = fopen(path, "w");
		ck_assert_ptr_nonnull(f);
		fputs(files[i][1], f);
		fclose(f);
	}
}

static void remove_fake_sysfs(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fake_root);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_not_a_sim_board)
{
	char spec[96];
	pinwatch_board *b = NULL;
	struct pinwatch_sim_pulse ps = { .period_ns = 1000 };
	struct pinwatch_sim_fault f = { .kind = PINWATCH_SIM_FAULT_CLEAR };
	struct pinwatch_sim_line_stats ls;
	unsigned gen;
	uint64_t now;

	make_fake_sysfs();
	snprintf(spec, sizeof(spec), "sysfs:%s", fake_root);
	int ret = pinwatch_board_open(spec, &b);
	ck_assert_msg(ret == 0, "%s: %d: %s", spec, ret, pinwatch_last_error());
	ck_assert_str_eq(pinwatch_board_backend(b), "sysfs");
	ck_assert_int_eq(pinwatch_sim_drive(b, "0", 1), -EOPNOTSUPP);
	ck_assert_msg(has(pinwatch_last_error(), "sim"), "%s", pinwatch_last_error());
	ck_assert_int_eq(pinwatch_sim_sense(b, "0"), -EOPNOTSUPP);
	ck_assert_int_eq(pinwatch_sim_wire(b, "0", "1"), -EOPNOTSUPP);
	ck_assert_int_eq(pinwatch_sim_unwire(b, "1"), -EOPNOTSUPP);
	ck_assert_int_eq(pinwatch_sim_pulse(b, "0", &ps, &gen), -EOPNOTSUPP);
	ck_assert_int_eq(pinwatch_sim_pulse_stop(b, 1), -EOPNOTSUPP);
	ck_assert_int_eq(pinwatch_sim_pulse_wait(b, 1, 0), -EOPNOTSUPP);
	ck_assert_int_eq(pinwatch_sim_advance(b, 1), -EOPNOTSUPP);
	ck_assert_int_eq(pinwatch_sim_now(b, &now), -EOPNOTSUPP);
	ck_assert_int_eq(pinwatch_sim_fault(b, &f), -EOPNOTSUPP);
	ck_assert_int_eq(pinwatch_sim_line_stats(b, "0", &ls), -EOPNOTSUPP);
	pinwatch_board_close(b);
	remove_fake_sysfs();

	/* And no board at all is a clear error, not a crash. */
	ck_assert_int_eq(pinwatch_sim_drive(NULL, "N3", 1), -EINVAL);
	ck_assert_int_eq(pinwatch_sim_advance(NULL, 1), -EINVAL);
}
END_TEST

START_TEST(test_advance_needs_virtual)
{
	pinwatch_board *b = board("sim:aria-g25");
	uint64_t t0, t1;

	ck_assert_int_eq(pinwatch_sim_advance(b, 1000), -EOPNOTSUPP);
	ck_assert_msg(has(pinwatch_last_error(), "clock=virtual"), "%s", pinwatch_last_error());
	/* The real board's clock is CLOCK_MONOTONIC. */
	ck_assert_int_eq(pinwatch_sim_now(b, &t0), 0);
	t1 = pw_monotonic_ns();
	ck_assert_uint_le(t0, t1);
	pinwatch_board_close(b);
}
END_TEST

/* -------------------------------------------------------------- real time */

START_TEST(test_realtime_pulse_wait)
{
	enum { PULSES = 50 };
	const uint64_t period = 1000000;   /* 1 kHz */
	int threads = threads_baseline();
	pinwatch_board *b = board("sim:aria-g25");
	pinwatch_pin *p = input(b, "N3");
	pinwatch_watcher *w = watcher();
	/* A buffer larger than the train: nothing can be lost however late
	 * the worker runs, so the counts below are exact. */
	struct pinwatch_watch_config wc = { .queue_size = 256, .event_buffer = 256 };
	pinwatch_watch_id id = watch(w, p, &wc);
	struct pinwatch_sim_pulse ps = { .period_ns = period, .count = PULSES };
	struct pinwatch_event ev[256];
	unsigned gen;
	uint64_t before, after;

	ck_assert_int_eq(pinwatch_sim_wire(b, "N2", "N3"), 0);
	ck_assert_int_eq(pinwatch_watcher_start(w), 0);
	ck_assert_int_eq(pinwatch_sim_now(b, &before), 0);
	ck_assert_int_eq(pinwatch_sim_pulse(b, "N2", &ps, &gen), 0);
	ck_assert_int_eq(pinwatch_sim_pulse_wait(b, gen, 60000), 1);
	ck_assert_int_eq(pinwatch_sim_now(b, &after), 0);
	ck_assert_int_eq(pinwatch_watcher_stop(w), 0);
	drain(w);
	ck_assert_uint_eq(take(w, id, ev, 256), 2 * PULSES);
	/* Stamped with the schedule, CLOCK_MONOTONIC: exact spacing. */
	uint64_t t0 = ev[0].timestamp_ns;
	ck_assert_uint_ge(t0, before);
	for (int i = 0; i < 2 * PULSES; i++) {
		ck_assert_int_eq(ev[i].edge, i % 2 ? PINWATCH_EDGE_FALLING : PINWATCH_EDGE_RISING);
		ck_assert_uint_eq(ev[i].timestamp_ns, t0 + (uint64_t)i * period / 2);
	}
	ck_assert_uint_le(ev[2 * PULSES - 1].timestamp_ns, after);
	ck_assert_uint_eq(stats(w, id).lost, 0);
	ck_assert_uint_eq(line_stats(b, "N3").edges, 2 * PULSES);
	ck_assert_int_eq(pinwatch_sim_pulse_stop(b, gen), 0);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
	ck_assert_int_eq(threads_settle(threads), threads);
}
END_TEST

START_TEST(test_realtime_stop_and_close)
{
	int threads = threads_baseline();
	pinwatch_board *b = board("sim,lines=8");
	/* Slow and endless: stop must not wait for the next edge. */
	struct pinwatch_sim_pulse slow = { .period_ns = 3600000000000ull };
	struct pinwatch_sim_pulse fast = { .period_ns = 100000 };
	unsigned g1, g2, g3;

	ck_assert_int_eq(pinwatch_sim_pulse(b, "sim0:0", &slow, &g1), 0);
	ck_assert_int_eq(pinwatch_sim_pulse(b, "sim0:1", &fast, &g2), 0);
	ck_assert_int_eq(pinwatch_sim_pulse(b, "sim0:2", &slow, &g3), 0);
	ck_assert_int_eq(threads_now(), threads + 3);
	ck_assert_int_eq(pinwatch_sim_pulse_wait(b, g2, 0), -EINVAL);
	/* The first rising edge is due at once; then the thread sleeps for
	 * half an hour, and stop wakes it (the test's timeout is 2 min). */
	int level = 0;
	for (int i = 0; i < 10000 && level != 1; i++) {
		level = pinwatch_sim_sense(b, "sim0:0");
		if (level != 1)
			usleep(1000);
	}
	ck_assert_int_eq(level, 1);
	ck_assert_int_eq(pinwatch_sim_pulse_stop(b, g1), 0);
	ck_assert_int_eq(threads_settle(threads + 2), threads + 2);
	ck_assert_int_eq(pinwatch_sim_pulse_stop(b, g1), -ENOENT);
	ck_assert_int_eq(pinwatch_sim_sense(b, "sim0:0"), 1);   /* left as it was */
	/* Closing the board stops the rest. */
	pinwatch_board_close(b);
	ck_assert_int_eq(threads_settle(threads), threads);
}
END_TEST

struct counter { int n; };

static void count_cb(const struct pinwatch_event *ev, void *ctx)
{
	(void)ev;
	__atomic_add_fetch(&((struct counter *)ctx)->n, 1, __ATOMIC_SEQ_CST);
}

/* The watcher's worker reads while this thread advances: the board mutex
 * keeps the ring consistent; the buffer holds the whole train. */
START_TEST(test_virtual_with_worker)
{
	enum { PULSES = 20000 };
	pinwatch_board *b = board(VARIA);
	pinwatch_pin *p = input(b, "N3");
	pinwatch_watcher *w = watcher();
	struct counter c = { 0 };
	struct pinwatch_watch_config wc = {
		.callback = count_cb, .ctx = &c, .event_buffer = 2 * PULSES,
	};
	pinwatch_watch_id id = watch(w, p, &wc);
	struct pinwatch_sim_pulse ps = { .period_ns = 1000, .count = PULSES };
	unsigned gen;

	ck_assert_int_eq(pinwatch_watcher_start(w), 0);
	ck_assert_int_eq(pinwatch_sim_pulse(b, "N3", &ps, &gen), 0);
	for (int i = 0; i < PULSES / 10; i++)
		ck_assert_int_eq(pinwatch_sim_advance(b, 10000), 0);
	ck_assert_int_eq(pinwatch_sim_pulse_wait(b, gen, 0), 1);
	/* Wait for the worker to catch up (values asserted, not time). */
	for (int i = 0; i < 60000 && __atomic_load_n(&c.n, __ATOMIC_SEQ_CST) < 2 * PULSES; i++)
		usleep(1000);
	ck_assert_int_eq(pinwatch_watcher_stop(w), 0);
	drain(w);
	ck_assert_int_eq(c.n, 2 * PULSES);
	struct pinwatch_watch_stats st = stats(w, id);
	ck_assert_uint_eq(st.rising, PULSES);
	ck_assert_uint_eq(st.falling, PULSES);
	ck_assert_uint_eq(st.lost, 0);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

/* ----------------------------------------------------------- descriptors */

START_TEST(test_descriptors)
{
	int fds = count_entries("/proc/self/fd");
	pinwatch_board *b = board(VARIA);
	pinwatch_watcher *w = watcher();
	pinwatch_pin *p[4];
	static const char *const names[] = { "N3", "N4", "PA0", "PD21" };

	for (int round = 0; round < 100; round++) {
		for (int i = 0; i < 4; i++) {
			p[i] = input(b, names[i]);
			watch(w, p[i], NULL);
		}
		ck_assert_int_eq(count_entries("/proc/self/fd"), fds + 2 + 4 * 2);
		for (int i = 0; i < 4; i++)
			pinwatch_pin_close(p[i]);
		ck_assert_int_eq(count_entries("/proc/self/fd"), fds + 2);
	}
	/* A bank gone with lines watched: the read ends still close once. */
	p[0] = input(b, "N3");
	watch(w, p[0], NULL);
	struct pinwatch_sim_fault gone = { .kind = PINWATCH_SIM_FAULT_BANK_GONE, .bank = 2 };
	ck_assert_int_eq(pinwatch_sim_fault(b, &gone), 0);
	ck_assert_int_eq(count_entries("/proc/self/fd"), fds + 2 + 1);
	drain(w);
	pinwatch_pin_close(p[0]);
	pinwatch_watcher_free(w);
	pinwatch_board_close(b);
	ck_assert_int_eq(count_entries("/proc/self/fd"), fds);
}
END_TEST

/* ----------------------------------------------------------------- suite */

static Suite *sim_suite(void)
{
	Suite *s = suite_create("sim");
	TCase *world = tcase_create("world");
	TCase *vtime = tcase_create("virtual-time");
	TCase *over = tcase_create("overflow");
	TCase *fault = tcase_create("faults");
	TCase *rt = tcase_create("real-time");

	tcase_add_test(world, test_layout_aria);
	tcase_add_test(world, test_layout_plain);
	tcase_add_test(world, test_bad_options);
	tcase_add_test(world, test_pulls_and_drive);
	tcase_add_test(world, test_output_and_open_drain);
	tcase_add_test(world, test_busy_and_eperm);
	tcase_add_test(world, test_reconfigure);
	tcase_add_test(world, test_ops_checks);
	tcase_add_test(world, test_wire_levels);
	tcase_add_test(world, test_wire_edges);
	tcase_add_test(world, test_active_low_edges);
	tcase_add_test(world, test_not_a_sim_board);
	tcase_add_test(world, test_descriptors);
	suite_add_tcase(s, world);

	tcase_add_test(vtime, test_million_pulses);
	tcase_add_test(vtime, test_counter_through_wire);
	tcase_add_test(vtime, test_jitter_deterministic);
	tcase_add_test(vtime, test_bounce_raw);
	tcase_add_test(vtime, test_bounce_debounced);
	tcase_add_test(vtime, test_two_generators);
	tcase_add_test(vtime, test_pulse_validation);
	tcase_add_test(vtime, test_virtual_clock);
	tcase_add_test(vtime, test_virtual_with_worker);
	/* Generous: sanitizer and valgrind runs are many times slower. */
	tcase_set_timeout(vtime, 600);
	suite_add_tcase(s, vtime);

	tcase_add_test(over, test_overflow_oldest);
	tcase_add_test(over, test_overflow_newest);
	tcase_add_test(over, test_overflow_before_first_read);
	tcase_add_test(over, test_raw_seqno);
	tcase_add_test(over, test_event_buffer_per_watch);
	suite_add_tcase(s, over);

	tcase_add_test(fault, test_fault_request_nth);
	tcase_add_test(fault, test_fault_pin_every_and_clear);
	tcase_add_test(fault, test_fault_edges_and_read);
	tcase_add_test(fault, test_fault_short_read_and_eintr);
	tcase_add_test(fault, test_fault_bank_gone);
	tcase_add_test(fault, test_fault_validation);
	suite_add_tcase(s, fault);

	tcase_add_test(rt, test_advance_needs_virtual);
	tcase_add_test(rt, test_realtime_pulse_wait);
	tcase_add_test(rt, test_realtime_stop_and_close);
	tcase_set_timeout(rt, 120);
	suite_add_tcase(s, rt);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sim_suite());

	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
