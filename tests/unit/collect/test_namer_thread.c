/* SPDX-License-Identifier: ISC */
/* The naming thread (namer_thread.c): names come off the poll thread, and
 * naming is never on its critical path. A helper that answers names the
 * listeners; one that is stopped (a socket nobody reads) degrades naming
 * and never blocks a poll, and its answers are taken back when it
 * resumes; one that dies is replaced through the monitor; without a
 * monitor, naming goes on in this process; stopping never waits for a
 * helper. Helpers and the monitor are threads of this test speaking the
 * real protocol over real sockets, on the procroot fixture tree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "collect_test_util.h"
#include "collect/collect_internal.h"
#include "collect/namer_helper.h"
#include "collect/namer_protocol.h"
#include "collect/namer_thread.h"
#include "log_capture.h"
#include "timing.h"

#define DEADLINE_MS 30000

/* ---- helpers and a monitor, on threads ---- */

struct helper {
	int fd;
	pthread_t thread;
	bool running;
};

/* The proc root the helpers serve: the fixture, or a test's copy of it. */
static char served_root[4096];

static void *serve(void *arg)
{
	struct helper *h = arg;
	char root[4096];
	if (served_root[0] != '\0')
		snprintf(root, sizeof(root), "%s", served_root);
	else
		fixture_path(root, sizeof(root), "procroot");
	const struct pc_namer_serve_options options = { .proc_root = root, .procfs_only = true };
	pc_namer_serve(h->fd, &options);
	return NULL;
}

static void helper_run(struct helper *h, int fd)
{
	h->fd = fd;
	h->running = pthread_create(&h->thread, NULL, serve, h) == 0;
	assert_true(h->running);
}

static void helper_join(struct helper *h)
{
	if (h->running)
		pthread_join(h->thread, NULL);
	h->running = false;
	close(h->fd);
}

/* A monitor that starts a helper thread for each request, as priv.c's
 * process starts a helper process. */
struct monitor {
	int fd;
	pthread_t thread;
	struct helper helpers[8];
	int started;
};

static void *monitor_serve(void *arg)
{
	struct monitor *m = arg;
	for (;;) {
		struct pc_namer_spawn_request request;
		if (pc_namer_recv(m->fd, &request, sizeof(request), 0, NULL) != (ssize_t)sizeof(request) ||
		    request.command != PC_NAMER_SPAWN || m->started == 8)
			break;
		int sv[2];
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
			break;
		struct helper *h = &m->helpers[m->started++];
		h->fd = sv[1];
		h->running = pthread_create(&h->thread, NULL, serve, h) == 0;
		struct pc_namer_spawn_reply reply = { 0, 1000 + m->started };
		pc_namer_send(m->fd, &reply, sizeof(reply), 0, sv[0]);
		close(sv[0]);
	}
	return NULL;
}

/* ---- the naming thread and its polls ---- */

/* The procroot tree's listeners, as a poll reads them; with_fileless:
 * and one socket without a file (inode 0, port 9999), which no process
 * can hold. */
static void procroot_snapshot_with(struct pc_snapshot *snap, bool with_fileless)
{
	char root[4096], first_bad[512], err[512];
	pc_snapshot_reset(snap);
	fixture_path(root, sizeof(root), "procroot");
	assert_int_equal(pc_procnet_read(root, NULL, snap, first_bad, sizeof(first_bad), err,
					 sizeof(err)),
			 0);
	if (with_fileless) {
		struct pc_listen_socket fileless = { .inode = 0 };
		static const uint8_t any[4];
		pc_endpoint_set(&fileless.local, IPPROTO_TCP, AF_INET, any, false, 0, 9999);
		pc_snapshot_add_listener(snap, &fileless);
	}
	pc_procnet_guess_v6only(snap, false);
	pc_snapshot_finish(snap);
}

static void procroot_snapshot(struct pc_snapshot *snap)
{
	procroot_snapshot_with(snap, false);
}

static const struct pc_listener *port(const struct pc_snapshot *snap, uint16_t p)
{
	for (size_t i = 0; i < snap->n_listeners; i++)
		if (snap->listeners[i].local.port == p && snap->listeners[i].local.addr_type == PC_INET_IPV4)
			return &snap->listeners[i];
	return NULL;
}

/* Polls (a fresh snapshot, the latest names) each time the doorbell rings,
 * until done(snap) holds or the deadline passes. */
static bool poll_until(struct pc_namer_thread *t, struct pc_snapshot *snap,
		       bool (*done)(const struct pc_snapshot *))
{
	int64_t deadline = (int64_t)now_ms() + DEADLINE_MS;
	for (;;) {
		procroot_snapshot(snap);
		pc_namer_thread_apply(t, snap);
		if (done(snap))
			return true;
		int64_t left = deadline - (int64_t)now_ms();
		if (left <= 0)
			return false;
		struct pollfd p = { .fd = pc_namer_thread_fd(t), .events = POLLIN };
		poll(&p, 1, left > 200 ? 200 : (int)left);
		pc_namer_thread_drain(t);
	}
}

static bool sshd_named(const struct pc_snapshot *snap)
{
	const struct pc_listener *l = port(snap, 22);
	return l != NULL && l->pid == 100 && strcmp(l->process, "sshd") == 0 &&
	       snap->naming.health == PC_NAMING_WORKING;
}

static bool degraded(const struct pc_snapshot *snap)
{
	return snap->naming.health == PC_NAMING_DEGRADED;
}

static bool restarted_and_named(const struct pc_snapshot *snap)
{
	return snap->naming.restarts == 1 && sshd_named(snap);
}

static bool named_here(const struct pc_snapshot *snap)
{
	const struct pc_listener *l = port(snap, 22);
	return l != NULL && l->pid == 100 && snap->naming.health == PC_NAMING_DEGRADED;
}

static struct pc_namer_thread *start_partial(int helper_fd, int monitor_fd, size_t whole_below)
{
	char root[4096], err[256];
	if (served_root[0] != '\0')
		snprintf(root, sizeof(root), "%s", served_root);
	else
		fixture_path(root, sizeof(root), "procroot");
	const struct pc_namer_thread_options options = {
		.proc_root = root,
		.helper_fd = helper_fd,
		.helper_pid = 999,
		.monitor_fd = monitor_fd,
		.slow_ms = 100,
		.restart_first_ms = 10,
		.whole_below = whole_below,
		.rotation = 1,
	};
	struct pc_namer_thread *t = pc_namer_thread_start(&options, err, sizeof(err));
	if (t == NULL)
		fail_msg("pc_namer_thread_start: %s", err);
	return t;
}

static struct pc_namer_thread *start(int helper_fd, int monitor_fd)
{
	return start_partial(helper_fd, monitor_fd, 0);
}

/* A naming thread (whole_below: start_partial's) with a helper thread on
 * the other end of its socket. */
static struct pc_namer_thread *start_with_helper(struct helper *h, size_t whole_below)
{
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	helper_run(h, sv[1]);
	return start_partial(sv[0], -1, whole_below);
}

static void test_names_come_from_the_helper(void **state)
{
	(void)state;
	struct helper h;
	struct pc_snapshot snap = { 0 };
	struct pc_namer_thread *t = start_with_helper(&h, 0);

	/* The first poll names nothing (nothing answered yet): pending. */
	procroot_snapshot(&snap);
	pc_namer_thread_apply(t, &snap);
	assert_int_equal(port(&snap, 22)->naming, PC_NAMING_PENDING);
	assert_int_equal(port(&snap, 22)->pid, 0);

	assert_true(poll_until(t, &snap, sshd_named));
	assert_int_equal(port(&snap, 22)->naming, PC_NAMING_COMPLETE);
	assert_int_equal(port(&snap, 2049)->naming, PC_NAMING_NOT_FOUND);
	assert_string_equal(snap.naming.reason, "");
	pc_namer_thread_stop(t);
	helper_join(&h);
	pc_snapshot_clear(&snap);
}

/* A stopped helper: nobody reads its socket. With far more listeners than
 * the socket buffers hold, every poll still returns at once (the poll
 * thread never sends), naming turns degraded and says why, once,
 * listeners not named yet are unavailable (not pending: the engine then
 * announces them). When the helper resumes, its answers are taken back,
 * and that is said once too. */
static void test_a_stopped_helper_delays_names_only(void **state)
{
	(void)state;
	int sv[2];
	struct helper h;
	struct pc_snapshot snap = { 0 };
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	struct pc_namer_thread *t = start(sv[0], -1);

	log_capture_start();
	assert_true(poll_until(t, &snap, degraded));
	assert_non_null(strstr(snap.naming.reason, "has not answered"));
	assert_int_equal(port(&snap, 22)->naming, PC_NAMING_UNAVAILABLE);

	/* 20,000 listeners more: asked, never sent by the poll. */
	struct pc_snapshot big = { 0 };
	for (uint32_t i = 0; i < 20000; i++) {
		struct pc_listen_socket s = { .inode = 7000000 + i };
		uint8_t addr[4] = { 127, 0, (uint8_t)(i >> 8), (uint8_t)i };
		pc_endpoint_set(&s.local, 17, 2 /* AF_INET */, addr, false, 0, 5000);
		assert_int_equal(pc_snapshot_add_listener(&big, &s), 0);
	}
	pc_snapshot_finish(&big);
	for (int i = 0; i < 50; i++)
		pc_namer_thread_apply(t, &big);
	assert_int_equal(big.listeners[0].naming, PC_NAMING_UNAVAILABLE);
	pc_snapshot_clear(&big);

	helper_run(&h, sv[1]); /* it resumes */
	assert_true(poll_until(t, &snap, sshd_named));
	pc_namer_thread_stop(t); /* joined: what it logged is all there */
	log_capture_stop();
	assert_int_equal(n_logged, 2);
	assert_non_null(strstr(logged[0], "naming processes is degraded: the naming helper (pid 999) "
					  "has not answered in 0.1 s"));
	assert_non_null(strstr(logged[1], "naming processes works again"));
	helper_join(&h);
	pc_snapshot_clear(&snap);
}

/* A helper that dies (its end closes) is replaced through the monitor:
 * naming is degraded meanwhile, then works again, and the restart is
 * counted. */
static void test_a_dead_helper_is_restarted(void **state)
{
	(void)state;
	int sv[2], mv[2];
	struct monitor m = { 0 };
	struct pc_snapshot snap = { 0 };
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, mv), 0);
	m.fd = mv[1];
	assert_int_equal(pthread_create(&m.thread, NULL, monitor_serve, &m), 0);
	close(sv[1]); /* dead before it answered */
	struct pc_namer_thread *t = start(sv[0], mv[0]);

	assert_true(poll_until(t, &snap, restarted_and_named));
	assert_int_equal(m.started, 1);
	pc_namer_thread_stop(t); /* closes both: the monitor and its helper end */
	pthread_join(m.thread, NULL);
	close(m.fd);
	for (int i = 0; i < m.started; i++)
		helper_join(&m.helpers[i]);
	pc_snapshot_clear(&snap);
}

/* No monitor to start another helper: naming goes on in this process,
 * degraded (it reads what this user may read), and says so. */
static void test_without_a_monitor_naming_goes_on_here(void **state)
{
	(void)state;
	int sv[2];
	struct pc_snapshot snap = { 0 };
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	close(sv[1]);
	struct pc_namer_thread *t = start(sv[0], -1);
	assert_true(poll_until(t, &snap, named_here));
	assert_non_null(strstr(snap.naming.reason, "no monitor"));
	pc_namer_thread_stop(t);
	pc_snapshot_clear(&snap);
}

/* Stopping while the helper is stuck mid-exchange returns: the thread
 * waits on the helper and on its stop pipe together. */
static void test_stopping_never_waits_for_the_helper(void **state)
{
	(void)state;
	int sv[2];
	struct pc_snapshot snap = { 0 };
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	struct pc_namer_thread *t = start(sv[0], -1);
	procroot_snapshot(&snap);
	pc_namer_thread_apply(t, &snap);
	/* The request is out when the helper's end holds a message. */
	struct pollfd p = { .fd = sv[1], .events = POLLIN };
	assert_int_equal(poll(&p, 1, DEADLINE_MS), 1);
	pc_namer_thread_stop(t);
	/* Its end closed: the helper would see that. */
	char buf[PC_NAMER_MESSAGE_MAX];
	while (recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	assert_int_equal(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), 0);
	close(sv[1]);
	pc_snapshot_clear(&snap);
}

static bool all_named(const struct pc_snapshot *snap)
{
	char *got = listeners_with_processes(snap);
	bool same = strcmp(got, procroot_listeners) == 0;
	free(got);
	return same;
}


/* Past the first pass, a busy host's passes ask only about some listeners
 * (here: the unsettled, those of gone processes and one more in turn):
 * every name found stays on every poll, and a holder that exits is
 * dropped at once though the rotation is far from its listener. */
static void test_partial_passes_keep_names(void **state)
{
	(void)state;
	struct helper h;
	struct pc_snapshot snap = { 0 };
	char fixture[4096], cmd[9000];
	fixture_path(fixture, sizeof(fixture), "procroot");
	snprintf(served_root, sizeof(served_root), "/tmp/pc-namer-thread-XXXXXX");
	assert_non_null(mkdtemp(served_root));
	snprintf(cmd, sizeof(cmd), "cp -a '%s'/. '%s'", fixture, served_root);
	assert_int_equal(system(cmd), 0);

	struct pc_namer_thread *t = start_with_helper(&h, 1);
	assert_true(poll_until(t, &snap, all_named));
	for (int i = 0; i < 40; i++) {
		procroot_snapshot(&snap);
		pc_namer_thread_apply(t, &snap);
		char *got = listeners_with_processes(&snap);
		if (strcmp(got, procroot_listeners) != 0)
			fail_msg("poll %d after all were named:\n%s", i, got);
		free(got);
		struct pollfd p = { .fd = pc_namer_thread_fd(t), .events = POLLIN };
		poll(&p, 1, 20);
		pc_namer_thread_drain(t);
	}
	/* sshd exits; its socket stays (in the fixture's net/tcp). The next
	 * pass asks about it because its holder is gone, not because the
	 * rotation came to it: its new answer rings the doorbell. */
	pc_namer_thread_drain(t);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s/100'", served_root);
	assert_int_equal(system(cmd), 0);
	procroot_snapshot(&snap);
	pc_namer_thread_apply(t, &snap);
	struct pollfd bell = { .fd = pc_namer_thread_fd(t), .events = POLLIN };
	assert_int_equal(poll(&bell, 1, DEADLINE_MS), 1);
	procroot_snapshot(&snap);
	pc_namer_thread_apply(t, &snap);
	assert_int_equal(port(&snap, 22)->pid, 0);

	pc_namer_thread_stop(t);
	helper_join(&h);
	pc_snapshot_clear(&snap);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", served_root);
	assert_int_equal(system(cmd), 0);
	served_root[0] = '\0';
}

/* A socket without a file is not found, at once and on every poll: never
 * pending (an unexpected listener is announced once naming has covered
 * it). */
static void test_a_socket_without_a_file_is_not_found(void **state)
{
	(void)state;
	struct helper h;
	struct pc_snapshot snap = { 0 };
	struct pc_namer_thread *t = start_with_helper(&h, 0);
	procroot_snapshot_with(&snap, true);
	pc_namer_thread_apply(t, &snap);
	assert_int_equal(port(&snap, 9999)->naming, PC_NAMING_NOT_FOUND);
	assert_true(poll_until(t, &snap, sshd_named));
	procroot_snapshot_with(&snap, true);
	pc_namer_thread_apply(t, &snap);
	assert_int_equal(port(&snap, 9999)->naming, PC_NAMING_NOT_FOUND);
	assert_int_equal(port(&snap, 9999)->pid, 0);
	pc_namer_thread_stop(t);
	helper_join(&h);
	pc_snapshot_clear(&snap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_come_from_the_helper),
		cmocka_unit_test(test_a_stopped_helper_delays_names_only),
		cmocka_unit_test(test_a_dead_helper_is_restarted),
		cmocka_unit_test(test_without_a_monitor_naming_goes_on_here),
		cmocka_unit_test(test_stopping_never_waits_for_the_helper),
		cmocka_unit_test(test_partial_passes_keep_names),
		cmocka_unit_test(test_a_socket_without_a_file_is_not_found),
	};
	return cmocka_run_group_tests_name("collect_namer_thread", tests, NULL, NULL);
}
