/* SPDX-License-Identifier: ISC */
/* A connection to the AgentX master that net-snmp closed on our side
 * while the master still held its end (it had stopped answering: stalled,
 * not gone). What we wrote into it is still in the master's stream: it
 * handles it when it resumes, and its answers tell what it delivered. The
 * notifier keeps a duplicate of the socket for that, and reads the answers
 * here, with nothing of net-snmp: the AgentX header is RFC 2741's, 6.1.
 *
 * The connection's end tells the rest: the master closing it having read
 * everything (end of file) leaves nothing to send again; closing it with
 * what we wrote unread (ECONNRESET, Linux's word for a Unix or TCP stream
 * closed with data in its receive queue) says it lost those. */
#ifndef PC_NOTIFY_ORPHAN_H
#define PC_NOTIFY_ORPHAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snmp/notify_queue.h"

/* What the socket of a session that is going down says about the master's
 * end: closed; open, having read everything we wrote (a Unix socket tells,
 * SIOCOUTQ; a TCP one only says what the master's kernel took); or open
 * with some of it unread. */
enum pc_notify_link_fate pc_notify_orphan_fate(int fd);

/* The AgentX Response PDUs at the start of buf (len bytes): answer is
 * called with each one's packetID and res.error; other PDUs are skipped.
 * Returns the bytes of the whole PDUs read, or -1 when buf does not hold
 * AgentX (a header that cannot be one). */
long pc_agentx_responses(const uint8_t *buf, size_t len,
			 void (*answer)(void *context, uint32_t packet, uint16_t error),
			 void *context);

struct pc_notify_orphan {
	int fd; /* -1: none */
	uint32_t session; /* the queue's number of the session it carried */
	uint8_t buf[1024]; /* a PDU begun and not yet whole */
	size_t len;
	int64_t expires_ms; /* unconfirmed past this (monotonic), once the master is back; 0: not yet */
};

/* Reads what the master wrote: each answer settles its orphan in q; an
 * answer to anything else (net-snmp's own requests, written after ours)
 * says the master handled every orphan before it. When the connection ends
 * or every orphan is settled, the rest are settled as the end says (see
 * above) and the descriptor closed: returns true then. */
bool pc_notify_orphan_read(struct pc_notify_orphan *o, struct pc_notify_queue *q);

/* Gives up on it (our shutdown, or room for a newer one): what it still
 * carries was read or will be: never sent again. */
void pc_notify_orphan_close(struct pc_notify_orphan *o, struct pc_notify_queue *q);

#endif
