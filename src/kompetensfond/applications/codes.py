"""The applications app's contracts in one place: every error code it can raise (the API's
``code``) and every audit action it can write."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    ILLEGAL_TRANSITION = "illegal_transition"
    GUIDELINE_ERRORS = "guideline_errors"
    FUND_ENDED = "fund_ended"
    EARMARK_RESTRICTED = "earmark_restricted"
    NEEDS_MEETING = "needs_meeting"
    NOT_DELEGATE = "not_delegate"
    DECISION_DATE = "decision_date"
    MEETING_NOT_HELD = "meeting_not_held"
    MEETING_APPROVED = "meeting_approved"
    MEETING_OTHER_BODY = "meeting_other_body"
    NOT_ON_AGENDA = "not_on_agenda"
    ALREADY_ON_AGENDA = "already_on_agenda"
    PARAGRAPH_TAKEN = "paragraph_taken"
    REVIEW_REQUIRED = "review_required"
    REVIEW_DONE = "review_done"
    CONFLICT_NOT_DECLARED = "conflict_not_declared"
    CONFLICTED = "conflicted"
    CONFLICT_LOCKED = "conflict_locked"
    OWN_APPLICATION = "own_application"
    ALREADY_REPORTED = "already_reported"
    CRITERION_EXISTS = "criterion_exists"
    NOTHING_TO_CHANGE = "nothing_to_change"


class AuditAction(StrEnum):
    APPLICATION_CREATED = "application.created"
    APPLICATION_UPDATED = "application.updated"
    APPLICATION_SUBMIT = "application.submit"
    APPLICATION_START_REVIEW = "application.start_review"
    APPLICATION_RETURN = "application.return"
    APPLICATION_RECOMMEND = "application.recommend"
    APPLICATION_DECIDE = "application.decide"
    APPLICATION_DECIDE_DELEGATED = "application.decide_delegated"
    APPLICATION_WITHDRAW = "application.withdraw"
    APPLICATION_CHANGE_DECISION = "application.change_decision"
    APPLICATION_START = "application.start"
    APPLICATION_REPORT = "application.report"
    APPLICATION_CLOSE = "application.close"
    REVIEWERS_ASSIGNED = "application.reviewers_assigned"
    ATTACHMENT_ADDED = "application.attachment_added"
    CRITERION_CREATED = "criterion.created"
    CONFLICT_DECLARED = "review.conflict_declared"
    CONFLICT_CLEARED = "review.conflict_cleared"
    REVIEW_SUBMITTED = "review.submitted"
    MEETING_CREATED = "meeting.created"
    MEETING_REUSED = "meeting.reused"
    AGENDA_ITEM_ADDED = "meeting.item_added"
    AGENDA_ITEM_REMOVED = "meeting.item_removed"
    AGENDA_ITEM_MOVED = "meeting.item_moved"
    MINUTES_APPROVED = "meeting.minutes_approved"
    DELEGATED_REPORTED = "meeting.delegated_decisions_reported"
    DECISION_RECORDED = "decision.recorded"
    DECISION_DELEGATED = "decision.delegated"
    DECISION_CHANGED = "decision.changed"

    @classmethod
    def of_transition(cls, name: str) -> AuditAction:
        return cls(f"application.{name}")
