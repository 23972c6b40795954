/* pcListenerTable: one row per listening (protocol, address, port), with
 * who holds it and why it is open. */
#include "log.h"
#include "mib_internal.h"

enum {
	/* columns 1-4 are the not-accessible index */
	COL_SOCKETS = 5,
	COL_PID = 6,
	COL_PROCESS = 7,
	COL_CLASS = 8,
	COL_ROLE = 9,
	COL_RULE = 10,
	COL_UID = 11,
	COL_USER = 12,
	COL_DEVICE = 13,
	COL_DEVICE_STATUS = 14,
};

static const unsigned listener_columns[] = { COL_SOCKETS, COL_PID,	COL_PROCESS,
					     COL_CLASS,	  COL_ROLE,	COL_RULE,
					     COL_UID,	  COL_USER,	COL_DEVICE,
					     COL_DEVICE_STATUS, 0 };

static int listener_column(const void *data, unsigned column, netsnmp_variable_list *var)
{
	const struct pc_state *state = pc_mib_state();
	const struct pc_listener *l = data;
	const struct pc_listener_result *lr = &state->eval.listeners[l - state->snap.listeners];
	const struct pc_expectation *e =
		lr->expectation >= 0 ? &state->plan->expectations.items[lr->expectation] : NULL;

	switch (column) {
	case COL_SOCKETS:
		pc_mib_set_uint(var, ASN_GAUGE, l->sockets);
		return 0;
	case COL_PID:
		pc_mib_set_uint(var, ASN_UNSIGNED, l->pid > 0 ? (unsigned long)l->pid : 0);
		return 0;
	case COL_PROCESS:
		pc_mib_set_string(var, l->process);
		return 0;
	case COL_CLASS:
		pc_mib_set_int(var, lr->class);
		return 0;
	case COL_ROLE:
		pc_mib_set_string(var, e != NULL ? e->role : "");
		return 0;
	case COL_RULE:
		pc_mib_set_string(var, e != NULL ? e->rule : "");
		return 0;
	case COL_UID:
		pc_mib_set_uint(var, ASN_UNSIGNED, l->uid);
		return 0;
	case COL_USER:
		pc_mib_set_string(var, l->user);
		return 0;
	case COL_DEVICE: {
		const struct pc_interface *iface =
			pc_snapshot_find_interface(&state->snap, pc_endpoint_zone(&l->local));
		pc_mib_set_string(var, iface != NULL ? iface->name : "");
		return 0;
	}
	case COL_DEVICE_STATUS:
		pc_mib_set_int(var, pc_listener_device_status(&state->snap, l));
		return 0;
	default:
		return SNMP_NOSUCHOBJECT;
	}
}

static struct pc_mib_table listener_table = {
	.name = "pcListenerTable",
	.column_value = listener_column,
	.columns = listener_columns,
};

int pc_mib_listener_register(void)
{
	static const oid table_oid[] = { PC_OID_LISTENER_TABLE };
	static const u_char index_types[] = { ASN_INTEGER, ASN_INTEGER, ASN_OCTET_STR,
					      ASN_UNSIGNED, 0 };
	return pc_mib_table_register(&listener_table, table_oid, OID_LENGTH(table_oid),
				     index_types, COL_SOCKETS, COL_DEVICE_STATUS);
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
