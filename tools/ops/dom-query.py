#!/usr/bin/env python3
"""Reads one element of a DOM dumped by `chromium --dump-dom` (tools/ops/status-page-test.sh).

    python3 tools/ops/dom-query.py FILE ID [WHAT]

WHAT is one of:
    text       the element's text, a space between elements' texts, whitespace collapsed (default)
    value      its data-value attribute
    attr:NAME  its attribute NAME
    hidden     "yes" when it has the hidden attribute, else "no"
    agencies   the data-agency values of the elements inside it, in document order, space-separated
Exits 1 (printing nothing) when no element has that id or the attribute is missing.
"""
import sys
from html.parser import HTMLParser

# Elements without an end tag: they never go on the stack.
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Finder(HTMLParser):
    def __init__(self, wanted):
        super().__init__()
        self.wanted = wanted
        self.depth = 0        # open elements
        self.inside = None    # depth of the wanted element while inside it, else None
        self.attrs = None     # the wanted element's attributes
        self.text = []
        self.agencies = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.inside is None and attrs.get("id") == self.wanted and self.attrs is None:
            self.attrs = attrs
            self.inside = self.depth
        elif self.inside is not None and "data-agency" in attrs:
            self.agencies.append(attrs["data-agency"])
        if tag not in VOID:
            self.depth += 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.depth -= 1

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        self.depth -= 1
        if self.inside is not None and self.depth == self.inside:
            self.inside = None

    def handle_data(self, data):
        if self.inside is not None:
            self.text.append(data)


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    path, wanted = sys.argv[1], sys.argv[2]
    what = sys.argv[3] if len(sys.argv) == 4 else "text"
    finder = Finder(wanted)
    with open(path, encoding="utf-8") as f:
        finder.feed(f.read())
    if finder.attrs is None:
        sys.exit(1)
    if what == "text":
        print(" ".join(" ".join(finder.text).split()))
    elif what == "hidden":
        print("yes" if "hidden" in finder.attrs else "no")
    elif what == "agencies":
        print(" ".join(finder.agencies))
    else:
        name = "data-value" if what == "value" else what.removeprefix("attr:")
        if name not in finder.attrs:
            sys.exit(1)
        print(finder.attrs[name])


if __name__ == "__main__":
    main()
