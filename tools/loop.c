/* SPDX-License-Identifier: MIT */
/* The poll loop of mon and count; see loop.h. */
#include <errno.h>
#include <poll.h>

#include "loop.h"
#include "util.h"

static int is_virtual(const struct loop *l)
{
	return pinwatch_board_clock(l->board) == PINWATCH_CLOCK_VIRTUAL;
}

static uint64_t board_now(const struct loop *l)
{
	uint64_t ns;

	if (is_virtual(l) && pinwatch_sim_now(l->board, &ns) == 0)
		return ns;
	return now_ns();
}

/* Handle everything pending, without waiting: what a generator has already
 * played must be counted before the loop reports the end. */
static int drain(struct loop *l)
{
	int n;

	do {
		if (l->done && l->done(l->arg))
			return 0;
		n = pinwatch_watcher_dispatch(l->watcher, 0);
	} while (n > 0);
	return n;
}

/* The end of a real-clock run whose generators finished: everything
 * pending, then what the watches still hold (a group watch's merge releases
 * it when its hold window has passed, on its own timer), waited for a
 * bounded time.  No edge comes after the generators' last, so the hold
 * empties. */
#define SETTLE_NS 1000000000ull

static int settle(struct loop *l)
{
	uint64_t limit = now_ns() + SETTLE_NS;

	if (drain(l) < 0)
		return -1;
	while (l->held && l->held(l->held_arg) && now_ns() < limit) {
		if (l->done && l->done(l->arg))
			return 0;
		if (pinwatch_watcher_dispatch(l->watcher, 10) < 0 || drain(l) < 0)
			return -1;
	}
	return 0;
}

static int ms_until(uint64_t t, uint64_t now)
{
	uint64_t ms;

	if (t <= now)
		return 0;
	ms = (t - now + 999999) / 1000000;
	return ms > 60000 ? 60000 : (int)ms;
}

static int min_timeout(int a, int b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

/* Take every pending signal; 1 if one of them ends the loop.  Each is
 * handled even after one that ends it: a SIGUSR1 queued with a SIGTERM
 * still prints its totals. */
static int took_signal(struct loop *l)
{
	int signo, end = 0;

	while ((signo = signals_next(l->sigfd)) > 0)
		if (!l->signal || l->signal(l->arg, signo))
			end = 1;
	return end;
}

/* Wait up to timeout_ms for a signal or events; dispatch what is ready.
 * Returns LOOP_SIGNAL, LOOP_ERROR, or -1 to go on. */
static int wait_once(struct loop *l, int timeout_ms)
{
	struct pollfd fds[2] = {
		{ .fd = l->sigfd, .events = POLLIN },
		{ .fd = pinwatch_watcher_fd(l->watcher), .events = POLLIN },
	};

	if (poll(fds, 2, timeout_ms) < 0 && errno != EINTR)
		return LOOP_ERROR;
	if ((fds[0].revents & POLLIN) && took_signal(l))
		return LOOP_SIGNAL;
	if (fds[1].revents && pinwatch_watcher_dispatch(l->watcher, 0) < 0)
		return LOOP_ERROR;
	return -1;
}

static void maybe_tick(struct loop *l, uint64_t *next_tick)
{
	uint64_t t;

	if (!l->tick_ms || !l->tick)
		return;
	t = now_ns();
	if (t < *next_tick)
		return;
	l->tick(l->arg);
	*next_tick = t + (uint64_t)l->tick_ms * 1000000u;
}

/* The periodic work on the real clock, after the edges so far are handled:
 * a late wake-up (a loaded machine) skips to the next period rather than
 * bunching lines. */
static int maybe_interval_real(struct loop *l, uint64_t *next)
{
	uint64_t t;

	if (!l->interval_ns || !l->interval)
		return 0;
	t = now_ns();
	if (t < *next)
		return 0;
	if (drain(l) < 0)
		return -1;
	l->interval(l->arg, t - l->start_ns);
	while (*next <= t)
		*next += l->interval_ns;
	return 0;
}

static enum loop_end run_real(struct loop *l, uint64_t deadline)
{
	uint64_t next_tick = now_ns() + (uint64_t)l->tick_ms * 1000000u;
	uint64_t next_interval = l->start_ns + l->interval_ns;
	int polling_gens = l->stim && l->stim->ngens && !l->stim->endless;

	for (;;) {
		if (l->done && l->done(l->arg))
			return LOOP_DONE;
		/* finished first, then drain: every edge is in the buffers */
		if (polling_gens && stim_finished(l->board, l->stim))
			return settle(l) < 0 ? LOOP_ERROR : LOOP_IDLE;
		uint64_t t = now_ns();
		if (deadline && t >= deadline)
			return drain(l) < 0 ? LOOP_ERROR : LOOP_TIMEOUT;
		int timeout = deadline ? ms_until(deadline, t) : -1;
		if (l->tick_ms)
			timeout = min_timeout(timeout, ms_until(next_tick, t));
		if (polling_gens)
			timeout = min_timeout(timeout, 10);
		if (l->interval_ns)
			timeout = min_timeout(timeout, ms_until(next_interval, t));
		int end = wait_once(l, timeout);
		if (end >= 0)
			return (enum loop_end)end;
		if (maybe_interval_real(l, &next_interval) < 0)
			return LOOP_ERROR;
		maybe_tick(l, &next_tick);
	}
}

static enum loop_end run_virtual(struct loop *l, uint64_t deadline)
{
	uint64_t next_tick = now_ns() + (uint64_t)l->tick_ms * 1000000u;
	uint64_t step = l->step_ns;
	uint64_t gen_end = l->stim ? stim_end(l->stim) : 0;
	uint64_t next_interval = l->interval_ns ? l->start_ns + l->interval_ns : 0;
	int gens = l->stim && l->stim->ngens;

	if (!step)
		step = l->stim ? stim_step(l->stim, l->event_buffer) : UINT64_MAX;
	for (;;) {
		if (l->done && l->done(l->arg))
			return LOOP_DONE;
		struct pollfd sig = { .fd = l->sigfd, .events = POLLIN };
		if (poll(&sig, 1, 0) > 0 && took_signal(l))
			return LOOP_SIGNAL;
		uint64_t now = board_now(l);
		if (gens && stim_finished(l->board, l->stim))
			return drain(l) < 0 ? LOOP_ERROR : LOOP_IDLE;
		/* The window is [start, deadline): an edge due exactly at the
		 * deadline belongs to the next window, so 10 ms of a 1 kHz
		 * train are 10 pulses, not 11. */
		if (deadline && now >= deadline - 1)
			return drain(l) < 0 ? LOOP_ERROR : LOOP_TIMEOUT;
		if (!gens && !deadline) {
			/* Nothing moves the clock but us and we have no reason
			 * to: wait for a signal like on a real board. */
			int end = wait_once(l, l->tick_ms ? l->tick_ms : -1);
			if (end >= 0)
				return (enum loop_end)end;
			maybe_tick(l, &next_tick);
			continue;
		}
		uint64_t adv = step;
		if (deadline && deadline - 1 - now < adv)
			adv = deadline - 1 - now;
		if (gen_end && gen_end > now && gen_end - now < adv)
			adv = gen_end - now;
		/* Stop the clock just before each interval's end, like at the
		 * deadline: the periodic line covers exactly [start, k * D). */
		if (next_interval && next_interval - 1 - now < adv)
			adv = next_interval - 1 - now;
		if (adv && (pinwatch_sim_advance(l->board, adv) < 0 || drain(l) < 0))
			return LOOP_ERROR;
		if (next_interval && board_now(l) >= next_interval - 1) {
			if (l->interval)
				l->interval(l->arg, next_interval - l->start_ns);
			next_interval += l->interval_ns;
		}
		maybe_tick(l, &next_tick);
	}
}

enum loop_end loop_run(struct loop *l)
{
	enum loop_end end;
	uint64_t deadline = 0;

	l->start_ns = board_now(l);
	if (l->duration_ns)
		deadline = l->start_ns + l->duration_ns;
	end = is_virtual(l) ? run_virtual(l, deadline) : run_real(l, deadline);
	l->end_ns = board_now(l);
	/* A real-clock run ends a little after its deadline, a virtual one
	 * just before it: report the duration asked for. */
	if (end == LOOP_TIMEOUT)
		l->end_ns = deadline;
	return end;
}
