/* SPDX-License-Identifier: ISC */
/* The live network a test or a bench builds for itself: a network
 * namespace of its own with lo up (nothing it opens is seen outside, the
 * host's sockets do not disturb it), and sockets bound to address
 * literals. Failures come back as -1 with the reason in err, so that a
 * cmocka test can fail, skip or carry on, and a bench can exit. */
#ifndef PC_NETNS_SOCKETS_H
#define PC_NETNS_SOCKETS_H

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* Leaves the caller's network namespace for a new one (root only) and
 * brings its loopback up: 127.0.0.1 and ::1 exist, nothing else. */
static inline int netns_enter_private(char *err, size_t errlen)
{
	if (unshare(CLONE_NEWNET) != 0) {
		snprintf(err, errlen, "unshare(CLONE_NEWNET): %s", strerror(errno));
		return -1;
	}
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	bool up = fd >= 0 && ioctl(fd, SIOCGIFFLAGS, &ifr) == 0;
	ifr.ifr_flags |= IFF_UP;
	up = up && ioctl(fd, SIOCSIFFLAGS, &ifr) == 0;
	if (!up)
		snprintf(err, errlen, "cannot bring lo up: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	return up ? 0 : -1;
}

/* addr (an IPv4 or IPv6 literal, no brackets) and port as a socket
 * address; -1 when addr is neither. */
static inline int socket_address(const char *addr, uint16_t port, struct sockaddr_storage *ss,
				 socklen_t *len)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	memset(ss, 0, sizeof(*ss));
	*len = 0;
	if (inet_pton(AF_INET, addr, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(port);
		*len = sizeof(*in4);
		return 0;
	}
	if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		*len = sizeof(*in6);
		return 0;
	}
	return -1;
}

struct bound_socket {
	int fd;
	int family;
	uint16_t port; /* the one bound: the kernel's choice when 0 was asked */
};

/* A listening TCP socket (type SOCK_STREAM) or a bound UDP one
 * (SOCK_DGRAM) on addr and port (0: the kernel chooses), with
 * SO_REUSEADDR, and SO_REUSEPORT when reuseport; an IPv6 socket is
 * v6-only as asked, dual-stack otherwise. Close-on-exec: nothing a test
 * or bench runs inherits it. */
static inline int bound_socket_open(struct bound_socket *s, int type, const char *addr,
				    uint16_t port, bool v6only, bool reuseport, char *err,
				    size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t len;
	if (socket_address(addr, port, &ss, &len) < 0) {
		snprintf(err, errlen, "not an address: %s", addr);
		return -1;
	}
	s->family = ss.ss_family;
	s->fd = socket(s->family, type | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	int one = 1, v6 = v6only;
	setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (reuseport)
		setsockopt(s->fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	if (s->family == AF_INET6)
		setsockopt(s->fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6, sizeof(v6));
	const char *failed = NULL;
	if (bind(s->fd, (struct sockaddr *)&ss, len) != 0)
		failed = "bind";
	else if (type == SOCK_STREAM && listen(s->fd, SOMAXCONN) != 0)
		failed = "listen";
	len = sizeof(ss);
	if (failed == NULL && getsockname(s->fd, (struct sockaddr *)&ss, &len) != 0)
		failed = "getsockname";
	if (failed != NULL) {
		snprintf(err, errlen, "%s %s port %u: %s", failed, addr, port, strerror(errno));
		close(s->fd);
		s->fd = -1;
		return -1;
	}
	s->port = ntohs(s->family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
					     : ((struct sockaddr_in6 *)&ss)->sin6_port);
	return 0;
}

#endif
