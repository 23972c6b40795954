/* SPDX-License-Identifier: ISC */
#include "util/transport.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

const char *pc_proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	default:
		return "?";
	}
}

uint8_t pc_proto_parse(const char *name)
{
	if (name == NULL)
		return 0;
	if (strcmp(name, "tcp") == 0)
		return IPPROTO_TCP;
	if (strcmp(name, "udp") == 0)
		return IPPROTO_UDP;
	return 0;
}

static int port_order(const void *a, const void *b)
{
	uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;
	return (x > y) - (x < y);
}

size_t pc_ports_sort_unique(uint16_t *ports, size_t n)
{
	size_t out = 0;
	if (n > 1)
		qsort(ports, n, sizeof(*ports), port_order);
	for (size_t i = 0; i < n; i++)
		if (out == 0 || ports[out - 1] != ports[i])
			ports[out++] = ports[i];
	return out;
}

void pc_port_set_assign(struct pc_port_set *set, const uint16_t *ports, size_t n)
{
	memset(set->bits, 0, sizeof(set->bits));
	set->count = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t bit = UINT64_C(1) << (ports[i] % 64);
		if ((set->bits[ports[i] / 64] & bit) == 0)
			set->count++;
		set->bits[ports[i] / 64] |= bit;
	}
}

bool pc_port_set_has(const struct pc_port_set *set, uint16_t port)
{
	return set->count == 0 || (set->bits[port / 64] >> (port % 64) & 1) != 0;
}
