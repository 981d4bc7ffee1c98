/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A one-line text editor for the prompts of the status line (filters,
 * export file name). Pure: no curses. Text is UTF-8; the cursor is a byte
 * offset that always sits on a character boundary.
 */
#ifndef TCPSCOPE_UI_PROMPT_H
#define TCPSCOPE_UI_PROMPT_H

#include <stdbool.h>
#include <stddef.h>

#define UI_PROMPT_LEN 512	/* bytes of text, with the NUL */

enum ui_prompt_result {
	PROMPT_EDITING,		/* key consumed, still editing */
	PROMPT_CHANGED,		/* key changed the text */
	PROMPT_DONE,		/* Enter */
	PROMPT_CANCEL,		/* Esc */
	PROMPT_IGNORED,		/* key not for the editor */
	PROMPT_FULL,		/* a character that did not fit: the text is cut */
	PROMPT_REFUSED,		/* Enter on a cut text: not taken, still editing */
};

struct ui_prompt {
	char text[UI_PROMPT_LEN];
	size_t len;		/* bytes */
	size_t cur;		/* byte offset of the cursor */
	bool cut;		/* characters were dropped since the text last got shorter */
};

/* Start editing with initial text (may be NULL); the cursor goes to the end. */
void ui_prompt_start(struct ui_prompt *p, const char *initial);

/*
 * Apply one key (enum ui_key, or a code point). Editing keys: printable
 * characters insert, Backspace/Delete, Left/Right, Home/End (Ctrl-A/E),
 * Ctrl-U clears to the start, Ctrl-K to the end, Ctrl-W deletes a word.
 * A character that does not fit (UI_PROMPT_LEN - 1 bytes) is dropped, and
 * Enter is then refused until the text is made shorter: a cut text (a
 * pasted list of ports, say) must not be taken for what was typed.
 */
enum ui_prompt_result ui_prompt_key(struct ui_prompt *p, int key);

/* Number of characters (code points) before the cursor. */
size_t ui_prompt_cursor_chars(const struct ui_prompt *p);

#endif
