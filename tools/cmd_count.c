/* SPDX-License-Identifier: MIT */
/*
 * pinwatch count PIN...: the pulse counter.  Counters-only watches (no
 * callback, no queue: no per-event work), read with pinwatch_watch_stats;
 * a live line on a terminal, a summary always.  On the simulator it also
 * plays the field setup: a pulse train on OUT jumpered to the counted pin.
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
	"edges; debounced= and error= appear when non-zero).  Ends on\n"
	"SIGINT/SIGTERM (Ctrl-C), after --duration, after --pulses, or when\n"
	"every generator has finished; exits 0.\n"
	"\n"
	"Options:\n"
	"  -b, --board SPEC       the board (default: $PINWATCH_BOARD, else auto)\n"
	"  -e, --edge EDGE        rising, falling or both (default both)\n"
	"  -t, --duration D       end after D (e.g. 10s, 500ms; bare number: ms)\n"
	"  -n, --pulses N         end when every pin has counted N pulses; with\n"
	"                         --wire or --pulse, the generator plays N pulses\n"
	"  -d, --debounce D       ignore edges within D of the last accepted one\n"
	"  -l, --active-low       the pins are active-low\n"
	"  -B, --bias BIAS        as-is, disabled, pull-up or pull-down\n"
	"  -E, --event-buffer N   kernel/sim event buffer per pin (default 65536\n"
	"                         where the backend has one)\n"
	"  -j, --json             the summary as one JSON object per pin and line\n"
	"  -h, --help             this help\n"
	"Simulator only:\n"
	"  -w, --wire OUT         jumper OUT onto every pin; the generator drives\n"
	"                         OUT (--pulses N alone: N pulses at 100 kHz)\n"
	"  -p, --pulse FREQ[,duty=PCT][,count=N][,jitter=D][,bounce=N[@W]]\n"
	"                         [,phase=D][,seed=N]\n"
	"                         a pulse generator (on OUT, or on each pin)\n";

struct count_pin {
	const char *name;
	pinwatch_pin *pin;
	pinwatch_watch_id id;
	uint64_t last_total;     /* for the live rate */
};

struct count {
	pinwatch_board *b;
	pinwatch_watcher *w;
	struct count_pin *pins;
	size_t npins;
	int edges;
	uint64_t pulses;         /* --pulses without a generator: the end */
	int error;               /* a watch was disabled */
	uint64_t last_tick;
};

static uint64_t total_of(const struct count *c, const struct pinwatch_watch_stats *st)
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
		if (total_of(c, &st) < c->pulses)
			reached = 0;
	}
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
		uint64_t total = total_of(c, &st);
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

static void summary(struct count *c, int json, uint64_t elapsed_ns, int live)
{
	int is_sim = !strcmp(pinwatch_board_backend(c->b), "sim");

	if (live)
		fputs("\r\033[K", stdout);
	for (size_t i = 0; i < c->npins; i++) {
		struct pinwatch_watch_stats st;
		struct pinwatch_sim_line_stats ss = { 0 };
		if (pinwatch_watch_stats(c->w, c->pins[i].id, &st) < 0)
			continue;
		int have_ss = is_sim && pinwatch_sim_line_stats(c->b, c->pins[i].name, &ss) == 0;
		uint64_t total = total_of(c, &st);
		double rate = elapsed_ns ? (double)total * 1e9 / (double)elapsed_ns : 0.0;
		if (json) {
			fputs("{\"pin\":", stdout);
			json_string(stdout, c->pins[i].name);
			printf(",\"total\":%llu,\"rising\":%llu,\"falling\":%llu,\"lost\":%llu,"
			       "\"debounced\":%llu,\"elapsed_ns\":%llu,\"rate\":%.1f",
			       (unsigned long long)total, (unsigned long long)st.rising,
			       (unsigned long long)st.falling, (unsigned long long)st.lost,
			       (unsigned long long)st.filtered, (unsigned long long)elapsed_ns, rate);
			if (have_ss)
				printf(",\"sim_dropped\":%llu", (unsigned long long)ss.dropped);
			if (st.error) {
				fputs(",\"error\":", stdout);
				json_string(stdout, strerror(-st.error));
			}
			fputs("}\n", stdout);
			continue;
		}
		printf("%s total=%llu rising=%llu falling=%llu lost=%llu elapsed=%llu.%09llus rate=%.1f/s",
		       c->pins[i].name, (unsigned long long)total,
		       (unsigned long long)st.rising, (unsigned long long)st.falling,
		       (unsigned long long)st.lost,
		       (unsigned long long)(elapsed_ns / 1000000000u),
		       (unsigned long long)(elapsed_ns % 1000000000u), rate);
		if (st.filtered)
			printf(" debounced=%llu", (unsigned long long)st.filtered);
		if (have_ss)
			printf(" sim_dropped=%llu", (unsigned long long)ss.dropped);
		if (st.error)
			printf(" error=\"%s\"", strerror(-st.error));
		putchar('\n');
	}
}

/* The buffer is asked for by default; a backend without a settable one
 * (sysfs, libgpiod 1.6) is fine with its own unless the user insisted. */
static int add_watch(struct count_pin *cp, pinwatch_watcher *w,
		     struct pinwatch_watch_config *wcfg, int explicit_buffer)
{
	int ret = pinwatch_watch_add(w, cp->pin, wcfg, &cp->id);

	if (ret == -EOPNOTSUPP && !explicit_buffer && wcfg->event_buffer) {
		wcfg->event_buffer = 0;
		ret = pinwatch_watch_add(w, cp->pin, wcfg, &cp->id);
	}
	return ret;
}

int cmd_count(struct tool_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "board", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ "edge", required_argument, NULL, 'e' },
		{ "duration", required_argument, NULL, 't' },
		{ "pulses", required_argument, NULL, 'n' },
		{ "debounce", required_argument, NULL, 'd' },
		{ "active-low", no_argument, NULL, 'l' },
		{ "bias", required_argument, NULL, 'B' },
		{ "event-buffer", required_argument, NULL, 'E' },
		{ "json", no_argument, NULL, 'j' },
		{ "wire", required_argument, NULL, 'w' },
		{ "pulse", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct count c = { .edges = PINWATCH_EDGE_BOTH };
	struct pinwatch_pin_config pcfg = { .direction = PINWATCH_DIR_INPUT };
	struct pinwatch_watch_config wcfg = { .event_buffer = COUNT_EVENT_BUFFER };
	struct stim stim = { 0 };
	struct loop loop = { 0 };
	uint64_t v;
	int opt, done = -1, ret, json = 0, sigfd = -1, explicit_buffer = 0;

	while ((opt = getopt_long(ctx->argc, ctx->argv, ":b:he:t:n:d:lB:E:jw:p:",
				  longopts, NULL)) != -1) {
		if (common_option(opt, optarg, help, &ctx->spec, &done)) {
			if (done >= 0)
				return done;
			continue;
		}
		switch (opt) {
		case 'e':
			c.edges = parse_edge(optarg);
			if (c.edges < 0)
				return usage_error(ctx->cmd, "bad edge '%s': rising, falling or both", optarg);
			break;
		case 't':
			if (parse_duration(optarg, &loop.duration_ns) < 0 || !loop.duration_ns)
				return usage_error(ctx->cmd, "bad duration '%s' (e.g. 10s, 500ms)", optarg);
			break;
		case 'n':
			if (parse_u64(optarg, 1, UINT64_MAX, &c.pulses) < 0)
				return usage_error(ctx->cmd, "bad number of pulses '%s'", optarg);
			break;
		case 'd':
			if (parse_duration(optarg, &wcfg.debounce_ns) < 0)
				return usage_error(ctx->cmd, "bad debounce '%s' (e.g. 10ms, 200us)", optarg);
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
			explicit_buffer = 1;
			break;
		case 'j':
			json = 1;
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
	c.npins = (size_t)(ctx->argc - optind);
	if (!c.npins)
		return usage_error(ctx->cmd, "missing PIN");
	if (stim.wire_out && !stim.have_pulse && !c.pulses)
		return usage_error(ctx->cmd, "--wire needs --pulse or --pulses to drive OUT");
	/* The field setup: --wire OUT --pulses N plays N pulses on OUT. */
	if (stim.wire_out && !stim.have_pulse) {
		stim.pulse.period_ns = 1000000000u / STIM_DEFAULT_HZ;
		stim.pulse.high_ns = stim.pulse.period_ns / 2;
		stim.have_pulse = 1;
	}
	/* With a generator, --pulses is its count and its end is the end;
	 * without one, the count reached is. */
	if (stim.have_pulse && stim.pulse.count && c.pulses)
		return usage_error(ctx->cmd, "give the generator's count once: --pulses N or --pulse ...,count=N");
	if (stim.have_pulse && !stim.pulse.count)
		stim.pulse.count = c.pulses;
	if (stim.have_pulse)
		c.pulses = 0;
	wcfg.edges = c.edges;

	c.pins = calloc(c.npins, sizeof(*c.pins));
	if (!c.pins)
		return runtime_error(ctx->cmd, "out of memory");
	sigfd = signals_open();
	if (sigfd < 0) {
		ret = runtime_error(ctx->cmd, "signalfd: %s", strerror(-sigfd));
		goto out;
	}
	ret = open_board(ctx->cmd, ctx->spec, &c.b);
	if (ret)
		goto out;
	ret = stim_wire(ctx->cmd, c.b, &stim, ctx->argv + optind, c.npins);
	if (ret)
		goto out;
	if (pinwatch_watcher_new(&c.w) < 0) {
		ret = library_error(ctx->cmd);
		goto out;
	}
	for (size_t i = 0; i < c.npins; i++) {
		c.pins[i].name = ctx->argv[optind + (int)i];
		if (pinwatch_pin_open(c.b, c.pins[i].name, &pcfg, &c.pins[i].pin) < 0 ||
		    add_watch(&c.pins[i], c.w, &wcfg, explicit_buffer) < 0) {
			ret = library_error(ctx->cmd);
			goto out;
		}
	}
	ret = stim_start(ctx->cmd, c.b, &stim, ctx->argv + optind, c.npins);
	if (ret)
		goto out;

	int live = !json && isatty(STDOUT_FILENO);
	c.last_tick = now_ns();
	loop.board = c.b;
	loop.watcher = c.w;
	loop.sigfd = sigfd;
	loop.stim = &stim;
	loop.event_buffer = wcfg.event_buffer ? wcfg.event_buffer : 16;
	loop.done = count_done;
	loop.arg = &c;
	loop.tick_ms = live ? TICK_MS : 0;
	loop.tick = tick;
	enum loop_end end = loop_run(&loop);
	if (end == LOOP_ERROR)
		ret = library_error(ctx->cmd);
	summary(&c, json, loop.end_ns - loop.start_ns, live);
	if (!ret && c.error) {
		for (size_t i = 0; i < c.npins; i++) {
			struct pinwatch_watch_stats st;
			if (pinwatch_watch_stats(c.w, c.pins[i].id, &st) == 0 && st.error)
				fprintf(stderr, "pinwatch count: %s: watch disabled: %s\n",
					c.pins[i].name, strerror(-st.error));
		}
		ret = EXIT_RUNTIME;
	}
out:
	stim_stop(c.b, &stim);
	for (size_t i = 0; i < c.npins; i++)
		pinwatch_pin_close(c.pins[i].pin);
	pinwatch_watcher_free(c.w);
	pinwatch_board_close(c.b);
	free(c.pins);
	if (sigfd >= 0)
		close(sigfd);
	return finish_output(ctx->cmd, ret);
}
