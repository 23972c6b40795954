/* The "inode -> pid, name" protocol between the unprivileged daemon and
 * its privileged helper (see namer.h for the wire format). The helper
 * reuses collect_procmap.c as it is, caching included: it keeps one procmap for its
 * whole life, so answers are as cheap as in a single process. */
#include "collect/namer.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define NAMER_RESOLVE 0x6e616d31u /* "nam1": the one command */

struct request_header {
	uint32_t command;
	uint32_t total; /* inodes in the whole request */
	uint32_t offset; /* of this chunk's first inode */
	uint32_t count; /* inodes in this chunk */
};

struct answer {
	uint64_t inode;
	int32_t pid;
	char name[PC_PROCESS_MAX];
	uint32_t reserved;
};

struct reply_header {
	uint32_t total, offset, count, reserved;
	struct pc_procmap_stats stats;
};

#define REQUEST_MAX (sizeof(struct request_header) + PC_NAMER_CHUNK * sizeof(uint64_t))
#define REPLY_MAX (sizeof(struct reply_header) + PC_NAMER_CHUNK * sizeof(struct answer))

/* One whole message, or -1: longer than max (MSG_TRUNC tells), an error,
 * or 0 at the peer's close. */
static ssize_t recv_message(int fd, void *buf, size_t max)
{
	for (;;) {
		ssize_t n = recv(fd, buf, max, MSG_TRUNC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n > (ssize_t)max)
			return -1;
		return n;
	}
}

static int send_message(int fd, const void *buf, size_t len)
{
	for (;;) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		return n == (ssize_t)len ? 0 : -1;
	}
}

static int send_replies(int fd, const struct pc_snapshot *snap,
			const struct pc_procmap_stats *stats)
{
	static unsigned char buf[REPLY_MAX];
	uint32_t total = (uint32_t)snap->n_listeners, offset = 0;
	do {
		uint32_t count = total - offset > PC_NAMER_CHUNK ? PC_NAMER_CHUNK : total - offset;
		struct reply_header h = { .total = total, .offset = offset, .count = count,
					  .stats = *stats };
		memcpy(buf, &h, sizeof(h));
		for (uint32_t k = 0; k < count; k++) {
			const struct pc_listener *l = &snap->listeners[offset + k];
			struct answer a = { .inode = l->inode, .pid = l->pid };
			memcpy(a.name, l->process, sizeof(a.name));
			memcpy(buf + sizeof(h) + k * sizeof(a), &a, sizeof(a));
		}
		if (send_message(fd, buf, sizeof(h) + count * sizeof(struct answer)) < 0)
			return -1;
		offset += count;
	} while (offset < total);
	return 0;
}

int pc_namer_serve(int fd, const char *proc_root)
{
	static unsigned char buf[REQUEST_MAX];
	struct pc_snapshot snap = { 0 };
	uint32_t total = 0, received = 0;
	int rc = -1;

	struct pc_procmap *pm = pc_procmap_new(proc_root);
	if (pm == NULL)
		return -1;
	for (;;) {
		struct request_header h;
		ssize_t n = recv_message(fd, buf, sizeof(buf));
		if (n == 0) {
			rc = 0;
			break;
		}
		if (n < (ssize_t)sizeof(h))
			break;
		memcpy(&h, buf, sizeof(h));
		if (h.offset == 0)
			total = h.total, received = 0;
		if (h.command != NAMER_RESOLVE || h.total != total || total > PC_NAMER_MAX_INODES ||
		    h.count > PC_NAMER_CHUNK || h.offset != received || h.count > total - received ||
		    (size_t)n != sizeof(h) + h.count * sizeof(uint64_t))
			break;
		if (h.offset == 0)
			pc_snapshot_reset(&snap);
		bool full = false;
		for (uint32_t k = 0; k < h.count && !full; k++) {
			struct pc_listen_socket socket = { 0 };
			memcpy(&socket.inode, buf + sizeof(h) + k * sizeof(uint64_t), sizeof(uint64_t));
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

static int wait_readable(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int n;
	do
		n = poll(&p, 1, timeout_ms);
	while (n < 0 && errno == EINTR);
	return n == 1 ? 0 : -1;
}

int pc_namer_resolve(int fd, struct pc_snapshot *snap, struct pc_procmap_stats *stats,
		     int timeout_ms)
{
	static unsigned char buf[REPLY_MAX > REQUEST_MAX ? REPLY_MAX : REQUEST_MAX];
	size_t n_listeners = snap->n_listeners;
	uint32_t total = n_listeners > PC_NAMER_MAX_INODES ? PC_NAMER_MAX_INODES
							   : (uint32_t)n_listeners;

	memset(stats, 0, sizeof(*stats));
	uint32_t offset = 0;
	do {
		uint32_t count = total - offset > PC_NAMER_CHUNK ? PC_NAMER_CHUNK : total - offset;
		struct request_header h = { NAMER_RESOLVE, total, offset, count };
		memcpy(buf, &h, sizeof(h));
		for (uint32_t k = 0; k < count; k++)
			memcpy(buf + sizeof(h) + k * sizeof(uint64_t),
			       &snap->listeners[offset + k].inode, sizeof(uint64_t));
		if (send_message(fd, buf, sizeof(h) + count * sizeof(uint64_t)) < 0)
			return -1;
		offset += count;
	} while (offset < total);

	offset = 0;
	do {
		struct reply_header h;
		if (wait_readable(fd, timeout_ms) < 0)
			return -1;
		ssize_t n = recv_message(fd, buf, sizeof(buf));
		if (n < (ssize_t)sizeof(h))
			return -1;
		memcpy(&h, buf, sizeof(h));
		if (h.total != total || h.offset != offset || h.count > total - offset ||
		    h.count > PC_NAMER_CHUNK || (size_t)n != sizeof(h) + h.count * sizeof(struct answer))
			return -1;
		if (offset == 0)
			*stats = h.stats;
		for (uint32_t k = 0; k < h.count; k++) {
			struct answer a;
			memcpy(&a, buf + sizeof(h) + k * sizeof(a), sizeof(a));
			struct pc_listener *l = &snap->listeners[offset + k];
			if (a.inode != l->inode)
				return -1;
			l->pid = a.pid > 0 ? a.pid : 0;
			a.name[PC_PROCESS_MAX - 1] = '\0';
			/* Printable only, whoever wrote it. */
			for (char *c = a.name; *c != '\0'; c++)
				if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
					*c = '?';
			snprintf(l->process, sizeof(l->process), "%s", l->pid > 0 ? a.name : "");
		}
		offset += h.count;
	} while (offset < total);

	stats->unresolved = 0;
	for (size_t i = 0; i < n_listeners; i++)
		if (snap->listeners[i].pid == 0)
			stats->unresolved++;
	return 0;
}
