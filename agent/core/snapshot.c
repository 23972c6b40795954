/* SPDX-License-Identifier: ISC */
#include "core/snapshot.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* The address part of pc_endpoint_cmp's order: all but the port. */
static int cmp_address(const struct pc_endpoint *a, const struct pc_endpoint *b)
{
	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	if (a->addr_type != b->addr_type)
		return a->addr_type < b->addr_type ? -1 : 1;
	/* An InetAddress index is encoded with its length first. */
	if (a->addr_len != b->addr_len)
		return a->addr_len < b->addr_len ? -1 : 1;
	/* memcmp's order, without a call for a few bytes: every sort, merge
	 * and search of listeners, baselines and events comes here. */
	for (uint8_t i = 0; i < a->addr_len && i < PC_ADDR_MAX; i++)
		if (a->addr[i] != b->addr[i])
			return a->addr[i] < b->addr[i] ? -1 : 1;
	return 0;
}

int pc_endpoint_cmp(const struct pc_endpoint *a, const struct pc_endpoint *b)
{
	int c = cmp_address(a, b);
	if (c != 0)
		return c;
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
	uint32_t zone = htonl(ifindex);

	memset(ep, 0, sizeof(*ep));
	ep->proto = proto;
	ep->port = port;
	if (family == AF_INET) {
		ep->addr_type = ifindex != 0 ? PC_INET_IPV4Z : PC_INET_IPV4;
		ep->addr_len = ifindex != 0 ? 8 : 4;
		memcpy(ep->addr, addr, 4);
		memcpy(ep->addr + 4, &zone, ifindex != 0 ? 4 : 0);
		return;
	}
	const uint8_t *a6 = addr;
	if (is_zero(a6, 16) && !v6only && ifindex == 0) {
		/* RFC 4022: accepts IPv4 and IPv6 alike. */
		ep->addr_type = PC_INET_UNKNOWN;
		ep->addr_len = 0;
		return;
	}
	ep->addr_type = ifindex != 0 ? PC_INET_IPV6Z : PC_INET_IPV6;
	ep->addr_len = ifindex != 0 ? 20 : 16;
	memcpy(ep->addr, a6, 16);
	memcpy(ep->addr + 16, &zone, ifindex != 0 ? 4 : 0);
}

uint32_t pc_endpoint_zone(const struct pc_endpoint *ep)
{
	uint32_t zone;
	if (ep->addr_type == PC_INET_IPV4Z && ep->addr_len == 8)
		memcpy(&zone, ep->addr + 4, 4);
	else if (ep->addr_type == PC_INET_IPV6Z && ep->addr_len == 20)
		memcpy(&zone, ep->addr + 16, 4);
	else
		return 0;
	return ntohl(zone);
}

/* zone: the device's name, or NULL to write its index. */
static void format_addr(const struct pc_endpoint *ep, const char *zone_name, char *buf,
			size_t len)
{
	char text[INET6_ADDRSTRLEN], zone[PC_IFNAME_MAX + 1];

	if (len == 0)
		return;
	if (zone_name != NULL)
		snprintf(zone, sizeof(zone), "%s", zone_name);
	else
		snprintf(zone, sizeof(zone), "%u", (unsigned)pc_endpoint_zone(ep));
	switch (ep->addr_type) {
	case PC_INET_IPV4:
	case PC_INET_IPV4Z:
		inet_ntop(AF_INET, ep->addr, text, sizeof(text));
		snprintf(buf, len, "%s%s%s", text, ep->addr_type == PC_INET_IPV4Z ? "%" : "",
			 ep->addr_type == PC_INET_IPV4Z ? zone : "");
		return;
	case PC_INET_IPV6:
	case PC_INET_IPV6Z:
		inet_ntop(AF_INET6, ep->addr, text, sizeof(text));
		snprintf(buf, len, "[%s]%s%s", text, ep->addr_type == PC_INET_IPV6Z ? "%" : "",
			 ep->addr_type == PC_INET_IPV6Z ? zone : "");
		return;
	default:
		snprintf(buf, len, "*");
		return;
	}
}

void pc_endpoint_format_addr(const struct pc_endpoint *ep, char *buf, size_t len)
{
	format_addr(ep, NULL, buf, len);
}

void pc_listener_format_addr(const struct pc_snapshot *snap, const struct pc_listener *l,
			     char *buf, size_t len)
{
	const struct pc_interface *iface = pc_snapshot_find_interface(snap, pc_endpoint_zone(&l->local));
	/* ss writes a device-bound dual-stack wildcard as "*%dev". */
	if (l->local.addr_type == PC_INET_IPV6Z && !l->v6only && is_zero(l->local.addr, 16)) {
		char zone[PC_IFNAME_MAX + 16];
		if (iface != NULL)
			snprintf(zone, sizeof(zone), "%s", iface->name);
		else
			snprintf(zone, sizeof(zone), "%u", (unsigned)pc_endpoint_zone(&l->local));
		snprintf(buf, len, "*%%%s", zone);
		return;
	}
	format_addr(&l->local, iface != NULL ? iface->name : NULL, buf, len);
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

int pc_snapshot_add_listener(struct pc_snapshot *snap, const struct pc_listen_socket *socket)
{
	if (reserve_one((void **)&snap->listeners, snap->n_listeners, &snap->cap_listeners,
			sizeof(*snap->listeners)) < 0)
		return -1;
	/* Called for every socket of every poll: zeroed by stores of a few
	 * words, where a memset became a string store that is slow to start. */
	static const struct pc_listener empty;
	struct pc_listener *l = &snap->listeners[snap->n_listeners++];
	*l = empty;
	l->local = socket->local;
	l->sockets = 1;
	l->inode = socket->inode;
	l->uid = socket->uid;
	l->v6only = socket->v6only;
	return 0;
}

const char *pc_naming_name(enum pc_naming naming)
{
	switch (naming) {
	case PC_NAMING_COMPLETE: return "complete";
	case PC_NAMING_PARTIAL: return "partial";
	case PC_NAMING_PENDING: return "pending";
	case PC_NAMING_NOT_FOUND: return "notFound";
	case PC_NAMING_DENIED: return "denied";
	case PC_NAMING_UNAVAILABLE: return "unavailable";
	case PC_NAMING_OFF: return "off";
	case PC_NAMING_UNSET: break;
	}
	return NULL;
}

const char *pc_naming_health_name(enum pc_naming_health health)
{
	switch (health) {
	case PC_NAMING_WORKING: return "working";
	case PC_NAMING_DEGRADED: return "degraded";
	case PC_NAMING_LIMITED: return "limited";
	case PC_NAMING_HEALTH_OFF: return "off";
	case PC_NAMING_HEALTH_UNSET: break;
	}
	return NULL;
}

int pc_listener_set_holders(struct pc_snapshot *snap, struct pc_listener *l, enum pc_naming naming,
			    const struct pc_holder *holders, size_t n)
{
	l->naming = (uint8_t)naming;
	l->n_holders = 0;
	l->holders_at = 0;
	l->pid = 0;
	l->process[0] = '\0';
	if (n > PC_HOLDERS_MAX)
		n = PC_HOLDERS_MAX;
	if (n == 0)
		return 0;
	while (snap->n_holders + n > snap->cap_holders)
		if (reserve_one((void **)&snap->holders, snap->cap_holders, &snap->cap_holders,
				sizeof(*snap->holders)) < 0)
			return -1;
	l->holders_at = (uint32_t)snap->n_holders;
	l->n_holders = (uint8_t)n;
	/* One or two holders, 20 bytes each, for every listener of every
	 * poll: assigned, where a memcpy of a size known only here became a
	 * string move whose start-up cost was most of this function. */
	struct pc_holder *to = snap->holders + snap->n_holders;
	for (size_t i = 0; i < n; i++)
		to[i] = holders[i];
	snap->n_holders += n;
	l->pid = holders[0].pid;
	memcpy(l->process, holders[0].process, sizeof(l->process));
	return 0;
}

const struct pc_holder *pc_listener_holders(const struct pc_snapshot *snap,
					    const struct pc_listener *l, struct pc_holder *one,
					    size_t *n)
{
	if (l->n_holders > 0 && snap->holders != NULL &&
	    (size_t)l->holders_at + l->n_holders <= snap->n_holders) {
		*n = l->n_holders;
		return snap->holders + l->holders_at;
	}
	*n = l->pid > 0 ? 1 : 0;
	one->pid = l->pid;
	memcpy(one->process, l->process, sizeof(one->process));
	return one;
}

bool pc_listener_naming_complete(const struct pc_listener *l)
{
	return l->naming == PC_NAMING_COMPLETE || (l->naming == PC_NAMING_UNSET && l->pid > 0);
}

int pc_snapshot_add_interface(struct pc_snapshot *snap, const struct pc_interface *iface)
{
	if (reserve_one((void **)&snap->interfaces, snap->n_interfaces, &snap->cap_interfaces,
			sizeof(*snap->interfaces)) < 0)
		return -1;
	snap->interfaces[snap->n_interfaces++] = *iface;
	return 0;
}

int pc_snapshot_add_address(struct pc_snapshot *snap, const struct pc_host_address *address)
{
	if (reserve_one((void **)&snap->addresses, snap->n_addresses, &snap->cap_addresses,
			sizeof(*snap->addresses)) < 0)
		return -1;
	snap->addresses[snap->n_addresses++] = *address;
	return 0;
}

const struct pc_interface *pc_snapshot_find_interface(const struct pc_snapshot *snap,
						      uint32_t index)
{
	size_t lo = 0, hi = snap->n_interfaces;
	if (index == 0)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (snap->interfaces[mid].index == index)
			return &snap->interfaces[mid];
		if (snap->interfaces[mid].index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

bool pc_snapshot_has_address(const struct pc_snapshot *snap, uint8_t type, const uint8_t *addr)
{
	if (!snap->interfaces_known)
		return true;
	size_t len = type == PC_INET_IPV4 ? 4 : 16;
	for (size_t i = 0; i < snap->n_addresses; i++)
		if (snap->addresses[i].type == type && memcmp(snap->addresses[i].addr, addr, len) == 0)
			return true;
	return false;
}

enum pc_device_status pc_listener_device_status(const struct pc_snapshot *snap,
						const struct pc_listener *l)
{
	uint32_t zone = pc_endpoint_zone(&l->local);
	if (zone == 0)
		return PC_DEVICE_NONE;
	const struct pc_interface *iface = pc_snapshot_find_interface(snap, zone);
	if (iface == NULL)
		return PC_DEVICE_ABSENT;
	return iface->up ? PC_DEVICE_UP : PC_DEVICE_DOWN;
}

const char *pc_listener_device(const struct pc_snapshot *snap, const struct pc_listener *l)
{
	const struct pc_interface *iface =
		pc_snapshot_find_interface(snap, pc_endpoint_zone(&l->local));
	return iface != NULL ? iface->name : NULL;
}

const char *pc_device_status_name(enum pc_device_status status)
{
	switch (status) {
	case PC_DEVICE_NONE: return "none";
	case PC_DEVICE_UP: return "up";
	case PC_DEVICE_DOWN: return "down";
	case PC_DEVICE_ABSENT: return "absent";
	}
	return "none"; /* not a status: every one has its case above */
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

static int cmp_interface(const void *a, const void *b)
{
	const struct pc_interface *x = a, *y = b;
	return (x->index > y->index) - (x->index < y->index);
}

static int cmp_connection(const void *a, const void *b)
{
	const struct pc_connection *x = a, *y = b;
	return pc_endpoint_cmp(&x->remote, &y->remote);
}

/* ---- sorting the listeners ----
 *
 * A poll hands over every socket in the kernel's hash order, tens of
 * thousands on a busy host, and qsort of these large rows (an indirect
 * sort comparing whole endpoints, memcmp of the address each time, then
 * every row copied around) was the largest part of the poll thread's own
 * work. A host has few distinct addresses, so each
 * row gets a key instead: the rank of its (protocol, type, address) among
 * the distinct ones, then its port, which orders rows as pc_endpoint_cmp
 * does. The keys are radix sorted (stable, so rows of one endpoint stay in
 * the order they came), those runs are ordered by inode, and the rows are
 * moved once, into their places. */

static int cmp_address_of(const void *a, const void *b)
{
	const struct pc_listener *const *x = a, *const *y = b;
	return cmp_address(&(*x)->local, &(*y)->local);
}

/* Whether two rows share the address part: asked once or twice per row,
 * so compared here rather than by a call to memcmp. */
static bool same_address(const struct pc_endpoint *a, const struct pc_endpoint *b)
{
	if (a->proto != b->proto || a->addr_type != b->addr_type || a->addr_len != b->addr_len)
		return false;
	for (uint8_t i = 0; i < a->addr_len; i++)
		if (a->addr[i] != b->addr[i])
			return false;
	return true;
}

static uint32_t hash_address(const struct pc_endpoint *ep)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	h = (h ^ ep->proto) * 16777619u;
	h = (h ^ ep->addr_type) * 16777619u;
	h = (h ^ ep->addr_len) * 16777619u;
	for (uint8_t i = 0; i < ep->addr_len; i++)
		h = (h ^ ep->addr[i]) * 16777619u;
	return h;
}

struct listener_key {
	uint64_t key; /* the address's rank << 16 | the port */
	uint64_t inode;
	uint32_t at; /* the row's place before the sort */
};

static int cmp_same_endpoint(const void *a, const void *b)
{
	const struct listener_key *x = a, *y = b;
	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	return (x->at > y->at) - (x->at < y->at);
}

#define NO_SLOT UINT32_MAX

/* Each row's key (its address's rank, its port), inode and place, in one
 * pass over the rows, which are far larger than the caches; -1 when out
 * of memory or the rows are not the collectors' (an address longer than
 * its array). */
static int make_keys(const struct pc_snapshot *snap, struct listener_key *keys)
{
	size_t n = snap->n_listeners, size = 64;
	while (size < 2 * n)
		size *= 2;
	/* Per slot: the first row seen with that address, then its rank. */
	uint32_t *slot_row = malloc(size * sizeof(*slot_row));
	uint32_t *slot_rank = malloc(size * sizeof(*slot_rank));
	const struct pc_listener **distinct = malloc(n * sizeof(*distinct));
	int rc = -1;
	if (slot_row == NULL || slot_rank == NULL || distinct == NULL)
		goto done;
	memset(slot_row, 0xff, size * sizeof(*slot_row));
	size_t n_distinct = 0;
	/* keys[i].key is the address's slot until the ranks are known. */
	for (size_t i = 0; i < n; i++) {
		const struct pc_listener *l = &snap->listeners[i];
		const struct pc_endpoint *ep = &l->local;
		if (ep->addr_len > PC_ADDR_MAX)
			goto done;
		keys[i].inode = l->inode;
		keys[i].at = (uint32_t)i;
		/* The kernel hands over a host's sockets mostly address by address. */
		if (i > 0 && same_address(&snap->listeners[i - 1].local, ep)) {
			keys[i].key = keys[i - 1].key >> 16 << 16 | ep->port;
			continue;
		}
		size_t s = hash_address(ep) & (size - 1);
		while (slot_row[s] != NO_SLOT &&
		       !same_address(&snap->listeners[slot_row[s]].local, ep))
			s = (s + 1) & (size - 1);
		if (slot_row[s] == NO_SLOT) {
			slot_row[s] = (uint32_t)i;
			distinct[n_distinct++] = l;
		}
		keys[i].key = (uint64_t)s << 16 | ep->port;
	}
	if (n_distinct > 1)
		qsort(distinct, n_distinct, sizeof(*distinct), cmp_address_of);
	for (size_t r = 0; r < n_distinct; r++) {
		size_t s = hash_address(&distinct[r]->local) & (size - 1);
		while (slot_row[s] != (uint32_t)(distinct[r] - snap->listeners))
			s = (s + 1) & (size - 1);
		slot_rank[s] = (uint32_t)r;
	}
	for (size_t i = 0; i < n; i++)
		keys[i].key = (uint64_t)slot_rank[keys[i].key >> 16] << 16 | (keys[i].key & 0xffff);
	rc = 0;
done:
	free(slot_row);
	free(slot_rank);
	free(distinct);
	return rc;
}

/* LSD radix sort of keys by key, a byte at a time, skipping the bytes all
 * keys share; stable. The result is in keys or tmp: returned. */
static struct listener_key *radix_sort(struct listener_key *keys, struct listener_key *tmp,
				       size_t n)
{
	enum { bytes = sizeof(keys->key) };
	size_t (*count)[256] = calloc(bytes, sizeof(*count));
	if (count == NULL)
		return NULL;
	/* Every byte's histogram in one pass over the keys. */
	for (size_t i = 0; i < n; i++)
		for (unsigned b = 0; b < bytes; b++)
			count[b][(keys[i].key >> (8 * b)) & 0xff]++;
	for (unsigned b = 0; b < bytes; b++) {
		unsigned shift = 8 * b;
		if (count[b][(keys[0].key >> shift) & 0xff] == n)
			continue;
		size_t at = 0;
		for (size_t d = 0; d < 256; d++) {
			size_t c = count[b][d];
			count[b][d] = at;
			at += c;
		}
		for (size_t i = 0; i < n; i++)
			tmp[count[b][(keys[i].key >> shift) & 0xff]++] = keys[i];
		struct listener_key *t = keys;
		keys = tmp;
		tmp = t;
	}
	free(count);
	return keys;
}

/* Rows in keys' order, each moved once along the cycles of the
 * permutation; keys[].at is spent. */
static void permute_rows(struct pc_listener *rows, struct listener_key *keys, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		if (keys[k].at == k)
			continue;
		struct pc_listener first = rows[k];
		size_t j = k;
		for (;;) {
			size_t from = keys[j].at;
			keys[j].at = (uint32_t)j;
			if (from == k) {
				rows[j] = first;
				break;
			}
			rows[j] = rows[from];
			j = from;
		}
	}
}

/* Sorts the rows as cmp_listener does, ties in their order (as glibc's
 * merge sort leaves them); the endpoint's keys, equal for equal endpoints,
 * are left in keys for the fold. -1 when out of memory or the rows are
 * not the collectors' (an address longer than its array), with nothing
 * done: the caller sorts them as before. */
static int sort_listeners(struct pc_snapshot *snap, struct listener_key **sorted,
			  struct listener_key **spare)
{
	size_t n = snap->n_listeners;
	*sorted = *spare = NULL;
	if (n >= UINT32_MAX)
		return -1;
	struct listener_key *keys = malloc(n * sizeof(*keys));
	struct listener_key *tmp = malloc(n * sizeof(*tmp));
	if (keys == NULL || tmp == NULL || make_keys(snap, keys) < 0) {
		free(keys);
		free(tmp);
		return -1;
	}
	struct listener_key *out = radix_sort(keys, tmp, n);
	if (out == NULL) {
		free(keys);
		free(tmp);
		return -1;
	}
	*sorted = out;
	*spare = out == keys ? tmp : keys;
	for (size_t i = 0, end; i < n; i = end) {
		for (end = i + 1; end < n && out[end].key == out[i].key; end++)
			;
		if (end - i > 1)
			qsort(out + i, end - i, sizeof(*out), cmp_same_endpoint);
	}
	permute_rows(snap->listeners, out, n);
	return 0;
}

void pc_snapshot_finish(struct pc_snapshot *snap)
{
	size_t out = 0;
	uint64_t prev_inode = 0;
	struct listener_key *keys = NULL, *spare = NULL;

	/* qsort's array may not be NULL, which an empty snapshot's is. */
	if (snap->n_listeners > 1 && sort_listeners(snap, &keys, &spare) < 0)
		qsort(snap->listeners, snap->n_listeners, sizeof(*snap->listeners),
		      cmp_listener);
	for (size_t i = 0; i < snap->n_listeners; i++) {
		/* The keys, in the rows' order now, spare reading rows that stay. */
		uint64_t inode = keys != NULL ? keys[i].inode : snap->listeners[i].inode;
		/* Equal keys are equal endpoints. */
		if (out > 0 && (keys != NULL ? keys[i].key == keys[i - 1].key
					     : pc_endpoint_cmp(&snap->listeners[out - 1].local,
							       &snap->listeners[i].local) == 0)) {
			/* Sorted by inode within the group, so a repeat is adjacent. */
			struct pc_listener *row = &snap->listeners[out - 1];
			if (inode == 0 || inode != prev_inode)
				row->sockets += snap->listeners[i].sockets;
			/* UDP sockets sharing a port by SO_REUSEADDR may belong to
			 * different users: the row says so rather than hiding one. */
			if (snap->listeners[i].uid != row->uid || snap->listeners[i].uids_differ)
				row->uids_differ = true;
			prev_inode = inode;
			continue;
		}
		if (out != i) /* most rows are alone: no copy onto itself */
			snap->listeners[out] = snap->listeners[i];
		out++;
		prev_inode = inode;
	}
	snap->n_listeners = out;
	free(keys);
	free(spare);

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

	if (snap->n_interfaces > 1)
		qsort(snap->interfaces, snap->n_interfaces, sizeof(*snap->interfaces),
		      cmp_interface);
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
	struct pc_interface *interfaces = snap->interfaces;
	size_t cap_interfaces = snap->cap_interfaces;
	struct pc_host_address *addresses = snap->addresses;
	size_t cap_addresses = snap->cap_addresses;
	struct pc_holder *holders = snap->holders;
	size_t cap_holders = snap->cap_holders;

	memset(snap, 0, sizeof(*snap));
	snap->holders = holders;
	snap->cap_holders = cap_holders;
	snap->listeners = listeners;
	snap->cap_listeners = cap_listeners;
	snap->connections = connections;
	snap->cap_connections = cap_connections;
	snap->interfaces = interfaces;
	snap->cap_interfaces = cap_interfaces;
	snap->addresses = addresses;
	snap->cap_addresses = cap_addresses;
}

static void *copy_array(const void *from, size_t n, size_t size)
{
	void *to = malloc((n + 1) * size);
	if (to != NULL && n > 0)
		memcpy(to, from, n * size);
	return to;
}

int pc_snapshot_copy(const struct pc_snapshot *from, struct pc_snapshot *to)
{
	/* Every array pc_snapshot_clear frees is copied here. */
	*to = *from;
	to->listeners = copy_array(from->listeners, from->n_listeners, sizeof(*to->listeners));
	to->connections = copy_array(from->connections, from->n_connections,
				     sizeof(*to->connections));
	to->interfaces = copy_array(from->interfaces, from->n_interfaces, sizeof(*to->interfaces));
	to->addresses = copy_array(from->addresses, from->n_addresses, sizeof(*to->addresses));
	to->holders = copy_array(from->holders, from->n_holders, sizeof(*to->holders));
	to->cap_holders = from->n_holders + 1;
	to->cap_listeners = from->n_listeners + 1;
	to->cap_connections = from->n_connections + 1;
	to->cap_interfaces = from->n_interfaces + 1;
	to->cap_addresses = from->n_addresses + 1;
	if (to->listeners == NULL || to->connections == NULL || to->interfaces == NULL ||
	    to->addresses == NULL || to->holders == NULL) {
		pc_snapshot_clear(to);
		return -1;
	}
	return 0;
}

void pc_snapshot_clear(struct pc_snapshot *snap)
{
	free(snap->listeners);
	free(snap->connections);
	free(snap->interfaces);
	free(snap->addresses);
	free(snap->holders);
	memset(snap, 0, sizeof(*snap));
}
