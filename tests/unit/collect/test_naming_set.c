/* SPDX-License-Identifier: ISC */
/* naming_set.c: what a partial naming pass asks about and how its answers
 * join the others. The sort gives what qsort gives (zeros and repeats
 * dropped, inodes beyond 32 bits too); a pass asks about every listener
 * never answered, every answer not settled, every one naming a gone
 * process, and a rotating share that reaches each listener in turn; the
 * answers not asked about are kept as they were, and only a new or
 * different answer counts as a change. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "collect/naming_set.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static void test_sort_matches_qsort(void **state)
{
	(void)state;
	enum { N = 5000 };
	uint64_t *v = malloc(N * sizeof(*v)), *ref = malloc(N * sizeof(*ref)),
		 *tmp = malloc(N * sizeof(*tmp));
	assert_non_null(v);
	assert_non_null(ref);
	assert_non_null(tmp);
	srand(7);
	for (int round = 0; round < 3; round++) {
		for (size_t i = 0; i < N; i++) {
			uint64_t x = (uint64_t)rand() % 3000; /* repeats */
			if (round == 1)
				x |= (uint64_t)(rand() % 4) << 40; /* beyond 32 bits */
			if (round == 2 && i % 10 == 0)
				x = 0; /* sockets without a file */
			v[i] = ref[i] = x;
		}
		qsort(ref, N, sizeof(*ref), cmp_u64);
		size_t k = 0;
		for (size_t i = 0; i < N; i++)
			if (ref[i] != 0 && (k == 0 || ref[k - 1] != ref[i]))
				ref[k++] = ref[i];
		size_t n = pc_naming_sort_inodes(v, N, tmp);
		assert_int_equal(n, k);
		assert_memory_equal(v, ref, k * sizeof(*v));
	}
	uint64_t one = 42;
	assert_int_equal(pc_naming_sort_inodes(&one, 1, tmp), 1);
	assert_int_equal(pc_naming_sort_inodes(NULL, 0, tmp), 0);
	free(v);
	free(ref);
	free(tmp);
}

static struct pc_naming_answer held(uint64_t inode, int32_t pid, const char *process)
{
	struct pc_naming_answer a = { .inode = inode, .naming = PC_NAMING_COMPLETE, .n_holders = 1 };
	a.holders[0].pid = pid;
	strncpy(a.holders[0].process, process, sizeof(a.holders[0].process) - 1);
	return a;
}

static struct pc_naming_answer naming(uint64_t inode, enum pc_naming n)
{
	return (struct pc_naming_answer){ .inode = inode, .naming = (uint8_t)n };
}

static void test_choose_asks_what_needs_it(void **state)
{
	(void)state;
	const uint64_t known[] = { 10, 20, 30, 40, 50, 60 };
	const struct pc_naming_answer answers[] = {
		held(10, 100, "sshd"),
		naming(20, PC_NAMING_PENDING),
		held(30, 300, "nginx"),
		naming(40, PC_NAMING_NOT_FOUND),
		naming(50, PC_NAMING_PARTIAL),
		held(60, 600, "dnsd"),
	};
	/* 15 is new; 60 is gone from the listeners; 300 died. */
	const uint64_t all[] = { 10, 15, 20, 30, 40, 50 };
	const int32_t dead[] = { 300 };
	uint64_t out[6];
	size_t cursor = 0;
	/* A rotation of one, at the start: 10 rotates. */
	size_t n = pc_naming_choose(all, 6, known, answers, 6, dead, 1, 1, &cursor, out);
	const uint64_t expect[] = { 10, 15, 20, 30, 50 };
	assert_int_equal(n, 5);
	assert_memory_equal(out, expect, sizeof(expect));
	assert_int_equal(cursor, 1);

	/* Nobody dead: 30 and 40 settled, and the rotation is at 15. */
	n = pc_naming_choose(all, 6, known, answers, 6, NULL, 0, 1, &cursor, out);
	const uint64_t expect2[] = { 15, 20, 50 };
	assert_int_equal(n, 3);
	assert_memory_equal(out, expect2, sizeof(expect2));
}

/* Every listener is asked about within ceil(n / rotation) passes,
 * wherever the cursor starts and however the listeners change. */
static void test_rotation_reaches_every_listener(void **state)
{
	(void)state;
	enum { N = 100 };
	uint64_t known[N], out[N];
	struct pc_naming_answer answers[N];
	for (size_t i = 0; i < N; i++) {
		known[i] = 1000 + i;
		answers[i] = held(known[i], 7, "svc");
	}
	size_t cursor = 93;
	int asked[N] = { 0 };
	for (int pass = 0; pass < 15; pass++) { /* ceil(100 / 7) */
		size_t n = pc_naming_choose(known, N, known, answers, N, NULL, 0, 7, &cursor, out);
		assert_int_equal(n, 7);
		for (size_t i = 0; i < n; i++)
			asked[out[i] - 1000]++;
	}
	for (size_t i = 0; i < N; i++)
		if (asked[i] == 0)
			fail_msg("inode %zu never asked about in 15 passes", 1000 + i);
	/* Fewer listeners than the cursor: it wraps. */
	cursor = 500;
	size_t n = pc_naming_choose(known, 3, known, answers, 3, NULL, 0, 7, &cursor, out);
	assert_int_equal(n, 3);
}

static void test_merge_keeps_what_was_not_asked(void **state)
{
	(void)state;
	const uint64_t known[] = { 10, 20, 30, 40 };
	const struct pc_naming_answer answers[] = {
		held(10, 100, "sshd"),
		held(20, 200, "nginx"),
		held(30, 300, "dnsd"),
		naming(40, PC_NAMING_PENDING),
	};
	/* 20 is gone; 25 is new and was asked about; 35 is new and was not
	 * (the pass was chosen before it came); 40 was asked about again. */
	const uint64_t all[] = { 10, 25, 30, 35, 40 };
	const uint64_t asked[] = { 25, 40 };
	const struct pc_naming_answer got[] = { held(25, 250, "ftpd"), held(40, 400, "ntpd") };
	struct pc_naming_answer out[5];
	assert_true(pc_naming_merge(all, 5, known, answers, 4, asked, got, 2, out));
	assert_int_equal(out[0].holders[0].pid, 100);
	assert_int_equal(out[1].holders[0].pid, 250);
	assert_int_equal(out[2].holders[0].pid, 300);
	assert_int_equal(out[3].inode, 35);
	assert_int_equal(out[3].naming, PC_NAMING_PENDING);
	assert_int_equal(out[4].holders[0].pid, 400);

	/* The same answers again: no change, though the listeners changed. */
	const struct pc_naming_answer same[] = { held(10, 100, "sshd") };
	const uint64_t asked_same[] = { 10 };
	assert_false(pc_naming_merge(all, 5, known, answers, 4, asked_same, same, 1, out));
	assert_int_equal(out[1].naming, PC_NAMING_PENDING); /* 25: not known, not asked */
}

static void test_update_in_place(void **state)
{
	(void)state;
	const uint64_t known[] = { 10, 20, 30 };
	struct pc_naming_answer answers[] = {
		held(10, 100, "sshd"),
		naming(20, PC_NAMING_PENDING),
		held(30, 300, "dnsd"),
	};
	const uint64_t asked[] = { 20, 30 };
	struct pc_naming_answer got[] = { held(20, 200, "nginx"), held(30, 300, "dnsd") };
	assert_true(pc_naming_update(known, answers, 3, asked, got, 2));
	assert_int_equal(answers[1].holders[0].pid, 200);
	assert_false(pc_naming_update(known, answers, 3, asked, got, 2));
	/* A process name that changed is a change. */
	strcpy(got[1].holders[0].process, "dnsd2");
	assert_true(pc_naming_update(known, answers, 3, asked, got, 2));
	assert_string_equal(answers[2].holders[0].process, "dnsd2");
	assert_int_equal(answers[0].holders[0].pid, 100);
}

static void test_holder_pids(void **state)
{
	(void)state;
	int32_t pids[16] = { 5, 300 };
	size_t n = 2;
	struct pc_naming_answer a[] = { held(1, 300, "x"), held(2, 7, "y"), naming(3, PC_NAMING_PENDING) };
	a[1].n_holders = 2;
	a[1].holders[1].pid = 5;
	pc_naming_add_pids(pids, &n, a, 3);
	const int32_t expect[] = { 5, 7, 300 };
	assert_int_equal(n, 3);
	assert_memory_equal(pids, expect, sizeof(expect));
}

static void test_settled(void **state)
{
	(void)state;
	struct pc_naming_answer a = held(1, 2, "x");
	assert_true(pc_naming_settled(&a));
	const enum pc_naming settled[] = { PC_NAMING_NOT_FOUND, PC_NAMING_DENIED };
	for (size_t i = 0; i < 2; i++) {
		a = naming(1, settled[i]);
		assert_true(pc_naming_settled(&a));
	}
	const enum pc_naming open[] = { PC_NAMING_UNSET, PC_NAMING_PARTIAL, PC_NAMING_PENDING,
					PC_NAMING_UNAVAILABLE, PC_NAMING_OFF };
	for (size_t i = 0; i < 5; i++) {
		a = naming(1, open[i]);
		assert_false(pc_naming_settled(&a));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sort_matches_qsort),
		cmocka_unit_test(test_choose_asks_what_needs_it),
		cmocka_unit_test(test_rotation_reaches_every_listener),
		cmocka_unit_test(test_merge_keeps_what_was_not_asked),
		cmocka_unit_test(test_update_in_place),
		cmocka_unit_test(test_holder_pids),
		cmocka_unit_test(test_settled),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
