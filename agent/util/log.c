/* SPDX-License-Identifier: ISC */
#include "util/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>

#include "util/program.h"

/* Read by every thread that logs; set by main, and reset at exit while a
 * loader thread stuck in a load may still be alive. */
static _Atomic(pc_log_sink) current_sink;

void pc_log_set_sink(pc_log_sink sink)
{
	atomic_store(&current_sink, sink);
}

void pc_log(int level, const char *fmt, ...)
{
	char message[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	pc_log_sink sink = atomic_load(&current_sink);
	if (sink != NULL)
		sink(level, message);
	else
		fprintf(stderr, PC_NAME ": %s\n", message);
}
