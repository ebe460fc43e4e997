"""The application life cycle as data (DESIGN.md, "Application life cycle").

One table of transitions; each carries everything about itself: its name, the label of
its button, the words for "cannot be …" messages, the states it starts from and leads to,
and the permission function that says who may take it. ``available_actions`` (in
selectors) reads it for the page, the API and the tests; ``require_transition`` is the one
check every service makes before it moves an application.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kompetensfond.core.errors import ConflictError
from kompetensfond.core.permissions import Decision as Permission

from . import permissions as perms
from .codes import ErrorCode
from .models import Application, Outcome, Status

DECIDED = frozenset(Outcome.values)
BEFORE_DECISION = frozenset({Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW,
                             Status.RETURNED, Status.RECOMMENDED})
EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})
IN_REVIEW = frozenset({Status.SUBMITTED, Status.IN_REVIEW})


@dataclass(frozen=True)
class Transition:
    name: str
    label: str | Promise         # the button: "Skicka in ansökan"
    done: str | Promise          # in "… kan inte <done>": "skickas in"
    sources: frozenset[str]
    targets: frozenset[str]
    permission: Callable[[Any, Application], Permission]


def _apply(actor: Any, application: Application) -> Permission:
    return perms.can_change_application(actor, application)


TRANSITIONS: dict[str, Transition] = {t.name: t for t in (
    Transition("submit", gettext_lazy("Submit the application"), gettext_lazy("submitted"),
               frozenset({Status.DRAFT, Status.RETURNED}), frozenset({Status.SUBMITTED}),
               _apply),
    Transition("start_review", gettext_lazy("Take into review"),
               gettext_lazy("taken into review"), frozenset({Status.SUBMITTED}),
               frozenset({Status.IN_REVIEW}), perms.can_handle),
    Transition("return", gettext_lazy("Return for completion"),
               gettext_lazy("returned for completion"), IN_REVIEW,
               frozenset({Status.RETURNED}), perms.can_handle),
    Transition("recommend", gettext_lazy("Propose a decision"),
               gettext_lazy("given a proposal"), IN_REVIEW,
               frozenset({Status.RECOMMENDED}), perms.can_handle),
    Transition("decide", gettext_lazy("Record the body's decision"), gettext_lazy("decided"),
               frozenset({Status.RECOMMENDED}), DECIDED, perms.can_record_decision_on),
    Transition("decide_delegated", gettext_lazy("Decide by delegation"),
               gettext_lazy("decided"), frozenset({Status.RECOMMENDED}), DECIDED,
               perms.can_decide_by_delegation),
    Transition("change_decision", gettext_lazy("Change the granted amount"),
               gettext_lazy("changed"), frozenset({Status.GRANTED, Status.PARTLY_GRANTED}),
               frozenset({Status.GRANTED, Status.PARTLY_GRANTED}),
               perms.can_record_decision_on),
    Transition("withdraw", gettext_lazy("Withdraw the application"),
               gettext_lazy("withdrawn"), BEFORE_DECISION, frozenset({Status.WITHDRAWN}),
               _apply),
    # carried out by the follow-up feature
    Transition("start", gettext_lazy("Start"), gettext_lazy("started"),
               frozenset({Status.GRANTED, Status.PARTLY_GRANTED}),
               frozenset({Status.IN_PROGRESS}), perms.can_handle),
    Transition("report", gettext_lazy("Report"), gettext_lazy("reported"),
               frozenset({Status.IN_PROGRESS}), frozenset({Status.REPORTED}), _apply),
    Transition("close", gettext_lazy("Close"), gettext_lazy("closed"),
               frozenset({Status.REPORTED}), frozenset({Status.CLOSED}), perms.can_handle),
)}


def allowed(action: str, current: str, target: str | None = None) -> bool:
    """Whether the table lets ``action`` start from ``current`` (and lead to ``target``)."""
    transition = TRANSITIONS[action]
    if current not in transition.sources:
        return False
    return target is None or target in transition.targets


def require_transition(application: Application, action: str,
                       target: str | None = None) -> Transition:
    """The transition, or ``ConflictError`` (409) saying why the application cannot take
    it from where it is."""
    if not allowed(action, application.status, target):
        raise ConflictError(
            _("An application that is “%(status)s” cannot be %(action)s.")
            % {"status": application.get_status_display(),
               "action": TRANSITIONS[action].done},
            code=ErrorCode.ILLEGAL_TRANSITION)
    return TRANSITIONS[action]
