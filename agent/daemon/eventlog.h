/* SPDX-License-Identifier: ISC */
/* One log line per event the engine concludes (missing, restored,
 * flapping, unexpected, compliance change) and per change of the
 * discovery verdict, so that an operator grepping
 * the log sees what the notifications said, named as in the MIB:
 *
 *   pcListenerMissing role=icm-router instance=0 side=a rule=ccag protocol=tcp port=40017 status=missing
 *   pcListenerMissing role=cti-server instance=1 side=b rule=cti protocol=tcp port=43067 status=wrongAddress reason=loopbackOnly
 *   pcComplianceChanged compliance=nonCompliant previous=compliant missing=1 unexpected=0
 *   pcDiscoveryVerdictChanged verdict=differs previous=unknown best=icm-router/2/a/-,icm-logger/2/a/- configured=icm-router/0/a/-,icm-logger/0/a/-
 *
 * Logged whatever the notification switches say: the log is the record. */
#ifndef PC_EVENTLOG_H
#define PC_EVENTLOG_H

#include <stddef.h>

#include "core/engine.h"
#include "core/event_box.h"

/* The line for e in buf (always NUL-terminated); returns its syslog level:
 * LOG_WARNING for what went wrong (missing, wrong address, flapping, an
 * unexpected listener, compliance worse, the configured roles differ from
 * what the listeners show), LOG_NOTICE for what came back. */
int pc_eventlog_format(const struct pc_event *e, char *buf, size_t len);

/* Formats e and logs it (pc_log). */
void pc_eventlog(const struct pc_event *e);

/* Every event of the box, in the order they are sent, and one line for the
 * unexpected listeners the box only counted (a flood). */
void pc_eventlog_box(const struct pc_event_box *box);

#endif
