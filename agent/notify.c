#include "notify.h"

#include <string.h>

#include "clock.h"
#include "log.h"
#include "mib_internal.h"
#include "notify_pdu.h"
#include "notify_queue.h"

static struct pc_notify_queue queue;
static netsnmp_session *master; /* NULL while the link is down */
static bool refusal_logged;

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
	return pc_notify_queue_init(&queue, &policy);
}

void pc_notify_configure(const struct pc_config *config)
{
	struct pc_notify_policy policy = policy_of(config);
	if (pc_notify_queue_set_policy(&queue, &policy) < 0)
		pc_log(LOG_ERR, "notifications: out of memory resizing the queue; keeping the old size");
}

void pc_notify_raise(const struct pc_event *event)
{
	pc_notify_queue_offer(&queue, event, pc_now_ms());
}

void pc_notify_link_up(void *session)
{
	master = session;
}

void pc_notify_link_down(void)
{
	master = NULL;
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
	else
		pc_notify_queue_requeue(&queue); /* timed out: send again */
	return 1;
}

void pc_notify_run(void)
{
	for (size_t i = 0; master != NULL && i < queue.count; i++) {
		struct pc_notify_entry *e = pc_notify_queue_at(&queue, i);
		if (e->request != 0 || e->acknowledged)
			continue;
		netsnmp_pdu *pdu = pc_notify_pdu(&e->event, pc_mib_timestamp(e->event.when_ms));
		if (pdu == NULL)
			return;
		pdu->version = master->version;
		pdu->sessid = master->sessid;
		pdu->reqid = snmp_get_next_reqid();
		int request = snmp_async_send(master, pdu, on_answer, NULL);
		if (request == 0) {
			snmp_free_pdu(pdu);
			return; /* the link is failing: the disconnection requeues */
		}
		e->request = (uint32_t)request;
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
	pc_notify_queue_free(&queue);
}
