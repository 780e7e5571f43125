/* SPDX-License-Identifier: MIT */
/*
 * Line groups on the sim (issue 16): lines of one bank requested together;
 * get and set of all of them under the board's one mutex, so no thread,
 * wire or watch ever sees some members changed and others not (a set
 * stamps every member's edge with one time).  The option groups=off
 * leaves the group ops out, for tests of the core's per-line fallback.
 *
 * The merge watermark (sim_now): every edge the sim stamps at or before the
 * time it returns is already in its line's ring, so a group watch on the
 * sim orders its lines exactly, with no hold window.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>

#include "sim.h"

struct sim_group {
	struct sim_board *sb;
	size_t n;
	int epfd;                 /* groups=fd: every member's doorbell */
	struct sim_line *lines[];
};

int pw_sim_request_group(void *state, unsigned bank, const unsigned *offsets, size_t n,
			 const struct pw_line_config *cfg, void **lines, void **group)
{
	struct sim_board *sb = state;
	struct sim_group *g;
	size_t i;
	int ret = 0;

	if (sb->groups_off)
		return -EOPNOTSUPP;
	g = calloc(1, sizeof(*g) + n * sizeof(g->lines[0]));
	if (!g)
		return -ENOMEM;
	g->sb = sb;
	g->n = n;
	g->epfd = -1;
	/* One line after the other: a failure releases the ones before. */
	for (i = 0; i < n; i++) {
		ret = pw_backend_sim.request(state, bank, offsets[i], cfg, &lines[i]);
		if (ret < 0)
			break;
		g->lines[i] = lines[i];
	}
	if (ret < 0) {
		while (i--)
			pw_backend_sim.release(g->lines[i]);
		free(g);
		return ret;
	}
	*group = g;
	return 0;
}

void pw_sim_release_group(void *group)
{
	struct sim_group *g = group;

	for (size_t i = 0; i < g->n; i++)
		pw_backend_sim.release(g->lines[i]);
	free(g);
}

/* A member's bank is gone, or an injected fault hits OP on it (mutex held). */
static int member_fails(struct sim_board *sb, struct sim_line *l, int op)
{
	if (l->bank->gone) {
		pw_detail("bank %s is gone (injected fault)", l->bank->info.label);
		return -ENODEV;
	}
	return pw_sim_fault_hit(sb, op, l, NULL);
}

int pw_sim_group_get(void *group, int *values)
{
	struct sim_group *g = group;
	struct sim_board *sb = g->sb;
	int ret = 0;

	pthread_mutex_lock(&sb->mu);
	for (size_t i = 0; i < g->n && ret == 0; i++)
		ret = member_fails(sb, g->lines[i], PINWATCH_SIM_OP_GET);
	for (size_t i = 0; i < g->n && ret == 0; i++)
		values[i] = g->lines[i]->level ^ g->lines[i]->active_low;
	pthread_mutex_unlock(&sb->mu);
	return ret;
}

int pw_sim_group_set(void *group, const int *values)
{
	struct sim_group *g = group;
	struct sim_board *sb = g->sb;
	int ret = 0;

	pthread_mutex_lock(&sb->mu);
	/* Every check first: all members change, or none. */
	for (size_t i = 0; i < g->n && ret == 0; i++) {
		ret = member_fails(sb, g->lines[i], PINWATCH_SIM_OP_SET);
		if (ret == 0 && g->lines[i]->direction != PINWATCH_DIR_OUTPUT) {
			pw_detail("member %zu (line %u) is an input", i, g->lines[i]->offset);
			ret = -EPERM;
		}
	}
	if (ret == 0) {
		uint64_t now = pw_sim_now(sb);   /* one instant for every member */
		for (size_t i = 0; i < g->n; i++)
			g->lines[i]->out_value = (values[i] ? 1 : 0) ^ g->lines[i]->active_low;
		for (size_t i = 0; i < g->n; i++)
			pw_sim_line_update(g->lines[i], now);
	}
	pthread_mutex_unlock(&sb->mu);
	return ret;
}

int pw_sim_group_reconfigure(void *group, const struct pw_line_config *cfg)
{
	struct sim_group *g = group;
	int ret = 0;

	for (size_t i = 0; i < g->n && ret == 0; i++)
		ret = pw_backend_sim.reconfigure(g->lines[i], cfg);
	return ret;
}

uint64_t pw_sim_watermark(void *state)
{
	struct sim_board *sb = state;
	uint64_t t, next;

	pthread_mutex_lock(&sb->mu);
	t = pw_sim_now(sb);
	/* On the real clock the player may be behind: only what it played. */
	if (!sb->virtual_clock && pw_sim_sched_next(sb, &next) && next <= t)
		t = next - 1;
	pthread_mutex_unlock(&sb->mu);
	return t;
}

/* groups=fd: the group's edges on one descriptor (an epoll set of the
 * members' doorbells), read in timestamp order across the members' rings
 * -- the one ordered stream a kernel request of several lines gives. */
int pw_sim_group_edges_enable(void *group, const struct pw_edge_config *ec, int *fd)
{
	struct sim_group *g = group;
	size_t i;
	int ret = 0, lfd;

	g->epfd = pw_fd_own(epoll_create1(EPOLL_CLOEXEC), "sim group events");
	if (g->epfd < 0) {
		ret = g->epfd == -ENOMEM ? -ENOMEM : -errno;
		g->epfd = -1;
		pw_detail("epoll_create1: cannot make the group's descriptor");
		return ret;
	}
	for (i = 0; i < g->n; i++) {
		ret = pw_backend_sim.edges_enable(g->lines[i], ec, &lfd);
		if (ret < 0)
			break;
		struct epoll_event ee = { .events = EPOLLIN, .data.u64 = i };
		if (epoll_ctl(g->epfd, EPOLL_CTL_ADD, lfd, &ee) < 0) {
			ret = -errno;
			pw_backend_sim.edges_disable(g->lines[i]);
			break;
		}
	}
	if (ret < 0) {
		while (i--)
			pw_backend_sim.edges_disable(g->lines[i]);
		pw_fd_close(&g->epfd);
		return ret;
	}
	*fd = g->epfd;
	return 0;
}

void pw_sim_group_edges_disable(void *group)
{
	struct sim_group *g = group;

	for (size_t i = 0; i < g->n; i++)
		pw_backend_sim.edges_disable(g->lines[i]);   /* leaves our set as it closes */
	pw_fd_close(&g->epfd);
}

int pw_sim_group_read_events(void *group, struct pw_raw_event *ev, size_t n)
{
	struct sim_group *g = group;
	struct sim_board *sb = g->sb;
	size_t got = 0;
	int ret = 0;

	pthread_mutex_lock(&sb->mu);
	for (size_t i = 0; i < g->n && ret == 0; i++)
		ret = member_fails(sb, g->lines[i], PINWATCH_SIM_OP_READ);
	while (ret == 0 && got < n) {
		struct sim_line *best = NULL;
		size_t k = 0;
		for (size_t i = 0; i < g->n; i++) {
			struct sim_line *l = g->lines[i];
			if (l->ring.len && (!best || l->ring.ev[l->ring.head].timestamp_ns <
					    best->ring.ev[best->ring.head].timestamp_ns)) {
				best = l;
				k = i;
			}
		}
		if (!best)
			break;
		pw_sim_ring_pop(&best->ring, &ev[got], 1);
		ev[got].line = (unsigned)k;
		got++;
		if (!best->ring.len)
			pw_sim_doorbell_drain(best);
	}
	pthread_mutex_unlock(&sb->mu);
	return ret < 0 ? ret : (int)got;
}
