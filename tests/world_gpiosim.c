/* SPDX-License-Identifier: MIT */
/*
 * The world outside the chip on a real kernel with gpio-sim (the VM rig):
 * a pin's level is set from outside by writing "pull-up"/"pull-down" to
 * gpio-sim's /sys/devices/platform/<dev_name>/<chip_name>/sim_gpio<K>/pull,
 * and what an output drives is read from .../sim_gpio<K>/value.
 *
 * Pins are resolved through the public API (bank label and offset), never
 * through legacy numbers: gpio-sim's dynamic bases are the kernel's choice.
 * The gpio-sim chip of a bank is found in configfs, where each live device
 * says its dev_name and each bank its label and chip_name.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "world.h"

/* configfs mount points to search, in order; PINWATCH_GPIOSIM_CONFIGFS
 * (the directory that holds gpio-sim/) comes first when set. */
static const char *const configfs_roots[] = { "/sys/kernel/config", "/config" };

#define GS_MAX_CHIPS 64

struct gs_chip {
	char label[64];      /* the bank's label, "" if it has none */
	char chip_name[32];  /* "gpiochip3" */
	char dir[192];       /* /sys/devices/platform/gpio-sim.0/gpiochip3 */
};

struct world {
	/* First, so that a generic world driver can find the board of any
	 * world it is handed without knowing this file's layout. */
	pinwatch_board *board;
	struct gs_chip chips[GS_MAX_CHIPS];
	unsigned nchips;
};

/*
 * Read the one-line attribute at the formatted path, without its newline;
 * 0 or -errno.  A path that does not fit is an error, never a truncated
 * path that might name another file.
 */
static int read_attr(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int read_attr(char *buf, size_t size, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	va_start(ap, fmt);
	int len = vsnprintf(path, sizeof path, fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof path)
		return -ENAMETOOLONG;

	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, size - 1);
	int err = n < 0 ? -errno : 0;
	close(fd);
	if (err)
		return err;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int write_attr(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t len = strlen(text);
	ssize_t n = write(fd, text, len);
	int err = n < 0 ? -errno : (size_t)n != len ? -EIO : 0;
	if (close(fd) < 0 && !err)
		err = -errno;
	return err;
}

/* Add every bank of the live gpio-sim device DEV (under ROOT/gpio-sim). */
static void scan_device(struct world *w, const char *root, const char *dev)
{
	char live[8], dev_name[64], bank_dir[PATH_MAX];

	if (read_attr(live, sizeof live, "%s/gpio-sim/%s/live", root, dev) < 0 ||
	    strcmp(live, "1") != 0)
		return;
	if (read_attr(dev_name, sizeof dev_name, "%s/gpio-sim/%s/dev_name", root, dev) < 0)
		return;
	int len = snprintf(bank_dir, sizeof bank_dir, "%s/gpio-sim/%s", root, dev);
	if (len < 0 || (size_t)len >= sizeof bank_dir)
		return;

	DIR *d = opendir(bank_dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d)) && w->nchips < GS_MAX_CHIPS) {
		if (strncmp(de->d_name, "bank", 4) != 0)
			continue;
		struct gs_chip c;
		if (read_attr(c.chip_name, sizeof c.chip_name, "%s/%s/chip_name",
			      bank_dir, de->d_name) < 0)
			continue;
		if (read_attr(c.label, sizeof c.label, "%s/%s/label",
			      bank_dir, de->d_name) < 0)
			c.label[0] = '\0';
		len = snprintf(c.dir, sizeof c.dir, "/sys/devices/platform/%s/%s",
			       dev_name, c.chip_name);
		if (len < 0 || (size_t)len >= sizeof c.dir)
			continue;
		w->chips[w->nchips++] = c;
	}
	closedir(d);
}

static int scan_root(struct world *w, const char *root)
{
	char path[PATH_MAX];
	int len = snprintf(path, sizeof path, "%s/gpio-sim", root);
	if (len < 0 || (size_t)len >= sizeof path)
		return -ENAMETOOLONG;
	DIR *d = opendir(path);
	if (!d)
		return -errno;
	struct dirent *de;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			scan_device(w, root, de->d_name);
	closedir(d);
	return 0;
}

struct world *world_gpiosim_open(pinwatch_board *b)
{
	struct world *w = calloc(1, sizeof *w);
	if (!w) {
		fprintf(stderr, "world_gpiosim_open: out of memory\n");
		return NULL;
	}
	w->board = b;

	const char *env = getenv("PINWATCH_GPIOSIM_CONFIGFS");
	int found = env && *env && scan_root(w, env) == 0;
	for (size_t i = 0; !found && i < sizeof configfs_roots / sizeof *configfs_roots; i++)
		found = scan_root(w, configfs_roots[i]) == 0;

	if (w->nchips == 0) {
		fprintf(stderr, "world_gpiosim_open: no live gpio-sim device in configfs "
			"(is configfs mounted and CONFIG_GPIO_SIM on? see docs/vm-rig.md)\n");
		free(w);
		return NULL;
	}
	return w;
}

void world_gpiosim_close(struct world *w)
{
	free(w);
}

/*
 * The path of PIN's gpio-sim attribute ATTR (sim_gpio<K>/ATTR).  The bank's own name wins where it is a
 * chip name ("gpiochip3" on chardev); sysfs names banks by their base
 * ("gpiochip992"), so there the label decides, and it must be unique.
 */
static int line_path(struct world *w, const char *pin, const char *attr,
		     char *out, size_t size)
{
	struct pinwatch_line_info li;
	struct pinwatch_bank_info bi;
	int err = pinwatch_board_line_info(w->board, pin, &li);
	if (err < 0) {
		fprintf(stderr, "world_gpiosim: %s\n", pinwatch_last_error());
		return err;
	}
	err = pinwatch_board_bank_info(w->board, li.bank, &bi);
	if (err < 0) {
		fprintf(stderr, "world_gpiosim: %s\n", pinwatch_last_error());
		return err;
	}

	const struct gs_chip *by_label = NULL;
	unsigned labelled = 0;
	for (unsigned i = 0; i < w->nchips; i++) {
		const struct gs_chip *c = &w->chips[i];
		if (strcmp(c->chip_name, bi.name) == 0) {
			by_label = c;
			labelled = 1;
			break;
		}
		if (c->label[0] && strcmp(c->label, li.bank_label) == 0) {
			by_label = c;
			labelled++;
		}
	}
	if (labelled != 1) {
		fprintf(stderr, "world_gpiosim: pin %s: bank %s [%s]: %s gpio-sim chip\n",
			pin, bi.name, li.bank_label,
			labelled ? "more than one matching" : "no matching");
		return labelled ? -EINVAL : -ENOENT;
	}
	int len = snprintf(out, size, "%s/sim_gpio%u/%s", by_label->dir, li.offset, attr);
	return len < 0 || (size_t)len >= size ? -ENAMETOOLONG : 0;
}

int world_gpiosim_drive(struct world *w, const char *pin, int level)
{
	char path[PATH_MAX];
	if (level != 0 && level != 1)
		return -EINVAL;
	int err = line_path(w, pin, "pull", path, sizeof path);
	if (err < 0)
		return err;
	err = write_attr(path, level ? "pull-up" : "pull-down");
	if (err < 0)
		fprintf(stderr, "world_gpiosim: write %s: %s\n", path, strerror(-err));
	return err;
}

int world_gpiosim_sense(struct world *w, const char *pin)
{
	char path[PATH_MAX], buf[8];
	int err = line_path(w, pin, "value", path, sizeof path);
	if (err < 0)
		return err;
	err = read_attr(buf, sizeof buf, "%s", path);
	if (err < 0) {
		fprintf(stderr, "world_gpiosim: read %s: %s\n", path, strerror(-err));
		return err;
	}
	if (strcmp(buf, "0") != 0 && strcmp(buf, "1") != 0)
		return -EIO;
	return buf[0] - '0';
}
