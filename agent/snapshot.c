#include "snapshot.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int pc_endpoint_cmp(const struct pc_endpoint *a, const struct pc_endpoint *b)
{
	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	if (a->addr_type != b->addr_type)
		return a->addr_type < b->addr_type ? -1 : 1;
	/* An InetAddress index is encoded with its length first. */
	if (a->addr_len != b->addr_len)
		return a->addr_len < b->addr_len ? -1 : 1;
	int c = memcmp(a->addr, b->addr, a->addr_len);
	if (c != 0)
		return c < 0 ? -1 : 1;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return 0;
}

static bool is_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

void pc_endpoint_set(struct pc_endpoint *ep, uint8_t proto, int family, const void *addr,
		     bool v6only, uint32_t ifindex, uint16_t port)
{
	memset(ep, 0, sizeof(*ep));
	ep->proto = proto;
	ep->port = port;
	if (family == AF_INET) {
		ep->addr_type = PC_INET_IPV4;
		ep->addr_len = 4;
		memcpy(ep->addr, addr, 4);
		return;
	}
	const uint8_t *a6 = addr;
	if (is_zero(a6, 16) && !v6only) {
		/* RFC 4022: accepts IPv4 and IPv6 alike. */
		ep->addr_type = PC_INET_UNKNOWN;
		ep->addr_len = 0;
		return;
	}
	bool link_local = a6[0] == 0xfe && (a6[1] & 0xc0) == 0x80;
	if (link_local && ifindex != 0) {
		uint32_t zone = htonl(ifindex);
		ep->addr_type = PC_INET_IPV6Z;
		ep->addr_len = 20;
		memcpy(ep->addr, a6, 16);
		memcpy(ep->addr + 16, &zone, 4);
		return;
	}
	ep->addr_type = PC_INET_IPV6;
	ep->addr_len = 16;
	memcpy(ep->addr, a6, 16);
}

const char *pc_proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	default:
		return "?";
	}
}

void pc_endpoint_format_addr(const struct pc_endpoint *ep, char *buf, size_t len)
{
	char text[INET6_ADDRSTRLEN];
	uint32_t zone;

	if (len == 0)
		return;
	switch (ep->addr_type) {
	case PC_INET_IPV4:
		inet_ntop(AF_INET, ep->addr, text, sizeof(text));
		snprintf(buf, len, "%s", text);
		return;
	case PC_INET_IPV6:
		inet_ntop(AF_INET6, ep->addr, text, sizeof(text));
		snprintf(buf, len, "[%s]", text);
		return;
	case PC_INET_IPV6Z:
		inet_ntop(AF_INET6, ep->addr, text, sizeof(text));
		memcpy(&zone, ep->addr + 16, 4);
		snprintf(buf, len, "[%s]%%%u", text, (unsigned)ntohl(zone));
		return;
	default:
		snprintf(buf, len, "*");
		return;
	}
}

/* Make room for one more element; doubling keeps appends O(1). */
static int reserve_one(void **array, size_t count, size_t *cap, size_t elem_size)
{
	if (count < *cap)
		return 0;
	size_t new_cap = *cap == 0 ? 64 : *cap * 2;
	void *p = realloc(*array, new_cap * elem_size);
	if (p == NULL)
		return -1;
	*array = p;
	*cap = new_cap;
	return 0;
}

int pc_snapshot_add_listener(struct pc_snapshot *snap, const struct pc_endpoint *local,
			     uint64_t inode)
{
	if (reserve_one((void **)&snap->listeners, snap->n_listeners, &snap->cap_listeners,
			sizeof(*snap->listeners)) < 0)
		return -1;
	struct pc_listener *l = &snap->listeners[snap->n_listeners++];
	memset(l, 0, sizeof(*l));
	l->local = *local;
	l->sockets = 1;
	l->inode = inode;
	return 0;
}

int pc_snapshot_add_connection(struct pc_snapshot *snap, const struct pc_endpoint *remote)
{
	if (reserve_one((void **)&snap->connections, snap->n_connections, &snap->cap_connections,
			sizeof(*snap->connections)) < 0)
		return -1;
	struct pc_connection *c = &snap->connections[snap->n_connections++];
	c->remote = *remote;
	c->count = 1;
	return 0;
}

static int cmp_listener(const void *a, const void *b)
{
	const struct pc_listener *x = a, *y = b;
	int c = pc_endpoint_cmp(&x->local, &y->local);
	if (c != 0)
		return c;
	/* Keep the lowest inode of a group: a stable choice across polls. */
	return x->inode < y->inode ? -1 : x->inode > y->inode;
}

static int cmp_connection(const void *a, const void *b)
{
	const struct pc_connection *x = a, *y = b;
	return pc_endpoint_cmp(&x->remote, &y->remote);
}

void pc_snapshot_finish(struct pc_snapshot *snap)
{
	size_t out = 0;
	uint64_t prev_inode = 0;

	/* qsort's array may not be NULL, which an empty snapshot's is. */
	if (snap->n_listeners > 1)
		qsort(snap->listeners, snap->n_listeners, sizeof(*snap->listeners),
		      cmp_listener);
	for (size_t i = 0; i < snap->n_listeners; i++) {
		uint64_t inode = snap->listeners[i].inode;
		if (out > 0 && pc_endpoint_cmp(&snap->listeners[out - 1].local,
					       &snap->listeners[i].local) == 0) {
			/* Sorted by inode within the group, so a repeat is adjacent. */
			if (inode == 0 || inode != prev_inode)
				snap->listeners[out - 1].sockets += snap->listeners[i].sockets;
			prev_inode = inode;
			continue;
		}
		snap->listeners[out++] = snap->listeners[i];
		prev_inode = inode;
	}
	snap->n_listeners = out;

	out = 0;
	if (snap->n_connections > 1)
		qsort(snap->connections, snap->n_connections, sizeof(*snap->connections),
		      cmp_connection);
	for (size_t i = 0; i < snap->n_connections; i++) {
		if (out > 0 && pc_endpoint_cmp(&snap->connections[out - 1].remote,
					       &snap->connections[i].remote) == 0) {
			snap->connections[out - 1].count += snap->connections[i].count;
			continue;
		}
		snap->connections[out++] = snap->connections[i];
	}
	snap->n_connections = out;
}

const struct pc_listener *pc_snapshot_find_listener(const struct pc_snapshot *snap,
						    const struct pc_endpoint *local)
{
	size_t lo = 0, hi = snap->n_listeners;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = pc_endpoint_cmp(&snap->listeners[mid].local, local);
		if (c == 0)
			return &snap->listeners[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void pc_snapshot_reset(struct pc_snapshot *snap)
{
	struct pc_listener *listeners = snap->listeners;
	size_t cap_listeners = snap->cap_listeners;
	struct pc_connection *connections = snap->connections;
	size_t cap_connections = snap->cap_connections;

	memset(snap, 0, sizeof(*snap));
	snap->listeners = listeners;
	snap->cap_listeners = cap_listeners;
	snap->connections = connections;
	snap->cap_connections = cap_connections;
}

void pc_snapshot_clear(struct pc_snapshot *snap)
{
	free(snap->listeners);
	free(snap->connections);
	memset(snap, 0, sizeof(*snap));
}

static int port_order(const void *a, const void *b)
{
	uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;
	return (x > y) - (x < y);
}

size_t pc_ports_sort_unique(uint16_t *ports, size_t n)
{
	size_t out = 0;
	if (n > 1)
		qsort(ports, n, sizeof(*ports), port_order);
	for (size_t i = 0; i < n; i++)
		if (out == 0 || ports[out - 1] != ports[i])
			ports[out++] = ports[i];
	return out;
}
