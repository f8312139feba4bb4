"""The reference page: every layer class Keras exports, with its formula or its reason.

Generated from the registry at build time, so the page and the arithmetic under the
model summaries can never disagree, and a Keras upgrade that adds a layer fails
the build here (``check_coverage``) until someone explains the new class.
"""

from __future__ import annotations

import keras

from .base import REGISTRY, check_coverage, exported_layer_classes

# Families in reading order; a family missing here is listed after them.
ORDER = ["Dense and embedding", "Convolution", "Recurrent", "Attention", "Normalization",
         "Preprocessing", "Image augmentation", "Pooling", "Reshaping", "Regularization",
         "Activations and fixed functions", "Merging", "Input", "Containers",
         "Read from the weights"]

_LABEL = {"formula": "", "no weights": "no weights: ", "weights": "read from its weights: "}


def reference_markdown() -> str:
    """The whole page, in Markdown: title, lead, one H2 per family, one entry per class."""
    check_coverage()
    exported = exported_layer_classes()
    families: dict[str, list[str]] = {}
    for cls, names in sorted(exported.items(), key=lambda item: item[0].__name__):
        entry = REGISTRY[cls]
        main = cls.__name__ if cls.__name__ in names else names[0]
        aliases = [n for n in names if n != main]
        also = f" (also `{'`, `'.join(aliases)}`)" if aliases else ""
        families.setdefault(entry.family, []).append(
            f"- `{main}`{also}: {_LABEL[entry.source]}{entry.words}."
        )
    counts = {source: sum(1 for c in exported if REGISTRY[c].source == source)
              for source in _LABEL}
    lines = [
        "# Layer parameter reference",
        "",
        f"Every layer class that `keras.layers` exports in Keras {keras.__version__} "
        f"({len(exported)} classes), with the formula that the table under each model "
        "summary uses to explain its parameter count, or the reason it has none. "
        f"{counts['formula']} classes have a formula, {counts['no weights']} own no "
        f"weights, and {counts['weights']} (the base classes and the wrappers of "
        "arbitrary code) are explained by listing their own weights, as is any layer "
        "class you write yourself. Every row of every table is checked against Keras' "
        "own count when the site is built.",
    ]
    for family in sorted(families, key=lambda f: (ORDER.index(f) if f in ORDER else 99, f)):
        lines += ["", f"## {family}", "", *families[family]]
    return "\n".join(lines) + "\n"
