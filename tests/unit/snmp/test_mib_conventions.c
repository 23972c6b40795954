/* SPDX-License-Identifier: ISC */
/* The agent's own values and names of what the MIB enumerates, held
 * against the MIB as tools/mib-oids.sh read it (mib_oids.h): port status,
 * compliance, listener class, address problem (core/status.h), side,
 * protocol and direction (plan), naming states (core/snapshot.h) and owner
 * checks (core/engine.h). The core may not include the generated
 * headers, so this test is what ties its enums to the MIB: a value the MIB
 * adds, drops, renumbers or renames, and the C side does not (or the other
 * way round), fails here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/engine.h"
#include "core/snapshot.h"
#include "core/status.h"
#include "mib_oids.h"
#include "plan/catalog.h"

struct mib_value {
	int value;
	const char *name;
};

#define MIB_VALUE(value, name) { value, name },

/* Whether the C side differs from the MIB (then why says how): each value
 * the MIB gives must be named by the C side as the MIB names it, and the C
 * side, whose values are first..last, must have no value the MIB lacks. */
static bool differs(const char *convention, const struct mib_value *mib, size_t n_mib, int first,
		    int last, const char *(*c_name)(int value), char *why, size_t len)
{
	for (size_t k = 0; k < n_mib; k++) {
		if (mib[k].value < first || mib[k].value > last) {
			snprintf(why, len, "%s: the MIB's %s(%d) is outside the agent's values %d..%d",
				 convention, mib[k].name, mib[k].value, first, last);
			return true;
		}
		const char *name = c_name(mib[k].value);
		if (name == NULL || strcmp(name, mib[k].name) != 0) {
			snprintf(why, len, "%s: the agent calls %d \"%s\", the MIB %s(%d)", convention,
				 mib[k].value, name ? name : "(nothing)", mib[k].name, mib[k].value);
			return true;
		}
	}
	if ((size_t)(last - first + 1) != n_mib) {
		snprintf(why, len, "%s: the agent has %d values (%d..%d), the MIB %zu", convention,
			 last - first + 1, first, last, n_mib);
		return true;
	}
	return false;
}

#define CHECK(convention, list, first, last, c_name)                                         \
	do {                                                                                 \
		static const struct mib_value mib[] = { list(MIB_VALUE) };                   \
		char why[256];                                                               \
		if (differs(convention, mib, sizeof(mib) / sizeof(mib[0]), first, last, c_name, \
			    why, sizeof(why)))                                               \
			fail_msg("%s", why);                                                 \
	} while (0)

static const char *port_status(int v)
{
	return pc_port_status_name((enum pc_port_status)v);
}

static const char *compliance(int v)
{
	return pc_compliance_name((enum pc_compliance)v);
}

static const char *listener_class(int v)
{
	return pc_listener_class_name((enum pc_listener_class)v);
}

static const char *address_problem(int v)
{
	return pc_address_problem_name((enum pc_address_problem)v);
}

/* No side is none(0) in the MIB; the plan names only the sides there are. */
static const char *side(int v)
{
	return v == PC_SIDE_NONE ? "none" : pc_side_name((enum pc_side)v);
}

static const char *direction(int v)
{
	return pc_direction_name((enum pc_direction)v);
}

static void the_status_table_is_the_mibs(void **unused)
{
	(void)unused;
	CHECK("PcPortStatus", PCMIB_PORT_STATUS_VALUES, 1, PC_PORT_STATUS_MAX, port_status);
	CHECK("PcComplianceStatus", PCMIB_COMPLIANCE_STATUS_VALUES, 1, PC_COMPLIANCE_MAX,
	      compliance);
	CHECK("pcListenerClass", PCMIB_LISTENER_CLASS_VALUES, 1, PC_CLASS_MAX, listener_class);
	CHECK("PcAddressProblem", PCMIB_ADDRESS_PROBLEM_VALUES, 1, PC_PROBLEM_MAX, address_problem);
}

static const char *naming(int v)
{
	return pc_naming_name((enum pc_naming)v);
}

static const char *naming_health(int v)
{
	return pc_naming_health_name((enum pc_naming_health)v);
}

static const char *owner_check(int v)
{
	return pc_owner_check_name((enum pc_owner_check)v);
}

/* Naming processes: how far it got with a listener, how it works as a
 * whole, what an owner check found. */
static void the_naming_enumerations_are_the_mibs(void **unused)
{
	(void)unused;
	CHECK("pcListenerNaming", PCMIB_LISTENER_NAMING_VALUES, PC_NAMING_COMPLETE, PC_NAMING_OFF,
	      naming);
	CHECK("pcNamingStatus", PCMIB_NAMING_STATUS_VALUES, PC_NAMING_WORKING, PC_NAMING_HEALTH_OFF,
	      naming_health);
	CHECK("pcExpectOwnerCheck", PCMIB_EXPECT_OWNER_CHECK_VALUES, 1, PC_OWNER_CHECK_MAX,
	      owner_check);
}

static void the_plans_enumerations_are_the_mibs(void **unused)
{
	(void)unused;
	CHECK("PcSide", PCMIB_SIDE_VALUES, PC_SIDE_NONE, PC_SIDE_COUNT - 1, side);
	CHECK("pcExpectDirection", PCMIB_EXPECT_DIRECTION_VALUES, PC_DIR_LISTEN, PC_DIR_CONNECT,
	      direction);
	/* Protocols are IANA's numbers: only the two the MIB names. */
	assert_int_equal(PCMIB_PROTOCOL_TCP, IPPROTO_TCP);
	assert_int_equal(PCMIB_PROTOCOL_UDP, IPPROTO_UDP);
	assert_string_equal(pc_proto_name(PCMIB_PROTOCOL_TCP), "tcp");
	assert_string_equal(pc_proto_name(PCMIB_PROTOCOL_UDP), "udp");
}

/* The check itself: a C side that names a value differently, has one more
 * or one fewer, fails. */
static const char *renamed(int v)
{
	return v == 2 ? "absent" : port_status(v);
}

static void a_mismatch_fails(void **unused)
{
	(void)unused;
	static const struct mib_value mib[] = { PCMIB_PORT_STATUS_VALUES(MIB_VALUE) };
	size_t n = sizeof(mib) / sizeof(mib[0]);
	char why[256];
	assert_false(differs("t", mib, n, 1, PC_PORT_STATUS_MAX, port_status, why, sizeof(why)));
	assert_true(differs("t", mib, n, 1, PC_PORT_STATUS_MAX, renamed, why, sizeof(why)));
	assert_string_equal(why, "t: the agent calls 2 \"absent\", the MIB missing(2)");
	assert_true(differs("t", mib, n, 1, PC_PORT_STATUS_MAX + 1, port_status, why, sizeof(why)));
	assert_true(differs("t", mib, n, 2, PC_PORT_STATUS_MAX, port_status, why, sizeof(why)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_status_table_is_the_mibs),
		cmocka_unit_test(the_plans_enumerations_are_the_mibs),
		cmocka_unit_test(the_naming_enumerations_are_the_mibs),
		cmocka_unit_test(a_mismatch_fails),
	};
	return cmocka_run_group_tests_name("mib conventions", tests, NULL, NULL);
}
