"""What an executed script produced: the one record every renderer reads.

A record (``record.json`` in the script's cache entry) holds the script's sections in
order; each section holds its blocks (prose and code) and each code block what it
showed (text, errors, figures, parameter tables, rich Markdown or HTML) and the values
its top-level names took (for inline values in prose). Chapter embeds, gallery pages,
the gallery index, the times page and inline values are all rendered from it, so they
cannot disagree. Page decisions (which figure loads eagerly) are the renderers' own.

The schema is versioned: a record written by another version is an error that says to
re-execute, never a page rendered from fields that mean something else.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

SCHEMA = 2
OUTPUT_TYPES = ("text", "error", "figure", "params", "markdown", "html")


class RecordError(ValueError):
    """A record that cannot be read with this version of the build."""


@dataclass
class Output:
    """One thing a code block showed, in the order it showed it.

    ``text`` is plain text (text, error), Markdown (params, markdown) or HTML (html);
    a figure refers to the record's figures by its 1-based ``figure`` number.
    """

    type: str
    text: str = ""
    figure: int | None = None


@dataclass
class Block:
    """A prose block (Markdown) or a code block with its outputs and changed values."""

    kind: str  # "text" or "code"
    text: str
    line: int
    outputs: list[Output] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class Section:
    anchor: str
    heading: str
    line: int
    blocks: list[Block] = field(default_factory=list)

    @property
    def code(self) -> str:
        return "\n\n".join(b.text.strip("\n") for b in self.blocks if b.kind == "code")

    @property
    def outputs(self) -> list[Output]:
        return [o for b in self.blocks for o in b.outputs]


@dataclass
class Figure:
    file: str
    alt: str
    width: int
    height: int


@dataclass
class Provenance:
    keras: str
    backend: str
    backend_version: str
    device: str
    peak_memory_mb: float | None = None


@dataclass
class Record:
    script: str  # "slug/plot_x.py"
    title: str
    description: str
    budget: str
    wall_time: float
    seed: int | None
    provenance: Provenance
    sections: list[Section]
    figures: list[Figure]
    thumbnail: dict | None = None
    schema: int = SCHEMA

    @property
    def slug(self) -> str:
        return self.script.split("/")[0]

    @property
    def stem(self) -> str:
        return Path(self.script).stem

    def section(self, anchor: str) -> Section | None:
        return next((s for s in self.sections if s.anchor == anchor), None)

    def values(self, upto: Section | None = None) -> dict[str, Any]:
        """Every recorded name with its last value: at the end of ``upto``, or of the script."""
        seen: dict[str, Any] = {}
        for section in self.sections:
            for block in section.blocks:
                seen.update(block.values)
            if section is upto:
                break
        return seen

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str, where: str = "record") -> Record:
        data = json.loads(text)
        if data.get("schema") != SCHEMA:
            raise RecordError(f"{where}: record schema {data.get('schema')!r}, this build reads "
                              f"{SCHEMA}; re-execute the script (`python -m docbuild gallery`)")
        try:
            sections = [Section(**{**s, "blocks": [
                Block(**{**b, "outputs": [Output(**o) for o in b["outputs"]]})
                for b in s["blocks"]]}) for s in data["sections"]]
            return cls(**{**data, "provenance": Provenance(**data["provenance"]),
                          "sections": sections,
                          "figures": [Figure(**f) for f in data["figures"]]})
        except (KeyError, TypeError) as err:
            raise RecordError(f"{where}: malformed record ({err})") from err

    @classmethod
    def load(cls, path: Path) -> Record:
        return cls.from_json(path.read_text(), str(path))
