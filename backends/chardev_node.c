/* SPDX-License-Identifier: MIT */
/*
 * Is PATH a GPIO character device?  Asked before anything opens it: the
 * open is O_RDWR, and opening an arbitrary path read-write — /dev/ptmx, a
 * tty, a FIFO, someone's file — has effects of its own, so a wrong path must
 * be refused on stat()s alone.  The test is libgpiod 2's
 * (gpiod_is_gpiochip_device): a character device whose node in sysfs,
 * /sys/dev/char/MAJOR:MINOR, belongs to the gpio bus.  libgpiod 1.6 opens
 * first and asks the device after, so it is done here for both.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "chardev.h"

static const char *kind(mode_t m)
{
	if (S_ISREG(m))
		return "a regular file";
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a device";
}

int pw_chardev_check_node(const char *path)
{
	char sys[64], *real;
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;   /* the open's own message explains it */
	if (!S_ISCHR(st.st_mode)) {
		pw_detail("%s is not a GPIO character device (%s)", path, kind(st.st_mode));
		return -ENOTTY;
	}
	snprintf(sys, sizeof(sys), "/sys/dev/char/%u:%u/subsystem", major(st.st_rdev),
		 minor(st.st_rdev));
	real = realpath(sys, NULL);
	if (!real) {
		int err = errno;
		pw_detail("%s is not a GPIO character device (character device %u:%u%s)", path,
			  major(st.st_rdev), minor(st.st_rdev),
			  err == ENOENT ? ", unknown to /sys/dev/char: is sysfs mounted?" : "");
		return -ENODEV;
	}
	const char *sub = strrchr(real, '/');
	int gpio = sub && !strcmp(sub, "/gpio") && sub - real >= 4 &&
		   !strncmp(sub - 4, "/bus", 4);
	if (!gpio)
		pw_detail("%s is not a GPIO character device (character device %u:%u of subsystem '%s')",
			  path, major(st.st_rdev), minor(st.st_rdev), sub ? sub + 1 : real);
	free(real);
	return gpio ? 0 : -ENODEV;
}
