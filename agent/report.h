/* The compliance report of one evaluation, as `portcomplyd --check` prints
 * it: Nagios plugin text, or JSON. Pure: nothing is read, and nothing is
 * written anywhere but the stream it is given.
 *
 * Text (the Nagios plugin output format):
 *   PORTCOMPLY <OK|WARNING|CRITICAL|UNKNOWN> - <compliance>: <summary>
 *   Problems:               expectations not as they should be, worst first
 *   Unexpected listeners:   listeners no expectation or ignore covers
 *   Expectations:           every expectation with its status
 *   Roles:                  each role's compliance and counts
 *   Poll: ...               source, time, duration, catalog, configuration
 *   | expected=N;;;0 present=N;;;0 ...   perfdata, always the last line
 * Sections without rows are left out. Free text from outside the
 * configuration (process names) has '|' replaced by '/', since Nagios
 * reads everything after a '|' as performance data.
 *
 * JSON: one object; report.c's json part documents every key. */
#ifndef PC_REPORT_H
#define PC_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "diag.h"
#include "engine.h"
#include "plan.h"
#include "snapshot.h"

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

/* The report of ev, made from plan and snap. Returns 0, or -1 when the
 * stream reports a write error. */
int pc_report_text(FILE *out, const struct pc_plan *plan, const struct pc_snapshot *snap,
		   const struct pc_evaluation *ev);
/* A listener's "device" and "device_status" keys, as --check and
 * --listeners write them. */
void pc_report_json_device(FILE *out, const struct pc_snapshot *snap, const struct pc_listener *l);

int pc_report_json(FILE *out, const struct pc_plan *plan, const struct pc_snapshot *snap,
		   const struct pc_evaluation *ev);

/* No evaluation could be made: the report says UNKNOWN and why.
 * reason: one line ("cannot read the socket tables: ..."). diag: the
 * configuration's problems, or NULL; text mode names its first error
 * (every line belongs on stderr, which the caller writes), JSON carries
 * them all. Text mode has no perfdata line: nothing was measured. */
int pc_report_failure(FILE *out, bool json, const char *reason, const struct pc_diag *diag);

#endif
