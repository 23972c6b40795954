/* SPDX-License-Identifier: ISC */
/* The meaning of each status (status.h). Every table is indexed by the
 * MIB's value; row 0 is no value. */
#include "core/status.h"

#define ROWS(table) (sizeof(table) / sizeof(table[0]))
#define IN_TABLE(table, value) ((unsigned)(value) < ROWS(table) && table[value].name != NULL)

/* An alarm makes a required port's role nonCompliant and an optional
 * one's degraded; what depends on the far end or the site (a connection, a
 * number not given yet) only degrades. */
#define ALARM .alarm = true, .required = PC_NON_COMPLIANT, .optional = PC_DEGRADED
#define DEGRADES .required = PC_DEGRADED, .optional = PC_DEGRADED
#define FINE .required = PC_COMPLIANT, .optional = PC_COMPLIANT
#define UNKNOWN .required = PC_COMPLIANCE_UNKNOWN, .optional = PC_COMPLIANCE_UNKNOWN

static const struct pc_port_status_meaning port_statuses[] = {
	[PC_PORT_PRESENT] = { "present", FINE, .serving = true },
	[PC_PORT_MISSING] = { "missing", ALARM, .problem_rank = 1 },
	[PC_PORT_WRONG_ADDRESS] = { "wrongAddress", ALARM, .problem_rank = 2 },
	[PC_PORT_WRONG_OWNER] = { "wrongOwner", ALARM, .problem_rank = 3 },
	[PC_PORT_FLAPPING] = { "flapping", ALARM, .problem_rank = 4 },
	/* Its compliance is the confirmed status's; unknown before there is one. */
	[PC_PORT_PENDING] = { "pending", UNKNOWN, .provisional = true, .problem_rank = 5 },
	[PC_PORT_NOT_CONNECTED] = { "notConnected", DEGRADES, .problem_rank = 6 },
	[PC_PORT_UNCONFIGURED] = { "unconfigured", DEGRADES, .problem_rank = 7 },
	[PC_PORT_UNKNOWN] = { "unknown", UNKNOWN, .problem_rank = 8 },
	[PC_PORT_CONNECTED] = { "connected", FINE, .serving = true },
	[PC_PORT_NOT_CHECKED] = { "notChecked", FINE },
	/* A permit range expects nothing: it can be neither missing nor wrong. */
	[PC_PORT_PERMITTED] = { "permitted", FINE },
};

static const struct {
	const char *name;
} compliances[] = {
	[PC_COMPLIANT] = { "compliant" },
	[PC_DEGRADED] = { "degraded" },
	[PC_NON_COMPLIANT] = { "nonCompliant" },
	[PC_COMPLIANCE_UNKNOWN] = { "unknown" },
};

static const struct {
	const char *name;
	bool unexpected;
} listener_classes[] = {
	[PC_CLASS_EXPECTED] = { "expected", false },
	[PC_CLASS_UNEXPECTED] = { "unexpected", true },
	[PC_CLASS_IGNORED] = { "ignored", false },
	/* Announced: a permit range the site does not trust says only that
	 * something may listen there, not that this listener should. */
	[PC_CLASS_IN_PERMIT] = { "inPermitRange", true },
	[PC_CLASS_TRUSTED_PERMIT] = { "trustedPermit", false },
};

static const struct {
	const char *name;
	const char *text;
} address_problems[] = {
	[PC_PROBLEM_NONE] = { "none", "" },
	[PC_PROBLEM_LOOPBACK_ONLY] = { "loopbackOnly", "listens on loopback only" },
	[PC_PROBLEM_LINK_LOCAL_ONLY] = { "linkLocalOnly", "listens on a link-local address only" },
	[PC_PROBLEM_IPV6_ONLY] = { "ipv6Only", "listens on IPv6 only; the peers use IPv4" },
	[PC_PROBLEM_IPV4_ONLY] = { "ipv4Only", "listens on IPv4 only; the peers use IPv6" },
	[PC_PROBLEM_NOT_LOCAL_ADDRESS] = { "notLocalAddress",
					   "bound to an address this host does not hold" },
	[PC_PROBLEM_WRONG_DEVICE] = { "wrongDevice",
				      "bound to the loopback device or to one that does not exist" },
	[PC_PROBLEM_DEVICE_DOWN] = { "deviceDown", "bound to a device that is down" },
	[PC_PROBLEM_NOT_BIND_ADDRESS] = { "notBindAddress", "not on the bind-address" },
};

_Static_assert(ROWS(port_statuses) == PC_PORT_STATUS_MAX + 1, "a port status without a row");
_Static_assert(ROWS(compliances) == PC_COMPLIANCE_MAX + 1, "a compliance without a row");
_Static_assert(ROWS(listener_classes) == PC_CLASS_MAX + 1, "a listener class without a row");
_Static_assert(ROWS(address_problems) == PC_PROBLEM_MAX + 1, "an address problem without a row");

const struct pc_port_status_meaning *pc_port_status_meaning(enum pc_port_status status)
{
	return &port_statuses[IN_TABLE(port_statuses, status) ? status : PC_PORT_UNKNOWN];
}

size_t pc_port_status_problems(enum pc_port_status order[PC_PORT_STATUS_MAX])
{
	size_t n = 0;
	for (unsigned s = 1; s < ROWS(port_statuses); s++) {
		unsigned rank = port_statuses[s].problem_rank;
		if (rank > 0 && rank <= PC_PORT_STATUS_MAX) {
			order[rank - 1] = (enum pc_port_status)s;
			n++;
		}
	}
	return n;
}

const char *pc_port_status_name(enum pc_port_status status)
{
	return pc_port_status_meaning(status)->name;
}

const char *pc_compliance_name(enum pc_compliance compliance)
{
	return compliances[IN_TABLE(compliances, compliance) ? compliance : PC_COMPLIANCE_UNKNOWN].name;
}

const char *pc_listener_class_name(enum pc_listener_class class)
{
	return listener_classes[IN_TABLE(listener_classes, class) ? class : PC_CLASS_UNEXPECTED].name;
}

const char *pc_address_problem_name(enum pc_address_problem problem)
{
	return address_problems[IN_TABLE(address_problems, problem) ? problem : PC_PROBLEM_NONE].name;
}

const char *pc_address_problem_text(enum pc_address_problem problem)
{
	return address_problems[IN_TABLE(address_problems, problem) ? problem : PC_PROBLEM_NONE].text;
}

enum pc_compliance pc_compliance_worse(enum pc_compliance a, enum pc_compliance b)
{
	return a > b ? a : b;
}

bool pc_listener_class_is_unexpected(enum pc_listener_class class)
{
	return IN_TABLE(listener_classes, class) && listener_classes[class].unexpected;
}
