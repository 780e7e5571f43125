/* SPDX-License-Identifier: MIT */
/*
 * test-sim, the world of a board (sim/sim.c, sim/world.c): layout, levels and pulls, requests, wires, event rings and their overflow, boards that are not sim, descriptors.  Every test asserts values; none depends on speed.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim_suites.h"

/* ------------------------------------------------------------------ layout */

START_TEST(t_layout_aria)
{
	static const char *const labels[] = { "pioA", "pioB", "pioC", "pioD" };
	static const unsigned lines[] = { 32, 19, 32, 22 };
	pinwatch_board *b = board_or_fail("sim:aria-g25");
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

START_TEST(t_layout_plain)
{
	pinwatch_board *b = board_or_fail("sim");
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

	b = board_or_fail("sim,banks=4,lines=32,clock=virtual,buffer=8,overflow=newest");
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

START_TEST(t_bad_options)
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

START_TEST(t_pulls_and_drive)
{
	pinwatch_board *b = board_or_fail(VARIA);
	pinwatch_pin *up = sim_pin_or_fail(b, "PA0", PINWATCH_DIR_INPUT, PINWATCH_BIAS_PULL_UP, 0);
	pinwatch_pin *down = sim_pin_or_fail(b, "PA1", PINWATCH_DIR_INPUT, PINWATCH_BIAS_PULL_DOWN, 0);
	pinwatch_pin *flt = sim_pin_or_fail(b, "PA2", PINWATCH_DIR_INPUT, PINWATCH_BIAS_DISABLED, 0);
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
	ck_assert_uint_eq(line_stats_or_fail(b, "PA0").level_changes, 3); /* +pull-up at open */
	ck_assert_uint_eq(line_stats_or_fail(b, "PA1").level_changes, 2);
	ck_assert_uint_eq(line_stats_or_fail(b, "PA2").level_changes, 1);

	pinwatch_pin_close(up);
	pinwatch_pin_close(down);
	pinwatch_pin_close(flt);
	pinwatch_board_close(b);
}
END_TEST

START_TEST(t_output_and_open_drain)
{
	pinwatch_board *b = board_or_fail(VARIA);
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

START_TEST(t_busy_and_eperm)
{
	pinwatch_board *b = board_or_fail(VARIA);
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

START_TEST(t_reconfigure)
{
	pinwatch_board *b = board_or_fail(VARIA);
	pinwatch_pin *p = sim_pin_or_fail(b, "PD3", PINWATCH_DIR_INPUT, PINWATCH_BIAS_PULL_UP, 0);
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

/* An output on a line wired from another would fight it: refused at the
 * request and at a reconfigure, with one message that names the source. */
START_TEST(t_wired_output_refused)
{
	pinwatch_board *b = board_or_fail(VARIA);
	struct pinwatch_pin_config out = { .direction = PINWATCH_DIR_OUTPUT };
	pinwatch_pin *p = NULL;

	ck_assert_int_eq(pinwatch_sim_wire(b, "N5", "N3"), 0);
	ck_assert_int_eq(pinwatch_pin_open(b, "N3", &out, &p), -EBUSY);
	ck_assert_msg(has(pinwatch_last_error(), "wired from PC3"), "%s", pinwatch_last_error());
	p = input_or_fail(b, "N3");
	ck_assert_int_eq(pinwatch_pin_reconfigure(p, &out), -EBUSY);
	ck_assert_msg(has(pinwatch_last_error(), "wired from PC3"), "%s", pinwatch_last_error());
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

/* The sim's own checks behind the core's: set on an input, edges on an
 * output, a second request (through the operations table). */
START_TEST(t_ops_checks)
{
	pinwatch_board *b = board_or_fail(VARIA);
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

START_TEST(t_wire_levels)
{
	pinwatch_board *b = board_or_fail(VARIA);
	struct pinwatch_pin_config oc = { .direction = PINWATCH_DIR_OUTPUT };
	pinwatch_pin *out = NULL;

	ck_assert_int_eq(pinwatch_pin_open(b, "N2", &oc, &out), 0);
	pinwatch_pin *in1 = input_or_fail(b, "N3");
	pinwatch_pin *in2 = sim_pin_or_fail(b, "N4", PINWATCH_DIR_INPUT, PINWATCH_BIAS_PULL_UP, 0);
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

START_TEST(t_wire_edges)
{
	pinwatch_board *b = board_or_fail(VARIA);
	struct pinwatch_pin_config oc = { .direction = PINWATCH_DIR_OUTPUT };
	pinwatch_pin *out = NULL;
	pinwatch_watcher *w = watcher_or_fail();
	struct pinwatch_event ev[8];

	ck_assert_int_eq(pinwatch_pin_open(b, "N2", &oc, &out), 0);
	pinwatch_pin *in = input_or_fail(b, "N3");
	ck_assert_int_eq(pinwatch_sim_wire(b, "N2", "N3"), 0);
	struct pinwatch_watch_config wc = { .queue_size = 8 };
	pinwatch_watch_id id = watch_or_fail(w, in, &wc);

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

START_TEST(t_active_low_edges)
{
	pinwatch_board *b = board_or_fail(VARIA);
	pinwatch_pin *p = sim_pin_or_fail(b, "N7", PINWATCH_DIR_INPUT, PINWATCH_BIAS_AS_IS, 1);
	pinwatch_watcher *w = watcher_or_fail();
	struct pinwatch_event ev[4];
	struct pinwatch_watch_config wc = { .queue_size = 4, .edges = PINWATCH_EDGE_FALLING };
	pinwatch_watch_id id = watch_or_fail(w, p, &wc);

	ck_assert_int_eq(pinwatch_pin_get(p), 1);   /* physical 0 */
	ck_assert_int_eq(pinwatch_sim_drive(b, "N7", 1), 0);   /* physical rise */
	ck_assert_int_eq(pinwatch_pin_get(p), 0);
	ck_assert_int_eq(pinwatch_sim_drive(b, "N7", 0), 0);   /* logical rise: filtered */
	drain(w);
	ck_assert_uint_eq(take(w, id, ev, 4), 1);
	ck_assert_int_eq(ev[0].edge, PINWATCH_EDGE_FALLING);
	ck_assert_int_eq(ev[0].value, 0);
	/* The sim records only the requested edges. */
	struct pinwatch_sim_line_stats ls = line_stats_or_fail(b, "N7");
	ck_assert_uint_eq(ls.edges, 1);
	ck_assert_uint_eq(ls.level_changes, 2);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

/* -------------------------------------------------------------- overflow */

START_TEST(t_overflow_oldest)
{
	pinwatch_board *b = board_or_fail("sim:aria-g25,clock=virtual,buffer=4");
	pinwatch_pin *p = input_or_fail(b, "N3");
	pinwatch_watcher *w = watcher_or_fail();
	struct pinwatch_watch_config wc = { .queue_size = 64 };
	pinwatch_watch_id id = watch_or_fail(w, p, &wc);
	struct pinwatch_event ev[64];

	prime(b, w, "N3");
	/* 11 edges while nobody reads: the ring keeps the newest 4. */
	for (int i = 0; i < 11; i++)
		ck_assert_int_eq(pinwatch_sim_drive(b, "N3", i % 2 == 0 ? 0 : 1), 0);
	struct pinwatch_sim_line_stats ls = line_stats_or_fail(b, "N3");
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
	struct pinwatch_watch_stats st = stats_or_fail(w, id);
	ck_assert_uint_eq(st.lost_source, ls.dropped);
	ck_assert_uint_eq(st.delivered + st.lost, ls.edges);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

START_TEST(t_overflow_newest)
{
	pinwatch_board *b = board_or_fail("sim:aria-g25,clock=virtual,buffer=4,overflow=newest");
	pinwatch_pin *p = input_or_fail(b, "N3");
	pinwatch_watcher *w = watcher_or_fail();
	struct pinwatch_watch_config wc = { .queue_size = 64 };
	pinwatch_watch_id id = watch_or_fail(w, p, &wc);
	struct pinwatch_event ev[64];

	prime(b, w, "N3");   /* high */
	/* 11 edges: f r f r kept, the newest 7 dropped, the line ends low. */
	for (int i = 0; i < 11; i++)
		ck_assert_int_eq(pinwatch_sim_drive(b, "N3", i % 2 == 0 ? 0 : 1), 0);
	struct pinwatch_sim_line_stats ls = line_stats_or_fail(b, "N3");
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
	struct pinwatch_watch_stats st = stats_or_fail(w, id);
	ck_assert_uint_eq(st.lost_source, 1);
	ls = line_stats_or_fail(b, "N3");
	ck_assert_uint_eq(ls.dropped, 7);
	ck_assert_uint_eq(st.delivered + ls.dropped, ls.edges);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

/* Overflow before the watch's first read: the seqno starts at 1 per
 * request, so even the first gap is seen. */
START_TEST(t_overflow_before_first_read)
{
	pinwatch_board *b = board_or_fail("sim:aria-g25,clock=virtual,buffer=4");
	pinwatch_pin *p = input_or_fail(b, "N3");
	pinwatch_watcher *w = watcher_or_fail();
	struct pinwatch_watch_config wc = { .queue_size = 64 };
	pinwatch_watch_id id = watch_or_fail(w, p, &wc);
	struct pinwatch_event ev[64];

	for (int i = 0; i < 10; i++)
		ck_assert_int_eq(pinwatch_sim_drive(b, "N3", !(i % 2)), 0);
	drain(w);
	ck_assert_uint_eq(take(w, id, ev, 64), 4);
	ck_assert_uint_eq(ev[0].lost, 6);
	ck_assert_uint_eq(ev[0].seqno, 7);
	ck_assert_uint_eq(ev[3].seqno, 10);
	struct pinwatch_watch_stats st = stats_or_fail(w, id);
	struct pinwatch_sim_line_stats ls = line_stats_or_fail(b, "N3");
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
START_TEST(t_raw_seqno)
{
	static const char *const specs[] = {
		"sim,clock=virtual,buffer=2", "sim,clock=virtual,buffer=2,overflow=newest",
	};
	for (int m = 0; m < 2; m++) {
		pinwatch_board *b = board_or_fail(specs[m]);
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

START_TEST(t_event_buffer_per_watch)
{
	pinwatch_board *b = board_or_fail(VARIA);
	pinwatch_pin *p = input_or_fail(b, "N3");
	pinwatch_watcher *w = watcher_or_fail();
	struct pinwatch_watch_config wc = { .event_buffer = 2 };
	pinwatch_watch_id id = watch_or_fail(w, p, &wc);

	prime(b, w, "N3");
	for (int i = 0; i < 6; i++)
		ck_assert_int_eq(pinwatch_sim_drive(b, "N3", i % 2 == 0 ? 0 : 1), 0);
	drain(w);
	ck_assert_uint_eq(line_stats_or_fail(b, "N3").dropped, 4);
	struct pinwatch_watch_stats st = stats_or_fail(w, id);
	ck_assert_uint_eq(st.delivered, 3);
	ck_assert_uint_eq(st.lost_source, 4);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
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

START_TEST(t_not_a_sim_board)
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

/* ----------------------------------------------------------- descriptors */

START_TEST(t_descriptors)
{
	int fds = tu_count_fds();
	pinwatch_board *b = board_or_fail(VARIA);
	pinwatch_watcher *w = watcher_or_fail();
	pinwatch_pin *p[4];
	static const char *const names[] = { "N3", "N4", "PA0", "PD21" };

	for (int round = 0; round < 100; round++) {
		for (int i = 0; i < 4; i++) {
			p[i] = input_or_fail(b, names[i]);
			watch_or_fail(w, p[i], NULL);
		}
		ck_assert_int_eq(tu_count_fds(), fds + 2 + 4 * 2);
		for (int i = 0; i < 4; i++)
			pinwatch_pin_close(p[i]);
		ck_assert_int_eq(tu_count_fds(), fds + 2);
	}
	/* A bank gone with lines watched: the read ends still close once. */
	p[0] = input_or_fail(b, "N3");
	watch_or_fail(w, p[0], NULL);
	struct pinwatch_sim_fault gone = { .kind = PINWATCH_SIM_FAULT_BANK_GONE, .bank = 2 };
	ck_assert_int_eq(pinwatch_sim_fault(b, &gone), 0);
	ck_assert_int_eq(tu_count_fds(), fds + 2 + 1);
	drain(w);
	pinwatch_pin_close(p[0]);
	pinwatch_watcher_free(w);
	pinwatch_board_close(b);
	ck_assert_int_eq(tu_count_fds(), fds);
}
END_TEST

/* ------------------------------------------------------------------ suite */

void sim_world_tcases(Suite *s)
{
	TCase *world = tcase_create("world");

	tcase_add_test(world, t_layout_aria);
	tcase_add_test(world, t_layout_plain);
	tcase_add_test(world, t_bad_options);
	tcase_add_test(world, t_pulls_and_drive);
	tcase_add_test(world, t_output_and_open_drain);
	tcase_add_test(world, t_busy_and_eperm);
	tcase_add_test(world, t_reconfigure);
	tcase_add_test(world, t_wired_output_refused);
	tcase_add_test(world, t_ops_checks);
	tcase_add_test(world, t_wire_levels);
	tcase_add_test(world, t_wire_edges);
	tcase_add_test(world, t_active_low_edges);
	tcase_add_test(world, t_not_a_sim_board);
	tcase_add_test(world, t_descriptors);
	suite_add_tcase(s, world);

	TCase *over = tcase_create("overflow");

	tcase_add_test(over, t_overflow_oldest);
	tcase_add_test(over, t_overflow_newest);
	tcase_add_test(over, t_overflow_before_first_read);
	tcase_add_test(over, t_raw_seqno);
	tcase_add_test(over, t_event_buffer_per_watch);
	suite_add_tcase(s, over);
}
