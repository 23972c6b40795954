/* SPDX-License-Identifier: ISC */
/* LD_PRELOAD interposer for tests: refuse every netlink multicast
 * subscription with EPERM, as a seccomp or LSM policy would. Linux 6.x
 * lets any user join sock_diag's destroy groups, so dropping
 * CAP_NET_ADMIN is not enough to see how portcomplyd copes without them. */

#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

typedef int (*setsockopt_fn)(int, int, int, const void *, socklen_t);

/* Found when the library is loaded, before any thread of the daemon's
 * exists: the poll thread and the SNMP thread both call setsockopt. */
static setsockopt_fn real;

__attribute__((constructor)) static void find_real(void)
{
	real = (setsockopt_fn)dlsym(RTLD_NEXT, "setsockopt");
}

int setsockopt(int fd, int level, int name, const void *value, socklen_t len)
{
	if (level == SOL_NETLINK && name == NETLINK_ADD_MEMBERSHIP) {
		errno = EPERM;
		return -1;
	}
	return real(fd, level, name, value, len);
}
