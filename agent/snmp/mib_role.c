/* pcRoleTable: one row per role statement of the configuration. */
#include "snmp/mib_internal.h"

static int role_column(const struct pc_mib_view *view, const void *data, unsigned column,
		       netsnmp_variable_list *var)
{
	const struct pc_role_result *role = data;
	(void)view;

	switch ((enum pcmib_role_entry_column)column) {
	case PCMIB_ROLE_NAME:
		pc_mib_set_string(var, role->name);
		return 0;
	case PCMIB_ROLE_TITLE:
		pc_mib_set_string(var, role->title);
		return 0;
	case PCMIB_ROLE_GUIDE_TABLE:
		pc_mib_set_uint(var, ASN_UNSIGNED, (unsigned long)role->table);
		return 0;
	case PCMIB_ROLE_INSTANCE:
		pc_mib_set_int(var, role->instance);
		return 0;
	case PCMIB_ROLE_SIDE:
		pc_mib_set_int(var, role->side);
		return 0;
	case PCMIB_ROLE_SLOT:
		pc_mib_set_uint(var, ASN_UNSIGNED, (unsigned long)role->slot);
		return 0;
	case PCMIB_ROLE_EXPECTED:
		pc_mib_set_uint(var, ASN_GAUGE, role->expected);
		return 0;
	case PCMIB_ROLE_PRESENT:
		pc_mib_set_uint(var, ASN_GAUGE, role->present);
		return 0;
	case PCMIB_ROLE_MISSING:
		pc_mib_set_uint(var, ASN_GAUGE, role->missing);
		return 0;
	case PCMIB_ROLE_UNCONFIGURED:
		pc_mib_set_uint(var, ASN_GAUGE, role->unconfigured);
		return 0;
	case PCMIB_ROLE_COMPLIANCE:
		pc_mib_set_int(var, role->compliance);
		return 0;
	case PCMIB_ROLE_SIDE_NAME:
		pc_mib_set_string(var, role->side != PC_SIDE_NONE ? pc_side_name(role->side) : "none");
		return 0;
	}
	return SNMP_NOSUCHOBJECT;
}

static int role_rows(struct pc_mib_table *t, const struct pc_state *state)
{
	const struct pc_evaluation *eval = &state->eval;

	if (pc_mib_table_reset(t, eval->n_roles) < 0)
		return -1;
	for (size_t r = 0; r < eval->n_roles; r++) {
		struct pc_mib_row *row = pc_mib_table_add(t, &eval->roles[r]);
		pc_mib_index_append(&row->index, r + 1);
	}
	return 0;
}

PC_MIB_TABLE(pc_mib_role_def, "pcRoleTable", ROLE_ENTRY, role_column, role_rows);
