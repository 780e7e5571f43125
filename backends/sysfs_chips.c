/* SPDX-License-Identifier: MIT */
/*
 * The banks of a sysfs board: the root's gpiochipN entries.  Their attributes
 * are checked, not trusted — a wrong base or ngpio would make us export the
 * wrong line — and a bad one fails the open with a message naming the file.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysfs.h"

/* The kernel's own bound (gpio_chip.ngpio is a u16). */
#define SYSFS_MAX_NGPIO 65535

static int chip_entry(const char *name, long *num)
{
	const char *digits = name + strlen("gpiochip");

	if (strncmp(name, "gpiochip", strlen("gpiochip")) || strlen(name) >= SYSFS_CHIP_NAME_MAX)
		return 0;
	return pw_sysfs_parse_int(digits, 0, INT_MAX, num) == 0;
}

static int read_attr_of(const struct sysfs_state *st, const char *chip, const char *attr,
			char *buf, size_t len)
{
	char rel[SYSFS_NAME_MAX + 16];

	snprintf(rel, sizeof(rel), "%s/%s", chip, attr);
	return pw_sysfs_read_attr(st, rel, buf, len);
}

static int bad(const struct sysfs_state *st, const char *chip, const char *attr,
	       const char *text, const char *want)
{
	char excerpt[SYSFS_EXCERPT_SIZE];

	pw_detail("bad contents in %s/%s/%s: '%s' (want %s)", st->root, chip, attr,
		  pw_sysfs_excerpt(text, excerpt), want);
	return -EINVAL;
}

static int load_one(struct sysfs_state *st, const char *name, long num,
		    const struct pw_profile *profile, struct sysfs_chip *c)
{
	char buf[64];
	long v;
	int ret;

	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);

	ret = read_attr_of(st, name, "base", buf, sizeof(buf));
	if (ret < 0)
		return ret;
	if (pw_sysfs_parse_int(buf, 0, INT_MAX, &v) < 0)
		return bad(st, name, "base", buf, "a line number, 0 or more");
	/* The kernel names the entry after the base: a mismatch means the
	 * tree is not what we think it is. */
	if (v != num)
		return bad(st, name, "base", buf, "the number in the directory's name");
	c->base = (int)v;

	ret = read_attr_of(st, name, "ngpio", buf, sizeof(buf));
	if (ret < 0)
		return ret;
	if (pw_sysfs_parse_int(buf, 1, SYSFS_MAX_NGPIO, &v) < 0)
		return bad(st, name, "ngpio", buf, "a number of lines, 1 to 65535");
	/* long long: on 32-bit targets long is int, and the sum would overflow */
	if ((long long)c->base + v - 1 > INT_MAX)
		return bad(st, name, "ngpio", buf, "base + ngpio within the int range");
	c->ngpio = (unsigned)v;

	ret = read_attr_of(st, name, "label", buf, sizeof(buf));
	if (ret < 0)
		return ret;
	if (strlen(buf) >= sizeof(c->label))
		return bad(st, name, "label", buf, "at most 31 characters");
	for (const char *p = buf; *p; p++)
		if (!isprint((unsigned char)*p))
			return bad(st, name, "label", buf, "printable text");
	memcpy(c->label, buf, strlen(buf) + 1);   /* length checked above */

	struct stat sb;
	char rel[SYSFS_NAME_MAX + 16];
	snprintf(rel, sizeof(rel), "%s/device", name);
	if (pw_sysfs_stat(st, rel, &sb, 1) == 0) {
		c->has_dev = 1;
		c->dev_dev = sb.st_dev;
		c->dev_ino = sb.st_ino;
	}
	for (unsigned i = 0; profile && i < profile->num_banks; i++)
		if (!strcmp(profile->banks[i].label, c->label))
			snprintf(c->prefix, sizeof(c->prefix), "%s", profile->banks[i].line_prefix);
	return 0;
}

static int by_base(const void *a, const void *b)
{
	const struct sysfs_chip *x = a, *y = b;

	return (x->base > y->base) - (x->base < y->base);
}

int pw_sysfs_chips_load(struct sysfs_state *st, const struct pw_profile *profile)
{
	struct sysfs_chip *chips = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	int ret = 0;

	int fd = pw_sysfs_open_dir(st, ".", 0);
	if (fd < 0) {
		ret = fd;
		pw_detail("cannot list %s", st->root);
		return ret;
	}
	DIR *d = fdopendir(fd);
	if (!d) {
		ret = -errno;
		close(fd);
		return ret;
	}
	while ((errno = 0, de = readdir(d))) {
		long num;
		if (!chip_entry(de->d_name, &num))
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			struct sysfs_chip *grown = realloc(chips, ncap * sizeof(*chips));
			if (!grown) {
				ret = -ENOMEM;
				goto out;
			}
			chips = grown;
			cap = ncap;
		}
		ret = load_one(st, de->d_name, num, profile, &chips[n]);
		if (ret < 0)
			goto out;
		n++;
	}
	if (errno) {
		ret = -errno;
		pw_detail("cannot list %s", st->root);
		goto out;
	}
	if (n)
		qsort(chips, n, sizeof(*chips), by_base);
	/* Overlapping ranges would make a global number mean two lines. */
	for (size_t i = 1; i < n; i++) {
		/* long long: a 32-bit long + unsigned would compare unsigned */
		if ((long long)chips[i - 1].base + chips[i - 1].ngpio > chips[i].base) {
			pw_detail("%s/%s (base %d, %u lines) overlaps %s/%s (base %d)",
				  st->root, chips[i - 1].name, chips[i - 1].base, chips[i - 1].ngpio,
				  st->root, chips[i].name, chips[i].base);
			ret = -EINVAL;
			goto out;
		}
	}
out:
	closedir(d);
	if (ret < 0) {
		free(chips);
		return ret;
	}
	st->chips = chips;
	st->nchips = (unsigned)n;
	return 0;
}
