/* SPDX-License-Identifier: ISC */
/* The log lines a unit test provoked: between log_capture_start() and
 * log_capture_stop(), pc_log() lands in logged[] (the first 8 lines) and
 * n_logged counts every line. Include once per test binary. */
#ifndef PC_LOG_CAPTURE_H
#define PC_LOG_CAPTURE_H

#include <stdio.h>

#include "util/log.h"

static char logged[8][512];
static int n_logged;

static void capture_log(int level, const char *message)
{
	(void)level;
	if (n_logged < 8)
		snprintf(logged[n_logged], sizeof(logged[0]), "%s", message);
	n_logged++;
}

static inline void log_capture_start(void)
{
	n_logged = 0;
	pc_log_set_sink(capture_log);
}

static inline void log_capture_stop(void)
{
	pc_log_set_sink(NULL);
}

/* The same as cmocka fixtures, for the tests that count what they log:
 * the capture is stopped even when the test fails half-way. */
static inline int log_capture_setup(void **state)
{
	(void)state;
	log_capture_start();
	return 0;
}

static inline int log_capture_teardown(void **state)
{
	(void)state;
	log_capture_stop();
	return 0;
}

#endif
