/* SPDX-License-Identifier: MIT */
/* The line-info watch (requested, released, reconfigured, by whom) and the
 * event clock, on the sim: the values, the removal guarantees of edge
 * watches (from inside the callback, from another thread, stale ids), and
 * the refusals by their text. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core.h"

#define ck_assert_error_has(needle) \
	ck_assert_msg(strstr(pinwatch_last_error(), needle), "message '%s' lacks '%s'", \
		      pinwatch_last_error(), needle)

static const struct pinwatch_pin_config out_meter = {
	.direction = PINWATCH_DIR_OUTPUT, .consumer = "meter",
};

static int info_queue_watch(pinwatch_watcher *w, pinwatch_board *b, const char *name,
			    pinwatch_watch_id *id)
{
	struct pinwatch_watch_config cfg = { .queue_size = 16 };
	return pinwatch_info_watch_add(w, b, name, &cfg, id);
}

/* Another pin of the process requests, reconfigures and releases N3: three
 * events, in order, with the consumer and the line's state after each. */
START_TEST(t_info_request_reconfigure_release)
{
	pinwatch_board *b;
	pinwatch_watcher *w;
	pinwatch_watch_id id;
	pinwatch_pin *p;
	struct pinwatch_info_event ev[8];

	ck_assert_int_eq(pinwatch_board_open(VBOARD, &b), 0);
	ck_assert_int_eq(pinwatch_watcher_new(&w), 0);
	ck_assert_int_eq(info_queue_watch(w, b, "N3", &id), 0);
	ck_assert_int_eq(pinwatch_pin_open(b, "PC1", &out_meter, &p), 0);   /* N3's line */
	struct pinwatch_pin_config in = { .direction = PINWATCH_DIR_INPUT, .active_low = 1,
					  .consumer = "ignored-on-reconfigure" };
	ck_assert_int_eq(pinwatch_pin_reconfigure(p, &in), 0);
	pinwatch_pin_close(p);
	drain(w);
	ck_assert_int_eq(pinwatch_info_read(w, id, ev, 8, 0), 3);
	int kinds[3] = { PINWATCH_INFO_REQUESTED, PINWATCH_INFO_RECONFIGURED, PINWATCH_INFO_RELEASED };
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(ev[i].ev.edge, PINWATCH_EVENT_INFO);
		ck_assert_int_eq(ev[i].ev.value, kinds[i]);
		ck_assert_ptr_eq(ev[i].ev.info, &ev[i].info);
		ck_assert_ptr_null(ev[i].ev.pin);
		ck_assert_uint_eq(ev[i].ev.watch, id);
		ck_assert_uint_eq(ev[i].ev.seqno, (uint64_t)i + 1);
		ck_assert_uint_eq(ev[i].ev.lost, 0);
		ck_assert_int_eq(ev[i].ev.clock, PINWATCH_CLOCK_VIRTUAL);
		ck_assert_str_eq(ev[i].info.header, "N3");
		ck_assert_str_eq(ev[i].info.name, "PC1");
		ck_assert_str_eq(ev[i].info.bank_label, "pioC");
		ck_assert_uint_eq(ev[i].info.offset, 1);
	}
	ck_assert_int_eq(ev[0].info.used, 1);
	ck_assert_str_eq(ev[0].info.consumer, "meter");
	ck_assert_int_eq(ev[0].info.direction, PINWATCH_DIR_OUTPUT);
	ck_assert_int_eq(ev[1].info.used, 1);
	ck_assert_int_eq(ev[1].info.direction, PINWATCH_DIR_INPUT);
	ck_assert_int_eq(ev[1].info.active_low, 1);
	ck_assert_int_eq(ev[2].info.used, 0);
	ck_assert_str_eq(ev[2].info.consumer, "");
	ck_assert_str_eq(pinwatch_info_kind_name(ev[2].ev.value), "released");

	struct pinwatch_watch_stats st;
	ck_assert_int_eq(pinwatch_watch_stats(w, id, &st), 0);
	ck_assert_uint_eq(st.delivered, 3);
	ck_assert_uint_eq(st.rising + st.falling, 0);
	pinwatch_watcher_free(w);
	pinwatch_board_close(b);
}
END_TEST

/* Only the watched line's changes; an unwatched line's are not reported. */
START_TEST(t_info_only_its_line)
{
	pinwatch_board *b;
	pinwatch_watcher *w;
	pinwatch_watch_id id;
	pinwatch_pin *p;
	struct pinwatch_info_event ev[4];

	ck_assert_int_eq(pinwatch_board_open(VBOARD, &b), 0);
	ck_assert_int_eq(pinwatch_watcher_new(&w), 0);
	ck_assert_int_eq(info_queue_watch(w, b, "N3", &id), 0);
	ck_assert_int_eq(pinwatch_pin_open(b, "N4", NULL, &p), 0);
	pinwatch_pin_close(p);
	drain(w);
	ck_assert_int_eq(pinwatch_info_read(w, id, ev, 4, 0), 0);
	pinwatch_watcher_free(w);
	pinwatch_board_close(b);
}
END_TEST

struct info_rec {
	int calls;
	int kinds[8];
	char consumers[8][32];
	int remove_self;
	int remove_ret;
	pinwatch_watcher *w;
	pinwatch_watch_id id;
};

static void info_cb(const struct pinwatch_event *ev, void *ctx)
{
	struct info_rec *r = ctx;
	int i = __atomic_load_n(&r->calls, __ATOMIC_SEQ_CST);

	if (i < 8 && ev->edge == PINWATCH_EVENT_INFO && ev->info) {
		r->kinds[i] = ev->value;
		memcpy(r->consumers[i], ev->info->consumer, sizeof(r->consumers[i]));
	}
	if (r->remove_self)
		r->remove_ret = pinwatch_watch_remove(r->w, r->id);
	__atomic_add_fetch(&r->calls, 1, __ATOMIC_SEQ_CST);
}

/* Callback mode, on the watcher's worker: the request of another pin. */
START_TEST(t_info_callback_worker)
{
	pinwatch_board *b;
	pinwatch_pin *p;
	struct info_rec r = { 0 };
	struct pinwatch_watch_config cfg = { .callback = info_cb, .ctx = &r };

	ck_assert_int_eq(pinwatch_board_open(VBOARD, &b), 0);
	ck_assert_int_eq(pinwatch_watcher_new(&r.w), 0);
	ck_assert_int_eq(pinwatch_info_watch_add(r.w, b, "N5", &cfg, &r.id), 0);
	ck_assert_int_eq(pinwatch_watcher_start(r.w), 0);
	ck_assert_int_eq(pinwatch_pin_open(b, "N5", &out_meter, &p), 0);
	pinwatch_pin_close(p);
	for (int i = 0; i < 10000 && __atomic_load_n(&r.calls, __ATOMIC_SEQ_CST) < 2; i++)
		tu_sleep_ms(1);
	ck_assert_int_eq(pinwatch_watcher_stop(r.w), 0);
	ck_assert_int_eq(r.calls, 2);
	ck_assert_int_eq(r.kinds[0], PINWATCH_INFO_REQUESTED);
	ck_assert_str_eq(r.consumers[0], "meter");
	ck_assert_int_eq(r.kinds[1], PINWATCH_INFO_RELEASED);
	pinwatch_watcher_free(r.w);
	pinwatch_board_close(b);
}
END_TEST

/* Removal from inside its own callback: 0, and it never runs again. */
START_TEST(t_info_remove_in_callback)
{
	pinwatch_board *b;
	pinwatch_pin *p;
	struct info_rec r = { .remove_self = 1, .remove_ret = 1 };
	struct pinwatch_watch_config cfg = { .callback = info_cb, .ctx = &r };

	ck_assert_int_eq(pinwatch_board_open(VBOARD, &b), 0);
	ck_assert_int_eq(pinwatch_watcher_new(&r.w), 0);
	ck_assert_int_eq(pinwatch_info_watch_add(r.w, b, "N3", &cfg, &r.id), 0);
	ck_assert_int_eq(pinwatch_pin_open(b, "N3", NULL, &p), 0);
	pinwatch_pin_close(p);   /* two changes pending: one callback only */
	drain(r.w);
	ck_assert_int_eq(r.calls, 1);
	ck_assert_int_eq(r.remove_ret, 0);
	ck_assert_int_eq(pinwatch_pin_open(b, "N3", NULL, &p), 0);
	pinwatch_pin_close(p);
	drain(r.w);
	ck_assert_int_eq(r.calls, 1);
	ck_assert_int_eq(pinwatch_watch_remove(r.w, r.id), -ENOENT);
	pinwatch_watcher_free(r.w);
	pinwatch_board_close(b);
}
END_TEST

struct held {
	int entered, go, exited, exited_at_remove;
	pinwatch_watcher *w;
	pinwatch_watch_id id;
};

static void held_cb(const struct pinwatch_event *ev, void *ctx)
{
	struct held *h = ctx;
	(void)ev;
	__atomic_store_n(&h->entered, 1, __ATOMIC_SEQ_CST);
	while (!__atomic_load_n(&h->go, __ATOMIC_SEQ_CST))
		tu_sleep_ms(1);
	__atomic_store_n(&h->exited, 1, __ATOMIC_SEQ_CST);
}

static void *remover(void *arg)
{
	struct held *h = arg;
	ck_assert_int_eq(pinwatch_watch_remove(h->w, h->id), 0);
	h->exited_at_remove = __atomic_load_n(&h->exited, __ATOMIC_SEQ_CST);
	return NULL;
}

/* Removal from another thread waits for the running callback. */
START_TEST(t_info_remove_waits)
{
	pinwatch_board *b;
	pinwatch_pin *p;
	struct held h = { 0 };
	struct pinwatch_watch_config cfg = { .callback = held_cb, .ctx = &h };
	pthread_t t;

	ck_assert_int_eq(pinwatch_board_open(VBOARD, &b), 0);
	ck_assert_int_eq(pinwatch_watcher_new(&h.w), 0);
	ck_assert_int_eq(pinwatch_info_watch_add(h.w, b, "N3", &cfg, &h.id), 0);
	ck_assert_int_eq(pinwatch_watcher_start(h.w), 0);
	ck_assert_int_eq(pinwatch_pin_open(b, "N3", NULL, &p), 0);
	ck_assert(tu_wait_flag(&h.entered, 10000));
	ck_assert_int_eq(pthread_create(&t, NULL, remover, &h), 0);
	tu_sleep_ms(50);   /* every chance for remove to return early */
	__atomic_store_n(&h.go, 1, __ATOMIC_SEQ_CST);
	pthread_join(t, NULL);
	ck_assert_int_eq(h.exited_at_remove, 1);
	pinwatch_pin_close(p);
	pinwatch_watcher_free(h.w);
	pinwatch_board_close(b);
}
END_TEST

/* Stale ids, the wrong reader, a config for edges, an unknown line. */
START_TEST(t_info_stale_and_refusals)
{
	pinwatch_board *b;
	pinwatch_watcher *w;
	pinwatch_watch_id id, id2;
	struct pinwatch_info_event iev;
	struct pinwatch_event ev;

	ck_assert_int_eq(pinwatch_board_open(VBOARD, &b), 0);
	ck_assert_int_eq(pinwatch_watcher_new(&w), 0);
	ck_assert_int_eq(info_queue_watch(w, b, "N3", &id), 0);
	ck_assert_int_eq(pinwatch_watch_read(w, id, &ev, 1, 0), -EINVAL);
	ck_assert_error_has("pinwatch_info_read");
	ck_assert_int_eq(pinwatch_watch_remove(w, id), 0);
	ck_assert_int_eq(pinwatch_watch_remove(w, id), -ENOENT);
	ck_assert_int_eq(pinwatch_info_read(w, id, &iev, 1, 0), -ENOENT);

	struct pinwatch_watch_config edgy = { .edges = PINWATCH_EDGE_RISING, .queue_size = 4 };
	ck_assert_int_eq(pinwatch_info_watch_add(w, b, "N3", &edgy, &id2), -EINVAL);
	ck_assert_error_has("must be 0");
	ck_assert_int_eq(pinwatch_info_watch_add(w, b, "N99", NULL, &id2), -ENOENT);
	/* Two watches of one line (unlike edges: info is not exclusive). */
	ck_assert_int_eq(info_queue_watch(w, b, "N3", &id), 0);
	ck_assert_int_eq(info_queue_watch(w, b, "N3", &id2), 0);
	ck_assert_uint_ne(id, id2);
	pinwatch_watcher_free(w);
	pinwatch_board_close(b);
}
END_TEST

/* The board closed first, then the watcher freed with the watch in place:
 * the watch kept the board alive, and everything goes (ASan, leaks). */
START_TEST(t_info_close_any_order)
{
	pinwatch_board *b;
	pinwatch_watcher *w;
	pinwatch_watch_id id;
	int fds = tu_count_fds();

	ck_assert_int_eq(pinwatch_board_open(VBOARD, &b), 0);
	ck_assert_int_eq(pinwatch_watcher_new(&w), 0);
	ck_assert_int_eq(info_queue_watch(w, b, "N3", &id), 0);
	pinwatch_board_close(b);
	pinwatch_watcher_free(w);
	ck_assert_int_eq(tu_count_fds(), fds);
}
END_TEST

/* The bank goes away: one error event (-ENODEV), then the watch is
 * disabled; removal still works. */
START_TEST(t_info_bank_gone)
{
	pinwatch_board *b;
	pinwatch_watcher *w;
	pinwatch_watch_id id;
	struct pinwatch_info_event ev[4];
	struct pinwatch_sim_fault f = { .kind = PINWATCH_SIM_FAULT_BANK_GONE, .bank = 2 };  /* pioC */

	ck_assert_int_eq(pinwatch_board_open(VBOARD, &b), 0);
	ck_assert_int_eq(pinwatch_watcher_new(&w), 0);
	ck_assert_int_eq(info_queue_watch(w, b, "N3", &id), 0);
	ck_assert_int_eq(pinwatch_sim_fault(b, &f), 0);
	drain(w);
	ck_assert_int_eq(pinwatch_info_read(w, id, ev, 4, 0), 1);
	ck_assert_int_eq(ev[0].ev.edge, PINWATCH_EVENT_ERROR);
	ck_assert_int_eq(ev[0].ev.value, -ENODEV);
	ck_assert_ptr_null(ev[0].ev.info);
	ck_assert_int_eq(pinwatch_info_read(w, id, ev, 4, 0), -ENODEV);
	ck_assert_int_eq(pinwatch_watch_remove(w, id), 0);
	pinwatch_watcher_free(w);
	pinwatch_board_close(b);
}
END_TEST

static void nop_cb(const struct pinwatch_event *ev, void *ctx)
{
	(void)ev;
	(void)ctx;
}

/* An edge watch turns the line's edge detection on and, removed, off: a
 * reconfiguration, which the kernel reports to info watches (a request's
 * reconfigure); the sim said nothing, info.edges changing unseen. */
START_TEST(t_info_edge_watch_reconfigures)
{
	pinwatch_board *b;
	pinwatch_watcher *w, *w2;
	pinwatch_watch_id id, eid;
	pinwatch_pin *p;
	struct pinwatch_info_event ev[4];
	struct pinwatch_watch_config rising = { .callback = nop_cb, .edges = PINWATCH_EDGE_RISING };

	ck_assert_int_eq(pinwatch_board_open(VBOARD, &b), 0);
	ck_assert_int_eq(pinwatch_watcher_new(&w), 0);
	ck_assert_int_eq(pinwatch_watcher_new(&w2), 0);
	ck_assert_int_eq(info_queue_watch(w, b, "N3", &id), 0);
	ck_assert_int_eq(pinwatch_pin_open(b, "N3", NULL, &p), 0);
	ck_assert_int_eq(pinwatch_watch_add(w2, p, &rising, &eid), 0);
	ck_assert_int_eq(pinwatch_watch_remove(w2, eid), 0);
	drain(w);
	ck_assert_int_eq(pinwatch_info_read(w, id, ev, 4, 0), 3);
	ck_assert_int_eq(ev[0].ev.value, PINWATCH_INFO_REQUESTED);
	ck_assert_int_eq(ev[0].info.edges, 0);
	ck_assert_int_eq(ev[1].ev.value, PINWATCH_INFO_RECONFIGURED);
	ck_assert_int_eq(ev[1].info.edges, PINWATCH_EDGE_RISING);
	ck_assert_int_eq(ev[2].ev.value, PINWATCH_INFO_RECONFIGURED);
	ck_assert_int_eq(ev[2].info.edges, 0);
	/* A pin closed while watched: detection off, then the release. */
	ck_assert_int_eq(pinwatch_watch_add(w2, p, &rising, &eid), 0);
	pinwatch_pin_close(p);
	drain(w);
	ck_assert_int_eq(pinwatch_info_read(w, id, ev, 4, 0), 3);
	ck_assert_int_eq(ev[0].ev.value, PINWATCH_INFO_RECONFIGURED);
	ck_assert_int_eq(ev[1].ev.value, PINWATCH_INFO_RECONFIGURED);
	ck_assert_int_eq(ev[1].info.edges, 0);
	ck_assert_int_eq(ev[2].ev.value, PINWATCH_INFO_RELEASED);
	pinwatch_watcher_free(w2);
	pinwatch_watcher_free(w);
	pinwatch_board_close(b);
}
END_TEST

/* ------------------------------------------------------------ event clock */

static uint64_t now_ns(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void one_edge_clock(int event_clock, int want_clock, clockid_t sys)
{
	pinwatch_board *b;
	pinwatch_pin *p;
	pinwatch_watcher *w;
	pinwatch_watch_id id;
	struct pinwatch_watch_config cfg = { .queue_size = 4, .event_clock = event_clock };
	struct pinwatch_event ev;

	ck_assert_int_eq(pinwatch_board_open("sim:aria-g25", &b), 0);
	ck_assert_int_eq(pinwatch_board_clock(b), PINWATCH_CLOCK_MONOTONIC);
	ck_assert_int_eq(pinwatch_pin_open(b, "N3", NULL, &p), 0);
	ck_assert_int_eq(pinwatch_watcher_new(&w), 0);
	ck_assert_int_eq(pinwatch_watch_add(w, p, &cfg, &id), 0);
	uint64_t before = now_ns(sys);
	ck_assert_int_eq(pinwatch_sim_drive(b, "N3", 1), 0);
	drain(w);
	uint64_t after = now_ns(sys);
	ck_assert_int_eq(pinwatch_watch_read(w, id, &ev, 1, 0), 1);
	ck_assert_int_eq(ev.clock, want_clock);
	/* On the clock asked for: between the readings of that clock around
	 * it (a bound on the value, not on the time it took). */
	ck_assert_uint_ge(ev.timestamp_ns + 1000000u, before);
	ck_assert_uint_le(ev.timestamp_ns, after + 1000000u);
	ck_assert_int_eq(pinwatch_board_clock(b), PINWATCH_CLOCK_MONOTONIC);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}

START_TEST(t_clock_default_monotonic)
{
	one_edge_clock(0, PINWATCH_CLOCK_MONOTONIC, CLOCK_MONOTONIC);
}
END_TEST

START_TEST(t_clock_realtime)
{
	one_edge_clock(PINWATCH_CLOCK_REALTIME, PINWATCH_CLOCK_REALTIME, CLOCK_REALTIME);
}
END_TEST

static void refused(const char *spec, int clock, const char *needle)
{
	pinwatch_board *b;
	pinwatch_pin *p;
	pinwatch_watcher *w;
	pinwatch_watch_id id;
	struct pinwatch_watch_config cfg = { .queue_size = 4, .event_clock = clock };

	ck_assert_int_eq(pinwatch_board_open(spec, &b), 0);
	ck_assert_int_eq(pinwatch_pin_open(b, "N3", NULL, &p), 0);
	ck_assert_int_eq(pinwatch_watcher_new(&w), 0);
	ck_assert_int_eq(pinwatch_watch_add(w, p, &cfg, &id), -EOPNOTSUPP);
	ck_assert_error_has(needle);
	ck_assert_error_has("N3");
	/* Refused cleanly: the pin can be watched on the default clock. */
	cfg.event_clock = 0;
	ck_assert_int_eq(pinwatch_watch_add(w, p, &cfg, &id), 0);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}

START_TEST(t_clock_refusals)
{
	refused(VBOARD, PINWATCH_CLOCK_REALTIME, "virtual clock only (used instead)");
	refused(VBOARD, PINWATCH_CLOCK_HTE, "virtual clock only (used instead); the sim has no hardware timestamp engine");
	refused("sim:aria-g25", PINWATCH_CLOCK_HTE, "no hardware timestamp engine; it stamps events with CLOCK_MONOTONIC");
	refused("sim:aria-g25", PINWATCH_CLOCK_VIRTUAL, "stamps events with CLOCK_MONOTONIC");
}
END_TEST

START_TEST(t_clock_invalid)
{
	pinwatch_board *b;
	pinwatch_pin *p;
	pinwatch_watcher *w;
	pinwatch_watch_id id;
	struct pinwatch_watch_config cfg = { .event_clock = 42 };

	open_board_pin(&b, "N3", &p);
	ck_assert_int_eq(pinwatch_watcher_new(&w), 0);
	ck_assert_int_eq(pinwatch_watch_add(w, p, &cfg, &id), -EINVAL);
	ck_assert_error_has("event_clock 42");
	/* the virtual board's events report its clock */
	struct pinwatch_watch_config q = { .queue_size = 2 };
	struct pinwatch_event ev;
	ck_assert_int_eq(pinwatch_watch_add(w, p, &q, &id), 0);
	toggle(b, "N3", 1);
	drain(w);
	ck_assert_int_eq(pinwatch_watch_read(w, id, &ev, 1, 0), 1);
	ck_assert_int_eq(ev.clock, PINWATCH_CLOCK_VIRTUAL);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

Suite *core_info_suite(void)
{
	Suite *s = suite_create("info");
	TCase *tc = tcase_create("info-watch");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_info_request_reconfigure_release);
	tcase_add_test(tc, t_info_only_its_line);
	tcase_add_test(tc, t_info_callback_worker);
	tcase_add_test(tc, t_info_remove_in_callback);
	tcase_add_test(tc, t_info_remove_waits);
	tcase_add_test(tc, t_info_stale_and_refusals);
	tcase_add_test(tc, t_info_close_any_order);
	tcase_add_test(tc, t_info_bank_gone);
	tcase_add_test(tc, t_info_edge_watch_reconfigures);
	suite_add_tcase(s, tc);

	tc = tcase_create("event-clock");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_clock_default_monotonic);
	tcase_add_test(tc, t_clock_realtime);
	tcase_add_test(tc, t_clock_refusals);
	tcase_add_test(tc, t_clock_invalid);
	suite_add_tcase(s, tc);
	return s;
}
