/* The asking side of namer_protocol.h, on the poll thread: the collector
 * asks the privileged helper to name its listeners' processes. Its buffer
 * is the call's own. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "collect/namer_client.h"
#include "collect/namer_protocol.h"

_Static_assert(PC_NAMER_NAME_MAX == PC_PROCESS_MAX, "a process name crosses the socket whole");

static struct pc_procmap_stats procmap_stats(const struct pc_namer_stats *s)
{
	struct pc_procmap_stats out = { 0 };
#define COPY_FIELD(field) out.field = s->field;
	PC_PROCMAP_STATS_FIELDS(COPY_FIELD)
#undef COPY_FIELD
	return out;
}

static int wait_readable(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int n;
	do
		n = poll(&p, 1, timeout_ms);
	while (n < 0 && errno == EINTR);
	return n == 1 ? 0 : -1;
}

static int send_request(int fd, const struct pc_snapshot *snap, uint32_t total,
			unsigned char *message)
{
	uint32_t offset = 0;
	do {
		uint32_t count = total - offset > PC_NAMER_CHUNK ? PC_NAMER_CHUNK : total - offset;
		struct pc_namer_request_header h = { PC_NAMER_RESOLVE, total, offset, count };
		memcpy(message, &h, sizeof(h));
		for (uint32_t k = 0; k < count; k++)
			memcpy(message + sizeof(h) + k * sizeof(uint64_t),
			       &snap->listeners[offset + k].inode, sizeof(uint64_t));
		if (pc_namer_send(fd, message, sizeof(h) + count * sizeof(uint64_t)) < 0)
			return -1;
		offset += count;
	} while (offset < total);
	return 0;
}

/* The answer for l, whoever wrote it: the inode it was asked about, a
 * name cut to its size and printable. */
static int take_answer(struct pc_namer_answer *a, struct pc_listener *l)
{
	if (a->inode != l->inode)
		return -1;
	l->pid = a->pid > 0 ? a->pid : 0;
	a->name[PC_NAMER_NAME_MAX - 1] = '\0';
	for (char *c = a->name; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
			*c = '?';
	snprintf(l->process, sizeof(l->process), "%s", l->pid > 0 ? a->name : "");
	return 0;
}

int pc_namer_resolve(int fd, struct pc_snapshot *snap, struct pc_procmap_stats *stats,
		     int timeout_ms)
{
	unsigned char message[PC_NAMER_MESSAGE_MAX];
	size_t n_listeners = snap->n_listeners;
	uint32_t total = n_listeners > PC_NAMER_MAX_INODES ? PC_NAMER_MAX_INODES
							   : (uint32_t)n_listeners;

	memset(stats, 0, sizeof(*stats));
	if (send_request(fd, snap, total, message) < 0)
		return -1;
	uint32_t offset = 0;
	do {
		struct pc_namer_reply_header h;
		if (wait_readable(fd, timeout_ms) < 0)
			return -1;
		ssize_t n = pc_namer_recv(fd, message, sizeof(message));
		if (n < (ssize_t)sizeof(h))
			return -1;
		memcpy(&h, message, sizeof(h));
		if (h.total != total || h.offset != offset || h.count > total - offset ||
		    h.count > PC_NAMER_CHUNK ||
		    (size_t)n != sizeof(h) + h.count * sizeof(struct pc_namer_answer))
			return -1;
		if (offset == 0)
			*stats = procmap_stats(&h.stats);
		for (uint32_t k = 0; k < h.count; k++) {
			struct pc_namer_answer a;
			memcpy(&a, message + sizeof(h) + k * sizeof(a), sizeof(a));
			if (take_answer(&a, &snap->listeners[offset + k]) < 0)
				return -1;
		}
		offset += h.count;
	} while (offset < total);

	stats->unresolved = 0;
	for (size_t i = 0; i < n_listeners; i++)
		if (snap->listeners[i].pid == 0)
			stats->unresolved++;
	return 0;
}
