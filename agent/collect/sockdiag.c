/* SPDX-License-Identifier: ISC */
/* The sock_diag dump: one NETLINK_SOCK_DIAG socket, one receive buffer, both
 * kept for the collector's lifetime.
 *
 * Cost: TCP is asked for LISTEN only. The kernel's inet_diag_dump_icsk then
 * walks the listening hash and returns before the established hash (it skips
 * that walk when no state other than LISTEN is requested), so a poll costs
 * the same with 0 or 50,000 connections. `ss -l` asks for LISTEN|CLOSE,
 * which makes the kernel walk every established-hash bucket. UDP has one
 * table; asking for CLOSE keeps connected sockets out of the reply. */
#include "collect/collect_internal.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

/* The kernel sends dump replies in skbs of at most 32 KiB; a buffer twice
 * that size never truncates one and lets the kernel use its largest size. */
#define RECV_BUFFER_SIZE (64 * 1024)
/* A dump always ends; the timeout only guards against a kernel that never
 * answers (it turns a hang into a failed poll and, in auto mode, /proc). */
#define RECV_TIMEOUT_S 5

struct pc_sockdiag {
	struct mnl_socket *nl;
	uint32_t seq;
	uint8_t *buf;
	pc_sockdiag_tap tap;
	void *tap_ctx;
};

static const char *family_name(int family)
{
	return family == AF_INET ? "AF_INET" : family == AF_INET6 ? "AF_INET6" : "AF_?";
}

struct attrs_seen {
	bool v6only;
};

static int collect_attr(const struct nlattr *attr, void *data)
{
	struct attrs_seen *seen = data;

	if (mnl_attr_get_type(attr) == INET_DIAG_SKV6ONLY &&
	    mnl_attr_validate(attr, MNL_TYPE_U8) == 0)
		seen->v6only = mnl_attr_get_u8(attr) != 0;
	return MNL_CB_OK;
}

/* Whether a socket in this state belongs to the dump's kind. The kernel
 * already filtered; this keeps a wider mask (the bench's) or a hand-made
 * fixture from turning a non-listener into a listener row. */
static bool state_wanted(uint8_t proto, enum pc_dump_kind kind, uint8_t state)
{
	if (kind == PC_DUMP_CONNECTIONS)
		return state == PC_TCP_ESTABLISHED;
	if (proto == IPPROTO_TCP)
		return state == PC_TCP_LISTEN;
	return state == PC_TCP_CLOSE;
}

static enum pc_dump_status add_socket(const struct nlmsghdr *nlh, uint8_t proto,
				      enum pc_dump_kind kind, struct pc_snapshot *snap)
{
	const struct inet_diag_msg *msg = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*msg))) {
		snap->errors++;
		return PC_DUMP_MORE;
	}
	if (msg->idiag_family != AF_INET && msg->idiag_family != AF_INET6) {
		snap->errors++;
		return PC_DUMP_MORE;
	}
	if (!state_wanted(proto, kind, msg->idiag_state))
		return PC_DUMP_MORE;

	struct attrs_seen seen = { .v6only = false };
	if (msg->idiag_family == AF_INET6)
		mnl_attr_parse(nlh, sizeof(*msg), collect_attr, &seen);

	int rc;
	if (kind == PC_DUMP_LISTENERS) {
		struct pc_listen_socket socket = {
			.inode = msg->idiag_inode,
			.uid = msg->idiag_uid,
			.v6only = msg->idiag_family == AF_INET6 && seen.v6only,
		};
		pc_endpoint_set(&socket.local, proto, msg->idiag_family, msg->id.idiag_src,
				seen.v6only, msg->id.idiag_if, ntohs(msg->id.idiag_sport));
		rc = pc_snapshot_add_listener(snap, &socket);
	} else {
		struct pc_endpoint ep;
		/* A remote address is never a wildcard: v6only=true keeps an
		 * IPv6 address IPv6 whatever the socket's option. */
		pc_endpoint_set(&ep, proto, msg->idiag_family, msg->id.idiag_dst, true,
				msg->id.idiag_if, ntohs(msg->id.idiag_dport));
		rc = pc_snapshot_add_connection(snap, &ep);
	}
	return rc < 0 ? PC_DUMP_NOMEM : PC_DUMP_MORE;
}

struct socket_dump {
	uint8_t proto;
	enum pc_dump_kind kind;
	struct pc_snapshot *snap;
};

static enum pc_dump_status socket_message(const struct nlmsghdr *nlh, void *ctx)
{
	struct socket_dump *d = ctx;
	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY) {
		d->snap->errors++;
		return PC_DUMP_MORE;
	}
	return add_socket(nlh, d->proto, d->kind, d->snap);
}

enum pc_dump_status pc_sockdiag_parse(const void *buf, size_t len, uint32_t seq, uint8_t proto,
				      enum pc_dump_kind kind, struct pc_snapshot *snap,
				      int *kernel_errno)
{
	struct socket_dump d = { proto, kind, snap };
	return pc_dump_parse(buf, len, seq, snap, kernel_errno, socket_message, &d);
}

struct pc_sockdiag *pc_sockdiag_open(char *err, size_t errlen)
{
	struct pc_sockdiag *sd = calloc(1, sizeof(*sd));
	if (sd == NULL) {
		snprintf(err, errlen, "sock_diag: out of memory");
		return NULL;
	}
	sd->buf = malloc(RECV_BUFFER_SIZE);
	if (sd->buf == NULL) {
		snprintf(err, errlen, "sock_diag: out of memory");
		goto fail;
	}
	sd->nl = mnl_socket_open2(NETLINK_SOCK_DIAG, SOCK_CLOEXEC);
	if (sd->nl == NULL) {
		snprintf(err, errlen, "socket(AF_NETLINK, NETLINK_SOCK_DIAG): %s",
			 strerror(errno));
		goto fail;
	}
	if (mnl_socket_bind(sd->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		snprintf(err, errlen, "bind(NETLINK_SOCK_DIAG): %s", strerror(errno));
		goto fail;
	}
	struct timeval timeout = { .tv_sec = RECV_TIMEOUT_S };
	if (setsockopt(mnl_socket_get_fd(sd->nl), SOL_SOCKET, SO_RCVTIMEO, &timeout,
		       sizeof(timeout)) < 0) {
		snprintf(err, errlen, "setsockopt(NETLINK_SOCK_DIAG, SO_RCVTIMEO): %s",
			 strerror(errno));
		goto fail;
	}
	/* The sequence only has to differ from an abandoned dump's; starting
	 * away from 0 keeps "0 = any" free for the parser. */
	sd->seq = 1;
	return sd;
fail:;
	int saved = errno;
	pc_sockdiag_close(sd);
	errno = saved;
	return NULL;
}

void pc_sockdiag_close(struct pc_sockdiag *sd)
{
	if (sd == NULL)
		return;
	if (sd->nl != NULL)
		mnl_socket_close(sd->nl);
	free(sd->buf);
	free(sd);
}

void pc_sockdiag_set_tap(struct pc_sockdiag *sd, pc_sockdiag_tap tap, void *ctx)
{
	sd->tap = tap;
	sd->tap_ctx = ctx;
}

int pc_sockdiag_dump(struct pc_sockdiag *sd, int family, uint8_t proto, uint32_t states,
		     const void *bytecode, size_t bytecode_len, enum pc_dump_kind kind,
		     struct pc_snapshot *snap, char *err, size_t errlen)
{
	/* The request goes out of the receive buffer: it is idle until the
	 * reply comes, and sized for the largest bytecode we build. */
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(sd->buf);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	if (++sd->seq == 0)
		sd->seq = 1;
	nlh->nlmsg_seq = sd->seq;
	struct inet_diag_req_v2 *req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = (uint8_t)family;
	req->sdiag_protocol = proto;
	req->idiag_states = states;
	req->idiag_ext = 0; /* no tcp_info, memory or congestion data: not needed */
	if (bytecode_len > 0) {
		if (bytecode_len > RECV_BUFFER_SIZE / 2) {
			snprintf(err, errlen, "sock_diag: bytecode of %zu bytes is too long",
				 bytecode_len);
			errno = EINVAL;
			return -1;
		}
		mnl_attr_put(nlh, INET_DIAG_REQ_BYTECODE, bytecode_len, bytecode);
	}
	uint32_t seq = nlh->nlmsg_seq;
	const char *what = pc_proto_name(proto);

	if (mnl_socket_sendto(sd->nl, nlh, nlh->nlmsg_len) < 0) {
		snprintf(err, errlen, "sendto(NETLINK_SOCK_DIAG, %s %s dump): %s",
			 family_name(family), what, strerror(errno));
		return -1;
	}
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(sd->nl, sd->buf, RECV_BUFFER_SIZE);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int saved = errno;
			snprintf(err, errlen, "recvmsg(NETLINK_SOCK_DIAG, %s %s dump): %s",
				 family_name(family), what,
				 errno == EAGAIN ? "no answer within the timeout" : strerror(errno));
			errno = saved;
			return -1;
		}
		if (sd->tap != NULL)
			sd->tap(sd->tap_ctx, family, proto, sd->buf, (size_t)n);
		int kernel_errno = 0;
		switch (pc_sockdiag_parse(sd->buf, (size_t)n, seq, proto, kind, snap,
					  &kernel_errno)) {
		case PC_DUMP_MORE:
			continue;
		case PC_DUMP_DONE:
			return 0;
		case PC_DUMP_FAILED:
			snprintf(err, errlen, "sock_diag %s %s dump: the kernel answered: %s",
				 family_name(family), what, strerror(kernel_errno));
			errno = kernel_errno;
			return -1;
		case PC_DUMP_NOMEM:
			snprintf(err, errlen, "sock_diag %s %s dump: out of memory",
				 family_name(family), what);
			errno = ENOMEM;
			return -1;
		}
	}
}

int pc_sockdiag_dump_listeners(struct pc_sockdiag *sd, uint32_t tcp_states,
			       struct pc_snapshot *snap, char *err, size_t errlen)
{
	static const int families[] = { AF_INET, AF_INET6 };

	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		if (pc_sockdiag_dump(sd, families[i], IPPROTO_TCP, tcp_states, NULL, 0,
				     PC_DUMP_LISTENERS, snap, err, errlen) < 0)
			return -1;
		if (pc_sockdiag_dump(sd, families[i], IPPROTO_UDP, 1u << PC_TCP_CLOSE, NULL, 0,
				     PC_DUMP_LISTENERS, snap, err, errlen) < 0)
			return -1;
	}
	return 0;
}

/* inet_diag bytecode: each op is {code, yes, no}; the kernel's interpreter
 * moves `yes` bytes forward when the test holds and `no` bytes when not,
 * accepts the socket when it lands exactly on the end, and rejects it when
 * it jumps past the end. The port operand of D_EQ lives in the `no` field
 * of a second op. For ports p1..pn:
 *
 *   D_EQ p1 (yes: next op = JMP; no: skip op, operand and JMP -> test p2)
 *   JMP     (always "no": jump to the end = accept)
 *   ...
 *   D_EQ pn (yes: 8 = the end = accept; no: 12 = past the end = reject)
 *
 * All `yes` moves are forward by one op, which is what the kernel's
 * verifier (inet_diag_bc_audit) requires of jump targets. */
size_t pc_sockdiag_port_bytecode(const uint16_t *ports, size_t n, void *buf, size_t cap)
{
	const size_t test_len = 2 * sizeof(struct inet_diag_bc_op);
	const size_t jmp_len = sizeof(struct inet_diag_bc_op);

	if (n == 0)
		return 0;
	size_t total = (n - 1) * (test_len + jmp_len) + test_len;
	if (total > cap || total > UINT16_MAX)
		return 0;
	struct inet_diag_bc_op *op = buf;
	size_t at = 0;
	for (size_t i = 0; i < n; i++) {
		op[0] = (struct inet_diag_bc_op){ .code = INET_DIAG_BC_D_EQ,
						  .yes = (uint8_t)test_len,
						  .no = (uint16_t)(test_len + jmp_len) };
		op[1] = (struct inet_diag_bc_op){ .code = 0, .yes = 0, .no = ports[i] };
		at += test_len;
		op += 2;
		if (i + 1 < n) {
			op[0] = (struct inet_diag_bc_op){ .code = INET_DIAG_BC_JMP,
							  .yes = (uint8_t)jmp_len,
							  .no = (uint16_t)(total - at) };
			at += jmp_len;
			op += 1;
		}
	}
	return total;
}

int pc_sockdiag_dump_connections(struct pc_sockdiag *sd, const uint16_t *ports, size_t n,
				 struct pc_snapshot *snap, char *err, size_t errlen)
{
	static const int families[] = { AF_INET, AF_INET6 };
	/* 1,024 ports make 12 KiB of bytecode; the caller caps the list. */
	uint32_t code[(1024 * 12) / sizeof(uint32_t)];

	if (n == 0)
		return 0;
	size_t len = pc_sockdiag_port_bytecode(ports, n, code, sizeof(code));
	if (len == 0) {
		snprintf(err, errlen, "sock_diag: %zu connect ports do not fit the filter", n);
		errno = E2BIG;
		return -1;
	}
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (pc_sockdiag_dump(sd, families[i], IPPROTO_TCP, 1u << PC_TCP_ESTABLISHED, code,
				     len, PC_DUMP_CONNECTIONS, snap, err, errlen) < 0)
			return -1;
	return 0;
}
