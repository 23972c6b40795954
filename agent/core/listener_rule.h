/* SPDX-License-Identifier: ISC */
/* Which sockets are listeners.
 *
 * A TCP socket in LISTEN is one. A UDP socket has no such state: the kernel
 * reports a bound, unconnected socket alike whether a service waits on it
 * or a client holds it (bind to port 0 then sendto, as NTP clients do; or
 * sendto alone, which binds it: snmpget, snmpd's socket for trap2sink).
 * What tells them apart is where the port came from. The kernel hands a
 * client a port of its ephemeral range by itself (snapshot.h,
 * pc_ephemeral); a port outside that range, or a reserved one, only comes
 * from a bind() that names it. So a bound UDP socket is a listener unless
 * its port is inside the range, not reserved, and named by no listen rule
 * of the plan: nothing a role expects is ever left out, whatever its port
 * (the guide's UDP heartbeats, 39500-39999, are inside Linux's default
 * range). When the range could not be read, every one counts.
 *
 * Left out, a socket is neither listed, counted, judged nor announced:
 * a service that chooses a port inside the range without reserving it
 * (net.ipv4.ip_local_reserved_ports) is taken for a client, as the
 * kernel's own port allocation would take it. `portcomplyd --listeners
 * --all` shows every bound UDP socket with its verdict. Pure. */
#ifndef PC_LISTENER_RULE_H
#define PC_LISTENER_RULE_H

#include <stdbool.h>

#include "core/snapshot.h"
#include "plan/expect.h"

/* Why a socket is a listener, or why not. Names in pc_listen_reason_name. */
enum pc_listen_reason {
	PC_LISTEN_TCP, /* "listen": a TCP socket in LISTEN */
	PC_LISTEN_FIXED_PORT, /* "fixed-port": UDP, outside the ephemeral range */
	PC_LISTEN_RESERVED_PORT, /* "reserved-port": UDP, inside it but reserved */
	PC_LISTEN_EXPECTED_PORT, /* "expected-port": UDP, inside it, named by a listen rule */
	PC_LISTEN_RANGE_UNKNOWN, /* "range-unknown": UDP, the range could not be read */
	PC_NOT_LISTENER_EPHEMERAL_PORT, /* "ephemeral-port": UDP, inside it, no rule: a client's */
};

/* exps: the plan's expectations, NULL: none. */
enum pc_listen_reason pc_listen_reason_of(const struct pc_listener *l,
					  const struct pc_expectations *exps);

/* Whether the reason makes a listener. */
bool pc_listen_reason_counts(enum pc_listen_reason reason);

/* "listen", "fixed-port", ..., "ephemeral-port". */
const char *pc_listen_reason_name(enum pc_listen_reason reason);

/* Drops the rows that are not listeners from a finished snapshot (the
 * rest keep their order) and counts them in snap->udp_clients. */
void pc_snapshot_keep_listeners(struct pc_snapshot *snap, const struct pc_expectations *exps);

#endif
