/* SPDX-License-Identifier: ISC */
#include "snmp/notify_pdu.h"

#include <string.h>

#include "snmp/values.h"

/* RFC 2741's Notify PDU type; net-snmp does not install its AgentX headers. */
#define AGENTX_NOTIFY_PDU ((u_char)12)

enum pcmib_notification pc_notify_notification_of(enum pc_event_type type)
{
	switch (type) {
	case PC_EVENT_MISSING:
		return PCMIB_LISTENER_MISSING;
	case PC_EVENT_RESTORED:
		return PCMIB_LISTENER_RESTORED;
	case PC_EVENT_UNEXPECTED:
		return PCMIB_UNEXPECTED_LISTENER;
	case PC_EVENT_COMPLIANCE:
		return PCMIB_COMPLIANCE_CHANGED;
	case PC_EVENT_SUMMARY:
		return PCMIB_NOTIFICATIONS_SKIPPED;
	case PC_EVENT_DISCOVERY:
		return PCMIB_DISCOVERY_VERDICT_CHANGED;
	}
	return 0; /* not an event type: the switch names every one */
}

/* The objects the notifications carry. */
static const oid role_name[] = { PCMIB_ROLE_NAME_OID };
static const oid role_instance[] = { PCMIB_ROLE_INSTANCE_OID };
static const oid role_side[] = { PCMIB_ROLE_SIDE_OID };
static const oid expect_rule[] = { PCMIB_EXPECT_RULE_OID };
static const oid expect_protocol[] = { PCMIB_EXPECT_PROTOCOL_OID };
static const oid expect_port[] = { PCMIB_EXPECT_PORT_OID };
static const oid expect_status[] = { PCMIB_EXPECT_STATUS_OID };
static const oid expect_address_problem[] = { PCMIB_EXPECT_ADDRESS_PROBLEM_OID };
static const oid notify_protocol[] = { PCMIB_NOTIFY_PROTOCOL_OID };
static const oid notify_address_type[] = { PCMIB_NOTIFY_ADDRESS_TYPE_OID };
static const oid notify_address[] = { PCMIB_NOTIFY_ADDRESS_OID };
static const oid notify_port[] = { PCMIB_NOTIFY_PORT_OID };
static const oid listener_pid[] = { PCMIB_LISTENER_PID_OID };
static const oid listener_process[] = { PCMIB_LISTENER_PROCESS_OID };
static const oid listener_naming[] = { PCMIB_LISTENER_NAMING_OID };
static const oid host_compliance[] = { PCMIB_HOST_COMPLIANCE_OID };
static const oid notify_previous_compliance[] = { PCMIB_NOTIFY_PREVIOUS_COMPLIANCE_OID };
static const oid missing_count[] = { PCMIB_MISSING_COUNT_OID };
static const oid unexpected_count[] = { PCMIB_UNEXPECTED_COUNT_OID };
static const oid notify_skipped_alarms[] = { PCMIB_NOTIFY_SKIPPED_ALARMS_OID };
static const oid notify_skipped_unexpected[] = { PCMIB_NOTIFY_SKIPPED_UNEXPECTED_OID };
static const oid discovery_verdict[] = { PCMIB_DISCOVERY_VERDICT_OID };
static const oid discovery_roles[] = { PCMIB_DISCOVERY_ROLES_OID };
static const oid discovery_instances[] = { PCMIB_DISCOVERY_INSTANCES_OID };
static const oid discovery_sides[] = { PCMIB_DISCOVERY_SIDES_OID };
static const oid discovery_slots[] = { PCMIB_DISCOVERY_SLOTS_OID };
static const oid configured_roles[] = { PCMIB_DISCOVERY_CONFIGURED_ROLES_OID };
static const oid configured_instances[] = { PCMIB_DISCOVERY_CONFIGURED_INSTANCES_OID };
static const oid configured_sides[] = { PCMIB_DISCOVERY_CONFIGURED_SIDES_OID };
static const oid configured_slots[] = { PCMIB_DISCOVERY_CONFIGURED_SLOTS_OID };

static const struct pc_mib_index scalar = { { 0 }, 1 };

#define OBJECT(o) o, OID_LENGTH(o)

/* The varbind of object's instance in, appended to vars with its value to
 * be set; NULL when out of memory (the notification goes without it). */
static netsnmp_variable_list *add(netsnmp_variable_list **vars, const oid *object, size_t len,
				  const struct pc_mib_index *in)
{
	oid name[MAX_OID_LEN];
	if (!pc_mib_index_usable(in) || len + in->len > MAX_OID_LEN)
		return NULL;
	memcpy(name, object, len * sizeof(oid));
	memcpy(name + len, in->sub, in->len * sizeof(oid));
	return snmp_varlist_add_variable(vars, name, len + in->len, ASN_NULL, NULL, 0);
}

static void add_int(netsnmp_variable_list **vars, const oid *object, size_t len,
		    const struct pc_mib_index *in, long value)
{
	netsnmp_variable_list *var = add(vars, object, len, in);
	if (var != NULL)
		pc_mib_set_int(var, value);
}

static void add_uint(netsnmp_variable_list **vars, const oid *object, size_t len,
		     const struct pc_mib_index *in, u_char type, unsigned long value)
{
	netsnmp_variable_list *var = add(vars, object, len, in);
	if (var != NULL)
		pc_mib_set_uint(var, type, value);
}

static void add_string(netsnmp_variable_list **vars, const oid *object, size_t len,
		       const struct pc_mib_index *in, const char *s)
{
	netsnmp_variable_list *var = add(vars, object, len, in);
	if (var != NULL)
		pc_mib_set_string(var, s);
}

static void add_octets(netsnmp_variable_list **vars, const oid *object, size_t len,
		       const struct pc_mib_index *in, const uint8_t *bytes, size_t n)
{
	netsnmp_variable_list *var = add(vars, object, len, in);
	if (var != NULL)
		pc_mib_set_octets(var, bytes, n);
}

/* pcListenerMissing, pcListenerRestored: the pcExpectTable row. */
static void add_expectation(netsnmp_variable_list **vars, const struct pc_event *ev)
{
	const struct pc_mib_index role = { { ev->role_index }, 1 };
	struct pc_mib_index row = { .len = 0 };

	pc_mib_index_append_expectation(&row, ev->role_index, ev->rule_index, ev->member);

	add_string(vars, OBJECT(role_name), &role, ev->role);
	add_int(vars, OBJECT(role_instance), &role, ev->instance);
	add_int(vars, OBJECT(role_side), &role, ev->side);
	add_string(vars, OBJECT(expect_rule), &row, ev->rule);
	add_int(vars, OBJECT(expect_protocol), &row, ev->protocol);
	add_uint(vars, OBJECT(expect_port), &row, ASN_UNSIGNED, ev->port);
	add_int(vars, OBJECT(expect_status), &row, ev->status);
	if (ev->type == PC_EVENT_MISSING) /* pcListenerMissing says why it is wrong */
		add_int(vars, OBJECT(expect_address_problem), &row,
			ev->status == PC_PORT_WRONG_ADDRESS ? ev->problem : PC_PROBLEM_NONE);
	/* The listener's own port, which for a range rule is not pcExpectPort
	 * (the range's first port). */
	add_uint(vars, OBJECT(notify_port), &scalar, ASN_UNSIGNED, ev->listener_port);
}

/* pcUnexpectedListener: the endpoint, then the pcListenerTable row. */
static void add_listener(netsnmp_variable_list **vars, const struct pc_event *ev)
{
	const struct pc_endpoint *ep = &ev->local;
	struct pc_mib_index row = { .len = 0 };

	pc_mib_index_append_listener(&row, ep);
	add_int(vars, OBJECT(notify_protocol), &scalar, ep->proto);
	add_int(vars, OBJECT(notify_address_type), &scalar, ep->addr_type);
	add_octets(vars, OBJECT(notify_address), &scalar, ep->addr, ep->addr_len);
	add_uint(vars, OBJECT(notify_port), &scalar, ASN_UNSIGNED, ep->port);
	add_uint(vars, OBJECT(listener_pid), &row, ASN_UNSIGNED,
		 ev->pid > 0 ? (unsigned long)ev->pid : 0);
	add_string(vars, OBJECT(listener_process), &row, ev->process);
	/* After the OBJECTS (RFC 3416, 4.2.6): whether pid 0 means "no
	 * process" or "not named" (pcListenerNaming). */
	add_int(vars, OBJECT(listener_naming), &row,
		ev->naming != PC_NAMING_UNSET ? ev->naming : PC_NAMING_PENDING);
}

/* pcComplianceChanged: the host's compliance, before and after. */
static void add_compliance(netsnmp_variable_list **vars, const struct pc_event *ev)
{
	add_int(vars, OBJECT(host_compliance), &scalar, ev->current);
	add_int(vars, OBJECT(notify_previous_compliance), &scalar, ev->previous);
	add_uint(vars, OBJECT(missing_count), &scalar, ASN_GAUGE, ev->missing_count);
	add_uint(vars, OBJECT(unexpected_count), &scalar, ASN_GAUGE, ev->unexpected_count);
}

/* pcNotificationsSkipped: what the rate limit held back, and where the
 * host stands now. */
static void add_summary(netsnmp_variable_list **vars, const struct pc_event *ev)
{
	add_uint(vars, OBJECT(notify_skipped_alarms), &scalar, ASN_GAUGE, ev->skipped_alarms);
	add_uint(vars, OBJECT(notify_skipped_unexpected), &scalar, ASN_GAUGE, ev->skipped_unexpected);
	add_int(vars, OBJECT(host_compliance), &scalar, ev->current);
	add_uint(vars, OBJECT(missing_count), &scalar, ASN_GAUGE, ev->missing_count);
	add_uint(vars, OBJECT(unexpected_count), &scalar, ASN_GAUGE, ev->unexpected_count);
}

/* pcDiscoveryVerdictChanged: the verdict, the best candidate as
 * pcDiscoveryTable's first row says it, and the configured roles. */
static void add_discovery(netsnmp_variable_list **vars, const struct pc_event *ev)
{
	const struct pc_mib_index best = { { 1 }, 1 }; /* pcDiscoveryRank 1 */
	add_int(vars, OBJECT(discovery_verdict), &scalar, ev->verdict);
	add_string(vars, OBJECT(discovery_roles), &best, ev->best.roles);
	add_string(vars, OBJECT(discovery_instances), &best, ev->best.instances);
	add_string(vars, OBJECT(discovery_sides), &best, ev->best.sides);
	add_string(vars, OBJECT(discovery_slots), &best, ev->best.slots);
	add_string(vars, OBJECT(configured_roles), &scalar, ev->configured.roles);
	add_string(vars, OBJECT(configured_instances), &scalar, ev->configured.instances);
	add_string(vars, OBJECT(configured_sides), &scalar, ev->configured.sides);
	add_string(vars, OBJECT(configured_slots), &scalar, ev->configured.slots);
}

netsnmp_pdu *pc_notify_pdu(const struct pc_event *ev, unsigned long sys_up_time)
{
	static const oid sys_up_time_oid[] = { PCMIB_SYS_UP_TIME_OID };
	static const oid snmp_trap_oid[] = { PCMIB_SNMP_TRAP_OID_OID };
	static const oid notifications[] = { PCMIB_NOTIFICATIONS_OID };
	oid notification[OID_LENGTH(notifications) + 1];
	netsnmp_pdu *pdu = snmp_pdu_create(AGENTX_NOTIFY_PDU);
	if (pdu == NULL)
		return NULL;
	memcpy(notification, notifications, sizeof(notifications));
	notification[OID_LENGTH(notifications)] = pc_notify_notification_of(ev->type);
	add_uint(&pdu->variables, OBJECT(sys_up_time_oid), &scalar, ASN_TIMETICKS, sys_up_time);
	netsnmp_variable_list *trap = add(&pdu->variables, OBJECT(snmp_trap_oid), &scalar);
	if (trap != NULL)
		snmp_set_var_typed_value(trap, ASN_OBJECT_ID, notification, sizeof(notification));
	switch (ev->type) {
	case PC_EVENT_MISSING:
	case PC_EVENT_RESTORED:
		add_expectation(&pdu->variables, ev);
		break;
	case PC_EVENT_UNEXPECTED:
		add_listener(&pdu->variables, ev);
		break;
	case PC_EVENT_COMPLIANCE:
		add_compliance(&pdu->variables, ev);
		break;
	case PC_EVENT_SUMMARY:
		add_summary(&pdu->variables, ev);
		break;
	case PC_EVENT_DISCOVERY:
		add_discovery(&pdu->variables, ev);
		break;
	}
	return pdu;
}
