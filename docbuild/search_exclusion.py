"""Keep captured outputs out of the search index: readers search the prose and code.

Material's search skips any element with a `data-search-exclude` attribute, but its
parser compares elements by tag name only, so an exclusion ends at the first nested
element of the same tag (a `div` inside a `div`). The attribute therefore goes on the
innermost wrappers: the output block itself, never the notebook's nested output area.
"""

from __future__ import annotations

import re

MARKERS = (
    # Chapter outputs embedded with ::gallery output (fences titled "Output of ...").
    (re.compile(r'<div class="highlight"><span class="filename">Output of '),
     '<div class="highlight" data-search-exclude><span class="filename">Output of '),
    # Parameter arithmetic admonitions under summaries.
    (re.compile(r'<details class="abstract" open="open">'),
     '<details class="abstract" open="open" data-search-exclude>'),
    # Gallery pages: each rendered output (text, Markdown tables, figures)...
    (re.compile(r'(<div class="jp-Rendered[^"]*jp-OutputArea-output"[^>]*)>'),
     r"\1 data-search-exclude>"),
)


def exclude_outputs(html: str) -> str:
    for pattern, replacement in MARKERS:
        html = pattern.sub(replacement, html)
    return html
