/* SPDX-License-Identifier: ISC */
/* Dropping root: the unprivileged daemon and its naming helper (priv.h).
 * Capabilities are set with the raw system calls: two masks do not
 * justify a library. */
#include "priv/priv.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "collect/namer_helper.h"
#include "collect/namer_protocol.h"

/* Where the monitor and each helper keep their one socket. */
#define SOCKET_FD 3
#define MONITOR_NAME "portcomply-priv" /* comm: at most 15 characters */
#define HELPER_NAME "portcomply-name"
/* The monitor starts a helper in a fork: this is plenty, even loaded. */
#define SPAWN_WAIT_MS 10000
/* What reading another user's /proc/PID/fd takes: the directory is 0500
 * (DAC_READ_SEARCH), its links need ptrace read access (SYS_PTRACE). */
#define HELPER_CAPS ((1ull << CAP_SYS_PTRACE) | (1ull << CAP_DAC_READ_SEARCH))

static int last_cap(void)
{
	int last = CAP_LAST_CAP;
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	if (f != NULL) {
		if (fscanf(f, "%d", &last) != 1)
			last = CAP_LAST_CAP;
		fclose(f);
	}
	return last;
}

/* Empties the bounding set but for keep: nothing exec'd later can regain
 * more, whatever its file capabilities. */
static int drop_bounding(unsigned long long keep)
{
	int last = last_cap();
	for (int cap = 0; cap <= last && cap < 64; cap++) {
		if (keep & (1ull << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return -1;
	}
	return 0;
}

static int set_caps(unsigned long long keep)
{
	struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	memset(data, 0, sizeof(data));
	data[0].effective = data[0].permitted = (uint32_t)keep;
	data[1].effective = data[1].permitted = (uint32_t)(keep >> 32);
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return -1;
	return (int)syscall(SYS_capset, &header, data);
}

unsigned long long pc_priv_effective_caps(void)
{
	struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &header, data) < 0)
		return ~0ull;
	return (unsigned long long)data[0].effective | (unsigned long long)data[1].effective << 32;
}

/* The naming helper, the monitor's child: its capabilities are the
 * monitor's. Never returns. */
static void run_helper(int fd, pid_t monitor) __attribute__((noreturn));
static void run_helper(int fd, pid_t monitor)
{
	struct sigaction ignore = { .sa_handler = SIG_IGN }, dfl = { .sa_handler = SIG_DFL };

	/* Ctrl-C and SIGHUP are the daemon's business; it ends us by closing
	 * the socket (or the monitor does, with SIGKILL). */
	sigaction(SIGINT, &ignore, NULL);
	sigaction(SIGHUP, &ignore, NULL);
	sigaction(SIGTERM, &dfl, NULL);
	prctl(PR_SET_NAME, HELPER_NAME, 0, 0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (getppid() != monitor)
		_exit(1);
	if (fd != SOCKET_FD && (dup2(fd, SOCKET_FD) < 0 || close(fd) < 0))
		_exit(1);
	/* Nothing of the monitor's: its socket to the daemon. */
	if (syscall(SYS_close_range, SOCKET_FD + 1, ~0u, 0) < 0)
		_exit(1);
	const struct pc_namer_serve_options options = { .proc_root = NULL };
	_exit(pc_namer_serve(SOCKET_FD, &options) == 0 ? 0 : 1);
}

/* A new helper for the daemon, after the one before is gone for sure. */
static struct pc_namer_spawn_reply spawn_helper(pid_t *helper, int *daemon_end)
{
	struct pc_namer_spawn_reply reply = { 0, 0 };
	int sv[2];

	*daemon_end = -1;
	if (*helper > 0) {
		kill(*helper, SIGKILL); /* stopped or broken: the daemon gave up on it */
		while (waitpid(*helper, NULL, 0) < 0 && errno == EINTR)
			;
		*helper = 0;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		reply.error = errno;
		return reply;
	}
	pid_t monitor = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		reply.error = errno;
		close(sv[0]);
		close(sv[1]);
		return reply;
	}
	if (pid == 0) {
		close(sv[0]);
		run_helper(sv[1], monitor);
	}
	close(sv[1]);
	*helper = pid;
	*daemon_end = sv[0];
	reply.pid = pid;
	return reply;
}

/* The monitor: root's uid (to remove the pid file in a root-owned
 * directory), the helper's capabilities when it names processes, no way
 * to regain others. It outlives the daemon's every end: a SIGTERM for the
 * whole unit, a crash, a SIGKILL all close the daemon's end of the
 * socket, and that is when it stops the helper and removes the pid file.
 * Never returns. */
static void run_monitor(int fd, pid_t daemon_pid, bool naming, const char *pidfile)
	__attribute__((noreturn));
static void run_monitor(int fd, pid_t daemon_pid, bool naming, const char *pidfile)
{
	struct sigaction ignore = { .sa_handler = SIG_IGN };
	sigset_t none;

	sigaction(SIGINT, &ignore, NULL);
	sigaction(SIGHUP, &ignore, NULL);
	sigaction(SIGTERM, &ignore, NULL);
	sigaction(SIGPIPE, &ignore, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	prctl(PR_SET_NAME, MONITOR_NAME, 0, 0, 0);
	if (getppid() != daemon_pid)
		_exit(1);
	if (fd != SOCKET_FD && (dup2(fd, SOCKET_FD) < 0 || close(fd) < 0))
		_exit(1);
	/* Nothing of the daemon's: log files, the loop's pipe, net-snmp. */
	if (syscall(SYS_close_range, SOCKET_FD + 1, ~0u, 0) < 0)
		_exit(1);
	unsigned long long caps = naming ? HELPER_CAPS : 0;
	if (setgroups(0, NULL) < 0 || drop_bounding(caps) < 0 ||
	    prctl(PR_SET_SECUREBITS,
		  SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
			  SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED,
		  0, 0, 0) < 0 ||
	    set_caps(caps) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		_exit(1);

	pid_t helper = 0;
	for (;;) {
		struct pc_namer_spawn_request request;
		ssize_t n = pc_namer_recv(SOCKET_FD, &request, sizeof(request), 0, NULL);
		if (n < 0 && errno == EINTR)
			continue;
		/* The daemon is gone (0), or asks something else than the one
		 * question: either way, the end. */
		if (n != (ssize_t)sizeof(request) || request.command != PC_NAMER_SPAWN || !naming)
			break;
		int daemon_end;
		struct pc_namer_spawn_reply reply = spawn_helper(&helper, &daemon_end);
		int sent = pc_namer_send(SOCKET_FD, &reply, sizeof(reply), 0, daemon_end);
		if (daemon_end >= 0)
			close(daemon_end);
		if (sent < 0)
			break;
	}
	if (pidfile != NULL)
		unlink(pidfile);
	if (helper > 0) {
		kill(helper, SIGKILL);
		while (waitpid(helper, NULL, 0) < 0 && errno == EINTR)
			;
	}
	_exit(0);
}

/* The monitor's answer to a request for a helper, waited for at most
 * SPAWN_WAIT_MS. 0, or -1 with err. */
static int first_helper(struct pc_priv *priv, char *err, size_t errlen)
{
	struct pc_namer_spawn_request request = { PC_NAMER_SPAWN };
	struct pc_namer_spawn_reply reply;
	struct pollfd p = { .fd = priv->monitor_fd, .events = POLLIN };
	int fd = -1;

	if (pc_namer_send(priv->monitor_fd, &request, sizeof(request), 0, -1) < 0 ||
	    poll(&p, 1, SPAWN_WAIT_MS) != 1 ||
	    pc_namer_recv(priv->monitor_fd, &reply, sizeof(reply), MSG_DONTWAIT, &fd) !=
		    (ssize_t)sizeof(reply)) {
		snprintf(err, errlen, "the privileged monitor did not start the naming helper");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (reply.error != 0 || fd < 0) {
		snprintf(err, errlen, "cannot start the naming helper: %s",
			 strerror(reply.error != 0 ? reply.error : EPROTO));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	priv->namer_fd = fd;
	priv->namer_pid = reply.pid;
	return 0;
}

static int become(const struct passwd *pw, char *err, size_t errlen)
{
	if (drop_bounding(0) < 0) {
		snprintf(err, errlen, "cannot empty the capability bounding set: %s",
			 strerror(errno));
		return -1;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) < 0 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) < 0 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) < 0) {
		snprintf(err, errlen, "cannot become user %s: %s", pw->pw_name, strerror(errno));
		return -1;
	}
	/* A uid change from root clears the capabilities; say so explicitly
	 * and check that root cannot come back. */
	if (set_caps(0) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    pc_priv_effective_caps() != 0 || setuid(0) == 0) {
		snprintf(err, errlen, "cannot drop every privilege as user %s", pw->pw_name);
		return -1;
	}
	return 0;
}

int pc_priv_drop(struct pc_priv *priv, const char *user, bool with_helper, const char *pidfile,
		 char *err, size_t errlen)
{
	const char *name = user != NULL ? user : PC_DEFAULT_USER;
	int sv[2];

	priv->namer_fd = priv->monitor_fd = -1;
	priv->namer_pid = priv->monitor = 0;
	priv->dropped = false;
	if (geteuid() != 0 && user == NULL)
		return 0; /* as before: naming what this user may read */
	errno = 0;
	const struct passwd *pw = getpwnam(name);
	if (pw == NULL) {
		snprintf(err, errlen,
			 "user %s does not exist: create it (the package and 'make install' "
			 "do: useradd --system --user-group --no-create-home --home-dir "
			 "/nonexistent --shell /usr/sbin/nologin %s), or choose one with -u USER",
			 name, name);
		return -1;
	}
	if (geteuid() != 0) {
		if (user != NULL && pw->pw_uid != geteuid()) {
			snprintf(err, errlen, "-u %s: only root can change user", name);
			return -1;
		}
		return 0;
	}
	if (pw->pw_uid == 0)
		return 0; /* -u root: the operator's explicit choice */

	if (with_helper || pidfile != NULL) {
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
			snprintf(err, errlen, "socketpair: %s", strerror(errno));
			return -1;
		}
		pid_t daemon_pid = getpid();
		pid_t pid = fork();
		if (pid < 0) {
			snprintf(err, errlen, "fork: %s", strerror(errno));
			close(sv[0]);
			close(sv[1]);
			return -1;
		}
		if (pid == 0) {
			close(sv[0]);
			run_monitor(sv[1], daemon_pid, with_helper, pidfile);
		}
		close(sv[1]);
		priv->monitor_fd = sv[0];
		priv->monitor = pid;
		if (with_helper && first_helper(priv, err, errlen) < 0) {
			pc_priv_finish(priv);
			return -1;
		}
	}
	if (become(pw, err, errlen) < 0) {
		pc_priv_finish(priv);
		return -1;
	}
	priv->dropped = true;
	return 0;
}

int pc_priv_finish(struct pc_priv *priv)
{
	int rc = 0;
	if (priv->namer_fd >= 0)
		close(priv->namer_fd);
	priv->namer_fd = -1;
	if (priv->monitor_fd >= 0)
		close(priv->monitor_fd);
	priv->monitor_fd = -1;
	if (priv->monitor > 0) {
		/* Bounded: a monitor that is stopped finishes once continued,
		 * and must not keep the daemon from stopping. It has nothing
		 * but a kill, a wait and an unlink to do: polled every 5 ms. */
		struct timespec start, now, nap = { 0, 5 * 1000000 };
		clock_gettime(CLOCK_MONOTONIC, &start);
		pid_t done;
		for (;;) {
			done = waitpid(priv->monitor, NULL, WNOHANG);
			if (done != 0 && !(done < 0 && errno == EINTR))
				break;
			clock_gettime(CLOCK_MONOTONIC, &now);
			if ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 >=
			    PC_PRIV_FINISH_WAIT_MS)
				break;
			nanosleep(&nap, NULL);
		}
		if (done != priv->monitor)
			rc = -1;
	}
	priv->monitor = 0;
	return rc;
}
