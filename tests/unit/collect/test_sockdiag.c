/* SPDX-License-Identifier: ISC */
/* sockdiag.c: the sock_diag reply parser on dumps recorded from a real
 * kernel (tests/fixtures/collect/mix, see record.sh there), on hand-made
 * messages, on malformed and random input; and the connect-port bytecode. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "collect/collect_internal.h"
#include "collect_test_util.h"

/* ---- messages and the parse fixture ---------------------------------- */

struct msgbuf {
	uint8_t data[4096] __attribute__((aligned(4)));
	size_t len;
};

/* Append one SOCK_DIAG_BY_FAMILY message; v6only < 0: no attribute. */
static struct inet_diag_msg *put_socket(struct msgbuf *b, uint8_t family, uint8_t state,
					const char *src, uint16_t sport, const char *dst,
					uint16_t dport, uint32_t ifindex, uint32_t inode, int v6only)
{
	struct nlmsghdr *nlh = (void *)(b->data + b->len);
	memset(nlh, 0, NLMSG_SPACE(sizeof(struct inet_diag_msg)) + 8);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_len = NLMSG_LENGTH(sizeof(struct inet_diag_msg));
	struct inet_diag_msg *m = NLMSG_DATA(nlh);
	m->idiag_family = family;
	m->idiag_state = state;
	m->id.idiag_sport = htons(sport);
	m->id.idiag_dport = htons(dport);
	m->id.idiag_if = ifindex;
	m->idiag_inode = inode;
	inet_pton(family, src, m->id.idiag_src);
	inet_pton(family, dst, m->id.idiag_dst);
	if (v6only >= 0) {
		struct nlattr *a = (void *)((uint8_t *)nlh + NLMSG_ALIGN(nlh->nlmsg_len));
		a->nla_type = INET_DIAG_SKV6ONLY;
		a->nla_len = NLA_HDRLEN + 1;
		*((uint8_t *)a + NLA_HDRLEN) = (uint8_t)v6only;
		nlh->nlmsg_len = NLMSG_ALIGN(nlh->nlmsg_len) + NLA_ALIGN(a->nla_len);
	}
	b->len += NLMSG_ALIGN(nlh->nlmsg_len);
	return m;
}

static struct nlmsghdr *put_raw(struct msgbuf *b, uint16_t type, const void *payload,
				size_t payload_len)
{
	struct nlmsghdr *nlh = (void *)(b->data + b->len);
	memset(nlh, 0, NLMSG_SPACE(payload_len));
	nlh->nlmsg_type = type;
	nlh->nlmsg_len = NLMSG_LENGTH(payload_len);
	memcpy(NLMSG_DATA(nlh), payload, payload_len);
	b->len += NLMSG_SPACE(payload_len);
	return nlh;
}

static void put_done(struct msgbuf *b, int status)
{
	put_raw(b, NLMSG_DONE, &status, sizeof(status));
}

/* What a parser test works on: the messages it puts, the snapshot they
 * are parsed into and the kernel's errno; the teardown frees the snapshot
 * whatever the test's outcome. */
struct parse_case {
	struct msgbuf b;
	struct pc_snapshot snap;
	int kernel_errno;
};

static int parse_case_new(void **state)
{
	*state = calloc(1, sizeof(struct parse_case));
	return *state != NULL ? 0 : -1;
}

static int parse_case_free(void **state)
{
	struct parse_case *d = *state;
	pc_snapshot_clear(&d->snap);
	free(d);
	return 0;
}

/* The first len bytes of the messages put, parsed into the case's
 * snapshot. */
static enum pc_dump_status parse_prefix(struct parse_case *d, size_t len, uint8_t proto,
					enum pc_dump_kind kind)
{
	return pc_sockdiag_parse(d->b.data, len, 0, proto, kind, &d->snap, &d->kernel_errno);
}

static enum pc_dump_status parse_buf(struct parse_case *d, uint8_t proto, enum pc_dump_kind kind)
{
	return parse_prefix(d, d->b.len, proto, kind);
}

/* ---- recorded dumps ---------------------------------------------------- */

/* The four listener dumps of the recording, in the order the collector
 * sends them (its sequence numbers 2..5). */
static const struct {
	const char *file;
	uint8_t proto;
	uint32_t seq;
} mix_dumps[] = {
	{ "mix/tcp4.bin", IPPROTO_TCP, 2 },
	{ "mix/udp4.bin", IPPROTO_UDP, 3 },
	{ "mix/tcp6.bin", IPPROTO_TCP, 4 },
	{ "mix/udp6.bin", IPPROTO_UDP, 5 },
};

/* A recorded dump, parsed into the case's snapshot as the reply to the
 * request numbered seq. */
static enum pc_dump_status parse_file(struct parse_case *d, const char *file, uint32_t seq,
				      uint8_t proto, enum pc_dump_kind kind)
{
	size_t len;
	char *buf = read_fixture(file, &len);
	enum pc_dump_status s =
		pc_sockdiag_parse(buf, len, seq, proto, kind, &d->snap, &d->kernel_errno);
	free(buf);
	return s;
}

static void test_recorded_mix_matches_ss(void **state)
{
	struct parse_case *d = *state;
	for (size_t i = 0; i < sizeof(mix_dumps) / sizeof(mix_dumps[0]); i++)
		assert_int_equal(parse_file(d, mix_dumps[i].file, mix_dumps[i].seq,
					    mix_dumps[i].proto, PC_DUMP_LISTENERS),
				 PC_DUMP_DONE);
	pc_snapshot_finish(&d->snap);
	assert_int_equal(d->snap.errors, 0);

	assert_fixture_text(listeners_text(&d->snap), "mix/expected.txt");
}

/* The cases the recording exists for, spelled out. */
static void test_recorded_mix_conventions(void **state)
{
	struct parse_case *d = *state;
	for (size_t i = 0; i < sizeof(mix_dumps) / sizeof(mix_dumps[0]); i++)
		parse_file(d, mix_dumps[i].file, 0, mix_dumps[i].proto, PC_DUMP_LISTENERS);
	pc_snapshot_finish(&d->snap);

	static const uint8_t zero16[16];
	struct pc_endpoint ep;
	const struct pc_listener *l;

	pc_endpoint_set(&ep, IPPROTO_TCP, AF_INET6, zero16, false, 0, 40004);
	l = pc_snapshot_find_listener(&d->snap, &ep);
	assert_non_null(l); /* dual-stack: type unknown, no address */
	assert_int_equal(l->local.addr_type, PC_INET_UNKNOWN);

	pc_endpoint_set(&ep, IPPROTO_TCP, AF_INET6, zero16, true, 0, 40005);
	l = pc_snapshot_find_listener(&d->snap, &ep);
	assert_non_null(l); /* v6-only wildcard: :: */
	assert_int_equal(l->local.addr_type, PC_INET_IPV6);

	pc_endpoint_set(&ep, IPPROTO_TCP, AF_INET6, zero16, false, 0, 40005);
	assert_null(pc_snapshot_find_listener(&d->snap, &ep));

	uint8_t any4[4] = { 0 };
	pc_endpoint_set(&ep, IPPROTO_TCP, AF_INET, any4, false, 0, 40002);
	l = pc_snapshot_find_listener(&d->snap, &ep);
	assert_non_null(l);
	assert_int_equal(l->sockets, 3); /* a reuseport group of three */

	pc_endpoint_set(&ep, IPPROTO_TCP, AF_INET6, zero16, true, 0, 40008);
	l = pc_snapshot_find_listener(&d->snap, &ep);
	assert_non_null(l);
	assert_int_equal(l->sockets, 2); /* a v6-only reuseport group */

	uint8_t mapped[16];
	inet_pton(AF_INET6, "::ffff:127.0.0.1", mapped);
	pc_endpoint_set(&ep, IPPROTO_UDP, AF_INET6, mapped, false, 0, 40106);
	assert_non_null(pc_snapshot_find_listener(&d->snap, &ep));

	/* 40007: an IPv4 wildcard and a v6-only one side by side. */
	pc_endpoint_set(&ep, IPPROTO_TCP, AF_INET, any4, false, 0, 40007);
	assert_non_null(pc_snapshot_find_listener(&d->snap, &ep));
	pc_endpoint_set(&ep, IPPROTO_TCP, AF_INET6, zero16, true, 0, 40007);
	assert_non_null(pc_snapshot_find_listener(&d->snap, &ep));

	/* The snapshot is in index order and has no two equal rows. */
	for (size_t i = 1; i < d->snap.n_listeners; i++)
		assert_int_equal(pc_endpoint_cmp(&d->snap.listeners[i - 1].local,
						 &d->snap.listeners[i].local),
				 -1);
	for (size_t i = 0; i < d->snap.n_listeners; i++)
		assert_true(d->snap.listeners[i].inode != 0);
}

static void test_recorded_connections(void **state)
{
	struct parse_case *d = *state;
	/* The connection dumps followed the listener dumps: seq 6 and 7. */
	assert_int_equal(parse_file(d, "mix/connect4.bin", 6, IPPROTO_TCP, PC_DUMP_CONNECTIONS),
			 PC_DUMP_DONE);
	assert_int_equal(parse_file(d, "mix/connect6.bin", 7, IPPROTO_TCP, PC_DUMP_CONNECTIONS),
			 PC_DUMP_DONE);
	pc_snapshot_finish(&d->snap);
	assert_int_equal(d->snap.n_listeners, 0);
	assert_fixture_text(connections_text(&d->snap), "mix/expected-connections.txt");
}

/* Messages of another dump (an abandoned one, still queued) are ignored,
 * including its NLMSG_DONE. */
static void test_other_sequence_ignored(void **state)
{
	struct parse_case *d = *state;
	assert_int_equal(parse_file(d, "mix/tcp4.bin", 999, IPPROTO_TCP, PC_DUMP_LISTENERS),
			 PC_DUMP_MORE);
	assert_int_equal(d->snap.n_listeners, 0);
	assert_int_equal(d->snap.errors, 0);
}

/* The recorded tcp4 dump came in several datagrams; fed one message at a
 * time (as if each were its own datagram) it gives the same answer. */
static void test_split_anywhere_between_messages(void **state)
{
	(void)state;
	size_t len;
	char *buf = read_fixture("mix/tcp4.bin", &len);
	struct pc_snapshot whole = { 0 }, pieces = { 0 };
	int kernel_errno;

	assert_true(len > 32 * 1024); /* more than one datagram's worth */
	assert_int_equal(pc_sockdiag_parse(buf, len, 0, IPPROTO_TCP, PC_DUMP_LISTENERS, &whole,
					   &kernel_errno),
			 PC_DUMP_DONE);
	size_t at = 0;
	enum pc_dump_status s = PC_DUMP_MORE;
	while (at < len && s == PC_DUMP_MORE) {
		const struct nlmsghdr *nlh = (const void *)(buf + at);
		size_t step = NLMSG_ALIGN(nlh->nlmsg_len);
		s = pc_sockdiag_parse(buf + at, step, 0, IPPROTO_TCP, PC_DUMP_LISTENERS, &pieces,
				      &kernel_errno);
		at += step;
	}
	assert_int_equal(s, PC_DUMP_DONE);
	assert_int_equal(at, len);
	assert_int_equal(pieces.n_listeners, whole.n_listeners);
	assert_int_equal(pieces.n_listeners, 305);
	free(buf);
	pc_snapshot_clear(&whole);
	pc_snapshot_clear(&pieces);
}

/* ---- hand-made messages ------------------------------------------------ */

/* The socket's owner is the message's idiag_uid, kept per row; sockets of
 * two users on one endpoint (UDP with SO_REUSEADDR) make the row say so. */
static void test_owner_uid_from_messages(void **state)
{
	struct parse_case *d = *state;
	struct inet_diag_msg *m;
	m = put_socket(&d->b, AF_INET, PC_TCP_CLOSE, "0.0.0.0", 5000, "0.0.0.0", 0, 0, 21, -1);
	m->idiag_uid = 1001;
	m = put_socket(&d->b, AF_INET, PC_TCP_CLOSE, "0.0.0.0", 5001, "0.0.0.0", 0, 0, 22, -1);
	m->idiag_uid = 0;
	m = put_socket(&d->b, AF_INET, PC_TCP_CLOSE, "0.0.0.0", 5001, "0.0.0.0", 0, 0, 23, -1);
	m->idiag_uid = 65534;
	put_done(&d->b, 0);
	assert_int_equal(parse_buf(d, IPPROTO_UDP, PC_DUMP_LISTENERS), PC_DUMP_DONE);
	pc_snapshot_finish(&d->snap);
	assert_int_equal(d->snap.n_listeners, 2);
	assert_int_equal(d->snap.listeners[0].uid, 1001);
	assert_false(d->snap.listeners[0].uids_differ);
	assert_int_equal(d->snap.listeners[1].uid, 0); /* the lowest inode's */
	assert_true(d->snap.listeners[1].uids_differ);
}

static void test_zone_and_v6only_from_messages(void **state)
{
	struct parse_case *d = *state;
	put_socket(&d->b, AF_INET6, PC_TCP_LISTEN, "fe80::1", 22, "::", 0, 2, 11, 0);
	put_socket(&d->b, AF_INET6, PC_TCP_LISTEN, "::", 23, "::", 0, 0, 12, 1);
	/* No SKV6ONLY attribute (a kernel too old to send it): dual-stack. */
	put_socket(&d->b, AF_INET6, PC_TCP_LISTEN, "::", 24, "::", 0, 0, 13, -1);
	put_done(&d->b, 0);
	assert_int_equal(parse_buf(d, IPPROTO_TCP, PC_DUMP_LISTENERS), PC_DUMP_DONE);
	pc_snapshot_finish(&d->snap);
	char *got = listeners_text(&d->snap);
	assert_string_equal(got, "tcp * 24 1\n"
				 "tcp [::] 23 1\n"
				 "tcp [fe80::1]%2 22 1\n");
	free(got);
}

/* A state the dump kind does not want is dropped silently: the bench asks
 * for LISTEN|CLOSE TCP to show its cost, and CLOSE TCP is no listener. */
static void test_unwanted_states_dropped(void **state)
{
	struct parse_case *d = *state;
	put_socket(&d->b, AF_INET, PC_TCP_LISTEN, "127.0.0.1", 80, "0.0.0.0", 0, 0, 1, -1);
	put_socket(&d->b, AF_INET, PC_TCP_CLOSE, "127.0.0.1", 81, "0.0.0.0", 0, 0, 2, -1);
	put_socket(&d->b, AF_INET, PC_TCP_ESTABLISHED, "127.0.0.1", 82, "127.0.0.1", 5, 0, 3, -1);
	put_done(&d->b, 0);
	assert_int_equal(parse_buf(d, IPPROTO_TCP, PC_DUMP_LISTENERS), PC_DUMP_DONE);
	assert_int_equal(d->snap.n_listeners, 1);
	assert_int_equal(d->snap.errors, 0);
	pc_snapshot_reset(&d->snap);

	/* UDP: CLOSE is bound and unconnected; ESTABLISHED is connected. */
	assert_int_equal(parse_buf(d, IPPROTO_UDP, PC_DUMP_LISTENERS), PC_DUMP_DONE);
	assert_int_equal(d->snap.n_listeners, 1);
	assert_int_equal(d->snap.listeners[0].local.port, 81);
	pc_snapshot_reset(&d->snap);

	assert_int_equal(parse_buf(d, IPPROTO_TCP, PC_DUMP_CONNECTIONS), PC_DUMP_DONE);
	assert_int_equal(d->snap.n_listeners, 0);
	assert_int_equal(d->snap.n_connections, 1);
	assert_int_equal(d->snap.connections[0].remote.port, 5);
}

static void test_kernel_errors(void **state)
{
	struct parse_case *d = *state;
	struct nlmsgerr e = { .error = -EPERM };
	put_raw(&d->b, NLMSG_ERROR, &e, sizeof(e));
	assert_int_equal(parse_buf(d, IPPROTO_TCP, PC_DUMP_LISTENERS), PC_DUMP_FAILED);
	assert_int_equal(d->kernel_errno, EPERM);

	/* An acknowledgement (error 0) is not a failure. */
	d->b.len = 0;
	e.error = 0;
	put_raw(&d->b, NLMSG_ERROR, &e, sizeof(e));
	put_done(&d->b, 0);
	assert_int_equal(parse_buf(d, IPPROTO_TCP, PC_DUMP_LISTENERS), PC_DUMP_DONE);

	/* A dump that failed half-way says so in NLMSG_DONE. */
	d->b.len = 0;
	put_socket(&d->b, AF_INET, PC_TCP_LISTEN, "127.0.0.1", 80, "0.0.0.0", 0, 0, 1, -1);
	put_done(&d->b, -ENOBUFS);
	assert_int_equal(parse_buf(d, IPPROTO_TCP, PC_DUMP_LISTENERS), PC_DUMP_FAILED);
	assert_int_equal(d->kernel_errno, ENOBUFS);

	/* An error message too short to hold its code is still an error. */
	d->b.len = 0;
	put_raw(&d->b, NLMSG_ERROR, "", 0);
	assert_int_equal(parse_buf(d, IPPROTO_TCP, PC_DUMP_LISTENERS), PC_DUMP_FAILED);
	assert_int_equal(d->kernel_errno, EBADMSG);

	/* A code that is no errno (fuzz_sockdiag found INT_MIN, whose
	 * negation overflows) is a malformed message, not a crash. */
	d->b.len = 0;
	put_done(&d->b, INT_MIN);
	assert_int_equal(parse_buf(d, IPPROTO_TCP, PC_DUMP_LISTENERS), PC_DUMP_FAILED);
	assert_int_equal(d->kernel_errno, EPROTO);
	d->b.len = 0;
	e.error = INT_MIN;
	put_raw(&d->b, NLMSG_ERROR, &e, sizeof(e));
	assert_int_equal(parse_buf(d, IPPROTO_TCP, PC_DUMP_LISTENERS), PC_DUMP_FAILED);
	assert_int_equal(d->kernel_errno, EPROTO);
}

static void test_malformed_messages_skipped_and_counted(void **state)
{
	struct parse_case *d = *state;
	put_socket(&d->b, AF_INET, PC_TCP_LISTEN, "127.0.0.1", 1, "0.0.0.0", 0, 0, 1, -1);
	/* A socket message too short for inet_diag_msg. */
	put_raw(&d->b, SOCK_DIAG_BY_FAMILY, "\x02\x0a\0\0", 4);
	put_socket(&d->b, AF_INET, PC_TCP_LISTEN, "127.0.0.1", 2, "0.0.0.0", 0, 0, 2, -1);
	/* A family that is neither AF_INET nor AF_INET6. */
	struct inet_diag_msg *m =
		put_socket(&d->b, AF_INET, PC_TCP_LISTEN, "127.0.0.1", 3, "0.0.0.0", 0, 0, 3, -1);
	m->idiag_family = AF_UNIX;
	/* A message type sock_diag does not send. */
	put_raw(&d->b, 0x7777, "abcd", 4);
	put_socket(&d->b, AF_INET6, PC_TCP_LISTEN, "::1", 4, "::", 0, 0, 4, 0);
	put_done(&d->b, 0);
	assert_int_equal(parse_buf(d, IPPROTO_TCP, PC_DUMP_LISTENERS), PC_DUMP_DONE);
	assert_int_equal(d->snap.n_listeners, 3);
	assert_int_equal(d->snap.errors, 3);
}

/* A length that cannot be trusted ends the buffer: what came before it is
 * kept, what follows is dropped and counted once. */
static void test_bad_lengths(void **state)
{
	struct parse_case *d = *state;
	put_socket(&d->b, AF_INET, PC_TCP_LISTEN, "127.0.0.1", 1, "0.0.0.0", 0, 0, 1, -1);
	size_t second = d->b.len;
	put_socket(&d->b, AF_INET, PC_TCP_LISTEN, "127.0.0.1", 2, "0.0.0.0", 0, 0, 2, -1);
	put_done(&d->b, 0);

	/* Longer than the buffer. */
	struct nlmsghdr *nlh = (void *)(d->b.data + second);
	uint32_t real = nlh->nlmsg_len;
	nlh->nlmsg_len = 100000;
	assert_int_equal(parse_buf(d, IPPROTO_TCP, PC_DUMP_LISTENERS), PC_DUMP_MORE);
	assert_int_equal(d->snap.n_listeners, 1);
	assert_int_equal(d->snap.errors, 1);

	/* Shorter than a header (0 would otherwise loop forever). */
	pc_snapshot_reset(&d->snap);
	nlh->nlmsg_len = 0;
	assert_int_equal(parse_buf(d, IPPROTO_TCP, PC_DUMP_LISTENERS), PC_DUMP_MORE);
	assert_int_equal(d->snap.n_listeners, 1);
	assert_int_equal(d->snap.errors, 1);

	/* Cut in the middle of the second message. */
	pc_snapshot_reset(&d->snap);
	nlh->nlmsg_len = real;
	assert_int_equal(parse_prefix(d, second + 40, IPPROTO_TCP, PC_DUMP_LISTENERS), PC_DUMP_MORE);
	assert_int_equal(d->snap.n_listeners, 1);
	assert_int_equal(d->snap.errors, 1);

	/* A trailing fragment shorter than a header. */
	pc_snapshot_reset(&d->snap);
	assert_int_equal(parse_prefix(d, second + 7, IPPROTO_TCP, PC_DUMP_LISTENERS), PC_DUMP_MORE);
	assert_int_equal(d->snap.n_listeners, 1);
	assert_int_equal(d->snap.errors, 1);

	/* Nothing at all. */
	pc_snapshot_reset(&d->snap);
	assert_int_equal(parse_prefix(d, 0, IPPROTO_TCP, PC_DUMP_LISTENERS), PC_DUMP_MORE);
	assert_int_equal(d->snap.errors, 0);
}

/* Whatever the bytes, the parser returns (ASan/valgrind watch it read). */
static void test_random_and_corrupted_input(void **state)
{
	struct parse_case *d = *state;
	size_t len;
	char *recorded = read_fixture("mix/tcp6.bin", &len);
	srand(4);
	for (int round = 0; round < 3000; round++) {
		uint8_t *buf = malloc(len);
		memcpy(buf, recorded, len);
		size_t cut = (size_t)rand() % (len + 1);
		int flips = 1 + rand() % 8;
		for (int i = 0; i < flips && cut > 0; i++)
			buf[(size_t)rand() % cut] ^= (uint8_t)(1u << (rand() % 8));
		pc_sockdiag_parse(buf, cut, 0, IPPROTO_TCP, PC_DUMP_LISTENERS, &d->snap,
				  &d->kernel_errno);
		pc_snapshot_finish(&d->snap);
		pc_snapshot_reset(&d->snap);
		free(buf);

		size_t n = (size_t)rand() % 512;
		buf = malloc(n + 1);
		for (size_t i = 0; i < n; i++)
			buf[i] = (uint8_t)rand();
		pc_sockdiag_parse(buf, n, 0, IPPROTO_UDP, PC_DUMP_CONNECTIONS, &d->snap,
				  &d->kernel_errno);
		pc_snapshot_reset(&d->snap);
		free(buf);
	}
	free(recorded);
}

/* ---- connect-port bytecode --------------------------------------------- */

/* The kernel's interpreter (inet_diag_bc_run), for the ops we emit. */
static bool bytecode_accepts(const uint8_t *bc, size_t bc_len, uint16_t dport)
{
	int len = (int)bc_len;
	while (len > 0) {
		const struct inet_diag_bc_op *op = (const void *)bc;
		bool yes;
		switch (op->code) {
		case INET_DIAG_BC_JMP:
			yes = false;
			break;
		case INET_DIAG_BC_D_EQ:
			yes = dport == op[1].no;
			break;
		default:
			fail_msg("unexpected op %d", op->code);
			return false;
		}
		int step = yes ? op->yes : op->no;
		len -= step;
		bc += step;
	}
	return len == 0;
}

/* The checks of the kernel's verifier (inet_diag_bc_audit) that apply. */
static void audit_bytecode(const uint8_t *bc, size_t bc_len)
{
	int len = (int)bc_len;
	const uint8_t *p = bc;
	while (len > 0) {
		const struct inet_diag_bc_op *op = (const void *)p;
		int min_len = op->code == INET_DIAG_BC_D_EQ ? 8 : 4;
		assert_true(op->yes >= min_len && op->yes <= len + 4 && (op->yes & 3) == 0);
		assert_true(op->no >= min_len && op->no <= len + 4 && (op->no & 3) == 0);
		if (op->no < len) {
			/* The target must be reachable by `yes` steps from the start. */
			int cc = len - op->no, walk = (int)bc_len;
			const uint8_t *q = bc;
			while (walk > cc) {
				walk -= ((const struct inet_diag_bc_op *)q)->yes;
				q += ((const struct inet_diag_bc_op *)q)->yes;
			}
			assert_int_equal(walk, cc);
		}
		len -= op->yes;
		p += op->yes;
	}
	assert_int_equal(len, 0);
}

static void test_port_bytecode(void **state)
{
	(void)state;
	uint8_t bc[1024];
	const uint16_t one[] = { 42027 };
	size_t len = pc_sockdiag_port_bytecode(one, 1, bc, sizeof(bc));
	assert_int_equal(len, 8);
	audit_bytecode(bc, len);
	assert_true(bytecode_accepts(bc, len, 42027));
	assert_false(bytecode_accepts(bc, len, 42028));
	assert_false(bytecode_accepts(bc, len, 0));

	const uint16_t three[] = { 443, 1433, 42027 };
	len = pc_sockdiag_port_bytecode(three, 3, bc, sizeof(bc));
	assert_int_equal(len, 32);
	audit_bytecode(bc, len);
	for (uint32_t port = 0; port < 65536; port++)
		assert_int_equal(bytecode_accepts(bc, len, (uint16_t)port),
				 port == 443 || port == 1433 || port == 42027);

	uint16_t many[64];
	for (size_t i = 0; i < 64; i++)
		many[i] = (uint16_t)(1000 + 3 * i);
	len = pc_sockdiag_port_bytecode(many, 64, bc, sizeof(bc));
	assert_int_equal(len, 63 * 12 + 8);
	audit_bytecode(bc, len);
	for (uint32_t port = 990; port < 1300; port++)
		assert_int_equal(bytecode_accepts(bc, len, (uint16_t)port),
				 port >= 1000 && port < 1192 && (port - 1000) % 3 == 0);

	assert_int_equal(pc_sockdiag_port_bytecode(many, 0, bc, sizeof(bc)), 0);
	assert_int_equal(pc_sockdiag_port_bytecode(many, 64, bc, 100), 0); /* too small */
}

/* ---- destroy events (the parsing half; test_collect_live has the rest) -- */

static void test_port_set(void **state)
{
	(void)state;
	struct pc_port_set set;
	pc_port_set_assign(&set, NULL, 0);
	assert_int_equal(set.count, 0);
	assert_true(pc_port_set_has(&set, 0)); /* empty: every port */
	assert_true(pc_port_set_has(&set, 65535));
	const uint16_t ports[] = { 22, 65535, 0, 22, 443 };
	pc_port_set_assign(&set, ports, 5);
	assert_int_equal(set.count, 4);
	assert_true(pc_port_set_has(&set, 0));
	assert_true(pc_port_set_has(&set, 22));
	assert_true(pc_port_set_has(&set, 443));
	assert_true(pc_port_set_has(&set, 65535));
	assert_false(pc_port_set_has(&set, 23));
	assert_false(pc_port_set_has(&set, 65534));
}

static void test_events_parse(void **state)
{
	struct parse_case *d = *state;
	struct pc_port_set any, watched;
	const uint16_t ports[] = { 8080 };
	pc_port_set_assign(&any, NULL, 0);
	pc_port_set_assign(&watched, ports, 1);

	/* A connection ending on the watched port: not a listener. */
	put_socket(&d->b, AF_INET, PC_TCP_CLOSE, "127.0.0.1", 8080, "127.0.0.1", 50000, 0, 1, -1);
	assert_false(pc_events_parse(d->b.data, d->b.len, &watched));
	assert_false(pc_events_parse(d->b.data, d->b.len, &any));
	/* A listener on another port. */
	put_socket(&d->b, AF_INET6, PC_TCP_CLOSE, "::", 8081, "::", 0, 0, 2, 0);
	assert_false(pc_events_parse(d->b.data, d->b.len, &watched));
	assert_true(pc_events_parse(d->b.data, d->b.len, &any));
	/* The watched listener, third in the buffer. */
	put_socket(&d->b, AF_INET, PC_TCP_CLOSE, "0.0.0.0", 8080, "0.0.0.0", 0, 0, 3, -1);
	assert_true(pc_events_parse(d->b.data, d->b.len, &watched));

	/* The same bytes at an odd address. */
	uint8_t *odd = malloc(d->b.len + 1);
	memcpy(odd + 1, d->b.data, d->b.len);
	assert_true(pc_events_parse(odd + 1, d->b.len, &watched));
	free(odd);

	/* Truncated and malformed input: false, never a crash. */
	for (size_t cut = 0; cut < d->b.len; cut++)
		(void)pc_events_parse(d->b.data, cut, &any);
	struct nlmsghdr *first = (void *)d->b.data;
	first->nlmsg_len = 3;
	assert_false(pc_events_parse(d->b.data, d->b.len, &any));
	first->nlmsg_len = 100000;
	assert_false(pc_events_parse(d->b.data, d->b.len, &any));
}

#define PARSING(test) cmocka_unit_test_setup_teardown(test, parse_case_new, parse_case_free)

int main(void)
{
	const struct CMUnitTest tests[] = {
		PARSING(test_recorded_mix_matches_ss),
		PARSING(test_recorded_mix_conventions),
		PARSING(test_recorded_connections),
		PARSING(test_other_sequence_ignored),
		cmocka_unit_test(test_split_anywhere_between_messages),
		PARSING(test_zone_and_v6only_from_messages),
		PARSING(test_owner_uid_from_messages),
		PARSING(test_unwanted_states_dropped),
		PARSING(test_kernel_errors),
		PARSING(test_malformed_messages_skipped_and_counted),
		PARSING(test_bad_lengths),
		PARSING(test_random_and_corrupted_input),
		cmocka_unit_test(test_port_bytecode),
		cmocka_unit_test(test_port_set),
		PARSING(test_events_parse),
	};
	return cmocka_run_group_tests_name("collect_sockdiag", tests, NULL, NULL);
}
