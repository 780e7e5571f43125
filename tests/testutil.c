/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

size_t tu_list_fds(int *fds, size_t max)
{
	DIR *d = opendir("/proc/self/fd");
	size_t n = 0;
	struct dirent *e;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		int fd = atoi(e->d_name);
		if (fd == dirfd(d))
			continue;
		if (n < max)
			fds[n++] = fd;
	}
	closedir(d);
	qsort(fds, n, sizeof(*fds), cmp_int);
	return n;
}

int tu_count_fds(void)
{
	int fds[4096];
	return (int)tu_list_fds(fds, 4096);
}

size_t tu_new_fds(const int *before, size_t n_before, int *out, size_t max)
{
	int now[4096];
	size_t n = tu_list_fds(now, 4096), k = 0;

	for (size_t i = 0; i < n; i++) {
		int seen = 0;
		for (size_t j = 0; j < n_before; j++)
			seen |= before[j] == now[i];
		if (!seen && k < max)
			out[k++] = now[i];
	}
	return k;
}

int tu_count_threads(void)
{
	DIR *d = opendir("/proc/self/task");
	int n = 0;
	struct dirent *e;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void *nothing(void *arg)
{
	return arg;
}

int tu_thread_baseline(void)
{
	int before = tu_count_threads();
	pthread_t t;

	if (pthread_create(&t, NULL, nothing, NULL) == 0)
		pthread_join(t, NULL);
	/* the joined thread leaves /proc soon; a runtime's helper stays */
	int n = tu_count_threads();
	for (int i = 0; i < 200 && n > before; i++) {
		tu_sleep_ms(1);
		n = tu_count_threads();
	}
	return n;
}

void tu_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

int tu_wait_flag(const int *flag, int ms)
{
	for (int i = 0; i < ms && !__atomic_load_n(flag, __ATOMIC_SEQ_CST); i++)
		tu_sleep_ms(1);
	return __atomic_load_n(flag, __ATOMIC_SEQ_CST);
}

int tu_threads_settle(int want)
{
	int n = tu_count_threads();
	for (int i = 0; i < 2000 && n > want; i++) {
		tu_sleep_ms(1);
		n = tu_count_threads();
	}
	return n;
}

const char *tu_bin_dir(void)
{
	static char dir[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);

	if (n <= 0)
		return ".";
	dir[n] = '\0';
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	/* libtool wrappers run the real binary from .libs/ */
	size_t len = strlen(dir);
	if (len > 6 && !strcmp(dir + len - 6, "/.libs"))
		dir[len - 6] = '\0';
	return dir;
}

/*
 * Cross builds run the tests under QEMU user emulation, and an emulated
 * execve() goes straight to the host kernel, which cannot start a foreign
 * binary unless binfmt_misc is set up for it.  make check then sets
 * PINWATCH_TEST_EXEC_WRAPPER to the emulator command (e.g. "qemu-arm-static
 * -cpu arm926"): its words go in front of the helper.  This runs after
 * fork() in a threaded process, so nothing is allocated: the words are split
 * in a stack copy.
 */
void tu_exec_helper(const char *path, const char *name, const char *arg)
{
	const char *wrapper = getenv("PINWATCH_TEST_EXEC_WRAPPER");
	const char *prog = path;
	char words[1024];
	char *argv[32];
	int n = 0;

	if (wrapper && snprintf(words, sizeof(words), "%s", wrapper) < (int)sizeof(words)) {
		char *save = NULL;
		for (char *w = strtok_r(words, " \t", &save); w && n < 29;
		     w = strtok_r(NULL, " \t", &save))
			argv[n++] = w;
	}
	if (n > 0) {
		prog = argv[0];
		argv[n++] = (char *)path;
	} else {
		argv[n++] = (char *)name;
	}
	if (arg)
		argv[n++] = (char *)arg;
	argv[n] = NULL;
	execvp(prog, argv);
	_exit(127);
}
