"""Chapters embed gallery results with one directive per line.

    ::gallery code    SLUG/plot_x.py#section-anchor   the section's code
    ::gallery output  SLUG/plot_x.py#section-anchor   all it printed and drew, in order
    ::gallery figure  SLUG/plot_x.py#N                the script's N-th figure (1-based)
    ::gallery figure  SLUG/plot_x.py#section-anchor   the first figure of a section
    ::gallery link    SLUG/plot_x.py                  a link to the script's gallery page

A section's anchor is its heading in lowercase words joined by hyphens. The directive
may be indented (inside a content tab or an admonition) and `link` may follow a list
marker; the result keeps the indent.
A reference to a missing script, section or figure raises EmbedError naming the page,
the line and the reference.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from pathlib import PurePosixPath

DIRECTIVE = re.compile(
    r"^(?P<indent>[ \t]*(?:[-*][ \t]+)?)::gallery[ \t]+(?P<kind>\w+)[ \t]+(?P<script>[\w./-]+?\.py)"
    r"(?:#(?P<anchor>[\w-]+))?[ \t]*$",
    re.M,
)
KINDS = ("code", "output", "figure", "link")


class EmbedError(Exception):
    """A chapter refers to gallery output that does not exist."""


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line.strip() else line for line in text.splitlines())


def _fence(body: str, lang: str, title: str) -> str:
    fence = "````" if "```" in body else "```"
    return f'{fence}{lang} title="{title}"\n{body.rstrip()}\n{fence}'


def _section(record: dict, anchor: str | None, fail: Callable[[str], None]) -> dict:
    if not anchor:
        fail("a section anchor is required (script.py#section)")
    if anchor not in record["sections"]:
        fail(f"no section #{anchor}; the script has: " + ", ".join(record["sections"]))
    return record["sections"][anchor]


def _image(figure: dict, folder: str, stem: str) -> str:
    return (f"![{figure['alt']}]({folder}/{stem}/{figure['file']})"
            f'{{ width="{figure["width"]}" height="{figure["height"]}" loading=lazy }}')


def _output(section: dict, name: str, figure_markdown: Callable[[int], str]) -> str:
    """Text in fenced blocks, figures as images, parameter tables as open admonitions."""
    parts, text = [], ""
    for output in section["outputs"]:
        if output["type"] in ("text", "error"):
            text += output["text"] if output["type"] == "text" else output["text"] + "\n"
            continue
        if text.strip():
            parts.append(_fence(text, "text", f"Output of {name}"))
        text = ""
        if output["type"] == "params":
            parts.append('???+ abstract "Parameter arithmetic"\n\n'
                         + _indent(output["markdown"], "    "))
        elif output["type"] == "figure":
            parts.append(figure_markdown(output["index"]))
    if text.strip():
        parts.append(_fence(text, "text", f"Output of {name}"))
    return "\n\n".join(parts)


def render(kind: str, record: dict, anchor: str | None, page_dir: str,
           fail: Callable[[str], None]) -> str:
    slug, file_name = record["script"].split("/")
    stem = PurePosixPath(file_name).stem
    folder = posixpath.relpath(f"gallery/{slug}", page_dir or ".")

    def figure_markdown(number: int) -> str:
        return _image(record["figures"][number - 1], folder, stem)

    if kind == "link":
        return f"[{record['title']}]({folder}/{stem}.ipynb)"
    if kind == "figure":
        if anchor and anchor.isdigit():
            number = int(anchor)
            if not 1 <= number <= len(record["figures"]):
                fail(f"no figure {number}; the script made {len(record['figures'])}")
            return figure_markdown(number)
        section = _section(record, anchor, fail)
        numbers = [o["index"] for o in section["outputs"] if o["type"] == "figure"]
        if not numbers:
            fail(f"section #{anchor} made no figure")
        return figure_markdown(numbers[0])
    section = _section(record, anchor, fail)
    if kind == "code":
        return _fence(section["code"], "python", f"{file_name}: {section['heading']}")
    return _output(section, file_name, figure_markdown)


def expand(markdown: str, page_path: str, load_record: Callable[[str], dict | None]) -> str:
    """Replace every ::gallery directive in a page's Markdown; raise EmbedError on a bad one."""
    page_dir = posixpath.dirname(page_path)

    def replace(match: re.Match) -> str:
        line = markdown.count("\n", 0, match.start()) + 1
        reference = match.group(0).strip()

        def fail(reason: str) -> None:
            raise EmbedError(f"{page_path}:{line}: {reference}: {reason}")

        kind = match.group("kind")
        if kind not in KINDS:
            fail(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
        record = load_record(match.group("script"))
        if record is None:
            fail(f"no gallery script gallery/{match.group('script')}")
        text = render(kind, record, match.group("anchor"), page_dir, fail)
        return _indent(text, match.group("indent"))

    return DIRECTIVE.sub(replace, markdown)
