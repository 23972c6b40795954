/* SPDX-License-Identifier: ISC */
/* What a port status, a compliance, a listener class and an address
 * problem mean, written once. The values and names are the MIB's
 * (PcPortStatus, PcComplianceStatus, pcListenerClass, PcAddressProblem;
 * tests/unit/snmp/test_mib_conventions.c holds them to it), and what each
 * port status does (alarm or not, its effect on compliance, its place in
 * the reports) is one row of status.c that the engine, the reports, the MIB
 * and the notifications all read.
 *
 * Adding a port status: its value in the MIB's PcPortStatus and here, its
 * row in status.c, and the engine code that decides it. */
#ifndef PC_STATUS_H
#define PC_STATUS_H

#include <stdbool.h>
#include <stddef.h>

/* Of one expectation; engine.h says when each one is decided. */
enum pc_port_status {
	PC_PORT_PRESENT = 1,
	PC_PORT_MISSING = 2,
	PC_PORT_PENDING = 3,
	PC_PORT_WRONG_ADDRESS = 4,
	PC_PORT_UNCONFIGURED = 5,
	PC_PORT_CONNECTED = 6,
	PC_PORT_NOT_CONNECTED = 7,
	PC_PORT_FLAPPING = 8,
	PC_PORT_UNKNOWN = 9,
	PC_PORT_NOT_CHECKED = 10,
	PC_PORT_WRONG_OWNER = 11,
	PC_PORT_PERMITTED = 12,
};
#define PC_PORT_STATUS_MAX 12 /* the largest value */

/* Of a role, an instance, the host. Ordered from best to worst, unknown
 * last: pc_compliance_worse relies on it. */
enum pc_compliance {
	PC_COMPLIANT = 1,
	PC_DEGRADED = 2,
	PC_NON_COMPLIANT = 3,
	PC_COMPLIANCE_UNKNOWN = 4,
};
#define PC_COMPLIANCE_MAX 4

enum pc_listener_class {
	PC_CLASS_EXPECTED = 1,
	PC_CLASS_UNEXPECTED = 2,
	PC_CLASS_IGNORED = 3,
	PC_CLASS_IN_PERMIT = 4, /* unexpected, inside a permit range */
	PC_CLASS_TRUSTED_PERMIT = 5, /* inside a permit range the site trusts */
};
#define PC_CLASS_MAX 5

/* Why no listener on an expectation's port is reachable by its peers. */
enum pc_address_problem {
	PC_PROBLEM_NONE = 1,
	PC_PROBLEM_LOOPBACK_ONLY = 2, /* 127.0.0.0/8, ::1 */
	PC_PROBLEM_LINK_LOCAL_ONLY = 3, /* 169.254.0.0/16, fe80::/10 */
	PC_PROBLEM_IPV6_ONLY = 4, /* IPv6 (or v6-only) where the peers use IPv4 */
	PC_PROBLEM_IPV4_ONLY = 5, /* IPv4 where the peers use IPv6 */
	PC_PROBLEM_NOT_LOCAL_ADDRESS = 6, /* an address the host does not hold (freebind) */
	PC_PROBLEM_WRONG_DEVICE = 7, /* bound to the loopback device, or to one that is absent */
	PC_PROBLEM_DEVICE_DOWN = 8, /* bound to a device that is down */
	PC_PROBLEM_NOT_BIND_ADDRESS = 9, /* does not cover the role's bind-address */
};
#define PC_PROBLEM_MAX 9

struct pc_port_status_meaning {
	const char *name; /* as the MIB spells it: "wrongAddress" */
	/* Raises pcListenerMissing (pcListenerRestored when the port is
	 * present again) and counts in pcMissingCount. */
	bool alarm;
	bool serving; /* the port does its job: counts in pcPresentCount */
	/* Not a verdict yet (hold-down): compliance counts the status last
	 * confirmed, and the next confirmed status is not this one. */
	bool provisional;
	/* What it makes of its role's compliance, the expectation required
	 * and optional. */
	enum pc_compliance required, optional;
	/* Where the reports list it among the problems, 1 first (worst);
	 * 0: not a problem. */
	unsigned problem_rank;
};

/* The meaning of status; a value out of range means unknown. */
const struct pc_port_status_meaning *pc_port_status_meaning(enum pc_port_status status);

/* The problem statuses in the order the reports list them; returns how
 * many were written to order. */
size_t pc_port_status_problems(enum pc_port_status order[PC_PORT_STATUS_MAX]);

/* Names as the MIB spells them ("present", "nonCompliant", "inPermitRange",
 * "loopbackOnly"). Out of range: "unknown", "unknown", "unexpected", "none". */
const char *pc_port_status_name(enum pc_port_status status);
const char *pc_compliance_name(enum pc_compliance compliance);
const char *pc_listener_class_name(enum pc_listener_class class);
const char *pc_address_problem_name(enum pc_address_problem problem);

/* A sentence for operators: "listens on loopback only"; "" for none. */
const char *pc_address_problem_text(enum pc_address_problem problem);

/* The worse of two compliances (unknown is the worst). */
enum pc_compliance pc_compliance_worse(enum pc_compliance a, enum pc_compliance b);

/* Counted in pcUnexpectedCount and announced by pcUnexpectedListener: no
 * expectation, ignore statement or trusted permit range covers it. */
bool pc_listener_class_is_unexpected(enum pc_listener_class class);

#endif
