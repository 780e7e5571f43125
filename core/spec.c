/* SPDX-License-Identifier: MIT */
/* Board specs: "BACKEND[:ARG][,KEY[=VALUE]...]".  The parser only splits;
 * what keys mean is the board's and the backends' business. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define PW_SPEC_MAX_LEN 512

static int valid_word(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return 0;
	return 1;
}

int pw_spec_parse(const char *text, struct pw_spec *out)
{
	memset(out, 0, sizeof(*out));
	if (!text || !*text)
		return pw_errorf(-EINVAL, "board spec: empty (try \"sim\", \"sysfs\", \"chardev\" or \"auto\")");
	if (strlen(text) > PW_SPEC_MAX_LEN)
		return pw_errorf(-EINVAL, "board spec: longer than %d characters", PW_SPEC_MAX_LEN);
	out->buf = strdup(text);
	if (!out->buf)
		return pw_errorf(-ENOMEM, "board spec: out of memory");

	char *opts = strchr(out->buf, ',');
	if (opts)
		*opts++ = '\0';
	char *arg = strchr(out->buf, ':');
	if (arg) {
		*arg++ = '\0';
		if (!*arg) {
			int ret = pw_errorf(-EINVAL, "board spec '%s': empty argument after ':'", text);
			pw_spec_free(out);
			return ret;
		}
		out->arg = arg;
	}
	out->backend = out->buf;
	if (!valid_word(out->backend)) {
		int ret = pw_errorf(-EINVAL, "board spec '%s': bad backend name", text);
		pw_spec_free(out);
		return ret;
	}
	while (opts) {
		char *next = strchr(opts, ',');
		if (next)
			*next++ = '\0';
		char *eq = strchr(opts, '=');
		if (eq)
			*eq++ = '\0';
		if (!valid_word(opts)) {
			int ret = pw_errorf(-EINVAL, "board spec '%s': bad option name '%s'", text, opts);
			pw_spec_free(out);
			return ret;
		}
		if (pw_spec_get(out, opts)) {
			int ret = pw_errorf(-EINVAL, "board spec '%s': option '%s' given twice", text, opts);
			pw_spec_free(out);
			return ret;
		}
		if (out->nopts == PW_SPEC_MAX_OPTS) {
			int ret = pw_errorf(-EINVAL, "board spec '%s': more than %d options", text, PW_SPEC_MAX_OPTS);
			pw_spec_free(out);
			return ret;
		}
		out->opts[out->nopts].key = opts;
		out->opts[out->nopts].value = eq ? eq : "";
		out->nopts++;
		opts = next;
	}
	return 0;
}

void pw_spec_free(struct pw_spec *s)
{
	free(s->buf);
	memset(s, 0, sizeof(*s));
}

const char *pw_spec_get(const struct pw_spec *s, const char *key)
{
	for (size_t i = 0; i < s->nopts; i++)
		if (!strcmp(s->opts[i].key, key))
			return s->opts[i].value;
	return NULL;
}

int pw_spec_get_uint(const struct pw_spec *s, const char *key,
		     unsigned long min, unsigned long max, unsigned long *out)
{
	const char *v = pw_spec_get(s, key);
	char *end;

	if (!v)
		return 0;
	errno = 0;
	unsigned long n = strtoul(v, &end, 10);
	if (!*v || *end || errno || v[0] == '-' || n < min || n > max) {
		pw_detail("option %s=%s: want a whole number from %lu to %lu", key, v, min, max);
		return -EINVAL;
	}
	*out = n;
	return 0;
}
