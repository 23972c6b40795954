/* SPDX-License-Identifier: ISC */
/* The naming helper's side of namer_protocol.h: what the privileged helper
 * process (priv.c) runs for its whole life, and the parser of what the
 * daemon asks (the fuzzer's target too: the daemon parses AgentX, so its
 * requests are not trusted). */
#ifndef PC_NAMER_HELPER_H
#define PC_NAMER_HELPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pc_namer_serve_options {
	const char *proc_root; /* NULL: /proc */
	/* Where the listening sockets are read, to refuse any other inode:
	 * sock_diag, else proc_root's net/{tcp,tcp6,udp,udp6} (false); or
	 * only the latter (true: the unit tests' fixture trees). */
	bool procfs_only;
};

/* Answers requests on fd until the peer closes the socket (returns 0) or
 * breaks the protocol (returns -1). */
int pc_namer_serve(int fd, const struct pc_namer_serve_options *options);

/* A request being received, chunk by chunk. */
struct pc_namer_request {
	uint32_t id, total, received;
	uint32_t flags; /* PC_NAMER_WHOLE or 0 */
	uint64_t *inodes; /* total of them once complete */
	size_t cap;
};

/* Takes one received message: 1 when the request is complete (inodes,
 * total and id say what is asked), 0 when more chunks must follow, -1
 * when the message breaks the protocol. A complete request is forgotten
 * at the next message. */
int pc_namer_request_take(struct pc_namer_request *r, const void *message, size_t len);

void pc_namer_request_free(struct pc_namer_request *r);

#endif
