/* SPDX-License-Identifier: ISC */
/* pcExpectedPortTable: each expected port's status, indexed by what names
 * the port (role row, rule, protocol, port, requirement), so that a tool
 * labelling samples with the index reads one column. The state lists the
 * plan's expectations in this index's order. */
#include <string.h>

#include "snmp/mib_internal.h"

/* pcRoleIndex, then three strings (length and bytes) and the port: the
 * longest index a plan can make must fit. */
_Static_assert(1 + (1 + PC_NAME_MAX) + (1 + 3) + 1 + (1 + 8) <= PC_MIB_INDEX_MAX,
	       "an expected port's index must fit");

static int expected_port_column(const struct pc_mib_view *view, const void *data, unsigned column,
				netsnmp_variable_list *var)
{
	const struct pc_expectation *e = data;
	const struct pc_expect_result *r = pc_mib_expect_result(view->state, e);

	switch ((enum pcmib_expected_port_entry_column)column) {
	case PCMIB_EXPECTED_PORT_STATUS:
		pc_mib_set_int(var, r->status);
		return 0;
	}
	return SNMP_NOSUCHOBJECT;
}

static void append_text(struct pc_mib_index *index, const char *text)
{
	pc_mib_index_append_octets(index, (const uint8_t *)text, strlen(text));
}

static size_t expected_port_count(const struct pc_state *state)
{
	return state->n_expected_ports;
}

static const void *expected_port_row(const struct pc_state *state, size_t i,
				     struct pc_mib_index *index)
{
	const struct pc_expectation *e = &state->plan->expectations.items[state->expected_ports[i]];
	pc_mib_index_append(index, e->role_index);
	append_text(index, e->rule);
	append_text(index, pc_proto_name(e->protocol));
	pc_mib_index_append(index, e->port);
	append_text(index, pc_requirement_name(e->required));
	return e;
}

PC_MIB_TABLE_IN_PLACE(pc_mib_expected_port_def, "pcExpectedPortTable", EXPECTED_PORT_ENTRY,
		      expected_port_column, expected_port_count, expected_port_row);
