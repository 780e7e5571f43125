/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: sysfs trees.  The input describes a fake /sys/class/gpio,
 * one entry a line:
 *
 *   d PATH            a directory (parents made as needed)
 *   f PATH TEXT       a file holding TEXT and a newline
 *   p NAME            a pin to open (up to 4; default: "0" and BANK:0)
 *   l PATH [TARGET]   a symlink: to TARGET beneath the root, or (no TARGET)
 *                     to a file outside the root that must never change
 *   q PATH            a FIFO (an open of it without O_NONBLOCK blocks)
 *
 * PATH is up to 4 components of [A-Za-z0-9_.-] (never "." or "..").  The
 * tree is built in a fresh directory, then: open the board on it
 * (retry_ms=0), list its banks, open each pin as an input, read it, set it
 * as an output, close.  Invariants: 0 or a negative errno with a message.
 * A hostile tree must neither reach outside its root (the outside file
 * keeps its content, checked after every input) nor block (libFuzzer's
 * per-input timeout).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "pinwatch.h"

#define MAX_PINS 4

static int good_path(const char *p)
{
	int comps = 0;
	size_t len = 0;

	if (!*p || *p == '/')
		return 0;
	for (const char *c = p;; c++) {
		if (*c == '/' || !*c) {
			if (!len || len > 32)
				return 0;
			if ((len == 1 && c[-1] == '.') || (len == 2 && c[-1] == '.' && c[-2] == '.'))
				return 0;
			if (++comps > 4)
				return 0;
			len = 0;
			if (!*c)
				return 1;
			continue;
		}
		if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-' && *c != '.')
			return 0;
		len++;
	}
}

static void mkdirs(const char *root, const char *rel, int last_too)
{
	char path[512];
	size_t base = (size_t)snprintf(path, sizeof(path), "%s/%s", root, rel);

	(void)base;
	for (char *c = path + strlen(root) + 1; *c; c++)
		if (*c == '/') {
			*c = '\0';
			mkdir(path, 0755);
			*c = '/';
		}
	if (last_too)
		mkdir(path, 0755);
}

static void check(int ret, int allow_positive)
{
	if ((ret < 0 && (ret < -4095 || !pinwatch_last_error()[0])) || (!allow_positive && ret > 0))
		abort();
}

#define OUTSIDE_TEXT "outside the root\n"

static void outside_check(const char *path)
{
	char buf[64] = "";
	FILE *f = fopen(path, "re");

	if (!f || !fgets(buf, sizeof(buf), f) || strcmp(buf, OUTSIDE_TEXT))
		abort();   /* written, truncated or replaced through the tree */
	fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned serial;
	char root[300], spec[400], outside[320];
	char pins[MAX_PINS][40];
	int npins = 0;

	if (size > 4096)
		return 0;
	snprintf(root, sizeof(root), "%s/t%u", fuzz_scratch_dir(), serial++);
	if (mkdir(root, 0755) < 0)
		abort();
	snprintf(outside, sizeof(outside), "%s/outside", fuzz_scratch_dir());
	fuzz_put(fuzz_scratch_dir(), "outside", OUTSIDE_TEXT, strlen(OUTSIDE_TEXT));
	char *text = fuzz_string(data, size), *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strlen(line) < 3 || line[1] != ' ')
			continue;
		char *arg = line + 2, *rest = strchr(arg, ' ');
		if (line[0] == 'p') {
			if (npins < MAX_PINS)
				snprintf(pins[npins++], sizeof(pins[0]), "%s", arg);
			continue;
		}
		if (rest)
			*rest++ = '\0';
		if (!good_path(arg))
			continue;
		if (line[0] == 'd') {
			mkdirs(root, arg, 1);
		} else if (line[0] == 'f') {
			char body[1100];
			int n = snprintf(body, sizeof(body), "%s\n", rest ? rest : "");
			mkdirs(root, arg, 0);
			fuzz_put(root, arg, body, (size_t)n < sizeof(body) ? (size_t)n : sizeof(body) - 1);
		} else if (line[0] == 'l' || line[0] == 'q') {
			char path[512];
			mkdirs(root, arg, 0);
			snprintf(path, sizeof(path), "%s/%s", root, arg);
			if (line[0] == 'q')
				mkfifo(path, 0644);
			else if (rest && good_path(rest))
				(void)!symlink(rest, path);
			else
				(void)!symlink(outside, path);
		}
	}
	free(text);

	pinwatch_board *b = NULL;
	snprintf(spec, sizeof(spec), "sysfs:%s,retry_ms=0", root);
	int ret = pinwatch_board_open(spec, &b);
	check(ret, 0);
	if (ret == 0) {
		int nb = pinwatch_board_num_banks(b);
		check(nb, 1);
		for (int i = 0; i < nb; i++) {
			struct pinwatch_bank_info bi;
			check(pinwatch_board_bank_info(b, (unsigned)i, &bi), 0);
			if (i == 0 && npins < MAX_PINS)
				snprintf(pins[npins++], sizeof(pins[0]), "%s:0", bi.label);
		}
		if (npins < MAX_PINS)
			snprintf(pins[npins++], sizeof(pins[0]), "0");
		for (int i = 0; i < npins; i++) {
			pinwatch_pin *p = NULL;
			struct pinwatch_pin_config oc = { .direction = PINWATCH_DIR_OUTPUT };
			ret = pinwatch_pin_open(b, pins[i], NULL, &p);
			check(ret, 0);
			if (ret == 0) {
				check(pinwatch_pin_get(p), 1);
				if (pinwatch_pin_reconfigure(p, &oc) == 0)
					check(pinwatch_pin_set(p, 1), 0);
				pinwatch_pin_close(p);
			}
		}
		pinwatch_board_close(b);
	}
	outside_check(outside);
	fuzz_rm_tree(root);
	return 0;
}
