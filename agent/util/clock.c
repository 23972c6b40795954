/* SPDX-License-Identifier: ISC */
#include "util/clock.h"

int64_t pc_ms_of(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000 + ts->tv_nsec / 1000000;
}

int64_t pc_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return pc_ms_of(&ts);
}
