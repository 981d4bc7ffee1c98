// SPDX-License-Identifier: GPL-2.0
/* The line editor of the prompts; see prompt.h. */
#include <string.h>

#include "ui/keys.h"
#include "ui/prompt.h"

void ui_prompt_start(struct ui_prompt *p, const char *initial)
{
	size_t n = initial ? strlen(initial) : 0;

	if (n >= sizeof(p->text))
		n = sizeof(p->text) - 1;
	if (n)
		memcpy(p->text, initial, n);
	p->text[n] = '\0';
	p->len = n;
	p->cur = n;
	p->cut = false;
}

static bool is_cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

static size_t prev_char(const struct ui_prompt *p, size_t at)
{
	if (at == 0)
		return 0;
	at--;
	while (at > 0 && is_cont((unsigned char)p->text[at]))
		at--;
	return at;
}

static size_t next_char(const struct ui_prompt *p, size_t at)
{
	if (at >= p->len)
		return p->len;
	at++;
	while (at < p->len && is_cont((unsigned char)p->text[at]))
		at++;
	return at;
}

/* Remove bytes [from, to). */
static void cut(struct ui_prompt *p, size_t from, size_t to)
{
	memmove(p->text + from, p->text + to, p->len - to + 1);
	p->len -= to - from;
	if (to > from)
		p->cut = false;
	if (p->cur > to)
		p->cur -= to - from;
	else if (p->cur > from)
		p->cur = from;
}

/* UTF-8 encoding of a code point; 0 for one we do not insert. */
static size_t encode(int cp, char out[4])
{
	if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || cp >= 0x110000 ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static enum ui_prompt_result insert(struct ui_prompt *p, int cp)
{
	char b[4];
	size_t n = encode(cp, b);

	if (!n)
		return PROMPT_IGNORED;
	if (p->len + n >= sizeof(p->text)) {
		p->cut = true;		/* full: the key is dropped, and said so */
		return PROMPT_FULL;
	}
	memmove(p->text + p->cur + n, p->text + p->cur, p->len - p->cur + 1);
	memcpy(p->text + p->cur, b, n);
	p->len += n;
	p->cur += n;
	return PROMPT_CHANGED;
}

enum ui_prompt_result ui_prompt_key(struct ui_prompt *p, int key)
{
	size_t at;

	switch (key) {
	case UK_ENTER:
	case '\r':
		return p->cut ? PROMPT_REFUSED : PROMPT_DONE;
	case UK_ESC:
		return PROMPT_CANCEL;
	case UK_BACKSPACE:
	case '\b':
		if (p->cur == 0)
			return PROMPT_EDITING;
		cut(p, prev_char(p, p->cur), p->cur);
		return PROMPT_CHANGED;
	case UK_DELETE:
		if (p->cur >= p->len)
			return PROMPT_EDITING;
		cut(p, p->cur, next_char(p, p->cur));
		return PROMPT_CHANGED;
	case UK_LEFT:
		p->cur = prev_char(p, p->cur);
		return PROMPT_EDITING;
	case UK_RIGHT:
		p->cur = next_char(p, p->cur);
		return PROMPT_EDITING;
	case UK_HOME:
	case UK_CTRL_A:
		p->cur = 0;
		return PROMPT_EDITING;
	case UK_END:
	case UK_CTRL_E:
		p->cur = p->len;
		return PROMPT_EDITING;
	case UK_CTRL_U:
		if (!p->cur)
			return PROMPT_EDITING;
		cut(p, 0, p->cur);
		return PROMPT_CHANGED;
	case UK_CTRL_K:
		if (p->cur >= p->len)
			return PROMPT_EDITING;
		cut(p, p->cur, p->len);
		return PROMPT_CHANGED;
	case UK_CTRL_W:
		if (!p->cur)
			return PROMPT_EDITING;
		at = p->cur;
		while (at > 0 && p->text[at - 1] == ' ')
			at--;
		while (at > 0 && p->text[at - 1] != ' ' && p->text[at - 1] != ',')
			at--;
		cut(p, at, p->cur);
		return PROMPT_CHANGED;
	default:
		if (key >= UK_SPECIAL)
			return PROMPT_IGNORED;
		return insert(p, key);
	}
}

size_t ui_prompt_cursor_chars(const struct ui_prompt *p)
{
	size_t i, n = 0;

	for (i = 0; i < p->cur; i++)
		if (!is_cont((unsigned char)p->text[i]))
			n++;
	return n;
}
