/* SPDX-License-Identifier: ISC */
/* The collector against the real kernel, in a private network namespace
 * that the test makes for itself (unshare(CLONE_NEWNET); root only, the
 * tests skip otherwise), so nothing it opens is visible outside and the
 * host's own sockets do not disturb it:
 *   - a mix of listeners as netlink reports them, with process names;
 *   - connect rules: established connections counted by remote port;
 *   - destroy events: a closed listener is announced within milliseconds,
 *     connections and unwatched ports are filtered out in the kernel;
 *   - refusals: the event subscription refused (by this binary's own
 *     setsockopt, and by a seccomp policy), netlink refused at start,
 *     netlink failing mid-run: polling goes on and each refusal is logged
 *     once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <dlfcn.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pwd.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collect/collect.h"
#include "collect/collect_internal.h"
#include "util/log.h"
#include "log_capture.h"
#include "netns_sockets.h"
#include "timing.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static bool in_namespace;
static char own_comm[PC_PROCESS_MAX];

/* Not 0: netlink group memberships fail with this errno, as a seccomp or
 * LSM policy would make them (tests/preload does the same for the daemon).
 * The binary's own setsockopt comes before libc's for the collector's
 * objects linked into it. */
static int refuse_memberships;

int setsockopt(int fd, int level, int name, const void *value, socklen_t len)
{
	typedef int (*setsockopt_fn)(int, int, int, const void *, socklen_t);
	static setsockopt_fn real;

	if (refuse_memberships != 0 && level == SOL_NETLINK && name == NETLINK_ADD_MEMBERSHIP) {
		errno = refuse_memberships;
		return -1;
	}
	if (real == NULL)
		real = (setsockopt_fn)dlsym(RTLD_NEXT, "setsockopt");
	return real(fd, level, name, value, len);
}


/* cmocka counts a skip() in a setup as an error: each test skips itself. */
#define REQUIRE_NAMESPACE()                                                                   \
	do {                                                                                  \
		if (!in_namespace)                                                            \
			skip();                                                               \
	} while (0)

/* Each test starts with nothing logged and leaves no refusal injected. */
static int stop_log_capture_and_injection(void **state)
{
	refuse_memberships = 0;
	return log_capture_teardown(state);
}

#define LIVE_TEST(test)                                                                       \
	cmocka_unit_test_setup_teardown(test, log_capture_setup, stop_log_capture_and_injection)

/* ---- sockets ----------------------------------------------------------- */

/* One listening (TCP) or bound (UDP) socket. addr: a literal; port 0:
 * the kernel chooses. */
static struct bound_socket open_socket(int type, const char *addr, uint16_t port, bool v6only,
				       bool reuseport)
{
	struct bound_socket b;
	char err[256];
	if (bound_socket_open(&b, type, addr, port, v6only, reuseport, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	return b;
}

static int connect_to(const char *addr, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	assert_int_equal(socket_address(addr, port, &ss, &len), 0);
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&ss, len), 0);
	return fd;
}

static const struct pc_listener *find(const struct pc_snapshot *snap, uint8_t proto,
				      const char *addr, bool v6only, uint16_t port)
{
	uint8_t raw[16];
	struct pc_endpoint ep;
	if (inet_pton(AF_INET, addr, raw) == 1)
		pc_endpoint_set(&ep, proto, AF_INET, raw, false, 0, port);
	else {
		inet_pton(AF_INET6, addr, raw);
		pc_endpoint_set(&ep, proto, AF_INET6, raw, v6only, 0, port);
	}
	return pc_snapshot_find_listener(snap, &ep);
}

static struct pc_collector *open_collector(enum pc_collect_mode mode, bool resolve, bool watch)
{
	char err[256];
	struct pc_collector_options options = {
		.mode = mode,
		.resolve_processes = resolve,
		.watch_destroy = watch,
	};
	struct pc_collector *c = pc_collector_open(&options, err, sizeof(err));
	if (c == NULL)
		fail_msg("pc_collector_open: %s", err);
	return c;
}

static void poll_ok(struct pc_collector *c, struct pc_snapshot *snap)
{
	char err[256];
	if (pc_collector_poll(c, snap, err, sizeof(err)) != 0)
		fail_msg("pc_collector_poll: %s", err);
}

/* ---- listeners --------------------------------------------------------- */

/* The host's interfaces and addresses come with every poll (rtnetlink):
 * in the namespace, lo, up, with 127.0.0.1 and ::1. A listener bound to
 * lo (SO_BINDTODEVICE) is a zoned row of its own; one bound with
 * IP_FREEBIND to an address nobody holds is seen as it is. */
static void test_live_devices_and_addresses(void **state)
{
	(void)state;
	REQUIRE_NAMESPACE();
	struct bound_socket plain = open_socket(SOCK_STREAM, "0.0.0.0", 0, false, false);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, "lo", 3), 0);
	int one = 1;
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
	/* Not on plain's port: an unbound wildcard there excludes it. */
	struct sockaddr_in in4 = { .sin_family = AF_INET };
	assert_int_equal(bind(fd, (struct sockaddr *)&in4, sizeof(in4)), 0);
	assert_int_equal(listen(fd, 8), 0);
	socklen_t len = sizeof(in4);
	getsockname(fd, (struct sockaddr *)&in4, &len);
	uint16_t bound_port = ntohs(in4.sin_port);
	int freebind = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_int_equal(setsockopt(freebind, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one)), 0);
	inet_pton(AF_INET, "203.0.113.9", &in4.sin_addr);
	in4.sin_port = 0;
	assert_int_equal(bind(freebind, (struct sockaddr *)&in4, sizeof(in4)), 0);
	assert_int_equal(listen(freebind, 8), 0);
	len = sizeof(in4);
	getsockname(freebind, (struct sockaddr *)&in4, &len);

	struct pc_collector *c = open_collector(PC_COLLECT_NETLINK, false, false);
	struct pc_snapshot snap = { 0 };
	poll_ok(c, &snap);
	assert_true(snap.interfaces_known);
	uint32_t lo = if_nametoindex("lo");
	const struct pc_interface *iface = pc_snapshot_find_interface(&snap, lo);
	assert_non_null(iface);
	assert_string_equal(iface->name, "lo");
	assert_true(iface->loopback);
	assert_true(iface->up);
	uint8_t loopback4[4] = { 127, 0, 0, 1 }, other[4] = { 203, 0, 113, 9 };
	assert_true(pc_snapshot_has_address(&snap, PC_INET_IPV4, loopback4));
	assert_false(pc_snapshot_has_address(&snap, PC_INET_IPV4, other));

	assert_non_null(find(&snap, IPPROTO_TCP, "0.0.0.0", false, plain.port));
	uint8_t any[4] = { 0 };
	struct pc_endpoint ep;
	pc_endpoint_set(&ep, IPPROTO_TCP, AF_INET, any, false, lo, bound_port);
	const struct pc_listener *bound = pc_snapshot_find_listener(&snap, &ep);
	assert_non_null(bound);
	assert_int_equal(bound->local.addr_type, PC_INET_IPV4Z);
	assert_int_equal(pc_listener_device_status(&snap, bound), PC_DEVICE_UP);
	char text[64];
	pc_listener_format_addr(&snap, bound, text, sizeof(text));
	assert_string_equal(text, "0.0.0.0%lo");
	assert_non_null(find(&snap, IPPROTO_TCP, "203.0.113.9", false, ntohs(in4.sin_port)));

	/* getifaddrs says the same (the fallback when rtnetlink is refused). */
	struct pc_snapshot alt = { 0 };
	char err[256];
	assert_int_equal(pc_links_read_ifaddrs(&alt, err, sizeof(err)), 0);
	assert_non_null(pc_snapshot_find_interface(&alt, lo));
	assert_true(pc_snapshot_has_address(&alt, PC_INET_IPV4, loopback4));
	assert_false(pc_snapshot_has_address(&alt, PC_INET_IPV4, other));
	pc_snapshot_clear(&alt);

	pc_snapshot_clear(&snap);
	pc_collector_close(c);
	close(freebind);
	close(fd);
	close(plain.fd);
}

static void test_live_listener_mix(void **state)
{
	(void)state;
	REQUIRE_NAMESPACE();
	struct bound_socket s[12];
	int n = 0;
	s[n++] = open_socket(SOCK_STREAM, "127.0.0.1", 0, false, false);
	s[n++] = open_socket(SOCK_STREAM, "::", 0, false, false);
	s[n++] = open_socket(SOCK_STREAM, "::", 0, true, false);
	s[n++] = open_socket(SOCK_STREAM, "::ffff:127.0.0.1", 0, false, false);
	s[n++] = open_socket(SOCK_STREAM, "0.0.0.0", 0, false, false);
	s[n] = open_socket(SOCK_STREAM, "::", s[n - 1].port, true, false), n++;
	s[n++] = open_socket(SOCK_DGRAM, "0.0.0.0", 0, false, true);
	s[n] = open_socket(SOCK_DGRAM, "0.0.0.0", s[n - 1].port, false, true), n++;
	s[n] = open_socket(SOCK_DGRAM, "0.0.0.0", s[n - 1].port, false, true), n++;
	s[n++] = open_socket(SOCK_DGRAM, "::1", 0, false, false);
	/* Not listeners: an established pair and a connected UDP socket. */
	int client = connect_to("127.0.0.1", s[0].port);
	int server = accept(s[0].fd, NULL, NULL);
	int udp_connected = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(s[6].port) };
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(udp_connected, (struct sockaddr *)&to, sizeof(to)), 0);

	struct pc_collector *c = open_collector(PC_COLLECT_NETLINK, true, false);
	struct pc_snapshot snap = { 0 };
	poll_ok(c, &snap);
	assert_int_equal(snap.source, PC_SOURCE_NETLINK);
	assert_int_equal(snap.errors, 0);
	assert_int_equal(snap.n_listeners, 8);
	const struct pc_listener *l;
	assert_non_null(l = find(&snap, IPPROTO_TCP, "127.0.0.1", false, s[0].port));
	assert_int_equal(l->pid, getpid());
	assert_string_equal(l->process, own_comm);
	assert_non_null(l = find(&snap, IPPROTO_TCP, "::", false, s[1].port));
	assert_int_equal(l->local.addr_type, PC_INET_UNKNOWN);
	assert_non_null(l = find(&snap, IPPROTO_TCP, "::", true, s[2].port));
	assert_int_equal(l->local.addr_type, PC_INET_IPV6);
	assert_non_null(find(&snap, IPPROTO_TCP, "::ffff:127.0.0.1", false, s[3].port));
	assert_non_null(find(&snap, IPPROTO_TCP, "0.0.0.0", false, s[4].port));
	assert_non_null(find(&snap, IPPROTO_TCP, "::", true, s[4].port));
	assert_non_null(l = find(&snap, IPPROTO_UDP, "0.0.0.0", false, s[6].port));
	assert_int_equal(l->sockets, 3);
	assert_int_equal(l->pid, getpid());
	assert_non_null(find(&snap, IPPROTO_UDP, "::1", false, s[9].port));
	assert_true(snap.duration_us > 0);

	/* The same sockets through /proc: the same rows, save the v6-only
	 * wildcard alone on its port, which /proc cannot tell (guessed
	 * dual-stack). */
	struct pc_collector *p = open_collector(PC_COLLECT_PROCFS, true, false);
	struct pc_snapshot from_proc = { 0 };
	poll_ok(p, &from_proc);
	assert_int_equal(from_proc.source, PC_SOURCE_PROCFS);
	assert_int_equal(from_proc.n_listeners, 8);
	assert_non_null(find(&from_proc, IPPROTO_TCP, "::", false, s[2].port));
	assert_non_null(find(&from_proc, IPPROTO_TCP, "::", true, s[4].port));
	assert_non_null(l = find(&from_proc, IPPROTO_UDP, "0.0.0.0", false, s[6].port));
	assert_int_equal(l->sockets, 3);
	assert_string_equal(l->process, own_comm);

	pc_collector_close(p);
	pc_collector_close(c);
	pc_snapshot_clear(&snap);
	pc_snapshot_clear(&from_proc);
	close(client);
	close(server);
	close(udp_connected);
	for (int i = 0; i < n; i++)
		close(s[i].fd);
}

/* A socket belongs to the fs uid of the thread that created it: sockets
 * made under another uid show that uid and its name, by netlink and by
 * /proc alike; a UDP port two users share (SO_REUSEADDR) says so. */
static void test_live_owner_uid(void **state)
{
	(void)state;
	REQUIRE_NAMESPACE();
	const uid_t other = 65534;
	const struct passwd *pw = getpwuid(other);
	char other_name[PC_USER_MAX] = "";
	if (pw != NULL && strlen(pw->pw_name) < sizeof(other_name))
		strcpy(other_name, pw->pw_name);

	struct bound_socket mine = open_socket(SOCK_STREAM, "127.0.0.1", 0, false, false);
	setfsuid(other);
	struct bound_socket theirs = open_socket(SOCK_STREAM, "127.0.0.1", 0, false, false);
	struct bound_socket shared_a = open_socket(SOCK_DGRAM, "0.0.0.0", 0, false, false);
	setfsuid(getuid());
	assert_int_equal(setfsuid((uid_t)-1), (int)getuid());
	struct bound_socket shared_b =
		open_socket(SOCK_DGRAM, "0.0.0.0", shared_a.port, false, false);

	enum pc_collect_mode modes[] = { PC_COLLECT_NETLINK, PC_COLLECT_PROCFS };
	for (size_t m = 0; m < 2; m++) {
		struct pc_collector *c = open_collector(modes[m], false, false);
		struct pc_snapshot snap = { 0 };
		poll_ok(c, &snap);
		const struct pc_listener *l;
		assert_non_null(l = find(&snap, IPPROTO_TCP, "127.0.0.1", false, mine.port));
		assert_int_equal(l->uid, getuid());
		assert_false(l->uids_differ);
		if (getuid() == 0)
			assert_string_equal(l->user, "root");
		assert_non_null(l = find(&snap, IPPROTO_TCP, "127.0.0.1", false, theirs.port));
		assert_int_equal(l->uid, other);
		assert_string_equal(l->user, other_name);
		assert_non_null(l = find(&snap, IPPROTO_UDP, "0.0.0.0", false, shared_a.port));
		assert_int_equal(l->sockets, 2);
		assert_true(l->uids_differ);
		pc_collector_close(c);
		pc_snapshot_clear(&snap);
	}
	close(mine.fd);
	close(theirs.fd);
	close(shared_a.fd);
	close(shared_b.fd);
}

static void test_live_connect_ports(void **state)
{
	(void)state;
	REQUIRE_NAMESPACE();
	struct bound_socket wanted = open_socket(SOCK_STREAM, "127.0.0.1", 0, false, false);
	struct bound_socket wanted6 = open_socket(SOCK_STREAM, "::1", wanted.port, false, false);
	struct bound_socket other = open_socket(SOCK_STREAM, "127.0.0.1", 0, false, false);
	int fds[12], n = 0;
	for (int i = 0; i < 3; i++) {
		fds[n++] = connect_to("127.0.0.1", wanted.port);
		fds[n++] = accept(wanted.fd, NULL, NULL);
	}
	fds[n++] = connect_to("::1", wanted.port);
	fds[n++] = accept(wanted6.fd, NULL, NULL);
	fds[n++] = connect_to("127.0.0.1", other.port);
	fds[n++] = accept(other.fd, NULL, NULL);

	char expected[128];
	snprintf(expected, sizeof(expected), "127.0.0.1:%u x3, [::1]:%u x1", wanted.port,
		 wanted.port);
	for (int mode = PC_COLLECT_NETLINK; mode <= PC_COLLECT_PROCFS; mode++) {
		struct pc_collector *c = open_collector((enum pc_collect_mode)mode, false, false);
		struct pc_snapshot snap = { 0 };
		poll_ok(c, &snap);
		assert_int_equal(snap.n_connections, 0); /* off unless asked */
		assert_int_equal(pc_collector_set_connect_ports(c, &wanted.port, 1), 0);
		poll_ok(c, &snap);
		/* Client ends only: the server ends have the port locally. */
		assert_int_equal(snap.n_connections, 2);
		char got[200], a0[64], a1[64];
		pc_endpoint_format_addr(&snap.connections[0].remote, a0, sizeof(a0));
		pc_endpoint_format_addr(&snap.connections[1].remote, a1, sizeof(a1));
		snprintf(got, sizeof(got), "%s:%u x%u, %s:%u x%u", a0,
			 snap.connections[0].remote.port, snap.connections[0].count, a1,
			 snap.connections[1].remote.port, snap.connections[1].count);
		assert_string_equal(got, expected);
		assert_int_equal(snap.n_listeners, 3);
		pc_collector_close(c);
		pc_snapshot_clear(&snap);
	}
	for (int i = 0; i < n; i++)
		close(fds[i]);
	close(wanted.fd);
	close(wanted6.fd);
	close(other.fd);
}

/* ---- destroy events ---------------------------------------------------- */

/* Waits up to timeout_ms for the event fd; true when it became readable.
 * An event that must come is waited for EVENT_DEADLINE_MS (a loaded
 * machine delays the kernel's work queue); one that must not come is
 * given a short window, which a slow machine can only make weaker, never
 * make fail. How fast events come is measured, and bounded, by the
 * integration test t_destroy_event. */
#define EVENT_DEADLINE_MS 30000

static bool wait_event(struct pc_collector *c, int timeout_ms)
{
	struct pollfd pfd = { .fd = pc_collector_event_fd(c), .events = POLLIN };
	return poll(&pfd, 1, timeout_ms) == 1;
}

static void close_and_time(struct pc_collector *c, int fd, const char *what)
{
	double t0 = now_ms();
	close(fd);
	assert_true(wait_event(c, EVENT_DEADLINE_MS));
	assert_true(pc_collector_read_events(c));
	double ms = now_ms() - t0;
	printf("    destroy event for %s: %.3f ms after close()\n", what, ms);
}

static void test_live_destroy_event_within_ms(void **state)
{
	(void)state;
	REQUIRE_NAMESPACE();
	struct bound_socket tcp4 = open_socket(SOCK_STREAM, "127.0.0.1", 0, false, false);
	struct bound_socket tcp6 = open_socket(SOCK_STREAM, "::", 0, false, false);
	struct bound_socket udp4 = open_socket(SOCK_DGRAM, "0.0.0.0", 0, false, false);
	struct bound_socket udp6 = open_socket(SOCK_DGRAM, "::1", 0, false, false);
	struct pc_collector *c = open_collector(PC_COLLECT_AUTO, false, true);
	assert_true(pc_collector_event_fd(c) >= 0);
	uint16_t watch[] = { tcp4.port, tcp6.port, udp4.port, udp6.port };
	assert_int_equal(pc_collector_set_watch_ports(c, watch, 4), 0);

	struct pc_snapshot snap = { 0 };
	poll_ok(c, &snap);
	assert_int_equal(snap.n_listeners, 4);
	assert_false(pc_collector_read_events(c));

	close_and_time(c, tcp4.fd, "tcp 127.0.0.1");
	poll_ok(c, &snap);
	assert_int_equal(snap.n_listeners, 3);
	assert_null(find(&snap, IPPROTO_TCP, "127.0.0.1", false, tcp4.port));
	close_and_time(c, tcp6.fd, "tcp *");
	close_and_time(c, udp4.fd, "udp 0.0.0.0");
	close_and_time(c, udp6.fd, "udp [::1]");
	poll_ok(c, &snap);
	assert_int_equal(snap.n_listeners, 0);
	assert_int_equal(n_logged, 0);
	pc_collector_close(c);
	pc_snapshot_clear(&snap);
}

/* A second subscriber to the TCP destroy groups, without a filter: when it
 * has seen n destroy messages for port, the kernel has broadcast them, to
 * the collector's socket too (a broadcast reaches every member at once).
 * The kernel sends destroy messages from a work queue, some time after
 * close(): this is how a test knows they have all been sent. */
static int open_destroy_observer(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	assert_true(fd >= 0);
	struct sockaddr_nl local = { .nl_family = AF_NETLINK };
	assert_int_equal(bind(fd, (struct sockaddr *)&local, sizeof(local)), 0);
	int groups[] = { SKNLGRP_INET_TCP_DESTROY, SKNLGRP_INET6_TCP_DESTROY };
	for (size_t i = 0; i < 2; i++)
		assert_int_equal(setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &groups[i],
					    sizeof(groups[i])),
				 0);
	return fd;
}

static void wait_destroy_messages(int observer, uint16_t port, int n)
{
	int seen = 0;
	char buf[16384] __attribute__((aligned(4)));
	while (seen < n) {
		struct pollfd pfd = { .fd = observer, .events = POLLIN };
		if (poll(&pfd, 1, EVENT_DEADLINE_MS) != 1)
			fail_msg("%d destroy messages for port %u, not %d", seen, port, n);
		ssize_t len = recv(observer, buf, sizeof(buf), 0);
		assert_true(len > 0);
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)len);
		     h = NLMSG_NEXT(h, len)) {
			const struct inet_diag_msg *m = NLMSG_DATA(h);
			if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(*m)) && ntohs(m->id.idiag_sport) == port)
				seen++;
		}
	}
}

/* A burst of closes reads as one "poll now". */
static void test_live_destroy_events_coalesce(void **state)
{
	(void)state;
	REQUIRE_NAMESPACE();
	struct bound_socket group[8];
	group[0] = open_socket(SOCK_STREAM, "0.0.0.0", 0, false, true);
	for (int i = 1; i < 8; i++)
		group[i] = open_socket(SOCK_STREAM, "0.0.0.0", group[0].port, false, true);
	struct pc_collector *c = open_collector(PC_COLLECT_NETLINK, false, true);
	assert_int_equal(pc_collector_set_watch_ports(c, &group[0].port, 1), 0);
	int observer = open_destroy_observer();
	for (int i = 0; i < 8; i++)
		close(group[i].fd);
	/* the whole burst has been sent: then one read drains it all */
	wait_destroy_messages(observer, group[0].port, 8);
	assert_true(wait_event(c, 0));
	assert_true(pc_collector_read_events(c));
	assert_false(wait_event(c, 0));
	assert_false(pc_collector_read_events(c));
	close(observer);
	pc_collector_close(c);
}

/* Connections ending and unwatched listeners closing never reach user
 * space: the socket filter drops them in the kernel. */
static void test_live_events_filtered_in_kernel(void **state)
{
	(void)state;
	REQUIRE_NAMESPACE();
	struct bound_socket watched = open_socket(SOCK_STREAM, "127.0.0.1", 0, false, false);
	struct bound_socket unwatched = open_socket(SOCK_STREAM, "127.0.0.1", 0, false, false);
	struct pc_collector *c = open_collector(PC_COLLECT_NETLINK, false, true);
	assert_int_equal(pc_collector_set_watch_ports(c, &watched.port, 1), 0);

	for (int i = 0; i < 20; i++) {
		int client = connect_to("127.0.0.1", watched.port);
		int server = accept(watched.fd, NULL, NULL);
		close(server); /* the server end has the watched port locally */
		close(client);
	}
	int udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(watched.port) };
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	connect(udp, (struct sockaddr *)&to, sizeof(to));
	close(udp);
	close(unwatched.fd);
	assert_false(wait_event(c, 200));
	assert_false(pc_collector_read_events(c));

	/* Positive control: the watched listener itself. */
	close(watched.fd);
	assert_true(wait_event(c, EVENT_DEADLINE_MS));
	assert_true(pc_collector_read_events(c));
	pc_collector_close(c);
}

/* Watching "any port" (n == 0) still filters connections out. */
static void test_live_events_any_port(void **state)
{
	(void)state;
	REQUIRE_NAMESPACE();
	struct bound_socket l = open_socket(SOCK_STREAM, "127.0.0.1", 0, false, false);
	struct pc_collector *c = open_collector(PC_COLLECT_NETLINK, false, true);
	int client = connect_to("127.0.0.1", l.port);
	int server = accept(l.fd, NULL, NULL);
	close(server);
	close(client);
	assert_false(wait_event(c, 200));
	close(l.fd);
	assert_true(wait_event(c, EVENT_DEADLINE_MS));
	assert_true(pc_collector_read_events(c));
	pc_collector_close(c);
}

/* ---- refusals ---------------------------------------------------------- */

static void test_live_subscription_refused_injected(void **state)
{
	(void)state;
	REQUIRE_NAMESPACE();
	struct bound_socket l = open_socket(SOCK_STREAM, "127.0.0.1", 0, false, false);
	refuse_memberships = EPERM;
	struct pc_collector *c = open_collector(PC_COLLECT_AUTO, false, true);
	assert_int_equal(pc_collector_event_fd(c), -1);
	assert_int_equal(pc_collector_set_watch_ports(c, &l.port, 1), 0);
	assert_false(pc_collector_read_events(c));
	struct pc_snapshot snap = { 0 };
	for (int i = 0; i < 3; i++) {
		poll_ok(c, &snap);
		assert_int_equal(snap.source, PC_SOURCE_NETLINK);
		assert_non_null(find(&snap, IPPROTO_TCP, "127.0.0.1", false, l.port));
	}
	close(l.fd);
	poll_ok(c, &snap);
	assert_null(find(&snap, IPPROTO_TCP, "127.0.0.1", false, l.port));
	assert_int_equal(n_logged, 1);
	assert_non_null(strstr(logged[0], "no socket destroy events"));
	assert_non_null(strstr(logged[0], "Operation not permitted"));
	pc_collector_close(c);
	pc_snapshot_clear(&snap);
}

/* seccomp: make the kernel refuse one system call with EPERM, for this
 * process only (and for good: the tests below run it in a child). */
struct deny {
	int nr; /* system call */
	int arg; /* -1: any arguments; else the index of the argument... */
	uint32_t value; /* ...that must equal this (low 32 bits) */
};

#if defined(__x86_64__)
#define PC_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define PC_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

static int install_deny(const struct deny *d)
{
#ifdef PC_AUDIT_ARCH
	const uint32_t arg_off = d->arg < 0 ? (uint32_t)offsetof(struct seccomp_data, nr)
					    : (uint32_t)(offsetof(struct seccomp_data, args) +
							 8 * (size_t)d->arg +
							 (__BYTE_ORDER == __LITTLE_ENDIAN ? 0 : 4));
	/* Other architectures and other calls: allowed. The call: denied when
	 * arg < 0, else when its argument equals value. (With arg < 0 the
	 * argument test compares nr, never 0, and falls through to deny.) */
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PC_AUDIT_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)d->nr, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, arg_off),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, d->value, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, d->arg < 0 ? SECCOMP_RET_ERRNO | EPERM : SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
#else
	(void)d;
	errno = ENOSYS;
	return -1;
#endif
}

/* Children report by exit status; cmocka's asserts would unwind into the
 * child's copy of the test runner. */
#define CHILD_CHECK(cond)                                                                     \
	do {                                                                                  \
		if (!(cond)) {                                                                \
			fprintf(stderr, "child check failed at line %d: %s\n", __LINE__,      \
				#cond);                                                       \
			_exit(1);                                                             \
		}                                                                             \
	} while (0)

typedef void (*child_body)(uint16_t port);

/* body runs in a child, given the port of a TCP listener on 127.0.0.1
 * that every poll it makes must see. */
static void run_beside_a_listener(child_body body)
{
#ifndef PC_AUDIT_ARCH
	skip();
#endif
	struct bound_socket l = open_socket(SOCK_STREAM, "127.0.0.1", 0, false, false);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		body(l.port);
		_exit(0);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(l.fd);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static bool child_sees(const struct pc_snapshot *snap, uint16_t port)
{
	for (size_t i = 0; i < snap->n_listeners; i++)
		if (snap->listeners[i].local.port == port)
			return true;
	return false;
}

/* The kernel refuses the group membership: no events, polls go on. */
static void child_subscription_refused(uint16_t port)
{
	struct deny d = { SYS_setsockopt, 1, SOL_NETLINK };
	char err[256];
	CHILD_CHECK(install_deny(&d) == 0);
	struct pc_collector_options o = { .mode = PC_COLLECT_AUTO, .watch_destroy = true };
	struct pc_collector *c = pc_collector_open(&o, err, sizeof(err));
	CHILD_CHECK(c != NULL);
	CHILD_CHECK(pc_collector_event_fd(c) == -1);
	struct pc_snapshot snap = { 0 };
	for (int i = 0; i < 3; i++) {
		CHILD_CHECK(pc_collector_poll(c, &snap, err, sizeof(err)) == 0);
		CHILD_CHECK(snap.source == PC_SOURCE_NETLINK);
		CHILD_CHECK(child_sees(&snap, port));
	}
	CHILD_CHECK(n_logged == 1);
	CHILD_CHECK(strstr(logged[0], "NETLINK_ADD_MEMBERSHIP") != NULL);
	CHILD_CHECK(strstr(logged[0], "Operation not permitted") != NULL);
	pc_collector_close(c);
	pc_snapshot_clear(&snap);
}

/* The kernel refuses netlink sockets altogether: auto mode reads /proc,
 * netlink mode fails with the reason. */
static void child_netlink_refused(uint16_t port)
{
	struct deny d = { SYS_socket, 0, AF_NETLINK };
	char err[256];
	CHILD_CHECK(install_deny(&d) == 0);
	struct pc_collector_options o = { .mode = PC_COLLECT_NETLINK };
	CHILD_CHECK(pc_collector_open(&o, err, sizeof(err)) == NULL);
	CHILD_CHECK(strstr(err, "NETLINK_SOCK_DIAG") != NULL);
	o.mode = PC_COLLECT_AUTO;
	o.watch_destroy = true;
	struct pc_collector *c = pc_collector_open(&o, err, sizeof(err));
	CHILD_CHECK(c != NULL);
	struct pc_snapshot snap = { 0 };
	for (int i = 0; i < 3; i++) {
		CHILD_CHECK(pc_collector_poll(c, &snap, err, sizeof(err)) == 0);
		CHILD_CHECK(snap.source == PC_SOURCE_PROCFS);
		CHILD_CHECK(pc_collector_source(c) == PC_SOURCE_PROCFS);
		CHILD_CHECK(child_sees(&snap, port));
	}
	/* One line for the dump socket, one for the event socket, one for
	 * the addresses (getifaddrs needs netlink too): once, not per poll. */
	CHILD_CHECK(n_logged == 3);
	CHILD_CHECK(strstr(logged[0], "netlink refused") != NULL);
	CHILD_CHECK(strstr(logged[1], "no socket destroy events") != NULL);
	CHILD_CHECK(strstr(logged[2], "addresses are unknown") != NULL);
	CHILD_CHECK(!snap.interfaces_known);
	pc_collector_close(c);
	pc_snapshot_clear(&snap);
}

/* Netlink works, then fails: the poll that fails is served from /proc,
 * and so are the next ones, with one log line for the switch. */
static void child_netlink_fails_mid_run(uint16_t port)
{
	char err[256];
	struct pc_collector_options o = { .mode = PC_COLLECT_AUTO };
	struct pc_collector *c = pc_collector_open(&o, err, sizeof(err));
	CHILD_CHECK(c != NULL);
	struct pc_snapshot snap = { 0 };
	CHILD_CHECK(pc_collector_poll(c, &snap, err, sizeof(err)) == 0);
	CHILD_CHECK(snap.source == PC_SOURCE_NETLINK);
	struct deny d = { SYS_sendto, -1, 0 };
	CHILD_CHECK(install_deny(&d) == 0);
	for (int i = 0; i < 3; i++) {
		CHILD_CHECK(pc_collector_poll(c, &snap, err, sizeof(err)) == 0);
		CHILD_CHECK(snap.source == PC_SOURCE_PROCFS);
		CHILD_CHECK(child_sees(&snap, port));
	}
	CHILD_CHECK(n_logged == 1);
	CHILD_CHECK(strstr(logged[0], "netlink failed (sendto(NETLINK_SOCK_DIAG") != NULL);
	/* No link or address changed: their last dump still serves (it is
	 * redone only after a change notification). */
	CHILD_CHECK(snap.interfaces_known);
	pc_collector_close(c);
	pc_snapshot_clear(&snap);
}

static void test_live_subscription_refused_by_kernel(void **state)
{
	(void)state;
	REQUIRE_NAMESPACE();
	run_beside_a_listener(child_subscription_refused);
}

static void test_live_netlink_refused(void **state)
{
	(void)state;
	REQUIRE_NAMESPACE();
	run_beside_a_listener(child_netlink_refused);
}

static void test_live_netlink_fails_mid_run(void **state)
{
	(void)state;
	REQUIRE_NAMESPACE();
	run_beside_a_listener(child_netlink_fails_mid_run);
}

int main(void)
{
	char err[256];
	in_namespace = netns_enter_private(err, sizeof(err)) == 0;
	if (!in_namespace)
		printf("skipping the live collector tests: %s\n", err);
	int fd = open("/proc/self/comm", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, own_comm, sizeof(own_comm) - 1);
		close(fd);
		if (n > 0 && own_comm[n - 1] == '\n')
			n--;
		own_comm[n > 0 ? n : 0] = '\0';
	}
	const struct CMUnitTest tests[] = {
		LIVE_TEST(test_live_listener_mix),
		LIVE_TEST(test_live_owner_uid),
		LIVE_TEST(test_live_devices_and_addresses),
		LIVE_TEST(test_live_connect_ports),
		LIVE_TEST(test_live_destroy_event_within_ms),
		LIVE_TEST(test_live_destroy_events_coalesce),
		LIVE_TEST(test_live_events_filtered_in_kernel),
		LIVE_TEST(test_live_events_any_port),
		LIVE_TEST(test_live_subscription_refused_injected),
		LIVE_TEST(test_live_subscription_refused_by_kernel),
		LIVE_TEST(test_live_netlink_refused),
		LIVE_TEST(test_live_netlink_fails_mid_run),
	};
	return cmocka_run_group_tests_name("collect_live", tests, NULL, NULL);
}
