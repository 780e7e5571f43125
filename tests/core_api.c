/* SPDX-License-Identifier: MIT */
/* Bad input gets a clear error, never a crash: every error names the pin,
 * the operation and the cause. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"

#define ck_assert_error_has(needle) \
	ck_assert_msg(strstr(pinwatch_last_error(), needle), "message '%s' lacks '%s'", \
		      pinwatch_last_error(), needle)

START_TEST(t_null_arguments)
{
	pinwatch_board *b;
	pinwatch_pin *p;
	pinwatch_watcher *w;
	pinwatch_watch_id id;

	ck_assert_int_eq(pinwatch_board_open(NULL, &b), -EINVAL);
	ck_assert_int_eq(pinwatch_board_open("sim", NULL), -EINVAL);
	ck_assert_int_eq(pinwatch_pin_open(NULL, "N3", NULL, &p), -EINVAL);
	ck_assert_int_eq(pinwatch_watcher_new(NULL), -EINVAL);
	ck_assert_int_eq(pinwatch_pin_get(NULL), -EINVAL);
	ck_assert_int_eq(pinwatch_pin_set(NULL, 1), -EINVAL);
	ck_assert_int_eq(pinwatch_watch_add(NULL, NULL, NULL, &id), -EINVAL);
	ck_assert_int_eq(pinwatch_watch_remove(NULL, 1), -EINVAL);
	ck_assert_int_eq(pinwatch_watcher_start(NULL), -EINVAL);
	ck_assert_int_eq(pinwatch_watcher_stop(NULL), -EINVAL);
	ck_assert_int_eq(pinwatch_watcher_fd(NULL), -EINVAL);
	ck_assert_int_eq(pinwatch_watcher_dispatch(NULL, 0), -EINVAL);
	ck_assert_int_eq(pinwatch_board_num_banks(NULL), -EINVAL);
	ck_assert_int_eq(pinwatch_sim_drive(NULL, "N3", 1), -EINVAL);
	b = board_or_fail(VBOARD);
	ck_assert_int_eq(pinwatch_pin_open(b, NULL, NULL, &p), -EINVAL);
	ck_assert_int_eq(pinwatch_pin_open(b, "N3", NULL, NULL), -EINVAL);
	w = watcher_or_fail();
	ck_assert_int_eq(pinwatch_watch_add(w, NULL, NULL, &id), -EINVAL);
	ck_assert_int_eq(pinwatch_watch_read(w, 1, NULL, 1, 0), -EINVAL);
	pinwatch_watcher_free(w);
	pinwatch_board_close(b);
}
END_TEST

START_TEST(t_bad_specs)
{
	pinwatch_board *b;

	ck_assert_int_eq(pinwatch_board_open("", &b), -EINVAL);
	ck_assert_int_eq(pinwatch_board_open("gpiozero", &b), -EINVAL);
	ck_assert_error_has("unknown backend 'gpiozero'");
	ck_assert_error_has("sim, sysfs");
	ck_assert_int_eq(pinwatch_board_open("sim:raspberry", &b), -EINVAL);
	ck_assert_error_has("unknown board profile 'raspberry'");
	ck_assert_error_has("aria-g25");
	ck_assert_int_eq(pinwatch_board_open("sim,colour=blue", &b), -EINVAL);
	ck_assert_error_has("unknown option 'colour'");
	ck_assert_int_eq(pinwatch_board_open("sim,board=aria-g25,board=aria-g25", &b), -EINVAL);
	ck_assert_error_has("given twice");
	ck_assert_int_eq(pinwatch_board_open("sim:", &b), -EINVAL);
	ck_assert_int_eq(pinwatch_board_open("sim,lines=-3", &b), -EINVAL);
	ck_assert_int_eq(pinwatch_board_open("sim,lines=0", &b), -EINVAL);
	ck_assert_int_eq(pinwatch_board_open("s/m", &b), -EINVAL);
	ck_assert_ptr_null(b);
	/* auto picks a backend: an argument for one of them is refused, and
	 * named (issue 12, 3) */
	ck_assert_int_eq(pinwatch_board_open("auto:x", &b), -EINVAL);
	ck_assert_error_has("board auto:x: auto takes no ':x'");
	ck_assert_ptr_null(b);
}
END_TEST

/* sim:aria-g25 reproduces the board: banks, line names, header names,
 * legacy numbers. */
START_TEST(t_aria_layout)
{
	static const char *labels[] = { "pioA", "pioB", "pioC", "pioD" };
	static const unsigned lines[] = { 32, 19, 32, 22 };
	pinwatch_board *b;
	struct pinwatch_bank_info bi;
	struct pinwatch_line_info li;

	b = board_or_fail("sim:aria-g25");
	ck_assert_str_eq(pinwatch_board_backend(b), "sim");
	ck_assert_str_eq(pinwatch_board_profile(b), "aria-g25");
	ck_assert_int_eq(pinwatch_board_num_banks(b), 4);
	for (unsigned i = 0; i < 4; i++) {
		ck_assert_int_eq(pinwatch_board_bank_info(b, i, &bi), 0);
		ck_assert_str_eq(bi.label, labels[i]);
		ck_assert_uint_eq(bi.num_lines, lines[i]);
	}
	ck_assert_int_eq(pinwatch_board_bank_info(b, 4, &bi), -ERANGE);
	ck_assert_int_eq(pinwatch_board_line_info_at(b, 3, 21, &li), 0);
	ck_assert_str_eq(li.name, "PD21");
	ck_assert_int_eq(pinwatch_board_line_info_at(b, 3, 22, &li), -ERANGE);
	pinwatch_board_close(b);
}
END_TEST

/* Every naming form of one line, on the Aria G25 profile. */
START_TEST(t_names)
{
	static const struct { const char *name; const char *label; unsigned off; const char *header; int global; } cases[] = {
		{ "N3", "pioC", 1, "N3", 65 },
		{ "PC1", "pioC", 1, "N3", 65 },
		{ "pioC:1", "pioC", 1, "N3", 65 },
		{ "65", "pioC", 1, "N3", 65 },
		{ "n3", "pioC", 1, "N3", 65 },
		{ "N2", "pioC", 0, "N2", 64 },
		{ "E11", "pioC", 31, "E11", 95 },
		{ "S2", "pioA", 21, "S2", 21 },
		{ "S9", "pioA", 14, "S9", 14 },
		{ "S23", "pioA", 0, "S23", 0 },
		{ "W9", "pioA", 22, "W9", 22 },
		{ "W23", "pioB", 14, "W23", 46 },
		{ "PD5", "pioD", 5, "", 101 },
	};
	pinwatch_board *b;
	struct pinwatch_line_info li;

	b = board_or_fail("sim:aria-g25");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_msg(pinwatch_board_line_info(b, cases[i].name, &li) == 0, "%s: %s",
			      cases[i].name, pinwatch_last_error());
		ck_assert_str_eq(li.bank_label, cases[i].label);
		ck_assert_uint_eq(li.offset, cases[i].off);
		ck_assert_str_eq(li.header, cases[i].header);
		ck_assert_int_eq(li.global, cases[i].global);
	}
	pinwatch_board_close(b);
}
END_TEST

START_TEST(t_unknown_and_ambiguous_names)
{
	pinwatch_board *b;
	pinwatch_pin *p;
	struct pinwatch_line_info li;

	b = board_or_fail("sim:aria-g25");
	ck_assert_int_eq(pinwatch_pin_open(b, "N33", NULL, &p), -ENOENT);
	ck_assert_error_has("pin N33");
	ck_assert_error_has("closest: N3");
	ck_assert_int_eq(pinwatch_pin_open(b, "pioC:32", NULL, &p), -ERANGE);
	ck_assert_error_has("lines 0 to 31");
	/* not numbers at all: not "out of range" (issue 12, 3) */
	ck_assert_int_eq(pinwatch_pin_open(b, "pioA:", NULL, &p), -EINVAL);
	ck_assert_error_has("'' after pioA: is not a number (want a line number, 0 to 31)");
	ck_assert_int_eq(pinwatch_pin_open(b, "pioA:0x1", NULL, &p), -EINVAL);
	ck_assert_error_has("'0x1' after pioA: is not a number");
	ck_assert_int_eq(pinwatch_pin_open(b, "pioA:99999999999", NULL, &p), -ERANGE);
	ck_assert_error_has("out of range");
	/* names that break the rule say the rule */
	struct pinwatch_line_info bad;
	char long_name[80];
	memset(long_name, 'N', 64);
	long_name[64] = '\0';
	ck_assert_int_eq(pinwatch_board_line_info(b, NULL, &bad), -EINVAL);
	ck_assert_error_has("no name (NULL): a pin name is 1 to 63 characters");
	ck_assert_int_eq(pinwatch_board_line_info(b, "", &bad), -EINVAL);
	ck_assert_error_has("an empty name: a pin name is 1 to 63 characters");
	ck_assert_int_eq(pinwatch_board_line_info(b, long_name, &bad), -EINVAL);
	ck_assert_error_has("too long: a pin name is 1 to 63 characters");
	ck_assert_int_eq(pinwatch_pin_open(b, long_name, NULL, &p), -EINVAL);
	ck_assert_error_has("too long: a pin name is 1 to 63 characters");
	ck_assert_int_eq(pinwatch_pin_open(b, "999", NULL, &p), -ENOENT);
	ck_assert_int_eq(pinwatch_pin_open(b, "../../etc/passwd", NULL, &p), -ENOENT);
	pinwatch_board_close(b);

	/* a plain sim has unnamed lines; "sim0:3" and "3" are the same line,
	 * but with two banks "sim1:0" and "64" are too */
	b = board_or_fail("sim,banks=2,lines=64");
	ck_assert_int_eq(pinwatch_board_line_info(b, "64", &li), 0);
	ck_assert_str_eq(li.bank_label, "sim1");
	ck_assert_uint_eq(li.offset, 0);
	ck_assert_int_eq(pinwatch_board_line_info(b, "N3", &li), -ENOENT);
	pinwatch_board_close(b);
}
END_TEST

/* Errors of pin operations name the pin, the operation and the cause. */
START_TEST(t_pin_errors)
{
	pinwatch_board *b, *b2;
	pinwatch_pin *in, *out, *again;
	pinwatch_watcher *w;
	pinwatch_watch_id id;
	struct pinwatch_pin_config ocfg = { .direction = PINWATCH_DIR_OUTPUT, .consumer = "meter" };

	b = board_or_fail(VBOARD);
	in = pin_or_fail(b, "N3", NULL);
	out = pin_or_fail(b, "N2", &ocfg);
	/* set on an input */
	ck_assert_int_eq(pinwatch_pin_set(in, 1), -EPERM);
	ck_assert_error_has("pin N3 (pioC:1): set: Operation not permitted");
	/* busy, naming the consumer */
	ck_assert_int_eq(pinwatch_pin_open(b, "PC0", NULL, &again), -EBUSY);
	ck_assert_error_has("pin PC0 (pioC:0): request: Device or resource busy");
	ck_assert_error_has("meter");
	/* edges on an output */
	w = watcher_or_fail();
	ck_assert_int_eq(pinwatch_watch_add(w, out, NULL, &id), -EINVAL);
	ck_assert_error_has("pin N2 (pioC:0): watch edges");
	ck_assert_error_has("output");
	/* a second watch on a pin */
	id = watch_or_fail(w, in, NULL);
	ck_assert_int_eq(pinwatch_watch_add(w, in, NULL, &id), -EBUSY);
	ck_assert_error_has("already watched");
	/* reconfigure while watched */
	ck_assert_int_eq(pinwatch_pin_reconfigure(in, &ocfg), -EBUSY);
	/* callback and queue together */
	pinwatch_watcher_free(w);
	w = watcher_or_fail();
	struct pinwatch_watch_config both = { .callback = count_cb, .queue_size = 4 };
	ck_assert_int_eq(pinwatch_watch_add(w, in, &both, &id), -EINVAL);
	struct pinwatch_watch_config badedge = { .edges = 7 };
	ck_assert_int_eq(pinwatch_watch_add(w, in, &badedge, &id), -EINVAL);
	/* a queue-less watch cannot be read */
	id = watch_or_fail(w, in, NULL);
	struct pinwatch_event ev;
	ck_assert_int_eq(pinwatch_watch_read(w, id, &ev, 1, 0), -EINVAL);
	ck_assert_error_has("no queue");
	/* bad config values */
	struct pinwatch_pin_config bad = { .direction = 9 };
	ck_assert_int_eq(pinwatch_pin_open(b, "N5", &bad, &again), -EINVAL);
	/* sim control on a board that is not a sim board: sysfs on an empty root */
	char dir[] = "/tmp/pinwatch-sysfs-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char spec[64];
	snprintf(spec, sizeof(spec), "sysfs:%s", dir);
	if (pinwatch_board_open(spec, &b2) == 0) {
		ck_assert_int_eq(pinwatch_sim_drive(b2, "0", 1), -EOPNOTSUPP);
		ck_assert_error_has("not a sim board");
		pinwatch_board_close(b2);
	}
	rmdir(dir);
	pinwatch_watcher_free(w);
	pinwatch_pin_close(in);
	pinwatch_pin_close(out);
	pinwatch_board_close(b);
}
END_TEST

/* Reconfigure: an input becomes an output and drives; active-low inverts. */
START_TEST(t_reconfigure)
{
	pinwatch_board *b;
	pinwatch_pin *p;
	struct pinwatch_pin_config out = { .direction = PINWATCH_DIR_OUTPUT, .value = 1 };
	struct pinwatch_pin_config out_al = { .direction = PINWATCH_DIR_OUTPUT, .active_low = 1 };

	open_board_pin(&b, "N3", &p);
	ck_assert_int_eq(pinwatch_pin_reconfigure(p, &out), 0);
	ck_assert_int_eq(pinwatch_sim_sense(b, "N3"), 1);
	ck_assert_int_eq(pinwatch_pin_set(p, 0), 0);
	ck_assert_int_eq(pinwatch_sim_sense(b, "N3"), 0);
	ck_assert_int_eq(pinwatch_pin_reconfigure(p, &out_al), 0);
	ck_assert_int_eq(pinwatch_pin_set(p, 1), 0);
	ck_assert_int_eq(pinwatch_sim_sense(b, "N3"), 0);
	ck_assert_int_eq(pinwatch_pin_get(p), 1);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
}
END_TEST

START_TEST(t_version)
{
	char header[32];

	/* one version: configure.ac's, in the library, config.h and the header */
	snprintf(header, sizeof(header), "%d.%d.%d", PINWATCH_VERSION_MAJOR,
		 PINWATCH_VERSION_MINOR, PINWATCH_VERSION_PATCH);
	ck_assert_str_eq(pinwatch_version(), PACKAGE_VERSION);
	ck_assert_str_eq(pinwatch_version(), header);
}
END_TEST

Suite *core_api_suite(void)
{
	Suite *s = suite_create("api: errors and names");
	TCase *tc = tcase_create("api");

	tcase_add_test(tc, t_null_arguments);
	tcase_add_test(tc, t_bad_specs);
	tcase_add_test(tc, t_aria_layout);
	tcase_add_test(tc, t_names);
	tcase_add_test(tc, t_unknown_and_ambiguous_names);
	tcase_add_test(tc, t_pin_errors);
	tcase_add_test(tc, t_reconfigure);
	tcase_add_test(tc, t_version);
	suite_add_tcase(s, tc);
	return s;
}
