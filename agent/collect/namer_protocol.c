#include "collect/namer_protocol.h"

#include <errno.h>
#include <sys/socket.h>

ssize_t pc_namer_recv(int fd, void *buf, size_t max)
{
	for (;;) {
		/* MSG_TRUNC: the real length, so that a longer message is refused
		 * rather than read in part. */
		ssize_t n = recv(fd, buf, max, MSG_TRUNC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n > (ssize_t)max)
			return -1;
		return n;
	}
}

int pc_namer_send(int fd, const void *buf, size_t len)
{
	for (;;) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		return n == (ssize_t)len ? 0 : -1;
	}
}
