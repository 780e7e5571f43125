/* SPDX-License-Identifier: MIT */
/* pw-bench: clocks, medians, percentiles and /proc readings. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

double bench_median(double *v, size_t n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

uint64_t bench_quantile(uint64_t *v, size_t n, double q)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_u64);
	size_t i = (size_t)(q * (double)(n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}

long bench_voluntary_switches(long tid)
{
	char path[64], line[128];
	long n = -1;

	snprintf(path, sizeof(path), "/proc/self/task/%ld/status", tid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "voluntary_ctxt_switches: %ld", &n) == 1)
			break;
	fclose(f);
	return n;
}

size_t bench_threads(long *out, size_t max)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *de;
	size_t n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)) && n < max)
		if (de->d_name[0] != '.')
			out[n++] = atol(de->d_name);
	closedir(d);
	return n;
}

long bench_new_thread(const long *before, size_t n)
{
	long now[64];
	size_t m = bench_threads(now, 64);

	for (size_t i = 0; i < m; i++) {
		size_t j = 0;
		while (j < n && before[j] != now[i])
			j++;
		if (j == n)
			return now[i];
	}
	return -1;
}

void bench_die(const char *what, const char *why)
{
	fprintf(stderr, "pw-bench: %s: %s\n", what, why);
	exit(1);
}

int bench_parse_mode(const char *s, enum bench_mode *out)
{
	static const char *const names[] = { "counters", "callback", "queue" };

	for (int i = 0; i < 3; i++)
		if (!strcmp(s, names[i])) {
			*out = (enum bench_mode)i;
			return 0;
		}
	return -1;
}

const struct engine_ops *bench_engine(const char *name)
{
	if (!strcmp(name, "pinwatch"))
		return &bench_pinwatch_ops;
	if (!strcmp(name, "ref"))
		return &bench_ref_ops;
	return NULL;
}
