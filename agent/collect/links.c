/* SPDX-License-Identifier: ISC */
/* The host's interfaces and addresses (rtnetlink RTM_GETLINK and
 * RTM_GETADDR dumps, getifaddrs() when rtnetlink is refused), so that the
 * engine can tell whether remote peers can reach a listener: whether its
 * address is configured here, whether the device it is bound to is up or
 * the loopback. One NETLINK_ROUTE socket kept for the collector's life.
 *
 * Cost: the two dumps take about 55 us in a namespace with three
 * interfaces, more on a host with many. They change rarely, so a second
 * socket subscribes to link and address changes and the dumps are redone
 * only after one (or when that socket lost messages); otherwise a poll
 * copies the last answer. */
#include "collect/collect_internal.h"

#include <errno.h>
#include <ifaddrs.h>
#include <libmnl/libmnl.h>
#include <net/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

/* Big enough for any one datagram of a link dump (each link carries its
 * statistics; the kernel sizes dump skbs at up to 32 KiB). */
#define LINKS_BUFFER_SIZE (64 * 1024)
#define LINKS_TIMEOUT_S 5

struct pc_links {
	struct mnl_socket *nl;
	uint32_t seq;
	uint8_t *buf;
	struct mnl_socket *watch; /* change notifications; NULL: dump every time */
	bool stale; /* the cache must be dumped again */
	struct pc_snapshot cache; /* interfaces and addresses only */
};

struct pc_links *pc_links_open(char *err, size_t errlen)
{
	struct pc_links *lk = calloc(1, sizeof(*lk));
	if (lk == NULL || (lk->buf = malloc(LINKS_BUFFER_SIZE)) == NULL) {
		snprintf(err, errlen, "rtnetlink: out of memory");
		goto fail;
	}
	lk->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (lk->nl == NULL) {
		snprintf(err, errlen, "socket(AF_NETLINK, NETLINK_ROUTE): %s", strerror(errno));
		goto fail;
	}
	if (mnl_socket_bind(lk->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		snprintf(err, errlen, "bind(NETLINK_ROUTE): %s", strerror(errno));
		goto fail;
	}
	struct timeval timeout = { .tv_sec = LINKS_TIMEOUT_S };
	if (setsockopt(mnl_socket_get_fd(lk->nl), SOL_SOCKET, SO_RCVTIMEO, &timeout,
		       sizeof(timeout)) < 0) {
		snprintf(err, errlen, "setsockopt(NETLINK_ROUTE, SO_RCVTIMEO): %s", strerror(errno));
		goto fail;
	}
	lk->seq = 1;
	lk->stale = true;
	/* Without the subscription every poll dumps: slower, still right. */
	lk->watch = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (lk->watch != NULL &&
	    mnl_socket_bind(lk->watch, RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR,
			    MNL_SOCKET_AUTOPID) < 0) {
		mnl_socket_close(lk->watch);
		lk->watch = NULL;
	}
	return lk;
fail:
	pc_links_close(lk);
	return NULL;
}

void pc_links_close(struct pc_links *lk)
{
	if (lk == NULL)
		return;
	if (lk->nl != NULL)
		mnl_socket_close(lk->nl);
	if (lk->watch != NULL)
		mnl_socket_close(lk->watch);
	pc_snapshot_clear(&lk->cache);
	free(lk->buf);
	free(lk);
}

struct link_attrs {
	const char *name;
	const void *local, *address; /* IFA_LOCAL, IFA_ADDRESS */
	size_t local_len, address_len;
};

static int link_attr(const struct nlattr *attr, void *data)
{
	struct link_attrs *a = data;
	if (mnl_attr_get_type(attr) == IFLA_IFNAME && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		a->name = mnl_attr_get_str(attr);
	return MNL_CB_OK;
}

static int addr_attr(const struct nlattr *attr, void *data)
{
	struct link_attrs *a = data;
	switch (mnl_attr_get_type(attr)) {
	case IFA_LOCAL:
		a->local = mnl_attr_get_payload(attr);
		a->local_len = mnl_attr_get_payload_len(attr);
		break;
	case IFA_ADDRESS:
		a->address = mnl_attr_get_payload(attr);
		a->address_len = mnl_attr_get_payload_len(attr);
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

static enum pc_dump_status add_link(const struct nlmsghdr *nlh, struct pc_snapshot *snap)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)) || ifi->ifi_index <= 0) {
		snap->errors++;
		return PC_DUMP_MORE;
	}
	struct link_attrs a = { 0 };
	mnl_attr_parse(nlh, sizeof(*ifi), link_attr, &a);
	struct pc_interface iface = { .index = (uint32_t)ifi->ifi_index,
				      .up = (ifi->ifi_flags & IFF_UP) != 0,
				      .loopback = (ifi->ifi_flags & IFF_LOOPBACK) != 0 };
	snprintf(iface.name, sizeof(iface.name), "%s", a.name != NULL ? a.name : "");
	return pc_snapshot_add_interface(snap, &iface) < 0 ? PC_DUMP_NOMEM : PC_DUMP_MORE;
}

static enum pc_dump_status add_address(const struct nlmsghdr *nlh, struct pc_snapshot *snap)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifa))) {
		snap->errors++;
		return PC_DUMP_MORE;
	}
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return PC_DUMP_MORE;
	struct link_attrs a = { 0 };
	mnl_attr_parse(nlh, sizeof(*ifa), addr_attr, &a);
	/* IFA_LOCAL is this end's address (IFA_ADDRESS is the peer's on a
	 * point-to-point link); without it, IFA_ADDRESS is ours. */
	const void *addr = a.local != NULL ? a.local : a.address;
	size_t len = a.local != NULL ? a.local_len : a.address_len;
	size_t want = ifa->ifa_family == AF_INET ? 4 : 16;
	if (addr == NULL || len != want) {
		snap->errors++;
		return PC_DUMP_MORE;
	}
	struct pc_host_address ha = { .type = ifa->ifa_family == AF_INET ? PC_INET_IPV4 : PC_INET_IPV6,
				      .ifindex = ifa->ifa_index };
	memcpy(ha.addr, addr, want);
	return pc_snapshot_add_address(snap, &ha) < 0 ? PC_DUMP_NOMEM : PC_DUMP_MORE;
}

static enum pc_dump_status link_message(const struct nlmsghdr *nlh, void *ctx)
{
	struct pc_snapshot *snap = ctx;
	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
		return add_link(nlh, snap);
	case RTM_NEWADDR:
		return add_address(nlh, snap);
	}
	return PC_DUMP_MORE;
}

enum pc_dump_status pc_links_parse(const void *buf, size_t len, uint32_t seq,
				   struct pc_snapshot *snap, int *kernel_errno)
{
	return pc_dump_parse(buf, len, seq, snap, kernel_errno, link_message, snap);
}

static int dump(struct pc_links *lk, uint16_t type, struct pc_snapshot *snap, char *err,
		size_t errlen)
{
	const char *what = type == RTM_GETLINK ? "RTM_GETLINK" : "RTM_GETADDR";
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(lk->buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	if (++lk->seq == 0)
		lk->seq = 1;
	nlh->nlmsg_seq = lk->seq;
	/* Both requests start with a family byte (ifinfomsg, ifaddrmsg). */
	if (type == RTM_GETLINK)
		mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	else
		mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifaddrmsg));
	uint32_t seq = nlh->nlmsg_seq;
	if (mnl_socket_sendto(lk->nl, nlh, nlh->nlmsg_len) < 0) {
		snprintf(err, errlen, "sendto(NETLINK_ROUTE, %s): %s", what, strerror(errno));
		return -1;
	}
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(lk->nl, lk->buf, LINKS_BUFFER_SIZE);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "recvmsg(NETLINK_ROUTE, %s): %s", what,
				 errno == EAGAIN ? "no answer within the timeout" : strerror(errno));
			return -1;
		}
		int kernel_errno = 0;
		switch (pc_links_parse(lk->buf, (size_t)n, seq, snap, &kernel_errno)) {
		case PC_DUMP_MORE:
			continue;
		case PC_DUMP_DONE:
			return 0;
		case PC_DUMP_FAILED:
			snprintf(err, errlen, "%s: the kernel answered: %s", what,
				 strerror(kernel_errno));
			return -1;
		case PC_DUMP_NOMEM:
			snprintf(err, errlen, "%s: out of memory", what);
			return -1;
		}
	}
}

/* Whether a link or an address changed since the last call (drains the
 * subscription socket). */
static bool changed(struct pc_links *lk)
{
	bool any = false;
	for (;;) {
		ssize_t n = recv(mnl_socket_get_fd(lk->watch), lk->buf, LINKS_BUFFER_SIZE,
				 MSG_DONTWAIT);
		if (n > 0) {
			any = true;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		/* ENOBUFS: notifications were lost, so was what they said. */
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			any = true;
		return any;
	}
}

static int copy_into(struct pc_snapshot *to, const struct pc_snapshot *from)
{
	for (size_t i = 0; i < from->n_interfaces; i++)
		if (pc_snapshot_add_interface(to, &from->interfaces[i]) < 0)
			return -1;
	for (size_t i = 0; i < from->n_addresses; i++)
		if (pc_snapshot_add_address(to, &from->addresses[i]) < 0)
			return -1;
	return 0;
}

int pc_links_dump(struct pc_links *lk, struct pc_snapshot *snap, char *err, size_t errlen)
{
	/* Drained before the dump: a change during it is seen next time. */
	if (lk->watch == NULL || changed(lk))
		lk->stale = true;
	if (lk->stale) {
		pc_snapshot_reset(&lk->cache);
		if (dump(lk, RTM_GETLINK, &lk->cache, err, errlen) < 0 ||
		    dump(lk, RTM_GETADDR, &lk->cache, err, errlen) < 0)
			return -1;
		lk->stale = false;
		snap->errors += lk->cache.errors; /* counted once, when read */
	}
	if (copy_into(snap, &lk->cache) < 0) {
		snprintf(err, errlen, "rtnetlink: out of memory");
		return -1;
	}
	snap->interfaces_known = true;
	return 0;
}

int pc_links_read_ifaddrs(struct pc_snapshot *snap, char *err, size_t errlen)
{
	struct ifaddrs *list;
	if (getifaddrs(&list) < 0) {
		snprintf(err, errlen, "getifaddrs: %s", strerror(errno));
		return -1;
	}
	int rc = 0;
	for (struct ifaddrs *ifa = list; ifa != NULL && rc == 0; ifa = ifa->ifa_next) {
		uint32_t index = if_nametoindex(ifa->ifa_name);
		if (index == 0)
			continue;
		if (pc_snapshot_find_interface(snap, index) == NULL) {
			struct pc_interface iface = { .index = index,
						      .up = (ifa->ifa_flags & IFF_UP) != 0,
						      .loopback = (ifa->ifa_flags & IFF_LOOPBACK) != 0 };
			snprintf(iface.name, sizeof(iface.name), "%s", ifa->ifa_name);
			rc = pc_snapshot_add_interface(snap, &iface);
			/* Kept sorted as it grows: the lookup above needs it. */
			for (size_t i = snap->n_interfaces - 1;
			     rc == 0 && i > 0 && snap->interfaces[i - 1].index > snap->interfaces[i].index; i--) {
				struct pc_interface t = snap->interfaces[i];
				snap->interfaces[i] = snap->interfaces[i - 1];
				snap->interfaces[i - 1] = t;
			}
		}
		if (rc != 0 || ifa->ifa_addr == NULL)
			continue;
		struct pc_host_address ha = { .ifindex = index };
		if (ifa->ifa_addr->sa_family == AF_INET) {
			ha.type = PC_INET_IPV4;
			memcpy(ha.addr, &((const struct sockaddr_in *)(const void *)ifa->ifa_addr)->sin_addr, 4);
		} else if (ifa->ifa_addr->sa_family == AF_INET6) {
			ha.type = PC_INET_IPV6;
			memcpy(ha.addr, &((const struct sockaddr_in6 *)(const void *)ifa->ifa_addr)->sin6_addr, 16);
		} else {
			continue;
		}
		rc = pc_snapshot_add_address(snap, &ha);
	}
	freeifaddrs(list);
	if (rc != 0) {
		snprintf(err, errlen, "getifaddrs: out of memory");
		return -1;
	}
	snap->interfaces_known = true;
	return 0;
}
