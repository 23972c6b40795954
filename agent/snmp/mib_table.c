/* SPDX-License-Identifier: ISC */
/* The tables' rows in index order, and GET/GETNEXT over them: a binary
 * search per request, no net-snmp container. Most tables read their rows
 * in place from the state; the few built ones are sorted when a state
 * comes. */
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "snmp/mib_internal.h"

int pc_mib_table_reset(struct pc_mib_table *t, size_t n_rows)
{
	t->n_rows = 0;
	if (n_rows > t->cap_rows) {
		struct pc_mib_row *rows = realloc(t->rows, n_rows * sizeof(*rows));
		if (rows == NULL) {
			pc_log(LOG_ERR, "%s: out of memory for %zu rows", t->def->name, n_rows);
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
	row->index.len = 0;
	row->data = data;
	return row;
}

static int row_order(const void *a, const void *b)
{
	const struct pc_mib_row *x = a, *y = b;
	return snmp_oid_compare(x->index.sub, x->index.len, y->index.sub, y->index.len);
}

int pc_mib_table_rebuild(struct pc_mib_table *t, const struct pc_state *state)
{
	if (t->def->rows == NULL) {
		t->n_rows = 0; /* read in place: nothing to build */
		return 0;
	}
	if (t->def->rows(t, state) < 0) {
		t->n_rows = 0;
		return -1;
	}
	size_t kept = 0;
	for (size_t i = 0; i < t->n_rows; i++) {
		if (!pc_mib_index_usable(&t->rows[i].index))
			pc_log(LOG_WARNING, "%s: row index longer than %d sub-identifiers, row not served",
			       t->def->name, PC_MIB_INDEX_MAX);
		else
			t->rows[kept++] = t->rows[i];
	}
	t->n_rows = kept;
	if (kept > 1)
		qsort(t->rows, kept, sizeof(*t->rows), row_order);
	kept = 0;
	for (size_t i = 0; i < t->n_rows; i++) {
		if (kept > 0 && row_order(&t->rows[kept - 1], &t->rows[i]) == 0)
			pc_log(LOG_WARNING, "%s: duplicate row index, second row not served", t->def->name);
		else
			t->rows[kept++] = t->rows[i];
	}
	t->n_rows = kept;
	return 0;
}

const struct pc_expect_result *pc_mib_expect_result(const struct pc_state *state,
						    const struct pc_expectation *e)
{
	return &state->eval.expect[e - state->plan->expectations.items];
}

void pc_mib_table_free(struct pc_mib_table *t)
{
	free(t->rows);
	t->rows = NULL;
	t->n_rows = t->cap_rows = 0;
}

size_t pc_mib_table_size(const struct pc_mib_table *t, const struct pc_state *state)
{
	return t->def->rows == NULL ? t->def->n_rows(state) : t->n_rows;
}

const void *pc_mib_table_row(const struct pc_mib_table *t, const struct pc_state *state, size_t i,
			     struct pc_mib_index *index)
{
	if (t->def->rows == NULL) {
		index->len = 0;
		return t->def->row(state, i, index);
	}
	*index = t->rows[i].index;
	return t->rows[i].data;
}

/* The position of the first row whose index is >= index (after: > index);
 * n when there is none. */
static size_t find_row(const struct pc_mib_table *t, const struct pc_state *state, size_t n,
		       const oid *index, size_t len, bool after)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		struct pc_mib_index at;
		pc_mib_table_row(t, state, mid, &at);
		int c = snmp_oid_compare(at.sub, at.len, index, len);
		if (c < 0 || (after && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The position of column in the served columns, or of the first served
 * column after it; n_columns if none. */
static size_t column_at_or_after(const struct pc_mib_table_def *def, oid column)
{
	size_t i = 0;
	while (i < def->n_columns && def->columns[i] < column)
		i++;
	return i;
}

int pc_mib_table_get(const struct pc_mib_table *t, const struct pc_mib_view *view,
		     netsnmp_variable_list *var)
{
	const struct pc_mib_table_def *def = t->def;
	size_t at = def->entry_len;
	if (var->name_length <= at ||
	    snmp_oid_compare(var->name, at, def->entry, def->entry_len) != 0)
		return SNMP_NOSUCHOBJECT;
	size_t c = column_at_or_after(def, var->name[at]);
	if (c == def->n_columns || def->columns[c] != var->name[at])
		return SNMP_NOSUCHOBJECT;
	const oid *index = var->name + at + 1;
	size_t index_len = var->name_length - at - 1;
	size_t n = pc_mib_table_size(t, view->state);
	size_t i = find_row(t, view->state, n, index, index_len, false);
	struct pc_mib_index found;
	const void *row = i < n ? pc_mib_table_row(t, view->state, i, &found) : NULL;
	if (row == NULL || snmp_oid_compare(found.sub, found.len, index, index_len) != 0)
		return SNMP_NOSUCHINSTANCE;
	return def->column(view, row, def->columns[c], var);
}

int pc_mib_table_getnext(const struct pc_mib_table *t, const struct pc_mib_view *view,
			 netsnmp_variable_list *var)
{
	const struct pc_mib_table_def *def = t->def;
	size_t at = def->entry_len;
	size_t prefix = var->name_length < at ? var->name_length : at;
	int side = snmp_oid_compare(var->name, prefix, def->entry, prefix);
	size_t n = pc_mib_table_size(t, view->state);
	size_t c = 0, i = 0; /* from column c's row i on */

	if (side > 0)
		return 1;
	if (side == 0 && var->name_length > at) {
		c = column_at_or_after(def, var->name[at]);
		if (c < def->n_columns && def->columns[c] == var->name[at])
			i = find_row(t, view->state, n, var->name + at + 1, var->name_length - at - 1,
				     true);
	} /* else before the table, or the entry itself: from the start */
	for (; c < def->n_columns; c++, i = 0) {
		for (; i < n; i++) {
			struct pc_mib_index index;
			const void *row = pc_mib_table_row(t, view->state, i, &index);
			oid name[MAX_OID_LEN];
			memcpy(name, def->entry, at * sizeof(oid));
			name[at] = def->columns[c];
			memcpy(name + at + 1, index.sub, index.len * sizeof(oid));
			snmp_set_var_objid(var, name, at + 1 + index.len);
			/* Every row has every column: a gap is skipped, not the end. */
			if (def->column(view, row, def->columns[c], var) == 0)
				return 0;
		}
	}
	return 1;
}
