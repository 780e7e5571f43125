/* SPDX-License-Identifier: MIT */
/*
 * The counter backend against fake /sys/bus/counter trees in temporary
 * directories (the root= option: "counter,root=/tmp/..."), no kernel
 * counter needed.  The test plays the kernel by writing the count file
 * between two dispatches on its own thread (no worker: the backend never
 * reads a half-written file).
 *
 * What a fake tree cannot show, and where it is shown instead (the ARM VM,
 * tests/vm/guest.d/60-counter): interrupt-cnt counting real interrupts,
 * the counter character device's events, the kernel's own sign-extended
 * 32-bit count.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "backend.h"
#include "counter.h"
#include "pinwatch.h"
#include "fake_tree.h"
#include "testutil.h"

/* ------------------------------------------------------------ fake trees */

static void fake_root(void)
{
	new_root();
	mkdir_p("sys/bus/counter/devices");
	mkdir_p("dev");
}

/* counterN with one count per entry of counts[] (NULL: a count of its
 * own name), interrupt-cnt's attributes; the device directory is a link
 * into sys/devices, as in sysfs. */
static void fake_counter(unsigned n, const char *name, unsigned ncounts)
{
	char rel[128], text[64];
	snprintf(rel, sizeof(rel), "sys/devices/platform/%s/counter%u", name, n);
	mkdir_p(rel);
	char link[PATH_MAX], target[128];
	snprintf(link, sizeof(link), "%s/sys/bus/counter/devices/counter%u", root, n);
	snprintf(target, sizeof(target), "../../../devices/platform/%s/counter%u", name, n);
	ck_assert_int_eq(symlink(target, link), 0);
	snprintf(rel, sizeof(rel), "sys/bus/counter/devices/counter%u/name", n);
	snprintf(text, sizeof(text), "%s\n", name);
	put(rel, text, 0644);
	for (unsigned c = 0; c < ncounts; c++) {
		char d[96];
		snprintf(d, sizeof(d), "sys/bus/counter/devices/counter%u/count%u", n, c);
		mkdir_p(d);
#define ATTR(file, val) do { snprintf(rel, sizeof(rel), "%s/" file, d); put(rel, val, 0644); } while (0)
		ATTR("count", "0\n");
		ATTR("name", "Channel 0 Count\n");
		ATTR("function", "increase\n");
		ATTR("signal0_action", "rising edge\n");
		ATTR("enable", "0\n");
#undef ATTR
	}
}

/* The count of counter0/count0 as the kernel shows it. */
static void set_count(unsigned long long v)
{
	char text[32];
	snprintf(text, sizeof(text), "%llu\n", v);
	put("sys/bus/counter/devices/counter0/count0/count", text, 0644);
}

static pinwatch_board *open_board(const char *extra)
{
	char spec[512];
	pinwatch_board *b = NULL;
	snprintf(spec, sizeof(spec), "counter%s,root=%s,interval_ms=1", extra, root);
	int ret = pinwatch_board_open(spec, &b);
	ck_assert_msg(ret == 0, "open %s: %d %s", spec, ret, pinwatch_last_error());
	return b;
}

/* Edges the watch counted: received, plus those the seqno says it did not
 * see one by one (a core without the count-run path counts a run's earlier
 * edges as lost_source; with it, lost_source stays 0). */
/* The core counts a counting backend's runs as edges (raw event count):
 * the total is in rising, and nothing of it is "lost". */
static uint64_t counted(const struct pinwatch_watch_stats *st)
{
	ck_assert_uint_eq(st->lost_source, 0);
	return st->rising;
}

/* Dispatch until the watch counted want edges, or failed (bounded: a net
 * against a hang, not a timing assertion). */
static void dispatch_until(pinwatch_watcher *w, pinwatch_watch_id id, uint64_t want,
			   struct pinwatch_watch_stats *st)
{
	for (int i = 0; i < 2000; i++) {
		ck_assert_int_eq(pinwatch_watch_stats(w, id, st), 0);
		if (counted(st) >= want || st->error)
			return;
		ck_assert_int_ge(pinwatch_watcher_dispatch(w, 50), 0);
	}
}

/* A few more ticks, so that a wrong extra count would show. */
static void dispatch_ticks(pinwatch_watcher *w, int n)
{
	for (int i = 0; i < n; i++)
		ck_assert_int_ge(pinwatch_watcher_dispatch(w, 5), 0);
}

struct rig {
	pinwatch_board *b;
	pinwatch_pin *p;
	pinwatch_watcher *w;
	pinwatch_watch_id id;
};

static void rig_open(struct rig *r, const char *extra)
{
	fake_root();
	fake_counter(0, "meter-n3", 1);
	r->b = open_board(extra);
	ck_assert_int_eq(pinwatch_pin_open(r->b, "meter-n3", NULL, &r->p), 0);
	ck_assert_int_eq(pinwatch_watcher_new(&r->w), 0);
	struct pinwatch_watch_config wc = { .edges = PINWATCH_EDGE_RISING };
	int ret = pinwatch_watch_add(r->w, r->p, &wc, &r->id);
	ck_assert_msg(ret == 0, "watch add: %d %s", ret, pinwatch_last_error());
}

static void rig_close(struct rig *r)
{
	pinwatch_watcher_free(r->w);
	pinwatch_pin_close(r->p);
	pinwatch_board_close(r->b);
}

/* ----------------------------------------------------------- arithmetic */

START_TEST(t_step_forward_wrap_reset)
{
	const uint64_t m32 = UINT64_C(1) << 32;
	uint64_t d;

	ck_assert_int_eq(pw_counter_step(5, 5, m32, 0, &d), 0);
	ck_assert_uint_eq(d, 0);
	ck_assert_int_eq(pw_counter_step(5, 12, m32, 0, &d), 0);
	ck_assert_uint_eq(d, 7);
	/* through the top: exact, and said to be a wrap */
	ck_assert_int_eq(pw_counter_step(m32 - 6, 3, m32, 0, &d), 1);
	ck_assert_uint_eq(d, 9);
	/* back: a reset (or a write), never a huge step forward */
	ck_assert_int_eq(pw_counter_step(1000, 0, m32, 0, &d), -ERANGE);
	ck_assert_int_eq(pw_counter_step(1000, 999, m32, 0, &d), -ERANGE);
	/* forward by half the range or more cannot happen between reads */
	ck_assert_int_eq(pw_counter_step(0, m32 / 2, m32, 0, &d), -ERANGE);
	ck_assert_int_eq(pw_counter_step(0, m32 / 2 - 1, m32, 0, &d), 0);
	/* a ceiling of 9999 (modulus 10000) */
	ck_assert_int_eq(pw_counter_step(9998, 2, 10000, 0, &d), 1);
	ck_assert_uint_eq(d, 4);
	/* the rate bound: a step beyond what max_rate allows is a reset or a
	 * write, back or forward, even below half the range */
	ck_assert_int_eq(pw_counter_step(0, 1000, m32, 1000, &d), 0);
	ck_assert_uint_eq(d, 1000);
	ck_assert_int_eq(pw_counter_step(0, 1001, m32, 1000, &d), -ERANGE);
	ck_assert_int_eq(pw_counter_step(2147483654u, 0, m32, 0, &d), 1);   /* a "wrap" ... */
	ck_assert_int_eq(pw_counter_step(2147483654u, 0, m32, 100000, &d), -ERANGE); /* ... no */
	ck_assert_int_eq(pw_counter_step(m32 - 6, 3, m32, 100000, &d), 1);
	ck_assert_uint_eq(pw_counter_max_step(0, 1000000000), 0);
	ck_assert_uint_eq(pw_counter_max_step(1000, 1000000000), 1000 + COUNTER_STEP_SLACK);
	ck_assert_uint_eq(pw_counter_max_step(100000000, 10000000), 1000000 + COUNTER_STEP_SLACK);
	ck_assert_uint_eq(pw_counter_max_step(4000000000u, UINT64_MAX), 0);
	/* full 64 bits (ceiling UINT64_MAX: modulus 0) */
	ck_assert_int_eq(pw_counter_step(UINT64_MAX - 1, 1, 0, 0, &d), 1);
	ck_assert_uint_eq(d, 3);
	ck_assert_int_eq(pw_counter_step(10, 9, 0, 0, &d), -ERANGE);
}
END_TEST

START_TEST(t_fold_sign_extended_count)
{
	const uint64_t m32 = UINT64_C(1) << 32;
	uint64_t d;
	/* interrupt-cnt's atomic_t past 2^31 reads sign-extended */
	uint64_t before = pw_counter_fold(2147483645u, m32);
	uint64_t after = pw_counter_fold(UINT64_C(0xFFFFFFFF80000001), m32);
	ck_assert_uint_eq(after, UINT64_C(0x80000001));
	ck_assert_int_eq(pw_counter_step(before, after, m32, 0, &d), 0);
	ck_assert_uint_eq(d, 4);
	ck_assert_uint_eq(pw_counter_fold(77, 0), 77);
}
END_TEST

START_TEST(t_parse_counts)
{
	uint64_t v;
	ck_assert_int_eq(pw_counter_parse_u64("123\n", &v), 0);
	ck_assert_uint_eq(v, 123);
	ck_assert_int_eq(pw_counter_parse_u64("18446744073709551615", &v), 0);
	ck_assert_uint_eq(v, UINT64_MAX);
	ck_assert_int_eq(pw_counter_parse_u64("18446744073709551616", &v), -EINVAL);
	ck_assert_int_eq(pw_counter_parse_u64("-1", &v), -EINVAL);
	ck_assert_int_eq(pw_counter_parse_u64("12x", &v), -EINVAL);
	ck_assert_int_eq(pw_counter_parse_u64("", &v), -EINVAL);
}
END_TEST

/* ----------------------------------------------------------- banks/lines */

START_TEST(t_devices_sorted_and_named)
{
	fake_root();
	fake_counter(10, "pump", 2);
	fake_counter(2, "meter n3", 1);
	mkdir_p("sys/bus/counter/devices/counter01");   /* not a plain number */
	mkdir_p("sys/bus/counter/devices/counterX");
	pinwatch_board *b = open_board("");
	struct pinwatch_bank_info bi;
	struct pinwatch_line_info li;

	ck_assert_int_eq(pinwatch_board_num_banks(b), 2);
	ck_assert_int_eq(pinwatch_board_bank_info(b, 0, &bi), 0);
	ck_assert_str_eq(bi.name, "counter2");
	ck_assert_str_eq(bi.label, "meter_n3");
	ck_assert_uint_eq(bi.num_lines, 1);
	ck_assert_int_eq(bi.base, -1);
	ck_assert_int_eq(pinwatch_board_bank_info(b, 1, &bi), 0);
	ck_assert_str_eq(bi.name, "counter10");
	ck_assert_uint_eq(bi.num_lines, 2);
	ck_assert_int_eq(pinwatch_board_line_info_at(b, 0, 0, &li), 0);
	ck_assert_str_eq(li.name, "meter_n3");
	ck_assert_int_eq(pinwatch_board_line_info_at(b, 1, 1, &li), 0);
	ck_assert_str_eq(li.name, "pump-count1");
	ck_assert_int_eq(li.used, 0);

	/* every way of naming a line */
	pinwatch_pin *p;
	ck_assert_int_eq(pinwatch_pin_open(b, "pump-count1", NULL, &p), 0);
	ck_assert_int_eq(pinwatch_board_line_info_at(b, 1, 1, &li), 0);
	ck_assert_int_eq(li.used, 1);
	pinwatch_pin_close(p);
	ck_assert_int_eq(pinwatch_pin_open(b, "counter2:0", NULL, &p), 0);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);

	/* one device */
	char spec[512];
	snprintf(spec, sizeof(spec), "counter:/dev/counter10,root=%s", root);
	ck_assert_int_eq(pinwatch_board_open(spec, &b), 0);
	ck_assert_int_eq(pinwatch_board_num_banks(b), 1);
	pinwatch_board_close(b);
	snprintf(spec, sizeof(spec), "counter:/dev/counter3,root=%s", root);
	ck_assert_int_eq(pinwatch_board_open(spec, &b), -ENOENT);
	ck_assert_ptr_nonnull(strstr(pinwatch_last_error(), "no counter3"));
}
END_TEST

static const char *const bad_specs[] = {
	"counter:/sys/bus/counter/devices/counter0",
	"counter:/dev/counter",
	"counter:/dev/counter01",
	"counter:/dev/counter0/../gpiochip0",
	"counter:counter0",
	"counter,interval_ms=0",
	"counter,interval_ms=60001",
	"counter,events=2",
	"counter,max_rate=4000000001",
	"counter,root=relative/dir",
	"counter,board=aria-g25",
};

START_TEST(t_bad_specs_rejected)
{
	pinwatch_board *b = NULL;
	int ret = pinwatch_board_open(bad_specs[_i], &b);
	ck_assert_msg(ret == -EINVAL || ret == -EOPNOTSUPP || ret == -ERANGE,
		      "%s: %d (%s)", bad_specs[_i], ret, pinwatch_last_error());
	ck_assert_ptr_null(b);
	ck_assert_ptr_nonnull(strstr(pinwatch_last_error(), "counter"));
}
END_TEST

START_TEST(t_no_counter_subsystem)
{
	fake_root();
	char spec[512];
	pinwatch_board *b = NULL;
	snprintf(spec, sizeof(spec), "counter,root=%s/none", root);
	ck_assert_int_eq(pinwatch_board_open(spec, &b), -ENOENT);
	ck_assert_ptr_nonnull(strstr(pinwatch_last_error(), "CONFIG_COUNTER"));
}
END_TEST

/* ----------------------------------------------------- unsupported ops */

START_TEST(t_unsupported_ops_refused)
{
	fake_root();
	fake_counter(0, "meter-n3", 1);
	pinwatch_board *b = open_board("");
	pinwatch_pin *p = NULL;
	struct pinwatch_pin_config out = { .direction = PINWATCH_DIR_OUTPUT };
	struct pinwatch_pin_config pull = { .bias = PINWATCH_BIAS_PULL_UP };
	struct pinwatch_pin_config low = { .active_low = 1 };

	ck_assert_int_eq(pinwatch_pin_open(b, "meter-n3", &out, &p), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(pinwatch_last_error(), "counter backend"));
	ck_assert_int_eq(pinwatch_pin_open(b, "meter-n3", &pull, &p), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(pinwatch_last_error(), "counter backend"));
	ck_assert_int_eq(pinwatch_pin_open(b, "meter-n3", &low, &p), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(pinwatch_last_error(), "counter backend"));

	ck_assert_int_eq(pinwatch_pin_open(b, "meter-n3", NULL, &p), 0);
	ck_assert_int_eq(pinwatch_pin_get(p), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(pinwatch_last_error(), "counter backend"));
	ck_assert_ptr_nonnull(strstr(pinwatch_last_error(), "meter-n3"));
	/* the core refuses it first: a count is an input */
	ck_assert_int_eq(pinwatch_pin_set(p, 1), -EPERM);
	ck_assert_int_eq(pinwatch_pin_reconfigure(p, &out), -EOPNOTSUPP);

	/* a count is one process's: a second request is refused */
	pinwatch_pin *again = NULL;
	ck_assert_int_eq(pinwatch_pin_open(b, "meter-n3", NULL, &again), -EBUSY);

	/* both edges / falling on a rising count; software debounce */
	pinwatch_watcher *w;
	pinwatch_watch_id id;
	ck_assert_int_eq(pinwatch_watcher_new(&w), 0);
	struct pinwatch_watch_config both = { 0 };
	ck_assert_int_eq(pinwatch_watch_add(w, p, &both, &id), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(pinwatch_last_error(), "rising edges only"));
	struct pinwatch_watch_config fall = { .edges = PINWATCH_EDGE_FALLING };
	ck_assert_int_eq(pinwatch_watch_add(w, p, &fall, &id), -EOPNOTSUPP);
	struct pinwatch_watch_config deb = { .edges = PINWATCH_EDGE_RISING, .debounce_ns = 1000 };
	ck_assert_int_eq(pinwatch_watch_add(w, p, &deb, &id), -EOPNOTSUPP);
	struct pinwatch_watch_config buf = { .edges = PINWATCH_EDGE_RISING, .event_buffer = 64 };
	ck_assert_int_eq(pinwatch_watch_add(w, p, &buf, &id), -EOPNOTSUPP);
	/* nothing was enabled by the refused watches */
	ck_assert_str_eq(get("sys/bus/counter/devices/counter0/count0/enable"), "0");
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

START_TEST(t_count_functions_refused)
{
	static const struct { const char *file, *text, *want; } cases[] = {
		{ "function", "quadrature x4\n", "function 'quadrature x4'" },
		{ "signal0_action", "both edges\n", "synapse action 'both edges'" },
		{ "signal0_action", "none\n", "no signal drives the count" },
	};
	fake_root();
	fake_counter(0, "meter-n3", 1);
	char rel[128];
	snprintf(rel, sizeof(rel), "sys/bus/counter/devices/counter0/count0/%s", cases[_i].file);
	put(rel, cases[_i].text, 0644);
	pinwatch_board *b = open_board("");
	pinwatch_pin *p;
	pinwatch_watcher *w;
	pinwatch_watch_id id;
	ck_assert_int_eq(pinwatch_pin_open(b, "meter-n3", NULL, &p), 0);
	ck_assert_int_eq(pinwatch_watcher_new(&w), 0);
	struct pinwatch_watch_config wc = { .edges = PINWATCH_EDGE_RISING };
	ck_assert_int_eq(pinwatch_watch_add(w, p, &wc, &id), -EOPNOTSUPP);
	ck_assert_msg(strstr(pinwatch_last_error(), cases[_i].want), "%s", pinwatch_last_error());
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

/* ------------------------------------------------------------- counting */

START_TEST(t_counts_exactly_and_enables)
{
	struct rig r;
	struct pinwatch_watch_stats st;

	rig_open(&r, ",max_rate=0");   /* 100000 edges between two 1 ms polls */
	/* interrupt-cnt starts disabled: the watch enabled it */
	ck_assert_str_eq(get("sys/bus/counter/devices/counter0/count0/enable"), "1");
	dispatch_ticks(r.w, 3);
	ck_assert_int_eq(pinwatch_watch_stats(r.w, r.id, &st), 0);
	ck_assert_uint_eq(counted(&st), 0);

	set_count(5);
	dispatch_until(r.w, r.id, 5, &st);
	dispatch_ticks(r.w, 3);
	ck_assert_int_eq(pinwatch_watch_stats(r.w, r.id, &st), 0);
	ck_assert_uint_eq(counted(&st), 5);
	ck_assert_uint_eq(st.falling, 0);
	ck_assert_int_eq(st.error, 0);

	set_count(100005);
	dispatch_until(r.w, r.id, 100005, &st);
	dispatch_ticks(r.w, 3);
	ck_assert_int_eq(pinwatch_watch_stats(r.w, r.id, &st), 0);
	ck_assert_uint_eq(counted(&st), 100005);
	ck_assert_uint_eq(st.delivered + st.lost, 100005);

	ck_assert_int_eq(pinwatch_watch_remove(r.w, r.id), 0);
	/* disabled again: only what the watch enabled */
	ck_assert_str_eq(get("sys/bus/counter/devices/counter0/count0/enable"), "0");
	rig_close(&r);
}
END_TEST

/* The idle watchdog on a kernel count: a count that does not move is quiet
 * (the core's timer, re-armed by every step of the count). */
START_TEST(t_idle_on_a_quiet_count)
{
	struct rig r;
	struct pinwatch_watch_stats st;

	fake_root();
	fake_counter(0, "meter-n3", 1);
	r.b = open_board("");   /* polls every 1 ms; idle after 40 */
	ck_assert_int_eq(pinwatch_pin_open(r.b, "meter-n3", NULL, &r.p), 0);
	ck_assert_int_eq(pinwatch_watcher_new(&r.w), 0);
	struct pinwatch_watch_config wc = { .edges = PINWATCH_EDGE_RISING, .idle_ns = 40000000 };
	ck_assert_int_eq(pinwatch_watch_add(r.w, r.p, &wc, &r.id), 0);
	for (int i = 0; i < 2000; i++) {   /* a net against a hang, not a timing assertion */
		ck_assert_int_eq(pinwatch_watch_stats(r.w, r.id, &st), 0);
		if (st.idle >= 2)
			break;
		ck_assert_int_ge(pinwatch_watcher_dispatch(r.w, 50), 0);
	}
	ck_assert_uint_ge(st.idle, 2);
	ck_assert_uint_eq(st.rising, 0);
	ck_assert_int_eq(st.error, 0);
	set_count(7);
	dispatch_until(r.w, r.id, 7, &st);
	ck_assert_uint_eq(counted(&st), 7);
	ck_assert_int_eq(st.error, 0);
	rig_close(&r);
}
END_TEST

START_TEST(t_counts_from_where_it_starts)
{
	/* a count already running: the watch counts from its own start */
	struct rig r;
	struct pinwatch_watch_stats st;

	fake_root();
	fake_counter(0, "meter-n3", 1);
	set_count(1234);
	put("sys/bus/counter/devices/counter0/count0/enable", "1\n", 0644);
	r.b = open_board("");
	ck_assert_int_eq(pinwatch_pin_open(r.b, "meter-n3", NULL, &r.p), 0);
	ck_assert_int_eq(pinwatch_watcher_new(&r.w), 0);
	struct pinwatch_watch_config wc = { .edges = PINWATCH_EDGE_RISING };
	ck_assert_int_eq(pinwatch_watch_add(r.w, r.p, &wc, &r.id), 0);
	set_count(1240);
	dispatch_until(r.w, r.id, 6, &st);
	dispatch_ticks(r.w, 3);
	ck_assert_int_eq(pinwatch_watch_stats(r.w, r.id, &st), 0);
	ck_assert_uint_eq(counted(&st), 6);
	ck_assert_int_eq(pinwatch_watch_remove(r.w, r.id), 0);
	/* someone else's enable is left as it was */
	ck_assert_str_eq(get("sys/bus/counter/devices/counter0/count0/enable"), "1");
	rig_close(&r);
}
END_TEST

START_TEST(t_wrap_counted_through)
{
	struct rig r;
	struct pinwatch_watch_stats st;

	fake_root();
	fake_counter(0, "meter-n3", 1);
	set_count(4294967290u);
	r.b = open_board(",max_rate=0");   /* the test jumps the count by 2^31 */
	ck_assert_int_eq(pinwatch_pin_open(r.b, "meter-n3", NULL, &r.p), 0);
	ck_assert_int_eq(pinwatch_watcher_new(&r.w), 0);
	struct pinwatch_watch_config wc = { .edges = PINWATCH_EDGE_RISING };
	ck_assert_int_eq(pinwatch_watch_add(r.w, r.p, &wc, &r.id), 0);
	set_count(3);   /* 32-bit wrap: 6 + 3 edges */
	dispatch_until(r.w, r.id, 9, &st);
	dispatch_ticks(r.w, 3);
	ck_assert_int_eq(pinwatch_watch_stats(r.w, r.id, &st), 0);
	ck_assert_uint_eq(counted(&st), 9);
	ck_assert_int_eq(st.error, 0);
	/* interrupt-cnt's sign-extended reading past 2^31 */
	set_count(2147483645u);
	dispatch_until(r.w, r.id, 9 + 2147483642u, &st);
	set_count(UINT64_C(0xFFFFFFFF80000001));
	dispatch_until(r.w, r.id, 9 + 2147483642u + 4, &st);
	dispatch_ticks(r.w, 3);
	ck_assert_int_eq(pinwatch_watch_stats(r.w, r.id, &st), 0);
	ck_assert_uint_eq(counted(&st), 9 + 2147483642u + 4);
	ck_assert_int_eq(st.error, 0);
	rig_close(&r);
}
END_TEST

START_TEST(t_ceiling_sets_the_modulus)
{
	struct rig r;
	struct pinwatch_watch_stats st;

	fake_root();
	fake_counter(0, "meter-n3", 1);
	put("sys/bus/counter/devices/counter0/count0/ceiling", "9999\n", 0644);
	set_count(9990);
	r.b = open_board("");
	ck_assert_int_eq(pinwatch_pin_open(r.b, "meter-n3", NULL, &r.p), 0);
	ck_assert_int_eq(pinwatch_watcher_new(&r.w), 0);
	struct pinwatch_watch_config wc = { .edges = PINWATCH_EDGE_RISING };
	ck_assert_int_eq(pinwatch_watch_add(r.w, r.p, &wc, &r.id), 0);
	set_count(5);   /* 9990 -> 9999 -> 0 -> 5: 15 edges */
	dispatch_until(r.w, r.id, 15, &st);
	dispatch_ticks(r.w, 3);
	ck_assert_int_eq(pinwatch_watch_stats(r.w, r.id, &st), 0);
	ck_assert_uint_eq(counted(&st), 15);
	ck_assert_int_eq(st.error, 0);
	rig_close(&r);
}
END_TEST

static int reset_errors;
static int reset_error_value;

static void on_event(const struct pinwatch_event *ev, void *ctx)
{
	(void)ctx;
	if (ev->edge == PINWATCH_EVENT_ERROR) {
		reset_errors++;
		reset_error_value = ev->value;
	}
}

START_TEST(t_reset_reported)
{
	struct rig r;
	struct pinwatch_watch_stats st;

	rig_open(&r, "");
	set_count(50);
	dispatch_until(r.w, r.id, 50, &st);
	/* someone wrote the count back: what came before it is unknown */
	set_count(2);
	for (int i = 0; i < 2000 && !st.error; i++) {
		ck_assert_int_ge(pinwatch_watcher_dispatch(r.w, 50), 0);
		ck_assert_int_eq(pinwatch_watch_stats(r.w, r.id, &st), 0);
	}
	ck_assert_int_eq(st.error, -ERANGE);
	ck_assert_uint_eq(counted(&st), 50);   /* not absorbed as 2^32 - 48 */
	rig_close(&r);

	/* on a callback watch it arrives as an error event (with a core that
	 * passes per_event, such a watch needs /dev/counterN: the fake tree's
	 * events=0 board would refuse it, so this runs where it is accepted) */
	fake_root();
	fake_counter(0, "meter-n3", 1);
	r.b = open_board("");
	ck_assert_int_eq(pinwatch_pin_open(r.b, "meter-n3", NULL, &r.p), 0);
	ck_assert_int_eq(pinwatch_watcher_new(&r.w), 0);
	struct pinwatch_watch_config wc = { .edges = PINWATCH_EDGE_RISING, .callback = on_event };
	if (pinwatch_watch_add(r.w, r.p, &wc, &r.id) == 0) {
		set_count(7);
		dispatch_ticks(r.w, 5);
		set_count(1);
		for (int i = 0; i < 2000 && !reset_errors; i++)
			ck_assert_int_ge(pinwatch_watcher_dispatch(r.w, 50), 0);
		ck_assert_int_eq(reset_errors, 1);
		ck_assert_int_eq(reset_error_value, -ERANGE);
	} else {
		ck_assert_int_eq(pinwatch_watch_add(r.w, r.p, &wc, &r.id), -EOPNOTSUPP);
		ck_assert_ptr_nonnull(strstr(pinwatch_last_error(), "counters-only watch"));
	}
	rig_close(&r);
}
END_TEST

START_TEST(t_jump_beyond_the_rate_reported)
{
	/* past 2^31 a reset to 0 looks like a wrap by half the range: the rate
	 * bound tells them apart (the ARM rig's interrupt-cnt case) */
	struct rig r;
	struct pinwatch_watch_stats st;

	fake_root();
	fake_counter(0, "meter-n3", 1);
	set_count(2147483650u);
	r.b = open_board(",max_rate=1000");
	ck_assert_int_eq(pinwatch_pin_open(r.b, "meter-n3", NULL, &r.p), 0);
	ck_assert_int_eq(pinwatch_watcher_new(&r.w), 0);
	struct pinwatch_watch_config wc = { .edges = PINWATCH_EDGE_RISING };
	ck_assert_int_eq(pinwatch_watch_add(r.w, r.p, &wc, &r.id), 0);
	set_count(2147483656u);   /* 6 edges: within the slack */
	dispatch_until(r.w, r.id, 6, &st);
	ck_assert_uint_eq(counted(&st), 6);
	set_count(0);             /* reset */
	for (int i = 0; i < 2000 && !st.error; i++) {
		ck_assert_int_ge(pinwatch_watcher_dispatch(r.w, 50), 0);
		ck_assert_int_eq(pinwatch_watch_stats(r.w, r.id, &st), 0);
	}
	ck_assert_int_eq(st.error, -ERANGE);
	ck_assert_uint_eq(counted(&st), 6);
	rig_close(&r);

	/* a write forward, far beyond the rate */
	fake_root();
	fake_counter(0, "meter-n3", 1);
	r.b = open_board(",max_rate=1000");
	ck_assert_int_eq(pinwatch_pin_open(r.b, "meter-n3", NULL, &r.p), 0);
	ck_assert_int_eq(pinwatch_watcher_new(&r.w), 0);
	ck_assert_int_eq(pinwatch_watch_add(r.w, r.p, &wc, &r.id), 0);
	set_count(1000000);
	st.error = 0;
	for (int i = 0; i < 2000 && !st.error; i++) {
		ck_assert_int_ge(pinwatch_watcher_dispatch(r.w, 50), 0);
		ck_assert_int_eq(pinwatch_watch_stats(r.w, r.id, &st), 0);
	}
	ck_assert_int_eq(st.error, -ERANGE);
	ck_assert_uint_eq(counted(&st), 0);
	rig_close(&r);
}
END_TEST

/* --------------------------------------------------------- the ops alone */

START_TEST(t_per_event_needs_the_chardev)
{
	fake_root();
	fake_counter(0, "meter-n3", 1);
	char spec[512];
	snprintf(spec, sizeof(spec), "counter,root=%s", root);
	struct pw_spec sp;
	ck_assert_int_eq(pw_spec_parse(spec, &sp), 0);
	struct pw_open_args args = { .spec = &sp };
	void *state, *line;
	struct pw_line_config lc = { .consumer = "test" };
	struct pw_edge_config ec = { .edges = PINWATCH_EDGE_RISING, .per_event = 1 };
	int fd = -1;

	ck_assert_int_eq(pw_backend_counter.open(&args, &state), 0);
	ck_assert_int_eq(pw_backend_counter.request(state, 0, 0, &lc, &line), 0);
	/* dev/counter0 missing */
	ck_assert_int_eq(pw_backend_counter.edges_enable(line, &ec, &fd), -EOPNOTSUPP);
	ck_assert_int_eq(fd, -1);
	/* a regular file is not the counter character device */
	put("dev/counter0", "", 0644);
	ck_assert_int_eq(pw_backend_counter.edges_enable(line, &ec, &fd), -EOPNOTSUPP);
	ck_assert_int_eq(fd, -1);
	ck_assert_str_eq(get("sys/bus/counter/devices/counter0/count0/enable"), "0");
	/* counters only: a timerfd, readable at each interval */
	ec.per_event = 0;
	ck_assert_int_eq(pw_backend_counter.edges_enable(line, &ec, &fd), 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	set_count(3);
	struct pw_raw_event ev[4];
	int n = 0;
	for (int i = 0; i < 2000 && n == 0; i++) {
		tu_sleep_ms(1);
		n = pw_backend_counter.read_events(line, ev, 4);
	}
	ck_assert_int_eq(n, 1);
	ck_assert_uint_eq(ev[0].count, 3);
	ck_assert_uint_eq(ev[0].seqno, 3);
	ck_assert_int_eq(ev[0].edge, PINWATCH_EDGE_RISING);
	pw_backend_counter.edges_disable(line);
	pw_backend_counter.release(line);
	pw_backend_counter.close(state);

	/* events=0: per-event watches refused up front, with the way out */
	pw_spec_free(&sp);
	snprintf(spec, sizeof(spec), "counter,root=%s,events=0", root);
	ck_assert_int_eq(pw_spec_parse(spec, &sp), 0);
	args.spec = &sp;
	ec.per_event = 1;
	ck_assert_int_eq(pw_backend_counter.open(&args, &state), 0);
	ck_assert_int_eq(pw_backend_counter.request(state, 0, 0, &lc, &line), 0);
	ck_assert_int_eq(pw_backend_counter.edges_enable(line, &ec, &fd), -EOPNOTSUPP);
	pw_backend_counter.release(line);
	pw_backend_counter.close(state);
	pw_spec_free(&sp);
}
END_TEST

START_TEST(t_descriptors_cloexec_and_not_leaked)
{
	fake_root();
	fake_counter(0, "meter-n3", 1);
	int before[256], now[256], fresh[256];
	size_t nbefore = tu_list_fds(before, 256);
	for (int i = 0; i < 10; i++) {
		struct rig r;
		r.b = open_board("");
		ck_assert_int_eq(pinwatch_pin_open(r.b, "meter-n3", NULL, &r.p), 0);
		ck_assert_int_eq(pinwatch_watcher_new(&r.w), 0);
		struct pinwatch_watch_config wc = { .edges = PINWATCH_EDGE_RISING };
		ck_assert_int_eq(pinwatch_watch_add(r.w, r.p, &wc, &r.id), 0);
		size_t n = tu_new_fds(before, nbefore, fresh, 256);
		ck_assert_uint_ge(n, 4);   /* sysfs dir, dev dir, count, timerfd (+ watcher's) */
		for (size_t k = 0; k < n; k++)
			ck_assert_msg(fcntl(fresh[k], F_GETFD) & FD_CLOEXEC, "fd %d without O_CLOEXEC", fresh[k]);
		/* close in any order */
		if (i % 2) {
			pinwatch_pin_close(r.p);
			pinwatch_board_close(r.b);
			pinwatch_watcher_free(r.w);
		} else {
			rig_close(&r);
		}
	}
	ck_assert_uint_eq(tu_list_fds(now, 256), nbefore);
}
END_TEST

static Suite *counter_suite(void)
{
	Suite *s = suite_create("counter");
	TCase *tc = tcase_create("arithmetic");
	tcase_add_test(tc, t_step_forward_wrap_reset);
	tcase_add_test(tc, t_fold_sign_extended_count);
	tcase_add_test(tc, t_parse_counts);
	suite_add_tcase(s, tc);

	tc = tcase_create("devices");
	tcase_add_test(tc, t_devices_sorted_and_named);
	tcase_add_loop_test(tc, t_bad_specs_rejected, 0, (int)PW_ARRAY_SIZE(bad_specs));
	tcase_add_test(tc, t_no_counter_subsystem);
	tcase_add_test(tc, t_unsupported_ops_refused);
	tcase_add_loop_test(tc, t_count_functions_refused, 0, 3);
	suite_add_tcase(s, tc);

	tc = tcase_create("counting");
	tcase_set_timeout(tc, 60);   /* a loaded machine; nothing here is timed */
	tcase_add_test(tc, t_counts_exactly_and_enables);
	tcase_add_test(tc, t_counts_from_where_it_starts);
	tcase_add_test(tc, t_idle_on_a_quiet_count);
	tcase_add_test(tc, t_wrap_counted_through);
	tcase_add_test(tc, t_ceiling_sets_the_modulus);
	tcase_add_test(tc, t_reset_reported);
	tcase_add_test(tc, t_jump_beyond_the_rate_reported);
	tcase_add_test(tc, t_per_event_needs_the_chardev);
	tcase_add_test(tc, t_descriptors_cloexec_and_not_leaked);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	snprintf(base_dir, sizeof(base_dir), "/tmp/pw-test-counter-XXXXXX");
	if (!mkdtemp(base_dir)) {
		perror("mkdtemp");
		return 1;
	}
	SRunner *sr = srunner_create(counter_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	rm_tree(base_dir);
	return failed ? 1 : 0;
}
