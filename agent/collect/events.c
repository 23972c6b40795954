/* SPDX-License-Identifier: ISC */
/* Destroy events: sock_diag multicasts a message when a TCP or UDP socket
 * is freed (groups SKNLGRP_INET{,6}_{TCP,UDP}_DESTROY). A listener that
 * closes is then seen within milliseconds instead of at the next poll.
 *
 * Every socket's end is announced, established connections included, so
 * on a busy server most events are noise. A classic BPF filter on the
 * socket drops them in the kernel before they are queued to us: it keeps
 * only sockets without a remote port (listeners, unconnected UDP) whose
 * local port is watched. pc_events_parse applies the same test in user
 * space, for when the filter cannot be attached.
 *
 * Permission: on the kernels measured (6.x) sock_diag lets any user join
 * these groups (its kernel socket has NL_CFG_F_NONROOT_RECV); a seccomp or
 * LSM policy may still refuse, and then the daemon polls on its interval. */
#include "collect/collect_internal.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/log.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* A destroy message is about 400 bytes (it carries tcp_info and memory
 * counters); this drains dozens per recv. */
#define EVENT_BUFFER_SIZE (16 * 1024)
/* Room for bursts (a server stopping closes all its sockets at once);
 * an overflow is not fatal: it reads as "something happened, poll". */
#define EVENT_RCVBUF (1024 * 1024)
/* Up to this many watched ports are tested in the kernel filter (two
 * instructions each, well under BPF_MAXINSNS); beyond, the filter keeps
 * every listener event and user space tests the port. */
#define MAX_FILTER_PORTS 1024

/* Offsets in a destroy message: nlmsghdr, then inet_diag_msg. */
#define OFF_SPORT (NLMSG_HDRLEN + offsetof(struct inet_diag_msg, id.idiag_sport))
#define OFF_DPORT (NLMSG_HDRLEN + offsetof(struct inet_diag_msg, id.idiag_dport))

struct pc_events {
	int fd;
	struct pc_port_set watch;
	bool filter_failure_logged;
	/* Netlink messages are 4-byte aligned within the buffer; so must the
	 * buffer be. */
	uint8_t buf[EVENT_BUFFER_SIZE] __attribute__((aligned(8)));
};

static const struct {
	int group;
	const char *name;
} destroy_groups[] = {
	{ SKNLGRP_INET_TCP_DESTROY, "SKNLGRP_INET_TCP_DESTROY" },
	{ SKNLGRP_INET_UDP_DESTROY, "SKNLGRP_INET_UDP_DESTROY" },
	{ SKNLGRP_INET6_TCP_DESTROY, "SKNLGRP_INET6_TCP_DESTROY" },
	{ SKNLGRP_INET6_UDP_DESTROY, "SKNLGRP_INET6_UDP_DESTROY" },
};

/* Ports are loaded with BPF's big-endian half-word load, which turns the
 * network-order field into the port number. */
static int attach_filter(struct pc_events *ev, const uint16_t *ports, size_t n)
{
	struct sock_filter code[4 + 2 * MAX_FILTER_PORTS + 1];
	size_t k = 0;
	bool test_ports = n > 0 && n <= MAX_FILTER_PORTS;

	code[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_H | BPF_ABS, OFF_DPORT);
	/* A remote port: a connection, not a listener -> drop. */
	code[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0);
	code[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
	if (test_ports) {
		code[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_H | BPF_ABS, OFF_SPORT);
		for (size_t i = 0; i < n; i++) {
			code[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
								 ports[i], 0, 1);
			code[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0xffffffff);
		}
		code[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
	} else {
		code[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0xffffffff);
	}
	struct sock_fprog prog = { .len = (unsigned short)k, .filter = code };
	return setsockopt(ev->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
}

struct pc_events *pc_events_open(char *err, size_t errlen)
{
	struct pc_events *ev = calloc(1, sizeof(*ev));
	if (ev == NULL) {
		snprintf(err, errlen, "destroy events: out of memory");
		return NULL;
	}
	ev->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_SOCK_DIAG);
	if (ev->fd < 0) {
		snprintf(err, errlen, "socket(AF_NETLINK, NETLINK_SOCK_DIAG) for events: %s",
			 strerror(errno));
		goto fail;
	}
	struct sockaddr_nl local = { .nl_family = AF_NETLINK };
	if (bind(ev->fd, (struct sockaddr *)&local, sizeof(local)) < 0) {
		snprintf(err, errlen, "bind(NETLINK_SOCK_DIAG) for events: %s", strerror(errno));
		goto fail;
	}
	for (size_t i = 0; i < sizeof(destroy_groups) / sizeof(destroy_groups[0]); i++) {
		int group = destroy_groups[i].group;
		if (setsockopt(ev->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group,
			       sizeof(group)) < 0) {
			snprintf(err, errlen, "setsockopt(NETLINK_ADD_MEMBERSHIP, %s): %s",
				 destroy_groups[i].name, strerror(errno));
			goto fail;
		}
	}
	int rcvbuf = EVENT_RCVBUF;
	/* Best effort: the default (about 200 KiB) also works, just overflows
	 * sooner; SO_RCVBUFFORCE would need CAP_NET_ADMIN. */
	(void)setsockopt(ev->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	pc_port_set_assign(&ev->watch, NULL, 0);
	/* Without the filter every event reaches pc_events_parse: correct,
	 * only busier. */
	(void)attach_filter(ev, NULL, 0);
	return ev;
fail:;
	int saved = errno;
	pc_events_close(ev);
	errno = saved;
	return NULL;
}

void pc_events_close(struct pc_events *ev)
{
	if (ev == NULL)
		return;
	if (ev->fd >= 0)
		close(ev->fd);
	free(ev);
}

int pc_events_fd(const struct pc_events *ev)
{
	return ev->fd;
}

int pc_events_set_ports(struct pc_events *ev, const uint16_t *ports, size_t n)
{
	pc_port_set_assign(&ev->watch, ports, n);
	/* pc_events_parse applies the same test, so a filter that does not
	 * attach costs wake-ups, not correctness. */
	if (attach_filter(ev, ports, n) < 0 && !ev->filter_failure_logged) {
		pc_log(LOG_INFO, "destroy events: SO_ATTACH_FILTER: %s; filtering in user space",
		       strerror(errno));
		ev->filter_failure_logged = true;
	}
	return 0;
}

bool pc_events_parse(const void *buf, size_t len, const struct pc_port_set *watch)
{
	const uint8_t *p = buf;
	size_t left = len;

	/* Copies, not casts: the buffer need not be aligned. */
	while (left >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr nlh;
		memcpy(&nlh, p, sizeof(nlh));
		if (nlh.nlmsg_len < sizeof(nlh) || nlh.nlmsg_len > left)
			return false;
		if (nlh.nlmsg_type == SOCK_DIAG_BY_FAMILY &&
		    nlh.nlmsg_len >= NLMSG_LENGTH(sizeof(struct inet_diag_msg))) {
			struct inet_diag_msg msg;
			memcpy(&msg, p + NLMSG_HDRLEN, sizeof(msg));
			if (msg.id.idiag_dport == 0 &&
			    pc_port_set_has(watch, ntohs(msg.id.idiag_sport)))
				return true;
		}
		size_t step = NLMSG_ALIGN(nlh.nlmsg_len);
		if (step >= left)
			break;
		p += step;
		left -= step;
	}
	return false;
}

bool pc_events_read(struct pc_events *ev)
{
	bool poll_now = false;

	/* Drain everything queued: a burst of closes becomes one poll. */
	for (;;) {
		ssize_t n = recv(ev->fd, ev->buf, sizeof(ev->buf), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				poll_now = true; /* events were lost: assume the worst */
				continue;
			}
			break; /* EAGAIN: drained */
		}
		if (!poll_now && pc_events_parse(ev->buf, (size_t)n, &ev->watch))
			poll_now = true;
	}
	return poll_now;
}
