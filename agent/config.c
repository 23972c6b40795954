#include "config.h"

#include <confuse.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libconfuse's error callback has no user pointer; loading happens on one
 * thread at a time (start-up, or SIGHUP in the main loop), so a file-scope
 * pointer to the diagnostics being collected is enough. */
static struct pc_diag *parse_diag;
static const char *parse_path;

static void report_confuse_error(cfg_t *cfg, const char *fmt, va_list ap)
{
	char message[512];

	vsnprintf(message, sizeof(message), fmt, ap);
	pc_diag_error(parse_diag, parse_path, cfg != NULL ? cfg->line : 0, "%s", message);
}

static int validate_range(cfg_t *cfg, cfg_opt_t *opt, long min, long max)
{
	long value = cfg_opt_getnint(opt, cfg_opt_size(opt) - 1);
	if (value < min || value > max) {
		cfg_error(cfg, "%s = %ld: must be between %ld and %ld", cfg_opt_name(opt), value,
			  min, max);
		return -1;
	}
	return 0;
}

static int validate_poll_interval(cfg_t *cfg, cfg_opt_t *opt)
{
	return validate_range(cfg, opt, 1, 3600);
}

static int validate_hold_down(cfg_t *cfg, cfg_opt_t *opt)
{
	return validate_range(cfg, opt, 1, 1000);
}

static int validate_agentx_retry(cfg_t *cfg, cfg_opt_t *opt)
{
	return validate_range(cfg, opt, 1, 3600);
}

static int validate_nonempty(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *value = cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1);
	if (value == NULL || value[0] == '\0') {
		cfg_error(cfg, "%s: must not be empty", cfg_opt_name(opt));
		return -1;
	}
	return 0;
}

static char *dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

struct pc_config *pc_config_load(const char *path, struct pc_diag *diag)
{
	cfg_opt_t options[] = {
		CFG_STR("catalog", "catalog", CFGF_NONE),
		CFG_INT("poll-interval", PC_DEFAULT_POLL_INTERVAL, CFGF_NONE),
		CFG_INT("hold-down", PC_DEFAULT_HOLD_DOWN, CFGF_NONE),
		CFG_STR("agentx-socket", NULL, CFGF_NODEFAULT),
		CFG_INT("agentx-retry", PC_DEFAULT_AGENTX_RETRY, CFGF_NONE),
		CFG_BOOL("notifications", cfg_true, CFGF_NONE),
		CFG_BOOL("resolve-processes", cfg_true, CFGF_NONE),
		CFG_END(),
	};
	struct pc_config *config = NULL;
	size_t errors_before = diag->n_errors;

	cfg_t *cfg = cfg_init(options, CFGF_NONE);
	if (cfg == NULL) {
		pc_diag_error(diag, path, 0, "out of memory");
		return NULL;
	}
	parse_diag = diag;
	parse_path = path;
	cfg_set_error_function(cfg, report_confuse_error);
	cfg_set_validate_func(cfg, "poll-interval", validate_poll_interval);
	cfg_set_validate_func(cfg, "hold-down", validate_hold_down);
	cfg_set_validate_func(cfg, "agentx-retry", validate_agentx_retry);
	cfg_set_validate_func(cfg, "catalog", validate_nonempty);
	cfg_set_validate_func(cfg, "agentx-socket", validate_nonempty);

	errno = 0;
	int rc = cfg_parse(cfg, path);
	if (rc == CFG_FILE_ERROR) {
		pc_diag_error(diag, path, 0, "cannot read the configuration: %s",
			      errno != 0 ? strerror(errno) : "unknown error");
		goto out;
	}
	if (rc != CFG_SUCCESS || diag->n_errors > errors_before)
		goto out;

	config = calloc(1, sizeof(*config));
	if (config == NULL) {
		pc_diag_error(diag, path, 0, "out of memory");
		goto out;
	}
	config->path = strdup(path);
	config->catalog_dir = strdup(cfg_getstr(cfg, "catalog"));
	config->poll_interval = (unsigned)cfg_getint(cfg, "poll-interval");
	config->hold_down = (unsigned)cfg_getint(cfg, "hold-down");
	config->agentx_socket = dup_or_null(cfg_getstr(cfg, "agentx-socket"));
	config->agentx_retry = (unsigned)cfg_getint(cfg, "agentx-retry");
	config->notifications = cfg_getbool(cfg, "notifications");
	config->resolve_processes = cfg_getbool(cfg, "resolve-processes");
	if (config->path == NULL || config->catalog_dir == NULL) {
		pc_diag_error(diag, path, 0, "out of memory");
		pc_config_free(config);
		config = NULL;
	}
out:
	cfg_free(cfg);
	parse_diag = NULL;
	parse_path = NULL;
	return config;
}

void pc_config_free(struct pc_config *config)
{
	if (config == NULL)
		return;
	free(config->path);
	free(config->catalog_dir);
	free(config->agentx_socket);
	free(config);
}
