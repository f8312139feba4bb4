"""Find numbers typed into prose that restate what the build computed.

    python -m docbuild drift SITE_DIR     list them, page by page, and count them

Reads the rendered text of every page's article, leaving out what the build wrote itself:
code and outputs (`pre`, `code`), inline values (`span.computed`), parameter tables and
other captured outputs (`.params`, `.output`). What is left is prose a person typed; in it,
these are numbers that restate a result: comma-grouped integers (25,636,712), decimals
(0.97), percentages (97 %), shapes ((1797, 8, 8)), epoch numbers (epoch 12), timings
(3.2 s, 40 ms) and version strings (3.15.1, Keras 3.15). Facts that define an experiment
or a data set may stay as text when they are on the reviewed list (docbuild/drift_allowed.toml),
each with its reason. Each finding names the page, the line of the source it came from
and the number.
"""

from __future__ import annotations

import re
import sys
import tomllib
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

PATTERNS = {
    "grouped integer": r"\b\d{1,3}(?:,\d{3})+\b",
    "shape": r"\(\d+(?:,\s*\d+)+,?\)",
    "percentage": r"\b\d+(?:\.\d+)?\s?%",
    "version": r"\b\d+\.\d+\.\d+\b|\b(?:Keras|TensorFlow|JAX|PyTorch|Python|NumPy)\s+\d+(?:\.\d+)+",
    "timing": r"\b\d+(?:\.\d+)?\s?(?:ms|s|seconds?|minutes?|min)\b",
    "epoch": r"\bepochs?\s+\d+\b",
    "decimal": r"(?<![\d.])\d*\.\d+\b",
}
FOUND = re.compile("|".join(f"(?P<{k.replace(' ', '_')}>{v})" for k, v in PATTERNS.items()))
BUILD_WRITTEN = {"computed", "params", "output", "headerlink"}  # classes of what the build wrote
SKIPPED_TAGS = {"pre", "code", "script", "style", "svg", "nav", "header", "footer"}
VOID = {"img", "br", "hr", "input", "meta", "link", "source", "wbr", "col", "area", "base"}
ALLOWED = Path(__file__).with_name("drift_allowed.toml")
# Pages the build writes whole, from records and benchmark results: nothing on them is typed.
GENERATED = ("gallery/times/", "gallery/backends/", "reference/")


@dataclass(frozen=True)
class Finding:
    page: str  # URL path of the page
    source: str  # the file the prose came from, with the line
    number: str
    kind: str
    context: str

    def __str__(self) -> str:
        return f"{self.source}: {self.number!r} ({self.kind}) in “{self.context}” [/{self.page}]"


class _Prose(HTMLParser):
    """The text of an article that a person typed: not code, outputs or computed values."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # per open element: is it skipped?
        self.article = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "article":
            self.article += 1
        if tag in VOID:
            return
        attrs = dict(attrs)
        classes = set((attrs.get("class") or "").split())
        # Material's search plugin strips data-search-exclude once it has indexed a page,
        # so captured outputs are known by the classes docbuild/render.py gives them.
        skipped = (tag in SKIPPED_TAGS or "data-search-exclude" in attrs
                   or bool(classes & BUILD_WRITTEN))
        self.stack.append(skipped or bool(self.stack and self.stack[-1]))
        if tag in ("p", "li", "td", "th", "h1", "h2", "h3", "h4", "div", "summary", "dd"):
            self.parts.append("\n")

    def handle_endtag(self, tag) -> None:
        if tag == "article":
            self.article -= 1
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data) -> None:
        if self.article and not (self.stack and self.stack[-1]):
            self.parts.append(data)

    def text(self) -> str:
        return re.sub(r"[ \t]+", " ", "".join(self.parts))


def prose(html: str) -> str:
    parser = _Prose()
    parser.feed(html)
    return parser.text()


def _allowed() -> list[dict]:
    return tomllib.loads(ALLOWED.read_text()).get("allow", []) if ALLOWED.is_file() else []


def _source_of(page: str, root: Path) -> Path | None:
    if page.startswith("gallery/"):
        parts = page.strip("/").split("/")
        if len(parts) == 3:
            return root / "gallery" / parts[1] / f"{parts[2]}.py"
        return None
    name = page.strip("/") or "index"
    path = root / "docs" / f"{name}.md"
    return path if path.is_file() else None


def _where(page: str, root: Path, number: str) -> str:
    source = _source_of(page, root)
    if source is None:
        return f"/{page} (generated)"
    for line_number, line in enumerate(source.read_text().splitlines(), start=1):
        if number in line:
            return f"{source.relative_to(root)}:{line_number}"
    return f"{source.relative_to(root)} (not found in the source: generated?)"


def findings(site: Path, root: Path) -> list[Finding]:
    allowed = _allowed()
    found = []
    for html in sorted(site.rglob("index.html")):
        page = html.parent.relative_to(site).as_posix()
        page = "" if page == "." else page + "/"
        if html.parent.name == "notebook" or page.startswith(GENERATED):
            continue  # a notebook view (all output) or a page the build writes whole
        for line in prose(html.read_text()).splitlines():
            for match in FOUND.finditer(line):
                number = match.group(0)
                if any(a["page"] == page and a["text"] == number for a in allowed):
                    continue
                start = max(0, match.start() - 40)
                context = line[start:match.end() + 40].strip()
                found.append(Finding(page, _where(page, root, number), number,
                                     match.lastgroup.replace("_", " "), context))
    return found


def main(argv: list[str]) -> int:
    site = Path(argv[0]) if argv else Path("site")
    root = Path(__file__).resolve().parent.parent
    found = findings(site, root)
    for finding in found:
        print(finding)
    print(f"{len(found)} hand-typed numbers in prose restate computed results "
          f"({len(_allowed())} reviewed exceptions in {ALLOWED.name})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
