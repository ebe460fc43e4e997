"""Who acts: a person (a ``User``) or the system.

Code that acts without a person (the demo, management commands, imports run by the task
worker) passes ``SYSTEM`` explicitly. ``None`` is never an actor: permission functions
refuse it, so a forgotten ``actor`` can never mean "allowed everything". The audit trail
stores the system's events without a user and shows them as "System".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from .models import User


class SystemActor:
    """The system acting on its own account: not a user, never logged in."""

    pk = None
    is_authenticated = False
    is_superuser = False
    is_active = False
    display_name = "System"

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = SystemActor()

Actor: TypeAlias = "User | SystemActor"


def is_system(actor: Any) -> bool:
    return isinstance(actor, SystemActor)


def user_or_none(actor: Any) -> User | None:
    """The person behind ``actor`` for a foreign key (``None`` for the system)."""
    return actor if actor is not None and not is_system(actor) and actor.pk else None
