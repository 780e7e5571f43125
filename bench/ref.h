/* SPDX-License-Identifier: MIT */
/*
 * The reference engine: the mechanical work of delivering GPIO edges with no
 * library — per line an in-memory ring and an eventfd doorbell, all in one
 * epoll set; one wake-up is epoll_wait, a batch read of the ring, and a
 * function call (or a counter bump, or a queue push) per event.  What
 * pinwatch's figures are divided by.
 */
#ifndef PW_BENCH_REF_H
#define PW_BENCH_REF_H

#include <stddef.h>
#include <stdint.h>

#include "bench.h"

struct ref_engine;

struct ref_event {
	unsigned line;
	int edge;
	int value;
	uint64_t timestamp_ns;
	uint64_t seqno;
};

typedef void (*ref_callback)(const struct ref_event *ev, void *ctx);

/* cb is used in MODE_CALLBACK (NULL: a counting callback). */
struct ref_engine *ref_open(unsigned lines, enum bench_mode mode,
			    ref_callback cb, void *ctx);
/* Append one edge to a line's ring and ring its doorbell if it was empty;
 * safe from any thread (the generator's). */
void ref_push(struct ref_engine *e, unsigned line, uint64_t ts, int edge);
/* One wake-up: wait up to timeout_ms, drain every ready line.  Returns the
 * events delivered. */
unsigned ref_wait(struct ref_engine *e, int timeout_ms);
/* Take up to n queued events of a line (MODE_QUEUE), without waiting. */
size_t ref_queue_read(struct ref_engine *e, unsigned line, struct ref_event *ev, size_t n);
uint64_t ref_delivered(struct ref_engine *e);
void ref_close(struct ref_engine *e);

#endif
