"""Cache keys: a script is re-executed only when what could change its output changed.

The key covers the script's bytes, the Keras and backend versions, the device kind and
the budget. It is computed without importing Keras, so a build with nothing to run
stays as fast as a plain MkDocs build.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from functools import cache
from importlib import metadata
from pathlib import Path

BACKEND_PACKAGES = {"tensorflow": ("tensorflow", "tensorflow-cpu"), "jax": ("jax", "jaxlib"),
                    "torch": ("torch",)}
# The build glue whose code shapes a record: editing it re-executes the gallery.
GLUE = ("capture.py", "params.py", "record.py", "script.py")


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def backend_name() -> str:
    return os.environ.get("KERAS_BACKEND", "tensorflow")


@cache
def device_kind() -> str:
    """'CPU' or the NVIDIA GPU's name: what decides which kernels the backend runs."""
    if shutil.which("nvidia-smi"):
        try:
            names = subprocess.run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"],
                                   capture_output=True, text=True, timeout=20, check=True)
            if names.stdout.strip():
                return names.stdout.strip().splitlines()[0]
        except (OSError, subprocess.SubprocessError):
            pass
    return "CPU"


@cache
def environment() -> dict[str, str]:
    backend = backend_name()
    versions = [f"{p}=={v}" for p in BACKEND_PACKAGES.get(backend, (backend,))
                if (v := _version(p))]
    return {"keras": _version("keras") or "?", "backend": backend,
            "backend_versions": ",".join(versions), "device": device_kind()}


@cache
def _glue_digest() -> str:
    here = Path(__file__).parent
    return hashlib.sha256(b"".join((here / name).read_bytes() for name in GLUE)).hexdigest()


def script_key(path: Path, budget: str) -> str:
    digest = hashlib.sha256(path.read_bytes())
    for key, value in sorted(environment().items()):
        digest.update(f"\n{key}={value}".encode())
    digest.update(f"\nbudget={budget}\n".encode())
    digest.update(_glue_digest().encode())
    return digest.hexdigest()[:16]
