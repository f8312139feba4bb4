"""The optimizer's variables, which ``model.summary()`` adds to "Total params".

``summary()`` (keras/src/utils/summary_utils.py) counts ``model.optimizer.variables``
once the model is compiled and the optimizer built (by the first training step).
Keras 3.15.1's optimizers own (keras/src/optimizers/base_optimizer.py):

- ``iteration``, a scalar step counter, always;
- ``learning_rate``, a scalar, unless the rate is a schedule or a callable;
- slots made by ``add_variable_from_reference``, one variable per trainable weight,
  shaped like it and named ``<weight path with _>_<slot>``: Adam's ``momentum`` and
  ``velocity`` (and ``velocity_hat`` with amsgrad), SGD's ``momentum`` when
  ``momentum > 0``, RMSprop's ``velocity``..., ``average`` with ``use_ema`` and
  ``gradient_accumulator`` with ``gradient_accumulation_steps``;
- anything else an optimizer adds (Adafactor's factored rows and columns, a loss
  scale optimizer's counters), listed by name and shape.

Slots are matched to weights by that name and shape, so the row can say "2 slots
per trainable parameter (momentum, velocity)" and the sum is checked against the
count ``summary()`` prints.
"""

from __future__ import annotations

from dataclasses import dataclass

from .base import ParamArithmeticError, evaluate, size


@dataclass(frozen=True)
class OptimizerRow:
    """The optimizer's variables in one row: what they are, their arithmetic, their sum."""

    name: str
    kind: str
    formula: str
    numbers: str
    count: int


def _factors(shape) -> str:
    return " × ".join(str(int(d)) for d in shape) if len(shape) else "1"


def optimizer_row(model) -> OptimizerRow | None:
    """The row for ``model``'s optimizer variables, or ``None`` when summary() shows none."""
    optimizer = getattr(model, "optimizer", None)
    if not (getattr(model, "compiled", False) and optimizer is not None and optimizer.built):
        return None
    weights = {w.path.replace("/", "_"): w for w in model.weights}
    trainable = {id(w) for w in model.trainable_weights}
    slots: dict[str, list] = {}  # slot name -> the weights it shadows
    others = []
    for variable in optimizer.variables:
        matches = [k for k, w in weights.items() if variable.name.startswith(k + "_")
                   and tuple(w.shape) == tuple(variable.shape)]
        if matches:
            key = max(matches, key=len)
            slots.setdefault(variable.name[len(key) + 1:], []).append(weights[key])
        else:
            others.append(variable)

    by_cover: dict[tuple, list[str]] = {}  # slots that shadow the same weights, together
    for slot, shadowed in slots.items():
        by_cover.setdefault(tuple(sorted(id(w) for w in shadowed)), []).append(slot)
    formulas, numbers = [], []
    for cover, names in by_cover.items():
        shadowed = slots[names[0]]
        what = ("trainable parameter" if set(cover) == trainable
                else f"parameter of the {len(shadowed)} weights it updates")
        count = str(size(shadowed))
        lead = f"{len(names)} slots" if len(names) > 1 else "1 slot"
        formulas.append(f"{lead} per {what} ({', '.join(names)})")
        numbers.append(f"{len(names)} × {count}" if len(names) > 1 else count)
    for variable in others:
        formulas.append(variable.name if not len(variable.shape) else
                        f"{variable.name} {_factors(variable.shape)}")
        numbers.append(_factors(variable.shape))
    text, arithmetic = " + ".join(formulas) or "none", " + ".join(numbers) or "0"
    count = size(optimizer.variables)
    if evaluate(arithmetic) != count:
        raise ParamArithmeticError(
            f"params: optimizer {optimizer.name}: {arithmetic} does not equal the "
            f"{count:,} that summary() counts"
        )
    return OptimizerRow(optimizer.name, type(optimizer).__name__, text, arithmetic, count)
