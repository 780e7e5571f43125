/* SPDX-License-Identifier: MIT */
/* Pins: one requested line.  A pin owns its line (and so the line's
 * descriptors) and holds a reference on its board. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Check a config against what the backend can do; fill the line config. */
int pw_pin_line_config(const pinwatch_board *b, const pinwatch_pin *p,
			    const struct pinwatch_pin_config *cfg,
			       struct pw_line_config *lc)
{
	if (cfg->direction != PINWATCH_DIR_INPUT && cfg->direction != PINWATCH_DIR_OUTPUT) {
		pw_detail("direction %d: want PINWATCH_DIR_INPUT or PINWATCH_DIR_OUTPUT", cfg->direction);
		return -EINVAL;
	}
	if (cfg->bias < PINWATCH_BIAS_AS_IS || cfg->bias > PINWATCH_BIAS_PULL_DOWN) {
		pw_detail("bias %d: not a pinwatch_bias", cfg->bias);
		return -EINVAL;
	}
	if (cfg->drive < PINWATCH_DRIVE_PUSH_PULL || cfg->drive > PINWATCH_DRIVE_OPEN_SOURCE) {
		pw_detail("drive %d: not a pinwatch_drive", cfg->drive);
		return -EINVAL;
	}
	if (cfg->bias != PINWATCH_BIAS_AS_IS && !(b->caps & PW_CAP_BIAS)) {
		pw_detail("the %s backend cannot set bias (pull-up/down): set it in the device tree or board setup", b->ops->name);
		return -EOPNOTSUPP;
	}
	if (cfg->drive != PINWATCH_DRIVE_PUSH_PULL && !(b->caps & PW_CAP_DRIVE)) {
		pw_detail("the %s backend cannot set open-drain/open-source drive", b->ops->name);
		return -EOPNOTSUPP;
	}
	if (cfg->drive != PINWATCH_DRIVE_PUSH_PULL && cfg->direction != PINWATCH_DIR_OUTPUT) {
		pw_detail("drive applies to outputs only");
		return -EINVAL;
	}
	lc->direction = cfg->direction;
	lc->value = cfg->value ? 1 : 0;
	lc->active_low = cfg->active_low ? 1 : 0;
	lc->bias = cfg->bias;
	lc->drive = cfg->drive;
	lc->consumer = p->consumer;
	return 0;
}

PINWATCH_API int pinwatch_pin_open(pinwatch_board *b, const char *name,
				   const struct pinwatch_pin_config *cfg,
				   pinwatch_pin **out)
{
	static const struct pinwatch_pin_config defaults;
	unsigned bank, offset;
	pinwatch_pin *p;
	char what[128];
	int ret;

	pw_detail_clear();
	if (!out)
		return pw_errorf(-EINVAL, "pin open: NULL result pointer");
	*out = NULL;
	if (!pw_live(b, PW_KIND_BOARD))
		return pw_errorf(-EINVAL, "pin %s: open: not an open board", name ? name : "(null)");
	ret = pw_names_resolve(b, name, &bank, &offset);
	if (ret < 0)
		return ret;
	pw_pin_describe(b, name, bank, offset, what, sizeof(what));
	if (!cfg)
		cfg = &defaults;

	p = calloc(1, sizeof(*p));
	if (!p)
		return pw_fail(-ENOMEM, "%s: open", what);
	p->board = b;
	p->bank = bank;
	p->offset = offset;
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->consumer, sizeof(p->consumer), "%s",
		 cfg->consumer && *cfg->consumer ? cfg->consumer : b->consumer);
	ret = pw_pin_line_config(b, p, cfg, &p->cfg);
	if (ret < 0)
		goto err;

	/* Not under the core lock: a request may wait (sysfs permissions). */
	ret = b->ops->request(b->state, bank, offset, &p->cfg, &p->line);
	if (ret < 0)
		goto err;

	pw_lock();
	pw_board_ref_locked(b);
	pw_handle_open(&p->h, PW_KIND_PIN, what);
	pw_unlock();
	*out = p;
	return 0;
err:
	free(p);
	return pw_fail(ret, "%s: request", what);
}

PINWATCH_API int pinwatch_pin_get(pinwatch_pin *p)
{
	pw_detail_clear();
	if (!pw_live(p, PW_KIND_PIN))
		return pw_errorf(-EINVAL, "pin get: not an open pin");
	int ret = p->board->ops->get(p->line);
	return ret < 0 ? pw_fail(ret, "%s: get", p->h.what) : ret;
}

PINWATCH_API int pinwatch_pin_set(pinwatch_pin *p, int value)
{
	pw_detail_clear();
	if (!pw_live(p, PW_KIND_PIN))
		return pw_errorf(-EINVAL, "pin set: not an open pin");
	if (p->cfg.direction != PINWATCH_DIR_OUTPUT) {
		pw_detail("the line is an input; reconfigure it as an output first");
		return pw_fail(-EPERM, "%s: set", p->h.what);
	}
	int ret = p->board->ops->set(p->line, value ? 1 : 0);
	return ret < 0 ? pw_fail(ret, "%s: set", p->h.what) : 0;
}

PINWATCH_API int pinwatch_pin_reconfigure(pinwatch_pin *p, const struct pinwatch_pin_config *cfg)
{
	struct pw_line_config lc;
	int ret;

	pw_detail_clear();
	if (!cfg)
		return pw_errorf(-EINVAL, "pin reconfigure: NULL config");
	pw_lock();
	if (!pw_live(p, PW_KIND_PIN)) {
		pw_unlock();
		return pw_errorf(-EINVAL, "pin reconfigure: not an open pin");
	}
	if (p->group) {   /* issue 16 */
		pw_detail("the pin is a member of a group: use pinwatch_group_reconfigure");
		ret = -EBUSY;
		goto out;
	}
	if (p->watch) {
		pw_detail("the pin is watched; remove its watch first");
		ret = -EBUSY;
		goto out;
	}
	ret = pw_pin_line_config(p->board, p, cfg, &lc);
	if (ret < 0)
		goto out;
	/* A request may wait (sysfs): not under the core lock.  The line
	 * claim keeps a watch_add of this pin from enabling edges meanwhile. */
	pw_pin_line_claim_locked(p);
	pw_unlock();
	ret = p->board->ops->reconfigure(p->line, &lc);
	pw_lock();
	if (ret == 0)
		p->cfg = lc;
	pw_pin_line_done_locked(p);
out:
	pw_unlock();
	return ret < 0 ? pw_fail(ret, "%s: reconfigure", p->h.what) : 0;
}

PINWATCH_API const char *pinwatch_pin_name(const pinwatch_pin *p)
{
	return pw_live(p, PW_KIND_PIN) ? p->name : NULL;
}

PINWATCH_API int pinwatch_pin_info(pinwatch_pin *p, struct pinwatch_line_info *out)
{
	if (!pw_live(p, PW_KIND_PIN) || !out)
		return pw_errorf(-EINVAL, "pin info: not an open pin, or NULL result");
	/* The board may be closed by the caller already: use it internally. */
	int ret = pw_board_describe_line(p->board, p->bank, p->offset, out);
	return ret < 0 ? pw_fail(ret, "%s: read info", p->h.what) : 0;
}

PINWATCH_API void pinwatch_pin_close(pinwatch_pin *p)
{
	int was;

	if (!p)
		return;
	pw_lock();
	if (pw_live(p, PW_KIND_PIN) && p->group) {
		/* issue 16: a member is the group's to close. */
		pw_errorf(-EBUSY, "%s: close: the pin is a member of a group; pinwatch_group_close closes it",
			  p->h.what);
		pw_unlock();
		return;
	}
	if (pw_handle_close(&p->h, PW_KIND_PIN, "pinwatch_pin_close") < 0) {
		pw_unlock();   /* a double close or garbage, reported under PINWATCH_DEBUG */
		return;
	}
	/* Rule 2: closing a pin first closes its watch, synchronously. */
	if (p->watch && pw_watch_close_locked(p->watch, &was) == -EDEADLK) {
		/* Its callback runs on a dispatcher that waits for ours: the
		 * watch's release, as that callback returns, releases the pin. */
		p->release_when_unwatched = 1;
		pw_errorf(-EDEADLK, "%s: close: Resource deadlock avoided: its watch's callback is running on a "
			  "dispatcher that is waiting for this thread's own callback; the pin is released when "
			  "that callback returns", p->h.what);
		pw_unlock();
		return;
	}
	pw_pin_release_locked(p);
	pw_unlock();
}
