/* SPDX-License-Identifier: ISC */
/* parse_bench: loading a configuration or a catalog is linear in the size
 * of its input, whatever the input's shape.
 *
 * For each shape that once made a load quadratic, it loads an input of N
 * bytes and of 2N bytes through the daemon's own loaders and compares the
 * times: linear work gives a ratio near 2, quadratic near 4. The shapes:
 * what once made libconfuse's lexer quadratic (a long run of blanks, a
 * long block comment, a long word), a few ordinary ones (comment lines,
 * ignore sections, a long string), and every check for names or entries
 * given twice, which once compared every pair (a rule overridden again
 * and again, a role configured again and again, an instance named twice,
 * ignores against the roles' ports, one catalog role, rule or ruleset use
 * repeated, many roles claiming one port). No absolute time is asserted:
 * the ratio of two runs on the same machine is what tells the shape of
 * the cost. Each time is CPU time, the best of RUNS measures of enough
 * loads to take 20 ms.
 *
 *   parse_bench [-v] [N_BYTES]   (default 262144; 2N stays under 1 MiB;
 *                                 -v: what each shape's first load said)
 *
 * Run from the repository's root (the configurations name its
 * conf/catalog). Exit status 0 when every ratio is under 3, 1 otherwise. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "plan/catalog_load.h"
#include "plan/cfgfile.h"
#include "plan/config.h"
#include "plan/diag.h"
#include "plan/plan.h"

#define RUNS 7
#define RATIO_MAX 3.0

/* What a shape's input is loaded as. */
enum load { CONFIG, PLAN, CATALOG };

struct shape {
	const char *name;
	enum load load;
	/* Writes about n bytes of input to fp (written: what is there already). */
	void (*write)(FILE *fp, size_t written, size_t n);
};

static const char *path = "/dev/shm/pc-parse-bench.conf";
static const char *catalog_path = "/dev/shm/pc-parse-bench-catalog.conf";
static char shipped_catalog[4096]; /* conf/catalog, absolute */

static void blanks(FILE *fp, size_t written, size_t n)
{
	for (; written < n; written++)
		fputc(' ', fp);
}

static void block_comment(FILE *fp, size_t written, size_t n)
{
	written += (size_t)fprintf(fp, "/*");
	for (; written + 2 < n; written++)
		fputc('x', fp);
	fprintf(fp, "*/");
}

/* refused past 1,024 characters: the cost of finding out */
static void long_word(FILE *fp, size_t written, size_t n)
{
	for (; written < n; written++)
		fputc('w', fp);
}

static void comment_lines(FILE *fp, size_t written, size_t n)
{
	while (written < n)
		written += (size_t)fprintf(fp, "# a comment line of about sixty characters, as people write\n");
}

static void ignore_sections(FILE *fp, size_t written, size_t n)
{
	while (written < n)
		written += (size_t)fprintf(fp, "ignore { protocol = \"tcp\"  port = %zu }\n",
					   1 + written % 65535);
}

static void long_string(FILE *fp, size_t written, size_t n)
{
	written += (size_t)fprintf(fp, "agentx-socket = \"");
	for (; written + 2 < n; written++)
		fputc('s', fp);
	fprintf(fp, "\"\n");
}

/* One rule of a role overridden again and again. */
static void repeated_override(FILE *fp, size_t written, size_t n)
{
	written += (size_t)fprintf(fp, "role \"icm-logger\" { instance = 0  side = \"a\"\n");
	while (written + 2 < n)
		written += (size_t)fprintf(fp, "\toverride \"sql-server\" { port = 1533 }\n");
	fprintf(fp, "}\n");
}

/* Overrides of rules the role does not have, each named once. */
static void unknown_overrides(FILE *fp, size_t written, size_t n)
{
	written += (size_t)fprintf(fp, "role \"icm-logger\" { instance = 0  side = \"a\"\n");
	for (size_t i = 0; written + 2 < n; i++)
		written += (size_t)fprintf(fp, "\toverride \"rule-%zu\" { port = 1533 }\n", i);
	fprintf(fp, "}\n");
}

/* One role configured again and again with the same instance and side. */
static void repeated_role(FILE *fp, size_t written, size_t n)
{
	while (written < n)
		written += (size_t)fprintf(fp, "role \"icm-router\" { instance = 0  side = \"a\" }\n");
}

/* One instance name given again and again. */
static void repeated_instance(FILE *fp, size_t written, size_t n)
{
	while (written < n)
		written += (size_t)fprintf(fp, "instance \"acme\" { number = 1 }\n");
}

/* Ignores, each held against every port the roles expect. */
static void ignores_and_roles(FILE *fp, size_t written, size_t n)
{
	written += (size_t)fprintf(fp, "role \"icm-router\" { instance = 0  side = \"a\" }\n"
				       "role \"icm-logger\" { instance = 0  side = \"a\" }\n");
	while (written < n)
		written += (size_t)fprintf(fp, "ignore { protocol = \"udp\"  range = {%zu, %zu} }\n",
					   1 + written % 60000, 2 + written % 60000);
}

static const char catalog_rule[] =
	"description = \"d\"  protocol = \"tcp\"  port = 8080  direction = \"listen\"\n"
	"\t\trequired = false  source = \"S0\"  confidence = \"SITE\"";

/* A catalog file defining one role again and again. */
static void repeated_catalog_role(FILE *fp, size_t written, size_t n)
{
	while (written < n)
		written += (size_t)fprintf(fp, "role \"site-app\" { title = \"t\"  table = 0\n"
					       "\trule \"web\" { %s }\n}\n", catalog_rule);
}

/* One catalog role with one rule name again and again. */
static void repeated_rule(FILE *fp, size_t written, size_t n)
{
	written += (size_t)fprintf(fp, "role \"site-app\" { title = \"t\"  table = 0\n");
	while (written + 2 < n)
		written += (size_t)fprintf(fp, "\trule \"web\" { %s }\n", catalog_rule);
	fprintf(fp, "}\n");
}

/* One catalog role using one ruleset again and again. */
static void repeated_use(FILE *fp, size_t written, size_t n)
{
	written += (size_t)fprintf(fp, "ruleset \"common\" { rule \"web\" { %s } }\n"
				       "role \"site-app\" { title = \"t\"  table = 0  uses = {\"common\"",
				   catalog_rule);
	while (written + 4 < n)
		written += (size_t)fprintf(fp, ", \"common\"");
	fprintf(fp, "} }\n");
}

/* Half the bytes a catalog of roles that all listen on tcp/8080, half a
 * configuration that plays them all: each pair claims one port. */
static void roles_on_one_port(FILE *fp, size_t written, size_t n)
{
	FILE *cat = fopen(catalog_path, "w");
	if (cat == NULL) {
		perror(catalog_path);
		exit(2);
	}
	size_t cat_written = 0, roles = 0;
	while (cat_written < n / 2)
		cat_written += (size_t)fprintf(cat, "role \"site-app-%zu\" { title = \"t\"  table = 0\n"
						    "\trule \"web\" { %s }\n}\n",
					       roles++, catalog_rule);
	fclose(cat);
	fprintf(fp, "catalog = \"%s\"\n", catalog_path);
	for (size_t i = 0; i < roles && written < n; i++)
		written += (size_t)fprintf(fp, "role \"site-app-%zu\" { }\n", i);
}

static const struct shape shapes[] = {
	{ "one run of blanks", CONFIG, blanks },
	{ "one block comment", CONFIG, block_comment },
	{ "one long word", CONFIG, long_word },
	{ "comment lines", CONFIG, comment_lines },
	{ "ignore sections", CONFIG, ignore_sections },
	{ "one long string", CONFIG, long_string },
	{ "repeated override", PLAN, repeated_override },
	{ "unknown overrides", PLAN, unknown_overrides },
	{ "repeated role", PLAN, repeated_role },
	{ "repeated instance", PLAN, repeated_instance },
	{ "ignores and roles", PLAN, ignores_and_roles },
	{ "roles on one port", PLAN, roles_on_one_port },
	{ "repeated catalog role", CATALOG, repeated_catalog_role },
	{ "repeated rule", CATALOG, repeated_rule },
	{ "repeated ruleset use", CATALOG, repeated_use },
};

static void write_input(const struct shape *shape, size_t n)
{
	FILE *fp = fopen(path, "w");
	if (fp == NULL) {
		perror(path);
		exit(2);
	}
	size_t written = 0;
	if (shape->load == CONFIG)
		written = (size_t)fprintf(fp, "poll-interval = 10\n");
	else if (shape->load == PLAN && shape->write != roles_on_one_port)
		written = (size_t)fprintf(fp, "catalog = \"%s\"\n", shipped_catalog);
	shape->write(fp, written, n);
	fclose(fp);
}

static bool show; /* -v: what the first load of each shape said */

static void load_once(enum load load)
{
	struct pc_diag diag = { 0 };
	if (load == CONFIG) {
		pc_config_free(pc_config_load(path, &diag));
	} else if (load == PLAN) {
		pc_plan_unref(pc_plan_load(path, &diag));
	} else {
		const char *paths[] = { path };
		pc_catalog_free(pc_catalog_load(paths, 1, &diag));
	}
	if (show) {
		printf("  %zu errors%s%s\n", diag.n_errors, diag.n_lines ? ", first: " : "",
		       diag.n_lines ? diag.lines[0] : "");
		show = false;
	}
	pc_diag_clear(&diag);
}

/* CPU seconds of one load: the best of RUNS measures of reps loads each,
 * in this process's CPU time, so that other load on the machine counts
 * as little as possible. */
static double load_seconds(enum load load, unsigned reps)
{
	double best = 1e9;
	for (int run = 0; run < RUNS; run++) {
		struct timespec a, b;
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
		for (unsigned i = 0; i < reps; i++)
			load_once(load);
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
		double t = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
		if (t < best)
			best = t;
	}
	return best / reps;
}

/* Enough loads of the N-byte input for one measure to take 20 ms. */
static unsigned calibrate(enum load load)
{
	double one = load_seconds(load, 1);
	unsigned reps = one > 0 ? (unsigned)(0.02 / one) : 1000;
	return reps < 1 ? 1 : reps > 10000 ? 10000 : reps;
}

int main(int argc, char **argv)
{
	bool verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
	if (verbose) {
		argc--;
		argv++;
	}
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 262144;
	if (n * 2 > PC_INPUT_MAX) {
		fprintf(stderr, "parse_bench: 2N must stay within %d bytes\n", PC_INPUT_MAX);
		return 2;
	}
	if (getcwd(shipped_catalog, sizeof(shipped_catalog) - 16) == NULL ||
	    access("conf/catalog", R_OK) != 0) {
		fprintf(stderr, "parse_bench: run from the repository's root (conf/catalog)\n");
		return 2;
	}
	strcat(shipped_catalog, "/conf/catalog");
	int rc = 0;
	printf("%-22s %12s %12s %7s\n", "input", "N bytes", "2N bytes", "ratio");
	for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
		write_input(&shapes[s], n);
		show = verbose;
		unsigned reps = calibrate(shapes[s].load);
		double t1 = load_seconds(shapes[s].load, reps);
		write_input(&shapes[s], 2 * n);
		double t2 = load_seconds(shapes[s].load, reps);
		double ratio = t1 > 0 ? t2 / t1 : 0;
		bool ok = ratio < RATIO_MAX;
		printf("%-22s %10.2f ms %10.2f ms %6.2fx%s\n", shapes[s].name, t1 * 1e3, t2 * 1e3,
		       ratio, ok ? "" : "  (superlinear)");
		fflush(stdout);
		if (!ok)
			rc = 1;
	}
	unlink(path);
	unlink(catalog_path);
	printf("linear (every ratio under %.0f): %s\n", RATIO_MAX, rc == 0 ? "yes" : "NO");
	return rc;
}
