/* SPDX-License-Identifier: ISC */
#include "daemon/poller.h"

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

#include "core/discover.h"
#include "core/discover_verdict.h"
#include "core/baseline.h"
#include "core/listener_rule.h"
#include "daemon/baseline_file.h"
#include "util/clock.h"
#include "util/log.h"

/* Destroy events come in bursts (a server exiting closes all its sockets,
 * a reuseport group's members may straddle two reads): the poll they
 * trigger waits this long for the rest of the burst... */
#define EVENT_DEBOUNCE_MS 10
/* ...and event-driven polls are spaced at least this far apart. */
#define EVENT_POLL_SPACING_MS 20
/* A changed baseline is written at most this often (and when the thread
 * stops): a flood of new listeners costs one write, not one a poll. */
#define BASELINE_SAVE_SPACING_MS 10000
/* Every port, one bit each. */
#define WATCH_WORDS (65536 / 64)

struct pc_poller {
	pthread_t thread;
	pthread_mutex_t lock;
	int control[2]; /* SNMP thread -> poll thread: look at the settings */
	int wake[2]; /* poll thread -> SNMP thread: a state or events wait */
	struct pc_collector *collector; /* the poll thread's alone once started */

	/* Guarded by lock. */
	bool stopping;
	bool reconfigured;
	struct pc_poller_settings pending; /* holds a plan reference */
	struct pc_state *latest;
	struct pc_event_box events;

	/* The poll thread's own. */
	struct pc_poller_settings current; /* holds a plan reference */
	struct pc_state *previous; /* the last published state: what the next poll is judged against */
	struct pc_state *last_seen; /* the last successful poll (NULL: none yet) */
	uint32_t poll_count;
	uint32_t poll_errors;
	unsigned failed_polls; /* in a row */
	char last_failure[256];
	uint64_t watched_bits[WATCH_WORDS]; /* ports the collector watches */
	bool watch_known; /* watched_bits was set */

	/* Discovery (config discovery = true), the poll thread's own: the
	 * index of the plan's catalog, the last result and what it was
	 * computed from, the verdict as published (held down), this poll's
	 * UDP sockets that only the catalog names, and the change of verdict
	 * the next publish hands over. */
	struct pc_discover_index *discover_index;
	struct pc_plan *discover_plan; /* the plan last discovered against (a reference) */
	uint64_t discover_hash;
	struct pc_discovery discovery;
	struct pc_discover_hold verdict;
	struct pc_listener *discover_also;
	size_t n_discover_also;
	bool discovery_changed;
	struct pc_event discovery_event;
	struct pc_baseline baseline; /* the listeners seen and who held them */
	char *baseline_dir; /* NULL: the baseline is kept in memory only */
	int64_t baseline_saved_ms; /* 0: not written yet */
	bool baseline_save_failed; /* the failure was said; the next success is too */
};

static void drain(int fd)
{
	char buf[64];
	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

static void ring(int fd)
{
	/* A full pipe already says "look": the byte is only a doorbell. */
	if (write(fd, "!", 1) < 0 && errno != EAGAIN)
		pc_log(LOG_ERR, "poller: cannot wake the other thread: %s", strerror(errno));
}

/* ---- what the collector should watch and count ---- */

/* A destroy event matters when it is an expected port's or a current
 * listener's (so pcListenerTable follows closes at once too). The ports
 * are gathered in a bitmap, which is their sorted list without a sort, and
 * the collector is told only when it differs from the last one. */
static void update_watch(struct pc_poller *p, const struct pc_snapshot *snap)
{
	uint64_t bits[WATCH_WORDS] = { 0 };
	const struct pc_expectations *exps = &p->current.plan->expectations;
	for (size_t i = 0; i < exps->n; i++)
		if (exps->items[i].direction == PC_DIR_LISTEN && exps->items[i].match == PC_MATCH_PORT)
			bits[exps->items[i].port >> 6] |= UINT64_C(1) << (exps->items[i].port & 63);
	for (size_t i = 0; i < snap->n_listeners; i++) {
		uint16_t port = snap->listeners[i].local.port;
		bits[port >> 6] |= UINT64_C(1) << (port & 63);
	}
	if (p->watch_known && memcmp(bits, p->watched_bits, sizeof(bits)) == 0)
		return;
	size_t n = 0;
	for (size_t w = 0; w < WATCH_WORDS; w++)
		n += (size_t)__builtin_popcountll(bits[w]);
	uint16_t *ports = malloc((n + 1) * sizeof(*ports));
	if (ports == NULL)
		return;
	n = 0;
	for (size_t w = 0; w < WATCH_WORDS; w++)
		for (uint64_t word = bits[w]; word != 0; word &= word - 1)
			ports[n++] = (uint16_t)(w * 64 + (size_t)__builtin_ctzll(word));
	pc_collector_set_watch_ports(p->collector, ports, n);
	free(ports);
	memcpy(p->watched_bits, bits, sizeof(bits));
	p->watch_known = true;
}

static void update_connect_ports(struct pc_poller *p)
{
	size_t n = 0;
	uint16_t *ports = pc_expectations_connect_ports(&p->current.plan->expectations, &n);
	if (ports == NULL)
		return;
	if (!p->current.engine.check_connections)
		n = 0;
	if (pc_collector_set_connect_ports(p->collector, ports, n) < 0)
		pc_log(LOG_WARNING, "cannot count connections to %zu remote ports: %s", n,
		       strerror(errno));
	free(ports);
}

/* ---- discovery ---- */

/* The index of the plan's catalog, built when discovery is first on and
 * again when a reload brings another catalog; NULL when out of memory. */
static const struct pc_discover_index *discover_index(struct pc_poller *p)
{
	const struct pc_plan *plan = p->current.plan;
	if (p->discover_index == NULL || p->discover_index->catalog != plan->catalog) {
		pc_discover_index_free(p->discover_index);
		p->discover_index = pc_discover_index_build(plan->catalog);
		if (p->discover_index == NULL)
			pc_log(LOG_ERR, "discovery: out of memory for the catalog's index");
	}
	return p->discover_index;
}

/* Before the listener rule drops clients' UDP sockets from the poll: those
 * whose port the catalog names, which discovery still considers
 * (pc_discover_catalog_udp says why). */
static void keep_catalog_udp(struct pc_poller *p, const struct pc_snapshot *raw)
{
	free(p->discover_also);
	p->discover_also = NULL;
	p->n_discover_also = 0;
	const struct pc_discover_index *ix;
	if (!p->current.plan->config->discovery || (ix = discover_index(p)) == NULL)
		return;
	p->discover_also = pc_discover_catalog_udp(ix, raw, &p->current.plan->expectations,
						   &p->n_discover_also);
}

/* A change of the published verdict, handed over with the next publish. */
static void verdict_changed(struct pc_poller *p, const struct pc_discovery *d,
			    enum pc_discover_verdict previous)
{
	pc_discover_event(d, previous, p->verdict.published, pc_now_ms(), &p->discovery_event);
	p->discovery_changed = true;
}

/* Discovery turned off: what it kept goes; receivers told a verdict hear "off". */
static void discovery_off(struct pc_poller *p)
{
	enum pc_discover_verdict previous;
	if (pc_discover_hold_off(&p->verdict, &previous))
		verdict_changed(p, NULL, previous);
	pc_discovery_free(&p->discovery);
	pc_discover_index_free(p->discover_index);
	p->discover_index = NULL;
	pc_plan_unref(p->discover_plan);
	p->discover_plan = NULL;
}

/* What a state carries of discovery: the last result with the verdict as
 * published; while the agent is blind, unknown and no candidate. */
static void discovery_into(struct pc_poller *p, struct pc_state *state, bool blind)
{
	if (!p->current.plan->config->discovery)
		return;
	if (blind || pc_discovery_copy(&p->discovery, &state->discovery) < 0) {
		pc_discovery_free(&state->discovery);
		state->discovery.verdict = PC_DISCOVER_UNKNOWN;
		return;
	}
	state->discovery.verdict = p->verdict.published == PC_DISCOVER_OFF ? PC_DISCOVER_UNKNOWN
									    : p->verdict.published;
}

/* Recomputes when the listening ports or the plan changed (never on a
 * request, never with discovery off), then copies the last result into
 * the state about to be published. The verdict is taken only after
 * hold-down polls that agree, the first one too (discover_verdict.h). */
static void discover(struct pc_poller *p, struct pc_state *state)
{
	struct pc_plan *plan = p->current.plan;
	if (!plan->config->discovery) {
		discovery_off(p);
		return;
	}
	const struct pc_discover_index *ix = discover_index(p);
	struct pc_discover_params params = { .config = plan->config,
					     .also = p->discover_also,
					     .n_also = p->n_discover_also };
	uint64_t hash = pc_discover_listener_hash(&state->snap, &params);
	if (ix != NULL && (p->discover_plan != plan || hash != p->discover_hash)) {
		params.configured = pc_discover_configured(plan->catalog, &plan->expectations,
							   &params.n_configured);
		pc_discovery_free(&p->discovery);
		int rc = pc_discover_run(ix, &state->snap, &params, &p->discovery);
		free((void *)params.configured);
		if (rc < 0) {
			pc_log(LOG_ERR, "discovery: out of memory");
			discovery_into(p, state, true);
			return;
		}
		if (p->discover_plan != plan) {
			pc_plan_unref(p->discover_plan);
			p->discover_plan = pc_plan_ref(plan);
		}
		p->discover_hash = hash;
	}
	enum pc_discover_verdict previous;
	if (ix != NULL && pc_discover_hold_step(&p->verdict, p->discovery.verdict,
						p->current.engine.hold_down, &previous))
		verdict_changed(p, &p->discovery, previous);
	discovery_into(p, state, ix == NULL);
}

/* ---- one poll ---- */

static void publish(struct pc_poller *p, struct pc_state *state)
{
	pthread_mutex_lock(&p->lock);
	struct pc_state *unread = p->latest;
	p->latest = pc_state_ref(state);
	for (size_t i = 0; i < state->eval.n_events; i++)
		pc_event_box_put(&p->events, &state->eval.events[i]);
	if (p->discovery_changed)
		pc_event_box_put(&p->events, &p->discovery_event);
	p->discovery_changed = false;
	pthread_mutex_unlock(&p->lock);
	pc_state_unref(unread);
	ring(p->wake[1]);
}

/* The last state stays the one the next poll is judged against. */
static void keep(struct pc_poller *p, struct pc_state *state)
{
	state->poll_count = p->poll_count;
	state->poll_errors = p->poll_errors;
	publish(p, state);
	pc_state_unref(p->previous);
	p->previous = state;
}

/* A failed poll still publishes: pcPollErrors counts it, and after
 * hold-down failures in a row the state says the agent cannot see (an
 * empty listener table, compliance unknown). Returns whether to poll again
 * soon (while a failure may still be transient). */
static bool publish_failure(struct pc_poller *p, const char *err)
{
	p->poll_errors++;
	p->failed_polls++;
	/* The same failure every few seconds would flood the log. */
	if (strcmp(err, p->last_failure) != 0) {
		pc_log(LOG_ERR, "poll failed: %s", err);
		snprintf(p->last_failure, sizeof(p->last_failure), "%s", err);
	}
	bool blind = p->failed_polls >= p->current.engine.hold_down;
	if (blind && p->failed_polls == p->current.engine.hold_down)
		pc_log(LOG_ERR, "%u polls failed in a row: compliance is unknown until one succeeds",
		       p->failed_polls);

	struct pc_snapshot snap = { 0 };
	struct pc_evaluation eval;
	struct pc_state *state = NULL;
	if (p->last_seen == NULL) {
		/* Nothing seen yet: unknown already; the first success is the baseline. */
		if (pc_evaluation_init_unknown(p->current.plan, &eval) == 0 &&
		    (state = pc_state_new(p->current.plan, &snap, &eval)) == NULL)
			pc_evaluation_free(&eval);
		if (state != NULL) {
			state->poll_count = p->poll_count;
			state->poll_errors = p->poll_errors;
			publish(p, state);
			pc_state_unref(state);
		}
		return !blind;
	}
	const struct pc_state *prev = p->previous;
	if (!blind && pc_snapshot_copy(&prev->snap, &snap) < 0)
		return !blind;
	if (blind) {
		snap.taken_at = prev->snap.taken_at; /* pcLastPollTime: the last time it saw */
		snap.taken_mono = prev->snap.taken_mono;
	}
	if (pc_engine_carry_over(prev->plan, &prev->eval, blind, pc_now_ms(), &eval) < 0) {
		pc_snapshot_clear(&snap);
		return !blind;
	}
	state = pc_state_new(prev->plan, &snap, &eval);
	if (state == NULL) {
		pc_evaluation_free(&eval);
		pc_snapshot_clear(&snap);
		return !blind;
	}
	discovery_into(p, state, blind);
	keep(p, state);
	return !blind;
}

/* Writes the baseline when it changed, at most every
 * BASELINE_SAVE_SPACING_MS unless final (the thread is stopping). */
static void save_baseline(struct pc_poller *p, bool final)
{
	if (p->baseline_dir == NULL || !p->baseline.changed)
		return;
	int64_t now = pc_now_ms();
	if (!final && p->baseline_saved_ms != 0 && now - p->baseline_saved_ms < BASELINE_SAVE_SPACING_MS)
		return;
	p->baseline_saved_ms = now;
	char err[512];
	if (pc_baseline_file_write(p->baseline_dir, &p->baseline, err, sizeof(err)) < 0) {
		if (!p->baseline_save_failed)
			pc_log(LOG_WARNING, "cannot keep the baseline of listeners (%s): after a restart "
					    "the agent announces what it could not keep",
			       err);
		p->baseline_save_failed = true;
		return;
	}
	if (p->baseline_save_failed)
		pc_log(LOG_NOTICE, "the baseline of listeners is kept in %s again", p->baseline_dir);
	p->baseline_save_failed = false;
	p->baseline.changed = false;
}

/* Returns whether something is pending (poll again soon). */
static bool poll_once(struct pc_poller *p)
{
	struct pc_snapshot snap = { 0 };
	struct pc_evaluation eval;
	char err[256] = "";

	if (pc_collector_poll(p->collector, &snap, err, sizeof(err)) < 0) {
		pc_snapshot_clear(&snap);
		return publish_failure(p, err);
	}
	/* Clients' UDP sockets are neither listed, judged nor announced
	 * (discovery keeps those on a port the catalog names). */
	keep_catalog_udp(p, &snap);
	pc_snapshot_keep_listeners(&snap, &p->current.plan->expectations);
	/* Judged against the last verdict (unknown if blind), and, for what
	 * listeners appeared, against the last poll that saw them. */
	const struct pc_state *prev = p->last_seen != NULL ? p->previous : NULL;
	struct pc_engine_settings engine = p->current.engine;
	engine.baseline = &p->baseline;
	if (pc_engine_evaluate(p->current.plan, &engine, &snap,
			       prev ? prev->plan : NULL, prev ? &p->last_seen->snap : NULL,
			       prev ? &prev->eval : NULL, pc_now_ms(), &eval) < 0) {
		pc_snapshot_clear(&snap);
		return publish_failure(p, "out of memory evaluating the poll");
	}
	uint32_t errors = snap.errors;
	update_watch(p, &snap);
	struct pc_state *state = pc_state_new(p->current.plan, &snap, &eval);
	if (state == NULL) {
		pc_evaluation_free(&eval);
		pc_snapshot_clear(&snap);
		return publish_failure(p, "out of memory for the new state");
	}
	p->poll_count++;
	p->poll_errors += errors;
	if (p->last_failure[0] != '\0') {
		pc_log(LOG_NOTICE, "polling works again");
		p->last_failure[0] = '\0';
	}
	p->failed_polls = 0;
	discover(p, state);
	keep(p, state);
	pc_state_unref(p->last_seen);
	p->last_seen = pc_state_ref(state);
	if (pc_baseline_record(&p->baseline, &state->snap, &state->eval) < 0)
		pc_log(LOG_WARNING, "out of memory recording the baseline of listeners");
	save_baseline(p, false);
	return state->eval.recheck_soon;
}

/* Takes the settings the SNMP thread left, if any; true when it did. */
static bool adopt_settings(struct pc_poller *p)
{
	pthread_mutex_lock(&p->lock);
	bool changed = p->reconfigured;
	if (changed) {
		struct pc_collector_options fixed = p->current.collector;
		pc_plan_unref(p->current.plan);
		p->current = p->pending; /* the pending plan reference moves over */
		p->current.collector = fixed;
		p->pending.plan = NULL;
		p->reconfigured = false;
	}
	pthread_mutex_unlock(&p->lock);
	if (changed)
		update_connect_ports(p);
	return changed;
}

static void *poll_thread(void *arg)
{
	struct pc_poller *p = arg;
	int64_t next_poll = pc_now_ms(), last_poll = 0, event_poll = -1;

	/* Named for top -H, ps -L and the serve bench, which reads each
	 * thread's CPU time by name. */
	pthread_setname_np(pthread_self(), "pc-poll");

	if (p->baseline_dir != NULL)
		pc_baseline_file_read(p->baseline_dir, &p->baseline);
	update_connect_ports(p);
	for (;;) {
		pthread_mutex_lock(&p->lock);
		bool stopping = p->stopping;
		pthread_mutex_unlock(&p->lock);
		if (stopping)
			break;

		int64_t now = pc_now_ms();
		if (event_poll >= 0 && now >= event_poll)
			next_poll = now;
		if (now >= next_poll) {
			last_poll = now;
			event_poll = -1;
			bool pending = poll_once(p);
			unsigned wait = p->current.interval_ms;
			if (pending && p->current.recheck_ms < wait)
				wait = p->current.recheck_ms;
			next_poll = last_poll + wait;
			continue;
		}

		int64_t wait = next_poll - now;
		if (event_poll >= 0 && event_poll - now < wait)
			wait = event_poll - now;
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
			/* A new interval counts from the last poll; a new plan is
			 * judged at once. */
			if (adopt_settings(p))
				next_poll = pc_now_ms();
		}
		if (n > 0 && fds[1].fd >= 0 && (fds[1].revents & POLLIN) &&
		    pc_collector_read_events(p->collector) && event_poll < 0) {
			int64_t at = pc_now_ms() + EVENT_DEBOUNCE_MS;
			if (at < last_poll + EVENT_POLL_SPACING_MS)
				at = last_poll + EVENT_POLL_SPACING_MS;
			event_poll = at;
		}
	}
	save_baseline(p, true);
	return NULL;
}

/* ---- the SNMP thread's side ---- */

static int make_pipe(int fds[2])
{
	return pipe2(fds, O_NONBLOCK | O_CLOEXEC);
}

static void close_pipes(struct pc_poller *p)
{
	for (int i = 0; i < 2; i++) {
		if (p->control[i] >= 0)
			close(p->control[i]);
		if (p->wake[i] >= 0)
			close(p->wake[i]);
	}
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
	p->current = *settings;
	p->current.plan = pc_plan_ref(settings->plan);
	pthread_mutex_init(&p->lock, NULL);
	pc_event_box_init(&p->events, 0);
	pc_discover_hold_init(&p->verdict);
	pc_baseline_init(&p->baseline);
	p->current.baseline_dir = NULL; /* the poller's own copy below */
	if (settings->baseline_dir != NULL && (p->baseline_dir = strdup(settings->baseline_dir)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
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
	close_pipes(p);
	pc_plan_unref(p->current.plan);
	pthread_mutex_destroy(&p->lock);
	free(p->baseline_dir);
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

size_t pc_poller_take_events(struct pc_poller *p, struct pc_event_box *out)
{
	pthread_mutex_lock(&p->lock);
	pc_event_box_move(&p->events, out);
	pthread_mutex_unlock(&p->lock);
	return pc_event_box_count(out);
}

void pc_poller_reconfigure(struct pc_poller *p, const struct pc_poller_settings *settings)
{
	pthread_mutex_lock(&p->lock);
	pc_plan_unref(p->pending.plan);
	p->pending = *settings;
	p->pending.plan = pc_plan_ref(settings->plan);
	p->reconfigured = true;
	pthread_mutex_unlock(&p->lock);
	ring(p->control[1]);
}

void pc_poller_stop(struct pc_poller *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_mutex_unlock(&p->lock);
	ring(p->control[1]);
	pthread_join(p->thread, NULL);
	pc_collector_close(p->collector);
	pc_state_unref(p->latest);
	pc_state_unref(p->previous);
	pc_state_unref(p->last_seen);
	pc_plan_unref(p->current.plan);
	pc_plan_unref(p->pending.plan);
	pc_discovery_free(&p->discovery);
	pc_discover_index_free(p->discover_index);
	pc_plan_unref(p->discover_plan);
	free(p->discover_also);
	pc_event_box_clear(&p->events);
	pc_baseline_free(&p->baseline);
	free(p->baseline_dir);
	close_pipes(p);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
