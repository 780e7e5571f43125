/* SPDX-License-Identifier: MIT */
/*
 * The counter backend's banks and lines: the counter devices under
 * <root>/sys/bus/counter/devices and their counts, read once at board open.
 *
 * Only directory entries named counterN (and, inside, countM) with N and M
 * plain decimal numbers are used; the rest of the tree is ignored.  A line
 * is named after its device (the device's name attribute, e.g. the device
 * tree node "meter-n3"), with "-countM" added when the device has more than
 * one count.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "counter.h"

/* "counter12" with prefix "counter" -> 12; -1 for anything else. */
static long numbered(const char *name, const char *prefix)
{
	size_t plen = strlen(prefix);

	if (strncmp(name, prefix, plen) != 0)
		return -1;
	const char *d = name + plen;
	if (!*d || strlen(d) > 4 || (d[0] == '0' && d[1]))
		return -1;
	for (const char *c = d; *c; c++)
		if (*c < '0' || *c > '9')
			return -1;
	return strtol(d, NULL, 10);
}

/* A pin name from kernel text: what the name resolver can take. */
static void sanitize(char *dst, size_t len, const char *src)
{
	size_t i = 0;

	for (; src[i] && i + 1 < len; i++) {
		char c = src[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			 (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
		dst[i] = ok ? c : '_';
	}
	dst[i] = '\0';
}

static int cmp_unsigned(unsigned a, unsigned b)
{
	return a < b ? -1 : a > b;
}

static int cmp_dev(const void *a, const void *b)
{
	return cmp_unsigned(((const struct counter_dev *)a)->id, ((const struct counter_dev *)b)->id);
}

static int cmp_count(const void *a, const void *b)
{
	return cmp_unsigned(((const struct counter_count *)a)->id, ((const struct counter_count *)b)->id);
}

/* The numbered entries of dirfd named PREFIXn, sorted; at most max. */
static int list_numbered(int dirfd, const char *prefix, unsigned *ids, unsigned max)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	DIR *d = fdopendir(fd);
	if (!d) {
		int err = -errno;
		close(fd);
		return err;
	}
	unsigned n = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		long id = numbered(de->d_name, prefix);
		if (id < 0)
			continue;
		if (n == max) {
			closedir(d);
			pw_detail("more than %u %sN entries", max, prefix);
			return -E2BIG;
		}
		ids[n++] = (unsigned)id;
	}
	closedir(d);
	return (int)n;
}

static int load_count(int devdir, struct counter_dev *dv, unsigned id, struct counter_count *c)
{
	char rel[32], buf[64];
	uint64_t ceiling;
	int ret;

	c->id = id;
	snprintf(rel, sizeof(rel), "count%u/count", id);
	ret = faccessat(devdir, rel, R_OK, 0) < 0 ? -errno : 0;
	if (ret < 0) {
		pw_detail("%s/count%u has no readable count", dv->name, id);
		return ret;
	}
	snprintf(rel, sizeof(rel), "count%u/name", id);
	if (pw_counter_read_attr(devdir, rel, c->kname, sizeof(c->kname)) < 0)
		snprintf(c->kname, sizeof(c->kname), "count%u", id);
	c->modulus = UINT64_C(1) << 32;
	snprintf(rel, sizeof(rel), "count%u/ceiling", id);
	if (pw_counter_read_attr(devdir, rel, buf, sizeof(buf)) == 0 &&
	    pw_counter_parse_u64(buf, &ceiling) == 0)
		c->modulus = ceiling + 1;   /* UINT64_MAX + 1 == 0: 2^64 */
	return 0;
}

static int load_dev(struct counter_state *st, unsigned id, struct counter_dev *dv)
{
	unsigned ids[COUNTER_MAX_COUNTS];
	char buf[64];
	int ret, n;

	dv->id = id;
	snprintf(dv->name, sizeof(dv->name), "counter%u", id);
	int devdir = openat(st->sysfd, dv->name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (devdir < 0) {
		ret = -errno;
		pw_detail("cannot open %s/%s/%s", st->root, COUNTER_SYSFS_DIR, dv->name);
		return ret;
	}
	if (pw_counter_read_attr(devdir, "name", buf, sizeof(buf)) < 0)
		snprintf(buf, sizeof(buf), "%s", dv->name);
	sanitize(dv->label, sizeof(dv->label), buf);
	n = list_numbered(devdir, "count", ids, COUNTER_MAX_COUNTS);
	if (n < 0) {
		ret = n;
		goto out;
	}
	dv->counts = calloc(n ? (size_t)n : 1, sizeof(*dv->counts));
	ret = -ENOMEM;
	if (!dv->counts)
		goto out;
	for (int i = 0; i < n; i++) {
		ret = load_count(devdir, dv, ids[i], &dv->counts[i]);
		if (ret < 0)
			goto out;
	}
	dv->ncounts = (unsigned)n;
	qsort(dv->counts, dv->ncounts, sizeof(*dv->counts), cmp_count);
	for (unsigned i = 0; i < dv->ncounts; i++) {
		struct counter_count *c = &dv->counts[i];
		if (dv->ncounts == 1)
			snprintf(c->name, sizeof(c->name), "%s", dv->label);
		else
			snprintf(c->name, sizeof(c->name), "%.20s-count%u", dv->label, c->id);
	}
	ret = 0;
out:
	if (ret < 0) {
		free(dv->counts);
		dv->counts = NULL;
	}
	close(devdir);
	return ret;
}

int pw_counter_scan(struct counter_state *st, int only)
{
	unsigned ids[COUNTER_MAX_DEVICES];
	int n, ret;

	n = list_numbered(st->sysfd, "counter", ids, COUNTER_MAX_DEVICES);
	if (n < 0)
		return n;
	st->devs = calloc(n ? (size_t)n : 1, sizeof(*st->devs));
	if (!st->devs)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		if (only >= 0 && ids[i] != (unsigned)only)
			continue;
		ret = load_dev(st, ids[i], &st->devs[st->ndevs]);
		if (ret < 0)
			return ret;   /* pw_counter_devs_free() frees those loaded */
		st->ndevs++;
	}
	if (only >= 0 && !st->ndevs) {
		pw_detail("no counter%d in %s/%s", only, st->root, COUNTER_SYSFS_DIR);
		return -ENOENT;
	}
	qsort(st->devs, st->ndevs, sizeof(*st->devs), cmp_dev);
	return 0;
}

void pw_counter_devs_free(struct counter_state *st)
{
	if (!st->devs)
		return;
	for (unsigned i = 0; i < st->ndevs; i++)
		free(st->devs[i].counts);
	free(st->devs);
	st->devs = NULL;
	st->ndevs = 0;
}
