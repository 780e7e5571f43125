/* SPDX-License-Identifier: MIT */
/*
 * pinwatch count as a service that runs for years: periodic lines on any
 * output, durable totals in --state with every restart's downtime recorded
 * as a gap, SIGHUP/SIGUSR1, and the idle watchdog's reports.  The counting
 * itself is cmd_count.c's; this file only reads the watches' counters.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "count.h"
#include "util.h"

static uint64_t board_now(const struct count *c)
{
	uint64_t ns;

	if (pinwatch_board_clock(c->b) == PINWATCH_CLOCK_VIRTUAL &&
	    pinwatch_sim_now(c->b, &ns) == 0)
		return ns;
	return now_ns();
}

/* Board time since the loop started. */
static uint64_t elapsed_now(const struct count *c)
{
	return board_now(c) - c->loop->start_ns;
}

/* The time the totals cover: from the watches' start, which is before the
 * loop's by the first checkpoint (fsyncs: milliseconds on the real clock,
 * edges counted all the while). */
static uint64_t covered(const struct count *c, uint64_t elapsed_ns)
{
	if (!elapsed_ns || c->loop->start_ns < c->svc.armed_ns)
		return elapsed_ns;
	return elapsed_ns + (c->loop->start_ns - c->svc.armed_ns);
}

static void print_duration(FILE *f, const char *key, uint64_t ns)
{
	fprintf(f, " %s=%llu.%09llus", key, (unsigned long long)(ns / 1000000000u),
		(unsigned long long)(ns % 1000000000u));
}

/* "gap start=... end=... duration=...s edges=unknown after=crash" */
static void print_gap(FILE *f, int json, const struct state_gap *g)
{
	char start[48], end[48];

	state_format_time(start, sizeof(start), g->start_ns);
	state_format_time(end, sizeof(end), g->end_ns);
	if (json) {
		fprintf(f, "{\"gap\":{\"start\":\"%s\",\"end\":\"%s\",", start, end);
		if (g->end_ns >= g->start_ns)
			fprintf(f, "\"duration_ns\":%llu,",
				(unsigned long long)(g->end_ns - g->start_ns));
		fprintf(f, "\"edges\":\"unknown\",\"after\":\"%s\"}}\n",
			g->after_crash ? "crash" : "stopped");
		return;
	}
	fprintf(f, "gap start=%s end=%s", start, end);
	/* a wall clock set back (no RTC, before NTP): no length to give */
	if (g->end_ns >= g->start_ns)
		print_duration(f, "duration", g->end_ns - g->start_ns);
	else
		fputs(" duration=unknown", f);
	fprintf(f, " edges=unknown after=%s\n", g->after_crash ? "crash" : "stopped");
}

/* ------------------------------------------------------------ --show */

int count_show(struct count *c)
{
	struct count_state s;
	char err[512], since[48], saved[48];
	int ret = state_load(c->svc.state_path, &s, err, sizeof(err));

	if (ret)
		return runtime_error(c->cmd, "%s", err);
	state_format_time(since, sizeof(since), s.since_ns);
	state_format_time(saved, sizeof(saved), s.saved_ns);
	printf("state %s: runs=%llu since=%s saved=%s", c->svc.state_path,
	       (unsigned long long)s.runs, since, saved);
	print_duration(stdout, "counted", s.counted_ns);
	printf(" clean=%d\n", s.clean);
	for (size_t i = 0; i < s.npins; i++)
		printf("%s total=%llu rising=%llu falling=%llu lost=%llu debounced=%llu\n",
		       s.pins[i].name, (unsigned long long)s.pins[i].total,
		       (unsigned long long)s.pins[i].rising,
		       (unsigned long long)s.pins[i].falling,
		       (unsigned long long)s.pins[i].lost,
		       (unsigned long long)s.pins[i].debounced);
	printf("gaps=%llu", (unsigned long long)s.ngaps);
	print_duration(stdout, "gap_time", s.gap_ns);
	printf(" kept=%zu\n", s.nkept);
	for (size_t i = 0; i < s.nkept; i++)
		print_gap(stdout, 0, &s.kept[i]);
	return EXIT_OK;
}

/* ----------------------------------------------------- resume, checkpoint */

/* Same pins, same names: totals are per pin, and a state silently applied
 * to other pins would be a wrong count. */
static int match_pins(struct count *c)
{
	struct count_state *s = &c->svc.base;
	int fresh = s->npins == 0;

	if (!fresh && s->npins != c->npins)
		goto mismatch;
	for (size_t i = 0; i < c->npins; i++) {
		struct state_pin *p = NULL;
		for (size_t k = 0; k < s->npins; k++)
			if (!strcmp(s->pins[k].name, c->pins[i].name))
				p = &s->pins[k];
		if (!p && !fresh)
			goto mismatch;
		if (!p && !(p = state_pin(s, c->pins[i].name)))
			return runtime_error(c->cmd, "--state: cannot record pin '%s' (at most %d pins, names without blanks, below %d bytes)",
					     c->pins[i].name, STATE_MAX_PINS, STATE_NAME_MAX);
		c->pins[i].base = p;
	}
	return 0;
mismatch:
	fprintf(stderr, "pinwatch %s: %s counts", c->cmd, c->svc.state_path);
	for (size_t k = 0; k < s->npins; k++)
		fprintf(stderr, " %s", s->pins[k].name);
	fputs(", not", stderr);
	for (size_t i = 0; i < c->npins; i++)
		fprintf(stderr, " %s", c->pins[i].name);
	fputs(": give the same pins, or another state file\n", stderr);
	return EXIT_RUNTIME;
}

int count_resume(struct count *c)
{
	struct count_service *svc = &c->svc;
	char err[512];
	int ret;

	if (!svc->state_path)
		return 0;
	svc->lock_fd = state_lock(svc->state_path);
	if (svc->lock_fd == -EWOULDBLOCK)
		return runtime_error(c->cmd, "%s: in use by another pinwatch count (its lock %s.lock is held)",
				     svc->state_path, svc->state_path);
	if (svc->lock_fd < 0)
		return runtime_error(c->cmd, "lock %s.lock: %s", svc->state_path,
				     strerror(-svc->lock_fd));
	ret = state_load(svc->state_path, &svc->base, err, sizeof(err));
	if (ret == -ENOENT) {
		memset(&svc->base, 0, sizeof(svc->base));
	} else if (ret == -EBADMSG) {
		/* Never start from zero over a damaged history: that would
		 * hide it.  The user decides (move it away, or restore). */
		return runtime_error(c->cmd, "%s; not counting over it: move it away to start again from zero", err);
	} else if (ret) {
		return runtime_error(c->cmd, "%s", err);
	}
	return match_pins(c);
}

/* Write the totals so far (the resumed ones plus this run's) to --state. */
static int checkpoint(struct count *c, uint64_t elapsed_ns, int clean)
{
	struct count_service *svc = &c->svc;
	struct count_state s = svc->base;
	char err[512];
	int ret;

	for (size_t i = 0; i < c->npins; i++) {
		struct pinwatch_watch_stats st;
		struct state_pin *p = state_pin(&s, c->pins[i].name);
		if (!p || pinwatch_watch_stats(c->w, c->pins[i].id, &st) < 0)
			continue;
		p->total += count_total_of(c, &st);
		p->rising += st.rising;
		p->falling += st.falling;
		p->lost += st.lost;
		p->debounced += st.filtered;
	}
	s.counted_ns += covered(c, elapsed_ns);
	s.saved_ns = state_realtime_ns();
	s.clean = clean;
	ret = state_save(svc->state_path, &s, NULL, err, sizeof(err));
	if (ret && !svc->save_failing)
		fprintf(stderr, "pinwatch %s: checkpoint: %s (counting goes on; retried every interval)\n",
			c->cmd, err);
	else if (!ret && svc->save_failing)
		fprintf(stderr, "pinwatch %s: checkpoint: %s written again\n", c->cmd,
			svc->state_path);
	svc->save_failing = ret != 0;
	svc->save_error = ret;
	return ret;
}

void count_arm_service(struct count *c)
{
	c->svc.armed_ns = board_now(c);
	c->svc.armed_realtime_ns = state_realtime_ns();
}

int count_start_service(struct count *c)
{
	struct count_service *svc = &c->svc;
	struct count_state *s = &svc->base;

	if (!svc->state_path)
		return 0;
	/* The watches count from here: what happened since the last
	 * checkpoint of the last run is a gap, recorded before anything
	 * else is. */
	uint64_t now = svc->armed_realtime_ns;
	if (s->runs) {
		state_add_gap(s, s->saved_ns, now, !s->clean);
		print_gap(c->out, c->json, &s->kept[s->nkept - 1]);
		fflush(c->out);
	} else {
		s->since_ns = now;
	}
	s->runs++;
	s->clean = 0;
	if (checkpoint(c, 0, 0))
		return EXIT_RUNTIME;
	return 0;
}

int count_stop_service(struct count *c, uint64_t elapsed_ns)
{
	if (!c->svc.state_path)
		return 0;
	return checkpoint(c, elapsed_ns, 1) ? EXIT_RUNTIME : 0;
}

void count_close_service(struct count *c)
{
	/* The lock file stays: removing it would race with the next run. */
	if (c->svc.lock_fd >= 0)
		close(c->svc.lock_fd);
	c->svc.lock_fd = -1;
}

/* --------------------------------------------------------- the loop's hooks */

void count_interval(void *arg, uint64_t elapsed_ns)
{
	struct count *c = arg;
	struct count_service *svc = &c->svc;

	if (svc->state_path)
		checkpoint(c, elapsed_ns, 0);
	if (!svc->lines)
		return;
	count_print(c, elapsed_ns, elapsed_ns - svc->last_interval, 1);
	for (size_t i = 0; i < c->npins; i++) {
		struct pinwatch_watch_stats st;
		if (pinwatch_watch_stats(c->w, c->pins[i].id, &st) == 0)
			c->pins[i].interval_total = count_total_of(c, &st);
	}
	svc->last_interval = elapsed_ns;
}

/* SIGHUP: the log rotation convention.  --output is opened again by name
 * (the rotated file is closed), and --state is written again now (a state
 * file moved away or deleted is there again at once). */
static void reopen(struct count *c)
{
	struct count_service *svc = &c->svc;

	if (svc->output_path) {
		FILE *f = fopen(svc->output_path, "ae");
		if (!f) {
			fprintf(stderr, "pinwatch %s: SIGHUP: open %s: %s (still writing to the old file)\n",
				c->cmd, svc->output_path, strerror(errno));
		} else {
			fclose(c->out);
			c->out = f;
		}
	}
	if (svc->state_path)
		checkpoint(c, elapsed_now(c), 0);
}

int count_signal(void *arg, int signo)
{
	struct count *c = arg;

	switch (signo) {
	case SIGHUP:
		reopen(c);
		return 0;
	case SIGUSR1:
		count_print(c, elapsed_now(c), 0, 0);
		return 0;
	default:
		return 1;
	}
}

int count_check_idle(struct count *c)
{
	int hit = 0;

	if (c->svc.idle_hit)
		return 1;   /* asked again (the loop checks inside its drain too) */

	for (size_t i = 0; i < c->npins; i++) {
		struct count_pin *cp = &c->pins[i];
		struct pinwatch_watch_stats st;
		if (pinwatch_watch_stats(c->w, cp->id, &st) < 0 || st.idle <= cp->idle_seen)
			continue;
		uint64_t elapsed = elapsed_now(c);
		if (c->live && c->out == stdout)
			fputs("\r\033[K", c->out);
		if (c->json) {
			fputs("{\"pin\":", c->out);
			json_string(c->out, cp->name);
			fprintf(c->out, ",\"idle\":%llu,\"elapsed_ns\":%llu,\"idle_timeout_ns\":%llu}\n",
				(unsigned long long)st.idle, (unsigned long long)elapsed,
				(unsigned long long)c->svc.idle_ns);
		} else {
			fprintf(c->out, "%s idle=%llu", cp->name, (unsigned long long)st.idle);
			print_duration(c->out, "elapsed", elapsed);
			print_duration(c->out, "idle_timeout", c->svc.idle_ns);
			fputc('\n', c->out);
		}
		fflush(c->out);
		cp->idle_seen = st.idle;
		hit = 1;
	}
	if (hit && c->svc.idle_exit) {
		c->svc.idle_hit = 1;
		return 1;
	}
	return 0;
}
