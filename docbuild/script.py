"""A gallery script: its header, its sections, and its notebook form.

Parsing and notebook writing are sphinx-gallery's own; this module only adds the
section names that chapters use to refer to a script's code and output.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

from sphinx.errors import ExtensionError
from sphinx_gallery.gen_gallery import DEFAULT_GALLERY_CONF
from sphinx_gallery.notebook import jupyter_notebook
from sphinx_gallery.py_source_parser import remove_config_comments, split_code_and_text_blocks

# The Keras backends a script's header may name (`# sphinx_gallery_backends_required`);
# docbuild/backends.py runs the gallery on each.
BACKENDS = ("tensorflow", "jax", "torch")

MAX_DESCRIPTION_SENTENCES = 3


class ScriptError(Exception):
    """A gallery script that cannot become a page; the message names the file."""


@dataclass
class Section:
    heading: str
    anchor: str
    line: int  # line of the section's first block in the script
    blocks: list[tuple[str, str, int]] = field(default_factory=list)  # (kind, text, line)

    @property
    def code(self) -> str:
        return "\n\n".join(t.strip("\n") for k, t, _ in self.blocks if k == "code")


@dataclass
class Script:
    path: Path
    slug: str  # the chapter the script belongs to (its folder)
    title: str
    description: str
    sections: list[Section]
    # Seconds the script may run, per budget, from its header line
    # `# sphinx_gallery_budget = {"quick": 60, "full": 300}` (sphinx-gallery's per-file
    # configuration comment); None falls back to [tool.docbuild] timeout.
    budget: dict[str, float] = field(default_factory=dict)
    # Values the backend table shows (`# sphinx_gallery_headline = ["test_accuracy"]`);
    # empty: the script's last metrics (docbuild/backends.py).
    headline: list[str] = field(default_factory=list)
    # Backends on which a failure fails the build, not only its row in the backend table
    # (`# sphinx_gallery_backends_required = ["jax"]`); the build's own backend always does.
    backends_required: list[str] = field(default_factory=list)

    def timeout(self, mode: str, default: float) -> float:
        return float(self.budget.get(mode, default))

    @property
    def name(self) -> str:
        return f"{self.slug}/{self.path.name}"


def slugify(text: str) -> str:
    """The anchor a heading gets: lowercase words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _header(path: Path, docstring: str) -> tuple[str, str]:
    """Title and description from the docstring, checked as keras-io checks its headers."""
    lines = docstring.strip().splitlines()
    if len(lines) < 2 or not re.fullmatch(r"=+", lines[1].strip()):
        raise ScriptError(
            f"{path}: header: the docstring must open with a title underlined with '=' "
            "(a few words naming the task)."
        )
    title = lines[0].strip()
    description = " ".join(line.strip() for line in lines[2:] if line.strip())
    if not title or len(title) > 60:
        raise ScriptError(f"{path}: header: title must be 1 to 60 characters, got {title!r}.")
    if not description:
        raise ScriptError(f"{path}: header: a one-to-three-sentence description must follow "
                          "the title.")
    if not description.endswith("."):
        raise ScriptError(f"{path}: header: the description must end with a period.")
    sentences = re.findall(r"[.!?](?:\s|$)", description)
    if len(sentences) > MAX_DESCRIPTION_SENTENCES:
        raise ScriptError(f"{path}: header: the description has {len(sentences)} sentences; "
                          f"keep it to {MAX_DESCRIPTION_SENTENCES} or fewer.")
    return title, description


def _heading(text: str) -> str | None:
    match = re.match(r"\s*#{2,6}\s+(.+)", text)
    return match.group(1).strip() if match else None


def _split_at_headings(text: str, line: int) -> list[tuple[str, int]]:
    """Cut a prose block where a heading starts, so each heading opens a section."""
    pieces, current, start = [], [], line
    for offset, row in enumerate(text.splitlines(keepends=True)):
        if _heading(row) and current and "".join(current).strip():
            pieces.append(("".join(current), start))
            current, start = [], line + offset
        current.append(row)
    pieces.append(("".join(current), start))
    return pieces


def parse(path: Path, gallery_dir: Path) -> Script:
    """Parse a script into its header and its sections (a section starts at each heading)."""
    path = Path(path)
    try:
        compile(path.read_bytes(), str(path), "exec")
    except SyntaxError as err:
        raise ScriptError(f"{path}:{err.lineno}: syntax error: {err.msg}") from err
    try:
        file_conf, blocks = split_code_and_text_blocks(path)
    except ExtensionError as err:  # sphinx-gallery's word for "no docstring"
        raise ScriptError(f"{path}: header: the docstring must open with a title underlined "
                          "with '=' (a few words naming the task).") from err
    title, description = _header(path, blocks[0].content)
    sections = [Section("Introduction", "introduction", 1)]
    budget = _budget(path, file_conf.get("budget", {}))
    headline = _names(path, "headline", file_conf.get("headline", []))
    required = _names(path, "backends_required", file_conf.get("backends_required", []))
    for kind, text, line in blocks[1:]:
        if kind == "code":
            text = remove_config_comments(text)
            if not text.strip():
                continue
        pieces = _split_at_headings(text, line) if kind == "text" else [(text, line)]
        for piece, piece_line in pieces:
            heading = _heading(piece) if kind == "text" else None
            if heading:
                sections.append(Section(heading, slugify(heading), piece_line))
            sections[-1].blocks.append((kind, piece, piece_line))
    anchors = [s.anchor for s in sections]
    duplicates = sorted({a for a in anchors if anchors.count(a) > 1})
    if duplicates:
        raise ScriptError(f"{path}: two sections share the heading anchor(s) {duplicates}; "
                          "chapters could not tell them apart.")
    slug = path.parent.relative_to(gallery_dir).as_posix()
    return Script(path, slug, title, description, sections, budget, headline, required)


def _names(path: Path, option: str, value) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ScriptError(f"{path}: header: sphinx_gallery_{option} must be a list of names, "
                          f"got {value!r}")
    if option == "backends_required" and not set(value) <= set(BACKENDS):
        raise ScriptError(f"{path}: header: sphinx_gallery_{option}: expected names among "
                          f"{', '.join(map(repr, BACKENDS))}, got {value!r}")
    return list(value)


def _budget(path: Path, value) -> dict[str, float]:
    if not isinstance(value, dict) or not set(value) <= {"quick", "full"} or not all(
            isinstance(v, int | float) and v > 0 for v in value.values()):
        raise ScriptError(f"{path}: header: sphinx_gallery_budget must be a dict of positive "
                          f'seconds for "quick" and/or "full", got {value!r}')
    return dict(value)


def to_notebook(script: Script) -> dict:
    """The script as a notebook (sphinx-gallery's writer), each cell tagged with its section."""
    conf = copy.deepcopy(DEFAULT_GALLERY_CONF)
    conf["src_dir"] = str(script.path.parent)
    notebook = {"cells": []}
    for section in script.sections:
        for kind, text, line in section.blocks or []:
            part = jupyter_notebook([(kind, text, line)], conf, script.path.parent)
            for cell in part["cells"]:
                cell["metadata"]["docbuild"] = {"section": section.anchor, "line": line}
                notebook["cells"].append(cell)
    skeleton = jupyter_notebook([("text", _title_markdown(script), 1)], conf, script.path.parent)
    skeleton["cells"][0]["metadata"]["docbuild"] = {"section": "introduction", "line": 1,
                                                    "title": True}
    skeleton["cells"].extend(notebook["cells"])
    skeleton["nbformat_minor"] = 5
    for index, cell in enumerate(skeleton["cells"]):
        cell["id"] = f"cell-{index}"
    return skeleton


def _title_markdown(script: Script) -> str:
    return f"{script.title}\n{'=' * len(script.title)}\n\n{script.description}\n"
