/* SPDX-License-Identifier: ISC */
/* --export nftables: which set each kind of expected port lands in, ranges
 * merged, nothing for connect rules or ports without a number, and exit
 * status 2 with nothing on stdout for a configuration that does not
 * validate. (tests/integration/t_nftables.sh loads the output into the
 * kernel.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cli/cli_export.h"
#include "pc_test.h"

static struct cli_run run(const char *config, const char *format)
{
	struct pc_cli_args args = { .config_path = repo_path(config), .config_given = true,
				    .instance = -1, .slot = -1 };
	struct cli_streams s = cli_streams_open();
	return cli_streams_collect(s, pc_cli_export_to(&args, format, s.out, s.err));
}

/* The element list of one set, as printed ("" for an empty set). */
static const char *elements(const char *text, const char *set)
{
	static char buf[512];
	char head[64];
	snprintf(head, sizeof(head), "\tset %s {\n", set);
	const char *at = strstr(text, head);
	assert_non_null(at);
	const char *end = strstr(at, "\n\t}\n");
	assert_non_null(end);
	const char *el = strstr(at, "elements = { ");
	buf[0] = '\0';
	if (el == NULL || el > end)
		return buf;
	el += strlen("elements = { ");
	size_t n = 0;
	for (; el < end && *el != '}' && n + 1 < sizeof(buf); el++)
		if (*el != '\n' && *el != '\t' && !(*el == ' ' && (el[-1] == ' ' || el[-1] == '\t')))
			buf[n++] = *el;
	while (n > 0 && buf[n - 1] == ' ')
		n--;
	buf[n] = '\0';
	return buf;
}

static void test_sets(void **state)
{
	(void)state;
	struct cli_run r = run("tests/fixtures/export/host.conf", "nftables");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.err, "");
	/* 7100-7199 and 7150-7250 overlap. */
	/* 7001 and 7002 are adjacent; of the permit ranges, only the trusted
	 * 6000-6099 is accepted. */
	assert_string_equal(elements(r.out, "tcp_ipv4"), "6000-6099,7001-7002");
	assert_non_null(strstr(r.out, "#   windows rpc-dynamic: tcp 5000-5099 (permit range, not trusted: not listed)\n"));
	assert_non_null(strstr(r.out, "#   windows dcom: tcp 6000-6099 (trusted permit range; IPv4 peers)\n"));
	assert_string_equal(elements(r.out, "udp_ipv4"), "7100-7250,7800");
	assert_string_equal(elements(r.out, "tcp_ipv6"), "7700");
	assert_string_equal(elements(r.out, "udp_ipv6"), "7800");
	assert_string_equal(elements(r.out, "tcp_ipv4_bound"), "192.0.2.7 . 7400");
	assert_string_equal(elements(r.out, "udp_ipv4_bound"), "192.0.2.7 . 7401");
	assert_string_equal(elements(r.out, "tcp_ipv6_bound"), "2001:db8::1 . 7600");
	assert_string_equal(elements(r.out, "udp_ipv6_bound"), "");
	assert_string_equal(elements(r.out, "tcp_local"), "7500");
	assert_string_equal(elements(r.out, "udp_local"), "");
	/* The connect rule opens nothing; the port without a number is named. */
	assert_null(strstr(r.out, "7300"));
	assert_non_null(strstr(r.out, "#   plain picked: tcp - (no number: not listed)\n"));
	assert_non_null(strstr(r.out, "#   plain mds: tcp 7500 (local peers: loopback only)\n"));
	/* A table of its own, one chain, no hook, no policy. */
	assert_non_null(strstr(r.out, "\ntable inet portcomply {\n"));
	assert_non_null(strstr(r.out, "\tchain allow {\n\t\tmeta nfproto ipv4 tcp dport @tcp_ipv4 accept\n"));
	assert_null(strstr(r.out, "\ttype filter hook"));
	assert_null(strstr(r.out, "\tpolicy"));
	cli_run_free(&r);
}

static void test_bad_input(void **state)
{
	(void)state;
	struct cli_run r = run("tests/fixtures/config/bad-side-value.conf", "nftables");
	assert_int_equal(r.status, 2);
	assert_string_equal(r.out, "");
	assert_non_null(strstr(r.err, "bad-side-value.conf:"));
	cli_run_free(&r);

	r = run("tests/fixtures/export/host.conf", "iptables");
	assert_int_equal(r.status, 1);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err, "command line: --export iptables: the one format is nftables\n");
	cli_run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sets),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests_name("cli_export", tests, NULL, NULL);
}
