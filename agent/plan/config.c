/* SPDX-License-Identifier: ISC */
#include "plan/config.h"

#include <arpa/inet.h>
#include <confuse.h>
#include <errno.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "plan/cfgfile.h"
#include "plan/names.h"
#include "util/transport.h"

static cfg_opt_t override_opts[] = {
	CFG_INT("port", 0, CFGF_NODEFAULT),
	CFG_INT_LIST("range", NULL, CFGF_NODEFAULT),
	CFG_BOOL("required", cfg_false, CFGF_NONE),
	CFG_STR("owner-user", NULL, CFGF_NODEFAULT),
	CFG_STR("owner-process", NULL, CFGF_NODEFAULT),
	CFG_BOOL("trust", cfg_false, CFGF_NONE),
	CFG_END(),
};

static cfg_opt_t role_opts[] = {
	CFG_STR("instance", NULL, CFGF_NODEFAULT),
	CFG_STR("side", NULL, CFGF_NODEFAULT),
	CFG_INT("slot", 0, CFGF_NODEFAULT),
	CFG_INT("count", 0, CFGF_NODEFAULT),
	CFG_STR("bind-address", NULL, CFGF_NODEFAULT),
	CFG_STR("owner-user", NULL, CFGF_NODEFAULT),
	CFG_STR("owner-process", NULL, CFGF_NODEFAULT),
	CFG_BOOL("trust-permits", cfg_false, CFGF_NONE),
	CFG_STR("peer-family", NULL, CFGF_NODEFAULT),
	CFG_SEC("override", override_opts, CFGF_MULTI | CFGF_TITLE),
	CFG_END(),
};

static cfg_opt_t instance_opts[] = {
	CFG_INT("number", 0, CFGF_NODEFAULT),
	CFG_END(),
};

static cfg_opt_t ignore_opts[] = {
	CFG_STR("protocol", NULL, CFGF_NODEFAULT),
	CFG_INT("port", 0, CFGF_NODEFAULT),
	CFG_INT_LIST("range", NULL, CFGF_NODEFAULT),
	CFG_END(),
};

static cfg_opt_t config_opts[] = {
	CFG_STR("catalog", "catalog", CFGF_NONE),
	CFG_STR("site-catalog", NULL, CFGF_NODEFAULT),
	CFG_INT("poll-interval", PC_DEFAULT_POLL_INTERVAL, CFGF_NONE),
	CFG_INT("hold-down", PC_DEFAULT_HOLD_DOWN, CFGF_NONE),
	CFG_STR("agentx-socket", NULL, CFGF_NODEFAULT),
	CFG_STR("state-directory", NULL, CFGF_NODEFAULT),
	CFG_INT("agentx-retry", PC_DEFAULT_AGENTX_RETRY, CFGF_NONE),
	CFG_BOOL("notifications", cfg_true, CFGF_NONE),
	CFG_BOOL("resolve-processes", cfg_true, CFGF_NONE),
	CFG_BOOL("check-connections", cfg_false, CFGF_NONE),
	CFG_BOOL("discovery", cfg_false, CFGF_NONE),
	CFG_BOOL("notify-missing", cfg_true, CFGF_NONE),
	CFG_BOOL("notify-restored", cfg_true, CFGF_NONE),
	CFG_BOOL("notify-unexpected", cfg_true, CFGF_NONE),
	CFG_BOOL("notify-compliance", cfg_true, CFGF_NONE),
	CFG_BOOL("notify-discovery", cfg_true, CFGF_NONE),
	CFG_INT("notify-rate-limit", PC_DEFAULT_NOTIFY_RATE_LIMIT, CFGF_NONE),
	CFG_INT("notify-queue", PC_DEFAULT_NOTIFY_QUEUE, CFGF_NONE),
	CFG_INT("recheck-interval", PC_DEFAULT_RECHECK_INTERVAL, CFGF_NONE),
	CFG_INT("flap-threshold", PC_DEFAULT_FLAP_THRESHOLD, CFGF_NONE),
	CFG_INT("flap-window", PC_DEFAULT_FLAP_WINDOW, CFGF_NONE),
	CFG_SEC("instance", instance_opts, CFGF_MULTI | CFGF_TITLE),
	CFG_SEC("role", role_opts, CFGF_MULTI | CFGF_TITLE),
	CFG_SEC("ignore", ignore_opts, CFGF_MULTI),
	CFG_END(),
};

struct reader {
	const struct pc_cfgfile *file;
	const char *path;
	struct pc_diag *diag;
	struct pc_names instance_names; /* -> position in config->instances */
	bool out_of_memory;
};

static void __attribute__((format(printf, 3, 4)))
error_at(struct reader *r, int line, const char *fmt, ...)
{
	char message[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	pc_diag_error(r->diag, r->path, line, "%s", message);
}

static int line_of(struct reader *r, cfg_t *sec, const char *option)
{
	return pc_cfgfile_where(r->file, sec, option);
}

static bool isset(struct reader *r, cfg_t *sec, const char *option)
{
	return pc_cfgfile_isset(r->file, sec, option);
}

static long int_in(struct reader *r, cfg_t *sec, const char *option, long min, long max)
{
	long value = cfg_getint(sec, option);
	if (value < min || value > max)
		error_at(r, line_of(r, sec, option), "%s = %ld: must be between %ld and %ld", option,
			 value, min, max);
	return value;
}

static char *str_nonempty(struct reader *r, cfg_t *sec, const char *option)
{
	const char *value = cfg_getstr(sec, option);
	if (value == NULL)
		return NULL;
	if (value[0] == '\0')
		error_at(r, line_of(r, sec, option), "%s: must not be empty", option);
	return strdup(value);
}

/* port = P or range = {FIRST, LAST}: exactly one, unless neither is needed. */
static bool read_ports(struct reader *r, cfg_t *sec, const char *what, int *port, int *port_last,
		       bool *is_range)
{
	bool has_port = isset(r, sec, "port"), has_range = isset(r, sec, "range");
	*is_range = has_range;
	if (has_port && has_range) {
		error_at(r, line_of(r, sec, "range"), "%s: give port or range, not both", what);
		return false;
	}
	if (has_port) {
		*port = *port_last = (int)int_in(r, sec, "port", 1, 65535);
		return true;
	}
	if (has_range) {
		long first, last;
		if (!pc_cfgfile_port_range(sec, "range", &first, &last))
			error_at(r, line_of(r, sec, "range"),
				 "%s: range must be {first, last} with 1 <= first < last <= 65535", what);
		*port = (int)first;
		*port_last = (int)last;
		return true;
	}
	return false;
}

/* Digits written with a leading zero ("07"), which the integer options
 * refuse too (cfgfile.c): a string that holds a number follows the same
 * rule. */
static bool leading_zero(const char *digits)
{
	return digits[0] == '0' && digits[1] != '\0';
}

static void read_instances(struct reader *r, cfg_t *root, struct pc_config *config)
{
	size_t n = cfg_size(root, "instance");
	/* the first instance given each number 0..PC_INSTANCE_MAX, + 1 */
	size_t numbered[PC_INSTANCE_MAX + 1] = { 0 };
	config->instances = n ? calloc(n, sizeof(*config->instances)) : NULL;
	for (size_t i = 0; config->instances != NULL && i < n; i++) {
		cfg_t *sec = cfg_getnsec(root, "instance", (unsigned)i);
		struct pc_instance_name *inst = &config->instances[config->n_instances++];
		inst->name = strdup(cfg_title(sec));
		inst->line = line_of(r, sec, NULL);
		if (!pc_name_valid(inst->name))
			error_at(r, inst->line,
				 "instance name \"%s\": use a-z, 0-9, '-', '.', '_' (at most %d characters)",
				 cfg_title(sec), PC_NAME_MAX);
		bool has_number = isset(r, sec, "number");
		if (!has_number)
			error_at(r, inst->line, "instance %s: number is missing (0-%d)", cfg_title(sec),
				 PC_INSTANCE_MAX);
		else
			inst->number = (int)int_in(r, sec, "number", 0, PC_INSTANCE_MAX);
		size_t first;
		int added = inst->name ? pc_names_add(&r->instance_names, inst->name, i, &first) : 1;
		if (added < 0) {
			r->out_of_memory = true;
		} else if (added == 0) {
			error_at(r, inst->line, "instance %s is already defined at line %d", inst->name,
				 config->instances[first].line);
		} else if (has_number && inst->number >= 0 && inst->number <= PC_INSTANCE_MAX) {
			size_t *seen = &numbered[inst->number];
			if (*seen == 0)
				*seen = i + 1;
			else
				error_at(r, line_of(r, sec, "number"),
					 "instance %s: number %d is already named %s (line %d)", inst->name,
					 inst->number, config->instances[*seen - 1].name,
					 config->instances[*seen - 1].line);
		}
	}
}

static int resolve_instance(struct reader *r, const struct pc_config *config, const char *text,
			    int line)
{
	const char *p = text;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*text != '\0' && *p == '\0' && leading_zero(text)) {
		const char *significant = text + strspn(text, "0");
		error_at(r, line, "instance = %s: a leading zero: numbers are decimal, not octal (write %.4s)",
			 text, *significant ? significant : "0");
		return -1;
	}
	if (*text != '\0' && *p == '\0' && p - text <= 4) {
		int number = atoi(text);
		if (number > PC_INSTANCE_MAX)
			error_at(r, line, "instance = %d: must be between 0 and %d", number,
				 PC_INSTANCE_MAX);
		return number;
	}
	size_t position;
	if (pc_names_find(&r->instance_names, text, &position))
		return config->instances[position].number;
	error_at(r, line, "instance = \"%s\": neither a number 0-%d nor a named instance", text,
		 PC_INSTANCE_MAX);
	return -1;
}

/* The kernel keeps TASK_COMM_LEN - 1 characters of a command name. */
#define PROCESS_NAME_MAX 15

/* A user name or a number: the number is taken as it is (a uid without an
 * account, a container's), a name must exist now, when the file is read. */
static void read_owner_user(struct reader *r, cfg_t *sec, const char *what, struct pc_owner *owner)
{
	const char *user = cfg_getstr(sec, "owner-user");
	owner->user = strdup(user);
	owner->user_line = line_of(r, sec, "owner-user");
	const char *p = user;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*user != '\0' && *p == '\0') {
		if (leading_zero(user)) {
			const char *significant = user + strspn(user, "0");
			error_at(r, owner->user_line,
				 "%s: owner-user = %s: a leading zero: numbers are decimal, not octal "
				 "(write %.24s)",
				 what, user, *significant ? significant : "0");
			return;
		}
		errno = 0;
		unsigned long long uid = strtoull(user, NULL, 10);
		if (errno != 0 || uid >= UINT32_MAX) /* (uid_t)-1 is no user */
			error_at(r, owner->user_line, "%s: owner-user = %s: not a uid (0-4294967294)",
				 what, user);
		owner->has_uid = true;
		owner->uid = (uint32_t)uid;
		return;
	}
	struct passwd pw, *found = NULL;
	char buf[4096];
	int rc = *user != '\0' ? getpwnam_r(user, &pw, buf, sizeof(buf), &found) : 0;
	if (*user == '\0')
		error_at(r, owner->user_line, "%s: owner-user must not be empty", what);
	else if (found == NULL && rc != 0 && rc != ENOENT && rc != ESRCH)
		error_at(r, owner->user_line, "%s: owner-user = \"%s\": cannot look the user up: %s",
			 what, user, strerror(rc));
	else if (found == NULL)
		error_at(r, owner->user_line,
			 "%s: owner-user = \"%s\": no such user on this host (give a name that "
			 "exists, or a uid)",
			 what, user);
	else {
		owner->has_uid = true;
		owner->uid = (uint32_t)found->pw_uid;
	}
}

static void read_owner(struct reader *r, cfg_t *sec, const char *what, struct pc_owner *owner)
{
	if (isset(r, sec, "owner-user"))
		read_owner_user(r, sec, what, owner);
	if (isset(r, sec, "owner-process")) {
		const char *process = cfg_getstr(sec, "owner-process");
		owner->process = strdup(process);
		owner->process_line = line_of(r, sec, "owner-process");
		if (*process == '\0' || strlen(process) > PROCESS_NAME_MAX || strchr(process, '/'))
			error_at(r, owner->process_line,
				 "%s: owner-process = \"%s\": give the process's command name as "
				 "ps -o comm shows it (1-%d characters, no '/')",
				 what, process, PROCESS_NAME_MAX);
	}
}

static void read_override(struct reader *r, cfg_t *sec, struct pc_role_conf *role,
			  struct pc_override *o)
{
	char what[2 * PC_NAME_MAX + 32];
	o->rule = strdup(cfg_title(sec));
	o->line = line_of(r, sec, NULL);
	snprintf(what, sizeof(what), "override %s of role %s", cfg_title(sec), role->name);
	if (!pc_name_valid(o->rule))
		error_at(r, o->line, "override \"%s\": not a rule name", cfg_title(sec));
	o->has_port = read_ports(r, sec, what, &o->port, &o->port_last, &o->is_range);
	o->port_line = line_of(r, sec, o->is_range ? "range" : "port");
	o->has_required = isset(r, sec, "required");
	o->required = cfg_getbool(sec, "required");
	o->required_line = line_of(r, sec, "required");
	read_owner(r, sec, what, &o->owner);
	o->has_trust = isset(r, sec, "trust");
	o->trust = cfg_getbool(sec, "trust");
	o->trust_line = line_of(r, sec, "trust");
	if (!o->has_port && !o->has_required && !o->has_trust && o->owner.user == NULL &&
	    o->owner.process == NULL)
		error_at(r, o->line,
			 "%s sets nothing: give port, range, required, trust, owner-user or "
			 "owner-process",
			 what);
}

static void read_role(struct reader *r, cfg_t *sec, struct pc_config *config,
		      struct pc_role_conf *role)
{
	role->name = strdup(cfg_title(sec));
	role->line = line_of(r, sec, NULL);
	role->instance_number = -1;
	if (!pc_name_valid(role->name))
		error_at(r, role->line, "role \"%s\": not a role name (see --list-roles)",
			 cfg_title(sec));
	if (isset(r, sec, "instance")) {
		role->instance = strdup(cfg_getstr(sec, "instance"));
		role->instance_line = line_of(r, sec, "instance");
		role->instance_number =
			resolve_instance(r, config, cfg_getstr(sec, "instance"), role->instance_line);
	}
	if (isset(r, sec, "side")) {
		const char *side = cfg_getstr(sec, "side");
		int parsed = pc_side_parse(side);
		role->side_line = line_of(r, sec, "side");
		if (parsed < 0)
			error_at(r, role->side_line, "side = \"%s\": must be a, b, primary or secondary",
				 side);
		role->side = parsed < 0 ? PC_SIDE_NONE : (enum pc_side)parsed;
	}
	if (isset(r, sec, "slot")) {
		role->slot_line = line_of(r, sec, "slot");
		role->slot = (int)int_in(r, sec, "slot", 1, PC_SLOT_MAX);
	}
	if (isset(r, sec, "count")) {
		role->count_line = line_of(r, sec, "count");
		role->count = (int)int_in(r, sec, "count", 1, PC_COUNT_MAX);
	}
	if (isset(r, sec, "bind-address")) {
		const char *address = cfg_getstr(sec, "bind-address");
		unsigned char buf[sizeof(struct in6_addr)];
		role->bind_address = strdup(address);
		role->bind_address_line = line_of(r, sec, "bind-address");
		if (inet_pton(AF_INET, address, buf) != 1 && inet_pton(AF_INET6, address, buf) != 1)
			error_at(r, role->bind_address_line,
				 "bind-address = \"%s\": not an IPv4 or IPv6 address", address);
	}
	char what[PC_NAME_MAX + 16];
	snprintf(what, sizeof(what), "role %s", role->name);
	read_owner(r, sec, what, &role->owner);
	role->trust_permits = cfg_getbool(sec, "trust-permits");
	if (isset(r, sec, "trust-permits"))
		role->trust_permits_line = line_of(r, sec, "trust-permits");
	if (isset(r, sec, "peer-family")) {
		const char *family = cfg_getstr(sec, "peer-family");
		role->peer_family_line = line_of(r, sec, "peer-family");
		if (strcmp(family, "ipv4") == 0)
			role->peer_family = PC_PEER_IPV4;
		else if (strcmp(family, "ipv6") == 0)
			role->peer_family = PC_PEER_IPV6;
		else if (strcmp(family, "any") == 0)
			role->peer_family = PC_PEER_ANY;
		else
			error_at(r, role->peer_family_line,
				 "peer-family = \"%s\": must be ipv4, ipv6 or any", family);
	}
	size_t n = cfg_size(sec, "override");
	struct pc_names rules = { 0 }; /* rule -> its first override */
	role->overrides = n ? calloc(n, sizeof(*role->overrides)) : NULL;
	for (size_t i = 0; role->overrides != NULL && i < n; i++) {
		struct pc_override *o = &role->overrides[role->n_overrides++];
		read_override(r, cfg_getnsec(sec, "override", (unsigned)i), role, o);
		size_t first;
		int added = o->rule ? pc_names_add(&rules, o->rule, i, &first) : 1;
		if (added < 0)
			r->out_of_memory = true;
		else if (added == 0)
			error_at(r, o->line, "rule %s is overridden twice in this role (first at line %d)",
				 o->rule, role->overrides[first].line);
	}
	pc_names_clear(&rules);
}

static void read_ignores(struct reader *r, cfg_t *root, struct pc_config *config)
{
	size_t n = cfg_size(root, "ignore");
	config->ignores = n ? calloc(n, sizeof(*config->ignores)) : NULL;
	for (size_t i = 0; config->ignores != NULL && i < n; i++) {
		cfg_t *sec = cfg_getnsec(root, "ignore", (unsigned)i);
		struct pc_ignore *ig = &config->ignores[config->n_ignores++];
		const char *protocol = cfg_getstr(sec, "protocol");
		int port = 0, port_last = 0;
		bool is_range;
		ig->line = line_of(r, sec, NULL);
		ig->protocol = pc_proto_parse(protocol);
		if (protocol == NULL)
			error_at(r, ig->line, "ignore: protocol is missing (tcp or udp)");
		else if (ig->protocol == 0)
			error_at(r, line_of(r, sec, "protocol"), "ignore: protocol = \"%s\": must be tcp or udp",
				 protocol);
		if (!read_ports(r, sec, "ignore", &port, &port_last, &is_range))
			error_at(r, ig->line, "ignore: give port or range");
		ig->port = (uint16_t)(pc_port_valid(port) ? port : 0);
		ig->port_last = (uint16_t)(pc_port_valid(port_last) ? port_last : 0);
	}
}

/* A process name can only be checked when listeners are mapped to
 * processes: without that every such port would be wrongOwner. */
static void check_owner_processes(struct reader *r, const struct pc_config *config)
{
	if (config->resolve_processes)
		return;
	for (size_t i = 0; i < config->n_roles; i++) {
		const struct pc_role_conf *role = &config->roles[i];
		int line = role->owner.process != NULL ? role->owner.process_line : 0;
		for (size_t j = 0; line == 0 && j < role->n_overrides; j++)
			if (role->overrides[j].owner.process != NULL)
				line = role->overrides[j].owner.process_line;
		if (line != 0)
			error_at(r, line,
				 "role %s: owner-process needs resolve-processes = true (the agent "
				 "must know which process holds a port to check it)",
				 role->name);
	}
}

struct pc_config *pc_config_load(const char *path, struct pc_diag *diag)
{
	size_t errors_before = diag->n_errors;
	struct pc_cfgfile *file = pc_cfgfile_parse(config_opts, path, diag);
	if (file == NULL)
		return NULL;
	struct reader r = { .file = file, .path = path, .diag = diag };
	cfg_t *root = pc_cfgfile_root(file);

	struct pc_config *config = calloc(1, sizeof(*config));
	if (config == NULL) {
		pc_diag_error(diag, path, 0, "out of memory");
		pc_cfgfile_free(file);
		return NULL;
	}
	config->path = strdup(path);
	config->catalog_dir = str_nonempty(&r, root, "catalog");
	config->site_catalog = str_nonempty(&r, root, "site-catalog");
	config->poll_interval = (unsigned)int_in(&r, root, "poll-interval", 1, 3600);
	config->hold_down = (unsigned)int_in(&r, root, "hold-down", 1, 1000);
	config->agentx_socket = str_nonempty(&r, root, "agentx-socket");
	config->state_directory = str_nonempty(&r, root, "state-directory");
	config->agentx_retry = (unsigned)int_in(&r, root, "agentx-retry", 1, 3600);
	config->notifications = cfg_getbool(root, "notifications");
	config->resolve_processes = cfg_getbool(root, "resolve-processes");
	config->check_connections = cfg_getbool(root, "check-connections");
	config->discovery = cfg_getbool(root, "discovery");
	config->notify_missing = cfg_getbool(root, "notify-missing");
	config->notify_restored = cfg_getbool(root, "notify-restored");
	config->notify_unexpected = cfg_getbool(root, "notify-unexpected");
	config->notify_compliance = cfg_getbool(root, "notify-compliance");
	config->notify_discovery = cfg_getbool(root, "notify-discovery");
	config->notify_rate_limit = (unsigned)int_in(&r, root, "notify-rate-limit", 0, 100000);
	config->notify_queue = (unsigned)int_in(&r, root, "notify-queue", 1, 100000);
	config->recheck_interval_ms = (unsigned)int_in(&r, root, "recheck-interval", 50, 60000);
	config->flap_threshold = (unsigned)int_in(&r, root, "flap-threshold", 0, 32);
	config->flap_window = (unsigned)int_in(&r, root, "flap-window", 1, 1000);
	if (config->flap_threshold == 1)
		error_at(&r, line_of(&r, root, "flap-threshold"),
			 "flap-threshold = 1: every change would be a flap; use 0 (off) or 2 and more");

	read_instances(&r, root, config);
	size_t n = cfg_size(root, "role");
	config->roles = n ? calloc(n, sizeof(*config->roles)) : NULL;
	for (size_t i = 0; config->roles != NULL && i < n; i++)
		read_role(&r, cfg_getnsec(root, "role", (unsigned)i), config,
			  &config->roles[config->n_roles++]);
	read_ignores(&r, root, config);
	check_owner_processes(&r, config);
	pc_names_clear(&r.instance_names);
	pc_cfgfile_free(file);

	if (config->path == NULL || config->catalog_dir == NULL ||
	    (n > 0 && config->roles == NULL) || r.out_of_memory)
		pc_diag_error(diag, path, 0, "out of memory");
	if (diag->n_errors != errors_before) {
		pc_config_free(config);
		return NULL;
	}
	return config;
}

const char *pc_config_instance_name(const struct pc_config *config, int number)
{
	for (size_t i = 0; config != NULL && i < config->n_instances; i++)
		if (config->instances[i].number == number)
			return config->instances[i].name;
	return NULL;
}

/* Drop "dir/.." pairs so that messages name files the way a person would;
 * leading ".." stays. Lexical, so the caller checks it names the same file
 * (a symlinked directory's ".." is not its lexical parent). */
static void collapse_dotdot(char *path)
{
	char *p;
	while ((p = strstr(path, "/../")) != NULL) {
		char *start = p;
		while (start > path && start[-1] != '/')
			start--;
		size_t len = (size_t)(p - start);
		if ((len == 2 && strncmp(start, "..", 2) == 0) || len == 0 ||
		    (len == 1 && start[0] == '.'))
			return; /* "../..", "//..", "./..": leave it */
		memmove(start, p + 4, strlen(p + 4) + 1);
	}
}

char *pc_config_resolve_path(const struct pc_config *config, const char *path)
{
	const char *slash = strrchr(config->path, '/');
	if (path[0] == '/' || slash == NULL)
		return strdup(path);
	size_t dir_len = (size_t)(slash - config->path);
	size_t len = dir_len + 1 + strlen(path) + 1;
	char *resolved = malloc(len);
	char *shorter = resolved ? malloc(len) : NULL;
	if (resolved != NULL)
		snprintf(resolved, len, "%.*s/%s", (int)dir_len, config->path, path);
	if (shorter != NULL) {
		struct stat a, b;
		memcpy(shorter, resolved, len);
		collapse_dotdot(shorter);
		if (stat(resolved, &a) == 0 && stat(shorter, &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino) {
			free(resolved);
			return shorter;
		}
	}
	free(shorter);
	return resolved;
}

void pc_config_free(struct pc_config *config)
{
	if (config == NULL)
		return;
	for (size_t i = 0; i < config->n_roles; i++) {
		struct pc_role_conf *role = &config->roles[i];
		free(role->name);
		free(role->instance);
		free(role->bind_address);
		free(role->owner.user);
		free(role->owner.process);
		for (size_t j = 0; j < role->n_overrides; j++) {
			free(role->overrides[j].rule);
			free(role->overrides[j].owner.user);
			free(role->overrides[j].owner.process);
		}
		free(role->overrides);
	}
	free(config->roles);
	for (size_t i = 0; i < config->n_instances; i++)
		free(config->instances[i].name);
	free(config->instances);
	free(config->ignores);
	free(config->path);
	free(config->catalog_dir);
	free(config->site_catalog);
	free(config->agentx_socket);
	free(config->state_directory);
	free(config);
}
