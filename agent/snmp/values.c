/* SPDX-License-Identifier: ISC */
#include "snmp/values.h"

#include <string.h>

#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "util/clock.h"

void pc_mib_set_uint(netsnmp_variable_list *var, u_char type, unsigned long value)
{
	u_long v = value;
	snmp_set_var_typed_value(var, type, &v, sizeof(v));
}

void pc_mib_set_int(netsnmp_variable_list *var, long value)
{
	snmp_set_var_typed_value(var, ASN_INTEGER, &value, sizeof(value));
}

void pc_mib_set_string(netsnmp_variable_list *var, const char *text)
{
	text = text != NULL ? text : "";
	snmp_set_var_typed_value(var, ASN_OCTET_STR, text, strlen(text));
}

void pc_mib_set_octets(netsnmp_variable_list *var, const uint8_t *bytes, size_t len)
{
	snmp_set_var_typed_value(var, ASN_OCTET_STR, bytes, len);
}

unsigned long pc_mib_timestamp_at(int64_t monotonic_ms, int64_t now_ms, unsigned long uptime)
{
	if (monotonic_ms == 0)
		return 0;
	long ticks = (long)uptime - (long)((now_ms - monotonic_ms) / 10);
	return ticks > 0 ? (unsigned long)ticks : 0;
}

unsigned long pc_mib_timestamp(int64_t monotonic_ms)
{
	return pc_mib_timestamp_at(monotonic_ms, pc_now_ms(), netsnmp_get_agent_uptime());
}

void pc_mib_index_append(struct pc_mib_index *index, oid subid)
{
	/* An overlong index marks itself unusable (len beyond the buffer). */
	if (index->len < PC_MIB_INDEX_MAX)
		index->sub[index->len] = subid;
	index->len++;
}

void pc_mib_index_append_octets(struct pc_mib_index *index, const uint8_t *bytes, size_t len)
{
	pc_mib_index_append(index, len);
	for (size_t i = 0; i < len; i++)
		pc_mib_index_append(index, bytes[i]);
}

void pc_mib_index_append_listener(struct pc_mib_index *index, const struct pc_endpoint *local)
{
	pc_mib_index_append(index, local->proto);
	pc_mib_index_append(index, local->addr_type);
	pc_mib_index_append_octets(index, local->addr, local->addr_len);
	pc_mib_index_append(index, local->port);
}

void pc_mib_index_append_expectation(struct pc_mib_index *index, uint32_t role_index,
				     uint32_t rule_index, uint32_t member)
{
	pc_mib_index_append(index, role_index);
	pc_mib_index_append(index, rule_index);
	pc_mib_index_append(index, member);
}
