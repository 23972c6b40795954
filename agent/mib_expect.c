/* pcExpectTable: every port the configured roles need, and what the last
 * poll found for it. Rows are the plan's expectations, already in index
 * order (role, rule, member). */
#include <stdio.h>

#include "log.h"
#include "mib_internal.h"

enum {
	/* column 1 (rule index) and 17 (member) are the not-accessible index */
	COL_RULE = 2,
	COL_DESCRIPTION = 3,
	COL_PROTOCOL = 4,
	COL_PORT = 5,
	COL_PORT_LAST = 6,
	COL_DIRECTION = 7,
	COL_REQUIRED = 8,
	COL_CONFIGURABLE = 9,
	COL_PROVENANCE = 10,
	COL_STATUS = 11,
	COL_BOUND_TYPE = 12,
	COL_BOUND_ADDRESS = 13,
	COL_PID = 14,
	COL_PROCESS = 15,
	COL_LAST_CHANGE = 16,
	COL_ADDRESS_PROBLEM = 18,
	COL_PEERS = 19,
	COL_HOLDER_UID = 20,
	COL_OWNER = 21,
	COL_PROTOCOL_NAME = 24,
	COL_REQUIREMENT = 25,
};

static const unsigned expect_columns[] = {
	COL_RULE,	 COL_DESCRIPTION, COL_PROTOCOL,	    COL_PORT,	     COL_PORT_LAST,
	COL_DIRECTION,	 COL_REQUIRED,	  COL_CONFIGURABLE, COL_PROVENANCE,  COL_STATUS,
	COL_BOUND_TYPE,	 COL_BOUND_ADDRESS, COL_PID,	    COL_PROCESS,     COL_LAST_CHANGE,
	COL_ADDRESS_PROBLEM, COL_PEERS,	  COL_HOLDER_UID,   COL_OWNER,	     COL_PROTOCOL_NAME,
	COL_REQUIREMENT, 0,
};

/* pcExpectPeers: local(1), remoteIpv4(2), remoteIpv6(3), remoteAny(4). */
static long peers_value(const struct pc_expectation *e)
{
	if (e->peer == PC_PEER_LOCAL)
		return 1;
	switch (e->peer_family) {
	case PC_PEER_IPV6:
		return 3;
	case PC_PEER_ANY:
		return 4;
	default:
		return 2;
	}
}

/* "user svc (1001), process java"; "" when the configuration names none. */
static void owner_text(const struct pc_expectation *e, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = '\0';
	if (e->owner_user != NULL)
		n = (size_t)snprintf(buf, len, "user %s (%u)", e->owner_user, e->owner_uid);
	if (e->owner_process != NULL && n < len)
		snprintf(buf + n, len - n, "%sprocess %s", n > 0 ? ", " : "", e->owner_process);
}

static int expect_column(const void *data, unsigned column, netsnmp_variable_list *var)
{
	const struct pc_state *state = pc_mib_state();
	const struct pc_expectation *e = data;
	const struct pc_expect_result *r = &state->eval.expect[e - state->plan->expectations.items];
	const struct pc_listener *l = r->listener >= 0 ? &state->snap.listeners[r->listener] : NULL;
	char provenance[256], owner[128];

	switch (column) {
	case COL_RULE:
		pc_mib_set_string(var, e->rule);
		return 0;
	case COL_DESCRIPTION:
		pc_mib_set_string(var, e->description);
		return 0;
	case COL_PROTOCOL:
		pc_mib_set_int(var, e->protocol);
		return 0;
	case COL_PORT:
		pc_mib_set_uint(var, ASN_UNSIGNED, e->port);
		return 0;
	case COL_PORT_LAST:
		pc_mib_set_uint(var, ASN_UNSIGNED, e->port_last);
		return 0;
	case COL_DIRECTION:
		pc_mib_set_int(var, e->direction);
		return 0;
	case COL_REQUIRED:
		pc_mib_set_int(var, PC_TRUTH(e->required));
		return 0;
	case COL_CONFIGURABLE:
		pc_mib_set_int(var, PC_TRUTH(e->configurable));
		return 0;
	case COL_PROVENANCE:
		pc_expectation_format_provenance(e, provenance, sizeof(provenance));
		pc_mib_set_string(var, provenance);
		return 0;
	case COL_STATUS:
		pc_mib_set_int(var, r->status);
		return 0;
	case COL_BOUND_TYPE:
		pc_mib_set_int(var, l != NULL ? l->local.addr_type : PC_INET_UNKNOWN);
		return 0;
	case COL_BOUND_ADDRESS:
		pc_mib_set_octets(var, l != NULL ? l->local.addr : NULL, l != NULL ? l->local.addr_len : 0);
		return 0;
	case COL_PID:
		pc_mib_set_uint(var, ASN_UNSIGNED, l != NULL && l->pid > 0 ? (unsigned long)l->pid : 0);
		return 0;
	case COL_PROCESS:
		pc_mib_set_string(var, l != NULL ? l->process : "");
		return 0;
	case COL_LAST_CHANGE:
		pc_mib_set_uint(var, ASN_TIMETICKS, pc_mib_timestamp(r->last_change_ms));
		return 0;
	case COL_ADDRESS_PROBLEM:
		pc_mib_set_int(var, r->status == PC_PORT_WRONG_ADDRESS ? r->problem : PC_PROBLEM_NONE);
		return 0;
	case COL_PEERS:
		pc_mib_set_int(var, peers_value(e));
		return 0;
	case COL_HOLDER_UID:
		/* No listener: (uid_t)-1, which is no user (0 would say root). */
		pc_mib_set_uint(var, ASN_UNSIGNED, l != NULL ? l->uid : UINT32_MAX);
		return 0;
	case COL_OWNER:
		owner_text(e, owner, sizeof(owner));
		pc_mib_set_string(var, owner);
		return 0;
	case COL_PROTOCOL_NAME:
		pc_mib_set_string(var, pc_proto_name(e->protocol));
		return 0;
	case COL_REQUIREMENT:
		pc_mib_set_string(var, e->required ? "required" : "optional");
		return 0;
	default:
		return SNMP_NOSUCHOBJECT;
	}
}

static struct pc_mib_table expect_table = {
	.name = "pcExpectTable",
	.column_value = expect_column,
	.columns = expect_columns,
};

int pc_mib_expect_register(void)
{
	static const oid table_oid[] = { PC_OID_EXPECT_TABLE };
	static const u_char index_types[] = { ASN_UNSIGNED, ASN_UNSIGNED, ASN_UNSIGNED, 0 };
	return pc_mib_table_register(&expect_table, table_oid, OID_LENGTH(table_oid), index_types,
				     COL_RULE, COL_REQUIREMENT);
}

void pc_mib_expect_rebuild(const struct pc_state *state)
{
	const struct pc_expectations *exps = &state->plan->expectations;

	if (pc_mib_table_reset(&expect_table, exps->n) < 0)
		return;
	for (size_t i = 0; i < exps->n; i++) {
		const struct pc_expectation *e = &exps->items[i];
		struct pc_mib_row *row = pc_mib_table_add(&expect_table, e);
		pc_mib_row_append(row, e->role_index);
		pc_mib_row_append(row, e->rule_index);
		pc_mib_row_append(row, e->member);
	}
	pc_mib_table_publish(&expect_table);
}

void pc_mib_expect_free(void)
{
	pc_mib_table_free(&expect_table);
}
