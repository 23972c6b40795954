/* SPDX-License-Identifier: ISC */
#include "daemon/plan_loader.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Shared by the owner and the thread; the last of the two frees it, so
 * that stopping never joins a thread that may be stuck in a load. */
struct pc_plan_loader {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int refs;
	bool requested, stopping;
	unsigned long tickets; /* requests made so far */
	unsigned long loading_through; /* the newest ticket the running load answers */
	unsigned long result_through; /* ... and the waiting result */
	unsigned long taken_through; /* ... and the last result taken (owner only) */
	bool loading; /* the thread is inside load() */
	pthread_t thread;
	bool done; /* a result waits in plan/diag */
	struct pc_plan *plan;
	struct pc_diag diag;
	char *path;
	pc_plan_load_fn load;
	int pipe[2]; /* one byte per finished load */
};

static void drop(struct pc_plan_loader *l)
{
	pthread_mutex_lock(&l->lock);
	bool last = --l->refs == 0;
	pthread_mutex_unlock(&l->lock);
	if (!last)
		return;
	pc_plan_unref(l->plan);
	pc_diag_clear(&l->diag);
	close(l->pipe[0]);
	close(l->pipe[1]);
	pthread_cond_destroy(&l->wake);
	pthread_mutex_destroy(&l->lock);
	free(l->path);
	free(l);
}

static void *run(void *arg)
{
	struct pc_plan_loader *l = arg;
	pthread_mutex_lock(&l->lock);
	for (;;) {
		while (!l->requested && !l->stopping)
			pthread_cond_wait(&l->wake, &l->lock);
		if (l->stopping)
			break;
		l->requested = false;
		l->loading = true;
		l->loading_through = l->tickets;
		pthread_mutex_unlock(&l->lock);

		struct pc_diag diag = { 0 };
		struct pc_plan *plan = l->load(l->path, &diag);

		pthread_mutex_lock(&l->lock);
		l->loading = false;
		/* an untaken older result is replaced by the newer one */
		pc_plan_unref(l->plan);
		pc_diag_clear(&l->diag);
		l->plan = plan;
		l->diag = diag;
		l->result_through = l->loading_through;
		l->done = true;
		unsigned char byte = 1;
		if (write(l->pipe[1], &byte, 1) < 0) {
			/* a full pipe already says "ready" */
		}
	}
	pthread_mutex_unlock(&l->lock);
	drop(l);
	return NULL;
}

struct pc_plan_loader *pc_plan_loader_start(const char *path, pc_plan_load_fn load)
{
	struct pc_plan_loader *l = calloc(1, sizeof(*l));
	if (l == NULL)
		return NULL;
	l->path = strdup(path);
	l->load = load != NULL ? load : pc_plan_load;
	l->refs = 2;
	if (l->path == NULL || pipe2(l->pipe, O_NONBLOCK | O_CLOEXEC) != 0) {
		free(l->path);
		free(l);
		return NULL;
	}
	pthread_mutex_init(&l->lock, NULL);
	pthread_cond_init(&l->wake, NULL);
	/* Signals belong to the SNMP thread's loop: a SIGHUP taken here would
	 * interrupt the load's own system calls. */
	sigset_t all, previous;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &previous);
	int rc = pthread_create(&l->thread, NULL, run, l);
	pthread_sigmask(SIG_SETMASK, &previous, NULL);
	if (rc != 0) {
		l->refs = 1;
		drop(l);
		return NULL;
	}
	return l;
}

int pc_plan_loader_fd(const struct pc_plan_loader *loader)
{
	return loader->pipe[0];
}

unsigned long pc_plan_loader_request(struct pc_plan_loader *loader)
{
	pthread_mutex_lock(&loader->lock);
	loader->requested = true;
	unsigned long ticket = ++loader->tickets;
	pthread_cond_signal(&loader->wake);
	pthread_mutex_unlock(&loader->lock);
	return ticket;
}

bool pc_plan_loader_take(struct pc_plan_loader *loader, struct pc_plan **plan,
			 struct pc_diag *diag)
{
	unsigned char bytes[16];
	while (read(loader->pipe[0], bytes, sizeof(bytes)) > 0)
		continue;
	pthread_mutex_lock(&loader->lock);
	bool done = loader->done;
	if (done) {
		*plan = loader->plan;
		*diag = loader->diag;
		loader->plan = NULL;
		memset(&loader->diag, 0, sizeof(loader->diag));
		loader->taken_through = loader->result_through;
		loader->done = false;
	}
	pthread_mutex_unlock(&loader->lock);
	return done;
}

unsigned long pc_plan_loader_taken_through(const struct pc_plan_loader *loader)
{
	return loader->taken_through;
}

void pc_plan_loader_stop(struct pc_plan_loader *loader)
{
	if (loader == NULL)
		return;
	pthread_mutex_lock(&loader->lock);
	loader->stopping = true;
	bool loading = loader->loading;
	pthread_t thread = loader->thread;
	pthread_cond_signal(&loader->wake);
	pthread_mutex_unlock(&loader->lock);
	/* An idle thread ends at once: wait for it, so that nothing is left
	 * behind. One inside a load may never come back: leave it. */
	if (loading)
		pthread_detach(thread);
	drop(loader);
	if (!loading)
		pthread_join(thread, NULL);
}
