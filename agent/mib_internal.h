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
#define PC_OID_LISTENER_TABLE PC_OID_OBJECTS, 3
#define PC_OID_LEN(...) (sizeof((oid[]){ __VA_ARGS__ }) / sizeof(oid))

/* The state every handler reads; NULL before the first poll. */
const struct pc_state *pc_mib_state(void);

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

/* Each file's registration and rebuild. */
int pc_mib_poll_register(void);
int pc_mib_listener_register(void);
void pc_mib_listener_rebuild(const struct pc_state *state);
void pc_mib_listener_free(void);

#endif
