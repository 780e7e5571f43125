/* SPDX-License-Identifier: MIT */
/*
 * test-allocfail: allocation failure at every site (issue 12).
 *
 * Linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,
 * --wrap=asprintf,--wrap=free against libpinwatch-core.la, so that every
 * allocation the library makes goes through the wrappers below.  For
 * n = 1, 2, ... the nth allocation of a full cycle fails — a sim board,
 * pins, watches of every kind (callback with a context copy, queue,
 * counters), caller-driven events, the worker started and stopped, removal,
 * free; line groups and their watches; info watches (a queue and a
 * callback) fed by another pin; then a sysfs board on a fake root — until a cycle makes fewer than n
 * allocations: that n - 1 is N, printed.  Every n runs in a child process
 * (a crash or a hang is seen by the parent, a hang bounded by alarm()), and
 * requires: every call returns success or -ENOMEM with a message that says
 * so, nothing else; no descriptor left open (fd lists compared); no block
 * left allocated (a warm sweep counts live blocks after a first, successful
 * cycle; under ASan/LSan the child's exit also runs the leak checker).
 *
 * Allocations inside libc (opendir's buffer, pthread_create's stack) are not
 * reached by --wrap and are not failed here.  A cross build whose linker
 * cannot wrap skips (exit 77, configure checks -Wl,--wrap).
 *
 * PW_ALLOCFAIL_SITES=FILE writes the return address of every allocating
 * call site the cycle reaches to FILE (for addr2line -f -e test-allocfail;
 * the addresses are relative to the program's load base).
 *
 * Output ends with "N passed, N failed" like the shell tests.
 */
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pinwatch.h"
#include "testutil.h"

/* ----------------------------------------------------------- the wrappers */

/* The linker's names (-Wl,--wrap): no header declares them. */
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
int __wrap_asprintf(char **out, const char *fmt, ...);
void __wrap_free(void *p);
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
void __real_free(void *p);

static pthread_mutex_t wrap_mu = PTHREAD_MUTEX_INITIALIZER;
static long alloc_count;     /* allocations seen since arming */
static long fail_at;         /* fail this one (1-based); 0: none */
static int fail_every_realloc;
static long failed;          /* allocations failed */

/* Live blocks, for the warm sweep's leak count (open addressing). */
#define LIVE_SLOTS 65536
static void *live[LIVE_SLOTS];
static long live_count;

static size_t slot_of(const void *p)
{
	return ((uintptr_t)p >> 4) * 2654435761u % LIVE_SLOTS;
}

static void live_add(void *p)
{
	if (!p)
		return;
	for (size_t i = slot_of(p), k = 0; k < LIVE_SLOTS; k++, i = (i + 1) % LIVE_SLOTS)
		if (!live[i] || live[i] == (void *)1) {
			live[i] = p;
			live_count++;
			return;
		}
	abort();   /* table full: raise LIVE_SLOTS */
}

static void live_del(void *p)
{
	if (!p)
		return;
	for (size_t i = slot_of(p), k = 0; k < LIVE_SLOTS && live[i]; k++, i = (i + 1) % LIVE_SLOTS)
		if (live[i] == p) {
			live[i] = (void *)1;   /* tombstone */
			live_count--;
			return;
		}
}

/* Where allocations are made from (PW_ALLOCFAIL_SITES, see main()). */
#define MAX_SITES 256
static void *sites[MAX_SITES];
static int num_sites;

static void note_site_locked(void *where)
{
	for (int i = 0; i < num_sites; i++)
		if (sites[i] == where)
			return;
	if (num_sites < MAX_SITES)
		sites[num_sites++] = where;
}

/* Count this allocation; 1 if it must fail. */
static int should_fail_locked(int is_realloc)
{
	alloc_count++;
	if ((fail_at && alloc_count == fail_at) || (is_realloc && fail_every_realloc)) {
		failed++;
		return 1;
	}
	return 0;
}

/* Whether this allocation fails, counted under the lock; the real call is
 * made without it (a libc that allocates inside strdup or vasprintf must
 * not find it held). */
__attribute__((noinline)) static int decide(int is_realloc, void *where)
{
	pthread_mutex_lock(&wrap_mu);
	note_site_locked(where);
	int fail = should_fail_locked(is_realloc);
	pthread_mutex_unlock(&wrap_mu);
	if (fail)
		errno = ENOMEM;
	return fail;
}

static void record(void *old, void *now)
{
	pthread_mutex_lock(&wrap_mu);
	live_del(old);
	live_add(now);
	pthread_mutex_unlock(&wrap_mu);
}

void *__wrap_malloc(size_t n)
{
	if (decide(0, __builtin_return_address(0)))
		return NULL;
	void *p = __real_malloc(n);
	record(NULL, p);
	return p;
}

void *__wrap_calloc(size_t n, size_t size)
{
	if (decide(0, __builtin_return_address(0)))
		return NULL;
	void *p = __real_calloc(n, size);
	record(NULL, p);
	return p;
}

void *__wrap_realloc(void *old, size_t n)
{
	if (decide(1, __builtin_return_address(0)))
		return NULL;
	void *p = __real_realloc(old, n);
	if (p || !n)
		record(old, p);
	return p;
}

char *__wrap_strdup(const char *s)
{
	if (decide(0, __builtin_return_address(0)))
		return NULL;
	char *p = __real_strdup(s);
	record(NULL, p);
	return p;
}

int __wrap_asprintf(char **out, const char *fmt, ...)
{
	va_list ap;

	if (decide(0, __builtin_return_address(0)))
		return -1;
	va_start(ap, fmt);
	int ret = vasprintf(out, fmt, ap);
	va_end(ap);
	if (ret >= 0)
		record(NULL, *out);
	return ret;
}

void __wrap_free(void *p)
{
	record(p, NULL);
	__real_free(p);
}

static void arm(long n, int every_realloc)
{
	pthread_mutex_lock(&wrap_mu);
	alloc_count = 0;
	failed = 0;
	fail_at = n;
	fail_every_realloc = every_realloc;
	pthread_mutex_unlock(&wrap_mu);
}

static long live_now(void)
{
	pthread_mutex_lock(&wrap_mu);
	long n = live_count;
	pthread_mutex_unlock(&wrap_mu);
	return n;
}

/* -------------------------------------------------------------- checks */

static char sysfs_root[256];

#define FAILF(...) do { \
	fprintf(stderr, "test-allocfail: " __VA_ARGS__); \
	fprintf(stderr, "\n"); \
	_exit(3); \
} while (0)

/* A call's result: success (>= 0), or a clean -ENOMEM; anything else ends
 * the child with a report. */
#define TRY(call) do { \
	int ret_ = (call); \
	if (ret_ == -ENOMEM) { \
		const char *m_ = pinwatch_last_error(); \
		if (!strstr(m_, "memory")) \
			FAILF("%s: -ENOMEM without saying so: '%s'", #call, m_); \
		rc = -ENOMEM; \
		goto out; \
	} \
	if (ret_ < 0) \
		FAILF("%s: %d (want 0 or -ENOMEM): %s", #call, ret_, pinwatch_last_error()); \
} while (0)

static void on_event(const struct pinwatch_event *ev, void *ctx)
{
	(void)ev;
	__atomic_add_fetch((int *)ctx, 1, __ATOMIC_SEQ_CST);
}

/* The sim part of a cycle.  0, or -ENOMEM (everything closed). */
static int sim_cycle(void)
{
	pinwatch_board *b = NULL;
	pinwatch_pin *in = NULL, *q = NULL, *cnt = NULL, *out = NULL;
	pinwatch_watcher *w = NULL;
	pinwatch_watch_id id_cb = 0, id_q = 0, id_cnt = 0;
	struct pinwatch_pin_config oc = { .direction = PINWATCH_DIR_OUTPUT };
	int calls = 0;   /* the callback's context: copied at add, counted in the copy */
	struct pinwatch_event ev[8];
	int rc = 0;

	TRY(pinwatch_board_open("sim:aria-g25,clock=virtual", &b));
	TRY(pinwatch_pin_open(b, "N3", NULL, &in));
	TRY(pinwatch_pin_open(b, "N4", NULL, &q));
	TRY(pinwatch_pin_open(b, "N5", NULL, &cnt));
	TRY(pinwatch_pin_open(b, "N2", &oc, &out));
	TRY(pinwatch_sim_wire(b, "N2", "N5"));
	TRY(pinwatch_watcher_new(&w));
	struct pinwatch_watch_config cb = {
		.callback = on_event, .ctx = &calls, .ctx_size = sizeof(calls),
	};
	struct pinwatch_watch_config qc = { .queue_size = 8 };
	struct pinwatch_watch_config cc = { .debounce_ns = 10 };
	TRY(pinwatch_watch_add(w, in, &cb, &id_cb));
	TRY(pinwatch_watch_add(w, q, &qc, &id_q));
	TRY(pinwatch_watch_add(w, cnt, &cc, &id_cnt));
	/* Events, caller-driven. */
	for (int i = 0; i < 4; i++) {
		TRY(pinwatch_sim_drive(b, "N3", !(i % 2)));
		TRY(pinwatch_sim_drive(b, "N4", !(i % 2)));
		TRY(pinwatch_pin_set(out, !(i % 2)));
	}
	struct pinwatch_sim_pulse pulse = { .period_ns = 1000, .count = 3 };
	unsigned gen = 0;
	TRY(pinwatch_sim_pulse(b, "N3", &pulse, &gen));
	TRY(pinwatch_sim_advance(b, 10000));
	for (int k = 0; k < 16 && pinwatch_watcher_dispatch(w, 0) > 0; k++)
		;
	TRY(pinwatch_watch_read(w, id_q, ev, 8, 0));
	struct pinwatch_watch_stats st;
	TRY(pinwatch_watch_stats(w, id_cnt, &st));
	/* The worker: started, given an edge, stopped. */
	TRY(pinwatch_watcher_start(w));
	TRY(pinwatch_sim_drive(b, "N4", 1));
	TRY(pinwatch_watch_read(w, id_q, ev, 8, 1000));
	TRY(pinwatch_watcher_stop(w));
	TRY(pinwatch_watch_remove(w, id_cb));
	struct pinwatch_line_info li;
	TRY(pinwatch_pin_info(q, &li));
	TRY(pinwatch_board_line_info(b, "PA0", &li));
	struct pinwatch_sim_fault f = {
		.kind = PINWATCH_SIM_FAULT_FAIL, .op = PINWATCH_SIM_OP_GET, .nth = 2, .error = EIO,
	};
	TRY(pinwatch_sim_fault(b, &f));
	f.kind = PINWATCH_SIM_FAULT_CLEAR;
	TRY(pinwatch_sim_fault(b, &f));
out:
	pinwatch_watcher_free(w);
	pinwatch_pin_close(out);
	pinwatch_pin_close(cnt);
	pinwatch_pin_close(q);
	pinwatch_pin_close(in);
	pinwatch_board_close(b);
	return rc;
}

/* The sysfs part: a board on a fake root, its banks, a pin read and set. */
static int sysfs_cycle(void)
{
	char spec[300];
	pinwatch_board *b = NULL;
	pinwatch_pin *p = NULL;
	struct pinwatch_pin_config oc = { .direction = PINWATCH_DIR_OUTPUT };
	int rc = 0;

	snprintf(spec, sizeof(spec), "sysfs:%s", sysfs_root);
	TRY(pinwatch_board_open(spec, &b));
	int nb = pinwatch_board_num_banks(b);
	TRY(nb);
	for (int i = 0; i < nb; i++) {
		struct pinwatch_bank_info bi;
		TRY(pinwatch_board_bank_info(b, (unsigned)i, &bi));
	}
	struct pinwatch_line_info li;
	TRY(pinwatch_board_line_info(b, "pioA:3", &li));   /* not exported: a scan */
	TRY(pinwatch_pin_open(b, "pioC:1", NULL, &p));
	TRY(pinwatch_pin_get(p));
	TRY(pinwatch_pin_reconfigure(p, &oc));
	TRY(pinwatch_pin_set(p, 1));
out:
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
	return rc;
}

/* Line groups (issue 16): open, atomic set/get, reconfigure, a queue and a
 * callback group watch fed by events, close with the watch in place. */
static int group_cycle(void)
{
	pinwatch_board *b = NULL;
	pinwatch_group *gi = NULL, *go = NULL;
	pinwatch_watcher *w = NULL;
	pinwatch_watch_id id = 0, id2 = 0;
	const char *ins[] = { "N6", "N7" }, *outs[] = { "N8", "N9" }, *more[] = { "N10", "S2" };
	struct pinwatch_pin_config oc = { .direction = PINWATCH_DIR_OUTPUT };
	struct pinwatch_event ev[8];
	int v[2] = { 1, 0 }, calls = 0, rc = 0;
	pinwatch_group *gm = NULL;

	TRY(pinwatch_board_open("sim:aria-g25,clock=virtual", &b));
	TRY(pinwatch_group_open(b, ins, 2, NULL, &gi));
	TRY(pinwatch_group_open(b, outs, 2, &oc, &go));
	TRY(pinwatch_group_open(b, more, 2, NULL, &gm));   /* two banks: per line */
	TRY(pinwatch_group_set(go, v));
	TRY(pinwatch_group_get(go, v));
	TRY(pinwatch_group_reconfigure(go, &oc));
	TRY(pinwatch_watcher_new(&w));
	struct pinwatch_watch_config qc = { .queue_size = 8 };
	struct pinwatch_watch_config cb = { .callback = on_event, .ctx = &calls, .ctx_size = sizeof(calls) };
	TRY(pinwatch_watch_add_group(w, gi, &qc, &id));
	TRY(pinwatch_watch_add_group(w, gm, &cb, &id2));
	for (int i = 0; i < 4; i++) {
		TRY(pinwatch_sim_drive(b, ins[i % 2], !(i / 2)));
		TRY(pinwatch_sim_drive(b, more[i % 2], !(i / 2)));
	}
	for (int k = 0; k < 16 && pinwatch_watcher_dispatch(w, 0) > 0; k++)
		;
	TRY(pinwatch_watch_read(w, id, ev, 8, 0));
	struct pinwatch_watch_stats st;
	TRY(pinwatch_watch_stats(w, id2, &st));
out:
	pinwatch_group_close(gi);   /* its watch first */
	pinwatch_watcher_free(w);
	pinwatch_group_close(gm);
	pinwatch_group_close(go);
	pinwatch_board_close(b);
	return rc;
}

/* The other shapes of a group watch: one descriptor per group (groups=fd,
 * the sim's epoll set), and the real clock's merge timer, on the board's
 * clock and on the realtime event clock; a stop with events in flight. */
static int group_shapes_cycle(void)
{
	pinwatch_board *bf = NULL, *br = NULL;
	pinwatch_group *gf = NULL, *gr = NULL, *gt = NULL;
	pinwatch_watcher *w = NULL;
	pinwatch_watch_id id = 0;
	const char *a[] = { "N6", "N7" }, *c[] = { "N8", "N9" };
	int calls = 0, rc = 0;

	TRY(pinwatch_board_open("sim:aria-g25,clock=virtual,groups=fd", &bf));
	TRY(pinwatch_board_open("sim:aria-g25", &br));
	TRY(pinwatch_group_open(bf, a, 2, NULL, &gf));
	TRY(pinwatch_group_open(br, a, 2, NULL, &gr));
	TRY(pinwatch_group_open(br, c, 2, NULL, &gt));
	TRY(pinwatch_watcher_new(&w));
	struct pinwatch_watch_config qc = { .queue_size = 8 };
	struct pinwatch_watch_config cb = { .callback = on_event, .ctx = &calls };
	struct pinwatch_watch_config rt = { .callback = on_event, .ctx = &calls,
					    .event_clock = PINWATCH_CLOCK_REALTIME };
	TRY(pinwatch_watch_add_group(w, gf, &qc, &id));
	TRY(pinwatch_watch_add_group(w, gr, &cb, &id));
	TRY(pinwatch_watch_add_group(w, gt, &rt, &id));
	for (int i = 0; i < 4; i++) {
		TRY(pinwatch_sim_drive(bf, a[i % 2], !(i / 2)));
		TRY(pinwatch_sim_drive(br, a[i % 2], !(i / 2)));
		TRY(pinwatch_sim_drive(br, c[i % 2], !(i / 2)));
	}
	for (int k = 0; k < 16 && pinwatch_watcher_dispatch(w, 0) > 0; k++)
		;
	TRY(pinwatch_watcher_start(w));
	TRY(pinwatch_sim_drive(br, a[0], 1));
	TRY(pinwatch_watcher_stop(w));
out:
	pinwatch_watcher_free(w);   /* every group watch with it */
	pinwatch_group_close(gf);
	pinwatch_group_close(gr);
	pinwatch_group_close(gt);
	pinwatch_board_close(bf);
	pinwatch_board_close(br);
	return rc;
}

/* The line-info watch: a queue and a callback (with a context copy) info
 * watch fed by another pin's request, reconfigure and release, read, then
 * freed with the watches in place and the board closed first. */
static int info_cycle(void)
{
	pinwatch_board *b = NULL;
	pinwatch_pin *p = NULL;
	pinwatch_watcher *w = NULL;
	pinwatch_watch_id id = 0, id2 = 0;
	struct pinwatch_info_event ev[4];
	int calls = 0, rc = 0;

	TRY(pinwatch_board_open("sim:aria-g25,clock=virtual", &b));
	TRY(pinwatch_watcher_new(&w));
	struct pinwatch_watch_config qc = { .queue_size = 4 };
	struct pinwatch_watch_config cb = { .callback = on_event, .ctx = &calls, .ctx_size = sizeof(calls) };
	TRY(pinwatch_info_watch_add(w, b, "N3", &qc, &id));
	TRY(pinwatch_info_watch_add(w, b, "N3", &cb, &id2));
	TRY(pinwatch_pin_open(b, "N3", NULL, &p));
	struct pinwatch_pin_config oc = { .direction = PINWATCH_DIR_OUTPUT };
	TRY(pinwatch_pin_reconfigure(p, &oc));
	pinwatch_pin_close(p);
	p = NULL;
	for (int k = 0; k < 16 && pinwatch_watcher_dispatch(w, 0) > 0; k++)
		;
	TRY(pinwatch_info_read(w, id, ev, 4, 0));
	struct pinwatch_watch_stats st;
	TRY(pinwatch_watch_stats(w, id2, &st));
out:
	pinwatch_pin_close(p);
	pinwatch_board_close(b);   /* the watches hold it */
	pinwatch_watcher_free(w);
	return rc;
}

static int cycle(void)
{
	int rc = sim_cycle();
	if (rc == 0)
		rc = group_cycle();   /* issue 16 */
	if (rc == 0)
		rc = group_shapes_cycle();
	if (rc == 0)
		rc = info_cycle();
	if (rc == 0)
		rc = sysfs_cycle();
	return rc;
}

static int same_fds(const int *a, size_t na, const char *when)
{
	int now[256];
	size_t n = tu_list_fds(now, 256);

	if (n == na && !memcmp(now, a, n * sizeof(*a)))
		return 1;
	fprintf(stderr, "test-allocfail: %s: %zu descriptors open, %zu before:", when, n, na);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, " %d", now[i]);
	fprintf(stderr, "\n");
	return 0;
}

/* The program's own load base (a PIE): the first object listed. */
static int load_base(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	*(uintptr_t *)data = (uintptr_t)info->dlpi_addr;
	return 1;
}

/* Child exit codes. */
enum { C_FAILED_ONE = 0, C_PAST_END = 1, C_ABSORBED = 2, C_FDS = 4, C_LEAK = 5, C_NOT_ENOMEM = 6 };

/* In a child: warm (a first cycle without failures) or cold, then the
 * cycle with allocation n failing.  Never returns. */
static void child(long n, int warm)
{
	int fds[256];
	size_t nfds;
	long live0 = 0;

	alarm(60);   /* a hang ends as SIGALRM, seen by the parent */
	if (warm && cycle() != 0)
		FAILF("warm-up cycle failed: %s", pinwatch_last_error());
	nfds = tu_list_fds(fds, 256);
	live0 = live_now();
	arm(n, 0);
	int rc = cycle();
	long made = alloc_count;
	arm(0, 0);
	if (n == 0 && rc != 0)
		FAILF("the cycle fails without faults: %s", pinwatch_last_error());
	if (n == 0 && getenv("PW_ALLOCFAIL_SITES")) {
		FILE *f = fopen(getenv("PW_ALLOCFAIL_SITES"), "we");
		uintptr_t base = 0;
		dl_iterate_phdr(load_base, &base);
		for (int i = 0; f && i < num_sites; i++)
			fprintf(f, "%#lx\n", (unsigned long)((uintptr_t)sites[i] - base));
		if (f)
			fclose(f);
	}
	if (!same_fds(fds, nfds, "after the cycle"))
		_exit(C_FDS);
	if (warm && live_now() != live0) {
		fprintf(stderr, "test-allocfail: n=%ld: %ld blocks still allocated (%ld before)\n",
			n, live_now(), live0);
		_exit(C_LEAK);
	}
	if (made < n) {
		if (rc != 0)
			FAILF("n=%ld: no allocation failed, yet the cycle failed", n);
		exit(C_PAST_END);
	}
	/* exit(), not _exit(): LSan checks at exit */
	exit(rc == 0 && n ? C_ABSORBED : C_FAILED_ONE);
}

static int run_child(long n, int warm, int *status)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		child(n, warm);
	waitpid(pid, status, 0);
	return 0;
}

/* Defect 1 (issue 12): every realloc fails from the first, so the
 * descriptor owner table cannot grow.  The watcher must fail with -ENOMEM
 * and leave no descriptor open (main at d39f0b0 returned 0 and leaked). */
static int fd_table_oom(void)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		int before = tu_count_fds();
		pinwatch_watcher *w = NULL;
		arm(0, 1);
		int ret = pinwatch_watcher_new(&w);
		arm(0, 0);
		pinwatch_watcher_free(w);
		if (ret != -ENOMEM || tu_count_fds() != before) {
			fprintf(stderr, "test-allocfail: fd table out of memory: watcher new %d (%s), %d fds, %d before\n",
				ret, pinwatch_last_error(), tu_count_fds(), before);
			_exit(1);
		}
		/* And a sim line's pipe, once the table must grow past 64. */
		int held[80], nh = 0;
		pinwatch_board *b = NULL;
		pinwatch_pin *p = NULL;
		pinwatch_watch_id id = 0;
		struct pinwatch_watch_config wc = { 0 };
		if (pinwatch_board_open("sim:aria-g25,clock=virtual", &b) ||
		    pinwatch_pin_open(b, "N3", NULL, &p) || pinwatch_watcher_new(&w))
			_exit(2);
		while (nh < 80 && (held[nh] = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0 &&
		       held[nh] < 130)
			nh++;
		before = tu_count_fds();
		arm(0, 1);
		ret = pinwatch_watch_add(w, p, &wc, &id);
		arm(0, 0);
		if (ret != -ENOMEM || tu_count_fds() != before) {
			fprintf(stderr, "test-allocfail: fd table out of memory: watch add %d (%s), %d fds, %d before\n",
				ret, pinwatch_last_error(), tu_count_fds(), before);
			_exit(1);
		}
		for (int i = 0; i < nh; i++)
			close(held[i]);
		pinwatch_watcher_free(w);
		pinwatch_pin_close(p);
		pinwatch_board_close(b);
		exit(0);
	}
	int status;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void put(const char *dir, const char *rel, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	FILE *f = fopen(path, "we");
	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(path);
		exit(99);
	}
}

static void fake_sysfs(void)
{
	static const char *const dirs[] = { "gpiochip0", "gpiochip32", "gpiochip64", "gpiochip96", "gpio65" };
	static const char *const labels[] = { "pioA", "pioB", "pioC", "pioD" };
	static const char *const ngpio[] = { "32\n", "19\n", "32\n", "22\n" };
	char path[512];

	snprintf(sysfs_root, sizeof(sysfs_root), "%s/pw-allocfail-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(sysfs_root)) {
		perror("mkdtemp");
		exit(99);
	}
	put(sysfs_root, "export", "");
	put(sysfs_root, "unexport", "");
	for (int i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), "%s/%s", sysfs_root, dirs[i]);
		mkdir(path, 0755);
	}
	for (int i = 0; i < 4; i++) {
		char rel[64], text[16];
		snprintf(rel, sizeof(rel), "%s/base", dirs[i]);
		snprintf(text, sizeof(text), "%d\n", i * 32);
		put(sysfs_root, rel, text);
		snprintf(rel, sizeof(rel), "%s/label", dirs[i]);
		snprintf(text, sizeof(text), "%s\n", labels[i]);
		put(sysfs_root, rel, text);
		snprintf(rel, sizeof(rel), "%s/ngpio", dirs[i]);
		put(sysfs_root, rel, ngpio[i]);
	}
	/* pioC:1, already exported (as by another process: used, never
	 * unexported by us) */
	put(sysfs_root, "gpio65/direction", "in\n");
	put(sysfs_root, "gpio65/value", "0\n");
	put(sysfs_root, "gpio65/edge", "none\n");
	put(sysfs_root, "gpio65/active_low", "0\n");
}

static void rm_sysfs(void)
{
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", sysfs_root);
	if (system(cmd) != 0)
		fprintf(stderr, "test-allocfail: could not remove %s\n", sysfs_root);
}

static const char *describe(int status)
{
	static char buf[64];
	if (WIFSIGNALED(status)) {
		snprintf(buf, sizeof(buf), "%s", WTERMSIG(status) == SIGALRM ? "hang" : strsignal(WTERMSIG(status)));
		return buf;
	}
	switch (WEXITSTATUS(status)) {
	case C_FDS: return "descriptor left open";
	case C_LEAK: return "memory leaked";
	case 23: return "leak (LSan)";
	default:
		snprintf(buf, sizeof(buf), "exit %d", WEXITSTATUS(status));
		return buf;
	}
}

int main(void)
{
	int passed = 0, nfailed = 0;
	long limit = getenv("PW_ALLOCFAIL_MAX") ? atol(getenv("PW_ALLOCFAIL_MAX")) : 5000;

	fake_sysfs();
	/* The cycle must work at all before its failures mean anything.  The
	 * parent itself never calls the library: every child starts cold. */
	int status;
	if (run_child(0, 0, &status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != C_FAILED_ONE) {
		fprintf(stderr, "test-allocfail: the cycle fails without faults\n");
		rm_sysfs();
		return 1;
	}
	if (fd_table_oom())
		passed++;
	else
		nfailed++;

	for (int warm = 0; warm < 2; warm++) {
		long n, sweep_failed = 0, absorbed = 0;
		for (n = 1; n <= limit; n++) {
			if (run_child(n, warm, &status) < 0) {
				perror("fork");
				return 1;
			}
			if (WIFEXITED(status) && WEXITSTATUS(status) == C_PAST_END)
				break;
			if (WIFEXITED(status) && WEXITSTATUS(status) == C_FAILED_ONE)
				continue;
			if (WIFEXITED(status) && WEXITSTATUS(status) == C_ABSORBED) {
				absorbed++;   /* a best-effort allocation: success */
				continue;
			}
			fprintf(stderr, "test-allocfail: %s sweep: allocation %ld failing: %s\n",
				warm ? "warm" : "cold", n, describe(status));
			sweep_failed++;
		}
		printf("allocation failure (%s): N = %ld allocations in a cycle, each failed once: "
		       "%ld clean -ENOMEM, %ld absorbed (success), %ld failed\n",
		       warm ? "warm: after a first cycle" : "cold: first use", n - 1,
		       n - 1 - absorbed - sweep_failed, absorbed, sweep_failed);
		if (sweep_failed || n > limit)
			nfailed++;
		else
			passed++;
	}
	rm_sysfs();
	printf("%d passed, %d failed\n", passed, nfailed);
	return nfailed ? 1 : 0;
}
