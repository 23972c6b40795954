#include "cfgfile.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How the lines are found. libconfuse's lexer counts lines in the section
 * being parsed; a parent section's counter stands still while one of its
 * children is parsed, at the line of the child's opening brace, and catches
 * up when the child closes. Validate callbacks run for every option value
 * (with the current line) and for every section when it closes (in the
 * parent). So, inside any callback for section S, S's parent still shows
 * the line where S was opened. The section being parsed is always the last
 * one of its option, which is how the parent is found. */

/* Separates a section title from the sequence number that keeps
 * same-titled sections apart until the parse is over. */
#define TITLE_MARK '\x1f'

struct option_line {
	const char *name; /* the option's name as libconfuse holds it */
	int line;
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
	unsigned long titles_renamed;
	bool out_of_memory;
};

static struct pc_cfgfile *parsing; /* the file whose callbacks are running */

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

/* The section whose last value (of some section option) is child. */
static cfg_t *find_parent(cfg_t *node, const cfg_t *child)
{
	for (cfg_opt_t *opt = node->opts; opt != NULL && opt->name != NULL; opt++) {
		if (opt->type != CFGT_SEC || cfg_opt_size(opt) == 0)
			continue;
		cfg_t *last = cfg_opt_getnsec(opt, cfg_opt_size(opt) - 1);
		if (last == child)
			return node;
		cfg_t *parent = find_parent(last, child);
		if (parent != NULL)
			return parent;
	}
	return NULL;
}

static struct section_lines *note_section(struct pc_cfgfile *f, cfg_t *section)
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
	cfg_t *parent = section == f->root ? NULL : find_parent(f->root, section);
	s = &f->sections[f->n_sections];
	*s = (struct section_lines){ .section = section, .line = parent ? parent->line : 0 };
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

/* Give a just-closed titled section a unique title, so that libconfuse
 * appends the next section with the same title instead of replacing this
 * one. The mark is cut off again once the parse is over. */
static int rename_title(struct pc_cfgfile *f, cfg_t *section)
{
	if (section->title == NULL || strchr(section->title, TITLE_MARK) != NULL)
		return 0;
	size_t len = strlen(section->title) + 24;
	char *title = malloc(len);
	if (title == NULL)
		return -1;
	snprintf(title, len, "%s%c%lu", section->title, TITLE_MARK, ++f->titles_renamed);
	free(section->title);
	section->title = title;
	return 0;
}

static int record(cfg_t *cfg, cfg_opt_t *opt)
{
	struct pc_cfgfile *f = parsing;
	struct section_lines *s = note_section(f, cfg);
	if (s == NULL)
		goto oom;

	int line = cfg->line;
	if (opt->type == CFGT_SEC) {
		cfg_t *child = cfg_opt_getnsec(opt, cfg_opt_size(opt) - 1);
		/* A child with no options of its own is first seen here, after
		 * it closed: its closing line is the best there is. */
		struct section_lines *c = note_section(f, child);
		if (c == NULL)
			goto oom;
		s = find_section(f, cfg); /* note_section may have moved it */
		line = c->line;
		if ((opt->flags & CFGF_TITLE) && rename_title(f, child) != 0)
			goto oom;
	}

	struct option_line *seen = find_option(s, opt->name);
	if (seen == NULL)
		return add_option(s, opt->name, line) == 0 ? 0 : (f->out_of_memory = true, 0);
	/* Lists call back once per value: keep the first line. Repeated
	 * sections are normal; a repeated scalar would silently win, and a
	 * repeated single section would be merged into the first. */
	bool single = opt->type == CFGT_SEC ? !(opt->flags & CFGF_MULTI) : !(opt->flags & CFGF_LIST);
	if (single) {
		/* a single section is reused, not re-opened: name where the
		 * second one closed */
		if (opt->type == CFGT_SEC)
			line = cfg->line;
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
		if (opt->type == CFGT_SEC)
			install_recorder(opt->subopts);
	}
}

static void restore_titles(cfg_t *section)
{
	char *mark = section->title ? strchr(section->title, TITLE_MARK) : NULL;
	if (mark != NULL)
		*mark = '\0';
	for (cfg_opt_t *opt = section->opts; opt != NULL && opt->name != NULL; opt++) {
		if (opt->type != CFGT_SEC)
			continue;
		for (unsigned i = 0; i < cfg_opt_size(opt); i++)
			restore_titles(cfg_opt_getnsec(opt, i));
	}
}

static void report_confuse_error(cfg_t *cfg, const char *fmt, va_list ap)
{
	char message[512];

	vsnprintf(message, sizeof(message), fmt, ap);
	pc_diag_error(parsing->diag, parsing->path, cfg != NULL ? cfg->line : 0, "%s", message);
}

struct pc_cfgfile *pc_cfgfile_parse(cfg_opt_t *options, const char *path, struct pc_diag *diag)
{
	struct pc_cfgfile *f = calloc(1, sizeof(*f));
	if (f == NULL || (f->path = strdup(path)) == NULL) {
		pc_diag_error(diag, path, 0, "out of memory");
		free(f);
		return NULL;
	}
	f->diag = diag;
	f->root = cfg_init(options, CFGF_NONE);
	if (f->root == NULL) {
		pc_diag_error(diag, path, 0, "out of memory");
		pc_cfgfile_free(f);
		return NULL;
	}
	install_recorder(f->root->opts);
	parsing = f;
	cfg_set_error_function(f->root, report_confuse_error);

	errno = 0;
	int rc = cfg_parse(f->root, path);
	if (rc == CFG_FILE_ERROR)
		pc_diag_error(diag, path, 0, "cannot read: %s",
			      errno != 0 ? strerror(errno) : "unknown error");
	else if (rc == CFG_SUCCESS && f->out_of_memory)
		pc_diag_error(diag, path, 0, "out of memory");
	parsing = NULL;
	if (rc != CFG_SUCCESS || f->out_of_memory) {
		pc_cfgfile_free(f);
		return NULL;
	}
	restore_titles(f->root);
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

void pc_cfgfile_free(struct pc_cfgfile *file)
{
	if (file == NULL)
		return;
	for (size_t i = 0; i < file->n_sections; i++)
		free(file->sections[i].options);
	free(file->sections);
	free(file->index);
	if (file->root != NULL)
		cfg_free(file->root);
	free(file->path);
	free(file);
}
