/* SPDX-License-Identifier: ISC */
/* Logging for the modules that must not know net-snmp: they call pc_log, and
 * main routes it to net-snmp's logging (-L options). Without a sink, messages
 * go to stderr, which is what the one-shot commands and the tests want. */
#ifndef PC_LOG_H
#define PC_LOG_H

#include <syslog.h> /* LOG_ERR .. LOG_DEBUG: the level values */

typedef void (*pc_log_sink)(int level, const char *message);

/* Safe to call from any thread; one call is one line. */
void pc_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* NULL restores the stderr default. Safe while other threads log; the
 * sink itself must be safe on every thread that logs. */
void pc_log_set_sink(pc_log_sink sink);

#endif
