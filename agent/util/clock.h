/* SPDX-License-Identifier: ISC */
/* Monotonic milliseconds: the one clock of polls, events and timestamps. */
#ifndef PC_CLOCK_H
#define PC_CLOCK_H

#include <stdint.h>
#include <time.h>

/* A CLOCK_MONOTONIC time in milliseconds. */
int64_t pc_ms_of(const struct timespec *ts);

/* Now, on CLOCK_MONOTONIC, in milliseconds. */
int64_t pc_now_ms(void);

#endif
