/* The helper answers with the collector's own procmap, caching included:
 * it keeps one procmap for its whole life, so answers are as cheap as in a
 * single process. Every buffer is this call's own: a test runs helpers on
 * threads, several at once. */
#include "collect/namer_helper.h"

#include <stdbool.h>
#include <string.h>

#include "collect/procmap.h"
#include "collect/namer_protocol.h"

_Static_assert(PC_NAMER_NAME_MAX == PC_PROCESS_MAX, "a process name crosses the socket whole");

static struct pc_namer_stats wire_stats(const struct pc_procmap_stats *s)
{
	struct pc_namer_stats out = { 0 };
#define COPY_FIELD(field) out.field = s->field;
	PC_PROCMAP_STATS_FIELDS(COPY_FIELD)
#undef COPY_FIELD
	return out;
}

static int send_replies(int fd, const struct pc_snapshot *snap,
			const struct pc_procmap_stats *stats)
{
	unsigned char reply[PC_NAMER_REPLY_MAX];
	uint32_t total = (uint32_t)snap->n_listeners, offset = 0;
	do {
		uint32_t count = total - offset > PC_NAMER_CHUNK ? PC_NAMER_CHUNK : total - offset;
		struct pc_namer_reply_header h = {
			.total = total, .offset = offset, .count = count, .stats = wire_stats(stats)
		};
		memcpy(reply, &h, sizeof(h));
		for (uint32_t k = 0; k < count; k++) {
			const struct pc_listener *l = &snap->listeners[offset + k];
			struct pc_namer_answer a = { .inode = l->inode, .pid = l->pid };
			memcpy(a.name, l->process, sizeof(a.name));
			memcpy(reply + sizeof(h) + k * sizeof(a), &a, sizeof(a));
		}
		if (pc_namer_send(fd, reply, sizeof(h) + count * sizeof(struct pc_namer_answer)) < 0)
			return -1;
		offset += count;
	} while (offset < total);
	return 0;
}

int pc_namer_serve(int fd, const char *proc_root)
{
	unsigned char request[PC_NAMER_REQUEST_MAX];
	struct pc_snapshot snap = { 0 };
	uint32_t total = 0, received = 0;
	int rc = -1;

	struct pc_procmap *pm = pc_procmap_new(proc_root);
	if (pm == NULL)
		return -1;
	for (;;) {
		struct pc_namer_request_header h;
		ssize_t n = pc_namer_recv(fd, request, sizeof(request));
		if (n == 0) {
			rc = 0;
			break;
		}
		if (n < (ssize_t)sizeof(h))
			break;
		memcpy(&h, request, sizeof(h));
		if (h.offset == 0)
			total = h.total, received = 0;
		if (h.command != PC_NAMER_RESOLVE || h.total != total ||
		    total > PC_NAMER_MAX_INODES || h.count > PC_NAMER_CHUNK || h.offset != received ||
		    h.count > total - received || (size_t)n != sizeof(h) + h.count * sizeof(uint64_t))
			break;
		if (h.offset == 0)
			pc_snapshot_reset(&snap);
		bool full = false;
		for (uint32_t k = 0; k < h.count && !full; k++) {
			struct pc_listen_socket socket = { 0 };
			memcpy(&socket.inode, request + sizeof(h) + k * sizeof(uint64_t),
			       sizeof(uint64_t));
			full = pc_snapshot_add_listener(&snap, &socket) < 0;
		}
		if (full)
			break;
		received += h.count;
		if (received < total)
			continue;
		struct pc_procmap_stats stats;
		pc_procmap_resolve(pm, &snap, &stats);
		if (send_replies(fd, &snap, &stats) < 0)
			break;
		total = received = 0;
	}
	pc_procmap_free(pm);
	pc_snapshot_clear(&snap);
	return rc;
}
