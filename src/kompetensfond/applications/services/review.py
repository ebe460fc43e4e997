"""Review: the fund's criteria, reviewers assigned, conflicts of interest declared before
scoring, and the scores."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from kompetensfond.audit.services import record_event
from kompetensfond.core.actors import Actor
from kompetensfond.core.errors import ConflictError, ValidationError
from kompetensfond.core.models import Role, User
from kompetensfond.core.permissions import check, has_role
from kompetensfond.core.services import service
from kompetensfond.funds.models import Fund

from ..codes import AuditAction, ErrorCode
from ..lifecycle import IN_REVIEW
from ..models import SCORE_MAX, SCORE_MIN, Application, Criterion, Review, Score, Status
from ..notifications import notify
from ..permissions import can_handle, can_handle_applications, can_review
from ._common import _lock_application, _transition_apply

REVIEW_DAYS = 14  # the default time a reviewer has to assess


@service
def criterion_create(*, actor: Actor, fund: Fund, name: str, weight: int) -> Criterion:
    check(can_handle_applications(actor, fund.municipality))
    name = name.strip()
    if not name:
        raise ValidationError(_("Enter a name."), fields={"name": [_("Enter a name.")]})
    if not 1 <= weight <= 10:
        message = _("The weight must be from 1 to 10.")
        raise ValidationError(message, fields={"weight": [message]})
    if Criterion.objects.filter(fund=fund, name=name).exists():
        raise ConflictError(_("The fund already has that criterion."),
                            code=ErrorCode.CRITERION_EXISTS)
    criterion = Criterion.objects.create(fund=fund, name=name, weight=weight)
    record_event(actor=actor, action=AuditAction.CRITERION_CREATED, obj=criterion,
                 municipality=fund.municipality, changes={"name": name, "weight": weight})
    return criterion


@service
def reviewers_assign(*, actor: Actor, application: Application,
                     reviewers: Iterable[User], due_date: date | None = None) -> list[Review]:
    """Assign reviewers, to assess by ``due_date`` (REVIEW_DAYS from today unless given);
    a submitted application is taken into review. Nobody assesses an application they
    wrote or are the contact person for."""
    application = _lock_application(application)
    check(can_handle(actor, application))
    today = timezone.localdate()
    due_date = due_date or today + timedelta(days=REVIEW_DAYS)
    if not today <= due_date <= today + timedelta(days=366):
        raise ValidationError(_("The review deadline must lie between today and a year "
                                "from now."), fields={"due_date": [_("Choose a later date.")
                                                                   if due_date < today else
                                                                   _("Choose an earlier date.")]})
    if application.status not in IN_REVIEW:
        raise ConflictError(_("Reviewers are assigned to submitted applications."),
                            code=ErrorCode.ILLEGAL_TRANSITION)
    created = []
    for reviewer in sorted(reviewers, key=lambda r: r.pk):
        membership = getattr(reviewer, "membership", None)
        if membership is None or membership.municipality_id != application.municipality_id \
                or not has_role(reviewer, Role.REVIEWER, Role.FUND_ADMIN):
            raise ValidationError(_("%(name)s is not a reviewer in the municipality.")
                                  % {"name": reviewer.display_name})
        if reviewer.pk in (application.created_by_id, application.contact_id):
            raise ConflictError(_("%(name)s wrote the application or is its contact person and "
                                  "cannot assess it.") % {"name": reviewer.display_name},
                                code=ErrorCode.OWN_APPLICATION)
        review, was_created = Review.objects.get_or_create(
            application=application, reviewer=reviewer, defaults={"due_date": due_date})
        if was_created:
            created.append(review)
    if application.status == Status.SUBMITTED:
        _transition_apply(application, "start_review", Status.IN_REVIEW, actor=actor)
    notify("assigned", application, [review.reviewer for review in created])
    record_event(actor=actor, action=AuditAction.REVIEWERS_ASSIGNED, obj=application,
                 changes={"reviewers": [r.reviewer.display_name for r in created],
                          "due_date": due_date.isoformat()})
    return created


def _lock_review(review: Review) -> Review:
    return (Review.objects.select_for_update(of=("self",))
            .select_related("application", "application__fund").get(pk=review.pk))


@service
def conflict_declare(*, actor: Actor, review: Review, conflict: bool,
                     reason: str = "") -> Review:
    """The reviewer's declaration of conflict of interest (jäv), made before scoring. A
    conflicted reviewer neither scores nor sees the others' scores, and cannot take the
    declaration back: only a case officer can (``conflict_clear``)."""
    review = _lock_review(review)
    check(can_review(actor, review))
    if review.submitted_at is not None:
        raise ConflictError(_("The assessment is already submitted."),
                            code=ErrorCode.REVIEW_DONE)
    if review.conflict and not conflict:
        raise ConflictError(_("You have declared a conflict of interest. Only a case officer "
                              "can lift it."), code=ErrorCode.CONFLICT_LOCKED)
    if conflict and not reason.strip():
        message = _("Describe the conflict of interest.")
        raise ValidationError(message, fields={"reason": [message]})
    review.conflict, review.conflict_reason = conflict, reason.strip()
    review.save(update_fields=["conflict", "conflict_reason"])
    record_event(actor=actor, action=AuditAction.CONFLICT_DECLARED, obj=review,
                 municipality=review.application.municipality,
                 changes={"conflict": conflict, "reason": reason.strip()})
    return review


@service
def conflict_clear(*, actor: Actor, review: Review, reason: str) -> Review:
    """A case officer lifts a reviewer's declared conflict of interest (for example one
    declared by mistake), with the reason; the reviewer declares again."""
    review = _lock_review(review)
    check(can_handle(actor, review.application))
    if not review.conflict:
        raise ConflictError(_("The reviewer has not declared a conflict of interest."),
                            code=ErrorCode.NOTHING_TO_CHANGE)
    if not reason.strip():
        message = _("Give the reason for lifting the declaration.")
        raise ValidationError(message, fields={"reason": [message]})
    before = review.conflict_reason
    review.conflict, review.conflict_reason = None, ""
    review.save(update_fields=["conflict", "conflict_reason"])
    record_event(actor=actor, action=AuditAction.CONFLICT_CLEARED, obj=review,
                 municipality=review.application.municipality,
                 changes={"conflict": [True, None], "declared": before,
                          "reason": reason.strip()})
    return review


@service
def review_submit(*, actor: Actor, review: Review, scores: dict[int, int | None],
                  comment: str = "") -> Review:
    """Scores on the scale 1–5 per criterion of the fund (None: not applicable)."""
    review = _lock_review(review)
    check(can_review(actor, review))
    if review.conflict is None:
        raise ConflictError(_("Declare first whether you have a conflict of interest."),
                            code=ErrorCode.CONFLICT_NOT_DECLARED)
    if review.conflict:
        raise ConflictError(_("You have declared a conflict of interest and cannot assess "
                              "this application."), code=ErrorCode.CONFLICTED)
    if review.application.status not in IN_REVIEW:
        raise ConflictError(_("The application is no longer in review."),
                            code=ErrorCode.ILLEGAL_TRANSITION)
    criteria = {c.pk: c for c in Criterion.objects.filter(fund_id=review.application.fund_id)}
    if set(scores) != set(criteria):
        raise ValidationError(_("Score every criterion, or mark it not applicable."))
    for value in scores.values():
        if value is not None and not SCORE_MIN <= value <= SCORE_MAX:
            raise ValidationError(_("Scores are from %(low)s to %(high)s.")
                                  % {"low": SCORE_MIN, "high": SCORE_MAX})
    review.scores.all().delete()
    Score.objects.bulk_create([Score(review=review, criterion=criteria[pk], value=value)
                               for pk, value in scores.items()])
    review.comment, review.submitted_at = comment.strip(), timezone.now()
    review.save(update_fields=["comment", "submitted_at"])
    record_event(actor=actor, action=AuditAction.REVIEW_SUBMITTED, obj=review,
                 municipality=review.application.municipality,
                 changes={"scores": {criteria[pk].name: v for pk, v in scores.items()}})
    return review


@service
def review_save(*, actor: Actor, review: Review, conflict: bool | None = None,
                conflict_reason: str = "", scores: dict[int, int | None] | None = None,
                comment: str = "") -> Review:
    """The API's one call for a reviewer: the conflict declaration and/or the scores, all
    or nothing."""
    if conflict is not None:
        review = conflict_declare(actor=actor, review=review, conflict=conflict,
                                  reason=conflict_reason)
    if scores is not None:
        review = review_submit(actor=actor, review=review, scores=scores, comment=comment)
    if conflict is None and scores is None:
        raise ValidationError(_("Send a declaration of conflict of interest or scores."))
    return review
