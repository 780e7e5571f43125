/* SPDX-License-Identifier: MIT */
/*
 * pw-bench: the benchmark programs behind `make bench` (bench/run.sh makes
 * the table).  Each subcommand prints one line of figures.
 */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "bench.h"

static const struct {
	const char *name;
	int (*main)(int argc, char **argv);
} commands[] = {
	{ "delivery", bench_delivery_main },
	{ "run", bench_run_main },
	{ "generation", bench_generation_main },
	{ "latency", bench_latency_main },
	{ "idle", bench_idle_main },
};

int main(int argc, char **argv)
{
	/* 1024 watched pins in both engines at once take over 3000
	 * descriptors (a sim line has a pipe): more than a default soft
	 * limit of 1024. */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	for (size_t i = 0; argc > 1 && i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].main(argc - 1, argv + 1);
	fprintf(stderr, "usage: pw-bench delivery|run|generation|latency|idle ARGS...\n");
	return 2;
}
