/* SPDX-License-Identifier: MIT */
/* The core lock, its condition variables (on CLOCK_MONOTONIC, so waits are
 * immune to wall-clock jumps), and the monotonic clock. */
#include <errno.h>
#include <time.h>

#include "internal.h"

static pthread_mutex_t core_mu = PTHREAD_MUTEX_INITIALIZER;
/* Untimed waits only (pw_wait), so the default clock does: no once-init on
 * every lock. */
static pthread_cond_t core_cv = PTHREAD_COND_INITIALIZER;
/* Threads in pw_wait: a broadcast with nobody waiting is skipped (the
 * dispatch path broadcasts per watch it leaves).  Read and written under
 * core_mu. */
static unsigned waiters;

void pw_cond_init(pthread_cond_t *c)
{
	pthread_condattr_t a;

	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(c, &a);
	pthread_condattr_destroy(&a);
}

void pw_lock(void)
{
	pthread_mutex_lock(&core_mu);
}

void pw_unlock(void)
{
	pthread_mutex_unlock(&core_mu);
}

void pw_wait(void)
{
	waiters++;
	pthread_cond_wait(&core_cv, &core_mu);
	waiters--;
}

void pw_broadcast(void)
{
	if (waiters)
		pthread_cond_broadcast(&core_cv);
}

int pw_cond_wait_until(pthread_cond_t *c, uint64_t deadline_ns)
{
	if (!deadline_ns) {
		pthread_cond_wait(c, &core_mu);
		return 0;
	}
	struct timespec ts = {
		.tv_sec = (time_t)(deadline_ns / 1000000000u),
		.tv_nsec = (long)(deadline_ns % 1000000000u),
	};
	return pthread_cond_timedwait(c, &core_mu, &ts) == ETIMEDOUT ? -ETIMEDOUT : 0;
}

uint64_t pw_monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
