/* SPDX-License-Identifier: ISC */
/* pc_dump_*: one received buffer of a netlink dump, message by message, for
 * sock_diag's and rtnetlink's dumps alike. */
#include "collect/collect_internal.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <string.h>

/* The kernel reports -errno; anything outside 1..4095 (INT_MIN, whose
 * negation overflows, included) is no errno: a malformed message. */
static int errno_of(int status)
{
	if (status < 0 && status >= -4095)
		return -status;
	if (status > 0 && status <= 4095)
		return status;
	return EPROTO;
}

enum pc_dump_status pc_dump_parse(const void *buf, size_t len, uint32_t seq,
				  struct pc_snapshot *snap, int *kernel_errno,
				  pc_dump_message_fn message, void *ctx)
{
	const uint8_t *p = buf;
	size_t left = len;

	*kernel_errno = 0;
	while (left >= sizeof(struct nlmsghdr)) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)p;

		if (nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > left) {
			/* The length cannot be trusted, so neither can
			 * anything after it. */
			snap->errors++;
			return PC_DUMP_MORE;
		}
		size_t step = NLMSG_ALIGN(nlh->nlmsg_len);
		if (step > left) {
			/* The kernel pads every message to 4 bytes, and libmnl
			 * walks a message's attributes up to its padded end:
			 * without the padding that walk would read past the
			 * buffer. */
			snap->errors++;
			return PC_DUMP_MORE;
		}

		if (seq == 0 || nlh->nlmsg_seq == seq) {
			switch (nlh->nlmsg_type) {
			case NLMSG_DONE: {
				int status = 0;
				if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(status)))
					memcpy(&status, mnl_nlmsg_get_payload(nlh), sizeof(status));
				if (status < 0) {
					*kernel_errno = errno_of(status);
					return PC_DUMP_FAILED;
				}
				return PC_DUMP_DONE;
			}
			case NLMSG_ERROR: {
				struct nlmsgerr e = { .error = -EBADMSG };
				if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(e.error)))
					memcpy(&e.error, mnl_nlmsg_get_payload(nlh),
					       sizeof(e.error));
				if (e.error != 0) {
					*kernel_errno = errno_of(e.error);
					return PC_DUMP_FAILED;
				}
				break; /* an acknowledgement */
			}
			case NLMSG_NOOP:
				break;
			default: {
				enum pc_dump_status s = message(nlh, ctx);
				if (s != PC_DUMP_MORE)
					return s;
				break;
			}
			}
		}
		p += step;
		left -= step;
	}
	if (left != 0)
		snap->errors++; /* a trailing fragment shorter than a header */
	return PC_DUMP_MORE;
}
