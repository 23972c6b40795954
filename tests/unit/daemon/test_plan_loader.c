/* SPDX-License-Identifier: ISC */
/* The loader thread (SIGHUP's and --reload's loads): a load runs off the caller's thread,
 * its result is taken without waiting, requests during a load fold into one more, a
 * request's ticket is answered by a load that started after it, and stopping never
 * waits for a load that does not come back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include "daemon/plan_loader.h"
#include "pc_test.h"

#define DEADLINE_MS 30000 /* generous: CI is a loaded 2-core machine */

/* Wait until fd is readable: the observable fact "a result is ready". */
static bool readable_within(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return poll(&p, 1, ms) == 1;
}

static void test_a_good_configuration_loads(void **state)
{
	(void)state;
	struct pc_plan_loader *l =
		pc_plan_loader_start(repo_path("tests/fixtures/config/good-full.conf"), NULL);
	assert_non_null(l);
	struct pc_plan *plan = NULL;
	struct pc_diag diag = { 0 };
	assert_false(pc_plan_loader_take(l, &plan, &diag));
	pc_plan_loader_request(l);
	assert_true(readable_within(pc_plan_loader_fd(l), DEADLINE_MS));
	assert_true(pc_plan_loader_take(l, &plan, &diag));
	assert_non_null(plan);
	assert_true(plan->config->n_roles > 0);
	pc_plan_unref(plan);
	pc_diag_clear(&diag);
	pc_plan_loader_stop(l);
}

static void test_a_bad_configuration_gives_its_errors(void **state)
{
	(void)state;
	const char *path = repo_path("tests/fixtures/config/bad-section-open-at-end.conf");
	struct pc_plan_loader *l = pc_plan_loader_start(path, NULL);
	assert_non_null(l);
	pc_plan_loader_request(l);
	assert_true(readable_within(pc_plan_loader_fd(l), DEADLINE_MS));
	struct pc_plan *plan = (struct pc_plan *)1;
	struct pc_diag diag = { 0 };
	assert_true(pc_plan_loader_take(l, &plan, &diag));
	assert_null(plan);
	check_first_error(&diag, path, 3, "this section is not closed");
	pc_diag_clear(&diag);
	pc_plan_loader_stop(l);
}

/* A load that waits until the test lets it go: a hung file system. */
static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static bool gate_open;
static int loads_started;

static struct pc_plan *stuck_load(const char *path, struct pc_diag *diag)
{
	pthread_mutex_lock(&gate_lock);
	int n = ++loads_started;
	pthread_cond_broadcast(&gate_cond);
	while (!gate_open)
		pthread_cond_wait(&gate_cond, &gate_lock);
	pthread_mutex_unlock(&gate_lock);
	pc_diag_error(diag, path, 0, "stand-in load %d", n);
	return NULL;
}

static void wait_loads_started(int n)
{
	pthread_mutex_lock(&gate_lock);
	while (loads_started < n)
		pthread_cond_wait(&gate_cond, &gate_lock);
	pthread_mutex_unlock(&gate_lock);
}

static void open_gate(bool open)
{
	pthread_mutex_lock(&gate_lock);
	gate_open = open;
	pthread_cond_broadcast(&gate_cond);
	pthread_mutex_unlock(&gate_lock);
}

/* A load that notes whether its thread could take a SIGHUP. */
static bool hup_blocked;

static struct pc_plan *mask_noting_load(const char *path, struct pc_diag *diag)
{
	sigset_t mask;
	pthread_sigmask(SIG_BLOCK, NULL, &mask);
	hup_blocked = sigismember(&mask, SIGHUP) == 1 && sigismember(&mask, SIGTERM) == 1;
	pc_diag_error(diag, path, 0, "stand-in load");
	return NULL;
}

/* Signals are the SNMP thread's: the loader's thread blocks them all,
 * whatever its starter's mask, so that none interrupts a load. */
static void test_the_loader_thread_takes_no_signal(void **state)
{
	(void)state;
	sigset_t none, previous;
	sigemptyset(&none);
	pthread_sigmask(SIG_SETMASK, &none, &previous);
	hup_blocked = false;
	struct pc_plan_loader *l = pc_plan_loader_start("stand-in.conf", mask_noting_load);
	pthread_sigmask(SIG_SETMASK, &previous, NULL);
	assert_non_null(l);
	pc_plan_loader_request(l);
	assert_true(readable_within(pc_plan_loader_fd(l), DEADLINE_MS));
	struct pc_plan *plan = NULL;
	struct pc_diag diag = { 0 };
	assert_true(pc_plan_loader_take(l, &plan, &diag));
	assert_true(hup_blocked);
	pc_diag_clear(&diag);
	pc_plan_loader_stop(l);
}

/* A loader whose first load has started and hangs until open_gate(true). */
static struct pc_plan_loader *loader_with_a_stuck_load(void)
{
	loads_started = 0;
	open_gate(false);
	struct pc_plan_loader *l = pc_plan_loader_start("stuck.conf", stuck_load);
	assert_non_null(l);
	pc_plan_loader_request(l);
	wait_loads_started(1);
	return l;
}

static void test_requests_during_a_load_fold_into_one(void **state)
{
	(void)state;
	struct pc_plan_loader *l = loader_with_a_stuck_load();
	/* the caller is never held up by a load in progress */
	struct pc_plan *plan = NULL;
	struct pc_diag diag = { 0 };
	assert_false(pc_plan_loader_take(l, &plan, &diag));
	pc_plan_loader_request(l);
	pc_plan_loader_request(l);
	pc_plan_loader_request(l);
	open_gate(true);
	/* the three requests made during load 1 are load 2, and no more */
	for (;;) {
		assert_true(readable_within(pc_plan_loader_fd(l), DEADLINE_MS));
		if (!pc_plan_loader_take(l, &plan, &diag))
			continue;
		assert_null(plan);
		bool second = diag.n_lines > 0 && strstr(diag.lines[0], "stand-in load 2") != NULL;
		pc_diag_clear(&diag);
		if (second)
			break;
	}
	assert_false(pc_plan_loader_take(l, &plan, &diag));
	pc_plan_loader_stop(l);
	assert_int_equal(loads_started, 2);
}

/* A reload asked for while an older load runs must be answered by a load
 * that started after it (the files as they are now), never by the older
 * one: portcomplyd --reload reports that verdict. */
static void test_a_ticket_is_answered_by_a_later_load(void **state)
{
	(void)state;
	loads_started = 0;
	open_gate(false);
	struct pc_plan_loader *l = pc_plan_loader_start("stuck.conf", stuck_load);
	assert_non_null(l);
	assert_int_equal(pc_plan_loader_taken_through(l), 0);
	unsigned long first = pc_plan_loader_request(l);
	wait_loads_started(1);
	unsigned long second = pc_plan_loader_request(l);
	assert_true(second > first);
	open_gate(true);
	struct pc_plan *plan = NULL;
	struct pc_diag diag = { 0 };
	while (pc_plan_loader_taken_through(l) < second) {
		assert_true(readable_within(pc_plan_loader_fd(l), DEADLINE_MS));
		if (!pc_plan_loader_take(l, &plan, &diag))
			continue;
		unsigned long through = pc_plan_loader_taken_through(l);
		bool from_load_2 = strstr(diag.lines[0], "stand-in load 2") != NULL;
		/* load 1 answers the first ticket only, load 2 both (load 1's
		 * result may be replaced by load 2's before it is taken) */
		assert_int_equal(through, from_load_2 ? second : first);
		pc_diag_clear(&diag);
	}
	pc_plan_loader_stop(l);
	assert_int_equal(loads_started, 2);
}

/* SIGTERM during a load that never returns: stop comes back at once. The
 * alarm turns a hang into a failure. */
static void test_stop_does_not_wait_for_a_stuck_load(void **state)
{
	(void)state;
	struct pc_plan_loader *l = loader_with_a_stuck_load();
	alarm(20);
	pc_plan_loader_stop(l);
	alarm(0);
	/* let it finish, so that the test ends with nothing in flight */
	open_gate(true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_good_configuration_loads),
		cmocka_unit_test(test_a_bad_configuration_gives_its_errors),
		cmocka_unit_test(test_the_loader_thread_takes_no_signal),
		cmocka_unit_test(test_requests_during_a_load_fold_into_one),
		cmocka_unit_test(test_a_ticket_is_answered_by_a_later_load),
		cmocka_unit_test(test_stop_does_not_wait_for_a_stuck_load),
	};
	return cmocka_run_group_tests_name("plan_loader", tests, NULL, NULL);
}
