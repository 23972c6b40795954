/* Shared by the mib_*.c files: OIDs under the module root and a table
 * whose rows are rebuilt from each new state. */
#ifndef PC_MIB_INTERNAL_H
#define PC_MIB_INTERNAL_H

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "mib_root.h"
#include "state.h"

/* pcObjects = portComplianceMIB.1; these are its children. */
#define PC_OID_OBJECTS PC_MIB_ROOT, 1
#define PC_OID_POLL PC_OID_OBJECTS, 1
#define PC_OID_HOST PC_OID_OBJECTS, 2
#define PC_OID_LISTENER_TABLE PC_OID_OBJECTS, 3
#define PC_OID_ROLE_TABLE PC_OID_OBJECTS, 4
#define PC_OID_EXPECT_TABLE PC_OID_OBJECTS, 5
#define PC_OID_INSTANCE_TABLE PC_OID_OBJECTS, 6
#define PC_OID_INSTANCE_PORT_TABLE PC_OID_OBJECTS, 7
#define PC_OID_NOTIFY PC_OID_OBJECTS, 8

/* The state every handler reads: the plan, all unknown, before the first
 * poll; NULL only before registration is complete. */
const struct pc_state *pc_mib_state(void);

/* Typed setters, so the handlers read as a list of columns. */
void pc_mib_set_uint(netsnmp_variable_list *var, u_char type, unsigned long value);
void pc_mib_set_int(netsnmp_variable_list *var, long value);
void pc_mib_set_string(netsnmp_variable_list *var, const char *text);
void pc_mib_set_octets(netsnmp_variable_list *var, const uint8_t *bytes, size_t len);
#define PC_TRUTH(b) ((b) ? 1 : 2) /* TruthValue */

/* TimeStamp: the sysUpTime (in the master's clock, which net-snmp keeps in
 * step) at a monotonic time; 0 for 0 (never). */
unsigned long pc_mib_timestamp(int64_t monotonic_ms);

/* PcSide: none(0), a(1), b(2), primary(3), secondary(4) = enum pc_side. */

/* A table served through net-snmp's table_container with a binary-array
 * container: rows are kept in index order so that GETNEXT is a binary
 * search. Rows live in one array rebuilt for every new state. */
#define PC_MIB_INDEX_MAX 32

struct pc_mib_row {
	netsnmp_index index; /* first: the container's key */
	oid subids[PC_MIB_INDEX_MAX];
	const void *data;
};

/* Fill var with the value of column for this row; return 0, or
 * SNMP_NOSUCHINSTANCE / SNMP_NOSUCHOBJECT. Every row must have a value in
 * every column between min and max, or walks would stop at the gap. */
typedef int (*pc_mib_column_fn)(const void *data, unsigned column,
				netsnmp_variable_list *var);

struct pc_mib_table {
	const char *name;
	netsnmp_container *container;
	struct pc_mib_row *rows;
	size_t n_rows, cap_rows;
	pc_mib_column_fn column_value;
	/* The accessible columns, ended by 0, when they are not every one
	 * from min to max (columns reserved for later, a not-accessible
	 * index in between): walks skip the others. NULL: min..max. */
	const unsigned *columns;
};

/* index_types: the ASN types of the INDEX objects, ended by 0. */
int pc_mib_table_register(struct pc_mib_table *t, const oid *table_oid, size_t table_oid_len,
			  const u_char *index_types, unsigned min_column, unsigned max_column);

/* Rebuild: reset, then add each row in any order, then publish. */
int pc_mib_table_reset(struct pc_mib_table *t, size_t n_rows);
struct pc_mib_row *pc_mib_table_add(struct pc_mib_table *t, const void *data);
void pc_mib_table_publish(struct pc_mib_table *t);
void pc_mib_table_free(struct pc_mib_table *t);

/* Append an InetAddress index (length, then bytes) to a row's index. */
void pc_mib_row_append(struct pc_mib_row *row, oid subid);
void pc_mib_row_append_octets(struct pc_mib_row *row, const uint8_t *bytes, size_t len);

/* A group of scalars pcX.1.0 .. pcX.last.0 read from the current state:
 * value() fills var for scalar number n (1..last) and returns 0, or an
 * SNMP exception. The group object must live as long as the agent. */
struct pc_mib_scalars {
	const char *name;
	unsigned last;
	int (*value)(const struct pc_state *state, unsigned n, netsnmp_variable_list *var);
};
int pc_mib_scalars_register(struct pc_mib_scalars *group, const oid *group_oid, size_t len);

/* Each file's registration and rebuild. */
int pc_mib_poll_register(void);
int pc_mib_host_register(void);
int pc_mib_notify_register(void);
int pc_mib_listener_register(void);
void pc_mib_listener_rebuild(const struct pc_state *state);
void pc_mib_listener_free(void);
int pc_mib_role_register(void);
void pc_mib_role_rebuild(const struct pc_state *state);
void pc_mib_role_free(void);
int pc_mib_expect_register(void);
void pc_mib_expect_rebuild(const struct pc_state *state);
void pc_mib_expect_free(void);
int pc_mib_instance_register(void);
void pc_mib_instance_rebuild(const struct pc_state *state);
void pc_mib_instance_free(void);

#endif
