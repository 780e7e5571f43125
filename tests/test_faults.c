/* SPDX-License-Identifier: MIT */
/*
 * test-faults: the fault matrix (issue 12).  Every simulator operation x
 * every errno a kernel gives x which call fails (1st, 2nd, 5th, every) x how
 * the watch is consumed (callback, queue or counters on the worker thread,
 * or a callback from caller-driven dispatch).  Each case asserts:
 *
 *  - a failing call returns exactly -errno, and its message names the pin,
 *    the operation and the cause (strerror and the injected detail);
 *  - exactly the nth call fails (or every call), the others succeed;
 *  - a read fault that is not transient is delivered as ONE error event
 *    (value -errno), stats.error is set, the watch is disabled and the loop
 *    no longer wakes for it;
 *  - a transient read error (EINTR, EAGAIN) is retried; one that never ends
 *    is reported after a bounded number of reads (the contract of
 *    core/dispatch.c, docs/guarantees.md);
 *  - bounded work: counted in dispatch calls, never timed;
 *  - descriptors and threads are back at their baseline after close.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"   /* pw_fail(): the core's framing, for the stale-detail tests */
#include "pinwatch.h"
#include "testutil.h"

#define VARIA "sim:aria-g25,clock=virtual"
#define PIN "N3"
#define REPEAT 6      /* calls per stage: enough for nth = 5 */
#define EDGES 10      /* edges driven in the read stage */
/* The transient-read contract: 64 consecutive failed reads, then an error
 * event.  A few more dispatch calls than that are allowed (the wake that
 * delivers the error, a spurious one). */
#define TRANSIENT_LIMIT 64
#define DISPATCH_BOUND (TRANSIENT_LIMIT + 8)

static const int ops[] = {
	PINWATCH_SIM_OP_REQUEST, PINWATCH_SIM_OP_GET, PINWATCH_SIM_OP_SET,
	PINWATCH_SIM_OP_RECONFIGURE, PINWATCH_SIM_OP_EDGES, PINWATCH_SIM_OP_READ,
};
static const char *const op_names[] = {
	"", "request", "get", "set", "reconfigure", "edges", "read",
};
static const int errs[] = { EINTR, EAGAIN, EIO, ENODEV, EMFILE, ENOMEM, EBUSY };
static const unsigned nths[] = { 1, 2, 5, 0 /* every call */ };
enum mode { M_CALLBACK, M_QUEUE, M_COUNTERS, M_DISPATCH, NUM_MODES };
static const char *const mode_names[] = { "callback", "queue", "counters", "dispatch" };

#define N_OPS (sizeof(ops) / sizeof(ops[0]))
#define N_ERRS (sizeof(errs) / sizeof(errs[0]))
#define N_NTHS (sizeof(nths) / sizeof(nths[0]))
#define MATRIX (N_OPS * N_ERRS * N_NTHS * NUM_MODES)

struct fcase {
	int op, err;
	unsigned nth;
	enum mode mode;
};

/* The case being run, for the failure messages. */
static char cdesc[96];

#define CHECK_CMP(a, op, b) do { \
	long long a_ = (long long)(a), b_ = (long long)(b); \
	ck_assert_msg(a_ op b_, "%s: %s %s %s: %lld vs %lld", cdesc, #a, #op, #b, a_, b_); \
} while (0)
#define CHECK_EQ(a, b) CHECK_CMP(a, ==, b)
#define CHECK_LE(a, b) CHECK_CMP(a, <=, b)

static struct fcase case_at(int i)
{
	struct fcase c;

	c.mode = (enum mode)(i % NUM_MODES);
	i /= NUM_MODES;
	c.nth = nths[i % (int)N_NTHS];
	i /= (int)N_NTHS;
	c.err = errs[i % (int)N_ERRS];
	i /= (int)N_ERRS;
	c.op = ops[i];
	return c;
}

static int transient(int err)
{
	return err == EINTR || err == EAGAIN;
}

static int has(const char *s, const char *sub)
{
	return s && strstr(s, sub) != NULL;
}

/* ---------------------------------------------------------- consumers */

struct tally {
	int events;        /* edges delivered (callback or queue) */
	int errors;        /* error events */
	int error_value;   /* value of the last error event */
};

static void on_event(const struct pinwatch_event *ev, void *ctx)
{
	struct tally *t = ctx;

	if (ev->edge == PINWATCH_EVENT_ERROR) {
		__atomic_add_fetch(&t->errors, 1, __ATOMIC_SEQ_CST);
		__atomic_store_n(&t->error_value, ev->value, __ATOMIC_SEQ_CST);
	} else {
		__atomic_add_fetch(&t->events, 1, __ATOMIC_SEQ_CST);
	}
}

static void take_queue(pinwatch_watcher *w, pinwatch_watch_id id, struct tally *t)
{
	struct pinwatch_event ev[32];
	int n;

	while ((n = pinwatch_watch_read(w, id, ev, 32, 0)) > 0)
		for (int i = 0; i < n; i++)
			on_event(&ev[i], t);
}

static struct pinwatch_watch_stats stats(pinwatch_watcher *w, pinwatch_watch_id id)
{
	struct pinwatch_watch_stats st;

	ck_assert_int_eq(pinwatch_watch_stats(w, id, &st), 0);
	return st;
}

/* ------------------------------------------------------------- stages */

static int inject(pinwatch_board *b, const struct fcase *c)
{
	struct pinwatch_sim_fault f = {
		.kind = PINWATCH_SIM_FAULT_FAIL, .op = c->op, .nth = c->nth,
		.error = c->err, .pin = PIN,
	};
	return pinwatch_sim_fault(b, &f);
}

static void clear_faults(pinwatch_board *b)
{
	struct pinwatch_sim_fault f = { .kind = PINWATCH_SIM_FAULT_CLEAR };

	ck_assert_int_eq(pinwatch_sim_fault(b, &f), 0);
}

/* Call i (1-based) of a stage: must it fail? */
static int should_fail(const struct fcase *c, int i)
{
	return c->nth == 0 || (unsigned)i == c->nth;
}

/* A failed call: -err, and a message with the pin, the operation, the
 * cause and where the cause came from. */
static void check_failure(const struct fcase *c, int ret, const char *opword)
{
	const char *msg = pinwatch_last_error();

	ck_assert_msg(ret == -c->err, "%s: %d, want %d (%s)", cdesc, ret, -c->err, msg);
	ck_assert_msg(has(msg, PIN) || has(msg, "PC1"), "%s: no pin in '%s'", cdesc, msg);
	ck_assert_msg(has(msg, opword), "%s: no '%s' in '%s'", cdesc, opword, msg);
	ck_assert_msg(has(msg, strerror(c->err)), "%s: no cause in '%s'", cdesc, msg);
	ck_assert_msg(has(msg, "injected"), "%s: no detail in '%s'", cdesc, msg);
}

static void check_call(const struct fcase *c, int i, int ret, const char *opword)
{
	if (should_fail(c, i))
		check_failure(c, ret, opword);
	else
		ck_assert_msg(ret >= 0, "%s: call %d: %d: %s", cdesc, i, ret, pinwatch_last_error());
}

static const struct pinwatch_pin_config out_cfg = { .direction = PINWATCH_DIR_OUTPUT };
static const struct pinwatch_pin_config in_cfg = { .direction = PINWATCH_DIR_INPUT };

static void stage_request(pinwatch_board *b, const struct fcase *c)
{
	for (int i = 1; i <= REPEAT; i++) {
		pinwatch_pin *p = NULL;
		int ret = pinwatch_pin_open(b, PIN, &out_cfg, &p);
		check_call(c, i, ret, "request");
		if (ret < 0)
			ck_assert_ptr_null(p);
		pinwatch_pin_close(p);
	}
}

static void stage_pin_ops(pinwatch_pin *p, const struct fcase *c)
{
	for (int i = 1; i <= REPEAT; i++) {
		int ret;
		switch (c->op) {
		case PINWATCH_SIM_OP_SET:
			check_call(c, i, pinwatch_pin_set(p, i & 1), "set");
			break;
		case PINWATCH_SIM_OP_GET:
			ret = pinwatch_pin_get(p);
			check_call(c, i, ret, "get");
			break;
		case PINWATCH_SIM_OP_RECONFIGURE:
			check_call(c, i, pinwatch_pin_reconfigure(p, &out_cfg), "reconfigure");
			break;
		}
	}
}

static struct pinwatch_watch_config watch_cfg(enum mode m, struct tally *t)
{
	struct pinwatch_watch_config wc = { .edges = PINWATCH_EDGE_BOTH };

	if (m == M_CALLBACK || m == M_DISPATCH) {
		wc.callback = on_event;
		wc.ctx = t;
	} else if (m == M_QUEUE) {
		wc.queue_size = 32;
	}
	return wc;
}

static void stage_edges(pinwatch_watcher *w, pinwatch_pin *p, const struct fcase *c,
			struct tally *t)
{
	struct pinwatch_watch_config wc = watch_cfg(c->mode, t);

	for (int i = 1; i <= REPEAT; i++) {
		pinwatch_watch_id id = 0;
		int ret = pinwatch_watch_add(w, p, &wc, &id);
		check_call(c, i, ret, "edges");
		if (ret == 0)
			ck_assert_int_eq(pinwatch_watch_remove(w, id), 0);
	}
}

/* What the consumer has seen so far, for any mode. */
static void observe(pinwatch_watcher *w, pinwatch_watch_id id, enum mode m,
		    struct tally *t, struct tally *seen)
{
	if (m == M_QUEUE)
		take_queue(w, id, t);
	if (m == M_COUNTERS) {
		struct pinwatch_watch_stats st = stats(w, id);
		seen->events = (int)(st.rising + st.falling);
		seen->errors = st.error != 0;
		seen->error_value = st.error;
		return;
	}
	seen->events = __atomic_load_n(&t->events, __ATOMIC_SEQ_CST);
	seen->errors = __atomic_load_n(&t->errors, __ATOMIC_SEQ_CST);
	seen->error_value = __atomic_load_n(&t->error_value, __ATOMIC_SEQ_CST);
}

static int loop_readable(pinwatch_watcher *w)
{
	struct pollfd pfd = { .fd = pinwatch_watcher_fd(w), .events = POLLIN };

	return poll(&pfd, 1, 0) > 0;
}

/* Caller-driven: dispatch until the loop has nothing more to do (dispatch
 * handled nothing and the loop's descriptor is not readable).  Returns the
 * number of dispatch calls, or DISPATCH_BOUND + 1 if it never settles. */
static int settle(pinwatch_watcher *w)
{
	for (int calls = 1; calls <= DISPATCH_BOUND; calls++) {
		int n = pinwatch_watcher_dispatch(w, 0);
		ck_assert_int_ge(n, 0);
		if (n == 0 && !loop_readable(w))
			return calls;
	}
	return DISPATCH_BOUND + 1;
}

/* Worker: wait (bounded, never asserted on) until the watch has seen more
 * than `edges` edges or is disabled.  0 if that never happened. */
static int await_worker(pinwatch_watcher *w, pinwatch_watch_id id, int edges)
{
	for (int k = 0; k < 2000; k++) {
		struct pinwatch_watch_stats st = stats(w, id);
		if (st.error || (int)(st.rising + st.falling) > edges)
			return 1;
		tu_sleep_ms(1);
	}
	return 0;
}

/* Drive `edges` edges on the pin; returns the most dispatch calls one edge
 * needed until the loop settled (caller-driven), for the bound. */
static int drive_edges(pinwatch_board *b, pinwatch_watcher *w, pinwatch_watch_id id,
		       const struct fcase *c, int first, int edges)
{
	int worst = 0;
	int worker_ok = 1;

	for (int i = first; i < first + edges; i++) {
		ck_assert_int_eq(pinwatch_sim_drive(b, PIN, !(i % 2)), 0);
		if (c->mode == M_DISPATCH) {
			int calls = settle(w);
			if (calls > worst)
				worst = calls;
		} else if (worker_ok) {
			worker_ok = await_worker(w, id, i);
		}
	}
	return worst;
}

static void run_case(int idx)
{
	struct fcase c = case_at(idx);
	snprintf(cdesc, sizeof(cdesc), "case %d: %s x %s x nth %u x %s", idx, op_names[c.op],
		 strerrorname_np(c.err) ? strerrorname_np(c.err) : "?", c.nth, mode_names[c.mode]);
	int base_fds = tu_count_fds();
	int base_threads = tu_thread_baseline();
	pinwatch_board *b = NULL;
	pinwatch_pin *p = NULL;
	pinwatch_watcher *w = NULL;
	pinwatch_watch_id id = 0;
	struct tally t = { 0 }, seen = { 0 };

	ck_assert_int_eq(pinwatch_board_open(VARIA, &b), 0);
	if (c.op == PINWATCH_SIM_OP_REQUEST) {
		ck_assert_int_eq(inject(b, &c), 0);
		stage_request(b, &c);
		clear_faults(b);
	}
	ck_assert_int_eq(pinwatch_pin_open(b, PIN, &out_cfg, &p), 0);
	if (c.op == PINWATCH_SIM_OP_GET || c.op == PINWATCH_SIM_OP_SET ||
	    c.op == PINWATCH_SIM_OP_RECONFIGURE) {
		ck_assert_int_eq(inject(b, &c), 0);
		stage_pin_ops(p, &c);
		clear_faults(b);
	}
	ck_assert_int_eq(pinwatch_pin_reconfigure(p, &in_cfg), 0);
	ck_assert_int_eq(pinwatch_sim_drive(b, PIN, 0), 0);
	ck_assert_int_eq(pinwatch_watcher_new(&w), 0);
	if (c.op == PINWATCH_SIM_OP_EDGES) {
		ck_assert_int_eq(inject(b, &c), 0);
		stage_edges(w, p, &c, &t);
		clear_faults(b);
	}
	struct pinwatch_watch_config wc = watch_cfg(c.mode, &t);
	ck_assert_int_eq(pinwatch_watch_add(w, p, &wc, &id), 0);
	if (c.mode != M_DISPATCH)
		ck_assert_int_eq(pinwatch_watcher_start(w), 0);
	if (c.op == PINWATCH_SIM_OP_READ)
		ck_assert_int_eq(inject(b, &c), 0);

	int worst = drive_edges(b, w, id, &c, 0, EDGES);
	ck_assert_msg(worst <= DISPATCH_BOUND, "%s: the loop did not settle within %d dispatch calls",
		      cdesc, DISPATCH_BOUND);
	/* Stop joins the worker: every callback it started has returned, so
	 * what the consumer saw is final (stats are counted before the
	 * callback runs). */
	if (c.mode != M_DISPATCH)
		CHECK_EQ(pinwatch_watcher_stop(w), 0);
	observe(w, id, c.mode, &t, &seen);

	int read_fails = c.op == PINWATCH_SIM_OP_READ && (c.nth == 0 || !transient(c.err));
	struct pinwatch_watch_stats st = stats(w, id);
	if (!read_fails) {
		/* Nothing lost: a transient one-shot read error was retried. */
		CHECK_EQ(st.error, 0);
		CHECK_EQ(seen.errors, 0);
		CHECK_EQ((int)(st.rising + st.falling), EDGES);
		if (c.mode != M_COUNTERS)
			CHECK_EQ(seen.events, EDGES);
	} else {
		CHECK_EQ(st.error, -c.err);
		CHECK_EQ(seen.errors, 1);
		CHECK_EQ(seen.error_value, -c.err);
		/* Reads before the failing one delivered their edge; none after. */
		int before = c.nth ? (int)c.nth - 1 : 0;
		if (c.mode == M_DISPATCH)
			CHECK_EQ((int)(st.rising + st.falling), before);
		else
			CHECK_LE((int)(st.rising + st.falling), before);
		if (c.mode == M_QUEUE) {
			struct pinwatch_event ev;
			CHECK_EQ(pinwatch_watch_read(w, id, &ev, 1, 0), -c.err);
			const char *msg = pinwatch_last_error();
			ck_assert_msg(has(msg, "read") && has(msg, strerror(c.err)), "%s: '%s'", cdesc, msg);
			ck_assert_msg(has(msg, PIN), "%s: read error names no pin: '%s'", cdesc, msg);
		}
		/* Disabled: more edges wake nothing and change nothing (checked
		 * caller-driven, the worker being stopped). */
		uint64_t had = st.rising + st.falling;
		struct fcase driven = c;
		driven.mode = M_DISPATCH;
		CHECK_LE(drive_edges(b, w, id, &driven, EDGES, 2), 1);
		CHECK_EQ(loop_readable(w), 0);
		st = stats(w, id);
		CHECK_EQ(st.rising + st.falling, had);
		observe(w, id, c.mode, &t, &seen);
		CHECK_EQ(seen.errors, 1);
	}
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
	ck_assert_int_eq(tu_count_fds(), base_fds);
	ck_assert_int_le(tu_threads_settle(base_threads), base_threads);
}

/* The loop test's index _i runs over the cases the matrix has. */
static int case_list[MATRIX];
static int num_cases;

START_TEST(t_fault_case)
{
	run_case(case_list[_i]);
}
END_TEST

/* ---------------------------------------- stale details (defect 2) */

/* A read fault that the core handled (as an error event) leaves no detail
 * behind for a later, unrelated error of another call. */
START_TEST(t_stale_detail_after_read_fault)
{
	pinwatch_board *b = NULL;
	pinwatch_pin *p = NULL;
	pinwatch_watcher *w = NULL;
	pinwatch_watch_id id = 0;
	struct pinwatch_watch_config wc = { .queue_size = 4 };
	struct fcase c = { .op = PINWATCH_SIM_OP_READ, .err = EIO, .nth = 1 };
	uint64_t now;

	ck_assert_int_eq(pinwatch_board_open(VARIA, &b), 0);
	ck_assert_int_eq(pinwatch_pin_open(b, PIN, NULL, &p), 0);
	ck_assert_int_eq(pinwatch_watcher_new(&w), 0);
	ck_assert_int_eq(pinwatch_watch_add(w, p, &wc, &id), 0);
	ck_assert_int_eq(inject(b, &c), 0);
	ck_assert_int_eq(pinwatch_sim_drive(b, PIN, 1), 0);
	ck_assert_int_ge(settle(w), 1);
	ck_assert_int_eq(stats(w, id).error, -EIO);

	ck_assert_int_eq(pinwatch_sim_now(b, NULL), -EINVAL);
	ck_assert_msg(!has(pinwatch_last_error(), "injected"), "stale: '%s'", pinwatch_last_error());
	ck_assert_int_eq(pinwatch_sim_fault(b, NULL), -EINVAL);
	ck_assert_msg(!has(pinwatch_last_error(), "injected"), "stale: '%s'", pinwatch_last_error());
	ck_assert_int_eq(pinwatch_sim_now(b, &now), 0);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

/* The same with a watcher that cannot get a descriptor: the message is
 * about epoll_create1, not about the earlier fault. */
START_TEST(t_stale_detail_watcher_new_emfile)
{
	pinwatch_board *b = NULL;
	pinwatch_pin *p = NULL;
	struct fcase c = { .op = PINWATCH_SIM_OP_GET, .err = EIO, .nth = 1 };
	pinwatch_watcher *w = NULL;
	int held[4096], n = 0;

	ck_assert_int_eq(pinwatch_board_open(VARIA, &b), 0);
	ck_assert_int_eq(pinwatch_pin_open(b, PIN, NULL, &p), 0);
	/* A detail left by a backend call whose failure nobody reported:
	 * the sim sets it as it injects, the core never frames it. */
	ck_assert_int_eq(inject(b, &c), 0);
	struct pinwatch_sim_fault leave = { .kind = PINWATCH_SIM_FAULT_EINTR, .nth = 1, .pin = PIN };
	ck_assert_int_eq(pinwatch_sim_fault(b, &leave), 0);
	ck_assert_int_eq(pinwatch_pin_get(p), -EIO);    /* consumes its own detail */
	pinwatch_watcher *w0 = NULL;
	pinwatch_watch_id id = 0;
	struct pinwatch_watch_config wc = { 0 };
	ck_assert_int_eq(pinwatch_watcher_new(&w0), 0);
	ck_assert_int_eq(pinwatch_watch_add(w0, p, &wc, &id), 0);
	ck_assert_int_eq(pinwatch_sim_drive(b, PIN, 1), 0);
	ck_assert_int_ge(settle(w0), 1);   /* EINTR read: handled, retried */

	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(devnull, 0);
	struct rlimit old, low;
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
	low = old;
	low.rlim_cur = (rlim_t)tu_count_fds() + 64;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
	while (n < 4096 && (held[n] = fcntl(devnull, F_DUPFD_CLOEXEC, 0)) >= 0)
		n++;
	ck_assert_int_lt(n, 4096);
	int ret = pinwatch_watcher_new(&w);
	for (int i = 0; i < n; i++)
		close(held[i]);
	close(devnull);
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
	ck_assert_int_eq(ret, -EMFILE);
	ck_assert_msg(has(pinwatch_last_error(), "epoll_create1") &&
		      !has(pinwatch_last_error(), "injected"), "'%s'", pinwatch_last_error());
	pinwatch_watcher_free(w0);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

static void put_file(const char *dir, const char *rel, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	FILE *f = fopen(path, "we");
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
}

/* A successful sysfs line info whose best-effort reads failed (an exported
 * line without its direction file; a line not exported at all) leaves no
 * detail for the thread's next error (backends/sysfs.c:177-181 at
 * d39f0b0).  pw_fail() is the core's own framing, called as the core does. */
START_TEST(t_stale_detail_after_sysfs_line_info)
{
	char root[256], path[300], spec[300];
	pinwatch_board *b = NULL;
	struct pinwatch_line_info li;

	snprintf(root, sizeof(root), "%s/pw-faults-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(root));
	put_file(root, "export", "");
	put_file(root, "unexport", "");
	snprintf(path, sizeof(path), "%s/gpiochip0", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	put_file(root, "gpiochip0/base", "0\n");
	put_file(root, "gpiochip0/label", "pioA\n");
	put_file(root, "gpiochip0/ngpio", "32\n");
	snprintf(path, sizeof(path), "%s/gpio1", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	put_file(root, "gpio1/value", "0\n");       /* no direction, no active_low */
	snprintf(spec, sizeof(spec), "sysfs:%s", root);
	ck_assert_int_eq(pinwatch_board_open(spec, &b), 0);

	ck_assert_int_eq(pinwatch_board_line_info(b, "pioA:1", &li), 0);
	ck_assert_int_eq(li.used, 1);
	pw_fail(-EIO, "probe");
	ck_assert_str_eq(pinwatch_last_error(), "probe: Input/output error");
	ck_assert_int_eq(pinwatch_board_line_info(b, "pioA:2", &li), 0);
	ck_assert_int_eq(li.used, 0);
	pw_fail(-EIO, "probe");
	ck_assert_str_eq(pinwatch_last_error(), "probe: Input/output error");
	pinwatch_board_close(b);
	const char *const files[] = { "gpio1/value", "gpio1", "gpiochip0/base", "gpiochip0/label",
				      "gpiochip0/ngpio", "gpiochip0", "export", "unexport", "" };
	for (int i = 0; files[i][0]; i++) {
		snprintf(path, sizeof(path), "%s/%s", root, files[i]);
		remove(path);
	}
	remove(root);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("faults");
	TCase *tc = tcase_create("matrix");
	for (int i = 0; i < (int)MATRIX; i++)
		case_list[num_cases++] = i;
	printf("fault matrix: %zu ops x %zu errnos x %zu nth x %d modes = %zu cases\n",
	       N_OPS, N_ERRS, N_NTHS, (int)NUM_MODES, (size_t)MATRIX);
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, t_fault_case, 0, num_cases);
	suite_add_tcase(s, tc);
	TCase *stale = tcase_create("stale detail");
	tcase_add_test(stale, t_stale_detail_after_read_fault);
	tcase_add_test(stale, t_stale_detail_watcher_new_emfile);
	tcase_add_test(stale, t_stale_detail_after_sysfs_line_info);
	suite_add_tcase(s, stale);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
