/* SPDX-License-Identifier: MIT */
/* Boards: one opened backend instance, its banks and names, reference
 * counted by the caller and by every pin opened on it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const core_options[] = { "board", "consumer", NULL };

static int option_known(const char *const *list, const char *key)
{
	for (; list && *list; list++)
		if (!strcmp(*list, key))
			return 1;
	return 0;
}

static void list_options(char *buf, size_t len, const struct pw_backend_ops *ops)
{
	const char *const *lists[] = { core_options, ops->options };

	buf[0] = '\0';
	for (size_t l = 0; l < PW_ARRAY_SIZE(lists); l++)
		for (const char *const *o = lists[l]; o && *o; o++) {
			size_t n = strlen(buf);
			snprintf(buf + n, len - n, "%s%s", n ? ", " : "", *o);
		}
}

static int check_options(const struct pw_spec *spec, const struct pw_backend_ops *ops)
{
	char known[256];

	for (size_t i = 0; i < spec->nopts; i++) {
		if (option_known(core_options, spec->opts[i].key) ||
		    option_known(ops->options, spec->opts[i].key))
			continue;
		list_options(known, sizeof(known), ops);
		return pw_errorf(-EINVAL, "board %s: unknown option '%s' (%s takes: %s)",
				 ops->name, spec->opts[i].key, ops->name, known);
	}
	return 0;
}

static void free_banks(pinwatch_board *b)
{
	for (unsigned i = 0; i < b->num_banks; i++)
		free(b->banks[i].names);
	free(b->banks);
	b->banks = NULL;
	b->num_banks = 0;
}

/* Cache banks and line names: names are resolved without backend I/O. */
static int load_banks(pinwatch_board *b)
{
	int n = b->ops->num_banks(b->state);

	if (n < 0)
		return pw_fail(n, "board %s: list banks", b->spec);
	b->banks = calloc((size_t)n ? (size_t)n : 1, sizeof(*b->banks));
	if (!b->banks)
		return pw_fail(-ENOMEM, "board %s: list banks", b->spec);
	b->num_banks = (unsigned)n;
	for (unsigned i = 0; i < b->num_banks; i++) {
		struct pw_bank *bk = &b->banks[i];
		int ret = b->ops->bank_info(b->state, i, &bk->info);
		if (ret < 0)
			return pw_fail(ret, "board %s: bank %u: read info", b->spec, i);
		bk->profile_bank = -1;
		for (unsigned p = 0; b->profile && p < b->profile->num_banks; p++)
			if (!strcmp(b->profile->banks[p].label, bk->info.label))
				bk->profile_bank = (int)p;
		bk->names = calloc(bk->info.num_lines ? bk->info.num_lines : 1, sizeof(*bk->names));
		if (!bk->names)
			return pw_fail(-ENOMEM, "board %s: list lines", b->spec);
		for (unsigned o = 0; o < bk->info.num_lines; o++) {
			struct pinwatch_line_info li;
			memset(&li, 0, sizeof(li));
			if (b->ops->line_info(b->state, i, o, &li) == 0 && li.name[0])
				snprintf(bk->names[o], sizeof(bk->names[o]), "%s", li.name);
			else if (bk->profile_bank >= 0)
				snprintf(bk->names[o], sizeof(bk->names[o]), "%s%u",
					 b->profile->banks[bk->profile_bank].line_prefix, o);
		}
	}
	return 0;
}

static const struct pw_backend_ops *pick_backend(const struct pw_spec *spec, const char *text)
{
	const struct pw_backend_ops *ops;

	if (!strcmp(spec->backend, "auto")) {
		/* An argument means one backend's path: it would be given to
		 * whichever auto finds, and mean nothing (or the wrong thing)
		 * there. */
		if (spec->arg) {
			pw_errorf(-EINVAL, "board %s: auto takes no ':%s' (it picks chardev or sysfs itself; give the path to one: chardev:%s or sysfs:%s)",
				  text, spec->arg, spec->arg, spec->arg);
			return NULL;
		}
		ops = pw_backend_auto();
		if (!ops)
			pw_errorf(-ENODEV, "board %s: no GPIO found (no /dev/gpiochip*, no /sys/class/gpio); for the simulator use \"sim\" or \"sim:aria-g25\"", text);
		return ops;
	}
	ops = pw_backend_find(spec->backend);
	if (!ops)
		pw_errorf(-EINVAL, "board %s: unknown backend '%s' (known: %s)", text, spec->backend,
			  pw_backend_names());
	return ops;
}

PINWATCH_API int pinwatch_board_open(const char *spec_text, pinwatch_board **out)
{
	struct pw_spec spec;
	pinwatch_board *b;
	int ret;

	pw_detail_clear();
	if (!out)
		return pw_errorf(-EINVAL, "board open: NULL result pointer");
	*out = NULL;
	ret = pw_spec_parse(spec_text, &spec);
	if (ret < 0)
		return ret;
	const struct pw_backend_ops *ops = pick_backend(&spec, spec_text);
	if (!ops) {
		ret = strcmp(spec.backend, "auto") || spec.arg ? -EINVAL : -ENODEV;
		pw_spec_free(&spec);
		return ret;
	}
	ret = check_options(&spec, ops);
	if (ret < 0)
		goto err_spec;

	const char *profile_name = pw_spec_get(&spec, "board");
	const char *arg = spec.arg;
	if (ops->arg_is_profile && arg) {
		if (profile_name && strcmp(profile_name, arg)) {
			ret = pw_errorf(-EINVAL, "board %s: two profiles given ('%s' and board=%s)",
					spec_text, arg, profile_name);
			goto err_spec;
		}
		profile_name = arg;
		arg = NULL;
	}
	const struct pw_profile *profile = NULL;
	if (profile_name) {
		profile = pw_profile_find(profile_name);
		if (!profile) {
			ret = pw_errorf(-EINVAL, "board %s: unknown board profile '%s' (known: %s)",
					spec_text, profile_name, pw_profile_names());
			goto err_spec;
		}
	}

	b = calloc(1, sizeof(*b));
	if (!b) {
		ret = pw_errorf(-ENOMEM, "board %s: out of memory", spec_text);
		goto err_spec;
	}
	b->ops = ops;
	b->profile = profile;
	snprintf(b->spec, sizeof(b->spec), "%s", spec_text);
	const char *consumer = pw_spec_get(&spec, "consumer");
	snprintf(b->consumer, sizeof(b->consumer), "%s",
		 consumer && *consumer ? consumer : program_invocation_short_name);

	struct pw_open_args args = { .arg = arg, .spec = &spec, .profile = profile };
	ret = ops->open(&args, &b->state);
	if (ret < 0) {
		pw_fail(ret, "board %s: open", spec_text);
		free(b);
		goto err_spec;
	}
	b->caps = ops->caps(b->state);
	b->clock = ops->clock(b->state);
	ret = load_banks(b);
	if (ret < 0) {
		free_banks(b);
		ops->close(b->state);
		free(b);
		goto err_spec;
	}
	pw_spec_free(&spec);

	b->refs = 1;
	char what[128];
	snprintf(what, sizeof(what), "board %s", b->spec);
	pw_lock();
	pw_handle_open(&b->h, PW_KIND_BOARD, what);
	pw_unlock();
	*out = b;
	return 0;

err_spec:
	pw_spec_free(&spec);
	return ret;
}

void pw_board_ref_locked(pinwatch_board *b)
{
	b->refs++;
}

pinwatch_board *pw_board_unref_locked(pinwatch_board *b)
{
	return --b->refs > 0 ? NULL : b;
}

void pw_board_finish(pinwatch_board *b)
{
	b->ops->close(b->state);   /* backend I/O: never under the core lock */
	free_banks(b);
	pw_lock();
	pw_handle_free(&b->h);
	pw_unlock();
}

void pw_board_drop_locked(pinwatch_board *b)
{
	pinwatch_board *last = pw_board_unref_locked(b);

	if (last) {
		pw_unlock();
		pw_board_finish(last);
		pw_lock();
	}
}

PINWATCH_API void pinwatch_board_close(pinwatch_board *b)
{
	pinwatch_board *last = NULL;

	if (!b)
		return;
	pw_lock();
	/* Pins still open keep the board (and its backend) alive. */
	if (pw_handle_close(&b->h, PW_KIND_BOARD, "pinwatch_board_close") == 0)
		last = pw_board_unref_locked(b);
	pw_unlock();
	if (last)
		pw_board_finish(last);
}

/* The board's public calls take only a handle the caller still holds (the
 * one check, pw_live): a board the caller closed is not usable through its
 * handle, even while its pins keep it alive internally (through p->board). */

PINWATCH_API const char *pinwatch_board_backend(const pinwatch_board *b)
{
	return pw_live(b, PW_KIND_BOARD) ? b->ops->name : NULL;
}

PINWATCH_API const char *pinwatch_board_profile(const pinwatch_board *b)
{
	return pw_live(b, PW_KIND_BOARD) && b->profile ? b->profile->name : NULL;
}

PINWATCH_API int pinwatch_board_clock(const pinwatch_board *b)
{
	if (!pw_live(b, PW_KIND_BOARD))
		return pw_errorf(-EINVAL, "board clock: not an open board");
	return b->clock;
}

PINWATCH_API int pinwatch_board_num_banks(const pinwatch_board *b)
{
	if (!pw_live(b, PW_KIND_BOARD))
		return pw_errorf(-EINVAL, "board banks: not an open board");
	return (int)b->num_banks;
}

PINWATCH_API int pinwatch_board_bank_info(const pinwatch_board *b, unsigned bank,
					  struct pinwatch_bank_info *out)
{
	if (!pw_live(b, PW_KIND_BOARD) || !out)
		return pw_errorf(-EINVAL, "bank info: NULL board or result");
	if (bank >= b->num_banks)
		return pw_errorf(-ERANGE, "board %s: bank %u: no such bank (the board has %u)",
				 b->spec, bank, b->num_banks);
	*out = b->banks[bank].info;
	return 0;
}

int pw_board_describe_line(pinwatch_board *b, unsigned bank, unsigned offset,
			   struct pinwatch_line_info *out)
{
	memset(out, 0, sizeof(*out));
	pw_detail_clear();
	int ret = b->ops->line_info(b->state, bank, offset, out);
	if (ret < 0)
		return ret;
	out->bank = bank;
	out->offset = offset;
	out->global = pw_names_global(b, bank, offset);
	if (!out->name[0])
		snprintf(out->name, sizeof(out->name), "%s", b->banks[bank].names[offset]);
	const char *hdr = pw_names_header(b, bank, offset);
	snprintf(out->header, sizeof(out->header), "%s", hdr ? hdr : "");
	snprintf(out->bank_label, sizeof(out->bank_label), "%s", b->banks[bank].info.label);
	return 0;
}

PINWATCH_API int pinwatch_board_line_info_at(pinwatch_board *b, unsigned bank,
					     unsigned offset,
					     struct pinwatch_line_info *out)
{
	if (!pw_live(b, PW_KIND_BOARD) || !out)
		return pw_errorf(-EINVAL, "line info: NULL board or result");
	if (bank >= b->num_banks || offset >= b->banks[bank].info.num_lines)
		return pw_errorf(-ERANGE, "board %s: line %u:%u: no such line", b->spec, bank, offset);
	int ret = pw_board_describe_line(b, bank, offset, out);
	if (ret < 0)
		return pw_fail(ret, "board %s: line %s:%u: read info", b->spec,
			       b->banks[bank].info.label, offset);
	return 0;
}

PINWATCH_API int pinwatch_board_line_info(pinwatch_board *b, const char *name,
					  struct pinwatch_line_info *out)
{
	unsigned bank, offset;

	if (!pw_live(b, PW_KIND_BOARD) || !out)
		return pw_errorf(-EINVAL, "line info: NULL board or result");
	pw_detail_clear();
	int ret = pw_names_resolve(b, name, &bank, &offset);
	if (ret < 0)
		return ret;
	return pinwatch_board_line_info_at(b, bank, offset, out);
}

int pw_board_backend_state(pinwatch_board *b, const struct pw_backend_ops *ops, void **state)
{
	pw_detail_clear();   /* the entry of every backend control call */
	if (!pw_live(b, PW_KIND_BOARD))
		return pw_errorf(-EINVAL, "%s: not an open board", ops->name);
	if (b->ops != ops)
		return pw_errorf(-EOPNOTSUPP, "board %s: %s control: Operation not supported: this is a %s board, not a %s board",
				 b->spec, ops->name, b->ops->name, ops->name);
	*state = b->state;
	return 0;
}

int pw_board_resolve(pinwatch_board *b, const char *name, unsigned *bank, unsigned *offset)
{
	pw_detail_clear();
	return pw_names_resolve(b, name, bank, offset);
}
