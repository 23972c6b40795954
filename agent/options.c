/* The command line: defaults (the source tree's configuration when run
 * from it), parsing, and the usage text. */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#define INSTALLED_CONFIG "/etc/portcomply.conf"
#define INSTALLED_CATALOG "/usr/share/portcomply/catalog"


static void usage(FILE *out, const struct pc_options_netsnmp *snmp)
{
	fprintf(out,
		"Usage: " PC_NAME " [OPTIONS]\n"
		"An AgentX subagent serving PORT-COMPLIANCE-MIB: are this host's listening\n"
		"ports exactly the ones its roles need?\n"
		"\n"
		"  -f            stay in the foreground (default: become a daemon)\n"
		"  -x ADDRESS    AgentX master address: a Unix socket path or tcp:HOST:PORT\n"
		"                (default: agentx-socket from the configuration, else %s)\n"
		"  -c FILE       configuration file (default: conf/portcomply.conf of the source\n"
		"                tree when run from it, else " INSTALLED_CONFIG ")\n"
		"  -p FILE       write the daemon's process id to FILE\n"
		"  -L[eoOsSfF]   logging, as in snmpd: -Le stderr, -Lo stdout, -Lf FILE,\n"
		"                -Ls FACILITY (default: stderr with -f, else syslog daemon)\n"
		"  -D[TOKENS]    net-snmp debug output for these tokens\n"
		"  -h, --help    this help\n"
		"  -v, --version the version\n"
		"\n"
		"One-shot commands (print, then exit):\n"
		"  --list-roles                 the roles of the catalog\n"
		"  --expected                   this host's expected ports (from -c FILE)\n"
		"  --expected --role R [--instance N] [--side S] [--slot K]\n"
		"                               one role's port plan, no host configuration\n"
		"  --listeners                  the host's listeners, as the agent sees them\n"
		"  --export nftables            an nftables allow-list of the expected ports\n"
		"  --check [--format text|json] [--brief|--verbose]\n"
		"                               one poll, then the compliance report as a\n"
		"                               Nagios plugin: the status line with perfdata,\n"
		"                               then the problems (at most 4,096 bytes);\n"
		"                               --brief: the status line only (at most\n"
		"                               1,024 bytes, for NRPE); --verbose: every\n"
		"                               table. Exit status 0 compliant, 1 degraded,\n"
		"                               2 non-compliant, 3 unknown or any error\n"
		"\n"
		"Exit status: 0 success, 1 usage or runtime error, 2 invalid configuration\n"
		"(--check: as above).\n",
		snmp->agentx_default);
}

/* The source tree's build directory holds the binary (build/ or build/asan/):
 * then the tree's conf/ is the default, so `make run` needs no -c. */
static bool find_source_tree(char *tree, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	char *build = strstr(exe, "/build/");
	if (build == NULL)
		return false;
	*build = '\0';
	snprintf(tree, len, "%s", exe);
	char probe[PATH_MAX + 32];
	snprintf(probe, sizeof(probe), "%s/conf/portcomply.conf", tree);
	return access(probe, F_OK) == 0;
}

static void set_defaults(struct pc_options *o)
{
	static char config_path[PATH_MAX + 32], catalog_dir[PATH_MAX + 32];
	char tree[PATH_MAX];

	memset(o, 0, sizeof(*o));
	o->cli.instance = -1;
	o->cli.slot = -1;
	o->cli.format = "text";
	if (find_source_tree(tree, sizeof(tree))) {
		snprintf(config_path, sizeof(config_path), "%s/conf/portcomply.conf", tree);
		snprintf(catalog_dir, sizeof(catalog_dir), "%s/conf/catalog", tree);
		o->cli.config_path = config_path;
		o->cli.default_catalog_dir = catalog_dir;
	} else {
		o->cli.config_path = INSTALLED_CONFIG;
		o->cli.default_catalog_dir = INSTALLED_CATALOG;
	}
}

/* How a usage error exits: 1, or 3 (UNKNOWN) for --check, which Nagios
 * runs and which must never say WARNING for a typo. */
static int usage_status = 1;

/* --check anywhere before "--", also abbreviated as getopt_long allows. */
static bool check_requested(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		size_t len = strlen(argv[i]);
		if (len > 2 && strncmp(argv[i], "--check", len) == 0)
			return true;
	}
	return false;
}

static int parse_number(const char *option, const char *text, int min, int max)
{
	char *end;
	errno = 0;
	long value = strtol(text, &end, 10);
	if (errno != 0 || *end != '\0' || end == text || value < min || value > max) {
		fprintf(stderr, PC_NAME ": %s '%s': want a number from %d to %d\n", option, text, min,
			max);
		exit(usage_status);
	}
	return (int)value;
}

enum long_only { OPT_LIST_ROLES = 256, OPT_EXPECTED, OPT_ROLE, OPT_INSTANCE, OPT_SIDE, OPT_SLOT,
		 OPT_LISTENERS, OPT_CHECK, OPT_FORMAT, OPT_BRIEF, OPT_VERBOSE, OPT_EXPORT };

void pc_options_parse(struct pc_options *o, const struct pc_options_netsnmp *snmp, int argc,
		      char **argv)
{
	static const struct option long_options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ "list-roles", no_argument, NULL, OPT_LIST_ROLES },
		{ "expected", no_argument, NULL, OPT_EXPECTED },
		{ "role", required_argument, NULL, OPT_ROLE },
		{ "instance", required_argument, NULL, OPT_INSTANCE },
		{ "side", required_argument, NULL, OPT_SIDE },
		{ "slot", required_argument, NULL, OPT_SLOT },
		{ "listeners", no_argument, NULL, OPT_LISTENERS },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "brief", no_argument, NULL, OPT_BRIEF },
		{ "verbose", no_argument, NULL, OPT_VERBOSE },
		{ "export", required_argument, NULL, OPT_EXPORT },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	set_defaults(o);
	if (check_requested(argc, argv))
		usage_status = 3;
	opterr = 0; /* our own messages, naming the program and the fix */
	while ((c = getopt_long(argc, argv, ":fx:c:p:L:D::hv", long_options, NULL)) != -1) {
		switch (c) {
		case 'f':
			o->foreground = true;
			break;
		case 'x':
			o->agentx_socket = optarg;
			break;
		case 'c':
			o->cli.config_path = optarg;
			o->cli.config_given = true;
			break;
		case 'p':
			o->pidfile = optarg;
			break;
		case 'L':
			if (snmp->log_option(optarg, argc, argv) < 0) {
				fprintf(stderr, PC_NAME ": bad logging option -L%s\n", optarg);
				exit(usage_status);
			}
			o->logging_given = true;
			break;
		case 'D':
			snmp->debug(optarg != NULL ? optarg : "ALL");
			break;
		case 'h':
			usage(stdout, snmp);
			exit(0);
		case 'v':
			printf(PC_NAME " " PC_VERSION " (net-snmp %s)\n", snmp->version());
			exit(0);
		case OPT_LIST_ROLES:
			o->command = PC_CMD_LIST_ROLES;
			break;
		case OPT_EXPECTED:
			o->command = PC_CMD_EXPECTED;
			break;
		case OPT_LISTENERS:
			o->command = PC_CMD_LISTENERS;
			break;
		case OPT_CHECK:
			o->command = PC_CMD_CHECK;
			break;
		case OPT_EXPORT:
			o->command = PC_CMD_EXPORT;
			o->export_format = optarg;
			break;
		case OPT_ROLE:
			o->cli.role = optarg;
			break;
		case OPT_INSTANCE:
			o->cli.instance = parse_number("--instance", optarg, 0, 24);
			break;
		case OPT_SIDE:
			o->cli.side = optarg;
			break;
		case OPT_SLOT:
			o->cli.slot = parse_number("--slot", optarg, 1, 3);
			break;
		case OPT_BRIEF:
			o->cli.brief = true;
			break;
		case OPT_VERBOSE:
			o->cli.verbose = true;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "text") != 0 && strcmp(optarg, "json") != 0) {
				fprintf(stderr, PC_NAME ": --format '%s': want text or json\n", optarg);
				exit(usage_status);
			}
			o->cli.format = optarg;
			break;
		case ':':
			fprintf(stderr, PC_NAME ": option %s needs a value; try '" PC_NAME " -h'\n",
				argv[optind - 1]);
			exit(usage_status);
		default:
			fprintf(stderr, PC_NAME ": unknown option %s; try '" PC_NAME " -h'\n",
				argv[optind - 1]);
			exit(usage_status);
		}
	}
	if (optind < argc) {
		fprintf(stderr, PC_NAME ": unexpected argument '%s'; try '" PC_NAME " -h'\n",
			argv[optind]);
		exit(usage_status);
	}
	if ((o->cli.role || o->cli.instance >= 0 || o->cli.side || o->cli.slot >= 0) &&
	    o->command != PC_CMD_EXPECTED) {
		fprintf(stderr, PC_NAME ": --role, --instance, --side and --slot go with --expected\n");
		exit(usage_status);
	}
	if ((o->cli.brief || o->cli.verbose) && o->command != PC_CMD_CHECK) {
		fprintf(stderr, PC_NAME ": --brief and --verbose go with --check\n");
		exit(usage_status);
	}
	if (o->cli.brief && o->cli.verbose) {
		fprintf(stderr, PC_NAME ": --brief or --verbose, not both\n");
		exit(usage_status);
	}
}
