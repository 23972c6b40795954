/* pcRoleTable: one row per role statement of the configuration. */
#include "log.h"
#include "mib_internal.h"

enum {
	/* column 1, pcRoleIndex, is the not-accessible index */
	COL_NAME = 2,
	COL_TITLE = 3,
	COL_GUIDE_TABLE = 4,
	COL_INSTANCE = 5,
	COL_SIDE = 6,
	COL_SLOT = 7,
	COL_EXPECTED = 8,
	COL_PRESENT = 9,
	COL_MISSING = 10,
	COL_UNCONFIGURED = 11,
	COL_COMPLIANCE = 12,
	COL_SIDE_NAME = 13,
};

static int role_column(const void *data, unsigned column, netsnmp_variable_list *var)
{
	const struct pc_role_result *role = data;

	switch (column) {
	case COL_NAME:
		pc_mib_set_string(var, role->name);
		return 0;
	case COL_TITLE:
		pc_mib_set_string(var, role->title);
		return 0;
	case COL_GUIDE_TABLE:
		pc_mib_set_uint(var, ASN_UNSIGNED, (unsigned long)role->table);
		return 0;
	case COL_INSTANCE:
		pc_mib_set_int(var, role->instance);
		return 0;
	case COL_SIDE:
		pc_mib_set_int(var, role->side);
		return 0;
	case COL_SLOT:
		pc_mib_set_uint(var, ASN_UNSIGNED, (unsigned long)role->slot);
		return 0;
	case COL_EXPECTED:
		pc_mib_set_uint(var, ASN_GAUGE, role->expected);
		return 0;
	case COL_PRESENT:
		pc_mib_set_uint(var, ASN_GAUGE, role->present);
		return 0;
	case COL_MISSING:
		pc_mib_set_uint(var, ASN_GAUGE, role->missing);
		return 0;
	case COL_UNCONFIGURED:
		pc_mib_set_uint(var, ASN_GAUGE, role->unconfigured);
		return 0;
	case COL_COMPLIANCE:
		pc_mib_set_int(var, role->compliance);
		return 0;
	case COL_SIDE_NAME:
		pc_mib_set_string(var, role->side != PC_SIDE_NONE ? pc_side_name(role->side) : "none");
		return 0;
	default:
		return SNMP_NOSUCHOBJECT;
	}
}

static struct pc_mib_table role_table = {
	.name = "pcRoleTable",
	.column_value = role_column,
};

int pc_mib_role_register(void)
{
	static const oid table_oid[] = { PC_OID_ROLE_TABLE };
	static const u_char index_types[] = { ASN_UNSIGNED, 0 };
	return pc_mib_table_register(&role_table, table_oid, OID_LENGTH(table_oid), index_types,
				     COL_NAME, COL_SIDE_NAME);
}

void pc_mib_role_rebuild(const struct pc_state *state)
{
	const struct pc_evaluation *eval = &state->eval;

	if (pc_mib_table_reset(&role_table, eval->n_roles) < 0)
		return;
	for (size_t r = 0; r < eval->n_roles; r++) {
		struct pc_mib_row *row = pc_mib_table_add(&role_table, &eval->roles[r]);
		pc_mib_row_append(row, r + 1);
	}
	pc_mib_table_publish(&role_table);
}

void pc_mib_role_free(void)
{
	pc_mib_table_free(&role_table);
}
