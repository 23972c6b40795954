/* SPDX-License-Identifier: ISC */
/* links.c: the rtnetlink parser on dumps recorded from a namespace with a
 * known mix (tests/fixtures/collect/record-links.sh), and on buffers cut
 * short the way a hostile or broken reply could be. Each buffer is an
 * exactly sized heap copy, so that ASan and valgrind see a read past it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collect_internal.h"
#include "core/snapshot.h"

#define FIXTURES "tests/fixtures/collect/links/"

static uint8_t *read_fixture(const char *name, size_t *len)
{
	char path[256];
	snprintf(path, sizeof(path), FIXTURES "%s", name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	uint8_t *buf = malloc(65536);
	assert_non_null(buf);
	*len = fread(buf, 1, 65536, f);
	fclose(f);
	assert_true(*len > 0);
	uint8_t *exact = malloc(*len);
	assert_non_null(exact);
	memcpy(exact, buf, *len);
	free(buf);
	return exact;
}

static enum pc_dump_status parse(const void *buf, size_t len, uint32_t seq,
				 struct pc_snapshot *snap)
{
	int kernel_errno = 0;
	enum pc_dump_status s = pc_links_parse(buf, len, seq, snap, &kernel_errno);
	assert_int_equal(kernel_errno, 0);
	return s;
}

static void test_recorded_links(void **state)
{
	(void)state;
	size_t len;
	uint8_t *buf = read_fixture("link.bin", &len);
	struct pc_snapshot snap = { 0 };
	assert_int_equal(parse(buf, len, 2, &snap), PC_DUMP_DONE);
	pc_snapshot_finish(&snap);
	assert_int_equal(snap.errors, 0);
	/* lo, pc-veth0 (up) and pc-veth1 (down) */
	assert_int_equal(snap.n_interfaces, 3);
	const struct pc_interface *lo = pc_snapshot_find_interface(&snap, 1);
	assert_non_null(lo);
	assert_string_equal(lo->name, "lo");
	assert_true(lo->loopback);
	size_t up = 0;
	for (size_t i = 0; i < snap.n_interfaces; i++)
		up += snap.interfaces[i].up;
	assert_int_equal(up, 2);
	pc_snapshot_clear(&snap);
	free(buf);
}

static void test_recorded_addresses(void **state)
{
	(void)state;
	size_t len;
	uint8_t *buf = read_fixture("addr.bin", &len);
	struct pc_snapshot snap = { 0 };
	assert_int_equal(parse(buf, len, 3, &snap), PC_DUMP_DONE);
	pc_snapshot_finish(&snap);
	assert_int_equal(snap.errors, 0);
	assert_int_equal(snap.n_addresses, 6);
	snap.interfaces_known = true; /* as the collector says after both dumps */
	uint8_t a[16] = { 0 };
	assert_int_equal(inet_pton(AF_INET, "192.0.2.10", a), 1);
	assert_true(pc_snapshot_has_address(&snap, PC_INET_IPV4, a));
	/* a point-to-point address is this end's (IFA_LOCAL), not the peer's */
	memset(a, 0, sizeof(a));
	assert_int_equal(inet_pton(AF_INET, "198.51.100.1", a), 1);
	assert_true(pc_snapshot_has_address(&snap, PC_INET_IPV4, a));
	memset(a, 0, sizeof(a));
	assert_int_equal(inet_pton(AF_INET, "198.51.100.2", a), 1);
	assert_false(pc_snapshot_has_address(&snap, PC_INET_IPV4, a));
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::10", a), 1);
	assert_true(pc_snapshot_has_address(&snap, PC_INET_IPV6, a));
	pc_snapshot_clear(&snap);
	free(buf);
}

/* A last message whose length is not a multiple of 4 and whose padding is
 * missing from the buffer: libmnl walks attributes up to the padded end,
 * so the parser must refuse the message rather than hand it on (found by
 * fuzz_rtnetlink; the input is kept in tests/fixtures/fuzz/rtnetlink). */
static void test_unpadded_last_message(void **state)
{
	(void)state;
	size_t len;
	uint8_t *recorded = read_fixture("addr.bin", &len);
	/* the first address message, its IFA_LOCAL/IFA_ADDRESS last, cut by 2 */
	const struct nlmsghdr *first = (const struct nlmsghdr *)recorded;
	size_t cut = first->nlmsg_len - 2;
	uint8_t *buf = malloc(cut);
	assert_non_null(buf);
	memcpy(buf, recorded, cut);
	((struct nlmsghdr *)buf)->nlmsg_len = (uint32_t)cut;
	struct pc_snapshot snap = { 0 };
	assert_int_equal(parse(buf, cut, 0, &snap), PC_DUMP_MORE);
	assert_int_equal(snap.errors, 1);
	assert_int_equal(snap.n_addresses, 0);
	pc_snapshot_clear(&snap);
	free(buf);

	uint8_t *found = read_fixture("../../fuzz/rtnetlink/unpadded-last-message-address", &len);
	snap = (struct pc_snapshot){ 0 };
	assert_int_equal(parse(found, len, 0, &snap), PC_DUMP_MORE);
	assert_true(snap.errors >= 1);
	pc_snapshot_clear(&snap);
	free(found);
	free(recorded);
}

/* A length field longer than what is left: nothing after it is trusted. */
static void test_length_past_the_end(void **state)
{
	(void)state;
	size_t len;
	uint8_t *buf = read_fixture("addr.bin", &len);
	((struct nlmsghdr *)buf)->nlmsg_len = (uint32_t)len + 4;
	struct pc_snapshot snap = { 0 };
	assert_int_equal(parse(buf, len, 0, &snap), PC_DUMP_MORE);
	assert_int_equal(snap.errors, 1);
	assert_int_equal(snap.n_addresses, 0);
	pc_snapshot_clear(&snap);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recorded_links),
		cmocka_unit_test(test_recorded_addresses),
		cmocka_unit_test(test_unpadded_last_message),
		cmocka_unit_test(test_length_past_the_end),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
