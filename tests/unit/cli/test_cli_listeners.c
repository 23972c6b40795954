/* cli_listeners.c: the text and JSON forms of `portcomplyd --listeners`, on
 * what the collector reads from the procroot fixture tree (procfs mode)
 * and on snapshots changed by hand: MIB index order, alignment, unknown
 * owners, JSON escapes, the empty set. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listeners_output),
	};
	return cmocka_run_group_tests_name("cli_listeners", tests, NULL, NULL);
}
