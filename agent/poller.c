#include "poller.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

/* Destroy events come in bursts (a server exiting closes all its sockets);
 * one poll after the burst sees them all, so event-driven polls are spaced
 * at least this far apart. */
#define EVENT_POLL_SPACING_MS 20

struct pc_poller {
	pthread_t thread;
	pthread_mutex_t lock;
	int control[2]; /* SNMP thread -> poll thread: look at the settings */
	int wake[2]; /* poll thread -> SNMP thread: a state is waiting */
	struct pc_collector *collector; /* the poll thread's alone once started */

	/* Guarded by lock. */
	bool stopping;
	unsigned interval_ms;
	struct pc_state *latest;

	/* The poll thread's own. */
	uint32_t poll_count;
	uint32_t poll_errors;
	char last_failure[256];
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void drain(int fd)
{
	char buf[64];
	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

static void publish(struct pc_poller *p, struct pc_state *state)
{
	pthread_mutex_lock(&p->lock);
	struct pc_state *unread = p->latest;
	p->latest = state;
	pthread_mutex_unlock(&p->lock);
	pc_state_unref(unread);
	/* A full pipe already says "look"; the byte is only a doorbell. */
	if (write(p->wake[1], "s", 1) < 0 && errno != EAGAIN)
		pc_log(LOG_ERR, "poller: cannot wake the SNMP thread: %s", strerror(errno));
}

static void poll_once(struct pc_poller *p)
{
	struct pc_snapshot snap = { 0 };
	char err[256] = "";

	if (pc_collector_poll(p->collector, &snap, err, sizeof(err)) < 0) {
		p->poll_errors++;
		/* The same failure every few seconds would flood the log. */
		if (strcmp(err, p->last_failure) != 0) {
			pc_log(LOG_ERR, "poll failed: %s", err);
			snprintf(p->last_failure, sizeof(p->last_failure), "%s", err);
		}
		return;
	}
	if (p->last_failure[0] != '\0') {
		pc_log(LOG_NOTICE, "polling works again");
		p->last_failure[0] = '\0';
	}
	p->poll_count++;
	p->poll_errors += snap.errors;
	struct pc_state *state = pc_state_new(&snap);
	if (state == NULL) {
		pc_snapshot_clear(&snap);
		pc_log(LOG_ERR, "poll: out of memory for the new state");
		return;
	}
	state->poll_count = p->poll_count;
	state->poll_errors = p->poll_errors;
	publish(p, state);
}

static void *poll_thread(void *arg)
{
	struct pc_poller *p = arg;
	int64_t next_poll = now_ms(), last_poll = 0;
	bool event_pending = false;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		bool stopping = p->stopping;
		unsigned interval = p->interval_ms;
		pthread_mutex_unlock(&p->lock);
		if (stopping)
			break;

		int64_t now = now_ms();
		if (event_pending && now >= last_poll + EVENT_POLL_SPACING_MS)
			next_poll = now;
		if (now >= next_poll) {
			last_poll = now;
			event_pending = false;
			poll_once(p);
			next_poll = last_poll + interval;
			continue;
		}

		int64_t wait = next_poll - now;
		if (event_pending && last_poll + EVENT_POLL_SPACING_MS - now < wait)
			wait = last_poll + EVENT_POLL_SPACING_MS - now;
		struct pollfd fds[2] = {
			{ .fd = p->control[0], .events = POLLIN },
			{ .fd = pc_collector_event_fd(p->collector), .events = POLLIN },
		};
		int n = poll(fds, fds[1].fd >= 0 ? 2 : 1, (int)wait);
		if (n < 0 && errno != EINTR) {
			pc_log(LOG_ERR, "poller: poll: %s", strerror(errno));
			break;
		}
		if (n > 0 && (fds[0].revents & POLLIN)) {
			drain(p->control[0]);
			/* The interval may have changed: measure from the last poll. */
			pthread_mutex_lock(&p->lock);
			next_poll = last_poll + p->interval_ms;
			pthread_mutex_unlock(&p->lock);
		}
		if (n > 0 && fds[1].fd >= 0 && (fds[1].revents & POLLIN) &&
		    pc_collector_read_events(p->collector))
			event_pending = true;
	}
	return NULL;
}

static int make_pipe(int fds[2])
{
	return pipe2(fds, O_NONBLOCK | O_CLOEXEC);
}

struct pc_poller *pc_poller_start(const struct pc_poller_settings *settings, char *err,
				  size_t errlen)
{
	struct pc_poller *p = calloc(1, sizeof(*p));
	if (p == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->control[0] = p->control[1] = p->wake[0] = p->wake[1] = -1;
	p->interval_ms = settings->interval_ms;
	pthread_mutex_init(&p->lock, NULL);
	if (make_pipe(p->control) < 0 || make_pipe(p->wake) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		goto fail;
	}
	p->collector = pc_collector_open(&settings->collector, err, errlen);
	if (p->collector == NULL)
		goto fail;
	/* Signals belong to the SNMP thread's loop: the poll thread blocks them all. */
	sigset_t all, previous;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &previous);
	int rc = pthread_create(&p->thread, NULL, poll_thread, p);
	pthread_sigmask(SIG_SETMASK, &previous, NULL);
	if (rc != 0) {
		snprintf(err, errlen, "cannot start the poll thread: %s", strerror(rc));
		goto fail;
	}
	return p;
fail:
	if (p->collector != NULL)
		pc_collector_close(p->collector);
	for (int i = 0; i < 2; i++) {
		if (p->control[i] >= 0)
			close(p->control[i]);
		if (p->wake[i] >= 0)
			close(p->wake[i]);
	}
	pthread_mutex_destroy(&p->lock);
	free(p);
	return NULL;
}

int pc_poller_wake_fd(const struct pc_poller *p)
{
	return p->wake[0];
}

struct pc_state *pc_poller_take(struct pc_poller *p)
{
	drain(p->wake[0]);
	pthread_mutex_lock(&p->lock);
	struct pc_state *state = p->latest;
	p->latest = NULL;
	pthread_mutex_unlock(&p->lock);
	return state;
}

static void ring_control(struct pc_poller *p)
{
	if (write(p->control[1], "c", 1) < 0 && errno != EAGAIN)
		pc_log(LOG_ERR, "poller: cannot signal the poll thread: %s", strerror(errno));
}

void pc_poller_set_interval(struct pc_poller *p, unsigned interval_ms)
{
	pthread_mutex_lock(&p->lock);
	p->interval_ms = interval_ms;
	pthread_mutex_unlock(&p->lock);
	ring_control(p);
}

void pc_poller_stop(struct pc_poller *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_mutex_unlock(&p->lock);
	ring_control(p);
	pthread_join(p->thread, NULL);
	pc_collector_close(p->collector);
	pc_state_unref(p->latest);
	for (int i = 0; i < 2; i++) {
		close(p->control[i]);
		close(p->wake[i]);
	}
	pthread_mutex_destroy(&p->lock);
	free(p);
}
