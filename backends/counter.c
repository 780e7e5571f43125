/* SPDX-License-Identifier: MIT */
/*
 * The counter backend: pulse counting by the kernel's counter subsystem
 * (/sys/bus/counter, /dev/counterN; e.g. interrupt-cnt, which counts a
 * GPIO's interrupts in its hard IRQ handler).  No wake-up per edge: a
 * counters-only watch reads the count every interval_ms (counter_poll.c);
 * a watch with a callback or a queue gets one event per edge from the
 * counter character device's change-of-state events where the device has
 * them (counter_events.c), else -EOPNOTSUPP.
 *
 * What a count cannot do is refused with -EOPNOTSUPP and a message naming
 * the backend: get, set, outputs, active-low, bias and drive (no caps),
 * both-edge watches on a count of one direction, software debounce.
 *
 * Spec: "counter" (every counter device), "counter:/dev/counterN" (one),
 * options interval_ms=MS (1..60000, default 100), max_rate=HZ (the fastest
 * the count can move, default 10^8; 0: no bound; a faster step is a reset),
 * events=0 (never use the character device), root=DIR (a directory
 * standing for /: fake trees).
 *
 * Layout: counter_scan.c reads the banks, counter_value.c the counts and
 * their arithmetic, counter_poll.c and counter_events.c the two ways of
 * watching; this file is the ops table, boards and line requests.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "counter.h"

static const char *const counter_options[] = { "interval_ms", "max_rate", "events", "root", NULL };

/* Every count requested in this process, on any board of the same root:
 * two lines on one count would fight over its enable attribute and the
 * device's one event queue. */
static pthread_mutex_t held_mu = PTHREAD_MUTEX_INITIALIZER;
static struct counter_line *held;

/* ------------------------------------------------------------------ board */

static void counter_close(void *state)
{
	struct counter_state *st = state;

	if (!st)
		return;
	pw_fd_close(&st->sysfd);
	pw_fd_close(&st->devfd);
	pw_counter_devs_free(st);
	free(st);
}

/* "/dev/counterN" -> N; -1 if the argument is anything else. */
static int parse_device_arg(const char *arg)
{
	static const char prefix[] = "/dev/counter";
	const char *d = arg + sizeof(prefix) - 1;

	if (strncmp(arg, prefix, sizeof(prefix) - 1) != 0 || !*d || strlen(d) > 4 ||
	    (d[0] == '0' && d[1]))
		return -1;
	for (const char *c = d; *c; c++)
		if (*c < '0' || *c > '9')
			return -1;
	return atoi(d);
}

static int counter_open(const struct pw_open_args *args, void **state)
{
	const char *root = pw_spec_get(args->spec, "root");
	unsigned long interval = COUNTER_DEFAULT_INTERVAL_MS, events = 1;
	unsigned long max_rate = COUNTER_DEFAULT_MAX_RATE;
	int only = -1, ret;
	char path[256];

	if (args->arg) {
		only = parse_device_arg(args->arg);
		if (only < 0) {
			pw_detail("counter:%s: want counter:/dev/counterN", args->arg);
			return -EINVAL;
		}
	}
	if (args->profile) {
		pw_detail("the counter backend has no board profiles (lines are named after their counter device)");
		return -EOPNOTSUPP;
	}
	ret = pw_spec_get_uint(args->spec, "interval_ms", 1, COUNTER_MAX_INTERVAL_MS, &interval);
	if (ret < 0)
		return ret;
	ret = pw_spec_get_uint(args->spec, "max_rate", 0, 4000000000ul, &max_rate);
	if (ret < 0)
		return ret;
	ret = pw_spec_get_uint(args->spec, "events", 0, 1, &events);
	if (ret < 0)
		return ret;
	if (root && root[0] != '/') {
		pw_detail("root=%s: an absolute directory standing for /", root);
		return -EINVAL;
	}
	if (!root || !strcmp(root, "/"))
		root = "";
	struct counter_state *st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->sysfd = st->devfd = -1;
	st->interval_ms = (unsigned)interval;
	st->max_rate = max_rate;
	st->events = (int)events;
	if (strlen(root) >= sizeof(st->root)) {
		pw_detail("root= too long (at most %zu bytes)", sizeof(st->root) - 1);
		ret = -ENAMETOOLONG;
		goto err;
	}
	snprintf(st->root, sizeof(st->root), "%s", root);
	/* The user's text becomes a path here, once; the rest is opened
	 * relative to these two descriptors. */
	snprintf(path, sizeof(path), "%s/%s", root, COUNTER_SYSFS_DIR);
	st->sysfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st->sysfd < 0) {
		ret = -errno;
		if (ret == -ENOENT)
			pw_detail("no %s: this kernel has no counter subsystem (CONFIG_COUNTER) or no counter device", path);
		else
			pw_detail("cannot open %s", path);
		goto err;
	}
	st->sysfd = pw_fd_own(st->sysfd, "counter sysfs directory");
	if (st->sysfd < 0) {
		ret = st->sysfd;   /* closed: out of memory recording it */
		st->sysfd = -1;
		goto err;
	}
	snprintf(path, sizeof(path), "%s/dev", root);
	st->devfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st->devfd >= 0) {
		st->devfd = pw_fd_own(st->devfd, "counter /dev directory");
		if (st->devfd < 0) {
			ret = st->devfd;
			st->devfd = -1;
			goto err;
		}
	} else {
		st->events = 0;   /* no character devices: counters-only watches */
	}
	ret = pw_counter_scan(st, only);
	if (ret < 0)
		goto err;
	*state = st;
	return 0;
err:
	counter_close(st);
	return ret;
}

static unsigned counter_caps(void *state)
{
	(void)state;
	/* Sequence numbers: every raw event carries the count's running total;
	 * a step of the count is one raw event for a run of edges. */
	return PW_CAP_KERNEL_SEQNO | PW_CAP_EDGE_RUNS;
}

static int counter_clock(void *state)
{
	(void)state;
	return PINWATCH_CLOCK_MONOTONIC;
}

static int counter_num_banks(void *state)
{
	return (int)((struct counter_state *)state)->ndevs;
}

static int counter_bank_info(void *state, unsigned bank, struct pinwatch_bank_info *out)
{
	struct counter_state *st = state;

	if (bank >= st->ndevs)
		return -EINVAL;
	snprintf(out->name, sizeof(out->name), "%s", st->devs[bank].name);
	snprintf(out->label, sizeof(out->label), "%s", st->devs[bank].label);
	out->num_lines = st->devs[bank].ncounts;
	out->base = -1;
	return 0;
}

static struct counter_line *held_find_locked(const struct counter_state *st, unsigned bank,
					     unsigned offset)
{
	const struct counter_dev *dv = &st->devs[bank];

	for (struct counter_line *l = held; l; l = l->next) {
		const struct counter_dev *ldv = &l->st->devs[l->bank];
		if (!strcmp(l->st->root, st->root) && ldv->id == dv->id &&
		    ldv->counts[l->offset].id == dv->counts[offset].id)
			return l;
	}
	return NULL;
}

static int counter_line_info(void *state, unsigned bank, unsigned offset,
			     struct pinwatch_line_info *out)
{
	struct counter_state *st = state;

	if (bank >= st->ndevs || offset >= st->devs[bank].ncounts)
		return -EINVAL;
	snprintf(out->name, sizeof(out->name), "%s", st->devs[bank].counts[offset].name);
	pthread_mutex_lock(&held_mu);
	out->used = held_find_locked(st, bank, offset) != NULL;
	pthread_mutex_unlock(&held_mu);
	snprintf(out->consumer, sizeof(out->consumer), "%s", out->used ? "pinwatch" : "");
	out->direction = PINWATCH_DIR_INPUT;
	out->active_low = 0;
	out->bias = PINWATCH_BIAS_UNKNOWN;
	out->drive = PINWATCH_DRIVE_PUSH_PULL;
	out->edges = -1;   /* the count's function is not a line's edge setting */
	return 0;
}

/* ------------------------------------------------------------------ lines */

static int check_line_config(const struct pw_line_config *cfg)
{
	if (cfg->direction != PINWATCH_DIR_INPUT) {
		pw_detail("the counter backend counts inputs only: a count cannot be an output");
		return -EOPNOTSUPP;
	}
	if (cfg->active_low) {
		pw_detail("the counter backend has no active-low: the count's synapse sets the edge it counts");
		return -EOPNOTSUPP;
	}
	return 0;
}

static int counter_request(void *state, unsigned bank, unsigned offset,
			   const struct pw_line_config *cfg, void **line)
{
	struct counter_state *st = state;
	char rel[48];
	int ret;

	if (bank >= st->ndevs || offset >= st->devs[bank].ncounts)
		return -EINVAL;
	ret = check_line_config(cfg);
	if (ret < 0)
		return ret;
	struct counter_line *ln = calloc(1, sizeof(*ln));
	if (!ln)
		return -ENOMEM;
	ln->st = st;
	ln->bank = bank;
	ln->offset = offset;
	ln->wake_fd = -1;
	ln->modulus = st->devs[bank].counts[offset].modulus;
	snprintf(rel, sizeof(rel), "%s/count%u/count", st->devs[bank].name,
		 st->devs[bank].counts[offset].id);
	ln->count_fd = openat(st->sysfd, rel, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (ln->count_fd < 0) {
		ret = -errno;
		pw_detail("cannot open %s/%s/%s", st->root, COUNTER_SYSFS_DIR, rel);
		free(ln);
		return ret;
	}
	ln->count_fd = pw_fd_own(ln->count_fd, "counter count");
	if (ln->count_fd < 0) {
		ret = ln->count_fd;
		free(ln);
		return ret;
	}
	pthread_mutex_lock(&held_mu);
	if (held_find_locked(st, bank, offset)) {
		pthread_mutex_unlock(&held_mu);
		pw_detail("%s/count%u is already requested in this process",
			  st->devs[bank].name, st->devs[bank].counts[offset].id);
		pw_fd_close(&ln->count_fd);
		free(ln);
		return -EBUSY;
	}
	ln->next = held;
	held = ln;
	pthread_mutex_unlock(&held_mu);
	*line = ln;
	return 0;
}

static void counter_release(void *line)
{
	struct counter_line *ln = line;

	if (!ln)
		return;
	pthread_mutex_lock(&held_mu);
	for (struct counter_line **pp = &held; *pp; pp = &(*pp)->next)
		if (*pp == ln) {
			*pp = ln->next;
			break;
		}
	pthread_mutex_unlock(&held_mu);
	pw_fd_close(&ln->wake_fd);
	pw_fd_close(&ln->count_fd);
	free(ln);
}

static int counter_get(void *line)
{
	(void)line;
	pw_detail("the counter backend reads counts, not levels: use a counters-only watch (pinwatch_watch_stats)");
	return -EOPNOTSUPP;
}

static int counter_set(void *line, int value)
{
	(void)line;
	(void)value;
	pw_detail("the counter backend has no outputs");
	return -EOPNOTSUPP;
}

static int counter_reconfigure(void *line, const struct pw_line_config *cfg)
{
	(void)line;
	return check_line_config(cfg);
}

/* ------------------------------------------------------------------ edges */

/* The edge the count counts: PINWATCH_EDGE_RISING/FALLING, or -errno with
 * a message when it is not a plain count of one signal's edges. */
static int count_edge(const struct counter_line *ln)
{
	const struct counter_dev *dv = &ln->st->devs[ln->bank];
	const struct counter_count *c = &dv->counts[ln->offset];
	char rel[64], buf[64];
	int edge = 0;

	snprintf(rel, sizeof(rel), "%s/count%u/function", dv->name, c->id);
	if (pw_counter_read_attr(ln->st->sysfd, rel, buf, sizeof(buf)) < 0) {
		pw_detail("cannot read %s/count%u/function", dv->name, c->id);
		return -EIO;
	}
	if (strcmp(buf, "increase") != 0) {
		pw_detail("%s/count%u: function '%.32s': the counter backend counts 'increase' counts only",
			  dv->name, c->id, buf);
		return -EOPNOTSUPP;
	}
	for (unsigned s = 0; s < 16; s++) {
		snprintf(rel, sizeof(rel), "%s/count%u/signal%u_action", dv->name, c->id, s);
		if (pw_counter_read_attr(ln->st->sysfd, rel, buf, sizeof(buf)) < 0 ||
		    !strcmp(buf, "none"))
			continue;
		int e = !strcmp(buf, "rising edge") ? PINWATCH_EDGE_RISING
			: !strcmp(buf, "falling edge") ? PINWATCH_EDGE_FALLING : -1;
		if (e < 0 || edge) {
			pw_detail("%s/count%u: synapse action '%.32s'%s: the counter backend counts one signal's rising or falling edges",
				  dv->name, c->id, buf, edge ? " on a second signal" : "");
			return -EOPNOTSUPP;
		}
		edge = e;
	}
	if (!edge) {
		pw_detail("%s/count%u: no signal drives the count (every synapse action is 'none')",
			  dv->name, c->id);
		return -EOPNOTSUPP;
	}
	return edge;
}

static int counter_edges_enable(void *line, const struct pw_edge_config *ec, int *fd)
{
	struct counter_line *ln = line;
	const struct counter_dev *dv = &ln->st->devs[ln->bank];
	const struct counter_count *c = &dv->counts[ln->offset];
	char rel[64], buf[16];
	int ret;

	if (ec->clock != PINWATCH_CLOCK_MONOTONIC) {
		pw_detail("the counter subsystem stamps with the kernel's CLOCK_MONOTONIC (used instead); "
			  "it has no event clock choice");
		return -EOPNOTSUPP;
	}

	int edge = count_edge(ln);
	if (edge < 0)
		return edge;
	if (ec->edges != edge) {
		pw_detail("%s/count%u counts %s edges only: watch PINWATCH_EDGE_%s, without software debounce (pinwatch count --edge %s)",
			  dv->name, c->id, edge == PINWATCH_EDGE_RISING ? "rising" : "falling",
			  edge == PINWATCH_EDGE_RISING ? "RISING" : "FALLING",
			  edge == PINWATCH_EDGE_RISING ? "rising" : "falling");
		return -EOPNOTSUPP;
	}
	if (ec->per_event && !ln->st->events) {
		pw_detail("the counter backend has no per-edge events here (no /dev/%s, or events=0): use a counters-only watch (no callback, no queue)",
			  dv->name);
		return -EOPNOTSUPP;
	}
	ln->edge = edge;
	ln->total = 0;
	ln->wraps = 0;
	/* interrupt-cnt starts disabled: enable it, and disable at the end
	 * only what this watch enabled. */
	snprintf(rel, sizeof(rel), "%s/count%u/enable", dv->name, c->id);
	if (pw_counter_read_attr(ln->st->sysfd, rel, buf, sizeof(buf)) == 0 && !strcmp(buf, "0")) {
		ret = pw_counter_write_attr(ln->st->sysfd, rel, "1");
		if (ret < 0) {
			pw_detail("cannot enable %s/count%u (write 1 to its enable)", dv->name, c->id);
			return ret;
		}
		ln->enabled_by_us = 1;
	}
	ret = ec->per_event ? pw_counter_events_enable(ln, fd) : pw_counter_poll_enable(ln, fd);
	if (ret < 0 && ln->enabled_by_us) {
		pw_counter_write_attr(ln->st->sysfd, rel, "0");
		ln->enabled_by_us = 0;
	}
	return ret;
}

static void counter_edges_disable(void *line)
{
	struct counter_line *ln = line;
	const struct counter_dev *dv = &ln->st->devs[ln->bank];
	char rel[64];

	pw_fd_close(&ln->wake_fd);
	ln->mode = COUNTER_IDLE;
	if (ln->enabled_by_us) {
		snprintf(rel, sizeof(rel), "%s/count%u/enable", dv->name, dv->counts[ln->offset].id);
		pw_counter_write_attr(ln->st->sysfd, rel, "0");
		ln->enabled_by_us = 0;
	}
}

static int counter_read_events(void *line, struct pw_raw_event *ev, size_t n)
{
	struct counter_line *ln = line;

	switch (ln->mode) {
	case COUNTER_POLL:
		return pw_counter_poll_read(ln, ev, n);
	case COUNTER_EVENTS:
		return pw_counter_events_read(ln, ev, n);
	default:
		return 0;
	}
}

const struct pw_backend_ops pw_backend_counter = {
	.name = "counter",
	.arg_is_profile = 0,
	.options = counter_options,
	.probe = NULL,   /* never "auto": it serves counting only */
	.open = counter_open,
	.close = counter_close,
	.caps = counter_caps,
	.clock = counter_clock,
	.num_banks = counter_num_banks,
	.bank_info = counter_bank_info,
	.line_info = counter_line_info,
	.request = counter_request,
	.release = counter_release,
	.get = counter_get,
	.set = counter_set,
	.reconfigure = counter_reconfigure,
	.edges_enable = counter_edges_enable,
	.edges_disable = counter_edges_disable,
	.read_events = counter_read_events,
};
