"""Argument tables generated from the installed Keras, so that no default is typed by hand.

A chapter line of the form

    ::keras args keras.callbacks.EarlyStopping monitor,patience,min_delta

becomes a Markdown table with one row per named argument (every argument, in signature
order, when the list is left out):

    | Argument | Default | What it does |
    | --- | --- | --- |
    | `patience` | `0` | Number of epochs with no improvement after which ... |

The default comes from ``inspect.signature`` of the object itself, shown as its Python
repr in backticks ("required" for an argument without one). The description is the
argument's entry in the object's Google-style ``Args:`` section (Keras' docstring format),
joined into one line and made safe for a table cell. A class is documented by its class
docstring, or its ``__init__``'s when that has no ``Args:`` section; a method reached
through a subclass (``keras.Model.fit``) gets its signature from the method that runs and
its text from the nearest class that documents it (``inspect.getdoc``).

An object that cannot be imported, or a named argument that is not in its signature,
raises :class:`ApiDocError` with a message that says what exists; the caller adds the page
and line.

Public API: :func:`argument_table`, :func:`docstring_args`, :func:`resolve`,
:class:`ApiDocError`.
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys

HEADER = "| Argument | Default | What it does |\n| --- | --- | --- |"
NO_DESCRIPTION = "*(not described in the docstring)*"
SECTION = re.compile(r"^(Args|Arguments|Parameters):\s*$")
ENTRY = re.compile(r"^(\*{0,2}[A-Za-z_][A-Za-z0-9_]*)\s*(?:\([^)]*\))?\s*:(?:\s+(.*))?$")
CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)


class ApiDocError(Exception):
    """An argument table that cannot be made: unknown object or unknown argument."""


def resolve(qualname: str) -> object:
    """Import the object named by a dotted path: a module, then attributes of it."""
    parts = qualname.split(".")
    if not all(part.isidentifier() for part in parts):
        raise ApiDocError(f"{qualname!r} is not a dotted Python name")
    for split in range(len(parts), 0, -1):
        module_name = ".".join(parts[:split])
        try:
            obj = importlib.import_module(module_name)
        except ImportError:
            continue
        for depth, attribute in enumerate(parts[split:], start=split):
            try:
                obj = getattr(obj, attribute)
            except AttributeError:
                found = ".".join(parts[:depth])
                raise ApiDocError(f"{qualname}: {found} has no attribute {attribute!r}") from None
        return obj
    raise ApiDocError(f"{qualname}: no module {parts[0]!r} can be imported")


def _signature(obj: object, qualname: str) -> list[inspect.Parameter]:
    try:
        parameters = list(inspect.signature(obj).parameters.values())
    except (TypeError, ValueError) as error:
        raise ApiDocError(f"{qualname}: no signature to read ({error})") from None
    if parameters and parameters[0].name in ("self", "cls") and not inspect.isclass(obj):
        parameters = parameters[1:]  # a method looked up on its class: keras.Model.fit
    return parameters


def docstring_args(doc: str | None) -> dict[str, str]:
    """The entries of a Google-style ``Args:`` section: argument name -> one-line text.

    ``doc`` is a cleaned docstring (``inspect.getdoc``). An entry starts at the section's
    indentation with ``name:`` (or ``name (type):``, ``*args:``, ``**kwargs:``); deeper
    lines continue it; the first line back at a shallower indentation ends the section.
    Stars are dropped from the names, so ``**kwargs`` is found as ``kwargs``.
    """
    args: dict[str, list[str]] = {}
    lines = (doc or "").splitlines()
    start = next((i + 1 for i, line in enumerate(lines) if SECTION.match(line.strip())), None)
    if start is None:
        return {}
    section_indent = len(lines[start - 1]) - len(lines[start - 1].lstrip())
    entry_indent = None
    current = None
    for line in lines[start:]:
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        if indent <= section_indent:
            break  # the next section (Returns:, Example:) or the end of the docstring
        if entry_indent is None:
            entry_indent = indent
        if indent < entry_indent:
            break
        match = ENTRY.match(line.strip()) if indent == entry_indent else None
        if match:
            current = match.group(1).lstrip("*")
            args[current] = [match.group(2) or ""]
        elif current is not None:
            args[current].append(line.strip())
    return {name: " ".join(" ".join(parts).split()) for name, parts in args.items()}


def _documentation(obj: object) -> dict[str, str]:
    args = docstring_args(inspect.getdoc(obj))
    if not args and inspect.isclass(obj):
        args = docstring_args(inspect.getdoc(obj.__init__))
    return args


def cell(text: str) -> str:
    """Make text safe for one Markdown table cell: escape ``|`` and ``<`` outside code.

    Python-Markdown's tables already ignore a pipe inside a code span, and a code span
    shows a backslash literally, so code spans are left as they are.
    """
    pieces, last = [], 0
    for match in CODE_SPAN.finditer(text):
        pieces.append(_escape(text[last:match.start()]))
        pieces.append(match.group(0))
        last = match.end()
    pieces.append(_escape(text[last:]))
    return "".join(pieces).strip()


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")


def code(text: str) -> str:
    """``text`` as a Markdown code span, even when it contains backticks."""
    text = " ".join(text.split())
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    padding = " " if fence != "`" else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def _default(parameter: inspect.Parameter) -> str:
    if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
        return "any number of positional arguments"
    if parameter.kind is inspect.Parameter.VAR_KEYWORD:
        return "any other keyword arguments"
    if parameter.default is inspect.Parameter.empty:
        return "required"
    return code(repr(parameter.default))


def argument_table(qualname: str, names: list[str] | None = None) -> str:
    """A Markdown table of ``qualname``'s arguments, their defaults and descriptions.

    ``names`` picks the rows, in the order given; ``None`` gives every argument in
    signature order, leaving out ``*args`` and ``**kwargs`` (name them to include them).
    The table has no trailing newline.
    """
    obj = resolve(qualname)
    parameters = {p.name: p for p in _signature(obj, qualname)}
    if names is None:
        variadic = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
        names = [name for name, p in parameters.items() if p.kind not in variadic]
    else:
        names = [name.strip().lstrip("*") for name in names if name.strip()]
        unknown = [name for name in names if name not in parameters]
        if unknown:
            raise ApiDocError(
                f"{qualname} has no argument {', '.join(map(repr, unknown))}; "
                f"its arguments are: {', '.join(parameters) or '(none)'}"
            )
    descriptions = _documentation(obj)
    rows = [HEADER]
    for name in names:
        parameter = parameters[name]
        star = {inspect.Parameter.VAR_POSITIONAL: "*",
                inspect.Parameter.VAR_KEYWORD: "**"}.get(parameter.kind, "")
        text = cell(descriptions[name]) if descriptions.get(name) else NO_DESCRIPTION
        rows.append(f"| {code(star + name)} | {_default(parameter)} | {text} |")
    return "\n".join(rows)


if __name__ == "__main__":  # python -m docbuild.apidoc keras.callbacks.EarlyStopping patience
    print(argument_table(sys.argv[1], sys.argv[2].split(",") if len(sys.argv) > 2 else None))
