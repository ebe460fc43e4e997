"""Payments and follow-up of the demo grants, through the real services: a closed fund's
grants are paid, reported and accepted (so its money, participants by gender and
qualifications show in the reports); a running fund's first grant has its first payment,
the others wait. The case officer registers the reports the units sent in."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from kompetensfond.applications.models import Application, Status
from kompetensfond.core.models import Role
from kompetensfond.followup.models import FollowUp, FollowUpStatus
from kompetensfond.followup.rules import committed_left
from kompetensfond.followup.services import (
    QualificationLine,
    follow_up_accept,
    follow_up_submit,
    payment_register,
)
from kompetensfond.funds.models import Fund

from .organisation import DemoMunicipality

# A grant whose title names a change of occupation qualifies some of those who finished.
QUALIFYING = {"förskollärare": ("5311", "2343"), "undersköterska": ("5330", "5321"),
              "specialistundersköterska": ("5321", "5321")}


def _qualification(title: str, finished: int) -> list[QualificationLine]:
    lowered = title.lower()
    for word, (start, end) in QUALIFYING.items():
        if word in lowered and start != end:
            return [QualificationLine(start, end, max(1, finished * 3 // 4))]
    return []


def build_follow_up(demo: DemoMunicipality, fund: Fund) -> int:
    """Pay and follow up the fund's granted applications; returns how many were paid."""
    officer = demo.users[Role.FUND_ADMIN]
    today = timezone.localdate()
    ended = fund.end_date < today
    granted = (Application.objects.filter(fund=fund, status__in=(
        Status.GRANTED, Status.PARTLY_GRANTED, Status.IN_PROGRESS))
               .select_related("decision").order_by("pk"))
    paid = 0
    for n, application in enumerate(granted, start=1):
        if not ended and n > 1:  # the rest stay granted and unpaid, as in real life
            break
        decision = application.decision
        left = committed_left(application)
        amount = min(left, decision.amount if ended
                     else (decision.amount / 2).quantize(Decimal("1")))
        if amount > 0:
            on = min(decision.decided_on + timedelta(days=30), today)
            payment_register(actor=officer, application=application, amount=amount, on=on,
                             voucher=f"{fund.start_date.year}-{fund.pk}-{n:04d}")
            paid += 1
        amount = decision.amount - committed_left(application)  # paid in all
        if not ended:
            continue
        women, men = application.participants_women, application.participants_men
        people = {"started_women": women, "started_men": men, "started_other": 0,
                  "completed_women": max(0, women - 1), "completed_men": men,
                  "completed_other": 0, "dropped_women": min(1, women), "dropped_men": 0,
                  "dropped_other": 0}
        cost = (amount * Decimal("0.94")).quantize(Decimal("0.01"))
        for follow_up in FollowUp.objects.filter(application=application,
                                                 status=FollowUpStatus.DUE):
            follow_up_submit(actor=officer, follow_up=follow_up,
                             costs={"course_fee": f"{cost:.2f}"}, people=people,
                             narrative="Utbildningen genomfördes enligt planen.",
                             qualifications=_qualification(
                                 application.title, people["completed_women"] + men))
            follow_up_accept(actor=officer, follow_up=follow_up)
    return paid
