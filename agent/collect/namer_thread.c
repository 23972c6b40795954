/* SPDX-License-Identifier: ISC */
/* The naming thread (namer_thread.h). The poll thread and this one share
 * the asked inodes, the latest answers and the naming status, under
 * `lock`; the poll thread never waits for anything but that lock, which
 * is never held across a system call that could block. */
#include "collect/namer_thread.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "collect/namer_client.h"
#include "collect/namer_protocol.h"
#include "collect/naming_set.h"
#include "collect/procmap.h"
#include "util/clock.h"
#include "util/log.h"

enum backend {
	BACKEND_HELPER, /* the privileged helper names */
	BACKEND_RESTARTING, /* the helper died: another is asked of the monitor at restart_at */
	BACKEND_LOCAL, /* this process walks /proc itself */
};

/* How a wait on the helper ended. */
enum outcome {
	DONE,
	STOPPED, /* pc_namer_thread_stop */
	GONE, /* the helper closed its socket, or the socket failed */
	BROKE, /* it sent something that is not the answer */
};

struct pc_namer_thread {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int stop_pipe[2]; /* wakes this thread out of a wait on the helper */
	int bell[2]; /* this thread -> the poll thread: an answer changed */

	/* Guarded by lock. */
	bool stopping;
	uint64_t *asked; /* the inodes of the last poll's listeners */
	size_t n_asked, cap_asked;
	uint64_t asked_gen; /* bumped by every poll */
	struct pc_naming_answer *answers; /* the latest, sorted by inode (written by this thread only) */
	size_t n_answers, cap_answers;
	struct pc_naming_status status;
	bool unanswered; /* the helper cannot answer now: unnamed listeners are unavailable */

	/* This thread's own. */
	char *proc_root;
	bool privileged;
	int64_t slow_ms, restart_first_ms;
	enum backend backend;
	int helper_fd;
	pid_t helper_pid;
	int monitor_fd;
	struct pc_procmap *pm; /* BACKEND_LOCAL */
	bool fallback; /* local because the helper cannot be restarted */
	uint32_t next_id;
	uint64_t done_gen; /* the asked_gen the last completed pass answered */
	int64_t helper_since_ms;
	int64_t restart_at_ms, restart_delay_ms;
	bool episode_logged; /* this spell of degraded naming has been said */
	int64_t episode_since_ms;
	bool denied_logged;
	bool oom_logged;
	unsigned char *message; /* PC_NAMER_MESSAGE_MAX */
	size_t whole_below, rotation; /* naming_set.h */
	bool whole_next; /* the next pass asks about every listener */
	size_t cursor; /* the rotation's */
	uint64_t *known; /* answers' inodes, in order (guarded by lock, as answers) */
	size_t cap_known;
	uint64_t *known_next; /* merged's */
	size_t cap_known_next;
	uint64_t *all; /* the poll's listeners' inodes, sorted and distinct */
	size_t n_all;
	uint64_t *scratch; /* the sort's */
	uint64_t *incoming, *previous; /* the polls' inodes as they came, this one's and the last */
	size_t n_previous;
	size_t cap_all;
	uint64_t *pass; /* the inodes this pass asks about */
	size_t cap_pass;
	struct pc_naming_answer *pass_answers; /* their answers, in order */
	size_t cap_pass_answers;
	struct pc_naming_answer *merged; /* the next answers, when the listeners changed */
	size_t cap_merged;
	int32_t *holder_pids; /* every pid the answers named lately, sorted, distinct */
	size_t n_holder_pids, cap_holder_pids;
	int32_t *dead; /* those gone at this pass */
	size_t cap_dead;
};

static void ring(int fd)
{
	/* A full pipe already says "look": the byte is only a doorbell. */
	if (write(fd, "!", 1) < 0 && errno != EAGAIN)
		pc_log(LOG_ERR, "naming: cannot wake the poll thread: %s", strerror(errno));
}

/* Sets the status the next poll publishes, and rings so that it comes. */
static void set_status(struct pc_namer_thread *t, enum pc_naming_health health, bool unanswered,
		       const char *reason)
{
	pthread_mutex_lock(&t->lock);
	bool changed = t->status.health != health || t->unanswered != unanswered ||
		       strcmp(t->status.reason, reason) != 0;
	t->status.health = (uint8_t)health;
	snprintf(t->status.reason, sizeof(t->status.reason), "%s", reason);
	t->unanswered = unanswered;
	pthread_mutex_unlock(&t->lock);
	if (changed)
		ring(t->bell[1]);
}

/* Degraded: said once per spell, in the log, with why. */
static void degrade(struct pc_namer_thread *t, bool unanswered, const char *reason)
{
	if (!t->episode_logged) {
		pc_log(LOG_WARNING,
		       "naming processes is degraded: %s; detection goes on, listeners not named "
		       "yet are reported without their process until naming works again",
		       reason);
		t->episode_logged = true;
		t->episode_since_ms = pc_now_ms();
	}
	set_status(t, PC_NAMING_DEGRADED, unanswered, reason);
}

static void recovered(struct pc_namer_thread *t)
{
	if (t->episode_logged)
		pc_log(LOG_NOTICE, "naming processes works again (the naming helper, pid %ld, "
				   "answered after %lld s)",
		       (long)t->helper_pid, (long long)(pc_now_ms() - t->episode_since_ms) / 1000);
	t->episode_logged = false;
	set_status(t, PC_NAMING_WORKING, false, "");
}

/* Waits until fd is ready for events (the caller's send or receive then
 * says how), or until a stop; the helper's slowness past PC_NAMER_SLOW_MS
 * since started_ms degrades naming, and the wait goes on. */
static enum outcome wait_for(struct pc_namer_thread *t, short events, int64_t started_ms)
{
	for (;;) {
		int timeout = -1;
		if (!t->episode_logged) {
			int64_t left = started_ms + t->slow_ms - pc_now_ms();
			if (left <= 0) {
				char reason[PC_NAMING_REASON_MAX];
				snprintf(reason, sizeof(reason),
					 "the naming helper (pid %ld) has not answered in %g s",
					 (long)t->helper_pid, (double)t->slow_ms / 1000);
				degrade(t, true, reason);
				continue;
			}
			timeout = (int)left;
		}
		struct pollfd fds[2] = { { .fd = t->helper_fd, .events = events },
					 { .fd = t->stop_pipe[0], .events = POLLIN } };
		int n = poll(fds, 2, timeout);
		if (n < 0 && errno != EINTR)
			return GONE;
		if (n <= 0)
			continue;
		if (fds[1].revents != 0)
			return STOPPED;
		if (fds[0].revents != 0)
			return DONE;
	}
}

/* One request and its reply over the helper's socket: the answers in
 * t->pass_answers, in t->pass's order. */
static enum outcome exchange(struct pc_namer_thread *t, uint32_t total, uint32_t flags,
			     struct pc_procmap_stats *stats)
{
	uint32_t id = ++t->next_id;
	int64_t started = pc_now_ms();
	uint32_t offset = 0;
	do {
		size_t len = pc_namer_request_chunk(id, t->pass, total, offset, flags, t->message);
		while (pc_namer_send(t->helper_fd, t->message, len, MSG_DONTWAIT, -1) < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return GONE;
			enum outcome w = wait_for(t, POLLOUT, started);
			if (w != DONE)
				return w;
		}
		offset += total - offset > PC_NAMER_CHUNK ? PC_NAMER_CHUNK : total - offset;
	} while (offset < total);

	struct pc_namer_reply reply = { .id = id, .asked = t->pass, .total = total,
					.answers = t->pass_answers };
	for (;;) {
		ssize_t n = pc_namer_recv(t->helper_fd, t->message, PC_NAMER_MESSAGE_MAX,
					  MSG_DONTWAIT, NULL);
		if (n == 0)
			return GONE;
		if (n < 0) {
			if (errno == EMSGSIZE)
				return BROKE;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return GONE;
			enum outcome w = wait_for(t, POLLIN, started);
			if (w != DONE)
				return w;
			continue;
		}
		int taken = pc_namer_reply_take(&reply, t->message, (size_t)n);
		if (taken < 0)
			return BROKE;
		if (taken == 1) {
			*stats = reply.stats;
			return DONE;
		}
	}
}

/* The helper is gone: another in a while, through the monitor; or, when
 * there is none, naming goes on here. */
static void go_local(struct pc_namer_thread *t, const char *why);

static void helper_failed(struct pc_namer_thread *t, enum outcome how)
{
	char reason[PC_NAMING_REASON_MAX];
	const char *what = how == BROKE ? "sent something that is not an answer"
					: "is gone (its socket closed)";
	close(t->helper_fd);
	t->helper_fd = -1;
	if (t->monitor_fd < 0) {
		snprintf(reason, sizeof(reason),
			 "the naming helper (pid %ld) %s and no monitor may start another",
			 (long)t->helper_pid, what);
		go_local(t, reason);
		return;
	}
	int64_t now = pc_now_ms();
	if (now - t->helper_since_ms >= PC_NAMER_RESTART_RESET_MS)
		t->restart_delay_ms = t->restart_first_ms;
	t->restart_at_ms = now + t->restart_delay_ms;
	snprintf(reason, sizeof(reason), "the naming helper (pid %ld) %s; another starts in %lld s",
		 (long)t->helper_pid, what, (long long)(t->restart_delay_ms + 999) / 1000);
	t->backend = BACKEND_RESTARTING;
	degrade(t, true, reason);
}

static void go_local(struct pc_namer_thread *t, const char *why)
{
	char reason[PC_NAMING_REASON_MAX];
	if (t->monitor_fd >= 0)
		close(t->monitor_fd);
	t->monitor_fd = -1;
	t->pm = pc_procmap_new(t->proc_root);
	t->fallback = true;
	t->backend = BACKEND_LOCAL;
	t->whole_next = true; /* a new procmap knows nothing yet */
	if (t->pm == NULL) {
		snprintf(reason, sizeof(reason), "%s; out of memory to name processes otherwise", why);
		t->backend = BACKEND_RESTARTING;
		t->restart_at_ms = INT64_MAX;
		degrade(t, true, reason);
		return;
	}
	snprintf(reason, sizeof(reason), "%s; naming only the processes this user may read", why);
	degrade(t, false, reason);
}

/* Asks the monitor for a new helper, waiting at most
 * PC_NAMER_SPAWN_WAIT_MS (or until a stop). */
static void restart_helper(struct pc_namer_thread *t)
{
	char reason[PC_NAMING_REASON_MAX];
	struct pc_namer_spawn_request request = { PC_NAMER_SPAWN };
	struct pc_namer_spawn_reply reply;
	if (pc_namer_send(t->monitor_fd, &request, sizeof(request), MSG_DONTWAIT, -1) < 0) {
		go_local(t, "the privileged monitor is gone: no naming helper can be restarted");
		return;
	}
	int64_t deadline = pc_now_ms() + PC_NAMER_SPAWN_WAIT_MS;
	for (;;) {
		int64_t left = deadline - pc_now_ms();
		struct pollfd fds[2] = { { .fd = t->monitor_fd, .events = POLLIN },
					 { .fd = t->stop_pipe[0], .events = POLLIN } };
		int n = left > 0 ? poll(fds, 2, (int)left) : 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n > 0 && fds[1].revents != 0)
			return; /* stopping */
		if (n <= 0) {
			go_local(t, "the privileged monitor does not answer: no naming helper can be "
				    "restarted");
			return;
		}
		break;
	}
	int fd = -1;
	ssize_t got = pc_namer_recv(t->monitor_fd, &reply, sizeof(reply), MSG_DONTWAIT, &fd);
	if (got != (ssize_t)sizeof(reply) || (reply.error == 0 && fd < 0)) {
		if (fd >= 0)
			close(fd);
		go_local(t, "the privileged monitor is gone: no naming helper can be restarted");
		return;
	}
	int64_t now = pc_now_ms();
	if (reply.error != 0) {
		if (fd >= 0)
			close(fd);
		t->restart_at_ms = now + t->restart_delay_ms;
		snprintf(reason, sizeof(reason), "cannot start a naming helper (%s); trying again in %lld s",
			 strerror(reply.error), (long long)(t->restart_delay_ms + 999) / 1000);
		degrade(t, true, reason);
	} else {
		t->helper_fd = fd;
		t->helper_pid = reply.pid;
		t->helper_since_ms = now;
		t->backend = BACKEND_HELPER;
		t->whole_next = true; /* a new helper knows nothing yet */
		pthread_mutex_lock(&t->lock);
		t->status.restarts++;
		pthread_mutex_unlock(&t->lock);
		pc_log(LOG_INFO, "started another naming helper (pid %ld)", (long)reply.pid);
		snprintf(reason, sizeof(reason),
			 "another naming helper (pid %ld) started; it has not answered yet",
			 (long)reply.pid);
		degrade(t, true, reason);
	}
	/* Each restart makes the next one wait longer. */
	t->restart_delay_ms *= 2;
	if (t->restart_delay_ms > PC_NAMER_RESTART_LONGEST_MS)
		t->restart_delay_ms = PC_NAMER_RESTART_LONGEST_MS;
}

/* Naming in this process: working when it may read everything (root),
 * limited when some process's open files were refused to it. */
static void local_status(struct pc_namer_thread *t, const struct pc_procmap_stats *stats)
{
	if (t->fallback || t->privileged)
		return;
	if (stats->owner_denied == 0) {
		set_status(t, PC_NAMING_WORKING, false, "");
		return;
	}
	char reason[PC_NAMING_REASON_MAX];
	snprintf(reason, sizeof(reason),
		 "%u listener%s held by processes this user may not read (needs CAP_SYS_PTRACE "
		 "and CAP_DAC_READ_SEARCH)",
		 stats->owner_denied, stats->owner_denied == 1 ? "" : "s");
	if (!t->denied_logged)
		pc_log(LOG_WARNING,
		       "cannot name the process of %u listener%s: %u process%s under %s may not be "
		       "read (needs CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH)",
		       stats->owner_denied, stats->owner_denied == 1 ? "" : "s", stats->denied,
		       stats->denied == 1 ? "" : "es", t->proc_root);
	t->denied_logged = true;
	set_status(t, PC_NAMING_LIMITED, false, reason);
}

static int grow(void **array, size_t *cap, size_t need, size_t elem_size)
{
	if (need + 1 <= *cap)
		return 0;
	void *p = realloc(*array, (need + 1) * elem_size);
	if (p == NULL)
		return -1;
	*array = p;
	*cap = need + 1;
	return 0;
}

/* Room for a pass over n listeners. */
static int make_room(struct pc_namer_thread *t, size_t n)
{
	if (n + 1 > t->cap_all) {
		/* Four arrays of inodes, one capacity: it grows when all have. */
		uint64_t **arrays[] = { &t->all, &t->scratch, &t->incoming, &t->previous };
		for (size_t k = 0; k < sizeof(arrays) / sizeof(arrays[0]); k++) {
			uint64_t *grown = realloc(*arrays[k], (n + 1) * sizeof(**arrays[k]));
			if (grown == NULL)
				return -1;
			*arrays[k] = grown;
		}
		t->cap_all = n + 1;
	}
	if (grow((void **)&t->pass, &t->cap_pass, n, sizeof(*t->pass)) < 0 ||
	    grow((void **)&t->pass_answers, &t->cap_pass_answers, n, sizeof(*t->pass_answers)) < 0)
		return -1;
	return 0;
}

/* Is this process gone? The daemon may not see others' /proc entries
 * (ProtectProc), but a signal 0 tells a gone pid (ESRCH) from one it may
 * not signal (EPERM). Under a proc root of fixtures, its entries say. */
static bool gone(const struct pc_namer_thread *t, int32_t pid)
{
	if (strcmp(t->proc_root, "/proc") == 0)
		return kill((pid_t)pid, 0) < 0 && errno == ESRCH;
	char path[4200];
	snprintf(path, sizeof(path), "%s/%d", t->proc_root, (int)pid);
	return access(path, F_OK) < 0 && errno == ENOENT;
}

/* The holders named lately that are gone now: dropped from holder_pids,
 * listed in dead. Returns how many. */
static size_t find_dead(struct pc_namer_thread *t)
{
	if (grow((void **)&t->dead, &t->cap_dead, t->n_holder_pids, sizeof(*t->dead)) < 0)
		return 0;
	size_t n_dead = 0, kept = 0;
	for (size_t i = 0; i < t->n_holder_pids; i++) {
		if (gone(t, t->holder_pids[i]))
			t->dead[n_dead++] = t->holder_pids[i];
		else
			t->holder_pids[kept++] = t->holder_pids[i];
	}
	t->n_holder_pids = kept;
	return n_dead;
}

/* The pids of got join holder_pids (all of them anew after a whole pass,
 * which forgets the holders no answer names any more). */
static void note_holders(struct pc_namer_thread *t, const struct pc_naming_answer *got, size_t n,
			 bool whole)
{
	if (whole)
		t->n_holder_pids = 0;
	size_t holders = 0;
	for (size_t i = 0; i < n; i++)
		holders += got[i].n_holders;
	if (grow((void **)&t->holder_pids, &t->cap_holder_pids, t->n_holder_pids + holders,
		 sizeof(*t->holder_pids)) < 0)
		return; /* the gone are then noticed at the rotation */
	pc_naming_add_pids(t->holder_pids, &t->n_holder_pids, got, n);
}

/* The pass's answers (for t->pass) join the latest: in place when the
 * listeners are the ones answered already, else into a new array that
 * replaces them. The doorbell rings when one of them says something new.
 * 0, or -1 when out of memory (the latest stay as they were). */
static int publish(struct pc_namer_thread *t, size_t n_all, size_t n_pass)
{
	bool changed;
	if (n_all == t->n_answers &&
	    (n_all == 0 || memcmp(t->all, t->known, n_all * sizeof(*t->all)) == 0)) {
		pthread_mutex_lock(&t->lock);
		changed = pc_naming_update(t->known, t->answers, t->n_answers, t->pass,
					   t->pass_answers, n_pass);
		pthread_mutex_unlock(&t->lock);
	} else {
		if (grow((void **)&t->merged, &t->cap_merged, n_all, sizeof(*t->merged)) < 0 ||
		    grow((void **)&t->known_next, &t->cap_known_next, n_all, sizeof(*t->known_next)) < 0)
			return -1;
		/* Read without the lock: only this thread writes the answers. */
		changed = pc_naming_merge(t->all, n_all, t->known, t->answers, t->n_answers, t->pass,
					  t->pass_answers, n_pass, t->merged);
		memcpy(t->known_next, t->all, n_all * sizeof(*t->known_next));
		pthread_mutex_lock(&t->lock);
		struct pc_naming_answer *swap = t->answers;
		size_t swap_cap = t->cap_answers;
		t->answers = t->merged;
		t->cap_answers = t->cap_merged;
		t->n_answers = n_all;
		t->merged = swap;
		t->cap_merged = swap_cap;
		uint64_t *swap_known = t->known;
		swap_cap = t->cap_known;
		t->known = t->known_next;
		t->cap_known = t->cap_known_next;
		t->known_next = swap_known;
		t->cap_known_next = swap_cap;
		pthread_mutex_unlock(&t->lock);
	}
	if (changed)
		ring(t->bell[1]);
	return 0;
}

/* Waits for something to do; false when stopping. Called and returns
 * with the lock held. */
static bool wait_for_work(struct pc_namer_thread *t)
{
	for (;;) {
		if (t->stopping)
			return false;
		if (t->backend == BACKEND_RESTARTING) {
			int64_t now = pc_now_ms();
			if (now >= t->restart_at_ms)
				return true;
			struct timespec until = { .tv_sec = t->restart_at_ms / 1000,
						  .tv_nsec = (t->restart_at_ms % 1000) * 1000000 };
			pthread_cond_timedwait(&t->wake, &t->lock, &until);
			continue;
		}
		if (t->asked_gen != t->done_gen)
			return true;
		pthread_cond_wait(&t->wake, &t->lock);
	}
}

static void *run(void *arg)
{
	struct pc_namer_thread *t = arg;
	pthread_setname_np(pthread_self(), "pc-naming"); /* as the poll thread's */
	for (;;) {
		pthread_mutex_lock(&t->lock);
		if (!wait_for_work(t)) {
			pthread_mutex_unlock(&t->lock);
			break;
		}
		if (t->backend == BACKEND_RESTARTING) {
			pthread_mutex_unlock(&t->lock);
			restart_helper(t);
			continue;
		}
		uint64_t gen = t->asked_gen;
		size_t n = t->n_asked;
		bool room = make_room(t, n) == 0;
		if (room && n > 0)
			memcpy(t->incoming, t->asked, n * sizeof(*t->incoming));
		pthread_mutex_unlock(&t->lock);
		if (!room) {
			/* Asked again at the next poll; the names found so far stay. */
			if (!t->oom_logged)
				pc_log(LOG_ERR, "naming processes: out of memory for %zu listeners", n);
			t->oom_logged = true;
			t->done_gen = gen;
			continue;
		}
		t->oom_logged = false;

		/* A poll's listeners come in the same order as the last's: most
		 * polls of a steady host need no sort at all. */
		if (n != t->n_previous ||
		    (n > 0 && memcmp(t->incoming, t->previous, n * sizeof(*t->incoming)) != 0)) {
			memcpy(t->all, t->incoming, n * sizeof(*t->all));
			t->n_all = pc_naming_sort_inodes(t->all, n, t->scratch);
			uint64_t *swap = t->previous;
			t->previous = t->incoming;
			t->incoming = swap;
			t->n_previous = n;
		}
		size_t n_all = t->n_all;
		bool whole = t->whole_next || n_all <= t->whole_below;
		size_t n_pass = n_all;
		if (whole) {
			memcpy(t->pass, t->all, n_all * sizeof(*t->pass));
		} else {
			size_t n_dead = find_dead(t);
			n_pass = pc_naming_choose(t->all, n_all, t->known, t->answers, t->n_answers,
						  t->dead, n_dead, t->rotation, &t->cursor, t->pass);
		}
		struct pc_procmap_stats stats;
		if (t->backend == BACKEND_LOCAL) {
			if (whole)
				pc_procmap_name(t->pm, t->pass, n_pass, t->pass_answers, &stats);
			else
				pc_procmap_name_some(t->pm, t->pass, n_pass, t->pass_answers, &stats);
			/* A partial pass's count of what may not be read covers its
			 * share only: the status follows the whole passes. */
			if (whole)
				local_status(t, &stats);
		} else {
			enum outcome how = exchange(t, (uint32_t)n_pass, whole ? PC_NAMER_WHOLE : 0,
						    &stats);
			if (how == STOPPED)
				break;
			if (how != DONE) {
				helper_failed(t, how);
				continue;
			}
			if (t->episode_logged || t->status.health != PC_NAMING_WORKING)
				recovered(t);
		}
		t->whole_next = stats.whole_due;
		note_holders(t, t->pass_answers, n_pass, whole);
		if (publish(t, n_all, n_pass) < 0) {
			if (!t->oom_logged)
				pc_log(LOG_ERR, "naming processes: out of memory for %zu listeners", n_all);
			t->oom_logged = true;
			t->whole_next = true; /* what this pass learnt is lost: all again */
		}
		t->done_gen = gen;
	}
	return NULL;
}

static int nonblocking_pipe(int fds[2])
{
	return pipe2(fds, O_NONBLOCK | O_CLOEXEC);
}

static void close_pair(int fds[2])
{
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

static void release(struct pc_namer_thread *t)
{
	close_pair(t->stop_pipe);
	close_pair(t->bell);
	if (t->helper_fd >= 0)
		close(t->helper_fd);
	if (t->monitor_fd >= 0)
		close(t->monitor_fd);
	pc_procmap_free(t->pm);
	pthread_cond_destroy(&t->wake);
	pthread_mutex_destroy(&t->lock);
	free(t->proc_root);
	free(t->asked);
	free(t->answers);
	free(t->message);
	free(t->known);
	free(t->known_next);
	free(t->all);
	free(t->scratch);
	free(t->incoming);
	free(t->previous);
	free(t->pass);
	free(t->pass_answers);
	free(t->merged);
	free(t->holder_pids);
	free(t->dead);
	free(t);
}

struct pc_namer_thread *pc_namer_thread_start(const struct pc_namer_thread_options *options,
					      char *err, size_t errlen)
{
	struct pc_namer_thread *t = calloc(1, sizeof(*t));
	if (t == NULL) {
		if (options->helper_fd >= 0)
			close(options->helper_fd);
		if (options->monitor_fd >= 0)
			close(options->monitor_fd);
		snprintf(err, errlen, "naming: out of memory");
		return NULL;
	}
	t->stop_pipe[0] = t->stop_pipe[1] = t->bell[0] = t->bell[1] = -1;
	t->helper_fd = options->helper_fd;
	t->helper_pid = options->helper_pid;
	t->monitor_fd = options->monitor_fd;
	t->privileged = options->privileged;
	t->slow_ms = options->slow_ms != 0 ? options->slow_ms : PC_NAMER_SLOW_MS;
	t->restart_first_ms =
		options->restart_first_ms != 0 ? options->restart_first_ms : PC_NAMER_RESTART_FIRST_MS;
	t->restart_delay_ms = t->restart_first_ms;
	t->helper_since_ms = pc_now_ms();
	t->whole_below = options->whole_below != 0 ? options->whole_below : PC_NAMING_WHOLE_BELOW;
	t->rotation = options->rotation != 0 ? options->rotation : PC_NAMING_ROTATION;
	t->whole_next = true;
	pthread_mutex_init(&t->lock, NULL);
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&t->wake, &attr);
	pthread_condattr_destroy(&attr);
	t->proc_root = strdup(options->proc_root != NULL ? options->proc_root : "/proc");
	t->message = malloc(PC_NAMER_MESSAGE_MAX);
	if (t->proc_root == NULL || t->message == NULL) {
		snprintf(err, errlen, "naming: out of memory");
		goto fail;
	}
	if (nonblocking_pipe(t->stop_pipe) < 0 || nonblocking_pipe(t->bell) < 0) {
		snprintf(err, errlen, "naming: pipe: %s", strerror(errno));
		goto fail;
	}
	if (t->helper_fd >= 0) {
		t->backend = BACKEND_HELPER;
		t->status.health = PC_NAMING_WORKING;
	} else {
		t->backend = BACKEND_LOCAL;
		t->pm = pc_procmap_new(t->proc_root);
		if (t->pm == NULL) {
			snprintf(err, errlen, "naming: out of memory");
			goto fail;
		}
		t->status.health = PC_NAMING_WORKING; /* limited once a walk is refused */
	}
	/* Signals belong to the SNMP thread's loop. */
	sigset_t all, previous;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &previous);
	int rc = pthread_create(&t->thread, NULL, run, t);
	pthread_sigmask(SIG_SETMASK, &previous, NULL);
	if (rc != 0) {
		snprintf(err, errlen, "cannot start the naming thread: %s", strerror(rc));
		goto fail;
	}
	return t;
fail:
	release(t);
	return NULL;
}

void pc_namer_thread_stop(struct pc_namer_thread *t)
{
	if (t == NULL)
		return;
	pthread_mutex_lock(&t->lock);
	t->stopping = true;
	pthread_cond_signal(&t->wake);
	pthread_mutex_unlock(&t->lock);
	ring(t->stop_pipe[1]);
	pthread_join(t->thread, NULL);
	release(t);
}

int pc_namer_thread_fd(const struct pc_namer_thread *t)
{
	return t->bell[0];
}

bool pc_namer_thread_drain(struct pc_namer_thread *t)
{
	char buf[64];
	bool rang = false;
	while (read(t->bell[0], buf, sizeof(buf)) > 0)
		rang = true;
	return rang;
}

void pc_namer_thread_apply(struct pc_namer_thread *t, struct pc_snapshot *snap)
{
	size_t n = snap->n_listeners < PC_NAMER_MAX_INODES ? snap->n_listeners : PC_NAMER_MAX_INODES;
	pthread_mutex_lock(&t->lock);
	enum pc_naming missing = t->unanswered ? PC_NAMING_UNAVAILABLE : PC_NAMING_PENDING;
	pc_naming_apply(snap, t->known, t->answers, t->n_answers, missing);
	for (size_t i = 0; i < snap->n_listeners; i++) {
		struct pc_listener *l = &snap->listeners[i];
		/* A socket without a file (inode 0) is in no process's fd
		 * table: no pass asks about it, and nobody holds it. */
		if (l->inode == 0) {
			pc_listener_set_holders(snap, l, PC_NAMING_NOT_FOUND, NULL, 0);
			continue;
		}
		/* Beyond what one request carries, or not answered while the
		 * helper cannot: naming cannot say. */
		if (i >= n || (t->unanswered && l->naming == PC_NAMING_PENDING))
			l->naming = PC_NAMING_UNAVAILABLE;
	}
	snap->naming = t->status;
	if (snap->n_listeners > n && snap->naming.reason[0] == '\0')
		snprintf(snap->naming.reason, sizeof(snap->naming.reason),
			 "more than %d listeners: the rest are not named", PC_NAMER_MAX_INODES);
	if (n + 1 > t->cap_asked) {
		uint64_t *grown = realloc(t->asked, (n + 1) * sizeof(*grown));
		if (grown != NULL) {
			t->asked = grown;
			t->cap_asked = n + 1;
		}
	}
	if (n + 1 <= t->cap_asked) {
		for (size_t i = 0; i < n; i++)
			t->asked[i] = snap->listeners[i].inode;
		t->n_asked = n;
		t->asked_gen++;
		pthread_cond_signal(&t->wake);
	}
	pthread_mutex_unlock(&t->lock);
}
