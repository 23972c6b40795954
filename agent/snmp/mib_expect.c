/* SPDX-License-Identifier: ISC */
/* pcExpectTable: every port the configured roles need, and what the last
 * poll found for it. Rows are the plan's expectations, already in index
 * order (role, rule, member). */
#include <stdio.h>

#include "snmp/mib_internal.h"

/* pcExpectPeers: local(1), remoteIpv4(2), remoteIpv6(3), remoteAny(4). */
static long peers_value(const struct pc_expectation *e)
{
	if (e->peer == PC_PEER_LOCAL)
		return 1;
	switch (e->peer_family) {
	case PC_PEER_IPV4:
		return 2;
	case PC_PEER_IPV6:
		return 3;
	case PC_PEER_ANY:
		return 4;
	}
	return 2; /* not a family: every one has its case above */
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

static int expect_column(const struct pc_mib_view *view, const void *data, unsigned column,
			 netsnmp_variable_list *var)
{
	const struct pc_state *state = view->state;
	const struct pc_expectation *e = data;
	const struct pc_expect_result *r = pc_mib_expect_result(state, e);
	const struct pc_listener *l = r->listener >= 0 ? &state->snap.listeners[r->listener] : NULL;
	char provenance[256], owner[128];

	switch ((enum pcmib_expect_entry_column)column) {
	case PCMIB_EXPECT_RULE:
		pc_mib_set_string(var, e->rule);
		return 0;
	case PCMIB_EXPECT_DESCRIPTION:
		pc_mib_set_string(var, e->description);
		return 0;
	case PCMIB_EXPECT_PROTOCOL:
		pc_mib_set_int(var, e->protocol);
		return 0;
	case PCMIB_EXPECT_PORT:
		pc_mib_set_uint(var, ASN_UNSIGNED, e->port);
		return 0;
	case PCMIB_EXPECT_PORT_LAST:
		pc_mib_set_uint(var, ASN_UNSIGNED, e->port_last);
		return 0;
	case PCMIB_EXPECT_DIRECTION:
		pc_mib_set_int(var, e->direction);
		return 0;
	case PCMIB_EXPECT_REQUIRED:
		pc_mib_set_int(var, PC_TRUTH(e->required));
		return 0;
	case PCMIB_EXPECT_CONFIGURABLE:
		pc_mib_set_int(var, PC_TRUTH(e->configurable));
		return 0;
	case PCMIB_EXPECT_PROVENANCE:
		pc_expectation_format_provenance(e, provenance, sizeof(provenance));
		pc_mib_set_string(var, provenance);
		return 0;
	case PCMIB_EXPECT_STATUS:
		pc_mib_set_int(var, r->status);
		return 0;
	case PCMIB_EXPECT_BOUND_ADDRESS_TYPE:
		pc_mib_set_int(var, l != NULL ? l->local.addr_type : PC_INET_UNKNOWN);
		return 0;
	case PCMIB_EXPECT_BOUND_ADDRESS:
		pc_mib_set_octets(var, l != NULL ? l->local.addr : NULL, l != NULL ? l->local.addr_len : 0);
		return 0;
	case PCMIB_EXPECT_PID:
		pc_mib_set_uint(var, ASN_UNSIGNED, l != NULL && l->pid > 0 ? (unsigned long)l->pid : 0);
		return 0;
	case PCMIB_EXPECT_PROCESS:
		pc_mib_set_string(var, l != NULL ? l->process : "");
		return 0;
	case PCMIB_EXPECT_LAST_CHANGE:
		pc_mib_set_uint(var, ASN_TIMETICKS, pc_mib_timestamp_at(r->last_change_ms, view->now_ms, view->uptime));
		return 0;
	case PCMIB_EXPECT_ADDRESS_PROBLEM:
		pc_mib_set_int(var, r->status == PC_PORT_WRONG_ADDRESS ? r->problem : PC_PROBLEM_NONE);
		return 0;
	case PCMIB_EXPECT_PEERS:
		pc_mib_set_int(var, peers_value(e));
		return 0;
	case PCMIB_EXPECT_HOLDER_UID:
		/* No listener: (uid_t)-1, which is no user (0 would say root). */
		pc_mib_set_uint(var, ASN_UNSIGNED, l != NULL ? l->uid : UINT32_MAX);
		return 0;
	case PCMIB_EXPECT_OWNER:
		owner_text(e, owner, sizeof(owner));
		pc_mib_set_string(var, owner);
		return 0;
	case PCMIB_EXPECT_PROTOCOL_NAME:
		pc_mib_set_string(var, pc_proto_name(e->protocol));
		return 0;
	case PCMIB_EXPECT_REQUIREMENT:
		pc_mib_set_string(var, pc_requirement_name(e->required));
		return 0;
	case PCMIB_EXPECT_OWNER_CHECK:
		/* Results made before any poll (all unknown) checked nothing. */
		pc_mib_set_int(var, r->owner_check != 0 ? r->owner_check : PC_OWNER_CHECK_NONE);
		return 0;
	case PCMIB_EXPECT_OWNER_PID:
		pc_mib_set_uint(var, ASN_UNSIGNED,
				r->owner_holder.pid > 0 ? (unsigned long)r->owner_holder.pid : 0);
		return 0;
	case PCMIB_EXPECT_OWNER_PROCESS:
		pc_mib_set_string(var, r->owner_holder.pid > 0 ? r->owner_holder.process : "");
		return 0;
	}
	return SNMP_NOSUCHOBJECT;
}

static size_t expect_count(const struct pc_state *state)
{
	return state->plan->expectations.n;
}

static const void *expect_row(const struct pc_state *state, size_t i, struct pc_mib_index *index)
{
	const struct pc_expectation *e = &state->plan->expectations.items[i];
	pc_mib_index_append_expectation(index, e->role_index, e->rule_index, e->member);
	return e;
}

PC_MIB_TABLE_IN_PLACE(pc_mib_expect_def, "pcExpectTable", EXPECT_ENTRY, expect_column,
		      expect_count, expect_row);
