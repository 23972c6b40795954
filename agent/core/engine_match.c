/* SPDX-License-Identifier: ISC */
/* Can listener L serve expectation E, and if not, why: its port, its
 * address against the rule's bind-address or peers, its device. engine.h
 * says what reachable means. */
#include "core/engine_internal.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

struct pc_bind_target pc_engine_bind_target(const struct pc_expectation *e)
{
	struct pc_bind_target b = { 0 };
	if (e->bind_address == NULL)
		return b;
	if (inet_pton(AF_INET, e->bind_address, b.addr) == 1)
		b.set = b.ipv4 = true;
	else if (inet_pton(AF_INET6, e->bind_address, b.addr) == 1)
		b.set = true;
	return b; /* config.c has rejected anything else */
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

static bool is_v4_mapped(const uint8_t *a6)
{
	static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	return memcmp(a6, prefix, 12) == 0;
}

/* Does a socket bound where l is receive traffic sent to the bind address? */
static bool covers(const struct pc_listener *l, const struct pc_bind_target *b)
{
	const struct pc_endpoint *local = &l->local;
	switch (local->addr_type) {
	case PC_INET_UNKNOWN: /* dual-stack wildcard */
		return true;
	case PC_INET_IPV4:
	case PC_INET_IPV4Z:
		return b->ipv4 && (all_zero(local->addr, 4) || memcmp(local->addr, b->addr, 4) == 0);
	case PC_INET_IPV6:
	case PC_INET_IPV6Z:
		if (b->ipv4)
			return (is_v4_mapped(local->addr) && memcmp(local->addr + 12, b->addr, 4) == 0) ||
			       (local->addr_type == PC_INET_IPV6Z && !l->v6only &&
				all_zero(local->addr, 16));
		return all_zero(local->addr, 16) || memcmp(local->addr, b->addr, 16) == 0;
	default:
		return false;
	}
}

bool pc_engine_hears_bind(const struct pc_bind_target *bind, const struct pc_listener *l)
{
	return !bind->set || covers(l, bind);
}

/* What a listener's address is, for remote peers. */
struct reach {
	bool v4, v6; /* the families it accepts */
	enum pc_address_problem problem; /* an address no remote peer can use; 0: none */
	uint8_t type; /* PC_INET_IPV4/IPV6 of a specific address, 0: a wildcard */
	const uint8_t *addr;
};

static struct reach reach_of_v4(const uint8_t *a4)
{
	struct reach r = { .v4 = true };
	if (all_zero(a4, 4))
		return r;
	if (a4[0] == 127)
		r.problem = PC_PROBLEM_LOOPBACK_ONLY;
	else if (a4[0] == 169 && a4[1] == 254)
		r.problem = PC_PROBLEM_LINK_LOCAL_ONLY;
	r.type = PC_INET_IPV4;
	r.addr = a4;
	return r;
}

static struct reach reach_of(const struct pc_listener *l)
{
	static const uint8_t loopback6[16] = { [15] = 1 };
	const struct pc_endpoint *ep = &l->local;
	struct reach r = { 0 };

	switch (ep->addr_type) {
	case PC_INET_UNKNOWN:
		r.v4 = r.v6 = true;
		return r;
	case PC_INET_IPV4:
	case PC_INET_IPV4Z:
		return reach_of_v4(ep->addr);
	case PC_INET_IPV6:
	case PC_INET_IPV6Z:
		break;
	default:
		r.problem = PC_PROBLEM_NOT_LOCAL_ADDRESS;
		return r;
	}
	if (all_zero(ep->addr, 16)) {
		/* Only a device-bound "::" can be dual-stack here (else it is
		 * type unknown). */
		r.v6 = true;
		r.v4 = ep->addr_type == PC_INET_IPV6Z && !l->v6only;
		return r;
	}
	if (is_v4_mapped(ep->addr))
		return reach_of_v4(ep->addr + 12);
	r.v6 = true;
	if (memcmp(ep->addr, loopback6, 16) == 0)
		r.problem = PC_PROBLEM_LOOPBACK_ONLY;
	else if (ep->addr[0] == 0xfe && (ep->addr[1] & 0xc0) == 0x80)
		r.problem = PC_PROBLEM_LINK_LOCAL_ONLY;
	r.type = PC_INET_IPV6;
	r.addr = ep->addr;
	return r;
}

/* A device-bound listener hears only what arrives on its device. */
static enum pc_address_problem device_problem(const struct pc_snapshot *snap,
					      const struct pc_listener *l, bool loopback_ok)
{
	uint32_t zone = pc_endpoint_zone(&l->local);
	if (zone == 0)
		return PC_PROBLEM_NONE;
	const struct pc_interface *iface = pc_snapshot_find_interface(snap, zone);
	if (iface == NULL)
		return snap->interfaces_known ? PC_PROBLEM_WRONG_DEVICE : PC_PROBLEM_NONE;
	if (iface->loopback && !loopback_ok)
		return PC_PROBLEM_WRONG_DEVICE;
	return iface->up ? PC_PROBLEM_NONE : PC_PROBLEM_DEVICE_DOWN;
}

/* Can the expectation's peers reach listener l? PC_PROBLEM_NONE, or why not. */
static enum pc_address_problem judge(const struct pc_expectation *e,
				     const struct pc_bind_target *bind,
				     const struct pc_snapshot *snap, const struct pc_listener *l)
{
	if (bind->set) {
		if (!covers(l, bind))
			return PC_PROBLEM_NOT_BIND_ADDRESS;
		bool bind_loopback = bind->ipv4 ? bind->addr[0] == 127
						: all_zero(bind->addr, 15) && bind->addr[15] == 1;
		return device_problem(snap, l, bind_loopback || e->peer == PC_PEER_LOCAL);
	}
	if (e->peer == PC_PEER_LOCAL)
		return PC_PROBLEM_NONE;
	struct reach r = reach_of(l);
	if (r.problem != 0)
		return r.problem;
	if (e->peer_family == PC_PEER_IPV4 && !r.v4)
		return PC_PROBLEM_IPV6_ONLY;
	if (e->peer_family == PC_PEER_IPV6 && !r.v6)
		return PC_PROBLEM_IPV4_ONLY;
	enum pc_address_problem device = device_problem(snap, l, false);
	if (device != PC_PROBLEM_NONE)
		return device;
	if (r.type != 0 && !pc_snapshot_has_address(snap, r.type, r.addr))
		return PC_PROBLEM_NOT_LOCAL_ADDRESS;
	return PC_PROBLEM_NONE;
}

bool pc_engine_port_matches(const struct pc_expectation *e, uint8_t protocol, uint16_t port)
{
	if (e->protocol != protocol)
		return false;
	switch (e->match) {
	case PC_MATCH_PORT:
		return port == e->port;
	case PC_MATCH_ANY_IN_RANGE:
		return port >= e->port && port <= e->port_last;
	case PC_MATCH_NONE:
	case PC_MATCH_PERMIT: /* a permission serves no expectation */
		return false;
	}
	return false;
}

void pc_engine_find_listener(const struct pc_expectation *e, const struct pc_snapshot *snap,
			     const struct pc_engine_ports *ports, int32_t *where,
			     enum pc_address_problem *problem)
{
	struct pc_bind_target bind = pc_engine_bind_target(e);
	int32_t first = -1;
	size_t n = ports != NULL ? ports->n_listeners : snap->n_listeners;

	*problem = PC_PROBLEM_NONE;
	for (size_t k = 0; k < n; k++) {
		size_t i = ports != NULL ? ports->listeners[k] : k;
		const struct pc_listener *l = &snap->listeners[i];
		if (!pc_engine_port_matches(e, l->local.proto, l->local.port))
			continue;
		enum pc_address_problem why = judge(e, &bind, snap, l);
		if (why == PC_PROBLEM_NONE) {
			*where = (int32_t)i;
			*problem = PC_PROBLEM_NONE;
			return;
		}
		if (first < 0) {
			first = (int32_t)i;
			*problem = why;
		}
	}
	*where = first;
}

bool pc_engine_connected(const struct pc_expectation *e, const struct pc_snapshot *snap)
{
	for (size_t i = 0; i < snap->n_connections; i++)
		if (pc_engine_port_matches(e, snap->connections[i].remote.proto,
					   snap->connections[i].remote.port))
			return true;
	return false;
}
