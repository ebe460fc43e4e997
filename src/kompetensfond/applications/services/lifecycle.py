"""The life cycle before a decision: submit, take into review, return for completion,
withdraw and propose a decision."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from kompetensfond.core.actors import Actor
from kompetensfond.core.errors import ConflictError, ValidationError
from kompetensfond.core.permissions import check
from kompetensfond.core.services import service
from kompetensfond.plans.selectors import guideline_of

from ..codes import ErrorCode
from ..lifecycle import TRANSITIONS, require_transition
from ..models import Application, Criterion, Outcome, Status
from ..notifications import fund_admins, notify
from ..rules import decided_amount
from ..selectors import findings_for, requested_amount
from ._common import GuidelineError, _lock_application, _transition_apply


@service
def application_submit(*, actor: Actor, application: Application,
                       at: datetime | None = None) -> Application:
    """Submit (or resubmit) the application. The guideline check runs now: an error blocks,
    warnings go with the application to the reviewers. ``at`` registers a submission of
    the past (the demo's history); people always submit now."""
    application = _lock_application(application)
    check(TRANSITIONS["submit"].permission(actor, application))
    require_transition(application, "submit")
    at = at or timezone.now()
    findings = findings_for(application, at=at)
    if any(f.blocks for f in findings):
        raise GuidelineError(findings)
    application.submitted_at = at
    _transition_apply(application, "submit", Status.SUBMITTED, actor=actor,
                     reason="; ".join(f.message for f in findings))
    notify("submitted", application, fund_admins(application))
    return application


@service
def application_start_review(*, actor: Actor, application: Application) -> Application:
    application = _lock_application(application)
    check(TRANSITIONS["start_review"].permission(actor, application))
    return _transition_apply(application, "start_review", Status.IN_REVIEW, actor=actor)


@service
def application_return(*, actor: Actor, application: Application,
                       reason: str) -> Application:
    """Ask the applicant to complete the application (the reason tells what is missing)."""
    application = _lock_application(application)
    check(TRANSITIONS["return"].permission(actor, application))
    if not reason.strip():
        message = _("Say what the applicant needs to complete.")
        raise ValidationError(message, fields={"reason": [message]})
    _transition_apply(application, "return", Status.RETURNED, actor=actor,
                     reason=reason.strip())
    notify("returned", application, [application.contact], reason=reason.strip())
    return application


@service
def application_withdraw(*, actor: Actor, application: Application,
                         reason: str = "") -> Application:
    application = _lock_application(application)
    check(TRANSITIONS["withdraw"].permission(actor, application))
    return _transition_apply(application, "withdraw", Status.WITHDRAWN, actor=actor,
                            reason=reason.strip())


def _check_reviewed(application: Application) -> None:
    """When the fund assesses applications against criteria, a proposal rests on at least
    one submitted assessment (the guideline may turn this off for small funds)."""
    guideline = guideline_of(application.fund)
    if guideline is not None and not guideline.proposal_requires_review:
        return
    if not Criterion.objects.filter(fund_id=application.fund_id).exists():
        return
    if not application.reviews.filter(submitted_at__isnull=False, conflict=False).exists():
        raise ConflictError(_("The application has no submitted assessment yet: a proposal "
                              "rests on at least one."), code=ErrorCode.REVIEW_REQUIRED)


@service
def application_recommend(*, actor: Actor, application: Application, outcome: str,
                          amount: Decimal | str | None, reason: str) -> Application:
    """The case officer's proposal to the body or delegate: grant, grant in part (with the
    amount) or reject (with reasons)."""
    application = _lock_application(application)
    check(TRANSITIONS["recommend"].permission(actor, application))
    require_transition(application, "recommend")
    proposed = decided_amount(outcome, amount, requested_amount(application))
    if outcome == Outcome.REJECTED and not reason.strip():
        raise ValidationError(_("Give the reasons for rejecting."),
                              fields={"reason": [_("Give the reasons for rejecting.")]})
    _check_reviewed(application)
    application.recommendation = outcome
    application.recommended_amount = proposed
    application.recommendation_reason = reason.strip()
    application.save(update_fields=["recommendation", "recommended_amount",
                                    "recommendation_reason"])
    return _transition_apply(application, "recommend", Status.RECOMMENDED, actor=actor,
                            reason=reason.strip())
