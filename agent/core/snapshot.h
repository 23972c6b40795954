/* SPDX-License-Identifier: ISC */
/* What one poll of the socket tables saw: plain data, no netlink, no net-snmp.
 *
 * Addresses follow RFC 4022 (TCP-MIB tcpListenerTable) so that the MIB can
 * serve them as they are: a dual-stack wildcard socket is type unknown with
 * a zero-length address, a v4-only or v6-only wildcard is 0.0.0.0 or ::. */
#ifndef PC_SNAPSHOT_H
#define PC_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "util/transport.h" /* an endpoint's protocol by name; port lists */

/* InetAddressType values (RFC 4001). A socket bound to a device
 * (SO_BINDTODEVICE, or a link-local IPv6 address, which binds to its zone)
 * has a zoned address: the address followed by the interface index as its
 * 4-byte zone (network order). The device is part of what the listener is:
 * 0.0.0.0:80 and 0.0.0.0%eth1:80 are two rows. */
enum pc_inet_type {
	PC_INET_UNKNOWN = 0, /* dual-stack wildcard: every IPv4 and IPv6 address */
	PC_INET_IPV4 = 1,
	PC_INET_IPV6 = 2,
	PC_INET_IPV4Z = 3, /* IPv4 + zone: bound to a device */
	PC_INET_IPV6Z = 4, /* IPv6 + zone: bound to a device (or link-local) */
};

/* Where a snapshot came from; the values are pcPollSource's. */
enum pc_poll_source {
	PC_SOURCE_NONE = 0, /* no poll completed yet */
	PC_SOURCE_NETLINK = 1,
	PC_SOURCE_PROCFS = 2,
};

/* Where a UDP socket's port lies among the ports the kernel hands out by
 * itself (to a socket bound to port 0, or sending before any bind):
 * net.ipv4.ip_local_port_range, which IPv6 sockets use too, minus
 * net.ipv4.ip_local_reserved_ports (the kernel's
 * Documentation/networking/ip-sysctl.rst). A port outside that range, or a
 * reserved one, comes only from a bind() that names it; one inside may be
 * a client's. core/listener_rule.h decides from this which UDP sockets are
 * listeners. */
enum pc_ephemeral {
	PC_EPHEMERAL_NOT_UDP = 0, /* a TCP row: not asked */
	PC_EPHEMERAL_UNKNOWN, /* the range could not be read */
	PC_EPHEMERAL_OUTSIDE, /* outside the range */
	PC_EPHEMERAL_RESERVED, /* inside, but reserved: never handed out */
	PC_EPHEMERAL_INSIDE, /* inside and not reserved */
};

#define PC_ADDR_MAX 20
#define PC_PROCESS_MAX 16 /* the kernel's TASK_COMM_LEN */
#define PC_USER_MAX 33 /* a user name of up to 32 characters (useradd's limit) */
#define PC_IFNAME_MAX 16 /* the kernel's IFNAMSIZ */
/* Distinct programs kept per listener: a socket that more programs than
 * that hold (beyond a supervisor, a service and its workers) keeps the
 * lowest pid of each of the first ones by pid. */
#define PC_HOLDERS_MAX 8

/* How far naming processes got with one listener; the values are
 * pcListenerNaming's (collect/ fills it; 0 only in snapshots nobody named,
 * hand-made ones, where a non-zero pid counts as complete). */
enum pc_naming {
	PC_NAMING_UNSET = 0,
	PC_NAMING_COMPLETE = 1, /* every program holding it is known */
	PC_NAMING_PARTIAL = 2, /* some holder is known; a walk of every process is due */
	PC_NAMING_PENDING = 3, /* no naming pass has looked for it yet */
	PC_NAMING_NOT_FOUND = 4, /* every process was read: none holds it (a kernel socket) */
	PC_NAMING_DENIED = 5, /* not found, and some processes could not be read */
	PC_NAMING_UNAVAILABLE = 6, /* naming does not answer (pc_naming_status says why) */
	PC_NAMING_OFF = 7, /* resolve-processes is off */
};

/* The naming of processes as a whole; the values are pcNamingStatus's. */
enum pc_naming_health {
	PC_NAMING_HEALTH_UNSET = 0,
	PC_NAMING_WORKING = 1, /* names every process (the helper, or root itself) */
	PC_NAMING_DEGRADED = 2, /* the helper does not answer, or is being restarted */
	PC_NAMING_LIMITED = 3, /* runs without privilege: other users' processes stay unnamed */
	PC_NAMING_HEALTH_OFF = 4, /* resolve-processes is off */
};

/* "complete", "working": as the MIB spells them; NULL for no value. */
const char *pc_naming_name(enum pc_naming naming);
const char *pc_naming_health_name(enum pc_naming_health health);

#define PC_NAMING_REASON_MAX 160

struct pc_naming_status {
	uint8_t health; /* enum pc_naming_health */
	char reason[PC_NAMING_REASON_MAX]; /* why it is degraded or limited; "" when working */
	uint32_t restarts; /* naming helpers started after the first */
};

/* One process holding a listening socket. */
struct pc_holder {
	int32_t pid;
	char process[PC_PROCESS_MAX]; /* "" when its name could not be read */
};

/* One local endpoint, in MIB index order: protocol, type, address, port. */
struct pc_endpoint {
	uint8_t proto; /* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t addr_type; /* enum pc_inet_type */
	uint8_t addr_len; /* 0, 4, 16 or 20, fixed by addr_type */
	uint8_t addr[PC_ADDR_MAX];
	uint16_t port;
};

/* One listening socket as a collector saw it: one sock_diag message, one
 * /proc/net line. Collectors fill it by field name and hand it to
 * pc_snapshot_add_listener, so a new field the kernel reports touches the
 * collectors that read it, this record, the row below and the snapshot's
 * folding, and no caller that does not care about it. */
struct pc_listen_socket {
	struct pc_endpoint local;
	uint64_t inode; /* 0: unknown (the socket cannot be told apart) */
	uint32_t uid; /* the socket's owner (sock_diag idiag_uid, /proc/net's uid) */
	bool v6only; /* IPv6 sockets: IPV6_V6ONLY, as sock_diag says (/proc cannot) */
};

/* One row of the listener table: every socket bound to the same endpoint. */
struct pc_listener {
	struct pc_endpoint local;
	uint32_t sockets; /* how many sockets were folded into this row (>= 1) */
	uint64_t inode; /* one of the sockets' inodes, for process resolution */
	int32_t pid; /* 0 when unknown or not resolved */
	char process[PC_PROCESS_MAX]; /* "" when unknown */
	uint32_t uid; /* the owner of the socket whose inode is kept */
	bool uids_differ; /* the row's sockets belong to more than one user */
	char user[PC_USER_MAX]; /* uid's name, "" when it has none (or a longer one) */
	/* IPv6 sockets: IPV6_V6ONLY. Only a device-bound "::" needs it (its
	 * zoned address cannot say "dual-stack" as type unknown does). */
	bool v6only;
	/* UDP rows: enum pc_ephemeral, set by the collector once the rows
	 * are folded (PC_EPHEMERAL_NOT_UDP, 0, until then and for TCP). */
	uint8_t ephemeral;
	/* Naming: how far it got (enum pc_naming), and every distinct program
	 * found holding the socket, lowest pid first, as n_holders entries of
	 * the snapshot's holders from holders_at; pid and process above are
	 * the first of them. */
	uint8_t naming;
	uint8_t n_holders;
	uint32_t holders_at;
};

/* One network interface of the host, as the collector saw it. */
struct pc_interface {
	uint32_t index;
	char name[PC_IFNAME_MAX];
	bool up; /* IFF_UP: administratively up */
	bool loopback; /* IFF_LOOPBACK */
};

/* One address configured on the host (RTM_GETADDR / getifaddrs). */
struct pc_host_address {
	uint8_t type; /* PC_INET_IPV4 or PC_INET_IPV6 */
	uint8_t addr[16]; /* network order; 4 bytes used for IPv4 */
	uint32_t ifindex;
};

/* A device-bound listener's interface, as the MIB's pcListenerDeviceStatus
 * says it (values are the MIB's). */
enum pc_device_status {
	PC_DEVICE_NONE = 1, /* not bound to a device */
	PC_DEVICE_UP = 2,
	PC_DEVICE_DOWN = 3,
	PC_DEVICE_ABSENT = 4, /* no such interface (any more), or not known */
};

/* Established TCP connections to one remote endpoint (for "connect" rules). */
struct pc_connection {
	struct pc_endpoint remote;
	uint32_t count;
};

struct pc_snapshot {
	struct pc_listener *listeners; /* sorted by pc_endpoint_cmp, no duplicates */
	size_t n_listeners, cap_listeners;
	struct pc_connection *connections; /* sorted, folded like listeners */
	size_t n_connections, cap_connections;
	/* The host's interfaces and addresses, for judging whether remote
	 * peers can reach a listener. interfaces_known is false when the
	 * collector could not read them: nothing is then judged "not a
	 * local address" or "device absent". */
	struct pc_interface *interfaces; /* sorted by index */
	size_t n_interfaces, cap_interfaces;
	struct pc_host_address *addresses;
	size_t n_addresses, cap_addresses;
	bool interfaces_known;
	struct pc_holder *holders; /* the listeners' holders (pc_listener.holders_at) */
	size_t n_holders, cap_holders;
	struct pc_naming_status naming;
	enum pc_poll_source source;
	uint32_t errors; /* malformed records skipped during this poll */
	/* Bound UDP rows left out because they are not listeners
	 * (pc_snapshot_keep_listeners, core/listener_rule.h). */
	uint32_t udp_clients;
	struct timespec taken_at; /* CLOCK_REALTIME when the poll started */
	struct timespec taken_mono; /* CLOCK_MONOTONIC when the poll started */
	uint32_t duration_us; /* how long the poll took */
};

/* Total order matching the OID order of the MIB index
 * (protocol, address type, address length + bytes, port). */
int pc_endpoint_cmp(const struct pc_endpoint *a, const struct pc_endpoint *b);

/* Fill an endpoint from a raw address as the kernel reports it.
 * family: AF_INET or AF_INET6; addr: 4 or 16 bytes; v6only: the socket's
 * IPV6_V6ONLY; ifindex: the socket's bound interface (0: none), which
 * makes the address zoned (ipv4z, ipv6z). Applies the RFC 4022
 * conventions; a device-bound dual-stack wildcard is ipv6z "::". */
void pc_endpoint_set(struct pc_endpoint *ep, uint8_t proto, int family, const void *addr,
		     bool v6only, uint32_t ifindex, uint16_t port);

/* Text form of the address as `ss` prints it: "*", "0.0.0.0", "[::]",
 * "[fe80::1]%3". Writes at most len bytes, always NUL-terminated. */
void pc_endpoint_format_addr(const struct pc_endpoint *ep, char *buf, size_t len);

/* The interface index of a zoned (device-bound) endpoint, 0 otherwise. */
uint32_t pc_endpoint_zone(const struct pc_endpoint *ep);

/* Address text with the device as `ss` writes it: "0.0.0.0%eth1",
 * "[fe80::1]%eth0" (the index when the interface is not known). */
void pc_listener_format_addr(const struct pc_snapshot *snap, const struct pc_listener *l,
			     char *buf, size_t len);

/* Append one listening socket (a row of its own until pc_snapshot_finish
 * folds it with the other sockets of its endpoint); growing arrays are the
 * snapshot's. 0, or -1 when out of memory. */
int pc_snapshot_add_listener(struct pc_snapshot *snap, const struct pc_listen_socket *socket);
int pc_snapshot_add_connection(struct pc_snapshot *snap, const struct pc_endpoint *remote);

/* Append an interface or a host address (pc_snapshot_finish sorts). */
int pc_snapshot_add_interface(struct pc_snapshot *snap, const struct pc_interface *iface);
int pc_snapshot_add_address(struct pc_snapshot *snap, const struct pc_host_address *address);

/* The interface with this index, NULL when absent or not known. */
const struct pc_interface *pc_snapshot_find_interface(const struct pc_snapshot *snap,
						      uint32_t index);

/* Whether an address (type PC_INET_IPV4 or PC_INET_IPV6) is configured on
 * the host; true when the addresses are not known. */
bool pc_snapshot_has_address(const struct pc_snapshot *snap, uint8_t type, const uint8_t *addr);

/* The device status of a listener: none when it is not device-bound. */
enum pc_device_status pc_listener_device_status(const struct pc_snapshot *snap,
						const struct pc_listener *l);
/* The name of the device a listener is bound to; NULL: none, or unknown. */
const char *pc_listener_device(const struct pc_snapshot *snap, const struct pc_listener *l);
const char *pc_device_status_name(enum pc_device_status status);

/* Sets l's holders (n of them, lowest pid first; at most PC_HOLDERS_MAX
 * are kept), its pid and process (the first) and its naming state. 0, or
 * -1 when out of memory (l then keeps no holder). */
int pc_listener_set_holders(struct pc_snapshot *snap, struct pc_listener *l, enum pc_naming naming,
			    const struct pc_holder *holders, size_t n);

/* The holders of l (*n of them); a hand-made listener with a pid and no
 * holders has that one. */
const struct pc_holder *pc_listener_holders(const struct pc_snapshot *snap,
					    const struct pc_listener *l, struct pc_holder *one,
					    size_t *n);

/* Whether l's naming state counts as complete: the collector said so, or
 * a hand-made listener carries a pid. */
bool pc_listener_naming_complete(const struct pc_listener *l);

/* Sort, then fold rows with equal endpoints into one (summing counts). Call
 * once after the last add; afterwards the arrays are in MIB index order.
 * One socket reported twice (same endpoint, same non-zero inode: a dump
 * that resumed after the table changed can do that) counts once. */
void pc_snapshot_finish(struct pc_snapshot *snap);

/* Binary search in a finished snapshot; NULL when absent. */
const struct pc_listener *pc_snapshot_find_listener(const struct pc_snapshot *snap,
						    const struct pc_endpoint *local);

/* Empty it for the next poll but keep the arrays' memory, so that a poller
 * reusing one snapshot allocates nothing once the arrays are big enough. */
void pc_snapshot_reset(struct pc_snapshot *snap);

/* Empty it and free its memory. */
void pc_snapshot_clear(struct pc_snapshot *snap);

/* A deep copy (to is overwritten); -1 when out of memory (to is then empty). */
int pc_snapshot_copy(const struct pc_snapshot *from, struct pc_snapshot *to);

#endif
