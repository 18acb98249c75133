"""Name → class registries (models, data sources); adding one is a decorator, not an if/elif ladder."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from avatargan.errors import ConfigError

T = TypeVar("T")


class Registry(Generic[T]):
    """A named table of factories with a helpful error for unknown names."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}

    def register(self, name: str) -> Callable[[T], T]:
        def add(item: T) -> T:
            if name in self._items:
                raise ValueError(f"{self.kind} {name!r} is registered twice")
            self._items[name] = item
            return item

        return add

    def get(self, name: str) -> T:
        try:
            return self._items[name]
        except KeyError:
            known = ", ".join(sorted(self._items)) or "(none)"
            raise ConfigError(f"unknown {self.kind} {name!r}; choose one of: {known}") from None

    def names(self) -> list[str]:
        return sorted(self._items)

    def __contains__(self, name: str) -> bool:
        return name in self._items


MODELS: Registry = Registry("model")
DATASETS: Registry = Registry("built-in dataset")
METRICS: Registry = Registry("metric")
