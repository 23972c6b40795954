/* SPDX-License-Identifier: ISC */
/* The control socket (daemon/control.c, and cli/control.c's client): the
 * address a configuration names is the same however the path is spelled;
 * a status is answered at once; a reload is answered only by a load whose
 * ticket covers it; a user other than root and the daemon's own may not
 * reload; an unknown request is refused; idle clients cannot lock out a
 * new one; clients still waiting are told when the daemon stops. The
 * server runs on the test's thread, as on the SNMP thread; clients on
 * threads of their own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/control.h"
#include "daemon/control.h"

#define DEADLINE_MS 30000 /* generous: CI is a loaded 2-core machine */

static char config[128]; /* a configuration path of this test's own */
static unsigned long next_ticket;
static unsigned long reloads_asked;

static void status_handler(void *context, char *answer, size_t len)
{
	(void)context;
	snprintf(answer, len, "connected 0\naddress /var/agentx/master\nattempts 7\nsince 35\n"
			      "reason Permission denied: the directory /var/agentx is mode 0700\n");
}

static unsigned long reload_handler(void *context)
{
	(void)context;
	reloads_asked++;
	return ++next_ticket;
}

static struct pc_control *open_control(void)
{
	struct sockaddr_un addr;
	socklen_t len;
	pc_control_address(config, &addr, &len);
	const struct pc_control_handlers handlers = { status_handler, reload_handler, NULL };
	char err[256];
	struct pc_control *c = pc_control_open(&addr, len, &handlers, err, sizeof(err));
	if (c == NULL)
		fail_msg("pc_control_open: %s", err);
	return c;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* One turn of the server's loop, waiting at most ms. */
static void serve_once(struct pc_control *c, int ms)
{
	fd_set readfds;
	FD_ZERO(&readfds);
	int n = pc_control_fill(c, &readfds, 0);
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
	if (select(n, &readfds, NULL, NULL, &tv) > 0)
		pc_control_handle(c, &readfds);
}

/* A client on a thread of its own: a status or a raw request. */
struct client {
	pthread_t thread;
	const char *request; /* NULL: pc_control_status */
	int rc;
	struct pc_report_agent agent;
	char answer[512];
	volatile int done;
};

static void *run_client(void *arg)
{
	struct client *cl = arg;
	char err[256];
	if (cl->request == NULL) {
		cl->rc = pc_control_status(config, &cl->agent, err, sizeof(err));
	} else {
		struct sockaddr_un addr;
		socklen_t len;
		pc_control_address(config, &addr, &len);
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		cl->rc = connect(fd, (struct sockaddr *)&addr, len);
		if (cl->rc == 0 && cl->request[0] != '\0') {
			ssize_t sent = write(fd, cl->request, strlen(cl->request));
			(void)sent;
		}
		size_t used = 0;
		ssize_t n;
		while (cl->rc == 0 && used < sizeof(cl->answer) - 1 &&
		       (n = read(fd, cl->answer + used, sizeof(cl->answer) - 1 - used)) > 0)
			used += (size_t)n;
		cl->answer[used] = '\0';
		close(fd);
	}
	__atomic_store_n(&cl->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void start_client(struct client *cl, const char *request)
{
	memset(cl, 0, sizeof(*cl));
	cl->request = request;
	assert_int_equal(pthread_create(&cl->thread, NULL, run_client, cl), 0);
}

static bool finished(struct client *cl)
{
	return __atomic_load_n(&cl->done, __ATOMIC_ACQUIRE) != 0;
}

/* Serve until the client is done: the observable fact "it got its answer". */
static void serve_until_done(struct pc_control *c, struct client *cl)
{
	long deadline = now_ms() + DEADLINE_MS;
	while (!finished(cl)) {
		assert_true(now_ms() < deadline);
		serve_once(c, 20);
	}
	pthread_join(cl->thread, NULL);
}

/* Serve until reloads_asked reaches n. */
static void serve_until_reloads(struct pc_control *c, unsigned long n)
{
	long deadline = now_ms() + DEADLINE_MS;
	while (reloads_asked < n) {
		assert_true(now_ms() < deadline);
		serve_once(c, 20);
	}
}

static int setup(void **state)
{
	(void)state;
	snprintf(config, sizeof(config), "/nonexistent/test-control-%ld.conf", (long)getpid());
	next_ticket = 0;
	reloads_asked = 0;
	return 0;
}

static void one_configuration_one_name(void **unused)
{
	(void)unused;
	struct sockaddr_un a, b;
	socklen_t la, lb;
	char cwd[256], relative[64];
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	snprintf(relative, sizeof(relative), "Makefile");
	char absolute[320];
	snprintf(absolute, sizeof(absolute), "%s/Makefile", cwd);
	pc_control_address(relative, &a, &la);
	pc_control_address(absolute, &b, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(&a, &b, la);
	assert_int_equal(a.sun_path[0], '\0'); /* abstract: no file */
	assert_memory_equal(a.sun_path + 1, "portcomplyd:/", 13);

	/* a path too long for the name stands as its hash, still one name */
	char longer[400];
	memset(longer, 'x', sizeof(longer) - 1);
	longer[0] = '/';
	longer[sizeof(longer) - 1] = '\0';
	pc_control_address(longer, &a, &la);
	pc_control_address(longer, &b, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(&a, &b, la);
	assert_memory_equal(a.sun_path + 1, "portcomplyd:#", 13);
	assert_true(la <= sizeof(a));
}

static void a_status_is_answered_at_once(void **unused)
{
	(void)unused;
	struct pc_control *c = open_control();
	struct client cl;
	start_client(&cl, NULL);
	serve_until_done(c, &cl);
	assert_int_equal(cl.rc, 1);
	assert_false(cl.agent.connected);
	assert_int_equal(cl.agent.attempts, 7);
	assert_int_equal(cl.agent.since_s, 35);
	assert_string_equal(cl.agent.address, "/var/agentx/master");
	assert_string_equal(cl.agent.reason, "Permission denied: the directory /var/agentx is mode 0700");
	pc_control_close(c);

	/* nobody serves it now */
	struct pc_report_agent agent;
	char err[128];
	assert_int_equal(pc_control_status(config, &agent, err, sizeof(err)), 0);
}

static void a_second_daemon_of_the_same_configuration_is_refused(void **unused)
{
	(void)unused;
	struct pc_control *c = open_control();
	struct sockaddr_un addr;
	socklen_t len;
	pc_control_address(config, &addr, &len);
	const struct pc_control_handlers handlers = { status_handler, reload_handler, NULL };
	char err[256];
	assert_null(pc_control_open(&addr, len, &handlers, err, sizeof(err)));
	assert_non_null(strstr(err, "another portcomplyd serves this configuration"));
	pc_control_close(c);
}

static void a_reload_waits_for_a_load_that_covers_it(void **unused)
{
	(void)unused;
	struct pc_control *c = open_control();
	next_ticket = 4; /* an earlier load's tickets */
	struct client cl;
	start_client(&cl, "reload\n");
	serve_until_reloads(c, 1); /* its ticket is 5 */
	/* an older load's result is not its answer */
	pc_control_reloaded(c, 4, "ok old\n");
	serve_once(c, 50);
	assert_false(finished(&cl));
	pc_control_reloaded(c, 5, "diag x.conf:3: unknown role y\nrefused x.conf is not valid\n");
	serve_until_done(c, &cl);
	assert_string_equal(cl.answer, "diag x.conf:3: unknown role y\nrefused x.conf is not valid\n");
	pc_control_close(c);
}

static void another_user_may_not_reload(void **unused)
{
	(void)unused;
	if (geteuid() != 0)
		skip(); /* the test needs a user that is neither root nor itself */
	struct pc_control *c = open_control();
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct client cl;
		pc_control_close(c); /* the parent's: the child only asks */
		if (setresgid(65534, 65534, 65534) != 0 || setresuid(65534, 65534, 65534) != 0)
			_exit(2);
		memset(&cl, 0, sizeof(cl));
		cl.request = "reload\n";
		run_client(&cl);
		_exit(strstr(cl.answer, "error uid 65534 may not reload") != NULL ? 0 : 1);
	}
	int status = 0;
	long deadline = now_ms() + DEADLINE_MS;
	while (waitpid(pid, &status, WNOHANG) == 0) {
		assert_true(now_ms() < deadline);
		serve_once(c, 20);
	}
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(reloads_asked, 0);
	pc_control_close(c);
}

static void an_unknown_request_is_refused(void **unused)
{
	(void)unused;
	struct pc_control *c = open_control();
	struct client cl;
	start_client(&cl, "frobnicate\n");
	serve_until_done(c, &cl);
	assert_string_equal(cl.answer, "error unknown request 'frobnicate' (status or reload)\n");
	pc_control_close(c);
}

/* The clients the server holds: the sockets it waits on, but its own. */
static int held_clients(const struct pc_control *c)
{
	fd_set readfds;
	FD_ZERO(&readfds);
	int n = pc_control_fill(c, &readfds, 0), held = -1;
	for (int fd = 0; fd < n; fd++)
		held += FD_ISSET(fd, &readfds) ? 1 : 0;
	return held;
}

/* Eight idle connections, then a ninth that asks: the oldest idle one
 * makes room, and the newcomer is answered. */
static void idle_clients_cannot_lock_out_a_new_one(void **unused)
{
	(void)unused;
	struct pc_control *c = open_control();
	struct client idle[8], asking;
	for (int i = 0; i < 8; i++) {
		start_client(&idle[i], "");
		/* accepted one at a time, so that their order is known */
		long deadline = now_ms() + DEADLINE_MS;
		while (held_clients(c) < i + 1) {
			assert_true(now_ms() < deadline);
			serve_once(c, 20);
		}
	}
	start_client(&asking, NULL);
	serve_until_done(c, &asking);
	assert_int_equal(asking.rc, 1);
	serve_until_done(c, &idle[0]);
	assert_non_null(strstr(idle[0].answer, "error too many control clients"));
	assert_int_equal(held_clients(c), 7);
	pc_control_close(c); /* the others are closed */
	for (int i = 1; i < 8; i++) {
		pthread_join(idle[i].thread, NULL);
		assert_string_equal(idle[i].answer, "");
	}
}

static void a_waiting_reload_is_told_when_the_daemon_stops(void **unused)
{
	(void)unused;
	struct pc_control *c = open_control();
	struct client cl;
	start_client(&cl, "reload\n");
	serve_until_reloads(c, 1);
	pc_control_close(c);
	pthread_join(cl.thread, NULL);
	assert_string_equal(cl.answer, "error the daemon is stopping\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(one_configuration_one_name, setup),
		cmocka_unit_test_setup(a_status_is_answered_at_once, setup),
		cmocka_unit_test_setup(a_second_daemon_of_the_same_configuration_is_refused, setup),
		cmocka_unit_test_setup(a_reload_waits_for_a_load_that_covers_it, setup),
		cmocka_unit_test_setup(another_user_may_not_reload, setup),
		cmocka_unit_test_setup(an_unknown_request_is_refused, setup),
		cmocka_unit_test_setup(idle_clients_cannot_lock_out_a_new_one, setup),
		cmocka_unit_test_setup(a_waiting_reload_is_told_when_the_daemon_stops, setup),
	};
	return cmocka_run_group_tests_name("control", tests, NULL, NULL);
}
