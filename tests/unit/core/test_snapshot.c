/* SPDX-License-Identifier: ISC */
/* snapshot.c: RFC 4022 address conventions, ss-style text, MIB index order,
 * folding of duplicate sockets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/snapshot.h"

static void v6(const char *text, uint8_t out[16])
{
	assert_int_equal(inet_pton(AF_INET6, text, out), 1);
}

static void v4(const char *text, uint8_t out[4])
{
	assert_int_equal(inet_pton(AF_INET, text, out), 1);
}

static void set_v4(struct pc_endpoint *ep, uint8_t proto, const char *addr, uint16_t port)
{
	uint8_t a[4];
	v4(addr, a);
	pc_endpoint_set(ep, proto, AF_INET, a, false, 0, port);
}

static void set_v6(struct pc_endpoint *ep, uint8_t proto, const char *addr, bool v6only,
		   uint32_t ifindex, uint16_t port)
{
	uint8_t a[16];
	v6(addr, a);
	pc_endpoint_set(ep, proto, AF_INET6, a, v6only, ifindex, port);
}

/* One socket as a collector would report it. */
static int add_owned(struct pc_snapshot *snap, const struct pc_endpoint *local, uint64_t inode,
		     uint32_t uid)
{
	struct pc_listen_socket socket = { .local = *local, .inode = inode, .uid = uid };
	return pc_snapshot_add_listener(snap, &socket);
}

static int add_socket(struct pc_snapshot *snap, const struct pc_endpoint *local, uint64_t inode)
{
	return add_owned(snap, local, inode, 0);
}

static const char *text_of(const struct pc_endpoint *ep)
{
	static char buf[64];
	pc_endpoint_format_addr(ep, buf, sizeof(buf));
	return buf;
}

static void test_ipv4(void **state)
{
	(void)state;
	struct pc_endpoint ep;
	set_v4(&ep, IPPROTO_TCP, "127.0.0.1", 22);
	assert_int_equal(ep.addr_type, PC_INET_IPV4);
	assert_int_equal(ep.addr_len, 4);
	assert_int_equal(ep.port, 22);
	assert_string_equal(text_of(&ep), "127.0.0.1");

	set_v4(&ep, IPPROTO_UDP, "0.0.0.0", 53);
	assert_int_equal(ep.addr_type, PC_INET_IPV4);
	assert_int_equal(ep.addr_len, 4);
	assert_string_equal(text_of(&ep), "0.0.0.0");
}

/* RFC 4022: a dual-stack wildcard is type unknown with an empty address;
 * a v6-only wildcard is ::. ss prints them "*" and "[::]". */
static void test_ipv6_wildcards(void **state)
{
	(void)state;
	struct pc_endpoint ep;
	set_v6(&ep, IPPROTO_TCP, "::", false, 0, 80);
	assert_int_equal(ep.addr_type, PC_INET_UNKNOWN);
	assert_int_equal(ep.addr_len, 0);
	assert_string_equal(text_of(&ep), "*");

	set_v6(&ep, IPPROTO_TCP, "::", true, 0, 80);
	assert_int_equal(ep.addr_type, PC_INET_IPV6);
	assert_int_equal(ep.addr_len, 16);
	assert_string_equal(text_of(&ep), "[::]");
}

static void test_ipv6_specific(void **state)
{
	(void)state;
	struct pc_endpoint ep;
	/* v6only does not matter for a specific address. */
	set_v6(&ep, IPPROTO_UDP, "::1", false, 0, 53);
	assert_int_equal(ep.addr_type, PC_INET_IPV6);
	assert_string_equal(text_of(&ep), "[::1]");

	/* v4-mapped stays IPv6, as ss shows it. */
	set_v6(&ep, IPPROTO_TCP, "::ffff:127.0.0.1", false, 0, 8080);
	assert_int_equal(ep.addr_type, PC_INET_IPV6);
	assert_int_equal(ep.addr_len, 16);
	assert_string_equal(text_of(&ep), "[::ffff:127.0.0.1]");
}

static void test_link_local_zone(void **state)
{
	(void)state;
	struct pc_endpoint ep;
	set_v6(&ep, IPPROTO_TCP, "fe80::1", false, 3, 22);
	assert_int_equal(ep.addr_type, PC_INET_IPV6Z);
	assert_int_equal(ep.addr_len, 20);
	assert_memory_equal(ep.addr + 16, "\0\0\0\3", 4);
	assert_string_equal(text_of(&ep), "[fe80::1]%3");

	/* Not bound to an interface: no zone to give. */
	set_v6(&ep, IPPROTO_TCP, "fe80::1", false, 0, 22);
	assert_int_equal(ep.addr_type, PC_INET_IPV6);
	assert_string_equal(text_of(&ep), "[fe80::1]");

	/* A device-bound global address is zoned too: the device is part
	 * of what the listener is. */
	set_v6(&ep, IPPROTO_TCP, "2001:db8::1", false, 3, 22);
	assert_int_equal(ep.addr_type, PC_INET_IPV6Z);
	assert_int_equal(pc_endpoint_zone(&ep), 3);
	assert_string_equal(text_of(&ep), "[2001:db8::1]%3");
}

/* SO_BINDTODEVICE: ipv4z/ipv6z with the interface index as zone, and a
 * row of its own beside the unbound wildcard. */
static void test_device_bound(void **state)
{
	(void)state;
	uint8_t any4[4] = { 0 }, any6[16] = { 0 };
	struct pc_endpoint ep, plain;
	pc_endpoint_set(&ep, IPPROTO_TCP, AF_INET, any4, false, 7, 42028);
	assert_int_equal(ep.addr_type, PC_INET_IPV4Z);
	assert_int_equal(ep.addr_len, 8);
	assert_memory_equal(ep.addr + 4, "\0\0\0\7", 4);
	assert_int_equal(pc_endpoint_zone(&ep), 7);
	assert_string_equal(text_of(&ep), "0.0.0.0%7");
	pc_endpoint_set(&plain, IPPROTO_TCP, AF_INET, any4, false, 0, 42028);
	assert_int_equal(pc_endpoint_zone(&plain), 0);
	assert_true(pc_endpoint_cmp(&plain, &ep) < 0);

	/* A device-bound dual-stack wildcard cannot be type unknown. */
	pc_endpoint_set(&ep, IPPROTO_TCP, AF_INET6, any6, false, 7, 42028);
	assert_int_equal(ep.addr_type, PC_INET_IPV6Z);
	assert_int_equal(ep.addr_len, 20);

	/* With the interfaces known, the text names the device as ss does. */
	struct pc_snapshot snap = { 0 };
	struct pc_interface d0 = { .index = 7, .name = "d0", .up = false };
	struct pc_interface lo = { .index = 1, .name = "lo", .up = true, .loopback = true };
	assert_int_equal(pc_snapshot_add_interface(&snap, &d0), 0);
	assert_int_equal(pc_snapshot_add_interface(&snap, &lo), 0);
	snap.interfaces_known = true;
	assert_int_equal(add_socket(&snap, &ep, 1), 0);
	pc_endpoint_set(&ep, IPPROTO_TCP, AF_INET, any4, false, 7, 42028);
	assert_int_equal(add_socket(&snap, &ep, 2), 0);
	pc_endpoint_set(&ep, IPPROTO_TCP, AF_INET, any4, false, 9, 42028);
	assert_int_equal(add_socket(&snap, &ep, 3), 0);
	assert_int_equal(add_socket(&snap, &plain, 4), 0);
	pc_snapshot_finish(&snap);
	assert_int_equal(snap.n_listeners, 4);
	assert_int_equal(snap.interfaces[0].index, 1); /* sorted */
	char buf[64];
	pc_listener_format_addr(&snap, &snap.listeners[0], buf, sizeof(buf));
	assert_string_equal(buf, "0.0.0.0");
	assert_int_equal(pc_listener_device_status(&snap, &snap.listeners[0]), PC_DEVICE_NONE);
	pc_listener_format_addr(&snap, &snap.listeners[1], buf, sizeof(buf));
	assert_string_equal(buf, "0.0.0.0%d0");
	assert_int_equal(pc_listener_device_status(&snap, &snap.listeners[1]), PC_DEVICE_DOWN);
	pc_listener_format_addr(&snap, &snap.listeners[2], buf, sizeof(buf));
	assert_string_equal(buf, "0.0.0.0%9");
	assert_int_equal(pc_listener_device_status(&snap, &snap.listeners[2]), PC_DEVICE_ABSENT);
	pc_listener_format_addr(&snap, &snap.listeners[3], buf, sizeof(buf));
	assert_string_equal(buf, "*%d0");
	assert_string_equal(pc_device_status_name(PC_DEVICE_DOWN), "down");
	pc_snapshot_clear(&snap);
}

static void test_host_addresses(void **state)
{
	(void)state;
	struct pc_snapshot snap = { 0 };
	struct pc_host_address a = { .type = PC_INET_IPV4, .ifindex = 2 };
	uint8_t probe[16];
	v4("192.0.2.10", a.addr);
	v4("192.0.2.11", probe);
	/* Not known: every address is given the benefit of the doubt. */
	assert_true(pc_snapshot_has_address(&snap, PC_INET_IPV4, probe));
	snap.interfaces_known = true;
	assert_int_equal(pc_snapshot_add_address(&snap, &a), 0);
	assert_true(pc_snapshot_has_address(&snap, PC_INET_IPV4, a.addr));
	assert_false(pc_snapshot_has_address(&snap, PC_INET_IPV4, probe));
	/* The same 4 bytes as an IPv6 address's start are not a match. */
	memset(probe, 0, sizeof(probe));
	memcpy(probe, a.addr, 4);
	assert_false(pc_snapshot_has_address(&snap, PC_INET_IPV6, probe));
	pc_snapshot_reset(&snap);
	assert_int_equal(snap.n_addresses, 0);
	assert_true(snap.cap_addresses > 0);
	pc_snapshot_clear(&snap);
}

static void test_format_truncates(void **state)
{
	(void)state;
	struct pc_endpoint ep;
	char buf[6];
	set_v6(&ep, IPPROTO_TCP, "::ffff:127.0.0.1", false, 0, 1);
	memset(buf, 'x', sizeof(buf));
	pc_endpoint_format_addr(&ep, buf, sizeof(buf));
	assert_string_equal(buf, "[::ff");
	/* len 0 writes nothing. */
	buf[0] = 'q';
	pc_endpoint_format_addr(&ep, buf, 0);
	assert_int_equal(buf[0], 'q');
}

/* The MIB index: protocol, address type, length-prefixed address, port. */
static void test_cmp_is_index_order(void **state)
{
	(void)state;
	struct pc_endpoint e[8];
	set_v6(&e[0], IPPROTO_TCP, "::", false, 0, 9000); /* unknown, len 0 */
	set_v4(&e[1], IPPROTO_TCP, "0.0.0.0", 80);
	set_v4(&e[2], IPPROTO_TCP, "127.0.0.1", 22);
	set_v4(&e[3], IPPROTO_TCP, "127.0.0.1", 80);
	set_v6(&e[4], IPPROTO_TCP, "::", true, 0, 1);
	set_v6(&e[5], IPPROTO_TCP, "::1", false, 0, 1);
	set_v6(&e[6], IPPROTO_TCP, "fe80::1", false, 2, 1); /* ipv6z, len 20 */
	set_v6(&e[7], IPPROTO_UDP, "::", false, 0, 1); /* udp after all tcp */
	for (size_t i = 0; i < 8; i++) {
		assert_int_equal(pc_endpoint_cmp(&e[i], &e[i]), 0);
		for (size_t j = i + 1; j < 8; j++) {
			assert_int_equal(pc_endpoint_cmp(&e[i], &e[j]), -1);
			assert_int_equal(pc_endpoint_cmp(&e[j], &e[i]), 1);
		}
	}
}

static void test_fold_reuseport_group(void **state)
{
	(void)state;
	struct pc_snapshot snap = { 0 };
	struct pc_endpoint a, b, c;
	set_v4(&a, IPPROTO_TCP, "0.0.0.0", 443);
	set_v4(&b, IPPROTO_TCP, "127.0.0.1", 25);
	set_v6(&c, IPPROTO_UDP, "::", false, 0, 53);

	/* Four members of a reuseport group, interleaved with others. */
	assert_int_equal(add_socket(&snap, &a, 300), 0);
	assert_int_equal(add_socket(&snap, &c, 50), 0);
	assert_int_equal(add_socket(&snap, &a, 100), 0);
	assert_int_equal(add_socket(&snap, &b, 7), 0);
	assert_int_equal(add_socket(&snap, &a, 200), 0);
	assert_int_equal(add_socket(&snap, &a, 150), 0);
	pc_snapshot_finish(&snap);

	assert_int_equal(snap.n_listeners, 3);
	assert_int_equal(pc_endpoint_cmp(&snap.listeners[0].local, &a), 0);
	assert_int_equal(snap.listeners[0].sockets, 4);
	assert_int_equal(snap.listeners[0].inode, 100); /* the lowest: stable */
	assert_int_equal(pc_endpoint_cmp(&snap.listeners[1].local, &b), 0);
	assert_int_equal(snap.listeners[1].sockets, 1);
	assert_int_equal(pc_endpoint_cmp(&snap.listeners[2].local, &c), 0);
	assert_int_equal(snap.listeners[2].pid, 0);
	assert_string_equal(snap.listeners[2].process, "");

	assert_non_null(pc_snapshot_find_listener(&snap, &b));
	assert_ptr_equal(pc_snapshot_find_listener(&snap, &c), &snap.listeners[2]);
	struct pc_endpoint absent;
	set_v4(&absent, IPPROTO_TCP, "127.0.0.1", 26);
	assert_null(pc_snapshot_find_listener(&snap, &absent));

	/* Finishing twice changes nothing. */
	pc_snapshot_finish(&snap);
	assert_int_equal(snap.n_listeners, 3);
	assert_int_equal(snap.listeners[0].sockets, 4);
	pc_snapshot_clear(&snap);
	assert_null(snap.listeners);
	assert_int_equal(snap.n_listeners, 0);
}

/* A resumed dump can report one socket twice: it is still one socket. A
 * zero inode (no identity) cannot be told apart and counts each time. */
static void test_fold_same_socket_once(void **state)
{
	(void)state;
	struct pc_snapshot snap = { 0 };
	struct pc_endpoint a;
	set_v4(&a, IPPROTO_TCP, "0.0.0.0", 443);
	add_socket(&snap, &a, 100);
	add_socket(&snap, &a, 200);
	add_socket(&snap, &a, 100);
	add_socket(&snap, &a, 200);
	add_socket(&snap, &a, 300);
	pc_snapshot_finish(&snap);
	assert_int_equal(snap.n_listeners, 1);
	assert_int_equal(snap.listeners[0].sockets, 3);
	pc_snapshot_reset(&snap);

	add_socket(&snap, &a, 0);
	add_socket(&snap, &a, 0);
	pc_snapshot_finish(&snap);
	assert_int_equal(snap.n_listeners, 1);
	assert_int_equal(snap.listeners[0].sockets, 2);
	pc_snapshot_clear(&snap);
}

/* A row keeps the owner of the socket whose inode it keeps, and says when
 * its sockets belong to more than one user. */
static void test_fold_owners(void **state)
{
	(void)state;
	struct pc_snapshot snap = { 0 };
	struct pc_endpoint shared, alone;
	set_v4(&shared, IPPROTO_UDP, "0.0.0.0", 5000);
	set_v4(&alone, IPPROTO_TCP, "0.0.0.0", 8080);
	add_owned(&snap, &shared, 300, 65534);
	add_owned(&snap, &alone, 40, 1000);
	add_owned(&snap, &alone, 41, 1000);
	add_owned(&snap, &shared, 100, 0);
	add_owned(&snap, &shared, 200, 0);
	pc_snapshot_finish(&snap);
	assert_int_equal(snap.n_listeners, 2);
	assert_int_equal(snap.listeners[0].local.port, 8080);
	assert_int_equal(snap.listeners[0].uid, 1000);
	assert_false(snap.listeners[0].uids_differ);
	assert_int_equal(snap.listeners[1].uid, 0);
	assert_int_equal(snap.listeners[1].inode, 100);
	assert_true(snap.listeners[1].uids_differ);
	pc_snapshot_clear(&snap);
}

static void test_many_listeners_sorted(void **state)
{
	(void)state;
	struct pc_snapshot snap = { 0 };
	/* Ports in a scrambled order, each twice: growth past the first
	 * allocation, sorting and folding at once. */
	for (unsigned round = 0; round < 2; round++)
		for (unsigned i = 0; i < 1000; i++) {
			struct pc_endpoint ep;
			set_v4(&ep, IPPROTO_TCP, "127.0.0.1", (uint16_t)(1 + (i * 7919) % 1000));
			assert_int_equal(add_socket(&snap, &ep, 1000 * round + i + 1), 0);
		}
	pc_snapshot_finish(&snap);
	assert_int_equal(snap.n_listeners, 1000);
	for (size_t i = 0; i < snap.n_listeners; i++) {
		assert_int_equal(snap.listeners[i].local.port, i + 1);
		assert_int_equal(snap.listeners[i].sockets, 2);
	}
	pc_snapshot_clear(&snap);
}

/* The rows pc_snapshot_finish must give: every socket sorted by endpoint,
 * then inode, ties in the order they came, and folded as the collectors'
 * rows always were (the order and folding the poll's own sort keeps). */
struct reference_row {
	struct pc_listener row;
	size_t at;
};

static int reference_order(const void *a, const void *b)
{
	const struct reference_row *x = a, *y = b;
	int c = pc_endpoint_cmp(&x->row.local, &y->row.local);
	if (c != 0)
		return c;
	if (x->row.inode != y->row.inode)
		return x->row.inode < y->row.inode ? -1 : 1;
	return (x->at > y->at) - (x->at < y->at);
}

static size_t reference_finish(const struct pc_listener *rows, size_t n, struct pc_listener *out)
{
	struct reference_row *r = calloc(n, sizeof(*r));
	assert_non_null(r);
	for (size_t i = 0; i < n; i++)
		r[i] = (struct reference_row){ rows[i], i };
	qsort(r, n, sizeof(*r), reference_order);
	size_t kept = 0;
	uint64_t prev_inode = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t inode = r[i].row.inode;
		if (kept > 0 && pc_endpoint_cmp(&out[kept - 1].local, &r[i].row.local) == 0) {
			if (inode == 0 || inode != prev_inode)
				out[kept - 1].sockets += r[i].row.sockets;
			if (r[i].row.uid != out[kept - 1].uid)
				out[kept - 1].uids_differ = true;
		} else {
			out[kept++] = r[i].row;
		}
		prev_inode = inode;
	}
	free(r);
	return kept;
}

static uint32_t next_random(uint64_t *seed)
{
	*seed = *seed * 6364136223846793005u + 1442695040888963407u;
	return (uint32_t)(*seed >> 33);
}

/* Many sockets on few addresses and ports (so endpoints repeat, with the
 * same inode, another or none), every address type and both protocols:
 * the same rows as the reference, in the same order. */
static void test_finish_matches_reference(void **state)
{
	(void)state;
	static const char *const v4s[] = { "0.0.0.0", "127.0.0.1", "10.0.0.1", "10.0.0.2",
					    "192.168.1.1" };
	static const char *const v6s[] = { "::", "::1", "fe80::1", "2001:db8::1", "2001:db8::2" };
	uint64_t seed = 42;
	for (unsigned round = 0; round < 60; round++) {
		struct pc_snapshot snap = { 0 };
		size_t n = 2 + next_random(&seed) % (round < 30 ? 40 : 5000);
		unsigned ports = 1 + next_random(&seed) % 300;
		for (size_t i = 0; i < n; i++) {
			struct pc_endpoint ep;
			uint8_t proto = next_random(&seed) % 2 ? IPPROTO_TCP : IPPROTO_UDP;
			uint16_t port = (uint16_t)(next_random(&seed) % ports * 211);
			uint32_t ifindex = next_random(&seed) % 4 == 0 ? next_random(&seed) % 3 + 1 : 0;
			if (next_random(&seed) % 2)
				set_v4(&ep, proto, v4s[next_random(&seed) % 5], port);
			else
				set_v6(&ep, proto, v6s[next_random(&seed) % 5], next_random(&seed) % 2,
				       ifindex, port);
			if (ifindex != 0 && next_random(&seed) % 2) {
				uint8_t a[4];
				v4(v4s[next_random(&seed) % 5], a);
				pc_endpoint_set(&ep, proto, AF_INET, a, false, ifindex, port);
			}
			uint64_t inode = next_random(&seed) % 4 == 0 ? 0 : next_random(&seed) % (n / 2 + 1);
			assert_int_equal(add_owned(&snap, &ep, inode, next_random(&seed) % 3), 0);
		}
		struct pc_listener *want = calloc(n, sizeof(*want));
		assert_non_null(want);
		size_t n_want = reference_finish(snap.listeners, n, want);
		pc_snapshot_finish(&snap);
		assert_int_equal(snap.n_listeners, n_want);
		for (size_t i = 0; i < n_want; i++) {
			const struct pc_listener *got = &snap.listeners[i];
			assert_int_equal(pc_endpoint_cmp(&got->local, &want[i].local), 0);
			assert_memory_equal(got->local.addr, want[i].local.addr, PC_ADDR_MAX);
			assert_int_equal(got->sockets, want[i].sockets);
			assert_int_equal(got->inode, want[i].inode);
			assert_int_equal(got->uid, want[i].uid);
			assert_int_equal(got->uids_differ, want[i].uids_differ);
			assert_int_equal(got->v6only, want[i].v6only);
		}
		free(want);
		pc_snapshot_clear(&snap);
	}
}

static void test_reset_keeps_memory(void **state)
{
	(void)state;
	struct pc_snapshot snap = { 0 };
	struct pc_endpoint ep;
	set_v4(&ep, IPPROTO_UDP, "127.0.0.1", 161);
	add_socket(&snap, &ep, 1);
	pc_snapshot_add_connection(&snap, &ep);
	snap.errors = 3;
	snap.source = PC_SOURCE_PROCFS;
	struct pc_listener *kept = snap.listeners;
	size_t cap = snap.cap_listeners;
	pc_snapshot_reset(&snap);
	assert_int_equal(snap.n_listeners, 0);
	assert_int_equal(snap.n_connections, 0);
	assert_int_equal(snap.errors, 0);
	assert_int_equal(snap.source, PC_SOURCE_NONE);
	assert_ptr_equal(snap.listeners, kept);
	assert_int_equal(snap.cap_listeners, cap);
	pc_snapshot_clear(&snap);
}

/* A failed poll republishes the last one: a deep copy, every array its own. */
static void test_copy_is_deep(void **state)
{
	(void)state;
	struct pc_snapshot snap = { 0 }, copy;
	struct pc_endpoint ep;
	struct pc_host_address a = { .type = PC_INET_IPV4, .ifindex = 2 };
	struct pc_interface iface = { .index = 2, .up = true };
	v4("192.0.2.10", a.addr);
	set_v4(&ep, IPPROTO_TCP, "0.0.0.0", 7001);
	add_socket(&snap, &ep, 1);
	pc_snapshot_add_connection(&snap, &ep);
	assert_int_equal(pc_snapshot_add_address(&snap, &a), 0);
	assert_int_equal(pc_snapshot_add_interface(&snap, &iface), 0);
	snap.source = PC_SOURCE_NETLINK;
	assert_int_equal(pc_snapshot_copy(&snap, &copy), 0);
	assert_ptr_not_equal(copy.listeners, snap.listeners);
	assert_ptr_not_equal(copy.connections, snap.connections);
	assert_ptr_not_equal(copy.addresses, snap.addresses);
	assert_ptr_not_equal(copy.interfaces, snap.interfaces);
	assert_int_equal(copy.n_listeners, 1);
	assert_int_equal(copy.listeners[0].local.port, 7001);
	assert_int_equal(copy.n_addresses, 1);
	assert_int_equal(copy.n_interfaces, 1);
	assert_int_equal(copy.source, PC_SOURCE_NETLINK);
	pc_snapshot_clear(&snap);
	add_socket(&copy, &ep, 2); /* still its own, and growable */
	pc_snapshot_clear(&copy);
	struct pc_snapshot empty = { 0 };
	assert_int_equal(pc_snapshot_copy(&empty, &copy), 0);
	assert_int_equal(copy.n_listeners, 0);
	pc_snapshot_clear(&copy);
}

static void test_fold_connections(void **state)
{
	(void)state;
	struct pc_snapshot snap = { 0 };
	struct pc_endpoint x, y;
	set_v4(&x, IPPROTO_TCP, "10.0.0.2", 42027);
	set_v6(&y, IPPROTO_TCP, "2001:db8::2", true, 0, 42027);
	pc_snapshot_add_connection(&snap, &y);
	pc_snapshot_add_connection(&snap, &x);
	pc_snapshot_add_connection(&snap, &x);
	pc_snapshot_finish(&snap);
	assert_int_equal(snap.n_connections, 2);
	assert_int_equal(pc_endpoint_cmp(&snap.connections[0].remote, &x), 0);
	assert_int_equal(snap.connections[0].count, 2);
	assert_int_equal(snap.connections[1].count, 1);
	pc_snapshot_clear(&snap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_copy_is_deep),
		cmocka_unit_test(test_ipv6_wildcards),
		cmocka_unit_test(test_ipv6_specific),
		cmocka_unit_test(test_link_local_zone),
		cmocka_unit_test(test_device_bound),
		cmocka_unit_test(test_host_addresses),
		cmocka_unit_test(test_format_truncates),
		cmocka_unit_test(test_cmp_is_index_order),
		cmocka_unit_test(test_fold_reuseport_group),
		cmocka_unit_test(test_fold_same_socket_once),
		cmocka_unit_test(test_fold_owners),
		cmocka_unit_test(test_many_listeners_sorted),
		cmocka_unit_test(test_finish_matches_reference),
		cmocka_unit_test(test_reset_keeps_memory),
		cmocka_unit_test(test_fold_connections),
	};
	return cmocka_run_group_tests_name("snapshot", tests, NULL, NULL);
}
