/* SPDX-License-Identifier: ISC */
/* The "listening inode -> processes" protocol between the unprivileged
 * daemon and its helper (namer_protocol.h), both ends over a real
 * socketpair, the helper answering from the procmap fixture tree and
 * checking each inode against that tree's /proc/net: naming listeners
 * only; the helper refusing anything but the one well-formed request; the
 * asking side refusing any reply but the answer to its question; and
 * several pairs at once, each end's buffers its own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "collect_test_util.h"
#include "collect/namer_client.h"
#include "collect/namer_helper.h"
#include "collect/namer_protocol.h"
#include "collect/procmap.h"

struct helper {
	int fd;
	char root[4096];
	int rc;
	pthread_t thread;
};

static void *serve(void *arg)
{
	struct helper *h = arg;
	const struct pc_namer_serve_options options = { .proc_root = h->root, .procfs_only = true };
	h->rc = pc_namer_serve(h->fd, &options);
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

/* The asking side, blocking: the request in chunks, the reply parsed.
 * 0, or -1 when the helper is gone or the reply is not the answer. */
static int ask_with(int fd, uint32_t id, uint32_t flags, const uint64_t *inodes, uint32_t n,
		    struct pc_naming_answer *answers, struct pc_procmap_stats *stats)
{
	unsigned char message[PC_NAMER_MESSAGE_MAX];
	uint32_t offset = 0;
	do {
		size_t len = pc_namer_request_chunk(id, inodes, n, offset, flags, message);
		if (pc_namer_send(fd, message, len, 0, -1) < 0)
			return -1;
		offset += n - offset > PC_NAMER_CHUNK ? PC_NAMER_CHUNK : n - offset;
	} while (offset < n);
	struct pc_namer_reply reply = { .id = id, .asked = inodes, .total = n, .answers = answers };
	for (;;) {
		ssize_t got = pc_namer_recv(fd, message, sizeof(message), 0, NULL);
		if (got <= 0)
			return -1;
		int taken = pc_namer_reply_take(&reply, message, (size_t)got);
		if (taken < 0)
			return -1;
		if (taken == 1) {
			*stats = reply.stats;
			return 0;
		}
	}
}

static int ask(int fd, uint32_t id, const uint64_t *inodes, uint32_t n,
	       struct pc_naming_answer *answers, struct pc_procmap_stats *stats)
{
	return ask_with(fd, id, 0, inodes, n, answers, stats);
}

static void test_names_listeners_over_the_socket(void **state)
{
	(void)state;
	struct helper h;
	int fd;
	const uint64_t inodes[] = {
		1002, /* sshd */
		1003, /* nginx and its worker: both */
		4242, /* nobody's, and not a listener */
		1006, /* dnsd */
		1008, /* a listener nobody holds (nfsd's kind) */
	};
	struct pc_naming_answer a[5];
	struct pc_procmap_stats stats;

	start_helper(&h, &fd);
	assert_int_equal(ask(fd, 1, inodes, 5, a, &stats), 0);
	assert_int_equal(a[0].naming, PC_NAMING_COMPLETE);
	assert_int_equal(a[0].n_holders, 1);
	assert_int_equal(a[0].holders[0].pid, 100);
	assert_string_equal(a[0].holders[0].process, "sshd");
	assert_int_equal(a[1].n_holders, 2);
	assert_int_equal(a[1].holders[0].pid, 200);
	assert_string_equal(a[1].holders[1].process, "nginx worker");
	assert_int_equal(a[2].n_holders, 0);
	assert_int_equal(a[2].naming, PC_NAMING_PENDING); /* refused: asked again later */
	assert_int_equal(a[3].holders[0].pid, 400);
	assert_int_equal(a[4].naming, PC_NAMING_NOT_FOUND);
	assert_int_equal(stats.refused, 1);
	assert_true(stats.full_walk);

	/* The helper keeps its procmap: the next request is answered from
	 * its cache, without a walk. */
	assert_int_equal(ask(fd, 2, inodes, 5, a, &stats), 0);
	assert_int_equal(a[0].holders[0].pid, 100);
	assert_false(stats.full_walk);
	assert_false(stats.find_walk);

	/* An empty request is one too. */
	assert_int_equal(ask(fd, 3, inodes, 0, a, &stats), 0);
	assert_int_equal(stop_helper(&h, fd), 0);
}

/* Whoever speaks for the daemon learns nothing about sockets that are not
 * listening: systemd's socket 9999 is in no table, 1010 is an established
 * connection (held by nobody here, asked all the same), 1016 an
 * established IPv6 one. */
static void test_refuses_what_is_not_listening(void **state)
{
	(void)state;
	struct helper h;
	int fd;
	const uint64_t inodes[] = { 9999, 1010, 1016, 1002 };
	struct pc_naming_answer a[4];
	struct pc_procmap_stats stats;

	start_helper(&h, &fd);
	assert_int_equal(ask(fd, 7, inodes, 4, a, &stats), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(a[i].n_holders, 0);
		assert_int_equal(a[i].naming, PC_NAMING_PENDING);
	}
	assert_int_equal(a[3].holders[0].pid, 100);
	assert_int_equal(stats.refused, 3);
	assert_int_equal(stop_helper(&h, fd), 0);
}

/* The helper keeps its dump of the listeners between requests: it dumps
 * again when asked about an inode the last dump did not have (a new
 * listener is named, a socket that is not one still refused) and for
 * every whole request; a listener closed since its last dump may be
 * named until then. */
static void test_dumps_again_for_what_it_has_not_seen(void **state)
{
	(void)state;
	struct helper h;
	int fd;
	char fixture[4096], cmd[9000], path[4200];
	struct pc_naming_answer a[2];
	struct pc_procmap_stats stats;
	fixture_path(fixture, sizeof(fixture), "procroot");
	char root[] = "/tmp/pc-namer-XXXXXX";
	assert_non_null(mkdtemp(root));
	snprintf(cmd, sizeof(cmd), "cp -a '%s'/. '%s'", fixture, root);
	assert_int_equal(system(cmd), 0);

	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	fd = sv[0];
	h.fd = sv[1];
	snprintf(h.root, sizeof(h.root), "%s", root);
	assert_int_equal(pthread_create(&h.thread, NULL, serve, &h), 0);

	const uint64_t sshd[] = { 1002 }, fresh[] = { 5555 }, not_listening[] = { 1010 };
	assert_int_equal(ask_with(fd, 1, PC_NAMER_WHOLE, sshd, 1, a, &stats), 0);
	assert_int_equal(a[0].holders[0].pid, 100);

	/* A new listener on port 8443, held by sshd's process. */
	snprintf(cmd, sizeof(cmd),
		 "echo '   9: 00000000:20FB 00000000:0000 0A 00000000:00000000 00:00000000 "
		 "00000000     0        0 5555 1 0000000000000000 100 0 0 10 0' >>'%s/net/tcp' && "
		 "ln -s 'socket:[5555]' '%s/100/fd/9'",
		 root, root);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(ask(fd, 2, fresh, 1, a, &stats), 0);
	assert_int_equal(stats.refused, 0);
	assert_int_equal(a[0].naming, PC_NAMING_PARTIAL); /* a find walk's: until a whole pass */
	assert_int_equal(a[0].holders[0].pid, 100);
	assert_int_equal(ask(fd, 3, not_listening, 1, a, &stats), 0);
	assert_int_equal(stats.refused, 1);

	/* sshd's listener closes: until the next whole request, the dump
	 * that had it stands. */
	snprintf(cmd, sizeof(cmd), "sed -i '/ 1002 /d' '%s/net/tcp'", root);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(ask(fd, 4, sshd, 1, a, &stats), 0);
	assert_int_equal(a[0].holders[0].pid, 100);
	assert_int_equal(ask_with(fd, 5, PC_NAMER_WHOLE, sshd, 1, a, &stats), 0);
	assert_int_equal(stats.refused, 1);
	assert_int_equal(a[0].naming, PC_NAMING_PENDING);

	assert_int_equal(stop_helper(&h, fd), 0);
	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	assert_int_equal(system(path), 0);
}

/* More listeners than one message carries: several chunks each way. */
static void test_many_listeners_in_chunks(void **state)
{
	(void)state;
	struct helper h;
	int fd;
	enum { N = 3 * PC_NAMER_CHUNK + 7, SSHD = 1, DNSD = 2 * PC_NAMER_CHUNK + 3 };
	static uint64_t inodes[N];
	static struct pc_naming_answer a[N];
	struct pc_procmap_stats stats;

	start_helper(&h, &fd);
	for (size_t i = 0; i < N; i++)
		inodes[i] = i == SSHD ? 1002 : i == DNSD ? 1006 : 5000000 + i;
	assert_int_equal(ask(fd, 9, inodes, N, a, &stats), 0);
	for (size_t i = 0; i < N; i++)
		assert_int_equal(a[i].n_holders > 0 ? a[i].holders[0].pid : 0,
				 i == SSHD ? 100 : i == DNSD ? 400 : 0);
	assert_string_equal(a[DNSD].holders[0].process, "dnsd");
	assert_int_equal(stats.refused, N - 2);
	assert_int_equal(stop_helper(&h, fd), 0);
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
	const size_t header = sizeof(struct pc_namer_request_header);
	struct request m;

	memset(&m, 0, sizeof(m));
	m.h.command = 7; /* unknown command */
	expect_refused(&m, header);

	m = (struct request){ { resolve, 1, 2, 0, 2, 0 }, { 1, 2 } };
	expect_refused(&m, sizeof(m) - 8); /* count says 2, carries 1 */

	m = (struct request){ { resolve, 1, PC_NAMER_MAX_INODES + 1, 0, 0, 0 }, { 0 } };
	expect_refused(&m, header); /* over the limit */

	m = (struct request){ { resolve, 1, 4, 2, 2, 0 }, { 1, 2 } };
	expect_refused(&m, sizeof(m)); /* does not start at offset 0 */

	m = (struct request){ { resolve, 1, 1, 0, 2, 0 }, { 1, 2 } };
	expect_refused(&m, sizeof(m)); /* more than the total */

	m = (struct request){ { resolve, 1, 4, 0, 0, 0 }, { 0 } };
	expect_refused(&m, header); /* a chunk that carries nothing */

	m = (struct request){ { resolve, 1, 1, 0, 1, PC_NAMER_WHOLE << 1 }, { 1 } };
	expect_refused(&m, header + 8); /* a flag it does not know */

	expect_refused("x", 1); /* shorter than a header */

	static unsigned char huge[1 << 16];
	memcpy(huge, &(uint32_t){ resolve }, 4);
	expect_refused(huge, sizeof(huge)); /* longer than any request */
}

/* A request's second chunk must be its own: same id, total and flags, the
 * next offset (the parser alone, as the fuzzer drives it). */
static void test_request_chunks_follow_each_other(void **state)
{
	(void)state;
	struct pc_namer_request r = { 0 };
	struct request m = { { PC_NAMER_RESOLVE, 5, 4, 0, 2, 0 }, { 11, 12 } };
	assert_int_equal(pc_namer_request_take(&r, &m, sizeof(m)), 0);
	struct request next = { { PC_NAMER_RESOLVE, 6, 4, 2, 2, 0 }, { 13, 14 } };
	assert_int_equal(pc_namer_request_take(&r, &next, sizeof(next)), -1); /* another id */
	pc_namer_request_free(&r);

	assert_int_equal(pc_namer_request_take(&r, &m, sizeof(m)), 0);
	next.h.id = 5;
	next.h.flags = PC_NAMER_WHOLE;
	assert_int_equal(pc_namer_request_take(&r, &next, sizeof(next)), -1); /* other flags */
	next.h.flags = 0;
	pc_namer_request_free(&r);

	assert_int_equal(pc_namer_request_take(&r, &m, sizeof(m)), 0);
	next.h.id = 5;
	assert_int_equal(pc_namer_request_take(&r, &next, sizeof(next)), 1);
	assert_int_equal(r.total, 4);
	assert_int_equal(r.inodes[3], 14);
	/* Complete: the next message starts a new request. */
	assert_int_equal(pc_namer_request_take(&r, &next, sizeof(next)), -1);
	assert_int_equal(pc_namer_request_take(&r, &m, sizeof(m)), 0);
	pc_namer_request_free(&r);
}

/* One reply message of count answers to request id over total inodes. */
static size_t reply_message(unsigned char *buf, uint32_t id, uint32_t total, uint32_t offset,
			    const struct pc_namer_answer *answers, uint32_t count)
{
	struct pc_namer_reply_header h = { .id = id, .total = total, .offset = offset,
					   .count = count };
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), answers, count * sizeof(*answers));
	return sizeof(h) + count * sizeof(*answers);
}

/* The daemon takes nothing from the helper but the answer to what it
 * asked: its id, its inodes in its order, a naming that exists, holders
 * only with a naming that has them, pids that are pids; names come out
 * printable and terminated whatever was sent. */
static void test_rejects_replies_that_are_not_the_answer(void **state)
{
	(void)state;
	static unsigned char buf[PC_NAMER_MESSAGE_MAX];
	const uint64_t asked[] = { 1002, 1006 };
	struct pc_naming_answer out[2];
	struct pc_namer_answer good[2] = {
		{ .inode = 1002, .naming = PC_NAMING_COMPLETE, .n_holders = 1,
		  .holders = { { 100, "sshd" } } },
		{ .inode = 1006, .naming = PC_NAMING_NOT_FOUND },
	};
	memset(good[0].holders[0].name, 'A', sizeof(good[0].holders[0].name)); /* no NUL */
	good[0].holders[0].name[3] = '\n';

	struct pc_namer_reply r = { .id = 3, .asked = asked, .total = 2, .answers = out };
	assert_int_equal(pc_namer_reply_take(&r, buf, reply_message(buf, 3, 2, 0, good, 2)), 1);
	assert_int_equal(out[0].holders[0].pid, 100);
	assert_int_equal(strlen(out[0].holders[0].process), PC_PROCESS_MAX - 1);
	assert_int_equal(out[0].holders[0].process[3], '?');
	assert_int_equal(out[1].naming, PC_NAMING_NOT_FOUND);

	/* Another request's reply. */
	r = (struct pc_namer_reply){ .id = 3, .asked = asked, .total = 2, .answers = out };
	assert_int_equal(pc_namer_reply_take(&r, buf, reply_message(buf, 4, 2, 0, good, 2)), -1);

	struct pc_namer_answer spoilt[2];
	for (int k = 0; k < 6; k++) {
		memcpy(spoilt, good, sizeof(spoilt));
		switch (k) {
		case 0: spoilt[1].inode = 9999; break; /* not what was asked */
		case 1: spoilt[1].naming = 77; break; /* no such naming */
		case 2: spoilt[0].n_holders = PC_NAMER_HOLDERS + 1; break;
		case 3: spoilt[0].holders[0].pid = -5; break;
		case 4: spoilt[1].n_holders = 1; break; /* holders for "not found" */
		case 5: spoilt[0].n_holders = 0; break; /* "complete" without one */
		}
		r = (struct pc_namer_reply){ .id = 3, .asked = asked, .total = 2, .answers = out };
		if (pc_namer_reply_take(&r, buf, reply_message(buf, 3, 2, 0, spoilt, 2)) != -1)
			fail_msg("spoilt reply %d taken", k);
	}
	/* Wrong order, wrong total, a length that is not the count's. */
	r = (struct pc_namer_reply){ .id = 3, .asked = asked, .total = 2, .answers = out };
	assert_int_equal(pc_namer_reply_take(&r, buf, reply_message(buf, 3, 2, 1, good, 1)), -1);
	assert_int_equal(pc_namer_reply_take(&r, buf, reply_message(buf, 3, 3, 0, good, 2)), -1);
	assert_int_equal(pc_namer_reply_take(&r, buf, reply_message(buf, 3, 2, 0, good, 2) - 1), -1);
}

/* One daemon's side asking its own helper over and over: several chunks
 * each way, one listener the fixture names among others that are not
 * listening. */
struct asker {
	pthread_barrier_t *start;
	uint64_t first_inode; /* of the inodes that are not listeners */
	size_t known_at; /* where the one the helper can name is */
	uint64_t inode; /* ...its inode */
	int32_t pid; /* ...and what the helper must answer */
	const char *process;
	int rounds;
	int wrong; /* a round failed or answered something else */
};

#define ASKED (2 * PC_NAMER_CHUNK + 5)

static bool answered_right(const struct asker *a, const struct pc_naming_answer *answers)
{
	for (size_t i = 0; i < ASKED; i++) {
		bool known = i == a->known_at;
		const struct pc_naming_answer *x = &answers[i];
		if (x->inode != (known ? a->inode : a->first_inode + i) ||
		    (x->n_holders > 0 ? x->holders[0].pid : 0) != (known ? a->pid : 0) ||
		    (known && strcmp(x->holders[0].process, a->process) != 0))
			return false;
	}
	return true;
}

static void *ask_rounds(void *arg)
{
	struct asker *a = arg;
	struct helper h;
	int sv[2];
	static _Thread_local uint64_t inodes[ASKED];
	static _Thread_local struct pc_naming_answer answers[ASKED];
	bool ready = socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0;

	/* no cmocka asserts off the test's thread: count, and check after */
	for (size_t i = 0; i < ASKED; i++)
		inodes[i] = i == a->known_at ? a->inode : a->first_inode + i;
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
		if (!ready || ask(sv[0], (uint32_t)i, inodes, ASKED, answers, &stats) != 0 ||
		    !answered_right(a, answers))
			a->wrong++;
	}
	close(sv[0]);
	if (ready)
		pthread_join(h.thread, NULL);
	close(sv[1]);
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
		  .pid = 100, .process = "sshd", .rounds = 100 },
		{ .start = &start, .first_inode = 6000000, .known_at = PC_NAMER_CHUNK + 9,
		  .inode = 1006, .pid = 400, .process = "dnsd", .rounds = 100 },
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

/* A descriptor crosses the socket with a message (the monitor hands the
 * daemon each new helper's socket that way); a receiver that wants none
 * gets none, and no descriptor leaks. */
static void test_passes_a_descriptor(void **state)
{
	(void)state;
	int sv[2], passed[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(pipe(passed), 0);
	struct pc_namer_spawn_reply reply = { 0, 4321 }, got;
	assert_int_equal(pc_namer_send(sv[0], &reply, sizeof(reply), 0, passed[1]), 0);
	int fd = -1;
	assert_int_equal(pc_namer_recv(sv[1], &got, sizeof(got), 0, &fd), (ssize_t)sizeof(got));
	assert_int_equal(got.pid, 4321);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "x", 1), 1);
	char byte;
	assert_int_equal(read(passed[0], &byte, 1), 1);
	close(fd);

	assert_int_equal(pc_namer_send(sv[0], &reply, sizeof(reply), 0, passed[1]), 0);
	assert_int_equal(pc_namer_recv(sv[1], &got, sizeof(got), 0, NULL), (ssize_t)sizeof(got));
	close(passed[1]);
	/* the only writer left was closed by the receiver that wanted none */
	assert_int_equal(read(passed[0], &byte, 1), 0);
	close(passed[0]);
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_listeners_over_the_socket),
		cmocka_unit_test(test_refuses_what_is_not_listening),
		cmocka_unit_test(test_many_listeners_in_chunks),
		cmocka_unit_test(test_dumps_again_for_what_it_has_not_seen),
		cmocka_unit_test(test_refuses_bad_requests),
		cmocka_unit_test(test_request_chunks_follow_each_other),
		cmocka_unit_test(test_rejects_replies_that_are_not_the_answer),
		cmocka_unit_test(test_pairs_at_once),
		cmocka_unit_test(test_passes_a_descriptor),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
