"""Reads of payments and follow-ups, scoped like the applications they belong to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kompetensfond.applications.models import Application
from kompetensfond.applications.permissions import can_view_application
from kompetensfond.core.permissions import check, municipality_of
from kompetensfond.ledger.selectors import subject_balance
from kompetensfond.ledger.services import Subject
from kompetensfond.organisation.selectors import subtree_q, visible_unit_paths

from .models import FollowUp, FollowUpKind, FollowUpStatus, Payment, Qualification


@dataclass
class Money:
    """A grant's money: decided, paid, committed and not yet paid, and given back."""

    granted: Decimal
    paid: Decimal
    left: Decimal
    returned: Decimal


def grant_money(application: Application) -> Money | None:
    decision = getattr(application, "decision", None)
    if decision is None or not decision.amount:
        return None
    subject = Subject.of(application)
    balance = subject_balance(application.fund, subject.type, subject.id)
    paid = Payment.objects.filter(application=application).aggregate(
        total=Sum("amount"))["total"] or Decimal("0.00")
    returned = FollowUp.objects.filter(application=application).aggregate(
        total=Sum("returned"))["total"] or Decimal("0.00")
    return Money(granted=decision.amount, paid=paid, left=balance.committed, returned=returned)


def payments_of(application: Application) -> QuerySet[Payment]:
    return (Payment.objects.filter(application=application).select_related("created_by")
            .order_by("paid_on", "pk"))


def follow_ups_of(application: Application) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(application=application).prefetch_related(
        "qualifications__occupation_from", "qualifications__occupation_to").order_by(
        "due_date", "pk")


def access_follow_up(user: Any, pk: int | str) -> FollowUp:
    """The follow-up if the user may see its application; 404 for another municipality."""
    municipality = municipality_of(user)
    follow_up = get_object_or_404(
        FollowUp.objects.select_related("application", "application__fund",
                                        "application__unit", "application__municipality"),
        pk=pk, application__municipality=municipality)
    check(can_view_application(user, follow_up.application))
    return follow_up


DUE_SOON = timedelta(days=30)


def reports_due(user: Any) -> list[FollowUp]:
    """The manager's reports due within a month or overdue, for their subtree."""
    municipality = municipality_of(user)
    if municipality is None:
        return []
    qs = FollowUp.objects.filter(application__municipality=municipality,
                                 status=FollowUpStatus.DUE,
                                 due_date__lte=timezone.localdate() + DUE_SOON)
    paths = visible_unit_paths(user)
    if paths is not None:
        qs = qs.filter(subtree_q(paths, field="application__unit"))
    return list(qs.select_related("application", "application__unit")
                .order_by("due_date", "pk")[:10])


def reports_to_accept(user: Any) -> list[FollowUp]:
    municipality = municipality_of(user)
    if municipality is None:
        return []
    return list(FollowUp.objects.filter(application__municipality=municipality,
                                        status=FollowUpStatus.SUBMITTED)
                .select_related("application", "application__unit")
                .order_by("submitted_at", "pk")[:10])


def target_reached(targets: list[Any]) -> dict[int, int]:
    """How many each target has reached, from accepted reports of grants linked to its
    strategy: a *participants* target counts those who finished, a *qualified* target the
    qualifications from its occupation to its occupation."""
    from kompetensfond.plans.models import TargetKind

    reached: dict[int, int] = {}
    for target in targets:
        accepted = Q(follow_up__status=FollowUpStatus.ACCEPTED,
                     follow_up__application__strategies=target.strategy_id)
        if target.kind == TargetKind.QUALIFIED:
            reached[target.pk] = Qualification.objects.filter(
                accepted, occupation_from=target.occupation_from_id,
                occupation_to=target.occupation_to_id).aggregate(n=Sum("count"))["n"] or 0
        else:
            totals = FollowUp.objects.filter(
                status=FollowUpStatus.ACCEPTED, kind=FollowUpKind.FINAL,
                application__strategies=target.strategy_id).aggregate(
                w=Sum("completed_women"), m=Sum("completed_men"), o=Sum("completed_other"))
            reached[target.pk] = sum(v or 0 for v in totals.values())
    return reached
