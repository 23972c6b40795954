/* SPDX-License-Identifier: ISC */
/* walk_bench: time GETBULK walks the way snmpbulkwalk makes them, without
 * the client's start-up; bench/walk_bench.sh drives it.
 *
 *   walk_bench [-r MAXREP] [-n ROUNDS] [-c COMMUNITY] [-p PID]... [-u TRIPS]
 *              AGENT NAME=OID[,OID...]...
 *
 * A walk of one OID is the walk `snmpbulkwalk -v2c -CrMAXREP` makes:
 * GETBULK, non-repeaters 0, each request continuing from the last OID
 * returned, until an OID leaves the subtree or endOfMibView. With several
 * OIDs (table columns) each GETBULK carries one varbind per column still in
 * its subtree, so that each repetition asks for a whole row.
 *
 * ROUNDS rounds; each round walks every NAME once, back to back, starting
 * one NAME further each round so that no walk always follows the same one.
 * -u TRIPS adds the row "floor": TRIPS round trips of a 100-byte message
 * over a Unix stream socket to a forked echo process that waits in select
 * like an SNMP agent, both on one CPU: what a synchronous request between
 * two processes costs on this machine, at best, before any SNMP work.
 *
 * Prints one line of key=value pairs per NAME: the wall-clock time of each
 * walk (CLOCK_MONOTONIC from the first request sent to the last response
 * read), their median, varbinds (inside the subtrees) and GETBULK requests
 * per walk, and for each PID, per walk: its main thread's on-CPU time
 * (schedstat, ns resolution), user and system time (stat, clock ticks:
 * meaningful summed over many walks) and voluntary context switches (one
 * per wait in select). The main thread is portcomplyd's SNMP thread and
 * snmpd's only thread. Exit status 1 when a walk fails. */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "timing.h"

#define MAX_COLUMNS 16
#define MAX_PIDS 4
#define MAX_WALKS 1000

struct task_usage {
	double oncpu_ms, user_ms, sys_ms;
	long voluntary;
};

static int read_usage(long pid, struct task_usage *u)
{
	char path[64], buf[2048];
	FILE *f;
	double hz = (double)sysconf(_SC_CLK_TCK);

	memset(u, 0, sizeof(*u));
	snprintf(path, sizeof(path), "/proc/%ld/task/%ld/schedstat", pid, pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	unsigned long long ns = 0;
	if (fscanf(f, "%llu", &ns) != 1)
		ns = 0;
	fclose(f);
	u->oncpu_ms = (double)ns / 1e6;

	snprintf(path, sizeof(path), "/proc/%ld/task/%ld/stat", pid, pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* Fields after the command name (which may hold spaces): utime is the
	 * 12th, stime the 13th counted from the state. */
	char *p = strrchr(buf, ')');
	unsigned long long ut = 0, st = 0;
	if (p == NULL || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
				&ut, &st) != 2)
		return -1;
	u->user_ms = (double)ut * 1e3 / hz;
	u->sys_ms = (double)st * 1e3 / hz;

	snprintf(path, sizeof(path), "/proc/%ld/task/%ld/status", pid, pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(buf, sizeof(buf), f) != NULL)
		if (sscanf(buf, "voluntary_ctxt_switches: %ld", &u->voluntary) == 1)
			break;
	fclose(f);
	return 0;
}

struct column {
	oid root[MAX_OID_LEN], cur[MAX_OID_LEN];
	size_t root_len, cur_len;
	bool done;
};

/* One walk; returns varbinds inside the subtrees, or -1. */
static long walk(netsnmp_session *ss, struct column *cols, int n_cols, long max_rep,
		 long *requests)
{
	long found = 0;
	for (int c = 0; c < n_cols; c++) {
		memcpy(cols[c].cur, cols[c].root, cols[c].root_len * sizeof(oid));
		cols[c].cur_len = cols[c].root_len;
		cols[c].done = false;
	}
	*requests = 0;
	for (;;) {
		int active[MAX_COLUMNS], n_active = 0;
		for (int c = 0; c < n_cols; c++)
			if (!cols[c].done)
				active[n_active++] = c;
		if (n_active == 0)
			return found;
		netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GETBULK), *response = NULL;
		pdu->non_repeaters = 0;
		pdu->max_repetitions = max_rep;
		for (int i = 0; i < n_active; i++)
			snmp_add_null_var(pdu, cols[active[i]].cur, cols[active[i]].cur_len);
		(*requests)++;
		int status = snmp_synch_response(ss, pdu, &response);
		if (status != STAT_SUCCESS || response->errstat != SNMP_ERR_NOERROR) {
			fprintf(stderr, "walk_bench: %s\n",
				status == STAT_SUCCESS ? snmp_errstring((int)response->errstat)
						       : snmp_api_errstring(ss->s_snmp_errno));
			if (response != NULL)
				snmp_free_pdu(response);
			return -1;
		}
		/* Varbinds come row by row: repetition r, column active[i]. */
		int i = 0;
		for (netsnmp_variable_list *v = response->variables; v != NULL;
		     v = v->next_variable, i = (i + 1) % n_active) {
			struct column *col = &cols[active[i]];
			if (col->done)
				continue;
			if (v->type == SNMP_ENDOFMIBVIEW || v->type == SNMP_NOSUCHOBJECT ||
			    v->type == SNMP_NOSUCHINSTANCE || v->name_length < col->root_len ||
			    memcmp(v->name, col->root, col->root_len * sizeof(oid)) != 0) {
				col->done = true;
				continue;
			}
			if (snmp_oid_compare(v->name, v->name_length, col->cur, col->cur_len) <= 0) {
				fprintf(stderr, "walk_bench: OID not increasing\n");
				snmp_free_pdu(response);
				return -1;
			}
			memcpy(col->cur, v->name, v->name_length * sizeof(oid));
			col->cur_len = v->name_length;
			found++;
		}
		if (response->variables == NULL)
			for (int k = 0; k < n_active; k++)
				cols[active[k]].done = true;
		snmp_free_pdu(response);
	}
}

/* A numeric OID, ".1.3.6..." or "1.3.6...". */
static int parse_oid(const char *text, struct column *col)
{
	col->root_len = 0;
	for (const char *p = text + (*text == '.'); *p != '\0'; p++) {
		char *end;
		unsigned long sub = strtoul(p, &end, 10);
		if (end == p || (*end != '.' && *end != '\0') || col->root_len == MAX_OID_LEN)
			return -1;
		col->root[col->root_len++] = sub;
		p = end;
		if (*p == '\0')
			break;
	}
	return col->root_len >= 2 ? 0 : -1;
}

/* The floor: a forked echo process, select + read + write, both ends on
 * one CPU (the cheaper case: no wake-up crosses CPUs). */
static pid_t floor_pid;
static int floor_fd = -1;
static cpu_set_t floor_cpu;

static void floor_start(void)
{
	int sv[2];
	char buf[100];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
		perror("walk_bench: socketpair");
		exit(2);
	}
	CPU_ZERO(&floor_cpu);
	CPU_SET(sched_getcpu() >= 0 ? sched_getcpu() : 0, &floor_cpu);
	if ((floor_pid = fork()) == 0) {
		sched_setaffinity(0, sizeof(floor_cpu), &floor_cpu);
		close(sv[0]);
		for (;;) {
			fd_set readable;
			FD_ZERO(&readable);
			FD_SET(sv[1], &readable);
			if (select(sv[1] + 1, &readable, NULL, NULL, NULL) < 0 ||
			    read(sv[1], buf, sizeof(buf)) <= 0 || write(sv[1], buf, sizeof(buf)) < 0)
				_exit(0);
		}
	}
	close(sv[1]);
	floor_fd = sv[0];
}

static long floor_walk(long trips)
{
	char buf[100] = { 0 };
	cpu_set_t was;
	long done = 0;
	sched_getaffinity(0, sizeof(was), &was);
	sched_setaffinity(0, sizeof(floor_cpu), &floor_cpu);
	for (; done < trips; done++) {
		size_t got = 0;
		if (write(floor_fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			break;
		while (got < sizeof(buf)) {
			ssize_t n = read(floor_fd, buf + got, sizeof(buf) - got);
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		if (got < sizeof(buf))
			break;
	}
	sched_setaffinity(0, sizeof(was), &was);
	return done == trips ? trips : -1;
}

struct spec {
	const char *name;
	struct column cols[MAX_COLUMNS];
	int n_cols;
	bool is_floor;
	double times[MAX_WALKS];
	long found, requests;
	struct task_usage cost[MAX_PIDS]; /* summed over the walks */
};

static void usage(void)
{
	fprintf(stderr, "usage: walk_bench [-r MAXREP] [-n ROUNDS] [-c COMMUNITY] [-p PID]... "
			"[-u TRIPS] AGENT NAME=OID[,OID...]...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	long max_rep = 25, rounds = 1, pids[MAX_PIDS], trips = 0;
	int n_pids = 0, opt;
	char *community = "public";

	while ((opt = getopt(argc, argv, "r:n:c:p:u:")) != -1) {
		switch (opt) {
		case 'r':
			max_rep = atol(optarg);
			break;
		case 'n':
			rounds = atol(optarg);
			break;
		case 'c':
			community = optarg;
			break;
		case 'p':
			if (n_pids == MAX_PIDS)
				usage();
			pids[n_pids++] = atol(optarg);
			break;
		case 'u':
			trips = atol(optarg);
			break;
		default:
			usage();
		}
	}
	int n_specs = argc - optind - 1 + (trips > 0);
	if (n_specs < 1 || max_rep < 1 || rounds < 1 || rounds > MAX_WALKS || trips < 0)
		usage();
	const char *agent = argv[optind];
	struct spec *specs = calloc((size_t)n_specs, sizeof(*specs));
	for (int i = 0; i < argc - optind - 1; i++) {
		char *arg = argv[optind + 1 + i], *eq = strchr(arg, '='), *save = NULL;
		if (eq == NULL)
			usage();
		*eq = '\0';
		specs[i].name = arg;
		for (char *o = strtok_r(eq + 1, ",", &save); o != NULL; o = strtok_r(NULL, ",", &save))
			if (specs[i].n_cols == MAX_COLUMNS ||
			    parse_oid(o, &specs[i].cols[specs[i].n_cols++]) < 0) {
				fprintf(stderr, "walk_bench: bad OID %s\n", o);
				return 2;
			}
		if (specs[i].n_cols == 0)
			usage();
	}
	if (trips > 0) {
		specs[n_specs - 1].name = "floor";
		specs[n_specs - 1].is_floor = true;
		floor_start();
	}

	/* Numeric OIDs only: no configuration files, no MIBs. */
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	setenv("MIBS", "", 1);
	init_snmp("walk_bench");
	netsnmp_session session, *ss;
	snmp_sess_init(&session);
	session.peername = (char *)agent;
	session.version = SNMP_VERSION_2c;
	session.community = (u_char *)community;
	session.community_len = strlen(community);
	session.timeout = 10 * 1000000L; /* a cold walk of a large table takes a while */
	session.retries = 0;
	if ((ss = snmp_open(&session)) == NULL) {
		snmp_sess_perror("walk_bench", &session);
		return 2;
	}

	int rc = 0;
	for (long r = 0; r < rounds && rc == 0; r++) {
		for (int k = 0; k < n_specs && rc == 0; k++) {
			struct spec *s = &specs[(r + k) % n_specs];
			struct task_usage before[MAX_PIDS], after[MAX_PIDS];
			for (int p = 0; p < n_pids; p++)
				if (read_usage(pids[p], &before[p]) < 0) {
					fprintf(stderr, "walk_bench: cannot read /proc/%ld\n", pids[p]);
					return 2;
				}
			double t0 = now_ms();
			s->found = s->is_floor ? floor_walk(trips)
					       : walk(ss, s->cols, s->n_cols, max_rep, &s->requests);
			s->times[r] = now_ms() - t0;
			for (int p = 0; p < n_pids; p++) {
				read_usage(pids[p], &after[p]);
				s->cost[p].oncpu_ms += after[p].oncpu_ms - before[p].oncpu_ms;
				s->cost[p].user_ms += after[p].user_ms - before[p].user_ms;
				s->cost[p].sys_ms += after[p].sys_ms - before[p].sys_ms;
				s->cost[p].voluntary += after[p].voluntary - before[p].voluntary;
			}
			if (s->found < 0)
				rc = 1;
		}
	}
	snmp_close(ss);
	if (floor_fd >= 0) {
		close(floor_fd);
		waitpid(floor_pid, NULL, 0);
	}
	if (rc != 0)
		return rc;

	for (int i = 0; i < n_specs; i++) {
		struct spec *s = &specs[i];
		double n = (double)rounds;
		printf("name=%s walks=%ld varbinds=%ld requests=%ld times=", s->name, rounds, s->found,
		       s->requests);
		for (long w = 0; w < rounds; w++)
			printf("%s%.3f", w ? "," : "", s->times[w]);
		double median = sort_median(s->times, (size_t)rounds);
		printf(" median=%.3f min=%.3f max=%.3f", median, s->times[0], s->times[rounds - 1]);
		for (int p = 0; p < n_pids; p++)
			printf(" pid%d=%ld oncpu%d=%.3f user%d=%.3f sys%d=%.3f vcsw%d=%.1f", p, pids[p],
			       p, s->cost[p].oncpu_ms / n, p, s->cost[p].user_ms / n, p,
			       s->cost[p].sys_ms / n, p, (double)s->cost[p].voluntary / n);
		printf("\n");
	}
	return 0;
}
