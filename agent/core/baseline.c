/* SPDX-License-Identifier: ISC */
#include "core/baseline.h"

#include <stdlib.h>
#include <string.h>

#include "core/status.h"

void pc_baseline_init(struct pc_baseline *b)
{
	memset(b, 0, sizeof(*b));
	b->max = PC_BASELINE_MAX;
}

void pc_baseline_free(struct pc_baseline *b)
{
	free(b->entries);
	pc_baseline_init(b);
}

static int reserve(struct pc_baseline *b, size_t more)
{
	if (b->n + more <= b->cap)
		return 0;
	size_t cap = b->cap == 0 ? 64 : b->cap;
	while (cap < b->n + more)
		cap *= 2;
	struct pc_baseline_entry *p = realloc(b->entries, cap * sizeof(*p));
	if (p == NULL)
		return -1;
	b->entries = p;
	b->cap = cap;
	return 0;
}

static void set_process(struct pc_baseline_entry *e, const char *process)
{
	size_t len = strlen(process);
	if (len >= sizeof(e->process))
		len = sizeof(e->process) - 1;
	memcpy(e->process, process, len);
	e->process[len] = '\0';
}

int pc_baseline_add(struct pc_baseline *b, const struct pc_endpoint *local, uint32_t uid,
		    const char *process)
{
	if (reserve(b, 1) < 0)
		return -1;
	struct pc_baseline_entry *e = &b->entries[b->n++];
	memset(e, 0, sizeof(*e));
	e->local = *local;
	e->uid = uid;
	set_process(e, process);
	e->seen = ++b->pass;
	return 0;
}

/* By endpoint, the most recently seen first among equals. */
static int cmp_endpoint(const void *x, const void *y)
{
	const struct pc_baseline_entry *a = x, *b = y;
	int c = pc_endpoint_cmp(&a->local, &b->local);
	if (c != 0)
		return c;
	return (a->seen < b->seen) - (a->seen > b->seen);
}

/* The least recently seen first; the endpoint orders equals, so that the
 * order does not depend on qsort. */
static int cmp_age(const void *x, const void *y)
{
	const struct pc_baseline_entry *a = *(const struct pc_baseline_entry *const *)x;
	const struct pc_baseline_entry *b = *(const struct pc_baseline_entry *const *)y;
	if (a->seen != b->seen)
		return a->seen < b->seen ? -1 : 1;
	return pc_endpoint_cmp(&a->local, &b->local);
}

static int cmp_entry_age(const void *x, const void *y)
{
	const struct pc_baseline_entry *a = x, *b = y;
	return cmp_age(&a, &b);
}

static void swap_u64(uint64_t *a, uint64_t *b)
{
	uint64_t t = *a;
	*a = *b;
	*b = t;
}

/* The k-th smallest (from 0) of v[0..n), v reordered: quickselect with a
 * three-way partition (many entries share a pass) around the median of
 * three. */
static uint64_t kth_smallest(uint64_t *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n; /* the answer is in v[lo..hi) */
	while (hi - lo > 1) {
		uint64_t a = v[lo], b = v[lo + (hi - lo) / 2], c = v[hi - 1];
		uint64_t pivot = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
		size_t lt = lo, i = lo, gt = hi; /* < pivot, == pivot, > pivot */
		while (i < gt) {
			if (v[i] < pivot)
				swap_u64(&v[lt++], &v[i++]);
			else if (v[i] > pivot)
				swap_u64(&v[i], &v[--gt]);
			else
				i++;
		}
		if (k < lt)
			hi = lt;
		else if (k >= gt)
			lo = gt;
		else
			return pivot;
	}
	return v[lo];
}

/* Over max: the least recently seen go, the lowest endpoints first among
 * those seen as long ago (the order of cmp_age). The entries are sorted
 * by endpoint, so that order is (seen, position): the cut is found by
 * selection and the survivors keep their order, without a sort. */
static void forget_oldest(struct pc_baseline *b)
{
	if (b->n <= b->max)
		return;
	size_t drop = b->n - b->max;
	uint64_t *seen = malloc(b->n * sizeof(*seen));
	size_t kept = 0;
	if (seen == NULL) { /* the sorts need no memory */
		qsort(b->entries, b->n, sizeof(*b->entries), cmp_entry_age);
		memmove(b->entries, b->entries + drop, b->max * sizeof(*b->entries));
		b->n = b->max;
		b->changed = true;
		qsort(b->entries, b->n, sizeof(*b->entries), cmp_endpoint);
		return;
	}
	for (size_t i = 0; i < b->n; i++)
		seen[i] = b->entries[i].seen;
	/* The last entry to go was seen at cut; all seen before go, and of
	 * those seen at cut, the first ones until drop are reached. */
	uint64_t cut = kth_smallest(seen, b->n, drop - 1);
	size_t before = 0;
	for (size_t i = 0; i < b->n; i++)
		before += b->entries[i].seen < cut;
	size_t at_cut = drop - before;
	for (size_t i = 0; i < b->n; i++) {
		const struct pc_baseline_entry *e = &b->entries[i];
		if (e->seen < cut || (e->seen == cut && at_cut > 0 && at_cut--)) {
			if (!e->fresh)
				b->changed = true; /* forgets what it held */
			continue;
		}
		b->entries[kept++] = *e;
	}
	free(seen);
	b->n = kept;
}

void pc_baseline_finish(struct pc_baseline *b)
{
	if (b->n > 1)
		qsort(b->entries, b->n, sizeof(*b->entries), cmp_endpoint);
	size_t out = 0;
	for (size_t i = 0; i < b->n; i++) {
		if (out > 0 && pc_endpoint_cmp(&b->entries[out - 1].local, &b->entries[i].local) == 0)
			continue; /* an older identity of the same endpoint */
		b->entries[out++] = b->entries[i];
	}
	b->n = out;
	forget_oldest(b);
}

/* In entries[0..n), sorted by endpoint. */
static struct pc_baseline_entry *find_in(struct pc_baseline_entry *entries, size_t n,
					 const struct pc_endpoint *local)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = pc_endpoint_cmp(&entries[mid].local, local);
		if (c == 0)
			return &entries[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct pc_baseline_entry *pc_baseline_find(const struct pc_baseline *b,
						 const struct pc_endpoint *local)
{
	return find_in(b->entries, b->n, local);
}

bool pc_baseline_knows(const struct pc_baseline *b, const struct pc_listener *l, bool by_process)
{
	const struct pc_baseline_entry *e = pc_baseline_find(b, &l->local);
	if (e == NULL || e->uid != l->uid)
		return false;
	if (!by_process)
		return true;
	/* An unknown name does not show the same program. */
	return l->process[0] != '\0' && strncmp(e->process, l->process, PC_PROCESS_MAX) == 0;
}

/* entries[0..sorted) and the new ones after them are each in endpoint
 * order (the new ones came in the snapshot's): one merge puts them all in
 * order. -1 when out of memory (nothing moved). */
static int merge_new(struct pc_baseline *b, size_t sorted)
{
	size_t n_new = b->n - sorted;
	struct pc_baseline_entry *fresh = malloc(n_new * sizeof(*fresh));
	if (fresh == NULL)
		return -1;
	memcpy(fresh, b->entries + sorted, n_new * sizeof(*fresh));
	/* From the end: the old run moves up into room the new one left. */
	size_t i = sorted, j = n_new, out = b->n;
	while (j > 0) {
		if (i > 0 && pc_endpoint_cmp(&b->entries[i - 1].local, &fresh[j - 1].local) > 0)
			b->entries[--out] = b->entries[--i];
		else
			b->entries[--out] = fresh[--j];
	}
	free(fresh);
	return 0;
}

int pc_baseline_record(struct pc_baseline *b, const struct pc_snapshot *snap,
		       const struct pc_evaluation *eval)
{
	/* Both are sorted by endpoint: one walk through each. New endpoints go
	 * after the sorted part, in the snapshot's order, then both runs are
	 * merged (a snapshot holds each endpoint once). */
	size_t n = snap->n_listeners < eval->n_listeners ? snap->n_listeners : eval->n_listeners;
	/* A poll that records max listeners or more keeps exactly its max
	 * highest endpoints (all seen now, and the cut takes the lowest of
	 * those seen as recently): the lower ones need not be added only to be
	 * cut again, 33,000 entries a poll on a host of 50,000 listeners. */
	size_t first = 0, settled = 0;
	for (size_t i = n; i-- > 0 && b->max > 0;) {
		const struct pc_listener_result *r = &eval->listeners[i];
		if (!(pc_listener_class_is_unexpected(r->class) && !r->announced) &&
		    ++settled == b->max) {
			first = i;
			break;
		}
	}
	if (reserve(b, n - first) < 0)
		return -1;
	size_t sorted = b->n, j = 0;
	b->pass++;
	for (size_t i = first; i < n; i++) {
		const struct pc_listener *l = &snap->listeners[i];
		const struct pc_listener_result *r = &eval->listeners[i];
		if (pc_listener_class_is_unexpected(r->class) && !r->announced)
			continue; /* still waiting for its process name: not settled */
		/* c: how the entry at j compares with l, once per step. */
		int c = 1;
		while (j < sorted && (c = pc_endpoint_cmp(&b->entries[j].local, &l->local)) < 0)
			j++;
		struct pc_baseline_entry *e = j < sorted && c == 0 ? &b->entries[j] : NULL;
		if (e == NULL) {
			e = &b->entries[b->n++];
			memset(e, 0, sizeof(*e));
			e->local = l->local;
			e->uid = l->uid;
			set_process(e, l->process);
			e->fresh = true; /* a change if it is still there after the cut */
		} else if (e->uid != l->uid) {
			e->uid = l->uid;
			set_process(e, l->process);
			b->changed = true;
		} else if (l->process[0] != '\0' && strncmp(e->process, l->process, PC_PROCESS_MAX) != 0) {
			set_process(e, l->process); /* named now, or another program */
			b->changed = true;
		}
		e->seen = b->pass;
	}
	bool added = b->n > sorted;
	if (added && merge_new(b, sorted) < 0)
		qsort(b->entries, b->n, sizeof(*b->entries), cmp_endpoint);
	forget_oldest(b);
	for (size_t i = 0; added && i < b->n; i++) {
		if (b->entries[i].fresh)
			b->changed = true;
		b->entries[i].fresh = false;
	}
	return 0;
}

const struct pc_baseline_entry **pc_baseline_by_age(const struct pc_baseline *b)
{
	const struct pc_baseline_entry **by_age = malloc((b->n + 1) * sizeof(*by_age));
	if (by_age == NULL)
		return NULL;
	for (size_t i = 0; i < b->n; i++)
		by_age[i] = &b->entries[i];
	if (b->n > 1)
		qsort(by_age, b->n, sizeof(*by_age), cmp_age);
	return by_age;
}
