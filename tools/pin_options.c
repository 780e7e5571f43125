/* SPDX-License-Identifier: MIT */
/* The line options of get, set, mon and count (pin_options.h). */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "pin_options.h"

int pin_option(const char *cmd, int opt, const char *arg, struct pin_options *o)
{
	switch (opt) {
	case 'l':
		o->cfg.active_low = 1;
		return 0;
	case 'b':
	case 'B':
		/* two letters, one option: given twice is the same mistake */
		if (o->bias_given++)
			return usage_error(cmd, "-b/-B/--bias given twice: it takes one value");
		o->cfg.bias = parse_bias(arg);
		if (o->cfg.bias < 0)
			return usage_error(cmd, "bad bias '%s': as-is, disabled (or disable), pull-up or pull-down", arg);
		return 0;
	case 'c':
		o->chip = arg;
		return 0;
	case 'C':
		if (!*arg)
			return usage_error(cmd, "bad consumer '': a name is needed");
		o->cfg.consumer = arg;
		return 0;
	default:
		return OPTION_NOT_MINE;
	}
}

static int is_number(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

static int find_chip(const char *cmd, pinwatch_board *b, const char *chip,
		     struct pinwatch_bank_info *out)
{
	const char *base = strncmp(chip, "/dev/", 5) ? chip : chip + 5;
	int n = pinwatch_board_num_banks(b);
	uint64_t index;

	if (n < 0)
		return library_error(cmd), -1;
	for (int i = 0; i < n; i++) {
		if (pinwatch_board_bank_info(b, (unsigned)i, out) < 0)
			return library_error(cmd), -1;
		if (!strcmp(base, out->name) || !strcmp(chip, out->label))
			return i;
	}
	if (parse_u64(chip, 0, (uint64_t)n - 1, &index) == 0 && n > 0 &&
	    pinwatch_board_bank_info(b, (unsigned)index, out) == 0)
		return (int)index;
	runtime_error(cmd, "no chip '%s' on this board (see 'pinwatch detect')", chip);
	return -1;
}

int pin_chip(const char *cmd, pinwatch_board *b, const char *chip)
{
	struct pinwatch_bank_info bi;

	return find_chip(cmd, b, chip, &bi);
}

int pin_names(const char *cmd, pinwatch_board *b, const char *chip,
	      char *const *names, size_t n, char ***out)
{
	enum { NAME_MAX_LEN = 80 };
	struct pinwatch_bank_info bi;
	char **v = calloc(1, n * (sizeof(char *) + NAME_MAX_LEN) + 1);
	char *text = (char *)(v + n);
	int bank = -1;

	if (!v)
		return runtime_error(cmd, "out of memory");
	if (chip && (bank = find_chip(cmd, b, chip, &bi)) < 0) {
		free(v);
		return EXIT_RUNTIME;
	}
	for (size_t i = 0; i < n; i++, text += NAME_MAX_LEN) {
		struct pinwatch_line_info li;
		v[i] = text;
		if (bank < 0 || !is_number(names[i])) {
			snprintf(text, NAME_MAX_LEN, "%s", names[i]);
		} else {
			snprintf(text, NAME_MAX_LEN, "%s:%s", bi.name, names[i]);
			continue;
		}
		/* a name given with -c must be on that chip */
		if (bank >= 0 && pinwatch_board_line_info(b, names[i], &li) == 0 &&
		    li.bank != (unsigned)bank) {
			free(v);
			return runtime_error(cmd, "pin %s is not on chip %s (it is %s:%u)",
					     names[i], chip, li.bank_label, li.offset);
		}
	}
	*out = v;
	return 0;
}

int pin_duplicates(const char *cmd, pinwatch_board *b, char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct pinwatch_line_info a, o;
		if (pinwatch_board_line_info(b, names[i], &a) < 0)
			continue;
		for (size_t j = 0; j < i; j++)
			if (pinwatch_board_line_info(b, names[j], &o) == 0 &&
			    o.bank == a.bank && o.offset == a.offset)
				return usage_error(cmd, "%s and %s are the same line (%s:%u): give each line once",
						   names[j], names[i], a.bank_label, a.offset);
	}
	return 0;
}
