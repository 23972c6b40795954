/* pcInstanceTable and pcInstancePortTable: the ICM instances configured on
 * this host, and each one's port plan (the guide's appendix, applied). */
#include <stdlib.h>

#include "log.h"
#include "mib_internal.h"

enum {
	/* pcInstanceTable: column 1 is the index */
	COL_INSTANCE_NAME = 2,
	COL_INSTANCE_ROLES = 3,
	COL_INSTANCE_COMPLIANCE = 4,
	/* pcInstancePortTable: columns 1-2 are index */
	COL_PORT_LAST = 3,
	COL_PORT_ROLE = 4,
	COL_PORT_RULE = 5,
	COL_PORT_SIDE = 6,
	COL_PORT_STATUS = 7,
};

static int instance_column(const void *data, unsigned column, netsnmp_variable_list *var)
{
	const struct pc_instance_result *ir = data;

	switch (column) {
	case COL_INSTANCE_NAME:
		pc_mib_set_string(var, ir->name);
		return 0;
	case COL_INSTANCE_ROLES:
		pc_mib_set_uint(var, ASN_GAUGE, ir->roles);
		return 0;
	case COL_INSTANCE_COMPLIANCE:
		pc_mib_set_int(var, ir->compliance);
		return 0;
	default:
		return SNMP_NOSUCHOBJECT;
	}
}

static int port_column(const void *data, unsigned column, netsnmp_variable_list *var)
{
	const struct pc_state *state = pc_mib_state();
	const struct pc_expectation *e = data;
	const struct pc_expect_result *r = &state->eval.expect[e - state->plan->expectations.items];

	switch (column) {
	case COL_PORT_LAST:
		pc_mib_set_uint(var, ASN_UNSIGNED, e->port_last);
		return 0;
	case COL_PORT_ROLE:
		pc_mib_set_string(var, e->role);
		return 0;
	case COL_PORT_RULE:
		pc_mib_set_string(var, e->rule);
		return 0;
	case COL_PORT_SIDE:
		pc_mib_set_int(var, e->side);
		return 0;
	case COL_PORT_STATUS:
		pc_mib_set_int(var, r->status);
		return 0;
	default:
		return SNMP_NOSUCHOBJECT;
	}
}

static struct pc_mib_table instance_table = {
	.name = "pcInstanceTable",
	.column_value = instance_column,
};

static struct pc_mib_table port_table = {
	.name = "pcInstancePortTable",
	.column_value = port_column,
};

int pc_mib_instance_register(void)
{
	static const oid instance_oid[] = { PC_OID_INSTANCE_TABLE };
	static const oid port_oid[] = { PC_OID_INSTANCE_PORT_TABLE };
	static const u_char instance_index[] = { ASN_UNSIGNED, 0 };
	static const u_char port_index[] = { ASN_UNSIGNED, ASN_INTEGER,	 ASN_UNSIGNED,
					     ASN_UNSIGNED, ASN_UNSIGNED, ASN_UNSIGNED, 0 };
	if (pc_mib_table_register(&instance_table, instance_oid, OID_LENGTH(instance_oid),
				  instance_index, COL_INSTANCE_NAME, COL_INSTANCE_COMPLIANCE) < 0)
		return -1;
	return pc_mib_table_register(&port_table, port_oid, OID_LENGTH(port_oid), port_index,
				     COL_PORT_LAST, COL_PORT_STATUS);
}

/* The port table's order: instance, protocol, port, then the expectation's
 * own index. */
static int plan_order(const void *a, const void *b)
{
	const struct pc_expectation *x = *(const struct pc_expectation *const *)a;
	const struct pc_expectation *y = *(const struct pc_expectation *const *)b;
	long keys[2][6] = {
		{ x->instance, x->protocol, x->port, x->role_index, x->rule_index, x->member },
		{ y->instance, y->protocol, y->port, y->role_index, y->rule_index, y->member },
	};
	for (int k = 0; k < 6; k++)
		if (keys[0][k] != keys[1][k])
			return keys[0][k] < keys[1][k] ? -1 : 1;
	return 0;
}

static void rebuild_ports(const struct pc_state *state)
{
	const struct pc_expectations *exps = &state->plan->expectations;
	const struct pc_expectation **plan = malloc((exps->n + 1) * sizeof(*plan));
	size_t n = 0;

	if (plan == NULL || pc_mib_table_reset(&port_table, exps->n) < 0) {
		free(plan);
		return;
	}
	/* Only ports with a number belong to a plan (the index needs one). */
	for (size_t i = 0; i < exps->n; i++)
		if (exps->items[i].instance >= 0 && exps->items[i].port > 0)
			plan[n++] = &exps->items[i];
	qsort(plan, n, sizeof(*plan), plan_order);
	for (size_t i = 0; i < n; i++) {
		const struct pc_expectation *e = plan[i];
		struct pc_mib_row *row = pc_mib_table_add(&port_table, e);
		pc_mib_row_append(row, (oid)e->instance);
		pc_mib_row_append(row, e->protocol);
		pc_mib_row_append(row, e->port);
		pc_mib_row_append(row, e->role_index);
		pc_mib_row_append(row, e->rule_index);
		pc_mib_row_append(row, e->member);
	}
	pc_mib_table_publish(&port_table);
	free(plan);
}

void pc_mib_instance_rebuild(const struct pc_state *state)
{
	const struct pc_evaluation *eval = &state->eval;

	if (pc_mib_table_reset(&instance_table, eval->n_instances) == 0) {
		for (size_t k = 0; k < eval->n_instances; k++) {
			struct pc_mib_row *row = pc_mib_table_add(&instance_table, &eval->instances[k]);
			pc_mib_row_append(row, (oid)eval->instances[k].number);
		}
		pc_mib_table_publish(&instance_table);
	}
	rebuild_ports(state);
}

void pc_mib_instance_free(void)
{
	pc_mib_table_free(&instance_table);
	pc_mib_table_free(&port_table);
}
