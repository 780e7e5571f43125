/* SPDX-License-Identifier: MIT */
/*
 * Fault injection: the nth call of an operation fails with a given errno,
 * a read returns short or EINTR, a whole bank disappears.  Every fault path
 * of the core can be driven from a test (SQLite's habit).  All with the
 * board's mutex held.
 */
#include <errno.h>
#include <stdlib.h>

#include "sim.h"

int pw_sim_fault_add(struct sim_board *sb, const struct pinwatch_sim_fault *f,
		  int any_line, unsigned bank, unsigned offset)
{
	struct sim_fault *nf = calloc(1, sizeof(*nf));

	if (!nf)
		return -ENOMEM;
	nf->kind = f->kind;
	nf->op = f->kind == PINWATCH_SIM_FAULT_FAIL ? f->op : PINWATCH_SIM_OP_READ;
	nf->nth = f->nth;
	nf->error = f->error;
	nf->any_line = any_line;
	nf->bank = bank;
	nf->offset = offset;
	/* Appended: faults meet calls in the order they were injected. */
	struct sim_fault **pp = &sb->faults;
	while (*pp)
		pp = &(*pp)->next;
	*pp = nf;
	return 0;
}

static int matches(const struct sim_fault *f, int op, const struct sim_line *l)
{
	if (f->op != op)
		return 0;
	if (f->any_line)
		return 1;
	return l && l->bank->index == f->bank && l->offset == f->offset;
}

int pw_sim_fault_hit(struct sim_board *sb, int op, const struct sim_line *l,
		  int *short_read)
{
	struct sim_fault **pp = &sb->faults;
	int ret = 0;

	while (*pp) {
		struct sim_fault *f = *pp;
		if (!matches(f, op, l)) {
			pp = &f->next;
			continue;
		}
		/* Every matching call counts toward every fault's nth. */
		f->calls++;
		if (f->nth && f->calls != f->nth) {
			pp = &f->next;
			continue;
		}
		if (f->kind == PINWATCH_SIM_FAULT_SHORT_READ) {
			if (short_read)
				*short_read = 1;
		} else if (!ret) {
			ret = f->kind == PINWATCH_SIM_FAULT_EINTR ? -EINTR : -f->error;
			if (f->nth)
				pw_detail("injected fault (call %u)", f->nth);
			else
				pw_detail("injected fault (every call)");
		}
		if (f->nth) {
			/* A one-shot fault is spent. */
			*pp = f->next;
			free(f);
		} else {
			pp = &f->next;
		}
	}
	return ret;
}

void pw_sim_fault_free_all(struct sim_board *sb)
{
	while (sb->faults) {
		struct sim_fault *f = sb->faults;
		sb->faults = f->next;
		free(f);
	}
}

int pw_sim_line_gone_locked(const struct sim_line *l)
{
	if (!l->bank->gone)
		return 0;
	pw_detail("bank %s is gone (injected fault)", l->bank->info.label);
	return -ENODEV;
}

void pw_sim_bank_gone(struct sim_bank *bk)
{
	if (bk->gone)
		return;
	bk->gone = 1;
	/* Closing the write ends makes every watched read end report
	 * EPOLLHUP, as a vanished device's descriptors do; the read ends stay
	 * with their lines until the core releases them. */
	for (unsigned o = 0; o < bk->info.num_lines; o++) {
		pw_fd_close(&bk->lines[o].wfd);
		/* info watches too: their next read says the bank is gone */
		for (struct sim_info_watch *iw = bk->lines[o].info_watchers; iw; iw = iw->next)
			pw_fd_close(&iw->wfd);
	}
}
