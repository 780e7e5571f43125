/* SPDX-License-Identifier: MIT */
/*
 * pinwatch notify PIN...: print changes of the lines' info -- requested,
 * released, reconfigured, by whom -- like libgpiod 2's gpionotify, whoever
 * holds the lines.  The watcher is driven from this thread's poll loop
 * (loop.c), as mon's is.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "loop.h"
#include "options.h"

#define DEFAULT_FORMAT "%t %p %e \"%C\""
#define TOKENS "%%p %%e %%C %%l %%o %%c %%t %%T %%s %%%% \\n \\t \\\\"

static const char help[] =
	"Usage: pinwatch [-b SPEC] notify [OPTIONS] PIN...\n"
	"\n"
	"Print changes of the pins' line info as they happen -- requested,\n"
	"released, reconfigured, and by whom -- whether or not this process or\n"
	"any other holds the lines (like gpionotify).  Ends on SIGINT/SIGTERM/\n"
	"SIGHUP, after --num-events, after --duration or --idle-timeout; exits 0.\n"
	"chardev (Linux 5.7 and later) and sim boards; sysfs cannot.\n"
	"\n"
	"Options:\n"
	"  -b, --board SPEC       the board (default: $PINWATCH_BOARD, else auto)\n"
	"  -e, --event KIND[,KIND...]  only requested, released, reconfigured\n"
	"                         (default all)\n"
	"  -n, --num-events N     end after N events (all pins together)\n"
	"  -t, --duration D       end after D (e.g. 10s, 500ms; bare number: ms)\n"
	"  -i, --idle-timeout D   end when no event came for D\n"
	"  -F, --format FMT       print each event as FMT (default '" DEFAULT_FORMAT "'):\n"
	"                         %p pin  %e event (requested...)  %C consumer\n"
	"                         %l line name  %o offset  %c bank label\n"
	"                         %t time (s.ns, monotonic)  %T time (ns)  %s seqno\n"
	"                         %% percent  \\n newline  \\t tab\n"
	"  -q, --quiet            print nothing but errors (-n N then just waits)\n"
	"      --banner           say on stderr when the watches are in place\n"
	"  -h, --help             this help\n";

struct notify;

struct notify_pin {
	struct notify *n;
	const char *name;
	pinwatch_watch_id id;
};

struct notify {
	const char *format;
	unsigned kinds;          /* 1u << enum pinwatch_info_kind */
	int quiet;
	uint64_t limit, seen, seen_in_period;
	int stop;
	int write_errno;
	int error;               /* a watch was disabled */
	int banner;
	uint64_t idle_ns;        /* --idle-timeout */
	struct loop *loop;
	const char *cmd;
};

static int parse_kind(const char *s)
{
	for (int k = PINWATCH_INFO_REQUESTED; k <= PINWATCH_INFO_RECONFIGURED; k++)
		if (!strcmp(s, pinwatch_info_kind_name(k)))
			return k;
	return -1;
}

static void print_event(const char *fmt, const char *pin, const struct pinwatch_event *ev)
{
	const struct pinwatch_line_info *li = ev->info;
	char ts[32];

	for (const char *s = fmt; *s; s++) {
		if (*s == '\\') {
			s++;
			putchar(*s == 'n' ? '\n' : *s == 't' ? '\t' : '\\');
			continue;
		}
		if (*s != '%') {
			putchar(*s);
			continue;
		}
		switch (*++s) {
		case 'p': fputs(pin, stdout); break;
		case 'e': fputs(pinwatch_info_kind_name(ev->value), stdout); break;
		case 'C': fputs(li->consumer, stdout); break;
		case 'l': fputs(li->name, stdout); break;
		case 'o': printf("%u", li->offset); break;
		case 'c': fputs(li->bank_label, stdout); break;
		case 't':
			format_timestamp(ts, sizeof(ts), ev->timestamp_ns, TS_SECONDS);
			fputs(ts, stdout);
			break;
		case 'T': printf("%llu", (unsigned long long)ev->timestamp_ns); break;
		case 's': printf("%llu", (unsigned long long)ev->seqno); break;
		default: putchar('%'); break;
		}
	}
	putchar('\n');
}

static void on_event(const struct pinwatch_event *ev, void *arg)
{
	struct notify_pin *np = arg;
	struct notify *n = np->n;

	if (n->stop)
		return;
	if (ev->edge == PINWATCH_EVENT_ERROR) {
		fprintf(stderr, "pinwatch notify: %s: watch disabled: %s\n", np->name,
			strerror(-ev->value));
		n->error = 1;
		n->stop = 1;
		return;
	}
	if (ev->edge != PINWATCH_EVENT_INFO || !ev->info || !(n->kinds & (1u << ev->value)))
		return;
	n->seen_in_period++;
	if (!n->quiet) {
		print_event(n->format, np->name, ev);
		if (fflush(stdout) != 0) {
			n->write_errno = errno ? errno : EIO;
			n->stop = 1;
			return;
		}
	}
	if (n->limit && ++n->seen >= n->limit)
		n->stop = 1;
}

/* An option_handler (options.h). */
static int notify_option(void *arg, int opt, const char *val)
{
	struct notify *n = arg;
	const char *bad;
	char kind[32];

	switch (opt) {
	case 'e':
		/* Every item is a kind: "" and a trailing comma are refused (""
		 * would leave the list empty, which meant all). */
		for (const char *p = val; list_item(&p, kind, sizeof(kind)) >= 0;) {
			int k = parse_kind(kind);
			if (k < 0)
				return usage_error(n->cmd, "bad event '%s': requested, released or reconfigured (a comma-separated list)", kind);
			n->kinds |= 1u << k;
		}
		return 0;
	case 'n':
		if (parse_u64(val, 1, UINT64_MAX, &n->limit) < 0)
			return usage_error(n->cmd, "bad number of events '%s'", val);
		return 0;
	case 't':
		if (parse_duration(val, &n->loop->duration_ns) < 0 || !n->loop->duration_ns)
			return duration_error(n->cmd, "duration", val);
		return 0;
	case 'i':
		if (parse_duration(val, &n->idle_ns) < 0 || !n->idle_ns)
			return duration_error(n->cmd, "idle timeout", val);
		return 0;
	case 'F':
		if (format_check_tokens(val, "peClocTs%", &bad) < 0)
			return usage_error(n->cmd, "bad format: '%.2s' is not a token (" TOKENS ")", bad);
		n->format = val;
		return 0;
	case 'q':
		n->quiet = 1;
		return 0;
	case OPT_BANNER:
		n->banner = 1;
		return 0;
	default:
		return OPTION_NOT_MINE;
	}
}

static int notify_done(void *arg)
{
	return ((struct notify *)arg)->stop;
}

int cmd_notify(struct tool_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "event", required_argument, NULL, 'e' },
		{ "num-events", required_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, 't' },
		{ "idle-timeout", required_argument, NULL, 'i' },
		{ "format", required_argument, NULL, 'F' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "banner", no_argument, NULL, OPT_BANNER },
		{ NULL, 0, NULL, 0 },
	};
	struct loop loop = { 0 };
	struct notify n = { .format = DEFAULT_FORMAT, .loop = &loop, .cmd = ctx->cmd };
	struct pinwatch_watch_config wcfg = { .callback = on_event };
	struct notify_pin *pins = NULL;
	pinwatch_board *b = NULL;
	pinwatch_watcher *w = NULL;
	size_t npins;
	int ret, sigfd = -1;

	ret = parse_options(ctx, help, "e:n:t:i:F:q", longopts, notify_option, &n);
	if (ret >= 0)
		return ret;
	uint64_t idle_ns = n.idle_ns;
	int banner = n.banner;
	ret = EXIT_OK;
	if (!n.kinds)
		n.kinds = ~0u;
	npins = (size_t)(ctx->argc - optind);
	if (!npins)
		return usage_error(ctx->cmd, "missing PIN");
	if (idle_ns && loop.duration_ns)
		return usage_error(ctx->cmd, "--duration and --idle-timeout exclude each other");

	pins = calloc(npins, sizeof(*pins));
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
	if (pinwatch_watcher_new(&w) < 0) {
		ret = library_error(ctx->cmd);
		goto out;
	}
	for (size_t i = 0; i < npins; i++) {
		pins[i].n = &n;
		pins[i].name = ctx->argv[optind + (int)i];
		wcfg.ctx = &pins[i];
		if (pinwatch_info_watch_add(w, b, pins[i].name, &wcfg, &pins[i].id) < 0) {
			ret = library_error(ctx->cmd);
			goto out;
		}
	}

	if (banner) {
		/* every change from here on is reported: a script may go ahead */
		fputs("pinwatch notify: watching", stderr);
		for (size_t i = 0; i < npins; i++)
			fprintf(stderr, " %s", pins[i].name);
		fputc('\n', stderr);
	}
	loop.board = b;
	loop.watcher = w;
	loop.sigfd = sigfd;
	loop.done = notify_done;
	loop.arg = &n;
	enum loop_end end;
	/* --idle-timeout: quiet periods of that length, until one passes
	 * without an event. */
	if (idle_ns)
		loop.duration_ns = idle_ns;
	do {
		n.seen_in_period = 0;
		end = loop_run(&loop);
	} while (idle_ns && end == LOOP_TIMEOUT && n.seen_in_period && !n.stop);
	if (end == LOOP_ERROR)
		ret = library_error(ctx->cmd);
	else if (n.write_errno && n.write_errno != EPIPE)
		ret = runtime_error(ctx->cmd, "write: %s", strerror(n.write_errno));
	else if (n.error)
		ret = EXIT_RUNTIME;   /* said on stderr */
out:
	pinwatch_watcher_free(w);
	pinwatch_board_close(b);
	free(pins);
	if (sigfd >= 0)
		close(sigfd);
	return ret;
}
