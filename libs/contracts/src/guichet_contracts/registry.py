"""Registry of event payload models by (type, version).

`schema_export` enumerates it to publish one JSON Schema per event version; consumers look up
the model of an incoming envelope with `decode()`. The default `registry` discovers the event
modules under `guichet_contracts.events` (one module per aggregate) the first time it is read,
so a consumer never misses a model because nobody imported its module.
"""

from __future__ import annotations

import builtins
import importlib
import pkgutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from guichet_contracts.envelope import Envelope
from guichet_contracts.payload import EventPayload

P = TypeVar("P", bound=type[EventPayload])


class UnknownEventError(LookupError):
    """No payload model is registered for this (type, version)."""


@dataclass(frozen=True, order=True)
class RegisteredEvent:
    type: str
    version: int
    model: builtins.type[EventPayload] = field(compare=False)

    @property
    def name(self) -> str:
        return f"{self.type}.v{self.version}"


class EventRegistry:
    def __init__(self, *, discover: str | None = None) -> None:
        """`discover`: dotted name of a package whose modules are imported (and so register
        their events) before the registry is first read."""
        self._models: dict[tuple[str, int], type[EventPayload]] = {}
        self._discover = discover

    def register(self, model: P) -> P:
        """Register a payload model; usable as a class decorator. Idempotent for the same model,
        an error for another model with the same (type, version)."""
        key = model.event_identity()
        existing = self._models.get(key)
        if existing is not None and existing is not model:
            raise ValueError(
                f"{key[0]} v{key[1]} is already registered to {existing.__module__}."
                f"{existing.__qualname__}"
            )
        self._models[key] = model
        return model

    def lookup(self, event_type: str, version: int) -> type[EventPayload]:
        self._load()
        try:
            return self._models[(event_type, version)]
        except KeyError:
            raise UnknownEventError(
                f"no event model registered for {event_type} v{version}"
            ) from None

    def decode(self, envelope: Envelope) -> EventPayload:
        """The envelope's payload as its registered model, validated the consumer's way."""
        return envelope.payload(self.lookup(envelope.type, envelope.version))

    def events(self) -> list[RegisteredEvent]:
        """Every registered event, sorted by (type, version)."""
        self._load()
        return sorted(
            RegisteredEvent(event_type, version, model)
            for (event_type, version), model in self._models.items()
        )

    def __iter__(self) -> Iterator[RegisteredEvent]:
        return iter(self.events())

    def __len__(self) -> int:
        self._load()
        return len(self._models)

    def __contains__(self, key: object) -> bool:
        self._load()
        return key in self._models

    def _load(self) -> None:
        if self._discover is None:
            return
        package_name, self._discover = self._discover, None
        package = importlib.import_module(package_name)
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}."):
            importlib.import_module(module.name)


registry = EventRegistry(discover="guichet_contracts.events")
register = registry.register
