/* SPDX-License-Identifier: ISC */
#include "core/listener_rule.h"

#include <netinet/in.h>

/* A listen rule names this UDP port: the same ports the engine matches
 * listeners against (a single port, or any port of a range), permit
 * ranges excepted: they only say where listeners may be. */
static bool expected_udp_port(const struct pc_expectations *exps, uint16_t port)
{
	for (size_t i = 0; exps != NULL && i < exps->n; i++) {
		const struct pc_expectation *e = &exps->items[i];
		if (e->direction != PC_DIR_LISTEN || e->protocol != IPPROTO_UDP)
			continue;
		if ((e->match == PC_MATCH_PORT || e->match == PC_MATCH_ANY_IN_RANGE) &&
		    port >= e->port && port <= e->port_last)
			return true;
	}
	return false;
}

enum pc_listen_reason pc_listen_reason_of(const struct pc_listener *l,
					  const struct pc_expectations *exps)
{
	if (l->local.proto != IPPROTO_UDP)
		return PC_LISTEN_TCP;
	switch ((enum pc_ephemeral)l->ephemeral) {
	case PC_EPHEMERAL_OUTSIDE:
		return PC_LISTEN_FIXED_PORT;
	case PC_EPHEMERAL_RESERVED:
		return PC_LISTEN_RESERVED_PORT;
	case PC_EPHEMERAL_INSIDE:
		return expected_udp_port(exps, l->local.port) ? PC_LISTEN_EXPECTED_PORT
							      : PC_NOT_LISTENER_EPHEMERAL_PORT;
	case PC_EPHEMERAL_NOT_UDP: /* a UDP row nobody marked: nothing is known */
	case PC_EPHEMERAL_UNKNOWN:
		break;
	}
	return PC_LISTEN_RANGE_UNKNOWN;
}

bool pc_listen_reason_counts(enum pc_listen_reason reason)
{
	return reason != PC_NOT_LISTENER_EPHEMERAL_PORT;
}

const char *pc_listen_reason_name(enum pc_listen_reason reason)
{
	switch (reason) {
	case PC_LISTEN_TCP: return "listen";
	case PC_LISTEN_FIXED_PORT: return "fixed-port";
	case PC_LISTEN_RESERVED_PORT: return "reserved-port";
	case PC_LISTEN_EXPECTED_PORT: return "expected-port";
	case PC_LISTEN_RANGE_UNKNOWN: return "range-unknown";
	case PC_NOT_LISTENER_EPHEMERAL_PORT: return "ephemeral-port";
	}
	return "range-unknown"; /* not a reason: every one has its case above */
}

void pc_snapshot_keep_listeners(struct pc_snapshot *snap, const struct pc_expectations *exps)
{
	size_t kept = 0;
	for (size_t i = 0; i < snap->n_listeners; i++) {
		if (!pc_listen_reason_counts(pc_listen_reason_of(&snap->listeners[i], exps))) {
			snap->udp_clients++;
			continue;
		}
		if (kept != i)
			snap->listeners[kept] = snap->listeners[i];
		kept++;
	}
	snap->n_listeners = kept;
}
