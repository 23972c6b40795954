/* SPDX-License-Identifier: ISC */
/* The asking side's messages of the naming helper's protocol
 * (namer_protocol.h): a request's chunks, and the parser of the replies
 * (the fuzzer's target too: a helper that misbehaves must not corrupt the
 * daemon). The naming thread (namer_thread.h) does the talking. */
#ifndef PC_NAMER_CLIENT_H
#define PC_NAMER_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "collect/procmap.h"

/* Chunk number `offset / PC_NAMER_CHUNK` of request id over total inodes
 * with flags (PC_NAMER_WHOLE or 0), into buf (PC_NAMER_REQUEST_MAX bytes).
 * Returns its length. */
size_t pc_namer_request_chunk(uint32_t id, const uint64_t *inodes, uint32_t total,
			      uint32_t offset, uint32_t flags, unsigned char *buf);

/* The reply to one request, being received. */
struct pc_namer_reply {
	uint32_t id; /* the request's */
	const uint64_t *asked; /* its inodes, in order */
	uint32_t total;
	uint32_t received;
	struct pc_naming_answer *answers; /* total of them, the caller's */
	struct pc_procmap_stats stats;
};

/* Takes one received message: 1 when the reply is complete (answers[i]
 * answers asked[i]; a refused inode is pending, counted in
 * stats.refused), 0 when more chunks must follow, -1 when the message is
 * not part of this reply (wrong id, size or order, another inode, a
 * naming or holder count out of range). Names come out NUL-terminated and
 * printable, pids positive. */
int pc_namer_reply_take(struct pc_namer_reply *r, const void *message, size_t len);

#endif
