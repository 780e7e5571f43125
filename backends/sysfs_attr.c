/* SPDX-License-Identifier: MIT */
/* sysfs attribute I/O: small files read and written whole, relative to the
 * root descriptor, with EINTR retried and short transfers handled. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sysfs.h"

int pw_sysfs_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (!n || n >= SYSFS_NAME_MAX || name[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("_-.:", name[i]))
			return 0;
	return 1;
}

int pw_sysfs_read_attr(const struct sysfs_state *st, const char *rel, char *buf, size_t len)
{
	size_t got = 0;
	int fd, err = 0;

	fd = pw_sysfs_open_file(st, rel, O_RDONLY);
	if (fd < 0)
		return fd;
	/* A sysfs attribute is produced whole by one read; loop anyway, for
	 * plain files (the fake trees of the tests) and partial reads. */
	while (got + 1 < len) {
		ssize_t r = pread(fd, buf + got, len - 1 - got, (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			pw_detail("cannot read %s/%s", st->root, rel);
			break;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (err)
		return err;
	buf[got] = '\0';
	while (got && (buf[got - 1] == '\n' || buf[got - 1] == ' '))
		buf[--got] = '\0';
	return 0;
}

int pw_sysfs_write_attr(const struct sysfs_state *st, const char *rel, const char *text,
			int *opened)
{
	size_t len = strlen(text), done = 0;
	int fd, err = 0, dummy;

	if (!opened)
		opened = &dummy;
	*opened = 0;
	/* O_TRUNC: harmless on sysfs, and keeps a plain file's content exact. */
	fd = pw_sysfs_open_file(st, rel, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return fd;
	*opened = 1;
	while (done < len) {
		ssize_t w = write(fd, text + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			err = -errno;
			break;
		}
		if (w == 0) {
			err = -EIO;
			break;
		}
		done += (size_t)w;
	}
	close(fd);
	return err;
}

const char *pw_sysfs_excerpt(const char *text, char buf[SYSFS_EXCERPT_SIZE])
{
	size_t i;

	for (i = 0; i < SYSFS_EXCERPT_CHARS && text[i]; i++)
		buf[i] = isprint((unsigned char)text[i]) ? text[i] : '?';
	buf[i] = '\0';
	if (text[i])
		memcpy(buf + i, "...", 4);
	return buf;
}

int pw_sysfs_parse_int(const char *text, long min, long max, long *out)
{
	const char *s = text;
	char *end;

	if (*s == '-')
		s++;
	/* digits only: no sign tricks, spaces, hex or trailing junk */
	if (!isdigit((unsigned char)*s) || strlen(s) > 10)
		return -EINVAL;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int pw_sysfs_pread_value(int fd)
{
	char buf[8];
	ssize_t r;

	do
		r = pread(fd, buf, sizeof(buf), 0);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	/* The first byte is the whole answer: a short read is enough. */
	if (r == 0 || (buf[0] != '0' && buf[0] != '1'))
		return -EBADMSG;
	return buf[0] == '1';
}

void pw_sysfs_sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	/* An interrupted sleep just makes the retry loop try sooner. */
	nanosleep(&ts, NULL);
}
