#include "cfgfile.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How the lines are found.
 *
 * libconfuse 3.3 miscounts lines: a "#" or "//" comment advances its line
 * counter by three, a block comment by one too many. So the file is handed
 * to libconfuse with its comments blanked out (newlines kept), and then
 * cfg->line is right in every validate callback: for an option value, the
 * line of the value.
 *
 * Sections: libconfuse calls a section option's validate callback when the
 * section closes, in the order of the closing braces in the text. The same
 * pre-scan that blanks comments pairs each section's closing brace with its
 * opening one, so the n-th section to close was opened on opens[n]. */

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
	int *opens; /* line of the opening brace, by order of closing */
	size_t n_opens, closed;
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
		struct section_lines *c = note_section(f, child);
		if (c == NULL)
			goto oom;
		s = find_section(f, cfg); /* note_section may have moved it */
		/* Where the section that just closed was opened. One left open
		 * at the end of the file (libconfuse closes it silently) has no
		 * closing brace: its last line will do. A single section given
		 * twice is the same cfg_t, and keeps its first line. */
		line = f->closed < f->n_opens ? f->opens[f->closed] : cfg->line;
		f->closed++;
		if (c->line == 0)
			c->line = line;
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

/* Blank the comments of text (in place, newlines kept) the way libconfuse's
 * lexer sees them, and note the line of every section's opening brace in
 * the order the sections close. A "#" outside quotes always starts a
 * comment; "//" and "slash-star" only where a token starts. Braces after
 * "=" or "+=" are lists, "${...}" an environment variable. */
static int prescan(char *text, size_t len, struct pc_cfgfile *f)
{
	struct brace {
		int line;
		bool list;
	} *stack = NULL;
	size_t depth = 0, cap = 0;
	int line = 1;
	bool token_start = true;
	char last = '\0'; /* last significant character outside comments */
	int rc = 0;

	for (size_t i = 0; i < len && rc == 0; i++) {
		char c = text[i], next = i + 1 < len ? text[i + 1] : '\0';
		if (c == '\n')
			line++;
		if (c == '"' || c == '\'') { /* a string: skip it, escapes included */
			for (i++; i < len && text[i] != c; i++) {
				if (text[i] == '\\' && i + 1 < len)
					i++;
				if (text[i] == '\n')
					line++;
			}
			token_start = true;
			last = c;
			continue;
		}
		if (c == '#' || (token_start && c == '/' && next == '/')) {
			for (; i < len && text[i] != '\n'; i++)
				text[i] = ' ';
			i--; /* let the loop see the newline */
			continue;
		}
		if (token_start && c == '/' && next == '*') {
			for (; i < len && !(text[i] == '*' && i + 1 < len && text[i + 1] == '/'); i++) {
				if (text[i] == '\n')
					line++;
				else
					text[i] = ' ';
			}
			if (i < len)
				text[i] = text[i + 1] = ' ';
			i++;
			continue;
		}
		if (c == '$' && next == '{') {
			while (i < len && text[i] != '}')
				i++;
			token_start = false;
			last = '}';
			continue;
		}
		if (c == '{') {
			if (depth == cap) {
				cap = cap ? cap * 2 : 16;
				struct brace *grown = realloc(stack, cap * sizeof(*stack));
				if (grown == NULL) {
					rc = -1;
					break;
				}
				stack = grown;
			}
			stack[depth++] = (struct brace){ .line = line, .list = last == '=' || last == '+' };
		} else if (c == '}' && depth > 0 && !stack[--depth].list) {
			if (f->n_opens % 64 == 0) {
				int *grown = realloc(f->opens, (f->n_opens + 64) * sizeof(*grown));
				if (grown == NULL) {
					rc = -1;
					break;
				}
				f->opens = grown;
			}
			f->opens[f->n_opens++] = stack[depth].line;
		}
		token_start = strchr(" \t\r\n={}()+,", c) != NULL;
		if (strchr(" \t\r\n", c) == NULL)
			last = c;
	}
	free(stack);
	return rc;
}

static char *read_file(const char *path, size_t *len, struct pc_diag *diag)
{
	FILE *fp = fopen(path, "rb");
	char *text = NULL;
	size_t size = 0, cap = 0, n;
	if (fp == NULL) {
		pc_diag_error(diag, path, 0, "cannot read: %s", strerror(errno));
		return NULL;
	}
	do {
		if (size + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			char *grown = realloc(text, cap);
			if (grown == NULL) {
				pc_diag_error(diag, path, 0, "out of memory");
				free(text);
				fclose(fp);
				return NULL;
			}
			text = grown;
		}
		n = fread(text + size, 1, 4096, fp);
		size += n;
	} while (n > 0);
	if (ferror(fp)) {
		pc_diag_error(diag, path, 0, "cannot read: %s", strerror(errno));
		free(text);
		text = NULL;
	}
	fclose(fp);
	if (text != NULL) {
		text[size] = '\0';
		*len = size;
	}
	return text;
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

	size_t len = 0;
	char *text = read_file(path, &len, diag);
	if (text == NULL) {
		pc_cfgfile_free(f);
		return NULL;
	}
	FILE *fp = NULL;
	if (prescan(text, len, f) != 0)
		pc_diag_error(diag, path, 0, "out of memory");
	/* fmemopen wants at least one byte */
	else if ((fp = fmemopen(len ? text : (char *)"\n", len ? len : 1, "r")) == NULL)
		pc_diag_error(diag, path, 0, "cannot read: %s", strerror(errno));
	int rc = CFG_FILE_ERROR;
	if (fp != NULL) {
		parsing = f;
		cfg_set_error_function(f->root, report_confuse_error);
		rc = cfg_parse_fp(f->root, fp);
		parsing = NULL;
		fclose(fp);
		if (rc == CFG_SUCCESS && f->out_of_memory)
			pc_diag_error(diag, path, 0, "out of memory");
	}
	free(text);
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
	free(file->opens);
	if (file->root != NULL)
		cfg_free(file->root);
	free(file->path);
	free(file);
}
