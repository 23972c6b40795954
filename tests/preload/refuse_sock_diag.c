/* SPDX-License-Identifier: ISC */
/* LD_PRELOAD interposer for tests: refuse every NETLINK_SOCK_DIAG socket
 * with EPERM, as a seccomp or LSM policy would, so that portcomplyd can
 * only read /proc/net (and, with that hidden too, cannot see at all). */

#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <linux/netlink.h>
#include <sys/socket.h>

typedef int (*socket_fn)(int, int, int);

/* Found when the library is loaded, before any thread of the daemon's
 * exists: the poll thread and the SNMP thread both open sockets. */
static socket_fn real;

__attribute__((constructor)) static void find_real(void)
{
	real = (socket_fn)dlsym(RTLD_NEXT, "socket");
}

int socket(int domain, int type, int protocol)
{
	if (domain == AF_NETLINK && protocol == NETLINK_SOCK_DIAG) {
		errno = EPERM;
		return -1;
	}
	return real(domain, type, protocol);
}
