/* Naming the processes behind listeners across a privilege boundary: the
 * protocol, which both ends include and which includes nothing of theirs.
 *
 * The daemon runs unprivileged (priv.h); reading other users'
 * /proc/PID/fd needs CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH, which only a
 * small helper process keeps. The two talk over a SOCK_SEQPACKET
 * socketpair, and the helper answers exactly one question: "which pid and
 * process name hold these socket inodes?". Nothing else: no paths, no file
 * contents, no commands with arguments beyond inode numbers.
 *
 *   the asking side:  pc_namer_resolve (collect_internal.h), on the poll thread
 *   the helper side:  pc_namer_serve (namer_helper.h), in the helper process
 *
 * Wire format (host byte order: both ends are one binary on one host):
 *   request chunk: pc_namer_request_header { RESOLVE, total, offset, count }
 *                  + count x u64 inode;  total <= PC_NAMER_MAX_INODES,
 *                  count <= PC_NAMER_CHUNK, chunks in order from offset 0.
 *   reply chunk:   pc_namer_reply_header { total, offset, count, stats }
 *                  + count x pc_namer_answer { inode, pid, name },
 *                  in the request's order, pid 0 when unknown.
 * Anything else (unknown command, wrong size, out-of-order offset, a total
 * over the limit) makes the helper close the socket and exit. */
#ifndef PC_NAMER_PROTOCOL_H
#define PC_NAMER_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PC_NAMER_MAX_INODES 65536 /* more listeners than that: the rest stay unnamed */
#define PC_NAMER_CHUNK 512 /* inodes or answers per message: messages stay under 17 KiB */
#define PC_NAMER_NAME_MAX 16 /* a process name and its NUL: the kernel's TASK_COMM_LEN */
#define PC_NAMER_RESOLVE 0x6e616d31u /* "nam1": the one command */

struct pc_namer_request_header {
	uint32_t command; /* PC_NAMER_RESOLVE */
	uint32_t total; /* inodes in the whole request */
	uint32_t offset; /* of this chunk's first inode */
	uint32_t count; /* inodes in this chunk */
};

/* What the helper's last lookup cost and found (the collector's
 * pc_procmap_stats, in fields of fixed width). */
struct pc_namer_stats {
	uint32_t cached, verified, comm_reads, walked_pids, readlinks, denied;
	uint32_t unresolved, owner_denied, owner_absent;
	uint8_t full_walk, walk_deferred, reserved[2];
};

struct pc_namer_reply_header {
	uint32_t total, offset, count, reserved;
	struct pc_namer_stats stats; /* read from the first chunk */
};

struct pc_namer_answer {
	uint64_t inode;
	int32_t pid; /* 0: unknown */
	char name[PC_NAMER_NAME_MAX]; /* NUL-terminated by the asking side, whatever came */
	uint32_t reserved;
};

#define PC_NAMER_REQUEST_MAX \
	(sizeof(struct pc_namer_request_header) + PC_NAMER_CHUNK * sizeof(uint64_t))
#define PC_NAMER_REPLY_MAX \
	(sizeof(struct pc_namer_reply_header) + PC_NAMER_CHUNK * sizeof(struct pc_namer_answer))
/* A buffer for any message of either side. */
#define PC_NAMER_MESSAGE_MAX \
	(PC_NAMER_REPLY_MAX > PC_NAMER_REQUEST_MAX ? PC_NAMER_REPLY_MAX : PC_NAMER_REQUEST_MAX)

/* One whole message into buf: its length, 0 at the peer's close, or -1 on
 * an error or a message longer than max (it is not cut short). */
ssize_t pc_namer_recv(int fd, void *buf, size_t max);

/* One whole message; 0, or -1 (the peer is gone, or the socket failed). */
int pc_namer_send(int fd, const void *buf, size_t len);

#endif
