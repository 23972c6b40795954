/* pcListenerTable: one row per listening (protocol, address, port). */
#include "log.h"
#include "mib_internal.h"

enum {
	COL_SOCKETS = 5, /* columns 1-4 are the not-accessible index */
};

static int listener_column(const void *data, unsigned column, netsnmp_variable_list *var)
{
	const struct pc_listener *l = data;
	u_long value;

	switch (column) {
	case COL_SOCKETS:
		value = l->sockets;
		snmp_set_var_typed_value(var, ASN_GAUGE, &value, sizeof(value));
		return 0;
	default:
		return SNMP_NOSUCHOBJECT;
	}
}

static struct pc_mib_table listener_table = {
	.name = "pcListenerTable",
	.column_value = listener_column,
};

int pc_mib_listener_register(void)
{
	static const oid table_oid[] = { PC_OID_LISTENER_TABLE };
	static const u_char index_types[] = { ASN_INTEGER, ASN_INTEGER, ASN_OCTET_STR,
					      ASN_UNSIGNED, 0 };
	return pc_mib_table_register(&listener_table, table_oid, OID_LENGTH(table_oid),
				     index_types, COL_SOCKETS, COL_SOCKETS);
}

void pc_mib_listener_rebuild(const struct pc_state *state)
{
	const struct pc_snapshot *snap = &state->snap;

	if (pc_mib_table_reset(&listener_table, snap->n_listeners) < 0)
		return;
	for (size_t i = 0; i < snap->n_listeners; i++) {
		const struct pc_listener *l = &snap->listeners[i];
		struct pc_mib_row *row = pc_mib_table_add(&listener_table, l);
		pc_mib_row_append(row, l->local.proto);
		pc_mib_row_append(row, l->local.addr_type);
		pc_mib_row_append_octets(row, l->local.addr, l->local.addr_len);
		pc_mib_row_append(row, l->local.port);
	}
	pc_mib_table_publish(&listener_table);
}

void pc_mib_listener_free(void)
{
	pc_mib_table_free(&listener_table);
}
