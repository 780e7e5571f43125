/* SPDX-License-Identifier: MIT */
/*
 * The chardev backend: the GPIO character device (/dev/gpiochipN) through
 * libgpiod.  This file is what both libgpiod generations share; the calls
 * that differ live in chardev_v1.c (libgpiod 1.6) or chardev_v2.c (2.x)
 * behind chardev.h.
 *
 * Banks are the chips, sorted by number.  Every requested line has its own
 * lock: get, set and read_events may come from different threads, and on
 * libgpiod 1.6 enabling edges replaces the line's kernel request, so nothing
 * may use the request while that happens.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "chardev.h"

struct cd_bank {
	char *path;
	struct pw_cd_chip *chip;
	struct pw_cd_chip_desc desc;
	pthread_mutex_t info_mu;  /* libgpiod chips are not thread-safe for info */
};

struct cd_board {
	struct cd_bank *banks;
	unsigned num_banks;
	int clock;
};

struct cd_line {
	struct cd_board *board;
	unsigned bank, offset;
	pthread_mutex_t mu;       /* the request, against concurrent get/set/read */
	struct pw_cd_req *req;
	/* The kernel's line seqno is 32 bits and, on libgpiod 2.x, runs on across
	 * edges_disable/edges_enable of one request; seq is its 64-bit
	 * extension, and seqno given to the core counts from seq_base, so each
	 * watch's numbers start at 1 and a gap is a loss the kernel reported. */
	uint32_t kseq_last;
	uint64_t seq, seq_base;
	/* While edges are on: the descriptor the core watches is ep, an epoll
	 * set of the request's descriptor and ino, an inotify watch on the
	 * chip's device node.  Kernels up to 6.1 at least do not wake a line's
	 * pollers when its chip goes away, so without ino an idle watch on an
	 * unplugged chip would wait forever; its node's removal wakes us and
	 * the read that follows reports ENODEV. */
	int ep, ino;
};

/* ------------------------------------------------------------ discovery */

/* N of "gpiochipN", or -1 for any other name. */
static long chip_number(const char *name)
{
	const char *p = name + strlen("gpiochip");
	char *end;

	if (strncmp(name, "gpiochip", strlen("gpiochip")) || !isdigit((unsigned char)*p))
		return -1;
	errno = 0;
	unsigned long n = strtoul(p, &end, 10);
	if (*end || errno || n > INT_MAX)
		return -1;
	return (long)n;
}

struct chip_entry {
	long num;
	char *path;
};

static int entry_cmp(const void *a, const void *b)
{
	const struct chip_entry *x = a, *y = b;

	return (x->num > y->num) - (x->num < y->num);
}

void pw_chardev_paths_free(char **paths, size_t n)
{
	if (!paths)
		return;
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

int pw_chardev_scan(const char *dir, char ***paths, size_t *n)
{
	struct chip_entry *ents = NULL;
	size_t count = 0, cap = 0;
	struct dirent *de;
	int err = 0;

	*paths = NULL;
	*n = 0;
	DIR *d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		long num = chip_number(de->d_name);
		if (num < 0)
			continue;
		if (count == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			struct chip_entry *grown = realloc(ents, ncap * sizeof(*ents));
			if (!grown) {
				err = -ENOMEM;
				break;
			}
			ents = grown;
			cap = ncap;
		}
		if (asprintf(&ents[count].path, "%s/%s", strcmp(dir, "/") ? dir : "",
			     de->d_name) < 0) {
			err = -ENOMEM;
			break;
		}
		ents[count++].num = num;
	}
	closedir(d);
	if (!err && count) {
		*paths = malloc(count * sizeof(**paths));
		if (!*paths)
			err = -ENOMEM;
	}
	if (err) {
		for (size_t i = 0; i < count; i++)
			free(ents[i].path);
		free(ents);
		return err;
	}
	if (count)  /* qsort wants an array, even of nothing */
		qsort(ents, count, sizeof(*ents), entry_cmp);
	for (size_t i = 0; i < count; i++)
		(*paths)[i] = ents[i].path;
	*n = count;
	free(ents);
	return 0;
}

/* "gpiochip0 gpiochip1" of DIR into buf, for messages. */
static void list_chips(const char *dir, char *buf, size_t len)
{
	char **paths;
	size_t n, used = 0;

	buf[0] = '\0';
	if (pw_chardev_scan(dir, &paths, &n) < 0)
		return;
	for (size_t i = 0; i < n && used + 1 < len; i++) {
		const char *base = strrchr(paths[i], '/') + 1;
		int w = snprintf(buf + used, len - used, "%s%s", i ? " " : "", base);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	pw_chardev_paths_free(paths, n);
}

int pw_chardev_parse_arg(const char *arg, char **dir, char **chip)
{
	struct stat st;

	*dir = *chip = NULL;
	if (!arg) {
		*dir = strdup("/dev");
		return *dir ? 0 : -ENOMEM;
	}
	if (arg[0] != '/') {
		/* A bare chip name is short for the device node in /dev. */
		if (chip_number(arg) < 0) {
			pw_detail("'%s': want chardev:/dev/gpiochipN, chardev:gpiochipN or chardev:DIRECTORY", arg);
			return -EINVAL;
		}
		if (asprintf(chip, "/dev/%s", arg) < 0) {
			*chip = NULL;
			return -ENOMEM;
		}
	} else {
		*chip = strdup(arg);
		if (!*chip)
			return -ENOMEM;
	}
	if (stat(*chip, &st) < 0) {
		int err = -errno;
		char found[128];
		char *slash = strrchr(*chip, '/');

		*slash = '\0';
		list_chips(*chip[0] ? *chip : "/", found, sizeof(found));
		*slash = '/';
		if (err == -EACCES)
			pw_detail("%s: a directory on the way is not searchable by this user", *chip);
		else if (found[0])
			pw_detail("%s: no such device (there is: %s)", *chip, found);
		else
			pw_detail("%s: no such device", *chip);
		free(*chip);
		*chip = NULL;
		return err;
	}
	if (S_ISDIR(st.st_mode)) {
		*dir = *chip;
		*chip = NULL;
	}
	return 0;
}

/* -------------------------------------------------------------- messages */

/* The permission message: which device, and what to do about it. */
static void explain_access(const char *path)
{
	struct stat st;
	struct group gr, *grp = NULL;
	char buf[1024], gname[32];

	if (stat(path, &st) < 0) {
		pw_detail("%s: permission denied", path);
		return;
	}
	getgrgid_r(st.st_gid, &gr, buf, sizeof(buf), &grp);
	/* A system without a group database (an initramfs) still has gids. */
	if (grp)
		snprintf(gname, sizeof(gname), "%s", grp->gr_name);
	else
		snprintf(gname, sizeof(gname), "%u", (unsigned)st.st_gid);
	if (st.st_gid != 0 && (st.st_mode & 0060))
		pw_detail("%s is group '%s', mode %03o: add the user to that group (usermod -aG %s USER, then log in again) or add a udev rule",
			  path, gname, (unsigned)(st.st_mode & 0777), gname);
	else
		pw_detail("%s is mode %03o, group %s: add a udev rule (KERNEL==\"gpiochip*\", GROUP=\"gpio\", MODE=\"0660\") and add the user to group gpio",
			  path, (unsigned)(st.st_mode & 0777), gname);
}

static void explain_open(const char *path, int err)
{
	switch (err) {
	case -EACCES:
	case -EPERM:
		explain_access(path);
		break;
	case -ENOTTY:
	case -ENODEV:
	case -EINVAL:
		pw_detail("%s is not a GPIO character device", path);
		break;
	case -ENOENT:
		pw_detail("%s: no such device", path);
		break;
	default:
		pw_detail("cannot open %s", path);
		break;
	}
}

static int line_info_locked(struct cd_board *b, unsigned bank, unsigned offset,
			    struct pinwatch_line_info *out)
{
	struct cd_bank *bk = &b->banks[bank];

	pthread_mutex_lock(&bk->info_mu);
	int rc = pw_cd_line_info(bk->chip, offset, out);
	pthread_mutex_unlock(&bk->info_mu);
	return rc;
}

/* The cause of a failed request, reconfigure or edge enable; returns err. */
static int explain_line(struct cd_board *b, unsigned bank, unsigned offset,
			int err)
{
	struct pinwatch_line_info li;

	switch (err) {
	case -EBUSY:
		memset(&li, 0, sizeof(li));
		if (line_info_locked(b, bank, offset, &li) == 0 && li.consumer[0])
			pw_detail("line is used by '%s'", li.consumer);
		else
			pw_detail("line is in use (the kernel does not say by whom)");
		break;
	case -ENODEV:
	case -ENXIO:
		pw_detail("%s is gone", b->banks[bank].path);
		break;
	case -EINVAL:
		pw_detail("the kernel refused this configuration of %s line %u",
			  b->banks[bank].desc.name, offset);
		break;
	case -EPERM:
		pw_detail("the line is not an output");
		break;
	default:
		break;
	}
	return err;
}

/* --------------------------------------------------------------- board */

static void board_free(struct cd_board *b)
{
	if (!b)
		return;
	for (unsigned i = 0; i < b->num_banks; i++) {
		pw_cd_chip_close(b->banks[i].chip);
		pthread_mutex_destroy(&b->banks[i].info_mu);
		free(b->banks[i].path);
	}
	free(b->banks);
	free(b);
}

/* Kernels before 5.7 stamp v1 uAPI events with CLOCK_REALTIME; the v2 uAPI
 * (5.10 on, which libgpiod 2.x needs) is monotonic by default. */
static int kernel_clock(void)
{
	struct utsname u;
	unsigned major = 0, minor = 0;

	if (uname(&u) < 0 || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return PINWATCH_CLOCK_MONOTONIC;
	if (major < 5 || (major == 5 && minor < 7))
		return PINWATCH_CLOCK_REALTIME;
	return PINWATCH_CLOCK_MONOTONIC;
}

static int cd_open(const struct pw_open_args *args, void **state)
{
	char *dir = NULL, *chip = NULL;
	char **paths = NULL;
	size_t n = 0;
	struct cd_board *b = NULL;
	int rc;

	rc = pw_chardev_parse_arg(args->arg, &dir, &chip);
	if (rc < 0)
		return rc;
	if (dir) {
		rc = pw_chardev_scan(dir, &paths, &n);
		if (rc < 0) {
			pw_detail("cannot read %s", dir);
			goto out;
		}
		if (!n) {
			pw_detail("no gpiochip devices in %s (no GPIO driver, or no chardev in this kernel: try sysfs, or sim for a simulated board)", dir);
			rc = -ENOENT;
			goto out;
		}
	} else {
		paths = malloc(sizeof(*paths));
		if (!paths) {
			rc = -ENOMEM;
			goto out;
		}
		paths[0] = chip;
		chip = NULL;
		n = 1;
	}

	b = calloc(1, sizeof(*b));
	if (!b || !(b->banks = calloc(n, sizeof(*b->banks)))) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct cd_bank *bk = &b->banks[i];

		/* Checked first: the open is read-write, and must never
		 * happen to a path that is not a gpiochip. */
		rc = pw_chardev_check_node(paths[i]);
		if (rc < 0 && rc != -ENOTTY && rc != -ENODEV) {
			explain_open(paths[i], rc);
			goto out;
		}
		if (rc < 0)
			goto out;
		rc = pw_cd_chip_open(paths[i], &bk->chip, &bk->desc);
		if (rc < 0) {
			explain_open(paths[i], rc);
			goto out;
		}
		pthread_mutex_init(&bk->info_mu, NULL);
		bk->path = paths[i];
		paths[i] = NULL;
		b->num_banks++;
	}
	b->clock = kernel_clock();
	*state = b;
	b = NULL;
	rc = 0;
out:
	board_free(b);
	pw_chardev_paths_free(paths, n);
	free(dir);
	free(chip);
	return rc;
}

static void cd_close(void *state)
{
	board_free(state);
}

static unsigned cd_caps(void *state)
{
	(void)state;
	return pw_cd_caps();
}

static int cd_clock(void *state)
{
	return ((struct cd_board *)state)->clock;
}

static int cd_num_banks(void *state)
{
	return (int)((struct cd_board *)state)->num_banks;
}

static int cd_bank_info(void *state, unsigned bank, struct pinwatch_bank_info *out)
{
	struct cd_board *b = state;

	if (bank >= b->num_banks)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", b->banks[bank].desc.name);
	snprintf(out->label, sizeof(out->label), "%s", b->banks[bank].desc.label);
	out->num_lines = b->banks[bank].desc.num_lines;
	out->base = -1;  /* chardev has no global numbers */
	return 0;
}

static int check_line(struct cd_board *b, unsigned bank, unsigned offset)
{
	if (bank >= b->num_banks || offset >= b->banks[bank].desc.num_lines) {
		pw_detail("no line %u:%u on this board", bank, offset);
		return -EINVAL;
	}
	return 0;
}

static int cd_line_info(void *state, unsigned bank, unsigned offset,
			struct pinwatch_line_info *out)
{
	struct cd_board *b = state;
	int rc = check_line(b, bank, offset);

	if (rc < 0)
		return rc;
	rc = line_info_locked(b, bank, offset, out);
	return rc < 0 ? explain_line(b, bank, offset, rc) : 0;
}

/* ---------------------------------------------------------------- lines */

static void gone_watch_stop(struct cd_line *l)
{
	pw_fd_close(&l->ep);
	pw_fd_close(&l->ino);
}

/* The descriptor for the core: the request's own, plus the node's removal
 * when inotify allows (without it, only the kernel's own wake-ups count). */
static int gone_watch_start(struct cd_line *l, int reqfd)
{
	struct epoll_event ev = { .events = EPOLLIN };

	l->ino = pw_fd_own(inotify_init1(IN_NONBLOCK | IN_CLOEXEC), "chardev: chip node watch");
	l->ep = pw_fd_own(epoll_create1(EPOLL_CLOEXEC), "chardev: line epoll");
	if (l->ino < 0 || l->ep < 0 ||
	    inotify_add_watch(l->ino, l->board->banks[l->bank].path,
			      IN_ATTRIB | IN_DELETE_SELF) < 0 ||
	    epoll_ctl(l->ep, EPOLL_CTL_ADD, reqfd, &ev) < 0 ||
	    epoll_ctl(l->ep, EPOLL_CTL_ADD, l->ino, &ev) < 0) {
		gone_watch_stop(l);
		return reqfd;
	}
	return l->ep;
}

static int cd_request(void *state, unsigned bank, unsigned offset,
		      const struct pw_line_config *cfg, void **line)
{
	struct cd_board *b = state;
	struct cd_line *l;
	int rc = check_line(b, bank, offset);

	if (rc < 0)
		return rc;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	rc = pw_cd_request(b->banks[bank].chip, offset, cfg, &l->req);
	if (rc < 0) {
		free(l);
		return explain_line(b, bank, offset, rc);
	}
	l->board = b;
	l->bank = bank;
	l->offset = offset;
	l->ep = l->ino = -1;
	pthread_mutex_init(&l->mu, NULL);
	*line = l;
	return 0;
}

static void cd_release(void *line)
{
	struct cd_line *l = line;

	if (!l)
		return;
	gone_watch_stop(l);  /* the core disables edges first; never leak */
	pw_cd_release(l->req);
	pthread_mutex_destroy(&l->mu);
	free(l);
}

static int cd_get(void *line)
{
	struct cd_line *l = line;

	pthread_mutex_lock(&l->mu);
	int rc = pw_cd_get(l->req);
	pthread_mutex_unlock(&l->mu);
	return rc < 0 ? explain_line(l->board, l->bank, l->offset, rc) : rc;
}

static int cd_set(void *line, int value)
{
	struct cd_line *l = line;

	pthread_mutex_lock(&l->mu);
	int rc = pw_cd_set(l->req, value);
	pthread_mutex_unlock(&l->mu);
	return rc < 0 ? explain_line(l->board, l->bank, l->offset, rc) : 0;
}

static int cd_reconfigure(void *line, const struct pw_line_config *cfg)
{
	struct cd_line *l = line;

	pthread_mutex_lock(&l->mu);
	int rc = pw_cd_reconfigure(l->req, cfg);
	pthread_mutex_unlock(&l->mu);
	return rc < 0 ? explain_line(l->board, l->bank, l->offset, rc) : 0;
}

static void convert(struct cd_line *l, const struct pw_cd_event *in,
		    struct pw_raw_event *out, int kernel_seqno)
{
	out->timestamp_ns = in->timestamp_ns;
	out->edge = in->rising ? PINWATCH_EDGE_RISING : PINWATCH_EDGE_FALLING;
	out->seqno = 0;
	if (kernel_seqno) {
		l->seq += pw_cd_seq_step(l->kseq_last, in->line_seqno);
		l->kseq_last = in->line_seqno;
		out->seqno = l->seq - l->seq_base;
	}
}

/* A source of kernel events (a line's request, a group's) and where each
 * goes: take() converts RAW into OUT, 0 if it is not one of ours. */
struct cd_source {
	int (*read)(void *req, struct pw_cd_event *raw, size_t n);
	int (*take)(void *owner, const struct pw_cd_event *raw, struct pw_raw_event *out, int kseq);
	void *req, *owner;
};

/* Up to n events, in batches of PW_CD_READ_MAX.  A fault after some events
 * hands over what this batch has: the fault (device gone) shows again on
 * the next read, with nothing lost. */
static int read_batches(const struct cd_source *src, struct pw_raw_event *ev, size_t n)
{
	struct pw_cd_event raw[PW_CD_READ_MAX];
	int kseq = (pw_cd_caps() & PW_CAP_KERNEL_SEQNO) != 0;
	size_t total = 0;

	while (total < n) {
		size_t want = n - total < PW_CD_READ_MAX ? n - total : PW_CD_READ_MAX;
		int got = src->read(src->req, raw, want);

		if (got < 0) {
			if (total)
				break;
			return got;
		}
		for (int i = 0; i < got; i++)
			total += (size_t)src->take(src->owner, &raw[i], &ev[total], kseq);
		if ((size_t)got < want)
			break;
	}
	return (int)total;
}

static int line_read(void *req, struct pw_cd_event *raw, size_t n)
{
	return pw_cd_read(req, raw, n);
}

static int line_take(void *owner, const struct pw_cd_event *raw, struct pw_raw_event *out,
		     int kseq)
{
	convert(owner, raw, out, kseq);
	return 1;
}

/* With l->mu held. */
static int read_locked(struct cd_line *l, struct pw_raw_event *ev, size_t n)
{
	const struct cd_source src = { line_read, line_take, l->req, l };

	return read_batches(&src, ev, n);
}

static const char *clock_name(int clock)
{
	switch (clock) {
	case PINWATCH_CLOCK_MONOTONIC: return "CLOCK_MONOTONIC";
	case PINWATCH_CLOCK_REALTIME: return "CLOCK_REALTIME";
	case PINWATCH_CLOCK_HTE: return "the HTE clock";
	default: return "a virtual clock";
	}
}

static int cd_edges_enable(void *line, const struct pw_edge_config *ec, int *fd)
{
	struct cd_line *l = line;

	unsigned clocks = pw_cd_event_clocks(l->board->clock);
	if (ec->clock && !(clocks & (1u << ec->clock))) {
		if (clocks & (1u << PINWATCH_CLOCK_HTE))   /* libgpiod 2: a choice, not this one */
			pw_detail("%s: the kernel stamps events with CLOCK_MONOTONIC, CLOCK_REALTIME "
				  "or a hardware timestamp engine, not this clock; %s is the default",
				  clock_name(ec->clock), clock_name(l->board->clock));
		else
			pw_detail("%s: libgpiod 1.6 (uAPI v1) has no event clock choice: the kernel "
				  "stamps events with %s (used instead); libgpiod 2 chooses",
				  clock_name(ec->clock), clock_name(l->board->clock));
		return -EOPNOTSUPP;
	}
	pthread_mutex_lock(&l->mu);
	int rc = pw_cd_edges_enable(l->req, ec);
	if (rc >= 0) {
		l->seq_base = l->seq;
		*fd = gone_watch_start(l, pw_cd_fd(l->req));
	}
	pthread_mutex_unlock(&l->mu);
	if (rc == -EOPNOTSUPP && ec->clock == PINWATCH_CLOCK_HTE) {
		pw_detail("the kernel has no hardware timestamp engine for this line (CONFIG_HTE and a "
			  "provider); its events are stamped with CLOCK_MONOTONIC or CLOCK_REALTIME");
		return rc;
	}
	return rc < 0 ? explain_line(l->board, l->bank, l->offset, rc) : 0;
}

static void cd_edges_disable(void *line)
{
	struct cd_line *l = line;
	struct pw_raw_event drain[PW_CD_READ_MAX];

	pthread_mutex_lock(&l->mu);
	/* Our epoll set first: the request's descriptor may be replaced. */
	gone_watch_stop(l);
	/* Detection off, then take what the kernel had queued: a later watch
	 * must not get this one's stale edges, and the sequence numbers they
	 * carry must be counted so the next watch does not see a gap. */
	if (pw_cd_edges_disable(l->req) == 0)
		while (read_locked(l, drain, PW_ARRAY_SIZE(drain)) > 0)
			;
	pthread_mutex_unlock(&l->mu);
}

/* A read found no edge: the wake-up may be the node's news (L's inotify
 * watch, gone_watch_start).  Consume it (level-triggered: else the loop
 * would spin) and say so, for a second read: a chip that is gone fails
 * that read (ENODEV).  Only then, so a wake-up with edges costs no extra
 * read. */
static int node_news_drained(struct cd_line *l)
{
	char buf[sizeof(struct inotify_event) + NAME_MAX + 1];

	if (l->ino < 0)
		return 0;
	while (read(l->ino, buf, sizeof(buf)) > 0)
		;
	return 1;
}

static int cd_read_events(void *line, struct pw_raw_event *ev, size_t n)
{
	struct cd_line *l = line;

	pthread_mutex_lock(&l->mu);
	int rc = read_locked(l, ev, n);
	if (rc == 0 && node_news_drained(l))
		rc = read_locked(l, ev, n);
	pthread_mutex_unlock(&l->mu);
	if (rc == -ENODEV || rc == -ENXIO)
		pw_detail("%s is gone", l->board->banks[l->bank].path);
	return rc;
}

/* ------------------------------------------------ line groups (issue 16) */

/* One kernel request for lines of one chip (libgpiod 2.x; 1.6 says
 * -EOPNOTSUPP and the core goes line by line).  Each member is a cd_line
 * over the shared request, for its own get/set; the group's edges come on
 * the request's one descriptor, converted with each member's seqno state. */
struct cd_group {
	struct cd_board *board;
	unsigned bank;
	size_t n;
	struct pw_cd_group *g;
	struct cd_line *lines;
	pthread_mutex_t mu;
};

static int cd_request_group(void *state, unsigned bank, const unsigned *offsets, size_t n,
			    const struct pw_line_config *cfg, void **lines, void **group)
{
	struct cd_board *b = state;
	struct cd_group *cg;
	struct pw_cd_req **reqs;
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++)
		rc = check_line(b, bank, offsets[i]);
	if (rc < 0)
		return rc;
	cg = calloc(1, sizeof(*cg));
	reqs = calloc(n, sizeof(*reqs));
	if (cg)
		cg->lines = calloc(n, sizeof(*cg->lines));
	if (!cg || !reqs || !cg->lines) {
		if (cg)
			free(cg->lines);
		free(cg);
		free(reqs);
		return -ENOMEM;
	}
	rc = pw_cd_request_group(b->banks[bank].chip, offsets, n, cfg, &cg->g, reqs);
	if (rc < 0) {
		free(reqs);
		free(cg->lines);
		free(cg);
		if (rc == -EOPNOTSUPP)
			return rc;
		/* Which line is busy: the kernel does not say; ask each. */
		for (size_t i = 0; i < n; i++) {
			struct pinwatch_line_info li = { 0 };
			if (line_info_locked(b, bank, offsets[i], &li) == 0 && li.used)
				return explain_line(b, bank, offsets[i], rc);
		}
		return explain_line(b, bank, offsets[0], rc);
	}
	cg->board = b;
	cg->bank = bank;
	cg->n = n;
	pthread_mutex_init(&cg->mu, NULL);
	for (size_t i = 0; i < n; i++) {
		struct cd_line *l = &cg->lines[i];
		l->board = b;
		l->bank = bank;
		l->offset = offsets[i];
		l->req = reqs[i];
		l->ep = l->ino = -1;
		pthread_mutex_init(&l->mu, NULL);
		lines[i] = l;
	}
	free(reqs);
	*group = cg;
	return 0;
}

static void cd_release_group(void *group)
{
	struct cd_group *cg = group;

	gone_watch_stop(&cg->lines[0]);   /* the core disables edges first; never leak */
	pw_cd_release_group(cg->g);
	for (size_t i = 0; i < cg->n; i++)
		pthread_mutex_destroy(&cg->lines[i].mu);
	pthread_mutex_destroy(&cg->mu);
	free(cg->lines);
	free(cg);
}

static int cd_group_get(void *group, int *values)
{
	struct cd_group *cg = group;

	pthread_mutex_lock(&cg->mu);
	int rc = pw_cd_group_get(cg->g, values);
	pthread_mutex_unlock(&cg->mu);
	return rc < 0 ? explain_line(cg->board, cg->bank, cg->lines[0].offset, rc) : 0;
}

static int cd_group_set(void *group, const int *values)
{
	struct cd_group *cg = group;

	pthread_mutex_lock(&cg->mu);
	int rc = pw_cd_group_set(cg->g, values);
	pthread_mutex_unlock(&cg->mu);
	return rc < 0 ? explain_line(cg->board, cg->bank, cg->lines[0].offset, rc) : 0;
}

static int cd_group_reconfigure(void *group, const struct pw_line_config *cfg)
{
	struct cd_group *cg = group;

	pthread_mutex_lock(&cg->mu);
	int rc = pw_cd_group_reconfigure(cg->g, cfg);
	pthread_mutex_unlock(&cg->mu);
	return rc < 0 ? explain_line(cg->board, cg->bank, cg->lines[0].offset, rc) : 0;
}

static int cd_group_edges_enable(void *group, const struct pw_edge_config *ec, int *fd)
{
	struct cd_group *cg = group;

	pthread_mutex_lock(&cg->mu);
	int rc = pw_cd_group_edges_enable(cg->g, ec);
	if (rc >= 0) {
		/* (a new kernel request's numbers: pw_cd_seq_step) */
		for (size_t i = 0; i < cg->n; i++)
			cg->lines[i].seq_base = cg->lines[i].seq;   /* each watch from 1 */
		/* an unplugged chip wakes the watch too (lines[0] holds the
		 * node watch, as a line's own does) */
		*fd = gone_watch_start(&cg->lines[0], pw_cd_group_fd(cg->g));
	}
	pthread_mutex_unlock(&cg->mu);
	return rc < 0 ? explain_line(cg->board, cg->bank, cg->lines[0].offset, rc) : 0;
}

static int group_read(void *req, struct pw_cd_event *raw, size_t n)
{
	return pw_cd_group_read(req, raw, n);
}

/* A group's event goes to its member (by offset), with that line's seqno. */
static int group_take(void *owner, const struct pw_cd_event *raw, struct pw_raw_event *out,
		      int kseq)
{
	struct cd_group *cg = owner;
	size_t k = 0;

	while (k < cg->n && cg->lines[k].offset != raw->offset)
		k++;
	if (k == cg->n)
		return 0;   /* not ours: cannot happen */
	convert(&cg->lines[k], raw, out, kseq);
	out->count = 0;
	out->line = (unsigned)k;
	return 1;
}

/* With cg->mu held: up to n events, each on its member. */
static int group_read_locked(struct cd_group *cg, struct pw_raw_event *ev, size_t n)
{
	const struct cd_source src = { group_read, group_take, cg->g, cg };

	return read_batches(&src, ev, n);
}

static void cd_group_edges_disable(void *group)
{
	struct cd_group *cg = group;
	struct pw_raw_event drain[PW_CD_READ_MAX];

	pthread_mutex_lock(&cg->mu);
	/* Off, then take what was queued (its seqno counted, as for a line). */
	if (pw_cd_group_edges_disable(cg->g) == 0)
		while (group_read_locked(cg, drain, PW_ARRAY_SIZE(drain)) > 0)
			;
	gone_watch_stop(&cg->lines[0]);
	pthread_mutex_unlock(&cg->mu);
}

static int cd_group_read_events(void *group, struct pw_raw_event *ev, size_t n)
{
	struct cd_group *cg = group;

	pthread_mutex_lock(&cg->mu);
	int rc = group_read_locked(cg, ev, n);
	if (rc == 0 && node_news_drained(&cg->lines[0]))
		rc = group_read_locked(cg, ev, n);
	pthread_mutex_unlock(&cg->mu);
	if (rc == -ENODEV || rc == -ENXIO)
		pw_detail("%s is gone", cg->board->banks[cg->bank].path);
	return rc;
}

/* ------------------------------------------------------ line-info watch */

/* The watch's own chip descriptor (chardev_info_v*.c), and the node's
 * removal seen as for edges would need the inotify dance: a chip that goes
 * away ends its info watch's reads with ENODEV on the next change. */
static int cd_info_watch(void *state, unsigned bank, unsigned offset, void **iw, int *fd)
{
	struct cd_board *b = state;
	struct pw_cd_info *w;

	if (bank >= b->num_banks)
		return -ERANGE;
	int rc = pw_cd_info_watch(b->banks[bank].path, offset, &w);
	if (rc == -ENOTTY || rc == -EINVAL) {
		pw_detail("the kernel has no line-info watch on %s (GPIO_GET_LINEINFO_WATCH_IOCTL: "
			  "Linux 5.7 and later)", b->banks[bank].path);
		return -EOPNOTSUPP;
	}
	if (rc == -EACCES)
		pw_detail("cannot open %s (permission: the gpio group?)", b->banks[bank].path);
	if (rc < 0)
		return explain_line(b, bank, offset, rc);
	*iw = w;
	*fd = pw_cd_info_fd(w);
	return 0;
}

static void cd_info_unwatch(void *iw)
{
	pw_cd_info_unwatch(iw);
}

static int cd_info_read(void *iw, struct pw_raw_info_event *ev, size_t n)
{
	struct pw_cd_info_event k[PW_CD_READ_MAX];

	if (n > PW_ARRAY_SIZE(k))
		n = PW_ARRAY_SIZE(k);
	int got = pw_cd_info_read(iw, k, n);
	for (int i = 0; i < got; i++) {
		ev[i].kind = k[i].kind;
		ev[i].clock = PINWATCH_CLOCK_MONOTONIC;   /* the kernel's ktime_get_ns() */
		ev[i].timestamp_ns = k[i].timestamp_ns;
		ev[i].info = k[i].info;
	}
	if (got == -ENODEV || got == -ENXIO)
		pw_detail("the chip is gone");
	return got;
}

static int cd_probe(void)
{
	char **paths;
	size_t n;

	if (pw_chardev_scan("/dev", &paths, &n) < 0)
		return 0;
	pw_chardev_paths_free(paths, n);
	return n > 0;
}

static const char *const cd_options[] = { NULL };

const struct pw_backend_ops pw_backend_chardev = {
	.name = "chardev",
	.arg_is_profile = 0,
	.options = cd_options,
	.probe = cd_probe,
	.open = cd_open,
	.close = cd_close,
	.caps = cd_caps,
	.counting_buffer = 1024,
	.clock = cd_clock,
	.num_banks = cd_num_banks,
	.bank_info = cd_bank_info,
	.line_info = cd_line_info,
	.request = cd_request,
	.release = cd_release,
	.get = cd_get,
	.set = cd_set,
	.reconfigure = cd_reconfigure,
	.edges_enable = cd_edges_enable,
	.edges_disable = cd_edges_disable,
	.read_events = cd_read_events,
	/* line groups (issue 16) */
	.request_group = cd_request_group,
	.release_group = cd_release_group,
	.group_get = cd_group_get,
	.group_set = cd_group_set,
	.group_reconfigure = cd_group_reconfigure,
	.group_edges_enable = cd_group_edges_enable,
	.group_edges_disable = cd_group_edges_disable,
	.group_read_events = cd_group_read_events,
	.info_watch = cd_info_watch,
	.info_unwatch = cd_info_unwatch,
	.info_read = cd_info_read,
};
