"""Cache keys: a script is re-executed whenever anything that can change its page changed.

A script's key covers, besides its own bytes and the budget:

- the build glue: every module of docbuild/ (subpackages included) except the few in
  NOT_GLUE, which only lay out or check pages built from records, so that a new module
  is covered without anyone remembering to list it;
- the kernel's environment (``execute.kernel_env``): what it sets, and every variable a
  library reads to decide what it computes (ENV_PREFIXES); the build's own cell
  (``execute.PROVENANCE``) is glue;
- Keras's configuration as the kernel's Keras will read it: KERAS_BACKEND, else
  keras.json in KERAS_HOME or ~/.keras (backend, floatx, epsilon, image data format);
- matplotlib's user matplotlibrc, which styles every figure;
- the Python version and machine, and the version of every distribution the kernel
  imports for this script: Keras and its backend, matplotlib (capture.py), IPython
  (which prints results), those the script imports, and all their requirements;
- whether what the pages probe for is there: tensorflow and tensorboard (TensorBoard
  logs, TextVectorization), pydot and Graphviz's ``dot`` (model diagrams, with its
  version);
- the device the backend computes on, as the page names it.

It is computed without importing Keras or a backend in the build process, so that a
build with nothing to run stays as fast as a plain MkDocs build. Only where a GPU could
be present is the backend asked which device it sees, once per build, in a subprocess;
an answer that cannot be had is an error, never "CPU" (which would let a GPU build reuse
CPU pages, or the reverse).
"""

from __future__ import annotations

import ast
import glob
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
from functools import cache
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path

GLUE_DIR = Path(__file__).resolve().parent
# Modules that never shape a record: they render, check or publish pages from records
# at every build, so editing them re-executes nothing. (tests/test_cache.py checks that
# none of them is imported by the modules that execute a script and write its record.)
NOT_GLUE = frozenset({
    "__main__.py",  # the command line
    "apidoc.py",  # chapters' argument tables, from the installed Keras
    "audit.py",  # Lighthouse on the built site
    "backends.py",  # runs the gallery per backend; the backend tables, from records
    "drift.py",  # typed numbers in the rendered prose
    "embed.py",  # chapters' ::gallery directives, from records
    "pages.py",  # gallery pages, from records
    "publish.py",  # swaps the built site in
    "render.py",  # Markdown of outputs, from records
    "serve.py",  # the live preview
    "mkdocs_hooks.py",  # keeps notebook views out of MkDocs' search
    "site.py",  # writes the generated tree
    "zensical.py",  # renders the tree with Zensical
})
BACKEND_PACKAGES = {"tensorflow": ("tensorflow", "tensorflow-cpu"), "jax": ("jax", "jaxlib"),
                    "torch": ("torch",)}
# Imported for every script: capture.py's matplotlib, IPython's formatters (a cell's last
# value), Keras' rich (model summaries).
KERNEL_PACKAGES = ("keras", "matplotlib", "ipython")
# Probed by scripts (importlib.util.find_spec) or imported by Keras only on demand.
PROBED_PACKAGES = ("tensorflow", "tensorboard", "pydot")
# Top-level modules whose distribution has another name.
DISTRIBUTION_OF = {"sklearn": "scikit-learn", "PIL": "pillow", "yaml": "pyyaml",
                   "cv2": "opencv-python", "google": "protobuf"}
# Variables read by Keras, TensorFlow, XLA, JAX, CUDA, PyTorch, matplotlib, the BLAS
# thread pools and Python itself that change what a script computes or shows.
ENV_PREFIXES = ("KERAS_", "TF_", "XLA_", "JAX_", "CUDA_", "NVIDIA_", "ROCR_", "HIP_",
                "TORCH_", "PYTORCH_", "MPL", "MATPLOTLIB", "OMP_", "MKL_", "OPENBLAS_",
                "PYTHONHASHSEED", "PYTHONWARNINGS")
# Read for what they point at, which the key covers itself (keras.json, matplotlibrc, the
# budget), so that a path that differs between machines does not re-execute anything.
ENV_COVERED = frozenset({"KERAS_BACKEND", "KERAS_HOME", "KERAS_REF_BUDGET", "MATPLOTLIBRC",
                         "MPLCONFIGDIR"})
# Keras's defaults for what keras.json may set (keras/src/backend/config.py).
KERAS_DEFAULTS = {"backend": "tensorflow", "floatx": "float32", "epsilon": 1e-07,
                  "image_data_format": "channels_last", "nnx_enabled": False}
# Installed by extras (jax[cuda12], tensorflow[and-cuda]): the kernels a GPU runs.
ACCELERATOR_PREFIXES = ("nvidia-", "jax-cuda", "jax-rocm", "libtpu", "triton", "pytorch-triton")
REQUIREMENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
PROBE_TIMEOUT = 600  # seconds: importing a backend with CUDA can take minutes when cold
PROBE = """\
import json, sys
sys.path.insert(0, {root!r})
from docbuild.capture import provenance
print(json.dumps(provenance()["device"]))
"""


class CacheKeyError(Exception):
    """An input of the cache key could not be determined; the message says which and why."""


def forget() -> None:
    """Drop what this process has learnt about its environment (tests, a long `serve`)."""
    for function in (_kernel_environment, _kernel_changes, _installed_distributions,
                     _distribution, _closure,
                     _dot, _glue_digest, device):
        function.cache_clear()


@cache
def _kernel_environment(budget: str) -> dict[str, str]:
    from .execute import kernel_env

    return kernel_env(budget)


@cache
def _kernel_changes(budget: str) -> frozenset[str]:
    """The variables kernel_env sets or changes, against the environment of that same call
    (never against os.environ later: pytest, for one, changes PYTEST_CURRENT_TEST per test)."""
    from .execute import kernel_env

    before = dict(os.environ)
    return frozenset(name for name, value in kernel_env(budget).items()
                     if before.get(name) != value)


def kernel_variables(budget: str) -> dict[str, str]:
    """The kernel's environment variables that can change what a script computes."""
    env, changed = _kernel_environment(budget), _kernel_changes(budget)
    return {name: value for name, value in sorted(env.items())
            if name not in ENV_COVERED and (name.startswith(ENV_PREFIXES) or name in changed)}


def keras_config(env: dict[str, str]) -> dict:
    """Keras's settings as Keras will read them in a process with this environment.

    As keras/src/backend/config.py does: keras.json in KERAS_HOME, else in ~/.keras (or
    /tmp/.keras when the home folder is not writable), then KERAS_BACKEND over its
    "backend". A missing file gives Keras's defaults, so the key does not change when
    Keras writes its default keras.json on first import.
    """
    home = env.get("KERAS_HOME")
    if home is None:
        base = os.path.expanduser("~")
        home = os.path.join(base if os.access(base, os.W_OK) else "/tmp", ".keras")
    config = dict(KERAS_DEFAULTS)
    path = Path(os.path.expanduser(os.path.join(home, "keras.json")))
    if path.is_file():
        try:
            stored = json.loads(path.read_text())
        except ValueError:
            stored = {}  # Keras ignores a file it cannot parse
        if isinstance(stored, dict):
            config.update({k: stored[k] for k in KERAS_DEFAULTS if k in stored})
    if env.get("KERAS_BACKEND"):
        config["backend"] = env["KERAS_BACKEND"]
    return config


def backend_name(budget: str = "full") -> str:
    return keras_config(_kernel_environment(budget))["backend"]


def matplotlibrc(env: dict[str, str]) -> str:
    """A digest of the user's matplotlibrc, as matplotlib finds it ("none" if none).

    The kernel imports matplotlib in a fresh working directory, so ./matplotlibrc is
    never read; the one in matplotlib's own data follows its version.
    """
    candidates = []
    if env.get("MATPLOTLIBRC"):
        candidates += [env["MATPLOTLIBRC"], os.path.join(env["MATPLOTLIBRC"], "matplotlibrc")]
    if env.get("MPLCONFIGDIR"):
        candidates.append(os.path.join(env["MPLCONFIGDIR"], "matplotlibrc"))
    elif sys.platform.startswith(("linux", "freebsd")):
        config = env.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
        candidates.append(os.path.join(config, "matplotlib", "matplotlibrc"))
    else:
        candidates.append(os.path.expanduser("~/.matplotlib/matplotlibrc"))
    for candidate in map(Path, candidates):
        if candidate.is_file():
            return hashlib.sha256(candidate.read_bytes()).hexdigest()[:16]
    return "none"


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@cache
def _installed_distributions() -> dict[str, metadata.Distribution]:
    """Every installed distribution by normalised name; the first on sys.path wins, as in
    an import."""
    found: dict[str, metadata.Distribution] = {}
    for dist in metadata.distributions():
        if dist.metadata["Name"]:
            found.setdefault(_normal(dist.metadata["Name"]), dist)
    return found


def _installed(name: str) -> bool:
    return _normal(name) in _installed_distributions()


@cache
def _distribution(name: str) -> tuple[str | None, tuple[str, ...]]:
    """(version, or None if not installed; the distributions it requires, extras aside).

    Requirements behind a platform or Python marker count whether or not they apply
    (one that does not is simply absent); those behind an extra do not.
    """
    dist = _installed_distributions().get(_normal(name))
    if dist is None:
        return None, ()
    info = dist.metadata
    required = []
    for text in info.get_all("Requires-Dist") or []:
        requirement, _, marker = text.partition(";")
        if "extra" not in marker:
            required.append(_normal(REQUIREMENT_NAME.match(requirement.strip())[0]))
    return info["Version"], tuple(required)


def accelerator_distributions() -> set[str]:
    """Installed GPU plug-ins and libraries (ACCELERATOR_PREFIXES), which no one requires
    but an extra such as ``jax[cuda12]``."""
    return {name for name in _installed_distributions() if name.startswith(ACCELERATOR_PREFIXES)}


@cache
def _closure(names: frozenset[str]) -> tuple[str, ...]:
    """'name==version' (or 'name absent') for these distributions and all they require."""
    seen, todo = {}, sorted(_normal(n) for n in names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        version, required = _distribution(name)
        seen[name] = f"{name}=={version}" if version else f"{name} absent"
        todo += [r for r in required if r not in seen]
    return tuple(seen[name] for name in sorted(seen))


@cache
def _imported_modules(source: bytes) -> frozenset[str]:
    """Top-level names of the modules the code imports (a chapter embeds a script many
    times: each source is parsed once)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return frozenset()  # the script cannot run; its execution reports where
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module.split(".")[0])
    return frozenset(modules)


def script_distributions(path: Path, source: bytes) -> set[str]:
    """The distributions whose modules the script imports (standard library left out).

    An installed module whose distribution this cannot name is an error (add it to
    DISTRIBUTION_OF): a package the key does not follow could change the page unseen.
    """
    modules = _imported_modules(source)
    names = set()
    for module in sorted(modules - set(sys.stdlib_module_names) - {"docbuild", "__future__"}):
        name = DISTRIBUTION_OF.get(module, module)
        if not _installed(name) and find_spec(module) is not None:
            raise CacheKeyError(
                f"{path}: imports {module!r}, which is installed, but no distribution named "
                f"{name!r} is: add the module's distribution to DISTRIBUTION_OF in "
                "docbuild/cache.py, so that the cache key follows its version")
        names.add(name)
    return names


@cache
def _dot() -> str:
    """Graphviz's `dot` as the model diagrams will meet it: absent, or its version line."""
    dot = shutil.which("dot")
    if not dot:
        return "absent"
    try:
        result = subprocess.run([dot, "-V"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as err:
        return f"unusable: {err}"
    return (result.stderr + result.stdout).strip() or f"exit status {result.returncode}"


def gpu_possible() -> bool:
    """Whether this machine could have a GPU a backend computes on (NVIDIA, or AMD ROCm)."""
    return bool(shutil.which("nvidia-smi") or glob.glob("/dev/nvidia*")
                or os.path.exists("/dev/kfd"))


def ask_backend(env: dict[str, str]) -> str:
    """The device the page will name, from the backend itself, in a subprocess.

    A subprocess, because importing a backend takes seconds and the build process never
    does it; the same Python and environment as the kernel, so the answer is the kernel's.
    """
    command = [sys.executable, "-c", PROBE.format(root=str(GLUE_DIR.parent))]
    backend = keras_config(env)["backend"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, env=env,
                                timeout=PROBE_TIMEOUT, check=True)
        return json.loads(result.stdout.strip().splitlines()[-1])
    except subprocess.CalledProcessError as err:
        raise CacheKeyError(
            f"could not ask the {backend} backend which device it computes on (a GPU may be "
            f"present): {sys.executable} -c <docbuild/cache.py PROBE> exited with status "
            f"{err.returncode}:\n{err.stderr.strip()[-2000:]}") from err
    except subprocess.TimeoutExpired as err:
        raise CacheKeyError(
            f"could not ask the {backend} backend which device it computes on: no answer "
            f"within {PROBE_TIMEOUT} s") from err
    except (OSError, ValueError, IndexError) as err:
        raise CacheKeyError(f"could not ask the {backend} backend which device it computes "
                            f"on: {err!r}") from err


@cache
def device(budget: str) -> str:
    """The device the backend computes on, named as the page's provenance names it.

    Without a GPU driver on the machine, that is the CPU, with the cores this process may
    use (what capture.provenance prints); with one, the backend is asked.
    """
    if gpu_possible():
        return ask_backend(_kernel_environment(budget))
    return f"CPU, {len(os.sched_getaffinity(0))} cores"


def environment(budget: str) -> dict[str, str]:
    """What every script's key covers besides the script and the glue."""
    env = _kernel_environment(budget)
    config = keras_config(env)
    backend = config["backend"]
    return {"budget": budget, "keras_config": json.dumps(config, sort_keys=True),
            "kernel_env": json.dumps(kernel_variables(budget), sort_keys=True),
            "matplotlibrc": matplotlibrc(env), "dot": _dot(), "device": device(budget),
            "python": f"{platform.python_version()} {platform.machine()}",
            "distributions": ";".join(_closure(frozenset(
                {*KERNEL_PACKAGES, *PROBED_PACKAGES, *BACKEND_PACKAGES.get(backend, (backend,)),
                 *accelerator_distributions()})))}


def glue_modules(folder: Path | None = None) -> list[Path]:
    """Every module of the build glue that shapes a record (see NOT_GLUE)."""
    folder = folder or GLUE_DIR
    return [path for path in sorted(folder.rglob("*.py"))
            if path.relative_to(folder).as_posix() not in NOT_GLUE]


@cache
def _glue_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in glue_modules(folder):
        digest.update(f"\n{path.relative_to(folder).as_posix()}\n".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def script_key(path: Path, budget: str) -> str:
    source = path.read_bytes()
    env = environment(budget)
    imported = _closure(frozenset(script_distributions(path, source)))
    digest = hashlib.sha256(source)
    for key, value in sorted({**env, "imported": ";".join(imported)}.items()):
        digest.update(f"\n{key}={value}".encode())
    digest.update(_glue_digest(GLUE_DIR).encode())
    return digest.hexdigest()[:16]
