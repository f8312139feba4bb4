"""Keep captured outputs out of the search index: readers search the prose and code.

Material's search skips any element with a `data-search-exclude` attribute. Outputs are
training logs, summaries and arrays: they would bloat the index and drown real matches.
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
    # Output areas of executed notebooks (gallery pages).
    (re.compile(r'<div class="jp-OutputArea jp-Cell-outputArea">'),
     '<div class="jp-OutputArea jp-Cell-outputArea" data-search-exclude>'),
)


def exclude_outputs(html: str) -> str:
    for pattern, replacement in MARKERS:
        html = pattern.sub(replacement, html)
    return html
