/* SPDX-License-Identifier: ISC */
/* What the agent's values become on the wire: the typed values, TimeStamps
 * and row indexes of PORT-COMPLIANCE-MIB. The MIB's handlers and the
 * notifications both encode through here, so that a notification names the
 * same instance, with the same type, as a walk shows. */
#ifndef PC_VALUES_H
#define PC_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "core/snapshot.h"

/* Typed setters, so the handlers read as a list of columns. */
void pc_mib_set_uint(netsnmp_variable_list *var, u_char type, unsigned long value);
void pc_mib_set_int(netsnmp_variable_list *var, long value);
void pc_mib_set_string(netsnmp_variable_list *var, const char *text);
void pc_mib_set_octets(netsnmp_variable_list *var, const uint8_t *bytes, size_t len);
#define PC_TRUTH(b) ((b) ? 1 : 2) /* TruthValue */

/* TimeStamp: the sysUpTime (in the master's clock, which net-snmp keeps in
 * step) at a monotonic time; 0 for 0 (never) and for a time before the
 * agent started. _at: given the monotonic time and the sysUpTime of now. */
unsigned long pc_mib_timestamp(int64_t monotonic_ms);
unsigned long pc_mib_timestamp_at(int64_t monotonic_ms, int64_t now_ms, unsigned long uptime);

/* A row's index, or a scalar's instance (.0). The longest the tables make
 * is pcExpectedPortTable's, with a rule's name of PC_NAME_MAX characters
 * (mib_expected_port.c). */
#define PC_MIB_INDEX_MAX 64
struct pc_mib_index {
	oid sub[PC_MIB_INDEX_MAX];
	size_t len; /* beyond PC_MIB_INDEX_MAX: too long, not usable */
};

static inline bool pc_mib_index_usable(const struct pc_mib_index *index)
{
	return index->len <= PC_MIB_INDEX_MAX;
}

void pc_mib_index_append(struct pc_mib_index *index, oid subid);
/* An InetAddress or other OCTET STRING: its length, then its bytes. */
void pc_mib_index_append_octets(struct pc_mib_index *index, const uint8_t *bytes, size_t len);

/* pcListenerTable's index: protocol, address type, address, port. */
void pc_mib_index_append_listener(struct pc_mib_index *index, const struct pc_endpoint *local);
/* pcExpectTable's index (and the tail of pcInstancePortTable's). */
void pc_mib_index_append_expectation(struct pc_mib_index *index, uint32_t role_index,
				     uint32_t rule_index, uint32_t member);

#endif
