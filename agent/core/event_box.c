/* SPDX-License-Identifier: ISC */
#include "core/event_box.h"

#include <stdlib.h>
#include <string.h>

void pc_event_box_init(struct pc_event_box *box, size_t unexpected_limit)
{
	memset(box, 0, sizeof(*box));
	box->unexpected_limit = unexpected_limit > 0 ? unexpected_limit : PC_EVENT_BOX_UNEXPECTED;
}

static bool same_expectation(const struct pc_event *a, const struct pc_event *b)
{
	return a->role_index == b->role_index && a->rule_index == b->rule_index &&
	       a->member == b->member;
}

static int put_expectation(struct pc_event_box *box, const struct pc_event *event)
{
	/* Its latest state replaces the one waiting and moves to the end, where
	 * the order of the latest changes puts it. */
	for (size_t i = 0; i < box->n_expect; i++) {
		if (!same_expectation(&box->expect[i], event))
			continue;
		memmove(&box->expect[i], &box->expect[i + 1],
			(box->n_expect - i - 1) * sizeof(*box->expect));
		box->expect[box->n_expect - 1] = *event;
		box->folded++;
		return 0;
	}
	if (box->n_expect == box->cap_expect) {
		size_t cap = box->cap_expect ? box->cap_expect * 2 : 16;
		struct pc_event *grown = realloc(box->expect, cap * sizeof(*grown));
		if (grown == NULL) {
			box->lost++;
			return -1;
		}
		box->expect = grown;
		box->cap_expect = cap;
	}
	box->expect[box->n_expect++] = *event;
	return 0;
}

static void put_unexpected(struct pc_event_box *box, const struct pc_event *event)
{
	if (box->unexpected == NULL && box->n_unexpected < box->unexpected_limit)
		box->unexpected = malloc(box->unexpected_limit * sizeof(*box->unexpected));
	if (box->unexpected == NULL || box->n_unexpected == box->unexpected_limit) {
		box->coalesced++;
		return;
	}
	box->unexpected[box->n_unexpected++] = *event;
}

int pc_event_box_put(struct pc_event_box *box, const struct pc_event *event)
{
	switch (event->type) {
	case PC_EVENT_COMPLIANCE:
		if (box->has_compliance) {
			/* Receivers still believe what the waiting change left
			 * from: back there, nothing changed for them. */
			enum pc_compliance told = box->compliance.previous;
			box->compliance = *event;
			box->compliance.previous = told;
			box->has_compliance = told != event->current;
		} else {
			box->compliance = *event;
			box->has_compliance = true;
		}
		return 0;
	case PC_EVENT_DISCOVERY:
		if (box->has_discovery) {
			/* as for compliance: told from what the waiting one left */
			enum pc_discover_verdict told = box->discovery.verdict_previous;
			box->discovery = *event;
			box->discovery.verdict_previous = told;
			box->has_discovery = told != event->verdict;
		} else {
			box->discovery = *event;
			box->has_discovery = true;
		}
		return 0;
	case PC_EVENT_UNEXPECTED:
		put_unexpected(box, event);
		return 0;
	case PC_EVENT_SUMMARY: /* notify's own, never the poller's */
		return 0;
	case PC_EVENT_MISSING:
	case PC_EVENT_RESTORED:
		return put_expectation(box, event);
	}
	return put_expectation(box, event); /* not an event type: each has its case above */
}

bool pc_event_box_empty(const struct pc_event_box *box)
{
	return !box->has_compliance && !box->has_discovery && box->n_expect == 0 && box->n_unexpected == 0 &&
	       box->coalesced == 0 && box->folded == 0 && box->lost == 0;
}

void pc_event_box_move(struct pc_event_box *box, struct pc_event_box *out)
{
	pc_event_box_clear(out);
	*out = *box;
	pc_event_box_init(box, out->unexpected_limit);
}

size_t pc_event_box_count(const struct pc_event_box *box)
{
	return (box->has_compliance ? 1 : 0) + (box->has_discovery ? 1 : 0) + box->n_expect +
	       box->n_unexpected;
}

const struct pc_event *pc_event_box_at(const struct pc_event_box *box, size_t i)
{
	if (box->has_compliance) {
		if (i == 0)
			return &box->compliance;
		i--;
	}
	if (box->has_discovery) {
		if (i == 0)
			return &box->discovery;
		i--;
	}
	if (i < box->n_expect)
		return &box->expect[i];
	i -= box->n_expect;
	return i < box->n_unexpected ? &box->unexpected[i] : NULL;
}

void pc_event_box_clear(struct pc_event_box *box)
{
	size_t limit = box->unexpected_limit;
	free(box->expect);
	free(box->unexpected);
	pc_event_box_init(box, limit);
}
