#include "snmp/notify.h"

#include <string.h>

#include "util/clock.h"
#include "util/log.h"
#include "snmp/notify_pdu.h"
#include "snmp/notify_queue.h"
#include "snmp/values.h"

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
	int64_t now = pc_now_ms();
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
	int64_t now = pc_now_ms();
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
		netsnmp_pdu *pdu = pc_notify_pdu(&e->event, pc_mib_timestamp(e->event.when_ms));
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
