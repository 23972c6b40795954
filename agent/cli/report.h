/* SPDX-License-Identifier: ISC */
/* The compliance report of one evaluation, as `portcomplyd --check` prints
 * it: Nagios plugin text, or JSON. Pure: nothing is read, and nothing is
 * written anywhere but the stream it is given.
 *
 * Text (the Nagios plugin output format). The first line is the status
 * line with the performance data, at most PC_REPORT_BRIEF_MAX bytes:
 *   PORTCOMPLY <OK|WARNING|CRITICAL|UNKNOWN> - <compliance>: <counts>;
 *     <the worst problems, as many as fit>, and N more | expected=N;;;0 ...
 * What follows depends on the detail asked for:
 *   brief     nothing (NRPE 2 passes on about 1 KB);
 *   default   one line per problem (expectations worst first, then the
 *             unexpected listeners), the whole output at most
 *             PC_REPORT_DEFAULT_MAX bytes (what Nagios Core keeps), with
 *             "and N more (--verbose lists every one)" for what did not fit;
 *   verbose   the tables, unbounded:
 *     Problems:               expectations not as they should be, worst first
 *     Unexpected listeners:   listeners no expectation or ignore covers
 *     Expectations:           every expectation with its status
 *     Roles:                  each role's compliance and counts
 *     Poll: ...               source, time, duration, catalog, configuration
 * Sections without rows are left out. Free text from outside the
 * configuration (process names) has '|' replaced by '/', since Nagios
 * reads everything after a '|' as performance data.
 *
 * JSON: one object; report_json.c documents every key. */
#ifndef PC_REPORT_H
#define PC_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "plan/diag.h"
#include "core/discover.h"
#include "core/engine.h"
#include "plan/plan.h"
#include "core/snapshot.h"

/* The Nagios plugin exit statuses. */
enum pc_exit_status {
	PC_EXIT_OK = 0, /* compliant */
	PC_EXIT_WARNING = 1, /* degraded */
	PC_EXIT_CRITICAL = 2, /* nonCompliant */
	PC_EXIT_UNKNOWN = 3, /* unknown, or no evaluation at all (an error) */
};

int pc_report_exit_status(enum pc_compliance compliance);

/* "OK", "WARNING", "CRITICAL", "UNKNOWN". */
const char *pc_report_state_name(enum pc_compliance compliance);

/* The check's status: the host's compliance's, raised from OK to WARNING
 * when discovery found that the configured roles are not among the best
 * candidates (discovery NULL: discovery is off). A configuration that
 * does not describe the host is a problem to look at, not a port missing:
 * the ports it expects and the host lacks already make the host
 * nonCompliant (CRITICAL) on their own; what this adds is a WARNING for a
 * host whose listeners fit its configuration's ports but show roles the
 * configuration does not state. */
int pc_report_check_status(const struct pc_evaluation *ev, const struct pc_discovery *discovery);

/* "OK", "WARNING", "CRITICAL", "UNKNOWN" of an exit status. */
const char *pc_report_status_name(int status);

enum pc_report_detail {
	PC_REPORT_DEFAULT = 0, /* the status line, then the problems */
	PC_REPORT_BRIEF, /* the status line only */
	PC_REPORT_VERBOSE, /* the status line, then every table */
};

#define PC_REPORT_BRIEF_MAX 1024 /* bytes of the first line, newline included */
#define PC_REPORT_DEFAULT_MAX 4096 /* bytes of the default output */

/* The link to its AgentX master of the daemon that serves the same
 * configuration, as --check asked it over the daemon's control socket
 * (cli/control.h). */
struct pc_report_agent {
	bool connected;
	unsigned attempts; /* failed attempts since the link went down */
	unsigned long since_s; /* seconds the link has been as it is */
	char address[256]; /* the master's address */
	char reason[768]; /* why it is not connected, and the fix ("" when connected) */
};

/* The report of ev, made from plan and snap; agent: the serving daemon's
 * link, NULL when no daemon serves this configuration; discovery: its
 * verdict, NULL when discovery is off. Text: a link that is down is a line
 * after the first (none with --brief); the exit status does not change for
 * it, since the ports are judged all the same. Returns 0, or -1 when the
 * stream reports a write error. */
int pc_report_text(FILE *out, const struct pc_plan *plan, const struct pc_snapshot *snap,
		   const struct pc_evaluation *ev, const struct pc_report_agent *agent,
		   const struct pc_discovery *discovery,
		   enum pc_report_detail detail);
/* A listener's "device" and "device_status" keys, as --check and
 * --listeners write them. */
void pc_report_json_device(FILE *out, const struct pc_snapshot *snap, const struct pc_listener *l);

int pc_report_json(FILE *out, const struct pc_plan *plan, const struct pc_snapshot *snap,
		   const struct pc_evaluation *ev, const struct pc_report_agent *agent,
		   const struct pc_discovery *discovery);

/* No evaluation could be made: the report says UNKNOWN and why.
 * reason: one line ("cannot read the socket tables: ..."). diag: the
 * configuration's problems, or NULL; text mode names its first error
 * (every line belongs on stderr, which the caller writes), JSON carries
 * them all. Text mode is one line of at most PC_REPORT_BRIEF_MAX bytes
 * and has no perfdata: nothing was measured. */
int pc_report_failure(FILE *out, bool json, const char *reason, const struct pc_diag *diag);

#endif
