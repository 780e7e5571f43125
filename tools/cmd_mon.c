/* SPDX-License-Identifier: MIT */
/*
 * pinwatch mon PIN...: print edges as they arrive, like gpiomon.  The
 * watcher is driven from this thread's poll loop (loop.c), so a callback
 * never races with the signal that ends the command.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "options.h"
#include "session.h"

#define DEFAULT_FORMAT "%t %p %e %v"
/* Room for a burst while mon prints (the kernel's default is 16 events a
 * line; 1024 is its most for one request): where the backend cannot set
 * it, the session falls back to the default. */
#define MON_EVENT_BUFFER 1024

static const char help[] =
	"Usage: pinwatch [-b SPEC] mon [OPTIONS] PIN...\n"
	"\n"
	"Print the pins' edges, one line each (several pins: one line group, in\n"
	"timestamp order across them).  Ends on SIGINT/SIGTERM (Ctrl-C)/SIGHUP,\n"
	"after --num-events, after --duration, after --idle-timeout, or when every\n"
	"--pulse generator has finished; then prints a summary on stderr and\n"
	"exits 0.\n"
	"\n"
	"Options:\n"
	PIN_HELP
	"  -e, --edges EDGE        rising, falling or both (default both)\n"
	"  -n, --num-events N      end after N events (all pins together)\n"
	"  -t, --duration D        end after D (e.g. 500ms, 2s; bare number: ms)\n"
	"      --idle-timeout D    end when no pin had an edge for D\n"
	"  -p, --debounce-period D ignore edges within D of the last accepted one\n"
	"                          (also -d, --debounce)\n"
	"  -F, --format FMT        print each event as FMT (default \"" DEFAULT_FORMAT "\"):\n"
	"                          %p pin  %c chip  %o offset  %e or %E edge\n"
	"                          %v value  %t time  %S seconds.ns  %U UTC\n"
	"                          %L local time  %T time (ns)  %s seqno\n"
	"                          %l lost before it  %% percent  \\n  \\t\n"
	"  -j, --json              one JSON object per event and line: pin, edge,\n"
	"                          value, timestamp_ns, seqno, lost\n"
	"      --utc, --localtime  %t as a date and time, UTC or local\n"
	"      --banner            say which lines are monitored, first\n"
	"      --event-buffer N    kernel/sim event buffer per pin (events; default\n"
	"                          1024 where it can be set)\n"
	"  -E, --event-clock C     monotonic (default), realtime or hte\n"
	"  -q, --quiet             no output but errors (no events, no summary)\n"
	"      --no-summary        the events, without the summary\n"
	"  -h, --help              this help\n"
	STIM_HELP;

struct mon;

struct mon_pin {
	struct mon *m;
	struct event_line line;  /* what the format tokens name */
	int error;               /* -errno of the fault that disabled the watch */
	int idle;                /* --idle-timeout: quiet since its last edge */
};

struct mon {
	struct session s;
	const char *cmd;
	const char *format;
	int json, have_format;
	uint64_t limit, seen;
	int stop;
	int write_errno;         /* 0, or why stdout failed */
	size_t npins, dead;
	int quiet;               /* -q: no output but errors */
	int no_summary;          /* --no-summary */
	int banner;
	enum time_format tf;     /* --utc, --localtime */
	size_t nidle;            /* pins quiet for --idle-timeout */
	struct mon_pin *pins;
};

static void print_json(const char *pin, const struct pinwatch_event *ev)
{
	fputs("{\"pin\":", stdout);
	json_string(stdout, pin);
	printf(",\"edge\":\"%s\",\"value\":%d,\"timestamp_ns\":%llu,\"seqno\":%llu,\"lost\":%llu}\n",
	       edge_name(ev->edge), ev->value, (unsigned long long)ev->timestamp_ns,
	       (unsigned long long)ev->seqno, (unsigned long long)ev->lost);
}

static void on_event(const struct pinwatch_event *ev, void *arg)
{
	struct mon_pin *mp = arg;
	struct mon *m = mp->m;

	/* one dispatch may carry more than --num-events asked for */
	if (m->stop)
		return;
	/* --idle-timeout ends mon when every pin has been quiet that long
	 * since its last edge, that is when no pin had an edge for it */
	if (ev->edge == PINWATCH_EVENT_IDLE) {
		if (!mp->idle++ && ++m->nidle == m->npins)
			m->stop = 1;
		return;
	}
	if (mp->idle) {
		mp->idle = 0;
		m->nidle--;
	}
	if (m->quiet)
		;
	else if (m->json)
		print_json(mp->line.pin, ev);
	else {
		format_event(stdout, m->format, &mp->line, ev, m->tf);
		putchar('\n');
	}
	if (ev->edge == PINWATCH_EVENT_ERROR) {
		mp->error = ev->value;
		fprintf(stderr, "pinwatch mon: %s: watch disabled: %s\n", mp->line.pin,
			strerror(-ev->value));
		if (++m->dead == m->npins)
			m->stop = 1;
		return;
	}
	if (m->limit && ++m->seen >= m->limit)
		m->stop = 1;
}

/* Several pins: one group watch, its events in time order across them;
 * ev->pin says whose. */
static void on_group_event(const struct pinwatch_event *ev, void *arg)
{
	struct mon *m = arg;

	for (size_t i = 0; i < m->npins; i++)
		if (m->s.pins[i].pin == ev->pin) {
			on_event(ev, &m->pins[i]);
			return;
		}
	if (ev->edge == PINWATCH_EVENT_ERROR)   /* the group's own fault */
		on_event(ev, &m->pins[0]);
}

/* The loop asks before each wait and dispatch: so the output is flushed
 * once per batch of events (not per event: a write each), before mon
 * sleeps -- line-buffered by hand, and the flush's result tells a closed
 * pipe. */
static int mon_done(void *arg)
{
	struct mon *m = arg;

	if (!m->write_errno && fflush(stdout) != 0) {
		m->write_errno = errno ? errno : EIO;
		m->stop = 1;
	}
	return m->stop;
}

/* One line per watch: per pin, or for the group of them all. */
static void summary(const struct session *s)
{
	for (size_t i = 0; i < s->npins; i++) {
		struct pinwatch_watch_stats st;
		if (s->group && i > 0)
			break;
		if (pinwatch_watch_stats(s->watcher, s->pins[i].id, &st) < 0)
			continue;
		if (s->group)
			for (size_t k = 0; k < s->npins; k++)
				fprintf(stderr, "%s%s", k ? " " : "", s->pins[k].name);
		else
			fputs(s->pins[i].name, stderr);
		fprintf(stderr, ": %llu events (%llu rising, %llu falling), %s%llu lost",
			(unsigned long long)st.delivered,
			(unsigned long long)st.rising, (unsigned long long)st.falling,
			st.loss_seen == PINWATCH_LOSS_AT_LEAST ? "at least " : "",
			(unsigned long long)st.lost);
		if (st.loss_seen == PINWATCH_LOSS_AT_LEAST)
			fputs(" (inferred: this backend has no kernel sequence numbers)", stderr);
		if (st.filtered)
			fprintf(stderr, ", %llu debounced", (unsigned long long)st.filtered);
		if (st.error)
			fprintf(stderr, ", error: %s", strerror(-st.error));
		fputc('\n', stderr);
	}
}

/* An option_handler (options.h): the session's options, then mon's own. */
static int mon_option(void *arg, int opt, const char *val)
{
	struct mon *m = arg;
	const char *bad;
	int ret = session_option(&m->s, opt, val);

	if (ret != OPTION_NOT_MINE)
		return ret;
	switch (opt) {
	case 'n':
		if (parse_u64(val, 1, UINT64_MAX, &m->limit) < 0)
			return usage_error(m->cmd, "bad number of events '%s'", val);
		return 0;
	case 'F':
		if (format_check(val, &bad) < 0)
			return usage_error(m->cmd, "bad format: '%.2s' is not a token (%%p %%c %%o %%e %%E %%v %%t %%S %%U %%L %%T %%s %%l %%%% \\n \\t \\\\)", bad);
		m->format = val;
		m->have_format = 1;
		return 0;
	case 'j':
		m->json = 1;
		return 0;
	case 'q':
		m->quiet = 1;
		return 0;
	case OPT_NO_SUMMARY:
		m->no_summary = 1;
		return 0;
	case OPT_BANNER:
		m->banner = 1;
		return 0;
	case OPT_UTC:
	case OPT_LOCALTIME:
		if (m->tf && m->tf != (opt == OPT_UTC ? TS_UTC : TS_LOCAL))
			return usage_error(m->cmd, "--utc and --localtime exclude each other");
		m->tf = opt == OPT_UTC ? TS_UTC : TS_LOCAL;
		return 0;
	case OPT_IDLE_TIMEOUT:
		if (parse_duration(val, &m->s.wcfg.idle_ns) < 0 || !m->s.wcfg.idle_ns)
			return duration_error(m->cmd, "idle timeout", val);
		return 0;
	default:
		return OPTION_NOT_MINE;
	}
}

int cmd_mon(struct tool_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "num-events", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'F' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "silent", no_argument, NULL, 'q' },
		{ "no-summary", no_argument, NULL, OPT_NO_SUMMARY },
		{ "banner", no_argument, NULL, OPT_BANNER },
		{ "utc", no_argument, NULL, OPT_UTC },
		{ "localtime", no_argument, NULL, OPT_LOCALTIME },
		{ "idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT },
		SESSION_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct mon m = { .cmd = ctx->cmd, .format = DEFAULT_FORMAT };
	struct session *s = &m.s;
	int ret;

	session_init(s, ctx->cmd);
	s->wcfg.callback = on_event;
	s->group_callback = on_group_event;
	s->group_ctx = &m;
	ret = parse_options(ctx, help, "n:F:jq" SESSION_OPTSTRING, longopts, mon_option, &m);
	if (ret >= 0)
		return ret;
	if ((ret = session_pins(s, ctx)))
		return ret;
	if (m.json && m.have_format) {
		ret = usage_error(ctx->cmd, "--json and --format exclude each other");
		goto out;
	}
	if (s->stim.wire_out && !s->stim.have_pulse) {
		ret = usage_error(ctx->cmd, "--wire needs --pulse to drive OUT");
		goto out;
	}
	if (!s->wcfg.event_buffer)
		s->wcfg.event_buffer = MON_EVENT_BUFFER;
	m.npins = s->npins;
	m.pins = calloc(m.npins, sizeof(*m.pins));
	if (!m.pins) {
		ret = runtime_error(ctx->cmd, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < m.npins; i++) {
		m.pins[i] = (struct mon_pin){ .m = &m, .line = { .pin = s->pins[i].name } };
		s->pins[i].ctx = &m.pins[i];
	}
	if ((ret = session_open(s)))
		goto out;
	for (size_t i = 0; i < m.npins; i++) {
		m.pins[i].line.chip = s->pins[i].chip;
		m.pins[i].line.offset = s->pins[i].offset;
	}
	if (m.banner && !m.quiet)
		print_banner("Monitoring", s->names, s->npins);
	if ((ret = session_start(s)))
		goto out;

	s->loop.done = mon_done;
	s->loop.arg = &m;
	enum loop_end end = session_run(s);
	if (end == LOOP_ERROR)
		ret = library_error(ctx->cmd);
	else if (m.write_errno && m.write_errno != EPIPE)
		ret = runtime_error(ctx->cmd, "write: %s", strerror(m.write_errno));
	else if (!m.write_errno && m.dead == m.npins)
		ret = EXIT_RUNTIME;   /* every watch failed: said on stderr */
	if (!m.quiet && !m.no_summary)
		summary(s);
out:
	session_close(s);
	free(m.pins);
	return ret;
}
