/* SPDX-License-Identifier: ISC */
/* discover_bench: what discovery costs, against the one-poll --check of the
 * same host in the same run, and how its accuracy falls as ports go
 * missing.
 *
 * Cost. In a network namespace of its own, on one CPU (CPU 0), the bench
 * opens a Router and Logger (instance 3, side a) and fills up to N
 * listeners with TCP and UDP ports no role of the catalog expects. It
 * times, as medians of R runs: --check (poll, judge, report, as
 * pc_check_run does it), --discover (poll, index, search, report), and
 * the discovery alone on the polled snapshot: the index built from the
 * catalog plus the search, and the search alone. Target: index + search
 * under 50 ms for 1,000 listeners.
 *
 * Accuracy. On snapshots (no sockets): for each share of required ports
 * left closed (0% to 90%), T trials of a Router and Logger at a random
 * instance and side, each required port closed with that probability,
 * plus 20 listeners on ports no role expects; the share of trials whose
 * first candidate is exactly the two true assignments.
 *
 *   discover_bench [--listeners N] [--runs R] [--trials T]
 *
 * Exit status 0 when the target is met, 1 when not, 2 when the bench failed. */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_check.h"
#include "cli/cli_discover.h"
#include "collect/collect.h"
#include "core/discover.h"
#include "plan/catalog_load.h"
#include "plan/expect.h"
#include "netns_sockets.h"
#include "timing.h"

#define TARGET_MS 50.0
#define CONF_PATH "/dev/shm/pc-discover-bench.conf"

static struct pc_catalog *catalog;
static struct pc_discover_index *ix;

static void die(const char *what)
{
	fprintf(stderr, "discover_bench: %s\n", what);
	exit(2);
}

static bool expected_anywhere(uint8_t proto, uint16_t port)
{
	for (size_t f = 0; f < ix->n_features; f++)
		if (ix->features[f].protocol == proto && port >= ix->features[f].port &&
		    port <= ix->features[f].port_last)
			return true;
	return false;
}

static struct pc_expectations plan_of(const char *role, int instance, enum pc_side side)
{
	struct pc_expectations exps;
	struct pc_diag diag = { 0 };
	if (pc_expect_role(catalog, role, instance, side, 0, 0, "bench", &exps, &diag) < 0)
		die("a plan of the catalog does not build");
	pc_diag_clear(&diag);
	return exps;
}

/* ---- cost ---- */

static size_t open_ports(const struct pc_expectations *exps, struct bound_socket *socks, size_t n)
{
	char err[256];
	for (size_t i = 0; i < exps->n; i++) {
		const struct pc_expectation *x = &exps->items[i];
		if (x->direction != PC_DIR_LISTEN ||
		    (x->match != PC_MATCH_PORT && x->match != PC_MATCH_ANY_IN_RANGE))
			continue;
		if (bound_socket_open(&socks[n], x->protocol == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM,
				      "0.0.0.0", x->port, false, false, err, sizeof(err)) == 0)
			n++;
	}
	return n;
}

static double median_of(int (*run)(const struct pc_cli_args *), const struct pc_cli_args *args,
			int runs)
{
	double *t = malloc((size_t)runs * sizeof(*t));
	if (t == NULL)
		die("out of memory");
	for (int r = 0; r < runs; r++) {
		double start = now_ms();
		run(args);
		t[r] = now_ms() - start;
	}
	double m = sort_median(t, (size_t)runs);
	free(t);
	return m;
}

static FILE *devnull;

static int run_check(const struct pc_cli_args *args)
{
	return pc_check_run(args, NULL, devnull, devnull);
}

static int run_discover(const struct pc_cli_args *args)
{
	return pc_discover_command(args, NULL, devnull, devnull);
}

static int cost(int n_listeners, int runs)
{
	char err[256];
	if (netns_enter_private(err, sizeof(err)) < 0)
		die(err);
	struct bound_socket *socks = calloc((size_t)n_listeners + 64, sizeof(*socks));
	struct pc_expectations router = plan_of("icm-router", 3, PC_SIDE_A);
	struct pc_expectations logger = plan_of("icm-logger", 3, PC_SIDE_A);
	size_t n = open_ports(&router, socks, 0);
	n = open_ports(&logger, socks, n);
	pc_expectations_free(&router);
	pc_expectations_free(&logger);
	for (uint32_t port = 20000; n < (size_t)n_listeners && port < 65536; port++) {
		uint8_t proto = port % 4 == 0 ? IPPROTO_UDP : IPPROTO_TCP;
		if (expected_anywhere(proto, (uint16_t)port))
			continue;
		if (bound_socket_open(&socks[n], proto == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM,
				      "0.0.0.0", (uint16_t)port, false, false, err, sizeof(err)) == 0)
			n++;
	}
	FILE *conf = fopen(CONF_PATH, "w");
	if (conf == NULL)
		die("cannot write " CONF_PATH);
	char cwd[4096];
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		die("getcwd");
	fprintf(conf, "catalog = \"%s/conf/catalog\"\nresolve-processes = false\n"
		      "role \"icm-router\" {\n instance = 3\n side = \"a\"\n}\n"
		      "role \"icm-logger\" {\n instance = 3\n side = \"a\"\n}\n",
		cwd);
	fclose(conf);
	struct pc_cli_args args = { .config_path = CONF_PATH, .config_given = true, .format = "text",
				    .instance = -1, .slot = -1 };

	double check = median_of(run_check, &args, runs);
	double discover = median_of(run_discover, &args, runs);

	struct pc_collector_options options = { .mode = PC_COLLECT_AUTO };
	struct pc_collector *collector = pc_collector_open(&options, err, sizeof(err));
	struct pc_snapshot snap = { 0 };
	if (collector == NULL || pc_collector_poll(collector, &snap, err, sizeof(err)) < 0)
		die(err);
	pc_collector_close(collector);
	double *whole = malloc((size_t)runs * sizeof(double)), *search = malloc((size_t)runs * sizeof(double));
	struct pc_discover_params params = { 0 };
	for (int r = 0; r < runs; r++) {
		struct pc_discovery d;
		double t0 = now_ms();
		struct pc_discover_index *fresh = pc_discover_index_build(catalog);
		double t1 = now_ms();
		if (fresh == NULL || pc_discover_run(fresh, &snap, &params, &d) < 0)
			die("out of memory");
		double t2 = now_ms();
		whole[r] = t2 - t0;
		search[r] = t2 - t1;
		pc_discovery_free(&d);
		pc_discover_index_free(fresh);
	}
	double m_whole = sort_median(whole, (size_t)runs), m_search = sort_median(search, (size_t)runs);
	printf("Discovery bench: %zu listeners (%zu distinct ports seen), %d runs each, on CPU 0\n", n,
	       snap.n_listeners, runs);
	printf("  --check (one poll, judged, reported)      %8.2f ms\n", check);
	printf("  --discover (one poll, index, search, text) %7.2f ms   %.2fx --check\n", discover,
	       discover / check);
	printf("  index + search on the snapshot            %8.2f ms   %.2fx --check (target < %.0f ms)\n",
	       m_whole, m_whole / check, TARGET_MS);
	printf("  search alone (index kept, as the daemon)  %8.2f ms   %.2fx --check\n", m_search,
	       m_search / check);
	free(whole);
	free(search);
	pc_snapshot_clear(&snap);
	for (size_t i = 0; i < n; i++)
		close(socks[i].fd);
	free(socks);
	unlink(CONF_PATH);
	return m_whole < TARGET_MS ? 0 : 1;
}

/* ---- accuracy ---- */

static void listen_on(struct pc_snapshot *snap, uint8_t proto, uint16_t port)
{
	struct pc_listen_socket s = { 0 };
	uint32_t any = 0;
	pc_endpoint_set(&s.local, proto, AF_INET, &any, false, 0, port);
	if (pc_snapshot_add_listener(snap, &s) < 0)
		die("out of memory");
}

static void open_plan(struct pc_snapshot *snap, const struct pc_expectations *exps, int missing,
		      unsigned *seed)
{
	for (size_t i = 0; i < exps->n; i++) {
		const struct pc_expectation *x = &exps->items[i];
		if (x->direction != PC_DIR_LISTEN ||
		    (x->match != PC_MATCH_PORT && x->match != PC_MATCH_ANY_IN_RANGE))
			continue;
		if (x->required && (int)(rand_r(seed) % 100) < missing)
			continue;
		listen_on(snap, x->protocol, x->port);
	}
}

static bool first_is(const struct pc_discovery *d, const struct pc_discover_class *a,
		     const struct pc_discover_class *b)
{
	if (d->n_candidates == 0 || d->candidates[0].n_picks != 2)
		return false;
	int held = 0;
	for (size_t i = 0; i < 2; i++) {
		const struct pc_discover_pick *p = &d->candidates[0].picks[i];
		for (int k = 0; k < 2; k++) {
			const struct pc_discover_class *c = k ? b : a;
			held += p->role == c->role && p->instances == c->instances && p->sides == c->sides;
		}
	}
	return held == 2;
}

static void accuracy(int trials)
{
	printf("\nAccuracy: Router + Logger at a random instance and side, 20 strangers, %d trials a row\n",
	       trials);
	printf("  required ports closed   first candidate exact   truth among candidates\n");
	for (int missing = 0; missing <= 90; missing += 10) {
		int exact = 0, among = 0;
		for (int t = 0; t < trials; t++) {
			unsigned seed = (unsigned)(missing * 1000 + t + 1);
			int instance = (int)(rand_r(&seed) % 25);
			enum pc_side side = rand_r(&seed) % 2 ? PC_SIDE_B : PC_SIDE_A;
			struct pc_snapshot snap = { 0 };
			struct pc_expectations r = plan_of("icm-router", instance, side);
			struct pc_expectations l = plan_of("icm-logger", instance, side);
			open_plan(&snap, &r, missing, &seed);
			open_plan(&snap, &l, missing, &seed);
			pc_expectations_free(&r);
			pc_expectations_free(&l);
			for (int k = 0; k < 20;) {
				uint16_t port = (uint16_t)(1024 + rand_r(&seed) % 60000);
				if (!expected_anywhere(IPPROTO_TCP, port)) {
					listen_on(&snap, IPPROTO_TCP, port);
					k++;
				}
			}
			pc_snapshot_finish(&snap);
			struct pc_discover_assignment ra = { pc_catalog_find_role(catalog, "icm-router"),
							     instance, side, 0 };
			struct pc_discover_assignment la = { pc_catalog_find_role(catalog, "icm-logger"),
							     instance, side, 0 };
			const struct pc_discover_class *rc = pc_discover_class_of(ix, &ra);
			const struct pc_discover_class *lc = pc_discover_class_of(ix, &la);
			struct pc_discovery d;
			struct pc_discover_params params = { .max_candidates = PC_DISCOVER_CANDIDATES_DEFAULT };
			if (pc_discover_run(ix, &snap, &params, &d) < 0)
				die("out of memory");
			exact += first_is(&d, rc, lc);
			for (size_t c = 0; c < d.n_candidates; c++) {
				struct pc_discovery one = d;
				one.candidates = &d.candidates[c];
				one.n_candidates = 1;
				if (first_is(&one, rc, lc)) {
					among++;
					break;
				}
			}
			pc_discovery_free(&d);
			pc_snapshot_clear(&snap);
		}
		printf("  %3d%%                    %5.1f%%                  %5.1f%%\n", missing,
		       100.0 * exact / trials, 100.0 * among / trials);
	}
}

int main(int argc, char **argv)
{
	int n_listeners = 1000, runs = 21, trials = 200;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--listeners") == 0)
			n_listeners = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--runs") == 0)
			runs = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--trials") == 0)
			trials = atoi(argv[i + 1]);
		else
			die("usage: discover_bench [--listeners N] [--runs R] [--trials T]");
	}
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	if (sched_setaffinity(0, sizeof(one), &one) < 0)
		die("cannot pin to CPU 0");
	devnull = fopen("/dev/null", "w");
	struct pc_diag diag = { 0 };
	const char *dir = "conf/catalog";
	catalog = pc_catalog_load(&dir, 1, &diag);
	pc_diag_clear(&diag);
	if (catalog == NULL || devnull == NULL || (ix = pc_discover_index_build(catalog)) == NULL)
		die("cannot load conf/catalog (run from the source tree)");
	int rc = cost(n_listeners, runs);
	accuracy(trials);
	pc_discover_index_free(ix);
	pc_catalog_free(catalog);
	fclose(devnull);
	return rc;
}
