"""Turn an executed notebook into a cache entry: page, download, figures and record.

The record (record.json) is what chapters embed: per section, the code and the outputs
(text, figures with alt text, parameter tables), plus the provenance of the run.
"""

from __future__ import annotations

import base64
import copy
import html
import json
import re
import shutil
from pathlib import Path

import nbformat
from sphinx_gallery.gen_rst import scale_image

from .script import Script

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
THUMBNAIL = (640, 448)  # pixels: shown at 320 x 224, crisp at 2x
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
    """Text output as a reader should see it: no colour codes, no progress-bar redraws."""
    lines = ANSI.sub("", text).split("\n")
    return "\n".join(_last_progress_state(_redraw(line)) for line in lines)


# Native start-up logs (absl/TensorFlow C++, "I0000 12:00:00.0 ...") are not results.
NATIVE_LOG = re.compile(
    r"^(?:[IWEF]\d{4} \d\d:\d\d:\d+\.\d+\s|WARNING: All log messages before absl)")


def _without_native_logs(text: str) -> str:
    kept, skipping = [], False
    for line in text.splitlines(keepends=True):
        if NATIVE_LOG.match(line):
            skipping = True
            continue
        if skipping and line.startswith((" ", "\t")) is False and not line.strip() == "":
            skipping = False
        if not skipping:
            kept.append(line)
    return "".join(kept)


def _is_hidden(cell) -> bool:
    return cell.get("metadata", {}).get("docbuild", {}).get("hidden", False)


def _provenance(notebook) -> dict:
    last = notebook.cells[-1]
    text = "".join(o.get("text", "") for o in last.get("outputs", []) if o.get("name") == "stdout")
    return json.loads(text.strip().splitlines()[-1])


def _figure_html(file_name: str, alt: str, width: int, height: int, eager: bool) -> str:
    loading = "eager" if eager else "lazy"
    return (f'<img src="{file_name}" alt="{html.escape(alt, quote=True)}" width="{width}" '
            f'height="{height}" loading="{loading}" decoding="async">')


def build_entry(script: Script, notebook, wall: float, budget: str, entry: Path) -> dict:
    """Write the cache entry for an executed script and return its record."""
    tmp = entry.with_name(entry.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    provenance = _provenance(notebook)
    stem = script.path.stem
    sections = {s.anchor: {"heading": s.heading, "line": s.line, "code": s.code, "outputs": []}
                for s in script.sections}
    figures = []
    download = copy.deepcopy(notebook)
    download.cells = [c for c in download.cells if not _is_hidden(c)]
    page = copy.deepcopy(download)
    for cell in page.cells:
        if cell.cell_type != "code":
            continue
        section = sections[cell.metadata["docbuild"]["section"]]
        cell.outputs = [output for output in cell.outputs
                        if _collect(output, section, figures, stem, tmp)]
    for cell in download.cells:
        cell.metadata.pop("docbuild", None)
    thumbnail = _thumbnail(figures, stem, tmp)
    record = {
        "script": script.name, "title": script.title, "description": script.description,
        "budget": budget, "wall_time": round(wall, 1), "provenance": provenance,
        "seed": _seed(script.path), "sections": sections, "figures": figures,
        "thumbnail": thumbnail,
    }
    nbformat.write(page, tmp / f"{stem}.page.ipynb")
    nbformat.write(download, tmp / f"{stem}.ipynb")
    shutil.copyfile(script.path, tmp / f"{stem}.py")
    (tmp / "record.json").write_text(json.dumps(record, indent=1, sort_keys=True))
    shutil.rmtree(entry, ignore_errors=True)
    tmp.rename(entry)
    return record


def _thumbnail(figures: list, stem: str, folder: Path) -> dict | None:
    """The gallery index's picture of a script: its first figure, small.

    A line plot's SVG is small already; a raster figure is scaled into a fixed box with
    sphinx-gallery's own thumbnail function, as WebP (digits CNN: 9.7 KB for an 81 KB PNG).
    """
    if not figures:
        return None
    first = figures[0]
    if first["file"].endswith(".svg"):
        width = THUMBNAIL[0] // 2
        return {"file": first["file"], "width": width,
                "height": round(width * first["height"] / first["width"])}
    name = f"{stem}_thumb.webp"
    scale_image(folder / first["file"], folder / name, *THUMBNAIL)
    return {"file": name, "width": THUMBNAIL[0] // 2, "height": THUMBNAIL[1] // 2}


def _collect(output, section: dict, figures: list, stem: str, folder: Path) -> bool:
    """Record one output; in the page notebook, replace a figure by a link to its file.

    Returns False for an output with nothing left to show (a stream that held only
    TensorFlow's native log lines), which the page then leaves out.
    """
    kind = output.get("output_type")
    if kind == "stream":
        text = output["text"]
        if output.get("name") == "stderr":
            text = _without_native_logs(text)
        output["text"] = clean_text(text)
        if not output["text"]:
            return False
        section["outputs"].append({"type": "text", "text": output["text"]})
    elif kind == "execute_result":
        text = output.get("data", {}).get("text/plain", "")
        section["outputs"].append({"type": "text", "text": text + "\n"})
    elif kind == "error":
        error = f'{output["ename"]}: {output["evalue"]}'
        section["outputs"].append({"type": "error", "text": error})
    elif kind == "display_data":
        data, meta = output.get("data", {}), output.get("metadata", {}).get("docbuild", {})
        mime = next((m for m in FIGURE_TYPES if m in data), None)
        if mime:
            number = len(figures) + 1
            name = f"{stem}_{number:03d}.{FIGURE_TYPES[mime]}"
            payload = data[mime]
            raw = payload.encode() if mime == "image/svg+xml" else base64.b64decode(payload)
            (folder / name).write_bytes(raw)
            figure = {"file": name, "alt": meta.get("alt", "Figure"),
                      "width": meta.get("width"), "height": meta.get("height")}
            figures.append(figure)
            section["outputs"].append({"type": "figure", "index": number})
            output["data"] = {"text/html": _figure_html(
                name, figure["alt"], figure["width"], figure["height"],
                eager=number == 1)}
        elif meta.get("kind") == "params":
            section["outputs"].append({"type": "params", "markdown": data["text/markdown"]})
        elif "text/markdown" in data or "text/html" in data or "text/plain" in data:
            text = data.get("text/plain", "")
            section["outputs"].append({"type": "text", "text": clean_text(text) + "\n"})
    return True


def _seed(path: Path) -> int | None:
    match = re.search(r"set_random_seed\((\d+)\)", path.read_text())
    return int(match.group(1)) if match else None
