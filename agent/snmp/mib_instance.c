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

/* Only ports with a number belong to a plan (the index needs one); the
 * index orders them by instance, protocol, port. */
static int port_rows(struct pc_mib_table *t, const struct pc_state *state)
{
	const struct pc_expectations *exps = &state->plan->expectations;

	if (pc_mib_table_reset(t, exps->n) < 0)
		return -1;
	for (size_t i = 0; i < exps->n; i++) {
		const struct pc_expectation *e = &exps->items[i];
		if (e->instance < 0 || e->port == 0)
			continue;
		struct pc_mib_row *row = pc_mib_table_add(t, e);
		pc_mib_index_append(&row->index, (oid)e->instance);
		pc_mib_index_append(&row->index, e->protocol);
		pc_mib_index_append(&row->index, e->port);
		pc_mib_index_append_expectation(&row->index, e->role_index, e->rule_index, e->member);
	}
	return 0;
}

static int instance_rows(struct pc_mib_table *t, const struct pc_state *state)
{
	const struct pc_evaluation *eval = &state->eval;

	if (pc_mib_table_reset(t, eval->n_instances) < 0)
		return -1;
	for (size_t k = 0; k < eval->n_instances; k++) {
		struct pc_mib_row *row = pc_mib_table_add(t, &eval->instances[k]);
		pc_mib_index_append(&row->index, (oid)eval->instances[k].number);
	}
	return 0;
}

PC_MIB_TABLE(pc_mib_instance_def, "pcInstanceTable", INSTANCE_ENTRY, instance_column,
	     instance_rows);
PC_MIB_TABLE(pc_mib_instance_port_def, "pcInstancePortTable", INSTANCE_PORT_ENTRY, port_column,
	     port_rows);
