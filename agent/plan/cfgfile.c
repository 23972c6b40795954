/* SPDX-License-Identifier: ISC */
#include "plan/cfgfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plan/cfgscan.h"
#include "util/transport.h"

/* How the lines are found.
 *
 * libconfuse 3.3 miscounts lines: a "#" or "//" comment advances its line
 * counter by three, a block comment by one too many. So the file is handed
 * to libconfuse with its comments removed, newlines kept (cfgscan.h),
 * and then cfg->line is right in every validate callback: for an option
 * value, the line of the value.
 *
 * Sections: libconfuse calls a section option's validate callback when the
 * section closes, in the order of the closing braces in the text. The same
 * pass that removes comments pairs each section's closing brace with its
 * opening one, so the n-th section to close was opened on scan.opens[n].
 *
 * Repeated sections: libconfuse looks for a section's title among every
 * section of that name already in the parent, and merges the two when it
 * finds it. That search made n sections cost n^2 / 2 comparisons, and the
 * merge lost a repeated role or override. So each repeated section, once
 * closed, is taken out of libconfuse's sight (held) and put back in file
 * order when the parse is over: libconfuse never sees two at once.
 *
 * Numbers: libconfuse reads integers with strtol(value, base 0), so that
 * "port = 07001" is octal 3585 and "0x1b59" hexadecimal, without a word.
 * Every integer option of both formats is read by parse_integer instead. */

struct option_line {
	const char *name; /* the option's name as libconfuse holds it */
	int line;
	/* A repeated section's values, held out of libconfuse's sight until
	 * the parse is over (opt is where they go back). */
	cfg_opt_t *opt;
	cfg_value_t **held;
	size_t n_held, cap_held;
};

struct section_lines {
	const cfg_t *section;
	int line; /* where the section was opened */
	struct option_line *options;
	size_t n_options, cap_options;
};

struct pc_cfgfile {
	cfg_t *root;
	char *path;
	struct pc_diag *diag;
	struct section_lines *sections;
	size_t n_sections, cap_sections;
	size_t *index; /* hash of section pointer -> position + 1; 0 is empty */
	size_t index_size; /* a power of two, at least twice n_sections */
	/* What the text showed before libconfuse read it: where each section
	 * opened, and one left open at the end of the file, reported after
	 * libconfuse's own errors, which are more precise when there are any
	 * (a section left open usually makes the next one an unknown option). */
	struct pc_cfgscan scan;
	size_t closed; /* sections libconfuse has closed so far */
	size_t bad_numbers; /* integers refused (reported): the parse fails */
	bool out_of_memory;
	int last_line; /* of the last option libconfuse set */
};

/* libconfuse's callbacks carry no user pointer, but each section it makes
 * copies its parent's file name, and hands it to every callback with the
 * section. So the root is named after this parse's pc_cfgfile (its
 * address, printed), and a callback reads its pc_cfgfile back from the
 * name: each parse's state is its own, whichever thread runs it. */
#define HANDLE_FORMAT "pc_cfgfile:%p"

/* libconfuse 3.3 keeps its lexer's state in globals (flex's buffer, the
 * string being read), which a parse uses and freeing a root resets: one
 * of either at a time in the whole process, whichever thread asks (the
 * loader's on a reload, the SNMP thread's at start-up, a command's). Held
 * only while libconfuse runs. */
static pthread_mutex_t confuse_lock = PTHREAD_MUTEX_INITIALIZER;

static struct pc_cfgfile *file_of(const cfg_t *section)
{
	void *handle = NULL;
	if (section == NULL || section->filename == NULL ||
	    sscanf(section->filename, HANDLE_FORMAT, &handle) != 1)
		return NULL;
	return handle;
}

static size_t hash_pointer(const void *p, size_t size)
{
	uint64_t x = (uint64_t)(uintptr_t)p;
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (size_t)x & (size - 1);
}

static int grow_index(struct pc_cfgfile *f)
{
	size_t size = f->index_size ? f->index_size * 2 : 64;
	size_t *index = calloc(size, sizeof(*index));
	if (index == NULL)
		return -1;
	for (size_t i = 0; i < f->n_sections; i++) {
		size_t slot = hash_pointer(f->sections[i].section, size);
		while (index[slot] != 0)
			slot = (slot + 1) & (size - 1);
		index[slot] = i + 1;
	}
	free(f->index);
	f->index = index;
	f->index_size = size;
	return 0;
}

static struct section_lines *find_section(const struct pc_cfgfile *f, const cfg_t *section)
{
	if (f->index_size == 0)
		return NULL;
	size_t slot = hash_pointer(section, f->index_size);
	while (f->index[slot] != 0) {
		struct section_lines *s = &f->sections[f->index[slot] - 1];
		if (s->section == section)
			return s;
		slot = (slot + 1) & (f->index_size - 1);
	}
	return NULL;
}

static struct section_lines *note_section(struct pc_cfgfile *f, const cfg_t *section)
{
	struct section_lines *s = find_section(f, section);
	if (s != NULL)
		return s;
	if (f->n_sections == f->cap_sections) {
		size_t cap = f->cap_sections ? f->cap_sections * 2 : 64;
		struct section_lines *grown = realloc(f->sections, cap * sizeof(*grown));
		if (grown == NULL)
			return NULL;
		f->sections = grown;
		f->cap_sections = cap;
	}
	if ((f->n_sections + 1) * 2 > f->index_size && grow_index(f) != 0)
		return NULL;
	s = &f->sections[f->n_sections];
	*s = (struct section_lines){ .section = section };
	size_t slot = hash_pointer(section, f->index_size);
	while (f->index[slot] != 0)
		slot = (slot + 1) & (f->index_size - 1);
	f->index[slot] = ++f->n_sections;
	return s;
}

static struct option_line *find_option(const struct section_lines *s, const char *name)
{
	for (size_t i = 0; i < s->n_options; i++)
		if (strcmp(s->options[i].name, name) == 0)
			return &s->options[i];
	return NULL;
}

static int add_option(struct section_lines *s, const char *name, int line)
{
	if (s->n_options == s->cap_options) {
		size_t cap = s->cap_options ? s->cap_options * 2 : 8;
		struct option_line *grown = realloc(s->options, cap * sizeof(*grown));
		if (grown == NULL)
			return -1;
		s->options = grown;
		s->cap_options = cap;
	}
	s->options[s->n_options++] = (struct option_line){ .name = name, .line = line };
	return 0;
}

/* Takes the values of a repeated section option out of libconfuse's
 * sight (see the top of this file); they go back in restore_held. */
static int hold_sections(struct option_line *o, cfg_opt_t *opt)
{
	if (o->n_held + opt->nvalues > o->cap_held) {
		size_t cap = o->cap_held ? o->cap_held : 8;
		while (cap < o->n_held + opt->nvalues)
			cap *= 2;
		cfg_value_t **grown = realloc(o->held, cap * sizeof(*grown));
		if (grown == NULL)
			return -1;
		o->held = grown;
		o->cap_held = cap;
	}
	memcpy(o->held + o->n_held, opt->values, opt->nvalues * sizeof(*opt->values));
	o->n_held += opt->nvalues;
	o->opt = opt;
	free(opt->values);
	opt->values = NULL;
	opt->nvalues = 0;
	return 0;
}

/* Every held section back where libconfuse keeps it, in file order: those
 * held first, then any it still has (one left open by a syntax error).
 * -1 when there is no memory for that: the held ones are freed, and the
 * parse fails. */
static int restore_held(struct pc_cfgfile *f)
{
	int rc = 0;
	for (size_t i = 0; i < f->n_sections; i++)
		for (size_t j = 0; j < f->sections[i].n_options; j++) {
			struct option_line *o = &f->sections[i].options[j];
			cfg_opt_t *opt = o->opt;
			if (opt == NULL)
				continue;
			cfg_value_t **values = o->held;
			if (opt->nvalues > 0)
				values = realloc(o->held, (o->n_held + opt->nvalues) * sizeof(*values));
			if (values == NULL) {
				cfg_opt_t held = *opt; /* libconfuse frees its own values */
				held.comment = NULL;
				held.values = o->held;
				held.nvalues = (unsigned)o->n_held;
				cfg_free_value(&held);
				rc = -1;
			} else {
				if (opt->nvalues > 0)
					memcpy(values + o->n_held, opt->values,
					       opt->nvalues * sizeof(*values));
				free(opt->values);
				opt->values = values;
				opt->nvalues = (unsigned)(o->n_held + opt->nvalues);
			}
			o->held = NULL;
			o->n_held = o->cap_held = 0;
			o->opt = NULL;
		}
	return rc;
}

static bool has_control(const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* A value as the messages quote it: at most 32 characters of it. */
static void quote_value(char *buf, size_t len, const char *value)
{
	if (value[0] == '\0')
		snprintf(buf, len, "\"\"");
	else if (strlen(value) > 32)
		snprintf(buf, len, "%.32s...", value);
	else
		snprintf(buf, len, "%s", value);
}

/* Every integer of both formats (ports, ranges, counts, intervals, slots,
 * formula terms...) is decimal: an optional minus sign, then digits,
 * without a leading zero ("0" itself is zero). libconfuse would read
 * "07001" as octal and "0x1b59" as hexadecimal. A value refused here is
 * reported at its line and the parse goes on, to report the others; the
 * file is refused once it is over, so no check runs on a number that is
 * not the one written. */
static int parse_integer(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	struct pc_cfgfile *f = file_of(cfg);
	long *number = result;
	*number = 0;
	if (f == NULL || value == NULL)
		return -1; /* not a section of ours: libconfuse stops the parse */
	const char *digits = value[0] == '-' ? value + 1 : value, *p = digits;
	unsigned long magnitude = 0;
	bool too_large = false;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned digit = (unsigned)(*p - '0');
		if (magnitude > ((unsigned long)LONG_MAX - digit) / 10)
			too_large = true;
		else
			magnitude = magnitude * 10 + digit;
	}
	char shown[48];
	quote_value(shown, sizeof(shown), value);
	if (p == digits || *p != '\0') {
		pc_diag_error(f->diag, f->path, cfg->line, "%s = %s: not a decimal integer%s",
			      opt->name, shown,
			      digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')
				      ? " (hexadecimal is not read: write the number in decimal)"
				      : "");
	} else if (digits[0] == '0' && p - digits > 1) {
		const char *significant = digits + strspn(digits, "0");
		pc_diag_error(f->diag, f->path, cfg->line,
			      "%s = %s: a leading zero: numbers are decimal, not octal (write %s%.24s)",
			      opt->name, shown, digits != value && *significant ? "-" : "",
			      *significant ? significant : "0");
	} else if (too_large) {
		pc_diag_error(f->diag, f->path, cfg->line, "%s = %s: out of range", opt->name, shown);
	} else {
		*number = value[0] == '-' ? -(long)magnitude : (long)magnitude;
		return 0;
	}
	f->bad_numbers++;
	return 0;
}

static int record(cfg_t *cfg, cfg_opt_t *opt)
{
	struct pc_cfgfile *f = file_of(cfg);
	if (f == NULL)
		return -1; /* not a section of ours: libconfuse stops the parse */
	struct section_lines *s = note_section(f, cfg);
	if (s == NULL)
		goto oom;

	int line = cfg->line;
	f->last_line = line;
	/* Raw control characters never reach here (the scan refuses them);
	 * these came from escapes such as "\033" in a quoted string. */
	if (opt->type == CFGT_STR && has_control(cfg_opt_getnstr(opt, cfg_opt_size(opt) - 1)))
		pc_diag_error(f->diag, f->path, line,
			      "%s: a control character in the value (written as an escape)",
			      opt->name);
	if (opt->type == CFGT_SEC) {
		cfg_t *child = cfg_opt_getnsec(opt, cfg_opt_size(opt) - 1);
		struct section_lines *c = note_section(f, child);
		if (c == NULL)
			goto oom;
		s = find_section(f, cfg); /* note_section may have moved it */
		/* Where the section that just closed was opened. One left open
		 * at the end of the file (libconfuse closes it silently) has no
		 * closing brace: its last line will do. A single section given
		 * twice is the same cfg_t, and keeps its first line. */
		line = f->closed < f->scan.n_opens ? f->scan.opens[f->closed] : cfg->line;
		f->closed++;
		if (c->line == 0)
			c->line = line;
		if (has_control(child->title))
			pc_diag_error(f->diag, f->path, line,
				      "%s: a control character in the title (written as an escape)",
				      opt->name);
	}

	struct option_line *seen = find_option(s, opt->name);
	if (seen == NULL) {
		if (add_option(s, opt->name, line) != 0)
			goto oom;
		seen = &s->options[s->n_options - 1];
		if (opt->type == CFGT_SEC && (opt->flags & CFGF_MULTI) && hold_sections(seen, opt) != 0)
			goto oom;
		return 0;
	}
	if (opt->type == CFGT_SEC && (opt->flags & CFGF_MULTI) && hold_sections(seen, opt) != 0)
		goto oom;
	/* Lists call back once per value: keep the first line. Repeated
	 * sections are normal; a repeated scalar would silently win, and a
	 * repeated single section would be merged into the first. */
	bool single = opt->type == CFGT_SEC ? !(opt->flags & CFGF_MULTI) : !(opt->flags & CFGF_LIST);
	if (single) {
		pc_diag_error(f->diag, f->path, line, "%s is set twice in this section (first at line %d)",
			      opt->name, seen->line);
		seen->line = line;
	}
	return 0;
oom:
	f->out_of_memory = true;
	return 0;
}

static void install_recorder(cfg_opt_t *opts)
{
	for (cfg_opt_t *opt = opts; opt != NULL && opt->name != NULL; opt++) {
		opt->validcb = record;
		if (opt->type == CFGT_INT)
			opt->parsecb = parse_integer;
		if (opt->type == CFGT_SEC)
			install_recorder(opt->subopts);
	}
}

/* Readies section and every section already under it (those libconfuse
 * made for defaults, with copies of the options made before the recorder
 * was installed): named after the parse's handle, recorder installed. */
static int prepare_sections(cfg_t *section, const char *handle)
{
	free(section->filename);
	section->filename = strdup(handle);
	if (section->filename == NULL)
		return -1;
	install_recorder(section->opts);
	for (cfg_opt_t *opt = section->opts; opt != NULL && opt->name != NULL; opt++) {
		if (opt->type != CFGT_SEC)
			continue;
		for (unsigned i = 0; i < cfg_opt_size(opt); i++)
			if (prepare_sections(cfg_opt_getnsec(opt, i), handle) != 0)
				return -1;
	}
	return 0;
}

/* Up to PC_INPUT_MAX bytes from fd, whose size was expected (it may have
 * changed since, or be 0 for a file of /proc); NULL past the limit. */
static char *read_all(int fd, size_t expected, size_t *len, const char *path,
		      struct pc_diag *diag)
{
	size_t cap = expected + 1, size = 0;
	char *text = NULL;
	for (;;) {
		if (size + 1 >= cap || text == NULL) {
			cap = text == NULL ? cap + 1 : cap * 2;
			if (cap > PC_INPUT_MAX + 2)
				cap = PC_INPUT_MAX + 2;
			char *grown = realloc(text, cap);
			if (grown == NULL) {
				pc_diag_error(diag, path, 0, "out of memory");
				break;
			}
			text = grown;
		}
		ssize_t n = read(fd, text + size, cap - 1 - size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			pc_diag_error(diag, path, 0, "cannot read: %s", strerror(errno));
			break;
		}
		if (n == 0) {
			text[size] = '\0';
			*len = size;
			return text;
		}
		size += (size_t)n;
		if (size > PC_INPUT_MAX) {
			pc_diag_error(diag, path, 0, "over the limit of %d bytes (1 MiB)",
				      PC_INPUT_MAX);
			break;
		}
	}
	free(text);
	return NULL;
}

/* The whole of a regular file, up to PC_INPUT_MAX bytes. Opened without
 * blocking, so that a FIFO or a device named by mistake (or by malice) is
 * refused at once instead of waiting for a writer or reading forever. */
char *pc_cfgfile_read(const char *path, size_t *len, struct pc_diag *diag)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		pc_diag_error(diag, path, 0, "cannot read: %s", strerror(errno));
		return NULL;
	}
	struct stat st;
	char *text = NULL;
	if (fstat(fd, &st) != 0) {
		pc_diag_error(diag, path, 0, "cannot read: %s", strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		pc_diag_error(diag, path, 0, "not a regular file (%s)",
			      S_ISDIR(st.st_mode)    ? "a directory"
			      : S_ISFIFO(st.st_mode) ? "a FIFO"
			      : S_ISCHR(st.st_mode)  ? "a character device"
			      : S_ISBLK(st.st_mode)  ? "a block device"
			      : S_ISSOCK(st.st_mode) ? "a socket"
						     : "not a file");
	} else if (st.st_size > PC_INPUT_MAX) {
		pc_diag_error(diag, path, 0, "%lld bytes: over the limit of %d bytes (1 MiB)",
			      (long long)st.st_size, PC_INPUT_MAX);
	} else {
		text = read_all(fd, (size_t)st.st_size, len, path, diag);
	}
	close(fd);
	return text;
}

/* A piece of the input libconfuse quotes in its message ('...') is shown
 * only when it looks like a word of a configuration: a file that is not
 * one (a password file named as a catalog) must not be echoed. */
static bool quotable(const char *s, size_t n)
{
	if (n == 1)
		return s[0] > 0x20 && s[0] < 0x7f;
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

static void report_confuse_error(cfg_t *cfg, const char *fmt, va_list ap)
{
	char message[512], shown[512];
	size_t n = 0;
	struct pc_cfgfile *f = file_of(cfg);
	if (f == NULL)
		return; /* the parse fails all the same, and says so */

	vsnprintf(message, sizeof(message), fmt, ap);
	for (const char *p = message; *p != '\0' && n + 1 < sizeof(shown);) {
		const char *close = *p == '\'' ? strchr(p + 1, '\'') : NULL;
		if (close != NULL && !quotable(p + 1, (size_t)(close - p - 1))) {
			n += (size_t)snprintf(shown + n, sizeof(shown) - n, "(text not shown)");
			p = close + 1;
		} else {
			shown[n++] = *p++;
		}
		if (n >= sizeof(shown))
			n = sizeof(shown) - 1;
	}
	shown[n] = '\0';
	pc_diag_error(f->diag, f->path, cfg->line, "%s", shown);
}

static int run_confuse(struct pc_cfgfile *f, cfg_opt_t *options, FILE *fp)
{
	char handle[64];
	int rc = CFG_PARSE_ERROR;

	snprintf(handle, sizeof(handle), HANDLE_FORMAT, (void *)f);
	pthread_mutex_lock(&confuse_lock);
	f->root = cfg_init(options, CFGF_NONE);
	if (f->root == NULL || prepare_sections(f->root, handle) != 0) {
		pc_diag_error(f->diag, f->path, 0, "out of memory");
	} else {
		cfg_set_error_function(f->root, report_confuse_error);
		rc = cfg_parse_fp(f->root, fp);
		if (restore_held(f) != 0)
			f->out_of_memory = true;
	}
	pthread_mutex_unlock(&confuse_lock);
	return rc;
}

struct pc_cfgfile *pc_cfgfile_parse_text(cfg_opt_t *options, const char *path, const char *text,
					 size_t len, struct pc_diag *diag)
{
	struct pc_cfgfile *f = calloc(1, sizeof(*f));
	if (f == NULL || (f->path = strdup(path)) == NULL) {
		pc_diag_error(diag, path, 0, "out of memory");
		free(f);
		return NULL;
	}
	f->diag = diag;
	if (len > PC_INPUT_MAX) {
		pc_diag_error(diag, path, 0, "over the limit of %d bytes (1 MiB)", PC_INPUT_MAX);
		pc_cfgfile_free(f);
		return NULL;
	}
	char *clean = malloc(len + 2);
	if (clean == NULL) {
		pc_diag_error(diag, path, 0, "out of memory");
		pc_cfgfile_free(f);
		return NULL;
	}

	size_t errors = diag->n_errors, clean_len = 0;
	FILE *fp = NULL;
	f->scan = (struct pc_cfgscan){ .path = f->path, .diag = diag };
	if (pc_cfgscan_normalize(&f->scan, text, len, clean, &clean_len) != 0) {
		if (diag->n_errors == errors)
			pc_diag_error(diag, path, 0, "out of memory");
	} else {
		if (clean_len == 0) /* fmemopen wants at least one byte */
			clean[clean_len++] = '\n';
		if ((fp = fmemopen(clean, clean_len, "r")) == NULL)
			pc_diag_error(diag, path, 0, "cannot read: %s", strerror(errno));
	}
	int rc = CFG_FILE_ERROR;
	if (fp != NULL) {
		rc = run_confuse(f, options, fp);
		fclose(fp);
		if (rc == CFG_SUCCESS && f->out_of_memory)
			pc_diag_error(diag, path, 0, "out of memory");
		if (f->scan.unclosed_line > 0) {
			pc_diag_error(diag, path, f->scan.unclosed_line,
				      "this section is not closed before the end of the file");
			rc = CFG_PARSE_ERROR;
		}
	}
	free(clean);
	/* libconfuse refuses some input without a word (an empty quoted
	 * string where an option name belongs): never refuse silently. */
	if (rc != CFG_SUCCESS && diag->n_errors == errors) {
		int root_line = f->root != NULL ? f->root->line : 0;
		int line = f->last_line > root_line ? f->last_line : root_line;
		pc_diag_error(diag, path, line,
			      "syntax error after this line's last value (an empty quoted name?)");
	}
	if (rc != CFG_SUCCESS || f->out_of_memory || f->bad_numbers > 0) {
		pc_cfgfile_free(f);
		return NULL;
	}
	return f;
}

struct pc_cfgfile *pc_cfgfile_parse(cfg_opt_t *options, const char *path, struct pc_diag *diag)
{
	size_t len = 0;
	char *text = pc_cfgfile_read(path, &len, diag);
	if (text == NULL)
		return NULL;
	struct pc_cfgfile *f = pc_cfgfile_parse_text(options, path, text, len, diag);
	free(text);
	return f;
}

cfg_t *pc_cfgfile_root(const struct pc_cfgfile *file)
{
	return file->root;
}

const char *pc_cfgfile_path(const struct pc_cfgfile *file)
{
	return file->path;
}

int pc_cfgfile_line(const struct pc_cfgfile *file, const cfg_t *section, const char *name)
{
	const struct section_lines *s = find_section(file, section);
	if (s == NULL)
		return 0;
	if (name == NULL)
		return s->line;
	const struct option_line *o = find_option(s, name);
	return o != NULL ? o->line : 0;
}

int pc_cfgfile_where(const struct pc_cfgfile *file, const cfg_t *section, const char *name)
{
	int line = name != NULL ? pc_cfgfile_line(file, section, name) : 0;
	return line > 0 ? line : pc_cfgfile_line(file, section, NULL);
}

bool pc_cfgfile_port_range(cfg_t *section, const char *name, long *first, long *last)
{
	unsigned n = cfg_size(section, name);
	*first = n > 0 ? cfg_getnint(section, name, 0) : 0;
	*last = n > 1 ? cfg_getnint(section, name, 1) : 0;
	return n == 2 && pc_port_valid(*first) && pc_port_valid(*last) && *first < *last;
}

void pc_cfgfile_free(struct pc_cfgfile *file)
{
	if (file == NULL)
		return;
	for (size_t i = 0; i < file->n_sections; i++)
		free(file->sections[i].options);
	free(file->sections);
	free(file->index);
	pc_cfgscan_clear(&file->scan);
	if (file->root != NULL) {
		pthread_mutex_lock(&confuse_lock); /* freeing a root resets the lexer */
		cfg_free(file->root);
		pthread_mutex_unlock(&confuse_lock);
	}
	free(file->path);
	free(file);
}
