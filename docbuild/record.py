"""Turn an executed notebook into a cache entry: the record, its figures and downloads.

The entry holds ``record.json`` (docbuild/schema.py: what every page is rendered from),
the figure files, the script and the executed notebook a reader downloads (its prose
with inline values filled in, its figures embedded, the build's hidden cells removed).
"""

from __future__ import annotations

import base64
import copy
import json
import re
import shutil
from pathlib import Path

import nbformat
from sphinx_gallery.gen_rst import scale_image

from .logs import without_native_logs
from .schema import Block, Figure, Output, Provenance, Record, Section
from .script import Script
from .values import ValueRefError, fill

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
THUMBNAIL = (640, 448)  # pixels: shown at 320 x 224, crisp at 2x
TAG = re.compile(r"<[^>]*>")
FIGURE_TYPES = {"image/svg+xml": "svg", "image/png": "png", "image/jpeg": "jpg"}


def _redraw(line: str) -> str:
    """What a terminal would show for a line redrawn with carriage returns and backspaces."""
    line = line.rsplit("\r", 1)[-1] if "\r" in line.rstrip("\r") else line.rstrip("\r")
    shown: list[str] = []
    for char in line:
        if char == "\b":
            if shown:
                shown.pop()
        else:
            shown.append(char)
    return "".join(shown)


# A Keras progress bar ("3/8 ━━━━ ...") redrawn in place: only its final state matters.
PROGRESS = re.compile(r"^\d+/(\d+) ━")


def _last_progress_state(line: str) -> str:
    """Keep a redrawn bar's last state, the one that reads `total/total ━`."""
    match = PROGRESS.match(line)
    if not match:
        return line
    final = line.rfind(f"{match.group(1)}/{match.group(1)} ━")
    return line[final:].rstrip() if final > 0 else line


def clean_text(text: str) -> str:
    """Text output as a terminal shows it: no colour codes, no progress-bar redraws.

    Apply it to a whole stream, not to the chunks it arrived in: a carriage return at the
    start of one chunk redraws the line the chunk before it began.
    """
    lines = ANSI.sub("", text).split("\n")
    return "\n".join(_last_progress_state(_redraw(line)) for line in lines)


def _coalesce_streams(outputs: list) -> list:
    """Join consecutive chunks of the same stream, as a notebook front end shows them."""
    merged: list = []
    for output in outputs:
        if (output.get("output_type") == "stream" and merged
                and merged[-1].get("output_type") == "stream"
                and merged[-1]["name"] == output["name"]):
            merged[-1] = nbformat.from_dict({**merged[-1],
                                             "text": merged[-1]["text"] + output["text"]})
        else:
            merged.append(output)
    return merged


def _info(cell) -> dict:
    return cell.get("metadata", {}).get("docbuild", {})


def _provenance(notebook) -> Provenance:
    last = notebook.cells[-1]
    text = "".join(o.get("text", "") for o in last.get("outputs", []) if o.get("name") == "stdout")
    return Provenance(**json.loads(text.strip().splitlines()[-1]))


def _kind(output) -> str | None:
    return output.get("metadata", {}).get("docbuild", {}).get("kind")


def build_entry(script: Script, notebook, wall: float, budget: str, entry: Path) -> Record:
    """Write the cache entry for an executed script and return its record."""
    tmp = entry.with_name(entry.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    sections = {s.anchor: Section(s.anchor, s.heading, s.line) for s in script.sections}
    figures: list[Figure] = []
    seen: dict = {}  # each recorded name's value at this point of the script
    download = copy.deepcopy(notebook)
    download.cells = [c for c in download.cells if not _info(c).get("hidden")]
    for cell in download.cells:
        info = _info(cell)
        cell.metadata.pop("docbuild", None)
        if info.get("title"):
            continue
        section = sections[info["section"]]
        if cell.cell_type == "markdown":
            section.blocks.append(Block("text", cell.source, info["line"]))
            try:  # the download shows the values filled in; the page renders its own
                cell.source = fill(cell.source, lambda *_: seen, plain=True)
            except ValueRefError as err:
                raise ValueRefError(f"{script.path}:{info['line']}: {err}") from err
            continue
        block = Block("code", cell.source, info["line"])
        kept = []
        for output in _coalesce_streams(cell.outputs):
            if _kind(output) == "values":
                block.values.update(output["data"]["application/json"])
            elif _collect(output, block, figures, script.path.stem, tmp):
                kept.append(output)
        cell.outputs = kept
        seen.update(block.values)
        section.blocks.append(block)
    record = Record(
        script=script.name, title=script.title, description=script.description,
        budget=budget, wall_time=round(wall, 1), seed=_seed(script.path),
        provenance=_provenance(notebook), sections=list(sections.values()), figures=figures,
    )
    record.thumbnail = _thumbnail(figures, script.path.stem, tmp)
    nbformat.write(download, tmp / f"{script.path.stem}.ipynb")
    shutil.copyfile(script.path, tmp / f"{script.path.stem}.py")
    (tmp / "record.json").write_text(record.to_json())
    shutil.rmtree(entry, ignore_errors=True)
    tmp.rename(entry)
    return record


def _thumbnail(figures: list[Figure], stem: str, folder: Path) -> dict | None:
    """The gallery index's picture of a script: its first figure, small.

    A line plot's SVG is small already; a raster figure is scaled into a fixed box with
    sphinx-gallery's own thumbnail function, as WebP (digits CNN: 9.7 KB for an 81 KB PNG).
    """
    if not figures:
        return None
    first = figures[0]
    if first.file.endswith(".svg"):
        width = THUMBNAIL[0] // 2
        return {"file": first.file, "width": width,
                "height": round(width * first.height / first.width)}
    name = f"{stem}_thumb.webp"
    scale_image(folder / first.file, folder / name, *THUMBNAIL)
    return {"file": name, "width": THUMBNAIL[0] // 2, "height": THUMBNAIL[1] // 2}


def _collect(output, block: Block, figures: list[Figure], stem: str, folder: Path) -> bool:
    """Record one output of a code block; False for one with nothing left to show.

    (A stream that held only TensorFlow's native info lines is left out of the page and
    of the download.) Figures are written to files; the download keeps them embedded.
    """
    kind = output.get("output_type")
    if kind == "stream":
        text = output["text"]
        if output.get("name") == "stderr":
            text = without_native_logs(text)
        text = clean_text(text)
        if not text:
            return False
        output["text"] = text
        block.outputs.append(Output("text", text))
    elif kind == "execute_result":
        text = output.get("data", {}).get("text/plain", "")
        block.outputs.append(Output("text", text + "\n"))
    elif kind == "error":
        block.outputs.append(Output("error", f'{output["ename"]}: {output["evalue"]}'))
    elif kind == "display_data":
        data, meta = output.get("data", {}), output.get("metadata", {}).get("docbuild", {})
        mime = next((m for m in FIGURE_TYPES if m in data), None)
        if mime:
            name = f"{stem}_{len(figures) + 1:03d}.{FIGURE_TYPES[mime]}"
            payload = data[mime]
            raw = payload.encode() if mime == "image/svg+xml" else base64.b64decode(payload)
            (folder / name).write_bytes(raw)
            figures.append(Figure(name, meta.get("alt", "Figure"), meta.get("width"),
                                  meta.get("height")))
            block.outputs.append(Output("figure", figure=len(figures)))
        elif meta.get("kind") == "params":
            block.outputs.append(Output("params", data["text/markdown"]))
        elif "text/markdown" in data:  # rich outputs keep their form (a table stays a table)
            block.outputs.append(Output("markdown", data["text/markdown"]))
        elif "text/html" in data:
            if not TAG.sub("", data["text/html"]).strip():
                return False  # an empty frame (rich's console after a plain-text summary)
            block.outputs.append(Output("html", data["text/html"]))
        elif "text/plain" in data:
            block.outputs.append(Output("text", clean_text(data["text/plain"]) + "\n"))
    return True


def _seed(path: Path) -> int | None:
    match = re.search(r"set_random_seed\((\d+)\)", path.read_text())
    return int(match.group(1)) if match else None
