/* SPDX-License-Identifier: ISC */
/* pcInstanceTable and pcInstancePortTable: the ICM instances configured on
 * this host, and each one's port plan (the guide's appendix, applied). */
#include "snmp/mib_internal.h"

static int instance_column(const struct pc_mib_view *view, const void *data, unsigned column,
			   netsnmp_variable_list *var)
{
	const struct pc_instance_result *ir = data;
	(void)view;

	switch ((enum pcmib_instance_entry_column)column) {
	case PCMIB_INSTANCE_NAME:
		pc_mib_set_string(var, ir->name);
		return 0;
	case PCMIB_INSTANCE_ROLES:
		pc_mib_set_uint(var, ASN_GAUGE, ir->roles);
		return 0;
	case PCMIB_INSTANCE_COMPLIANCE:
		pc_mib_set_int(var, ir->compliance);
		return 0;
	}
	return SNMP_NOSUCHOBJECT;
}

static int port_column(const struct pc_mib_view *view, const void *data, unsigned column,
		       netsnmp_variable_list *var)
{
	const struct pc_state *state = view->state;
	const struct pc_expectation *e = data;
	const struct pc_expect_result *r = pc_mib_expect_result(state, e);

	switch ((enum pcmib_instance_port_entry_column)column) {
	case PCMIB_INSTANCE_PORT_LAST:
		pc_mib_set_uint(var, ASN_UNSIGNED, e->port_last);
		return 0;
	case PCMIB_INSTANCE_PORT_ROLE:
		pc_mib_set_string(var, e->role);
		return 0;
	case PCMIB_INSTANCE_PORT_RULE:
		pc_mib_set_string(var, e->rule);
		return 0;
	case PCMIB_INSTANCE_PORT_SIDE:
		pc_mib_set_int(var, e->side);
		return 0;
	case PCMIB_INSTANCE_PORT_STATUS:
		pc_mib_set_int(var, r->status);
		return 0;
	}
	return SNMP_NOSUCHOBJECT;
}

/* The state lists the plan's ports (those with a number and an instance:
 * the index needs both) in the index's order: instance, protocol, port. */
static size_t port_count(const struct pc_state *state)
{
	return state->n_instance_ports;
}

static const void *port_row(const struct pc_state *state, size_t i, struct pc_mib_index *index)
{
	const struct pc_expectation *e = &state->plan->expectations.items[state->instance_ports[i]];
	pc_mib_index_append(index, (oid)e->instance);
	pc_mib_index_append(index, e->protocol);
	pc_mib_index_append(index, e->port);
	pc_mib_index_append_expectation(index, e->role_index, e->rule_index, e->member);
	return e;
}

/* The evaluation keeps the instances sorted by number. */
static size_t instance_count(const struct pc_state *state)
{
	return state->eval.n_instances;
}

static const void *instance_row(const struct pc_state *state, size_t k, struct pc_mib_index *index)
{
	pc_mib_index_append(index, (oid)state->eval.instances[k].number);
	return &state->eval.instances[k];
}

PC_MIB_TABLE_IN_PLACE(pc_mib_instance_def, "pcInstanceTable", INSTANCE_ENTRY, instance_column,
		      instance_count, instance_row);
PC_MIB_TABLE_IN_PLACE(pc_mib_instance_port_def, "pcInstancePortTable", INSTANCE_PORT_ENTRY,
		      port_column, port_count, port_row);
