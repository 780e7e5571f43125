/* SPDX-License-Identifier: MIT */
/*
 * The public control API of sim boards (pinwatch_sim_*): the world outside
 * the chip, played by a test, the CLI or a demo.  Each call checks that the
 * board is a sim board and resolves names through the core before taking
 * the board's mutex: nothing here calls into the core with it held.
 */
#include <errno.h>
#include <stdio.h>

#include "sim.h"

/* The sim state of B, or -errno with the message set. */
static int board_state(pinwatch_board *b, struct sim_board **sb)
{
	void *state;
	int ret = pw_board_backend_state(b, &pw_backend_sim, &state);

	if (ret < 0)
		return ret;
	*sb = state;
	return 0;
}

/* Resolve NAME to a line of the sim board; -errno with the message set. */
static int board_line(pinwatch_board *b, const char *name, const char *op,
		      struct sim_board **sb, struct sim_line **l)
{
	unsigned bank, offset;
	int ret = board_state(b, sb);

	if (ret < 0)
		return ret;
	if (!name)
		return pw_fail(-EINVAL, "sim %s: NULL pin name", op);
	ret = pw_board_resolve(b, name, &bank, &offset);
	if (ret < 0)
		return ret;
	*l = pw_sim_line_at(*sb, bank, offset);
	if (!*l)
		return pw_fail(-ERANGE, "sim %s: pin %s", op, name);
	return 0;
}

PINWATCH_API int pinwatch_sim_drive(pinwatch_board *b, const char *name, int level)
{
	struct sim_board *sb;
	struct sim_line *l;
	int ret = board_line(b, name, "drive", &sb, &l);

	if (ret < 0)
		return ret;
	if (level != PINWATCH_SIM_LOW && level != PINWATCH_SIM_HIGH && level != PINWATCH_SIM_FLOAT)
		return pw_fail(-EINVAL, "sim: pin %s: drive %d: want PINWATCH_SIM_LOW, _HIGH or _FLOAT",
			       name, level);
	pthread_mutex_lock(&sb->mu);
	ret = pw_sim_line_gone_locked(l);
	if (ret == 0) {
		l->ext = level;
		pw_sim_line_update(l, pw_sim_now(sb));
	}
	pthread_mutex_unlock(&sb->mu);
	return ret < 0 ? pw_fail(ret, "sim: pin %s: drive", name) : 0;
}

PINWATCH_API int pinwatch_sim_sense(pinwatch_board *b, const char *name)
{
	struct sim_board *sb;
	struct sim_line *l;
	int ret = board_line(b, name, "sense", &sb, &l);

	if (ret < 0)
		return ret;
	pthread_mutex_lock(&sb->mu);
	ret = pw_sim_line_gone_locked(l);
	if (ret == 0)
		ret = l->level;
	pthread_mutex_unlock(&sb->mu);
	return ret < 0 ? pw_fail(ret, "sim: pin %s: sense", name) : ret;
}

PINWATCH_API int pinwatch_sim_wire(pinwatch_board *b, const char *out, const char *in)
{
	struct sim_board *sb;
	struct sim_line *lo, *li;
	int ret = board_line(b, out, "wire", &sb, &lo);

	if (ret == 0)
		ret = board_line(b, in, "wire", &sb, &li);
	if (ret < 0)
		return ret;
	pthread_mutex_lock(&sb->mu);
	ret = pw_sim_line_gone_locked(lo);
	if (ret == 0)
		ret = pw_sim_line_gone_locked(li);
	if (ret == 0)
		ret = pw_sim_wire(lo, li, pw_sim_now(sb));
	pthread_mutex_unlock(&sb->mu);
	return ret < 0 ? pw_fail(ret, "sim: wire %s -> %s", out, in) : 0;
}

PINWATCH_API int pinwatch_sim_unwire(pinwatch_board *b, const char *in)
{
	struct sim_board *sb;
	struct sim_line *l;
	int ret = board_line(b, in, "unwire", &sb, &l);

	if (ret < 0)
		return ret;
	pthread_mutex_lock(&sb->mu);
	if (!l->src) {
		pw_detail("nothing is wired onto it");
		ret = -ENOENT;
	} else {
		pw_sim_unwire(l, pw_sim_now(sb));
	}
	pthread_mutex_unlock(&sb->mu);
	return ret < 0 ? pw_fail(ret, "sim: pin %s: unwire", in) : 0;
}

PINWATCH_API int pinwatch_sim_pulse(pinwatch_board *b, const char *name,
				    const struct pinwatch_sim_pulse *spec,
				    unsigned *gen_id)
{
	struct sim_board *sb;
	struct sim_line *l;
	int ret = board_line(b, name, "pulse", &sb, &l);

	if (ret < 0)
		return ret;
	if (!spec || !gen_id)
		return pw_fail(-EINVAL, "sim: pin %s: pulse: NULL spec or generator id", name);
	ret = pw_sim_gen_start(sb, l, spec, gen_id);
	return ret < 0 ? pw_fail(ret, "sim: pin %s: pulse", name) : 0;
}

PINWATCH_API int pinwatch_sim_pulse_stop(pinwatch_board *b, unsigned gen_id)
{
	struct sim_board *sb;
	int ret = board_state(b, &sb);

	if (ret < 0)
		return ret;
	ret = pw_sim_gen_stop(sb, gen_id);
	return ret < 0 ? pw_fail(ret, "sim: generator %u: stop", gen_id) : 0;
}

PINWATCH_API int pinwatch_sim_pulse_wait(pinwatch_board *b, unsigned gen_id, int timeout_ms)
{
	struct sim_board *sb;
	int ret = board_state(b, &sb);

	if (ret < 0)
		return ret;
	ret = pw_sim_gen_wait(sb, gen_id, timeout_ms);
	return ret < 0 ? pw_fail(ret, "sim: generator %u: wait", gen_id) : ret;
}

PINWATCH_API int pinwatch_sim_advance(pinwatch_board *b, uint64_t ns)
{
	struct sim_board *sb;
	int ret = board_state(b, &sb);

	if (ret < 0)
		return ret;
	if (!sb->virtual_clock) {
		pw_detail("the board runs on the real clock; open it with clock=virtual (e.g. \"sim:aria-g25,clock=virtual\")");
		return pw_fail(-EOPNOTSUPP, "sim: advance the clock");
	}
	/* The whole step under the mutex: concurrent advances serialize and
	 * every transition is played exactly once, in time order. */
	pthread_mutex_lock(&sb->mu);
	pw_sim_advance_locked(sb, ns);
	pthread_mutex_unlock(&sb->mu);
	return 0;
}

PINWATCH_API int pinwatch_sim_now(pinwatch_board *b, uint64_t *ns)
{
	struct sim_board *sb;
	int ret = board_state(b, &sb);

	if (ret < 0)
		return ret;
	if (!ns)
		return pw_fail(-EINVAL, "sim: now: NULL result");
	pthread_mutex_lock(&sb->mu);
	*ns = pw_sim_now(sb);
	pthread_mutex_unlock(&sb->mu);
	return 0;
}

static int check_fault(const struct sim_board *sb, const struct pinwatch_sim_fault *f)
{
	switch (f->kind) {
	case PINWATCH_SIM_FAULT_FAIL:
		if (f->op < PINWATCH_SIM_OP_REQUEST || f->op > PINWATCH_SIM_OP_READ) {
			pw_detail("op %d: not a pinwatch_sim_op", f->op);
			return -EINVAL;
		}
		if (f->error <= 0 || f->error >= 4096) {
			pw_detail("error %d: want a positive errno (e.g. EIO)", f->error);
			return -EINVAL;
		}
		return 0;
	case PINWATCH_SIM_FAULT_BANK_GONE:
		if (f->bank < 0 || (unsigned)f->bank >= sb->num_banks) {
			pw_detail("bank %d: the board has banks 0 to %u", f->bank, sb->num_banks - 1);
			return -EINVAL;
		}
		return 0;
	case PINWATCH_SIM_FAULT_SHORT_READ:
	case PINWATCH_SIM_FAULT_EINTR:
	case PINWATCH_SIM_FAULT_CLEAR:
		return 0;
	default:
		pw_detail("kind %d: not a pinwatch_sim_fault_kind", f->kind);
		return -EINVAL;
	}
}

PINWATCH_API int pinwatch_sim_fault(pinwatch_board *b, const struct pinwatch_sim_fault *f)
{
	struct sim_board *sb;
	unsigned bank = 0, offset = 0;
	int ret = board_state(b, &sb);

	if (ret < 0)
		return ret;
	if (!f)
		return pw_fail(-EINVAL, "sim: inject fault: NULL fault");
	ret = check_fault(sb, f);
	if (ret < 0)
		return pw_fail(ret, "sim: inject fault");
	if (f->pin && f->kind != PINWATCH_SIM_FAULT_BANK_GONE && f->kind != PINWATCH_SIM_FAULT_CLEAR) {
		ret = pw_board_resolve(b, f->pin, &bank, &offset);
		if (ret < 0)
			return ret;
	}
	pthread_mutex_lock(&sb->mu);
	if (f->kind == PINWATCH_SIM_FAULT_CLEAR)
		pw_sim_fault_free_all(sb);
	else if (f->kind == PINWATCH_SIM_FAULT_BANK_GONE)
		pw_sim_bank_gone(&sb->banks[f->bank]);
	else
		ret = pw_sim_fault_add(sb, f, !f->pin, bank, offset);
	pthread_mutex_unlock(&sb->mu);
	return ret < 0 ? pw_fail(ret, "sim: inject fault") : 0;
}

PINWATCH_API int pinwatch_sim_line_stats(pinwatch_board *b, const char *name,
					 struct pinwatch_sim_line_stats *out)
{
	struct sim_board *sb;
	struct sim_line *l;
	int ret = board_line(b, name, "line stats", &sb, &l);

	if (ret < 0)
		return ret;
	if (!out)
		return pw_fail(-EINVAL, "sim: pin %s: line stats: NULL result", name);
	pthread_mutex_lock(&sb->mu);
	*out = l->st;
	pthread_mutex_unlock(&sb->mu);
	return 0;
}
