/* SPDX-License-Identifier: MIT */
/*
 * Descriptor ownership.  Every descriptor the library opens is registered
 * here with what owns it, and closed only through pw_fd_close(), which closes
 * a registered descriptor exactly once.  A close of a descriptor that is not
 * ours (a double close, or a number since reused by someone else) is refused
 * — closing it would break whoever owns that number now, which is the bug
 * this library exists to end — and reported under PINWATCH_DEBUG.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

static pthread_mutex_t fd_mu = PTHREAD_MUTEX_INITIALIZER;
static const char **owners;   /* indexed by descriptor number */
static size_t num_owners;

int pw_fd_own(int fd, const char *what)
{
	int registered = 0;

	if (fd < 0) {
		/* The caller's own syscall just failed: its errno is the cause
		 * of the error it reports next, not a detail left behind by an
		 * earlier failure that was handled (issue 12, defect 2). */
		int err = errno;
		pw_detail_clear();
		errno = err;
		return fd;
	}
	pthread_mutex_lock(&fd_mu);
	if ((size_t)fd >= num_owners) {
		size_t n = num_owners ? num_owners : 64;
		while (n <= (size_t)fd)
			n *= 2;
		const char **grown = realloc(owners, n * sizeof(*owners));
		if (grown) {
			memset(grown + num_owners, 0, (n - num_owners) * sizeof(*owners));
			owners = grown;
			num_owners = n;
		}
	}
	if ((size_t)fd < num_owners) {
		owners[fd] = what ? what : "descriptor";
		registered = 1;
	}
	pthread_mutex_unlock(&fd_mu);
	if (!registered) {
		/* An unregistered descriptor could never be closed by
		 * pw_fd_close(): a leak reported as success.  Fail instead. */
		close(fd);
		pw_detail("out of memory registering descriptor %d (%s)", fd,
			  what ? what : "descriptor");
		errno = ENOMEM;
		return -ENOMEM;
	}
	return fd;
}

void pw_fd_close(int *fdp)
{
	int fd = *fdp;
	int ours;

	if (fd < 0)
		return;
	*fdp = -1;
	pthread_mutex_lock(&fd_mu);
	ours = (size_t)fd < num_owners && owners[fd];
	if (ours)
		owners[fd] = NULL;
	pthread_mutex_unlock(&fd_mu);
	if (ours)
		close(fd);
	else if (pw_debug_flags())
		fprintf(stderr, "pinwatch: refused to close descriptor %d: not owned by pinwatch (double close?)\n", fd);
}

/* For PINWATCH_DEBUG=leaks: print every descriptor still owned. */
PW_HIDDEN void pw_fd_report(FILE *out);
void pw_fd_report(FILE *out)
{
	pthread_mutex_lock(&fd_mu);
	for (size_t i = 0; i < num_owners; i++)
		if (owners[i])
			fprintf(out, "pinwatch: leak: descriptor %zu (%s) still open\n", i, owners[i]);
	pthread_mutex_unlock(&fd_mu);
}
