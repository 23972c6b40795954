/* SPDX-License-Identifier: ISC */
#include "collect/naming_set.h"

#include <stdlib.h>
#include <string.h>

/* LSD radix sort on 11-bit digits, the histograms of all of them read in
 * one pass, the digits every key shares skipped: socket inodes fit 32
 * bits, so three passes where qsort needs 16 rounds of comparisons
 * through a function pointer (1.1 ms a poll at 50,000 listeners with
 * byte digits, 0.5 ms with these). */
#define DIGIT_BITS 11
#define DIGITS ((64 + DIGIT_BITS - 1) / DIGIT_BITS)
#define DIGIT_VALUES (1u << DIGIT_BITS)

static void radix_sort(uint64_t *v, size_t n, uint64_t *tmp)
{
	uint64_t seen_or = 0, seen_and = ~(uint64_t)0;
	for (size_t i = 0; i < n; i++) {
		seen_or |= v[i];
		seen_and &= v[i];
	}
	uint64_t varies = seen_or ^ seen_and; /* the bits that differ among the keys */
	unsigned sorting[DIGITS], n_sorting = 0;
	for (unsigned d = 0; d < DIGITS; d++)
		if (((varies >> (d * DIGIT_BITS)) & (DIGIT_VALUES - 1)) != 0)
			sorting[n_sorting++] = d; /* the others: every key has that digit */
	uint32_t count[DIGITS][DIGIT_VALUES];
	memset(count, 0, n_sorting * sizeof(count[0]));
	for (size_t i = 0; i < n; i++)
		for (unsigned k = 0; k < n_sorting; k++)
			count[k][(v[i] >> (sorting[k] * DIGIT_BITS)) & (DIGIT_VALUES - 1)]++;
	uint64_t *from = v, *to = tmp;
	for (unsigned k = 0; k < n_sorting; k++) {
		unsigned shift = sorting[k] * DIGIT_BITS;
		uint32_t sum = 0;
		for (size_t value = 0; value < DIGIT_VALUES; value++) {
			uint32_t c = count[k][value];
			count[k][value] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			to[count[k][(from[i] >> shift) & (DIGIT_VALUES - 1)]++] = from[i];
		uint64_t *swap = from;
		from = to;
		to = swap;
	}
	if (from != v)
		memcpy(v, from, n * sizeof(*v));
}

size_t pc_naming_sort_inodes(uint64_t *v, size_t n, uint64_t *tmp)
{
	if (n == 0)
		return 0;
	radix_sort(v, n, tmp);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i] != 0 && (k == 0 || v[k - 1] != v[i]))
			v[k++] = v[i];
	return k;
}

bool pc_naming_settled(const struct pc_naming_answer *a)
{
	return a->naming == PC_NAMING_COMPLETE || a->naming == PC_NAMING_NOT_FOUND ||
	       a->naming == PC_NAMING_DENIED;
}

bool pc_naming_same_answer(const struct pc_naming_answer *a, const struct pc_naming_answer *b)
{
	if (a->naming != b->naming || a->n_holders != b->n_holders)
		return false;
	for (uint8_t h = 0; h < a->n_holders; h++)
		if (a->holders[h].pid != b->holders[h].pid ||
		    strcmp(a->holders[h].process, b->holders[h].process) != 0)
			return false;
	return true;
}

static int cmp_pid(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

static bool holds_one_of(const struct pc_naming_answer *a, const int32_t *pids, size_t n)
{
	for (uint8_t h = 0; h < a->n_holders; h++)
		if (bsearch(&a->holders[h].pid, pids, n, sizeof(*pids), cmp_pid) != NULL)
			return true;
	return false;
}

size_t pc_naming_choose(const uint64_t *all, size_t n_all, const uint64_t *known,
			const struct pc_naming_answer *answers, size_t n_known, const int32_t *dead,
			size_t n_dead, size_t rotation, size_t *cursor, uint64_t *out)
{
	if (n_all == 0)
		return 0;
	size_t begin = *cursor % n_all;
	size_t share = rotation < n_all ? rotation : n_all;
	size_t k = 0, j = 0;
	for (size_t i = 0; i < n_all; i++) {
		while (j < n_known && known[j] < all[i])
			j++;
		const struct pc_naming_answer *a =
			j < n_known && known[j] == all[i] ? &answers[j] : NULL;
		bool rotating = (i + n_all - begin) % n_all < share;
		if (a == NULL || rotating || !pc_naming_settled(a) ||
		    (n_dead > 0 && holds_one_of(a, dead, n_dead)))
			out[k++] = all[i];
	}
	*cursor = (begin + share) % n_all;
	return k;
}

static struct pc_naming_answer pending(uint64_t inode)
{
	return (struct pc_naming_answer){ .inode = inode, .naming = PC_NAMING_PENDING };
}

bool pc_naming_merge(const uint64_t *all, size_t n_all, const uint64_t *known,
		     const struct pc_naming_answer *answers, size_t n_known, const uint64_t *asked,
		     const struct pc_naming_answer *got, size_t n_got, struct pc_naming_answer *out)
{
	bool changed = false;
	size_t j = 0, g = 0;
	for (size_t i = 0; i < n_all;) {
		while (j < n_known && known[j] < all[i])
			j++;
		bool have = j < n_known && known[j] == all[i];
		while (g < n_got && asked[g] < all[i])
			g++;
		if (g < n_got && asked[g] == all[i]) {
			out[i] = got[g];
			changed = changed || !have || !pc_naming_same_answer(&answers[j], &got[g]);
			i++;
			continue;
		}
		if (!have) {
			out[i] = pending(all[i]);
			i++;
			continue;
		}
		/* A run of inodes kept as they were: one copy for all of it. */
		size_t run = 1;
		while (i + run < n_all && j + run < n_known && known[j + run] == all[i + run] &&
		       (g >= n_got || asked[g] > all[i + run]))
			run++;
		memcpy(&out[i], &answers[j], run * sizeof(*out));
		i += run;
		j += run;
	}
	return changed;
}

bool pc_naming_update(const uint64_t *known, struct pc_naming_answer *answers, size_t n_known,
		      const uint64_t *asked, const struct pc_naming_answer *got, size_t n_got)
{
	bool changed = false;
	size_t j = 0;
	for (size_t g = 0; g < n_got; g++) {
		while (j < n_known && known[j] < asked[g])
			j++;
		if (j == n_known || known[j] != asked[g])
			continue; /* not one of them: the caller checked, never happens */
		if (!pc_naming_same_answer(&answers[j], &got[g])) {
			answers[j] = got[g];
			changed = true;
		}
	}
	return changed;
}

void pc_naming_add_pids(int32_t *pids, size_t *n_pids, const struct pc_naming_answer *a,
			size_t n)
{
	size_t k = *n_pids;
	for (size_t i = 0; i < n; i++)
		for (uint8_t h = 0; h < a[i].n_holders; h++)
			pids[k++] = a[i].holders[h].pid;
	if (k == *n_pids)
		return;
	qsort(pids, k, sizeof(*pids), cmp_pid);
	size_t unique = 0;
	for (size_t i = 0; i < k; i++)
		if (unique == 0 || pids[unique - 1] != pids[i])
			pids[unique++] = pids[i];
	*n_pids = unique;
}
