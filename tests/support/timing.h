/* SPDX-License-Identifier: ISC */
/* Timing for the benches and the tests that report how long something
 * took: the monotonic clock in milliseconds, and the median of samples. */
#ifndef PC_TIMING_H
#define PC_TIMING_H

#include <stddef.h>
#include <stdlib.h>
#include <time.h>

/* Milliseconds on CLOCK_MONOTONIC: only differences mean anything. */
static inline double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static inline int timing_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Sorts the n samples (n > 0) in ascending order, so that the caller can
 * read the minimum, maximum and percentiles off them too, and returns
 * their median. */
static inline double sort_median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), timing_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#endif
