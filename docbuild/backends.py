"""The same scripts on other Keras backends: what each produced, side by side.

    python -m docbuild backends jax torch

executes the gallery once per named backend (KERAS_BACKEND set for the scripts, so each
backend's results are cache entries of their own: the key holds backend and device) and
writes one summary per backend and device into ``.cache/backends/``: for every script,
whether it ran, the captured error if not, its wall time, the parameter totals of every
summary it printed, and its headline values. The site build (whatever backend it runs
on, the reference) reads those summaries for the scripts as they are now: every gallery
page gets a backend table, and ``gallery/backends.md`` the scripts × backends matrix.

A script that fails on a backend gets the error in its table, not a failed build, unless
its header names that backend required (``# sphinx_gallery_backends_required = ["jax"]``).
Parameter totals that differ from the reference backend's, section by section, fail the
build: the same model has the same weights on every backend. A section that printed a
summary on one backend only (a TensorFlow-only step the script skips elsewhere) is
compared with nothing, and the table shows its totals for the backends that printed it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .config import Settings
from .render import fence, indent, outputs_markdown
from .schema import Output, Record
from .script import BACKENDS, ScriptError, parse

TOTAL = re.compile(r"^- Total params: ([\d,]+)$", re.MULTILINE)
# Headline values when a script declares none: its final metrics, by name.
METRIC_NAME = re.compile(r"(accuracy|loss|mae|mse|auc|error)$")
MAX_DEFAULT_HEADLINE = 3
SUMMARY_SCHEMA = 3  # 2: totals carry their section; 3: sections' outputs
ERROR_LINES = 12  # lines of a captured error shown on a page
LONG_TEXT = 40  # characters: a headline string longer than this is listed under the table
# As prose writes them
BACKEND_NAMES = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}


class BackendError(ValueError):
    """Backend results that cannot stand on a page; the message names the script."""


@dataclass
class Result:
    """One script on one backend and device."""

    script: str  # "slug/plot_x.py"
    source: str  # sha256 of the script's bytes when it ran
    backend: str
    backend_version: str
    device: str
    ran: bool
    wall_time: float | None = None
    totals: list[list] = field(default_factory=list)  # [[section anchor, total], ...]
    headline: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    # What each section printed (figures left out: their files stay on the backend's
    # runner), for chapters that show another backend's output (`::gallery output ... on jax`)
    outputs: dict[str, list[dict]] = field(default_factory=dict)


def source_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def totals(record: Record) -> list[list]:
    """The "Total params" of every parameter table the script printed, in order, each
    with the anchor of the section that printed it."""
    return [[section.anchor, int(n.replace(",", ""))] for section in record.sections
            for output in section.outputs if output.type == "params"
            for n in TOTAL.findall(output.text)]


def section_outputs(record: Record) -> dict[str, list[dict]]:
    return {section.anchor: [{"type": o.type, "text": o.text} for o in section.outputs
                             if o.type != "figure"]
            for section in record.sections if section.outputs}


def _by_section(result: Result) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for anchor, total in result.totals:
        found.setdefault(anchor, []).append(total)
    return found


def headline(record: Record, names: list[str] | None) -> dict[str, Any]:
    """The values the backend table shows: the declared names, or the last metrics."""
    values = record.values()
    if names:
        return {name: values.get(name) for name in names}
    metrics = [(name, value) for name, value in values.items()
               if METRIC_NAME.search(name) and isinstance(value, int | float)
               and not isinstance(value, bool)]
    return dict(metrics[-MAX_DEFAULT_HEADLINE:])


def result_of(record: Record, source: str, names: list[str] | None) -> Result:
    p = record.provenance
    return Result(record.script, source, p.backend, p.backend_version, p.device, True,
                  record.wall_time, totals(record), headline(record, names),
                  outputs=section_outputs(record))


def summary_path(conf: Settings, backend: str, device: str, shard: str | None = None) -> Path:
    """One file per backend and device, and per CI shard: the shards' files then merge
    by copying them into one folder (the workflow's artifacts do)."""
    name = f"{backend} {device}" + (f" shard {shard}" if shard else "")
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return conf.cache_dir.parent / "backends" / f"{slug}.json"


def write_summary(path: Path, results: list[Result]) -> None:
    """Write these results into the summary, keeping those of scripts not run this time
    (a --select run, a CI shard)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    kept = {}
    if path.is_file():
        data = json.loads(path.read_text())
        if data.get("schema") == SUMMARY_SCHEMA:
            kept = {r["script"]: r for r in data["results"]}
    kept.update({r.script: asdict(r) for r in results})
    data = {"schema": SUMMARY_SCHEMA, "results": [kept[name] for name in sorted(kept)]}
    path.write_text(json.dumps(data, indent=1, sort_keys=True))


def load_summaries(conf: Settings) -> list[Result]:
    """Every backend's results, from every summary in .cache/backends/; where two files
    hold the same script, backend and device (a shard's and a whole run's), the newer."""
    found: dict[tuple[str, str, str], tuple[float, Result]] = {}
    for path in sorted((conf.cache_dir.parent / "backends").glob("*.json")):
        data = json.loads(path.read_text())
        if data.get("schema") != SUMMARY_SCHEMA:
            raise BackendError(f"{path}: summary schema {data.get('schema')!r}, this build "
                               f"reads {SUMMARY_SCHEMA}: run `python -m docbuild backends` again")
        when = path.stat().st_mtime
        for result in (Result(**r) for r in data["results"]):
            key = (result.script, result.backend, result.device)
            if key not in found or when >= found[key][0]:
                found[key] = (when, result)
    return [result for _, result in found.values()]


@contextmanager
def backend_environment(backend: str) -> Iterator[None]:
    """KERAS_BACKEND for the scripts this process runs, and nothing cached about the
    previous backend (cache keys, the device)."""
    from . import cache

    before = os.environ.get("KERAS_BACKEND")
    os.environ["KERAS_BACKEND"] = backend
    cache.forget()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("KERAS_BACKEND", None)
        else:
            os.environ["KERAS_BACKEND"] = before
        cache.forget()


def survey(backends: list[str], workers: int | None = None, select: str | None = None,
           shard: str | None = None, log=print) -> list[Path]:
    """Execute the gallery on each backend; write and return one summary per backend.

    A failure is captured into the summary, unless the script declares the backend
    required: then GalleryError is raised after every backend ran.
    """
    from . import gallery
    from .cache import device
    from .config import budget, settings

    conf = settings()
    written, required_failures = [], []
    for backend in backends:
        if backend not in BACKENDS:
            raise BackendError(f"unknown backend {backend!r}: expected one of {BACKENDS}")
        with backend_environment(backend):
            log(f"docbuild: executing the gallery on {backend}")
            failed: dict[str, str] = {}
            jobs, _ = gallery.execute(shard=shard, workers=workers, select=select, log=log,
                                      failed=failed)
            results = []
            for job, record in zip(jobs, gallery.records(jobs), strict=True):
                results.append(result_of(record, source_digest(job.script.path),
                                         job.script.headline))
            version = _version(backend)
            where = device(budget())
            for name, message in sorted(failed.items()):
                path = conf.gallery_dir / name
                results.append(Result(name, source_digest(path), backend, version, where,
                                      False, error=message))
                if backend in _required(path, conf):
                    required_failures.append(f"{name} declares {backend} required:\n{message}")
            path = summary_path(conf, backend, where, shard)
            write_summary(path, results)
            log(f"docbuild: {backend}: {len(jobs)} ran, {len(failed)} failed -> {path}")
            written.append(path)
    if required_failures:
        raise gallery.GalleryError("\n\n".join(required_failures))
    return written


def _version(backend: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(backend)  # each backend's distribution has its name
    except metadata.PackageNotFoundError:
        return "not installed"


def _required(path: Path, conf: Settings) -> list[str]:
    try:
        return parse(path, conf.gallery_dir).backends_required
    except ScriptError:
        return []


# Pages ------------------------------------------------------------------------------


def _order(backend: str) -> int:
    """Pages list backends in BACKENDS' order; an unknown one last."""
    return BACKENDS.index(backend) if backend in BACKENDS else len(BACKENDS)


def _named(backend: str) -> str:
    return BACKEND_NAMES.get(backend, backend)


def _error_tail(result: Result) -> str:
    return "\n".join(result.error.strip().splitlines()[-ERROR_LINES:])


def current(record: Record, results: list[Result], source: str) -> list[Result]:
    """The other backends' results for this script as it is now, reference backend first."""
    p = record.provenance
    mine = [r for r in results if r.script == record.script and r.source == source
            and (r.backend, r.device) != (p.backend, p.device)]
    return sorted(mine, key=lambda r: (_order(r.backend), r.device))


def output_on(record: Record, anchor: str, backend: str, others: list[Result]) -> str:
    """What section #anchor of the script printed on another backend, from ``others``
    (``current``): its text outputs, its error if it failed there, or a note that this
    build did not run it there."""
    name = _named(backend)
    found = [r for r in others if r.backend == backend]
    if not found:
        return (f'!!! note "Not run on {name} in this build"\n\n'
                f"    This build executed the gallery on {_named(record.provenance.backend)} "
                f"only. A build made with `nox -s backends` shows here what this section "
                f"printed on {name}; the test suite runs the script on {name} too.")
    result, stem = found[0], record.script.split("/")[1]
    if not result.ran:
        return (f'!!! failure "{stem} failed on {name} ({result.device})"\n\n'
                + indent(fence(_error_tail(result), "text"), "    "))
    outputs = [Output(**o) for o in result.outputs.get(anchor, [])]
    if not outputs:
        return f"*On {name} ({result.device}), this section printed nothing.*"
    return outputs_markdown(outputs, lambda _n: "",
                            title=f"Output of {stem} on {name} ({result.device})")


def check_totals(reference: Result, others: list[Result]) -> None:
    mine = _by_section(reference)
    for other in others:
        theirs = _by_section(other) if other.ran else {}
        for anchor in sorted(set(mine) & set(theirs)):
            if mine[anchor] != theirs[anchor]:
                raise BackendError(
                    f"gallery/{reference.script}: parameter totals differ between backends "
                    f"in section #{anchor}: {reference.backend} ({reference.device}) "
                    f"{mine[anchor]}, {other.backend} ({other.device}) {theirs[anchor]}. The "
                    "same model has the same weights on every backend: look for a layer "
                    "built differently")


def _shown(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, float):
        return f"{value:.4g}"
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _difference(value: Any, reference: Any) -> str:
    numbers = (int, float)
    if (isinstance(value, numbers) and isinstance(reference, numbers)
            and not isinstance(value, bool) and not isinstance(reference, bool)):
        return f" ({value - reference:+.3g})"
    return "" if value == reference else " (differs)"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _long_texts(results: list[Result], names: list[str]) -> list[str]:
    """Headline names whose value is a sentence on some backend: listed under the table,
    where a column would make every row tall."""
    return [name for name in names
            if any(isinstance(r.headline.get(name), str) and len(r.headline[name]) > LONG_TEXT
                   for r in results)]


def table_markdown(reference: Result, others: list[Result]) -> str:
    """The backend table of a gallery page: one row per backend and device, then the
    headline values too long for a cell, one list per value."""
    rows = [reference, *others]
    long = _long_texts(rows, list(reference.headline))
    names = [name for name in reference.headline if name not in long]
    head = ["Backend", "Device", "Ran", "Time (s)", "Parameters", *[f"`{n}`" for n in names]]
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join(["---"] * len(head)) + " |"]
    errors = []
    for result in rows:
        label = f"{result.backend} {result.backend_version}"
        if result is reference:
            label += " (this page)"
        if not result.ran:
            errors.append(result)
            cells = [label, result.device, "failed: see below", "", "", *[""] * len(names)]
        else:
            values = []
            for name in names:
                value = result.headline.get(name)
                shown = _shown(value)
                if result is not reference:
                    shown += _difference(value, reference.headline.get(name))
                values.append(shown)
            cells = [label, result.device, "yes", f"{result.wall_time:.1f}",
                     ", ".join(f"{t:,}" for _, t in result.totals) or "none printed", *values]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    for name in long:
        lines += ["", f"`{name}`:", ""]
        lines += [f"- {r.backend} ({r.device}): {_cell(str(r.headline.get(name)))}"
                  for r in rows if r.ran]
    for result in errors:
        lines += ["", f'??? failure "{result.backend} ({result.device}): the error"', "",
                  "    ```text", *[f"    {line}" for line in _error_tail(result).splitlines()],
                  "    ```"]
    return "\n".join(lines)


def page_section(record: Record, source: str, others: list[Result],
                 names: list[str] | None) -> str:
    """The "On every backend" section of a gallery page, from the other backends' results
    for the script as it is now (``current``); "" when there are none."""
    reference = result_of(record, source, names)
    if not others:
        return ""
    check_totals(reference, others)
    return "\n".join([
        "## On every backend", "",
        "The same script, executed by this build on each Keras backend. Parameter totals "
        "must agree (the build fails if they do not); in parentheses, each headline value's "
        f"difference from {reference.backend}, the backend of this page. Random "
        "initialization and floating-point order differ between backends, so trained "
        "metrics differ too. [Every script on every backend](../backends.md).", "",
        # Written whole by the build: the class tells the hand-typed-number check so.
        '<div class="computed" markdown>', "", table_markdown(reference, others), "",
        "</div>", ""])


def matrix_markdown(rows: list[tuple[Record, str]], results: list[Result]) -> str:
    """gallery/backends.md: scripts × backends, with each run's time or failure."""
    columns: list[tuple[str, str, str]] = []
    for record, _ in rows:
        p = record.provenance
        columns.append((p.backend, p.device, p.backend_version))
    for result in results:
        columns.append((result.backend, result.device, result.backend_version))
    columns = sorted(set(columns), key=lambda c: (_order(c[0]), c[1], c[2]))
    lines = ["# Every script on every backend", "",
             "Each gallery script as this build executed it on each Keras backend and device: "
             "its wall time in seconds, *failed* (its page shows the error) or *not run* (no "
             "result for the script as it is now). Run `nox -s backends` to execute the "
             "gallery on TensorFlow, JAX and PyTorch.", "",
             "| Script | " + " | ".join(f"{b} {v}<br>{d}" for b, d, v in columns) + " |",
             "| --- |" + " ---: |" * len(columns)]
    ran = dict.fromkeys(columns, 0)
    seconds = dict.fromkeys(columns, 0.0)
    for record, source in rows:
        p = record.provenance
        found = {(p.backend, p.device, p.backend_version): record.wall_time}
        for r in results:
            if r.script == record.script and r.source == source:
                found[(r.backend, r.device, r.backend_version)] = (
                    r.wall_time if r.ran else "failed")
        cells = []
        for column in columns:
            value = found.get(column)
            if isinstance(value, float | int):
                ran[column] += 1
                seconds[column] += value
                cells.append(f"{value:.1f}")
            else:
                cells.append("*failed*" if value == "failed" else "*not run*")
        lines.append(f"| [{record.script}]({record.slug}/{record.stem}.md) | "
                     + " | ".join(cells) + " |")
    lines.append("| **ran / total time (s)** | " + " | ".join(
        f"**{ran[c]} / {seconds[c]:.1f}**" for c in columns) + " |")
    return "\n".join(lines) + "\n"


# Chapters ---------------------------------------------------------------------------


@dataclass
class Comparison:
    """The other backends' results as chapters cite them: what a section printed there
    (``::gallery output ... on jax``) and the speed table (``::backends times``)."""

    results: list[Result] = field(default_factory=list)
    rows: Sequence[tuple[Record, str]] = ()  # every script's record and source digest

    def __post_init__(self) -> None:
        self._sources = {record.script: digest for record, digest in self.rows}

    def others(self, record: Record) -> list[Result]:
        source = self._sources.get(record.script)
        return current(record, self.results, source) if source else []

    def output(self, record: Record, anchor: str, backend: str) -> str:
        return output_on(record, anchor, backend, self.others(record))

    def times(self) -> str:
        return times_markdown(self.rows, self.results)


def times_markdown(rows: Sequence[tuple[Record, str]], results: list[Result]) -> str:
    """Each backend's time on the scripts that ran on every backend, against the page's
    backend (the reference), and the script it is slowest on, relatively."""
    if not rows:
        return ""
    reference = rows[0][0].provenance
    ref = (reference.backend, reference.device)
    ran: dict[tuple[str, str], dict[str, float]] = {ref: {r.script: r.wall_time for r, _ in rows}}
    failed: dict[tuple[str, str], int] = {}
    versions = {ref: reference.backend_version}
    for record, source in rows:
        for result in current(record, results, source):
            column = (result.backend, result.device)
            versions[column] = result.backend_version
            if result.ran:
                ran.setdefault(column, {})[result.script] = result.wall_time
            else:
                failed[column] = failed.get(column, 0) + 1
                ran.setdefault(column, {})
    name = _named(ref[0])
    if len(ran) == 1:
        return (f'!!! note "Only {name} in this build"\n\n'
                f"    This build executed the gallery on {name} only, so it has no other "
                "backend to compare. A build made with `nox -s backends` shows here each "
                "backend's time on the same scripts.")
    common = sorted(set.intersection(*(set(times) for times in ran.values())))
    lines = [f"| Backend | Device | Scripts ran | Failed | Time (s) | Relative to {name} |",
             "| --- | --- | ---: | ---: | ---: | ---: |"]
    slowest = []
    base = sum(ran[ref][s] for s in common)
    for column in sorted(ran, key=lambda c: (c != ref, _order(c[0]), c[1])):
        times = ran[column]
        total = sum(times[s] for s in common)
        relative = f"{total / base:.2f}x" if base else ""
        lines.append(f"| {column[0]} {versions[column]} | {column[1]} | {len(times)} | "
                     f"{failed.get(column, 0)} | {total:.1f} | {relative} |")
        if column != ref and common:
            script = max(common, key=lambda s: times[s] / ref_time(ran[ref], s))
            slowest.append(f"- {column[0]} ({column[1]}): `{script}`, {times[script]:.1f} s "
                           f"against {ran[ref][script]:.1f} s "
                           f"({times[script] / ref_time(ran[ref], script):.1f}x)")
    lines += ["", f"Times are summed over the {len(common)} scripts that ran on every backend. "
              f"The script each backend is slowest on, relative to {name}:", "", *slowest]
    return "\n".join(['<div class="computed" markdown>', "", *lines, "", "</div>"])


def ref_time(times: dict[str, float], script: str) -> float:
    return max(times[script], 0.01)  # a script that took no measurable time: no division by 0
