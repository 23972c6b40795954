/* SPDX-License-Identifier: ISC */
/* Why the AgentX master cannot be reached (link_diag.c): the probe finds
 * what refused (a directory the daemon's user may not enter, a socket it
 * may not write, no directory, no socket, no listener, a sandbox), the
 * explanation names the fix, and the reports are spaced out: at attempts
 * 1, 2, 4, 8... while less than an hour apart, then hourly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <grp.h>
#include <unistd.h>

#include "snmp/link_diag.h"

static void reports_are_spaced_out(void **unused)
{
	(void)unused;
	/* every 5 s: attempts 1, 2, 4, ... 512, then every 720 (an hour) */
	unsigned said[16], n = 0;
	for (unsigned a = 1; a <= 2000; a++)
		if (pc_link_report_due(a, 5)) {
			assert_true(n < 16);
			said[n++] = a;
		}
	const unsigned want[] = { 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 720, 1440 };
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(said[i], want[i]);
	assert_false(pc_link_report_due(0, 5));
	assert_int_equal(pc_link_next_report(1, 5), 2);
	assert_int_equal(pc_link_next_report(8, 5), 16);
	assert_int_equal(pc_link_next_report(512, 5), 720);
	/* retrying every hour or less often: every attempt is an hour apart */
	assert_true(pc_link_report_due(3, 3600));
	assert_true(pc_link_report_due(7, 7200));
	assert_int_equal(pc_link_next_report(1, 1), 2);
	assert_int_equal(pc_link_next_report(3000, 1), 3600);
}

static void explain(const struct pc_link_probe *p, char *buf, size_t len)
{
	pc_link_explain(p, buf, len);
}

static void each_reason_names_its_fix(void **unused)
{
	(void)unused;
	char text[768];
	struct pc_link_probe p = { .error = EACCES, .blocker = PC_BLOCKER_DIRECTORY,
				   .path = "/var/agentx", .mode = 0700, .owner = "root",
				   .group = "root", .user = "portcomply" };
	explain(&p, text, sizeof(text));
	assert_non_null(strstr(text, "Permission denied: the directory /var/agentx (mode 0700, "
				     "root:root) does not let the user portcomply in; fix: chmod 0755 "
				     "/var/agentx"));

	p = (struct pc_link_probe){ .error = EACCES, .blocker = PC_BLOCKER_SOCKET,
				    .path = "/var/agentx/master", .mode = 0755, .owner = "root",
				    .group = "root", .user = "portcomply" };
	explain(&p, text, sizeof(text));
	assert_non_null(strstr(text, "the socket /var/agentx/master (mode 0755, root:root) does not "
				     "let the user portcomply connect; fix: restart snmpd "
				     "(systemctl restart snmpd)"));

	p = (struct pc_link_probe){ .error = ENOENT, .blocker = PC_BLOCKER_NO_SOCKET,
				    .path = "/var/agentx/master" };
	explain(&p, text, sizeof(text));
	assert_non_null(strstr(text, "no socket /var/agentx/master: snmpd is not running"));
	assert_non_null(strstr(text, "fix: start snmpd"));

	p = (struct pc_link_probe){ .error = ENOENT, .blocker = PC_BLOCKER_NO_DIRECTORY,
				    .path = "/var/agentx" };
	explain(&p, text, sizeof(text));
	assert_non_null(strstr(text, "no directory /var/agentx"));

	p = (struct pc_link_probe){ .error = ECONNREFUSED, .blocker = PC_BLOCKER_NO_LISTENER,
				    .path = "127.0.0.1:705", .tcp = true };
	explain(&p, text, sizeof(text));
	assert_non_null(strstr(text, "Connection refused: nothing listens on 127.0.0.1:705; fix: "
				     "start snmpd"));

	p = (struct pc_link_probe){ .error = EAFNOSUPPORT, .blocker = PC_BLOCKER_ADDRESS_FAMILY,
				    .tcp = true };
	explain(&p, text, sizeof(text));
	assert_non_null(strstr(text, "RestrictAddressFamilies="));
	assert_non_null(strstr(text, "AF_INET"));

	p = (struct pc_link_probe){ .error = EPERM, .blocker = PC_BLOCKER_FIREWALL,
				    .path = "127.0.0.1:705", .tcp = true };
	explain(&p, text, sizeof(text));
	assert_non_null(strstr(text, "IPAddressAllow="));
}

/* A directory of our own, open to all, for sockets. */
static char dir[64];

static int make_dir(void **unused)
{
	(void)unused;
	snprintf(dir, sizeof(dir), "/tmp/pc-link-diag.XXXXXX");
	if (mkdtemp(dir) == NULL || chmod(dir, 0755) != 0)
		return -1;
	return 0;
}

static int remove_dir(void **unused)
{
	(void)unused;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A Unix socket at path: listening, or bound and closed (a socket file
 * nobody listens on). Returns the listening fd, or -1 when closed. */
static int unix_socket(const char *path, bool listening)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	if (!listening) {
		close(fd);
		return -1;
	}
	assert_int_equal(listen(fd, 1), 0);
	return fd;
}

static void the_probe_finds_what_is_missing(void **unused)
{
	(void)unused;
	char path[128];
	struct pc_link_probe p;

	snprintf(path, sizeof(path), "%s/absent/master", dir);
	pc_link_probe(path, &p);
	assert_int_equal(p.error, ENOENT);
	assert_int_equal(p.blocker, PC_BLOCKER_NO_DIRECTORY);
	assert_non_null(strstr(p.path, "/absent"));

	snprintf(path, sizeof(path), "%s/master", dir);
	pc_link_probe(path, &p);
	assert_int_equal(p.error, ENOENT);
	assert_int_equal(p.blocker, PC_BLOCKER_NO_SOCKET);

	unix_socket(path, false);
	pc_link_probe(path, &p);
	assert_int_equal(p.error, ECONNREFUSED);
	assert_int_equal(p.blocker, PC_BLOCKER_NO_LISTENER);
	unlink(path);

	int fd = unix_socket(path, true);
	char unix_path[160];
	snprintf(unix_path, sizeof(unix_path), "unix:%s", path);
	pc_link_probe(unix_path, &p);
	assert_int_equal(p.error, 0);
	assert_int_equal(p.blocker, PC_BLOCKER_NONE);
	close(fd);
	unlink(path);

	/* TCP: a port nobody listens on (one the kernel just gave and took back) */
	int tcp = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(in);
	assert_int_equal(bind(tcp, (struct sockaddr *)&in, sizeof(in)), 0);
	assert_int_equal(getsockname(tcp, (struct sockaddr *)&in, &len), 0);
	close(tcp);
	char address[64];
	snprintf(address, sizeof(address), "tcp:127.0.0.1:%u", ntohs(in.sin_port));
	pc_link_probe(address, &p);
	assert_true(p.tcp);
	assert_int_equal(p.error, ECONNREFUSED);
	assert_int_equal(p.blocker, PC_BLOCKER_NO_LISTENER);

	/* a host name is not looked up on the SNMP thread */
	pc_link_probe("tcp:localhost:705", &p);
	assert_int_equal(p.blocker, PC_BLOCKER_UNKNOWN_ADDRESS);
}

/* What a child running as nobody finds: the blocker, its path and mode. */
static void probe_as_nobody(const char *path, struct pc_link_probe *p)
{
	int pipefd[2];
	assert_int_equal(pipe(pipefd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct pc_link_probe found;
		if (setgroups(0, NULL) != 0 || setresgid(65534, 65534, 65534) != 0 ||
		    setresuid(65534, 65534, 65534) != 0)
			_exit(1);
		pc_link_probe(path, &found);
		_exit(write(pipefd[1], &found, sizeof(found)) == (ssize_t)sizeof(found) ? 0 : 1);
	}
	close(pipefd[1]);
	assert_int_equal(read(pipefd[0], p, sizeof(*p)), (ssize_t)sizeof(*p));
	close(pipefd[0]);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* The case Debian hosts meet: snmpd made /var/agentx 0700 before the
 * package came, or made the socket before the drop-in's agentXPerms. */
static void the_probe_names_what_refuses_the_user(void **unused)
{
	(void)unused;
	if (geteuid() != 0)
		skip(); /* needs another user to be refused */
	char sub[128], path[160];
	snprintf(sub, sizeof(sub), "%s/agentx", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(path, sizeof(path), "%s/master", sub);
	int fd = unix_socket(path, true);
	struct pc_link_probe p;

	probe_as_nobody(path, &p);
	assert_int_equal(p.error, EACCES);
	assert_int_equal(p.blocker, PC_BLOCKER_DIRECTORY);
	assert_string_equal(p.path, sub);
	assert_int_equal(p.mode, 0700);
	assert_string_equal(p.owner, "root");
	assert_string_equal(p.user, "nobody");

	assert_int_equal(chmod(sub, 0755), 0);
	assert_int_equal(chmod(path, 0755), 0);
	probe_as_nobody(path, &p);
	assert_int_equal(p.error, EACCES);
	assert_int_equal(p.blocker, PC_BLOCKER_SOCKET);
	assert_string_equal(p.path, path);
	assert_int_equal(p.mode, 0755);

	assert_int_equal(chmod(path, 0666), 0);
	probe_as_nobody(path, &p);
	assert_int_equal(p.error, 0);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reports_are_spaced_out),
		cmocka_unit_test(each_reason_names_its_fix),
		cmocka_unit_test(the_probe_finds_what_is_missing),
		cmocka_unit_test(the_probe_names_what_refuses_the_user),
	};
	return cmocka_run_group_tests_name("link_diag", tests, make_dir, remove_dir);
}
