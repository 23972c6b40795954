/* SPDX-License-Identifier: ISC */
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

/* Row r + 1 is the r-th role statement. */
static size_t role_count(const struct pc_state *state)
{
	return state->eval.n_roles;
}

static const void *role_row(const struct pc_state *state, size_t r, struct pc_mib_index *index)
{
	pc_mib_index_append(index, r + 1);
	return &state->eval.roles[r];
}

PC_MIB_TABLE_IN_PLACE(pc_mib_role_def, "pcRoleTable", ROLE_ENTRY, role_column, role_count,
		      role_row);
