/* SPDX-License-Identifier: ISC */
/* libFuzzer target: the rtnetlink parser (pc_links_parse), which reads the
 * kernel's RTM_GETLINK and RTM_GETADDR dumps into the interfaces and
 * addresses that decide whether remote peers can reach a listener. Each
 * input is one received buffer (recorded dumps are the seeds), parsed
 * with any sequence number accepted and with one that must match; the
 * snapshot is then finished and queried as the engine would. */
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
	static const uint32_t seqs[] = { 0, 2 }; /* 2: the collector's first dump */
	for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
		int kernel_errno = 0;
		pc_snapshot_reset(&snap);
		if (pc_links_parse(buf, size, seqs[i], &snap, &kernel_errno) == PC_DUMP_NOMEM)
			continue;
		pc_snapshot_finish(&snap);
		/* the lookups the engine makes for a device-bound or an
		 * address-bound listener */
		static const uint8_t loopback4[16] = { 127, 0, 0, 1 };
		static const uint8_t loopback6[16] = { [15] = 1 };
		(void)pc_snapshot_find_interface(&snap, 1);
		(void)pc_snapshot_has_address(&snap, PC_INET_IPV4, loopback4);
		(void)pc_snapshot_has_address(&snap, PC_INET_IPV6, loopback6);
		for (size_t k = 0; k < snap.n_interfaces; k++)
			(void)pc_snapshot_find_interface(&snap, snap.interfaces[k].index);
		for (size_t k = 0; k < snap.n_addresses; k++)
			(void)pc_snapshot_has_address(&snap, snap.addresses[k].type,
						      snap.addresses[k].addr);
	}
	free(buf);
	return 0;
}
