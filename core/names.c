/* SPDX-License-Identifier: MIT */
/*
 * Pin names.  A pin is named, on any board, by its header name from the
 * profile ("N3"), its line name ("PC1"), "bank:offset" where bank is the
 * bank's name or label ("pioC:1", "gpiochip2:1"), or its legacy global
 * number ("65").  A name that means two different lines is an error that
 * lists them; an unknown one suggests the closest names.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

#define MAX_CANDIDATES 8

struct found {
	unsigned bank, offset;
	char how[48];
};

struct matches {
	struct found f[MAX_CANDIDATES];
	size_t n;
};

static void add_match(struct matches *m, unsigned bank, unsigned offset, const char *how)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->f[i].bank == bank && m->f[i].offset == offset)
			return;
	if (m->n < MAX_CANDIDATES) {
		m->f[m->n].bank = bank;
		m->f[m->n].offset = offset;
		snprintf(m->f[m->n].how, sizeof(m->f[m->n].how), "%s", how);
		m->n++;
	}
}

/* The longest name a pin may be given (the names of the docs, bank:offset
 * and numbers all fit in far less; this bounds what a message repeats). */
#define PW_PIN_NAME_MAX 63

static int bank_by_profile_index(const pinwatch_board *b, unsigned pbank)
{
	for (unsigned i = 0; i < b->num_banks; i++)
		if (b->banks[i].profile_bank == (int)pbank)
			return (int)i;
	return -1;
}

static int parse_uint(const char *s, unsigned long *out)
{
	char *end;

	if (!isdigit((unsigned char)*s) || strlen(s) > 9)
		return -1;
	*out = strtoul(s, &end, 10);
	return *end ? -1 : 0;
}

/* exact: 1 for a case-sensitive pass, 0 for a case-insensitive one */
static void find_by_names(const pinwatch_board *b, const char *name, int exact,
			  struct matches *m)
{
	int (*cmp)(const char *, const char *) = exact ? strcmp : strcasecmp;
	const struct pw_profile *p = b->profile;

	for (unsigned i = 0; p && i < p->num_headers; i++) {
		if (cmp(p->headers[i].name, name))
			continue;
		int bank = bank_by_profile_index(b, p->headers[i].bank);
		if (bank >= 0)
			add_match(m, (unsigned)bank, p->headers[i].offset, "header name");
	}
	for (unsigned i = 0; i < b->num_banks; i++)
		for (unsigned o = 0; o < b->banks[i].info.num_lines; o++)
			if (b->banks[i].names[o][0] && !cmp(b->banks[i].names[o], name))
				add_match(m, i, o, "line name");
}

static int find_bank_offset(const pinwatch_board *b, const char *name, struct matches *m)
{
	const char *colon = strrchr(name, ':');
	unsigned long off;
	char bankname[64];

	if (!colon || colon == name || (size_t)(colon - name) >= sizeof(bankname))
		return 0;
	memcpy(bankname, name, (size_t)(colon - name));
	bankname[colon - name] = '\0';
	for (unsigned i = 0; i < b->num_banks; i++) {
		if (strcmp(b->banks[i].info.name, bankname) && strcmp(b->banks[i].info.label, bankname))
			continue;
		const char *num = colon + 1;
		/* "pioA:" and "pioA:0x1" are not numbers; "pioA:99" is one too big */
		if (!*num || num[strspn(num, "0123456789")]) {
			pw_detail("'%s' after %s: is not a number (want a line number, 0 to %u)", num,
				  bankname, b->banks[i].info.num_lines - 1);
			return -EINVAL;
		}
		if (parse_uint(num, &off) || off >= b->banks[i].info.num_lines) {
			pw_detail("line %s: out of range: bank %s has lines 0 to %u", num, bankname,
				  b->banks[i].info.num_lines - 1);
			return -ERANGE;
		}
		add_match(m, i, (unsigned)off, "bank:offset");
	}
	return 0;
}

static int find_global(const pinwatch_board *b, unsigned long n, struct matches *m)
{
	int have_bases = 0;

	for (unsigned i = 0; i < b->num_banks; i++) {
		const struct pinwatch_bank_info *bi = &b->banks[i].info;
		if (bi->base < 0)
			continue;
		have_bases = 1;
		if (n >= (unsigned long)bi->base && n < (unsigned long)bi->base + bi->num_lines)
			add_match(m, i, (unsigned)(n - (unsigned long)bi->base), "global number");
	}
	if (!have_bases && b->profile && b->profile->legacy_stride) {
		unsigned long pbank = n / b->profile->legacy_stride;
		int bank = pbank < b->profile->num_banks ? bank_by_profile_index(b, (unsigned)pbank) : -1;
		unsigned long off = n % b->profile->legacy_stride;
		if (bank >= 0 && off < b->banks[bank].info.num_lines)
			add_match(m, (unsigned)bank, (unsigned)off, "legacy number");
	}
	return 0;
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[40];

	if (la >= 39 || lb >= 39)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
			size_t best = diag + cost;
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

struct suggestion {
	const char *name;
	size_t dist;
};

static void consider(struct suggestion *s, size_t n, const char *cand, const char *name)
{
	size_t d = edit_distance(cand, name);

	if (d > 2)
		return;
	for (size_t i = 0; i < n; i++) {
		if (s[i].name && !strcmp(s[i].name, cand))
			return;
		if (!s[i].name || d < s[i].dist) {
			memmove(&s[i + 1], &s[i], (n - i - 1) * sizeof(*s));
			s[i].name = cand;
			s[i].dist = d;
			return;
		}
	}
}

static int not_found(const pinwatch_board *b, const char *name)
{
	struct suggestion s[3] = { { 0 } };
	char list[128] = "";
	const struct pw_profile *p = b->profile;

	for (unsigned i = 0; p && i < p->num_headers; i++)
		consider(s, 3, p->headers[i].name, name);
	for (unsigned i = 0; i < b->num_banks; i++) {
		consider(s, 3, b->banks[i].info.label, name);
		for (unsigned o = 0; o < b->banks[i].info.num_lines; o++)
			if (b->banks[i].names[o][0])
				consider(s, 3, b->banks[i].names[o], name);
	}
	for (size_t i = 0; i < 3 && s[i].name; i++) {
		size_t len = strlen(list);
		snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "", s[i].name);
	}
	if (list[0])
		pw_detail("no such pin on this %s board; closest: %s", b->ops->name, list);
	else
		pw_detail("no such pin on this %s board (names: header name%s, line name, BANK:OFFSET, number)",
			  b->ops->name, p ? "" : " with board=PROFILE");
	return -ENOENT;
}

int pw_names_resolve(const pinwatch_board *b, const char *name,
		     unsigned *bank, unsigned *offset)
{
	struct matches m = { .n = 0 };
	unsigned long n;
	int ret;

	if (!name || !*name || strlen(name) > PW_PIN_NAME_MAX) {
		pw_detail("%s: a pin name is 1 to %d characters: a header name, a line name, BANK:OFFSET or a number",
			  !name ? "no name (NULL)" : !*name ? "an empty name" : "too long", PW_PIN_NAME_MAX);
		return pw_fail(-EINVAL, "pin '%.*s%s': resolve name", 20, name ? name : "(null)",
			       name && strlen(name) > 20 ? "..." : "");
	}

	find_by_names(b, name, 1, &m);
	ret = find_bank_offset(b, name, &m);
	if (ret < 0)
		return pw_fail(ret, "pin %s: resolve name", name);
	if (!parse_uint(name, &n))
		find_global(b, n, &m);
	if (!m.n)
		find_by_names(b, name, 0, &m);
	if (!m.n) {
		not_found(b, name);
		return pw_fail(-ENOENT, "pin %s: resolve name", name);
	}
	if (m.n > 1) {
		char list[256] = "";
		for (size_t i = 0; i < m.n; i++) {
			size_t len = strlen(list);
			snprintf(list + len, sizeof(list) - len, "%s%s:%u (%s)", i ? ", " : "",
				 b->banks[m.f[i].bank].info.label, m.f[i].offset, m.f[i].how);
		}
		pw_detail("ambiguous: could be %s", list);
		return pw_fail(-EINVAL, "pin %s: resolve name", name);
	}
	*bank = m.f[0].bank;
	*offset = m.f[0].offset;
	return 0;
}

const char *pw_names_header(const pinwatch_board *b, unsigned bank, unsigned offset)
{
	const struct pw_profile *p = b->profile;

	for (unsigned i = 0; p && i < p->num_headers; i++)
		if ((int)p->headers[i].bank == b->banks[bank].profile_bank &&
		    p->headers[i].offset == offset)
			return p->headers[i].name;
	return NULL;
}

int pw_names_global(const pinwatch_board *b, unsigned bank, unsigned offset)
{
	const struct pw_bank *bk = &b->banks[bank];

	if (bk->info.base >= 0)
		return bk->info.base + (int)offset;
	for (unsigned i = 0; i < b->num_banks; i++)
		if (b->banks[i].info.base >= 0)
			return -1; /* the backend numbers lines, just not this bank */
	if (b->profile && bk->profile_bank >= 0)
		return bk->profile_bank * (int)b->profile->legacy_stride + (int)offset;
	return -1;
}

void pw_pin_describe(const pinwatch_board *b, const char *name, unsigned bank,
		     unsigned offset, char *buf, size_t len)
{
	snprintf(buf, len, "pin %s (%s:%u)", name, b->banks[bank].info.label, offset);
}
