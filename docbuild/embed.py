"""Chapters embed what the build computed, with one directive per line.

    ::gallery code    SLUG/plot_x.py#section-anchor   the section's code
    ::gallery output  SLUG/plot_x.py#section-anchor   all it printed and drew, in order
    ::gallery figure  SLUG/plot_x.py#N                the script's N-th figure (1-based)
    ::gallery figure  SLUG/plot_x.py#section-anchor   the first figure of a section
    ::gallery link    SLUG/plot_x.py                  a link to the script's gallery page
    ::gallery output  SLUG/plot_x.py#section-anchor on jax
                                                      what the section printed on that
                                                      backend (tensorflow, jax, torch), from
                                                      `python -m docbuild backends`
    ::backends times                                  each backend's time on the gallery
    ::keras args      keras.callbacks.EarlyStopping [monitor,patience]
                                                      the API's arguments, defaults and
                                                      descriptions, read from the installed
                                                      Keras (docbuild/apidoc.py)

and inline values in prose, `{{ SLUG/plot_x.py:NAME | FORMAT }}` (docbuild/values.py).

A section's anchor is its heading in lowercase words joined by hyphens. The directive
may be indented (inside a content tab or an admonition) and `link` may follow a list
marker; the result keeps the indent. Nothing inside fenced or indented code, or inline
code, is expanded: that is how this syntax is shown on the Contributing page.
A reference to a missing script, section, figure, API or value raises EmbedError naming
the page, the line and the reference.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable

from .backends import Comparison
from .render import fence, image, indent, outputs_markdown
from .schema import Record
from .script import BACKENDS
from .values import FailedValues, ValueRefError, fill

GALLERY = re.compile(
    r"^(?P<indent>[ \t]*(?:[-*][ \t]+)?)::gallery[ \t]+(?P<kind>\w+)[ \t]+(?P<script>[\w./-]+?\.py)"
    r"(?:#(?P<anchor>[\w-]+))?(?:[ \t]+on[ \t]+(?P<backend>\w+))?[ \t]*$")
BACKEND_TABLE = re.compile(r"^(?P<indent>[ \t]*)::backends[ \t]+(?P<kind>\w+)[ \t]*$")
KERAS = re.compile(r"^(?P<indent>[ \t]*)::keras[ \t]+(?P<kind>\w+)[ \t]+(?P<name>[\w.]+)"
                   r"(?:[ \t]+(?P<names>[\w,]+))?[ \t]*$")
DIRECTIVE_START = re.compile(r"^[ \t]*(?:[-*][ \t]+)?::(?:gallery|keras|backends)\b")
KINDS = ("code", "output", "figure", "link")
FENCE = re.compile(r"^(?P<indent>[ ]*)(?P<fence>`{3,}|~{3,})")
CONTAINER = re.compile(r"^(?:!!!|\?\?\?\+?|===|[-*+][ \t]|\d+\.[ \t])")

Loader = Callable[[str], Record | None]


class EmbedError(Exception):
    """A chapter refers to something the build did not compute."""


class ScriptFailed(Exception):
    """Raised by a loader for a script that failed (the live preview shows an error box)."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name, self.message = name, message


def failure_box(name: str, message: str) -> str:
    """What a page shows, in the live preview, where a failed script's results would be."""
    return (f'!!! failure "gallery/{name} failed: fix it and save, the page comes back"\n\n'
            + indent(fence(message, "text"), "    "))


def code_lines(lines: list[str]) -> list[bool]:
    """Which lines are code (fenced or indented), as Python-Markdown would read them.

    Content tabs, admonitions and list items indent their content by four spaces; code
    indented four more after a blank line is an indented code block inside them.
    """
    mask, opened, blank_before = [False] * len(lines), None, True
    containers, code_level = [0], None
    for number, line in enumerate(lines):
        width = len(line) - len(line.lstrip(" "))
        if opened:
            mask[number] = True
            char, size = opened
            if re.fullmatch(rf"[ ]*{re.escape(char)}{{{size},}}[ \t]*", line):
                opened = None
            continue
        if not line.strip():
            mask[number] = code_level is not None
            blank_before = True
            continue
        if code_level is not None and width >= code_level:
            mask[number] = True
            continue
        code_level = None
        while len(containers) > 1 and width < containers[-1]:
            containers.pop()
        if blank_before and width >= containers[-1] + 4:
            code_level = containers[-1] + 4
            mask[number] = True
            continue
        blank_before = False
        match = FENCE.match(line)
        if match:
            opened = (match.group("fence")[0], len(match.group("fence")))
            mask[number] = True
        elif CONTAINER.match(line.lstrip(" ")):
            containers.append(width + 4)
    return mask


def _section(record: Record, anchor: str | None, fail: Callable[[str], None]):
    if not anchor:
        fail("a section anchor is required (script.py#section)")
    section = record.section(anchor)
    if section is None:
        fail("no section #" + anchor + "; the script has: "
             + ", ".join(s.anchor for s in record.sections))
    return section


def page_link(record: Record, page_dir: str) -> str:
    return posixpath.relpath(f"gallery/{record.slug}/{record.stem}.md", page_dir or ".")


def render_gallery(kind: str, record: Record, anchor: str | None, page_dir: str,
                   fail: Callable[[str], None]) -> str:
    folder = posixpath.relpath(f"gallery/{record.slug}/{record.stem}", page_dir or ".")

    def figure(number: int) -> str:
        return image(record.figures[number - 1], f"{folder}/{record.figures[number - 1].file}")

    if kind == "link":
        from .config import settings
        from .pages import colab_path

        colab = settings().colab_url(colab_path(record))
        return f"[{record.title}]({page_link(record, page_dir)}) ([Open in Colab]({colab}))"
    if kind == "figure":
        if anchor and anchor.isdigit():
            number = int(anchor)
            if not 1 <= number <= len(record.figures):
                fail(f"no figure {number}; the script made {len(record.figures)}")
            return figure(number)
        numbers = [o.figure for o in _section(record, anchor, fail).outputs
                   if o.type == "figure"]
        if not numbers:
            fail(f"section #{anchor} made no figure")
        return figure(numbers[0])
    section = _section(record, anchor, fail)
    name = record.script.split("/")[1]
    if kind == "code":  # searchable on the script's own page: indexed once, not twice
        return fence(section.code, "python", f"{name}: {section.heading}", searched=False)
    return outputs_markdown(section.outputs, figure, title=f"Output of {name}")


def argument_table(name: str, names: list[str] | None) -> str:
    from .apidoc import ApiDocError, argument_table

    try:
        return argument_table(name, names)
    except ApiDocError as err:
        raise EmbedError(str(err)) from err


def _keras(match: re.Match, fail: Callable[[str], None], api_table) -> str:
    if match.group("kind") != "args":
        fail(f"unknown kind {match.group('kind')!r}; use args")
    names = match.group("names").split(",") if match.group("names") else None
    try:
        return api_table(match.group("name"), names)
    except EmbedError as err:
        fail(str(err))


def _other_backend(backend: str, kind: str, record: Record, anchor: str | None,
                   comparison: Comparison, fail: Callable[[str], None]) -> str:
    if kind != "output":
        fail(f"`on {backend}` follows ::gallery output only")
    if backend not in BACKENDS:
        fail(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")
    section = _section(record, anchor, fail)
    return comparison.output(record, section.anchor, backend)


def expand(markdown: str, page_path: str, load_record: Loader,
           api_table: Callable[[str, list[str] | None], str] = argument_table,
           comparison: Comparison | None = None) -> str:
    """A chapter's Markdown with every directive and inline value replaced.

    Raises EmbedError, naming the page and line, on the first bad reference.
    ``api_table(name, names)`` writes a `::keras args` table (the site memoizes it);
    ``comparison`` holds the other backends' results (docbuild/backends.py): without it,
    a section cited `on` another backend says that this build did not run it there.
    """
    comparison = comparison or Comparison()
    page_dir = posixpath.dirname(page_path)
    lines = markdown.split("\n")
    code = code_lines(lines)
    out = []
    for number, (line, is_code) in enumerate(zip(lines, code, strict=True), start=1):
        if is_code:
            out.append(line)
            continue
        reference = line.strip()

        def fail(reason: str, number=number, reference=reference) -> None:
            raise EmbedError(f"{page_path}:{number}: {reference}: {reason}")

        def record_of(script: str, fail=fail) -> Record:
            record = load_record(script)
            if record is None:
                fail(f"no gallery script gallery/{script}")
            return record

        if DIRECTIVE_START.match(line):
            gallery, keras = GALLERY.match(line), KERAS.match(line)
            if gallery:
                kind = gallery.group("kind")
                if kind not in KINDS:
                    fail(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
                backend = gallery.group("backend")
                try:
                    record = record_of(gallery.group("script"))
                    if backend and backend != record.provenance.backend:
                        text = _other_backend(backend, kind, record, gallery.group("anchor"),
                                              comparison, fail)
                    else:
                        text = render_gallery(kind, record, gallery.group("anchor"),
                                              page_dir, fail)
                except ScriptFailed as failed:
                    text = failure_box(failed.name, failed.message)
                out.append(indent(text, gallery.group("indent")))
            elif table := BACKEND_TABLE.match(line):
                if table.group("kind") != "times":
                    fail(f"unknown kind {table.group('kind')!r}; use times")
                out.append(indent(comparison.times(), table.group("indent")))
            elif keras:
                out.append(indent(_keras(keras, fail, api_table), keras.group("indent")))
            else:
                fail("malformed directive; see the Contributing page for the syntax")
            continue

        def values_of(script: str | None, anchor: str | None, fail=fail) -> dict:
            if script is None:
                fail("a chapter's inline value names its script: {{ SLUG/plot_x.py:NAME }}")
            try:
                record = record_of(script)
            except ScriptFailed:
                return FailedValues()
            if anchor is None:
                return record.values()
            return record.values(_section(record, anchor, fail))

        try:
            out.append(fill(line, values_of, where=lambda _n, number=number:
                            f"{page_path}:{number}"))
        except ValueRefError as err:
            raise EmbedError(str(err)) from err
    return "\n".join(out)
