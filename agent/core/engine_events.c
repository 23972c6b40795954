/* SPDX-License-Identifier: ISC */
/* The evaluation's events, in the order its steps raise them: each step
 * appends here, none reaches into another's array. */
#include "core/engine_internal.h"

#include <stdlib.h>

int pc_engine_add_event(struct pc_engine_context *cx, const struct pc_event *event)
{
	struct pc_evaluation *out = cx->out;
	if (out->n_events == cx->cap_events) {
		size_t cap = cx->cap_events ? cx->cap_events * 2 : 16;
		struct pc_event *events = realloc(out->events, cap * sizeof(*events));
		if (events == NULL)
			return -1;
		out->events = events;
		cx->cap_events = cap;
	}
	out->events[out->n_events++] = *event;
	return 0;
}
