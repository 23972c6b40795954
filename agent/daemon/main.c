/* SPDX-License-Identifier: ISC */
/* portcomplyd: the AgentX subagent, and the one-shot audit commands (which
 * run on this thread alone).
 *
 * Serving, it is three threads and, started as root, a helper process
 * (docs/threads.md: who owns what, how each is woken, what guards what):
 *   - this thread, the SNMP thread: net-snmp's loop (AgentX, the MIB, the
 *     notifications, every net-snmp log line) and the signals. select()
 *     wakes it for net-snmp's sockets and timers and for three pipes: the
 *     loop pipe (a signal, or another thread's log line queued under
 *     deferred_lock), the poll thread's and the loader's.
 *   - the poll thread (poller.c): the collector and the engine, on its
 *     interval and on destroy events; states and events cross under the
 *     poller's lock, new settings come back the same way.
 *   - the loader thread (plan_loader.c): started here, after the poll
 *     thread, and idle until SIGHUP asks for a load; its result crosses
 *     under the loader's lock.
 *   - the naming thread (collect/namer_thread.c), the collector's: names
 *     the listeners' processes off the poll thread, asking the helper.
 *   - the monitor process (priv.c): forked before any thread; keeps the
 *     two capabilities naming processes takes, starts a naming helper
 *     when the naming thread asks (collect/namer_protocol.h), and removes
 *     the pid file once this process is gone, however it ended.
 * The other threads block every signal. Plans and states are immutable and
 * reference counted: they cross threads without a lock.
 *
 * Inherited descriptors are closed first thing: every descriptor this
 * process selects on stays below FD_SETSIZE, which net-snmp's loop and
 * ours take as given (an fd beyond it would be written past the end of
 * an fd_set). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "cli/cli.h"
#include "cli/cli_export.h"
#include "daemon/baseline_file.h"
#include "cli/control.h"
#include "daemon/control.h"
#include "daemon/options.h"
#include "plan/config.h"
#include "daemon/eventlog.h"
#include "plan/plan.h"
#include "daemon/plan_loader.h"
#include "snmp/link.h"
#include "util/log.h"
#include "snmp/mib.h"
#include "snmp/notify.h"
#include "daemon/poller.h"
#include "priv/priv.h"

/* ---- Signals and messages from the poll thread reach the loop through one pipe. ---- */

static int loop_pipe[2] = { -1, -1 };
static pthread_t loop_thread;

static void on_signal(int signo)
{
	int saved = errno;
	unsigned char byte = (unsigned char)signo;
	if (write(loop_pipe[1], &byte, 1) < 0) {
		/* full pipe: the loop has wake-ups pending anyway */
	}
	errno = saved;
}

#define DEFERRED_LOG_MAX 64

static pthread_mutex_t deferred_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	int level;
	char text[256];
} deferred_log[DEFERRED_LOG_MAX];
static size_t deferred_count;
static unsigned deferred_dropped;

/* net-snmp's logging belongs to the loop's thread: the poll thread's lines
 * are queued and written by the loop. */
static void log_to_netsnmp(int level, const char *message)
{
	if (pthread_equal(pthread_self(), loop_thread)) {
		snmp_log(level, "%s\n", message);
		return;
	}
	pthread_mutex_lock(&deferred_lock);
	if (deferred_count < DEFERRED_LOG_MAX) {
		deferred_log[deferred_count].level = level;
		snprintf(deferred_log[deferred_count].text, sizeof(deferred_log[0].text), "%s",
			 message);
		deferred_count++;
	} else {
		deferred_dropped++;
	}
	pthread_mutex_unlock(&deferred_lock);
	unsigned char byte = 0;
	if (write(loop_pipe[1], &byte, 1) < 0) {
		/* full pipe: the loop has wake-ups pending anyway */
	}
}

static void flush_deferred_log(void)
{
	pthread_mutex_lock(&deferred_lock);
	for (size_t i = 0; i < deferred_count; i++)
		snmp_log(deferred_log[i].level, "%s\n", deferred_log[i].text);
	if (deferred_dropped > 0)
		snmp_log(LOG_WARNING, "%u log lines from the poll thread were dropped\n",
			 deferred_dropped);
	deferred_count = 0;
	deferred_dropped = 0;
	pthread_mutex_unlock(&deferred_lock);
}

static int install_signal_handlers(void)
{
	if (pipe2(loop_pipe, O_NONBLOCK | O_CLOEXEC) < 0)
		return -1;
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* A master that vanishes mid-write must not kill us. */
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* ---- Serving ---- */

struct daemon {
	const struct pc_options *options;
	struct pc_plan *plan; /* configuration, catalog, expectations: valid as one */
	struct pc_poller *poller;
	struct pc_notifier *notifier;
	struct pc_priv priv;
	struct pc_plan_loader *loader; /* SIGHUP's and --reload's loads, off this thread */
	char *state_dir; /* the baseline's directory, fixed at start */
	struct pc_control *control; /* --check's and --reload's socket; NULL: none */
	bool stopping;
	bool pidfile_written;
	bool netsnmp_up; /* init_agent ran: net-snmp is shut down at the end */
};

static struct pc_poller_settings poller_settings(const struct daemon *d, struct pc_plan *plan)
{
	const struct pc_config *config = plan->config;
	struct pc_poller_settings s = {
		.collector = {
			.mode = PC_COLLECT_AUTO,
			.resolve_processes = config->resolve_processes,
			.naming_thread = true,
			.namer_fd = -1,
			.monitor_fd = -1,
			.watch_destroy = true,
		},
		.plan = plan,
		.engine = {
			.hold_down = config->hold_down,
			.flap_threshold = config->flap_threshold,
			.flap_window = config->flap_window,
			.check_connections = config->check_connections,
		},
		.interval_ms = config->poll_interval * 1000,
		.recheck_ms = config->recheck_interval_ms,
		.baseline_dir = d->state_dir,
	};
	return s;
}

/* What --reload's clients are told: the load's diagnostics, then the
 * verdict (cli/control.h). NULL when out of memory. */
static char *reload_answer(const struct pc_diag *diag, const char *verdict, const char *text)
{
	char *answer = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&answer, &len);
	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < diag->n_lines; i++)
		fprintf(out, "diag %s\n", diag->lines[i]);
	fprintf(out, "%s %s\n", verdict, text);
	if (fclose(out) != 0) {
		free(answer);
		return NULL;
	}
	return answer;
}

/* Tells the clients of --reload whose request this load answers. */
static void answer_reload(struct daemon *d, const struct pc_diag *diag, const char *verdict,
			  const char *text)
{
	if (d->control == NULL)
		return;
	char *answer = reload_answer(diag, verdict, text);
	pc_control_reloaded(d->control, pc_plan_loader_taken_through(d->loader),
			    answer != NULL ? answer : "error out of memory\n");
	free(answer);
}

/* SIGHUP or --reload: a configuration (or catalog) that does not validate
 * changes nothing. The load runs on the loader's thread; this is its
 * result. */
static void apply_reload(struct daemon *d)
{
	struct pc_diag diag = { 0 };
	struct pc_plan *fresh = NULL;
	const char *path = d->options->cli.config_path;
	char text[PATH_MAX + 128];

	if (!pc_plan_loader_take(d->loader, &fresh, &diag))
		return;
	for (size_t i = 0; i < diag.n_lines; i++)
		snmp_log(fresh != NULL ? LOG_WARNING : LOG_ERR, "%s\n", diag.lines[i]);
	if (fresh == NULL) {
		snprintf(text, sizeof(text),
			 "reload: %s is not valid; still serving the previous configuration", path);
		snmp_log(LOG_ERR, "%s\n", text);
		answer_reload(d, &diag, "refused", text);
		pc_diag_clear(&diag);
		return;
	}
	const struct pc_config *now = d->plan->config, *next = fresh->config;
	const char *old_socket = now->agentx_socket ? now->agentx_socket : "";
	const char *new_socket = next->agentx_socket ? next->agentx_socket : "";
	if (strcmp(old_socket, new_socket) != 0 && d->options->agentx_socket == NULL)
		snmp_log(LOG_WARNING, "reload: agentx-socket changes at the next restart\n");
	if (next->resolve_processes != now->resolve_processes)
		snmp_log(LOG_WARNING, "reload: resolve-processes changes at the next restart\n");
	char *state_dir = next->state_directory != NULL
				  ? pc_config_resolve_path(next, next->state_directory)
				  : strdup(d->options->default_state_dir);
	if (state_dir != NULL && strcmp(state_dir, d->state_dir) != 0)
		snmp_log(LOG_WARNING, "reload: state-directory changes at the next restart\n");
	free(state_dir);
	struct pc_poller_settings settings = poller_settings(d, fresh);
	pc_poller_reconfigure(d->poller, &settings);
	pc_notifier_configure(d->notifier, next);
	pc_plan_unref(d->plan);
	d->plan = fresh;
	snprintf(text, sizeof(text), "reloaded %s (%zu roles)", path, next->n_roles);
	snmp_log(LOG_NOTICE, "%s\n", text);
	answer_reload(d, &diag, "ok", text);
	pc_diag_clear(&diag);
}

static void handle_loop_pipe(struct daemon *d)
{
	unsigned char bytes[64];
	ssize_t n;

	while ((n = read(loop_pipe[0], bytes, sizeof(bytes))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (bytes[i] == SIGTERM || bytes[i] == SIGINT)
				d->stopping = true;
			else if (bytes[i] == SIGHUP)
				pc_plan_loader_request(d->loader);
		}
	}
	flush_deferred_log();
}

/* The newest state goes to the MIB; every event, in order, to notify. */
static void take_poll_results(struct daemon *d)
{
	struct pc_event_box events;

	pc_event_box_init(&events, 0);
	struct pc_state *state = pc_poller_take(d->poller);
	if (state != NULL)
		pc_mib_set_state(state);
	if (pc_poller_take_events(d->poller, &events) > 0 || !pc_event_box_empty(&events)) {
		pc_eventlog_box(&events);
		pc_notifier_raise_events(d->notifier, &events, state != NULL ? &state->eval : NULL);
	}
	pc_event_box_clear(&events);
}

/* Our descriptors in an fd_set: never one it cannot hold. */
static bool selectable(int fd)
{
	return fd >= 0 && fd < FD_SETSIZE;
}

static void run_loop(struct daemon *d)
{
	int poller_fd = pc_poller_wake_fd(d->poller);
	int loader_fd = pc_plan_loader_fd(d->loader);

	if (!selectable(loop_pipe[0]) || !selectable(poller_fd) || !selectable(loader_fd)) {
		snmp_log(LOG_ERR, "a descriptor of the main loop is %d or above (FD_SETSIZE): cannot "
				  "wait on it; stopping\n",
			 FD_SETSIZE);
		return;
	}
	while (!d->stopping) {
		int numfds = 0, block = 1;
		fd_set readfds;
		struct timeval timeout = { 0 }, *tvp = &timeout;

		FD_ZERO(&readfds);
		snmp_select_info(&numfds, &readfds, tvp, &block);
		if (numfds > FD_SETSIZE) {
			snmp_log(LOG_ERR, "net-snmp selects on a descriptor of %d or above "
					  "(FD_SETSIZE); stopping\n",
				 FD_SETSIZE);
			break;
		}
		if (block)
			tvp = NULL;
		FD_SET(loop_pipe[0], &readfds);
		FD_SET(poller_fd, &readfds);
		FD_SET(loader_fd, &readfds);
		numfds = pc_control_fill(d->control, &readfds, numfds);
		if (loop_pipe[0] >= numfds)
			numfds = loop_pipe[0] + 1;
		if (poller_fd >= numfds)
			numfds = poller_fd + 1;
		if (loader_fd >= numfds)
			numfds = loader_fd + 1;
		int notifier_fds = pc_notifier_watch(d->notifier, &readfds);
		if (notifier_fds > numfds)
			numfds = notifier_fds;

		int count = select(numfds, &readfds, NULL, NULL, tvp);
		if (count > 0) {
			if (FD_ISSET(loop_pipe[0], &readfds))
				handle_loop_pipe(d);
			if (FD_ISSET(poller_fd, &readfds))
				take_poll_results(d);
			if (FD_ISSET(loader_fd, &readfds))
				apply_reload(d);
			pc_notifier_readable(d->notifier, &readfds);
			pc_control_handle(d->control, &readfds);
			snmp_read(&readfds);
		} else if (count == 0) {
			snmp_timeout();
		} else if (errno != EINTR) {
			snmp_log(LOG_ERR, "select: %s\n", strerror(errno));
			break;
		}
		run_alarms();
		netsnmp_check_outstanding_agent_requests();
		pc_notifier_run(d->notifier);
	}
}

/* The notifier follows the AgentX link (what waits goes out once the
 * master is back) and pcNotify serves its counters. */
static void master_up(void *notifier, void *session)
{
	pc_notifier_link_up(notifier, session);
}

static void master_down(void *notifier)
{
	pc_notifier_link_down(notifier);
}

static struct pc_notify_stats notifier_stats(const void *notifier)
{
	return pc_notifier_stats(notifier);
}

/* The control socket's "status": the AgentX link (cli/control.h). */
static void control_status(void *context, char *answer, size_t len)
{
	(void)context;
	struct pc_link_status link;
	pc_link_status(&link);
	int n = snprintf(answer, len, "connected %d\naddress %s\nattempts %u\nsince %lu\n",
			 link.connected, link.address, link.attempts, link.since_s);
	if (!link.connected && link.reason[0] != '\0' && n > 0 && (size_t)n < len)
		snprintf(answer + n, len - (size_t)n, "reason %s\n", link.reason);
}

static unsigned long control_reload(void *context)
{
	struct daemon *d = context;
	return pc_plan_loader_request(d->loader);
}

/* Under systemd, stderr is the journal (systemd.exec(5), $JOURNAL_STREAM
 * names its device and inode). */
static bool stderr_is_journal(void)
{
	const char *stream = getenv("JOURNAL_STREAM");
	struct stat st;
	unsigned long long dev, ino;
	return stream != NULL && sscanf(stream, "%llu:%llu", &dev, &ino) == 2 &&
	       fstat(STDERR_FILENO, &st) == 0 && st.st_dev == dev && st.st_ino == ino;
}

static int write_pidfile(const char *path)
{
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		snmp_log(LOG_ERR, "cannot write the pid file %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(f, "%ld\n", (long)getpid());
	fclose(f);
	return 0;
}

static void log_privileges(const struct pc_priv *priv)
{
	if (priv->dropped)
		snmp_log(LOG_INFO, "running as uid %ld with no capabilities%s\n", (long)getuid(),
			 priv->namer_pid > 0 ? "; a helper process names the listeners' processes" : "");
	else if (geteuid() == 0)
		snmp_log(LOG_WARNING, "running as root (-u root): no privilege separation\n");
}

static void configure_netsnmp(void)
{
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1); /* subagent */
	/* Our configuration is portcomply.conf: no net-snmp files are read,
	 * nothing is written under /var/lib/snmp, and no MIB is loaded. */
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	setenv("MIBS", "", 1);
	setenv("MIBDIRS", "", 1);
	/* Timers run from the loop, not from SIGALRM: there is a second thread. */
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_ALARM_DONT_USE_SIG, 1);
}

/* What serve() started, undone in reverse on every way out. */
static int stop_serving(struct daemon *d, int rc)
{
	const struct pc_options *o = d->options;
	if (rc == 0)
		snmp_log(LOG_NOTICE, PC_NAME " stopping\n");
	pc_control_close(d->control);
	pc_plan_loader_stop(d->loader);
	pc_poller_stop(d->poller); /* the naming thread too: the helper's socket closes */
	/* Not root any more, the daemon may not remove the pid file: the
	 * monitor does, once both its sockets are closed. */
	if (o->pidfile != NULL && d->pidfile_written)
		unlink(o->pidfile);
	if (pc_priv_finish(&d->priv) < 0)
		snmp_log(LOG_WARNING, "the privileged monitor did not finish within %d ms: it stops "
				      "the naming helper%s%s once it runs again\n",
			 PC_PRIV_FINISH_WAIT_MS, o->pidfile != NULL ? " and removes " : "",
			 o->pidfile != NULL ? o->pidfile : "");
	if (d->netsnmp_up) {
		pc_mib_shutdown();
		pc_link_shutdown();
		snmp_shutdown(PC_NAME);
	}
	pc_notifier_free(d->notifier); /* net-snmp's sessions, gone, answer no more */
	pc_log_set_sink(NULL);
	pc_plan_unref(d->plan);
	free(d->state_dir);
	return rc;
}

static int serve(const struct pc_options *o)
{
	struct pc_diag diag = { 0 };
	struct daemon d = { .options = o, .priv = { .namer_fd = -1, .monitor_fd = -1 } };

	/* Nothing starts unless configuration and catalog validate as one. */
	d.plan = pc_plan_load(o->cli.config_path, &diag);
	pc_diag_print(&diag, stderr);
	pc_diag_clear(&diag);
	if (d.plan == NULL) {
		/* The journal's reader sees systemd give up (the unit's
		 * RestartPreventExitStatus=2): say why it does. */
		if (stderr_is_journal())
			fprintf(stderr,
				PC_NAME ": not started: %s is not valid (exit status 2; systemd does not "
					"restart the service until it is started again)\n",
				o->cli.config_path);
		return 2;
	}
	/* Named now: daemonizing moves to /, and a relative -c must still
	 * name the same control socket as --check's and --reload's. */
	struct sockaddr_un control_addr;
	socklen_t control_len;
	pc_control_address(o->cli.config_path, &control_addr, &control_len);
	const struct pc_config *config = d.plan->config;
	d.state_dir = config->state_directory != NULL
			      ? pc_config_resolve_path(config, config->state_directory)
			      : strdup(o->default_state_dir);
	if (d.state_dir == NULL) {
		fprintf(stderr, PC_NAME ": out of memory\n");
		return 1;
	}

	if (!o->logging_given) {
		if (o->foreground)
			snmp_enable_stderrlog();
		else
			snmp_enable_syslog_ident(PC_NAME, LOG_DAEMON);
	}
	loop_thread = pthread_self();
	if (install_signal_handlers() < 0) {
		fprintf(stderr, PC_NAME ": pipe: %s\n", strerror(errno));
		return stop_serving(&d, 1);
	}
	pc_log_set_sink(log_to_netsnmp);

	configure_netsnmp();
	d.notifier = pc_notifier_new(config);
	if (d.notifier == NULL) {
		snmp_log(LOG_ERR, "out of memory for the notification queue\n");
		return stop_serving(&d, 1);
	}
	if (!o->foreground && netsnmp_daemonize(1, snmp_stderrlog_status()) != 0) {
		snmp_log(LOG_ERR, "cannot become a daemon: %s\n", strerror(errno));
		return stop_serving(&d, 1);
	}
	loop_thread = pthread_self(); /* the daemon's child is a new process */
	if (o->pidfile != NULL) {
		if (write_pidfile(o->pidfile) < 0)
			return stop_serving(&d, 1);
		d.pidfile_written = true;
	}
	/* As root still: the baseline's directory must be the service user's. */
	pc_baseline_file_prepare(d.state_dir, o->user);
	/* Before the first thread and the first AgentX byte. */
	char why[512];
	if (pc_priv_drop(&d.priv, o->user, config->resolve_processes, d.pidfile_written ? o->pidfile : NULL,
			 why, sizeof(why)) < 0) {
		snmp_log(LOG_ERR, "%s\n", why);
		return stop_serving(&d, 1);
	}
	log_privileges(&d.priv);

	init_agent(PC_NAME);
	d.netsnmp_up = true;
	/* After init_agent, which sets net-snmp's own 15 s retry default, and
	 * before init_snmp, which makes the first connection attempt. */
	const struct pc_link_observer link_observer = { master_up, master_down, d.notifier };
	pc_link_configure(o->agentx_socket != NULL ? o->agentx_socket : config->agentx_socket,
			  config->agentx_retry, &link_observer);
	const struct pc_mib_counters counters = { notifier_stats, d.notifier };
	if (pc_mib_register(&counters) < 0) {
		snmp_log(LOG_ERR, "cannot register the MIB's objects with net-snmp\n");
		return stop_serving(&d, 1);
	}
	init_snmp(PC_NAME);
	pc_link_report_startup();

	/* Until the first poll completes, the MIB serves the plan, all unknown. */
	struct pc_state *unknown = pc_state_new_unknown(d.plan);
	if (unknown == NULL) {
		snmp_log(LOG_ERR, "out of memory for the first state\n");
		return stop_serving(&d, 1);
	}
	pc_mib_set_state(unknown);

	struct pc_poller_settings settings = poller_settings(&d, d.plan);
	/* The helper's socket goes to the collector's naming thread; the
	 * monitor's too, as a copy: the monitor takes the daemon for gone
	 * (and removes the pid file) only once this process's own copy closes
	 * as well, at its very end. */
	settings.collector.namer_fd = d.priv.namer_fd;
	settings.collector.namer_pid = d.priv.namer_pid;
	d.priv.namer_fd = -1;
	if (settings.collector.namer_fd >= 0 && d.priv.monitor_fd >= 0)
		settings.collector.monitor_fd = fcntl(d.priv.monitor_fd, F_DUPFD_CLOEXEC, 3);
	char err[256];
	d.poller = pc_poller_start(&settings, err, sizeof(err));
	if (d.poller == NULL) {
		snmp_log(LOG_ERR, "cannot observe the socket tables: %s\n", err);
		return stop_serving(&d, 1);
	}
	d.loader = pc_plan_loader_start(o->cli.config_path, pc_plan_load);
	if (d.loader == NULL) {
		snmp_log(LOG_ERR, "cannot start the configuration loader\n");
		return stop_serving(&d, 1);
	}
	/* Without it the daemon serves all the same; only --reload and
	 * --check's view of the link are missing. */
	const struct pc_control_handlers control = { control_status, control_reload, &d };
	d.control = pc_control_open(&control_addr, control_len, &control, err, sizeof(err));
	if (d.control == NULL)
		snmp_log(LOG_WARNING, "%s\n", err);
	snmp_log(LOG_NOTICE, PC_NAME " %s started (configuration %s, poll every %u s)\n",
		 PC_VERSION, o->cli.config_path, config->poll_interval);

	run_loop(&d);
	return stop_serving(&d, 0);
}

static void debug_tokens(const char *tokens)
{
	debug_register_tokens(tokens);
	snmp_set_do_debugging(1);
}

/* Descriptors this process did not open are not its own: a parent that
 * leaks a thousand would push ours past FD_SETSIZE. 0, 1 and 2 stay (and
 * are opened on /dev/null when missing, so that no socket of ours becomes
 * someone's stderr). */
static void own_descriptors_only(void)
{
	if (syscall(SYS_close_range, 3, ~0u, 0) < 0) {
		struct rlimit limit;
		int last = getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < 65536
				   ? (int)limit.rlim_cur
				   : 65536;
		for (int fd = 3; fd < last; fd++)
			close(fd);
	}
	for (int fd = 0; fd < 3; fd++) {
		struct stat st;
		if (fstat(fd, &st) < 0 && errno == EBADF) {
			int null = open("/dev/null", O_RDWR);
			if (null >= 0 && null != fd) {
				dup2(null, fd);
				close(null);
			}
		}
	}
}

int main(int argc, char **argv)
{
	static const struct pc_options_netsnmp netsnmp = {
		.log_option = snmp_log_options,
		.debug = debug_tokens,
		.version = netsnmp_get_version,
		.agentx_default = NETSNMP_AGENTX_SOCKET,
	};
	struct pc_options o;

	own_descriptors_only();
	/* net-snmp's syslog (-Ls) would name us "net-snmp". */
	snmp_log_syslogname(PC_NAME);
	pc_options_parse(&o, &netsnmp, argc, argv);
	switch (o.command) {
	case PC_CMD_LIST_ROLES:
		return pc_cli_list_roles(&o.cli);
	case PC_CMD_EXPECTED:
		return pc_cli_expected(&o.cli);
	case PC_CMD_LISTENERS:
		return pc_cli_listeners(&o.cli);
	case PC_CMD_CHECK:
		return pc_cli_check(&o.cli);
	case PC_CMD_EXPORT:
		return pc_cli_export(&o.cli, o.export_format);
	case PC_CMD_DISCOVER:
		return pc_cli_discover(&o.cli);
	case PC_CMD_RELOAD:
		return pc_cli_reload(&o.cli);
	case PC_CMD_SERVE:
		return serve(&o);
	}
	return serve(&o); /* not a command: every one has its case above */
}
