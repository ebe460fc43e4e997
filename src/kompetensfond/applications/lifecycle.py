"""The application life cycle as data: one table of actions, the states each may start
from and the state it leads to (DESIGN.md, "Application life cycle")."""

from __future__ import annotations

from dataclasses import dataclass

from .models import Status

DECIDED = frozenset({Status.GRANTED, Status.PARTLY_GRANTED, Status.REJECTED})
BEFORE_DECISION = frozenset({Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW,
                             Status.RETURNED, Status.RECOMMENDED})
EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    targets: frozenset[str]


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(frozenset({Status.DRAFT, Status.RETURNED}),
                         frozenset({Status.SUBMITTED})),
    "start_review": Transition(frozenset({Status.SUBMITTED}), frozenset({Status.IN_REVIEW})),
    "return": Transition(frozenset({Status.SUBMITTED, Status.IN_REVIEW}),
                         frozenset({Status.RETURNED})),
    "recommend": Transition(frozenset({Status.SUBMITTED, Status.IN_REVIEW}),
                            frozenset({Status.RECOMMENDED})),
    "decide": Transition(frozenset({Status.RECOMMENDED}), DECIDED),
    "withdraw": Transition(BEFORE_DECISION, frozenset({Status.WITHDRAWN})),
    # carried out by the follow-up feature
    "start": Transition(frozenset({Status.GRANTED, Status.PARTLY_GRANTED}),
                        frozenset({Status.IN_PROGRESS})),
    "report": Transition(frozenset({Status.IN_PROGRESS}), frozenset({Status.REPORTED})),
    "close": Transition(frozenset({Status.REPORTED}), frozenset({Status.CLOSED})),
}


def allowed(action: str, current: str, target: str | None = None) -> bool:
    transition = TRANSITIONS[action]
    if current not in transition.sources:
        return False
    return target is None or target in transition.targets


def actions_from(current: str) -> list[str]:
    return [name for name, t in TRANSITIONS.items() if current in t.sources]
