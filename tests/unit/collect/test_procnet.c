/* collect_procnet.c and collect_procmap.c: the /proc/net parser on recorded and
 * hand-made files (malformed ones included), the dual-stack guess, the
 * inode -> process map on a fake /proc tree, and the collector's procfs
 * mode end to end. Fixtures: tests/fixtures/collect (see
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
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli_listeners.h"
#include "collect/collect.h"
#include "collect/collect_internal.h"
#include "collect_test_util.h"
#include "util/log.h"
#include "log_capture.h"


static int setup_log(void **state)
{
	(void)state;
	log_capture_start();
	return 0;
}

static int teardown_log(void **state)
{
	(void)state;
	log_capture_stop();
	return 0;
}

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

static int read_tree(const char *tree, bool connect, const uint16_t *ports, size_t n,
		     struct pc_snapshot *snap, char *first_bad, size_t first_bad_len, char *err,
		     size_t errlen)
{
	char root[4096];
	struct pc_port_set set;
	fixture_path(root, sizeof(root), tree);
	pc_port_set_assign(&set, ports, n);
	return pc_procnet_read(root, connect ? &set : NULL, snap, first_bad, first_bad_len, err,
			       errlen);
}

/* The /proc files recorded beside the netlink dumps give the same listeners,
 * save the one thing /proc cannot say (see test_v6only_guess). */
static void test_recorded_proc_matches_netlink(void **state)
{
	(void)state;
	struct pc_snapshot snap = { 0 };
	char first_bad[512], err[512];
	const uint16_t ports[] = { 40001, 40003 };
	assert_int_equal(read_tree("mix/proc", true, ports, 2, &snap, first_bad, sizeof(first_bad),
				   err, sizeof(err)),
			 0);
	assert_string_equal(first_bad, "");
	pc_procnet_guess_v6only(&snap, false);
	pc_snapshot_finish(&snap);
	assert_int_equal(snap.errors, 0);

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
	char *got = listeners_text(&snap);
	assert_string_equal(got, want);
	free(want);
	free(got);
	free(expected);

	char *conns = read_fixture("mix/expected-connections.txt", NULL);
	got = connections_text(&snap);
	assert_string_equal(got, conns);
	free(got);
	free(conns);
	pc_snapshot_clear(&snap);
}

static void test_malformed_lines_skipped_and_counted(void **state)
{
	(void)state;
	struct pc_snapshot snap = { 0 };
	char first_bad[512], err[512];
	assert_int_equal(read_tree("proc-malformed", false, NULL, 0, &snap, first_bad,
				   sizeof(first_bad), err, sizeof(err)),
			 0);
	pc_procnet_guess_v6only(&snap, false);
	pc_snapshot_finish(&snap);
	char *got = listeners_text(&snap);
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
	assert_int_equal(snap.errors, 16);
	/* The first one, named by file and line (line 3: after the header
	 * and the first good line). */
	assert_non_null(strstr(first_bad, "proc-malformed/net/tcp:3: malformed line"));
	pc_snapshot_clear(&snap);
}

/* The kernel prints TCP listeners before established sockets: without
 * connect rules the reader stops after a run of established lines; with
 * them it must read on. */
static void test_stops_after_listening_section(void **state)
{
	(void)state;
	struct pc_snapshot snap = { 0 };
	char first_bad[512], err[512];
	assert_int_equal(read_tree("proc-order", false, NULL, 0, &snap, first_bad,
				   sizeof(first_bad), err, sizeof(err)),
			 0);
	pc_snapshot_finish(&snap);
	assert_int_equal(snap.n_listeners, 1);
	assert_int_equal(snap.listeners[0].local.port, 9001);
	pc_snapshot_reset(&snap);

	const uint16_t ports[] = { 9001 };
	assert_int_equal(read_tree("proc-order", true, ports, 1, &snap, first_bad,
				   sizeof(first_bad), err, sizeof(err)),
			 0);
	pc_snapshot_finish(&snap);
	assert_int_equal(snap.n_listeners, 2);
	assert_int_equal(snap.n_connections, 1);
	assert_int_equal(snap.connections[0].count, 20);
	pc_snapshot_clear(&snap);
}

static void test_missing_files(void **state)
{
	(void)state;
	struct pc_snapshot snap = { 0 };
	char first_bad[512], err[512];
	/* tcp6 and udp6 absent (IPv6 off): fine. udp absent: an error that
	 * names the file. */
	assert_int_equal(read_tree("proc-missing", false, NULL, 0, &snap, first_bad,
				   sizeof(first_bad), err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "proc-missing/net/udp: No such file"));
	pc_snapshot_reset(&snap);
	assert_int_equal(read_tree("no-such-tree", false, NULL, 0, &snap, first_bad,
				   sizeof(first_bad), err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "no-such-tree/net/tcp"));
	pc_snapshot_clear(&snap);
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
	(void)state;
	struct pc_snapshot snap = { 0 };
	add_wild6(&snap, IPPROTO_TCP, 80); /* alone: dual-stack */
	add_wild6(&snap, IPPROTO_TCP, 22); /* beside 0.0.0.0:22: v6-only */
	add_wild4(&snap, IPPROTO_TCP, 22);
	add_wild6(&snap, IPPROTO_UDP, 22); /* UDP 22 has no IPv4 wildcard */
	add_wild4(&snap, IPPROTO_UDP, 53);
	pc_procnet_guess_v6only(&snap, false);
	pc_snapshot_finish(&snap);
	char *got = listeners_text(&snap);
	assert_string_equal(got, "tcp * 80 1\n"
				 "tcp 0.0.0.0 22 1\n"
				 "tcp [::] 22 1\n"
				 "udp * 22 1\n"
				 "udp 0.0.0.0 53 1\n");
	free(got);
	pc_snapshot_reset(&snap);

	/* net.ipv6.bindv6only = 1: every wildcard is v6-only. */
	add_wild6(&snap, IPPROTO_TCP, 80);
	pc_procnet_guess_v6only(&snap, true);
	pc_snapshot_finish(&snap);
	got = listeners_text(&snap);
	assert_string_equal(got, "tcp [::] 80 1\n");
	free(got);
	pc_snapshot_clear(&snap);
}

/* ---- procmap ----------------------------------------------------------- */

static void procroot_snapshot(struct pc_snapshot *snap)
{
	char first_bad[512], err[512];
	assert_int_equal(read_tree("procroot", false, NULL, 0, snap, first_bad, sizeof(first_bad),
				   err, sizeof(err)),
			 0);
	pc_procnet_guess_v6only(snap, false);
	pc_snapshot_finish(snap);
}

static char *listeners_with_processes(const struct pc_snapshot *snap)
{
	char **lines = calloc(snap->n_listeners + 1, sizeof(*lines));
	for (size_t i = 0; i < snap->n_listeners; i++) {
		const struct pc_listener *l = &snap->listeners[i];
		char addr[64];
		pc_endpoint_format_addr(&l->local, addr, sizeof(addr));
		lines[i] = malloc(160);
		snprintf(lines[i], 160, "%s %s %u %u %d %s\n", pc_proto_name(l->local.proto), addr,
			 l->local.port, l->sockets, (int)l->pid, l->process);
	}
	return join_sorted(lines, snap->n_listeners);
}

static const char procroot_expected[] = "tcp * 80 1 200 nginx\n"
					"tcp 0.0.0.0 2049 1 0 \n"
					"tcp 0.0.0.0 22 1 100 sshd\n"
					"tcp 0.0.0.0 443 2 200 nginx\n"
					"tcp 127.0.0.1 8080 1 300 app?x\n"
					"tcp [::1] 8443 1 300 app?x\n"
					"tcp [::] 22 1 100 sshd\n"
					"tcp [::ffff:127.0.0.1] 9000 1 300 app?x\n"
					"udp 0.0.0.0 53 1 400 dnsd\n"
					"udp 127.0.0.1 323 1 400 dnsd\n"
					"udp [::1] 323 1 400 dnsd\n";

static void test_procmap_on_fixture(void **state)
{
	(void)state;
	char root[4096];
	struct pc_snapshot snap = { 0 };
	struct pc_procmap_stats stats;
	fixture_path(root, sizeof(root), "procroot");
	struct pc_procmap *pm = pc_procmap_new(root);
	assert_non_null(pm);

	procroot_snapshot(&snap);
	pc_procmap_resolve(pm, &snap, &stats);
	char *got = listeners_with_processes(&snap);
	assert_string_equal(got, procroot_expected);
	free(got);
	assert_true(stats.full_walk);
	assert_int_equal(stats.cached, 0);
	assert_int_equal(stats.unresolved, 1); /* 2049: a kernel socket, no fd */
	assert_int_equal(stats.denied, 0);

	/* The next poll confirms each answer with one readlink and, the only
	 * unresolved inode having been looked for a moment ago, walks nothing. */
	pc_snapshot_reset(&snap);
	procroot_snapshot(&snap);
	pc_procmap_resolve(pm, &snap, &stats);
	got = listeners_with_processes(&snap);
	assert_string_equal(got, procroot_expected);
	free(got);
	assert_false(stats.full_walk);
	assert_int_equal(stats.cached, 10);
	assert_int_equal(stats.readlinks, 0);
	pc_procmap_free(pm);
	pc_snapshot_clear(&snap);
}

/* The walk stops as soon as every wanted inode is found. */
static void test_procmap_stops_early(void **state)
{
	(void)state;
	char root[4096];
	struct pc_snapshot snap = { 0 };
	struct pc_procmap_stats stats;
	fixture_path(root, sizeof(root), "procroot");
	struct pc_procmap *pm = pc_procmap_new(root);

	/* Only sshd's listener: pids 1 and 100 are read, not 200..500. */
	struct pc_listen_socket socket = { .inode = 1002 };
	static const uint8_t any[4];
	pc_endpoint_set(&socket.local, IPPROTO_TCP, AF_INET, any, false, 0, 22);
	pc_snapshot_add_listener(&snap, &socket);
	pc_snapshot_finish(&snap);
	pc_procmap_resolve(pm, &snap, &stats);
	assert_int_equal(snap.listeners[0].pid, 100);
	assert_string_equal(snap.listeners[0].process, "sshd");
	assert_true(stats.full_walk);
	/* Pids are walked in ascending order: 1, then 100, and no further. */
	assert_int_equal(stats.walked_pids, 2);
	assert_int_equal(stats.readlinks, 3 + 1);
	assert_int_equal(stats.unresolved, 0);
	pc_procmap_free(pm);
	pc_snapshot_clear(&snap);
}

/* A temporary copy of a small /proc tree that the test can change. */
struct temp_proc {
	char root[64];
};

static void temp_proc_make(struct temp_proc *t)
{
	snprintf(t->root, sizeof(t->root), "/tmp/pc-procmap-XXXXXX");
	assert_non_null(mkdtemp(t->root));
}

static void temp_proc_add(const struct temp_proc *t, int pid, const char *comm, int fd,
			  const char *target)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%d", t->root, pid);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%d/fd", t->root, pid);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%d/comm", t->root, pid);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s\n", comm);
	fclose(f);
	if (target != NULL) {
		snprintf(path, sizeof(path), "%s/%d/fd/%d", t->root, pid, fd);
		assert_int_equal(symlink(target, path), 0);
	}
}

static void temp_proc_unlink(const struct temp_proc *t, int pid, int fd)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%d/fd/%d", t->root, pid, fd);
	assert_int_equal(unlink(path), 0);
}

static void temp_proc_remove(const struct temp_proc *t)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->root);
	assert_int_equal(system(cmd), 0);
}

static void temp_proc_remove_pid(const struct temp_proc *t, int pid)
{
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s/%d'", t->root, pid);
	assert_int_equal(system(cmd), 0);
}

static void one_listener(struct pc_snapshot *snap, uint16_t port, uint64_t inode)
{
	struct pc_listen_socket socket = { .inode = inode };
	static const uint8_t any[4];
	pc_endpoint_set(&socket.local, IPPROTO_TCP, AF_INET, any, false, 0, port);
	pc_snapshot_add_listener(snap, &socket);
}

static void forget_answers(struct pc_snapshot *snap)
{
	for (size_t i = 0; i < snap->n_listeners; i++) {
		snap->listeners[i].pid = 0;
		snap->listeners[i].process[0] = '\0';
	}
}

/* The holder exits (a daemon that binds, forks and lets the parent exit):
 * the next poll sees the pid gone and walks. */
static void test_procmap_holder_exits(void **state)
{
	(void)state;
	struct temp_proc t;
	struct pc_snapshot snap = { 0 };
	struct pc_procmap_stats stats;
	temp_proc_make(&t);
	temp_proc_add(&t, 10, "launcher", 3, "socket:[777]");
	temp_proc_add(&t, 11, "daemon", 3, "socket:[777]");
	struct pc_procmap *pm = pc_procmap_new(t.root);
	pc_procmap_set_walk_interval(pm, 0);
	one_listener(&snap, 8080, 777);
	pc_snapshot_finish(&snap);
	pc_procmap_resolve(pm, &snap, &stats);
	assert_int_equal(snap.listeners[0].pid, 10);
	assert_string_equal(snap.listeners[0].process, "launcher");

	temp_proc_remove_pid(&t, 10);
	forget_answers(&snap);
	pc_procmap_resolve(pm, &snap, &stats);
	assert_true(stats.full_walk);
	assert_int_equal(snap.listeners[0].pid, 11);
	assert_string_equal(snap.listeners[0].process, "daemon");
	pc_procmap_free(pm);
	pc_snapshot_clear(&snap);
	temp_proc_remove(&t);
}

/* The holder lives on but hands the socket over and closes its copy: the
 * rotation re-reads the answer within 16 polls. */
static void test_procmap_follows_handed_over_socket(void **state)
{
	(void)state;
	struct temp_proc t;
	struct pc_snapshot snap = { 0 };
	struct pc_procmap_stats stats;
	temp_proc_make(&t);
	temp_proc_add(&t, 10, "supervisor", 3, "socket:[777]");
	temp_proc_add(&t, 11, "worker", 0, NULL);
	struct pc_procmap *pm = pc_procmap_new(t.root);
	pc_procmap_set_walk_interval(pm, 0);
	one_listener(&snap, 8080, 777);
	pc_snapshot_finish(&snap);
	pc_procmap_resolve(pm, &snap, &stats);
	assert_int_equal(snap.listeners[0].pid, 10);

	temp_proc_add(&t, 11, "worker", 5, "socket:[777]");
	temp_proc_unlink(&t, 10, 3);
	int polls = 0;
	do {
		forget_answers(&snap);
		pc_procmap_resolve(pm, &snap, &stats);
		polls++;
	} while (snap.listeners[0].pid == 10 && polls < 16);
	assert_int_equal(snap.listeners[0].pid, 11);
	assert_string_equal(snap.listeners[0].process, "worker");

	/* A new listener nobody holds yet is walked for once, then not on
	 * every poll... */
	one_listener(&snap, 8081, 778);
	pc_snapshot_finish(&snap);
	forget_answers(&snap);
	pc_procmap_resolve(pm, &snap, &stats);
	assert_true(stats.full_walk);
	assert_int_equal(stats.unresolved, 1);
	forget_answers(&snap);
	pc_procmap_resolve(pm, &snap, &stats);
	assert_false(stats.full_walk);
	assert_int_equal(stats.unresolved, 1);
	/* ...but another new listener triggers a walk that finds both. */
	temp_proc_add(&t, 11, "worker", 6, "socket:[778]");
	temp_proc_add(&t, 12, "late", 4, "socket:[779]");
	one_listener(&snap, 8082, 779);
	pc_snapshot_finish(&snap);
	forget_answers(&snap);
	pc_procmap_resolve(pm, &snap, &stats);
	assert_true(stats.full_walk);
	assert_int_equal(stats.unresolved, 0);
	assert_int_equal(snap.listeners[1].pid, 11);
	assert_int_equal(snap.listeners[2].pid, 12);

	pc_procmap_free(pm);
	pc_snapshot_clear(&snap);
	temp_proc_remove(&t);
}


/* Walks are spaced (at least 250 ms, 100 times the last walk's cost, at most
 * the walk interval): a listener that appears in between is not walked for
 * (pid 0, not a guess) until then. */
static void test_procmap_walks_rate_limited(void **state)
{
	(void)state;
	struct temp_proc t;
	struct pc_snapshot snap = { 0 };
	struct pc_procmap_stats stats;
	temp_proc_make(&t);
	temp_proc_add(&t, 10, "first", 3, "socket:[777]");
	temp_proc_add(&t, 11, "second", 3, "socket:[778]");
	struct pc_procmap *pm = pc_procmap_new(t.root);
	one_listener(&snap, 8080, 777);
	pc_snapshot_finish(&snap);
	pc_procmap_resolve(pm, &snap, &stats);
	assert_true(stats.full_walk);
	assert_int_equal(snap.listeners[0].pid, 10);

	one_listener(&snap, 8081, 778);
	pc_snapshot_finish(&snap);
	forget_answers(&snap);
	pc_procmap_resolve(pm, &snap, &stats);
	assert_false(stats.full_walk);
	assert_true(stats.walk_deferred);
	assert_int_equal(snap.listeners[0].pid, 10);
	assert_int_equal(snap.listeners[1].pid, 0);
	assert_string_equal(snap.listeners[1].process, "");

	pc_procmap_set_walk_interval(pm, 0);
	forget_answers(&snap);
	pc_procmap_resolve(pm, &snap, &stats);
	assert_true(stats.full_walk);
	assert_int_equal(snap.listeners[1].pid, 11);
	pc_procmap_free(pm);
	pc_snapshot_clear(&snap);
	temp_proc_remove(&t);
}

/* Steady state: over 16 polls each known answer is re-read exactly once
 * and each name read once; nothing is walked. */
static void test_procmap_rotation_cost(void **state)
{
	(void)state;
	char root[4096];
	struct pc_snapshot snap = { 0 };
	struct pc_procmap_stats stats;
	fixture_path(root, sizeof(root), "procroot");
	struct pc_procmap *pm = pc_procmap_new(root);
	procroot_snapshot(&snap);
	pc_procmap_resolve(pm, &snap, &stats);
	unsigned verified = 0, comm_reads = 0;
	for (int i = 0; i < 16; i++) {
		forget_answers(&snap);
		pc_procmap_resolve(pm, &snap, &stats);
		assert_false(stats.full_walk);
		assert_int_equal(stats.cached, 10);
		verified += stats.verified;
		comm_reads += stats.comm_reads;
	}
	assert_int_equal(verified, 10);
	assert_int_equal(comm_reads, 4); /* pids 100, 200, 300, 400 */
	char *got = listeners_with_processes(&snap);
	assert_string_equal(got, procroot_expected);
	free(got);
	pc_procmap_free(pm);
	pc_snapshot_clear(&snap);
}

static void test_procmap_missing_root(void **state)
{
	(void)state;
	struct pc_snapshot snap = { 0 };
	struct pc_procmap_stats stats;
	struct pc_procmap *pm = pc_procmap_new("/nonexistent/proc");
	struct pc_listen_socket socket = { .inode = 5 };
	static const uint8_t any[4];
	pc_endpoint_set(&socket.local, IPPROTO_TCP, AF_INET, any, false, 0, 1);
	pc_snapshot_add_listener(&snap, &socket);
	pc_snapshot_finish(&snap);
	pc_procmap_resolve(pm, &snap, &stats);
	assert_int_equal(stats.unresolved, 1);
	assert_int_equal(snap.listeners[0].pid, 0);
	pc_procmap_free(pm);
	pc_snapshot_clear(&snap);
}

/* ---- "not found" and "denied" ------------------------------------------- */

/* What a collector saw in a temporary /proc tree, run unprivileged. */
struct owner_outcome {
	int pid[3]; /* of the listeners on inodes 777, 888, 999 */
	unsigned denied, owner_denied, owner_absent;
	int hint_logged; /* the CAP_SYS_PTRACE line */
};

/* The tree: pid 30 holds inode 777, pid 20 holds 888 (and is read first), nobody holds 999
 * (a kernel socket); net/tcp lists three listeners on 8001-8003, with
 * these inodes (0: a socket without a file, which nobody can hold). */
static void owner_tree(struct temp_proc *t, bool with_pid_20, const int inodes[3])
{
	temp_proc_make(t);
	assert_int_equal(chmod(t->root, 0755), 0);
	temp_proc_add(t, 30, "open", 3, "socket:[777]");
	if (with_pid_20)
		temp_proc_add(t, 20, "closed", 3, "socket:[888]");
	char path[256];
	snprintf(path, sizeof(path), "%s/net", t->root);
	assert_int_equal(mkdir(path, 0755), 0);
	static const char *const files[] = { "tcp", "tcp6", "udp", "udp6" };
	for (size_t k = 0; k < 4; k++) {
		snprintf(path, sizeof(path), "%s/net/%s", t->root, files[k]);
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fputs("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt"
		      "   uid  timeout inode\n", f);
		for (int i = 0; k == 0 && i < 3; i++)
			fprintf(f, "   %d: 00000000:%04X 00000000:0000 0A 00000000:00000000 00:00000000 "
				   "00000000     0        0 %d 1 0000000000000000 100 0 0 10 0\n",
				i, 8001 + i, inodes[i]);
		fclose(f);
	}
}

/* In the calling process: one poll of the tree, what came of it. */
static struct owner_outcome owner_poll(const char *root)
{
	struct owner_outcome o = { { -1, -1, -1 }, 0, 0, 0, 0 };
	char err[256];
	struct pc_snapshot snap = { 0 };
	struct pc_procmap_stats stats;
	struct pc_procmap *pm = pc_procmap_new(root);
	struct pc_collector_options options = {
		.mode = PC_COLLECT_PROCFS, .proc_root = root, .resolve_processes = true
	};
	struct pc_collector *c = pc_collector_open(&options, err, sizeof(err));
	if (pm == NULL || c == NULL)
		return o;
	log_capture_start();
	if (pc_collector_poll(c, &snap, err, sizeof(err)) == 0) {
		for (int k = 0; k < n_logged && k < 8; k++)
			o.hint_logged |= strstr(logged[k], "CAP_SYS_PTRACE") != NULL;
		forget_answers(&snap);
		pc_procmap_resolve(pm, &snap, &stats); /* the same walk, its counts */
		o.denied = stats.denied;
		o.owner_denied = stats.owner_denied;
		o.owner_absent = stats.owner_absent;
		for (size_t i = 0; i < snap.n_listeners && i < 3; i++)
			o.pid[snap.listeners[i].local.port - 8001] = snap.listeners[i].pid;
	}
	log_capture_stop();
	pc_collector_close(c);
	pc_procmap_free(pm);
	pc_snapshot_clear(&snap);
	return o;
}

/* owner_poll as a user without privilege: root's child turned nobody (no
 * capabilities left), or this process when it is not root. The fd table
 * of pid 20, mode 0000, is then closed to it, as another user's is. */
static struct owner_outcome owner_poll_unprivileged(const char *root)
{
	if (geteuid() != 0)
		return owner_poll(root);
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		close(fds[0]);
		struct owner_outcome o = { { -2, -2, -2 }, 0, 0, 0, 0 };
		if (setgroups(0, NULL) == 0 && setresgid(65534, 65534, 65534) == 0 &&
		    setresuid(65534, 65534, 65534) == 0)
			o = owner_poll(root);
		ssize_t n = write(fds[1], &o, sizeof(o));
		_exit(n == (ssize_t)sizeof(o) ? 0 : 1);
	}
	close(fds[1]);
	struct owner_outcome o;
	assert_int_equal(read(fds[0], &o, sizeof(o)), (ssize_t)sizeof(o));
	close(fds[0]);
	int status;
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return o;
}

/* The CAP_SYS_PTRACE hint names a real loss: listeners whose owner may be
 * a process whose open files could not be read (EACCES on /proc/PID/fd),
 * never sockets that no process holds. */
static void test_owner_denied_or_absent(void **state)
{
	(void)state;
	struct temp_proc t;
	char fd_dir[256];

	static const int usual[3] = { 777, 888, 999 }, fileless[3] = { 777, 0, 0 };

	/* Every process readable: 999 is held by nobody; no hint. */
	owner_tree(&t, true, usual);
	struct owner_outcome o = owner_poll(t.root);
	if (geteuid() == 0) {
		assert_int_equal(o.pid[0], 30);
		assert_int_equal(o.pid[1], 20);
		assert_int_equal(o.pid[2], 0);
		assert_int_equal(o.denied, 0);
		assert_int_equal(o.owner_denied, 0);
		assert_int_equal(o.owner_absent, 1);
		assert_false(o.hint_logged);
	}

	/* Pid 20's open files closed to us: 888 cannot be named, and that is
	 * what the hint says (999 might be there too: nothing tells). */
	snprintf(fd_dir, sizeof(fd_dir), "%s/20/fd", t.root);
	assert_int_equal(chmod(fd_dir, 0), 0);
	o = owner_poll_unprivileged(t.root);
	assert_int_equal(o.pid[0], 30);
	assert_int_equal(o.pid[1], 0);
	assert_int_equal(o.pid[2], 0);
	assert_int_equal(o.denied, 1);
	assert_int_equal(o.owner_denied, 2);
	assert_int_equal(o.owner_absent, 0);
	assert_true(o.hint_logged);
	assert_int_equal(chmod(fd_dir, 0755), 0);
	temp_proc_remove(&t);

	/* Pid 20 closed to us, but the unnamed listeners have no socket file
	 * at all: no process can hold them, and there is no hint. */
	owner_tree(&t, true, fileless);
	snprintf(fd_dir, sizeof(fd_dir), "%s/20/fd", t.root);
	assert_int_equal(chmod(fd_dir, 0), 0);
	o = owner_poll_unprivileged(t.root);
	assert_int_equal(o.pid[0], 30);
	assert_int_equal(o.pid[1], 0);
	assert_int_equal(o.denied, 1);
	assert_int_equal(o.owner_denied, 0);
	assert_false(o.hint_logged);
	assert_int_equal(chmod(fd_dir, 0755), 0);
	temp_proc_remove(&t);

	/* Unprivileged, but every process readable: the two unnamed listeners
	 * are held by no process, and there is no hint. */
	owner_tree(&t, false, usual);
	o = owner_poll_unprivileged(t.root);
	assert_int_equal(o.pid[0], 30);
	assert_int_equal(o.pid[1], 0);
	assert_int_equal(o.pid[2], 0);
	assert_int_equal(o.denied, 0);
	assert_int_equal(o.owner_denied, 0);
	assert_int_equal(o.owner_absent, 2);
	assert_false(o.hint_logged);
	temp_proc_remove(&t);
}

/* ---- the collector in procfs mode -------------------------------------- */

static void test_collector_procfs_mode(void **state)
{
	(void)state;
	char root[4096], err[256];
	fixture_path(root, sizeof(root), "procroot");
	struct pc_collector_options options = {
		.mode = PC_COLLECT_PROCFS,
		.proc_root = root,
		.resolve_processes = true,
	};
	struct pc_collector *c = pc_collector_open(&options, err, sizeof(err));
	assert_non_null(c);
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
	assert_string_equal(got, procroot_expected);
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
	char root[4096], err[256];
	fixture_path(root, sizeof(root), "proc-malformed");
	struct pc_collector_options options = { .mode = PC_COLLECT_PROCFS, .proc_root = root };
	struct pc_collector *c = pc_collector_open(&options, err, sizeof(err));
	assert_non_null(c);
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
	char root[4096], err[256];
	fixture_path(root, sizeof(root), "proc-missing");
	struct pc_collector_options options = { .mode = PC_COLLECT_PROCFS, .proc_root = root };
	struct pc_collector *c = pc_collector_open(&options, err, sizeof(err));
	assert_non_null(c);
	struct pc_snapshot snap = { 0 };
	assert_int_equal(pc_collector_poll(c, &snap, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "net/udp"));
	assert_int_equal(snap.n_listeners, 0);
	pc_collector_close(c);
	pc_snapshot_clear(&snap);
}

/* ---- the --listeners output -------------------------------------------- */

static char *write_to_string(const struct pc_snapshot *snap, bool json)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(pc_listeners_write(f, snap, json), 0);
	fclose(f);
	return text;
}

static void test_listeners_output(void **state)
{
	(void)state;
	char root[4096], err[256];
	fixture_path(root, sizeof(root), "procroot");
	struct pc_collector_options options = {
		.mode = PC_COLLECT_PROCFS,
		.proc_root = root,
		.resolve_processes = true,
	};
	struct pc_collector *c = pc_collector_open(&options, err, sizeof(err));
	struct pc_snapshot snap = { 0 };
	assert_int_equal(pc_collector_poll(c, &snap, err, sizeof(err)), 0);
	/* MIB index order: TCP before UDP, then address type (unknown, IPv4,
	 * IPv6), address, port. */
	char *text = write_to_string(&snap, false);
	assert_string_equal(text, "PROTO  ADDRESS             PORT  SOCKETS  PID  PROCESS  DEVICE\n"
				  "tcp    *                   80    1        200  nginx    -\n"
				  "tcp    0.0.0.0             22    1        100  sshd     -\n"
				  "tcp    0.0.0.0             443   2        200  nginx    -\n"
				  "tcp    0.0.0.0             2049  1        -    -        -\n"
				  "tcp    127.0.0.1           8080  1        300  app?x    -\n"
				  "tcp    [::]                22    1        100  sshd     -\n"
				  "tcp    [::1]               8443  1        300  app?x    -\n"
				  "tcp    [::ffff:127.0.0.1]  9000  1        300  app?x    -\n"
				  "udp    0.0.0.0             53    1        400  dnsd     -\n"
				  "udp    127.0.0.1           323   1        400  dnsd     -\n"
				  "udp    [::1]               323   1        400  dnsd     -\n");
	free(text);

	snap.n_listeners = 4;
	snprintf(snap.listeners[0].process, sizeof(snap.listeners[0].process), "a\"b\\c");
	text = write_to_string(&snap, true);
	assert_string_equal(
		text,
		"[\n"
		"  {\"proto\": \"tcp\", \"address\": \"*\", \"port\": 80, \"sockets\": 1, "
		"\"pid\": 200, \"process\": \"a\\\"b\\\\c\", "
		"\"device\": null, \"device_status\": null},\n"
		"  {\"proto\": \"tcp\", \"address\": \"0.0.0.0\", \"port\": 22, \"sockets\": 1, "
		"\"pid\": 100, \"process\": \"sshd\", \"device\": null, \"device_status\": null},\n"
		"  {\"proto\": \"tcp\", \"address\": \"0.0.0.0\", \"port\": 443, \"sockets\": 2, "
		"\"pid\": 200, \"process\": \"nginx\", \"device\": null, \"device_status\": null},\n"
		"  {\"proto\": \"tcp\", \"address\": \"0.0.0.0\", \"port\": 2049, \"sockets\": 1, "
		"\"pid\": null, \"process\": null, \"device\": null, \"device_status\": null}\n"
		"]\n");
	free(text);
	snap.n_listeners = 0;
	text = write_to_string(&snap, true);
	assert_string_equal(text, "[]\n");
	free(text);
	text = write_to_string(&snap, false);
	assert_string_equal(text, "PROTO  ADDRESS  PORT  SOCKETS  PID  PROCESS  DEVICE\n");
	free(text);
	pc_collector_close(c);
	pc_snapshot_clear(&snap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_line_v4),
		cmocka_unit_test(test_parse_line_v6),
		cmocka_unit_test(test_parse_line_rejects),
		cmocka_unit_test(test_recorded_proc_matches_netlink),
		cmocka_unit_test(test_malformed_lines_skipped_and_counted),
		cmocka_unit_test(test_stops_after_listening_section),
		cmocka_unit_test(test_missing_files),
		cmocka_unit_test(test_v6only_guess),
		cmocka_unit_test(test_procmap_on_fixture),
		cmocka_unit_test(test_procmap_stops_early),
		cmocka_unit_test(test_procmap_holder_exits),
		cmocka_unit_test(test_procmap_follows_handed_over_socket),
		cmocka_unit_test(test_procmap_walks_rate_limited),
		cmocka_unit_test(test_procmap_rotation_cost),
		cmocka_unit_test(test_procmap_missing_root),
		cmocka_unit_test(test_owner_denied_or_absent),
		cmocka_unit_test(test_collector_procfs_mode),
		cmocka_unit_test_setup_teardown(test_collector_logs_malformed_once, setup_log,
						teardown_log),
		cmocka_unit_test(test_collector_procfs_failure),
		cmocka_unit_test(test_listeners_output),
	};
	return cmocka_run_group_tests_name("collect_procnet", tests, NULL, NULL);
}
