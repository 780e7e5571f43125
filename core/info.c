/* SPDX-License-Identifier: MIT */
/*
 * The line-info watch: changes of a line's info (requested, released,
 * reconfigured; by whom, when), whoever holds the line.
 *
 * An info watch is an ordinary struct pw_watch of its watcher -- same slot
 * ids, same epoll registration, same closing path, same dispatch and
 * callback/queue delivery -- whose source is the backend's info watch
 * instead of a pin's line.  So the removal guarantees (no callback after
 * remove returns, -EDEADLK, prompt stop and free) are the edge watches',
 * not a second implementation.  Its events carry the line's info after the
 * change; that does not fit in struct pinwatch_event, so each event points
 * at a struct pinwatch_line_info kept beside it: in the backlog (valid
 * during the callback) or beside the queue slot (copied out by
 * pinwatch_info_read).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "internal.h"

#define PW_INFO_BATCH 16

PINWATCH_API const char *pinwatch_info_kind_name(int kind)
{
	switch (kind) {
	case PINWATCH_INFO_REQUESTED: return "requested";
	case PINWATCH_INFO_RELEASED: return "released";
	case PINWATCH_INFO_RECONFIGURED: return "reconfigured";
	default: return NULL;
	}
}

static int check_info_config(const struct pinwatch_watch_config *cfg)
{
	if (cfg->edges || cfg->debounce_ns || cfg->event_buffer || cfg->idle_ns || cfg->event_clock) {
		pw_detail("an info watch takes a callback or a queue (and ctx); edges, debounce_ns, "
			  "event_buffer, idle_ns and event_clock are for edge watches and must be 0");
		return -EINVAL;
	}
	if (cfg->callback && cfg->queue_size) {
		pw_detail("a watch has a callback or a queue, not both");
		return -EINVAL;
	}
	if (cfg->ctx_size && !cfg->ctx) {
		pw_detail("ctx_size %zu with a NULL ctx", cfg->ctx_size);
		return -EINVAL;
	}
	return 0;
}

void pw_info_free(struct pw_watch *wa)
{
	if (!wa->info)
		return;
	free(wa->info->queue_info);
	free(wa->info);
	wa->info = NULL;
}

/* The backend's info watch, opened before any core object links to it (no
 * I/O under the core lock, and nothing to undo but the source itself). */
static int open_source(pinwatch_board *b, unsigned bank, unsigned offset, void **src, int *fd)
{
	if (!b->ops->info_watch) {
		pw_detail("the %s backend has no line-info watch (no change notification for a line's requests)",
			  b->ops->name);
		return -EOPNOTSUPP;
	}
	return b->ops->info_watch(b->state, bank, offset, src, fd);
}

PINWATCH_API int pinwatch_info_watch_add(pinwatch_watcher *w, pinwatch_board *b,
					 const char *name,
					 const struct pinwatch_watch_config *cfg,
					 pinwatch_watch_id *out)
{
	static const struct pinwatch_watch_config defaults;
	struct pw_watch *wa = NULL;
	unsigned bank, offset;
	char what[128];
	void *src = NULL;
	int fd = -1, ret, was;

	pw_detail_clear();
	if (!out)
		return pw_errorf(-EINVAL, "info watch add: NULL id pointer");
	*out = 0;
	if (!cfg)
		cfg = &defaults;
	if (!pw_live(b, PW_KIND_BOARD))
		return pw_errorf(-EINVAL, "line %s: watch info: not an open board", name ? name : "(null)");
	ret = pw_names_resolve(b, name, &bank, &offset);
	if (ret < 0)
		return ret;
	pw_pin_describe(b, name, bank, offset, what, sizeof(what));
	ret = check_info_config(cfg);
	if (ret < 0)
		return pw_fail(ret, "%s: watch info", what);

	ret = open_source(b, bank, offset, &src, &fd);
	if (ret < 0)
		return pw_fail(ret, "%s: watch info", what);

	pw_lock();
	if (!pw_live(w, PW_KIND_WATCHER) || !pw_live(b, PW_KIND_BOARD)) {
		ret = -EINVAL;
		pw_detail("not an open watcher and board (closed meanwhile?)");
		goto err_src;
	}
	wa = pw_watch_new_locked(w, NULL, what, cfg, &ret);
	if (!wa)
		goto err_src;
	wa->cfg.edges = 0;
	wa->clock = b->clock;
	ret = -ENOMEM;
	wa->info = calloc(1, sizeof(*wa->info));
	if (!wa->info)
		goto err_watch;
	if (cfg->queue_size) {
		wa->info->queue_info = calloc((size_t)cfg->queue_size + 1, sizeof(struct pinwatch_line_info));
		if (!wa->info->queue_info)
			goto err_watch;
	}
	ret = pw_slots_add_locked(w, wa);
	if (ret < 0)
		goto err_watch;
	/* From here the closing path owns the source: it releases it and the
	 * board reference (pw_info_finish_locked). */
	wa->info->board = b;
	wa->info->src = src;
	wa->info->bank = bank;
	wa->info->offset = offset;
	wa->fd = fd;
	pw_board_ref_locked(b);
	struct epoll_event ee = {
		.events = EPOLLIN | EPOLLPRI | EPOLLERR | EPOLLHUP,
		.data.u64 = wa->id,
	};
	if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, fd, &ee) < 0) {
		ret = -errno;
		pw_detail("epoll_ctl: cannot watch descriptor %d", fd);
		wa->st.error = ret;   /* never in epoll: nothing to take out */
		wa->refs++;
		pw_watch_close_locked(wa, &was);
		pw_watch_unref_locked(wa);
		pw_unlock();
		return pw_fail(ret, "%s: watch info", what);
	}
	*out = wa->id;
	pw_unlock();
	return 0;

err_watch:
	pw_watch_unref_locked(wa);
err_src:
	pw_unlock();
	b->ops->info_unwatch(src);
	return pw_fail(ret, "%s: watch info", what);
}

void pw_info_finish_locked(struct pw_watch *wa)
{
	struct pw_info_watch *iw = wa->info;
	void *src = iw->src;
	pinwatch_board *b = iw->board;

	if (!src)
		return;   /* released already, or under way */
	iw->src = NULL;
	pw_unlock();
	b->ops->info_unwatch(src);   /* closes the descriptor: it left epoll already */
	pw_lock();
	iw->board = NULL;
	pw_board_drop_locked(b);
	pw_watch_unref_locked(wa);   /* the slot's reference */
	pw_broadcast();
}

/* The core's parts of the line info (names, numbers), as
 * pw_board_describe_line fills them. */
static void fill_names(const pinwatch_board *b, unsigned bank, unsigned offset,
		       struct pinwatch_line_info *info)
{
	info->bank = bank;
	info->offset = offset;
	info->global = pw_names_global(b, bank, offset);
	if (!info->name[0])
		snprintf(info->name, sizeof(info->name), "%s", b->banks[bank].names[offset]);
	const char *hdr = pw_names_header(b, bank, offset);
	snprintf(info->header, sizeof(info->header), "%s", hdr ? hdr : "");
	snprintf(info->bank_label, sizeof(info->bank_label), "%s", b->banks[bank].info.label);
}

static size_t account_locked(struct pw_watch *wa, const struct pw_raw_info_event *raw,
			     size_t nraw)
{
	struct pw_info_watch *iw = wa->info;
	size_t nout = 0, queued_before = wa->queue.len;

	for (size_t i = 0; i < nraw; i++) {
		struct pinwatch_line_info info = raw[i].info;
		fill_names(iw->board, iw->bank, iw->offset, &info);
		wa->seqno++;
		if (!wa->cfg.queue_size && !wa->cfg.callback) {
			wa->st.delivered++;   /* counters only */
			continue;
		}
		struct pinwatch_event ev = {
			.pin = NULL,
			.watch = wa->id,
			.edge = PINWATCH_EVENT_INFO,
			.value = raw[i].kind,
			.timestamp_ns = raw[i].timestamp_ns,
			.seqno = wa->seqno,
			.lost = wa->pending_lost,
			.clock = raw[i].clock,
		};
		if (wa->cfg.queue_size) {
			unsigned at = (wa->queue.head + wa->queue.len) % (wa->queue.cap + 1);
			if (pw_queue_push(&wa->queue, &ev, 0) < 0) {
				wa->st.lost_queue++;
				wa->st.lost++;
				wa->pending_lost = ev.lost + 1;
				continue;
			}
			iw->queue_info[at] = info;
			wa->st.delivered++;
		} else {
			iw->backlog_info[nout] = info;
			ev.info = &iw->backlog_info[nout];
			wa->backlog[nout++] = ev;
		}
		wa->pending_lost = 0;
	}
	if (wa->queue.len != queued_before && wa->readers)
		pthread_cond_broadcast(&wa->cv);
	return nout;
}

int pw_info_read_locked(struct pw_watch *wa, size_t *nout)
{
	struct pw_raw_info_event raw[PW_INFO_BATCH];
	struct pw_info_watch *iw = wa->info;
	pinwatch_board *b = iw->board;
	void *src = iw->src;
	int n;

	*nout = 0;
	if (!src)
		return 0;
	pw_unlock();
	memset(raw, 0, sizeof(raw));
	for (int i = 0;; i++) {
		n = b->ops->info_read(src, raw, PW_INFO_BATCH);
		if (n != -EINTR || i == PW_EINTR_RETRIES)
			break;
	}
	pw_lock();
	if (wa->closing)
		return n > 0 ? n : 0;
	if (n > 0) {
		wa->stalls = 0;
		*nout = account_locked(wa, raw, (size_t)n);
	} else if (n == 0) {
		wa->stalls = 0;
	} else if (n == -EINTR || n == -EAGAIN) {
		if (++wa->stalls >= PW_STALL_LIMIT)
			*nout = pw_account_fault_locked(wa, n, wa->backlog);
	} else {
		*nout = pw_account_fault_locked(wa, n, wa->backlog);
	}
	return n > 0 ? n : 0;
}

PINWATCH_API int pinwatch_info_read(pinwatch_watcher *w, pinwatch_watch_id id,
				    struct pinwatch_info_event *ev, size_t n, int timeout_ms)
{
	int ret;
	struct pw_watch *wa = pw_queue_wait(w, id, 1, ev, n, timeout_ms, &ret);
	size_t taken = 0;

	if (!wa)
		return ret;
	while (taken < n && wa->queue.len) {
		unsigned at = wa->queue.head;
		pw_queue_pop(&wa->queue, &ev[taken].ev, 1);
		if (ev[taken].ev.edge == PINWATCH_EVENT_INFO) {
			ev[taken].info = wa->info->queue_info[at];
			ev[taken].ev.info = &ev[taken].info;
		} else {
			memset(&ev[taken].info, 0, sizeof(ev[taken].info));
			ev[taken].ev.info = NULL;
		}
		taken++;
	}
	pw_queue_done_locked(wa);
	return (int)taken;
}
