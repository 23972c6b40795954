/* SPDX-License-Identifier: ISC */
/* What the catalog says about the guide, held against the guide.
 *
 * In the catalog's files double quotes, in notes and in comments, are kept
 * for the guide's own words. Every quotation must be a phrase of
 * tests/fixtures/catalog/guide-phrases.txt, placed in the table the
 * sentence names, and every phrase there is found in the guide's text when
 * that text is at hand (it lives outside the repository: PC_GUIDE, or
 * ../shared/guide beside it; skipped, and said so, otherwise). No sentence
 * gives a figure numbers only S1 prints, or blames the 6.0 guide for what
 * only the copy lost; and the words an audit found the guide does not say
 * stay out. test_catalog_tags holds the tags and sources. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plan/catalog.h"
#include "plan/catalog_load.h"
#include "findings.h"
#include "pc_test.h"

#define PHRASES "tests/fixtures/catalog/guide-phrases.txt"
#define GUIDE_FILE "port-utilization-guide-6.0-ja.txt"
#define APPENDIX 11 /* table number given to the appendix */
#define N_PARTS 12  /* front matter 0, tables 1-10, the appendix */
#define PHRASE_MAX 160 /* bytes of the guide's words: short quotations only */

struct phrase {
	unsigned tables; /* bit n: table n; bit APPENDIX: the appendix */
	char *quoted;    /* as the catalog quotes it */
	char *guide;     /* as the guide prints it */
	int line;
};

struct phrase_list {
	struct phrase *items;
	size_t n;
};

static char *read_all(const char *path)
{
	FILE *fp = fopen(path, "r");
	if (fp == NULL)
		return NULL;
	char *text = slurp(fp);
	fclose(fp);
	return text;
}

static char *trimmed(const char *s, size_t n)
{
	while (n > 0 && isspace((unsigned char)*s))
		s++, n--;
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	char *out = malloc(n + 1);
	assert_non_null(out);
	memcpy(out, s, n);
	out[n] = '\0';
	return out;
}

/* "1,8,9,10" or "A": the parts of the guide a phrase is in; 0 if malformed. */
static unsigned parse_tables(const char *s)
{
	unsigned bits = 0;
	while (*s != '\0') {
		if (*s == 'A') {
			bits |= 1u << APPENDIX;
			s++;
		} else {
			char *end;
			long n = strtol(s, &end, 10);
			if (end == s || n < 1 || n > 10)
				return 0;
			bits |= 1u << n;
			s = end;
		}
		if (*s == ',')
			s++;
		else if (*s != '\0')
			return 0;
	}
	return bits;
}

static void load_phrases(struct phrase_list *list)
{
	const char *path = repo_path(PHRASES);
	char *text = read_all(path);
	if (text == NULL)
		fail_msg("cannot read %s", path);
	*list = (struct phrase_list){ 0 };
	int line = 0;
	for (char *s = text, *next; s != NULL && *s != '\0'; s = next) {
		line++;
		next = strchr(s, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (s[0] == '#' || s[strspn(s, " \t")] == '\0')
			continue;
		char *bar1 = strstr(s, " | ");
		char *bar2 = bar1 ? strstr(bar1 + 3, " | ") : NULL;
		if (bar2 == NULL || strstr(bar2 + 3, " | ") != NULL)
			fail_msg("%s:%d: not TABLES | QUOTED | GUIDE", path, line);
		char *tables = trimmed(s, (size_t)(bar1 - s));
		struct phrase p = { parse_tables(tables), trimmed(bar1 + 3, (size_t)(bar2 - bar1 - 3)),
				    trimmed(bar2 + 3, strlen(bar2 + 3)), line };
		free(tables);
		if (p.tables == 0 || p.quoted[0] == '\0' || p.guide[0] == '\0' ||
		    strchr(p.quoted, '"') != NULL)
			fail_msg("%s:%d: a bad table list, an empty field or a double quote", path, line);
		if (strlen(p.guide) > PHRASE_MAX)
			fail_msg("%s:%d: over %d bytes: quote the guide briefly", path, line, PHRASE_MAX);
		for (size_t i = 0; i < list->n; i++)
			if (strcmp(list->items[i].quoted, p.quoted) == 0)
				fail_msg("%s:%d: \"%s\" is already at line %d", path, line, p.quoted,
					 list->items[i].line);
		struct phrase *grown = realloc(list->items, (list->n + 1) * sizeof(*grown));
		assert_non_null(grown);
		list->items = grown;
		list->items[list->n++] = p;
	}
	free(text);
	assert_true(list->n > 0);
}

static void free_phrases(struct phrase_list *list)
{
	for (size_t i = 0; i < list->n; i++) {
		free(list->items[i].quoted);
		free(list->items[i].guide);
	}
	free(list->items);
	*list = (struct phrase_list){ 0 };
}

static const struct phrase *find_phrase(const struct phrase_list *list, const char *s, size_t n)
{
	for (size_t i = 0; i < list->n; i++)
		if (strlen(list->items[i].quoted) == n && memcmp(list->items[i].quoted, s, n) == 0)
			return &list->items[i];
	return NULL;
}

/* ---- the catalog's texts ------------------------------------------ */

/* One text that speaks about the guide: a rule's or a role's notes, or a
 * paragraph of comments (its lines joined). */
struct text {
	char *where;
	char *body;
};

struct texts {
	struct text *items;
	size_t n;
};

static void add_text(struct texts *t, const char *where, const char *body, size_t len)
{
	struct text *grown = realloc(t->items, (t->n + 1) * sizeof(*grown));
	assert_non_null(grown);
	t->items = grown;
	t->items[t->n].where = strdup(where);
	t->items[t->n].body = strndup(body, len);
	assert_non_null(t->items[t->n].where);
	assert_non_null(t->items[t->n].body);
	t->n++;
}

/* Each paragraph of comment lines of one catalog file. */
static void add_comments(struct texts *t, const char *path)
{
	char *text = read_all(path);
	assert_non_null(text);
	char *para = NULL, where[1100];
	size_t len = 0;
	int line = 0;
	for (char *s = text, *next; s != NULL && *s != '\0'; s = next) {
		line++;
		next = strchr(s, '\n');
		if (next != NULL)
			*next++ = '\0';
		s += strspn(s, " \t");
		bool comment = s[0] == '#';
		if (comment) {
			s += 1 + strspn(s + 1, " ");
			if (*s != '\0') {
				if (len == 0)
					snprintf(where, sizeof(where), "%s:%d", path, line);
				char *grown = realloc(para, len + strlen(s) + 2);
				assert_non_null(grown);
				para = grown;
				len += (size_t)sprintf(para + len, "%s%s", len ? " " : "", s);
				continue;
			}
		}
		if (len > 0) /* a blank comment line or code ends the paragraph */
			add_text(t, where, para, len);
		len = 0;
	}
	if (len > 0)
		add_text(t, where, para, len);
	free(para);
	free(text);
}

/* A ruleset's rule is in every role that uses it: is this its first? */
static bool first_use(const struct pc_catalog *cat, size_t role, const struct pc_rule *r)
{
	for (size_t i = 0; i < role && r->shared; i++)
		for (size_t j = 0; j < cat->roles[i].n_rules; j++)
			if (cat->roles[i].rules[j] == r)
				return false;
	return true;
}

static void collect_texts(const struct pc_catalog *cat, struct texts *t)
{
	char where[256];
	*t = (struct texts){ 0 };
	for (size_t i = 0; i < cat->n_roles; i++) {
		const struct pc_role *role = &cat->roles[i];
		if (role->notes != NULL) {
			snprintf(where, sizeof(where), "role %s", role->name);
			add_text(t, where, role->notes, strlen(role->notes));
		}
		for (size_t j = 0; j < role->n_rules; j++) {
			const struct pc_rule *r = role->rules[j];
			if (r->notes == NULL || !first_use(cat, i, r))
				continue;
			snprintf(where, sizeof(where), "%s/%s", role->name, r->name);
			add_text(t, where, r->notes, strlen(r->notes));
		}
	}
	for (size_t i = 0; i < cat->n_files; i++)
		add_comments(t, cat->files[i]);
}

static void free_texts(struct texts *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->items[i].where);
		free(t->items[i].body);
	}
	free(t->items);
	*t = (struct texts){ 0 };
}

/* ---- sentences and the tables they name --------------------------- */

static bool word_at(const char *text, const char *p, const char *word)
{
	size_t n = strlen(word);
	return strncasecmp(p, word, n) == 0 && (p == text || !isalnum((unsigned char)p[-1]));
}

/* The parts of the guide the sentence text[from..to) names last before
 * `to`: "table 3", "tables 6 and 7", "Figure 2", "the appendix". A table of
 * port-facts.md ("port-facts.md table 8 row 7") is not the guide's. */
static unsigned named_tables(const char *text, size_t from, size_t to)
{
	unsigned last = 0;
	for (size_t i = from; i < to; i++) {
		const char *p = text + i;
		if (word_at(text, p, "figure ") || word_at(text, p, "appendix")) {
			last = 1u << APPENDIX;
			continue;
		}
		if (!word_at(text, p, "table"))
			continue;
		if (i >= 14 && strncmp(p - 14, "port-facts.md ", 14) == 0)
			continue;
		const char *s = p + 5 + (p[5] == 's');
		unsigned bits = 0;
		for (;;) {
			if (*s != ' ' && strncmp(s, ", ", 2) != 0)
				break;
			const char *num = s + strspn(s, ", ");
			if (strncmp(num, "and ", 4) == 0)
				num += 4;
			char *end;
			long n = strtol(num, &end, 10);
			if (end == num || n < 1 || n > 10 || isalnum((unsigned char)*end))
				break;
			bits |= 1u << n;
			s = end;
		}
		if (bits != 0)
			last = bits;
	}
	return last;
}

/* "table 3", "tables 6, 7", "the appendix" */
static void tables_text(unsigned bits, char *buf, size_t len)
{
	size_t n = 0;
	int tables = __builtin_popcount(bits & ~(1u << APPENDIX));
	buf[0] = '\0';
	for (int t = 1; t <= 10 && n < len; t++)
		if (bits & (1u << t))
			n += (size_t)snprintf(buf + n, len - n, "%s%d",
					      n ? ", " : tables > 1 ? "tables " : "table ", t);
	if ((bits & (1u << APPENDIX)) && n < len)
		snprintf(buf + n, len - n, "%sthe appendix", n ? " and " : "");
}

typedef void (*quote_fn)(void *ctx, const struct text *t, const char *quote, size_t len,
			 unsigned named);
typedef void (*sentence_fn)(void *ctx, const struct text *t, size_t from, size_t to);

/* Walk one text: each quotation with the tables its sentence names before
 * it, and each sentence. A sentence ends at ". " or "; " outside quotes. */
static void walk(const struct text *t, void *ctx, quote_fn on_quote, sentence_fn on_sentence,
		 struct findings *f)
{
	const char *s = t->body;
	size_t sentence = 0, open = 0;
	bool quoted = false;
	for (size_t i = 0;; i++) {
		bool end = s[i] == '\0' ||
			   (!quoted && (s[i] == '.' || s[i] == ';') && (s[i + 1] == ' ' || s[i + 1] == '\0'));
		if (s[i] == '"') {
			if (!quoted)
				open = i + 1;
			else if (on_quote != NULL)
				on_quote(ctx, t, s + open, i - open, named_tables(s, sentence, open));
			quoted = !quoted;
		}
		if (end) {
			if (on_sentence != NULL && i > sentence)
				on_sentence(ctx, t, sentence, i);
			sentence = i + 1;
		}
		if (s[i] == '\0')
			break;
	}
	if (quoted)
		found(f, t->where, "a quotation is not closed: \"%s", s + open);
}

/* ---- the tests ------------------------------------------------------ */

struct notes_state {
	struct pc_catalog *cat;
	struct phrase_list phrases;
	struct texts texts;
};

static int setup(void **state)
{
	struct notes_state *st = calloc(1, sizeof(*st));
	assert_non_null(st);
	struct pc_diag diag = { 0 };
	const char *paths[] = { CATALOG_DIR };
	st->cat = pc_catalog_load(paths, 1, &diag);
	pc_diag_print(&diag, stderr);
	pc_diag_clear(&diag);
	if (st->cat == NULL) {
		free(st);
		return -1;
	}
	load_phrases(&st->phrases);
	collect_texts(st->cat, &st->texts);
	*state = st;
	return 0;
}

static int teardown(void **state)
{
	struct notes_state *st = *state;
	free_texts(&st->texts);
	free_phrases(&st->phrases);
	pc_catalog_free(st->cat);
	free(st);
	return 0;
}

struct quote_check {
	const struct phrase_list *phrases;
	bool *used;
	struct findings *f;
};

static void check_quote(void *ctx, const struct text *t, const char *quote, size_t len,
			unsigned named)
{
	struct quote_check *qc = ctx;
	const struct phrase *p = find_phrase(qc->phrases, quote, len);
	if (p == NULL) {
		found(qc->f, t->where, "quotes \"%.*s\", which is not a phrase of " PHRASES, (int)len,
		      quote);
		return;
	}
	qc->used[p - qc->phrases->items] = true;
	if ((named & ~p->tables) != 0) {
		char said[64], printed[64];
		tables_text(named, said, sizeof(said));
		tables_text(p->tables, printed, sizeof(printed));
		found(qc->f, t->where, "puts \"%s\" in %s; the guide prints it in %s", p->quoted,
		      said, printed);
	}
}

/* Every quotation is the guide's, in the table named; every phrase of the
 * list is quoted (the list is the catalog's, not an anthology). */
static void test_quotations_are_the_guides_words(void **state)
{
	struct notes_state *st = *state;
	struct findings f = { 0 };
	bool *used = calloc(st->phrases.n, sizeof(*used));
	assert_non_null(used);
	struct quote_check qc = { &st->phrases, used, &f };
	for (size_t i = 0; i < st->texts.n; i++)
		walk(&st->texts.items[i], &qc, check_quote, NULL, &f);
	for (size_t i = 0; i < st->phrases.n; i++)
		if (!used[i]) {
			char where[64];
			snprintf(where, sizeof(where), PHRASES ":%d", st->phrases.items[i].line);
			found(&f, where, "\"%s\" is quoted nowhere", st->phrases.items[i].quoted);
		}
	free(used);
	report(&f, "quotations that are not the guide's words");
}

/* ---- the list against the guide's text ---------------------------- */

/* Runs of white space become one space, so a phrase the guide breaks over
 * two lines still matches. */
static char *squeezed(const char *s, size_t n)
{
	char *out = malloc(n + 1);
	assert_non_null(out);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		bool space = isspace((unsigned char)s[i]);
		if (space && (k == 0 || out[k - 1] == ' '))
			continue;
		out[k++] = space ? ' ' : s[i];
	}
	out[k] = '\0';
	return out;
}

/* The guide's text cut into its parts: the front matter, each table from
 * its "表N" title to the next section's heading, and the appendix from its
 * heading (its last line starting "付録", the first being in the contents). */
static void guide_parts(const char *text, char *parts[N_PARTS])
{
	const char *line_at[4097];
	size_t n = 0;
	for (const char *s = text; *s != '\0' && n < 4096;) {
		line_at[n++] = s;
		const char *nl = strchr(s, '\n');
		s = nl ? nl + 1 : s + strlen(s);
	}
	line_at[n] = text + strlen(text);
	size_t start[N_PARTS] = { 0 }, end[N_PARTS] = { 0 };
	for (size_t i = 0; i < n; i++) {
		const char *l = line_at[i];
		if (strncmp(l, "表", strlen("表")) == 0) {
			char *after;
			long t = strtol(l + strlen("表"), &after, 10);
			if (t >= 1 && t <= 10 && *after == ' ' && start[t] == 0)
				start[t] = i;
		} else if (strncmp(l, "付録", strlen("付録")) == 0) {
			start[APPENDIX] = i;
		}
	}
	for (int t = 1; t <= APPENDIX; t++)
		if (start[t] == 0)
			fail_msg("the guide's text has no %s %d: is it the guide?",
				 t == APPENDIX ? "appendix" : "table", t);
	end[0] = start[1];
	end[APPENDIX] = n;
	for (int t = 1; t <= 10; t++) {
		size_t next = t < 10 ? start[t + 1] : start[APPENDIX];
		end[t] = next;
		for (size_t i = start[t] + 1; i < next; i++)
			if (strncmp(line_at[i], "適用対象", strlen("適用対象")) == 0) {
				end[t] = i - 1; /* the next section's heading */
				break;
			}
	}
	for (int t = 0; t < N_PARTS; t++)
		parts[t] = squeezed(line_at[start[t]], (size_t)(line_at[end[t]] - line_at[start[t]]));
}

/* PC_GUIDE (the guide's directory, or the file), else ../shared/guide
 * beside the repository. NULL: not at hand, and not asked for. */
static char *guide_path(void)
{
	const char *env = getenv("PC_GUIDE");
	char path[2048];
	struct stat st;
	if (env != NULL && env[0] != '\0') {
		if (stat(env, &st) == 0 && S_ISDIR(st.st_mode))
			snprintf(path, sizeof(path), "%s/%s", env, GUIDE_FILE);
		else
			snprintf(path, sizeof(path), "%s", env);
		return strdup(path); /* asked for: it must be there */
	}
	snprintf(path, sizeof(path), "%s", repo_path("../shared/guide/" GUIDE_FILE));
	return access(path, R_OK) == 0 ? strdup(path) : NULL;
}

static void test_phrases_are_in_the_guide(void **state)
{
	struct notes_state *st = *state;
	char *path = guide_path();
	if (path == NULL) {
		fprintf(stderr, "guide-phrases.txt NOT checked against the guide's text: PC_GUIDE is "
				"unset and %s is absent\n",
			repo_path("../shared/guide/" GUIDE_FILE));
		skip();
	}
	char *text = read_all(path);
	if (text == NULL)
		fail_msg("PC_GUIDE: cannot read %s", path);
	char *parts[N_PARTS];
	guide_parts(text, parts);
	struct findings f = { 0 };
	for (size_t i = 0; i < st->phrases.n; i++) {
		const struct phrase *p = &st->phrases.items[i];
		char *words = squeezed(p->guide, strlen(p->guide));
		for (int t = 1; t <= APPENDIX; t++)
			if ((p->tables & (1u << t)) && strstr(parts[t], words) == NULL) {
				char where[64], part[32];
				snprintf(where, sizeof(where), PHRASES ":%d", p->line);
				tables_text(1u << t, part, sizeof(part));
				found(&f, where, "\"%s\" is not in %s of the guide (%s)", p->guide, part,
				      path);
			}
		free(words);
	}
	for (int t = 0; t < N_PARTS; t++)
		free(parts[t]);
	free(text);
	free(path);
	report(&f, "phrases the guide does not print where the list says");
}

/* ---- sentences ------------------------------------------------------ */

/* A port-sized number outside quotations: four or five digits standing
 * alone ("48008"; not "154596", a KB article, nor "3.3"). */
static bool has_port_number(const char *s, size_t from, size_t to)
{
	bool quoted = false;
	for (size_t i = from; i < to; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		if (quoted || !isdigit((unsigned char)s[i]) || (i > from && isalnum((unsigned char)s[i - 1])))
			continue;
		size_t n = strspn(s + i, "0123456789");
		if (n >= 4 && n <= 5 && i + n <= to && !isalnum((unsigned char)s[i + n]) && s[i + n] != '.')
			return true;
		i += n;
	}
	return false;
}

static bool mentions(const char *s, size_t from, size_t to, const char *word)
{
	size_t n = strlen(word);
	for (size_t i = from; i + n <= to; i++)
		if (word_at(s, s + i, word))
			return true;
	return false;
}

/* A source ID other than the guide's, as a word: S1-S9, S1b, A1-A12, MS,
 * an RFC. */
static bool names_other_source(const char *s, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		if (i > from && isalnum((unsigned char)s[i - 1]))
			continue;
		const char *p = s + i;
		if ((p[0] == 'S' && isdigit((unsigned char)p[1]) && p[1] != '0') ||
		    (p[0] == 'A' && isdigit((unsigned char)p[1])) || strncmp(p, "MS", 2) == 0 ||
		    strncmp(p, "RFC", 3) == 0)
			return true;
	}
	return false;
}

struct sentence_check {
	struct findings *f;
};

static void check_sentence(void *ctx, const struct text *t, size_t from, size_t to)
{
	struct sentence_check *sc = ctx;
	const char *s = t->body;
	int len = (int)(to - from);
	/* the copy's figures are titles: their numbers are S1's */
	if (mentions(s, from, to, "figure") && has_port_number(s, from, to) &&
	    !names_other_source(s, from, to))
		found(sc->f, t->where,
		      "credits a figure with numbers but names no source for them: \"%.*s\"", len,
		      s + from);
	/* what the copy lost, the 6.0 guide may well print */
	static const char *const guide_words[] = { "6.0 guide", "6.0 table", "6.0 row",
						   "6.0 CAD table" };
	static const char *const lacking[] = { "no ", "not ", "nothing", "without", "lack", "lost",
					       "only" };
	bool about_guide = false, absence = false;
	for (size_t k = 0; k < sizeof(guide_words) / sizeof(guide_words[0]); k++)
		about_guide = about_guide || mentions(s, from, to, guide_words[k]);
	for (size_t k = 0; k < sizeof(lacking) / sizeof(lacking[0]); k++)
		absence = absence || mentions(s, from, to, lacking[k]);
	if (about_guide && absence && !mentions(s, from, to, "copy"))
		found(sc->f, t->where, "says the 6.0 guide lacks what only the copy lacks: \"%.*s\"", len,
		      s + from);
}

static void test_sentences_about_the_guide(void **state)
{
	struct notes_state *st = *state;
	struct findings f = { 0 };
	struct sentence_check sc = { &f };
	for (size_t i = 0; i < st->texts.n; i++)
		walk(&st->texts.items[i], &sc, NULL, check_sentence, &f);
	report(&f, "sentences that credit or blame the guide wrongly");
}

/* ---- words retracted after an audit ------------------------------- */

/* The words an audit of the catalog found the guide does not say stay out
 * of the catalog and of the documents that describe it. */
static void test_retracted_claims_stay_out(void **state)
{
	struct notes_state *st = *state;
	const struct pc_catalog *cat = st->cat;
	static const char *const retracted[] = {
		"Figure 3: primary",             /* numbers put in a title */
		"such PGs use the DMP ports (",  /* said as the guide's */
		"Not configurable per the guide", /* the guide names no RMI registry */
		"roprietary",                    /* "between" only; 専用 is the alarms' */
		"the CTI Server row",            /* table 2 has no such label */
		"no default (note b)",           /* note b says nothing of defaults */
		"kept every table and row label", /* tables 4 and 5 have no rows */
		"appendix's instance arithmetic", /* the copy prints no formula */
		"appendix's arithmetic",
	};
	const char *files[64];
	size_t n_files = 0;
	for (size_t i = 0; i < cat->n_files && n_files < 60; i++)
		files[n_files++] = cat->files[i];
	files[n_files++] = repo_path("conf/catalog/README");
	files[n_files++] = repo_path("README.md");
	files[n_files++] = repo_path("docs/judging.md");
	files[n_files++] = repo_path("man/portcomply-catalog.5");
	struct findings f = { 0 };
	for (size_t i = 0; i < n_files; i++) {
		char *text = read_all(files[i]);
		assert_non_null(text);
		for (size_t k = 0; k < sizeof(retracted) / sizeof(retracted[0]); k++)
			if (strcasestr(text, retracted[k]) != NULL)
				found(&f, files[i], "says \"%s\" again", retracted[k]);
		free(text);
	}
	report(&f, "retracted claims back in the catalog or its documents");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quotations_are_the_guides_words),
		cmocka_unit_test(test_phrases_are_in_the_guide),
		cmocka_unit_test(test_sentences_about_the_guide),
		cmocka_unit_test(test_retracted_claims_stay_out),
	};
	return cmocka_run_group_tests_name("catalog notes", tests, setup, teardown);
}
