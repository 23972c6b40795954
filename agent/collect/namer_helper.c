/* SPDX-License-Identifier: ISC */
/* The helper answers with the collector's own procmap, caching included:
 * it keeps one procmap for its whole life, so answers are as cheap as in a
 * single process. It reads the kernel's listening sockets itself
 * (sock_diag, as the collector does; /proc/net when netlink is refused)
 * and names none but those: whoever speaks for the daemon learns nothing
 * about other sockets (a connection, a Unix socket) from a process that
 * may read every other's open files. That dump is made again before an
 * answer whenever an inode asked about is not in the last one, and before
 * each whole request (about once a minute): on a busy host most requests
 * ask about listeners the last dump had, and a dump of 50,000 listeners
 * costs more than naming a share of them. A listener closed since the
 * last dump may still be named then: it was one, and its holders are
 * what they were. Every buffer is this call's own: a test runs helpers
 * on threads, several at once. */
#include "collect/namer_helper.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collect_internal.h"
#include "collect/namer_protocol.h"
#include "collect/procmap.h"

_Static_assert(PC_NAMER_NAME_MAX == PC_PROCESS_MAX, "a process name crosses the socket whole");
_Static_assert(PC_NAMER_HOLDERS == PC_HOLDERS_MAX, "every holder crosses the socket");

int pc_namer_request_take(struct pc_namer_request *r, const void *message, size_t len)
{
	struct pc_namer_request_header h;
	if (len < sizeof(h))
		return -1;
	memcpy(&h, message, sizeof(h));
	if (h.command != PC_NAMER_RESOLVE || h.total > PC_NAMER_MAX_INODES ||
	    h.count > PC_NAMER_CHUNK || (h.flags & ~PC_NAMER_WHOLE) != 0 ||
	    len != sizeof(h) + (size_t)h.count * sizeof(uint64_t))
		return -1;
	if (r->received < r->total) { /* a request under way: its next chunk */
		if (h.id != r->id || h.total != r->total || h.offset != r->received ||
		    h.flags != r->flags)
			return -1;
	} else { /* a new request */
		if (h.offset != 0)
			return -1;
		if (h.total > r->cap) {
			uint64_t *grown = realloc(r->inodes, h.total * sizeof(*grown));
			if (grown == NULL)
				return -1;
			r->inodes = grown;
			r->cap = h.total;
		}
		r->id = h.id;
		r->total = h.total;
		r->flags = h.flags;
		r->received = 0;
	}
	/* Every chunk but an empty request's carries something: a peer
	 * cannot keep the helper reading chunks that lead nowhere. */
	if (h.count > r->total - r->received || (h.count == 0 && r->total > 0))
		return -1;
	if (h.count > 0) /* an empty request may have no array at all */
		memcpy(r->inodes + r->received, (const unsigned char *)message + sizeof(h),
		       h.count * sizeof(uint64_t));
	r->received += h.count;
	return r->received == r->total ? 1 : 0;
}

void pc_namer_request_free(struct pc_namer_request *r)
{
	free(r->inodes);
	memset(r, 0, sizeof(*r));
}

static struct pc_namer_stats wire_stats(const struct pc_procmap_stats *s)
{
	struct pc_namer_stats out = { 0 };
#define COPY_FIELD(field) out.field = s->field;
	PC_PROCMAP_STATS_FIELDS(COPY_FIELD)
#undef COPY_FIELD
	return out;
}

/* What the helper keeps between requests. */
struct helper {
	const struct pc_namer_serve_options *options;
	struct pc_procmap *pm;
	struct pc_sockdiag *sd; /* NULL: not open, or refused */
	struct pc_snapshot listening; /* scratch: the sockets of the last dump */
	bool dumped; /* inodes holds a dump's */
	uint64_t *inodes; /* the listening sockets' inodes, sorted */
	size_t n_inodes, cap_inodes;
	uint64_t *allowed; /* the request's inodes that are listening */
	struct pc_naming_answer *answers; /* the request's, in its order */
	size_t cap_request;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* The inodes of every listening socket now (each socket's own, not only
 * the one a listener row keeps), sorted. 0, or -1 when neither netlink
 * nor /proc/net could be read. */
static int read_listening(struct helper *hp)
{
	const struct pc_namer_serve_options *o = hp->options;
	char err[256], first_bad[256];
	bool read = false;

	pc_snapshot_reset(&hp->listening);
	if (!o->procfs_only) {
		if (hp->sd == NULL)
			hp->sd = pc_sockdiag_open(err, sizeof(err));
		if (hp->sd != NULL && pc_sockdiag_dump_listeners(hp->sd, 1u << PC_TCP_LISTEN,
								 &hp->listening, err,
								 sizeof(err)) == 0) {
			read = true;
		} else {
			/* A dump not read to the end poisons the socket. */
			pc_sockdiag_close(hp->sd);
			hp->sd = NULL;
			pc_snapshot_reset(&hp->listening);
		}
	}
	hp->dumped = false;
	if (!read && pc_procnet_read(o->proc_root, NULL, &hp->listening, first_bad,
				     sizeof(first_bad), err, sizeof(err)) < 0)
		return -1;
	size_t n = hp->listening.n_listeners;
	if (n + 1 > hp->cap_inodes) {
		uint64_t *grown = realloc(hp->inodes, (n + 1) * sizeof(*grown));
		if (grown == NULL)
			return -1;
		hp->inodes = grown;
		hp->cap_inodes = n + 1;
	}
	for (size_t i = 0; i < n; i++)
		hp->inodes[i] = hp->listening.listeners[i].inode;
	hp->n_inodes = n;
	if (n > 1)
		qsort(hp->inodes, n, sizeof(*hp->inodes), cmp_u64);
	hp->dumped = true;
	return 0;
}

static bool is_listening(const struct helper *hp, uint64_t inode)
{
	return inode != 0 && hp->n_inodes > 0 &&
	       bsearch(&inode, hp->inodes, hp->n_inodes, sizeof(inode), cmp_u64) != NULL;
}

static int make_room(struct helper *hp, size_t n)
{
	if (n + 1 <= hp->cap_request)
		return 0;
	uint64_t *allowed = realloc(hp->allowed, (n + 1) * sizeof(*allowed));
	if (allowed == NULL)
		return -1;
	hp->allowed = allowed;
	struct pc_naming_answer *answers = realloc(hp->answers, (n + 1) * sizeof(*answers));
	if (answers == NULL)
		return -1;
	hp->answers = answers;
	hp->cap_request = n + 1;
	return 0;
}

/* The answers to r, in its order: the listening inodes named, the rest
 * refused (or every one unavailable when the listeners cannot be read). */
static int answer(struct helper *hp, const struct pc_namer_request *r,
		  struct pc_procmap_stats *stats)
{
	if (make_room(hp, r->total) < 0)
		return -1;
	memset(stats, 0, sizeof(*stats));
	bool whole = (r->flags & PC_NAMER_WHOLE) != 0;
	bool known = hp->dumped && !whole;
	for (uint32_t i = 0; i < r->total && known; i++)
		known = r->inodes[i] == 0 || is_listening(hp, r->inodes[i]);
	if (!known && read_listening(hp) < 0) {
		for (uint32_t i = 0; i < r->total; i++)
			hp->answers[i] = (struct pc_naming_answer){ .inode = r->inodes[i],
								    .naming = PC_NAMING_UNAVAILABLE };
		stats->unresolved = r->total;
		return 0;
	}
	size_t k = 0;
	for (uint32_t i = 0; i < r->total; i++)
		if (is_listening(hp, r->inodes[i]))
			hp->allowed[k++] = r->inodes[i];
	struct pc_naming_answer *named = hp->answers + (r->total - k);
	if (whole)
		pc_procmap_name(hp->pm, hp->allowed, k, named, stats);
	else
		pc_procmap_name_some(hp->pm, hp->allowed, k, named, stats);
	/* named[] sits at the end of answers[] and is read in step with the
	 * writes, which never overtake it. */
	size_t next = 0;
	for (uint32_t i = 0; i < r->total; i++) {
		if (is_listening(hp, r->inodes[i])) {
			hp->answers[i] = named[next++];
		} else {
			hp->answers[i] = (struct pc_naming_answer){ .inode = r->inodes[i],
								    .naming = PC_NAMER_REFUSED };
			stats->refused++;
			stats->unresolved++;
		}
	}
	return 0;
}

static int send_replies(int fd, const struct pc_namer_request *r, const struct pc_naming_answer *answers,
			const struct pc_procmap_stats *stats)
{
	unsigned char reply[PC_NAMER_REPLY_MAX];
	uint32_t offset = 0;
	do {
		uint32_t count = r->total - offset > PC_NAMER_REPLY_CHUNK ? PC_NAMER_REPLY_CHUNK
									   : r->total - offset;
		struct pc_namer_reply_header h = { .id = r->id, .total = r->total, .offset = offset,
						   .count = count, .stats = wire_stats(stats) };
		memcpy(reply, &h, sizeof(h));
		for (uint32_t k = 0; k < count; k++) {
			const struct pc_naming_answer *a = &answers[offset + k];
			struct pc_namer_answer w = { .inode = a->inode, .naming = a->naming,
						     .n_holders = a->n_holders };
			for (uint8_t j = 0; j < a->n_holders && j < PC_NAMER_HOLDERS; j++) {
				w.holders[j].pid = a->holders[j].pid;
				memcpy(w.holders[j].name, a->holders[j].process, PC_NAMER_NAME_MAX);
			}
			memcpy(reply + sizeof(h) + k * sizeof(w), &w, sizeof(w));
		}
		if (pc_namer_send(fd, reply, sizeof(h) + count * sizeof(struct pc_namer_answer), 0,
				  -1) < 0)
			return -1;
		offset += count;
	} while (offset < r->total);
	return 0;
}

int pc_namer_serve(int fd, const struct pc_namer_serve_options *options)
{
	unsigned char message[PC_NAMER_REQUEST_MAX];
	struct pc_namer_request r = { 0 };
	struct helper hp = { .options = options };
	int rc = -1;

	hp.pm = pc_procmap_new(options->proc_root);
	if (hp.pm == NULL)
		return -1;
	for (;;) {
		ssize_t n = pc_namer_recv(fd, message, sizeof(message), 0, NULL);
		if (n == 0) {
			rc = 0;
			break;
		}
		if (n < 0)
			break;
		int taken = pc_namer_request_take(&r, message, (size_t)n);
		if (taken < 0)
			break;
		if (taken == 0)
			continue;
		struct pc_procmap_stats stats;
		if (answer(&hp, &r, &stats) < 0 || send_replies(fd, &r, hp.answers, &stats) < 0)
			break;
	}
	pc_namer_request_free(&r);
	pc_procmap_free(hp.pm);
	pc_sockdiag_close(hp.sd);
	pc_snapshot_clear(&hp.listening);
	free(hp.inodes);
	free(hp.allowed);
	free(hp.answers);
	return rc;
}
