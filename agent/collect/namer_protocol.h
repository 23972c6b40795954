/* SPDX-License-Identifier: ISC */
/* Naming the processes behind listeners across a privilege boundary: the
 * protocol, which both ends include and which includes nothing of theirs.
 *
 * The daemon runs unprivileged (priv.h); reading other users'
 * /proc/PID/fd needs CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH, which only
 * two small processes keep: a monitor, which starts naming helpers when
 * the daemon asks (after one died), and the helper, which answers exactly
 * one question: "which processes hold these listening sockets?". Nothing
 * else: no paths, no file contents, no commands with arguments beyond
 * inode numbers, and no answer about a socket that is not a listener of
 * the helper's own dump of the kernel's listeners (made again whenever it
 * is asked about an inode the last one did not have, and for each whole
 * request: about once a minute while anything is asked).
 *
 * The daemon asks only about some of a busy host's listeners on most
 * passes (namer_thread.c says which); the helper's procmap keeps what it
 * knows of the others. A request flagged PC_NAMER_WHOLE names every
 * listener, which the helper asks for (stats.whole_due) when its periodic
 * full walk is due.
 *
 *   the asking side:  namer_client.h (the messages), namer_thread.h (the
 *                     naming thread, which never lets the poll wait)
 *   the helper side:  pc_namer_serve (namer_helper.h), in the helper process
 *   the monitor:      priv.c, forked before the daemon drops root
 *
 * Wire format (host byte order: both ends are one binary on one host),
 * each message one SOCK_SEQPACKET datagram:
 *   request chunk: pc_namer_request_header { RESOLVE, id, total, offset, count, flags }
 *                  + count x u64 inode;  total <= PC_NAMER_MAX_INODES,
 *                  count <= PC_NAMER_CHUNK, chunks in order from offset 0.
 *   reply chunk:   pc_namer_reply_header { id, total, offset, count, stats }
 *                  + count x pc_namer_answer, in the request's order.
 * Anything else (unknown command, wrong size, out-of-order offset, a total
 * over the limit) makes the helper close the socket and exit; a reply that
 * is not the answer to the question asked makes the daemon drop that
 * helper and start another.
 *   monitor:       pc_namer_spawn_request { SPAWN } -> pc_namer_spawn_reply
 *                  { error, pid }, with the new helper's socket attached
 *                  (SCM_RIGHTS) when error is 0. */
#ifndef PC_NAMER_PROTOCOL_H
#define PC_NAMER_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PC_NAMER_MAX_INODES 65536 /* more listeners than that: the rest are not named */
#define PC_NAMER_CHUNK 512 /* inodes per request message: 4 KiB */
#define PC_NAMER_REPLY_CHUNK 96 /* answers per reply message: under 17 KiB */
#define PC_NAMER_NAME_MAX 16 /* a process name and its NUL: the kernel's TASK_COMM_LEN */
#define PC_NAMER_HOLDERS 8 /* distinct programs per answer */
#define PC_NAMER_RESOLVE 0x6e616d33u /* "nam3": the helper's one command */
#define PC_NAMER_WHOLE 1u /* request flag: these are every listener (procmap's whole pass) */
#define PC_NAMER_SPAWN 0x73706e31u /* "spn1": the monitor's one command */

/* An answer's naming: enum pc_naming's values, and this one, which only
 * the wire knows: the inode is not a listening socket now. */
#define PC_NAMER_REFUSED 0

struct pc_namer_request_header {
	uint32_t command; /* PC_NAMER_RESOLVE */
	uint32_t id; /* the asking side's number for this request */
	uint32_t total; /* inodes in the whole request */
	uint32_t offset; /* of this chunk's first inode */
	uint32_t count; /* inodes in this chunk */
	uint32_t flags; /* PC_NAMER_WHOLE or 0, the same in every chunk */
};

/* What the helper's last lookup cost and found (the collector's
 * pc_procmap_stats, in fields of fixed width). */
struct pc_namer_stats {
	uint32_t cached, verified, comm_reads, walked_pids, readlinks, denied;
	uint32_t unresolved, owner_denied, owner_absent, partial, refused;
	uint8_t full_walk, find_walk, walk_deferred, whole_due;
};

struct pc_namer_reply_header {
	uint32_t id; /* the request's */
	uint32_t total, offset, count;
	struct pc_namer_stats stats; /* read from the first chunk */
};

struct pc_namer_holder {
	int32_t pid;
	char name[PC_NAMER_NAME_MAX]; /* NUL-terminated by the asking side, whatever came */
};

struct pc_namer_answer {
	uint64_t inode;
	uint8_t naming; /* enum pc_naming, or PC_NAMER_REFUSED */
	uint8_t n_holders; /* <= PC_NAMER_HOLDERS */
	uint8_t reserved[6];
	struct pc_namer_holder holders[PC_NAMER_HOLDERS];
};

struct pc_namer_spawn_request {
	uint32_t command; /* PC_NAMER_SPAWN */
};

struct pc_namer_spawn_reply {
	int32_t error; /* 0, or the errno that stopped the monitor */
	int32_t pid; /* the new helper's */
};

#define PC_NAMER_REQUEST_MAX \
	(sizeof(struct pc_namer_request_header) + PC_NAMER_CHUNK * sizeof(uint64_t))
#define PC_NAMER_REPLY_MAX \
	(sizeof(struct pc_namer_reply_header) + \
	 PC_NAMER_REPLY_CHUNK * sizeof(struct pc_namer_answer))
/* A buffer for any message of either side. */
#define PC_NAMER_MESSAGE_MAX \
	(PC_NAMER_REPLY_MAX > PC_NAMER_REQUEST_MAX ? PC_NAMER_REPLY_MAX : PC_NAMER_REQUEST_MAX)

/* One whole message into buf: its length, 0 at the peer's close, or -1 on
 * an error (errno; EAGAIN with MSG_DONTWAIT when none waits) or a message
 * longer than max (EMSGSIZE: it is not cut short). A descriptor attached
 * to it goes to *passed_fd (close-on-exec) when passed_fd is not NULL, and
 * is closed otherwise; *passed_fd is -1 when none came. */
ssize_t pc_namer_recv(int fd, void *buf, size_t max, int flags, int *passed_fd);

/* One whole message, with pass_fd attached unless it is -1; 0, or -1
 * (errno: EAGAIN with MSG_DONTWAIT when the socket is full; EPIPE or
 * ECONNRESET when the peer is gone). */
int pc_namer_send(int fd, const void *buf, size_t len, int flags, int pass_fd);

#endif
