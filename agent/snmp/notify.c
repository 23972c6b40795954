/* SPDX-License-Identifier: ISC */
#include "snmp/notify.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "util/clock.h"
#include "util/log.h"
#include "snmp/notify_orphan.h"
#include "snmp/notify_pdu.h"
#include "snmp/values.h"

/* RFC 2741's Ping PDU type: the probe of a master that did not answer. */
#define AGENTX_PING_PDU ((u_char)13)
/* Old connections followed at once (each is a stall net-snmp gave up on). */
#define ORPHANS_MAX 4

struct pc_notifier {
	struct pc_notify_queue queue;
	netsnmp_session *master; /* NULL while the link is down */
	bool refusal_logged;
	uint32_t probe_request; /* the probe in flight, 0: none */
	uint64_t probe_sent; /* its place in the order of sending */
	struct pc_event summary_counts; /* what the next summary carries */
	unsigned summary_alarm; /* the timer of a summary owed, 0: none */
	unsigned pace_alarm; /* the timer of the next alarm's turn, 0: none */
	struct pc_notify_orphan orphans[ORPHANS_MAX];
};

static struct pc_notify_policy policy_of(const struct pc_config *config)
{
	struct pc_notify_policy p = {
		.enabled = config->notifications,
		.missing = config->notify_missing,
		.restored = config->notify_restored,
		.unexpected = config->notify_unexpected,
		.compliance = config->notify_compliance,
		.discovery = config->notify_discovery,
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
	for (size_t i = 0; i < ORPHANS_MAX; i++)
		n->orphans[i].fd = -1;
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
	pc_notify_queue_note_folded(&n->queue, events->folded);
	if (events->lost > 0)
		pc_log(LOG_ERR, "notifications: out of memory: %llu expectation events lost",
		       (unsigned long long)events->lost);
	summarize(n);
}

void pc_notifier_link_up(struct pc_notifier *n, void *session)
{
	int64_t now = pc_now_ms();
	n->master = session;
	pc_notify_queue_link_up(&n->queue, now);
	/* The master is back: an old connection it has not answered on by
	 * then, it handled without our seeing the answers, or never will. */
	for (size_t i = 0; i < ORPHANS_MAX; i++)
		if (n->orphans[i].fd >= 0 && n->orphans[i].expires_ms == 0)
			n->orphans[i].expires_ms = now + PC_NOTIFY_ORPHAN_WAIT_MS;
}

/* The session's connection stays ours to read while the master may still
 * answer what it carries (see notify_orphan.h); false when it cannot. */
static bool keep_orphan(struct pc_notifier *n, int fd)
{
	struct pc_notify_orphan *slot = &n->orphans[0];
	for (size_t i = 0; i < ORPHANS_MAX && slot->fd >= 0; i++)
		if (n->orphans[i].fd < 0 || n->orphans[i].session < slot->session)
			slot = &n->orphans[i];
	pc_notify_orphan_close(slot, &n->queue); /* all taken: the oldest gives way */
	slot->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (slot->fd < 0)
		return false;
	slot->session = n->queue.session;
	slot->len = 0;
	slot->expires_ms = 0;
	return true;
}

void pc_notifier_link_down(struct pc_notifier *n)
{
	enum pc_notify_link_fate fate = PC_LINK_MASTER_CLOSED;
	netsnmp_transport *t = n->master != NULL ? snmp_sess_transport(snmp_sess_pointer(n->master))
						  : NULL;
	if (t != NULL && t->sock >= 0)
		fate = pc_notify_orphan_fate(t->sock);
	/* Still open at the master's end, with some of it unread: net-snmp gave
	 * up on a stalled master, which will read it when it resumes. */
	if (fate == PC_LINK_ORPHANED && !keep_orphan(n, t->sock))
		fate = PC_LINK_MASTER_READ; /* cannot follow it: never sent twice all the same */
	size_t before = pc_notify_queue_orphans(&n->queue);
	uint64_t unconfirmed = n->queue.unconfirmed;
	n->master = NULL;
	n->probe_request = 0; /* its answer, if any, died with the session */
	pc_notify_queue_link_down(&n->queue, fate);
	size_t held = pc_notify_queue_orphans(&n->queue) - before;
	uint64_t read = n->queue.unconfirmed - unconfirmed;
	if (held > 0)
		pc_log(LOG_NOTICE, "notifications: %zu in flight on the session net-snmp closed are not "
				   "sent again; the master's answers on the old connection will say what it "
				   "delivered",
		       held);
	if (read > 0)
		pc_log(LOG_NOTICE, "notifications: %llu read by the master before its session was closed "
				   "are not sent again (its answers were lost with the session)",
		       (unsigned long long)read);
}

int pc_notifier_watch(const struct pc_notifier *n, fd_set *readfds)
{
	int numfds = 0;
	for (size_t i = 0; i < ORPHANS_MAX; i++) {
		int fd = n->orphans[i].fd;
		if (fd < 0 || fd >= FD_SETSIZE)
			continue;
		FD_SET(fd, readfds);
		if (fd >= numfds)
			numfds = fd + 1;
	}
	return numfds;
}

void pc_notifier_readable(struct pc_notifier *n, const fd_set *readfds)
{
	for (size_t i = 0; i < ORPHANS_MAX; i++) {
		struct pc_notify_orphan *o = &n->orphans[i];
		if (o->fd >= 0 && o->fd < FD_SETSIZE && FD_ISSET(o->fd, readfds))
			pc_notify_orphan_read(o, &n->queue);
	}
}

/* ---- sending and answers ---- */

static int on_answer(int op, netsnmp_session *session, int request, netsnmp_pdu *pdu,
		     void *notifier)
{
	struct pc_notifier *n = notifier;
	(void)session;
	bool refused = op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE && pdu != NULL &&
		       pdu->errstat != SNMP_ERR_NOERROR;
	if (refused && !n->refusal_logged) {
		/* Sending it again would be refused again: it leaves the queue. */
		pc_log(LOG_WARNING, "the AgentX master refused a notification: %s",
		       snmp_errstring((int)pdu->errstat));
		n->refusal_logged = true;
	}
	if (op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE)
		pc_notify_queue_acknowledge(&n->queue, (uint32_t)request, refused);
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

static void on_turn(unsigned int reg, void *notifier)
{
	struct pc_notifier *n = notifier;
	(void)reg;
	n->pace_alarm = 0; /* the loop runs pc_notifier_run after its timers */
}

/* Wakes the loop when the next waiting alarm's turn comes. */
static void wake_at(struct pc_notifier *n, int64_t due)
{
	if (due < 0 || n->pace_alarm != 0)
		return;
	int64_t wait = due - pc_now_ms();
	if (wait < 1)
		wait = 1;
	struct timeval tv = { .tv_sec = wait / 1000, .tv_usec = (wait % 1000) * 1000 };
	n->pace_alarm = snmp_alarm_register_hr(tv, 0, on_turn, n);
}

/* Old connections the master, back, left silent past their time. */
static void expire_orphans(struct pc_notifier *n, int64_t now)
{
	for (size_t i = 0; i < ORPHANS_MAX; i++) {
		struct pc_notify_orphan *o = &n->orphans[i];
		if (o->fd >= 0 && o->expires_ms != 0 && now >= o->expires_ms)
			pc_notify_orphan_close(o, &n->queue);
	}
}

void pc_notifier_run(struct pc_notifier *n)
{
	if (n->master == NULL)
		return;
	expire_orphans(n, pc_now_ms());
	if (n->queue.stalled) {
		probe(n);
		return;
	}
	int64_t due = -1;
	struct pc_notify_entry *e;
	while (n->master != NULL && (e = pc_notify_queue_next(&n->queue, pc_now_ms(), &due)) != NULL) {
		netsnmp_pdu *pdu = pc_notify_pdu(&e->event, pc_mib_timestamp(e->event.when_ms));
		if (pdu == NULL)
			return;
		uint32_t request = send_pdu(n, pdu, on_answer);
		if (request == 0)
			return;
		pc_notify_queue_sent(&n->queue, e, request);
	}
	wake_at(n, due);
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
	if (n->pace_alarm != 0)
		snmp_alarm_unregister(n->pace_alarm);
	for (size_t i = 0; i < ORPHANS_MAX; i++)
		pc_notify_orphan_close(&n->orphans[i], &n->queue);
	pc_notify_queue_free(&n->queue);
	free(n);
}
