/* SPDX-License-Identifier: ISC */
#include "plan/cfgscan.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* What libconfuse is given, and why.
 *
 * The text is rewritten (into a buffer of its own) the way libconfuse's
 * lexer would see it: comments removed, every run of blanks made one
 * space, newlines kept so that every line number stays right. flex
 * rescans a token from its start each time its buffer fills, so a long run
 * of blanks or a long unquoted word costs time quadratic in its length (a
 * 4 MB run of spaces took 5 s); with runs collapsed and words bounded,
 * every token libconfuse sees outside quoted strings is short, and the
 * parse is linear in the size of the file. Quoted strings, which the lexer
 * reads a piece at a time, are copied as they are.
 *
 * The same pass finds what libconfuse accepts silently: a section or list
 * still open at the end of the file (it closes it), a block comment that
 * swallows the rest, a string never closed; and what is not text at all:
 * a NUL byte or another control character. And it pairs each section's
 * closing brace with its opening one, so that the n-th section to close
 * was opened on opens[n].
 *
 * A "#" outside quotes always starts a comment; "//" and "slash-star"
 * only where a token starts. Braces after "=" or "+=" are lists, "${...}"
 * an environment variable. */

#define WORD_MAX 1024 /* the longest unquoted word: names and numbers are short */

struct brace {
	int line;
	bool list;
};

struct scan {
	const char *in;
	size_t len, i;
	char *out;
	size_t n; /* bytes written to out */
	int line;
	struct pc_cfgscan *result; /* the file's name, diagnostics and braces */
	struct brace *stack;
	size_t depth, cap;
};

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* A byte no configuration holds: reported without quoting anything, the
 * file may be a binary or a secret. */
static int not_text(struct scan *s, unsigned char c)
{
	if (c == '\0')
		pc_diag_error(s->result->diag, s->result->path, s->line,
			      "a NUL byte: this is not a text file");
	else
		pc_diag_error(s->result->diag, s->result->path, s->line,
			      "control character 0x%02x: not allowed in a configuration", c);
	return -1;
}

static bool control(unsigned char c)
{
	return (c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7f;
}

static void put(struct scan *s, char c)
{
	s->out[s->n++] = c;
}

static int skip_string(struct scan *s)
{
	char quote = s->in[s->i];
	int opened = s->line;
	put(s, s->in[s->i++]);
	while (s->i < s->len && s->in[s->i] != quote) {
		unsigned char c = (unsigned char)s->in[s->i];
		if (c == '\\' && s->i + 1 < s->len)
			put(s, s->in[s->i++]), c = (unsigned char)s->in[s->i];
		if (control(c))
			return not_text(s, c);
		if (c == '\n')
			s->line++;
		put(s, s->in[s->i++]);
	}
	if (s->i == s->len) {
		pc_diag_error(s->result->diag, s->result->path, opened,
			      "this string is not closed before the end of the file");
		return -1;
	}
	put(s, s->in[s->i++]);
	return 0;
}

static int skip_block_comment(struct scan *s)
{
	int opened = s->line;
	for (s->i += 2; s->i < s->len && !(s->in[s->i] == '*' && s->i + 1 < s->len && s->in[s->i + 1] == '/'); s->i++) {
		unsigned char c = (unsigned char)s->in[s->i];
		if (c == '\n')
			s->line++, put(s, '\n');
		else if (control(c))
			return not_text(s, c);
	}
	if (s->i >= s->len) {
		pc_diag_error(s->result->diag, s->result->path, opened,
			      "this comment is not closed before the end of the file");
		return -1;
	}
	s->i += 2;
	put(s, ' ');
	return 0;
}

static int open_brace(struct scan *s, bool list)
{
	if (s->depth == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct brace *grown = realloc(s->stack, cap * sizeof(*grown));
		if (grown == NULL)
			return -1;
		s->stack = grown;
		s->cap = cap;
	}
	s->stack[s->depth++] = (struct brace){ .line = s->line, .list = list };
	return 0;
}

static int close_brace(struct scan *s)
{
	struct pc_cfgscan *r = s->result;
	if (s->depth == 0 || s->stack[--s->depth].list)
		return 0; /* a stray brace is libconfuse's to report */
	if (r->n_opens % 64 == 0) {
		int *grown = realloc(r->opens, (r->n_opens + 64) * sizeof(*grown));
		if (grown == NULL)
			return -1;
		r->opens = grown;
	}
	r->opens[r->n_opens++] = s->stack[s->depth].line;
	return 0;
}

int pc_cfgscan_normalize(struct pc_cfgscan *result, const char *in, size_t len, char *out,
			 size_t *out_len)
{
	struct scan s = { .in = in, .len = len, .out = out, .line = 1, .result = result };
	bool token_start = true;
	char last = '\0'; /* last significant character outside comments */
	size_t word = 0; /* length of the unquoted word being copied */
	int rc = 0;

	while (s.i < len && rc == 0) {
		unsigned char c = (unsigned char)in[s.i];
		char next = s.i + 1 < len ? in[s.i + 1] : '\0';
		if (control(c)) {
			rc = not_text(&s, c);
			break;
		}
		if (c == '"' || c == '\'') {
			rc = skip_string(&s);
			token_start = true;
			last = (char)c;
			word = 0;
			continue;
		}
		if (c == '#' || (token_start && c == '/' && next == '/')) {
			while (s.i < len && in[s.i] != '\n' && !control((unsigned char)in[s.i]))
				s.i++;
			continue;
		}
		if (token_start && c == '/' && next == '*') {
			rc = skip_block_comment(&s);
			continue;
		}
		if (blank((char)c)) {
			while (s.i < len && blank(in[s.i]))
				s.i++;
			put(&s, ' ');
			token_start = true;
			word = 0;
			continue;
		}
		if (c == '\n') {
			s.line++;
			put(&s, '\n');
			s.i++;
			token_start = true;
			word = 0;
			continue;
		}
		if (c == '$' && next == '{') {
			while (s.i < len && in[s.i] != '}' && in[s.i] != '\n' && ++word <= WORD_MAX)
				put(&s, in[s.i++]);
			if (s.i < len && in[s.i] == '}')
				put(&s, in[s.i++]);
			token_start = false;
			last = '}';
			if (word > WORD_MAX)
				break;
			continue;
		}
		if (c == '{')
			rc = open_brace(&s, last == '=' || last == '+');
		else if (c == '}')
			rc = close_brace(&s);
		token_start = strchr("={}()+,", c) != NULL;
		word = token_start ? 0 : word + 1;
		if (word > WORD_MAX)
			break;
		last = (char)c;
		put(&s, in[s.i++]);
	}
	if (rc == 0 && word > WORD_MAX) {
		pc_diag_error(result->diag, result->path, s.line, "a word of over %d characters", WORD_MAX);
		rc = -1;
	}
	/* A list or a section left open: a list is reported at once; for a
	 * section libconfuse's own error, if any, comes first. */
	for (size_t d = s.depth; rc == 0 && d-- > 0;) {
		if (s.stack[d].list) {
			pc_diag_error(result->diag, result->path, s.stack[d].line,
				      "this list is not closed before the end of the file");
			rc = -1;
		} else if (result->unclosed_line == 0) {
			result->unclosed_line = s.stack[d].line;
		}
	}
	free(s.stack);
	*out_len = s.n;
	return rc;
}

void pc_cfgscan_clear(struct pc_cfgscan *scan)
{
	free(scan->opens);
	scan->opens = NULL;
	scan->n_opens = 0;
}
