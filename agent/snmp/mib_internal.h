/* SPDX-License-Identifier: ISC */
/* Shared by the mib_*.c files: the tables and scalar groups of
 * PORT-COMPLIANCE-MIB as plain functions of a view (the state and the
 * notification counters), so that the unit tests answer GET and GETNEXT on
 * a fixture state without snmpd, through the code the daemon runs. Every
 * OID, column and scalar number comes from mib_oids.h, generated from the
 * MIB (tools/mib-oids.sh). */
#ifndef PC_MIB_INTERNAL_H
#define PC_MIB_INTERNAL_H

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "mib_oids.h"
#include "core/state.h"
#include "snmp/notify_queue.h"
#include "snmp/values.h"

/* What every answer is made from. state: the plan, all unknown, before the
 * first poll; NULL only before registration is complete. */
struct pc_mib_view {
	const struct pc_state *state;
	struct pc_notify_stats notify;
	int64_t now_ms; /* monotonic, when the request came */
	unsigned long uptime; /* sysUpTime then, in ticks */
};

/* PcSide: none(0), a(1), b(2), primary(3), secondary(4) = enum pc_side. */

/* ---- tables ---- */

#define PC_MIB_COUNT(array) (sizeof(array) / sizeof((array)[0]))

struct pc_mib_row {
	struct pc_mib_index index; /* too long: not served */
	const void *data;
};

struct pc_mib_table;

/* A table as the MIB defines it (one const object per table). column():
 * fill var with the value of column for this row and return 0, or
 * SNMP_NOSUCHINSTANCE / SNMP_NOSUCHOBJECT.
 *
 * Its rows come one of two ways. Read in place: the state already holds
 * them in index order, strictly increasing (the snapshot's listeners, the
 * plan's expectations...): n_rows() says how many, row() gives the i-th
 * and its index; a new state then costs the SNMP thread nothing, and a
 * request never waits for rows to be built. Built: rows() resets the
 * table and adds its rows in any order, returning 0 or -1; they are
 * sorted on the SNMP thread whenever a new state comes, so only a table of
 * a few rows should be built. */
struct pc_mib_table_def {
	const char *name;
	const oid *entry; /* the entry's OID */
	size_t entry_len;
	const unsigned *columns; /* served, increasing: PCMIB_<ENTRY>_COLUMNS */
	size_t n_columns;
	int (*column)(const struct pc_mib_view *view, const void *row, unsigned column,
		      netsnmp_variable_list *var);
	int (*rows)(struct pc_mib_table *t, const struct pc_state *state); /* built */
	size_t (*n_rows)(const struct pc_state *state); /* in place */
	const void *(*row)(const struct pc_state *state, size_t i, struct pc_mib_index *index);
};

/* Defines the table def_name from the generated names of its ENTRY
 * (PCMIB_<ENTRY>_OID, PCMIB_<ENTRY>_COLUMNS), its rows built by rows_fn... */
#define PC_MIB_TABLE(def_name, mib_name, ENTRY, column_fn, rows_fn)                         \
	static const oid def_name##_entry[] = { PCMIB_##ENTRY##_OID };                      \
	static const unsigned def_name##_columns[] = { PCMIB_##ENTRY##_COLUMNS };           \
	const struct pc_mib_table_def def_name = {                                          \
		mib_name,	     def_name##_entry, PC_MIB_COUNT(def_name##_entry),      \
		def_name##_columns, PC_MIB_COUNT(def_name##_columns), column_fn, rows_fn, \
		NULL,               NULL,                                                   \
	}

/* ...or read in place from the state, n_rows_fn of them, row_fn the i-th. */
#define PC_MIB_TABLE_IN_PLACE(def_name, mib_name, ENTRY, column_fn, n_rows_fn, row_fn)     \
	static const oid def_name##_entry[] = { PCMIB_##ENTRY##_OID };                      \
	static const unsigned def_name##_columns[] = { PCMIB_##ENTRY##_COLUMNS };           \
	const struct pc_mib_table_def def_name = {                                          \
		mib_name,	     def_name##_entry, PC_MIB_COUNT(def_name##_entry),      \
		def_name##_columns, PC_MIB_COUNT(def_name##_columns), column_fn, NULL,    \
		n_rows_fn,          row_fn,                                                 \
	}

/* A table served for one state: the rows built for it, if it builds them. */
struct pc_mib_table {
	const struct pc_mib_table_def *def;
	struct pc_mib_row *rows;
	size_t n_rows, cap_rows;
};

/* Follow a new state: a built table runs def->rows, then sorts; a table
 * read in place has nothing to do. 0 or -1 (logged; the table is empty
 * then). */
int pc_mib_table_rebuild(struct pc_mib_table *t, const struct pc_state *state);
void pc_mib_table_free(struct pc_mib_table *t);

/* For def->rows(): make room, then add each row and append to its index
 * (values.h). */
int pc_mib_table_reset(struct pc_mib_table *t, size_t n_rows);
struct pc_mib_row *pc_mib_table_add(struct pc_mib_table *t, const void *data);

/* The table's rows for this state (the one it was last rebuilt for), in
 * index order: how many, and the i-th with its index. */
size_t pc_mib_table_size(const struct pc_mib_table *t, const struct pc_state *state);
const void *pc_mib_table_row(const struct pc_mib_table *t, const struct pc_state *state, size_t i,
			     struct pc_mib_index *index);

/* The last poll's result for e, one of the state's plan's expectations. */
const struct pc_expect_result *pc_mib_expect_result(const struct pc_state *state,
						    const struct pc_expectation *e);

/* GET of var->name: 0 (var filled), or SNMP_NOSUCHOBJECT / NOSUCHINSTANCE. */
int pc_mib_table_get(const struct pc_mib_table *t, const struct pc_mib_view *view,
		     netsnmp_variable_list *var);
/* GETNEXT after var->name within the table: 0 (var's name and value set to
 * the next object), or 1 when nothing in the table follows. */
int pc_mib_table_getnext(const struct pc_mib_table *t, const struct pc_mib_view *view,
			 netsnmp_variable_list *var);

/* ---- scalar groups ---- */

/* pcX.1.0 .. pcX.last.0 read from the view: value() fills var for scalar
 * number n and returns 0, or an SNMP exception. */
struct pc_mib_scalars_def {
	const char *name;
	const oid *group;
	size_t group_len;
	unsigned last; /* PCMIB_<GROUP>_LAST_SCALAR */
	int (*value)(const struct pc_mib_view *view, unsigned n, netsnmp_variable_list *var);
};

/* Defines the group def_name from the generated names of its GROUP
 * (PCMIB_<GROUP>_OID, PCMIB_<GROUP>_LAST_SCALAR). */
#define PC_MIB_SCALARS(def_name, mib_name, GROUP, value_fn)                                 \
	static const oid def_name##_group[] = { PCMIB_##GROUP##_OID };                      \
	const struct pc_mib_scalars_def def_name = {                                        \
		mib_name, def_name##_group, PC_MIB_COUNT(def_name##_group),                 \
		PCMIB_##GROUP##_LAST_SCALAR, value_fn,                                      \
	}

/* The definitions, one per file. */
extern const struct pc_mib_scalars_def pc_mib_poll_def, pc_mib_host_def, pc_mib_notify_def,
	pc_mib_discovery_def;
extern const struct pc_mib_table_def pc_mib_listener_def, pc_mib_role_def, pc_mib_expect_def,
	pc_mib_instance_def, pc_mib_instance_port_def, pc_mib_discovery_table_def,
	pc_mib_expected_port_def;

#endif
