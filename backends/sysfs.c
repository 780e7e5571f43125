/* SPDX-License-Identifier: MIT */
/*
 * The sysfs backend: the legacy /sys/class/gpio interface, for kernels (and
 * boards, such as old Aria G25 images) where it is the only one.
 *
 * What sysfs cannot do is refused, never ignored: bias and drive are
 * -EOPNOTSUPP; there are no kernel timestamps (events are stamped with
 * CLOCK_MONOTONIC when read), no sequence numbers and no event buffer — one
 * notification stands for every edge since the last read, so edges between
 * two reads are lost; on a both-edges watch the core infers them from two
 * same-direction edges in a row.
 *
 * Layout: sysfs_chips.c reads the banks, sysfs_dir.c finds a line's exported
 * directory, sysfs_edges.c watches edges, sysfs_attr.c does the file I/O;
 * this file is the ops table, boards and line requests.
 */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysfs.h"

static const char *const sysfs_options[] = { "retry_ms", NULL };

/* Every line requested through sysfs in this process, on any board.  sysfs
 * itself would let two boards share a line — and the one that exported it
 * would unexport it under the other — so a second request is -EBUSY here,
 * as the kernel makes it on chardev. */
static pthread_mutex_t held_mu = PTHREAD_MUTEX_INITIALIZER;
static struct sysfs_line *held;

/* ------------------------------------------------------------------ board */

static int sysfs_probe(void)
{
	return access(SYSFS_DEFAULT_ROOT "/export", F_OK) == 0;
}

static void sysfs_close(void *state)
{
	struct sysfs_state *st = state;

	if (!st)
		return;
	pw_fd_close(&st->rootfd);
	free(st->chips);
	free(st);
}

static int sysfs_open(const struct pw_open_args *args, void **state)
{
	const char *root = args->arg ? args->arg : SYSFS_DEFAULT_ROOT;
	unsigned long retry = SYSFS_DEFAULT_RETRY_MS;
	struct sysfs_state *st;
	int ret;

	if (root[0] != '/') {
		pw_detail("sysfs:%s: the root must be an absolute path (default %s)", root,
			  SYSFS_DEFAULT_ROOT);
		return -EINVAL;
	}
	ret = pw_spec_get_uint(args->spec, "retry_ms", 0, SYSFS_MAX_RETRY_MS, &retry);
	if (ret < 0)
		return ret;
	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->rootfd = -1;
	st->retry_ms = (unsigned)retry;
	if (strlen(root) >= sizeof(st->root)) {
		pw_detail("sysfs root path too long (at most %zu bytes)", sizeof(st->root) - 1);
		ret = -ENAMETOOLONG;
		goto err;
	}
	snprintf(st->root, sizeof(st->root), "%s", root);
	/* The user's text becomes a path here, once; everything else is
	 * opened relative to this descriptor. */
	st->rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st->rootfd < 0) {
		ret = -errno;
		if (ret == -ENOENT)
			pw_detail("no %s: this kernel has no sysfs GPIO interface (CONFIG_GPIO_SYSFS); try chardev", root);
		else
			pw_detail("cannot open %s", root);
		goto err;
	}
	st->rootfd = pw_fd_own(st->rootfd, "sysfs root");
	if (st->rootfd < 0) {
		ret = st->rootfd;
		goto err;
	}
	struct stat sb;
	if (fstat(st->rootfd, &sb) < 0) {
		ret = -errno;
		goto err;
	}
	st->root_dev = sb.st_dev;
	st->root_ino = sb.st_ino;
	st->on_sysfs = pw_sysfs_on_sysfs(st->rootfd);
	ret = pw_sysfs_stat(st, "export", &sb, 0);
	if (ret < 0) {
		pw_detail("no export file in %s: not a sysfs GPIO directory", root);
		goto err;
	}
	ret = pw_sysfs_chips_load(st, args->profile);
	if (ret < 0)
		goto err;
	*state = st;
	return 0;
err:
	sysfs_close(st);
	return ret;
}

static unsigned sysfs_caps(void *state)
{
	/* Direction and active-low change in place; nothing else is
	 * expressible in sysfs. */
	return 0;
}

static int sysfs_clock(void *state)
{
	return PINWATCH_CLOCK_MONOTONIC;
}

static int sysfs_num_banks(void *state)
{
	return (int)((struct sysfs_state *)state)->nchips;
}

static int sysfs_bank_info(void *state, unsigned bank, struct pinwatch_bank_info *out)
{
	struct sysfs_state *st = state;

	if (bank >= st->nchips)
		return -ERANGE;
	const struct sysfs_chip *c = &st->chips[bank];
	snprintf(out->name, sizeof(out->name), "%s", c->name);
	snprintf(out->label, sizeof(out->label), "%s", c->label);
	out->num_lines = c->ngpio;
	out->base = c->base;
	return 0;
}

static int check_line(const struct sysfs_state *st, unsigned bank, unsigned offset)
{
	if (bank >= st->nchips) {
		pw_detail("bank %u: no such bank (%s has %u gpiochips)", bank, st->root, st->nchips);
		return -EINVAL;
	}
	if (offset >= st->chips[bank].ngpio) {
		pw_detail("line %u: out of range (%s/%s has %u lines)", offset, st->root,
			  st->chips[bank].name, st->chips[bank].ngpio);
		return -EINVAL;
	}
	return 0;
}

static struct sysfs_line *held_locked(const struct sysfs_state *st, int global)
{
	for (struct sysfs_line *l = held; l; l = l->next)
		if (l->global == global && l->st->root_dev == st->root_dev &&
		    l->st->root_ino == st->root_ino)
			return l;
	return NULL;
}

/* Direction and active-low of an exported directory, best effort. */
static void read_config(const struct sysfs_state *st, const char *dir,
			struct pinwatch_line_info *out)
{
	char rel[SYSFS_NAME_MAX + 16], buf[16];

	snprintf(rel, sizeof(rel), "%s/direction", dir);
	if (pw_sysfs_read_attr(st, rel, buf, sizeof(buf)) == 0)
		out->direction = strcmp(buf, "out") ? PINWATCH_DIR_INPUT : PINWATCH_DIR_OUTPUT;
	snprintf(rel, sizeof(rel), "%s/active_low", dir);
	if (pw_sysfs_read_attr(st, rel, buf, sizeof(buf)) == 0)
		out->active_low = !strcmp(buf, "1");
	snprintf(rel, sizeof(rel), "%s/edge", dir);
	if (pw_sysfs_read_attr(st, rel, buf, sizeof(buf)) == 0)
		out->edges = !strcmp(buf, "rising") ? PINWATCH_EDGE_RISING
			   : !strcmp(buf, "falling") ? PINWATCH_EDGE_FALLING
			   : !strcmp(buf, "both") ? PINWATCH_EDGE_BOTH : 0;
}

static int sysfs_line_info(void *state, unsigned bank, unsigned offset,
			   struct pinwatch_line_info *out)
{
	struct sysfs_state *st = state;
	char dir[SYSFS_NAME_MAX] = "";
	int ret = check_line(st, bank, offset);

	if (ret < 0)
		return ret;
	/* sysfs has no line names (the core takes them from the profile) and
	 * cannot tell bias or drive. */
	out->name[0] = '\0';
	out->bias = PINWATCH_BIAS_UNKNOWN;
	out->drive = PINWATCH_DRIVE_PUSH_PULL;
	out->direction = PINWATCH_DIR_INPUT;
	out->active_low = 0;
	out->used = 0;
	out->consumer[0] = '\0';

	pthread_mutex_lock(&held_mu);
	struct sysfs_line *l = held_locked(st, st->chips[bank].base + (int)offset);
	if (l && l->dir[0])
		snprintf(dir, sizeof(dir), "%s", l->dir);
	pthread_mutex_unlock(&held_mu);
	if (!dir[0] && pw_sysfs_find_dir(st, &st->chips[bank], offset, NULL, dir) < 0) {
		pw_detail_clear();   /* an answer, not a failure: no detail left behind */
		return 0;   /* not exported: free, as far as sysfs can tell */
	}
	/* Exported lines are requested by the kernel on behalf of "sysfs";
	 * a line requested through chardev shows as free here. */
	out->used = 1;
	snprintf(out->consumer, sizeof(out->consumer), "sysfs");
	read_config(st, dir, out);
	pw_detail_clear();   /* best effort: what it could not read stays default */
	return 0;
}

/* ----------------------------------------------------------------- lines */

void pw_sysfs_line_path(char *buf, size_t len, const struct sysfs_line *l, const char *file)
{
	snprintf(buf, len, "%s/%s", l->dir, file);
}

static int unsupported(const struct pw_line_config *cfg)
{
	if (cfg->bias != PINWATCH_BIAS_AS_IS) {
		pw_detail("sysfs cannot set bias (pull-up/down): set it in the device tree or use chardev");
		return -EOPNOTSUPP;
	}
	if (cfg->drive != PINWATCH_DRIVE_PUSH_PULL) {
		pw_detail("sysfs cannot set open-drain/open-source drive: use chardev");
		return -EOPNOTSUPP;
	}
	return 0;
}

int pw_sysfs_line_write(struct sysfs_line *l, const char *file, const char *text)
{
	char rel[SYSFS_NAME_MAX + 16];

	pw_sysfs_line_path(rel, sizeof(rel), l, file);
	int opened;
	int ret = pw_sysfs_write_attr(l->st, rel, text, &opened);
	if (ret < 0 && opened)
		pw_detail("cannot write '%s' to %s/%s", text, l->st->root, rel);
	return ret;
}

static int pwrite_value(struct sysfs_line *l, int value)
{
	ssize_t w;

	do
		w = pwrite(l->value_fd, value ? "1" : "0", 1, 0);
	while (w < 0 && errno == EINTR);
	if (w == 1)
		return 0;
	return w < 0 ? -errno : -EIO;
}

/* active_low first, then the direction: "high"/"low" set an output and its
 * level in one step (no glitch), and they are raw levels while value is
 * logical, so the raw level is the logical one through active_low. */
static int configure(struct sysfs_line *l, const struct pw_line_config *cfg)
{
	int ret = pw_sysfs_line_write(l, "active_low", cfg->active_low ? "1" : "0");

	if (ret == -ENOENT && !cfg->active_low)
		ret = 0;    /* kernels before 2.6.33 have no active_low */
	else if (ret == -ENOENT) {
		pw_detail("no %s/%s/active_low: this kernel cannot invert lines", l->st->root, l->dir);
		ret = -EOPNOTSUPP;
	}
	if (ret < 0)
		return ret;
	l->active_low = cfg->active_low;

	const char *dir = "in";
	if (cfg->direction == PINWATCH_DIR_OUTPUT)
		dir = (cfg->value ^ cfg->active_low) ? "high" : "low";
	ret = pw_sysfs_line_write(l, "direction", dir);
	l->has_direction = ret != -ENOENT;
	if (ret == -ENOENT) {
		/* No direction file: the driver fixed the direction.  An
		 * output still takes its value; an input takes a set with
		 * EPERM, which says what we need to know. */
		ret = 0;
		if (cfg->direction == PINWATCH_DIR_OUTPUT) {
			ret = pwrite_value(l, cfg->value);
			if (ret == -EPERM)
				pw_detail("%s/%s has no direction file and the driver made it an input",
					  l->st->root, l->dir);
			else if (ret < 0)
				pw_detail("cannot write %s/%s/value", l->st->root, l->dir);
		}
	}
	if (ret == 0)
		l->direction = cfg->direction;
	return ret;
}

/* One try at a freshly exported line: find the directory, open value,
 * configure.  -EACCES/-ENOENT mean "udev is not done yet": try again. */
static int attempt(struct sysfs_line *l, const struct pw_line_config *cfg,
		   const struct sysfs_snapshot *snap)
{
	struct sysfs_state *st = l->st;
	char rel[SYSFS_NAME_MAX + 16];
	int ret;

	if (!l->dir[0]) {
		ret = pw_sysfs_find_dir(st, &st->chips[l->bank], l->offset, l->ours ? snap : NULL, l->dir);
		if (ret == -ENOENT)
			pw_detail("no directory for GPIO %d appeared under %s", l->global, st->root);
		if (ret < 0) {
			l->dir[0] = '\0';
			return ret;
		}
	}
	if (l->value_fd < 0) {
		int out = cfg->direction == PINWATCH_DIR_OUTPUT;
		pw_sysfs_line_path(rel, sizeof(rel), l, "value");
		int fd = pw_sysfs_open_file(st, rel, out ? O_RDWR : O_RDONLY);
		if (fd < 0)
			return fd;
		fd = pw_fd_own(fd, "sysfs value");
		if (fd < 0)
			return fd;
		l->value_fd = fd;
		l->value_rw = out;
	}
	return configure(l, cfg);
}

static int retryable(int err)
{
	return err == -EACCES || err == -ENOENT;
}

/* Export (unless someone else did), then wait — boundedly — for the
 * directory and for udev to make its files ours. */
static int export_line(struct sysfs_line *l, const struct pw_line_config *cfg)
{
	struct sysfs_state *st = l->st;
	const struct sysfs_chip *c = &st->chips[l->bank];
	struct sysfs_snapshot snap = { 0 };
	char num[16];
	int ret;

	/* Exported already (by hand, by another program): use it, and never
	 * unexport it.  The kernel would answer EBUSY anyway. */
	if (pw_sysfs_find_dir(st, c, l->offset, NULL, l->dir) < 0) {
		l->dir[0] = '\0';
		ret = pw_sysfs_snapshot_take(st, &snap);
		if (ret < 0)
			return ret;
		snprintf(num, sizeof(num), "%d", l->global);
		int opened;
		ret = pw_sysfs_write_attr(st, "export", num, &opened);
		if (ret < 0 && !opened) {
			/* the file, not the kernel, refused: say which */
			if (ret == -EACCES || ret == -EPERM)
				pw_detail("permission denied on %s/export: run as root or add a udev rule for group gpio",
					  st->root);
			goto out;
		} else if (ret == 0) {
			l->ours = 1;
		} else if (ret == -EBUSY) {
			/* Exported between our look and our write, or
			 * requested by a driver or a chardev user. */
			if (pw_sysfs_find_dir(st, c, l->offset, NULL, l->dir) < 0) {
				l->dir[0] = '\0';
				pw_detail("GPIO %d is in use: requested by a kernel driver or a chardev user (the kernel refused to export it)",
					  l->global);
				goto out;
			}
		} else {
			if (ret == -EACCES || ret == -EPERM)
				pw_detail("permission denied on %s/export: run as root or add a udev rule for group gpio",
					  st->root);
			else if (ret == -EINVAL)
				pw_detail("the kernel rejected GPIO %d written to %s/export (an invalid or masked line)",
					  l->global, st->root);
			else
				pw_detail("cannot write %d to %s/export", l->global, st->root);
			goto out;
		}
	}

	uint64_t deadline = pw_monotonic_ns() + (uint64_t)st->retry_ms * 1000000u;
	/* 1, 2, 4, 8, 10, 10... ms: quick when udev is quick, cheap when not */
	unsigned step_ms = 1;
	for (;;) {
		ret = attempt(l, cfg, &snap);
		if (!retryable(ret))
			break;
		uint64_t now = pw_monotonic_ns();
		if (now >= deadline) {
			/* Say why we waited and what would fix it. */
			if (ret == -EACCES)
				pw_detail("permission denied on %s/%s for %u ms after export: run as root or add a udev rule for group gpio (or raise retry_ms=%u)",
					  st->root, l->dir, st->retry_ms, st->retry_ms);
			else
				pw_detail("GPIO %d: its files did not appear under %s within %u ms (retry_ms=%u)",
					  l->global, st->root, st->retry_ms, st->retry_ms);
			break;
		}
		uint64_t left_ms = (deadline - now) / 1000000u + 1;
		pw_sysfs_sleep_ms(left_ms < step_ms ? (unsigned)left_ms : step_ms);
		step_ms = step_ms < 5 ? step_ms * 2 : 10;
	}
out:
	pw_sysfs_snapshot_free(&snap);
	return ret;
}

static void unlink_line(struct sysfs_line *l)
{
	pthread_mutex_lock(&held_mu);
	for (struct sysfs_line **pp = &held; *pp; pp = &(*pp)->next)
		if (*pp == l) {
			*pp = l->next;
			break;
		}
	pthread_mutex_unlock(&held_mu);
}

/* Undo what this process did: close, and unexport only what we exported. */
static void drop_line(struct sysfs_line *l)
{
	pw_fd_close(&l->value_fd);
	if (l->ours) {
		char num[16];
		snprintf(num, sizeof(num), "%d", l->global);
		/* Nothing to report to: the line is gone either way. */
		(void)pw_sysfs_write_attr(l->st, "unexport", num, NULL);
	}
	unlink_line(l);
	free(l);
}

static int sysfs_request(void *state, unsigned bank, unsigned offset,
			 const struct pw_line_config *cfg, void **out)
{
	struct sysfs_state *st = state;
	struct sysfs_line *l;
	int ret = check_line(st, bank, offset);

	if (ret < 0)
		return ret;
	ret = unsupported(cfg);
	if (ret < 0)
		return ret;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->st = st;
	l->bank = bank;
	l->offset = offset;
	l->global = st->chips[bank].base + (int)offset; /* no overflow: checked at load */
	l->value_fd = -1;
	l->edge_fd = -1;
	l->ep_fd = -1;
	l->uevent_fd = -1;

	/* Listed before exporting, so a second request of the line is
	 * refused even while the first one waits for udev. */
	pthread_mutex_lock(&held_mu);
	if (held_locked(st, l->global)) {
		pthread_mutex_unlock(&held_mu);
		free(l);
		pw_detail("the line is already requested in this process");
		return -EBUSY;
	}
	l->next = held;
	held = l;
	pthread_mutex_unlock(&held_mu);

	ret = export_line(l, cfg);
	if (ret < 0) {
		drop_line(l);
		return ret;
	}
	*out = l;
	return 0;
}

static void sysfs_release(void *line)
{
	struct sysfs_line *l = line;

	if (!l)
		return;
	if (l->ep_fd >= 0)
		pw_sysfs_edges_disable(l);
	drop_line(l);
}

static int sysfs_get(void *line)
{
	struct sysfs_line *l = line;
	int v = pw_sysfs_pread_value(l->value_fd);

	if (v == -EBADMSG) {
		pw_detail("unexpected contents in %s/%s/value", l->st->root, l->dir);
		return -EIO;
	}
	if (v < 0)
		pw_detail("cannot read %s/%s/value", l->st->root, l->dir);
	return v;
}

static int sysfs_set(void *line, int value)
{
	struct sysfs_line *l = line;
	int ret = pwrite_value(l, value);

	if (ret == -EPERM)
		pw_detail("the kernel says %s/%s is an input", l->st->root, l->dir);
	else if (ret < 0)
		pw_detail("cannot write %s/%s/value", l->st->root, l->dir);
	return ret;
}

static int sysfs_reconfigure(void *line, const struct pw_line_config *cfg)
{
	struct sysfs_line *l = line;
	int ret = unsupported(cfg);

	if (ret < 0)
		return ret;
	if (cfg->direction == PINWATCH_DIR_OUTPUT && !l->value_rw) {
		/* An input's value is open read-only: swap in a writable one
		 * under the same number (dup3 is atomic), so a get() running
		 * concurrently reads one file or the other, never a closed
		 * or reused descriptor. */
		char rel[SYSFS_NAME_MAX + 16];
		pw_sysfs_line_path(rel, sizeof(rel), l, "value");
		int fd = pw_sysfs_open_file(l->st, rel, O_RDWR);
		if (fd < 0)
			return fd;
		ret = dup3(fd, l->value_fd, O_CLOEXEC) < 0 ? -errno : 0;
		close(fd);
		if (ret < 0)
			return ret;
		l->value_rw = 1;
	}
	return configure(l, cfg);
}

/* sysfs has no notification of changes: refused, saying why (the core's
 * generic refusal would not). */
static int sysfs_info_watch(void *state, unsigned bank, unsigned offset, void **iw, int *fd)
{
	(void)state; (void)bank; (void)offset; (void)iw; (void)fd;
	pw_detail("sysfs has no line-info watch: the kernel notifies no one of a line's export, "
		  "unexport or reconfiguration there (the chardev backend has it, on Linux 5.7 and later)");
	return -EOPNOTSUPP;
}

const struct pw_backend_ops pw_backend_sysfs = {
	.name = "sysfs",
	.arg_is_profile = 0,
	.options = sysfs_options,
	/* the watched descriptor is an epoll set (sysfs_edges.c) */
	.probe = sysfs_probe,
	.open = sysfs_open,
	.close = sysfs_close,
	.caps = sysfs_caps,
	.clock = sysfs_clock,
	.num_banks = sysfs_num_banks,
	.bank_info = sysfs_bank_info,
	.line_info = sysfs_line_info,
	.request = sysfs_request,
	.release = sysfs_release,
	.get = sysfs_get,
	.set = sysfs_set,
	.reconfigure = sysfs_reconfigure,
	.edges_enable = pw_sysfs_edges_enable,
	.info_watch = sysfs_info_watch,
	.edges_disable = pw_sysfs_edges_disable,
	.read_events = pw_sysfs_read_events,
};
