/* SPDX-License-Identifier: MIT */
/*
 * test-chardev's kernel suite: what the conformance suite does not ask of
 * every backend but the chardev backend promises, on a real kernel with
 * gpio-sim (the VM rig, tests/vm/guest.d/42-chardev-kernel): the kernel's
 * view of a request (consumer, bias, drive, active-low), busy lines named by
 * their holder, kernel timestamps, how each libgpiod generation loses
 * events, debounce, stale events after a watch is removed, a chip that
 * disappears, a device node the user may not open, and close-on-exec
 * descriptors.  Waits are bounded; nothing asserts on speed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pinwatch.h"
#include "test_chardev.h"
#include "testutil.h"
#include "world.h"

#define WAIT_MS 10000

static const char *spec;
static pinwatch_board *board;
static struct world *world;
static pinwatch_watcher *watcher;

/* pioB: no other test or guest check of the VM rig uses it. */
#define P_INFO "PB0"
#define P_BUSY "PB1"
#define P_TS "PB2"
#define P_LOSS "PB3"
#define P_DEB "PB4"
#define P_STALE "PB5"
#define P_FD "PB6"

static void setup(void)
{
	static const char *const low[] = { P_INFO, P_BUSY, P_TS, P_LOSS, P_DEB, P_STALE, P_FD };

	world_fixture_setup(spec, low, sizeof(low) / sizeof(low[0]), &board, &world, &watcher);
}

static void teardown(void)
{
	world_fixture_teardown(&board, &world, &watcher);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static pinwatch_watch_id watch(pinwatch_pin *p, const struct pinwatch_watch_config *cfg)
{
	pinwatch_watch_id id;

	ck_assert_msg(pinwatch_watch_add(watcher, p, cfg, &id) == 0, "%s", pinwatch_last_error());
	return id;
}

static struct pinwatch_watch_stats stats(pinwatch_watch_id id)
{
	struct pinwatch_watch_stats st;

	ck_assert_int_eq(pinwatch_watch_stats(watcher, id, &st), 0);
	return st;
}

/* Dispatch on this thread until the watch has accounted for `want` edges
 * (delivered + known lost, before debounce's filtering) or failed. */
static struct pinwatch_watch_stats dispatch_until(pinwatch_watch_id id, uint64_t want)
{
	struct pinwatch_watch_stats st;

	for (int i = 0; i < WAIT_MS / 100; i++) {
		ck_assert_int_ge(pinwatch_watcher_dispatch(watcher, 100), 0);
		st = stats(id);
		if (st.delivered + st.lost_source + st.filtered >= want || st.error)
			return st;
	}
	ck_abort_msg("waited for %llu edges: %llu delivered, %llu lost", (unsigned long long)want,
		     (unsigned long long)st.delivered, (unsigned long long)st.lost_source);
	return st;
}

/* ------------------------------------------------------ kernel's view */

START_TEST(t_request_as_the_kernel_sees_it)
{
	struct pinwatch_pin_config cfg = {
		.direction = PINWATCH_DIR_INPUT, .bias = PINWATCH_BIAS_PULL_UP, .consumer = "k-info",
	};
	struct pinwatch_line_info li;
	pinwatch_pin *p;

	ck_assert_msg(pinwatch_pin_open(board, P_INFO, &cfg, &p) == 0, "%s", pinwatch_last_error());
	ck_assert_int_eq(pinwatch_pin_info(p, &li), 0);
	ck_assert_str_eq(li.name, P_INFO);
	ck_assert_str_eq(li.bank_label, "pioB");
	ck_assert_int_eq(li.used, 1);
	ck_assert_str_eq(li.consumer, "k-info");
	ck_assert_int_eq(li.direction, PINWATCH_DIR_INPUT);
	ck_assert_int_eq(li.bias, PINWATCH_BIAS_PULL_UP);
	ck_assert_int_eq(li.active_low, 0);
	/* gpio-sim pulls an undriven input the way its requester asks. */
	ck_assert_int_eq(pinwatch_pin_get(p), 1);

	cfg.bias = PINWATCH_BIAS_PULL_DOWN;
	ck_assert_msg(pinwatch_pin_reconfigure(p, &cfg) == 0, "%s", pinwatch_last_error());
	ck_assert_int_eq(pinwatch_pin_get(p), 0);
	ck_assert_int_eq(pinwatch_pin_info(p, &li), 0);
	ck_assert_int_eq(li.bias, PINWATCH_BIAS_PULL_DOWN);
	ck_assert_str_eq(li.consumer, "k-info");

	/* Output, active-low: logical 1 is a low line. */
	cfg = (struct pinwatch_pin_config){
		.direction = PINWATCH_DIR_OUTPUT, .value = 1, .active_low = 1,
	};
	ck_assert_msg(pinwatch_pin_reconfigure(p, &cfg) == 0, "%s", pinwatch_last_error());
	ck_assert_int_eq(world_sense(world, P_INFO), 0);
	ck_assert_int_eq(pinwatch_pin_info(p, &li), 0);
	ck_assert_int_eq(li.direction, PINWATCH_DIR_OUTPUT);
	ck_assert_int_eq(li.active_low, 1);
	ck_assert_int_eq(pinwatch_pin_set(p, 0), 0);
	ck_assert_int_eq(world_sense(world, P_INFO), 1);
	ck_assert_int_eq(pinwatch_pin_get(p), 0);

	cfg = (struct pinwatch_pin_config){
		.direction = PINWATCH_DIR_OUTPUT, .value = 0, .drive = PINWATCH_DRIVE_OPEN_DRAIN,
	};
	ck_assert_msg(pinwatch_pin_reconfigure(p, &cfg) == 0, "%s", pinwatch_last_error());
	ck_assert_int_eq(pinwatch_pin_info(p, &li), 0);
	ck_assert_int_eq(li.drive, PINWATCH_DRIVE_OPEN_DRAIN);
	ck_assert_int_eq(li.active_low, 0);
	ck_assert_int_eq(world_sense(world, P_INFO), 0);
	/* Leave it an input, as the kernel keeps a released line's direction
	 * and the next checks compare gpioinfo with pinwatch. */
	cfg = (struct pinwatch_pin_config){ .direction = PINWATCH_DIR_INPUT };
	ck_assert_msg(pinwatch_pin_reconfigure(p, &cfg) == 0, "%s", pinwatch_last_error());
	pinwatch_pin_close(p);

	ck_assert_int_eq(pinwatch_board_line_info(board, P_INFO, &li), 0);
	ck_assert_int_eq(li.used, 0);
}
END_TEST

START_TEST(t_busy_names_the_holder)
{
	char other[256];
	pinwatch_board *b2;
	pinwatch_pin *held, *p;
	struct pinwatch_line_info li;

	snprintf(other, sizeof(other), "%s,consumer=k-holder", spec);
	ck_assert_msg(pinwatch_board_open(other, &b2) == 0, "%s", pinwatch_last_error());
	ck_assert_msg(pinwatch_pin_open(b2, P_BUSY, NULL, &held) == 0, "%s", pinwatch_last_error());
	ck_assert_int_eq(pinwatch_board_line_info(board, P_BUSY, &li), 0);
	ck_assert_int_eq(li.used, 1);
	ck_assert_str_eq(li.consumer, "k-holder");

	ck_assert_int_eq(pinwatch_pin_open(board, P_BUSY, NULL, &p), -EBUSY);
	ck_assert_msg(strstr(pinwatch_last_error(), "Device or resource busy: line is used by 'k-holder'"),
		      "message: %s", pinwatch_last_error());
	pinwatch_pin_close(held);
	pinwatch_board_close(b2);
	ck_assert_msg(pinwatch_pin_open(board, P_BUSY, NULL, &p) == 0, "%s", pinwatch_last_error());
	pinwatch_pin_close(p);
}
END_TEST

/* ----------------------------------------------------------------- events */

START_TEST(t_kernel_timestamps)
{
	struct pinwatch_watch_config cfg = { .edges = PINWATCH_EDGE_RISING, .queue_size = 8 };
	struct pinwatch_event ev;
	pinwatch_pin *p;

	ck_assert_int_eq(pinwatch_board_clock(board), PINWATCH_CLOCK_MONOTONIC);
	ck_assert_int_eq(pinwatch_pin_open(board, P_TS, NULL, &p), 0);
	pinwatch_watch_id id = watch(p, &cfg);
	ck_assert_int_eq(pinwatch_watcher_start(watcher), 0);
	uint64_t t0 = now_ns();
	ck_assert_int_eq(world_drive(world, P_TS, 1), 0);
	ck_assert_int_eq(pinwatch_watch_read(watcher, id, &ev, 1, WAIT_MS), 1);
	uint64_t t1 = now_ns();
	/* The kernel's stamp, taken in its interrupt handler: between the
	 * drive and our read of it, on CLOCK_MONOTONIC. */
	ck_assert_uint_ge(ev.timestamp_ns, t0);
	ck_assert_uint_le(ev.timestamp_ns, t1);
	ck_assert_int_eq(ev.edge, PINWATCH_EDGE_RISING);
	pinwatch_pin_close(p);
}
END_TEST

#ifdef HAVE_LIBGPIOD_V2
/* uAPI v2: a full buffer drops the oldest event, and the kernel's sequence
 * numbers show the gap, exactly. */
START_TEST(t_overflow_is_counted)
{
	struct pinwatch_watch_config cfg = {
		.edges = PINWATCH_EDGE_BOTH, .queue_size = 64, .event_buffer = 2,
	};
	struct pinwatch_event ev[4];
	pinwatch_pin *p;

	ck_assert_int_eq(pinwatch_pin_open(board, P_LOSS, NULL, &p), 0);
	pinwatch_watch_id id = watch(p, &cfg);
	ck_assert_int_eq(world_drive(world, P_LOSS, 1), 0);
	dispatch_until(id, 1);
	/* Ten edges with nobody reading: the 2-event buffer keeps the last two. */
	for (int k = 0; k < 10; k++)
		ck_assert_int_eq(world_drive(world, P_LOSS, k % 2), 0);
	struct pinwatch_watch_stats st = dispatch_until(id, 11);
	ck_assert_uint_eq(st.delivered, 3);
	ck_assert_uint_eq(st.lost_source, 8);
	ck_assert_uint_eq(st.lost, 8);
	ck_assert_int_eq(pinwatch_watch_read(watcher, id, ev, 4, 0), 3);
	ck_assert_int_eq(ev[0].edge, PINWATCH_EDGE_RISING);
	ck_assert_uint_eq(ev[0].seqno, 1);
	ck_assert_uint_eq(ev[0].lost, 0);
	ck_assert_int_eq(ev[1].edge, PINWATCH_EDGE_FALLING);
	ck_assert_uint_eq(ev[1].seqno, 10);
	ck_assert_uint_eq(ev[1].lost, 8);
	ck_assert_int_eq(ev[2].edge, PINWATCH_EDGE_RISING);
	ck_assert_uint_eq(ev[2].seqno, 11);
	ck_assert_uint_eq(ev[2].lost, 0);
	pinwatch_pin_close(p);
}
END_TEST
#else
/* uAPI v1 (libgpiod 1.6): a full 16-event buffer drops the newest event and
 * says nothing; when the edges that follow still alternate, nobody can tell.
 * This test pins down that documented limit. */
START_TEST(t_overflow_is_counted)
{
	struct pinwatch_watch_config cfg = { .edges = PINWATCH_EDGE_BOTH, .queue_size = 64 };
	pinwatch_pin *p;

	ck_assert_int_eq(pinwatch_pin_open(board, P_LOSS, NULL, &p), 0);
	pinwatch_watch_id id = watch(p, &cfg);
	ck_assert_int_eq(world_drive(world, P_LOSS, 1), 0);
	dispatch_until(id, 1);
	for (int k = 0; k < 20; k++)
		ck_assert_int_eq(world_drive(world, P_LOSS, k % 2), 0);
	struct pinwatch_watch_stats st = dispatch_until(id, 17);
	ck_assert_uint_eq(st.delivered, 17);
	/* The 16 kept end on a rising edge; the next one is falling. */
	ck_assert_int_eq(world_drive(world, P_LOSS, 0), 0);
	st = dispatch_until(id, 18);
	ck_assert_uint_eq(st.delivered, 18);
	ck_assert_uint_eq(st.lost_source, 0);
	ck_assert_uint_eq(st.rising, 9);
	ck_assert_uint_eq(st.falling, 9);
	pinwatch_pin_close(p);
}
END_TEST
#endif

/* A bouncing contact gives one event: the kernel's debounce with libgpiod
 * 2.x, the core's leading-edge one with 1.6. */
START_TEST(t_debounce)
{
	struct pinwatch_watch_config cfg = {
		.edges = PINWATCH_EDGE_BOTH, .queue_size = 8, .debounce_ns = 1000000000u,
	};
	struct pinwatch_event ev;
	pinwatch_pin *p;

	ck_assert_int_eq(pinwatch_pin_open(board, P_DEB, NULL, &p), 0);
	pinwatch_watch_id id = watch(p, &cfg);
	ck_assert_int_eq(pinwatch_watcher_start(watcher), 0);
	for (int k = 0; k < 5; k++)
		ck_assert_int_eq(world_drive(world, P_DEB, k % 2 == 0), 0);
	ck_assert_int_eq(pinwatch_watch_read(watcher, id, &ev, 1, WAIT_MS), 1);
	ck_assert_int_eq(ev.edge, PINWATCH_EDGE_RISING);
	ck_assert_uint_eq(ev.seqno, 1);
#ifdef HAVE_LIBGPIOD_V2
	ck_assert_uint_eq(stats(id).filtered, 0);
#else
	for (int i = 0; i < WAIT_MS / 10 && stats(id).filtered < 4; i++)
		tu_sleep_ms(10);
	ck_assert_uint_eq(stats(id).filtered, 4);
#endif
	ck_assert_int_eq(pinwatch_watch_read(watcher, id, &ev, 1, 0), 0);
	ck_assert_uint_eq(stats(id).delivered, 1);
	pinwatch_pin_close(p);
}
END_TEST

/* Edges a removed watch never read are not handed to the next watch. */
START_TEST(t_no_stale_events)
{
	struct pinwatch_watch_config cfg = { .edges = PINWATCH_EDGE_BOTH, .queue_size = 16 };
	struct pinwatch_event ev[4];
	pinwatch_pin *p;

	ck_assert_int_eq(pinwatch_pin_open(board, P_STALE, NULL, &p), 0);
	pinwatch_watch_id id = watch(p, &cfg);
	for (int k = 0; k < 3; k++)
		ck_assert_int_eq(world_drive(world, P_STALE, k % 2 == 0), 0);
	ck_assert_int_eq(pinwatch_watch_remove(watcher, id), 0);   /* unread */
	ck_assert_int_eq(world_drive(world, P_STALE, 0), 0);      /* unwatched */

	id = watch(p, &cfg);
	ck_assert_int_eq(world_drive(world, P_STALE, 1), 0);
	ck_assert_int_eq(world_drive(world, P_STALE, 0), 0);
	dispatch_until(id, 2);
	while (pinwatch_watcher_dispatch(watcher, 0) > 0)
		;
	ck_assert_int_eq(pinwatch_watch_read(watcher, id, ev, 4, 0), 2);
	ck_assert_int_eq(ev[0].edge, PINWATCH_EDGE_RISING);
	ck_assert_uint_eq(ev[0].seqno, 1);
	ck_assert_int_eq(ev[1].edge, PINWATCH_EDGE_FALLING);
	ck_assert_uint_eq(ev[1].seqno, 2);
	ck_assert_uint_eq(stats(id).lost, 0);
	pinwatch_pin_close(p);
}
END_TEST

/* --------------------------------------------------------- chip gone */

static char gone_dir[PATH_MAX];

static const char *configfs(void)
{
	const char *c = getenv("PINWATCH_GPIOSIM_CONFIGFS");

	return c && *c ? c : "/sys/kernel/config";
}

static int write_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX + 64];
	int fd, ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ok ? 0 : -EIO;
}

static void gone_cleanup(void)
{
	char bank[PATH_MAX + 16];

	snprintf(gone_dir, sizeof(gone_dir), "%s/gpio-sim/pw-chardev-gone", configfs());
	if (access(gone_dir, F_OK) < 0)
		return;
	write_file(gone_dir, "live", "0");
	snprintf(bank, sizeof(bank), "%s/bank0", gone_dir);
	rmdir(bank);
	rmdir(gone_dir);
}

/* A gpio-sim chip of its own (label pwgone, 8 lines), live: its spec. */
static void gone_chip_make(char *board_spec, size_t len)
{
	char bank[PATH_MAX + 16], path[PATH_MAX + 32], chip[64];
	FILE *f;

	gone_cleanup();
	ck_assert_int_eq(mkdir(gone_dir, 0755), 0);
	snprintf(bank, sizeof(bank), "%s/bank0", gone_dir);
	ck_assert_int_eq(mkdir(bank, 0755), 0);
	ck_assert_int_eq(write_file(bank, "num_lines", "8"), 0);
	ck_assert_int_eq(write_file(bank, "label", "pwgone"), 0);
	ck_assert_int_eq(write_file(gone_dir, "live", "1"), 0);
	snprintf(path, sizeof(path), "%s/chip_name", bank);
	f = fopen(path, "re");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fscanf(f, "%63s", chip), 1);
	fclose(f);
	snprintf(board_spec, len, "chardev:/dev/%s", chip);
}

START_TEST(t_chip_gone)
{
	char board_spec[128];
	struct pinwatch_watch_config cfg = { .edges = PINWATCH_EDGE_BOTH, .queue_size = 8 };
	struct pinwatch_event ev;
	pinwatch_board *b;
	pinwatch_pin *p;

	gone_chip_make(board_spec, sizeof(board_spec));
	ck_assert_msg(pinwatch_board_open(board_spec, &b) == 0, "%s", pinwatch_last_error());
	ck_assert_msg(pinwatch_pin_open(b, "pwgone:3", NULL, &p) == 0, "%s", pinwatch_last_error());
	pinwatch_watch_id id = watch(p, &cfg);

	ck_assert_int_eq(write_file(gone_dir, "live", "0"), 0);
	struct pinwatch_watch_stats st = dispatch_until(id, UINT64_MAX);
	ck_assert_int_eq(st.error, -ENODEV);
	ck_assert_int_eq(pinwatch_watch_read(watcher, id, &ev, 1, 0), 1);
	ck_assert_int_eq(ev.edge, PINWATCH_EVENT_ERROR);
	ck_assert_int_eq(ev.value, -ENODEV);
	/* Disabled for good: the loop does not spin on the dead descriptor. */
	ck_assert_int_eq(pinwatch_watcher_dispatch(watcher, 50), 0);
	ck_assert_int_eq(pinwatch_pin_get(p), -ENODEV);
	ck_assert_msg(strstr(pinwatch_last_error(), "is gone"), "message: %s", pinwatch_last_error());
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
	gone_cleanup();
}
END_TEST

/* The same for an idle group watch (issue 16): with libgpiod 2.x its one
 * request descriptor would not wake on an unplugged chip (kernels up to
 * 6.1), so the group's node watch must; with 1.6, its members' do. */
START_TEST(t_chip_gone_group)
{
	char board_spec[128];
	const char *names[] = { "pwgone:2", "pwgone:5" };
	struct pinwatch_watch_config cfg = { .queue_size = 8 };
	struct pinwatch_event ev;
	pinwatch_board *b;
	pinwatch_group *g;
	pinwatch_watch_id id;

	gone_chip_make(board_spec, sizeof(board_spec));
	ck_assert_msg(pinwatch_board_open(board_spec, &b) == 0, "%s", pinwatch_last_error());
	ck_assert_msg(pinwatch_group_open(b, names, 2, NULL, &g) == 0, "%s", pinwatch_last_error());
	ck_assert_msg(pinwatch_watch_add_group(watcher, g, &cfg, &id) == 0, "%s", pinwatch_last_error());

	ck_assert_int_eq(write_file(gone_dir, "live", "0"), 0);
	struct pinwatch_watch_stats st = dispatch_until(id, UINT64_MAX);
	ck_assert_int_eq(st.error, -ENODEV);
	ck_assert_int_ge(pinwatch_watch_read(watcher, id, &ev, 1, 0), 1);
	ck_assert_int_eq(ev.edge, PINWATCH_EVENT_ERROR);
	ck_assert_int_eq(ev.value, -ENODEV);
	pinwatch_group_close(g);
	pinwatch_board_close(b);
	gone_cleanup();
}
END_TEST

/* ------------------------------------------------- permission, descriptors */

/* The first chip of the gpio-sim device NAME, as /dev/gpiochipN. */
static void first_chip(const char *name, char *out, size_t len)
{
	char path[PATH_MAX], chip[64];
	FILE *f;

	snprintf(path, sizeof(path), "%s/gpio-sim/%s/bank0/chip_name", configfs(), name);
	f = fopen(path, "re");
	ck_assert_msg(f != NULL, "no %s", path);
	ck_assert_int_eq(fscanf(f, "%63s", chip), 1);
	fclose(f);
	snprintf(out, len, "/dev/%s", chip);
}

START_TEST(t_permission_denied)
{
	char dev[80], sp[96], msg[512], want[160];
	struct stat st;

	first_chip("plain", dev, sizeof(dev));
	ck_assert_int_eq(stat(dev, &st), 0);
	snprintf(sp, sizeof(sp), "chardev:%s", dev);

	ck_assert_int_eq(chmod(dev, 0600), 0);
	int rc = chardev_open_as_nobody(sp, msg, sizeof(msg));
	snprintf(want, sizeof(want), "%s is mode 600, group ", dev);
	int ok1 = rc == 0 && strstr(msg, "Permission denied") && strstr(msg, want) &&
		  strstr(msg, "add a udev rule");

	ck_assert_int_eq(chown(dev, 0, 20), 0);
	ck_assert_int_eq(chmod(dev, 0660), 0);
	char msg2[512];
	int rc2 = chardev_open_as_nobody(sp, msg2, sizeof(msg2));

	/* Put the node back before asserting anything. */
	ck_assert_int_eq(chown(dev, st.st_uid, st.st_gid), 0);
	ck_assert_int_eq(chmod(dev, st.st_mode & 07777), 0);
	ck_assert_msg(ok1, "exit %d, message: %s", rc, msg);
	snprintf(want, sizeof(want), "%s is group '", dev);
	ck_assert_msg(rc2 == 0 && strstr(msg2, want) &&
		      strstr(msg2, "', mode 660: add the user to that group (usermod -aG "),
		      "exit %d, message: %s", rc2, msg2);
}
END_TEST

START_TEST(t_descriptors_close_on_exec)
{
	int before[256], added[64];
	size_t nb = tu_list_fds(before, 256);
	struct pinwatch_watch_config cfg = { .edges = PINWATCH_EDGE_BOTH };
	pinwatch_board *b;
	pinwatch_pin *p;
	pinwatch_watcher *w;
	pinwatch_watch_id id;

	ck_assert_int_eq(pinwatch_board_open(spec, &b), 0);
	ck_assert_int_eq(pinwatch_pin_open(b, P_FD, NULL, &p), 0);
	ck_assert_int_eq(pinwatch_watcher_new(&w), 0);
	ck_assert_int_eq(pinwatch_watch_add(w, p, &cfg, &id), 0);
	size_t n = tu_new_fds(before, nb, added, 64);
	ck_assert_uint_ge(n, 6);   /* 5 chips, the line, the watcher's own */
	for (size_t i = 0; i < n; i++) {
		int fl = fcntl(added[i], F_GETFD);
		ck_assert_msg(fl >= 0 && (fl & FD_CLOEXEC), "descriptor %d is not close-on-exec", added[i]);
	}
	pinwatch_watcher_free(w);
	pinwatch_pin_close(p);
	pinwatch_board_close(b);
	ck_assert_uint_eq(tu_new_fds(before, nb, added, 64), 0);
}
END_TEST

Suite *chardev_kernel_suite(const char *board_spec)
{
	Suite *s = suite_create("chardev-kernel");
	TCase *tc = tcase_create("kernel");

	spec = board_spec;
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_request_as_the_kernel_sees_it);
	tcase_add_test(tc, t_busy_names_the_holder);
	tcase_add_test(tc, t_kernel_timestamps);
	tcase_add_test(tc, t_overflow_is_counted);
	tcase_add_test(tc, t_debounce);
	tcase_add_test(tc, t_no_stale_events);
	tcase_add_test(tc, t_chip_gone);
	tcase_add_test(tc, t_chip_gone_group);
	tcase_add_test(tc, t_permission_denied);
	tcase_add_test(tc, t_descriptors_close_on_exec);
	suite_add_tcase(s, tc);
	return s;
}
