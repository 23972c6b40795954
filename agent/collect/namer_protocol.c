/* SPDX-License-Identifier: ISC */
#include "collect/namer_protocol.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

ssize_t pc_namer_recv(int fd, void *buf, size_t max, int flags, int *passed_fd)
{
	union {
		struct cmsghdr align;
		char bytes[CMSG_SPACE(sizeof(int))];
	} control;
	struct iovec iov = { .iov_base = buf, .iov_len = max };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control.bytes,
		.msg_controllen = sizeof(control.bytes),
	};
	if (passed_fd != NULL)
		*passed_fd = -1;
	for (;;) {
		/* MSG_TRUNC: the real length, so that a longer message is refused
		 * rather than read in part. */
		ssize_t n = recvmsg(fd, &msg, flags | MSG_TRUNC | MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		int got = -1;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c))
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
			    c->cmsg_len == CMSG_LEN(sizeof(int)))
				memcpy(&got, CMSG_DATA(c), sizeof(int));
		if (got >= 0 && (passed_fd == NULL || n > (ssize_t)max || (msg.msg_flags & MSG_CTRUNC))) {
			close(got);
			got = -1;
		}
		if (passed_fd != NULL)
			*passed_fd = got;
		if (n > (ssize_t)max) {
			errno = EMSGSIZE;
			return -1;
		}
		return n;
	}
}

int pc_namer_send(int fd, const void *buf, size_t len, int flags, int pass_fd)
{
	union {
		struct cmsghdr align;
		char bytes[CMSG_SPACE(sizeof(int))];
	} control;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (pass_fd >= 0) {
		memset(&control, 0, sizeof(control));
		msg.msg_control = control.bytes;
		msg.msg_controllen = sizeof(control.bytes);
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
	}
	for (;;) {
		ssize_t n = sendmsg(fd, &msg, flags | MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		return n == (ssize_t)len ? 0 : -1;
	}
}
