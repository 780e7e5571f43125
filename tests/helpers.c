/* SPDX-License-Identifier: MIT */
/* The tests' shared vocabulary (helpers.h). */
#include <stdio.h>
#include <string.h>

#include "helpers.h"

pinwatch_board *board_or_fail(const char *spec)
{
	pinwatch_board *b = NULL;
	int ret = pinwatch_board_open(spec, &b);

	ck_assert_msg(ret == 0, "open %s: %d: %s", spec, ret, pinwatch_last_error());
	return b;
}

pinwatch_pin *pin_or_fail(pinwatch_board *b, const char *name,
			  const struct pinwatch_pin_config *cfg)
{
	pinwatch_pin *p = NULL;
	int ret = pinwatch_pin_open(b, name, cfg, &p);

	ck_assert_msg(ret == 0, "pin %s: %d: %s", name, ret, pinwatch_last_error());
	return p;
}

pinwatch_watcher *watcher_or_fail(void)
{
	pinwatch_watcher *w = NULL;

	ck_assert_int_eq(pinwatch_watcher_new(&w), 0);
	return w;
}

pinwatch_watch_id watch_or_fail(pinwatch_watcher *w, pinwatch_pin *p,
				const struct pinwatch_watch_config *cfg)
{
	pinwatch_watch_id id = 0;
	int ret = pinwatch_watch_add(w, p, cfg, &id);

	ck_assert_msg(ret == 0, "watch: %d: %s", ret, pinwatch_last_error());
	return id;
}

struct pinwatch_watch_stats stats_or_fail(pinwatch_watcher *w, pinwatch_watch_id id)
{
	struct pinwatch_watch_stats st;

	ck_assert_int_eq(pinwatch_watch_stats(w, id, &st), 0);
	return st;
}

struct pinwatch_sim_line_stats line_stats_or_fail(pinwatch_board *b, const char *name)
{
	struct pinwatch_sim_line_stats st;

	ck_assert_int_eq(pinwatch_sim_line_stats(b, name, &st), 0);
	return st;
}

void open_board_pin(pinwatch_board **b, const char *name, pinwatch_pin **p)
{
	*b = board_or_fail(VBOARD);
	*p = pin_or_fail(*b, name, NULL);
}

struct one_pin_fixture fx;

void one_pin_setup(void)
{
	open_board_pin(&fx.board, "N3", &fx.pin);
	fx.watcher = watcher_or_fail();
}

void one_pin_teardown(void)
{
	pinwatch_watcher_free(fx.watcher);
	pinwatch_pin_close(fx.pin);
	pinwatch_board_close(fx.board);
	fx = (struct one_pin_fixture){ 0 };
}

void toggle(pinwatch_board *b, const char *name, int n)
{
	for (int i = 0; i < n; i++) {
		ck_assert_int_eq(pinwatch_sim_drive(b, name, 1), 0);
		ck_assert_int_eq(pinwatch_sim_drive(b, name, 0), 0);
	}
}

int drain(pinwatch_watcher *w)
{
	int total = 0, n;

	while ((n = pinwatch_watcher_dispatch(w, 0)) > 0)
		total += n;
	ck_assert_int_ge(n, 0);
	return total;
}

void prime(pinwatch_board *b, pinwatch_watcher *w, const char *name)
{
	ck_assert_int_eq(pinwatch_sim_drive(b, name, 1), 0);
	ck_assert_int_eq(drain(w), 1);
}

size_t take(pinwatch_watcher *w, pinwatch_watch_id id, struct pinwatch_event *ev, size_t max)
{
	size_t got = 0;
	int n;

	while (got < max && (n = pinwatch_watch_read(w, id, ev + got, max - got, 0)) > 0)
		got += (size_t)n;
	return got;
}

void count_cb(const struct pinwatch_event *ev, void *ctx)
{
	(void)ev;
	__atomic_add_fetch((int *)ctx, 1, __ATOMIC_SEQ_CST);
}

int has(const char *haystack, const char *needle)
{
	return strstr(haystack, needle) != NULL;
}

char vboard[64] = VBOARD, rboard[64] = RBOARD;

void merge_boards(void)
{
	snprintf(vboard, sizeof(vboard), "%s", VBOARD);
	snprintf(rboard, sizeof(rboard), "%s", RBOARD);
}

void fd_boards(void)
{
	snprintf(vboard, sizeof(vboard), "%s,groups=fd", VBOARD);
	snprintf(rboard, sizeof(rboard), "%s,groups=fd", RBOARD);
}

pinwatch_group *group_or_fail(pinwatch_board *b, const char *const *names, size_t n,
			      const struct pinwatch_pin_config *cfg)
{
	pinwatch_group *g = NULL;
	int ret = pinwatch_group_open(b, names, n, cfg, &g);

	ck_assert_msg(ret == 0, "group open: %d %s", ret, pinwatch_last_error());
	return g;
}

pinwatch_watch_id gwatch_or_fail(pinwatch_watcher *w, pinwatch_group *g,
				 const struct pinwatch_watch_config *cfg)
{
	pinwatch_watch_id id = 0;
	int ret = pinwatch_watch_add_group(w, g, cfg, &id);

	ck_assert_msg(ret == 0, "group watch add: %d %s", ret, pinwatch_last_error());
	return id;
}
