#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn a `tmux capture-pane -e -p` dump (text with SGR escapes) into an HTML
page that looks like the terminal: one <pre>, spans with inline colors.

    ansi2html.py IN.ans OUT.html COLS LINES [TITLE]

Prints "WIDTH HEIGHT" (pixels) for the browser window on stdout.
Only SGR sequences are interpreted (that is all capture-pane emits); any
other escape byte is shown as U+FFFD so nothing in the page is active.
"""
import html
import math
import re
import sys

FONT_PX = 15
LINE_EM = 1.25
CHAR_EM = 0.6021       # DejaVu Sans Mono advance width
PAD = 14
BG = "#1c1c1c"
FG = "#d0d0d0"
# xterm-like palette, a little softer
PALETTE = ["#1c1c1c", "#e05a5a", "#5fd75f", "#e5c07b", "#5f87d7", "#c678dd", "#56c8d8", "#d0d0d0",
           "#767676", "#ff7b7b", "#87ff87", "#ffd787", "#87afff", "#d7a0ff", "#87e5ff", "#ffffff"]


def color256(n):
    if n < 16:
        return PALETTE[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    v = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (v, v, v)


class Pen:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = None
        self.bg = None
        self.bold = self.dim = self.italic = self.underline = self.reverse = False

    def apply(self, params):
        p = [int(x) if x else 0 for x in params.split(";")] if params else [0]
        i = 0
        while i < len(p):
            v = p[i]
            if v == 0:
                self.reset()
            elif v == 1:
                self.bold = True
            elif v == 2:
                self.dim = True
            elif v == 3:
                self.italic = True
            elif v == 4:
                self.underline = True
            elif v == 7:
                self.reverse = True
            elif v == 22:
                self.bold = self.dim = False
            elif v == 23:
                self.italic = False
            elif v == 24:
                self.underline = False
            elif v == 27:
                self.reverse = False
            elif 30 <= v <= 37:
                self.fg = PALETTE[v - 30]
            elif v == 39:
                self.fg = None
            elif 40 <= v <= 47:
                self.bg = PALETTE[v - 40]
            elif v == 49:
                self.bg = None
            elif 90 <= v <= 97:
                self.fg = PALETTE[v - 90 + 8]
            elif 100 <= v <= 107:
                self.bg = PALETTE[v - 100 + 8]
            elif v in (38, 48) and i + 1 < len(p):
                if p[i + 1] == 5 and i + 2 < len(p):
                    c = color256(p[i + 2])
                    i += 2
                elif p[i + 1] == 2 and i + 4 < len(p):
                    c = "#%02x%02x%02x" % tuple(p[i + 2:i + 5])
                    i += 4
                else:
                    c = None
                if v == 38:
                    self.fg = c
                else:
                    self.bg = c
            i += 1

    def style(self):
        fg = self.fg or FG
        bg = self.bg
        if self.reverse:
            fg, bg = (self.bg or BG), (self.fg or FG)
        if self.bold and not self.reverse and self.fg in PALETTE[:8]:
            fg = PALETTE[PALETTE.index(self.fg) + 8]
        css = []
        if fg != FG:
            css.append("color:" + fg)
        if bg:
            css.append("background:" + bg)
        if self.bold:
            css.append("font-weight:bold")
        if self.dim:
            css.append("opacity:.6")
        if self.italic:
            css.append("font-style:italic")
        if self.underline:
            css.append("text-decoration:underline")
        return ";".join(css)


SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def convert(text, cols):
    pen = Pen()
    out = []
    for line in text.split("\n"):
        pos = 0
        width = 0
        row = []
        for m in SGR.finditer(line):
            chunk = line[pos:m.start()]
            if chunk:
                row.append((pen.style(), chunk))
                width += len(chunk)
            pen.apply(m.group(1).replace(":", ";"))
            pos = m.end()
        chunk = line[pos:]
        if chunk:
            row.append((pen.style(), chunk))
            width += len(chunk)
        # the rest of the line keeps the current background (as a terminal shows it)
        if width < cols and pen.bg:
            row.append((pen.style(), " " * (cols - width)))
        parts = []
        for style, chunk in row:
            chunk = "".join("\ufffd" if (ord(c) < 0x20 or 0x7f <= ord(c) < 0xa0) else c for c in chunk)
            chunk = html.escape(chunk)
            parts.append('<span style="%s">%s</span>' % (style, chunk) if style else chunk)
        out.append("".join(parts))
    return "\n".join(out)


def main(argv):
    if len(argv) < 5:
        sys.stderr.write(__doc__)
        return 2
    src, dst, cols, lines = argv[1], argv[2], int(argv[3]), int(argv[4])
    title = argv[5] if len(argv) > 5 else "tcpscope"
    with open(src, encoding="utf-8", errors="replace") as f:
        text = f.read()
    body = convert(text.rstrip("\n"), cols)
    w = math.ceil(cols * CHAR_EM * FONT_PX) + 2 * PAD
    h = math.ceil(lines * LINE_EM * FONT_PX) + 2 * PAD
    page = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>%s</title>
<style>
html, body { margin: 0; background: %s; }
pre { margin: 0; padding: %dpx; color: %s; font: %dpx/%s 'DejaVu Sans Mono', monospace;
      width: %dpx; height: %dpx; overflow: hidden; }
</style></head>
<body><pre>%s</pre></body></html>
""" % (html.escape(title), BG, PAD, FG, FONT_PX, LINE_EM, w - 2 * PAD, h - 2 * PAD, body)
    with open(dst, "w", encoding="utf-8") as f:
        f.write(page)
    print(w, h)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
