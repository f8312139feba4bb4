"""Markdown for what a script showed, shared by chapter embeds and gallery pages.

Everything is plain Markdown that Python-Markdown (under MkDocs or Zensical) renders with
the site's extensions: text as fenced blocks, figures as images with their size, parameter
tables in an open admonition, rich outputs as Markdown or HTML. Captured outputs carry
`data-search-exclude` (Material's search skips them: readers search prose and code);
its parser ends an exclusion at the first nested element of the same tag, so the
attribute sits on the innermost wrapper of each output, never around several.
"""

from __future__ import annotations

from collections.abc import Callable

from .schema import Figure, Output

SEARCH_EXCLUDE = "data-search-exclude"


def indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line.strip() else line for line in text.splitlines())


def fence(body: str, lang: str, title: str | None = None, output: bool = False,
          searched: bool = True) -> str:
    """A fenced block; an output fence is marked for CSS and left out of search, and so is
    code that is searchable elsewhere (``searched=False``)."""
    ticks = "````" if "```" in body else "```"
    attrs = [f".{lang}"]
    if output:
        attrs += [".output", SEARCH_EXCLUDE]
    elif not searched:
        attrs.append(SEARCH_EXCLUDE)
    if title:
        attrs.append(f'title="{title}"')
    return f"{ticks} {{ {' '.join(attrs)} }}\n{body.rstrip()}\n{ticks}"


def image(figure: Figure, src: str, eager: bool = False) -> str:
    loading = "eager" if eager else "lazy"
    alt = figure.alt.replace("[", "(").replace("]", ")")
    return (f"![{alt}]({src})"
            f'{{ width="{figure.width}" height="{figure.height}" loading={loading} }}')


def _wrapped(markdown: str, kind: str) -> str:
    return f'<div class="{kind}" {SEARCH_EXCLUDE} markdown>\n\n{markdown.strip()}\n\n</div>'


def outputs_markdown(outputs: list[Output], figure: Callable[[int], str],
                     title: str | None = None) -> str:
    """Consecutive text outputs share one block, as a terminal would show them."""
    parts, text = [], ""

    def flush() -> None:
        nonlocal text
        if text.strip():
            parts.append(fence(text, "text", title, output=True))
        text = ""

    for output in outputs:
        if output.type in ("text", "error"):
            text += output.text if output.type == "text" else output.text + "\n"
            continue
        flush()
        if output.type == "params":
            parts.append(_wrapped('???+ abstract "Parameter arithmetic"\n\n'
                                  + indent(output.text, "    "), "params"))
        elif output.type == "figure":
            parts.append(figure(output.figure))
        elif output.type == "markdown":
            parts.append(_wrapped(output.text, "output"))
        elif output.type == "html":
            parts.append(f'<div class="output" {SEARCH_EXCLUDE}>\n{output.text.strip()}\n</div>')
    flush()
    return "\n\n".join(parts)
