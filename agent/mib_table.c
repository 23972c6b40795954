#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mib_internal.h"

/* table_container has already found the row (GETNEXT included: it turns
 * those into a GET of the next row), so this only reads one value. */
static int table_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reg,
			 netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	struct pc_mib_table *t = handler->myvoid;
	(void)reg;

	if (reqinfo->mode != MODE_GET)
		return SNMP_ERR_NOERROR;
	for (netsnmp_request_info *r = requests; r != NULL; r = r->next) {
		if (r->processed)
			continue;
		struct pc_mib_row *row = netsnmp_container_table_row_extract(r);
		netsnmp_table_request_info *info = netsnmp_extract_table_info(r);
		if (row == NULL || info == NULL) {
			netsnmp_set_request_error(reqinfo, r, SNMP_NOSUCHINSTANCE);
			continue;
		}
		int rc = t->column_value(row->data, info->colnum, r->requestvb);
		if (rc != 0)
			netsnmp_set_request_error(reqinfo, r, rc);
	}
	return SNMP_ERR_NOERROR;
}

int pc_mib_table_register(struct pc_mib_table *t, const oid *table_oid, size_t table_oid_len,
			  const u_char *index_types, unsigned min_column, unsigned max_column)
{
	t->container = netsnmp_container_find("table_container");
	netsnmp_table_registration_info *info = SNMP_MALLOC_TYPEDEF(netsnmp_table_registration_info);
	netsnmp_mib_handler *handler = netsnmp_create_handler(t->name, table_handler);
	if (t->container == NULL || info == NULL || handler == NULL) {
		pc_log(LOG_ERR, "%s: out of memory while registering", t->name);
		return -1;
	}
	t->container->container_name = strdup(t->name);
	for (const u_char *type = index_types; *type != 0; type++)
		netsnmp_table_helper_add_index(info, *type);
	info->min_column = min_column;
	info->max_column = max_column;
	if (t->columns != NULL) {
		netsnmp_column_info *valid = SNMP_MALLOC_TYPEDEF(netsnmp_column_info);
		size_t n = 0;
		while (t->columns[n] != 0)
			n++;
		if (valid == NULL) {
			pc_log(LOG_ERR, "%s: out of memory while registering", t->name);
			return -1;
		}
		valid->isRange = 0;
		valid->list_count = (char)n;
		/* net-snmp reads the list, never frees or writes it. */
		valid->details.list = (unsigned int *)(uintptr_t)t->columns;
		info->valid_columns = valid;
	}
	handler->myvoid = t;
	netsnmp_handler_registration *reg = netsnmp_handler_registration_create(
		t->name, handler, table_oid, table_oid_len, HANDLER_CAN_RONLY);
	if (reg == NULL ||
	    netsnmp_container_table_register(reg, info, t->container,
					     TABLE_CONTAINER_KEY_NETSNMP_INDEX) != MIB_REGISTERED_OK) {
		pc_log(LOG_ERR, "%s: net-snmp refused the registration", t->name);
		return -1;
	}
	return 0;
}

int pc_mib_table_reset(struct pc_mib_table *t, size_t n_rows)
{
	/* The container points into rows: empty it before rows can move. */
	CONTAINER_CLEAR(t->container, NULL, NULL);
	t->n_rows = 0;
	if (n_rows > t->cap_rows) {
		struct pc_mib_row *rows = realloc(t->rows, n_rows * sizeof(*rows));
		if (rows == NULL) {
			pc_log(LOG_ERR, "%s: out of memory for %zu rows", t->name, n_rows);
			return -1;
		}
		t->rows = rows;
		t->cap_rows = n_rows;
	}
	return 0;
}

struct pc_mib_row *pc_mib_table_add(struct pc_mib_table *t, const void *data)
{
	if (t->n_rows >= t->cap_rows)
		return NULL;
	struct pc_mib_row *row = &t->rows[t->n_rows++];
	row->index.oids = row->subids;
	row->index.len = 0;
	row->data = data;
	return row;
}

void pc_mib_row_append(struct pc_mib_row *row, oid subid)
{
	/* An overlong index marks the row unusable (len beyond the buffer). */
	if (row->index.len < PC_MIB_INDEX_MAX)
		row->subids[row->index.len] = subid;
	row->index.len++;
}

void pc_mib_row_append_octets(struct pc_mib_row *row, const uint8_t *bytes, size_t len)
{
	pc_mib_row_append(row, len);
	for (size_t i = 0; i < len; i++)
		pc_mib_row_append(row, bytes[i]);
}

void pc_mib_table_publish(struct pc_mib_table *t)
{
	for (size_t i = 0; i < t->n_rows; i++) {
		struct pc_mib_row *row = &t->rows[i];
		if (row->index.len > PC_MIB_INDEX_MAX) {
			pc_log(LOG_WARNING, "%s: row index longer than %d sub-identifiers, row not served",
			       t->name, PC_MIB_INDEX_MAX);
			continue;
		}
		if (CONTAINER_INSERT(t->container, row) != 0)
			pc_log(LOG_WARNING, "%s: duplicate row index, second row not served", t->name);
	}
}

void pc_mib_table_free(struct pc_mib_table *t)
{
	if (t->container != NULL)
		CONTAINER_CLEAR(t->container, NULL, NULL);
	free(t->rows);
	t->rows = NULL;
	t->n_rows = t->cap_rows = 0;
}

static int scalars_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reg,
			   netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	const struct pc_mib_scalars *group = handler->myvoid;
	const struct pc_state *state = pc_mib_state();

	if (reqinfo->mode != MODE_GET)
		return SNMP_ERR_NOERROR;
	for (netsnmp_request_info *r = requests; r != NULL; r = r->next) {
		/* scalar_group has extended rootoid to this scalar's ".N.0". */
		unsigned n = (unsigned)reg->rootoid[reg->rootoid_len - 2];
		int rc = state != NULL ? group->value(state, n, r->requestvb) : (int)SNMP_NOSUCHINSTANCE;
		if (rc != 0)
			netsnmp_set_request_error(reqinfo, r, rc);
	}
	return SNMP_ERR_NOERROR;
}

int pc_mib_scalars_register(struct pc_mib_scalars *group, const oid *group_oid, size_t len)
{
	netsnmp_handler_registration *reg = netsnmp_create_handler_registration(
		group->name, scalars_handler, group_oid, len, HANDLER_CAN_RONLY);
	if (reg == NULL) {
		pc_log(LOG_ERR, "%s: out of memory while registering", group->name);
		return -1;
	}
	reg->handler->myvoid = group;
	if (netsnmp_register_scalar_group(reg, 1, group->last) != MIB_REGISTERED_OK) {
		pc_log(LOG_ERR, "%s: net-snmp refused the registration", group->name);
		return -1;
	}
	return 0;
}
