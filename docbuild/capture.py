"""Runs in the child that executes a gallery script (docbuild/forkshell.py), never in the
build itself.

It turns every open matplotlib figure into a display output after each cell (SVG for
plots, PNG at 2x when a figure holds raster images), with alt text taken from the
figure's titles, puts the parameter arithmetic table under every model summary, and
after each cell records the script's top-level values that changed (what prose may cite
as an inline value; see docbuild/values.py).
"""

from __future__ import annotations

import base64
import gc
import io
import json
import os
import sys
import warnings

PNG_DPI = 200  # 2x of matplotlib's 100 dpi: crisp on high-density screens
SVG_LIMIT = 150_000  # bytes; a larger SVG is drawn as PNG instead
PNG_LIMIT = 250_000  # bytes; a larger PNG (a photograph) is tried as JPEG
JPEG_QUALITY = 85


def _alt_text(fig) -> str:
    """Say what the figure shows, from the titles and axis labels its script gave it."""
    parts = []
    if fig._suptitle is not None and fig._suptitle.get_text():
        parts.append(fig._suptitle.get_text())
    for ax in fig.axes:
        title = ax.get_title()
        labels = [label for label in (ax.get_ylabel(), ax.get_xlabel()) if label]
        axis = " against ".join(labels)
        if title and axis:
            parts.append(f"{title} ({axis})")
        elif title or axis:
            parts.append(title or axis)
    return "; ".join(parts) or fig.get_label() or "Figure"


def _has_raster(fig) -> bool:
    return any(ax.images for ax in fig.axes)


def _encode(fig, kind: str) -> tuple[str, bytes]:
    buffer = io.BytesIO()
    if kind == "svg":
        # Fixed metadata and hashsalt keep the SVG identical from build to build.
        fig.savefig(buffer, format="svg", bbox_inches="tight",
                    metadata={"Date": None, "Creator": None})
        return "image/svg+xml", buffer.getvalue()
    if kind == "jpeg":
        fig.savefig(buffer, format="jpeg", dpi=PNG_DPI, bbox_inches="tight",
                    pil_kwargs={"quality": JPEG_QUALITY})
        return "image/jpeg", buffer.getvalue()
    fig.savefig(buffer, format="png", dpi=PNG_DPI, bbox_inches="tight")
    return "image/png", buffer.getvalue()


def _smallest_good_encoding(fig) -> tuple[str, bytes]:
    """SVG for line plots, PNG for raster images; what would weigh a page down goes raster.

    An SVG of many thousands of points (a dense scatter) is heavy to download and to
    draw, so past SVG_LIMIT it becomes a PNG; a photograph is large as PNG, so past
    PNG_LIMIT it becomes a JPEG when that is less than half the size.
    """
    if not _has_raster(fig):
        mime, data = _encode(fig, "svg")
        if len(data) <= SVG_LIMIT:
            return mime, data
    mime, data = _encode(fig, "png")
    if len(data) > PNG_LIMIT:
        jpeg = _encode(fig, "jpeg")
        if len(jpeg[1]) < len(data) / 2:
            return jpeg
    return mime, data


def _display(data: dict, metadata: dict) -> None:
    """A display_data output of the cell running now."""
    _PUBLISH[0]({"output_type": "display_data", "data": data, "metadata": metadata})


def _emit_figures() -> None:
    import matplotlib.pyplot as plt

    for number in plt.get_fignums():
        fig = plt.figure(number)
        width, height = (round(v * 100) for v in fig.get_size_inches())
        mime, data = _smallest_good_encoding(fig)
        text = data.decode() if mime == "image/svg+xml" else base64.b64encode(data).decode()
        meta = {"docbuild": {"alt": _alt_text(fig), "width": width, "height": height}}
        _display({mime: text}, meta)
        plt.close(fig)


def _patch_summary() -> None:
    """Show the parameter arithmetic under every model.summary() the script prints."""
    import keras
    import rich.console

    from docbuild.params import param_table_markdown

    if getattr(keras.Model.summary, "_docbuild", False):
        return
    original = keras.Model.summary

    def summary(self, *args, **kwargs):
        # Plain text on stdout rather than rich's coloured HTML: readable on any page.
        kwargs.setdefault("print_fn", print)
        # As wide as a notebook draws it: rich lays out 115 columns in Jupyter, and 80 (or
        # $COLUMNS) elsewhere, which would cut a `line_length=100` summary. Only rich's
        # console reads this copy of the environment; Keras' own default width does not.
        environ = rich.console.Console._environ
        rich.console.Console._environ = {**os.environ, "COLUMNS": str(NOTEBOOK_COLUMNS)}
        try:
            result = original(self, *args, **kwargs)
        finally:
            rich.console.Console._environ = environ
        table = param_table_markdown(self, layer_range=kwargs.get("layer_range"))
        _display({"text/markdown": table}, {"docbuild": {"kind": "params"}})
        return result

    summary._docbuild = True
    keras.Model.summary = summary


_SKIP = object()
MAX_ITEMS = 1000  # a list longer than this (a data set) is not a value prose cites
MAX_TEXT = 500


def encode_value(value, depth: int = 0):
    """A JSON form of a value prose may cite, or _SKIP.

    Numbers, strings, booleans and None as themselves; NumPy scalars as Python numbers;
    tuples as {"__tuple__": [...]} (so a shape prints as one); lists and str-keyed dicts
    of such values; arrays and tensors as their shape and dtype; a Keras History as its
    history, epoch and params.
    """
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return value if len(value) <= MAX_TEXT else _SKIP
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(value, numpy.generic):
        return encode_value(value.item(), depth)
    if depth >= 4:
        return _SKIP
    if isinstance(value, tuple | list) and len(value) <= MAX_ITEMS:
        items = [encode_value(v, depth + 1) for v in value]
        if any(i is _SKIP for i in items):
            return _SKIP
        return {"__tuple__": items} if isinstance(value, tuple) else items
    if isinstance(value, dict) and len(value) <= MAX_ITEMS and all(
            isinstance(k, str) for k in value):
        items = {k: encode_value(v, depth + 1) for k, v in value.items()}
        return {k: v for k, v in items.items() if v is not _SKIP}
    if type(value).__name__ == "History" and hasattr(value, "history"):
        return {"__object__": {k: encode_value(getattr(value, k, None), depth + 1)
                               for k in ("history", "epoch", "params")}}
    shape = getattr(value, "shape", None)
    if shape is not None and hasattr(value, "dtype") and not isinstance(value, type):
        try:
            dims = [None if d is None else int(d) for d in tuple(shape)]
        except (TypeError, ValueError):
            return _SKIP
        return {"__array__": {"shape": dims, "dtype": str(value.dtype)}}
    return _SKIP


def _emit_values(namespace: dict) -> None:
    """Display the top-level values this cell changed (the build records, never shows, them)."""
    changed = {}
    for name, value in list(namespace.items()):
        if name.startswith("_"):
            continue
        encoded = encode_value(value)
        if encoded is _SKIP:
            continue
        try:
            text = json.dumps(encoded, sort_keys=True, allow_nan=True)
        except (TypeError, ValueError):
            continue
        if _VALUES.get(name) != text:
            _VALUES[name] = text
            changed[name] = encoded
    if changed:
        _display({"application/json": changed}, {"docbuild": {"kind": "values"}})


def before_cell() -> None:
    if "keras" in sys.modules:
        _patch_summary()


def after_cell(namespace: dict) -> None:
    """After each of the script's cells: its figures, then the values it changed."""
    if "matplotlib.pyplot" in sys.modules:
        _emit_figures()
    if "keras" in sys.modules:
        _patch_summary()
    _emit_values(namespace)


NOTEBOOK_COLUMNS = 115  # rich's width in Jupyter (rich.console.JUPYTER_DEFAULT_COLUMNS)
_PUBLISH: list = []  # where outputs go, set by install()
_VALUES: dict = {}  # name -> JSON of its last recorded value


def install(publish) -> None:
    """Set up capture for the script about to run, in the child docbuild/forkshell.py
    forks for it (nothing an earlier script changed is there); ``publish`` takes each
    display_data output."""
    import matplotlib

    # plt.show() under Agg only warns; the figures are emitted after the cell instead.
    warnings.filterwarnings("ignore", message=".*non-interactive.*")
    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "docbuild"
    # What is alive now (the libraries the fork server imported) stays alive: freezing it
    # spares every later garbage collection a walk over TensorFlow's objects. Kernels
    # running one script after another took less time for it (bench/kernel_gc.md).
    gc.freeze()
    _PUBLISH[:] = [publish]
    _VALUES.clear()
    reset_peak_memory()


def provenance() -> dict:
    """What produced this page: versions, backend and the device the backend computes on."""
    import keras

    backend = keras.backend.backend()
    device = None
    module = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}.get(backend, backend)
    version = getattr(sys.modules.get(module) or __import__(module), "__version__", "?")
    if backend == "tensorflow":
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        if gpus:
            device = tf.config.experimental.get_device_details(gpus[0]).get("device_name", "GPU")
    elif backend == "jax":
        import jax

        first = jax.devices()[0]
        device = first.device_kind if first.platform == "gpu" else None
    elif backend == "torch":
        import torch

        device = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    if device is None:
        device = f"CPU, {len(os.sched_getaffinity(0))} cores"
    return {"keras": keras.__version__, "backend": backend, "backend_version": version,
            "device": device}


def reset_peak_memory() -> None:
    """Start this script's peak-memory count (Linux: writing 5 to clear_refs resets VmHWM)."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass  # not Linux, or not allowed here: the peak then counts from kernel start


def peak_memory_mb() -> float | None:
    """The kernel's peak resident memory since reset_peak_memory(), in MB (None if unknown)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def print_provenance() -> None:
    print(json.dumps({**provenance(), "peak_memory_mb": peak_memory_mb()}))
