"""Writes for applications, by sub-domain: drafting, the life cycle before a decision,
review, decisions and meetings. Each public function is a ``@service``."""

from ._common import GuidelineError
from .decisions import (
    decision_change,
    decision_record,
    decision_record_at_meeting,
    decision_record_delegated,
)
from .drafting import Line, application_create, application_update, attachment_add
from .lifecycle import (
    application_recommend,
    application_return,
    application_start_review,
    application_submit,
    application_withdraw,
)
from .meetings import (
    agenda_item_add,
    agenda_item_move,
    agenda_item_remove,
    delegated_decisions_report,
    meeting_create,
    minutes_approve,
)
from .review import (
    conflict_clear,
    conflict_declare,
    criterion_create,
    review_save,
    review_submit,
    reviewers_assign,
)

__all__ = [
    "GuidelineError",
    "Line",
    "agenda_item_add",
    "agenda_item_move",
    "agenda_item_remove",
    "application_create",
    "application_recommend",
    "application_return",
    "application_start_review",
    "application_submit",
    "application_update",
    "application_withdraw",
    "attachment_add",
    "conflict_clear",
    "conflict_declare",
    "criterion_create",
    "decision_change",
    "decision_record",
    "decision_record_at_meeting",
    "decision_record_delegated",
    "delegated_decisions_report",
    "meeting_create",
    "minutes_approve",
    "review_save",
    "review_submit",
    "reviewers_assign",
]
