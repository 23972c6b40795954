/* SPDX-License-Identifier: ISC */
/* Why the AgentX master cannot be reached, in words that name the fix, and
 * how often to say so.
 *
 * net-snmp keeps the reason of a failed connection to itself and retries
 * quietly; link.c asks here instead, once per retry: pc_link_probe tries
 * the address itself (a non-blocking connect, closed at once) and, when
 * the kernel says no, looks at what said no (which directory, which
 * socket, with what mode and owner), and pc_link_explain turns that into
 * one line. pc_link_report_due spaces the reports out: an operator hears
 * of a master that stays unreachable at once, then at longer and longer
 * intervals (never more than an hour apart), not at every retry. */
#ifndef PC_LINK_DIAG_H
#define PC_LINK_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum pc_link_blocker {
	PC_BLOCKER_NONE, /* nothing in particular: error says it all */
	PC_BLOCKER_DIRECTORY, /* a directory on the socket's path cannot be searched */
	PC_BLOCKER_SOCKET, /* the socket itself refuses us */
	PC_BLOCKER_NO_DIRECTORY, /* the socket's directory does not exist */
	PC_BLOCKER_NO_SOCKET, /* the directory exists, the socket does not */
	PC_BLOCKER_NO_LISTENER, /* a socket, but nothing listens on it */
	PC_BLOCKER_ADDRESS_FAMILY, /* this process may not open such a socket (a sandbox) */
	PC_BLOCKER_FIREWALL, /* the connection was refused by policy (IPAddressDeny=) */
	PC_BLOCKER_UNKNOWN_ADDRESS, /* not an address the probe can try (a host name) */
};

struct pc_link_probe {
	int error; /* the connect's errno; 0: the master accepts connections;
		    * EINPROGRESS: a TCP master that has not answered yet */
	enum pc_link_blocker blocker;
	char path[256]; /* the directory or socket concerned */
	mode_t mode; /* its permission bits */
	char owner[64], group[64]; /* its owner and group, by name when they have one */
	char user[64]; /* who we are: the name of our effective uid */
	bool tcp; /* the address is tcp:HOST:PORT */
};

/* Tries address (a Unix socket path, "unix:PATH", or "tcp:HOST:PORT" with
 * a numeric host) without blocking, and says what stood in the way. */
void pc_link_probe(const char *address, struct pc_link_probe *probe);

/* "Permission denied: the directory /var/agentx (mode 0700, root:root)
 * does not let the user portcomply in; fix: chmod 0755 /var/agentx ...":
 * the error, what refused, and what to do. */
void pc_link_explain(const struct pc_link_probe *probe, char *buf, size_t len);

/* Whether a report is due at the attempt-th failed attempt in a row (1,
 * 2, ...), retrying every interval_s seconds: at attempts 1, 2, 4, 8, ...
 * until an hour's worth of attempts, then once an hour. */
bool pc_link_report_due(unsigned attempt, unsigned interval_s);

/* The next attempt at which a report is due, after attempt. */
unsigned pc_link_next_report(unsigned attempt, unsigned interval_s);

#endif
