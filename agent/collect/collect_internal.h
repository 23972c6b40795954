/* SPDX-License-Identifier: ISC */
/* The collector's parts, for collect.c, the unit tests and the bench; the
 * rest of the daemon uses collect.h only.
 *
 *   sockdiag: the netlink (NETLINK_SOCK_DIAG) dump socket, its requests and
 *             the pure parser of the replies (tests feed it recorded dumps)
 *   events:   the destroy-event subscription, with its kernel-side filter
 *   procnet:  the /proc/net/{tcp,tcp6,udp,udp6} reader and its line parser
 * and, in headers of their own, procmap.h (inode -> pid and process name,
 * by walking /proc/PID/fd) and namer_client.h (the same, asked of the
 * privileged helper). */
#ifndef PC_COLLECT_INTERNAL_H
#define PC_COLLECT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/netlink.h>

#include "core/snapshot.h"
#include "util/transport.h"

/* Kernel TCP states (include/net/tcp_states.h), as sock_diag and /proc/net
 * report them. UDP uses ESTABLISHED for connected and CLOSE for unconnected. */
enum {
	PC_TCP_ESTABLISHED = 1,
	PC_TCP_CLOSE = 7,
	PC_TCP_LISTEN = 10,
};

/* ---- sock_diag dump ---------------------------------------------------- */

/* What a dump's sockets become in the snapshot. */
enum pc_dump_kind {
	PC_DUMP_LISTENERS, /* local endpoint -> snap->listeners */
	PC_DUMP_CONNECTIONS, /* remote endpoint -> snap->connections */
};

enum pc_dump_status {
	PC_DUMP_MORE = 0, /* the buffer ended before NLMSG_DONE: receive more */
	PC_DUMP_DONE = 1, /* NLMSG_DONE seen: the dump is complete */
	PC_DUMP_FAILED = -1, /* the kernel answered with an error (in *kernel_errno) */
	PC_DUMP_NOMEM = -2, /* the snapshot could not grow */
};

/* One data message of a dump (not DONE, ERROR or NOOP): PC_DUMP_MORE to go
 * on, anything else to stop with that status. */
typedef enum pc_dump_status (*pc_dump_message_fn)(const struct nlmsghdr *nlh, void *ctx);

/* One received buffer of a dump: DONE ends it (a negative status in it
 * fails it), an ERROR other than an acknowledgement fails it, every other
 * message of sequence seq (0: any) goes to message(). A message whose
 * length cannot be trusted drops the rest of the buffer, counted once in
 * snap->errors, as is a trailing fragment. */
enum pc_dump_status pc_dump_parse(const void *buf, size_t len, uint32_t seq,
				  struct pc_snapshot *snap, int *kernel_errno,
				  pc_dump_message_fn message, void *ctx);

/* Parse one received buffer of a dump (one datagram, or several
 * concatenated, as recorded fixtures are; 4-byte aligned, as netlink
 * messages are). Messages whose sequence number
 * is not seq are leftovers of an earlier, abandoned dump and are ignored
 * (seq 0 accepts any). A message too short for its header, a socket of
 * another family, or a family-inconsistent record is skipped and counted in
 * snap->errors; parsing continues with the next message when its length can
 * be trusted, else the rest of the buffer is dropped (and counted once). */
enum pc_dump_status pc_sockdiag_parse(const void *buf, size_t len, uint32_t seq, uint8_t proto,
				      enum pc_dump_kind kind, struct pc_snapshot *snap,
				      int *kernel_errno);

struct pc_sockdiag;

/* Called with every datagram a dump receives (the fixture recorder uses it). */
typedef void (*pc_sockdiag_tap)(void *ctx, int family, uint8_t proto, const void *buf,
				size_t len);

/* Opens the dump socket. NULL with the reason in err (errno kept). */
struct pc_sockdiag *pc_sockdiag_open(char *err, size_t errlen);
void pc_sockdiag_close(struct pc_sockdiag *sd);
void pc_sockdiag_set_tap(struct pc_sockdiag *sd, pc_sockdiag_tap tap, void *ctx);

/* One dump of family x proto with the kernel-side state filter `states`
 * (a mask of 1 << state) and, optionally, bytecode (INET_DIAG_REQ_BYTECODE).
 * Appends to snap (does not finish it). 0, or -1 with err (errno set). */
int pc_sockdiag_dump(struct pc_sockdiag *sd, int family, uint8_t proto, uint32_t states,
		     const void *bytecode, size_t bytecode_len, enum pc_dump_kind kind,
		     struct pc_snapshot *snap, char *err, size_t errlen);

/* All listeners: TCP in LISTEN, UDP in CLOSE, AF_INET and AF_INET6. The
 * bench passes other TCP state masks to show what a wider filter costs;
 * the collector always passes 1 << PC_TCP_LISTEN. */
int pc_sockdiag_dump_listeners(struct pc_sockdiag *sd, uint32_t tcp_states,
			       struct pc_snapshot *snap, char *err, size_t errlen);

/* Established TCP connections whose remote port is one of ports, filtered
 * by the kernel, counted by remote endpoint into snap->connections. */
int pc_sockdiag_dump_connections(struct pc_sockdiag *sd, const uint16_t *ports, size_t n,
				 struct pc_snapshot *snap, char *err, size_t errlen);

/* The inet_diag bytecode that accepts a socket whose remote port is one of
 * ports (an OR chain of D_EQ tests). Returns its length in bytes, or 0 when
 * it does not fit in cap bytes (or n is 0). */
size_t pc_sockdiag_port_bytecode(const uint16_t *ports, size_t n, void *buf, size_t cap);

/* ---- interfaces and addresses (collect_links.c) ----------------------- */

struct pc_links;

/* Opens the NETLINK_ROUTE socket. NULL with the reason in err. */
struct pc_links *pc_links_open(char *err, size_t errlen);
void pc_links_close(struct pc_links *lk);

/* RTM_GETLINK then RTM_GETADDR into snap->interfaces and snap->addresses;
 * sets snap->interfaces_known. 0, or -1 with err. */
int pc_links_dump(struct pc_links *lk, struct pc_snapshot *snap, char *err, size_t errlen);

/* The same from getifaddrs(), for when rtnetlink is refused. */
int pc_links_read_ifaddrs(struct pc_snapshot *snap, char *err, size_t errlen);

/* Pure: one received buffer of a link or address dump (tests feed it
 * hand-made messages). Statuses as pc_sockdiag_parse's. */
enum pc_dump_status pc_links_parse(const void *buf, size_t len, uint32_t seq,
				   struct pc_snapshot *snap, int *kernel_errno);

/* ---- destroy events ---------------------------------------------------- */

struct pc_events;

/* Subscribes to the four destroy groups. NULL with err when refused. */
struct pc_events *pc_events_open(char *err, size_t errlen);
void pc_events_close(struct pc_events *ev);
int pc_events_fd(const struct pc_events *ev);
/* Which local ports matter (n == 0: any); re-attaches the kernel filter. */
int pc_events_set_ports(struct pc_events *ev, const uint16_t *ports, size_t n);
/* Drains the socket; true when an event concerned a watched listener or
 * events were lost (the receive queue overflowed), i.e. poll now. */
bool pc_events_read(struct pc_events *ev);

/* Pure: does this buffer of destroy messages hold one about a listener (a
 * socket without a remote port) on a watched local port? */
bool pc_events_parse(const void *buf, size_t len, const struct pc_port_set *watch);

/* ---- /proc/net --------------------------------------------------------- */

/* One parsed line of /proc/net/{tcp,tcp6,udp,udp6}. */
struct pc_procnet_entry {
	uint8_t local_addr[16]; /* network byte order; 4 bytes used for AF_INET */
	uint16_t local_port;
	uint8_t remote_addr[16];
	uint16_t remote_port;
	uint8_t state;
	uint32_t uid;
	uint64_t inode;
};

/* Parse one data line. family says how long the addresses are. 0, or -1
 * when the line is malformed. */
int pc_procnet_parse_line(const char *line, int family, struct pc_procnet_entry *out);

/* Reads the four files under proc_root ("/proc" when NULL) into snap:
 * listeners always, and established TCP connections whose remote port is in
 * connect_ports when that is not NULL. Malformed lines are skipped and
 * counted in snap->errors; the first one is described ("FILE:LINE: ...")
 * in first_bad (else ""), for the caller to log. A missing tcp6 or udp6
 * (IPv6 disabled) is not an error; a missing tcp or udp is. 0, or -1 with
 * err. */
int pc_procnet_read(const char *proc_root, const struct pc_port_set *connect_ports,
		    struct pc_snapshot *snap, char *first_bad, size_t first_bad_len, char *err,
		    size_t errlen);

/* Decides dual-stack vs v6-only for IPv6 wildcard listeners read from
 * /proc, which does not say (see procnet.c). Call before finishing. */
void pc_procnet_guess_v6only(struct pc_snapshot *snap, bool bindv6only_default);

/* ---- the ports the kernel hands out by itself (snapshot.h, pc_ephemeral) */

struct pc_ephemeral_ports {
	uint16_t first, last; /* net.ipv4.ip_local_port_range, inclusive */
	uint64_t reserved[65536 / 64]; /* net.ipv4.ip_local_reserved_ports, a bit a port */
};

/* "32768\t60999\n" (the sysctl's text) -> first, last. 0, or -1 when it is
 * not two ports with first <= last. */
int pc_procnet_parse_port_range(const char *text, uint16_t *first, uint16_t *last);

/* "" or "8080,9148-9149\n" (the sysctl's text): the bits of those ports
 * set in reserved, every other bit cleared. 0, or -1 when malformed. */
int pc_procnet_parse_reserved_ports(const char *text, uint64_t reserved[65536 / 64]);

/* Both files under proc_root ("/proc" when NULL)/sys/net/ipv4: the
 * network namespace's own. A missing ip_local_reserved_ports reserves
 * nothing. 0, or -1 with err. */
int pc_procnet_read_ephemeral(const char *proc_root, struct pc_ephemeral_ports *out, char *err,
			      size_t errlen);

/* Sets every row's ephemeral from ports (NULL: the range is unknown);
 * call on a finished snapshot. */
void pc_procnet_mark_ephemeral(struct pc_snapshot *snap, const struct pc_ephemeral_ports *ports);

#endif
