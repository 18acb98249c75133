"""What each config field allows, declared on the field itself, and the checks across fields.

Choice fields are `typing.Literal[...]`; numbers carry their range and strings their rule with `typing.Annotated`:
`batch_size: PositiveInt = 128`, `lr: PositiveFloat = 2e-4`, `background: Annotated[str, Colour()]`.
`config.build_dataclass` converts every value to its field's type and applies these rules, so a bad value stops
the command with one line naming the field, the value and what is allowed (exit status 2) before any model is built
or data is read. Rules that involve several fields (the image size a model's down-sampling needs, a decay window's
end after its start) live with the model family, in `GANModel.check_config`, run by `check_run` right after.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from avatargan.errors import ConfigError

if TYPE_CHECKING:
    from avatargan.config import RunConfig


@dataclass(frozen=True)
class Range:
    """A number between `low` and `high` (inclusive unless `*_open`); None is unbounded. Also refuses NaN/Inf."""

    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False

    def describe(self) -> str:
        parts = []
        if self.low is not None:
            parts.append(f"{'more than' if self.low_open else 'at least'} {self.low:g}")
        if self.high is not None:
            parts.append(f"{'less than' if self.high_open else 'at most'} {self.high:g}")
        return "a number " + " and ".join(parts) if parts else "a finite number"

    def problem(self, value: float) -> str | None:
        below = self.low is not None and (value <= self.low if self.low_open else value < self.low)
        above = self.high is not None and (value >= self.high if self.high_open else value > self.high)
        return f"use {self.describe()}" if below or above or not math.isfinite(value) else None


@dataclass(frozen=True)
class Pattern:
    """A string matching `regex` (whole string); `allowed` says what in words."""

    regex: str
    allowed: str

    def problem(self, value: str) -> str | None:
        return None if re.fullmatch(self.regex, value) else f"use {self.allowed}"


@dataclass(frozen=True)
class Colour:
    """A colour Pillow understands: a name (white, black, gray...), #rgb / #rrggbb, or rgb(r, g, b)."""

    def problem(self, value: str) -> str | None:
        from PIL import ImageColor

        try:
            ImageColor.getrgb(value)
        except ValueError:
            return "use a colour name (white, black, gray...), #rrggbb or rgb(r, g, b)"
        return None


@dataclass(frozen=True)
class MetricNames:
    """A comma-separated list of metric names from the catalog."""

    def problem(self, value: str) -> str | None:
        from avatargan.metrics.catalog import METRIC_MEANINGS

        unknown = [n for n in (p.strip() for p in value.split(",")) if n not in METRIC_MEANINGS]
        return f"unknown metric(s) {', '.join(unknown)}; known: {', '.join(METRIC_MEANINGS)}" if unknown else None


@dataclass(frozen=True)
class FolderPath:
    """A folder that exists or can be created: its nearest existing ancestor is a folder we may write in."""

    def problem(self, value: str) -> str | None:
        path = Path(value).expanduser().absolute()
        while not path.exists() and path != path.parent:
            path = path.parent
        if not path.is_dir():
            return f"{path} is a file, not a folder; use a folder path"
        if not os.access(path, os.W_OK | os.X_OK):
            return f"{path} is not writable; use a folder you may write in"
        return None


PositiveInt = Annotated[int, Range(1)]
Count = Annotated[int, Range(0)]  # zero allowed: numbers of layers, blocks, epochs, images in a pool
PositiveFloat = Annotated[float, Range(0, low_open=True)]
Weight = Annotated[float, Range(0)]  # loss weights: zero turns a term off
Decay = Annotated[float, Range(0, 1, high_open=True)]  # Adam betas, EMA decay
Probability = Annotated[float, Range(0, 1)]
Device = Annotated[str, Pattern(r"auto|cpu|cuda(:\d+)?|mps|xpu(:\d+)?", "auto, cpu, cuda or cuda:N")]


def check_value(value: Any, rules: tuple[Any, ...], where: str) -> None:
    """Apply a field's Annotated rules to its (already typed) value."""
    for rule in rules:
        problem = rule.problem(value) if hasattr(rule, "problem") else None
        if problem:
            raise ConfigError(f"{where}: {value!r} is not allowed; {problem}")


def check_choice(value: Any, choices: tuple[Any, ...], where: str) -> Any:
    """A Literal field's value (given as text or as itself) or a ConfigError listing the choices."""
    for choice in choices:
        if value == choice or str(value) == str(choice):
            return choice
    raise ConfigError(f"{where}: {value!r} is not one of {', '.join(str(c) for c in choices)}")


def check_run(cfg: RunConfig) -> None:
    """Rules across fields: the model family's (image size, decay window...), checked before any data work."""
    from avatargan.models import model_class  # late import: models import the config

    model_class(cfg.model.family).check_config(cfg.model, cfg.data.image_size)
    if cfg.train.ema_decay and cfg.train.ema_kimg is not None:
        raise ConfigError(
            "train.ema_kimg and train.ema_decay both set the EMA horizon; keep one (ema_kimg, a half-life in "
            "thousands of images, does not change with the batch size; a decay d at batch size b is "
            "ema_kimg = b·ln 0.5 / ln d / 1000, e.g. 0.995 at batch 32 is 4.4)"
        )
