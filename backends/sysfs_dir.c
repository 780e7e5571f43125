/* SPDX-License-Identifier: MIT */
/*
 * Finding a line's exported directory, without guessing from kernel versions.
 *
 * The kernel names it "gpioN" (N the global number), unless the driver names
 * its lines (gpio_chip.names: pinctrl-at91 names them "pioC0"), and then it
 * uses that name.  No file inside the directory carries the number, so:
 *
 *  1. "gpioN" is looked up first: a number is unique system-wide.
 *  2. Right after our own export, the new entry is the one that was not under
 *     the root before the export (a snapshot) and belongs to this chip.  This
 *     is exact whatever the driver's naming scheme.
 *  3. For a line exported by someone else (no "before" to compare with), the
 *     names drivers are known to give are tried: the chip's label + offset
 *     ("pioC" + "0": pinctrl-at91 and the old mach-at91 code) and the board
 *     profile's line name ("PC0").
 *
 * "Belongs to this chip" compares the entry's `device` link with the chip's:
 * old kernels parent both to the chip's device; since 4.x the line is parented
 * to the gpio_device, a child of the chip's device, so the entry's `device/..`
 * matches instead.  Inodes are compared, never path strings.  A chip entry
 * without a `device` link (very old trees) cannot be checked and is accepted.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysfs.h"

/* "gpio123": the name of a numbered line (it belongs to its number). */
static int numbered(const char *name)
{
	if (strncmp(name, "gpio", 4) || !name[4])
		return 0;
	for (const char *p = name + 4; *p; p++)
		if (!isdigit((unsigned char)*p))
			return 0;
	return 1;
}

/* export, unexport and the chips are not line directories. */
static int line_entry_name(const char *name)
{
	return pw_sysfs_name_ok(name) && strcmp(name, "export") && strcmp(name, "unexport") &&
	       strncmp(name, "gpiochip", 8);
}

static int is_dir(const struct sysfs_state *st, const char *name)
{
	struct stat sb;

	return pw_sysfs_stat(st, name, &sb, 0) == 0 && S_ISDIR(sb.st_mode);
}

static int same_inode(const struct sysfs_state *st, const struct sysfs_chip *c, const char *rel)
{
	struct stat sb;

	return pw_sysfs_stat(st, rel, &sb, 1) == 0 && sb.st_dev == c->dev_dev &&
	       sb.st_ino == c->dev_ino;
}

static int on_chip(const struct sysfs_state *st, const struct sysfs_chip *c, const char *name)
{
	char rel[SYSFS_NAME_MAX + 16];

	if (!c->has_dev)
		return 1;
	snprintf(rel, sizeof(rel), "%s/device", name);
	if (same_inode(st, c, rel))
		return 1;
	snprintf(rel, sizeof(rel), "%s/device/..", name);
	return same_inode(st, c, rel);
}

static int try_name(const struct sysfs_state *st, const struct sysfs_chip *c, const char *name,
		    char out[SYSFS_NAME_MAX])
{
	if (!line_entry_name(name) || numbered(name) || !is_dir(st, name) || !on_chip(st, c, name))
		return 0;
	snprintf(out, SYSFS_NAME_MAX, "%s", name);
	return 1;
}

/* Step 3: the names drivers give their lines. */
static int by_known_names(const struct sysfs_state *st, const struct sysfs_chip *c,
			  unsigned offset, char out[SYSFS_NAME_MAX])
{
	char name[SYSFS_NAME_MAX + 16];

	if (c->label[0]) {
		snprintf(name, sizeof(name), "%s%u", c->label, offset);
		if (try_name(st, c, name, out))
			return 1;
	}
	if (c->prefix[0]) {
		snprintf(name, sizeof(name), "%s%u", c->prefix, offset);
		if (try_name(st, c, name, out))
			return 1;
	}
	return 0;
}

static DIR *open_root(const struct sysfs_state *st)
{
	int fd = pw_sysfs_open_dir(st, ".", 0);
	DIR *d;

	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	d = fdopendir(fd);
	if (!d)
		close(fd);
	return d;
}

int pw_sysfs_snapshot_take(const struct sysfs_state *st, struct sysfs_snapshot *s)
{
	size_t cap = 0;
	struct dirent *de;
	DIR *d = open_root(st);

	s->names = NULL;
	s->n = 0;
	if (!d) {
		int err = -errno;
		pw_detail("cannot list %s", st->root);
		return err;
	}
	while ((de = readdir(d))) {
		if (!line_entry_name(de->d_name) || numbered(de->d_name))
			continue;
		if (s->n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			void *grown = realloc(s->names, ncap * sizeof(*s->names));
			if (!grown) {
				closedir(d);
				pw_sysfs_snapshot_free(s);
				return -ENOMEM;
			}
			s->names = grown;
			cap = ncap;
		}
		/* line_entry_name() checked it fits */
		memcpy(s->names[s->n++], de->d_name, strlen(de->d_name) + 1);
	}
	closedir(d);
	return 0;
}

void pw_sysfs_snapshot_free(struct sysfs_snapshot *s)
{
	free(s->names);
	s->names = NULL;
	s->n = 0;
}

static int in_snapshot(const struct sysfs_snapshot *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->names[i], name))
			return 1;
	return 0;
}

/* Step 2: the entries of this chip that are new since the snapshot. */
static int by_appearance(const struct sysfs_state *st, const struct sysfs_chip *c,
			 unsigned offset, const struct sysfs_snapshot *snap,
			 char out[SYSFS_NAME_MAX])
{
	char first[SYSFS_NAME_MAX] = "", found[SYSFS_NAME_MAX];
	unsigned count = 0;
	struct dirent *de;
	DIR *d = open_root(st);

	if (!d) {
		int err = -errno;
		pw_detail("cannot list %s", st->root);
		return err;
	}
	while ((de = readdir(d))) {
		if (in_snapshot(snap, de->d_name) || !try_name(st, c, de->d_name, found))
			continue;
		if (!count++)
			snprintf(first, sizeof(first), "%s", found);
	}
	closedir(d);
	if (count == 1) {
		snprintf(out, SYSFS_NAME_MAX, "%s", first);
		return 0;
	}
	if (!count)
		return -ENOENT;
	/* Someone exported another line of this chip at the same moment. */
	if (by_known_names(st, c, offset, out) && !in_snapshot(snap, out))
		return 0;
	pw_detail("%u new entries of %s appeared under %s at once (e.g. %s): cannot tell which is line %u",
		  count, c->name, st->root, first, offset);
	return -EEXIST;
}

int pw_sysfs_find_dir(const struct sysfs_state *st, const struct sysfs_chip *c,
		   unsigned offset, const struct sysfs_snapshot *snap,
		   char out[SYSFS_NAME_MAX])
{
	char name[SYSFS_NAME_MAX];

	snprintf(name, sizeof(name), "gpio%d", c->base + (int)offset);
	if (is_dir(st, name)) {
		snprintf(out, SYSFS_NAME_MAX, "%s", name);
		return 0;
	}
	if (snap)
		return by_appearance(st, c, offset, snap, out);
	return by_known_names(st, c, offset, out) ? 0 : -ENOENT;
}
