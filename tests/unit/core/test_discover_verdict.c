/* SPDX-License-Identifier: ISC */
/* The discovery verdict as published and told (discover_verdict.c): the
 * first verdict after a start waits for hold-down polls that agree, as
 * every later one does, unknown meanwhile; each change is told once, the
 * first one too, to unknown never; a search that flickers changes nothing;
 * turning discovery off tells "off" only when a verdict was told; the
 * event carries the best candidate and the configured roles in words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/discover_verdict.h"

#define HOLD_DOWN 3

/* n polls that all conclude `seen`: how many changes they made. */
static int polls(struct pc_discover_hold *h, enum pc_discover_verdict seen, int n,
		 enum pc_discover_verdict *previous)
{
	int changes = 0;
	for (int i = 0; i < n; i++)
		changes += pc_discover_hold_step(h, seen, HOLD_DOWN, previous);
	return changes;
}

static void the_first_verdict_waits_for_hold_down(void **unused)
{
	(void)unused;
	struct pc_discover_hold h;
	enum pc_discover_verdict previous = 0;
	pc_discover_hold_init(&h);
	assert_int_equal(h.published, PC_DISCOVER_OFF);
	assert_int_equal(polls(&h, PC_DISCOVER_DIFFERS, HOLD_DOWN - 1, &previous), 0);
	assert_int_equal(h.published, PC_DISCOVER_UNKNOWN);
	assert_int_equal(polls(&h, PC_DISCOVER_DIFFERS, 1, &previous), 1);
	assert_int_equal(h.published, PC_DISCOVER_DIFFERS);
	assert_int_equal(previous, PC_DISCOVER_UNKNOWN);
	/* Told once: the same verdict again is no change. */
	assert_int_equal(polls(&h, PC_DISCOVER_DIFFERS, 10, &previous), 0);
	/* Back to matches, after hold-down again. */
	assert_int_equal(polls(&h, PC_DISCOVER_MATCHES, HOLD_DOWN - 1, &previous), 0);
	assert_int_equal(h.published, PC_DISCOVER_DIFFERS);
	assert_int_equal(polls(&h, PC_DISCOVER_MATCHES, 1, &previous), 1);
	assert_int_equal(previous, PC_DISCOVER_DIFFERS);
	assert_int_equal(h.published, PC_DISCOVER_MATCHES);

	/* With hold-down 1 (--check), the first poll decides. */
	pc_discover_hold_init(&h);
	assert_true(pc_discover_hold_step(&h, PC_DISCOVER_NO_ROLES, 1, &previous));
	assert_int_equal(h.published, PC_DISCOVER_NO_ROLES);
}

/* A host caught while its services start: the search says differs, then
 * matches, then differs... for fewer polls than hold-down each time. */
static void a_flickering_search_changes_nothing(void **unused)
{
	(void)unused;
	struct pc_discover_hold h;
	enum pc_discover_verdict previous = 0;
	pc_discover_hold_init(&h);
	assert_int_equal(polls(&h, PC_DISCOVER_MATCHES, HOLD_DOWN, &previous), 1);
	for (int round = 0; round < 20; round++) {
		assert_int_equal(polls(&h, PC_DISCOVER_DIFFERS, HOLD_DOWN - 1, &previous), 0);
		assert_int_equal(polls(&h, PC_DISCOVER_MATCHES, 1, &previous), 0);
	}
	assert_int_equal(h.published, PC_DISCOVER_MATCHES);
}

static void turning_off_tells_only_what_was_told(void **unused)
{
	(void)unused;
	struct pc_discover_hold h;
	enum pc_discover_verdict previous = 0;
	pc_discover_hold_init(&h);
	assert_false(pc_discover_hold_off(&h, &previous)); /* never on */
	assert_int_equal(polls(&h, PC_DISCOVER_DIFFERS, 1, &previous), 0);
	assert_false(pc_discover_hold_off(&h, &previous)); /* on, nothing confirmed */
	assert_int_equal(h.published, PC_DISCOVER_OFF);
	assert_int_equal(polls(&h, PC_DISCOVER_DIFFERS, HOLD_DOWN, &previous), 1);
	assert_true(pc_discover_hold_off(&h, &previous));
	assert_int_equal(previous, PC_DISCOVER_DIFFERS);
	assert_int_equal(h.published, PC_DISCOVER_OFF);
	/* On again: unknown until confirmed, then told from unknown. */
	assert_int_equal(polls(&h, PC_DISCOVER_DIFFERS, HOLD_DOWN - 1, &previous), 0);
	assert_int_equal(h.published, PC_DISCOVER_UNKNOWN);
	assert_int_equal(polls(&h, PC_DISCOVER_DIFFERS, 1, &previous), 1);
	assert_int_equal(previous, PC_DISCOVER_UNKNOWN);
}

static void the_event_says_what_was_found(void **unused)
{
	(void)unused;
	struct pc_discover_candidate best = { .n_picks = 1 };
	struct pc_role router = { .name = "icm-router" };
	best.picks[0] = (struct pc_discover_pick){ .role = &router, .instances = 1u << 2,
						   .sides = PC_SIDE_BIT(PC_SIDE_A) };
	struct pc_discovery d = { .candidates = &best, .n_candidates = 1,
				  .verdict = PC_DISCOVER_DIFFERS };
	snprintf(d.configured_words.roles, sizeof(d.configured_words.roles), "icm-router");
	snprintf(d.configured_words.instances, sizeof(d.configured_words.instances), "0");
	struct pc_event e;
	pc_discover_event(&d, PC_DISCOVER_UNKNOWN, PC_DISCOVER_DIFFERS, 1234, &e);
	assert_int_equal(e.type, PC_EVENT_DISCOVERY);
	assert_int_equal(e.when_ms, 1234);
	assert_int_equal(e.verdict, PC_DISCOVER_DIFFERS);
	assert_int_equal(e.verdict_previous, PC_DISCOVER_UNKNOWN);
	assert_string_equal(e.best.roles, "icm-router");
	assert_string_equal(e.best.instances, "2");
	assert_string_equal(e.best.sides, "a");
	assert_string_equal(e.best.slots, "-");
	assert_string_equal(e.configured.roles, "icm-router");
	assert_string_equal(e.configured.instances, "0");
	/* Off: the verdict alone. */
	pc_discover_event(&d, PC_DISCOVER_DIFFERS, PC_DISCOVER_OFF, 1, &e);
	assert_string_equal(e.best.roles, "");
	assert_string_equal(e.configured.roles, "");
	/* No candidate: empty words for it. */
	d.n_candidates = 0;
	pc_discover_event(&d, PC_DISCOVER_UNKNOWN, PC_DISCOVER_MATCHES, 1, &e);
	assert_string_equal(e.best.roles, "");
	assert_string_equal(e.configured.roles, "icm-router");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_first_verdict_waits_for_hold_down),
		cmocka_unit_test(a_flickering_search_changes_nothing),
		cmocka_unit_test(turning_off_tells_only_what_was_told),
		cmocka_unit_test(the_event_says_what_was_found),
	};
	return cmocka_run_group_tests_name("discover_verdict", tests, NULL, NULL);
}
