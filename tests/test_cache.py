"""The cache key changes when anything that can change a page changes, and only then.

Each input of docbuild/cache.py's key is changed on its own: the key must change (so the
script is executed again) and, with every input as it was, stay the same (so a build with
nothing new executes nothing).
"""

from __future__ import annotations

import ast
import functools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from docbuild import cache, execute

ROOT = Path(__file__).resolve().parent.parent
SCRIPT_TEXT = '''"""
A script
========

What it shows.
"""

import numpy as np
from sklearn.datasets import load_iris

print(np.round(load_iris().data[:2], 1))
'''
BUDGET = "quick"
GPU_POSSIBLE = cache.gpu_possible  # the real one; the tests patch it to say "no GPU"
# What executes a script and writes its record: these and every docbuild module they
# import shape a record, so they must be glue.
RECORD_WRITERS = ("capture.py", "execute.py", "gallery.py", "record.py")
# Variables no library reads: setting them must not re-execute anything.
UNRELATED = {"DOCBUILD_JOBS": "7", "GITHUB_SHA": "0123abcd", "NO_MKDOCS_2_WARNING": "1"}


@pytest.fixture(autouse=True)
def fresh(monkeypatch, tmp_path: Path):
    """Each test starts from this process's real environment, with nothing remembered,
    no GPU driver, a Keras home of its own (no keras.json yet), and a copy of docbuild/
    as the glue (so that an edit in the working tree cannot change a key mid-test)."""
    glue = tmp_path / "docbuild"
    shutil.copytree(cache.GLUE_DIR, glue, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "GLUE_DIR", glue)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))
    for name in ("KERAS_BACKEND", "MATPLOTLIBRC"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MPLCONFIGDIR", str(tmp_path / "mplconfig"))
    monkeypatch.setattr(cache, "gpu_possible", lambda: False)
    cache.forget()
    yield
    cache.forget()


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "gallery" / "chapter" / "plot_script.py"
    path.parent.mkdir(parents=True)
    path.write_text(SCRIPT_TEXT)
    return path


def key(path: Path, budget: str = BUDGET) -> str:
    cache.forget()  # as a new build process would
    return cache.script_key(path, budget)


def test_unchanged_inputs_give_the_same_key(script: Path, monkeypatch) -> None:
    before = key(script)
    assert key(script) == before, "the same script in the same environment got a new key"
    for name, value in UNRELATED.items():
        monkeypatch.setenv(name, value)
    assert key(script) == before, f"setting {sorted(UNRELATED)} changed the key"


def test_script_bytes_and_budget(script: Path) -> None:
    before = key(script)
    assert key(script, "full") != before, "the full and quick budgets share a key"
    script.write_text(SCRIPT_TEXT.replace("[:2]", "[:3]"))
    assert key(script) != before, "an edited script kept its key"


# --- the kernel's environment (execute.kernel_env) ---

@pytest.mark.parametrize("name, value", [
    ("KERAS_MAX_EPOCHS", "1"),  # Keras caps fit() with it
    ("TF_DETERMINISTIC_OPS", "1"),
    ("XLA_FLAGS", "--xla_cpu_enable_fast_math=true"),
    ("CUDA_VISIBLE_DEVICES", ""),  # hides the GPU
    ("JAX_ENABLE_X64", "1"),
    ("OMP_NUM_THREADS", "1"),
    ("XLA_PYTHON_CLIENT_PREALLOCATE", "true"),  # kernel_env's default, a runner may override
])
def test_a_variable_the_libraries_read_changes_the_key(script: Path, monkeypatch, name: str,
                                                       value: str) -> None:
    monkeypatch.delenv(name, raising=False)
    before = key(script)
    monkeypatch.setenv(name, value)
    assert key(script) != before, f"{name}={value} in the kernel's environment kept the key"


def test_a_variable_kernel_env_overrides_does_not_change_the_key(script: Path,
                                                                  monkeypatch) -> None:
    before = key(script)
    monkeypatch.setenv("PYTHONHASHSEED", "123")  # kernel_env sets it to 0 whatever it was
    assert key(script) == before


def test_what_kernel_env_sets_is_covered(script: Path, monkeypatch) -> None:
    before = key(script)
    real = execute.kernel_env
    monkeypatch.setattr(execute, "kernel_env", lambda budget: {**real(budget),
                                                               "TF_CPP_MIN_LOG_LEVEL": "0"})
    assert key(script) != before, "a change to what execute.kernel_env sets kept the key"


# --- Keras's configuration (keras.json, KERAS_BACKEND) ---

def _keras_json(folder: Path, **settings) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    config = {"floatx": "float32", "epsilon": 1e-07, "backend": "tensorflow",
              "image_data_format": "channels_last", **settings}
    (folder / "keras.json").write_text(json.dumps(config, indent=4))


def test_the_keras_json_keras_writes_on_first_import_keeps_the_key(script: Path,
                                                                    tmp_path: Path) -> None:
    before = key(script)
    _keras_json(tmp_path / "keras-home")
    assert key(script) == before, "Keras's default keras.json, once written, changed the key"


@pytest.mark.parametrize("setting, value", [
    ("backend", "jax"), ("floatx", "float64"), ("epsilon", 1e-3),
    ("image_data_format", "channels_first"),
])
def test_a_keras_json_setting_changes_the_key(script: Path, tmp_path: Path, setting: str,
                                              value) -> None:
    before = key(script)
    _keras_json(tmp_path / "keras-home", **{setting: value})
    assert key(script) != before, f'keras.json "{setting}": {value!r} kept the key'


def test_keras_backend_wins_over_keras_json(script: Path, tmp_path: Path, monkeypatch) -> None:
    before = key(script)
    _keras_json(tmp_path / "keras-home", backend="jax")
    monkeypatch.setenv("KERAS_BACKEND", "tensorflow")
    assert key(script) == before, "KERAS_BACKEND=tensorflow did not win over keras.json"
    monkeypatch.setenv("KERAS_BACKEND", "torch")
    assert key(script) != before


def test_keras_json_in_the_home_folder(script: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("KERAS_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    before = key(script)
    _keras_json(tmp_path / "home" / ".keras", backend="jax")
    assert cache.backend_name() == "jax", "~/.keras/keras.json's backend was not read"
    assert key(script) != before


def test_a_matplotlibrc_changes_the_key(script: Path, tmp_path: Path) -> None:
    before = key(script)
    (tmp_path / "mplconfig").mkdir()
    (tmp_path / "mplconfig" / "matplotlibrc").write_text("figure.figsize: 4, 3\n")
    assert key(script) != before, "a matplotlibrc in MPLCONFIGDIR kept the key"


# --- versions and presence of what the kernel imports or probes ---

def _with_version(monkeypatch, target: str, version: str | None) -> None:
    real = cache._distribution

    @functools.cache
    def fake(name: str):
        got, required = real(name)
        return (version if cache._normal(name) == target else got), required

    monkeypatch.setattr(cache, "_distribution", fake)


@pytest.mark.parametrize("distribution", [
    "keras", "tensorflow", "numpy", "matplotlib", "scikit-learn", "pydot", "ipython",
    "scipy",  # scikit-learn requires it: the closure follows requirements
    "pillow", "rich",  # matplotlib's and Keras's own requirements
])
def test_a_version_change_changes_the_key(script: Path, monkeypatch, distribution: str) -> None:
    before = key(script)
    _with_version(monkeypatch, distribution, "999.0")
    assert key(script) != before, f"{distribution} 999.0 kept the key"


@pytest.mark.parametrize("distribution", ["tensorboard", "tensorflow", "pydot"])
def test_a_probed_package_going_missing_changes_the_key(script: Path, monkeypatch,
                                                        distribution: str) -> None:
    before = key(script)
    _with_version(monkeypatch, distribution, None)
    assert key(script) != before, f"uninstalling {distribution} kept the key"


def test_a_package_the_script_does_not_import_keeps_the_key(script: Path, monkeypatch) -> None:
    script.write_text(SCRIPT_TEXT.replace("from sklearn.datasets import load_iris\n", "")
                      .replace("load_iris().data[:2]", "np.ones(2)"))
    before = key(script)
    _with_version(monkeypatch, "scikit-learn", "999.0")
    assert key(script) == before, "a scikit-learn release re-executed a script that never uses it"


def test_a_gpu_plugin_installed_changes_the_key(script: Path, monkeypatch) -> None:
    before = key(script)
    _with_version(monkeypatch, "jax-cuda12-plugin", "0.7.0")
    monkeypatch.setattr(cache, "accelerator_distributions", lambda: {"jax-cuda12-plugin"})
    assert key(script) != before, "installing jax[cuda12]'s plug-in kept the key"


def test_an_import_the_key_cannot_follow_is_an_error(script: Path, tmp_path: Path,
                                                     monkeypatch) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "homemade.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path / "lib"))
    script.write_text(SCRIPT_TEXT.replace("import numpy", "import homemade\nimport numpy"))
    with pytest.raises(cache.CacheKeyError, match=r"plot_script\.py: imports 'homemade'"):
        key(script)


def test_graphviz_dot_installed_or_upgraded_changes_the_key(script: Path, tmp_path: Path,
                                                            monkeypatch) -> None:
    """A "Diagram not drawn" page must not outlive the installation of Graphviz."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    real = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None if name == "dot"
                        else real(name, *a, **k))
    without = key(script)
    monkeypatch.setattr(shutil, "which", real)
    (bin_dir / "dot").write_text("#!/bin/sh\necho 'dot - graphviz version 99.0.0 (0)' >&2\n")
    (bin_dir / "dot").chmod(0o755)
    assert key(script) != without, "installing Graphviz's dot kept the key"
    installed = key(script)
    (bin_dir / "dot").write_text("#!/bin/sh\necho 'dot - graphviz version 99.1.0 (0)' >&2\n")
    assert key(script) != installed, "another version of dot kept the key"


def test_the_python_version_changes_the_key(script: Path, monkeypatch) -> None:
    before = key(script)
    monkeypatch.setattr(cache.platform, "python_version", lambda: "3.99.0")
    assert key(script) != before


# --- the build glue ---

GLUE = ROOT / "docbuild"
GLUE_MODULES = [p.relative_to(GLUE).as_posix() for p in cache.glue_modules(GLUE)]
MIN_GLUE_MODULES = 10  # docbuild/ had 13 such modules and params/ 11 when this was written
assert len(GLUE_MODULES) >= MIN_GLUE_MODULES, f"only {len(GLUE_MODULES)} glue modules found"


@pytest.fixture
def glue() -> Path:
    """The copy of docbuild/ that the key reads in these tests (see ``fresh``)."""
    return cache.GLUE_DIR


def _imported_modules(module: str) -> set[str]:
    """The docbuild modules (paths in docbuild/) that this one imports, directly."""
    path = GLUE / module
    package = path.parent.relative_to(GLUE).parts
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - node.level + 1])
            elif (node.module or "").split(".")[0] == "docbuild":
                base = []
            else:
                continue
            dotted = [p for p in (node.module or "").split(".") if p and p != "docbuild"]
            candidates = [base + dotted + [alias.name] for alias in node.names]
            for candidate in [*candidates, base + dotted]:
                for name in ("/".join(candidate) + ".py", "/".join(candidate) + "/__init__.py"):
                    if (GLUE / name).is_file() and name != "__init__.py":
                        found.add(name)
    return found


def test_the_glue_covers_every_module_that_shapes_a_record() -> None:
    shapers, todo = set(), list(RECORD_WRITERS)
    while todo:
        module = todo.pop()
        if module not in shapers:
            shapers.add(module)
            todo += sorted(_imported_modules(module))
    missing = shapers - set(GLUE_MODULES)
    assert not missing, (f"docbuild/cache.py NOT_GLUE: {sorted(missing)} shape a record "
                         f"(imported when {', '.join(RECORD_WRITERS)} run) but are not glue")
    assert "logs.py" in shapers and any(m.startswith("params") for m in shapers), (
        f"the import walk found too little: {sorted(shapers)}")


def test_not_glue_names_existing_modules() -> None:
    gone = sorted(name for name in cache.NOT_GLUE if not (GLUE / name).is_file())
    assert not gone, f"docbuild/cache.py NOT_GLUE names modules that no longer exist: {gone}"


@pytest.mark.parametrize("module", GLUE_MODULES)
def test_editing_a_glue_module_changes_the_key(script: Path, glue: Path, module: str) -> None:
    before = key(script)
    with (glue / module).open("a") as file:
        file.write("\n# edited\n")
    assert key(script) != before, f"editing docbuild/{module} kept the key"


@pytest.mark.parametrize("module", ["new_step.py", "params/new_layers.py"])
def test_a_new_glue_module_changes_the_key(script: Path, glue: Path, module: str) -> None:
    before = key(script)
    (glue / module).parent.mkdir(exist_ok=True)
    (glue / module).write_text("STEP = 1\n")
    assert key(script) != before, f"adding docbuild/{module} kept the key"


@pytest.mark.parametrize("module", sorted(cache.NOT_GLUE))
def test_editing_a_module_that_shapes_no_record_keeps_the_key(script: Path, glue: Path,
                                                              module: str) -> None:
    before = key(script)
    with (glue / module).open("a") as file:
        file.write("\n# edited\n")
    assert key(script) == before, f"editing docbuild/{module} re-executed the gallery"


# --- the device ---

def test_the_cpu_cores_the_page_names_change_the_key(script: Path, monkeypatch) -> None:
    before = key(script)
    monkeypatch.setattr(cache.os, "sched_getaffinity", lambda pid: {0})
    assert key(script) != before, "the page's \"CPU, 1 cores\" would reuse a 2-core page"
    assert cache.device(BUDGET) == "CPU, 1 cores"


def test_a_gpu_the_backend_sees_changes_the_key(script: Path, monkeypatch) -> None:
    cpu = key(script)
    monkeypatch.setattr(cache, "gpu_possible", lambda: True)
    monkeypatch.setattr(cache, "ask_backend", lambda env: "NVIDIA H200")
    assert key(script) != cpu, "a GPU build would reuse the CPU pages"


@pytest.mark.parametrize("failure", [
    subprocess.CalledProcessError(1, "python", stderr="RuntimeError: CUDA driver mismatch"),
    subprocess.TimeoutExpired("python", cache.PROBE_TIMEOUT),
], ids=["error", "timeout"])
def test_a_device_that_cannot_be_detected_is_an_error(script: Path, monkeypatch,
                                                      failure: Exception) -> None:
    monkeypatch.setattr(cache, "gpu_possible", lambda: True)
    real = subprocess.run

    def run(command, *args, **kwargs):
        if command[1:2] == ["-c"]:
            raise failure
        return real(command, *args, **kwargs)

    monkeypatch.setattr(subprocess, "run", run)
    with pytest.raises(cache.CacheKeyError, match="could not ask the tensorflow backend"):
        key(script)


def test_a_gpu_driver_makes_the_build_ask_the_backend(monkeypatch) -> None:
    real = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: "/usr/bin/nvidia-smi"
                        if name == "nvidia-smi" else real(name, *a, **k))
    assert GPU_POSSIBLE(), "nvidia-smi on the PATH, and the backend is not asked"


def test_the_backend_names_the_device_as_the_page_does() -> None:
    """The real probe, as on a GPU machine: a subprocess that imports Keras (seconds)."""
    answer = cache.ask_backend(execute.kernel_env(BUDGET))
    if GPU_POSSIBLE():
        assert answer, "the backend named no device"
    else:
        assert answer == cache.device(BUDGET), (
            "asked, the backend names the CPU otherwise than the key does without asking")


def test_computing_keys_imports_no_backend(script: Path) -> None:
    """A build with nothing to run must stay as fast as a plain MkDocs build."""
    code = ("import sys; from pathlib import Path; from docbuild.cache import script_key; "
            f"script_key(Path({str(script)!r}), 'quick'); "
            "print(sorted({'keras', 'tensorflow', 'jax', 'torch', 'matplotlib'} & "
            "set(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, check=True)
    assert result.stdout.strip() == "[]", f"computing a key imported {result.stdout.strip()}"


def test_a_variable_the_kernel_does_not_set_cannot_change_the_key_later(monkeypatch) -> None:
    """pytest changes PYTEST_CURRENT_TEST before every test: a key computed in one test must
    equal the key the build (a subprocess started in another) computed for the same script."""
    script = ROOT / "gallery" / "model-lifecycle" / "plot_iris_classifier.py"
    cache.forget()
    monkeypatch.setenv("SOME_TEST_RUNNER_VARIABLE", "test one")
    first = cache.script_key(script, "quick")
    monkeypatch.setenv("SOME_TEST_RUNNER_VARIABLE", "test two")
    assert cache.script_key(script, "quick") == first
    cache.forget()
