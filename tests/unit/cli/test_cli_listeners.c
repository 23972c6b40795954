/* SPDX-License-Identifier: ISC */
/* cli_listeners.c: the text and JSON forms of `portcomplyd --listeners`, on
 * what the collector reads from the procroot fixture tree (procfs mode)
 * and on snapshots changed by hand: MIB index order, alignment, unknown
 * owners, JSON escapes, the empty set; and --all, which shows every bound
 * UDP socket with whether it counts as a listener, and why. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_listeners.h"
#include "collect/collect.h"
#include "collect_test_util.h"
#include "core/listener_rule.h"
#include "plan/plan.h"

static char *write_to_string(const struct pc_snapshot *snap, bool json)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(pc_listeners_write(f, snap, json), 0);
	fclose(f);
	return text;
}

static void test_listeners_output(void **state)
{
	(void)state;
	char err[256];
	struct pc_collector *c = procfs_collector("procroot", true);
	struct pc_snapshot snap = { 0 };
	assert_int_equal(pc_collector_poll(c, &snap, err, sizeof(err)), 0);
	/* MIB index order: TCP before UDP, then address type (unknown, IPv4,
	 * IPv6), address, port. */
	char *text = write_to_string(&snap, false);
	assert_string_equal(text, "PROTO  ADDRESS             PORT  SOCKETS  PID  PROCESS  DEVICE\n"
				  "tcp    *                   80    1        200  nginx    -\n"
				  "tcp    0.0.0.0             22    1        100  sshd     -\n"
				  "tcp    0.0.0.0             443   2        200  nginx    -\n"
				  "tcp    0.0.0.0             2049  1        -    -        -\n"
				  "tcp    127.0.0.1           8080  1        300  app?x    -\n"
				  "tcp    [::]                22    1        100  sshd     -\n"
				  "tcp    [::1]               8443  1        300  app?x    -\n"
				  "tcp    [::ffff:127.0.0.1]  9000  1        300  app?x    -\n"
				  "udp    0.0.0.0             53    1        400  dnsd     -\n"
				  "udp    127.0.0.1           323   1        400  dnsd     -\n"
				  "udp    [::1]               323   1        400  dnsd     -\n");
	free(text);

	snap.n_listeners = 4;
	snprintf(snap.listeners[0].process, sizeof(snap.listeners[0].process), "a\"b\\c");
	text = write_to_string(&snap, true);
	assert_string_equal(
		text,
		"[\n"
		"  {\"proto\": \"tcp\", \"address\": \"*\", \"port\": 80, \"sockets\": 1, "
		"\"pid\": 200, \"process\": \"a\\\"b\\\\c\", "
		"\"device\": null, \"device_status\": null},\n"
		"  {\"proto\": \"tcp\", \"address\": \"0.0.0.0\", \"port\": 22, \"sockets\": 1, "
		"\"pid\": 100, \"process\": \"sshd\", \"device\": null, \"device_status\": null},\n"
		"  {\"proto\": \"tcp\", \"address\": \"0.0.0.0\", \"port\": 443, \"sockets\": 2, "
		"\"pid\": 200, \"process\": \"nginx\", \"device\": null, \"device_status\": null},\n"
		"  {\"proto\": \"tcp\", \"address\": \"0.0.0.0\", \"port\": 2049, \"sockets\": 1, "
		"\"pid\": null, \"process\": null, \"device\": null, \"device_status\": null}\n"
		"]\n");
	free(text);
	snap.n_listeners = 0;
	text = write_to_string(&snap, true);
	assert_string_equal(text, "[]\n");
	free(text);
	text = write_to_string(&snap, false);
	assert_string_equal(text, "PROTO  ADDRESS  PORT  SOCKETS  PID  PROCESS  DEVICE\n");
	free(text);
	pc_collector_close(c);
	pc_snapshot_clear(&snap);
}

/* --all on proc-ephemeral (ports 32768-60999, 45000 and 46000-46010
 * reserved) with a plan whose icm-router listens on UDP 39500-39999:
 * every row, its verdict and reason; without --all, the clients' rows go. */
static void test_listeners_all(void **state)
{
	(void)state;
	char err[256];
	struct pc_diag diag = { 0 };
	struct pc_plan *plan = pc_plan_load("tests/fixtures/engine/udp-rule.conf", &diag);
	pc_diag_clear(&diag);
	assert_non_null(plan);
	struct pc_collector *c = procfs_collector("proc-ephemeral", false);
	struct pc_snapshot snap = { 0 };
	assert_int_equal(pc_collector_poll(c, &snap, err, sizeof(err)), 0);

	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_int_equal(pc_listeners_write_all(f, &snap, &plan->expectations, false), 0);
	fclose(f);
	assert_string_equal(text,
			    "PROTO  ADDRESS  PORT   SOCKETS  PID  PROCESS  DEVICE  LISTENER  WHY\n"
			    "tcp    0.0.0.0  40001  1        -    -        -       yes       listen\n"
			    "udp    *        39500  1        -    -        -       yes       expected-port\n"
			    "udp    0.0.0.0  123    1        -    -        -       yes       fixed-port\n"
			    "udp    0.0.0.0  32768  1        -    -        -       no        ephemeral-port\n"
			    "udp    0.0.0.0  40000  1        -    -        -       no        ephemeral-port\n"
			    "udp    0.0.0.0  45000  1        -    -        -       yes       reserved-port\n"
			    "udp    0.0.0.0  46005  1        -    -        -       yes       reserved-port\n"
			    "udp    0.0.0.0  60999  1        -    -        -       no        ephemeral-port\n"
			    "udp    0.0.0.0  61000  1        -    -        -       yes       fixed-port\n");
	free(text);

	snap.n_listeners = 2;
	f = open_memstream(&text, &len);
	assert_int_equal(pc_listeners_write_all(f, &snap, NULL, true), 0);
	fclose(f);
	assert_string_equal(text,
			    "[\n"
			    "  {\"proto\": \"tcp\", \"address\": \"0.0.0.0\", \"port\": 40001, "
			    "\"sockets\": 1, \"pid\": null, \"process\": null, \"device\": null, "
			    "\"device_status\": null, \"listener\": true, \"why\": \"listen\"},\n"
			    "  {\"proto\": \"udp\", \"address\": \"*\", \"port\": 39500, "
			    "\"sockets\": 1, \"pid\": null, \"process\": null, \"device\": null, "
			    "\"device_status\": null, \"listener\": false, \"why\": \"ephemeral-port\"}\n"
			    "]\n");
	free(text);

	assert_int_equal(pc_collector_poll(c, &snap, err, sizeof(err)), 0);
	pc_snapshot_keep_listeners(&snap, &plan->expectations);
	text = write_to_string(&snap, false);
	assert_string_equal(text, "PROTO  ADDRESS  PORT   SOCKETS  PID  PROCESS  DEVICE\n"
				  "tcp    0.0.0.0  40001  1        -    -        -\n"
				  "udp    *        39500  1        -    -        -\n"
				  "udp    0.0.0.0  123    1        -    -        -\n"
				  "udp    0.0.0.0  45000  1        -    -        -\n"
				  "udp    0.0.0.0  46005  1        -    -        -\n"
				  "udp    0.0.0.0  61000  1        -    -        -\n");
	free(text);
	pc_collector_close(c);
	pc_snapshot_clear(&snap);
	pc_plan_unref(plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listeners_output),
		cmocka_unit_test(test_listeners_all),
	};
	return cmocka_run_group_tests_name("cli_listeners", tests, NULL, NULL);
}
