/* SPDX-License-Identifier: ISC */
/* A strict JSON (RFC 8259) syntax check for tests, so that the reports'
 * JSON is proven well-formed without a parser package. Include after
 * <cmocka.h>. Checks syntax only; json_valid() names the first offence. */
#ifndef PC_JSON_CHECK_H
#define PC_JSON_CHECK_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct json_cursor {
	const unsigned char *p;
	const unsigned char *start;
	const char *why;
	int depth;
};

static inline void json_ws(struct json_cursor *c)
{
	while (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r')
		c->p++;
}

static inline bool json_fail(struct json_cursor *c, const char *why)
{
	if (c->why == NULL)
		c->why = why;
	return false;
}

static inline bool json_check_string(struct json_cursor *c)
{
	c->p++; /* the opening quote */
	for (;;) {
		unsigned char ch = *c->p;
		if (ch == '"') {
			c->p++;
			return true;
		}
		if (ch == '\0')
			return json_fail(c, "unterminated string");
		if (ch < 0x20)
			return json_fail(c, "control character in a string");
		if (ch == '\\') {
			c->p++;
			if (*c->p == 'u') {
				for (int k = 1; k <= 4; k++)
					if (!strchr("0123456789abcdefABCDEF", c->p[k]) || c->p[k] == '\0')
						return json_fail(c, "bad \\u escape");
				c->p += 5;
			} else if (*c->p != '\0' && strchr("\"\\/bfnrt", *c->p)) {
				c->p++;
			} else {
				return json_fail(c, "bad escape");
			}
			continue;
		}
		/* UTF-8: a lead byte and the continuation bytes it announces. */
		int more = ch < 0x80 ? 0 : ch >= 0xC2 && ch <= 0xDF ? 1 : ch >= 0xE0 && ch <= 0xEF ? 2
			 : ch >= 0xF0 && ch <= 0xF4				      ? 3
										      : -1;
		if (more < 0)
			return json_fail(c, "bad UTF-8 lead byte");
		c->p++;
		for (int k = 0; k < more; k++, c->p++)
			if (*c->p < 0x80 || *c->p > 0xBF)
				return json_fail(c, "bad UTF-8 continuation byte");
	}
}

static inline bool json_check_number(struct json_cursor *c)
{
	if (*c->p == '-')
		c->p++;
	if (*c->p == '0')
		c->p++;
	else if (*c->p >= '1' && *c->p <= '9')
		while (*c->p >= '0' && *c->p <= '9')
			c->p++;
	else
		return json_fail(c, "bad number");
	if (*c->p == '.') {
		c->p++;
		if (!(*c->p >= '0' && *c->p <= '9'))
			return json_fail(c, "bad fraction");
		while (*c->p >= '0' && *c->p <= '9')
			c->p++;
	}
	if (*c->p == 'e' || *c->p == 'E') {
		c->p++;
		if (*c->p == '+' || *c->p == '-')
			c->p++;
		if (!(*c->p >= '0' && *c->p <= '9'))
			return json_fail(c, "bad exponent");
		while (*c->p >= '0' && *c->p <= '9')
			c->p++;
	}
	return true;
}

static inline bool json_check_value(struct json_cursor *c);

/* An object (close '}') or an array (close ']'). */
static inline bool json_check_container(struct json_cursor *c, char close)
{
	if (++c->depth > 64)
		return json_fail(c, "nested too deeply");
	c->p++;
	json_ws(c);
	if (*c->p == (unsigned char)close) {
		c->p++;
		c->depth--;
		return true;
	}
	for (;;) {
		json_ws(c);
		if (close == '}') {
			if (*c->p != '"')
				return json_fail(c, "object key is not a string");
			if (!json_check_string(c))
				return false;
			json_ws(c);
			if (*c->p++ != ':')
				return json_fail(c, "no ':' after an object key");
		}
		if (!json_check_value(c))
			return false;
		json_ws(c);
		if (*c->p == ',') {
			c->p++;
			continue;
		}
		if (*c->p == (unsigned char)close) {
			c->p++;
			c->depth--;
			return true;
		}
		return json_fail(c, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static inline bool json_check_value(struct json_cursor *c)
{
	json_ws(c);
	switch (*c->p) {
	case '{': return json_check_container(c, '}');
	case '[': return json_check_container(c, ']');
	case '"': return json_check_string(c);
	case 't': return strncmp((const char *)c->p, "true", 4) == 0 ? (c->p += 4, true) : json_fail(c, "bad literal");
	case 'f': return strncmp((const char *)c->p, "false", 5) == 0 ? (c->p += 5, true) : json_fail(c, "bad literal");
	case 'n': return strncmp((const char *)c->p, "null", 4) == 0 ? (c->p += 4, true) : json_fail(c, "bad literal");
	default: return json_check_number(c);
	}
}

/* One JSON value and nothing but white space around it. */
static inline bool json_valid(const char *text, char *why, size_t len)
{
	struct json_cursor c = { (const unsigned char *)text, (const unsigned char *)text, NULL, 0 };
	bool ok = json_check_value(&c);
	json_ws(&c);
	if (ok && *c.p != '\0')
		ok = json_fail(&c, "text after the value");
	if (!ok)
		snprintf(why, len, "%s at offset %ld: \"%.40s\"", c.why, (long)(c.p - c.start),
			 (const char *)c.p);
	return ok;
}

#define assert_json_valid(text)                                                           \
	do {                                                                              \
		char why_[160];                                                           \
		if (!json_valid((text), why_, sizeof(why_)))                              \
			fail_msg("invalid JSON: %s", why_);                                \
	} while (0)

#endif
