/* SPDX-License-Identifier: ISC */
/* The published discovery verdict and its event (discover_verdict.h). */
#include "core/discover_verdict.h"

#include <string.h>

void pc_discover_hold_init(struct pc_discover_hold *hold)
{
	memset(hold, 0, sizeof(*hold));
	hold->published = PC_DISCOVER_OFF;
}

bool pc_discover_hold_step(struct pc_discover_hold *hold, enum pc_discover_verdict seen,
			   unsigned hold_down, enum pc_discover_verdict *previous)
{
	if (hold->published == PC_DISCOVER_OFF) /* just turned on: nothing confirmed yet */
		hold->published = PC_DISCOVER_UNKNOWN;
	hold->polls = seen == hold->seen ? hold->polls + 1 : 1;
	hold->seen = seen;
	if (hold->polls < (hold_down ? hold_down : 1) || seen == hold->published)
		return false;
	*previous = hold->published;
	hold->published = seen;
	return true;
}

bool pc_discover_hold_off(struct pc_discover_hold *hold, enum pc_discover_verdict *previous)
{
	enum pc_discover_verdict was = hold->published;
	pc_discover_hold_init(hold);
	if (was == PC_DISCOVER_OFF || was == PC_DISCOVER_UNKNOWN)
		return false; /* nothing was told */
	*previous = was;
	return true;
}

void pc_discover_event(const struct pc_discovery *d, enum pc_discover_verdict previous,
		       enum pc_discover_verdict current, int64_t now_ms, struct pc_event *out)
{
	memset(out, 0, sizeof(*out));
	out->type = PC_EVENT_DISCOVERY;
	out->when_ms = now_ms;
	out->instance = -1;
	out->verdict = current;
	out->verdict_previous = previous;
	if (d == NULL || current == PC_DISCOVER_OFF)
		return;
	if (d->n_candidates > 0)
		pc_discover_words_of_candidate(&d->candidates[0], &out->best);
	out->configured = d->configured_words;
}
