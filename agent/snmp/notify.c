#include "snmp/notify.h"

#include <stdlib.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "util/clock.h"
#include "util/log.h"
#include "snmp/notify_pdu.h"
#include "snmp/values.h"

/* RFC 2741's Ping PDU type: the probe of a master that did not answer. */
#define AGENTX_PING_PDU ((u_char)13)

struct pc_notifier {
	struct pc_notify_queue queue;
	netsnmp_session *master; /* NULL while the link is down */
	bool refusal_logged;
	uint32_t probe_request; /* the probe in flight, 0: none */
	uint64_t probe_sent; /* its place in the order of sending */
	struct pc_event summary_counts; /* what the next summary carries */
	unsigned summary_alarm; /* the timer of a summary owed, 0: none */
};

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

struct pc_notifier *pc_notifier_new(const struct pc_config *config)
{
	struct pc_notify_policy policy = policy_of(config);
	struct pc_notifier *n = calloc(1, sizeof(*n));
	if (n == NULL)
		return NULL;
	n->summary_counts.current = PC_COMPLIANCE_UNKNOWN;
	if (pc_notify_queue_init(&n->queue, &policy) < 0) {
		pc_notify_queue_free(&n->queue);
		free(n);
		return NULL;
	}
	return n;
}

void pc_notifier_configure(struct pc_notifier *n, const struct pc_config *config)
{
	struct pc_notify_policy policy = policy_of(config);
	if (pc_notify_queue_set_policy(&n->queue, &policy) < 0)
		pc_log(LOG_ERR, "notifications: out of memory resizing the queue; keeping the old size");
}

static void summarize(struct pc_notifier *n);

static void on_summary_due(unsigned int reg, void *notifier)
{
	struct pc_notifier *n = notifier;
	(void)reg;
	n->summary_alarm = 0;
	summarize(n);
}

/* The summary of what was not sent: now, or when the pacing allows. */
static void summarize(struct pc_notifier *n)
{
	int64_t now = pc_now_ms();
	int64_t due = pc_notify_queue_summarize(&n->queue, &n->summary_counts, now);
	if (due < 0 || n->summary_alarm != 0)
		return;
	int64_t wait = due > now ? due - now : 1;
	struct timeval tv = { .tv_sec = wait / 1000, .tv_usec = (wait % 1000) * 1000 };
	n->summary_alarm = snmp_alarm_register_hr(tv, 0, on_summary_due, n);
}

void pc_notifier_raise_events(struct pc_notifier *n, const struct pc_event_box *events,
			      const struct pc_evaluation *latest)
{
	if (latest != NULL) {
		n->summary_counts.current = latest->host;
		n->summary_counts.missing_count = latest->missing;
		n->summary_counts.unexpected_count = latest->unexpected;
	}
	int64_t now = pc_now_ms();
	for (size_t i = 0; i < pc_event_box_count(events); i++)
		pc_notify_queue_offer(&n->queue, pc_event_box_at(events, i), now);
	pc_notify_queue_note_coalesced(&n->queue, events->coalesced);
	if (events->lost > 0)
		pc_log(LOG_ERR, "notifications: out of memory: %llu expectation events lost",
		       (unsigned long long)events->lost);
	summarize(n);
}

void pc_notifier_link_up(struct pc_notifier *n, void *session)
{
	n->master = session;
}

void pc_notifier_link_down(struct pc_notifier *n)
{
	n->master = NULL;
	n->probe_request = 0; /* its answer, if any, died with the session */
	pc_notify_queue_requeue(&n->queue);
}

/* ---- sending and answers ---- */

static int on_answer(int op, netsnmp_session *session, int request, netsnmp_pdu *pdu,
		     void *notifier)
{
	struct pc_notifier *n = notifier;
	(void)session;
	if (op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE && pdu != NULL &&
	    pdu->errstat != SNMP_ERR_NOERROR && !n->refusal_logged) {
		/* Sending it again would be refused again: it leaves the queue. */
		pc_log(LOG_WARNING, "the AgentX master refused a notification: %s",
		       snmp_errstring((int)pdu->errstat));
		n->refusal_logged = true;
	}
	if (op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE)
		pc_notify_queue_acknowledge(&n->queue, (uint32_t)request);
	else /* not answered in time: the master may be stalled, not gone */
		pc_notify_queue_timed_out(&n->queue, (uint32_t)request);
	return 1;
}

static int on_probe_answer(int op, netsnmp_session *session, int request, netsnmp_pdu *pdu,
			   void *notifier)
{
	struct pc_notifier *n = notifier;
	(void)session, (void)pdu;
	if ((uint32_t)request != n->probe_request)
		return 1; /* from a session that is gone */
	n->probe_request = 0;
	if (op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE)
		pc_notify_queue_confirm(&n->queue, n->probe_sent);
	/* else the next round probes again: one probe per session timeout is
	 * the back-off, and net-snmp's own ping closes a session that stays
	 * silent (then everything unacknowledged goes out on the next one). */
	return 1;
}

static uint32_t send_pdu(struct pc_notifier *n, netsnmp_pdu *pdu, netsnmp_callback callback)
{
	pdu->version = n->master->version;
	pdu->sessid = n->master->sessid;
	pdu->reqid = snmp_get_next_reqid();
	int request = snmp_async_send(n->master, pdu, callback, n);
	if (request == 0)
		snmp_free_pdu(pdu); /* the link is failing: the disconnection requeues */
	return (uint32_t)request;
}

/* A stalled master is asked whether it is there, instead of being sent
 * what it has not answered yet. */
static void probe(struct pc_notifier *n)
{
	if (n->probe_request != 0)
		return;
	netsnmp_pdu *pdu = snmp_pdu_create(AGENTX_PING_PDU);
	if (pdu == NULL)
		return;
	n->probe_request = send_pdu(n, pdu, on_probe_answer);
	if (n->probe_request != 0)
		n->probe_sent = pc_notify_queue_probe_sent(&n->queue);
}

void pc_notifier_run(struct pc_notifier *n)
{
	if (n->master == NULL)
		return;
	if (n->queue.stalled) {
		probe(n);
		return;
	}
	for (size_t i = 0; n->master != NULL && i < n->queue.count; i++) {
		struct pc_notify_entry *e = pc_notify_queue_at(&n->queue, i);
		if (e->request != 0 || e->acknowledged)
			continue;
		netsnmp_pdu *pdu = pc_notify_pdu(&e->event, pc_mib_timestamp(e->event.when_ms));
		if (pdu == NULL)
			return;
		uint32_t request = send_pdu(n, pdu, on_answer);
		if (request == 0)
			return;
		pc_notify_queue_sent(&n->queue, e, request);
	}
}

struct pc_notify_stats pc_notifier_stats(const struct pc_notifier *n)
{
	return pc_notify_queue_stats(&n->queue);
}

void pc_notifier_free(struct pc_notifier *n)
{
	if (n == NULL)
		return;
	if (n->summary_alarm != 0)
		snmp_alarm_unregister(n->summary_alarm);
	pc_notify_queue_free(&n->queue);
	free(n);
}
