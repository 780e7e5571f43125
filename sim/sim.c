/* SPDX-License-Identifier: MIT */
/*
 * The sim backend's operations table: opening a simulated board (from a
 * profile, or banks=/lines=) and requesting its lines.  Every line with edge
 * detection has a real descriptor — the read end of a pipe that holds one
 * byte while events are pending — so the core watches sim lines through
 * epoll exactly as it watches hardware.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim.h"

static const char *const sim_options[] = {
	"banks", "lines", "clock", "buffer", "overflow", "groups", NULL
};

struct sim_line *pw_sim_line_at(struct sim_board *sb, unsigned bank, unsigned offset)
{
	if (bank >= sb->num_banks || offset >= sb->banks[bank].info.num_lines)
		return NULL;
	return &sb->banks[bank].lines[offset];
}

/* ------------------------------------------------------------ the board */

static void free_board(struct sim_board *sb)
{
	for (unsigned i = 0; sb->banks && i < sb->num_banks; i++)
		free(sb->banks[i].lines);
	free(sb->banks);
	pthread_cond_destroy(&sb->cv);
	pthread_cond_destroy(&sb->player_cv);
	pthread_mutex_destroy(&sb->mu);
	free(sb);
}

static int parse_options(const struct pw_open_args *a, struct sim_board *sb,
			 unsigned long *banks, unsigned long *lines)
{
	const struct pw_spec *s = a->spec;
	unsigned long buffer = SIM_DEFAULT_BUFFER;
	const char *v;
	int ret;

	if (a->arg) {
		pw_detail("sim:%s: the sim takes a board profile after ':' (known: %s)",
			  a->arg, pw_profile_names());
		return -EINVAL;
	}
	if (a->profile && (pw_spec_get(s, "banks") || pw_spec_get(s, "lines"))) {
		pw_detail("banks= and lines= do not apply to a board profile (%s has its own banks)",
			  a->profile->name);
		return -EINVAL;
	}
	if ((ret = pw_spec_get_uint(s, "banks", 1, SIM_MAX_BANKS, banks)) < 0 ||
	    (ret = pw_spec_get_uint(s, "lines", 1, SIM_MAX_LINES, lines)) < 0 ||
	    (ret = pw_spec_get_uint(s, "buffer", 1, 65536, &buffer)) < 0)
		return ret;
	sb->buffer = (unsigned)buffer;

	v = pw_spec_get(s, "clock");
	if (v && strcmp(v, "real") && strcmp(v, "virtual")) {
		pw_detail("option clock=%s: want clock=real or clock=virtual", v);
		return -EINVAL;
	}
	sb->virtual_clock = v && !strcmp(v, "virtual");

	v = pw_spec_get(s, "overflow");
	if (v && strcmp(v, "oldest") && strcmp(v, "newest")) {
		pw_detail("option overflow=%s: want overflow=oldest (uAPI v2) or overflow=newest (uAPI v1)", v);
		return -EINVAL;
	}
	sb->overflow_newest = v && !strcmp(v, "newest");

	v = pw_spec_get(s, "groups");   /* issue 16 */
	if (v && strcmp(v, "on") && strcmp(v, "off") && strcmp(v, "fd")) {
		pw_detail("option groups=%s: want groups=on, groups=fd (one descriptor per group) or "
			  "groups=off (per-line fallback)", v);
		return -EINVAL;
	}
	sb->groups_off = v && !strcmp(v, "off");
	sb->groups_fd = v && !strcmp(v, "fd");
	return 0;
}

static int make_banks(struct sim_board *sb, const struct pw_profile *pf,
		      unsigned long nbanks, unsigned long nlines)
{
	sb->num_banks = pf ? pf->num_banks : (unsigned)nbanks;
	sb->banks = calloc(sb->num_banks, sizeof(*sb->banks));
	if (!sb->banks)
		return -ENOMEM;
	for (unsigned i = 0; i < sb->num_banks; i++) {
		struct sim_bank *bk = &sb->banks[i];
		bk->sb = sb;
		bk->index = i;
		snprintf(bk->info.name, sizeof(bk->info.name), "sim%u", i);
		if (pf) {
			snprintf(bk->info.label, sizeof(bk->info.label), "%s", pf->banks[i].label);
			bk->info.num_lines = pf->banks[i].num_lines;
			bk->info.base = pf->legacy_stride ? (int)(i * pf->legacy_stride) : -1;
			bk->line_prefix = pf->banks[i].line_prefix;
		} else {
			snprintf(bk->info.label, sizeof(bk->info.label), "sim%u", i);
			bk->info.num_lines = (unsigned)nlines;
			bk->info.base = (int)(i * nlines);
		}
		bk->lines = calloc(bk->info.num_lines, sizeof(*bk->lines));
		if (!bk->lines)
			return -ENOMEM;
		for (unsigned o = 0; o < bk->info.num_lines; o++) {
			struct sim_line *l = &bk->lines[o];
			l->bank = bk;
			l->offset = o;
			l->ext = PINWATCH_SIM_FLOAT;
			l->bias = PINWATCH_BIAS_DISABLED;
			l->rfd = l->wfd = -1;
		}
	}
	return 0;
}

static int sim_open(const struct pw_open_args *a, void **state)
{
	unsigned long nbanks = 1, nlines = 64;
	struct sim_board *sb = calloc(1, sizeof(*sb));
	pthread_condattr_t ca;
	int ret;

	if (!sb)
		return -ENOMEM;
	pthread_mutex_init(&sb->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&sb->cv, &ca);
	pthread_cond_init(&sb->player_cv, &ca);
	pthread_condattr_destroy(&ca);
	sb->next_gen_id = 1;

	ret = parse_options(a, sb, &nbanks, &nlines);
	if (ret == 0)
		ret = make_banks(sb, a->profile, nbanks, nlines);
	if (ret < 0) {
		free_board(sb);
		return ret;
	}
	*state = sb;
	return 0;
}

/* A line's edge detection taken off it: closed and freed by edges_free
 * after the mutex is released (nothing slow under it). */
struct sim_edges {
	int rfd, wfd;
	struct sim_ring ring;
};

static struct sim_edges line_edges_detach(struct sim_line *l);
static void edges_free(struct sim_edges *e);

static void sim_close(void *state)
{
	struct sim_board *sb = state;

	/* Generators first: their threads touch the lines. */
	pw_sim_gen_stop_all(sb);
	pw_sim_fault_free_all(sb);
	/* The core releases every line before closing its board; anything
	 * left would be a core bug, but its descriptors still close once. */
	for (unsigned b = 0; b < sb->num_banks; b++)
		for (unsigned o = 0; o < sb->banks[b].info.num_lines; o++) {
			struct sim_edges e = line_edges_detach(&sb->banks[b].lines[o]);
			edges_free(&e);
		}
	free_board(sb);
}

static unsigned sim_caps(void *state)
{
	const struct sim_board *sb = state;
	unsigned caps = PW_CAP_BIAS | PW_CAP_DRIVE | PW_CAP_EVENT_BUFFER;

	/* No PW_CAP_KERNEL_DEBOUNCE: the core debounces sim lines in software,
	 * which is the code the sim is there to test. */
	if (!sb->overflow_newest)
		caps |= PW_CAP_KERNEL_SEQNO;
	if (sb->groups_fd)
		caps |= PW_CAP_GROUP_EDGES;   /* groups=fd (issue 16) */
	return caps;
}

static int sim_clock(void *state)
{
	const struct sim_board *sb = state;

	return sb->virtual_clock ? PINWATCH_CLOCK_VIRTUAL : PINWATCH_CLOCK_MONOTONIC;
}

static int sim_num_banks(void *state)
{
	return (int)((struct sim_board *)state)->num_banks;
}

static int sim_bank_info(void *state, unsigned bank, struct pinwatch_bank_info *out)
{
	struct sim_board *sb = state;

	if (bank >= sb->num_banks)
		return -ERANGE;
	*out = sb->banks[bank].info;   /* immutable after open: no lock */
	return 0;
}

static int sim_line_info(void *state, unsigned bank, unsigned offset,
			 struct pinwatch_line_info *out)
{
	struct sim_board *sb = state;
	struct sim_line *l = pw_sim_line_at(sb, bank, offset);

	if (!l)
		return -ERANGE;
	pthread_mutex_lock(&sb->mu);
	pw_sim_line_describe_locked(l, out);
	pthread_mutex_unlock(&sb->mu);
	return 0;
}

/* ------------------------------------------------------------ the lines */

/* What every line operation meets first, with the mutex held: the bank
 * gone, then an injected fault for OP.  0, or -errno with the detail set. */
static int line_op_check(struct sim_line *l, int op, int *short_read)
{
	int ret = pw_sim_line_gone_locked(l);

	if (ret == 0 && l->bank->sb->faults)   /* (no call per read when none is armed) */
		ret = pw_sim_fault_hit(l->bank->sb, op, l, short_read);
	return ret;
}

/* An output on a line wired from another would fight it (request and
 * reconfigure): -EBUSY with the detail set, or 0. */
static int wired_output_check(const struct sim_line *l, const struct pw_line_config *cfg)
{
	const struct sim_bank *src;

	if (cfg->direction != PINWATCH_DIR_OUTPUT || !l->src)
		return 0;
	src = l->src->bank;
	pw_detail("the line is wired from %s%u: two outputs would fight; unwire it first",
		  src->line_prefix ? src->line_prefix : src->info.label, l->src->offset);
	return -EBUSY;
}

static void apply_config(struct sim_line *l, const struct pw_line_config *cfg)
{
	l->direction = cfg->direction;
	l->active_low = cfg->active_low ? 1 : 0;
	l->drive = cfg->drive;
	if (cfg->bias != PINWATCH_BIAS_AS_IS)
		l->bias = cfg->bias;
	l->out_value = (cfg->value ? 1 : 0) ^ l->active_low;
	snprintf(l->consumer, sizeof(l->consumer), "%s", cfg->consumer);
}

static int sim_request(void *state, unsigned bank, unsigned offset,
		       const struct pw_line_config *cfg, void **line)
{
	struct sim_board *sb = state;
	struct sim_line *l = pw_sim_line_at(sb, bank, offset);
	int ret = 0;

	if (!l)
		return -ERANGE;
	pthread_mutex_lock(&sb->mu);
	if ((ret = line_op_check(l, PINWATCH_SIM_OP_REQUEST, NULL)) < 0)
		;
	else if (l->requested) {
		pw_detail("line is used by '%s'", l->consumer);
		ret = -EBUSY;
	} else if ((ret = wired_output_check(l, cfg)) < 0) {
		;
	} else {
		l->requested = 1;
		apply_config(l, cfg);
		pw_sim_line_update(l, pw_sim_now(sb));
		pw_sim_info_notify_locked(l, PINWATCH_INFO_REQUESTED);
		*line = l;
	}
	pthread_mutex_unlock(&sb->mu);
	return ret;
}

/* Detach a line's edge detection (mutex held); the caller hands the
 * result to edges_free after unlocking. */
static struct sim_edges line_edges_detach(struct sim_line *l)
{
	struct sim_edges e = { .rfd = l->rfd, .wfd = l->wfd, .ring = l->ring };

	l->rfd = l->wfd = -1;
	l->ring = (struct sim_ring){ 0 };
	l->edges = 0;
	l->clock = PINWATCH_CLOCK_MONOTONIC;
	pw_sim_idle_set_locked(l, 0);
	return e;
}

static void edges_free(struct sim_edges *e)
{
	pw_fd_close(&e->rfd);
	pw_fd_close(&e->wfd);
	pw_sim_ring_free(&e->ring);
}

static void sim_release(void *line)
{
	struct sim_line *l = line;
	struct sim_board *sb = l->bank->sb;
	struct sim_edges e;

	pthread_mutex_lock(&sb->mu);
	e = line_edges_detach(l);
	l->requested = 0;
	l->direction = PINWATCH_DIR_INPUT;
	l->active_low = 0;
	l->drive = PINWATCH_DRIVE_PUSH_PULL;
	l->consumer[0] = '\0';
	/* No longer driven by us: the level falls back to wire/outside/pull. */
	pw_sim_line_update(l, pw_sim_now(sb));
	pw_sim_info_notify_locked(l, PINWATCH_INFO_RELEASED);
	pthread_mutex_unlock(&sb->mu);
	edges_free(&e);
}

static int sim_get(void *line)
{
	struct sim_line *l = line;
	struct sim_board *sb = l->bank->sb;
	int ret;

	pthread_mutex_lock(&sb->mu);
	if ((ret = line_op_check(l, PINWATCH_SIM_OP_GET, NULL)) == 0)
		ret = l->level ^ l->active_low;
	pthread_mutex_unlock(&sb->mu);
	return ret;
}

static int sim_set(void *line, int value)
{
	struct sim_line *l = line;
	struct sim_board *sb = l->bank->sb;
	int ret;

	pthread_mutex_lock(&sb->mu);
	if ((ret = line_op_check(l, PINWATCH_SIM_OP_SET, NULL)) < 0)
		;
	else if (l->direction != PINWATCH_DIR_OUTPUT) {
		pw_detail("line is an input");
		ret = -EPERM;
	} else {
		l->out_value = (value ? 1 : 0) ^ l->active_low;
		pw_sim_line_update(l, pw_sim_now(sb));
	}
	pthread_mutex_unlock(&sb->mu);
	return ret;
}

static int sim_reconfigure(void *line, const struct pw_line_config *cfg)
{
	struct sim_line *l = line;
	struct sim_board *sb = l->bank->sb;
	int ret;

	pthread_mutex_lock(&sb->mu);
	if ((ret = line_op_check(l, PINWATCH_SIM_OP_RECONFIGURE, NULL)) < 0)
		;
	else if (l->edges) {
		pw_detail("edge detection is enabled on the line");
		ret = -EBUSY;
	} else if ((ret = wired_output_check(l, cfg)) < 0) {
		;
	} else {
		apply_config(l, cfg);
		pw_sim_line_update(l, pw_sim_now(sb));
		pw_sim_info_notify_locked(l, PINWATCH_INFO_RECONFIGURED);
	}
	pthread_mutex_unlock(&sb->mu);
	return ret;
}

static int sim_edges_enable(void *line, const struct pw_edge_config *ec, int *fd)
{
	struct sim_line *l = line;
	struct sim_board *sb = l->bank->sb;
	struct sim_edges e = { .rfd = -1, .wfd = -1 };
	int p[2];
	int ret;

	if (!ec->edges || (ec->edges & ~PINWATCH_EDGE_BOTH)) {
		pw_detail("edges %d: want rising, falling or both", ec->edges);
		return -EINVAL;
	}
	ret = pw_sim_event_clock(sb, ec->clock);
	if (ret < 0)
		return ret;
	/* Descriptors and memory before the lock: nothing slow under it. */
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0) {
		ret = -errno;
		pw_detail("pipe2: cannot make the line's event descriptor");
		return ret;
	}
	e.rfd = pw_fd_own(p[0], "sim line events (read end)");
	e.wfd = pw_fd_own(p[1], "sim line events (write end)");
	if (e.rfd < 0 || e.wfd < 0) {
		ret = -ENOMEM;   /* pw_fd_own closed what it could not register */
		goto err;
	}
	ret = pw_sim_ring_init(&e.ring, ec->event_buffer ? ec->event_buffer : sb->buffer);
	if (ret < 0)
		goto err;

	pthread_mutex_lock(&sb->mu);
	if ((ret = line_op_check(l, PINWATCH_SIM_OP_EDGES, NULL)) < 0)
		;
	else if (!l->requested || l->direction != PINWATCH_DIR_INPUT) {
		pw_detail("line is an output; edges are detected on inputs");
		ret = -EINVAL;
	} else if (l->edges) {
		pw_detail("edge detection is already enabled on the line");
		ret = -EBUSY;
	} else {
		l->rfd = e.rfd;
		l->wfd = e.wfd;
		l->ring = e.ring;
		l->edges = ec->edges;
		l->seqno = 0;   /* like the kernel: per request, from 1 */
		l->clock = ec->clock;
		*fd = l->rfd;
		/* Edge detection is line configuration: the kernel reports
		 * turning it on (a request's reconfigure) to info watches. */
		pw_sim_info_notify_locked(l, PINWATCH_INFO_RECONFIGURED);
	}
	pthread_mutex_unlock(&sb->mu);
	if (ret == 0)
		return 0;
err:
	edges_free(&e);
	return ret;
}

static void sim_edges_disable(void *line)
{
	struct sim_line *l = line;
	struct sim_board *sb = l->bank->sb;
	struct sim_edges e;

	pthread_mutex_lock(&sb->mu);
	int had = l->edges != 0;
	e = line_edges_detach(l);
	if (had)   /* and turning it off, as turning it on */
		pw_sim_info_notify_locked(l, PINWATCH_INFO_RECONFIGURED);
	pthread_mutex_unlock(&sb->mu);
	edges_free(&e);
}

/* The idle watchdog in virtual time: idle events are recorded in the line's
 * ring at their exact virtual times, in order with the edges.  On the real
 * clock the core's timer does it. */
static int sim_idle_arm(void *line, uint64_t idle_ns)
{
	struct sim_line *l = line;
	struct sim_board *sb = l->bank->sb;
	int ret = -EOPNOTSUPP;

	pthread_mutex_lock(&sb->mu);
	if (sb->virtual_clock) {
		pw_sim_idle_set_locked(l, idle_ns);
		ret = 0;
	}
	pthread_mutex_unlock(&sb->mu);
	return ret;
}

static int sim_read_events(void *line, struct pw_raw_event *ev, size_t n)
{
	struct sim_line *l = line;
	struct sim_board *sb = l->bank->sb;
	int short_read = 0;
	int ret;

	pthread_mutex_lock(&sb->mu);
	if ((ret = line_op_check(l, PINWATCH_SIM_OP_READ, &short_read)) < 0)
		;
	else {
		if (short_read && n > 1)
			n = 1;
		ret = (int)pw_sim_ring_pop(&l->ring, ev, n);
		uint64_t shift = pw_sim_clock_offset(l);   /* realtime watches */
		for (int i = 0; shift && i < ret; i++)
			ev[i].timestamp_ns += shift;
		/* The doorbell stays rung while events remain, so a
		 * level-triggered epoll reports the line again. */
		if (!l->ring.len)
			pw_sim_doorbell_drain(l);
	}
	pthread_mutex_unlock(&sb->mu);
	return ret;
}

const struct pw_backend_ops pw_backend_sim = {
	.name = "sim",
	.arg_is_profile = 1,
	.options = sim_options,
	.counting_buffer = 4096,
	.probe = NULL,   /* never picked by "auto" */
	.open = sim_open,
	.close = sim_close,
	.caps = sim_caps,
	.clock = sim_clock,
	.num_banks = sim_num_banks,
	.bank_info = sim_bank_info,
	.line_info = sim_line_info,
	.request = sim_request,
	.release = sim_release,
	.get = sim_get,
	.set = sim_set,
	.reconfigure = sim_reconfigure,
	.edges_enable = sim_edges_enable,
	.edges_disable = sim_edges_disable,
	.read_events = sim_read_events,
	.idle_arm = sim_idle_arm,
	/* line groups (issue 16): group.c */
	.request_group = pw_sim_request_group,
	.release_group = pw_sim_release_group,
	.group_get = pw_sim_group_get,
	.group_set = pw_sim_group_set,
	.group_reconfigure = pw_sim_group_reconfigure,
	.now = pw_sim_watermark,
	.group_edges_enable = pw_sim_group_edges_enable,
	.group_edges_disable = pw_sim_group_edges_disable,
	.group_read_events = pw_sim_group_read_events,
	.info_watch = pw_sim_info_watch,
	.info_unwatch = pw_sim_info_unwatch,
	.info_read = pw_sim_info_read,
};
