/* SPDX-License-Identifier: ISC */
#include "snmp/link.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_callbacks.h>

#include "snmp/link_diag.h"
#include "util/log.h"

/* One state, so that a change of the link is a change of one value. */
static enum {
	LINK_CONNECTING, /* never connected yet */
	LINK_UP,
	LINK_LOST, /* was up; net-snmp retries */
	LINK_CLOSING, /* our own shutdown: a disconnection is no loss */
} link_state;
static unsigned retry_interval;
static struct pc_link_observer observer;
/* While the link is down: the failed attempts in a row (our probes, one
 * per retry), the last reason given, and the probing alarm. */
static unsigned failures;
static char reason[PC_LINK_REASON_MAX];
static unsigned probe_alarm;
static long state_since_ms; /* CLOCK_MONOTONIC, when the state last changed */

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

const char *pc_link_address(void)
{
	const char *address =
		netsnmp_ds_get_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET);
	return address != NULL ? address : NETSNMP_AGENTX_SOCKET;
}

/* A stream carries every request to the master: a retransmission cannot
 * replace a lost one, it only makes a stalled master handle the request
 * again when it resumes (a Notify retried five times was a trap delivered
 * six times). The same patience, in one wait: each request is sent once,
 * and waits as long as all the attempts together would have. */
static void send_once(netsnmp_session *session)
{
	if (session->retries > 0) {
		session->timeout *= session->retries + 1;
		session->retries = 0;
	}
}

/* One failed attempt: find out why, and say so when the schedule says
 * (link_diag.h) or the reason changed. A master that accepts connections
 * is no failure: net-snmp's next retry will open the session. */
static void probe(void)
{
	struct pc_link_probe p;
	char now[PC_LINK_REASON_MAX];
	pc_link_probe(pc_link_address(), &p);
	if (p.error == 0 && p.blocker == PC_BLOCKER_NONE)
		return;
	pc_link_explain(&p, now, sizeof(now));
	failures++;
	bool changed = strcmp(now, reason) != 0;
	memcpy(reason, now, sizeof(reason));
	if (!changed && !pc_link_report_due(failures, retry_interval))
		return;
	pc_log(LOG_WARNING,
	       "cannot reach the AgentX master at %s: %s; retrying every %u s (attempt %u; "
	       "said again at attempt %u unless it changes)",
	       pc_link_address(), reason, retry_interval, failures,
	       pc_link_next_report(failures, retry_interval));
}

static void on_probe_alarm(unsigned int regnum, void *arg)
{
	(void)regnum, (void)arg;
	if (link_state == LINK_CONNECTING || link_state == LINK_LOST)
		probe();
}

static void start_probing(void)
{
	failures = 0;
	reason[0] = '\0';
	if (probe_alarm == 0)
		probe_alarm = snmp_alarm_register(retry_interval, SA_REPEAT, on_probe_alarm, NULL);
}

static void stop_probing(void)
{
	if (probe_alarm != 0)
		snmp_alarm_unregister(probe_alarm);
	probe_alarm = 0;
}

static int on_connected(int major, int minor, void *server_arg, void *client_arg)
{
	(void)major, (void)minor, (void)client_arg;
	send_once(server_arg);
	bool again = link_state == LINK_LOST;
	unsigned attempts = failures;
	link_state = LINK_UP;
	state_since_ms = now_ms();
	stop_probing();
	failures = 0;
	reason[0] = '\0';
	if (observer.up != NULL) /* net-snmp passes the master session */
		observer.up(observer.context, server_arg);
	if (attempts > 0)
		pc_log(LOG_NOTICE, "%s the AgentX master at %s after %u failed attempt%s",
		       again ? "reconnected to" : "connected to", pc_link_address(), attempts,
		       attempts == 1 ? "" : "s");
	else
		pc_log(LOG_NOTICE, "%s the AgentX master at %s", again ? "reconnected to" : "connected to",
		       pc_link_address());
	return SNMPERR_SUCCESS;
}

static int on_disconnected(int major, int minor, void *server_arg, void *client_arg)
{
	(void)major, (void)minor, (void)server_arg, (void)client_arg;
	if (link_state == LINK_UP) {
		pc_log(LOG_WARNING, "lost the AgentX master at %s; retrying every %u s",
		       pc_link_address(), retry_interval);
		link_state = LINK_LOST;
		state_since_ms = now_ms();
		start_probing();
	}
	if (observer.down != NULL)
		observer.down(observer.context);
	return SNMPERR_SUCCESS;
}

void pc_link_configure(const char *socket, unsigned retry_seconds,
		       const struct pc_link_observer *link_observer)
{
	retry_interval = retry_seconds;
	observer = *link_observer;
	state_since_ms = now_ms();
	if (socket != NULL)
		netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET, socket);
	/* The ping interval is also net-snmp's reconnection period. */
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL,
			   (int)retry_seconds);
	/* net-snmp would warn at every failed retry, without the reason; we
	 * say why, at a bounded rate (probe). */
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_NO_CONNECTION_WARNINGS,
			       1);
	snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_START, on_connected,
			       NULL);
	snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_STOP,
			       on_disconnected, NULL);
}

void pc_link_report_startup(void)
{
	if (link_state == LINK_UP)
		return;
	start_probing();
	probe(); /* the first attempt, which init_snmp made, is attempt 1 */
}

void pc_link_shutdown(void)
{
	stop_probing();
	link_state = LINK_CLOSING;
}

bool pc_link_is_up(void)
{
	return link_state == LINK_UP;
}

void pc_link_status(struct pc_link_status *status)
{
	memset(status, 0, sizeof(*status));
	status->connected = link_state == LINK_UP;
	status->attempts = failures;
	long elapsed = now_ms() - state_since_ms;
	status->since_s = elapsed > 0 ? (unsigned long)(elapsed / 1000) : 0;
	snprintf(status->address, sizeof(status->address), "%s", pc_link_address());
	if (!status->connected)
		snprintf(status->reason, sizeof(status->reason), "%s", reason);
}
