/* SPDX-License-Identifier: MIT */
/*
 * The stimulus of mon and count on sim boards: --wire OUT jumpers OUT onto
 * every watched pin, --pulse FREQ[,...] starts a pulse generator (on OUT when
 * wired, else on each watched pin), --pulses N (count) plays N pulses.
 */
#ifndef PINWATCH_TOOL_STIM_H
#define PINWATCH_TOOL_STIM_H

#include <stddef.h>
#include <stdint.h>

#include "pinwatch.h"

/*
 * The field setup's default rate when --pulses asks for a generator without
 * --pulse: high enough that a million pulses take seconds, low enough that
 * the real-time generator and the counting loop keep up on a loaded 2-core
 * machine without losing an edge: a million pulses take 10 s, and the
 * counter's 65536-event buffer covers 330 ms of it not being scheduled.
 */
#define STIM_DEFAULT_HZ 100000

/* The lines of mon's and count's --help (pin_options.h's columns); with
 * --pulses N (count) alone a generator plays N pulses at 100 kHz. */
#define STIM_HELP \
	"Simulator only:\n" \
	"  -w, --wire OUT          jumper OUT onto every pin; the generator\n" \
	"                          drives OUT\n" \
	"      --pulse FREQ[,duty=PCT][,count=N][,jitter=D][,bounce=N[@W]]\n" \
	"                          [,phase=D][,seed=N]\n" \
	"                          a pulse generator (on OUT, or on each pin)\n"

struct stim {
	const char *wire_out;             /* --wire OUT, or NULL */
	int have_pulse;                   /* --pulse given */
	struct pinwatch_sim_pulse pulse;  /* its spec */
	/* what was done, to undo */
	char **wired;                     /* the pins jumpered from wire_out */
	size_t nwired;
	unsigned *gens;
	size_t ngens;
	uint64_t end_ns;                  /* when the last finite generator is over */
	int endless;                      /* a generator runs forever */
	int is_virtual;
};

/* Parse "FREQ[,duty=PCT,count=N,jitter=D,bounce=N[@WIDTH],phase=D,seed=N]".
 * Returns 0, or EXIT_USAGE after printing the hint. */
int stim_parse_pulse(const char *cmd, const char *arg, struct pinwatch_sim_pulse *p);

/* Jumper s->wire_out onto each pin (before the pins are requested, so that
 * the wire's first level is not an edge).  0 or EXIT_RUNTIME. */
int stim_wire(const char *cmd, pinwatch_board *b, struct stim *s, char **pins,
	      size_t npins);
/* Start the generators (after the watches: no edge is missed).  0 or
 * EXIT_RUNTIME. */
int stim_start(const char *cmd, pinwatch_board *b, struct stim *s, char **pins,
	       size_t npins);
/* 1 if there are generators and every one has played all its pulses. */
int stim_finished(pinwatch_board *b, const struct stim *s);
/* Board-clock time by which every finite generator is over (0 if none). */
uint64_t stim_end(const struct stim *s);
/* The largest virtual-clock step that cannot overflow a pin's event buffer
 * of EVENT_BUFFER events. */
uint64_t stim_step(const struct stim *s, unsigned event_buffer);
/* Stop the generators, remove the wires. */
void stim_stop(pinwatch_board *b, struct stim *s);

#endif
