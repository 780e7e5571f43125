/* SPDX-License-Identifier: MIT */
/*
 * pinwatch mon PIN...: print edges as they arrive, like gpiomon.  The
 * watcher is driven from this thread's poll loop (loop.c), so a callback
 * never races with the signal that ends the command.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "loop.h"
#include "stim.h"

#define DEFAULT_FORMAT "%t %p %e %v"
/* with a generator: room for bursts between two dispatches */
#define GEN_EVENT_BUFFER 1024

static const char help[] =
	"Usage: pinwatch [-b SPEC] mon [OPTIONS] PIN...\n"
	"\n"
	"Print the pins' edges as they arrive, one line each, flushed line by\n"
	"line.  Ends on SIGINT/SIGTERM (Ctrl-C)/SIGHUP, after --num-events, after\n"
	"--duration, or when every --pulse generator has finished; then prints\n"
	"a summary per pin on stderr and exits 0.\n"
	"\n"
	"Options:\n"
	"  -b, --board SPEC       the board (default: $PINWATCH_BOARD, else auto)\n"
	"  -e, --edge EDGE        rising, falling or both (default both)\n"
	"  -n, --num-events N     end after N events (all pins together)\n"
	"  -t, --duration D       end after D (e.g. 10s, 500ms; bare number: ms)\n"
	"  -d, --debounce D       ignore edges within D of the last accepted one\n"
	"  -F, --format FMT       print each event as FMT (default \"" DEFAULT_FORMAT "\"):\n"
	"                         %p pin  %e edge  %v value  %t time (s.ns)\n"
	"                         %T time (ns)  %s seqno  %l lost before it\n"
	"                         %% percent  \\n newline  \\t tab\n"
	"  -j, --json             one JSON object per event and line: pin, edge,\n"
	"                         value, timestamp_ns, seqno, lost\n"
	"  -l, --active-low       the pins are active-low\n"
	"  -B, --bias BIAS        as-is, disabled, pull-up or pull-down\n"
	"  -E, --event-buffer N   kernel/sim event buffer per pin (events)\n"
	"  -q, --quiet            no summary\n"
	"  -h, --help             this help\n"
	"Simulator only:\n"
	"  -w, --wire OUT         jumper OUT onto every pin; --pulse drives OUT\n"
	"  -p, --pulse FREQ[,duty=PCT][,count=N][,jitter=D][,bounce=N[@W]]\n"
	"                         [,phase=D][,seed=N]\n"
	"                         a pulse generator (on OUT, or on each pin)\n";

struct mon;

struct mon_pin {
	struct mon *m;
	const char *name;
	pinwatch_pin *pin;
	pinwatch_watch_id id;
	int error;               /* -errno of the fault that disabled the watch */
};

struct mon {
	const char *cmd;
	const char *format;
	int json;
	uint64_t limit, seen;
	int stop;
	int write_errno;         /* 0, or why stdout failed */
	size_t npins, dead;
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
	if (m->json) {
		print_json(mp->name, ev);
	} else {
		format_event(stdout, m->format, mp->name, ev);
		putchar('\n');
	}
	/* line-buffered by hand: the flush's result tells a closed pipe */
	if (fflush(stdout) != 0) {
		m->write_errno = errno ? errno : EIO;
		m->stop = 1;
		return;
	}
	if (ev->edge == PINWATCH_EVENT_ERROR) {
		mp->error = ev->value;
		fprintf(stderr, "pinwatch mon: %s: watch disabled: %s\n", mp->name,
			strerror(-ev->value));
		if (++m->dead == m->npins)
			m->stop = 1;
		return;
	}
	if (m->limit && ++m->seen >= m->limit)
		m->stop = 1;
}

static int mon_done(void *arg)
{
	return ((struct mon *)arg)->stop;
}

static void summary(struct mon *m, pinwatch_watcher *w, struct mon_pin *pins)
{
	for (size_t i = 0; i < m->npins; i++) {
		struct pinwatch_watch_stats st;
		if (pinwatch_watch_stats(w, pins[i].id, &st) < 0)
			continue;
		fprintf(stderr, "%s: %llu events (%llu rising, %llu falling), %s%llu lost",
			pins[i].name, (unsigned long long)st.delivered,
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

int cmd_mon(struct tool_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "board", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ "edge", required_argument, NULL, 'e' },
		{ "num-events", required_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, 't' },
		{ "debounce", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'F' },
		{ "json", no_argument, NULL, 'j' },
		{ "active-low", no_argument, NULL, 'l' },
		{ "bias", required_argument, NULL, 'B' },
		{ "event-buffer", required_argument, NULL, 'E' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "wire", required_argument, NULL, 'w' },
		{ "pulse", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct mon m = { .cmd = ctx->cmd, .format = DEFAULT_FORMAT };
	struct pinwatch_pin_config pcfg = { .direction = PINWATCH_DIR_INPUT };
	struct pinwatch_watch_config wcfg = { .edges = PINWATCH_EDGE_BOTH, .callback = on_event };
	struct stim stim = { 0 };
	struct loop loop = { 0 };
	struct mon_pin *pins = NULL;
	pinwatch_board *b = NULL;
	pinwatch_watcher *w = NULL;
	const char *bad;
	uint64_t v;
	int opt, done = -1, ret, quiet = 0, sigfd = -1, have_format = 0;

	while ((opt = getopt_long(ctx->argc, ctx->argv, ":b:he:n:t:d:F:jlB:E:qw:p:",
				  longopts, NULL)) != -1) {
		if (common_option(opt, optarg, help, &ctx->spec, &done)) {
			if (done >= 0)
				return done;
			continue;
		}
		switch (opt) {
		case 'e':
			wcfg.edges = parse_edge(optarg);
			if (wcfg.edges < 0)
				return usage_error(ctx->cmd, "bad edge '%s': rising, falling or both", optarg);
			break;
		case 'n':
			if (parse_u64(optarg, 1, UINT64_MAX, &m.limit) < 0)
				return usage_error(ctx->cmd, "bad number of events '%s'", optarg);
			break;
		case 't':
			if (parse_duration(optarg, &loop.duration_ns) < 0 || !loop.duration_ns)
				return usage_error(ctx->cmd, "bad duration '%s' (e.g. 500ms, 2s)", optarg);
			break;
		case 'd':
			if (parse_duration(optarg, &wcfg.debounce_ns) < 0)
				return usage_error(ctx->cmd, "bad debounce '%s' (e.g. 10ms, 200us)", optarg);
			break;
		case 'F':
			if (format_check(optarg, &bad) < 0)
				return usage_error(ctx->cmd, "bad format: '%.2s' is not a token (%%p %%e %%v %%t %%T %%s %%l %%%% \\n \\t \\\\)", bad);
			m.format = optarg;
			have_format = 1;
			break;
		case 'j':
			m.json = 1;
			break;
		case 'l':
			pcfg.active_low = 1;
			break;
		case 'B':
			pcfg.bias = parse_bias(optarg);
			if (pcfg.bias < 0)
				return usage_error(ctx->cmd, "bad bias '%s': as-is, disabled, pull-up or pull-down", optarg);
			break;
		case 'E':
			if (parse_u64(optarg, 1, 65536, &v) < 0)
				return usage_error(ctx->cmd, "bad event buffer '%s': 1 to 65536 events", optarg);
			wcfg.event_buffer = (unsigned)v;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'w':
			stim.wire_out = optarg;
			break;
		case 'p':
			if ((ret = stim_parse_pulse(ctx->cmd, optarg, &stim.pulse)))
				return ret;
			stim.have_pulse = 1;
			break;
		default:
			return option_error(ctx->cmd, opt, ctx->argv);
		}
	}
	m.npins = (size_t)(ctx->argc - optind);
	if (!m.npins)
		return usage_error(ctx->cmd, "missing PIN");
	if (m.json && have_format)
		return usage_error(ctx->cmd, "--json and --format exclude each other");
	if (stim.wire_out && !stim.have_pulse)
		return usage_error(ctx->cmd, "--wire needs --pulse to drive OUT");
	if (stim.have_pulse && !wcfg.event_buffer)
		wcfg.event_buffer = GEN_EVENT_BUFFER;

	pins = calloc(m.npins, sizeof(*pins));
	if (!pins)
		return runtime_error(ctx->cmd, "out of memory");
	sigfd = signals_open();
	if (sigfd < 0) {
		ret = runtime_error(ctx->cmd, "signalfd: %s", strerror(-sigfd));
		goto out;
	}
	ret = open_board(ctx->cmd, ctx->spec, &b);
	if (ret)
		goto out;
	ret = stim_wire(ctx->cmd, b, &stim, ctx->argv + optind, m.npins);
	if (ret)
		goto out;
	if (pinwatch_watcher_new(&w) < 0) {
		ret = library_error(ctx->cmd);
		goto out;
	}
	for (size_t i = 0; i < m.npins; i++) {
		pins[i].m = &m;
		pins[i].name = ctx->argv[optind + (int)i];
		wcfg.ctx = &pins[i];
		if (pinwatch_pin_open(b, pins[i].name, &pcfg, &pins[i].pin) < 0 ||
		    pinwatch_watch_add(w, pins[i].pin, &wcfg, &pins[i].id) < 0) {
			ret = library_error(ctx->cmd);
			goto out;
		}
	}
	ret = stim_start(ctx->cmd, b, &stim, ctx->argv + optind, m.npins);
	if (ret)
		goto out;

	loop.board = b;
	loop.watcher = w;
	loop.sigfd = sigfd;
	loop.stim = &stim;
	loop.event_buffer = wcfg.event_buffer ? wcfg.event_buffer : 16;
	loop.done = mon_done;
	loop.arg = &m;
	enum loop_end end = loop_run(&loop);
	if (end == LOOP_ERROR)
		ret = library_error(ctx->cmd);
	else if (m.write_errno && m.write_errno != EPIPE)
		ret = runtime_error(ctx->cmd, "write: %s", strerror(m.write_errno));
	else if (!m.write_errno && m.dead == m.npins)
		ret = EXIT_RUNTIME;   /* every watch failed: said on stderr */
	if (!quiet)
		summary(&m, w, pins);
out:
	stim_stop(b, &stim);
	for (size_t i = 0; pins && i < m.npins; i++)
		pinwatch_pin_close(pins[i].pin);
	pinwatch_watcher_free(w);
	pinwatch_board_close(b);
	free(pins);
	if (sigfd >= 0)
		close(sigfd);
	return ret;
}
