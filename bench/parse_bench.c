/* SPDX-License-Identifier: ISC */
/* parse_bench: the configuration parser is linear in the size of its
 * input, whatever the input's shape.
 *
 * For each shape that once made libconfuse's lexer quadratic (a long run
 * of blanks, a long block comment, a long word) and a few ordinary ones
 * (comment lines, ignore sections, a long string), it loads a configuration of
 * N bytes and of 2N bytes through the daemon's own loader and compares the
 * times: linear work gives a ratio near 2, quadratic near 4. No absolute
 * time is asserted: the ratio of two runs on the same machine is what
 * tells the shape of the cost. Each time is CPU time, the best of RUNS
 * measures of enough loads to take 20 ms.
 *
 *   parse_bench [N_BYTES]      (default 262144; 2N stays under 1 MiB)
 *
 * Exit status 0 when every ratio is under 3, 1 otherwise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "plan/cfgfile.h"
#include "plan/config.h"
#include "plan/diag.h"

#define RUNS 7
#define RATIO_MAX 3.0

enum shape { BLANKS, BLOCK_COMMENT, LONG_WORD, COMMENT_LINES, IGNORE_SECTIONS, LONG_STRING };

static const char *const shape_names[] = {
	"one run of blanks", "one block comment", "one long word",
	"comment lines",     "ignore sections",   "one long string",
};

static const char *path = "/dev/shm/pc-parse-bench.conf";

static void write_input(enum shape shape, size_t n)
{
	FILE *fp = fopen(path, "w");
	if (fp == NULL) {
		perror(path);
		exit(2);
	}
	size_t written = (size_t)fprintf(fp, "poll-interval = 10\n");
	switch (shape) {
	case BLANKS:
		for (; written < n; written++)
			fputc(' ', fp);
		break;
	case BLOCK_COMMENT:
		written += (size_t)fprintf(fp, "/*");
		for (; written + 2 < n; written++)
			fputc('x', fp);
		fprintf(fp, "*/");
		break;
	case LONG_WORD: /* refused past 1,024 characters: the cost of finding out */
		for (; written < n; written++)
			fputc('w', fp);
		break;
	case COMMENT_LINES:
		while (written < n)
			written += (size_t)fprintf(fp, "# a comment line of about sixty characters, as people write\n");
		break;
	case IGNORE_SECTIONS:
		while (written < n)
			written += (size_t)fprintf(fp, "ignore { protocol = \"tcp\"  port = %zu }\n",
						   1 + written % 65535);
		break;
	case LONG_STRING:
		written += (size_t)fprintf(fp, "agentx-socket = \"");
		for (; written + 2 < n; written++)
			fputc('s', fp);
		fprintf(fp, "\"\n");
		break;
	}
	fclose(fp);
}

/* CPU seconds of one load: the best of RUNS measures of reps loads each,
 * in this process's CPU time, so that other load on the machine counts
 * as little as possible. */
static double load_seconds(unsigned reps)
{
	double best = 1e9;
	for (int run = 0; run < RUNS; run++) {
		struct timespec a, b;
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
		for (unsigned i = 0; i < reps; i++) {
			struct pc_diag diag = { 0 };
			pc_config_free(pc_config_load(path, &diag));
			pc_diag_clear(&diag);
		}
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
		double t = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
		if (t < best)
			best = t;
	}
	return best / reps;
}

/* Enough loads of the N-byte input for one measure to take 20 ms. */
static unsigned calibrate(void)
{
	double one = load_seconds(1);
	unsigned reps = one > 0 ? (unsigned)(0.02 / one) : 1000;
	return reps < 1 ? 1 : reps > 10000 ? 10000 : reps;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 262144;
	if (n * 2 > PC_INPUT_MAX) {
		fprintf(stderr, "parse_bench: 2N must stay within %d bytes\n", PC_INPUT_MAX);
		return 2;
	}
	int rc = 0;
	printf("%-20s %12s %12s %7s\n", "input", "N bytes", "2N bytes", "ratio");
	for (enum shape s = BLANKS; s <= LONG_STRING; s++) {
		write_input(s, n);
		unsigned reps = calibrate();
		double t1 = load_seconds(reps);
		write_input(s, 2 * n);
		double t2 = load_seconds(reps);
		double ratio = t1 > 0 ? t2 / t1 : 0;
		bool ok = ratio < RATIO_MAX;
		printf("%-20s %10.2f ms %10.2f ms %6.2fx%s\n", shape_names[s], t1 * 1e3, t2 * 1e3,
		       ratio, ok ? "" : "  (superlinear)");
		if (!ok)
			rc = 1;
	}
	unlink(path);
	printf("linear (every ratio under %.0f): %s\n", RATIO_MAX, rc == 0 ? "yes" : "NO");
	return rc;
}
