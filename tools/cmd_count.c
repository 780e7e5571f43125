/* SPDX-License-Identifier: MIT */
/*
 * pinwatch count PIN...: the pulse counter.  Counters-only watches (no
 * callback, no queue: no per-event work), read with pinwatch_watch_stats;
 * a live line on a terminal, a summary always.  On the simulator it also
 * plays the field setup: a pulse train on OUT jumpered to the counted pin.
 * Running as a service (--interval, --state, --output, --idle-timeout,
 * SIGHUP/SIGUSR1) is count_service.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <signal.h>

#include "commands.h"
#include "count.h"
#include "options.h"

/*
 * The per-pin event buffer asked of the backend (where it has one): the
 * slack between the source and this loop.  At the default 100 kHz (200000
 * edges/s) 65536 events are 330 ms of the loop not being scheduled.
 */
#define COUNT_EVENT_BUFFER 65536
#define TICK_MS 200

static const char help[] =
	"Usage: pinwatch [-b SPEC] count [OPTIONS] PIN...\n"
	"\n"
	"Count pulses on the pins: total (rising edges; falling edges with\n"
	"--edge falling), rising, falling, lost, rate.  On a terminal a live line\n"
	"shows progress; at the end a summary per pin is printed on stdout:\n"
	"  N3 total=1000 rising=1000 falling=1000 lost=0 elapsed=1.000000000s rate=1000.0/s\n"
	"(sim boards add sim_dropped=, the simulator's own count of dropped\n"
	"edges; debounced=, idle= and error= appear when non-zero).  Ends on\n"
	"SIGINT/SIGTERM (Ctrl-C), after --duration, after --pulses, or when\n"
	"every generator has finished; exits 0.  SIGHUP re-opens --output and\n"
	"--state (it never ends count); SIGUSR1 prints the totals now.\n"
	"\n"
	"Options:\n"
	PIN_HELP
	"  -e, --edges EDGE        rising, falling or both (default both)\n"
	"  -t, --duration D        end after D (e.g. 500ms, 2s; bare number: ms)\n"
	"  -n, --pulses N          end when every pin has counted N pulses; with\n"
	"                          --wire or --pulse, the generator plays N pulses\n"
	"  -p, --debounce-period D ignore edges within D of the last accepted one\n"
	"                          (also -d, --debounce)\n"
	"      --event-buffer N    kernel/sim event buffer per pin (default 65536\n"
	"                          where the backend has one)\n"
	"  -E, --event-clock C     monotonic (default), realtime or hte\n"
	"  -j, --json              the summary as one JSON object per pin and line\n"
	"  -i, --interval D        every D, one line per pin (the summary's format,\n"
	"                          rate over the interval) on any output, flushed\n"
	"  -s, --state FILE        durable totals: resume from FILE, checkpoint it\n"
	"                          every --interval (default 1m) and at the end;\n"
	"                          the downtime since the last run is recorded as\n"
	"                          a gap (edges during it: unknown)\n"
	"  -S, --show              print the --state FILE and exit\n"
	"  -o, --output FILE       lines and summary appended to FILE (re-opened\n"
	"                          on SIGHUP) instead of stdout\n"
	"  -I, --idle-timeout D    report a pin that had no edge for D (again\n"
	"                          after each further D)\n"
	"  -x, --idle-exit         with --idle-timeout: end there, exit status 3\n"
	"  -h, --help              this help\n"
	STIM_HELP;

uint64_t count_total_of(const struct count *c, const struct pinwatch_watch_stats *st)
{
	return c->edges == PINWATCH_EDGE_FALLING ? st->falling : st->rising;
}

static int count_done(void *arg)
{
	struct count *c = arg;
	int reached = c->pulses != 0;

	for (size_t i = 0; i < c->npins; i++) {
		struct pinwatch_watch_stats st;
		if (pinwatch_watch_stats(c->w, c->pins[i].id, &st) < 0 || st.error) {
			c->error = 1;
			return 1;
		}
		if (count_total_of(c, &st) < c->pulses)
			reached = 0;
	}
	if (c->svc.idle_ns && count_check_idle(c))
		return 1;
	return reached;
}

/* The live line: totals and the rate since the last tick. */
static void tick(void *arg)
{
	struct count *c = arg;
	uint64_t t = now_ns();
	double dt = (double)(t - c->last_tick) / 1e9;

	fputs("\r", stdout);
	for (size_t i = 0; i < c->npins; i++) {
		struct pinwatch_watch_stats st;
		if (pinwatch_watch_stats(c->w, c->pins[i].id, &st) < 0)
			continue;
		/* with --state, the totals resumed too, like every other line */
		uint64_t total = count_total_of(c, &st) + (c->pins[i].base ? c->pins[i].base->total : 0);
		printf("%s%s %llu (%.0f/s, lost %llu)", i ? "  " : "", c->pins[i].name,
		       (unsigned long long)total,
		       dt > 0 ? (double)(total - c->pins[i].last_total) / dt : 0.0,
		       (unsigned long long)st.lost);
		c->pins[i].last_total = total;
	}
	fputs("\033[K", stdout);
	fflush(stdout);
	c->last_tick = t;
}

void count_print(struct count *c, uint64_t elapsed_ns, uint64_t since_ns,
		 int use_interval_totals)
{
	int is_sim = !strcmp(pinwatch_board_backend(c->b), "sim");
	FILE *f = c->out;

	if (c->live && f == stdout)
		fputs("\r\033[K", f);
	for (size_t i = 0; i < c->npins; i++) {
		struct count_pin *cp = &c->pins[i];
		struct pinwatch_watch_stats st;
		struct pinwatch_sim_line_stats ss = { 0 };
		struct state_pin zero = { .total = 0 }, *base = cp->base ? cp->base : &zero;
		if (pinwatch_watch_stats(c->w, cp->id, &st) < 0)
			continue;
		int have_ss = is_sim && pinwatch_sim_line_stats(c->b, cp->name, &ss) == 0;
		uint64_t run_total = count_total_of(c, &st);
		uint64_t counted = use_interval_totals ? run_total - cp->interval_total : run_total;
		uint64_t span = use_interval_totals ? since_ns : elapsed_ns;
		double rate = span ? (double)counted * 1e9 / (double)span : 0.0;
		unsigned long long total = base->total + run_total, rising = base->rising + st.rising,
				   falling = base->falling + st.falling, lost = base->lost + st.lost,
				   debounced = base->debounced + st.filtered;
		if (c->json) {
			fputs("{\"pin\":", f);
			json_string(f, cp->name);
			fprintf(f, ",\"total\":%llu,\"rising\":%llu,\"falling\":%llu,\"lost\":%llu,"
				"\"debounced\":%llu,\"elapsed_ns\":%llu,\"rate\":%.1f",
				total, rising, falling, lost, debounced,
				(unsigned long long)elapsed_ns, rate);
			if (st.idle)
				fprintf(f, ",\"idle\":%llu", (unsigned long long)st.idle);
			if (st.loss_seen == PINWATCH_LOSS_AT_LEAST)
				fputs(",\"lost_is\":\"at least (inferred: no kernel sequence numbers)\"", f);
			if (have_ss)
				fprintf(f, ",\"sim_dropped\":%llu", (unsigned long long)ss.dropped);
			if (st.error) {
				fputs(",\"error\":", f);
				json_string(f, strerror(-st.error));
			}
			fputs("}\n", f);
			continue;
		}
		fprintf(f, "%s total=%llu rising=%llu falling=%llu lost=%llu elapsed=%llu.%09llus rate=%.1f/s",
			cp->name, total, rising, falling, lost,
			(unsigned long long)(elapsed_ns / 1000000000u),
			(unsigned long long)(elapsed_ns % 1000000000u), rate);
		if (debounced)
			fprintf(f, " debounced=%llu", debounced);
		if (st.idle)
			fprintf(f, " idle=%llu", (unsigned long long)st.idle);
		if (have_ss)
			fprintf(f, " sim_dropped=%llu", (unsigned long long)ss.dropped);
		if (st.error)
			fprintf(f, " error=\"%s\"", strerror(-st.error));
		/* lost= is then a lower bound: say so, and why */
		if (st.loss_seen == PINWATCH_LOSS_AT_LEAST)
			fputs(" lost_is=at-least(inferred:no-kernel-seqno)", f);
		fputc('\n', f);
	}
	fflush(f);
}

/* An option_handler (options.h): the session's options, the service's,
 * then count's own. */
static int count_option(void *arg, int opt, const char *val)
{
	struct count *c = arg;
	struct count_service *svc = &c->svc;
	int ret = session_option(&c->s, opt, val);

	if (ret != OPTION_NOT_MINE)
		return ret;
	switch (opt) {
	case 'n':
		if (parse_u64(val, 1, UINT64_MAX, &c->pulses) < 0)
			return usage_error(c->cmd, "bad number of pulses '%s'", val);
		return 0;
	case 'j':
		c->json = 1;
		return 0;
	case 'i':
		if (parse_duration(val, &svc->interval_ns) < 0 || !svc->interval_ns)
			return duration_error(c->cmd, "interval", val);
		svc->lines = 1;
		return 0;
	case 's':
		svc->state_path = val;
		return 0;
	case 'S':
		svc->show = 1;
		return 0;
	case 'o':
		svc->output_path = val;
		return 0;
	case 'I':
		if (parse_duration(val, &svc->idle_ns) < 0 || !svc->idle_ns)
			return duration_error(c->cmd, "idle timeout", val);
		return 0;
	case 'x':
		svc->idle_exit = 1;
		return 0;
	default:
		return OPTION_NOT_MINE;
	}
}

static int check_service_options(struct count *c)
{
	struct count_service *svc = &c->svc;

	if (svc->show && !svc->state_path)
		return usage_error(c->cmd, "--show needs --state FILE");
	if (svc->idle_exit && !svc->idle_ns)
		return usage_error(c->cmd, "--idle-exit needs --idle-timeout");
	if (svc->state_path && !svc->interval_ns)
		svc->interval_ns = COUNT_DEFAULT_CHECKPOINT_NS;
	return 0;
}

/* The generator count asks for: --pulses N, --wire OUT, --pulse.  0 or
 * a usage error's status. */
static int count_stimulus(struct count *c)
{
	struct stim *stim = &c->s.stim;

	if (stim->wire_out && !stim->have_pulse && !c->pulses)
		return usage_error(c->cmd, "--wire needs --pulse or --pulses to drive OUT");
	/* The field setup: --wire OUT --pulses N plays N pulses on OUT. */
	if (stim->wire_out && !stim->have_pulse) {
		stim->pulse.period_ns = 1000000000u / STIM_DEFAULT_HZ;
		stim->pulse.high_ns = stim->pulse.period_ns / 2;
		stim->have_pulse = 1;
	}
	/* With a generator, --pulses is its count and its end is the end;
	 * without one, the count reached is. */
	if (stim->have_pulse && stim->pulse.count && c->pulses)
		return usage_error(c->cmd, "give the generator's count once: --pulses N or --pulse ...,count=N");
	if (stim->have_pulse && !stim->pulse.count)
		stim->pulse.count = c->pulses;
	if (stim->have_pulse)
		c->pulses = 0;
	return 0;
}

/* stdout, or --output FILE opened for appending. */
static int open_output(struct count *c)
{
	c->out = stdout;
	if (!c->svc.output_path)
		return 0;
	c->out = fopen(c->svc.output_path, "ae");
	if (!c->out) {
		c->out = stdout;
		return runtime_error(c->cmd, "open %s: %s", c->svc.output_path, strerror(errno));
	}
	return 0;
}

static int close_output(struct count *c, int ret)
{
	if (c->out && c->out != stdout && fclose(c->out) == EOF && !ret)
		ret = runtime_error(c->cmd, "write %s: %s", c->svc.output_path, strerror(errno));
	c->out = stdout;
	return ret;
}

int cmd_count(struct tool_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "pulses", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "interval", required_argument, NULL, 'i' },
		{ "state", required_argument, NULL, 's' },
		{ "show", no_argument, NULL, 'S' },
		{ "output", required_argument, NULL, 'o' },
		{ "idle-timeout", required_argument, NULL, 'I' },
		{ "idle-exit", no_argument, NULL, 'x' },
		SESSION_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	/* count takes SIGHUP as "re-open your files" and SIGUSR1 as "print
	 * the totals": neither ends it (count_signal). */
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGUSR1 };
	struct count c = { .cmd = ctx->cmd, .out = stdout, .svc = { .lock_fd = -1 } };
	struct session *s = &c.s;
	int ret;

	session_init(s, ctx->cmd);
	s->wcfg.event_buffer = COUNT_EVENT_BUFFER;
	s->sigs = sigs;
	s->nsigs = sizeof(sigs) / sizeof(sigs[0]);
	ret = parse_options(ctx, help, "n:ji:s:So:I:x" SESSION_OPTSTRING, longopts,
			    count_option, &c);
	if (ret >= 0)
		return ret;
	if ((ret = check_service_options(&c)))
		return ret;
	c.npins = (size_t)(ctx->argc - optind);
	if (c.svc.show) {
		if (c.npins)
			return usage_error(ctx->cmd, "--show takes no PIN");
		ret = count_show(&c);
		return finish_output(ctx->cmd, ret);
	}
	if ((ret = session_pins(s, ctx)) || (ret = count_stimulus(&c)))
		goto out;
	c.edges = s->wcfg.edges;
	s->wcfg.idle_ns = c.svc.idle_ns;
	c.pins = calloc(c.npins, sizeof(*c.pins));
	if (!c.pins) {
		ret = runtime_error(ctx->cmd, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < c.npins; i++)
		c.pins[i].name = s->pins[i].name;
	/* Before the board: the output to report on, the state to resume. */
	if ((ret = open_output(&c)) || (ret = count_resume(&c)))
		goto out;
	ret = session_open(s);
	c.b = s->board;
	c.w = s->watcher;
	if (ret)
		goto out;
	for (size_t i = 0; i < c.npins; i++) {
		c.pins[i].pin = s->pins[i].pin;
		c.pins[i].id = s->pins[i].id;
	}
	/* Counting from here: the gap since the last run ends now, and the
	 * time the totals cover starts (a sim generator plays from here);
	 * the first checkpoint's fsyncs come after, edges counted meanwhile. */
	c.loop = &s->loop;
	count_arm_service(&c);
	if ((ret = session_start(s)) || (ret = count_start_service(&c)))
		goto out;

	c.live = !c.json && !c.svc.output_path && isatty(STDOUT_FILENO);
	c.last_tick = now_ns();
	s->loop.done = count_done;
	s->loop.arg = &c;
	s->loop.tick_ms = c.live ? TICK_MS : 0;
	s->loop.tick = tick;
	s->loop.interval_ns = c.svc.interval_ns;
	s->loop.interval = count_interval;
	s->loop.signal = count_signal;
	enum loop_end end = session_run(s);
	if (end == LOOP_ERROR)
		ret = library_error(ctx->cmd);
	uint64_t elapsed = s->loop.end_ns - s->loop.start_ns;
	int saved = count_stop_service(&c, elapsed);
	count_print(&c, elapsed, 0, 0);
	if (!ret)
		ret = saved;
	if (!ret && c.error) {
		for (size_t i = 0; i < c.npins; i++) {
			struct pinwatch_watch_stats st;
			if (pinwatch_watch_stats(c.w, c.pins[i].id, &st) == 0 && st.error)
				fprintf(stderr, "pinwatch count: %s: watch disabled: %s\n",
					c.pins[i].name, strerror(-st.error));
		}
		ret = EXIT_RUNTIME;
	}
	if (!ret && c.svc.idle_hit)
		ret = EXIT_IDLE;
out:
	session_close(s);
	free(c.pins);
	count_close_service(&c);
	ret = close_output(&c, ret);
	return finish_output(ctx->cmd, ret);
}
