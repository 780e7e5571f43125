/* SPDX-License-Identifier: MIT */
/* Wires and pulse generators on sim boards, for mon and count. */
#include <stdlib.h>
#include <string.h>

#include "stim.h"
#include "util.h"

/* The sim's bounce width when the spec leaves it 0 (pinwatch.h). */
#define SIM_DEFAULT_BOUNCE_NS 1000

static int bad(const char *cmd, const char *arg, const char *why)
{
	return usage_error(cmd, "bad --pulse '%s': %s", arg, why);
}

int stim_parse_pulse(const char *cmd, const char *arg, struct pinwatch_sim_pulse *p)
{
	char *copy = strdup(arg), *save = NULL, *tok;
	uint64_t mhz, duty = 50, v;
	int ret = 0;

	if (!copy)
		return runtime_error(cmd, "out of memory");
	memset(p, 0, sizeof(*p));
	tok = strtok_r(copy, ",", &save);
	if (!tok || parse_frequency(tok, &mhz) < 0) {
		ret = bad(cmd, arg, "FREQ is a number with an optional Hz, k, kHz, M or MHz");
		goto out;
	}
	/* period in ns from millihertz, rounded to the nearest ns */
	p->period_ns = (1000000000000ull + mhz / 2) / mhz;
	if (p->period_ns < 2) {
		ret = bad(cmd, arg, "frequency too high (at most 500 MHz)");
		goto out;
	}
	static const char *const keys[] = { "duty", "count", "jitter", "phase", "seed", "bounce" };
	unsigned seen = 0;
	while (!ret && (tok = strtok_r(NULL, ",", &save))) {
		char *val = strchr(tok, '=');
		if (!val) {
			ret = bad(cmd, arg, "options are KEY=VALUE");
			break;
		}
		*val++ = '\0';
		/* A key given twice is refused, as an option is: the last one
		 * does not silently win. */
		for (unsigned k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			if (strcmp(tok, keys[k]))
				continue;
			if (seen & (1u << k))
				ret = usage_error(cmd, "bad --pulse '%s': %s given twice: it takes one value",
						  arg, tok);
			seen |= 1u << k;
			break;
		}
		if (ret)
			break;
		if (!strcmp(tok, "duty")) {
			size_t n = strlen(val);
			if (n && val[n - 1] == '%')
				val[n - 1] = '\0';
			if (parse_u64(val, 1, 99, &duty) < 0)
				ret = bad(cmd, arg, "duty is a percentage from 1 to 99");
		} else if (!strcmp(tok, "count")) {
			if (parse_u64(val, 1, UINT64_MAX, &p->count) < 0)
				ret = bad(cmd, arg, "count is a number of pulses (at least 1)");
		} else if (!strcmp(tok, "jitter")) {
			if (parse_duration(val, &p->jitter_ns) < 0)
				ret = bad(cmd, arg, "jitter is a duration");
		} else if (!strcmp(tok, "phase")) {
			if (parse_duration(val, &p->phase_ns) < 0)
				ret = bad(cmd, arg, "phase is a duration");
		} else if (!strcmp(tok, "seed")) {
			if (parse_u64(val, 0, UINT32_MAX, &v) < 0)
				ret = bad(cmd, arg, "seed is a number");
			p->seed = (unsigned)v;
		} else if (!strcmp(tok, "bounce")) {
			char *at = strchr(val, '@');
			if (at) {
				*at++ = '\0';
				if (parse_duration(at, &p->bounce_ns) < 0 || !p->bounce_ns)
					ret = bad(cmd, arg, "bounce=N@WIDTH: WIDTH is a duration");
			}
			if (!ret && parse_u64(val, 0, 1000, &v) < 0)
				ret = bad(cmd, arg, "bounce=N[@WIDTH]: N extra transition pairs (0-1000)");
			p->bounce = (unsigned)v;
		} else {
			ret = usage_error(cmd, "bad --pulse '%s': unknown option '%s' (duty, count, jitter, bounce, phase, seed)",
					  arg, tok);
		}
	}
	if (!ret) {
		p->high_ns = p->period_ns * duty / 100;
		if (!p->high_ns || p->high_ns >= p->period_ns)
			ret = bad(cmd, arg, "duty leaves no time high or low at this frequency");
	}
out:
	free(copy);
	return ret;
}

int stim_wire(const char *cmd, pinwatch_board *b, struct stim *s, char **pins,
	      size_t npins)
{
	if (!s->wire_out)
		return 0;
	s->wired = calloc(npins, sizeof(*s->wired));
	if (!s->wired)
		return runtime_error(cmd, "out of memory");
	for (size_t i = 0; i < npins; i++) {
		if (pinwatch_sim_wire(b, s->wire_out, pins[i]) < 0)
			return library_error(cmd);
		s->wired[s->nwired++] = pins[i];
	}
	return 0;
}

int stim_start(const char *cmd, pinwatch_board *b, struct stim *s, char **pins,
	       size_t npins)
{
	uint64_t now = 0;

	if (!s->have_pulse)
		return 0;
	s->is_virtual = pinwatch_board_clock(b) == PINWATCH_CLOCK_VIRTUAL;
	if (pinwatch_sim_now(b, &now) < 0)
		return library_error(cmd);
	/* wired: one generator on OUT feeds every pin; else one per pin */
	size_t n = s->wire_out ? 1 : npins;
	s->gens = calloc(n, sizeof(*s->gens));
	if (!s->gens)
		return runtime_error(cmd, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const char *name = s->wire_out ? s->wire_out : pins[i];
		if (pinwatch_sim_pulse(b, name, &s->pulse, &s->gens[s->ngens]) < 0)
			return library_error(cmd);
		s->ngens++;
	}
	const struct pinwatch_sim_pulse *p = &s->pulse;
	uint64_t bounce_ns = p->bounce_ns ? p->bounce_ns : SIM_DEFAULT_BOUNCE_NS;
	s->endless = !p->count;
	if (s->endless)
		return 0;
	/* The train's nominal end (count whole periods), or its last edge at
	 * the latest (jitter, bounce) if that is later. */
	uint64_t nominal = now + p->phase_ns + p->count * p->period_ns;
	uint64_t last = now + p->phase_ns + (p->count - 1) * p->period_ns + p->high_ns +
			p->jitter_ns + 2 * (uint64_t)p->bounce * bounce_ns + 1;
	s->end_ns = nominal > last ? nominal : last;
	return 0;
}

int stim_finished(pinwatch_board *b, const struct stim *s)
{
	uint64_t now;

	if (!s->ngens || s->endless)
		return 0;
	if (s->is_virtual)
		return pinwatch_sim_now(b, &now) == 0 && now >= s->end_ns;
	for (size_t i = 0; i < s->ngens; i++)
		if (pinwatch_sim_pulse_wait(b, s->gens[i], 0) != 1)
			return 0;
	return 1;
}

uint64_t stim_end(const struct stim *s)
{
	return s->ngens && !s->endless ? s->end_ns : 0;
}

/* a * b / d, rounded down, saturating; without __int128, which 32-bit
 * targets (armel, armhf) do not have: a = q * d + r gives q * b + r * b / d. */
static uint64_t mul_div(uint64_t a, uint64_t b, uint64_t d)
{
	uint64_t hi, lo;

	if (__builtin_mul_overflow(a / d, b, &hi) || __builtin_mul_overflow(a % d, b, &lo) ||
	    __builtin_add_overflow(hi, lo / d, &hi))
		return UINT64_MAX;
	return hi;
}

uint64_t stim_step(const struct stim *s, unsigned event_buffer)
{
	const struct pinwatch_sim_pulse *p = &s->pulse;
	uint64_t edges_per_period, step;

	if (!s->ngens)
		return UINT64_MAX;
	edges_per_period = 2 * (1 + 2 * (uint64_t)p->bounce);
	/* A quarter of the buffer per step on average: a step's start and
	 * jitter may put up to twice the average in one step.  Below a
	 * period when the buffer is tiny. */
	step = mul_div(p->period_ns, event_buffer, 4 * edges_per_period);
	/* Bounce bunches transitions bounce_ns apart: no more of those in
	 * one step than half the buffer either. */
	if (p->bounce) {
		uint64_t width = p->bounce_ns ? p->bounce_ns : SIM_DEFAULT_BOUNCE_NS;
		uint64_t burst = width * (event_buffer / 2 ? event_buffer / 2 : 1) - 1;
		if (burst < step)
			step = burst;
	}
	return step ? step : 1;
}

void stim_stop(pinwatch_board *b, struct stim *s)
{
	for (size_t i = 0; i < s->ngens; i++)
		pinwatch_sim_pulse_stop(b, s->gens[i]);
	for (size_t i = 0; i < s->nwired; i++)
		pinwatch_sim_unwire(b, s->wired[i]);
	free(s->gens);
	free(s->wired);
	s->gens = NULL;
	s->wired = NULL;
	s->ngens = s->nwired = 0;
}
