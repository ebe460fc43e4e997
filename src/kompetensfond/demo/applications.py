"""Demo applications in every state, through the real services, in every demo fund."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from kompetensfond.applications.models import Outcome
from kompetensfond.applications.services import (
    Line,
    application_create,
    application_recommend,
    application_return,
    application_submit,
    application_withdraw,
    conflict_declare,
    criterion_create,
    decision_record_at_meeting,
    decision_record_delegated,
    review_submit,
    reviewers_assign,
)
from kompetensfond.core.models import Role
from kompetensfond.core.permissions import managed_unit_ids
from kompetensfond.funds.models import Earmark, Fund
from kompetensfond.ledger.selectors import fund_dashboard
from kompetensfond.organisation.models import OrgUnit
from kompetensfond.plans.selectors import guideline_of

from .funds import at_noon
from .organisation import DemoMunicipality

# (title, amount, state to leave it in)
SPREAD = [
    ("Handledning i utredningsarbete", "180000.00", "draft"),
    ("Motiverande samtal", "240000.00", "submitted"),
    ("Utbildning på arbetstid", "420000.00", "in_review"),
    ("Språkutveckling", "150000.00", "returned"),
    ("Traumamedveten omsorg", "320000.00", "recommended"),
    ("Vidareutbildning till bristyrke", "450000.00", "granted"),
    ("Utbildning i samtal med barn", "95000.00", "delegated"),
    ("Konferensresa utan koppling till planen", "60000.00", "rejected"),
    ("Kurs som ställdes in", "40000.00", "withdrawn"),
]
NEEDED = sum(Decimal(amount) for _t, amount, state in SPREAD
             if state in {"granted", "delegated"})


def _earmark_for(fund: Fund, unit: OrgUnit) -> Earmark | None:
    """None when the fund has enough unearmarked money; else the earmark open to the
    unit's administration with the most money left (Botkyrka's frames, Örebro's pots)."""
    board = fund_dashboard(fund, today=fund.end_date)
    if board.balance.unearmarked >= NEEDED:
        return None
    root = int(unit.path.strip("/").split("/")[0])
    candidates = [e for e in fund.earmarks.all()
                  if e.administration_id in (None, root)
                  and board.earmarks.get(e.pk) and board.earmarks[e.pk].available >= NEEDED]
    return max(candidates, key=lambda e: board.earmarks[e.pk].available, default=None)


def build_applications(demo: DemoMunicipality, fund: Fund | None) -> int:
    """Applications in every state. For a fund in use they are decided today; for a fund
    whose period is over, a month before its end (and built before its guidelines, whose
    application rounds are long closed). They were applied for a month before the meeting
    that decided them, a week before that day."""
    if fund is None:
        return 0
    today = timezone.localdate()
    on = today if fund.start_date <= today <= fund.end_date else (
        fund.end_date - timedelta(days=30))
    manager = demo.users[Role.UNIT_MANAGER]
    officer = demo.users[Role.FUND_ADMIN]
    secretary = demo.users[Role.SECRETARY]
    reviewer = demo.users[Role.REVIEWER]
    root = next(iter(managed_unit_ids(manager)))
    units = ([u for u in demo.units.values() if u.parent_id == root]
             or [u for u in demo.units.values() if u.pk == root])
    earmark = _earmark_for(fund, units[0])
    criteria = [criterion_create(actor=officer, fund=fund, name=name, weight=weight)
                for name, weight in (("Koppling till strategierna", 3), ("Bristyrke", 2),
                                     ("Jämställdhet", 1), ("Kostnad per deltagare", 2))]
    applied = max(on - timedelta(days=37), fund.start_date)
    meeting_on = max(on - timedelta(days=7), applied)
    guideline = guideline_of(fund)
    for n, (title, amount, state) in enumerate(SPREAD, start=1):
        application = application_create(
            actor=manager, fund=fund, unit=units[n % len(units)], title=title,
            purpose="Kompetensutveckling enligt enhetens plan.", participants_women=6 + n,
            participants_men=2, cofunding="25000.00", earmark=earmark,
            # an earmark for some occupations or strategies funds only applications for them
            occupations=earmark.occupations.all() if earmark else (),
            strategies=earmark.strategies.all() if earmark else (),
            lines=[Line("course_fee", on.year, amount)], at=applied)
        if state == "draft":
            continue
        application_submit(actor=manager, application=application, at=at_noon(applied))
        if state == "submitted":
            continue
        if state == "withdrawn":
            application_withdraw(actor=manager, application=application,
                                 reason="Kursen ställdes in av utbildaren.")
            continue
        reviewers_assign(actor=officer, application=application, reviewers=[reviewer])
        review = application.reviews.get()
        conflict_declare(actor=reviewer, review=review, conflict=False)
        if state == "in_review":
            continue
        review_submit(actor=reviewer, review=review,
                      scores={c.pk: (None if c.name == "Bristyrke" and n % 2 else 2 + n % 4)
                              for c in criteria}, comment="Bedömd enligt kriterierna.")
        if state == "returned":
            application_return(actor=officer, application=application,
                               reason="Bifoga utbildningsanordnarens kursplan.")
            continue
        outcome = Outcome.REJECTED if state == "rejected" else Outcome.GRANTED
        application_recommend(actor=officer, application=application, outcome=outcome,
                              amount=None, reason="Saknar koppling till strategierna."
                              if outcome == Outcome.REJECTED else "Bygger på planen.")
        if state == "recommended":
            continue
        if state == "delegated" and guideline is not None and guideline.delegations.exists():
            decision_record_delegated(actor=officer, application=application, on=on,
                                      outcome=Outcome.GRANTED, case_number=f"{on.year}/{n}")
        else:
            decision_record_at_meeting(actor=secretary, application=application, on=meeting_on,
                                       outcome=outcome, case_number=f"{on.year}/{100 + n}",
                                       reason="" if outcome == Outcome.GRANTED
                                       else "Saknar koppling till kompetensförsörjningsplanen.")
    return len(SPREAD)
