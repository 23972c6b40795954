/* inode -> pid and process name, for listeners only.
 *
 * The kernel gives no socket -> process map; the only way is the one ss -p
 * and lsof take: read every /proc/PID/fd/N link and look for
 * "socket:[INODE]". Each such lookup costs 2.5-5 us (procfs builds an inode
 * for it), so on a busy host a walk takes hundreds of milliseconds, and
 * even re-checking 1,000 known answers every poll would cost more than the
 * whole netlink poll. Hence:
 *   - only listener inodes are looked for, and the walk stops as soon as
 *     every one of them is found;
 *   - answers are remembered as (inode, pid, fd). On the next polls an
 *     answer stands while its pid lives (one lookup per distinct pid) and
 *     is re-read from /proc/PID/fd/FD on a rotation, one poll in
 *     VERIFY_ROUNDS; names likewise. A new inode, or a pid that is gone,
 *     calls for a walk (within the rate limit below; meanwhile pid 0,
 *     never a stale pid for a dead holder). What the rotation can miss for up
 *     to VERIFY_ROUNDS polls: a socket handed to another process while
 *     the first holder lives on without it (rare: a supervisor passing
 *     its socket to a child and closing its copy);
 *   - walks are rate-limited, and inodes that a walk could not find
 *     (kernel-owned sockets such as nfsd's have no fd anywhere; processes
 *     we may not inspect) are not walked for again soon (see
 *     DEFAULT_WALK_INTERVAL_S below).
 *
 * Reading another user's /proc/PID/fd needs CAP_DAC_READ_SEARCH (the
 * directory is mode 0500, owned by the process's user) and reading its
 * links needs CAP_SYS_PTRACE (ptrace read access); without them those
 * processes' listeners keep pid 0 and "". */
#include "collect/procmap.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A full walk reads every fd link of every process before the owner: on
 * a host with 50,000 connections, 110,000 links and 360 ms (bench/); on a
 * quiet one, a few milliseconds. So the next walk waits WALK_COST_FACTOR
 * times the CPU time the last one took (walks take at most 1% of a core;
 * CPU time, not elapsed time, which on a loaded machine counts the wait
 * for a CPU and would delay naming for nothing), at least
 * MIN_WALK_GAP_MS and never longer than DEFAULT_WALK_INTERVAL_S (listeners
 * that appear in between show pid 0 until the next one, never a wrong
 * pid), and inodes a walk could not find are looked for again only after UNFINDABLE_RETRY_S:
 * a socket nobody's fd table holds (a kernel socket, one held only by a
 * process we may not read or cannot see) rarely becomes findable. */
#define DEFAULT_WALK_INTERVAL_S 30
#define WALK_COST_FACTOR 100
#define MIN_WALK_GAP_MS 250 /* event-driven polls come in bursts */
#define UNFINDABLE_RETRY_S 600
#define VERIFY_ROUNDS 16

struct wanted {
	uint64_t inode;
	size_t listener; /* index in the snapshot */
	int32_t pid; /* 0 until found */
	int32_t fd;
};

struct cached {
	uint64_t inode;
	int32_t pid;
	int32_t fd;
};

struct comm {
	int32_t pid;
	char name[PC_PROCESS_MAX];
};

struct pid_state {
	int32_t pid;
	bool alive;
};

struct pc_procmap {
	char *root;
	int root_fd; /* the proc root, opened once: every path below is relative to it */

	struct cached *cache; /* sorted by inode: the previous answer */
	size_t n_cache, cap_cache;

	uint64_t *unfindable; /* sorted: not found by the last full walk */
	size_t n_unfindable, cap_unfindable;
	/* The last walk met a process whose open files it may not read: the
	 * unfindable may be held there ("denied"); otherwise no process holds
	 * them ("not found": kernel sockets such as nfsd's). */
	bool walk_refused;
	struct timespec unfindable_at; /* = the last walk */
	bool walked; /* unfindable and unfindable_at mean something */
	unsigned walk_interval_s;
	long walk_cost_ms; /* the CPU time the last walk took */

	struct comm *comms; /* sorted by pid: the names of the previous poll */
	size_t n_comms, cap_comms;
	uint64_t rounds; /* resolves so far: drives the rotation */

	/* Per-resolve scratch, kept to avoid allocating on every poll. */
	struct wanted *wanted;
	size_t cap_wanted;
	struct comm *new_comms;
	size_t cap_new_comms;
	struct pid_state *pid_states;
	size_t cap_pid_states;
	int32_t *pids;
	size_t cap_pids;
};

static int grow(void **array, size_t *cap, size_t need, size_t elem_size)
{
	if (need <= *cap)
		return 0;
	size_t new_cap = *cap == 0 ? 64 : *cap;
	while (new_cap < need)
		new_cap *= 2;
	void *p = realloc(*array, new_cap * elem_size);
	if (p == NULL)
		return -1;
	*array = p;
	*cap = new_cap;
	return 0;
}

struct pc_procmap *pc_procmap_new(const char *proc_root)
{
	struct pc_procmap *pm = calloc(1, sizeof(*pm));
	if (pm == NULL)
		return NULL;
	pm->root = strdup(proc_root != NULL ? proc_root : "/proc");
	if (pm->root == NULL) {
		free(pm);
		return NULL;
	}
	/* Opened lazily: a root that is missing now may appear later. */
	pm->root_fd = -1;
	pm->walk_interval_s = DEFAULT_WALK_INTERVAL_S;
	return pm;
}

void pc_procmap_set_walk_interval(struct pc_procmap *pm, unsigned seconds)
{
	pm->walk_interval_s = seconds;
}

void pc_procmap_free(struct pc_procmap *pm)
{
	if (pm == NULL)
		return;
	if (pm->root_fd >= 0)
		close(pm->root_fd);
	free(pm->root);
	free(pm->cache);
	free(pm->unfindable);
	free(pm->wanted);
	free(pm->comms);
	free(pm->new_comms);
	free(pm->pid_states);
	free(pm->pids);
	free(pm);
}

static int cmp_wanted(const void *a, const void *b)
{
	const struct wanted *x = a, *y = b;
	return (x->inode > y->inode) - (x->inode < y->inode);
}

static struct wanted *find_wanted(struct wanted *w, size_t n, uint64_t inode)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (w[mid].inode == inode)
			return &w[mid];
		if (w[mid].inode < inode)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static const struct cached *find_cached(const struct pc_procmap *pm, uint64_t inode)
{
	size_t lo = 0, hi = pm->n_cache;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (pm->cache[mid].inode == inode)
			return &pm->cache[mid];
		if (pm->cache[mid].inode < inode)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static bool is_unfindable(const struct pc_procmap *pm, uint64_t inode)
{
	size_t lo = 0, hi = pm->n_unfindable;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (pm->unfindable[mid] == inode)
			return true;
		if (pm->unfindable[mid] < inode)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* The inode of a "socket:[N]" link; 0 for anything else. */
static uint64_t socket_inode(const char *link, ssize_t len)
{
	static const char prefix[] = "socket:[";
	const ssize_t plen = (ssize_t)sizeof(prefix) - 1;
	if (len <= plen + 1 || memcmp(link, prefix, (size_t)plen) != 0 || link[len - 1] != ']')
		return 0;
	uint64_t inode = 0;
	for (ssize_t i = plen; i < len - 1; i++) {
		if (link[i] < '0' || link[i] > '9')
			return 0;
		inode = inode * 10 + (uint64_t)(link[i] - '0');
	}
	return inode;
}

static int32_t parse_pid(const char *name)
{
	int32_t pid = 0;
	if (*name == '\0')
		return 0;
	for (; *name != '\0'; name++) {
		if (*name < '0' || *name > '9' || pid > 100000000)
			return 0;
		pid = pid * 10 + (*name - '0');
	}
	return pid;
}

/* Is the socket still at the place the previous poll found it? */
static bool still_there(const struct pc_procmap *pm, const struct cached *c)
{
	char path[64], link[64];
	snprintf(path, sizeof(path), "%d/fd/%d", (int)c->pid, (int)c->fd);
	ssize_t len = readlinkat(pm->root_fd, path, link, sizeof(link));
	return len > 0 && socket_inode(link, len) == c->inode;
}

static int cmp_pid(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

/* The numeric entries of the proc root, ascending: a socket that several
 * processes share (a pre-forked server's listener) is then always
 * reported with the lowest pid, whatever order readdir gives. */
static size_t list_pids(struct pc_procmap *pm)
{
	int dir_fd = openat(pm->root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *procs = dir_fd >= 0 ? fdopendir(dir_fd) : NULL;
	if (procs == NULL) {
		if (dir_fd >= 0)
			close(dir_fd);
		return 0;
	}
	size_t n = 0;
	struct dirent *pe;
	while ((pe = readdir(procs)) != NULL) {
		int32_t pid = parse_pid(pe->d_name);
		if (pid <= 0)
			continue;
		if (grow((void **)&pm->pids, &pm->cap_pids, n + 1, sizeof(*pm->pids)) < 0)
			break;
		pm->pids[n++] = pid;
	}
	closedir(procs);
	if (n > 1)
		qsort(pm->pids, n, sizeof(*pm->pids), cmp_pid);
	return n;
}

/* Reads the fd links of every process until all `remaining` wanted
 * inodes are found. */
static void walk(struct pc_procmap *pm, struct wanted *w, size_t n, size_t remaining,
		 struct pc_procmap_stats *stats)
{
	size_t n_pids = list_pids(pm);
	stats->full_walk = true;
	for (size_t i = 0; i < n_pids && remaining > 0; i++) {
		int32_t pid = pm->pids[i];
		char path[64];
		snprintf(path, sizeof(path), "%d/fd", (int)pid);
		int fds_fd = openat(pm->root_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fds_fd < 0) {
			if (errno == EACCES || errno == EPERM)
				stats->denied++;
			continue; /* or it exited meanwhile */
		}
		DIR *fds = fdopendir(fds_fd);
		if (fds == NULL) {
			close(fds_fd);
			continue;
		}
		stats->walked_pids++;
		struct dirent *fe;
		bool denied = false;
		while (remaining > 0 && (fe = readdir(fds)) != NULL) {
			if (fe->d_name[0] == '.')
				continue;
			char link[64];
			ssize_t len = readlinkat(fds_fd, fe->d_name, link, sizeof(link));
			stats->readlinks++;
			if (len < 0) {
				denied = denied || errno == EACCES || errno == EPERM;
				continue;
			}
			uint64_t inode = socket_inode(link, len);
			if (inode == 0)
				continue;
			struct wanted *hit = find_wanted(w, n, inode);
			if (hit == NULL || hit->pid != 0)
				continue;
			hit->pid = pid;
			hit->fd = parse_pid(fe->d_name);
			remaining--;
		}
		if (denied)
			stats->denied++;
		closedir(fds);
	}
}

/* Printable ASCII only: the name ends up in a DisplayString and on a
 * terminal, and a process may call itself anything. */
static void read_comm(const struct pc_procmap *pm, int32_t pid, char name[PC_PROCESS_MAX])
{
	char path[64];
	name[0] = '\0';
	snprintf(path, sizeof(path), "%d/comm", (int)pid);
	int fd = openat(pm->root_fd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t len = read(fd, name, PC_PROCESS_MAX - 1);
	close(fd);
	if (len <= 0)
		return;
	if (name[len - 1] == '\n')
		len--;
	name[len] = '\0';
	for (ssize_t i = 0; i < len; i++)
		if ((unsigned char)name[i] < 0x20 || (unsigned char)name[i] > 0x7e)
			name[i] = '?';
}

static void remember(struct pc_procmap *pm, const struct wanted *w, size_t n)
{
	pm->n_cache = 0;
	if (grow((void **)&pm->cache, &pm->cap_cache, n, sizeof(*pm->cache)) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (w[i].pid != 0)
			pm->cache[pm->n_cache++] = (struct cached){ w[i].inode, w[i].pid, w[i].fd };
}

static void remember_unfindable(struct pc_procmap *pm, const struct wanted *w, size_t n)
{
	pm->n_unfindable = 0;
	pm->walked = true;
	clock_gettime(CLOCK_MONOTONIC, &pm->unfindable_at);
	if (grow((void **)&pm->unfindable, &pm->cap_unfindable, n, sizeof(*pm->unfindable)) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (w[i].pid == 0)
			pm->unfindable[pm->n_unfindable++] = w[i].inode;
}

static bool due(const struct pc_procmap *pm, uint64_t key)
{
	return (key + pm->rounds) % VERIFY_ROUNDS == 0;
}

static int cmp_pid_state(const void *a, const void *b)
{
	const struct pid_state *x = a, *y = b;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Liveness of the distinct pids the cache names for this poll's inodes,
 * sorted by pid. Returns how many. */
static size_t check_pids(struct pc_procmap *pm, const struct wanted *w, size_t n)
{
	size_t k = 0;
	if (grow((void **)&pm->pid_states, &pm->cap_pid_states, n, sizeof(*pm->pid_states)) < 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (w[i].pid != 0)
			pm->pid_states[k++] = (struct pid_state){ w[i].pid, false };
	if (k > 1)
		qsort(pm->pid_states, k, sizeof(*pm->pid_states), cmp_pid_state);
	size_t unique = 0;
	for (size_t i = 0; i < k; i++) {
		if (unique > 0 && pm->pid_states[unique - 1].pid == pm->pid_states[i].pid)
			continue;
		char path[16];
		snprintf(path, sizeof(path), "%d", (int)pm->pid_states[i].pid);
		pm->pid_states[unique] = pm->pid_states[i];
		pm->pid_states[unique++].alive = faccessat(pm->root_fd, path, F_OK, 0) == 0;
	}
	return unique;
}

static bool pid_alive(const struct pc_procmap *pm, size_t n_states, int32_t pid)
{
	struct pid_state key = { pid, false };
	if (n_states == 0)
		return false; /* bsearch may not see the NULL of an empty array */
	const struct pid_state *s =
		bsearch(&key, pm->pid_states, n_states, sizeof(key), cmp_pid_state);
	return s != NULL && s->alive;
}

static int cmp_comm(const void *a, const void *b)
{
	const struct comm *x = a, *y = b;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* The names of the pids in w: kept from the previous poll unless due on
 * the rotation, read otherwise. Leaves pm->comms sorted by pid. */
static void refresh_comms(struct pc_procmap *pm, const struct wanted *w, size_t n,
			  struct pc_procmap_stats *stats)
{
	size_t k = 0;
	if (grow((void **)&pm->new_comms, &pm->cap_new_comms, n, sizeof(*pm->new_comms)) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (w[i].pid != 0)
			pm->new_comms[k++].pid = w[i].pid;
	if (k > 1)
		qsort(pm->new_comms, k, sizeof(*pm->new_comms), cmp_comm);
	size_t unique = 0;
	for (size_t i = 0; i < k; i++) {
		if (unique > 0 && pm->new_comms[unique - 1].pid == pm->new_comms[i].pid)
			continue;
		struct comm *c = &pm->new_comms[unique++];
		c->pid = pm->new_comms[i].pid;
		const struct comm *old =
			pm->n_comms > 0 ? bsearch(c, pm->comms, pm->n_comms, sizeof(*c), cmp_comm)
					: NULL;
		if (old != NULL && !due(pm, (uint64_t)c->pid)) {
			memcpy(c->name, old->name, sizeof(c->name));
		} else {
			read_comm(pm, c->pid, c->name);
			stats->comm_reads++;
		}
	}
	struct comm *swap = pm->comms;
	size_t swap_cap = pm->cap_comms;
	pm->comms = pm->new_comms;
	pm->cap_comms = pm->cap_new_comms;
	pm->n_comms = unique;
	pm->new_comms = swap;
	pm->cap_new_comms = swap_cap;
}

void pc_procmap_resolve(struct pc_procmap *pm, struct pc_snapshot *snap,
			struct pc_procmap_stats *stats)
{
	memset(stats, 0, sizeof(*stats));
	if (pm->root_fd < 0)
		pm->root_fd = open(pm->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pm->root_fd < 0 ||
	    grow((void **)&pm->wanted, &pm->cap_wanted, snap->n_listeners, sizeof(*pm->wanted)) < 0) {
		stats->unresolved = (unsigned)snap->n_listeners;
		return;
	}
	pm->rounds++;

	struct wanted *w = pm->wanted;
	size_t n = 0;
	for (size_t i = 0; i < snap->n_listeners; i++)
		if (snap->listeners[i].inode != 0)
			w[n++] = (struct wanted){ .inode = snap->listeners[i].inode, .listener = i };
	if (n > 1)
		qsort(w, n, sizeof(*w), cmp_wanted);

	/* The previous answers, as candidates. */
	for (size_t i = 0; i < n; i++) {
		const struct cached *c = find_cached(pm, w[i].inode);
		if (c != NULL) {
			w[i].pid = c->pid;
			w[i].fd = c->fd;
		}
	}
	size_t n_states = check_pids(pm, w, n);

	size_t remaining = 0;
	bool worth_walking = false;
	for (size_t i = 0; i < n; i++) {
		if (w[i].pid != 0 && pid_alive(pm, n_states, w[i].pid)) {
			if (!due(pm, w[i].inode)) {
				stats->cached++;
				continue;
			}
			struct cached c = { w[i].inode, w[i].pid, w[i].fd };
			stats->verified++;
			if (still_there(pm, &c)) {
				stats->cached++;
				continue;
			}
		}
		w[i].pid = 0;
		remaining++;
		if (!is_unfindable(pm, w[i].inode))
			worth_walking = true;
	}
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long since_walk = (long)(now.tv_sec - pm->unfindable_at.tv_sec);
	long since_walk_ms = since_walk * 1000 + (now.tv_nsec - pm->unfindable_at.tv_nsec) / 1000000;
	long gap_ms = pm->walk_cost_ms * WALK_COST_FACTOR;
	if (gap_ms < MIN_WALK_GAP_MS)
		gap_ms = MIN_WALK_GAP_MS;
	if (gap_ms > (long)pm->walk_interval_s * 1000)
		gap_ms = (long)pm->walk_interval_s * 1000;
	if (remaining > 0 && (!pm->walked || since_walk >= UNFINDABLE_RETRY_S))
		worth_walking = true;
	if (worth_walking && pm->walked && since_walk_ms < gap_ms) {
		worth_walking = false;
		stats->walk_deferred = true;
	}
	if (worth_walking) {
		/* The cost is the CPU time the walk took, not the wall clock:
		 * the pacing keeps walks under 1% of a core, and on a loaded
		 * machine the wall clock counts the time spent waiting for a
		 * CPU too (three times the work at a load of 6 on 2 cores),
		 * which would delay the next owner's name for nothing. */
		struct timespec cpu_start, cpu_done;
		bool cpu = clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu_start) == 0;
		walk(pm, w, n, remaining, stats);
		remember_unfindable(pm, w, n);
		pm->walk_refused = stats->denied > 0;
		struct timespec done;
		if (cpu && clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu_done) == 0) {
			pm->walk_cost_ms = (long)(cpu_done.tv_sec - cpu_start.tv_sec) * 1000 +
					   (cpu_done.tv_nsec - cpu_start.tv_nsec) / 1000000;
		} else {
			clock_gettime(CLOCK_MONOTONIC, &done);
			pm->walk_cost_ms = (long)(done.tv_sec - now.tv_sec) * 1000 +
					   (done.tv_nsec - now.tv_nsec) / 1000000;
		}
	}
	remember(pm, w, n);
	refresh_comms(pm, w, n, stats);

	for (size_t i = 0; i < n; i++) {
		if (w[i].pid == 0)
			continue;
		struct pc_listener *l = &snap->listeners[w[i].listener];
		struct comm key = { .pid = w[i].pid };
		const struct comm *c =
			pm->n_comms > 0 ? bsearch(&key, pm->comms, pm->n_comms, sizeof(key), cmp_comm)
					: NULL;
		l->pid = w[i].pid;
		snprintf(l->process, sizeof(l->process), "%s", c != NULL ? c->name : "");
	}
	for (size_t i = 0; i < snap->n_listeners; i++)
		if (snap->listeners[i].pid == 0)
			stats->unresolved++;
	for (size_t i = 0; i < n; i++)
		if (w[i].pid == 0 && is_unfindable(pm, w[i].inode)) {
			if (pm->walk_refused)
				stats->owner_denied++;
			else
				stats->owner_absent++;
		}
}
