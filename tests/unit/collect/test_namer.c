/* The "inode -> pid, name" protocol between the unprivileged daemon and
 * its helper (namer_protocol.h), both ends over a real socketpair, the
 * helper answering from the procmap fixture tree; the helper refusing
 * anything but the one well-formed request; and several pairs at once,
 * each end's buffers its own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "collect_test_util.h"
#include "collect/namer_client.h"
#include "collect/procmap.h"
#include "collect/namer_helper.h"
#include "collect/namer_protocol.h"

struct helper {
	int fd;
	char root[4096];
	int rc;
	pthread_t thread;
};

static void *serve(void *arg)
{
	struct helper *h = arg;
	h->rc = pc_namer_serve(h->fd, h->root);
	return NULL;
}

/* sv[0]: the daemon's end; the helper thread serves sv[1]. */
static void start_helper(struct helper *h, int *daemon_fd)
{
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	*daemon_fd = sv[0];
	h->fd = sv[1];
	fixture_path(h->root, sizeof(h->root), "procroot");
	assert_int_equal(pthread_create(&h->thread, NULL, serve, h), 0);
}

static int stop_helper(struct helper *h, int daemon_fd)
{
	close(daemon_fd);
	pthread_join(h->thread, NULL);
	close(h->fd);
	return h->rc;
}

static void add(struct pc_snapshot *snap, uint64_t inode)
{
	struct pc_listen_socket socket = { .inode = inode };
	assert_int_equal(pc_snapshot_add_listener(snap, &socket), 0);
}

static void test_resolves_over_the_socket(void **state)
{
	(void)state;
	struct helper h;
	int fd;
	struct pc_snapshot snap = { 0 };
	struct pc_procmap_stats stats;

	start_helper(&h, &fd);
	add(&snap, 1002); /* sshd */
	add(&snap, 1003); /* nginx and its worker: the lowest pid */
	add(&snap, 4242); /* nobody's */
	add(&snap, 1006); /* dnsd */
	assert_int_equal(pc_namer_resolve(fd, &snap, &stats, 5000), 0);
	assert_int_equal(snap.listeners[0].pid, 100);
	assert_string_equal(snap.listeners[0].process, "sshd");
	assert_int_equal(snap.listeners[1].pid, 200);
	assert_string_equal(snap.listeners[1].process, "nginx");
	assert_int_equal(snap.listeners[2].pid, 0);
	assert_string_equal(snap.listeners[2].process, "");
	assert_int_equal(snap.listeners[3].pid, 400);
	assert_int_equal(stats.unresolved, 1);
	assert_true(stats.full_walk);

	/* The helper keeps its procmap: the next request is answered from
	 * its cache, without a walk. */
	for (size_t i = 0; i < snap.n_listeners; i++)
		snap.listeners[i].pid = 0;
	assert_int_equal(pc_namer_resolve(fd, &snap, &stats, 5000), 0);
	assert_int_equal(snap.listeners[0].pid, 100);
	assert_false(stats.full_walk);

	/* An empty request is one too. */
	pc_snapshot_reset(&snap);
	assert_int_equal(pc_namer_resolve(fd, &snap, &stats, 5000), 0);
	assert_int_equal(stop_helper(&h, fd), 0);
	pc_snapshot_clear(&snap);
}

/* More listeners than one message carries: several chunks each way. */
static void test_many_listeners_in_chunks(void **state)
{
	(void)state;
	struct helper h;
	int fd;
	struct pc_snapshot snap = { 0 };
	struct pc_procmap_stats stats;

	start_helper(&h, &fd);
	const size_t n = 3 * PC_NAMER_CHUNK + 7, sshd = 1, dnsd = 2 * PC_NAMER_CHUNK + 3;
	for (size_t i = 0; i < n; i++)
		add(&snap, i == sshd ? 1002 : i == dnsd ? 1006 : 5000000 + i);
	assert_int_equal(pc_namer_resolve(fd, &snap, &stats, 5000), 0);
	for (size_t i = 0; i < snap.n_listeners; i++)
		assert_int_equal(snap.listeners[i].pid, i == sshd ? 100 : i == dnsd ? 400 : 0);
	assert_string_equal(snap.listeners[dnsd].process, "dnsd");
	assert_int_equal(stats.unresolved, n - 2);
	assert_int_equal(stop_helper(&h, fd), 0);
	pc_snapshot_clear(&snap);
}

struct request {
	struct pc_namer_request_header h;
	uint64_t inodes[2];
};

/* Anything but a well-formed request ends the helper (rc -1). */
static void expect_refused(const void *message, size_t len)
{
	struct helper h;
	int fd;
	start_helper(&h, &fd);
	assert_int_equal(send(fd, message, len, 0), (ssize_t)len);
	/* The helper gives up (and, as a process, exits) without answering. */
	pthread_join(h.thread, NULL);
	assert_int_equal(h.rc, -1);
	close(h.fd);
	char byte;
	assert_int_equal(recv(fd, &byte, 1, MSG_DONTWAIT), 0);
	close(fd);
}

static void test_refuses_bad_requests(void **state)
{
	(void)state;
	const uint32_t resolve = PC_NAMER_RESOLVE;
	struct request m;

	memset(&m, 0, sizeof(m));
	m.h.command = 7; /* unknown command */
	expect_refused(&m, 16);

	m = (struct request){ { resolve, 2, 0, 2 }, { 1, 2 } };
	expect_refused(&m, sizeof(m) - 8); /* count says 2, carries 1 */

	m = (struct request){ { resolve, PC_NAMER_MAX_INODES + 1, 0, 0 }, { 0 } };
	expect_refused(&m, 16); /* over the limit */

	m = (struct request){ { resolve, 4, 2, 2 }, { 1, 2 } };
	expect_refused(&m, sizeof(m)); /* does not start at offset 0 */

	m = (struct request){ { resolve, 1, 0, 2 }, { 1, 2 } };
	expect_refused(&m, sizeof(m)); /* more than the total */

	expect_refused("x", 1); /* shorter than a header */

	static unsigned char huge[1 << 16];
	memcpy(huge, &(uint32_t){ resolve }, 4);
	expect_refused(huge, sizeof(huge)); /* longer than any request */
}

/* A helper that is gone: the daemon is told, does not hang. */
static void test_helper_gone(void **state)
{
	(void)state;
	int sv[2];
	struct pc_snapshot snap = { 0 };
	struct pc_procmap_stats stats;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	add(&snap, 1002);
	close(sv[1]);
	assert_int_equal(pc_namer_resolve(sv[0], &snap, &stats, 1000), -1);
	close(sv[0]);

	/* Alive but silent: the timeout. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(pc_namer_resolve(sv[0], &snap, &stats, 50), -1);
	close(sv[0]);
	close(sv[1]);
	pc_snapshot_clear(&snap);
}

/* One daemon's side asking its own helper over and over: several chunks
 * each way, one listener the fixture names among others nobody holds. */
struct asker {
	pthread_barrier_t *start;
	uint64_t first_inode; /* of the listeners nobody holds */
	size_t known_at; /* where the one the helper can name is */
	uint64_t inode; /* ...its inode */
	int32_t pid; /* ...and what the helper must answer */
	const char *process;
	int rounds;
	int wrong; /* a round failed or answered something else */
};

#define ASKED (2 * PC_NAMER_CHUNK + 5)

static bool answered_right(const struct asker *a, const struct pc_snapshot *snap)
{
	for (size_t i = 0; i < snap->n_listeners; i++) {
		const struct pc_listener *l = &snap->listeners[i];
		bool known = i == a->known_at;
		if (l->inode != (known ? a->inode : a->first_inode + i) ||
		    l->pid != (known ? a->pid : 0) ||
		    strcmp(l->process, known ? a->process : "") != 0)
			return false;
	}
	return true;
}

static void *ask_rounds(void *arg)
{
	struct asker *a = arg;
	struct helper h;
	int sv[2];
	struct pc_snapshot snap = { 0 };
	bool ready = socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0;

	/* no cmocka asserts off the test's thread: count, and check after */
	for (size_t i = 0; ready && i < ASKED; i++) {
		struct pc_listen_socket socket = { .inode = i == a->known_at ? a->inode
									 : a->first_inode + i };
		ready = pc_snapshot_add_listener(&snap, &socket) == 0;
	}
	if (ready) {
		h.fd = sv[1];
		fixture_path(h.root, sizeof(h.root), "procroot");
		ready = pthread_create(&h.thread, NULL, serve, &h) == 0;
	}
	pthread_barrier_wait(a->start);
	/* The first wrong round ends the run: a helper that gave up answers
	 * no more. */
	for (int i = 0; i < a->rounds && a->wrong == 0; i++) {
		struct pc_procmap_stats stats;
		for (size_t k = 0; k < snap.n_listeners; k++)
			snap.listeners[k].pid = 0;
		if (!ready || pc_namer_resolve(sv[0], &snap, &stats, 5000) != 0 ||
		    !answered_right(a, &snap))
			a->wrong++;
	}
	close(sv[0]);
	if (ready)
		pthread_join(h.thread, NULL);
	close(sv[1]);
	pc_snapshot_clear(&snap);
	return NULL;
}

/* Two daemons' sides and two helpers at once (as the unit tests run
 * them): each request and reply stays its own. */
static void test_pairs_at_once(void **state)
{
	(void)state;
	pthread_barrier_t start;
	assert_int_equal(pthread_barrier_init(&start, NULL, 2), 0);
	struct asker askers[2] = {
		{ .start = &start, .first_inode = 5000000, .known_at = 3, .inode = 1002,
		  .pid = 100, .process = "sshd", .rounds = 200 },
		{ .start = &start, .first_inode = 6000000, .known_at = PC_NAMER_CHUNK + 9,
		  .inode = 1006, .pid = 400, .process = "dnsd", .rounds = 200 },
	};
	pthread_t threads[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&threads[i], NULL, ask_rounds, &askers[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(threads[i], NULL);
	pthread_barrier_destroy(&start);
	assert_int_equal(askers[0].wrong, 0);
	assert_int_equal(askers[1].wrong, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolves_over_the_socket),
		cmocka_unit_test(test_many_listeners_in_chunks),
		cmocka_unit_test(test_refuses_bad_requests),
		cmocka_unit_test(test_helper_gone),
		cmocka_unit_test(test_pairs_at_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
