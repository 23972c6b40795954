/* SPDX-License-Identifier: ISC */
/* procnet.c: the /proc/net parser on recorded and hand-made files
 * (malformed ones included), the dual-stack guess, the kernel's ephemeral
 * port range and reserved ports, and the collector's procfs mode end to
 * end. Fixtures: tests/fixtures/collect (see
 * make-proc-fixtures.sh and record.sh there). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "collect/collect.h"
#include "collect/collect_internal.h"
#include "collect_test_util.h"
#include "util/log.h"
#include "log_capture.h"

/* ---- line parser ------------------------------------------------------- */

static void test_parse_line_v4(void **state)
{
	(void)state;
	struct pc_procnet_entry e;
	assert_int_equal(pc_procnet_parse_line("   0: 0100007F:0016 0200000A:C350 01 00000000:00000000 "
					       "00:00000000 00000000  1001        0 12345 1 "
					       "0000000000000000 100 0 0 10 0",
					       AF_INET, &e),
			 0);
	char text[INET6_ADDRSTRLEN];
	assert_string_equal(inet_ntop(AF_INET, e.local_addr, text, sizeof(text)), "127.0.0.1");
	assert_int_equal(e.local_port, 22);
	assert_string_equal(inet_ntop(AF_INET, e.remote_addr, text, sizeof(text)), "10.0.0.2");
	assert_int_equal(e.remote_port, 50000);
	assert_int_equal(e.state, PC_TCP_ESTABLISHED);
	assert_int_equal(e.uid, 1001);
	assert_int_equal(e.inode, 12345);
}

static void test_parse_line_v6(void **state)
{
	(void)state;
	struct pc_procnet_entry e;
	/* udp6 lines carry "ref pointer drops" after the inode; a negative
	 * timeout appears for some states. */
	assert_int_equal(pc_procnet_parse_line(" 4801: 0000000000000000FFFF00000100007F:9CAA "
					       "00000000000000000000000000000000:0000 07 "
					       "00000000:00000000 00:00000000 00000000  1000        -1 "
					       "19909 2 00000000691d 0",
					       AF_INET6, &e),
			 0);
	char text[INET6_ADDRSTRLEN];
	assert_string_equal(inet_ntop(AF_INET6, e.local_addr, text, sizeof(text)),
			    "::ffff:127.0.0.1");
	assert_int_equal(e.local_port, 40106);
	assert_int_equal(e.state, PC_TCP_CLOSE);
	assert_int_equal(e.inode, 19909);

	assert_int_equal(pc_procnet_parse_line("   6: 00000000000000000000000001000000:9C43 "
					       "00000000000000000000000000000000:0000 0A "
					       "00000000:00000001 00:00000000 00000000     0        0 "
					       "19895 2 000000006e691",
					       AF_INET6, &e),
			 0);
	assert_string_equal(inet_ntop(AF_INET6, e.local_addr, text, sizeof(text)), "::1");
}

static void test_parse_line_rejects(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"",
		"  sl  local_address rem_address   st tx_queue",
		"   0: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0",
		"   0: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 x",
		"   0 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1",
		"   0: 0100007F:016 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1",
		"   0: 0100007F:0016 00000000:0000 A 00000000:00000000 00:00000000 00000000 0 0 1",
		"   0: 0100007F:0016 00000000:0000 0A 0000000000000000 00:00000000 00000000 0 0 1",
		"   0: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 "
		"99999999999999999999",
		"   0: 0100007F 0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1",
	};
	struct pc_procnet_entry e;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (pc_procnet_parse_line(bad[i], AF_INET, &e) != -1)
			fail_msg("accepted: '%s'", bad[i]);
	/* The right length for the other family only. */
	assert_int_equal(pc_procnet_parse_line("   0: 0100007F:0016 00000000:0000 0A 00000000:00000000 "
					       "00:00000000 00000000 0 0 1",
					       AF_INET6, &e),
			 -1);
}

/* ---- reading files ----------------------------------------------------- */

/* A snapshot as the reader fills it in, with the reader's two messages,
 * for the tests of the reader and of the dual-stack guess that follows
 * it; the teardown frees the snapshot whatever the test's outcome. */
struct tree_read {
	struct pc_snapshot snap;
	char first_bad[512], err[512];
};

static int tree_read_new(void **state)
{
	*state = calloc(1, sizeof(struct tree_read));
	return *state != NULL ? 0 : -1;
}

static int tree_read_free(void **state)
{
	struct tree_read *r = *state;
	pc_snapshot_clear(&r->snap);
	free(r);
	return 0;
}

/* One read of a fixture tree into r; connections on ports when connect. */
static int read_tree(struct tree_read *r, const char *tree, bool connect, const uint16_t *ports,
		     size_t n)
{
	char root[4096];
	struct pc_port_set set;
	fixture_path(root, sizeof(root), tree);
	pc_port_set_assign(&set, ports, n);
	return pc_procnet_read(root, connect ? &set : NULL, &r->snap, r->first_bad,
			       sizeof(r->first_bad), r->err, sizeof(r->err));
}

/* The /proc files recorded beside the netlink dumps give the same listeners,
 * save the one thing /proc cannot say (see test_v6only_guess). */
static void test_recorded_proc_matches_netlink(void **state)
{
	struct tree_read *r = *state;
	const uint16_t ports[] = { 40001, 40003 };
	assert_int_equal(read_tree(r, "mix/proc", true, ports, 2), 0);
	assert_string_equal(r->first_bad, "");
	pc_procnet_guess_v6only(&r->snap, false);
	pc_snapshot_finish(&r->snap);
	assert_int_equal(r->snap.errors, 0);

	/* /proc cannot tell that a v6-only wildcard is v6-only: with no IPv4
	 * wildcard on its port, it is guessed dual-stack. In the recording
	 * those are TCP 40005 and 40008 and UDP 40105; 40007 (beside
	 * 0.0.0.0:40007) is guessed right. */
	static const char *const guessed_wrong[][2] = {
		{ "tcp [::] 40005 1\n", "tcp * 40005 1\n" },
		{ "tcp [::] 40008 2\n", "tcp * 40008 2\n" },
		{ "udp [::] 40105 1\n", "udp * 40105 1\n" },
	};
	char *expected = read_fixture("mix/expected.txt", NULL);
	char **lines = calloc(400, sizeof(*lines));
	size_t n = 0;
	for (char *line = strtok(expected, "\n"); line != NULL; line = strtok(NULL, "\n")) {
		lines[n] = malloc(strlen(line) + 2);
		sprintf(lines[n], "%s\n", line);
		for (size_t i = 0; i < 3; i++)
			if (strcmp(lines[n], guessed_wrong[i][0]) == 0)
				strcpy(lines[n], guessed_wrong[i][1]);
		n++;
	}
	char *want = join_sorted(lines, n);
	char *got = listeners_text(&r->snap);
	assert_string_equal(got, want);
	free(want);
	free(got);
	free(expected);

	assert_fixture_text(connections_text(&r->snap), "mix/expected-connections.txt");
}

static void test_malformed_lines_skipped_and_counted(void **state)
{
	struct tree_read *r = *state;
	assert_int_equal(read_tree(r, "proc-malformed", false, NULL, 0), 0);
	pc_procnet_guess_v6only(&r->snap, false);
	pc_snapshot_finish(&r->snap);
	char *got = listeners_text(&r->snap);
	assert_string_equal(got, "tcp * 8103 1\n"
				 "tcp 127.0.0.1 8001 1\n"
				 "tcp 127.0.0.1 8006 1\n"
				 "tcp 127.0.0.1 8009 1\n"
				 "tcp 127.0.0.1 8015 1\n"
				 "tcp [::1] 8101 1\n"
				 "udp 127.0.0.1 8201 1\n"
				 "udp 127.0.0.1 8203 1\n");
	free(got);
	/* 14 in tcp, 1 in tcp6, 1 in udp. */
	assert_int_equal(r->snap.errors, 16);
	/* The first one, named by file and line (line 3: after the header
	 * and the first good line). */
	assert_non_null(strstr(r->first_bad, "proc-malformed/net/tcp:3: malformed line"));
}

/* The kernel prints TCP listeners before established sockets: without
 * connect rules the reader stops after a run of established lines; with
 * them it must read on. */
static void test_stops_after_listening_section(void **state)
{
	struct tree_read *r = *state;
	assert_int_equal(read_tree(r, "proc-order", false, NULL, 0), 0);
	pc_snapshot_finish(&r->snap);
	assert_int_equal(r->snap.n_listeners, 1);
	assert_int_equal(r->snap.listeners[0].local.port, 9001);
	pc_snapshot_reset(&r->snap);

	const uint16_t ports[] = { 9001 };
	assert_int_equal(read_tree(r, "proc-order", true, ports, 1), 0);
	pc_snapshot_finish(&r->snap);
	assert_int_equal(r->snap.n_listeners, 2);
	assert_int_equal(r->snap.n_connections, 1);
	assert_int_equal(r->snap.connections[0].count, 20);
}

static void test_missing_files(void **state)
{
	struct tree_read *r = *state;
	/* tcp6 and udp6 absent (IPv6 off): fine. udp absent: an error that
	 * names the file. */
	assert_int_equal(read_tree(r, "proc-missing", false, NULL, 0), -1);
	assert_non_null(strstr(r->err, "proc-missing/net/udp: No such file"));
	pc_snapshot_reset(&r->snap);
	assert_int_equal(read_tree(r, "no-such-tree", false, NULL, 0), -1);
	assert_non_null(strstr(r->err, "no-such-tree/net/tcp"));
}

static void add_wild6(struct pc_snapshot *snap, uint8_t proto, uint16_t port)
{
	static const uint8_t zero[16];
	struct pc_listen_socket socket = { .inode = port };
	pc_endpoint_set(&socket.local, proto, AF_INET6, zero, false, 0, port);
	pc_snapshot_add_listener(snap, &socket);
}

static void add_wild4(struct pc_snapshot *snap, uint8_t proto, uint16_t port)
{
	static const uint8_t zero[4];
	struct pc_listen_socket socket = { .inode = 100000u + port };
	pc_endpoint_set(&socket.local, proto, AF_INET, zero, false, 0, port);
	pc_snapshot_add_listener(snap, &socket);
}

static void test_v6only_guess(void **state)
{
	struct tree_read *r = *state;
	add_wild6(&r->snap, IPPROTO_TCP, 80); /* alone: dual-stack */
	add_wild6(&r->snap, IPPROTO_TCP, 22); /* beside 0.0.0.0:22: v6-only */
	add_wild4(&r->snap, IPPROTO_TCP, 22);
	add_wild6(&r->snap, IPPROTO_UDP, 22); /* UDP 22 has no IPv4 wildcard */
	add_wild4(&r->snap, IPPROTO_UDP, 53);
	pc_procnet_guess_v6only(&r->snap, false);
	pc_snapshot_finish(&r->snap);
	char *got = listeners_text(&r->snap);
	assert_string_equal(got, "tcp * 80 1\n"
				 "tcp 0.0.0.0 22 1\n"
				 "tcp [::] 22 1\n"
				 "udp * 22 1\n"
				 "udp 0.0.0.0 53 1\n");
	free(got);
	pc_snapshot_reset(&r->snap);

	/* net.ipv6.bindv6only = 1: every wildcard is v6-only. */
	add_wild6(&r->snap, IPPROTO_TCP, 80);
	pc_procnet_guess_v6only(&r->snap, true);
	pc_snapshot_finish(&r->snap);
	got = listeners_text(&r->snap);
	assert_string_equal(got, "tcp [::] 80 1\n");
	free(got);
}

/* ---- the collector in procfs mode -------------------------------------- */

static void test_collector_procfs_mode(void **state)
{
	(void)state;
	char err[256];
	struct pc_collector *c = procfs_collector("procroot", true);
	assert_int_equal(pc_collector_source(c), PC_SOURCE_NONE);
	assert_int_equal(pc_collector_event_fd(c), -1);
	assert_false(pc_collector_read_events(c));

	const uint16_t ports[] = { 1433, 22, 1433 };
	assert_int_equal(pc_collector_set_connect_ports(c, ports, 3), 0);
	struct pc_snapshot snap = { 0 };
	assert_int_equal(pc_collector_poll(c, &snap, err, sizeof(err)), 0);
	assert_int_equal(snap.source, PC_SOURCE_PROCFS);
	assert_int_equal(pc_collector_source(c), PC_SOURCE_PROCFS);
	assert_int_equal(snap.errors, 0);
	assert_true(snap.taken_at.tv_sec > 0);
	char *got = listeners_with_processes(&snap);
	assert_string_equal(got, procroot_listeners);
	free(got);
	got = connections_text(&snap);
	assert_string_equal(got, "tcp 10.0.0.2 1433 2\n"
				 "tcp 127.0.0.1 22 1\n"
				 "tcp [::1] 1433 1\n");
	free(got);

	/* Without connect ports, no connections; the same snapshot reused. */
	assert_int_equal(pc_collector_set_connect_ports(c, NULL, 0), 0);
	assert_int_equal(pc_collector_poll(c, &snap, err, sizeof(err)), 0);
	assert_int_equal(snap.n_connections, 0);
	assert_int_equal(snap.n_listeners, 11);

	uint16_t too_many[1025] = { 0 };
	assert_int_equal(pc_collector_set_connect_ports(c, too_many, 1025), -1);
	assert_int_equal(errno, E2BIG);
	pc_collector_close(c);
	pc_snapshot_clear(&snap);
}

/* Malformed lines: counted in every poll, logged once while they last. */
static void test_collector_logs_malformed_once(void **state)
{
	(void)state;
	char err[256];
	struct pc_collector *c = procfs_collector("proc-malformed", false);
	struct pc_snapshot snap = { 0 };
	for (int i = 0; i < 3; i++) {
		assert_int_equal(pc_collector_poll(c, &snap, err, sizeof(err)), 0);
		assert_int_equal(snap.errors, 16);
		assert_int_equal(snap.n_listeners, 8);
	}
	assert_int_equal(n_logged, 1);
	assert_non_null(strstr(logged[0], "net/tcp:3: malformed line skipped (16 skipped"));
	pc_collector_close(c);
	pc_snapshot_clear(&snap);
}

static void test_collector_procfs_failure(void **state)
{
	(void)state;
	char err[256];
	struct pc_collector *c = procfs_collector("proc-missing", false);
	struct pc_snapshot snap = { 0 };
	assert_int_equal(pc_collector_poll(c, &snap, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "net/udp"));
	assert_int_equal(snap.n_listeners, 0);
	pc_collector_close(c);
	pc_snapshot_clear(&snap);
}

/* ---- the ports the kernel hands out by itself ------------------------- */

static void test_parse_port_range(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		uint16_t first, last;
	} good[] = {
		{ "32768\t60999\n", 32768, 60999 }, /* as the kernel writes it */
		{ "1024 65535", 1024, 65535 },
		{ "  5000  5000 \n", 5000, 5000 },
		{ "0\t0\n", 0, 0 },
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		uint16_t first = 1, last = 1;
		assert_int_equal(pc_procnet_parse_port_range(good[i].text, &first, &last), 0);
		assert_int_equal(first, good[i].first);
		assert_int_equal(last, good[i].last);
	}
	static const char *const bad[] = {
		"", "\n", "32768", "32768\n", "60999 32768", "32768 65536", "99999 100000",
		"a b", "32768 60999 1", "-1 5", "32768\t60999\nx", "32768,60999", "032768 060999",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint16_t first, last;
		if (pc_procnet_parse_port_range(bad[i], &first, &last) != -1)
			fail_msg("'%s' was taken for a port range", bad[i]);
	}
}

static bool bit(const uint64_t *set, unsigned port)
{
	return (set[port / 64] >> (port % 64) & 1) != 0;
}

static void test_parse_reserved_ports(void **state)
{
	(void)state;
	static uint64_t set[65536 / 64];
	memset(set, 0xff, sizeof(set));
	assert_int_equal(pc_procnet_parse_reserved_ports("\n", set), 0); /* none, as written */
	for (unsigned port = 0; port < 65536; port++)
		assert_false(bit(set, port));
	assert_int_equal(pc_procnet_parse_reserved_ports("", set), 0);
	assert_int_equal(pc_procnet_parse_reserved_ports("8080,9148-9149,65535\n", set), 0);
	for (unsigned port = 0; port < 65536; port++)
		if (bit(set, port) != (port == 8080 || port == 9148 || port == 9149 || port == 65535))
			fail_msg("port %u reserved: %d", port, bit(set, port));
	assert_int_equal(pc_procnet_parse_reserved_ports("1-65535", set), 0);
	assert_true(bit(set, 1) && bit(set, 65535) && !bit(set, 0));

	static const char *const bad[] = {
		"8080,", ",8080", "9149-9148", "65536", "80 81", "8080\n\n", "80--81", "80-",
		"-80", "80,,81", "x", "100000",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (pc_procnet_parse_reserved_ports(bad[i], set) != -1)
			fail_msg("'%s' was taken for a list of ports", bad[i]);
}

static uint8_t ephemeral_of(const struct pc_snapshot *snap, uint8_t proto, uint16_t port)
{
	for (size_t i = 0; i < snap->n_listeners; i++)
		if (snap->listeners[i].local.proto == proto && snap->listeners[i].local.port == port)
			return snap->listeners[i].ephemeral;
	fail_msg("no listener %u/%u", proto, port);
	return 0xff;
}

/* Each UDP row says where its port lies: outside the range, inside it,
 * inside but reserved; TCP rows are not asked. Read at every poll. */
static void test_collector_marks_ephemeral_ports(void **state)
{
	(void)state;
	char err[256];
	struct pc_collector *c = procfs_collector("proc-ephemeral", false);
	struct pc_snapshot snap = { 0 };
	assert_int_equal(pc_collector_poll(c, &snap, err, sizeof(err)), 0);
	assert_int_equal(snap.n_listeners, 9); /* the connected socket is none */
	assert_int_equal(ephemeral_of(&snap, IPPROTO_TCP, 40001), PC_EPHEMERAL_NOT_UDP);
	assert_int_equal(ephemeral_of(&snap, IPPROTO_UDP, 123), PC_EPHEMERAL_OUTSIDE);
	assert_int_equal(ephemeral_of(&snap, IPPROTO_UDP, 61000), PC_EPHEMERAL_OUTSIDE);
	assert_int_equal(ephemeral_of(&snap, IPPROTO_UDP, 32768), PC_EPHEMERAL_INSIDE);
	assert_int_equal(ephemeral_of(&snap, IPPROTO_UDP, 60999), PC_EPHEMERAL_INSIDE);
	assert_int_equal(ephemeral_of(&snap, IPPROTO_UDP, 40000), PC_EPHEMERAL_INSIDE);
	assert_int_equal(ephemeral_of(&snap, IPPROTO_UDP, 39500), PC_EPHEMERAL_INSIDE);
	assert_int_equal(ephemeral_of(&snap, IPPROTO_UDP, 45000), PC_EPHEMERAL_RESERVED);
	assert_int_equal(ephemeral_of(&snap, IPPROTO_UDP, 46005), PC_EPHEMERAL_RESERVED);
	assert_int_equal(n_logged, 0);
	pc_collector_close(c);
	pc_snapshot_clear(&snap);
}

/* A range that cannot be read: every UDP row unknown (so every one counts
 * as a listener), said once while it lasts. */
static void test_collector_unknown_range(void **state)
{
	(void)state;
	char err[256];
	struct pc_collector *c = procfs_collector("proc-range-bad", false);
	struct pc_snapshot snap = { 0 };
	for (int i = 0; i < 2; i++) {
		assert_int_equal(pc_collector_poll(c, &snap, err, sizeof(err)), 0);
		assert_int_equal(ephemeral_of(&snap, IPPROTO_UDP, 40000), PC_EPHEMERAL_UNKNOWN);
		assert_int_equal(ephemeral_of(&snap, IPPROTO_UDP, 123), PC_EPHEMERAL_UNKNOWN);
		assert_int_equal(ephemeral_of(&snap, IPPROTO_TCP, 40001), PC_EPHEMERAL_NOT_UDP);
	}
	assert_int_equal(n_logged, 1);
	assert_non_null(strstr(logged[0], "ip_local_port_range"));
	assert_non_null(strstr(logged[0], "every bound UDP socket counts as a listener"));
	pc_collector_close(c);
	pc_snapshot_clear(&snap);
}

/* A reserved list longer than a small read: every other port of
 * 32768-60000 (about 80 KiB, as the kernel would write it). */
static void test_long_reserved_list(void **state)
{
	(void)state;
	char root[] = "/tmp/pc-procnet.XXXXXX", path[256];
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/sys", root);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/sys/net", root);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/sys/net/ipv4", root);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/sys/net/ipv4/ip_local_port_range", root);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("32768\t60999\n", f);
	assert_int_equal(fclose(f), 0);
	snprintf(path, sizeof(path), "%s/sys/net/ipv4/ip_local_reserved_ports", root);
	f = fopen(path, "w");
	assert_non_null(f);
	for (unsigned port = 32768; port <= 60000; port += 2)
		fprintf(f, "%s%u", port == 32768 ? "" : ",", port);
	fputs("\n", f);
	assert_int_equal(fclose(f), 0);

	static struct pc_ephemeral_ports ports;
	char err[256];
	assert_int_equal(pc_procnet_read_ephemeral(root, &ports, err, sizeof(err)), 0);
	assert_int_equal(ports.first, 32768);
	assert_int_equal(ports.last, 60999);
	for (unsigned port = 32700; port < 60100; port++)
		if (bit(ports.reserved, port) != (port >= 32768 && port <= 60000 && port % 2 == 0))
			fail_msg("port %u reserved: %d", port, bit(ports.reserved, port));
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

#define READING(test) cmocka_unit_test_setup_teardown(test, tree_read_new, tree_read_free)
#define LOGGED(test) cmocka_unit_test_setup_teardown(test, log_capture_setup, log_capture_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_line_v4),
		cmocka_unit_test(test_parse_line_v6),
		cmocka_unit_test(test_parse_line_rejects),
		READING(test_recorded_proc_matches_netlink),
		READING(test_malformed_lines_skipped_and_counted),
		READING(test_stops_after_listening_section),
		READING(test_missing_files),
		READING(test_v6only_guess),
		cmocka_unit_test(test_collector_procfs_mode),
		cmocka_unit_test_setup_teardown(test_collector_logs_malformed_once,
						log_capture_setup, log_capture_teardown),
		cmocka_unit_test(test_collector_procfs_failure),
		cmocka_unit_test(test_parse_port_range),
		cmocka_unit_test(test_parse_reserved_ports),
		cmocka_unit_test(test_long_reserved_list),
		LOGGED(test_collector_marks_ephemeral_ports),
		LOGGED(test_collector_unknown_range),
	};
	return cmocka_run_group_tests_name("collect_procnet", tests, NULL, NULL);
}
