#include "snmp/link.h"

#include <errno.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_callbacks.h>

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

static int on_connected(int major, int minor, void *server_arg, void *client_arg)
{
	(void)major, (void)minor, (void)client_arg;
	send_once(server_arg);
	bool again = link_state == LINK_LOST;
	link_state = LINK_UP;
	if (observer.up != NULL) /* net-snmp passes the master session */
		observer.up(observer.context, server_arg);
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
	if (socket != NULL)
		netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET, socket);
	/* The ping interval is also net-snmp's reconnection period. */
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL,
			   (int)retry_seconds);
	/* net-snmp would warn at every failed retry; we report state changes. */
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
	/* net-snmp keeps the reason to itself: ask the transport once more. */
	errno = 0;
	netsnmp_transport *t = netsnmp_transport_open_client("agentx", pc_link_address());
	int reason = errno;
	if (t != NULL) {
		netsnmp_transport_free(t);
		reason = 0;
	}
	pc_log(LOG_WARNING, "cannot reach the AgentX master at %s (%s); retrying every %u s",
	       pc_link_address(), reason != 0 ? strerror(reason) : "no answer to the open request",
	       retry_interval);
}

void pc_link_shutdown(void)
{
	link_state = LINK_CLOSING;
}

bool pc_link_is_up(void)
{
	return link_state == LINK_UP;
}
