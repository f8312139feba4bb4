"""Turn the notebook pages mkdocs-jupyter renders into plain Material pages.

Out of the box each page carries about 590 KB of inline JupyterLab CSS (render-blocking,
mostly unused, with code colours below contrast guidelines), scripts for MathJax,
Mermaid (loaded from a CDN) and a clipboard web component, every code cell twice (once
highlighted, once as hidden text for that clipboard button) and five nested wrappers
around each cell. Here the Markdown cells become the page's own prose, the code cells
become Material code blocks (so Material's copy button, colours and fonts apply), the
outputs keep their JupyterLab classes, and the rest is dropped. The few rules the
outputs need are in docs/assets/notebook.css.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

STYLE = re.compile(r"<style[^>]*>.*?</style>", re.S)
# Everything mkdocs-jupyter puts before the notebook: its scripts and their comments.
PREAMBLE = re.compile(r"(?:\s*(?:<script[^>]*>.*?</script>|<!--.*?-->))+\s*"
                      r'(?=<div class="jupyter-wrapper">)', re.S)
# Nothing a reader sees: copy machinery Material replaces, collapsers, prompts.
DROPPED = ".zeroclipboard-container, .clipboard-copy-txt, .jp-Collapser, .jp-OutputPrompt"
# Wrappers whose only job was JupyterLab's layout.
UNWRAPPED = ".jp-Cell-outputWrapper, .jp-OutputArea, .jp-OutputArea-child"
# Pygments spans that change nothing on screen: whitespace, and plain names, which
# Material colours with the code's own foreground colour.
PLAIN_SPAN = re.compile(r'<span class="[wn]">([^<]*)</span>')
# Operators and punctuation share one colour in both schemes (Material's slate scheme and
# docs/assets/site.css), so neighbours can share one span.
SAME_COLOUR_PAIR = re.compile(
    r'<span class="([op])">([^<]*)</span><span class="[op]">([^<]*)</span>')


def _code_block(wrapper) -> None:
    """A cell's input becomes exactly what pymdownx.highlight writes for a fence."""
    highlight = wrapper.select_one("div.highlight-ipynb")
    pre = highlight.pre
    code = BeautifulSoup("", "html.parser").new_tag("code")
    for child in list(pre.contents)[1:]:  # after Pygments' leading empty <span>
        code.append(child.extract())
    pre.append(code)
    highlight["class"] = ["highlight"]
    wrapper.replace_with(highlight)


def _restructure(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.select(DROPPED):
        element.decompose()
    for cell in soup.select("div.jp-Cell"):
        if "jp-MarkdownCell" in cell["class"]:
            cell.replace_with(*cell.select_one(".jp-MarkdownOutput").contents)
            continue
        del cell["id"]
        wrapper = cell.select_one(".jp-Cell-inputWrapper")
        if wrapper is not None:
            _code_block(wrapper)
    for element in soup.select(UNWRAPPED):
        element.unwrap()
    for link in soup.select("a.anchor-link"):  # heading permalinks, as on chapter pages
        link["class"] = ["headerlink"]
        link["title"] = "Permanent link"
    return str(soup)


def lighten_code(html: str) -> str:
    """Fewer elements in highlighted code, same look (model-lifecycle: 2,329 -> 1,866).

    Material measures the page's layout as it starts, and on long pages the thousands of
    one-token spans made that the largest part of Lighthouse's blocking time.
    """
    html = PLAIN_SPAN.sub(r"\1", html)
    merged = None
    while merged != html:
        merged, html = html, SAME_COLOUR_PAIR.sub(r'<span class="\1">\2\3</span>', html)
    return html


def slim_notebook_content(html: str) -> str:
    html = PREAMBLE.sub("", STYLE.sub("", html), count=1)
    html = _restructure(html)
    # Outputs scroll sideways: keyboard users must be able to focus them.
    return html.replace("<pre>", '<pre tabindex="0">')
