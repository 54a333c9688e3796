"""The stack's components, in start order (they start in parallel; order is for display)."""

from __future__ import annotations

from guichet_stack.components.base import Component, Daemon
from guichet_stack.components.nats import Nats
from guichet_stack.components.oidc import OidcProvider
from guichet_stack.components.postgres import Postgres
from guichet_stack.components.seaweed import SeaweedS3
from guichet_stack.components.smtp import SmtpSink

__all__ = ["COMPONENTS", "COMPONENT_NAMES", "Component", "Daemon", "select"]

COMPONENTS: tuple[Component, ...] = (Postgres(), Nats(), SeaweedS3(), OidcProvider(), SmtpSink())
COMPONENT_NAMES = tuple(component.name for component in COMPONENTS)


def select(names: list[str] | None = None, without: list[str] | None = None) -> list[Component]:
    unknown = set(names or []) | set(without or [])
    unknown -= set(COMPONENT_NAMES)
    if unknown:
        raise ValueError(f"unknown component(s) {sorted(unknown)}; known: {COMPONENT_NAMES}")
    chosen = [c for c in COMPONENTS if names is None or c.name in names]
    return [c for c in chosen if c.name not in (without or [])]
