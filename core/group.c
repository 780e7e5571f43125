/* SPDX-License-Identifier: MIT */
/*
 * Line groups (issue 16): N lines of one board requested together.  The
 * members are real pins (get/set/info work on each) owned by the group: it
 * requests and releases them, so pinwatch_pin_close on a member is a no-op.
 * Get and set of the whole group are atomic where the backend has group
 * ops and every member is in one bank (one kernel request, the sim's
 * lock); else they run member after member (sysfs; groups across banks).
 * The group watch is in group_watch.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define GROUP_MAX 64   /* the uAPI's lines per request */

static void free_members(pinwatch_pin **pins, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(pins[i]);
	free(pins);
}

/* Resolve and check every name: one pin struct each, not yet requested. */
static int make_members(pinwatch_board *b, const char *const *names, size_t n,
			const struct pinwatch_pin_config *cfg, pinwatch_pin **pins)
{
	char what[128];
	int ret;

	for (size_t i = 0; i < n; i++) {
		unsigned bank, offset;
		if (!names[i])
			return pw_errorf(-EINVAL, "group open: name %zu is NULL", i);
		ret = pw_names_resolve(b, names[i], &bank, &offset);
		if (ret < 0)
			return ret;
		pw_pin_describe(b, names[i], bank, offset, what, sizeof(what));
		for (size_t j = 0; j < i; j++)
			if (pins[j]->bank == bank && pins[j]->offset == offset)
				return pw_errorf(-EINVAL, "group open: %s and %s are the same line (%s): "
						 "a line can be in a group once", names[j], names[i], what);
		pinwatch_pin *p = calloc(1, sizeof(*p));
		if (!p)
			return pw_fail(-ENOMEM, "%s: group open", what);
		pins[i] = p;
		p->board = b;
		p->bank = bank;
		p->offset = offset;
		snprintf(p->name, sizeof(p->name), "%s", names[i]);
		snprintf(p->h.what, sizeof(p->h.what), "%s", what);
		snprintf(p->consumer, sizeof(p->consumer), "%s",
			 cfg->consumer && *cfg->consumer ? cfg->consumer : b->consumer);
		ret = pw_pin_line_config(b, p, cfg, &p->cfg);
		if (ret < 0)
			return pw_fail(ret, "%s: group open", what);
	}
	return 0;
}

/* Request the members' lines: together where the backend can, else one by
 * one (a failure releases the ones before).  Not under the core lock. */
static int request_members(pinwatch_board *b, pinwatch_group *g)
{
	const struct pw_backend_ops *ops = b->ops;
	int one_bank = 1, ret = -EOPNOTSUPP;
	size_t i;

	for (i = 1; i < g->n; i++)
		one_bank &= g->pins[i]->bank == g->pins[0]->bank;
	if (one_bank && ops->request_group && ops->release_group) {
		unsigned *offsets = calloc(g->n, sizeof(*offsets));
		void **lines = calloc(g->n, sizeof(*lines));
		ret = -ENOMEM;
		if (offsets && lines) {
			for (i = 0; i < g->n; i++)
				offsets[i] = g->pins[i]->offset;
			ret = ops->request_group(b->state, g->pins[0]->bank, offsets, g->n,
						 &g->pins[0]->cfg, lines, &g->handle);
			for (i = 0; ret == 0 && i < g->n; i++)
				g->pins[i]->line = lines[i];
		}
		free(offsets);
		free(lines);
		if (ret < 0)
			g->handle = NULL;
		if (ret != -EOPNOTSUPP) {
			if (ret < 0)
				return pw_fail(ret, "%s: request", g->h.what);
			return 0;
		}
		pw_detail_clear();
	}
	for (i = 0; i < g->n; i++) {
		pinwatch_pin *p = g->pins[i];
		ret = ops->request(b->state, p->bank, p->offset, &p->cfg, &p->line);
		if (ret < 0)
			break;
	}
	if (ret == 0)
		return 0;
	ret = pw_fail(ret, "%s: request (in %s)", g->pins[i]->h.what, g->h.what);
	while (i--)
		ops->release(g->pins[i]->line);
	return ret;
}

static void describe(pinwatch_group *g)
{
	size_t len = (size_t)snprintf(g->h.what, sizeof(g->h.what), "group of %zu (", g->n);

	for (size_t i = 0; i < g->n && len < sizeof(g->h.what); i++)
		len += (size_t)snprintf(g->h.what + len, sizeof(g->h.what) - len, "%s%s",
					i ? " " : "", g->pins[i]->name);
	if (len < sizeof(g->h.what))
		snprintf(g->h.what + len, sizeof(g->h.what) - len, ")");
}

PINWATCH_API int pinwatch_group_open(pinwatch_board *b, const char *const *names, size_t n,
				     const struct pinwatch_pin_config *cfg, pinwatch_group **out)
{
	static const struct pinwatch_pin_config defaults;
	pinwatch_group *g;
	int ret;

	pw_detail_clear();
	if (!out)
		return pw_errorf(-EINVAL, "group open: NULL result pointer");
	*out = NULL;
	if (!pw_live(b, PW_KIND_BOARD))
		return pw_errorf(-EINVAL, "group open: not an open board");
	if (!names || n == 0 || n > GROUP_MAX)
		return pw_errorf(-EINVAL, "group open: %zu lines: want 1 to %d names", names ? n : 0,
				 GROUP_MAX);
	if (!cfg)
		cfg = &defaults;
	g = calloc(1, sizeof(*g));
	if (!g || !(g->pins = calloc(n, sizeof(*g->pins)))) {
		free(g);
		return pw_errorf(-ENOMEM, "group open: out of memory");
	}
	g->board = b;
	g->n = n;
	ret = make_members(b, names, n, cfg, g->pins);
	if (ret < 0)
		goto err;
	describe(g);
	ret = request_members(b, g);
	if (ret < 0)
		goto err;

	char what[128];
	pw_lock();
	for (size_t i = 0; i < n; i++) {
		pinwatch_pin *p = g->pins[i];
		memcpy(what, p->h.what, sizeof(what));
		pw_board_ref_locked(b);
		pw_handle_open(&p->h, PW_KIND_PIN, what);
		p->group = g;
	}
	memcpy(what, g->h.what, sizeof(what));
	pw_handle_open(&g->h, PW_KIND_GROUP, what);
	pw_unlock();
	*out = g;
	return 0;
err:
	free_members(g->pins, n);
	free(g);
	return ret;
}

PINWATCH_API size_t pinwatch_group_size(const pinwatch_group *g)
{
	return pw_live(g, PW_KIND_GROUP) ? g->n : 0;
}

PINWATCH_API pinwatch_pin *pinwatch_group_pin(pinwatch_group *g, size_t i)
{
	return pw_live(g, PW_KIND_GROUP) && i < g->n ? g->pins[i] : NULL;
}

PINWATCH_API int pinwatch_group_atomic(const pinwatch_group *g)
{
	return pw_live(g, PW_KIND_GROUP) && g->handle && g->board->ops->group_get &&
	       g->board->ops->group_set;
}

PINWATCH_API int pinwatch_group_get(pinwatch_group *g, int *values)
{
	int ret = 0;

	pw_detail_clear();
	if (!pw_live(g, PW_KIND_GROUP))
		return pw_errorf(-EINVAL, "group get: not an open group");
	if (!values)
		return pw_errorf(-EINVAL, "%s: get: NULL values", g->h.what);
	const struct pw_backend_ops *ops = g->board->ops;
	if (pinwatch_group_atomic(g)) {
		ret = ops->group_get(g->handle, values);
		return ret < 0 ? pw_fail(ret, "%s: get", g->h.what) : 0;
	}
	for (size_t i = 0; i < g->n; i++) {   /* sequential: documented as such */
		ret = ops->get(g->pins[i]->line);
		if (ret < 0)
			return pw_fail(ret, "%s: get (in %s)", g->pins[i]->h.what, g->h.what);
		values[i] = ret;
	}
	return 0;
}

PINWATCH_API int pinwatch_group_set(pinwatch_group *g, const int *values)
{
	int ret = 0;

	pw_detail_clear();
	if (!pw_live(g, PW_KIND_GROUP))
		return pw_errorf(-EINVAL, "group set: not an open group");
	if (!values)
		return pw_errorf(-EINVAL, "%s: set: NULL values", g->h.what);
	for (size_t i = 0; i < g->n; i++)
		if (g->pins[i]->cfg.direction != PINWATCH_DIR_OUTPUT)
			return pw_errorf(-EPERM, "%s: set: member %s is an input; reconfigure the group as outputs first",
					 g->h.what, g->pins[i]->name);
	const struct pw_backend_ops *ops = g->board->ops;
	if (pinwatch_group_atomic(g)) {
		int *v = calloc(g->n, sizeof(*v));
		if (!v)
			return pw_errorf(-ENOMEM, "%s: set: out of memory", g->h.what);
		for (size_t i = 0; i < g->n; i++)
			v[i] = values[i] ? 1 : 0;
		ret = ops->group_set(g->handle, v);
		free(v);
		return ret < 0 ? pw_fail(ret, "%s: set", g->h.what) : 0;
	}
	for (size_t i = 0; i < g->n; i++) {
		ret = ops->set(g->pins[i]->line, values[i] ? 1 : 0);
		if (ret < 0)
			return pw_fail(ret, "%s: set (in %s)", g->pins[i]->h.what, g->h.what);
	}
	return 0;
}

PINWATCH_API int pinwatch_group_reconfigure(pinwatch_group *g, const struct pinwatch_pin_config *cfg)
{
	struct pw_line_config lc;
	size_t i, done = 0;
	int ret;

	pw_detail_clear();
	pw_lock();
	if (!pw_live(g, PW_KIND_GROUP)) {
		pw_unlock();
		return pw_errorf(-EINVAL, "group reconfigure: not an open group");
	}
	if (!cfg) {
		ret = pw_errorf(-EINVAL, "%s: reconfigure: NULL config", g->h.what);
		pw_unlock();
		return ret;
	}
	if (g->watch) {
		pw_detail("the group is watched; remove its watch first");
		ret = -EBUSY;
		goto out;
	}
	ret = pw_pin_line_config(g->board, g->pins[0], cfg, &lc);
	if (ret < 0)
		goto out;
	/* Backend I/O outside the lock; the line claims keep a watch add of
	 * the group from enabling edges meanwhile. */
	for (i = 0; i < g->n; i++)
		pw_pin_line_claim_locked(g->pins[i]);
	pw_unlock();
	const struct pw_backend_ops *ops = g->board->ops;
	if (g->handle && ops->group_reconfigure) {
		ret = ops->group_reconfigure(g->handle, &lc);
		done = ret == 0 ? g->n : 0;
	} else {
		for (done = 0; done < g->n; done++)
			if ((ret = ops->reconfigure(g->pins[done]->line, &lc)) < 0)
				break;
	}
	pw_lock();
	for (i = 0; i < g->n; i++) {
		if (i < done)
			g->pins[i]->cfg = lc;   /* consumer: the same for every member */
		pw_pin_line_done_locked(g->pins[i]);
	}
out:
	pw_unlock();
	return ret < 0 ? pw_fail(ret, "%s: reconfigure", g->h.what) : 0;
}

void pw_group_release_locked(pinwatch_group *g)
{
	pinwatch_board *b = g->board;

	for (size_t i = 0; i < g->n; i++)
		pw_pin_line_claim_locked(g->pins[i]);
	pw_unlock();
	if (g->handle)
		b->ops->release_group(g->handle);   /* backend I/O: unlocked */
	else
		for (size_t i = 0; i < g->n; i++)
			b->ops->release(g->pins[i]->line);
	pw_lock();
	for (size_t i = 0; i < g->n; i++) {
		pinwatch_pin *p = g->pins[i];
		p->line = NULL;
		pw_handle_close(&p->h, PW_KIND_PIN, "pinwatch_group_close");
		pw_handle_free(&p->h);
		pw_board_drop_locked(b);
	}
	free(g->pins);
	g->pins = NULL;
	pw_handle_free(&g->h);
	pw_broadcast();
}

PINWATCH_API void pinwatch_group_close(pinwatch_group *g)
{
	int was;

	if (!g)
		return;
	pw_lock();
	if (pw_handle_close(&g->h, PW_KIND_GROUP, "pinwatch_group_close") < 0) {
		pw_unlock();   /* a double close or garbage, reported under PINWATCH_DEBUG */
		return;
	}
	/* Like a pin: its watch first, synchronously. */
	if (g->watch && pw_watch_close_locked(g->watch, &was) == -EDEADLK) {
		g->release_pending = 1;
		pw_errorf(-EDEADLK, "%s: close: Resource deadlock avoided: its watch's callback is running on a "
			  "dispatcher that is waiting for this thread's own callback; the group is released when "
			  "that callback returns", g->h.what);
		pw_unlock();
		return;
	}
	if (g->watch || g->adding)
		g->release_pending = 1;   /* finishing elsewhere; it releases the group */
	else
		pw_group_release_locked(g);
	pw_unlock();
}
