/* Dropping root: the unprivileged daemon and its naming helper (priv.h).
 * Capabilities are set with the raw system calls: two masks do not
 * justify a library. */
#include "priv/priv.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collect/namer_helper.h"

#define HELPER_FD 3
#define HELPER_NAME "portcomply-priv" /* comm: at most 15 characters */
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

/* The helper: root's uid (to remove the pid file in a root-owned
 * directory), two capabilities, no way to regain others. Never returns. */
static void run_helper(int fd, pid_t daemon_pid, const char *pidfile)
{
	struct sigaction ignore = { .sa_handler = SIG_IGN }, dfl = { .sa_handler = SIG_DFL };
	sigset_t none;

	/* Ctrl-C and SIGHUP are the daemon's business; it ends us by closing
	 * the socket. SIGTERM (systemd stopping the unit) ends us at once. */
	sigaction(SIGINT, &ignore, NULL);
	sigaction(SIGHUP, &ignore, NULL);
	sigaction(SIGPIPE, &ignore, NULL);
	sigaction(SIGTERM, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	prctl(PR_SET_NAME, HELPER_NAME, 0, 0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (getppid() != daemon_pid)
		_exit(1);
	if (fd != HELPER_FD && (dup2(fd, HELPER_FD) < 0 || close(fd) < 0))
		_exit(1);
	/* Nothing of the daemon's: log files, the loop's pipe, net-snmp. */
	if (syscall(SYS_close_range, HELPER_FD + 1, ~0u, 0) < 0)
		_exit(1);
	if (setgroups(0, NULL) < 0 || drop_bounding(HELPER_CAPS) < 0 ||
	    prctl(PR_SET_SECUREBITS,
		  SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
			  SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED,
		  0, 0, 0) < 0 ||
	    set_caps(HELPER_CAPS) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		_exit(1);
	int rc = pc_namer_serve(HELPER_FD, NULL);
	/* The daemon closed its end: it is exiting (or died). */
	if (rc == 0 && pidfile != NULL)
		unlink(pidfile);
	_exit(rc == 0 ? 0 : 1);
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

	priv->namer_fd = -1;
	priv->helper = 0;
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

	if (with_helper) {
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
			run_helper(sv[1], daemon_pid, pidfile);
		}
		close(sv[1]);
		priv->namer_fd = sv[0];
		priv->helper = pid;
	}
	if (become(pw, err, errlen) < 0) {
		pc_priv_finish(priv);
		return -1;
	}
	priv->dropped = true;
	return 0;
}

void pc_priv_finish(struct pc_priv *priv)
{
	if (priv->namer_fd >= 0)
		close(priv->namer_fd);
	priv->namer_fd = -1;
	if (priv->helper > 0) {
		while (waitpid(priv->helper, NULL, 0) < 0 && errno == EINTR)
			;
	}
	priv->helper = 0;
}
