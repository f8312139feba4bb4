"""Runs inside the kernel that executes a gallery script (never imported by the build itself).

It turns every open matplotlib figure into a display output after each cell (SVG for
plots, PNG at 2x when a figure holds raster images), with alt text taken from the
figure's titles, and puts the parameter arithmetic table under every model summary.
"""

from __future__ import annotations

import base64
import io
import json
import os
import sys
import warnings

PNG_DPI = 200  # 2x of matplotlib's 100 dpi: crisp on high-density screens


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


def _emit_figures() -> None:
    import matplotlib.pyplot as plt
    from IPython.display import display

    for number in plt.get_fignums():
        fig = plt.figure(number)
        buffer = io.BytesIO()
        width, height = (round(v * 100) for v in fig.get_size_inches())
        if _has_raster(fig):
            fig.savefig(buffer, format="png", dpi=PNG_DPI, bbox_inches="tight")
            data = {"image/png": base64.b64encode(buffer.getvalue()).decode()}
        else:
            # Fixed metadata and hashsalt keep the SVG identical from build to build.
            fig.savefig(buffer, format="svg", bbox_inches="tight",
                        metadata={"Date": None, "Creator": None})
            data = {"image/svg+xml": buffer.getvalue().decode()}
        meta = {"docbuild": {"alt": _alt_text(fig), "width": width, "height": height}}
        display(data, metadata=meta, raw=True)
        plt.close(fig)


def _patch_summary() -> None:
    """Show the parameter arithmetic under every model.summary() the script prints."""
    import keras
    from IPython.display import display

    from docbuild.params import param_table_markdown

    if getattr(keras.Model.summary, "_docbuild", False):
        return
    original = keras.Model.summary

    def summary(self, *args, **kwargs):
        # Plain text on stdout rather than rich's coloured HTML: readable on any page.
        kwargs.setdefault("print_fn", print)
        result = original(self, *args, **kwargs)
        display({"text/markdown": param_table_markdown(self)},
                metadata={"docbuild": {"kind": "params"}}, raw=True)
        return result

    summary._docbuild = True
    keras.Model.summary = summary


def _before_cell(*_args) -> None:
    if "keras" in sys.modules:
        _patch_summary()


def _after_cell(*_args) -> None:
    if "matplotlib.pyplot" in sys.modules:
        _emit_figures()
    if "keras" in sys.modules:
        _patch_summary()


def install(ipython) -> None:
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "docbuild"
    # plt.show() under Agg only warns; the figures are emitted after the cell instead.
    warnings.filterwarnings("ignore", message=".*non-interactive.*")
    ipython.events.register("pre_run_cell", _before_cell)
    ipython.events.register("post_run_cell", _after_cell)


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


def print_provenance() -> None:
    print(json.dumps(provenance()))
