/* SPDX-License-Identifier: ISC */
/* inode -> the processes holding it, for listeners only.
 *
 * The kernel gives no socket -> process map; the only way is the one ss -p
 * and lsof take: read every /proc/PID/fd/N link and look for
 * "socket:[INODE]". Each such lookup costs 2.5-5 us (procfs builds an inode
 * for it), so on a busy host a walk of every process takes hundreds of
 * milliseconds, and even re-checking 1,000 known answers every pass would
 * cost more than the whole netlink poll. Hence:
 *   - only listener inodes are looked for;
 *   - two kinds of walk. A find walk reads the newest processes first and
 *     stops as soon as each inode nobody was known to hold has a holder: a
 *     new listener is usually a new process's, so on a busy host it costs
 *     a few processes, not all of them. A full walk reads every process
 *     and so knows every program holding each inode (a supervisor and the
 *     service it started, a pre-forked server's workers): owner checks
 *     need all of them (engine_owner.c). The first walk is full; a find
 *     walk's answers are partial until the next full one;
 *   - answers are remembered as (inode, pid, fd) per holder, one per
 *     distinct program (its lowest pid). On the next passes an answer
 *     stands while its pids live (one lookup per distinct pid) and is
 *     re-read from /proc/PID/fd/FD on a rotation, one pass in
 *     VERIFY_ROUNDS; names likewise. A holder gone makes the answer partial
 *     (another process of that program may hold the socket too); no holder
 *     left, or a new inode, calls for a find walk. Meanwhile the inode is
 *     pending: never a stale pid for a dead holder;
 *   - a full walk runs again every FULL_REFRESH_S, since a socket can
 *     gain holders without the walk's knowing (a service started on
 *     demand inherits its supervisor's socket);
 *   - a caller that names many listeners may ask only about some of
 *     them on most passes (pc_procmap_name_some: the new ones, those not
 *     settled, a rotating share): the answers to the others stay as they
 *     were. Such a pass runs no full walk; it says when one is due
 *     (whole_due), and the caller's next pass names them all;
 *   - walks are paced by their cost, full and find walks each by their
 *     own, and inodes that a walk of every process could not find
 *     (kernel-owned sockets such as nfsd's have no fd anywhere; processes
 *     we may not inspect) are not walked for again soon (see
 *     DEFAULT_WALK_INTERVAL_S below).
 *
 * Reading another user's /proc/PID/fd needs CAP_DAC_READ_SEARCH (the
 * directory is mode 0500, owned by the process's user) and reading its
 * links needs CAP_SYS_PTRACE (ptrace read access); without them those
 * processes' listeners stay unnamed (denied). */
#include "collect/procmap.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A full walk reads every fd link of every process: on a host with 50,000
 * connections, 110,000 links and 360 ms (bench/); on a quiet one, a few
 * milliseconds. So the next full walk waits FULL_WALK_COST_FACTOR times
 * the CPU time the last one took (full walks take at most 1% of a core;
 * CPU time, not elapsed time, which on a loaded machine counts the wait
 * for a CPU and would delay naming for nothing), at least MIN_WALK_GAP_MS
 * and never longer than DEFAULT_WALK_INTERVAL_S. Find walks are what a new
 * unexpected listener's announcement waits for: they only run while new
 * listeners appear, and are paced more loosely (at most 5% of a core, and
 * at most FIND_WALK_LONGEST_GAP_MS apart), so that a listener opened on a
 * busy host by an old process (which a find walk reaches last) is named
 * within seconds, not half a minute. Listeners that appear in between stay
 * pending until the next walk, never with a wrong pid. Inodes a walk of
 * every process could not find are looked for again only after
 * UNFINDABLE_RETRY_S: a socket nobody's fd table holds (a kernel socket,
 * one held only by a process we may not read or cannot see) rarely
 * becomes findable. */
#define DEFAULT_WALK_INTERVAL_S 30
#define FULL_WALK_COST_FACTOR 100
#define FIND_WALK_COST_FACTOR 20
#define FIND_WALK_LONGEST_GAP_MS 5000
#define MIN_WALK_GAP_MS 250 /* event-driven polls come in bursts */
#define UNFINDABLE_RETRY_S 600
#define FULL_REFRESH_S 60
#define VERIFY_ROUNDS 16

/* Where a holder has the socket. */
struct place {
	int32_t pid;
	int32_t fd;
};

struct cached {
	uint64_t inode;
	bool complete;
	uint8_t n;
	struct place at[PC_HOLDERS_MAX];
};

/* One distinct inode of a pass. */
struct wanted {
	uint64_t inode;
	bool complete; /* at[] is every program holding it */
	bool sought; /* no holder known: what a find walk looks for */
	bool hit; /* found by this pass's walk */
	uint8_t n;
	struct place at[PC_HOLDERS_MAX];
};

/* A holder candidate of wanted[w]: a cached one still there, or a walk's find. */
struct candidate {
	uint32_t w;
	struct place place;
};

struct comm {
	int32_t pid;
	char name[PC_PROCESS_MAX];
};

struct pid_state {
	int32_t pid;
	bool alive;
};

/* When a kind of walk last ran and what it cost. */
struct pacing {
	bool done;
	struct timespec at; /* CLOCK_MONOTONIC, when it ended */
	long cost_ms; /* CPU time */
};

struct pc_procmap {
	char *root;
	int root_fd; /* the proc root, opened once: every path below is relative to it */

	struct cached *cache; /* sorted by inode: the previous answers */
	size_t n_cache, cap_cache;

	uint64_t *unfindable; /* sorted: not found by the last walk of every process */
	size_t n_unfindable, cap_unfindable;
	/* That walk met a process whose open files it may not read: the
	 * unfindable may be held there ("denied"); otherwise no process holds
	 * them ("not found": kernel sockets such as nfsd's). */
	bool walk_refused;
	struct pacing full, find;
	/* The last full walk of a whole pass: what FULL_REFRESH_S counts
	 * from. A partial pass's walk of every process refreshes only the
	 * inodes it was asked about. */
	bool refreshed;
	struct timespec refreshed_at;
	/* A partial pass met an answer that only a full walk completes. */
	bool partial_seen;
	unsigned walk_interval_s;

	struct comm *comms; /* sorted by pid: the names of the previous pass */
	size_t n_comms, cap_comms;
	uint64_t rounds; /* passes so far: drives the rotation */

	/* Per-pass scratch, kept to avoid allocating on every pass. */
	struct wanted *wanted;
	size_t cap_wanted;
	struct candidate *cands;
	size_t n_cands, cap_cands;
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
	free(pm->cands);
	free(pm->comms);
	free(pm->new_comms);
	free(pm->pid_states);
	free(pm->pids);
	free(pm);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
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

/* Among the first n entries of the cache (its sorted part). */
static struct cached *find_cached_in(const struct pc_procmap *pm, size_t n, uint64_t inode)
{
	size_t lo = 0, hi = n;
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

static struct cached *find_cached(const struct pc_procmap *pm, uint64_t inode)
{
	return find_cached_in(pm, pm->n_cache, inode);
}

static bool is_unfindable(const struct pc_procmap *pm, uint64_t inode)
{
	return pm->n_unfindable > 0 &&
	       bsearch(&inode, pm->unfindable, pm->n_unfindable, sizeof(inode), cmp_u64) != NULL;
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
		if (link[i] < '0' || link[i] > '9' || inode > UINT64_MAX / 10 - 1)
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

/* Is the socket still where an earlier pass found it? */
static bool still_there(const struct pc_procmap *pm, uint64_t inode, const struct place *p)
{
	char path[64], link[64];
	snprintf(path, sizeof(path), "%d/fd/%d", (int)p->pid, (int)p->fd);
	ssize_t len = readlinkat(pm->root_fd, path, link, sizeof(link));
	return len > 0 && socket_inode(link, len) == inode;
}

static int cmp_pid(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

/* The numeric entries of the proc root, ascending. */
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

static int add_candidate(struct pc_procmap *pm, uint32_t w, int32_t pid, int32_t fd)
{
	if (grow((void **)&pm->cands, &pm->cap_cands, pm->n_cands + 1, sizeof(*pm->cands)) < 0)
		return -1;
	pm->cands[pm->n_cands++] = (struct candidate){ w, { pid, fd } };
	return 0;
}

/* Reads the fd links of the processes: all of them in a full walk; in a
 * find walk, the newest first, until each of the `remaining` inodes nobody
 * was known to hold (the sought ones) has one holder. Every holder met of
 * any wanted inode becomes a candidate. Returns whether it read every
 * process. */
static bool walk(struct pc_procmap *pm, struct wanted *w, size_t n, bool find, size_t remaining,
		 struct pc_procmap_stats *stats)
{
	size_t n_pids = list_pids(pm);
	for (size_t k = 0; k < n_pids; k++) {
		if (find && remaining == 0)
			return false;
		int32_t pid = pm->pids[find ? n_pids - 1 - k : k];
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
		while ((fe = readdir(fds)) != NULL) {
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
			struct wanted *hit = inode != 0 ? find_wanted(w, n, inode) : NULL;
			if (hit == NULL)
				continue;
			if (add_candidate(pm, (uint32_t)(hit - w), pid, parse_pid(fe->d_name)) < 0)
				break;
			if (!hit->hit && hit->sought && remaining > 0)
				remaining--;
			hit->hit = true;
		}
		if (denied)
			stats->denied++;
		closedir(fds);
	}
	return true;
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

static bool due(const struct pc_procmap *pm, uint64_t key)
{
	return (key + pm->rounds) % VERIFY_ROUNDS == 0;
}

static int cmp_pid_state(const void *a, const void *b)
{
	const struct pid_state *x = a, *y = b;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Liveness of the distinct pids the cache names for this pass's inodes,
 * sorted by pid. Returns how many. */
static size_t check_pids(struct pc_procmap *pm, const struct wanted *w, size_t n)
{
	size_t k = 0, total = 0;
	for (size_t i = 0; i < n; i++)
		total += w[i].n;
	if (grow((void **)&pm->pid_states, &pm->cap_pid_states, total, sizeof(*pm->pid_states)) < 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		for (uint8_t h = 0; h < w[i].n; h++)
			pm->pid_states[k++] = (struct pid_state){ w[i].at[h].pid, false };
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

/* The names of the candidates' pids: kept from the previous pass unless
 * due on the rotation, read otherwise. Leaves pm->comms sorted by pid; a
 * partial pass keeps the names of the pids it did not meet too (the
 * listeners it was not asked about still have them), a whole pass only
 * its own. */
static void refresh_comms(struct pc_procmap *pm, bool partial, struct pc_procmap_stats *stats)
{
	size_t k = 0;
	if (grow((void **)&pm->new_comms, &pm->cap_new_comms, pm->n_cands + (partial ? pm->n_comms : 0),
		 sizeof(*pm->new_comms)) < 0)
		return;
	for (size_t i = 0; i < pm->n_cands; i++)
		pm->new_comms[k++].pid = pm->cands[i].place.pid;
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
	if (partial && pm->n_comms > 0) {
		size_t met = unique;
		for (size_t i = 0; i < pm->n_comms; i++)
			if (met == 0 || bsearch(&pm->comms[i], pm->new_comms, met, sizeof(pm->comms[i]),
						cmp_comm) == NULL)
				pm->new_comms[unique++] = pm->comms[i];
		if (unique > met)
			qsort(pm->new_comms, unique, sizeof(*pm->new_comms), cmp_comm);
	}
	struct comm *swap = pm->comms;
	size_t swap_cap = pm->cap_comms;
	pm->comms = pm->new_comms;
	pm->cap_comms = pm->cap_new_comms;
	pm->n_comms = unique;
	pm->new_comms = swap;
	pm->cap_new_comms = swap_cap;
}

static const char *comm_of(const struct pc_procmap *pm, int32_t pid)
{
	struct comm key = { .pid = pid };
	const struct comm *c =
		pm->n_comms > 0 ? bsearch(&key, pm->comms, pm->n_comms, sizeof(key), cmp_comm) : NULL;
	return c != NULL ? c->name : "";
}

static int cmp_candidate(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;
	if (x->w != y->w)
		return x->w < y->w ? -1 : 1;
	if (x->place.pid != y->place.pid)
		return x->place.pid < y->place.pid ? -1 : 1;
	return (x->place.fd > y->place.fd) - (x->place.fd < y->place.fd);
}

/* Each wanted inode's holders from the candidates: the lowest pid of each
 * distinct program, at most PC_HOLDERS_MAX of them. */
static void keep_distinct_programs(struct pc_procmap *pm, struct wanted *w, size_t n)
{
	if (pm->n_cands > 1)
		qsort(pm->cands, pm->n_cands, sizeof(*pm->cands), cmp_candidate);
	for (size_t i = 0; i < n; i++)
		w[i].n = 0;
	for (size_t i = 0; i < pm->n_cands; i++) {
		struct wanted *x = &w[pm->cands[i].w];
		const char *name = comm_of(pm, pm->cands[i].place.pid);
		bool seen = false;
		for (uint8_t h = 0; h < x->n && !seen; h++)
			seen = x->at[h].pid == pm->cands[i].place.pid ||
			       strcmp(comm_of(pm, x->at[h].pid), name) == 0;
		if (!seen && x->n < PC_HOLDERS_MAX)
			x->at[x->n++] = pm->cands[i].place;
	}
}

static int cmp_cached(const void *a, const void *b)
{
	const struct cached *x = a, *y = b;
	return (x->inode > y->inode) - (x->inode < y->inode);
}

static void cache_entry(struct cached *c, const struct wanted *w)
{
	c->inode = w->inode;
	c->complete = w->complete;
	c->n = w->n;
	memcpy(c->at, w->at, sizeof(c->at));
}

/* A partial pass's answers into the cache, the others' kept: an entry
 * with no holder left stays as a hole (n == 0, never found), and new
 * entries are appended and sorted in, which a steady host rarely needs. */
static void remember_some(struct pc_procmap *pm, const struct wanted *w, size_t n)
{
	size_t before = pm->n_cache;
	for (size_t i = 0; i < n; i++) {
		struct cached *c = find_cached_in(pm, before, w[i].inode);
		if (c != NULL) {
			cache_entry(c, &w[i]);
			continue;
		}
		if (w[i].n == 0 ||
		    grow((void **)&pm->cache, &pm->cap_cache, pm->n_cache + 1, sizeof(*pm->cache)) < 0)
			continue;
		cache_entry(&pm->cache[pm->n_cache++], &w[i]);
	}
	if (pm->n_cache > before)
		qsort(pm->cache, pm->n_cache, sizeof(*pm->cache), cmp_cached);
}

static void remember(struct pc_procmap *pm, const struct wanted *w, size_t n, bool partial)
{
	if (partial) {
		remember_some(pm, w, n);
		return;
	}
	pm->n_cache = 0;
	if (grow((void **)&pm->cache, &pm->cap_cache, n, sizeof(*pm->cache)) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		if (w[i].n == 0)
			continue;
		cache_entry(&pm->cache[pm->n_cache++], &w[i]);
	}
}

/* After a walk of every process: what it did not find (and, after a
 * partial pass, what earlier walks did not find of the inodes it was not
 * asked about). */
static void remember_unfindable(struct pc_procmap *pm, const struct wanted *w, size_t n,
				bool refused, bool partial)
{
	size_t kept = 0;
	if (partial) {
		for (size_t i = 0; i < pm->n_unfindable; i++)
			if (find_wanted((struct wanted *)w, n, pm->unfindable[i]) == NULL)
				pm->unfindable[kept++] = pm->unfindable[i];
		pm->walk_refused = pm->walk_refused || refused;
	} else {
		pm->walk_refused = refused;
	}
	pm->n_unfindable = kept;
	if (grow((void **)&pm->unfindable, &pm->cap_unfindable, kept + n, sizeof(*pm->unfindable)) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (!w[i].hit)
			pm->unfindable[pm->n_unfindable++] = w[i].inode;
	if (partial && pm->n_unfindable > 1)
		qsort(pm->unfindable, pm->n_unfindable, sizeof(*pm->unfindable), cmp_u64);
}

static long ms_between(const struct timespec *from, const struct timespec *to)
{
	return (long)(to->tv_sec - from->tv_sec) * 1000 + (to->tv_nsec - from->tv_nsec) / 1000000;
}

/* May a walk of this kind run now? */
static bool walk_allowed(const struct pc_procmap *pm, const struct pacing *p,
			 const struct timespec *now)
{
	if (!p->done)
		return true;
	bool find = p == &pm->find;
	long gap_ms = p->cost_ms * (find ? FIND_WALK_COST_FACTOR : FULL_WALK_COST_FACTOR);
	if (gap_ms < MIN_WALK_GAP_MS)
		gap_ms = MIN_WALK_GAP_MS;
	if (find && gap_ms > FIND_WALK_LONGEST_GAP_MS)
		gap_ms = FIND_WALK_LONGEST_GAP_MS;
	if (gap_ms > (long)pm->walk_interval_s * 1000)
		gap_ms = (long)pm->walk_interval_s * 1000;
	return ms_between(&p->at, now) >= gap_ms;
}

/* One walk, its candidates merged with what the cache still holds. The
 * cost is the CPU time the walk took, not the wall clock: the pacing keeps
 * walks under 1% of a core, and on a loaded machine the wall clock counts
 * the time spent waiting for a CPU too (three times the work at a load of
 * 6 on 2 cores), which would delay the next owner's name for nothing. */
static void run_walk(struct pc_procmap *pm, struct wanted *w, size_t n, bool find, size_t need_find,
		     bool partial, struct pc_procmap_stats *stats)
{
	struct timespec cpu_start, cpu_done, now;
	bool cpu = clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu_start) == 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	size_t cached_cands = pm->n_cands;
	unsigned denied_before = stats->denied;

	/* A find walk that never found them all read every process: a full one. */
	bool every_process = walk(pm, w, n, find, need_find, stats);
	if (every_process) {
		/* The walk saw every holder: the cache's candidates go, and
		 * what was not found is held by no process we can read. */
		size_t kept = 0;
		for (size_t i = cached_cands; i < pm->n_cands; i++)
			pm->cands[kept++] = pm->cands[i];
		pm->n_cands = kept;
		for (size_t i = 0; i < n; i++)
			w[i].complete = true;
		remember_unfindable(pm, w, n, stats->denied > denied_before, partial);
	}
	struct pacing *p = every_process ? &pm->full : &pm->find;
	p->done = true;
	clock_gettime(CLOCK_MONOTONIC, &p->at);
	if (cpu && clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu_done) == 0)
		p->cost_ms = ms_between(&cpu_start, &cpu_done);
	else
		p->cost_ms = ms_between(&now, &p->at);
	if (every_process && !partial) {
		pm->refreshed = true;
		pm->refreshed_at = p->at;
	}
	if (every_process)
		stats->full_walk = true;
	else
		stats->find_walk = true;
}

static void answer(const struct pc_procmap *pm, const struct wanted *x, uint64_t inode,
		   struct pc_naming_answer *a)
{
	memset(a, 0, sizeof(*a));
	a->inode = inode;
	if (x == NULL) { /* inode 0: a socket without a file, which nobody can hold */
		a->naming = PC_NAMING_NOT_FOUND;
		return;
	}
	if (x->n > 0) {
		a->naming = x->complete ? PC_NAMING_COMPLETE : PC_NAMING_PARTIAL;
		a->n_holders = x->n;
		for (uint8_t h = 0; h < x->n; h++) {
			a->holders[h].pid = x->at[h].pid;
			snprintf(a->holders[h].process, sizeof(a->holders[h].process), "%s",
				 comm_of(pm, x->at[h].pid));
		}
		return;
	}
	if (!is_unfindable(pm, inode))
		a->naming = PC_NAMING_PENDING;
	else
		a->naming = pm->walk_refused ? PC_NAMING_DENIED : PC_NAMING_NOT_FOUND;
}

/* The inodes wanted, distinct and sorted, with what the cache says of
 * them; the candidates start as their cached holders. Returns how many. */
static size_t collect_wanted(struct pc_procmap *pm, const uint64_t *inodes, size_t n)
{
	struct wanted *w = pm->wanted;
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (inodes[i] != 0)
			w[k++] = (struct wanted){ .inode = inodes[i] };
	if (k > 1)
		qsort(w, k, sizeof(*w), cmp_wanted);
	size_t unique = 0;
	for (size_t i = 0; i < k; i++)
		if (unique == 0 || w[unique - 1].inode != w[i].inode)
			w[unique++] = w[i];
	for (size_t i = 0; i < unique; i++) {
		const struct cached *c = find_cached(pm, w[i].inode);
		if (c == NULL || c->n == 0) /* never met, or its holders are gone */
			continue;
		w[i].complete = c->complete;
		w[i].n = c->n;
		memcpy(w[i].at, c->at, sizeof(w[i].at));
	}
	return unique;
}

/* Drops the cached holders that are gone (their process, or the socket
 * from the fd they had it on: re-read on the rotation). An inode that lost
 * one is no longer known to be complete. */
static void check_cached(struct pc_procmap *pm, struct wanted *w, size_t n,
			 struct pc_procmap_stats *stats)
{
	size_t n_states = check_pids(pm, w, n);
	for (size_t i = 0; i < n; i++) {
		uint8_t kept = 0;
		bool verify = w[i].n > 0 && due(pm, w[i].inode);
		for (uint8_t h = 0; h < w[i].n; h++) {
			bool there = pid_alive(pm, n_states, w[i].at[h].pid);
			if (there && verify) {
				stats->verified++;
				there = still_there(pm, w[i].inode, &w[i].at[h]);
			}
			if (there)
				w[i].at[kept++] = w[i].at[h];
		}
		if (kept < w[i].n)
			w[i].complete = false;
		w[i].n = kept;
		if (kept > 0)
			stats->cached++;
		for (uint8_t h = 0; h < kept; h++)
			add_candidate(pm, (uint32_t)i, w[i].at[h].pid, w[i].at[h].fd);
	}
}

bool pc_procmap_whole_due(const struct pc_procmap *pm)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	bool stale = !pm->refreshed || pm->partial_seen ||
		     ms_between(&pm->refreshed_at, &now) >= FULL_REFRESH_S * 1000L;
	return stale && walk_allowed(pm, &pm->full, &now);
}

static void name_pass(struct pc_procmap *pm, const uint64_t *inodes, size_t n,
		      struct pc_naming_answer *answers, bool partial, struct pc_procmap_stats *stats)
{
	memset(stats, 0, sizeof(*stats));
	if (pm->root_fd < 0)
		pm->root_fd = open(pm->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pm->root_fd < 0 ||
	    grow((void **)&pm->wanted, &pm->cap_wanted, n, sizeof(*pm->wanted)) < 0) {
		for (size_t i = 0; i < n; i++)
			answers[i] = (struct pc_naming_answer){ .inode = inodes[i],
								.naming = PC_NAMING_UNAVAILABLE };
		stats->unresolved = (unsigned)n;
		return;
	}
	pm->rounds++;
	pm->n_cands = 0;
	struct wanted *w = pm->wanted;
	size_t n_wanted = collect_wanted(pm, inodes, n);
	check_cached(pm, w, n_wanted, stats);

	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	bool retry_unfindable = pm->full.done && ms_between(&pm->full.at, &now) >=
							 UNFINDABLE_RETRY_S * 1000L;
	size_t need_find = 0;
	bool need_full = n_wanted > 0 && (!pm->refreshed ||
					  ms_between(&pm->refreshed_at, &now) >= FULL_REFRESH_S * 1000L);
	bool some_partial = false;
	for (size_t i = 0; i < n_wanted; i++) {
		w[i].sought = w[i].n == 0 && (retry_unfindable || !is_unfindable(pm, w[i].inode));
		if (w[i].sought)
			need_find++;
		if (w[i].n > 0 && !w[i].complete)
			some_partial = true;
	}
	need_full = need_full || some_partial;
	/* A partial pass knows too little for a full walk (its answers would
	 * say nothing of the listeners it was not asked about): it asks for a
	 * whole pass instead, and meanwhile only finds new holders. */
	if (partial) {
		pm->partial_seen = pm->partial_seen || some_partial;
		need_full = false;
	} else {
		pm->partial_seen = false;
	}
	/* A full walk answers everything a find walk would: it goes first
	 * when its pacing allows. */
	if ((need_full || (need_find > 0 && !partial)) && walk_allowed(pm, &pm->full, &now))
		run_walk(pm, w, n_wanted, false, need_find, partial, stats);
	else if (need_find > 0 && walk_allowed(pm, &pm->find, &now))
		run_walk(pm, w, n_wanted, true, need_find, partial, stats);
	else if (need_full || need_find > 0)
		stats->walk_deferred = true;

	refresh_comms(pm, partial, stats);
	keep_distinct_programs(pm, w, n_wanted);
	remember(pm, w, n_wanted, partial);

	for (size_t i = 0; i < n; i++) {
		const struct wanted *x = inodes[i] != 0 ? find_wanted(w, n_wanted, inodes[i]) : NULL;
		answer(pm, x, inodes[i], &answers[i]);
		if (answers[i].n_holders == 0)
			stats->unresolved++;
		if (answers[i].naming == PC_NAMING_PARTIAL)
			stats->partial++;
		else if (answers[i].naming == PC_NAMING_DENIED)
			stats->owner_denied++;
		else if (answers[i].naming == PC_NAMING_NOT_FOUND && inodes[i] != 0)
			stats->owner_absent++;
	}
	stats->whole_due = pc_procmap_whole_due(pm);
}

void pc_procmap_name(struct pc_procmap *pm, const uint64_t *inodes, size_t n,
		     struct pc_naming_answer *answers, struct pc_procmap_stats *stats)
{
	name_pass(pm, inodes, n, answers, false, stats);
}

void pc_procmap_name_some(struct pc_procmap *pm, const uint64_t *inodes, size_t n,
			  struct pc_naming_answer *answers, struct pc_procmap_stats *stats)
{
	name_pass(pm, inodes, n, answers, true, stats);
}

static int cmp_answer(const void *a, const void *b)
{
	const struct pc_naming_answer *x = a, *y = b;
	return (x->inode > y->inode) - (x->inode < y->inode);
}

void pc_naming_answers_sort(struct pc_naming_answer *answers, size_t n)
{
	if (n > 1)
		qsort(answers, n, sizeof(*answers), cmp_answer);
}

/* The index of inode in the sorted inodes, or n. */
static size_t index_of(const uint64_t *inodes, size_t n, uint64_t inode)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (inodes[mid] < inode)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && inodes[lo] == inode ? lo : n;
}

size_t pc_naming_apply(struct pc_snapshot *snap, const uint64_t *inodes,
		       const struct pc_naming_answer *answers, size_t n,
		       enum pc_naming missing_naming)
{
	size_t unnamed = 0;
	for (size_t i = 0; i < snap->n_listeners; i++) {
		struct pc_listener *l = &snap->listeners[i];
		struct pc_naming_answer key = { .inode = l->inode };
		const struct pc_naming_answer *a = NULL;
		if (inodes != NULL) {
			size_t at = index_of(inodes, n, l->inode);
			a = at < n ? &answers[at] : NULL;
		} else if (n > 0) {
			a = bsearch(&key, answers, n, sizeof(key), cmp_answer);
		}
		if (a == NULL)
			pc_listener_set_holders(snap, l, missing_naming, NULL, 0);
		else if (pc_listener_set_holders(snap, l, a->naming, a->holders, a->n_holders) < 0)
			l->naming = PC_NAMING_UNAVAILABLE; /* out of memory: said, not guessed */
		if (l->n_holders == 0)
			unnamed++;
	}
	return unnamed;
}

void pc_procmap_resolve(struct pc_procmap *pm, struct pc_snapshot *snap,
			struct pc_procmap_stats *stats)
{
	size_t n = snap->n_listeners;
	uint64_t *inodes = calloc(n + 1, sizeof(*inodes));
	struct pc_naming_answer *answers = malloc((n + 1) * sizeof(*answers));
	if (inodes == NULL || answers == NULL) {
		memset(stats, 0, sizeof(*stats));
		stats->unresolved = (unsigned)n;
		pc_naming_apply(snap, NULL, NULL, 0, PC_NAMING_UNAVAILABLE);
		free(inodes);
		free(answers);
		return;
	}
	for (size_t i = 0; i < n; i++)
		inodes[i] = snap->listeners[i].inode;
	pc_procmap_name(pm, inodes, n, answers, stats);
	pc_naming_answers_sort(answers, n);
	stats->unresolved =
		(unsigned)pc_naming_apply(snap, NULL, answers, n, PC_NAMING_UNAVAILABLE);
	free(inodes);
	free(answers);
}
