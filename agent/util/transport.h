/* SPDX-License-Identifier: ISC */
/* The transport layer's small vocabulary, shared by every layer: protocols
 * by name (the one spelling of the configuration, the catalog, the reports
 * and the MIB's strings) and lists of port numbers. */
#ifndef PC_TRANSPORT_H
#define PC_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "tcp", "udp"; "?" for any other protocol number. */
const char *pc_proto_name(uint8_t proto);

/* "tcp" -> IPPROTO_TCP, "udp" -> IPPROTO_UDP; 0 for anything else
 * (NULL included): no protocol the agent serves is numbered 0. */
uint8_t pc_proto_parse(const char *name);

/* 1-65535: a number a listener can have (any width, so that a value read
 * from a file is checked before it is narrowed). */
static inline bool pc_port_valid(long port)
{
	return port >= 1 && port <= 65535;
}

/* Sort ports in place and drop repeats; returns how many are left. */
size_t pc_ports_sort_unique(uint16_t *ports, size_t n);

/* A set of ports as a bitmap: membership in O(1), no allocation (the
 * collector's filters test every socket of a dump against one). */
struct pc_port_set {
	uint64_t bits[65536 / 64];
	size_t count; /* 0: every port */
};

void pc_port_set_assign(struct pc_port_set *set, const uint16_t *ports, size_t n);
/* Whether port is in the set; an empty set holds every port. */
bool pc_port_set_has(const struct pc_port_set *set, uint16_t port);

#endif
