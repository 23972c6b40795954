/* Naming the processes behind listeners across a privilege boundary.
 *
 * The daemon's SNMP side runs unprivileged (priv.c); reading other users'
 * /proc/PID/fd needs CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH, which only a
 * small helper process keeps. The two talk over a SOCK_SEQPACKET
 * socketpair, and the helper answers exactly one question: "which pid and
 * process name hold these socket inodes?". Nothing else: no paths, no
 * file contents, no commands with arguments beyond inode numbers.
 *
 * Wire format (host byte order: both ends are one binary on one host):
 *   request chunk: header { command = RESOLVE, total, offset, count } +
 *                  count x u64 inode;  total <= PC_NAMER_MAX_INODES,
 *                  count <= PC_NAMER_CHUNK, chunks in order from offset 0.
 *   reply chunk:   header { total, offset, count, stats } +
 *                  count x { u64 inode, i32 pid, char name[16] },
 *                  in the request's order, pid 0 when unknown.
 * Anything else (unknown command, wrong size, out-of-order offset, a total
 * over the limit) makes the helper close the socket and exit. */
#ifndef PC_NAMER_H
#define PC_NAMER_H

#include <stdint.h>

#include "collect/collect_internal.h"
#include "core/snapshot.h"

#define PC_NAMER_MAX_INODES 65536 /* more listeners than that: the rest stay unnamed */
#define PC_NAMER_CHUNK 512 /* inodes or answers per message: messages stay under 16 KiB */

/* The helper's side: answers requests on fd with a procmap over proc_root
 * (NULL: /proc) until the peer closes the socket (returns 0) or breaks the
 * protocol (returns -1). */
int pc_namer_serve(int fd, const char *proc_root);

/* The asking side: fills pid and process of snap's listeners (a finished
 * snapshot), like pc_procmap_resolve. Returns 0, or -1 when the helper is
 * gone or misbehaves: the caller then names what it can itself. Waits at
 * most timeout_ms for each reply message. */
int pc_namer_resolve(int fd, struct pc_snapshot *snap, struct pc_procmap_stats *stats,
		     int timeout_ms);

#endif
