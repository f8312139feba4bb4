"""Inline values: prose that cites what a script computed, filled in by the build.

    {{ SLUG/plot_x.py:NAME }}                 in a chapter: NAME at the end of the script
    {{ SLUG/plot_x.py#section:NAME }}         ... at the end of that section
    {{ NAME }}                                in a script's prose: NAME at that point
    {{ ... | FORMAT }}                        with a Python format spec: `,` `.2f` `.0%`

NAME is a top-level variable of the script, optionally followed by `.attr`, `[0]` or
`['key']` steps: `scores['accuracy']`, `x_train.shape`, `x_train.shape[0]`,
`history.history['loss'][-1]`. The kernel records the values a cell changed
(docbuild/capture.py: numbers, strings, tuples, lists and dicts of them, the shape and
dtype of arrays and tensors, a History's history). Without a format, an integer prints as
Python prints it, a float with 4 significant digits, a tuple as `(1797, 8, 8)`.

On a page the value is wrapped in `<span class="computed">` with the script named in its
title, so a reader can tell computed numbers from prose, and the drift check can tell
them from numbers typed by hand. A script copied alone keeps `{{ NAME }}` in its comments
(it still runs); its downloaded notebook shows the value. Inline code and code blocks are
never touched (so the syntax itself can be shown), and a reference to a missing script,
section or name raises ValueRefError, which the caller turns into `page.md:LINE`.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Callable
from typing import Any

REFERENCE = re.compile(
    r"\{\{\s*(?:(?P<script>[\w./-]+?\.py)(?:#(?P<anchor>[\w-]+))?\s*:\s*)?"
    r"(?P<expr>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*|\[-?\d+\]|\['[^'\]]*'\]|\[\"[^\"\]]*\"\])*)"
    r"\s*(?:\|\s*(?P<format>[^}]*?))?\s*\}\}")
STEP = re.compile(r"\.([A-Za-z_]\w*)|\[(-?\d+)\]|\['([^']*)'\]|\[\"([^\"]*)\"\]")
INLINE_CODE = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)", re.S)


class ValueRefError(ValueError):
    """An inline value that names no script, section or recorded value."""


Resolver = Callable[[str | None, str | None], dict[str, Any]]


def _decode(value: Any) -> Any:
    """Recorded JSON back to what the script had: tuples, shapes, History objects."""
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        if "__tuple__" in value:
            return tuple(_decode(v) for v in value["__tuple__"])
        if "__array__" in value:
            return _Attrs({"shape": tuple(value["__array__"]["shape"]),
                           "dtype": value["__array__"]["dtype"]})
        if "__object__" in value:
            return _Attrs({k: _decode(v) for k, v in value["__object__"].items()})
        return {k: _decode(v) for k, v in value.items()}
    return value


class _Attrs(dict):
    """A recorded object (an array's shape and dtype, a History): read by attribute."""


class FailedValues(dict):
    """The values of a script that failed (the live preview): every reference says so."""

    SHOWN = "(script failed)"


def resolve(expr: str, values: dict[str, Any]) -> Any:
    if isinstance(values, FailedValues):
        return FailedValues.SHOWN
    name = re.match(r"[A-Za-z_]\w*", expr).group(0)
    if name not in values:
        close = difflib.get_close_matches(name, values, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ValueRefError(f"no recorded value {name!r}{hint} (recorded: numbers, strings, "
                            "tuples, lists, dicts, shapes of arrays, a History)")
    value = _decode(values[name])
    for attr, index, key, key2 in STEP.findall(expr[len(name):]):
        try:
            if attr:
                if not isinstance(value, _Attrs):
                    raise KeyError(attr)
                value = value[attr]
            elif index:
                value = value[int(index)]
            else:
                value = value[key or key2]
        except (KeyError, IndexError, TypeError) as err:
            raise ValueRefError(f"{expr}: no {err} in the recorded value of {name}") from err
    return value


def render(value: Any, spec: str | None) -> str:
    if value is FailedValues.SHOWN:
        return value
    if spec:
        try:
            return format(value, spec)
        except (TypeError, ValueError) as err:
            raise ValueRefError(f"format {spec!r} does not apply to {value!r}: {err}") from err
    if isinstance(value, float):
        return format(value, ".4g")
    return str(value)


def _code_spans(line: str) -> list[tuple[int, int]]:
    return [m.span() for m in INLINE_CODE.finditer(line)]


def fill(text: str, resolve_values: Resolver, plain: bool = False,
         where: Callable[[int], str] | None = None) -> str:
    """Replace every inline value in prose ``text`` (outside inline code).

    ``resolve_values(script, anchor)`` gives the recorded values a reference reads;
    ``plain`` writes the bare value (notebooks), otherwise a `computed` span (pages).
    """
    if "{{" not in text:
        return text
    out = []
    for number, line in enumerate(text.split("\n")):
        spans = _code_spans(line) if "`" in line else []

        def replace(match: re.Match, number=number, spans=spans) -> str:
            if any(start <= match.start() < end for start, end in spans):
                return match.group(0)
            try:
                values = resolve_values(match.group("script"), match.group("anchor"))
                shown = render(resolve(match.group("expr"), values), match.group("format"))
            except ValueRefError as err:
                place = where(number) if where else "line " + str(number + 1)
                raise ValueRefError(f"{place}: {match.group(0)}: {err}") from err
            if plain:
                return shown
            source = match.group("script") or "this script"
            return (f'<span class="computed" title="computed by {html.escape(source)}">'
                    f"{html.escape(shown)}</span>")

        out.append(REFERENCE.sub(replace, line))
    return "\n".join(out)
