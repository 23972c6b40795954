/* SPDX-License-Identifier: ISC */
/* The tables' rows (snmp/mib_table.c, snmp/mib.c): a new state is served
 * without reading, copying or sorting any of its rows, so that a request
 * never waits for the SNMP thread to rebuild a table after a poll; rows
 * read in place are found by index in a large table; the few tables that
 * build their rows still serve them in index order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "snmp/mib.h"
#include "snmp/mib_internal.h"
#include "pc_test.h"

#define N_LISTENERS 3000
#define FIRST_PORT 20000

/* The walk's host (two roles, an instance plan) and N_LISTENERS listeners
 * on 127.0.0.1 and ::1, judged by the real engine. */
static struct pc_state *big_state(void)
{
	struct pc_diag diag = { 0 };
	struct pc_plan *plan = pc_plan_load(repo_path("tests/fixtures/mib/host.conf"), &diag);
	if (plan == NULL) {
		pc_diag_print(&diag, stderr);
		fail_msg("tests/fixtures/mib/host.conf does not load");
	}
	pc_diag_clear(&diag);
	struct pc_snapshot snap = { 0 };
	for (int i = 0; i < N_LISTENERS; i++) {
		bool v6 = i % 3 == 0;
		uint8_t bytes[16] = { 0 };
		if (v6)
			bytes[15] = 1;
		else
			memcpy(bytes, (uint8_t[]){ 127, 0, 0, 1 }, 4);
		struct pc_listen_socket socket = { .inode = 1000u + (unsigned)i, .uid = 1000 };
		pc_endpoint_set(&socket.local, IPPROTO_TCP, v6 ? AF_INET6 : AF_INET, bytes, true, 0,
				(uint16_t)(FIRST_PORT + i));
		assert_int_equal(pc_snapshot_add_listener(&snap, &socket), 0);
	}
	pc_snapshot_finish(&snap);
	struct pc_engine_settings settings = { .hold_down = 1, .flap_window = 20 };
	struct pc_evaluation eval;
	assert_int_equal(pc_engine_evaluate(plan, &settings, &snap, NULL, NULL, NULL, 1000, &eval), 0);
	struct pc_state *state = pc_state_new(plan, &snap, &eval);
	assert_non_null(state);
	pc_plan_unref(plan);
	assert_true(state->n_instance_ports > 0 && state->n_expected_ports > 0 &&
		    state->eval.n_roles > 0 && state->eval.n_instances > 0);
	return state;
}

/* ---- a new state is served without touching its rows -------------------- */

/* An array moved into memory that cannot be read or written: whoever
 * touches it crashes the test. */
struct guarded {
	void **field; /* where the state points at the array */
	void *heap; /* the array as the state had it */
	void *mapped;
	size_t bytes;
};

static void guard(struct guarded *g, void **field, size_t bytes)
{
	assert_true(bytes > 0);
	g->field = field;
	g->heap = *field;
	g->bytes = bytes;
	g->mapped = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(g->mapped != MAP_FAILED);
	memcpy(g->mapped, g->heap, bytes);
	*field = g->mapped;
	assert_int_equal(mprotect(g->mapped, bytes, PROT_NONE), 0);
}

static void unguard(struct guarded *g)
{
	assert_int_equal(mprotect(g->mapped, g->bytes, PROT_READ), 0);
	assert_memory_equal(g->mapped, g->heap, g->bytes); /* nobody wrote either */
	*g->field = g->heap;
	munmap(g->mapped, g->bytes);
}

static void test_new_state_reads_no_row(void **ctx)
{
	(void)ctx;
	struct pc_state *state = big_state();
	struct pc_plan *plan = state->plan;
	struct guarded g[8];
	/* Every array a table's rows are read from. */
	guard(&g[0], (void **)&state->snap.listeners,
	      state->snap.n_listeners * sizeof(*state->snap.listeners));
	guard(&g[1], (void **)&state->eval.listeners,
	      state->snap.n_listeners * sizeof(*state->eval.listeners));
	guard(&g[2], (void **)&plan->expectations.items,
	      plan->expectations.n * sizeof(*plan->expectations.items));
	guard(&g[3], (void **)&state->eval.expect, plan->expectations.n * sizeof(*state->eval.expect));
	guard(&g[4], (void **)&state->eval.roles, state->eval.n_roles * sizeof(*state->eval.roles));
	guard(&g[5], (void **)&state->eval.instances,
	      state->eval.n_instances * sizeof(*state->eval.instances));
	guard(&g[6], (void **)&state->instance_ports,
	      state->n_instance_ports * sizeof(*state->instance_ports));
	guard(&g[7], (void **)&state->expected_ports,
	      state->n_expected_ports * sizeof(*state->expected_ports));

	/* What the SNMP thread does when a poll's state arrives; twice, so
	 * that the previous state is let go as well. */
	pc_mib_set_state(pc_state_ref(state));
	pc_mib_set_state(pc_state_ref(state));

	for (size_t i = 0; i < sizeof(g) / sizeof(g[0]); i++)
		unguard(&g[i]);
	pc_mib_shutdown();
	pc_state_unref(state);
}

/* ---- rows read in place ------------------------------------------------- */

static netsnmp_variable_list *var_named(const oid *name, size_t len)
{
	netsnmp_variable_list *var = calloc(1, sizeof(*var));
	assert_non_null(var);
	snmp_set_var_objid(var, name, len);
	return var;
}

static size_t listener_name(oid *name, const struct pc_endpoint *local)
{
	static const oid sockets[] = { PCMIB_LISTENER_SOCKETS_OID };
	struct pc_mib_index index = { .len = 0 };
	pc_mib_index_append_listener(&index, local);
	memcpy(name, sockets, sizeof(sockets));
	memcpy(name + OID_LENGTH(sockets), index.sub, index.len * sizeof(oid));
	return OID_LENGTH(sockets) + index.len;
}

/* GETNEXT walks the snapshot's listeners in its own order; GET finds each
 * one, and nothing between two rows. */
static void test_listeners_in_place(void **ctx)
{
	(void)ctx;
	struct pc_state *state = big_state();
	struct pc_mib_view view = { .state = state };
	struct pc_mib_table table = { .def = &pc_mib_listener_def };
	assert_int_equal(pc_mib_table_rebuild(&table, state), 0);
	assert_int_equal(pc_mib_table_size(&table, state), N_LISTENERS);

	static const oid sockets[] = { PCMIB_LISTENER_SOCKETS_OID };
	netsnmp_variable_list *var = var_named(sockets, OID_LENGTH(sockets));
	oid name[MAX_OID_LEN];
	for (size_t i = 0; i < state->snap.n_listeners; i++) {
		size_t len = listener_name(name, &state->snap.listeners[i].local);
		assert_int_equal(pc_mib_table_getnext(&table, &view, var), 0);
		assert_int_equal(snmp_oid_compare(var->name, var->name_length, name, len), 0);
		netsnmp_variable_list *again = var_named(name, len);
		assert_int_equal(pc_mib_table_get(&table, &view, again), 0);
		snmp_free_var(again);
		/* One past the row's port is no row, unless it is the next row. */
		name[len - 1]++;
		netsnmp_variable_list *between = var_named(name, len);
		if (i + 1 < state->snap.n_listeners &&
		    state->snap.listeners[i + 1].local.port != name[len - 1])
			assert_int_equal(pc_mib_table_get(&table, &view, between), SNMP_NOSUCHINSTANCE);
		snmp_free_var(between);
	}
	/* After the last row of pcListenerSockets comes the next column. */
	assert_int_equal(pc_mib_table_getnext(&table, &view, var), 0);
	assert_int_equal(var->name[OID_LENGTH(sockets) - 1], PCMIB_LISTENER_PID);
	snmp_free_var(var);
	pc_mib_table_free(&table);
	pc_state_unref(state);
}

/* ---- built rows ----------------------------------------------------------- */

/* A table whose rows come in any order: pcRoleTable's columns, each role
 * given the index of its reverse position. */
static int reversed_roles(struct pc_mib_table *t, const struct pc_state *state)
{
	size_t n = state->eval.n_roles;
	if (pc_mib_table_reset(t, n) < 0)
		return -1;
	for (size_t r = 0; r < n; r++) {
		struct pc_mib_row *row = pc_mib_table_add(t, &state->eval.roles[r]);
		pc_mib_index_append(&row->index, n - r);
	}
	return 0;
}

static void test_built_rows_are_sorted(void **ctx)
{
	(void)ctx;
	struct pc_state *state = big_state();
	struct pc_mib_view view = { .state = state };
	struct pc_mib_table_def def = pc_mib_role_def;
	def.rows = reversed_roles;
	def.n_rows = NULL;
	def.row = NULL;
	struct pc_mib_table table = { .def = &def };
	assert_int_equal(pc_mib_table_rebuild(&table, state), 0);
	size_t n = pc_mib_table_size(&table, state);
	assert_int_equal(n, state->eval.n_roles);
	for (size_t i = 0; i < n; i++) {
		struct pc_mib_index index;
		const void *row = pc_mib_table_row(&table, state, i, &index);
		assert_int_equal(index.len, 1);
		assert_int_equal(index.sub[0], i + 1);
		assert_ptr_equal(row, &state->eval.roles[n - 1 - i]);
	}
	static const oid name_column[] = { PCMIB_ROLE_NAME_OID };
	netsnmp_variable_list *var = var_named(name_column, OID_LENGTH(name_column));
	assert_int_equal(pc_mib_table_getnext(&table, &view, var), 0);
	assert_int_equal(var->name[var->name_length - 1], 1);
	assert_int_equal(var->val_len, strlen(state->eval.roles[n - 1].name));
	snmp_free_var(var);
	pc_mib_table_free(&table);
	pc_state_unref(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_state_reads_no_row),
		cmocka_unit_test(test_listeners_in_place),
		cmocka_unit_test(test_built_rows_are_sorted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
