/* SPDX-License-Identifier: MIT */
/*
 * The counter backend's arithmetic and attribute I/O: reading a count,
 * folding it to the width the kernel keeps, and telling a step forward
 * from a wrap and from a reset.
 *
 * A count is read, not received edge by edge, so what happened between two
 * reads is known only as a difference.  Modulo the count's width that
 * difference is exact as long as the count moved less than half its range
 * between two reads; a count that went back (someone wrote it, reset it,
 * or the device was re-probed) hides how many edges came before the reset,
 * so that is reported (-ERANGE), never absorbed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "counter.h"

int pw_counter_read_attr(int dirfd, const char *rel, char *buf, size_t len)
{
	int fd = openat(dirfd, rel, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, len - 1);
	int err = n < 0 ? -errno : 0;
	close(fd);
	if (err)
		return err;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

int pw_counter_write_attr(int dirfd, const char *rel, const char *text)
{
	int fd = openat(dirfd, rel, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	size_t len = strlen(text);
	ssize_t n = write(fd, text, len);
	int err = n < 0 ? -errno : (size_t)n != len ? -EIO : 0;
	close(fd);
	return err;
}

int pw_counter_parse_u64(const char *text, uint64_t *out)
{
	char *end;

	if (text[0] < '0' || text[0] > '9')
		return -EINVAL;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (errno || (*end && *end != '\n'))
		return -EINVAL;
	*out = v;
	return 0;
}

uint64_t pw_counter_fold(uint64_t raw, uint64_t m)
{
	return m ? raw % m : raw;
}

int pw_counter_step(uint64_t prev, uint64_t now, uint64_t m, uint64_t max_step,
		    uint64_t *delta)
{
	uint64_t d = now - prev;        /* modulo 2^64 */
	uint64_t half = m ? m / 2 : UINT64_C(1) << 63;

	if (m && now < prev)
		d = m - prev + now;     /* modulo m */
	if ((d >= half && d) || (max_step && d > max_step)) {
		*delta = 0;
		return -ERANGE;
	}
	*delta = d;
	return now < prev ? 1 : 0;
}

uint64_t pw_counter_max_step(uint64_t max_rate, uint64_t elapsed_ns)
{
	if (!max_rate)
		return 0;
	/* double: rate x ns overflows 64 bits past 18 s at 1 GHz */
	double edges = (double)max_rate * (double)elapsed_ns / 1e9;
	if (edges >= 9.2e18)
		return 0;   /* only the half-range rule is left */
	return (uint64_t)edges + COUNTER_STEP_SLACK;
}

int pw_counter_read_count(int fd, uint64_t m, uint64_t *out)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	uint64_t raw;

	if (n < 0)
		return -errno;
	if (n == 0)
		return -EIO;
	buf[n] = '\0';
	if (pw_counter_parse_u64(buf, &raw) < 0) {
		pw_detail("the count reads '%.20s', not a number", buf);
		return -EIO;
	}
	*out = pw_counter_fold(raw, m);
	return 0;
}
