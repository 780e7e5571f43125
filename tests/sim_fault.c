/* SPDX-License-Identifier: MIT */
/*
 * test-sim, injected faults (sim/fault.c): the nth call, every call, short reads and EINTR, a bank gone, their validation.  Every test asserts values; none depends on speed.
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

/* ---------------------------------------------------------------- faults */

static int inject(pinwatch_board *b, int kind, int op, unsigned nth, int error,
		  const char *pinname)
{
	struct pinwatch_sim_fault f = {
		.kind = kind, .op = op, .nth = nth, .error = error, .pin = pinname,
	};
	return pinwatch_sim_fault(b, &f);
}

START_TEST(t_fault_request_nth)
{
	pinwatch_board *b = board_or_fail(VARIA);
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

START_TEST(t_fault_pin_every_and_clear)
{
	pinwatch_board *b = board_or_fail(VARIA);
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

START_TEST(t_fault_edges_and_read)
{
	pinwatch_board *b = board_or_fail(VARIA);
	pinwatch_pin *p = input_or_fail(b, "N3");
	pinwatch_watcher *w = watcher_or_fail();
	struct pinwatch_watch_config wc = { .queue_size = 8 };
	pinwatch_watch_id id = 0;
	struct pinwatch_event ev[8];

	ck_assert_int_eq(inject(b, PINWATCH_SIM_FAULT_FAIL, PINWATCH_SIM_OP_EDGES, 1, EBUSY, NULL), 0);
	ck_assert_int_eq(pinwatch_watch_add(w, p, &wc, &id), -EBUSY);
	id = watch_or_fail(w, p, &wc);
	ck_assert_int_eq(inject(b, PINWATCH_SIM_FAULT_FAIL, PINWATCH_SIM_OP_READ, 2, EIO, "N3"), 0);
	prime(b, w, "N3");
	ck_assert_int_eq(pinwatch_sim_drive(b, "N3", 0), 0);
	drain(w);
	/* The fault arrives once, as an error event, and the watch is off. */
	ck_assert_uint_eq(take(w, id, ev, 8), 2);
	ck_assert_int_eq(ev[0].edge, PINWATCH_EDGE_RISING);
	ck_assert_int_eq(ev[1].edge, PINWATCH_EVENT_ERROR);
	ck_assert_int_eq(ev[1].value, -EIO);
	ck_assert_int_eq(stats_or_fail(w, id).error, -EIO);
	ck_assert_int_eq(pinwatch_sim_drive(b, "N3", 1), 0);
	ck_assert_int_eq(drain(w), 0);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

START_TEST(t_fault_short_read_and_eintr)
{
	pinwatch_board *b = board_or_fail(VARIA);
	pinwatch_pin *p = input_or_fail(b, "N3");
	pinwatch_watcher *w = watcher_or_fail();
	struct pinwatch_watch_config wc = { .queue_size = 16 };
	pinwatch_watch_id id = watch_or_fail(w, p, &wc);
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
	struct pinwatch_watch_stats st = stats_or_fail(w, id);
	ck_assert_int_eq(st.error, 0);
	ck_assert_uint_eq(st.lost, 0);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

START_TEST(t_fault_bank_gone)
{
	pinwatch_board *b = board_or_fail(VARIA);
	pinwatch_pin *p = input_or_fail(b, "N3");        /* pioC */
	pinwatch_pin *a = input_or_fail(b, "PA0");       /* pioA */
	pinwatch_watcher *w = watcher_or_fail();
	struct pinwatch_watch_config wc = { .queue_size = 8 };
	pinwatch_watch_id id = watch_or_fail(w, p, &wc), ida = watch_or_fail(w, a, &wc);
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
	ck_assert_int_eq(stats_or_fail(w, ida).error, 0);

	ops->edges_disable(l);
	ops->release(l);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);   /* releasing on a gone bank works */
	pinwatch_pin_close(a);
	pinwatch_board_close(b);
}
END_TEST

START_TEST(t_fault_validation)
{
	pinwatch_board *b = board_or_fail(VARIA);
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

/* ------------------------------------------------------------------ suite */

void sim_fault_tcases(Suite *s)
{
	TCase *fault = tcase_create("faults");

	tcase_add_test(fault, t_fault_request_nth);
	tcase_add_test(fault, t_fault_pin_every_and_clear);
	tcase_add_test(fault, t_fault_edges_and_read);
	tcase_add_test(fault, t_fault_short_read_and_eintr);
	tcase_add_test(fault, t_fault_bank_gone);
	tcase_add_test(fault, t_fault_validation);
	suite_add_tcase(s, fault);
}
