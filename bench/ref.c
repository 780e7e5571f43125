/* SPDX-License-Identifier: MIT */
/*
 * The reference engine (ref.h).  It does what any edge-delivery loop must —
 * a locked ring per line (a source on another thread writes it), a doorbell
 * per line, one epoll set, a batch read, sequence numbers, a consumer per
 * event — and nothing else: no ids, no ownership, no debounce, no stats
 * beyond the counters a counters-only watch keeps.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "ref.h"

struct raw_edge {
	uint64_t ts;
	int edge;
};

/* A power-of-two ring: a mask, not a division, per event. */
struct ref_line {
	pthread_mutex_t mu;
	struct raw_edge ring[BENCH_RING];
	unsigned head, len;
	int fd;
	uint64_t seqno, rising, falling;
	/* MODE_QUEUE: the consumer's bounded queue (reader on any thread). */
	pthread_mutex_t qmu;
	pthread_cond_t qcv;
	struct ref_event queue[BENCH_RING];
	unsigned qhead, qlen;
};

struct ref_engine {
	int epfd;
	enum bench_mode mode;
	ref_callback cb;
	void *ctx;
	unsigned nlines;
	uint64_t delivered;
	struct ref_line *lines;
};

static void count_cb(const struct ref_event *ev, void *ctx)
{
	(void)ev;
	++*(uint64_t *)ctx;
}

static uint64_t callback_count;

struct ref_engine *ref_open(unsigned lines, enum bench_mode mode,
			    ref_callback cb, void *ctx)
{
	struct ref_engine *e = calloc(1, sizeof(*e));

	if (!e || !(e->lines = calloc(lines, sizeof(*e->lines))))
		bench_die("ref_open", strerror(ENOMEM));
	e->mode = mode;
	e->cb = cb ? cb : count_cb;
	e->ctx = cb ? ctx : &callback_count;
	e->nlines = lines;
	e->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (e->epfd < 0)
		bench_die("epoll_create1", strerror(errno));
	for (unsigned i = 0; i < lines; i++) {
		struct ref_line *l = &e->lines[i];
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = i };

		pthread_mutex_init(&l->mu, NULL);
		pthread_mutex_init(&l->qmu, NULL);
		pthread_cond_init(&l->qcv, NULL);
		l->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (l->fd < 0 || epoll_ctl(e->epfd, EPOLL_CTL_ADD, l->fd, &ev) < 0)
			bench_die("eventfd/epoll_ctl", strerror(errno));
	}
	return e;
}

void ref_push(struct ref_engine *e, unsigned line, uint64_t ts, int edge)
{
	struct ref_line *l = &e->lines[line];
	static const uint64_t one = 1;

	pthread_mutex_lock(&l->mu);
	if (l->len < BENCH_RING) {
		l->ring[(l->head + l->len) & (BENCH_RING - 1)] = (struct raw_edge){ ts, edge };
		if (l->len++ == 0 && write(l->fd, &one, sizeof(one)) < 0)
			bench_die("eventfd write", strerror(errno));
	}
	pthread_mutex_unlock(&l->mu);
}

/* Take up to BENCH_READ_BATCH raw edges, as a read() of a line's fd would. */
static unsigned read_batch(struct ref_line *l, struct raw_edge *out)
{
	unsigned n;

	pthread_mutex_lock(&l->mu);
	n = l->len < BENCH_READ_BATCH ? l->len : BENCH_READ_BATCH;
	for (unsigned i = 0; i < n; i++)
		out[i] = l->ring[(l->head + i) & (BENCH_RING - 1)];
	l->head = (l->head + n) & (BENCH_RING - 1);
	l->len -= n;
	pthread_mutex_unlock(&l->mu);
	return n;
}

static void queue_batch(struct ref_line *l, unsigned line, const struct raw_edge *raw,
			unsigned n)
{
	pthread_mutex_lock(&l->qmu);
	for (unsigned i = 0; i < n; i++) {
		if (l->qlen == BENCH_RING)
			break; /* full: drop the newest (never in the benchmark) */
		l->queue[(l->qhead + l->qlen++) & (BENCH_RING - 1)] = (struct ref_event){
			.line = line, .edge = raw[i].edge, .value = raw[i].edge == 1,
			.timestamp_ns = raw[i].ts, .seqno = ++l->seqno,
		};
	}
	/* One broadcast per batch, for a reader that may be waiting. */
	pthread_cond_broadcast(&l->qcv);
	pthread_mutex_unlock(&l->qmu);
}

static unsigned drain_line(struct ref_engine *e, unsigned line)
{
	struct ref_line *l = &e->lines[line];
	struct raw_edge raw[BENCH_READ_BATCH];
	unsigned total = 0, n;
	uint64_t tick;

	if (read(l->fd, &tick, sizeof(tick)) < 0 && errno != EAGAIN)
		bench_die("eventfd read", strerror(errno));
	while ((n = read_batch(l, raw)) > 0) {
		switch (e->mode) {
		case MODE_COUNTERS:
			for (unsigned i = 0; i < n; i++) {
				l->seqno++;
				if (raw[i].edge == 1)
					l->rising++;
				else
					l->falling++;
			}
			break;
		case MODE_CALLBACK:
			for (unsigned i = 0; i < n; i++) {
				struct ref_event ev = {
					.line = line, .edge = raw[i].edge,
					.value = raw[i].edge == 1,
					.timestamp_ns = raw[i].ts, .seqno = ++l->seqno,
				};
				e->cb(&ev, e->ctx);
			}
			break;
		case MODE_QUEUE:
			queue_batch(l, line, raw, n);
			break;
		}
		total += n;
		if (n < BENCH_READ_BATCH)
			break;
	}
	e->delivered += total;
	return total;
}

unsigned ref_wait(struct ref_engine *e, int timeout_ms)
{
	struct epoll_event evs[64];
	unsigned total = 0;
	int n = epoll_wait(e->epfd, evs, 64, timeout_ms);

	if (n < 0 && errno != EINTR)
		bench_die("epoll_wait", strerror(errno));
	for (int i = 0; i < n; i++)
		total += drain_line(e, evs[i].data.u32);
	return total;
}

size_t ref_queue_read(struct ref_engine *e, unsigned line, struct ref_event *ev, size_t n)
{
	struct ref_line *l = &e->lines[line];
	size_t got = 0;

	pthread_mutex_lock(&l->qmu);
	while (got < n && l->qlen) {
		ev[got++] = l->queue[l->qhead];
		l->qhead = (l->qhead + 1) & (BENCH_RING - 1);
		l->qlen--;
	}
	pthread_mutex_unlock(&l->qmu);
	return got;
}

uint64_t ref_delivered(struct ref_engine *e)
{
	return e->delivered;
}

void ref_close(struct ref_engine *e)
{
	if (!e)
		return;
	for (unsigned i = 0; i < e->nlines; i++) {
		struct ref_line *l = &e->lines[i];
		epoll_ctl(e->epfd, EPOLL_CTL_DEL, l->fd, NULL);
		close(l->fd);
		pthread_mutex_destroy(&l->mu);
		pthread_mutex_destroy(&l->qmu);
		pthread_cond_destroy(&l->qcv);
	}
	close(e->epfd);
	free(e->lines);
	free(e);
}
