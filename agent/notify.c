#include "notify.h"

#include <string.h>
#include <time.h>

#include "log.h"
#include "mib_internal.h"
#include "notify_queue.h"

/* RFC 2741's Notify PDU type; net-snmp does not install its AgentX headers. */
#define AGENTX_NOTIFY_PDU ((u_char)12)

/* RFC 2741's Ping PDU type: the probe of a master that did not answer. */
#define AGENTX_PING_PDU ((u_char)13)

static struct pc_notify_queue queue;
static netsnmp_session *master; /* NULL while the link is down */
static bool refusal_logged;
static uint32_t probe_request; /* the probe in flight, 0: none */
static uint64_t probe_sent; /* its place in the order of sending */
static struct pc_event summary_counts; /* what the next summary carries */
static unsigned summary_alarm; /* the timer of a summary owed, 0: none */

static struct pc_notify_policy policy_of(const struct pc_config *config)
{
	struct pc_notify_policy p = {
		.enabled = config->notifications,
		.missing = config->notify_missing,
		.restored = config->notify_restored,
		.unexpected = config->notify_unexpected,
		.compliance = config->notify_compliance,
		.rate_limit = config->notify_rate_limit,
		.capacity = config->notify_queue,
	};
	return p;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int pc_notify_init(const struct pc_config *config)
{
	struct pc_notify_policy policy = policy_of(config);
	summary_counts.current = PC_COMPLIANCE_UNKNOWN;
	return pc_notify_queue_init(&queue, &policy);
}

void pc_notify_configure(const struct pc_config *config)
{
	struct pc_notify_policy policy = policy_of(config);
	if (pc_notify_queue_set_policy(&queue, &policy) < 0)
		pc_log(LOG_ERR, "notifications: out of memory resizing the queue; keeping the old size");
}

static void summarize(void);

static void on_summary_due(unsigned int reg, void *unused)
{
	(void)reg, (void)unused;
	summary_alarm = 0;
	summarize();
}

/* The summary of what was not sent: now, or when the pacing allows. */
static void summarize(void)
{
	int64_t now = now_ms();
	int64_t due = pc_notify_queue_summarize(&queue, &summary_counts, now);
	if (due < 0 || summary_alarm != 0)
		return;
	int64_t wait = due > now ? due - now : 1;
	struct timeval tv = { .tv_sec = wait / 1000, .tv_usec = (wait % 1000) * 1000 };
	summary_alarm = snmp_alarm_register_hr(tv, 0, on_summary_due, NULL);
}

void pc_notify_raise_events(const struct pc_event_box *events, const struct pc_evaluation *latest)
{
	if (latest != NULL) {
		summary_counts.current = latest->host;
		summary_counts.missing_count = latest->missing;
		summary_counts.unexpected_count = latest->unexpected;
	}
	int64_t now = now_ms();
	for (size_t i = 0; i < pc_event_box_count(events); i++)
		pc_notify_queue_offer(&queue, pc_event_box_at(events, i), now);
	pc_notify_queue_note_coalesced(&queue, events->coalesced);
	if (events->lost > 0)
		pc_log(LOG_ERR, "notifications: out of memory: %llu expectation events lost",
		       (unsigned long long)events->lost);
	summarize();
}

void pc_notify_link_up(void *session)
{
	master = session;
}

void pc_notify_link_down(void)
{
	master = NULL;
	probe_request = 0; /* its answer, if any, died with the session */
	pc_notify_queue_requeue(&queue);
}

/* ---- building one notification ---- */

static void add(netsnmp_variable_list **vars, const oid *name, size_t len, u_char type,
		const void *value, size_t value_len)
{
	snmp_varlist_add_variable(vars, name, len, type, value, value_len);
}

static void add_int(netsnmp_variable_list **vars, const oid *name, size_t len, long value)
{
	add(vars, name, len, ASN_INTEGER, &value, sizeof(value));
}

static void add_unsigned(netsnmp_variable_list **vars, u_char type, const oid *name, size_t len,
			 unsigned long value)
{
	u_long v = value;
	add(vars, name, len, type, &v, sizeof(v));
}

static void add_string(netsnmp_variable_list **vars, const oid *name, size_t len, const char *s)
{
	add(vars, name, len, ASN_OCTET_STR, s, strlen(s));
}

/* name = base + column + row index (up to 3 sub-identifiers) */
static size_t column_oid(oid *out, const oid *base, size_t base_len, oid column,
			 const uint32_t *index, size_t index_len)
{
	memcpy(out, base, base_len * sizeof(oid));
	out[base_len] = column;
	for (size_t i = 0; i < index_len; i++)
		out[base_len + 1 + i] = index[i];
	return base_len + 1 + index_len;
}

static void add_expectation(netsnmp_variable_list **vars, const struct pc_event *ev)
{
	static const oid role_entry[] = { PC_OID_ROLE_TABLE, 1 };
	static const oid expect_entry[] = { PC_OID_EXPECT_TABLE, 1 };
	const uint32_t role[] = { ev->role_index };
	const uint32_t row[] = { ev->role_index, ev->rule_index, ev->member };
	oid name[MAX_OID_LEN];
	size_t len;

	len = column_oid(name, role_entry, OID_LENGTH(role_entry), 2, role, 1);
	add_string(vars, name, len, ev->role); /* pcRoleName */
	len = column_oid(name, role_entry, OID_LENGTH(role_entry), 5, role, 1);
	add_int(vars, name, len, ev->instance); /* pcRoleInstance */
	len = column_oid(name, role_entry, OID_LENGTH(role_entry), 6, role, 1);
	add_int(vars, name, len, ev->side); /* pcRoleSide */
	len = column_oid(name, expect_entry, OID_LENGTH(expect_entry), 2, row, 3);
	add_string(vars, name, len, ev->rule); /* pcExpectRule */
	len = column_oid(name, expect_entry, OID_LENGTH(expect_entry), 4, row, 3);
	add_int(vars, name, len, ev->protocol); /* pcExpectProtocol */
	len = column_oid(name, expect_entry, OID_LENGTH(expect_entry), 5, row, 3);
	add_unsigned(vars, ASN_UNSIGNED, name, len, ev->port); /* pcExpectPort */
	len = column_oid(name, expect_entry, OID_LENGTH(expect_entry), 11, row, 3);
	add_int(vars, name, len, ev->status); /* pcExpectStatus */
	if (ev->type == PC_EVENT_MISSING) {
		len = column_oid(name, expect_entry, OID_LENGTH(expect_entry), 18, row, 3);
		add_int(vars, name, len, /* pcExpectAddressProblem */
			ev->status == PC_PORT_WRONG_ADDRESS ? ev->problem : PC_PROBLEM_NONE);
	}
	/* pcNotifyPort.0: the listener's own port, which for a range rule is
	 * not pcExpectPort (the range's first port) */
	static const oid notify_port[] = { PC_OID_NOTIFY, 23, 0 };
	add_unsigned(vars, ASN_UNSIGNED, notify_port, OID_LENGTH(notify_port), ev->listener_port);
}

static void add_listener(netsnmp_variable_list **vars, const struct pc_event *ev)
{
	static const oid notify[] = { PC_OID_NOTIFY };
	static const oid listener_entry[] = { PC_OID_LISTENER_TABLE, 1 };
	const struct pc_endpoint *ep = &ev->local;
	oid name[MAX_OID_LEN];
	size_t len = OID_LENGTH(notify);

	memcpy(name, notify, sizeof(notify));
	name[len + 1] = 0;
	name[len] = 20; /* pcNotifyProtocol.0 */
	add_int(vars, name, len + 2, ep->proto);
	name[len] = 21; /* pcNotifyAddressType.0 */
	add_int(vars, name, len + 2, ep->addr_type);
	name[len] = 22; /* pcNotifyAddress.0 */
	add(vars, name, len + 2, ASN_OCTET_STR, ep->addr, ep->addr_len);
	name[len] = 23; /* pcNotifyPort.0 */
	add_unsigned(vars, ASN_UNSIGNED, name, len + 2, ep->port);

	/* pcListenerPid and pcListenerProcess of the row, index in the OID. */
	len = OID_LENGTH(listener_entry);
	memcpy(name, listener_entry, sizeof(listener_entry));
	size_t at = len + 1;
	name[at++] = ep->proto;
	name[at++] = ep->addr_type;
	name[at++] = ep->addr_len;
	for (size_t i = 0; i < ep->addr_len; i++)
		name[at++] = ep->addr[i];
	name[at++] = ep->port;
	name[len] = 6;
	add_unsigned(vars, ASN_UNSIGNED, name, at, ev->pid > 0 ? (unsigned long)ev->pid : 0);
	name[len] = 7;
	add_string(vars, name, at, ev->process);
}

static void add_compliance(netsnmp_variable_list **vars, const struct pc_event *ev)
{
	static const oid host[] = { PC_OID_HOST };
	static const oid notify[] = { PC_OID_NOTIFY };
	oid name[MAX_OID_LEN];
	size_t len = OID_LENGTH(host);

	memcpy(name, host, sizeof(host));
	name[len + 1] = 0;
	name[len] = 1; /* pcHostCompliance.0 */
	add_int(vars, name, len + 2, ev->current);
	memcpy(name, notify, sizeof(notify));
	name[OID_LENGTH(notify)] = 24; /* pcNotifyPreviousCompliance.0 */
	name[OID_LENGTH(notify) + 1] = 0;
	add_int(vars, name, OID_LENGTH(notify) + 2, ev->previous);
	memcpy(name, host, sizeof(host));
	name[len] = 4; /* pcMissingCount.0 */
	add_unsigned(vars, ASN_GAUGE, name, len + 2, ev->missing_count);
	name[len] = 5; /* pcUnexpectedCount.0 */
	add_unsigned(vars, ASN_GAUGE, name, len + 2, ev->unexpected_count);
}

static void add_summary(netsnmp_variable_list **vars, const struct pc_event *ev)
{
	static const oid host[] = { PC_OID_HOST };
	static const oid notify[] = { PC_OID_NOTIFY };
	oid name[MAX_OID_LEN];
	size_t len = OID_LENGTH(notify);

	memcpy(name, notify, sizeof(notify));
	name[len + 1] = 0;
	name[len] = 25; /* pcNotifySkippedAlarms.0 */
	add_unsigned(vars, ASN_GAUGE, name, len + 2, ev->skipped_alarms);
	name[len] = 26; /* pcNotifySkippedUnexpected.0 */
	add_unsigned(vars, ASN_GAUGE, name, len + 2, ev->skipped_unexpected);
	len = OID_LENGTH(host);
	memcpy(name, host, sizeof(host));
	name[len + 1] = 0;
	name[len] = 1; /* pcHostCompliance.0 */
	add_int(vars, name, len + 2, ev->current);
	name[len] = 4; /* pcMissingCount.0 */
	add_unsigned(vars, ASN_GAUGE, name, len + 2, ev->missing_count);
	name[len] = 5; /* pcUnexpectedCount.0 */
	add_unsigned(vars, ASN_GAUGE, name, len + 2, ev->unexpected_count);
}

static netsnmp_pdu *build(const struct pc_event *ev)
{
	static const oid sys_up_time[] = { 1, 3, 6, 1, 2, 1, 1, 3, 0 };
	static const oid snmp_trap_oid[] = { 1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0 };
	oid notification[] = { PC_MIB_ROOT, 0, (oid)ev->type }; /* pcNotifications.N */
	netsnmp_pdu *pdu = snmp_pdu_create(AGENTX_NOTIFY_PDU);
	if (pdu == NULL)
		return NULL;
	/* sysUpTime of when it happened, not of when the queue let it go. */
	add_unsigned(&pdu->variables, ASN_TIMETICKS, sys_up_time, OID_LENGTH(sys_up_time),
		     pc_mib_timestamp(ev->when_ms));
	add(&pdu->variables, snmp_trap_oid, OID_LENGTH(snmp_trap_oid), ASN_OBJECT_ID, notification,
	    sizeof(notification));
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
	}
	return pdu;
}

/* ---- sending and answers ---- */

static int on_answer(int op, netsnmp_session *session, int request, netsnmp_pdu *pdu, void *magic)
{
	(void)session, (void)magic;
	if (op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE && pdu != NULL &&
	    pdu->errstat != SNMP_ERR_NOERROR && !refusal_logged) {
		/* Sending it again would be refused again: it leaves the queue. */
		pc_log(LOG_WARNING, "the AgentX master refused a notification: %s",
		       snmp_errstring((int)pdu->errstat));
		refusal_logged = true;
	}
	if (op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE)
		pc_notify_queue_acknowledge(&queue, (uint32_t)request);
	else /* not answered in time: the master may be stalled, not gone */
		pc_notify_queue_timed_out(&queue, (uint32_t)request);
	return 1;
}

static int on_probe_answer(int op, netsnmp_session *session, int request, netsnmp_pdu *pdu,
			   void *magic)
{
	(void)session, (void)pdu, (void)magic;
	if ((uint32_t)request != probe_request)
		return 1; /* from a session that is gone */
	probe_request = 0;
	if (op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE)
		pc_notify_queue_confirm(&queue, probe_sent);
	/* else the next round probes again: one probe per session timeout is
	 * the back-off, and net-snmp's own ping closes a session that stays
	 * silent (then everything unacknowledged goes out on the next one). */
	return 1;
}

static uint32_t send_pdu(netsnmp_pdu *pdu, netsnmp_callback callback)
{
	pdu->version = master->version;
	pdu->sessid = master->sessid;
	pdu->reqid = snmp_get_next_reqid();
	int request = snmp_async_send(master, pdu, callback, NULL);
	if (request == 0)
		snmp_free_pdu(pdu); /* the link is failing: the disconnection requeues */
	return (uint32_t)request;
}

/* A stalled master is asked whether it is there, instead of being sent
 * what it has not answered yet. */
static void probe(void)
{
	if (probe_request != 0)
		return;
	netsnmp_pdu *pdu = snmp_pdu_create(AGENTX_PING_PDU);
	if (pdu == NULL)
		return;
	probe_request = send_pdu(pdu, on_probe_answer);
	if (probe_request != 0)
		probe_sent = pc_notify_queue_probe_sent(&queue);
}

void pc_notify_run(void)
{
	if (master == NULL)
		return;
	if (queue.stalled) {
		probe();
		return;
	}
	for (size_t i = 0; master != NULL && i < queue.count; i++) {
		struct pc_notify_entry *e = pc_notify_queue_at(&queue, i);
		if (e->request != 0 || e->acknowledged)
			continue;
		netsnmp_pdu *pdu = build(&e->event);
		if (pdu == NULL)
			return;
		uint32_t request = send_pdu(pdu, on_answer);
		if (request == 0)
			return;
		pc_notify_queue_sent(&queue, e, request);
	}
}

struct pc_notify_stats pc_notify_stats(void)
{
	struct pc_notify_stats s = {
		.sent = queue.acknowledged,
		.suppressed = queue.suppressed,
		.dropped = queue.dropped,
		.queued = (uint32_t)pc_notify_queue_pending(&queue),
	};
	return s;
}

void pc_notify_shutdown(void)
{
	master = NULL;
	if (summary_alarm != 0)
		snmp_alarm_unregister(summary_alarm);
	summary_alarm = 0;
	pc_notify_queue_free(&queue);
}
