/* SPDX-License-Identifier: ISC */
/* procmap.c: the inode -> process map, on the procroot fixture tree and on
 * temporary trees a test changes between polls: what one walk finds, when
 * it stops, what a later poll re-reads or walks again, and when a listener
 * whose owner cannot be named is worth the CAP_SYS_PTRACE hint. Fixtures:
 * tests/fixtures/collect/procroot (see make-proc-fixtures.sh there). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <grp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collect/collect.h"
#include "collect/collect_internal.h"
#include "collect/procmap.h"
#include "collect_test_util.h"
#include "util/log.h"
#include "log_capture.h"

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

/* What a procmap test works on: the map, over the procroot fixture or a
 * temporary tree of its own (tree.root empty for the fixture), and the
 * snapshot it names the owners in. The fixture's teardown frees all
 * three, so that a failed test leaves no tree behind. */
struct procmap_case {
	struct temp_proc tree;
	struct pc_procmap *pm;
	struct pc_snapshot snap;
	struct pc_procmap_stats stats;
};

static int map_of_procroot(void **state)
{
	struct procmap_case *m = calloc(1, sizeof(*m));
	char root[4096];
	*state = m;
	fixture_path(root, sizeof(root), "procroot");
	m->pm = pc_procmap_new(root);
	return m->pm != NULL ? 0 : -1;
}

static int map_of_temp_tree(void **state)
{
	struct procmap_case *m = calloc(1, sizeof(*m));
	*state = m;
	temp_proc_make(&m->tree);
	m->pm = pc_procmap_new(m->tree.root);
	return m->pm != NULL ? 0 : -1;
}

static int procmap_case_free(void **state)
{
	struct procmap_case *m = *state;
	pc_procmap_free(m->pm);
	pc_snapshot_clear(&m->snap);
	if (m->tree.root[0] != '\0')
		temp_proc_remove(&m->tree);
	free(m);
	return 0;
}

/* The procroot tree's listeners, as a poll reads them. */
static void procroot_snapshot(struct pc_snapshot *snap)
{
	char root[4096], first_bad[512], err[512];
	fixture_path(root, sizeof(root), "procroot");
	assert_int_equal(pc_procnet_read(root, NULL, snap, first_bad, sizeof(first_bad), err,
					 sizeof(err)),
			 0);
	pc_procnet_guess_v6only(snap, false);
	pc_snapshot_finish(snap);
}

/* ---- on the procroot fixture ------------------------------------------- */

static void test_procmap_on_fixture(void **state)
{
	struct procmap_case *m = *state;
	procroot_snapshot(&m->snap);
	pc_procmap_resolve(m->pm, &m->snap, &m->stats);
	char *got = listeners_with_processes(&m->snap);
	assert_string_equal(got, procroot_listeners);
	free(got);
	assert_true(m->stats.full_walk);
	assert_int_equal(m->stats.cached, 0);
	assert_int_equal(m->stats.unresolved, 1); /* 2049: a kernel socket, no fd */
	assert_int_equal(m->stats.denied, 0);

	/* The next poll confirms each answer with one readlink and, the only
	 * unresolved inode having been looked for a moment ago, walks nothing. */
	pc_snapshot_reset(&m->snap);
	procroot_snapshot(&m->snap);
	pc_procmap_resolve(m->pm, &m->snap, &m->stats);
	got = listeners_with_processes(&m->snap);
	assert_string_equal(got, procroot_listeners);
	free(got);
	assert_false(m->stats.full_walk);
	assert_int_equal(m->stats.cached, 10);
	assert_int_equal(m->stats.readlinks, 0);
}

/* The first walk reads every process; a listener that appears later is
 * looked for newest process first, and that walk stops as soon as it has
 * a holder (of which there may be more: partial until a walk of every
 * process). */
static void test_procmap_find_walk_stops_early(void **state)
{
	struct procmap_case *m = *state;
	one_listener(&m->snap, 22, 1002);
	pc_snapshot_finish(&m->snap);
	pc_procmap_resolve(m->pm, &m->snap, &m->stats);
	assert_int_equal(m->snap.listeners[0].pid, 100);
	assert_string_equal(m->snap.listeners[0].process, "sshd");
	assert_int_equal(m->snap.listeners[0].naming, PC_NAMING_COMPLETE);
	assert_true(m->stats.full_walk);
	assert_int_equal(m->stats.walked_pids, 6); /* 1, 100, 200, 201, 300, 400 (500 is gone) */

	one_listener(&m->snap, 53, 1006);
	pc_snapshot_finish(&m->snap);
	pc_procmap_resolve(m->pm, &m->snap, &m->stats);
	assert_true(m->stats.find_walk);
	assert_false(m->stats.full_walk);
	/* Pids are walked newest first: 500 (gone), then 400, and no further. */
	assert_int_equal(m->stats.walked_pids, 1);
	assert_int_equal(m->stats.readlinks, 3);
	const struct pc_listener *dns = &m->snap.listeners[m->snap.listeners[0].local.port == 53 ? 0 : 1];
	assert_int_equal(dns->pid, 400);
	assert_string_equal(dns->process, "dnsd");
	assert_int_equal(dns->naming, PC_NAMING_PARTIAL);
	assert_int_equal(m->stats.partial, 1);
	assert_int_equal(m->stats.unresolved, 0);
}

/* A walk of every process finds every program holding a socket: nginx
 * and its worker (lowest pid first), not just the first of them. */
static void test_procmap_every_holder(void **state)
{
	struct procmap_case *m = *state;
	one_listener(&m->snap, 443, 1003);
	pc_snapshot_finish(&m->snap);
	pc_procmap_resolve(m->pm, &m->snap, &m->stats);
	const struct pc_listener *l = &m->snap.listeners[0];
	assert_int_equal(l->naming, PC_NAMING_COMPLETE);
	assert_int_equal(l->n_holders, 2);
	struct pc_holder one;
	size_t n;
	const struct pc_holder *h = pc_listener_holders(&m->snap, l, &one, &n);
	assert_int_equal(n, 2);
	assert_int_equal(h[0].pid, 200);
	assert_string_equal(h[0].process, "nginx");
	assert_int_equal(h[1].pid, 201);
	assert_string_equal(h[1].process, "nginx worker");
}

/* A socket activated by a supervisor: it and the service it started hold
 * the socket. Seen at start, both are known; one that appears later is
 * found newest first (the service), then completed by the next walk of
 * every process. Many processes of one program count once (the lowest
 * pid). */
static void test_procmap_supervisor_and_service(void **state)
{
	struct procmap_case *m = *state;
	temp_proc_add(&m->tree, 10, "supervisor", 3, "socket:[777]");
	temp_proc_add(&m->tree, 11, "service", 4, "socket:[777]");
	temp_proc_add(&m->tree, 12, "launcher", 3, "socket:[778]");
	temp_proc_add(&m->tree, 13, "worker", 3, "socket:[778]");
	temp_proc_add(&m->tree, 14, "worker", 3, "socket:[778]");
	one_listener(&m->snap, 8080, 777);
	pc_snapshot_finish(&m->snap);
	pc_procmap_resolve(m->pm, &m->snap, &m->stats);
	assert_int_equal(m->snap.listeners[0].naming, PC_NAMING_COMPLETE);
	assert_int_equal(m->snap.listeners[0].n_holders, 2);
	assert_int_equal(m->snap.holders[m->snap.listeners[0].holders_at + 1].pid, 11);

	one_listener(&m->snap, 8081, 778);
	pc_snapshot_finish(&m->snap);
	pc_procmap_resolve(m->pm, &m->snap, &m->stats);
	assert_true(m->stats.find_walk);
	const struct pc_listener *late = &m->snap.listeners[1];
	assert_int_equal(late->local.port, 8081);
	assert_int_equal(late->naming, PC_NAMING_PARTIAL);
	assert_int_equal(late->pid, 14);

	pc_procmap_set_walk_interval(m->pm, 0); /* the next full walk now */
	pc_procmap_resolve(m->pm, &m->snap, &m->stats);
	assert_true(m->stats.full_walk);
	late = &m->snap.listeners[1];
	assert_int_equal(late->naming, PC_NAMING_COMPLETE);
	struct pc_holder one;
	size_t n;
	const struct pc_holder *h = pc_listener_holders(&m->snap, late, &one, &n);
	assert_int_equal(n, 2);
	assert_int_equal(h[0].pid, 12);
	assert_string_equal(h[0].process, "launcher");
	assert_int_equal(h[1].pid, 13);
	assert_string_equal(h[1].process, "worker");
}

/* Steady state: over 16 polls each known answer is re-read exactly once
 * and each name read once; nothing is walked. */
static void test_procmap_rotation_cost(void **state)
{
	struct procmap_case *m = *state;
	procroot_snapshot(&m->snap);
	pc_procmap_resolve(m->pm, &m->snap, &m->stats);
	unsigned verified = 0, comm_reads = 0;
	for (int i = 0; i < 16; i++) {
		forget_answers(&m->snap);
		pc_procmap_resolve(m->pm, &m->snap, &m->stats);
		assert_false(m->stats.full_walk);
		assert_int_equal(m->stats.cached, 10);
		verified += m->stats.verified;
		comm_reads += m->stats.comm_reads;
	}
	assert_int_equal(verified, 11); /* every holder: nginx's socket has two */
	assert_int_equal(comm_reads, 5); /* pids 100, 200, 201, 300, 400 */
	char *got = listeners_with_processes(&m->snap);
	assert_string_equal(got, procroot_listeners);
	free(got);
}

static void test_procmap_missing_root(void **state)
{
	(void)state;
	struct pc_snapshot snap = { 0 };
	struct pc_procmap_stats stats;
	struct pc_procmap *pm = pc_procmap_new("/nonexistent/proc");
	one_listener(&snap, 1, 5);
	pc_snapshot_finish(&snap);
	pc_procmap_resolve(pm, &snap, &stats);
	assert_int_equal(stats.unresolved, 1);
	assert_int_equal(snap.listeners[0].pid, 0);
	pc_procmap_free(pm);
	pc_snapshot_clear(&snap);
}

/* ---- on trees that change between polls -------------------------------- */

/* The holder exits (a daemon that binds, forks and lets the parent exit):
 * the next poll sees the pid gone and walks. */
static void test_procmap_holder_exits(void **state)
{
	struct procmap_case *m = *state;
	temp_proc_add(&m->tree, 10, "launcher", 3, "socket:[777]");
	temp_proc_add(&m->tree, 11, "daemon", 3, "socket:[777]");
	pc_procmap_set_walk_interval(m->pm, 0);
	one_listener(&m->snap, 8080, 777);
	pc_snapshot_finish(&m->snap);
	pc_procmap_resolve(m->pm, &m->snap, &m->stats);
	assert_int_equal(m->snap.listeners[0].pid, 10);
	assert_string_equal(m->snap.listeners[0].process, "launcher");

	temp_proc_remove_pid(&m->tree, 10);
	forget_answers(&m->snap);
	pc_procmap_resolve(m->pm, &m->snap, &m->stats);
	assert_true(m->stats.full_walk);
	assert_int_equal(m->snap.listeners[0].pid, 11);
	assert_string_equal(m->snap.listeners[0].process, "daemon");
}

/* The holder lives on but hands the socket over and closes its copy: the
 * rotation re-reads the answer within 16 polls. */
static void test_procmap_follows_handed_over_socket(void **state)
{
	struct procmap_case *m = *state;
	temp_proc_add(&m->tree, 10, "supervisor", 3, "socket:[777]");
	temp_proc_add(&m->tree, 11, "worker", 0, NULL);
	pc_procmap_set_walk_interval(m->pm, 0);
	one_listener(&m->snap, 8080, 777);
	pc_snapshot_finish(&m->snap);
	pc_procmap_resolve(m->pm, &m->snap, &m->stats);
	assert_int_equal(m->snap.listeners[0].pid, 10);

	temp_proc_add(&m->tree, 11, "worker", 5, "socket:[777]");
	temp_proc_unlink(&m->tree, 10, 3);
	int polls = 0;
	do {
		forget_answers(&m->snap);
		pc_procmap_resolve(m->pm, &m->snap, &m->stats);
		polls++;
	} while (m->snap.listeners[0].pid == 10 && polls < 16);
	assert_int_equal(m->snap.listeners[0].pid, 11);
	assert_string_equal(m->snap.listeners[0].process, "worker");

	/* A new listener nobody holds yet is walked for once, then not on
	 * every poll... */
	one_listener(&m->snap, 8081, 778);
	pc_snapshot_finish(&m->snap);
	forget_answers(&m->snap);
	pc_procmap_resolve(m->pm, &m->snap, &m->stats);
	assert_true(m->stats.full_walk);
	assert_int_equal(m->stats.unresolved, 1);
	forget_answers(&m->snap);
	pc_procmap_resolve(m->pm, &m->snap, &m->stats);
	assert_false(m->stats.full_walk);
	assert_int_equal(m->stats.unresolved, 1);
	/* ...but another new listener triggers a walk that finds both. */
	temp_proc_add(&m->tree, 11, "worker", 6, "socket:[778]");
	temp_proc_add(&m->tree, 12, "late", 4, "socket:[779]");
	one_listener(&m->snap, 8082, 779);
	pc_snapshot_finish(&m->snap);
	forget_answers(&m->snap);
	pc_procmap_resolve(m->pm, &m->snap, &m->stats);
	assert_true(m->stats.full_walk);
	assert_int_equal(m->stats.unresolved, 0);
	assert_int_equal(m->snap.listeners[1].pid, 11);
	assert_int_equal(m->snap.listeners[2].pid, 12);
}

/* ---- partial passes (pc_procmap_name_some) ----------------------------- */

/* A pass over some listeners leaves what the map knows of the others: a
 * later pass over those answers them from what it kept, without a walk. */
static void test_partial_pass_keeps_the_others(void **state)
{
	struct procmap_case *m = *state;
	temp_proc_add(&m->tree, 10, "alpha", 3, "socket:[701]");
	temp_proc_add(&m->tree, 20, "beta", 3, "socket:[702]");
	temp_proc_add(&m->tree, 30, "gamma", 3, "socket:[703]");
	pc_procmap_set_walk_interval(m->pm, 0);
	const uint64_t all[] = { 701, 702, 703 };
	struct pc_naming_answer a[3];
	pc_procmap_name(m->pm, all, 3, a, &m->stats);
	assert_true(m->stats.full_walk);
	assert_int_equal(a[2].holders[0].pid, 30);

	pc_procmap_name_some(m->pm, all, 1, a, &m->stats);
	assert_int_equal(a[0].naming, PC_NAMING_COMPLETE);
	assert_int_equal(a[0].holders[0].pid, 10);
	pc_procmap_name_some(m->pm, all + 1, 2, a, &m->stats);
	assert_int_equal(m->stats.walked_pids, 0);
	assert_int_equal(m->stats.cached, 2);
	assert_int_equal(a[0].holders[0].pid, 20);
	assert_string_equal(a[1].holders[0].process, "gamma");
	assert_int_equal(a[1].naming, PC_NAMING_COMPLETE);
}

/* A partial pass runs no walk of every process: an answer that needs one
 * (a holder gone, another may hold the socket too) stays partial and the
 * pass asks for a whole one, which completes it. A new listener is found
 * by a find walk meanwhile. */
static void test_partial_pass_asks_for_a_whole_one(void **state)
{
	struct procmap_case *m = *state;
	temp_proc_add(&m->tree, 10, "launcher", 3, "socket:[777]");
	temp_proc_add(&m->tree, 11, "daemon", 3, "socket:[777]");
	pc_procmap_set_walk_interval(m->pm, 0);
	uint64_t inodes[] = { 777, 778 };
	struct pc_naming_answer a[2];
	pc_procmap_name(m->pm, inodes, 1, a, &m->stats);
	assert_int_equal(a[0].n_holders, 2);
	assert_false(m->stats.whole_due);

	temp_proc_remove_pid(&m->tree, 10);
	temp_proc_add(&m->tree, 12, "newcomer", 4, "socket:[778]");
	pc_procmap_name_some(m->pm, inodes, 2, a, &m->stats);
	assert_false(m->stats.full_walk);
	assert_true(m->stats.find_walk);
	assert_true(m->stats.whole_due);
	assert_int_equal(a[0].naming, PC_NAMING_PARTIAL);
	assert_int_equal(a[0].holders[0].pid, 11);
	assert_int_equal(a[1].holders[0].pid, 12);

	pc_procmap_name(m->pm, inodes, 2, a, &m->stats);
	assert_true(m->stats.full_walk);
	assert_int_equal(a[0].naming, PC_NAMING_COMPLETE);
	assert_false(m->stats.whole_due);
}

/* What a walk of every process could not find (a kernel's socket) stays
 * known across a partial pass's own walk of every process: asking about
 * it again walks for nothing. */
static void test_partial_pass_keeps_the_unfindable(void **state)
{
	struct procmap_case *m = *state;
	temp_proc_add(&m->tree, 10, "alpha", 3, "socket:[701]");
	pc_procmap_set_walk_interval(m->pm, 0);
	const uint64_t first[] = { 701, 901 };
	struct pc_naming_answer a[2];
	pc_procmap_name(m->pm, first, 2, a, &m->stats);
	assert_int_equal(a[1].naming, PC_NAMING_NOT_FOUND);

	const uint64_t other[] = { 902 }; /* nobody's either: the find walk reads everyone */
	pc_procmap_name_some(m->pm, other, 1, a, &m->stats);
	assert_int_equal(a[0].naming, PC_NAMING_NOT_FOUND);

	const uint64_t again[] = { 901 };
	pc_procmap_name_some(m->pm, again, 1, a, &m->stats);
	assert_int_equal(a[0].naming, PC_NAMING_NOT_FOUND);
	assert_int_equal(m->stats.walked_pids, 0);
}

/* Walks are spaced (at least 250 ms, 100 times the last walk's cost of
 * its kind, at most the walk interval): after the first walk, of every
 * process, a new listener is looked for by a find walk; one more in
 * between is not walked for (pending, not a guess) until then. */
static void test_procmap_walks_rate_limited(void **state)
{
	struct procmap_case *m = *state;
	temp_proc_add(&m->tree, 10, "first", 3, "socket:[777]");
	temp_proc_add(&m->tree, 11, "second", 3, "socket:[778]");
	temp_proc_add(&m->tree, 12, "third", 3, "socket:[779]");
	one_listener(&m->snap, 8080, 777);
	pc_snapshot_finish(&m->snap);
	pc_procmap_resolve(m->pm, &m->snap, &m->stats);
	assert_true(m->stats.full_walk);
	assert_int_equal(m->snap.listeners[0].pid, 10);

	one_listener(&m->snap, 8081, 778);
	pc_snapshot_finish(&m->snap);
	forget_answers(&m->snap);
	pc_procmap_resolve(m->pm, &m->snap, &m->stats);
	assert_true(m->stats.find_walk);
	assert_int_equal(m->snap.listeners[1].pid, 11);

	one_listener(&m->snap, 8082, 779);
	pc_snapshot_finish(&m->snap);
	forget_answers(&m->snap);
	pc_procmap_resolve(m->pm, &m->snap, &m->stats);
	assert_false(m->stats.full_walk);
	assert_false(m->stats.find_walk);
	assert_true(m->stats.walk_deferred);
	assert_int_equal(m->snap.listeners[0].pid, 10);
	assert_int_equal(m->snap.listeners[2].pid, 0);
	assert_string_equal(m->snap.listeners[2].process, "");
	assert_int_equal(m->snap.listeners[2].naming, PC_NAMING_PENDING);

	pc_procmap_set_walk_interval(m->pm, 0);
	forget_answers(&m->snap);
	pc_procmap_resolve(m->pm, &m->snap, &m->stats);
	assert_true(m->stats.full_walk || m->stats.find_walk);
	assert_int_equal(m->snap.listeners[2].pid, 12);
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

#define ON_PROCROOT(test) cmocka_unit_test_setup_teardown(test, map_of_procroot, procmap_case_free)
#define ON_TEMP_TREE(test)                                                                    \
	cmocka_unit_test_setup_teardown(test, map_of_temp_tree, procmap_case_free)

int main(void)
{
	const struct CMUnitTest tests[] = {
		ON_PROCROOT(test_procmap_on_fixture),
		ON_PROCROOT(test_procmap_find_walk_stops_early),
		ON_PROCROOT(test_procmap_every_holder),
		ON_TEMP_TREE(test_procmap_supervisor_and_service),
		ON_TEMP_TREE(test_procmap_holder_exits),
		ON_TEMP_TREE(test_procmap_follows_handed_over_socket),
		ON_TEMP_TREE(test_procmap_walks_rate_limited),
		ON_PROCROOT(test_procmap_rotation_cost),
		cmocka_unit_test(test_procmap_missing_root),
		ON_TEMP_TREE(test_partial_pass_keeps_the_others),
		ON_TEMP_TREE(test_partial_pass_asks_for_a_whole_one),
		ON_TEMP_TREE(test_partial_pass_keeps_the_unfindable),
		cmocka_unit_test(test_owner_denied_or_absent),
	};
	return cmocka_run_group_tests_name("collect_procmap", tests, NULL, NULL);
}
