/* SPDX-License-Identifier: ISC */
/* An old connection to the master, on real sockets (a Unix stream pair, the
 * master's end played by the test): what its state says when the session
 * goes down, the AgentX answers read from it in both byte orders and in
 * pieces, and what its end says of what was not answered: read (never
 * sent again) or lost unread (sent again, once). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "snmp/notify_orphan.h"

static const struct pc_notify_policy open_policy = {
	.enabled = true, .missing = true, .restored = true, .unexpected = true,
	.compliance = true, .rate_limit = 0, .capacity = 8,
};

/* An AgentX Response (RFC 2741 6.1, 6.2.16) to packet, with error. */
static size_t response(uint8_t *out, uint32_t packet, uint16_t error, bool network)
{
	uint8_t h[28] = { 1, 18, network ? 0x10 : 0, 0 };
	uint32_t fields[4] = { 7 /* sessionID */, 0, packet, 8 /* payload */ };
	for (int f = 0; f < 4; f++)
		for (int b = 0; b < 4; b++)
			h[4 + 4 * f + b] = (uint8_t)(fields[f] >> (network ? 24 - 8 * b : 8 * b));
	h[24] = network ? (uint8_t)(error >> 8) : (uint8_t)error;
	h[25] = network ? (uint8_t)error : (uint8_t)(error >> 8);
	memcpy(out, h, sizeof(h));
	return sizeof(h);
}

struct answers {
	uint32_t packet[8];
	uint16_t error[8];
	size_t n;
};

static void collect(void *context, uint32_t packet, uint16_t error)
{
	struct answers *a = context;
	a->packet[a->n] = packet;
	a->error[a->n++] = error;
}

static void answers_in_both_byte_orders_and_in_pieces(void **unused)
{
	(void)unused;
	uint8_t buf[256];
	size_t len = response(buf, 0x440e1819, 0, true);
	len += response(buf + len, 0x12345678, 264, false);
	uint8_t ping[20] = { 1, 13, 0x10, 0 }; /* not a response: skipped */
	memcpy(buf + len, ping, sizeof(ping));
	len += sizeof(ping);
	struct answers a = { .n = 0 };
	assert_int_equal(pc_agentx_responses(buf, len, collect, &a), (long)len);
	assert_int_equal(a.n, 2);
	assert_int_equal(a.packet[0], 0x440e1819);
	assert_int_equal(a.error[0], 0);
	assert_int_equal(a.packet[1], 0x12345678);
	assert_int_equal(a.error[1], 264);
	/* A PDU not whole yet waits for the rest. */
	a.n = 0;
	assert_int_equal(pc_agentx_responses(buf, 27, collect, &a), 0);
	assert_int_equal(a.n, 0);
	/* Not AgentX at all. */
	memset(buf, 0xff, 40);
	assert_int_equal(pc_agentx_responses(buf, 40, collect, &a), -1);
}

/* A queue whose session went down with requests 100..100+n-1 in flight. */
static uint32_t orphan_n(struct pc_notify_queue *q, uint16_t n)
{
	assert_int_equal(pc_notify_queue_init(q, &open_policy), 0);
	uint32_t session = pc_notify_queue_link_up(q, 0);
	for (uint16_t i = 0; i < n; i++) {
		struct pc_event e;
		memset(&e, 0, sizeof(e));
		e.type = PC_EVENT_MISSING;
		e.member = i + 1u;
		assert_int_equal(pc_notify_queue_offer(q, &e, 0), PC_NOTIFY_QUEUED);
		int64_t due;
		pc_notify_queue_sent(q, pc_notify_queue_next(q, 0, &due), 100u + i);
	}
	pc_notify_queue_link_down(q, PC_LINK_ORPHANED);
	assert_int_equal(pc_notify_queue_orphans(q), n);
	return session;
}

/* fds[0]: ours, fds[1]: the master's. */
static void pair(int fds[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
}

static void the_master_s_end_tells_the_fate(void **unused)
{
	(void)unused;
	int fds[2];
	pair(fds);
	/* Everything we wrote was read: its answers went elsewhere. */
	assert_int_equal(pc_notify_orphan_fate(fds[0]), PC_LINK_MASTER_READ);
	/* Some is unread: the master, stalled, may still read it. */
	assert_int_equal(write(fds[0], "notify", 6), 6);
	assert_int_equal(pc_notify_orphan_fate(fds[0]), PC_LINK_ORPHANED);
	/* Closed: what it never answered is lost. */
	close(fds[1]);
	assert_int_equal(pc_notify_orphan_fate(fds[0]), PC_LINK_MASTER_CLOSED);
	close(fds[0]);
}

/* The master resumes and answers two of three, then answers net-snmp's own
 * later request: it handled the third too (its answer went elsewhere). */
static void answers_settle_orphans_and_a_later_one_settles_the_rest(void **unused)
{
	(void)unused;
	struct pc_notify_queue q;
	uint32_t session = orphan_n(&q, 3);
	int fds[2];
	pair(fds);
	struct pc_notify_orphan o = { .fd = fds[0], .session = session };
	uint8_t buf[128];
	size_t len = response(buf, 100, 0, true);
	len += response(buf + len, 102, 0, true);
	/* In two pieces, the cut inside the second answer. */
	assert_int_equal(write(fds[1], buf, 40), 40);
	assert_false(pc_notify_orphan_read(&o, &q));
	assert_int_equal(write(fds[1], buf + 40, len - 40), (ssize_t)(len - 40));
	assert_false(pc_notify_orphan_read(&o, &q));
	assert_int_equal(q.acknowledged, 2);
	assert_int_equal(pc_notify_queue_orphans(&q), 1);
	len = response(buf, 999, 0, true);
	assert_int_equal(write(fds[1], buf, len), (ssize_t)len);
	assert_true(pc_notify_orphan_read(&o, &q));
	assert_int_equal(o.fd, -1);
	assert_int_equal(q.unconfirmed, 1);
	assert_int_equal(pc_notify_queue_pending(&q), 0);
	assert_int_equal(q.retried, 0);
	close(fds[1]);
	pc_notify_queue_free(&q);
}

/* The master closes the connection having read everything we wrote: what
 * it did not answer is never sent again. */
static void closed_after_reading_is_never_sent_again(void **unused)
{
	(void)unused;
	struct pc_notify_queue q;
	uint32_t session = orphan_n(&q, 2);
	int fds[2];
	pair(fds);
	assert_int_equal(write(fds[0], "notify", 6), 6);
	char got[6];
	assert_int_equal(read(fds[1], got, sizeof(got)), 6);
	struct pc_notify_orphan o = { .fd = fds[0], .session = session };
	close(fds[1]);
	assert_true(pc_notify_orphan_read(&o, &q));
	assert_int_equal(q.unconfirmed, 2);
	assert_int_equal(pc_notify_queue_pending(&q), 0);
	pc_notify_queue_free(&q);
}

/* The master goes away with what we wrote unread (stopped, then killed):
 * the kernel says so (ECONNRESET), and the orphans go out again, once. */
static void closed_unread_is_sent_again(void **unused)
{
	(void)unused;
	struct pc_notify_queue q;
	uint32_t session = orphan_n(&q, 2);
	int fds[2];
	pair(fds);
	assert_int_equal(write(fds[0], "notify", 6), 6);
	struct pc_notify_orphan o = { .fd = fds[0], .session = session };
	close(fds[1]);
	assert_true(pc_notify_orphan_read(&o, &q));
	assert_int_equal(q.unconfirmed, 0);
	assert_int_equal(pc_notify_queue_orphans(&q), 0);
	pc_notify_queue_link_up(&q, 0);
	int64_t due;
	struct pc_notify_entry *e;
	uint32_t request = 200;
	while ((e = pc_notify_queue_next(&q, 0, &due)) != NULL)
		pc_notify_queue_sent(&q, e, request++);
	assert_int_equal(request, 202);
	assert_int_equal(q.retried, 2);
	pc_notify_queue_free(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(answers_in_both_byte_orders_and_in_pieces),
		cmocka_unit_test(the_master_s_end_tells_the_fate),
		cmocka_unit_test(answers_settle_orphans_and_a_later_one_settles_the_rest),
		cmocka_unit_test(closed_after_reading_is_never_sent_again),
		cmocka_unit_test(closed_unread_is_sent_again),
	};
	return cmocka_run_group_tests_name("notify_orphan", tests, NULL, NULL);
}
