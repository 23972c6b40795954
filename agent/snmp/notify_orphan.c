/* SPDX-License-Identifier: ISC */
#include "snmp/notify_orphan.h"

#include <errno.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* RFC 2741, 6.1: the header's fields and the Response PDU's type. */
#define AGENTX_HEADER 20
#define AGENTX_VERSION 1
#define AGENTX_RESPONSE 18
#define AGENTX_NETWORK_BYTE_ORDER 0x10
/* A response to a Notify carries no varbind; anything this large is not
 * an answer of a master we know. */
#define AGENTX_PAYLOAD_MAX 65536

enum pc_notify_link_fate pc_notify_orphan_fate(int fd)
{
	uint8_t byte;
	ssize_t n = recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
		return PC_LINK_MASTER_CLOSED; /* end of file, reset, or no socket at all */
	struct sockaddr_storage self;
	socklen_t len = sizeof(self);
	int unread = -1;
	if (getsockname(fd, (struct sockaddr *)&self, &len) == 0 && self.ss_family == AF_UNIX &&
	    ioctl(fd, SIOCOUTQ, &unread) == 0 && unread == 0)
		return PC_LINK_MASTER_READ;
	return PC_LINK_ORPHANED;
}

static uint32_t get32(const uint8_t *p, bool network)
{
	if (network)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint16_t get16(const uint8_t *p, bool network)
{
	return network ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

long pc_agentx_responses(const uint8_t *buf, size_t len,
			 void (*answer)(void *context, uint32_t packet, uint16_t error),
			 void *context)
{
	size_t at = 0;
	while (len - at >= AGENTX_HEADER) {
		const uint8_t *h = buf + at;
		bool network = (h[2] & AGENTX_NETWORK_BYTE_ORDER) != 0;
		uint32_t payload = get32(h + 16, network);
		if (h[0] != AGENTX_VERSION || payload % 4 != 0 || payload > AGENTX_PAYLOAD_MAX)
			return -1;
		if (len - at - AGENTX_HEADER < payload)
			break; /* the rest has not arrived yet */
		/* A response's payload: sysUpTime, res.error, res.index. */
		if (h[1] == AGENTX_RESPONSE && payload >= 8)
			answer(context, get32(h + 12, network), get16(h + AGENTX_HEADER + 4, network));
		at += AGENTX_HEADER + payload;
	}
	return (long)at;
}

struct reading {
	struct pc_notify_queue *queue;
	bool beyond; /* an answer to something sent after the orphans */
};

static void settle(void *context, uint32_t packet, uint16_t error)
{
	struct reading *r = context;
	if (!pc_notify_queue_orphan_answered(r->queue, packet, error != 0))
		r->beyond = true;
}

static size_t orphans_of(const struct pc_notify_queue *q, uint32_t session)
{
	size_t n = 0;
	for (size_t i = 0; i < q->count; i++)
		n += q->items[i].orphaned && q->items[i].session == session;
	return n;
}

static void end(struct pc_notify_orphan *o, struct pc_notify_queue *q, bool lost)
{
	pc_notify_queue_orphans_closed(q, o->session, lost);
	close(o->fd);
	o->fd = -1;
	o->len = 0;
}

bool pc_notify_orphan_read(struct pc_notify_orphan *o, struct pc_notify_queue *q)
{
	for (;;) {
		ssize_t n = recv(o->fd, o->buf + o->len, sizeof(o->buf) - o->len, MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return false;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* Closed having read everything, or with some of it unread. */
			end(o, q, n < 0 && errno == ECONNRESET);
			return true;
		}
		o->len += (size_t)n;
		struct reading r = { .queue = q };
		long used = pc_agentx_responses(o->buf, o->len, settle, &r);
		if (used < 0 || (used == 0 && o->len == sizeof(o->buf)) || r.beyond ||
		    orphans_of(q, o->session) == 0) {
			/* Settled, or past them, or not a master we can follow: what it
			 * was sent stays read. */
			end(o, q, false);
			return true;
		}
		o->len -= (size_t)used;
		memmove(o->buf, o->buf + used, o->len);
	}
}

void pc_notify_orphan_close(struct pc_notify_orphan *o, struct pc_notify_queue *q)
{
	if (o->fd >= 0)
		end(o, q, false);
}
