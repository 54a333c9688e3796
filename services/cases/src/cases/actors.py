"""Who acts on a case: staff from their token, or the system (routing's decisions)."""

from __future__ import annotations

from guichet_contracts.values import Actor, ActorKind
from guichet_kit.auth import Principal

SYSTEM = Actor(kind=ActorKind.SYSTEM, display_name="routing")


def staff_actor(principal: Principal) -> Actor:
    """The token's `preferred_username` is the display name: the kit's Principal does not carry
    the `name` claim."""
    return Actor(kind=ActorKind.STAFF, subject=principal.subject, display_name=principal.username)
