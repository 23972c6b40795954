/* SPDX-License-Identifier: ISC */
/* What the text and JSON reports share: counting, and reading an
 * evaluation defensively (its arrays are taken only as far as they match
 * the plan's and the snapshot's). */
#ifndef PC_REPORT_INTERNAL_H
#define PC_REPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/report.h"

#define PC_STATUS_SLOTS (PC_PORT_STATUS_MAX + 1) /* indexed by enum pc_port_status */
#define PC_CLASS_SLOTS (PC_CLASS_MAX + 1)

struct pc_report_tally {
	size_t n_expect; /* expectations with a result */
	size_t n_listeners; /* listeners with a result */
	uint32_t status[PC_STATUS_SLOTS]; /* expectations per status */
	uint32_t required[PC_STATUS_SLOTS]; /* required ones among them */
	uint32_t klass[PC_CLASS_SLOTS]; /* listeners per class */
};

void pc_report_count(const struct pc_plan *plan, const struct pc_snapshot *snap,
		     const struct pc_evaluation *ev, struct pc_report_tally *tally);

/* The status of expectation i; PC_PORT_UNKNOWN for a value out of range. */
enum pc_port_status pc_report_status(const struct pc_evaluation *ev, size_t i);

/* The class of listener j; 0 for a value out of range. */
enum pc_listener_class pc_report_class(const struct pc_evaluation *ev, size_t j);

/* The snapshot's listener that satisfies expectation i, NULL: none. */
const struct pc_listener *pc_report_matched(const struct pc_snapshot *snap,
					    const struct pc_evaluation *ev, size_t i);

/* Index in the plan of the expectation listener j serves, -1: none. */
long pc_report_served(const struct pc_plan *plan, const struct pc_evaluation *ev, size_t j);

/* What role r of the evaluation is called (the engine names it; a
 * hand-made evaluation may not), and its instance's name: the
 * evaluation's instance table has it; "instance-N" otherwise. */
const char *pc_report_role_name(const struct pc_plan *plan, const struct pc_evaluation *ev,
				size_t r);
void pc_report_instance_name(const struct pc_evaluation *ev, int number, char *buf, size_t len);

/* "none", "netlink", "procfs": pcPollSource's names. */
const char *pc_report_source_name(enum pc_poll_source source);

/* "unknown", "ipv4", "ipv6", "ipv6z": InetAddressType's names. */
const char *pc_report_addr_type_name(uint8_t type);

/* s for a line of Nagios text, cut to len: '|' (the start of perfdata)
 * becomes '/', control characters '?'. */
void pc_report_plain(char *buf, size_t len, const char *s);

/* 2026-11-25T21:35:11.812Z */
void pc_report_time(const struct timespec *when, char *buf, size_t len);

#endif
