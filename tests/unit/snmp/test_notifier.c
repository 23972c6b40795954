/* SPDX-License-Identifier: ISC */
/* The notifier (notify.c) as an object, without a master: each one keeps
 * its own queue and counters; with the link down, or a session that cannot
 * send, what waits stays queued (and nothing leaks); a reload resizes the
 * queue; a summary owed later is made by a timer that reaches its
 * notifier through the timer's own pointer; freeing it cancels that timer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>
#include <time.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "snmp/notify.h"

static struct pc_config config_with(unsigned rate_limit, unsigned queue)
{
	struct pc_config c;
	memset(&c, 0, sizeof(c));
	c.notifications = true;
	c.notify_missing = c.notify_restored = c.notify_unexpected = c.notify_compliance = true;
	c.notify_rate_limit = rate_limit;
	c.notify_queue = queue;
	return c;
}

/* n missing ports of one rule, members first .. first + n - 1. */
static void raise_missing(struct pc_notifier *n, uint32_t first, uint32_t count)
{
	struct pc_event_box box;
	pc_event_box_init(&box, 0);
	for (uint32_t m = first; m < first + count; m++) {
		struct pc_event e = { .type = PC_EVENT_MISSING, .role_index = 1, .rule_index = 1,
				      .member = m, .status = PC_PORT_MISSING };
		assert_int_equal(pc_event_box_put(&box, &e), 0);
	}
	pc_notifier_raise_events(n, &box, NULL);
	pc_event_box_clear(&box);
}

static void raise_unexpected(struct pc_notifier *n, uint16_t first, uint16_t count)
{
	struct pc_event_box box;
	pc_event_box_init(&box, 0);
	for (uint16_t port = first; port < first + count; port++) {
		struct pc_event e = { .type = PC_EVENT_UNEXPECTED };
		e.local.port = port;
		assert_int_equal(pc_event_box_put(&box, &e), 0);
	}
	pc_notifier_raise_events(n, &box, NULL);
	pc_event_box_clear(&box);
}

static void each_keeps_its_own_queue(void **unused)
{
	(void)unused;
	struct pc_config c = config_with(0, 100);
	struct pc_notifier *a = pc_notifier_new(&c), *b = pc_notifier_new(&c);
	assert_non_null(a);
	assert_non_null(b);
	raise_missing(a, 1, 3);
	raise_missing(b, 1, 1);
	assert_int_equal(pc_notifier_stats(a).queued, 3);
	assert_int_equal(pc_notifier_stats(b).queued, 1);
	pc_notifier_free(b);
	assert_int_equal(pc_notifier_stats(a).queued, 3);
	pc_notifier_free(a);
}

static void nothing_goes_out_without_a_master(void **unused)
{
	(void)unused;
	struct pc_config c = config_with(0, 100);
	struct pc_notifier *n = pc_notifier_new(&c);
	assert_non_null(n);
	raise_missing(n, 1, 2);
	pc_notifier_run(n);
	assert_int_equal(pc_notifier_stats(n).queued, 2);

	/* A session net-snmp does not know refuses every send: the PDUs are
	 * freed, the entries wait, and the link's loss changes nothing. */
	netsnmp_session unknown;
	memset(&unknown, 0, sizeof(unknown));
	pc_notifier_link_up(n, &unknown);
	pc_notifier_run(n);
	pc_notifier_run(n);
	struct pc_notify_stats s = pc_notifier_stats(n);
	assert_int_equal(s.queued, 2);
	assert_int_equal(s.sent, 0);
	pc_notifier_link_down(n);
	pc_notifier_run(n);
	assert_int_equal(pc_notifier_stats(n).queued, 2);
	pc_notifier_free(n);
}

static void a_reload_resizes_the_queue(void **unused)
{
	(void)unused;
	struct pc_config c = config_with(0, 10);
	struct pc_notifier *n = pc_notifier_new(&c);
	assert_non_null(n);
	raise_unexpected(n, 1000, 6);
	c.notify_queue = 2;
	pc_notifier_configure(n, &c);
	struct pc_notify_stats s = pc_notifier_stats(n);
	assert_int_equal(s.queued, 2);
	assert_int_equal(s.dropped, 4);
	pc_notifier_free(n);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 };
	while (nanosleep(&ts, &ts) != 0)
		;
}

static void a_summary_owed_comes_from_its_timer(void **unused)
{
	(void)unused;
	struct pc_config c = config_with(1, 100);
	struct pc_notifier *n = pc_notifier_new(&c), *other = pc_notifier_new(&c);
	assert_non_null(n);
	assert_non_null(other);
	/* One new listener passes the limit; the summary of the other two goes
	 * at once. */
	raise_unexpected(n, 1, 3);
	assert_int_equal(pc_notifier_stats(n).queued, 2);
	assert_null(sa_find_next());
	/* More held back within the second: their summary waits for a timer. */
	raise_unexpected(n, 4, 2);
	assert_int_equal(pc_notifier_stats(n).queued, 2);
	assert_non_null(sa_find_next());
	sleep_ms(1100);
	run_alarms();
	assert_null(sa_find_next()); /* the timer ran, and nothing more is owed */
	/* The one summary waiting carries the later count too (one at most). */
	assert_int_equal(pc_notifier_stats(n).queued, 2);
	assert_int_equal(pc_notifier_stats(other).queued, 0);

	/* Freed while a summary is owed: its timer goes with it. */
	raise_unexpected(n, 6, 2);
	assert_non_null(sa_find_next());
	pc_notifier_free(n);
	assert_null(sa_find_next());
	pc_notifier_free(other);
}

/* Alarms over the limit are not suppressed: they all wait their turn, and
 * the states the event box folded are told by a summary. */
static void alarms_wait_and_folds_are_told(void **unused)
{
	(void)unused;
	struct pc_config c = config_with(1, 100);
	struct pc_notifier *n = pc_notifier_new(&c);
	assert_non_null(n);
	raise_missing(n, 1, 5);
	struct pc_notify_stats s = pc_notifier_stats(n);
	assert_int_equal(s.queued, 5);
	assert_int_equal(s.suppressed, 0);
	struct pc_event_box box;
	pc_event_box_init(&box, 0);
	struct pc_event e = { .type = PC_EVENT_MISSING, .role_index = 2, .rule_index = 1, .member = 1,
			      .status = PC_PORT_MISSING };
	assert_int_equal(pc_event_box_put(&box, &e), 0);
	e.type = PC_EVENT_RESTORED;
	e.status = PC_PORT_PRESENT;
	assert_int_equal(pc_event_box_put(&box, &e), 0);
	pc_notifier_raise_events(n, &box, NULL);
	pc_event_box_clear(&box);
	s = pc_notifier_stats(n);
	assert_int_equal(s.folded, 1);
	assert_int_equal(s.queued, 5 + 1 + 1); /* the restored, and the summary telling the fold */
	pc_notifier_free(n);
}

static int setup(void **unused)
{
	(void)unused;
	/* As the daemon: timers run from the loop, never from SIGALRM. */
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_ALARM_DONT_USE_SIG, 1);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_keeps_its_own_queue),
		cmocka_unit_test(nothing_goes_out_without_a_master),
		cmocka_unit_test(a_reload_resizes_the_queue),
		cmocka_unit_test(a_summary_owed_comes_from_its_timer),
		cmocka_unit_test(alarms_wait_and_folds_are_told),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
