/* SPDX-License-Identifier: MIT */
/* Parsers, output formats, errors and signals shared by the commands. */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

/* ------------------------------------------------------------- messages */

/* "pinwatch CMD: <message>" on stderr, without the end of the line. */
static void say(const char *cmd, const char *fmt, va_list ap)
{
	fprintf(stderr, "pinwatch%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	vfprintf(stderr, fmt, ap);
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(cmd, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (try 'pinwatch%s%s --help')\n", cmd ? " " : "", cmd ? cmd : "");
	return EXIT_USAGE;
}

int duration_error(const char *cmd, const char *what, const char *arg)
{
	return usage_error(cmd, "bad %s '%s' (e.g. 500ms, 2s; a bare number is milliseconds)",
			   what, arg);
}

int runtime_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(cmd, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_RUNTIME;
}

int library_error(const char *cmd)
{
	return runtime_error(cmd, "%s", pinwatch_last_error());
}

int finish_output(const char *cmd, int status)
{
	if ((fflush(stdout) || ferror(stdout)) && errno != EPIPE && status == EXIT_OK)
		return runtime_error(cmd, "write: %s", strerror(errno));
	return status;
}

int open_board(const char *cmd, const char *spec, pinwatch_board **out)
{
	int ret = pinwatch_board_open(spec, out);

	/* -EINVAL is the spec itself (its syntax, an unknown backend, profile
	 * or option): a mistake on the command line, like any bad option */
	if (ret == -EINVAL)
		return usage_error(cmd, "%s", pinwatch_last_error());
	if (ret < 0)
		return library_error(cmd);
	return EXIT_OK;
}

/* -------------------------------------------------------------- numbers */

/*
 * A decimal "INT[.FRAC]" as its integer part and its fraction in units of
 * 10^-9 ("1.5" is 1 and 500000000): exact for every unit below, no floating
 * point.  The integer part may use the whole 64-bit range: whether the value
 * fits is decided once it is scaled to its unit (scale()), not by counting
 * digits, so "20000000000ns" is as good as "20s".  Returns the rest of the
 * string, or NULL.
 */
struct fixed9 {
	uint64_t ip, fp;
};

static const char *parse_fixed9(const char *s, struct fixed9 *out)
{
	uint64_t ip = 0, fp = 0;
	int digits = 0, frac = 0;

	while (isdigit((unsigned char)*s)) {
		if (__builtin_mul_overflow(ip, 10, &ip) ||
		    __builtin_add_overflow(ip, (uint64_t)(*s - '0'), &ip))
			return NULL;
		s++;
		digits++;
	}
	if (*s == '.') {
		s++;
		while (isdigit((unsigned char)*s)) {
			if (frac < 9) {
				fp = fp * 10 + (uint64_t)(*s - '0');
				frac++;
			} else if (*s != '0') {
				return NULL; /* finer than 1e-9 of the unit */
			}
			s++;
			digits++;
		}
	}
	if (!digits)
		return NULL;
	for (; frac < 9; frac++)
		fp *= 10;
	out->ip = ip;
	out->fp = fp;
	return s;
}

/* v units of `unit` base units each: ip * unit + fp * unit / 10^9, checked
 * for overflow.  No __int128: 32-bit targets (armel, armhf) have none.
 * With unit / 10^9 reduced to num / den, the fraction's share is exact only
 * when den divides fp, and is then below unit, so it cannot overflow. */
static int scale(struct fixed9 v, uint64_t unit, uint64_t *out)
{
	uint64_t a = unit, b = 1000000000u, num, den, r;

	while (b) {
		uint64_t t = a % b;
		a = b;
		b = t;
	}
	num = unit / a;
	den = 1000000000u / a;
	/* a fraction of the smallest unit would be silently dropped */
	if (v.fp % den)
		return -1;
	if (__builtin_mul_overflow(v.ip, unit, &r) || __builtin_add_overflow(r, v.fp / den * num, &r))
		return -1;
	*out = r;
	return 0;
}

int parse_duration(const char *s, uint64_t *ns)
{
	static const struct { const char *unit; uint64_t ns; } units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000 },
		{ "m", 60000000000ull }, { "h", 3600000000000ull },
		{ "", 1000000 },
	};
	struct fixed9 v;
	const char *rest = parse_fixed9(s, &v);

	if (!rest)
		return -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(rest, units[i].unit))
			return scale(v, units[i].ns, ns);
	return -1;
}

int parse_frequency(const char *s, uint64_t *mhz)
{
	static const struct { const char *unit; uint64_t mhz; } units[] = {
		{ "", 1000 }, { "Hz", 1000 }, { "hz", 1000 },
		{ "k", 1000000 }, { "kHz", 1000000 }, { "khz", 1000000 },
		/* no lowercase "m": milli or mega would be a guess */
		{ "M", 1000000000 }, { "MHz", 1000000000 },
	};
	struct fixed9 v;
	const char *rest = parse_fixed9(s, &v);

	if (!rest)
		return -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(rest, units[i].unit)) {
			if (scale(v, units[i].mhz, mhz) < 0 || !*mhz)
				return -1;
			return 0;
		}
	return -1;
}

int list_item(const char **p, char *item, size_t size)
{
	if (!*p)
		return -1;
	size_t len = strcspn(*p, ",");
	snprintf(item, size, "%.*s", (int)len, *p);
	*p = (*p)[len] ? *p + len + 1 : NULL;
	return (int)len;
}

int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!isdigit((unsigned char)*s))
		return -1;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s) || v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* ---------------------------------------------------------------- names */

static int lookup(const char *s, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (names[i] && !strcmp(s, names[i]))
			return (int)i;
	return -1;
}

int parse_level(const char *s)
{
	static const char *const off[] = { "0", "low", "off", "inactive", "false" };
	static const char *const on[] = { "1", "high", "on", "active", "true" };

	if (lookup(s, off, 5) >= 0)
		return 0;
	if (lookup(s, on, 5) >= 0)
		return 1;
	return -1;
}

static const char *const bias_names[] = {
	[PINWATCH_BIAS_AS_IS] = "as-is",
	[PINWATCH_BIAS_DISABLED] = "disabled",
	[PINWATCH_BIAS_PULL_UP] = "pull-up",
	[PINWATCH_BIAS_PULL_DOWN] = "pull-down",
	[PINWATCH_BIAS_UNKNOWN] = "unknown",
};

static const char *const drive_names[] = {
	[PINWATCH_DRIVE_PUSH_PULL] = "push-pull",
	[PINWATCH_DRIVE_OPEN_DRAIN] = "open-drain",
	[PINWATCH_DRIVE_OPEN_SOURCE] = "open-source",
};

int parse_bias(const char *s)
{
	/* gpiod 1.6 spells it "disable", 2.x "disabled" */
	if (!strcmp(s, "disable"))
		return PINWATCH_BIAS_DISABLED;
	/* "unknown" describes a line, it is not something to ask for */
	return lookup(s, bias_names, PINWATCH_BIAS_UNKNOWN);
}

int parse_drive(const char *s)
{
	return lookup(s, drive_names, 3);
}

int parse_edge(const char *s)
{
	if (!strcmp(s, "rising"))
		return PINWATCH_EDGE_RISING;
	if (!strcmp(s, "falling"))
		return PINWATCH_EDGE_FALLING;
	if (!strcmp(s, "both"))
		return PINWATCH_EDGE_BOTH;
	return -1;
}

const char *edge_name(int edge)
{
	switch (edge) {
	case PINWATCH_EDGE_RISING: return "rising";
	case PINWATCH_EDGE_FALLING: return "falling";
	default: return "error";
	}
}

const char *bias_name(int bias)
{
	return bias >= 0 && bias <= PINWATCH_BIAS_UNKNOWN ? bias_names[bias] : "unknown";
}

const char *drive_name(int drive)
{
	return drive >= 0 && drive <= PINWATCH_DRIVE_OPEN_SOURCE ? drive_names[drive] : "unknown";
}

/* --------------------------------------------------------------- output */

void format_timestamp(char *buf, size_t len, uint64_t ns, enum time_format tf)
{
	time_t secs = (time_t)(ns / 1000000000u);
	unsigned long long frac = (unsigned long long)(ns % 1000000000u);
	struct tm tm;
	char date[32];

	if (tf == TS_SECONDS ||
	    !(tf == TS_UTC ? gmtime_r(&secs, &tm) : localtime_r(&secs, &tm)) ||
	    !strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm)) {
		snprintf(buf, len, "%llu.%09llu", (unsigned long long)(ns / 1000000000u), frac);
		return;
	}
	snprintf(buf, len, "%s.%09llu%s", date, frac, tf == TS_UTC ? "Z" : "");
}

void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

int format_check(const char *fmt, const char **bad)
{
	return format_check_tokens(fmt, FORMAT_TOKENS, bad);
}

int format_check_tokens(const char *fmt, const char *tokens, const char **bad)
{
	for (const char *s = fmt; *s; s++) {
		if (*s != '%' && *s != '\\')
			continue;
		if (!s[1] || !strchr(*s == '%' ? tokens : "nt\\", s[1])) {
			*bad = s;
			return -1;
		}
		s++;
	}
	return 0;
}

void format_event(FILE *f, const char *fmt, const struct event_line *line,
		  const struct pinwatch_event *ev, enum time_format tf)
{
	char ts[48];

	for (const char *s = fmt; *s; s++) {
		if (*s == '\\') {
			s++;
			fputc(*s == 'n' ? '\n' : *s == 't' ? '\t' : '\\', f);
			continue;
		}
		if (*s != '%') {
			fputc(*s, f);
			continue;
		}
		switch (*++s) {
		case 'p': fputs(line->pin, f); break;
		case 'c': fputs(line->chip, f); break;
		case 'o': fprintf(f, "%u", line->offset); break;
		case 'e':
		case 'E': fputs(edge_name(ev->edge), f); break;
		case 'v': fprintf(f, "%d", ev->value); break;
		case 't':
		case 'S':
		case 'U':
		case 'L':
			format_timestamp(ts, sizeof(ts), ev->timestamp_ns,
					 *s == 't' ? tf : *s == 'S' ? TS_SECONDS :
					 *s == 'U' ? TS_UTC : TS_LOCAL);
			fputs(ts, f);
			break;
		case 'T': fprintf(f, "%llu", (unsigned long long)ev->timestamp_ns); break;
		case 's': fprintf(f, "%llu", (unsigned long long)ev->seqno); break;
		case 'l': fprintf(f, "%llu", (unsigned long long)ev->lost); break;
		default: fputc('%', f); break;
		}
	}
}

void print_banner(const char *verb, char *const *names, size_t n)
{
	if (n == 1) {
		printf("%s line '%s'...\n", verb, names[0]);
	} else {
		printf("%s lines ", verb);
		for (size_t i = 0; i + 1 < n; i++)
			printf("'%s', ", names[i]);
		printf("and '%s'...\n", names[n - 1]);
	}
	fflush(stdout);
}

/* -------------------------------------------------------------- signals */

/* SIGHUP is a hangup to every command but count --state (which takes it
 * as "re-open your files", signals_open_service): the terminal or session
 * is gone, so release the lines and end as on SIGINT, with a summary and
 * status 0, rather than die with 129. */
int signals_open(void)
{
	static const int ends[] = { SIGINT, SIGTERM, SIGHUP };

	return signals_open_set(ends, sizeof(ends) / sizeof(ends[0]));
}

int signals_open_set(const int *sigs, size_t n)
{
	sigset_t set;
	int fd;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	for (size_t i = 0; i < n; i++) {
		/* A shell starts background commands with SIGINT ignored, and
		 * an ignored signal never reaches a signalfd: take them back. */
		signal(sigs[i], SIG_DFL);
		sigaddset(&set, sigs[i]);
	}
	/* Blocked before any library thread exists, so every thread inherits
	 * the mask and the signal can only ever surface on the descriptor. */
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return fd < 0 ? -errno : fd;
}

int signals_pending(int fd)
{
	struct signalfd_siginfo si;
	int got = 0;

	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		got = 1;
	return got;
}

int signals_next(int fd)
{
	struct signalfd_siginfo si;

	if (read(fd, &si, sizeof(si)) != (ssize_t)sizeof(si))
		return 0;
	return (int)si.ssi_signo;
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
