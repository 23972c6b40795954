/* SPDX-License-Identifier: ISC */
/* libFuzzer target: the sock_diag message parsers. Each input is a
 * buffer as recvmsg would give it (recorded dumps are the seeds), parsed
 * as a TCP and a UDP listener dump, a connection dump, and a buffer of
 * destroy events. */
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collect_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* netlink buffers are 4-byte aligned: give the parser an aligned copy
	 * of exactly size bytes, so that ASan sees any read past the end */
	uint32_t *buf = malloc(size > 0 ? size : 1);
	if (buf == NULL)
		return 0;
	if (size > 0)
		memcpy(buf, data, size);

	static struct pc_snapshot snap;
	static const struct {
		uint8_t proto;
		enum pc_dump_kind kind;
	} runs[] = {
		{ IPPROTO_TCP, PC_DUMP_LISTENERS },
		{ IPPROTO_UDP, PC_DUMP_LISTENERS },
		{ IPPROTO_TCP, PC_DUMP_CONNECTIONS },
	};
	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		int kernel_errno = 0;
		pc_snapshot_reset(&snap);
		if (pc_sockdiag_parse(buf, size, 0, runs[i].proto, runs[i].kind, &snap,
				      &kernel_errno) >= 0)
			pc_snapshot_finish(&snap);
	}

	static struct pc_port_set all, some;
	static const uint16_t ports[] = { 22, 40000, 42027 };
	pc_port_set_assign(&all, NULL, 0);
	pc_port_set_assign(&some, ports, 3);
	pc_events_parse(buf, size, &all);
	pc_events_parse(buf, size, &some);
	free(buf);
	return 0;
}
