"""The gallery index follows the book and loads only the pictures a reader can see."""

from __future__ import annotations

import re
from pathlib import Path

import markdown

from docbuild.config import Settings
from docbuild.pages import index_markdown
from docbuild.schema import Figure, Provenance, Record

NAV = """nav:
  - Gallery:
      - gallery/index.md
      - Tensors:
          - gallery/tensors/plot_b.md
          - gallery/tensors/plot_a.md
      - Activation functions:
          - gallery/activations/plot_c.md
"""


def _record(script: str) -> Record:
    return Record(script=script, title=script, description="What it does.", budget="quick",
                  wall_time=1.0, seed=None, provenance=Provenance("3", "jax", "0.7", "CPU"),
                  sections=[], figures=[Figure("f.webp", f"Figure of {script}", 640, 448)],
                  thumbnail={"file": "thumb.webp", "width": 320, "height": 224})


def _index(tmp_path: Path, scripts: list[str]) -> str:
    (tmp_path / "mkdocs.yml").write_text(NAV)
    conf = Settings(root=tmp_path, docs_dir=tmp_path / "docs", gallery_dir=tmp_path / "gallery",
                    generated_dir=tmp_path / "build", cache_dir=tmp_path / ".cache", timeout=60)
    return index_markdown(conf, [_record(s) for s in scripts])


def test_scripts_follow_the_navigation_then_unlisted_ones_alphabetically(tmp_path: Path) -> None:
    page = _index(tmp_path, ["activations/plot_c.py", "zoo/plot_z.py", "tensors/plot_a.py",
                             "tensors/plot_b.py", "cnns/plot_y.py"])
    titles = re.findall(r"\*\*\[([\w/.]+)\]", page)
    assert titles == ["tensors/plot_b.py", "tensors/plot_a.py", "activations/plot_c.py",
                      "cnns/plot_y.py", "zoo/plot_z.py"]


def test_only_the_first_picture_loads_eagerly_and_every_one_has_its_size(tmp_path: Path) -> None:
    page = _index(tmp_path, ["tensors/plot_a.py", "tensors/plot_b.py", "activations/plot_c.py"])
    html = markdown.markdown(page, extensions=["attr_list", "md_in_html"])
    images = re.findall(r"<img [^>]*>", html)
    assert len(images) == 3
    assert [re.search(r'loading="(\w+)"', i).group(1) for i in images] == ["eager", "lazy", "lazy"]
    assert all('width="320"' in i and 'height="224"' in i for i in images), images
    assert not re.search(r"<a [^>]*(loading|width|height)=", html), "attributes set on a link"
