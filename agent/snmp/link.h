/* SPDX-License-Identifier: ISC */
/* The AgentX link to the master: net-snmp reconnects by itself every
 * agentx-retry seconds (and re-registers everything); this module follows
 * the link's state, logs each change once, tells its observer, and, while
 * the master cannot be reached, finds out why at each retry (link_diag.h)
 * and says so at a bounded rate: at once, then at longer and longer
 * intervals, at least once an hour, and whenever the reason changes. */
#ifndef PC_LINK_H
#define PC_LINK_H

#include <stdbool.h>

#define PC_LINK_REASON_MAX 768

/* Told of every connection (session: the master session, a
 * netsnmp_session, valid until the next disconnection) and every
 * disconnection, our own at shutdown included. */
struct pc_link_observer {
	void (*up)(void *context, void *session); /* NULL: not told */
	void (*down)(void *context); /* NULL: not told */
	void *context;
};

/* Between init_agent() and init_snmp(): point net-snmp at the master, set
 * the retry interval and the observer. socket NULL: net-snmp's default. */
void pc_link_configure(const char *socket, unsigned retry_seconds,
		       const struct pc_link_observer *observer);

/* After init_snmp(): if the first attempt failed, say why, once. */
void pc_link_report_startup(void);

bool pc_link_is_up(void);

/* The link as portcomplyd --check shows it (through the control socket). */
struct pc_link_status {
	bool connected;
	unsigned attempts; /* failed attempts in a row while not connected */
	unsigned long since_s; /* seconds since the link last changed */
	char address[256];
	char reason[PC_LINK_REASON_MAX]; /* why not connected, and the fix; "" when connected */
};

void pc_link_status(struct pc_link_status *status);

/* Before snmp_shutdown(): our own closing of the link is not a loss. */
void pc_link_shutdown(void);

/* The master's address as it is used (for messages). */
const char *pc_link_address(void);

#endif
